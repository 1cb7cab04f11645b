"""Shared fixtures: one loaded pipeline per test session, and helpers for the evidence invariant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from powermap.analysis import Analysis
from powermap.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def analyse_rules():
    """The rule stages alone, without the learned relation model: what the rule tests are about."""
    rules = Pipeline(exclude=["relation-model"])

    def run(text: str) -> Analysis:
        analysis = rules.analyse_text(text)
        assert analysis.problem is None, analysis.problem
        return analysis

    return run


@pytest.fixture(scope="session")
def analyse(pipeline: Pipeline):
    def run(text: str) -> Analysis:
        analysis = pipeline.analyse_text(text)
        assert analysis.problem is None, analysis.problem
        return analysis

    return run


@pytest.fixture(scope="session")
def warc_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_warc", ROOT / "examples" / "make_warc.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.build(tmp_path_factory.mktemp("warc") / "archive.warc.gz")


def spans(data: Any) -> list[dict[str, Any]]:
    """Every object with start/end/text anywhere inside a dumped document."""
    found = []
    if isinstance(data, dict):
        if {"start", "end", "text"} <= data.keys():
            found.append(data)
        for value in data.values():
            found.extend(spans(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(spans(value))
    return found


def assert_evidence(document: dict[str, Any]) -> int:
    """Check text[start:end] == item text for every span; returns how many were checked."""
    text = document["text"]
    items = [s for s in spans({k: v for k, v in document.items() if k != "text"})]
    for item in items:
        assert text[item["start"] : item["end"]] == item["text"], item
    return len(items)


def mentions_of(analysis: Analysis, actor_id: str) -> list[tuple[str, str]]:
    actor = next((a for a in analysis.actors if a.id == actor_id), None)
    return [(m.text, m.kind) for m in actor.mentions] if actor else []
