"""The rhetoric stage on passages we wrote."""

import json
import re

import pytest

from powermap.datafiles import GENRES
from powermap.eval.genre import evaluate_folder
from powermap.learn import genre as genre_module
from powermap.learn.genre import FEATURES, GenreModel, genre_features
from powermap.rhetoric import AnalyseRhetoric, LexiconMatcher
from powermap.summary import marked_text
from tests.conftest import ROOT


def techniques(analysis):
    """What the word lists match, with targets: the rules under the learned layer (tests/test_techniques.py)."""
    matches = LexiconMatcher().matches(analysis, analysis.doc, analysis.mention_owners())
    return {(t.technique, t.text, t.target) for t in matches}


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
    names = {name for name, _, _ in techniques(analysis)}
    assert {"black_and_white_fallacy", "slogans", "thought_terminating_cliche"} <= names


def test_genre_from_its_features(analyse):
    report = analyse("Troops leave\n\nKYIV, May 2 (Reuters) - Russia withdrew two battalions on Tuesday, "
                     "the ministry said. \"The units have left,\" a spokesman told reporters.")
    assert report.genre.label == "reporting"
    assert report.genre.reasons and all(re.fullmatch(r"\w+=-?[\d.]+ \(\+[\d.]+\)", r) for r in report.genre.reasons)
    opinion = analyse("Opinion: We must not look away\n\nI believe the dictator in Minsk is a puppet. "
                      "We have watched his brutal crackdown for years.\n\nJan Novak\nPrague")
    assert opinion.genre.label == "opinion"
    assert opinion.genre.reasons == ["section_opinion=1.00 (the page's own label)"]


def test_us_is_the_country_not_the_pronoun(analyse):
    report = genre_features(analyse("US officials said on Monday that the U.S. would send more aid to the US "
                                    "embassy. The US Senate voted 60 to 40."))
    assert report["first_person_plural"] == 0
    column = genre_features(analyse("We should stop pretending. Our leaders owe us the truth, and we know it."))
    assert column["first_person_plural"] > 5


def test_words_in_quotations_are_not_the_authors(analyse):
    quoted = genre_features(analyse('The minister spoke on Monday. "This is a shameful, disgraceful and '
                                    'outrageous betrayal," she said.'))
    own = genre_features(analyse("The minister spoke on Monday. This is a shameful, disgraceful and "
                                 "outrageous betrayal, she said."))
    assert quoted["opinion_cues"] == 0 < own["opinion_cues"]
    assert quoted["evaluative_words"] < own["evaluative_words"]
    assert quoted["quoted_share"] > 0.3 and own["quoted_share"] == 0


def test_the_learned_model_decides_on_texts_we_wrote(analyse):
    model = GenreModel.load()
    assert model.features == list(FEATURES) and set(model.classes) == set(GENRES)
    wire = analyse("Port reopens after strike\n\nLAGOS, March 3 (Reuters) - Nigeria's largest port reopened on "
                   "Thursday after a four-day strike by dock workers ended, the port authority said. \"Ships are "
                   "moving again,\" a spokesman told reporters. Union leaders said they had won a 15 percent pay "
                   "rise. \"We are satisfied for now,\" said union official Musa Bello.")
    column = analyse("I have lived in this city for thirty years, and I have never been so ashamed of its "
                     "leaders. They promised us clean water. They gave us excuses. We deserve better, and we "
                     "should say so loudly. Enough is enough. I will not vote for any of them again.")
    assert wire.genre.label == "reporting"
    assert column.genre.label == "opinion"
    label, probability, reasons = model.decide(genre_features(column))
    assert label == "opinion" and 0 < probability <= 1 and reasons


def test_without_a_model_the_rules_decide_and_say_so(analyse, monkeypatch, tmp_path):
    monkeypatch.setattr(genre_module, "MODEL_PATH", tmp_path / "missing.json")
    stage = AnalyseRhetoric()
    analysis = analyse("Troops leave\n\nKYIV, May 2 (Reuters) - Russia withdrew two battalions on Tuesday, "
                       "the ministry said. \"The units have left,\" a spokesman told reporters.")
    stage(analysis)
    assert analysis.genre.label == "reporting"
    assert analysis.genre.reasons[-1].startswith("rule scores (no genre model at")


def test_training_is_reproducible_on_a_small_subset(pipeline, tmp_path):
    records = [line for path in sorted((ROOT / "training" / "genre").glob("*.jsonl"))
               for line in path.read_text(encoding="utf-8").splitlines()]
    by_genre: dict[str, list[str]] = {}
    for line in records:
        by_genre.setdefault(json.loads(line)["genre"], []).append(line)
    subset = tmp_path / "subset.jsonl"
    subset.write_text("".join(line + "\n" for lines in by_genre.values() for line in lines[:3]), encoding="utf-8")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    card = genre_module.train([subset], first, pipeline=pipeline)
    genre_module.train([subset], second, pipeline=pipeline)
    assert first.read_text() == second.read_text()
    assert card["documents"] == 3 * len(GENRES) and card["seed"] == genre_module.SEED
    assert GenreModel.load(first).classes == sorted(GENRES)


def test_a_folder_of_texts_of_one_genre(pipeline, tmp_path):
    (tmp_path / "a.txt").write_text("Dam opens\n\nCAIRO, June 4 (Reuters) - Egypt opened a dam on Monday, "
                                    "officials said. \"It is finished,\" the minister told reporters.")
    (tmp_path / "b.txt").write_text("Opinion: Stop the dam\n\nI think this dam is a disaster, and we must say so.")
    report = evaluate_folder(tmp_path, "reporting", pipeline)
    assert report.scores()["texts"] == 2
    assert report.predicted["opinion"] == 1 and [m["file"] for m in report.misses] == ["b.txt"]


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
    assert document["rhetoric"] and "⟦" in marked
    assert re.sub(r"⟦[a-z_]+⟧", "", marked) == document["text"]
    for technique in document["rhetoric"]:
        assert document["text"][technique["start"] : technique["end"]] == technique["text"]


def test_a_bad_training_record_is_named_with_its_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "genre": "reporting", "text": "' + "word " * 20 + '"}\n'
                    '{"id": "b", "genre": "news", "text": "' + "word " * 20 + '"}\n', encoding="utf-8")
    with pytest.raises(genre_module.GenreError, match=r"bad.jsonl:2: genre: .*'news' is not a genre"):
        genre_module.read_records([path])


def test_genre_commands_refuse_bad_arguments(tmp_path):
    from typer.testing import CliRunner

    from powermap.cli import app

    missing = CliRunner().invoke(app, ["train", "genre", str(tmp_path / "none"), "-o", str(tmp_path / "m.json")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    assert not (tmp_path / "m.json").exists()
    (tmp_path / "a.txt").write_text("A text.", encoding="utf-8")
    wrong = CliRunner().invoke(app, ["eval", "genre", str(tmp_path), "--expect", "news"])
    assert wrong.exit_code == 2 and "'news' is not a genre" in wrong.output
