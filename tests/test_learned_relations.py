"""The learned relation layer: corpus checks, features on hand-built parses, the committed model at work."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from powermap.learn.corpus import CorpusError, corpus_files, read_corpus
from powermap.learn.features import Candidate, dependency_path, hashed, pair_roots, sparse_features
from powermap.learn.relations import MODEL_PATH, RelationModel, label_of, rule_labels, split_label
from powermap.schema import Relation, RelationType, Span

ROOT = Path(__file__).resolve().parents[1]


def _parsed(words: list[str], heads: list[int], deps: list[str], lemmas: list[str] | None = None) -> Doc:
    doc = Doc(Vocab(), words=words, heads=heads, deps=deps, lemmas=lemmas or [w.lower() for w in words],
              sent_starts=[True] + [False] * (len(words) - 1))
    return doc


def test_dependency_path_meets_at_the_verb():
    # "Canada sanctioned Peru ." with the verb as root
    doc = _parsed(["Canada", "sanctioned", "Peru", "."], [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"],
                  ["Canada", "sanction", "Peru", "."])
    inner, meeting, shape = dependency_path(doc[0], doc[2])
    assert meeting is not None and meeting.text == "sanctioned"
    assert [t.text for t in inner] == ["sanctioned"]
    assert shape == "nsubj^dobj"


def test_parse_features_name_the_trigger_and_the_rule_view():
    doc = _parsed(["Chile", "did", "not", "help", "Bolivia"], [3, 3, 3, 3, 3],
                  ["nsubj", "aux", "neg", "ROOT", "dobj"], ["Chile", "do", "not", "help", "Bolivia"])
    candidate = Candidate(doc[0:5], doc[0:1], doc[4:5], "country", "country", ("AID>",))
    features = sparse_features(candidate)
    assert "lca=help" in features and "neg_lca" in features and "rule=AID>" in features
    assert "t12=country|country" in features


def test_a_later_conjunct_is_seen_through_the_head_of_its_coordination():
    # "Chile and Peru sanctioned Bolivia": Peru is a conjunct of the subject Chile
    doc = _parsed(["Chile", "and", "Peru", "sanctioned", "Bolivia"], [3, 0, 0, 3, 3],
                  ["nsubj", "cc", "conj", "ROOT", "dobj"], ["Chile", "and", "Peru", "sanction", "Bolivia"])
    first, second, notes = pair_roots(Candidate(doc[0:5], doc[2:3], doc[4:5], "country", "country"))
    assert (first.text, second.text, notes) == ("Chile", "Bolivia", ["conj1"])
    assert "path=nsubj^dobj" in sparse_features(Candidate(doc[0:5], doc[2:3], doc[4:5], "country", "country"))
    # two conjuncts of one coordination keep their own path
    first, second, notes = pair_roots(Candidate(doc[0:5], doc[0:1], doc[2:3], "country", "country"))
    assert (first.text, second.text, notes) == ("Chile", "Peru", [])


def test_what_the_rules_read_in_one_sentence_says_nothing_of_another():
    words = ["Peru", "sanctioned", "Chile", ".", "Peru", "met", "Chile", "."]
    doc = Doc(Vocab(), words=words, sent_starts=[True, False, False, False, True, False, False, False])
    text = doc.text
    sanction = Relation(id="rel-1", source="state:PER", target="state:CHL", type="SANCTION", mode=None,
                        negated=False, modality="asserted", asserted_by="author", date=None, date_source=None,
                        confidence=0.9, trigger=Span.of(text, 5, 15), evidence=Span.of(text, 0, 23))
    labels = rule_labels([sanction])
    assert labels[(0, "state:PER", "state:CHL")] == ("SANCTION>",)
    assert labels[(0, "state:CHL", "state:PER")] == ("SANCTION<",)
    assert (doc[4:].start_char, "state:PER", "state:CHL") not in labels


def test_hashing_is_stable_across_processes():
    # crc32 of a fixed string is a constant; Python's hash() would change with PYTHONHASHSEED
    assert hashed(["lca=help"]) == hashed(["lca=help"])
    assert list(hashed(["lca=help"])) == [__import__("zlib").crc32(b"lca=help") % (1 << 14)]


def test_labels_carry_direction_except_for_symmetric_types():
    assert label_of("ALLY", False) == "ALLY"
    assert split_label(label_of("SANCTION", True)) == ("SANCTION", True)
    assert split_label(label_of("SANCTION", False)) == ("SANCTION", False)


def _write(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "part.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


GOOD = {"id": "t-1", "text": "Peru recalled its envoy from Chile.",
        "actors": [{"text": "Peru", "type": "country", "name": "Peru"},
                   {"text": "Chile", "type": "country", "name": "Chile"}],
        "relations": [{"source": "Peru", "target": "Chile", "type": "SANCTION", "trigger": "recalled its envoy"}]}


@pytest.mark.parametrize("change, message", [
    ({"relations": [{**GOOD["relations"][0], "type": "SANCTON"}]}, "SANCTON"),
    ({"actors": [GOOD["actors"][0], {"text": "Bolivia", "type": "country", "name": "Bolivia"}]}, "Bolivia"),
    ({"relations": [{**GOOD["relations"][0], "trigger": "expelled"}]}, "trigger 'expelled'"),
    ({"relations": [{**GOOD["relations"][0], "target": "Peru"}]}, "itself"),
])
def test_a_broken_record_names_its_file_line_and_fault(tmp_path, change, message):
    path = _write(tmp_path, GOOD, {**GOOD, "id": "t-2", **change})
    with pytest.raises(CorpusError, match=f"part.jsonl:2: .*{message}"):
        list(read_corpus([path]))


def test_ids_are_unique_across_files(tmp_path):
    path = _write(tmp_path, GOOD, GOOD)
    with pytest.raises(CorpusError, match="already used"):
        list(read_corpus([path]))


def test_a_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(CorpusError):
        corpus_files([tmp_path / "nothing"])
    with pytest.raises(CorpusError):
        corpus_files([tmp_path])


def test_the_committed_corpus_is_valid_and_covers_every_type():
    records = list(read_corpus(corpus_files([ROOT / "training" / "relations"])))
    types = {relation.type for record in records for relation in record.relations}
    assert len(records) >= 4000
    assert types == set(RelationType.__args__)


def test_the_committed_model_knows_only_real_types():
    model = RelationModel.load()
    assert model.weights.shape[0] == len(model.labels) == model.bias.shape[0]
    assert {split_label(label)[0] for label in model.labels} <= set(RelationType.__args__)
    assert 0 < model.threshold < 1
    assert MODEL_PATH.is_file() and MODEL_PATH.stat().st_size < 40_000_000


@pytest.mark.parametrize("text, source, type_, target", [
    ("Canada imposed fresh sanctions on Iran over its missile programme.", "CAN", "SANCTION", "IRN"),
    ("Japanese warplanes bombed Chinese positions near Shanghai, the army said.", "JPN", "ASSAULT", "CHN"),
    ("Kenya accused Somalia of sheltering the gunmen who attacked the border post.", "KEN", "ACCUSE", "SOM"),
])
def test_the_model_finds_relations_in_sentences_we_wrote(analyse, text, source, type_, target):
    analysis = analyse(text)
    country = {actor.id: actor.country for actor in analysis.actors}
    found = {(country.get(r.source), r.type, country.get(r.target)) for r in analysis.relations}
    assert (source, type_, target) in found, analysis.relations
    for relation in analysis.relations:
        for span in (relation.trigger, relation.evidence):
            assert analysis.text[span.start:span.end] == span.text
        assert 0 <= relation.confidence <= 1


def test_actors_side_by_side_are_not_related(analyse):
    analysis = analyse("Germany and Brazil both reported slower growth in the third quarter.")
    assert analysis.relations == []


SMALL_CORPUS = [
    ("Peru recalled its ambassador from Chile.", "Peru", "Chile", "SANCTION"),
    ("Ecuador expelled the envoy of Colombia.", "Ecuador", "Colombia", "SANCTION"),
    ("Norway cut its aid to Uganda after the vote.", "Norway", "Uganda", "SANCTION"),
    ("Ghana praised Togo for the peaceful election.", "Ghana", "Togo", "SUPPORT"),
    ("Spain applauded Portugal's handling of the fires.", "Spain", "Portugal", "SUPPORT"),
    ("Laos hailed Vietnam as a steadfast friend.", "Laos", "Vietnam", "SUPPORT"),
    ("Fiji and Samoa both held elections in May.", "Fiji", "Samoa", None),
]


def test_training_is_reproducible(tmp_path):
    from powermap.learn.relations import train

    records = []
    for n, (text, a, b, type_) in enumerate(SMALL_CORPUS):
        relations = [{"source": a, "target": b, "type": type_, "trigger": text.split()[1]}] if type_ else []
        actors = [{"text": name, "type": "country", "name": name} for name in (a, b)]
        records.append({"id": f"s-{n}", "text": text, "relations": relations, "actors": actors})
    corpus = _write(tmp_path, *records)
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    card = train([corpus], first, held_out=0.3)
    train([corpus], second, held_out=0.3)
    assert card["records"] == len(SMALL_CORPUS) and set(card["label_counts"]) == {"SANCTION>", "SUPPORT>"}
    one, two = RelationModel.load(first), RelationModel.load(second)
    assert one.labels == two.labels
    assert np.array_equal(one.weights, two.weights) and one.threshold == two.threshold


def test_min_confidence_filters_edges_graphs_and_exports(tmp_path):
    from typer.testing import CliRunner

    from powermap.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Canada imposed fresh sanctions on Iran. Peru and Chile signed a trade pact on Monday. "
                       "Kenya accused Somalia of sheltering the gunmen.\n", encoding="utf-8")
    out = tmp_path / "a.jsonl"
    runner = CliRunner()
    assert runner.invoke(app, ["analyze", str(article), "-o", str(out), "--quiet"]).exit_code == 0
    relations = json.loads(out.read_text(encoding="utf-8"))["relations"]
    assert relations and all(0 <= r["confidence"] <= 1 for r in relations)
    cut = sorted(r["confidence"] for r in relations)[len(relations) // 2] + 1e-9

    def rows(*extra: str) -> int:
        result = runner.invoke(app, ["edges", str(out), "--csv", *extra])
        assert result.exit_code == 0, result.output
        return len(result.output.strip().splitlines()) - 1

    assert len({r["confidence"] for r in relations}) > 1, "the test needs relations of different confidence"
    assert 1 <= rows("--min-confidence", str(cut)) < rows()

    def links(*extra: str) -> int:
        graph = tmp_path / "g.json"
        result = runner.invoke(app, ["graph", str(out), "--format", "json", "-o", str(graph), *extra])
        assert result.exit_code == 0, result.output
        return len(json.loads(graph.read_text())["edges"])

    assert 1 <= links("--min-confidence", str(cut)) < links()
    assert runner.invoke(app, ["edges", str(out), "--min-confidence", "2"]).exit_code == 2


def test_each_relation_says_whether_the_rules_the_model_or_both_found_it(pipeline):
    threshold = RelationModel.load().threshold
    text = ("Poland accused Belarus of staging provocations at the border. Hungary and Serbia signed a treaty "
            "on energy. The Kremlin pledged support for the junta in Niger, and Algeria condemned Morocco.")
    relations = pipeline.analyse_text(text).to_document().relations
    assert len({r.made_by for r in relations}) >= 2, [(r.type, r.made_by) for r in relations]
    for relation in relations:
        assert relation.made_by in {"rules", "model", "rules and model"}
        if relation.made_by != "rules":  # the model spoke: above its own threshold
            assert relation.confidence >= round(threshold, 3) and relation.target is not None
