"""The rhetoric stage on passages we wrote."""

from powermap.summary import marked_text


def techniques(analysis):
    return {(t.technique, t.text, t.target) for t in analysis.rhetoric}


def test_name_calling_aimed_at_its_target(analyse):
    analysis = analyse("Opinion: A vassal\n\nLukashenko is Putin's lackey. The despot in Minsk fears his people.")
    found = techniques(analysis)
    assert ("name_calling", "lackey", "person:alexander-lukashenko") in found
    assert any(name == "name_calling" and text == "despot" for name, text, _ in found)
    assert not any(target == "person:vladimir-putin" for name, _, target in found if name == "name_calling")


def test_loaded_language_through_a_pronoun(analyse):
    analysis = analyse("Lukashenko spoke again. In his paranoid mind, everyone is a spy.")
    assert ("loaded_language", "paranoid", "person:alexander-lukashenko") in techniques(analysis)


def test_patterns_and_cliches(analyse):
    analysis = analyse("Either Belarus joins the war or the regime falls. Glory to Ukraine! It is what it is.")
    names = {t.technique for t in analysis.rhetoric}
    assert {"black_and_white_fallacy", "slogans", "thought_terminating_cliche"} <= names


def test_genre_from_its_features(analyse):
    report = analyse("Troops leave\n\nKYIV, May 2 (Reuters) - Russia withdrew two battalions on Tuesday, "
                     "the ministry said. \"The units have left,\" a spokesman told reporters.")
    assert report.genre.label == "reporting"
    assert any(reason.startswith("dateline_or_wire_credit") for reason in report.genre.reasons)
    opinion = analyse("Opinion: We must not look away\n\nI believe the dictator in Minsk is a puppet. "
                      "We have watched his brutal crackdown for years.\n\nJan Novak\nPrague")
    assert opinion.genre.label == "opinion"
    assert any(reason.startswith("section=opinion") for reason in opinion.genre.reasons)


def test_stance_of_author_and_of_quoted_speaker(analyse):
    analysis = analyse('The brave Zelensky visited the front. "Lukashenko is a criminal," Zelensky said.')
    stances = {(s.actor, s.held_by): s.value for s in analysis.stance}
    assert stances[("person:volodymyr-zelensky", "author")] > 0
    assert stances[("person:alexander-lukashenko", "person:volodymyr-zelensky")] < 0
    assert ("person:alexander-lukashenko", "author") not in stances


def test_marked_text_keeps_every_character(analyse):
    analysis = analyse("Lukashenko is Putin's minion. It is what it is.")
    document = analysis.to_document().dump()
    marked = marked_text(document).plain
    assert marked.replace("⟦name_calling⟧", "").replace("⟦thought_terminating_cliche⟧", "") == document["text"]
    for technique in document["rhetoric"]:
        assert document["text"][technique["start"] : technique["end"]] == technique["text"]
