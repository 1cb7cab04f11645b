"""The pipeline: ordered stages over a stream of sources; one document's failure stays its own."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from powermap.actors import ResolveActors
from powermap.analysis import Analysis, Source
from powermap.claims import ExtractClaims
from powermap.clean import Clean
from powermap.language import DetectLanguage
from powermap.parse import Parse
from powermap.quotes import ExtractQuotes
from powermap.relations import ExtractRelations
from powermap.rhetoric import AnalyseRhetoric


class Stage(Protocol):
    name: str

    def __call__(self, analysis: Analysis) -> None: ...


def run_stage(stage: Stage, analyses: Iterable[Analysis]) -> Iterator[Analysis]:
    """One stage over a stream: batched when the stage can batch, guarded per document otherwise."""
    batched = getattr(stage, "pipe", None)
    if batched is not None:
        yield from batched(analyses)
        return
    for analysis in analyses:
        if not analysis.failed and (analysis.english or stage.name in _BEFORE_PARSE):
            try:
                stage(analysis)
            except Exception as exc:  # a bug or a pathological text fails this document only
                analysis.fail(stage.name, f"{exc.__class__.__name__}: {exc}")
        yield analysis


_BEFORE_PARSE = {"clean", "language"}


class Pipeline:
    """ingest -> clean -> language -> parse -> actors -> quotes -> relations -> claims -> rhetoric."""

    def __init__(self, model: str | None = None, max_chars: int = 1_000_000, batch_size: int = 32) -> None:
        self.stages: list[Stage] = [
            Clean(max_chars=max_chars),
            DetectLanguage(),
            Parse(model, batch_size=batch_size),
            ResolveActors(),
            ExtractQuotes(),
            ExtractRelations(),
            ExtractClaims(),
            AnalyseRhetoric(),
        ]

    def pipe(self, sources: Iterable[Source]) -> Iterator[Analysis]:
        """Analyses in input order; a source that could not be read comes out already failed."""
        stream: Iterator[Analysis] = (self._start(source) for source in sources)
        for stage in self.stages:
            stream = run_stage(stage, stream)
        yield from stream

    @staticmethod
    def _start(source: Source) -> Analysis:
        analysis = Analysis(source=source)
        if source.error:
            analysis.fail("ingest", source.error)
        return analysis

    def analyse_text(self, text: str, label: str = "text") -> Analysis:
        """Analyse one string; the entry point for tests and library users."""
        return next(self.pipe([Source(label=label, format="text", raw=text, body=text)]))
