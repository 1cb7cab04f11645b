"""The local engine: the pipeline in this process, or in a pool of worker processes.

Results come back in input order and are produced as sources are read, with a bounded number of
chunks in flight, so memory stays flat however long the input is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Any

from powermap.analysis import Analysis, Source
from powermap.pipeline import Pipeline


@dataclass(frozen=True)
class Settings:
    """What a worker needs to build the same pipeline as the parent."""

    model: str | None = None
    max_chars: int = 1_000_000
    batch_size: int = 32
    timeout: float | None = 120.0


@dataclass
class Outcome:
    """One source's result, small enough to send between processes."""

    source: str
    raw: str
    document: dict[str, Any] | None
    problem: dict[str, str] | None
    tokens: int


def outcome(analysis: Analysis) -> Outcome:
    if analysis.problem is not None:
        return Outcome(analysis.source.label, analysis.source.raw, None, analysis.problem.model_dump(), 0)
    tokens = len(analysis.doc) if analysis.doc is not None else 0
    return Outcome(analysis.source.label, analysis.source.raw, analysis.to_document().dump(), None, tokens)


@cache
def _pipeline(settings: Settings) -> Pipeline:
    return Pipeline(model=settings.model, max_chars=settings.max_chars, batch_size=settings.batch_size,
                    timeout=settings.timeout)


def analyse_chunk(settings: Settings, sources: list[Source]) -> list[Outcome]:
    """Run in a worker: the pipeline is built once per process and reused for every chunk."""
    return [outcome(a) for a in _pipeline(settings).pipe(sources)]


def run(sources: Iterable[Source], settings: Settings, workers: int = 1, chunk: int = 8) -> Iterator[Outcome]:
    """Outcomes for every source, in input order."""
    if workers <= 1:
        for analysis in _pipeline(settings).pipe(sources):
            yield outcome(analysis)
        return
    stream = iter(sources)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[Outcome]]] = deque()
        while True:
            while len(pending) < 2 * workers and (batch := list(islice(stream, chunk))):
                pending.append(pool.submit(analyse_chunk, settings, batch))
            if not pending:
                return
            yield from pending.popleft().result()
