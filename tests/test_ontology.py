"""The ontology, the schema, the triggers file and docs/ontology.md say the same about relation types."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import get_args

import pytest

from powermap import datafiles, ontology
from powermap.schema import RelationType
from tests.conftest import ROOT

SIGNS = {"+": 1, "−": -1, "0": 0}


def _doc_rows() -> dict[str, list[str]]:
    text = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] in ontology.RELATION_TYPES:
            rows[cells[0]] = cells
    return rows


def test_schema_and_ontology_name_the_same_types():
    assert get_args(RelationType) == ontology.RELATION_TYPES
    assert len(ontology.RELATION_TYPES) == 18
    assert sum(kind.plover for kind in ontology.KINDS) == 16


def test_docs_table_agrees_with_the_ontology():
    rows = _doc_rows()
    assert list(rows) == list(ontology.RELATION_TYPES)
    for kind in ontology.KINDS:
        name, sign, symmetric, covers, _example, modes = rows[kind.name]
        assert SIGNS[sign] == kind.sign, name
        assert (symmetric == "yes") == kind.symmetric, name
        assert covers == kind.covers, name
        assert [m.strip() for m in modes.split(",") if m.strip()] == list(kind.modes), name


def test_docs_name_the_targetless_and_commitment_types():
    text = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    targetless = re.search(r"null only\s+for ([A-Z_, and]+), which", text)
    assert targetless is not None
    assert set(re.findall(r"[A-Z_]{3,}", targetless.group(1))) == {k.name for k in ontology.KINDS if k.targetless}
    kept = re.search(r"- ([A-Z_, and]+) keep their type", text)
    assert kept is not None
    assert set(re.findall(r"[A-Z_]{3,}", kept.group(1))) == {k.name for k in ontology.KINDS if k.commitment}


def test_triggers_use_known_types_and_every_type_has_a_trigger():
    triggers = datafiles.load("triggers.yaml")
    used = {t.type for table in (triggers.verbs, triggers.nouns, triggers.adjectives) for t in table.values()}
    assert used <= set(ontology.RELATION_TYPES)
    assert used == set(ontology.RELATION_TYPES)
    modes = {(t.type, t.mode) for table in (triggers.verbs, triggers.nouns) for t in table.values() if t.mode}
    assert modes == {(k.name, m) for k in ontology.KINDS for m in k.modes}  # no mode is declared in vain


def test_unknown_type_is_a_clear_error():
    with pytest.raises(ontology.UnknownRelationType, match="'ATTACK' is not a relation type"):
        ontology.kind("ATTACK")


def test_plover_view_and_weights():
    assert ontology.plover_event("AID", "intended", False) == "AGREE"
    assert ontology.plover_event("ASSAULT", "intended", False) == "THREATEN"
    assert ontology.plover_event("SUPPORT", "asserted", True) == "REJECT"
    assert ontology.plover_event("ALLY", "intended", False) == "ALLY"
    assert ontology.relation_weight("ASSAULT", 0.8, "asserted", False) == pytest.approx(-0.8)
    assert ontology.relation_weight("AID", 0.8, "hypothetical", True) == pytest.approx(-0.2)
    assert ontology.relation_weight("REQUEST", 0.9, "asserted", False) == 0


def test_corpus_edges_and_the_web_app_reach_the_ontology_without_the_relations_stage():
    code = ("import sys, powermap.ontology, powermap.corpus.edges, powermap.web.app, powermap.datafiles; "
            "print('spacy' in sys.modules, 'powermap.relations' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]
