"""Helpers shared by the scorers."""

from __future__ import annotations

from powermap.analysis import Analysis, Source
from powermap.pipeline import Pipeline, run_stage


def analyse_unchanged(pipeline: Pipeline, text: str, label: str, published: str | None = None) -> Analysis:
    """Run every stage but clean, so offsets stay those of the gold file."""
    source = Source(label=label, format="text", raw=text, body=text, published=published)
    analysis = Analysis(source=source, text=text, published=published)
    stream = iter([analysis])
    for stage in pipeline.stages:
        if stage.name != "clean":
            stream = run_stage(stage, stream)
    return next(stream)
