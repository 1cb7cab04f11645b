"""The parse stage: spaCy over the clean text, batched with `nlp.pipe`.

A long text is parsed in pieces cut at paragraph breaks and joined into one Doc with the same text:
spaCy holds a whole document's activations at once (a 200,000-token text took 3.3 GB) and its parser
slows down on long documents, while a piece's paragraphs are sentences of their own anyway.
"""

from __future__ import annotations

from spacy.tokens import Doc

from powermap import nlp
from powermap.analysis import Analysis

PIECE_CHARS = 50_000


def pieces(text: str, size: int = PIECE_CHARS) -> list[str]:
    """`text` cut into pieces of at most `size` characters that join back into it: after a blank line
    where there is one, else after a line break, else after a space, else anywhere."""
    found = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = next((at + len(mark) for mark in ("\n\n", "\n", " ") if (at := window.rfind(mark)) > 0), size)
        found.append(text[start : start + cut])
        start += cut
    found.append(text[start:])
    return found


class Parse:
    name = "parse"
    requires = ("text",)
    assigns = ("doc",)
    english_only = True
    fatal = True

    def __init__(self, model: str | None = None, batch_size: int = 32, piece_chars: int = PIECE_CHARS) -> None:
        self.nlp = nlp.load(model)
        self.batch_size = batch_size
        self.piece_chars = piece_chars

    def __call__(self, analysis: Analysis) -> None:
        analysis.doc = self._long(analysis.text) if len(analysis.text) > self.piece_chars else self.nlp(analysis.text)

    def _long(self, text: str) -> Doc:
        docs = list(self.nlp.pipe(pieces(text, self.piece_chars), batch_size=1))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def pipe(self, analyses: list[Analysis]) -> None:
        """Parse a batch with `nlp.pipe`, a long text alone and in pieces; the pipeline runs the documents one
        by one if the batch fails."""
        short = [a for a in analyses if len(a.text) <= self.piece_chars]
        for analysis, doc in zip(short, self.nlp.pipe(a.text for a in short), strict=True):
            analysis.doc = doc
        for analysis in analyses:
            if len(analysis.text) > self.piece_chars:
                self(analysis)
