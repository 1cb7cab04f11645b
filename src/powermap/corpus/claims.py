"""Claims across documents: a ranked table, and conflicts between claims about the same thing.

Two claims are about the same thing when they name the same actors, share the main verb and count
the same unit. They conflict when their values differ by more than the tolerance, or when they date
the same event differently at the same precision.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

TOLERANCE = 0.1


@dataclass
class Conflict:
    kind: str
    actors: list[str]
    predicate: str | None
    unit: str | None
    claims: list[dict[str, Any]] = field(default_factory=list)


def ranked(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every claim with its document, most check-worthy first."""
    rows = []
    for document in documents:
        for claim in document.get("claims", []):
            rows.append({"document": document["id"], "title": document.get("title"), **claim})
    return sorted(rows, key=lambda r: (-r["checkworthiness"], r["document"], r["start"]))


def _entry(document: dict[str, Any], claim: dict[str, Any], **value: Any) -> dict[str, Any]:
    return {"document": document["id"], "claim": claim["id"], "text": claim["text"], **value}


def subjects(claim: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...], str, str | None, float | str]]:
    """What a claim says something about, one (kind, actors, predicate, unit or precision, value) per quantity
    with a unit and per resolved date: two claims can only conflict on one of these."""
    if not claim["actors"] or not claim.get("predicate"):
        return
    actors = tuple(sorted(claim["actors"]))
    for quantity in claim["quantities"]:
        if quantity["unit"]:
            yield "value", actors, claim["predicate"], quantity["unit"], quantity["value"]
    for day in claim["dates"]:
        if day["iso"]:
            yield "date", actors, claim["predicate"], day["precision"], day["iso"]


def subject_key(kind: str, actors: tuple[str, ...], predicate: str, qualifier: str | None) -> str:
    """One subject as a string, for the store to group claims by."""
    return json.dumps([kind, actors, predicate, qualifier], ensure_ascii=False)


def conflicts(documents: Iterable[dict[str, Any]]) -> list[Conflict]:
    """Claims from different documents that disagree about the same thing."""
    by_value: dict[tuple[Any, ...], list[tuple[dict[str, Any], dict[str, Any], float]]] = defaultdict(list)
    by_date: dict[tuple[Any, ...], list[tuple[dict[str, Any], dict[str, Any], str]]] = defaultdict(list)
    for document in documents:
        for claim in document.get("claims", []):
            for kind, actors, predicate, qualifier, value in subjects(claim):
                groups: Any = by_value if kind == "value" else by_date
                groups[(actors, predicate, qualifier)].append((document, claim, value))
    found: list[Conflict] = []
    for (actors, predicate, unit), items in by_value.items():
        clashes = [(a, b) for a, b in combinations(items, 2) if a[0]["id"] != b[0]["id"]
                   and abs(a[2] - b[2]) > TOLERANCE * max(abs(a[2]), abs(b[2]))]
        if clashes:
            involved = {(d["id"], c["id"]): (d, c, v) for pair in clashes for d, c, v in pair}
            found.append(Conflict("value", list(actors), predicate, unit,
                                  [_entry(d, c, value=v) for d, c, v in involved.values()]))
    for (actors, predicate, _), items in by_date.items():
        clashes = [(a, b) for a, b in combinations(items, 2) if a[0]["id"] != b[0]["id"] and a[2] != b[2]]
        if clashes:
            involved = {(d["id"], c["id"]): (d, c, v) for pair in clashes for d, c, v in pair}
            found.append(Conflict("date", list(actors), predicate, None,
                                  [_entry(d, c, date=v) for d, c, v in involved.values()]))
    return found
