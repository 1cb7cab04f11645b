"""The local engine: the pipeline in this process, or in a pool of worker processes.

Results come back in input order and are produced as sources are read, with a bounded number of
chunks in flight, so memory stays flat however long the input is. SIGTERM and SIGINT stop the batch
with `Interrupted` and take the workers down with it: none is left running without its parent.
"""

from __future__ import annotations

import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import islice
from types import FrameType
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


class Interrupted(BaseException):
    """A stop signal reached the batch; what was stored before it stays stored. Not an Exception, so that
    no per-document guard takes it for a failure of the document being analysed."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.name = signal.Signals(number).name
        super().__init__(f"stopped by {self.name}")


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _raise_interrupted(number: int, frame: FrameType | None) -> None:
    raise Interrupted(number)


@contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """While the batch runs, SIGTERM and SIGINT raise Interrupted in the main thread (where Python runs
    signal handlers), so that cleanup code runs instead of the process vanishing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _raise_interrupted) for number in _STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _worker_started() -> None:
    """A worker leaves stopping to its parent: Ctrl-C reaches the whole process group, and the parent's
    handlers, inherited on fork, would let a worker survive being terminated."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate every worker now (their chunks in flight are lost; they were never stored)."""
    ignored = {number: signal.signal(number, signal.SIG_IGN) for number in _STOP_SIGNALS
               if threading.current_thread() is threading.main_thread()}
    try:
        processes = list(pool._processes.values())  # no public way to reach the workers before Python 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
    finally:
        for number, handler in ignored.items():
            signal.signal(number, handler)


def run(sources: Iterable[Source], settings: Settings, workers: int = 1, chunk: int = 8) -> Iterator[Outcome]:
    """Outcomes for every source, in input order; Interrupted on SIGTERM or SIGINT, with no worker left."""
    with _stop_signals_raise():
        if workers <= 1:
            for analysis in _pipeline(settings).pipe(sources):
                yield outcome(analysis)
            return
        yield from _pooled(iter(sources), settings, workers, chunk)


def _pooled(stream: Iterator[Source], settings: Settings, workers: int, chunk: int) -> Iterator[Outcome]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_started)
    finished = False
    try:
        pending: deque[Future[list[Outcome]]] = deque()
        while True:
            while len(pending) < 2 * workers and (batch := list(islice(stream, chunk))):
                pending.append(pool.submit(analyse_chunk, settings, batch))
            if not pending:
                finished = True
                return
            yield from pending.popleft().result()
    finally:  # a signal, an error, or a consumer that stopped early: no worker may outlive the batch
        if finished:
            pool.shutdown(wait=True)
        else:
            _stop_workers(pool)
