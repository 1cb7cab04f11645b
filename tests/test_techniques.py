"""The learned technique layer: its training passages, how word scores become spans, and the stage's output."""

import json

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from powermap.learn.corpus import CorpusError
from powermap.learn.technique_corpus import read_passages
from powermap.learn.techniques import TECHNIQUES, Rows, TechniqueModel, overlap_counts, spans_of
from powermap.rhetoric import AnalyseRhetoric, LexiconMatcher
from tests.conftest import ROOT

LOADED = TECHNIQUES.index("loaded_language")
DOUBT = TECHNIQUES.index("doubt")


def _passage_file(tmp_path, *records):
    path = tmp_path / "passages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_span_is_found_at_its_chosen_occurrence(tmp_path):
    text = "The council's plan is a disgrace. A disgrace to the town, and a disgrace to its people."
    path = _passage_file(tmp_path, {"id": "a", "text": text, "techniques": [
        {"technique": "loaded_language", "text": "disgrace"},
        {"technique": "repetition", "text": "disgrace", "occurrence": 3}]})
    [passage] = read_passages([path])
    assert [text[s:e] for _, s, e in passage.spans()] == ["disgrace", "disgrace"]
    assert passage.spans()[1][1] == text.rindex("disgrace")


@pytest.mark.parametrize(("span", "fault"), [
    ({"technique": "loaded_language", "text": "catastrophe"}, "does not occur 1 time"),
    ({"technique": "loaded_language", "text": "disgrac"}, "as whole words"),
    ({"technique": "loaded_language", "text": "disgrace", "occurrence": 2}, "does not occur 2 time"),
    ({"technique": "insult", "text": "disgrace"}, "technique"),
])
def test_a_bad_passage_is_named_with_its_file_and_line(tmp_path, span, fault):
    good = {"id": "a", "text": "A perfectly ordinary sentence about a town council and its budget.", "techniques": []}
    bad = {"id": "b", "text": "The council's plan is a disgrace, and everyone in the town knows it.",
           "techniques": [span]}
    with pytest.raises(CorpusError, match=rf"passages.jsonl:2: .*{fault}"):
        list(read_passages([_passage_file(tmp_path, good, bad)]))


def test_the_written_passages_are_valid_and_cover_every_technique():
    passages = list(read_passages(sorted((ROOT / "training" / "techniques").glob("*.jsonl"))))
    counts = {name: sum(t.technique == name for p in passages for t in p.techniques) for name in TECHNIQUES}
    assert sum(counts.values()) >= 1500
    assert min(counts.values()) >= 40, counts
    assert sum(not p.techniques for p in passages) >= 20  # passages with no technique: what is not one


def _rows(positions, sentences, wording=None):
    n = len(positions)
    wording = np.ones(n, bool) if wording is None else np.array(wording)
    return Rows(np.array(positions), np.array(sentences), np.zeros((n, 1), np.float32), csr_matrix((n, 1)), wording)


def test_runs_of_words_become_spans_and_clauses_join_in_a_sentence():
    rows = _rows([0, 1, 3, 6, 7, 9, 10], [0, 0, 0, 0, 1, 1, 1])
    scores = np.zeros((7, len(TECHNIQUES)), np.float32)
    scores[[0, 1, 3, 4], LOADED] = [0.9, 0.6, 0.7, 0.8]
    scores[[0, 1, 3, 5, 6], DOUBT] = 0.9
    clause = np.array([name == "doubt" for name in TECHNIQUES])
    thresholds = np.full(len(TECHNIQUES), 0.5, np.float32)
    found = spans_of(rows, scores, thresholds, clause)
    loaded = [(f.start, f.end, f.confidence) for f in found if f.technique == "loaded_language"]
    # words 0-1 run on; 6 is three tokens further (a new run); 7 is in the next sentence
    assert loaded == [(0, 2, pytest.approx(0.9)), (6, 7, pytest.approx(0.7)), (7, 8, pytest.approx(0.8))]
    # three words of a clause technique in the first sentence make one span; two in the second do not
    assert [(f.start, f.end) for f in found if f.technique == "doubt"] == [(0, 7)]
    thresholds[LOADED] = 0.75
    assert [(f.start, f.end) for f in spans_of(rows, scores, thresholds, clause)
            if f.technique == "loaded_language"] == [(0, 1), (7, 8)]


def test_a_name_alone_is_no_label_but_may_sit_inside_one():
    rows = _rows([0, 1, 2, 5], [0, 0, 0, 0], wording=[True, False, True, False])
    scores = np.zeros((4, len(TECHNIQUES)), np.float32)
    scores[:, LOADED] = 0.9
    found = spans_of(rows, scores, np.full(len(TECHNIQUES), 0.5, np.float32), np.zeros(len(TECHNIQUES), bool))
    assert [(f.start, f.end) for f in found] == [(0, 3)]  # word 1 inside the run; word 5 alone is not reported


def test_a_span_is_right_when_it_overlaps_gold_of_its_technique():
    from powermap.learn.techniques import Found

    found = [Found("doubt", 0, 4, 0.9), Found("doubt", 10, 12, 0.9), Found("slogans", 0, 2, 0.9)]
    gold = [("doubt", 3, 6), ("doubt", 20, 22), ("slogans", 5, 6)]
    assert overlap_counts(found, gold, "doubt") == (2, 1, 2, 1)
    assert overlap_counts(found, gold, "slogans") == (1, 0, 1, 0)


def test_the_installed_model_finds_techniques_with_voice_and_evidence(analyse):
    text = ('Opinion: The mayor\'s circus\n\nThe so-called reform of our buses is a shameless giveaway to the '
            'mayor\'s cronies, and every honest taxpayer knows it. If it passes, our children will pay for '
            'decades. "This plan is a betrayal of working families," said Ana Ruiz, a union organiser.')
    analysis = analyse(text)
    assert analysis.rhetoric
    for technique in analysis.rhetoric:
        assert text[technique.start : technique.end] == technique.text
        assert 0 <= technique.confidence <= 1
    quote_start = text.index('"This plan')
    authors = [t for t in analysis.rhetoric if t.end <= quote_start]
    assert authors and all(t.held_by == "author" for t in authors)
    assert {"loaded_language", "doubt"} & {t.technique for t in authors}
    quoted = [t for t in analysis.rhetoric if t.start > quote_start and t.end < text.index(",\" said")]
    assert all(t.held_by != "author" for t in quoted)


def test_a_plain_wire_report_has_few_techniques(analyse):
    text = ("Port reopens\n\nLISBON, March 3 (Reuters) - Portugal reopened the port of Sines on Tuesday after a "
            "two-day strike by dock workers, the transport ministry said. About 40 ships had waited offshore, "
            "and cargo handling would return to normal by Thursday, a port spokesman told reporters.")
    assert len(analyse(text).rhetoric) <= 1


def test_without_a_model_the_lexicon_matches_are_the_techniques(analyse, monkeypatch, tmp_path):
    from powermap.learn import techniques as module

    monkeypatch.setattr(module, "MODEL_PATH", tmp_path / "missing.npz")
    stage = AnalyseRhetoric()
    assert stage.technique_model is None
    analysis = analyse("Lukashenko is Putin's lackey. It is what it is.")
    stage(analysis)
    matches = LexiconMatcher().matches(analysis, analysis.doc, analysis.mention_owners())
    assert {(t.technique, t.text) for t in analysis.rhetoric} <= {(t.technique, t.text) for t in matches}
    assert {"name_calling", "thought_terminating_cliche"} <= {t.technique for t in analysis.rhetoric}


def test_the_model_card_says_what_it_was_trained_on():
    model = TechniqueModel.load()
    assert model.card["passages"] >= 400 and model.card["seed"] == 11
    assert set(model.card["held_out"]) == set(TECHNIQUES)
    assert all(name.endswith(".jsonl") for name in model.card["trained_on"])


def test_training_is_reproducible_on_a_small_subset(tmp_path):
    from powermap.learn import techniques as module

    lines = [line for path in sorted((ROOT / "training" / "techniques").glob("*-01.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()[:8]]
    subset = tmp_path / "subset.jsonl"
    subset.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    card = module.train([subset], first)
    module.train([subset], second)
    one, two = TechniqueModel.load(first), TechniqueModel.load(second)
    assert card["passages"] == len(lines) and card["seed"] == module.SEED
    assert np.array_equal(one.dense_weights, two.dense_weights) and np.array_equal(one.thresholds, two.thresholds)
    assert np.array_equal(one.sparse_weights, two.sparse_weights) and one.card == two.card
