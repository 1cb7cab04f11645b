"""The working object that flows through the pipeline, and its conversion to the output schema."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from powermap import __version__
from powermap.schema import (
    ANAPHORIC_KINDS,
    Actor,
    Claim,
    Document,
    Genre,
    Problem,
    Quote,
    Relation,
    Stance,
    Technique,
    WireItem,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

SourceFormat = Literal["text", "html", "warc", "jsonl"]


def content_id(raw: str) -> str:
    """Documents are keyed by what they contain, so the same content is stored once."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Source:
    """One document as read from its container, before any analysis."""

    label: str
    format: SourceFormat
    raw: str = ""
    body: str = ""
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    given_id: str | None = None
    error: str | None = None

    @property
    def id(self) -> str:
        return content_id(self.raw)


@dataclass
class Analysis:
    """What the stages know about one document so far; each stage reads it and adds to it."""

    source: Source
    text: str = ""
    title: str | None = None
    section: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    wire_items: list[WireItem] = field(default_factory=list)
    doc: Doc | None = None
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    genre: Genre | None = None
    rhetoric: list[Technique] = field(default_factory=list)
    stance: list[Stance] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problem: Problem | None = None
    english: bool = True
    signed: bool = False
    lost: set[str] = field(default_factory=set)  # attributes a failed stage did not assign
    seconds: float = 0.0  # time spent on this document so far, against the pipeline's timeout

    @property
    def id(self) -> str:
        return self.source.id

    @property
    def failed(self) -> bool:
        return self.problem is not None

    def mention_owners(self, pronouns: bool = True) -> dict[int, Actor]:
        """Character offset -> the actor whose mention covers it: how later stages find who a word names;
        `pronouns=False` leaves out what coreference linked (pronouns and descriptions such as "the
        minister"). A plural mention of several actors ("they", "the two countries") is no one actor's."""
        plural = self.plural_mentions()
        owners: dict[int, Actor] = {}
        for actor in self.actors:
            for mention in actor.mentions:
                if (mention.start, mention.end) not in plural and (
                        pronouns or mention.kind not in ANAPHORIC_KINDS):
                    for offset in range(mention.start, mention.end):
                        owners.setdefault(offset, actor)
        return owners

    def plural_mentions(self) -> set[tuple[int, int]]:
        """The (start, end) of every mention that several actors share: "they" for "Poland and
        Lithuania", "the two countries"."""
        counts = Counter((m.start, m.end) for actor in self.actors for m in actor.mentions)
        return {span for span, count in counts.items() if count > 1}

    def fail(self, stage: str, message: str) -> None:
        self.problem = Problem(source=self.source.label, stage=stage, message=message)

    def to_document(self) -> Document:
        return Document(
            id=self.id,
            source=self.source.label,
            format=self.source.format,
            url=self.source.url,
            title=self.title,
            section=self.section,
            author=self.author,
            published=self.published,
            language=self.language,
            pipeline=__version__,
            text=self.text,
            actors=self.actors,
            quotes=self.quotes,
            relations=self.relations,
            claims=self.claims,
            genre=self.genre,
            rhetoric=self.rhetoric,
            stance=self.stance,
            wire_items=self.wire_items,
            warnings=self.warnings,
        )
