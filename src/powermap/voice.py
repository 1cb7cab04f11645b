"""Whose voice each part of a text is: the author's, or a quoted speaker's.

Genre, techniques and stance must not mix what the author writes with what the people they quote say:
"terrorism" inside a minister's quotation is no evaluation by the reporter. The quote stage gives the
spans of reported speech; this module turns them into one partition of the text into voice segments,
built once per document (sorting the quotes, then one pass) and read by a cursor that walks forward, so
labelling every token of a document costs time linear in tokens plus quotes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from powermap.schema import Quote

AUTHOR = "author"


@dataclass(frozen=True)
class Segment:
    """A stretch [start, end) of text in one voice; `quote` is None for the author's own words."""

    start: int
    end: int
    quote: Quote | None

    @property
    def holder(self) -> str | None:
        """"author", the speaker's actor id, or None for a quoted speaker the quote stage did not resolve."""
        return AUTHOR if self.quote is None else self.quote.speaker


class Voices:
    """The voice owner of every offset of a text of `length` characters.

    Where quotes overlap, the one that opened last owns the words (the shorter where two open together):
    for a quoted fragment inside reported speech that is the innermost, the more exact attribution.
    `kinds` chooses which quotes count as another voice: direct and mixed quotations by default, since
    indirect speech is the author's paraphrase of it.
    """

    def __init__(self, length: int, quotes: Iterable[Quote], kinds: Sequence[str] = ("direct", "mixed")) -> None:
        spans = sorted((q for q in quotes if q.kind in kinds and 0 <= q.start < q.end <= length),
                       key=lambda q: (q.start, -q.end))
        self.segments: list[Segment] = []
        stack: list[Quote] = []  # quotes open at the cursor, innermost last
        cursor = 0
        for quote in [*spans, None]:
            boundary = length if quote is None else quote.start
            while stack and stack[-1].end <= boundary:  # close the quotes that end before the next opens
                inner = stack.pop()
                self._add(cursor, inner.end, inner)
                cursor = max(cursor, inner.end)
            self._add(cursor, boundary, stack[-1] if stack else None)
            cursor = max(cursor, boundary)
            if quote is not None:
                stack.append(quote)
        self._starts = [s.start for s in self.segments]

    def _add(self, start: int, end: int, quote: Quote | None) -> None:
        if start >= end:
            return
        last = self.segments[-1] if self.segments else None
        if last is not None and last.quote is quote and last.end == start:
            self.segments[-1] = Segment(last.start, end, quote)
        else:
            self.segments.append(Segment(start, end, quote))

    def at(self, offset: int) -> Segment:
        """The segment holding `offset` (the author's for an offset outside the text)."""
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.segments[index].end:
            return self.segments[index]
        return Segment(offset, offset + 1, None)

    def holder_at(self, offset: int) -> str | None:
        return self.at(offset).holder

    def is_author(self, offset: int) -> bool:
        return self.at(offset).quote is None

    def walk(self, offsets: Iterable[int]) -> Iterator[Segment]:
        """The segment of each offset of an ascending sequence, by one forward pass."""
        index = 0
        for offset in offsets:
            while index < len(self.segments) and self.segments[index].end <= offset:
                index += 1
            if index < len(self.segments) and self.segments[index].start <= offset:
                yield self.segments[index]
            else:
                yield Segment(offset, offset + 1, None)

    def author_share(self) -> float:
        """The share of characters in the author's own voice."""
        total = self.segments[-1].end if self.segments else 0
        quoted = sum(s.end - s.start for s in self.segments if s.quote is not None)
        return 1.0 - quoted / total if total else 1.0
