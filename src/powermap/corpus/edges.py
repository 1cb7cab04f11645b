"""Corpus edges: relations from many documents aggregated by (source, type, target).

Each edge counts its relations and documents, keeps first and last dates and who asserted it, and
carries a signed weight: cooperative types count positive, conflictual negative, scaled by
confidence, halved when not asserted as fact, and reversed when negated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from powermap import ontology


@dataclass
class Edge:
    source: str
    type: str
    target: str | None
    count: int = 0
    negated: int = 0
    weight: float = 0.0
    first: str | None = None
    last: str | None = None
    documents: set[str] = field(default_factory=set)
    asserted_by: set[str] = field(default_factory=set)


def relation_weight(relation: dict[str, Any]) -> float:
    """The signed contribution of one relation to its edge."""
    return ontology.relation_weight(relation["type"], relation["confidence"], relation["modality"],
                                    relation["negated"])


def edge_key(source: str, type_: str, target: str | None) -> tuple[str, str, str]:
    """The key of the edge a relation belongs to: symmetric types have no direction; no target is ''."""
    if ontology.symmetric(type_) and target is not None and target < source:
        source, target = target, source
    return source, type_, target or ""


def confident(documents: Iterable[dict[str, Any]], at_least: float) -> Iterator[dict[str, Any]]:
    """The documents, one at a time, with only the relations whose confidence reaches `at_least`."""
    for document in documents:
        yield {**document, "relations": [r for r in document["relations"] if r["confidence"] >= at_least]}


def aggregate(documents: Iterable[dict[str, Any]], types: set[str] | None = None) -> list[Edge]:
    """Edges from stored or exported documents; symmetric types are keyed without direction."""
    edges: dict[tuple[str, str, str], Edge] = {}
    for document in documents:
        for relation in document.get("relations", []):
            if types and relation["type"] not in types:
                continue
            source, type_, target = edge_key(relation["source"], relation["type"], relation["target"])
            edge = edges.setdefault((source, type_, target), Edge(source, type_, target or None))
            edge.count += 1
            edge.negated += bool(relation["negated"])
            edge.weight += relation_weight(relation)
            edge.documents.add(document["id"])
            edge.asserted_by.add(relation["asserted_by"] or "unknown speaker")
            day = relation.get("date")
            if day:
                edge.first = min(edge.first or day, day)
                edge.last = max(edge.last or day, day)
    return sorted(edges.values(), key=lambda e: (-e.count, e.source, e.type))
