"""The parse stage: spaCy over the clean text, batched with `nlp.pipe`."""

from __future__ import annotations

from powermap import nlp
from powermap.analysis import Analysis


class Parse:
    name = "parse"
    requires = ("text",)
    assigns = ("doc",)
    english_only = True
    fatal = True

    def __init__(self, model: str | None = None, batch_size: int = 32) -> None:
        self.nlp = nlp.load(model)
        self.batch_size = batch_size

    def __call__(self, analysis: Analysis) -> None:
        analysis.doc = self.nlp(analysis.text)

    def pipe(self, analyses: list[Analysis]) -> None:
        """Parse a batch with `nlp.pipe`; the pipeline runs the documents one by one if the batch fails."""
        for analysis, doc in zip(analyses, self.nlp.pipe(a.text for a in analyses), strict=True):
            analysis.doc = doc
