from powermap.analysis import Analysis, Source
from powermap.language import DetectLanguage, detect


def test_english_is_parsed_other_languages_are_marked(pipeline):
    russian = "Президент Беларуси Александр Лукашенко заявил, что армия готова к учениям с Россией."
    analysis = pipeline.analyse_text(russian)
    assert analysis.language == "ru" and not analysis.english
    assert analysis.actors == [] and analysis.doc is None
    assert any("not parsed" in w for w in analysis.warnings)


def test_chinese_and_english_detection():
    assert detect("俄罗斯和白俄罗斯同意部署联合区域部队，白俄罗斯总统卢卡申科表示。这是一个重要的决定。")[0] == "zh"
    assert detect("Poland and Lithuania agreed to hold joint air defence drills next spring.")[0] == "en"


def test_too_short_to_tell_is_analysed_as_english():
    analysis = Analysis(source=Source(label="t", format="text"), text="Putin.")
    DetectLanguage()(analysis)
    assert analysis.language is None and analysis.english


# One-line English reports the model is unsure about (it named `pcm` or `la` for such lines).
SHORT_ENGLISH = ["Lukashenko met Putin in Sochi on Friday.", "Tokayev visited Minsk on Monday.",
                 "NATO allies met in Vilnius in July.", "Russia sent troops to Belarus."]
# One-line reports in other languages, written for this test: they must keep their language.
SHORT_OTHER = {"de": "Der Präsident sagte, er werde nicht zum Gipfel nach Minsk reisen.",
               "pl": "Prezydent powiedział, że nie pojedzie na szczyt do Mińska.",
               "nl": "De president zei dat hij niet naar de top in Minsk gaat.",
               "fr": "Le président a dit qu'il ne viendra pas au sommet de Minsk."}


def test_a_short_english_sentence_is_english_however_unsure_the_model_is(pipeline):
    for text in SHORT_ENGLISH:
        assert detect(text)[0] == "en", text
        analysis = pipeline.analyse_text(text)
        assert analysis.language == "en" and analysis.english and analysis.doc is not None


def test_short_text_in_another_language_keeps_its_language():
    for language, text in SHORT_OTHER.items():
        assert detect(text)[0] == language, text


def test_the_english_fallback_needs_english_words_ascii_letters_and_a_short_text():
    from powermap.language import _short_english, load_short_text

    assert _short_english("Lukashenko met Putin in Sochi on Friday.")
    assert not _short_english("Lukashenko traf Putin in Sotschi am Freitag zum Gespräch.".replace("in ", ""))
    assert not _short_english("Лукашенко met Putin in Сочи on Пятница in the morning.")
    assert not _short_english("Lukashenko met Putin in Sochi on Friday. " * load_short_text().short_letters)


def test_a_long_text_of_hardly_any_letters_is_stored_unparsed(pipeline):
    emoji = "".join(chr(0x1F600 + (i * 7) % 80) + (" " if i % 9 == 0 else "") for i in range(5000))
    analysis = pipeline.analyse_text("Emoji\n\n" + emoji)
    assert analysis.problem is None and not analysis.english and analysis.doc is None
    assert any("hardly any letters" in w for w in analysis.warnings)
    document = analysis.to_document()
    assert document.text.endswith(emoji[-20:])
