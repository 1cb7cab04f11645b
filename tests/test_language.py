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
