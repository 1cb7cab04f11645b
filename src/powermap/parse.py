"""The parse stage: spaCy over the clean text, batched with `nlp.pipe`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from powermap import nlp
from powermap.analysis import Analysis


class Parse:
    name = "parse"

    def __init__(self, model: str | None = None, batch_size: int = 32) -> None:
        self.nlp = nlp.load(model)
        self.batch_size = batch_size

    def __call__(self, analysis: Analysis) -> None:
        analysis.doc = self.nlp(analysis.text)

    def pipe(self, analyses: Iterable[Analysis]) -> Iterator[Analysis]:
        """Parse a batch at a time; if a batch fails, parse its documents one by one."""
        stream = iter(analyses)
        while batch := list(islice(stream, self.batch_size)):
            todo = [a for a in batch if not a.failed and a.english]
            try:
                for analysis, doc in zip(todo, self.nlp.pipe(a.text for a in todo), strict=True):
                    analysis.doc = doc
            except Exception:  # one bad text must not take its batch down with it
                for analysis in todo:
                    try:
                        self(analysis)
                    except Exception as exc:
                        analysis.fail(self.name, f"{exc.__class__.__name__}: {exc}")
            yield from batch
