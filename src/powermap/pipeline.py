"""The pipeline: stages that declare what they read and write, checked when the pipeline is built.

Each stage names the `Analysis` attributes it `requires` and `assigns` (as spaCy's components do with
`Language.factory(requires=, assigns=)`), whether it runs on English text only, and whether its failure
fails the document (`fatal`: clean and parse, without whose output nothing else means anything). Any
other stage that raises leaves a warning naming it and the error, its layer empty, and the others' layers
kept; the stages that required its output are skipped with a warning. A document that runs longer than
`timeout` seconds is recorded as failed and the batch moves on.
"""

from __future__ import annotations

import copy
import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

from powermap import datafiles
from powermap.actors import ResolveActors, ResolveCoreference
from powermap.analysis import Analysis, Source
from powermap.claims import ExtractClaims
from powermap.clean import Clean
from powermap.language import DetectLanguage
from powermap.learned_relations import ClassifyRelations
from powermap.parse import Parse
from powermap.quotes import ExtractQuotes
from powermap.relations import ExtractRelations
from powermap.rhetoric import AnalyseRhetoric

DEFAULT_TIMEOUT = 120.0
# What every analysis holds before the first stage runs.
_GIVEN = ("source",)
_FIELDS = {f.name: f for f in dataclasses.fields(Analysis)}


class Stage(Protocol):
    """A stage reads `requires` from the analysis and sets `assigns`; it may offer `pipe(list)` to batch."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    english_only: bool
    fatal: bool

    def __call__(self, analysis: Analysis) -> None: ...


class PipelineError(ValueError):
    """The stages cannot run in this order, or a stage's declaration is wrong; the message says which."""


class StageTimeout(BaseException):
    """The document's time ran out inside a stage (a BaseException, so a stage's own `except Exception`
    cannot swallow it)."""


# The default stages in order, each built from the pipeline's settings.
_DEFAULT: tuple[tuple[type, Callable[[dict[str, Any]], Stage]], ...] = (
    (Clean, lambda o: Clean(max_chars=o["max_chars"])),
    (DetectLanguage, lambda o: DetectLanguage()),
    (Parse, lambda o: Parse(o["model"], batch_size=o["batch_size"])),
    (ResolveActors, lambda o: ResolveActors()),
    (ResolveCoreference, lambda o: ResolveCoreference()),
    (ExtractQuotes, lambda o: ExtractQuotes()),
    (ExtractRelations, lambda o: ExtractRelations()),
    (ClassifyRelations, lambda o: ClassifyRelations()),
    (ExtractClaims, lambda o: ExtractClaims()),
    (AnalyseRhetoric, lambda o: AnalyseRhetoric()),
)
STAGE_NAMES = tuple(stage.name for stage, _ in _DEFAULT)


@dataclass(frozen=True)
class StageInfo:
    """One row of the pipeline analysis, as `powermap pipeline` prints it."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    english_only: bool
    fatal: bool
    batched: bool


def check_chain(stages: Sequence[Stage], given: Iterable[str] = ()) -> None:
    """Refuse a chain in which a stage requires what no earlier stage assigns, or declares a non-attribute."""
    available = set(_GIVEN) | set(given)
    names = [stage.name for stage in stages]
    for name in {n for n in names if names.count(n) > 1}:
        raise PipelineError(f"two stages are named {name!r}; a stage's name must be unique")
    for stage in stages:
        for attribute in (*stage.requires, *stage.assigns):
            if attribute not in _FIELDS:
                raise PipelineError(f"{stage.name} declares {attribute!r}, which is not an attribute of Analysis "
                                    f"(one of: {', '.join(sorted(_FIELDS))})")
        for attribute in stage.requires:
            if attribute not in available:
                raise PipelineError(f"{stage.name} requires {attribute!r}, which no earlier stage assigns "
                                    f"(add the stage that assigns it before {stage.name}, or exclude {stage.name})")
        available.update(stage.assigns)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise StageTimeout in the block after `seconds`; a no-op where SIGALRM cannot be used (not the main
    thread of a process, as on Dask workers, or no setitimer, as on Windows)."""
    if seconds is None or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise StageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    outer, _ = signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # someone else's alarm was pending: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))


def _reset(analysis: Analysis, attributes: Iterable[str]) -> None:
    """Put a failed stage's attributes back to their defaults, so no half-built layer is kept."""
    for attribute in attributes:
        spec = _FIELDS[attribute]
        if spec.default_factory is not dataclasses.MISSING:
            setattr(analysis, attribute, spec.default_factory())
        elif spec.default is not dataclasses.MISSING:
            setattr(analysis, attribute, spec.default)


class Pipeline:
    """clean -> language -> parse -> actors -> coref -> quotes -> relations -> claims -> rhetoric, checked
    when built."""

    def __init__(self, model: str | None = None, max_chars: int = 1_000_000, batch_size: int = 32,
                 exclude: Iterable[str] = (), timeout: float | None = DEFAULT_TIMEOUT) -> None:
        excluded = set(exclude)
        unknown = excluded - set(STAGE_NAMES)
        if unknown:
            raise PipelineError(f"no stage named {', '.join(sorted(unknown))} (stages: {', '.join(STAGE_NAMES)})")
        chosen = [(stage, factory) for stage, factory in _DEFAULT if stage.name not in excluded]
        check_chain([stage for stage, _ in chosen])  # on the classes: refused before a model is loaded
        datafiles.check_all()  # a bad entry in any data file, packaged or the user's, fails here
        options = {"model": model, "max_chars": max_chars, "batch_size": batch_size}
        self.stages: list[Stage] = [factory(options) for _, factory in chosen]
        self.given: tuple[str, ...] = ()
        self.timeout = timeout

    @classmethod
    def from_stages(cls, stages: Sequence[Stage], given: Iterable[str] = (),
                    timeout: float | None = DEFAULT_TIMEOUT) -> Pipeline:
        """A pipeline of these stage objects; `given` names the attributes the caller sets before it runs."""
        check_chain(stages, given)
        pipeline = cls.__new__(cls)
        pipeline.stages, pipeline.given, pipeline.timeout = list(stages), tuple(given), timeout
        return pipeline

    def without(self, *names: str, given: Iterable[str] = ()) -> Pipeline:
        """The same (already loaded) stages but `names`; `given` says what the caller supplies instead."""
        unknown = set(names) - {stage.name for stage in self.stages}
        if unknown:
            raise PipelineError(f"no stage named {', '.join(sorted(unknown))} in this pipeline")
        kept = [stage for stage in self.stages if stage.name not in names]
        return Pipeline.from_stages(kept, (*self.given, *given), self.timeout)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def describe(self) -> list[StageInfo]:
        """What each stage reads and writes, in order: the pipeline analysis."""
        return [StageInfo(s.name, tuple(s.requires), tuple(s.assigns), s.english_only, s.fatal,
                          callable(getattr(s, "pipe", None))) for s in self.stages]

    def pipe(self, sources: Iterable[Source]) -> Iterator[Analysis]:
        """Analyses in input order; a source that could not be read comes out already failed."""
        return self.run(self._start(source) for source in sources)

    def run(self, analyses: Iterable[Analysis]) -> Iterator[Analysis]:
        """Every stage over analyses the caller has started (with what `given` promises already set)."""
        stream: Iterator[Analysis] = iter(analyses)
        for stage in self.stages:
            stream = self._run_stage(stage, stream)
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

    # -- running, one stage over the stream ---------------------------------------------------------
    def _run_stage(self, stage: Stage, analyses: Iterator[Analysis]) -> Iterator[Analysis]:
        batched = getattr(stage, "pipe", None)
        if batched is None:
            for analysis in analyses:
                if self._ready(stage, analysis):
                    self._guarded(stage, analysis)
                yield analysis
            return
        while batch := list(islice(analyses, getattr(stage, "batch_size", 32))):
            todo = [analysis for analysis in batch if self._ready(stage, analysis)]
            if todo:
                self._guarded_batch(stage, batched, todo)
            yield from batch

    @staticmethod
    def _ready(stage: Stage, analysis: Analysis) -> bool:
        """Whether the stage runs on this analysis; a stage whose input was lost is skipped with a warning."""
        if analysis.failed or (stage.english_only and not analysis.english):
            return False
        lost = [attribute for attribute in stage.requires if attribute in analysis.lost]
        if lost:
            analysis.warnings.append(f"{stage.name} stage skipped: it requires {', '.join(map(repr, lost))}, "
                                     "which an earlier stage failed to assign")
            analysis.lost.update(stage.assigns)
            return False
        return True

    def _budget(self, analyses: Sequence[Analysis]) -> float | None:
        return None if self.timeout is None else self.timeout - max(a.seconds for a in analyses)

    def _guarded(self, stage: Stage, analysis: Analysis) -> None:
        """One stage on one document: a timeout or a fatal stage's error fails it; other errors leave a warning."""
        started = time.monotonic()
        # a stage that refines a layer (requires and assigns it) leaves it as it found it when it fails
        refined = {a: copy.copy(getattr(analysis, a)) for a in set(stage.requires) & set(stage.assigns)}
        try:
            with time_limit(self._budget([analysis])):
                stage(analysis)
        except StageTimeout:
            analysis.fail(stage.name, f"timed out after {self.timeout:g} s")
        except Exception as exc:  # a bug or a pathological text costs this stage's layer only
            message = f"{exc.__class__.__name__}: {exc}"
            if stage.fatal:
                analysis.fail(stage.name, message)
            else:
                built = [a for a in stage.assigns if a not in refined]
                _reset(analysis, built)
                for attribute, value in refined.items():
                    setattr(analysis, attribute, value)
                analysis.lost.update(built)
                left = "its layer is left empty" if built else "the layer it refines is kept as it was"
                analysis.warnings.append(f"{stage.name} stage failed ({message}); {left}")
        finally:
            analysis.seconds += time.monotonic() - started

    def _guarded_batch(self, stage: Stage, batched: Callable[[list[Analysis]], None], todo: list[Analysis]) -> None:
        """A batch gets the time one document may still take; if it fails or runs over, each document is run
        on its own, under the same guard as an unbatched stage."""
        started = time.monotonic()
        try:
            with time_limit(self._budget(todo)):
                batched(todo)
        except (Exception, StageTimeout):  # find the document at fault by running them one by one
            for analysis in todo:
                _reset(analysis, stage.assigns)
                self._guarded(stage, analysis)
            return
        share = (time.monotonic() - started) / len(todo)
        for analysis in todo:
            analysis.seconds += share
