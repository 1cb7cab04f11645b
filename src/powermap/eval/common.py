"""Helpers shared by the scorers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from powermap.analysis import Analysis, Source
from powermap.clean import Clean
from powermap.pipeline import Pipeline


def analyse_unchanged(pipeline: Pipeline, text: str, label: str, published: str | None = None) -> Analysis:
    """Run every stage but clean, so offsets stay those of the gold file: the gold text stands in for the
    clean stage's output (its other attributes keep their defaults)."""
    source = Source(label=label, format="text", raw=text, body=text, published=published)
    analysis = Analysis(source=source, text=text, published=published)
    unchanged = pipeline.without(Clean.name, given=Clean.assigns) if Clean.name in pipeline.names else pipeline
    return next(unchanged.run([analysis]))


def prf(right: float, predicted: float, found: float, gold: float) -> tuple[float, float, float]:
    """Precision (right of predicted), recall (found of gold) and their F1, rounded to three places."""
    precision = right / predicted if predicted else 0.0
    recall = found / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def annotated(path: Path | None, packaged: Traversable) -> Iterator[dict[str, Any]]:
    """The items of an annotated JSONL file: the user's, else the one shipped with powermap."""
    source = path.read_text(encoding="utf-8") if path else packaged.read_text(encoding="utf-8")
    for line in source.splitlines():
        if line.strip():
            yield json.loads(line)
