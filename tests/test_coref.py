"""The coreference stage (actors/coref.py) on sentences we wrote, its rules on hand-built parses, and the
checker of the annotated set (python -m powermap.learn.coref) on broken records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powermap.actors import coref
from powermap.actors.coref import ResolveCoreference
from powermap.analysis import Analysis
from powermap.learn.coref import main as check_main
from powermap.learn.coref import read_set
from powermap.learn.corpus import CorpusError
from powermap.pipeline import Pipeline
from tests.handmade import actor, analysis, doc

PUTIN, PRIGOZHIN, PESKOV, LAVROV = ("person:vladimir-putin", "person:yevgeny-prigozhin", "person:dmitry-peskov",
                                    "person:sergey-lavrov")
CHN, POL, LTU = "state:CHN", "state:POL", "state:LTU"


@pytest.fixture(scope="module")
def stage() -> ResolveCoreference:
    return ResolveCoreference()


def links(work: Analysis, kinds: tuple[str, ...] = ("pronoun", "description")) -> list[tuple[str, str]]:
    """(mention text, actor id) of every mention coreference added, in text order."""
    found = [(m.start, m.text, a.id) for a in work.actors for m in a.mentions if m.kind in kinds]
    return [(text, actor_id) for _, text, actor_id in sorted(found)]


# -- rules on hand-built parses ------------------------------------------------------------------------
def test_a_pronoun_object_is_not_its_clauses_subject(stage: ResolveCoreference):
    parsed = doc([("Prigozhin", 1, "nsubj", "PROPN"), ("marched", 1, "ROOT", "VERB", "march"),
                  (".", 1, "punct", "PUNCT"), ("Putin", 4, "nsubj", "PROPN"), ("called", 4, "ROOT", "VERB", "call"),
                  ("him", 4, "dobj", "PRON"),
                  ("a", 7, "det", "DET"), ("traitor", 4, "oprd", "NOUN"), (".", 4, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, PRIGOZHIN, "Yevgeny Prigozhin", (0, 1, "name")),
                    actor(parsed, PUTIN, "Vladimir Putin", (3, 4, "name")))
    stage(work)
    assert links(work) == [("him", PRIGOZHIN)]


def test_a_pronoun_in_a_fronted_clause_points_forward(stage: ResolveCoreference):
    # Putin is named before, but "Before he left, Peskov spoke": he is Peskov
    parsed = doc([("Putin", 1, "nsubj", "PROPN"), ("waited", 1, "ROOT", "VERB", "wait"), (".", 1, "punct", "PUNCT"),
                  ("Before", 5, "mark", "SCONJ"), ("he", 5, "nsubj", "PRON"), ("left", 8, "advcl", "VERB", "leave"),
                  (",", 8, "punct", "PUNCT"), ("Peskov", 8, "nsubj", "PROPN"), ("spoke", 8, "ROOT", "VERB", "speak"),
                  (".", 8, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, PUTIN, "Vladimir Putin", (0, 1, "name")),
                    actor(parsed, PESKOV, "Dmitry Peskov", (7, 8, "name")))
    stage(work)
    assert links(work) == [("he", PESKOV)]


def test_it_takes_an_actor_subject_but_not_a_thing_before_it(stage: ResolveCoreference):
    rows = [("Beijing", 1, "nsubj", "PROPN"), ("condemned", 1, "ROOT", "VERB", "condemn"), ("the", 3, "det", "DET"),
            ("plan", 1, "dobj", "NOUN"), ("and", 1, "cc", "CCONJ"), ("said", 1, "conj", "VERB", "say"),
            ("it", 8, "nsubj", "PRON"), ("would", 8, "aux", "AUX"), ("fight", 5, "ccomp", "VERB"),
            (".", 1, "punct", "PUNCT"),
            ("The", 11, "det", "DET"), ("deal", 12, "nsubj", "NOUN"), ("stalled", 12, "ROOT", "VERB", "stall"),
            (".", 12, "punct", "PUNCT"), ("It", 15, "nsubj", "PRON"), ("angered", 15, "ROOT", "VERB", "anger"),
            ("farmers", 15, "dobj", "NOUN"), (".", 15, "punct", "PUNCT")]
    parsed = doc(rows)
    work = analysis(parsed, actor(parsed, CHN, "China", (0, 1, "metonym")))
    stage(work)
    assert links(work) == [("it", CHN)]  # "It angered farmers" is the deal, no actor


def test_a_role_noun_prefers_the_holder_of_its_office(stage: ResolveCoreference):
    # Lavrov is the more salient subject, but the gazetteer knows Peskov as the spokesman
    parsed = doc([("Lavrov", 1, "nsubj", "PROPN"), ("met", 1, "ROOT", "VERB", "meet"), ("Peskov", 1, "dobj", "PROPN"),
                  (".", 1, "punct", "PUNCT"), ("The", 5, "det", "DET"), ("spokesman", 6, "nsubj", "NOUN"),
                  ("smiled", 6, "ROOT", "VERB", "smile"), (".", 6, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, LAVROV, "Sergey Lavrov", (0, 1, "name")),
                    actor(parsed, PESKOV, "Dmitry Peskov", (2, 3, "name")))
    stage(work)
    assert links(work) == [("The spokesman", PESKOV)]


def test_the_two_countries_are_the_coordination_before(stage: ResolveCoreference):
    parsed = doc([("Poland", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Lithuania", 0, "conj", "PROPN"),
                  ("signed", 3, "ROOT", "VERB", "sign"), ("a", 5, "det", "DET"), ("pact", 3, "dobj", "NOUN"),
                  (".", 3, "punct", "PUNCT"), ("The", 9, "det", "DET"), ("two", 9, "nummod", "NUM"),
                  ("countries", 10, "nsubj", "NOUN", "country"), ("trained", 10, "ROOT", "VERB", "train"),
                  (".", 10, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, POL, "Poland", (0, 1, "name")),
                    actor(parsed, LTU, "Lithuania", (2, 3, "name")))
    stage(work)
    assert sorted(links(work)) == [("The two countries", LTU), ("The two countries", POL)]
    assert work.mention_owners().get(parsed[9].idx) is None  # a plural mention is no one actor's


def test_i_inside_a_quotation_is_its_speaker(stage: ResolveCoreference):
    parsed = doc([("“", 6, "punct", "PUNCT"), ("I", 2, "nsubj", "PRON"), ("resign", 6, "ccomp", "VERB"),
                  (",", 6, "punct", "PUNCT"), ("”", 6, "punct", "PUNCT"), ("Peskov", 6, "nsubj", "PROPN"),
                  ("said", 6, "ROOT", "VERB", "say"), (".", 6, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, PESKOV, "Dmitry Peskov", (5, 6, "name")))
    stage(work)
    assert links(work) == [("I", PESKOV)]


def test_i_outside_a_quotation_is_the_author(stage: ResolveCoreference):
    parsed = doc([("I", 1, "nsubj", "PRON"), ("doubt", 1, "ROOT", "VERB"), ("Peskov", 1, "dobj", "PROPN"),
                  (".", 1, "punct", "PUNCT")])
    work = analysis(parsed, actor(parsed, PESKOV, "Dmitry Peskov", (2, 3, "name")))
    stage(work)
    assert links(work) == []


# -- the stage in the pipeline, on sentences we wrote ----------------------------------------------------
def test_she_and_her_in_two_sentences(analyse_rules):
    work = analyse_rules("Maia Sandu met Emmanuel Macron in Paris. She said her country would never give up.")
    assert ("She", "person:maia-sandu") in links(work) and ("her", "person:maia-sandu") in links(work)


def test_it_for_a_state_and_its_possessive(analyse_rules):
    work = analyse_rules("Iran said it would expand its enrichment programme.")
    assert links(work) == [("it", "state:IRN"), ("its", "state:IRN")]


def test_reflexive_takes_its_clauses_subject(analyse_rules):
    work = analyse_rules("Putin said that Lukashenko had disgraced himself.")
    assert ("himself", "person:alexander-lukashenko") in links(work)


def test_the_bloc_is_the_organisation_named_before(analyse_rules):
    work = analyse_rules("The European Union approved new sanctions on Monday. The bloc said the measures would "
                         "take effect at once.")
    assert ("The bloc", "organization:eu") in links(work)


def test_an_expletive_it_is_no_one(analyse_rules):
    work = analyse_rules("Russia has refused. It is clear that the talks have failed.")
    assert [text for text, _ in links(work)] == []


def test_i_in_a_quotation_is_the_speaker_and_we_of_a_person_is_their_side(analyse_rules):
    work = analyse_rules("“I will not give up our land,” Zelensky said on Friday.")
    assert links(work) == [("I", "person:volodymyr-zelensky")]  # "our" is Ukraine's, which is not named


def test_we_in_a_quotation_of_a_state_is_that_state(analyse_rules):
    work = analyse_rules("“We will respond to any attack,” the Kremlin said on Monday.")
    assert ("We", "state:RUS") in links(work)


def test_every_added_mention_points_at_its_text(analyse_rules):
    text = ("Alexander Lukashenko met Vladimir Putin in Sochi. The Belarusian leader thanked him, and he said the "
            "two countries would stand together. “We are brothers,” Putin said.")
    work = analyse_rules(text)
    added = [m for a in work.actors for m in a.mentions if m.kind in {"pronoun", "description"}]
    assert added and all(text[m.start : m.end] == m.text for m in added)


def test_a_failing_coreference_stage_keeps_the_actors(monkeypatch: pytest.MonkeyPatch):
    def broken(self: object) -> dict:
        raise RuntimeError("boom")

    pipeline = Pipeline(exclude=["relation-model"])
    monkeypatch.setattr(coref._Document, "resolve", broken)
    work = pipeline.analyse_text("Vladimir Putin met Xi Jinping. He said the talks went well.")
    assert any("coref stage failed (RuntimeError: boom)" in w for w in work.warnings)
    assert {"person:vladimir-putin", "person:xi-jinping"} <= {a.id for a in work.actors}
    assert not [m for a in work.actors for m in a.mentions if m.kind == "pronoun"]


# -- the annotated set and its checker -------------------------------------------------------------------
def _record(**changes: object) -> dict:
    record = {"id": "t-01", "text": "Putin met Xi. He said his talks went well.",
              "links": [{"mention": "He", "antecedent": "Putin", "category": "pronoun"},
                        {"mention": "his", "antecedent": "Putin", "category": "possessive"}]}
    record.update(changes)
    return record


def _write(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_checker_accepts_a_good_record(tmp_path: Path):
    [(_, record)] = list(read_set([_write(tmp_path, _record())]))
    assert record.mention_span(record.links[0]) == (14, 16)
    assert record.antecedent_spans(record.links[1]) == [(0, 5)]


@pytest.mark.parametrize(("broken", "fault"), [
    ({"links": [{"mention": "She", "antecedent": "Putin", "category": "pronoun"}]}, "'She' does not occur"),
    ({"links": [{"mention": "He", "occurrence": 2, "antecedent": "Putin", "category": "pronoun"}]},
     "does not occur 2 time(s)"),
    ({"links": [{"mention": "he", "antecedent": "Putin", "category": "pronoun"}]}, "'he' does not occur"),  # the
    ({"links": [{"mention": "He", "antecedent": "Putin", "category": "possessive"}]}, "not a possessive form"),
    ({"links": [{"mention": "talks", "antecedent": "Xi", "category": "pronoun"}]}, "not a pronoun of data/coref"),
    ({"links": [{"mention": "He", "antecedent": ["Putin"], "category": "pronoun"}]}, "needs two or more"),
    ({"links": [{"mention": "He", "antecedent": "Putin", "category": "pronoun"},
                {"mention": "He", "antecedent": "Xi", "category": "pronoun"}]}, "linked twice"),
    ({"links": [{"mention": "He", "antecedent": "Putin", "category": "guess"}]}, "category"),
])
def test_the_checker_names_a_broken_record(tmp_path: Path, broken: dict, fault: str):
    path = _write(tmp_path, _record(), _record(id="t-02", **broken))
    with pytest.raises(CorpusError, match=r"set\.jsonl:2: ") as error:
        list(read_set([path]))
    assert fault in str(error.value)


def test_the_checker_refuses_an_id_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = _write(tmp_path, _record(), _record())
    assert check_main([str(path)]) == 1
    assert "id 't-01' already used at set.jsonl:1" in capsys.readouterr().err


def test_the_packaged_set_is_valid_and_large_enough(capsys: pytest.CaptureFixture[str]):
    assert check_main([]) == 0
    out = capsys.readouterr().out
    total = int(out.split(" passages, ")[1].split(" links")[0])
    assert total >= 300
    assert "test " in out and "dev " in out
