"""What every relation carries besides its sides: who asserts it, its date, its evidence sentence.

Shared by the stages that make relations (rules and the learned model), so both say it the same way.
"""

from __future__ import annotations

from spacy.tokens import Span as TokenSpan

from powermap.dates import is_duration, looks_like_date, resolve
from powermap.schema import Quote, Span


def asserter(quotes: list[Quote], offset: int) -> str | None:
    """Inside a quote the speaker asserts it (null when unknown); outside, the author."""
    for quote in quotes:
        if quote.start <= offset < quote.end:
            return quote.speaker
    return "author"


def date_of(sentence: TokenSpan, published: str | None) -> tuple[str | None, str | None]:
    """The sentence's date at the precision it is written with, else the publication date."""
    for ent in sentence.ents:
        if ent.label_ == "DATE" and looks_like_date(ent.text) and not is_duration(ent.text):
            day, _ = resolve(ent.text, published)
            if day is not None:
                return day, "text"
    if published:
        return published[:10], "document"
    return None, None


def evidence_span(text: str, sentence: TokenSpan) -> Span:
    """The sentence without its trailing white space."""
    start, end = sentence.start_char, sentence.end_char
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span.of(text, start, end)
