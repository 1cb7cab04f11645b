"""Who did what to whom: a document's relations as a few plain lines, main event first, and an actor's
relations across a corpus as one sentence ("Maduro: sanctioned by the United States; backed by Russia").

How the main event is chosen: each relation scores

    confidence x modality weight x lead x prominence

- confidence: the relation stage's own (calibrated) confidence;
- modality weight: `ontology.MODALITY_WEIGHT` (an asserted event counts fully, a possible one half);
- lead: 1 at the first character of the text down to 0.5 at the last, by where the evidence sentence
  starts: news writing puts the main event first (the inverted pyramid);
- prominence: 0.5 + 0.5 x the share of the two sides' mentions in those of the document's most mentioned
  actor (twice), so that a relation between the actors the text is about outranks one between bystanders.

Ties keep text order. One line per (source, type, target, negation), the sides of a symmetric type in
either order: the best scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from powermap import datafiles, ontology

LINES = 3  # the summary lines of a document


@dataclass(frozen=True)
class Line:
    """One relation, readable: `Russia SUPPORT Belarus: 'sent troops' (author, 0.82)`."""

    relation: str  # the relation's id in its document
    source: str
    type: str
    target: str | None
    negated: bool
    trigger: str
    voice: str  # who asserts it: "author", the speaker's name, or "unknown speaker"
    confidence: float
    start: int  # the evidence sentence, for links to it
    end: int
    score: float

    def __str__(self) -> str:
        relation = f"NOT {self.type}" if self.negated else self.type
        target = f" {self.target}" if self.target else ""
        return f"{self.source} {relation}{target}: '{self.trigger}' ({self.voice}, {self.confidence:.2f})"


def rank(relations: Iterable[Mapping[str, Any]], names: Mapping[str, str], mentions: Mapping[str, int],
         length: int, limit: int = LINES) -> list[Line]:
    """The `limit` best scored relations (see the module's docstring). `names` and `mentions` are by the
    document's actor ids; `length` is the length of the text."""
    most = max(mentions.values(), default=0) or 1
    best: dict[tuple[Any, ...], Line] = {}
    for relation in relations:
        evidence = relation["evidence"]
        lead = 1 - 0.5 * evidence["start"] / max(length, 1)
        share = (mentions.get(relation["source"], 0) + mentions.get(relation["target"] or "", 0)) / (2 * most)
        score = (relation["confidence"] * ontology.MODALITY_WEIGHT.get(relation["modality"], 1.0) * lead
                 * (0.5 + 0.5 * min(share, 1.0)))
        asserted = relation.get("asserted_by")
        voice = "author" if asserted == "author" else names.get(asserted or "", "unknown speaker")
        line = Line(relation["id"], names.get(relation["source"], relation["source"]), relation["type"],
                    names.get(relation["target"], relation["target"]) if relation["target"] else None,
                    bool(relation["negated"]), relation["trigger"]["text"], voice, relation["confidence"],
                    evidence["start"], evidence["end"], score)
        sides = (relation["source"], relation["target"])
        if ontology.symmetric(relation["type"]):  # "A and B agreed" is one event whichever side is named first
            sides = tuple(sorted(sides, key=str))
        key = (*sides, relation["type"], line.negated)
        if key not in best or score > best[key].score:
            best[key] = line
    return sorted(best.values(), key=lambda line: (-line.score, line.start))[:limit]


def document_lines(document: Mapping[str, Any], names: Mapping[str, str] | None = None,
                   limit: int = LINES) -> list[Line]:
    """A document's main relations, main event first; actors by `names` (their ids), else their own names."""
    actors = document.get("actors", [])
    return rank(document.get("relations", []), names or {a["id"]: a["name"] for a in actors},
                {a["id"]: len(a["mentions"]) for a in actors}, len(document["text"]), limit)


@dataclass(frozen=True)
class Group:
    """An actor's relations of one type, direction and negation with one other actor, across documents."""

    type: str
    direction: str  # "out": the actor is the source; "in": the target
    negated: bool
    other: str | None  # corpus actor id of the other side; None for a relation with no target
    count: int
    first: str | None  # the earliest and latest dates, when dated
    last: str | None
    document: str  # one piece of evidence: its document and relation id
    relation: str


def phrase(type_: str, direction: str, negated: bool, targetless: bool = False) -> str:
    """How the relation reads from the actor's side: `sanctioned by`, `not backed`, `mobilized` (no target)."""
    words = datafiles.load("digest.yaml")
    found = words.phrases[type_]
    if targetless and found.alone:
        text = found.alone
    else:
        text = found.done_to if direction == "in" and not ontology.symmetric(type_) else found.does
    return f"{words.negation} {text}" if negated else text


def actor_sentence(name: str, groups: Iterable[Group], names: Mapping[str, str], most: int = 6) -> str:
    """`Maduro: sanctioned by the United States (3); backed by Russia, Cuba`: the `most` phrases with
    the most relations, each naming its other sides by relation count (a count after a side cited more
    than once)."""
    by_phrase: dict[str, dict[str, int]] = {}
    for group in groups:
        others = by_phrase.setdefault(phrase(group.type, group.direction, group.negated, group.other is None), {})
        other = names.get(group.other, group.other) if group.other else ""
        others[other] = others.get(other, 0) + group.count
    ranked = sorted(by_phrase.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:most]
    parts = []
    for text, others in ranked:
        sides = [f"{side} ({n})" if n > 1 else side for side, n in
                 sorted(others.items(), key=lambda item: (-item[1], item[0])) if side]
        parts.append(f"{text} {', '.join(sides)}" if sides else text)
    return f"{name}: {'; '.join(parts)}" if parts else f"{name}: no relations"


@dataclass
class Voice:
    """The rhetoric and stance in one voice of a document: the author's, or one quoted speaker's."""

    holder: str  # "author", the speaker's name, or "unresolved speaker"
    techniques: list[dict[str, Any]]
    stance: list[dict[str, Any]]


def voices(document: Mapping[str, Any], names: Mapping[str, str]) -> list[Voice]:
    """Techniques and stance grouped by whose voice they are in (`held_by`), the author first, then the
    quoted speakers by how much rhetoric they carry; `names` are the names of the document's actor ids."""
    found: dict[str, Voice] = {}

    def voice(held_by: str | None) -> Voice:
        holder = "author" if held_by == "author" else names.get(held_by or "", held_by or "unresolved speaker")
        return found.setdefault(holder, Voice(holder, [], []))

    for technique in document.get("rhetoric", []):
        voice(technique.get("held_by")).techniques.append(technique)
    for stance in document.get("stance", []):
        voice(stance["held_by"]).stance.append(stance)
    return sorted(found.values(), key=lambda v: (v.holder != "author", -len(v.techniques) - len(v.stance), v.holder))
