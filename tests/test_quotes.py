"""The quotes stage on passages we wrote for each hard case."""

from powermap.quotes import quoted_spans


def spans_text(text):
    return [text[s:e] for s, e in quoted_spans(text, 4, 6)]


def test_quote_marks_of_every_style_and_scare_quotes():
    text = ("He said: “We will not send troops.” She replied «Our army stays at home today» and "
            "„Wir bleiben hier zu Hause heute“ was printed. The ‘special operation’ went on.")
    assert spans_text(text) == ["We will not send troops.", "Our army stays at home today",
                                "Wir bleiben hier zu Hause heute"]


def test_multi_paragraph_quote_is_one_quote():
    text = "He said: “The first paragraph goes on here.\n\n“The second one ends the quote.” Then more."
    (quote,) = spans_text(text)
    assert quote.startswith("The first") and quote.endswith("ends the quote.")


def test_split_quote_keeps_both_halves(analyse):
    analysis = analyse('"Our troops," Lukashenko said, "will stay on our own soil for now."')
    assert [q.text for q in analysis.quotes] == ["Our troops,", "will stay on our own soil for now."]
    assert {q.speaker for q in analysis.quotes} == {"person:alexander-lukashenko"}
    assert {q.cue.lemma for q in analysis.quotes} == {"say"}


def test_role_phrase_speaker_and_wire_source(pipeline):
    from powermap.analysis import Source

    text = ("Headline\n\nMINSK, 3 May (BelTA) – “We agreed to deploy a joint group of forces,” "
            "the Belarusian leader said.")
    analysis = next(pipeline.pipe([Source(label="t", format="jsonl", raw=text, body=text, published="2023-05-03")]))
    (quote,) = [q for q in analysis.quotes if q.kind == "direct"]
    assert quote.speaker == "person:alexander-lukashenko"
    assert quote.speaker_text.text == "the Belarusian leader"
    assert quote.source == "media:belta"


def test_indirect_speech_and_according_to(analyse):
    analysis = analyse("Peskov told reporters that the drills were purely defensive. "
                       "According to Reuters, the troops left on Monday.")
    kinds = {(q.kind, q.text, q.speaker, q.source) for q in analysis.quotes}
    assert ("indirect", "that the drills were purely defensive", "person:dmitry-peskov", None) in kinds
    assert ("indirect", "the troops left on Monday", "media:reuters", "media:reuters") in kinds


def test_evidence_of_quotes(analyse):
    analysis = analyse('Lukashenko said: "Russia cannot deal with another conflict now," BelTA reported.')
    for quote in analysis.quotes:
        for span in (quote, quote.speaker_text, quote.cue):
            if span is not None:
                assert analysis.text[span.start : span.end] == span.text
    assert analysis.quotes[0].source == "media:belta"


def test_quoted_fragment_in_reported_speech_is_mixed_and_scare_quotes_are_dropped(analyse):
    analysis = analyse('Trump said he believed that tariffs were a "very, very strong tool" against unfair trade. '
                       'The so-called "golden age of the brave new economy" never arrived.')
    assert [(q.kind, q.text, q.speaker) for q in analysis.quotes] == [
        ("mixed", 'he believed that tariffs were a "very, very strong tool" against unfair trade',
         "person:donald-trump"),
    ]  # "he believed ..." is Trump's own view inside what he said: no second attribution


def test_participle_and_relative_clause_speakers(analyse):
    analysis = analyse("Zelensky addressed parliament, saying that the army would hold the line. "
                       "It was Lukashenko who said that Minsk would never join the war.")
    speakers = {q.text: q.speaker for q in analysis.quotes}
    assert speakers["that the army would hold the line"] == "person:volodymyr-zelensky"
    assert speakers["that Minsk would never join the war"] == "person:alexander-lukashenko"


def test_parenthetical_cue(analyse):
    analysis = analyse("The deal, Lavrov said, was dead long before the summit began.")
    (quote,) = analysis.quotes
    assert quote.speaker == "person:sergey-lavrov" and quote.cue.lemma == "say"
    assert quote.text.startswith("The deal") and quote.text.endswith("the summit began")


def test_transcript_label_is_a_speaker(analyse):
    analysis = analyse("Transcript\n\nPUTIN: We will answer any threat to the Union State.\n")
    (quote,) = analysis.quotes
    assert quote.speaker_text.text == "PUTIN" and quote.text == "We will answer any threat to the Union State"


def test_signed_quote_titles_and_labels(analyse):
    analysis = analyse(
        "Readers wrote in.\n\n“The sanctions hurt ordinary people, not the regime.” ― Olga Petrova\n\n"
        "Congress passed the “Justice Against Sponsors of Terrorism Act” on Friday.\n\n"
        '"WALLACE: Will the troops stay there for the whole winter?"'
    )
    by_text = {q.text: q for q in analysis.quotes}
    signed = by_text["The sanctions hurt ordinary people, not the regime."]
    assert signed.speaker_text.text == "Olga Petrova" and signed.cue.text == "―"
    assert not any("Justice Against" in q.text for q in analysis.quotes)
    labelled = by_text["Will the troops stay there for the whole winter?"]
    assert labelled.speaker_text.text == "WALLACE" and labelled.cue.text == ":"


def test_stance_verbs_and_feelings_report_views(analyse):
    analysis = analyse("The Kremlin called the sanctions illegal and pointless. "
                       "Protesters in Minsk were frustrated that the police released only some of the video.")
    by_text = {q.text: q for q in analysis.quotes}
    assert by_text["the sanctions illegal and pointless"].speaker == "state:RUS"
    frustrated = by_text["that the police released only some of the video"]
    assert frustrated.speaker_text.text == "Protesters in Minsk" and frustrated.cue.text == "frustrated"


def test_short_questions_and_exclamations_are_speech_but_short_phrases_are_not():
    text = 'Protesters chanted "What curfew?" and called the rules "purely defensive" again.'
    assert spans_text(text) == ["What curfew?"]


def test_continued_beside_a_quote_is_its_cue_but_not_elsewhere(analyse):
    analysis = analyse("“Minsk has no say in this matter at all,” Peskov said. "
                       "He continued, “Our soldiers will stay where they are until spring comes.” "
                       "The fighting continued for another week.")
    second = next(q for q in analysis.quotes if q.text.startswith("Our soldiers"))
    assert second.cue is not None and second.cue.lemma == "continue"
    assert second.speaker == "person:dmitry-peskov"


def test_reported_clause_without_that_after_an_adverbial(analyse):
    analysis = analyse("Lukashenko said after the summit he would not accept any Russian base on Belarusian soil.")
    (quote,) = [q for q in analysis.quotes if q.cue and q.cue.lemma == "say"]
    assert quote.text == "he would not accept any Russian base on Belarusian soil"
    assert quote.speaker == "person:alexander-lukashenko"


def test_reason_the_parser_hangs_on_the_cue_stays_in_the_content(analyse):
    analysis = analyse("Zelensky said that the referendum was a sham, because nobody could vote freely "
                       "under occupation.")
    (quote,) = [q for q in analysis.quotes if q.cue and q.cue.lemma == "say"]
    assert quote.text.startswith("that the referendum was a sham")
    assert quote.text.endswith("under occupation")


def test_according_to_source_stops_at_the_comma(analyse):
    analysis = analyse("According to the Belarusian opposition leader Sviatlana Tsikhanouskaya, the vote "
                       "reeks of fear and fraud.")
    (quote,) = analysis.quotes
    assert quote.speaker_text.text == "the Belarusian opposition leader Sviatlana Tsikhanouskaya"
    assert quote.text == "the vote reeks of fear and fraud"


def test_a_finding_reports_its_clause(analyse):
    analysis = analyse("The satellite image shows Russian bombers standing at the airfield near Baranovichi.")
    (quote,) = analysis.quotes
    assert quote.cue.lemma == "show"
    assert quote.text.startswith("Russian bombers standing")


def test_headline_label_is_a_paraphrase_and_transcript_turns_are_split(analyse):
    analysis = analyse(
        "Poll: Belarusians Distrust the Union State With Russia\n\n"
        "Partial transcript of the interview:\n\n"
        "\"HOST: Will Belarusian troops ever cross into Ukraine, in your view?\n\n"
        "\"MAKEI: Our army will defend our own borders and nothing else, I can promise you that.\n\n"
        "\"HOST: Thank you for coming on the programme tonight.\"\n")
    headline = next(q for q in analysis.quotes if q.speaker_text and q.speaker_text.text == "Poll")
    assert headline.kind == "indirect"
    assert headline.text == "Belarusians Distrust the Union State With Russia"
    turns = [(q.speaker_text.text, q.text[:20]) for q in analysis.quotes if q.kind == "direct"]
    assert turns == [("HOST", "Will Belarusian troo"), ("MAKEI", "Our army will defend"),
                     ("HOST", "Thank you for coming")]


def test_words_after_a_speech_verb_and_colon_are_quoted_without_marks(analyse):
    analysis = analyse("Tsikhanouskaya added:\n\nThe regime is afraid of its own people. It always was.\n\n"
                       "The talks ended on Monday.")
    (quote,) = analysis.quotes
    assert quote.text == "The regime is afraid of its own people. It always was"
    assert quote.speaker_text.text == "Tsikhanouskaya" and quote.cue.text == "added"


def test_topic_and_object_of_speech_verbs(analyse):
    analysis = analyse("Lukashenko spoke of a new era of brotherly integration. "
                       "Peskov noted the growing number of joint exercises. "
                       "The opposition called for releasing every political prisoner.")
    contents = {q.cue.lemma: q.text for q in analysis.quotes}
    assert contents["speak"] == "a new era of brotherly integration"
    assert contents["note"] == "the growing number of joint exercises"
    assert contents["call"] == "releasing every political prisoner"


def test_a_speakers_own_view_inside_what_they_said_is_not_a_second_quote(analyse):
    analysis = analyse("Lukashenko said he plans to visit Moscow in the spring to sign the new treaty.")
    assert [(q.cue.lemma, q.text) for q in analysis.quotes] == [
        ("say", "he plans to visit Moscow in the spring to sign the new treaty")]
