"""One actor per identity across documents: the rules of the corpus merge, free of any storage.

Gazetteer actors already share ids everywhere. Actors found only by the NER model get an id from their
name, so two spellings of one unknown name ("Jonas Petraitis", "Jonas Petraitys") would be two actors:
they are merged when their names are near-identical (rapidfuzz) and agree on the surname's start.
Names in other scripts are compared as written: their transliterations fold distinct names together
(李明 and 黎明 are both `liming`).

A name is only ever compared with the names of its block (same type, same first letters of the
surname), and its key is computed once, so merging grows with the size of a block, not of the corpus.
Within a block a name joins the first representative, in rank order, whose key is close enough; a name
that joins none becomes a representative itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from powermap.gazetteer import fold, name_key

THRESHOLD = 90
SURNAME_START = 3  # how many first letters of the surname two spellings must share
KNOWN = "known"  # the kind of gazetteer actors: one identity per id, never merged by name


def merge_key(name: str) -> str:
    """The form of a name that spellings are compared in."""
    folded = fold(name)
    return name_key(name) if folded.isascii() else " ".join(folded.split())


def kind(actor_type: str, origin: str) -> str:
    """Only actors the NER model found are merged by name, and only with actors of their own type."""
    return actor_type if origin == "ner" else KNOWN


def block(actor_kind: str, key: str) -> str | None:
    """The block a name is compared within, or None for names never merged (gazetteer ids, empty keys)."""
    if actor_kind == KNOWN or not key.split():
        return None
    return f"{actor_kind}|{key.split()[-1][:SURNAME_START]}"


def matches(key: str, other: str) -> bool:
    return fuzz.ratio(key, other) >= THRESHOLD


def first_match(key: str, representatives: Iterable[tuple[str, str]]) -> str | None:
    """The id of the first (id, key) representative, in the order given, that `key` merges into."""
    return next((rep_id for rep_id, rep_key in representatives if matches(key, rep_key)), None)


@dataclass
class Merger:
    """The whole-corpus merge, in memory: feed actors most mentioned first (`powermap rebuild` does)."""

    blocks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)

    def add(self, actor_id: str, name: str, actor_type: str, origin: str) -> str:
        """The corpus actor `actor_id` belongs to (itself when it joins no one)."""
        if actor_id in self.mapping:
            return self.mapping[actor_id]
        key = merge_key(name)
        where = block(kind(actor_type, origin), key)
        found = first_match(key, self.blocks.get(where, [])) if where else None
        if found is None:
            found = actor_id
            if where:
                self.blocks.setdefault(where, []).append((actor_id, key))
        self.mapping[actor_id] = found
        return found

