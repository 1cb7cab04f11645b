"""Offset lookups built once per document, so that a stage's work grows with the text, not its square.

Stages ask, for every token or sentence, which quote, mention or technique covers an offset, or which
items lie in a sentence. Scanning every item for every question is quadratic (12,000 sentences took
minutes); these structures answer by bisection after one pass over the items.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Intervals(Generic[Item]):
    """Half-open [start, end) intervals that may overlap, answering in the order they were given.

    The line is cut at every interval's ends into elementary pieces; each piece keeps the intervals
    covering it, so `first_at` is one bisection and `overlapping` visits only the pieces in its range.
    """

    def __init__(self, spans: Iterable[tuple[int, int, Item]]) -> None:
        self._items: list[Item] = []
        events: list[tuple[int, int, int]] = []  # (offset, 0 = closes / 1 = opens, order)
        for order, (start, end, item) in enumerate(spans):
            self._items.append(item)
            if start < end:
                events.append((start, 1, order))
                events.append((end, 0, order))
        events.sort()
        self._cuts: list[int] = []
        self._covering: list[tuple[int, ...]] = []
        open_orders: set[int] = set()
        index = 0
        while index < len(events):
            offset = events[index][0]
            while index < len(events) and events[index][0] == offset:
                _, opens, order = events[index]
                if opens:
                    open_orders.add(order)
                else:
                    open_orders.discard(order)
                index += 1
            self._cuts.append(offset)
            self._covering.append(tuple(sorted(open_orders)) if open_orders else ())

    def _piece(self, offset: int) -> int:
        """The elementary piece holding `offset`, or -1 before the first interval."""
        return bisect_right(self._cuts, offset) - 1

    def first_at(self, offset: int) -> Item | None:
        """The first interval (in the given order) with start <= offset < end."""
        piece = self._piece(offset)
        if piece < 0 or not self._covering[piece]:
            return None
        return self._items[self._covering[piece][0]]

    def all_at(self, offset: int) -> list[Item]:
        """Every interval covering `offset`, in the given order."""
        piece = self._piece(offset)
        return [self._items[o] for o in self._covering[piece]] if piece >= 0 else []

    def overlapping(self, start: int, end: int) -> list[Item]:
        """Every interval sharing a character with [start, end), in the given order."""
        if start >= end:
            return []
        orders: set[int] = set()
        piece = max(0, self._piece(start))
        while piece < len(self._cuts) and self._cuts[piece] < end:
            orders.update(self._covering[piece])
            piece += 1
        return [self._items[o] for o in sorted(orders)]


def between(items: Sequence[Item], start: int, end: int, key: Callable[[Item], int]) -> Sequence[Item]:
    """The items of a list sorted by `key` whose key lies in [start, end), in their order."""
    return items[bisect_left(items, start, key=key) : bisect_left(items, end, key=key)]
