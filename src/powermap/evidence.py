"""What every relation carries besides its sides: who asserts it, its date, its evidence sentence.

Shared by the stages that make relations (rules and the learned model), so both say it the same way; each
is built once per document, so a long document costs one pass, not one per relation.
"""

from __future__ import annotations

from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

from powermap.dates import is_duration, looks_like_date, resolve
from powermap.offsets import Intervals, between
from powermap.schema import Quote, Span


class Asserters:
    """Inside a quote the speaker asserts it (null when unknown); outside, the author."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = Intervals((quote.start, quote.end, quote) for quote in quotes)

    def at(self, offset: int) -> str | None:
        quote = self.quotes.first_at(offset)
        return quote.speaker if quote is not None else "author"


class SentenceDates:
    """The date of each sentence a relation comes from, with the document's entities read once
    (`Span.ents` goes through every entity of the document each time)."""

    def __init__(self, doc: Doc, published: str | None) -> None:
        self.entities = [e for e in doc.ents if e.label_ == "DATE"]
        self.published = published
        self.known: dict[int, tuple[str | None, str | None]] = {}

    def of(self, sentence: TokenSpan) -> tuple[str | None, str | None]:
        """The sentence's date at the precision it is written with, else the publication date."""
        if sentence.start not in self.known:
            self.known[sentence.start] = self._find(sentence)
        return self.known[sentence.start]

    def _find(self, sentence: TokenSpan) -> tuple[str | None, str | None]:
        for ent in between(self.entities, sentence.start, sentence.end, key=_entity_start):
            if ent.end <= sentence.end and looks_like_date(ent.text) and not is_duration(ent.text):
                day, _ = resolve(ent.text, self.published)
                if day is not None:
                    return day, "text"
        if self.published:
            return self.published[:10], "document"
        return None, None


def _entity_start(entity: TokenSpan) -> int:
    return entity.start


def evidence_span(text: str, sentence: TokenSpan) -> Span:
    """The sentence without its trailing white space."""
    start, end = sentence.start_char, sentence.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end)
