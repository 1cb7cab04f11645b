"""The powermap/1 output schema: every model a document is made of, defined once.

`docs/schema.md` documents each field; `powermap schema` prints the JSON Schema generated here.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from powermap.ontology import RELATION_TYPES

SCHEMA_VERSION = "powermap/1"

ActorType = Literal["person", "state", "organization", "group", "media"]
# The four actor types of annotated data (our training corpus, articles-dev): a state is a country, a medium an
# organisation.
ANNOTATED_TYPES: dict[str, str] = {"person": "person", "state": "country", "organization": "organization",
                                   "group": "group", "media": "organization"}
MentionKind = Literal["name", "alias", "metonym", "role", "demonym", "pronoun", "description"]
# The kinds the coreference stage links to a mention named elsewhere.
ANAPHORIC_KINDS = frozenset({"pronoun", "description"})


class EvidenceError(ValueError):
    """Raised when a span's offsets do not point at its text."""


class Span(BaseModel):
    """A stretch of the document's clean text; `text == document.text[start:end]` always."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(ge=0, description="Character offset of the first character in `text`.")
    end: int = Field(ge=0, description="Character offset one past the last character.")
    text: str = Field(description="Exactly `document.text[start:end]`.")

    @classmethod
    def of(cls, text: str, start: int, end: int, **fields: Any) -> Self:
        """The one way to make a span, so that the evidence invariant cannot be broken."""
        if not 0 <= start <= end <= len(text):
            raise EvidenceError(f"span {start}:{end} outside a text of {len(text)} characters")
        return cls(start=start, end=end, text=text[start:end], **fields)


class Mention(Span):
    kind: MentionKind = Field(
        description="name: the actor's name or surname; alias: another spelling, abbreviation or "
        "transliteration; metonym: a seat or capital standing for a government; role: an office "
        "phrase resolved to its holder; demonym: an adjective of nationality; pronoun: a pronoun linked to "
        "the actor (he, its, they, I or we inside a quotation); description: a definite description linked to "
        "an earlier mention (the minister, the bloc, the two countries)."
    )


class Actor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id, `type:key`, the same in every document.")
    name: str = Field(description="Canonical name.")
    type: ActorType
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-3 code.")
    qid: str | None = Field(default=None, description="Wikidata QID where known.")
    origin: Literal["gazetteer", "ner"] = Field(
        description="gazetteer: a known actor from the data files; ner: found by the NER model."
    )
    mentions: list[Mention]


class WireItem(Span):
    """An embedded news-agency item or credit, such as `MINSK, 10 October (BelTA) –`."""

    agency: str | None = Field(description="Actor id of the credited agency, when known.")
    agency_text: str = Field(description="The agency as written.")
    place: str | None = Field(default=None, description="Dateline place, when given.")
    date_text: str | None = Field(default=None, description="Dateline or citation date as written.")


class Cue(Span):
    lemma: str = Field(description="Dictionary form of the cue (`say`), or the phrase (`according to`).")


class Quote(Span):
    """Reported speech: `text` is the quoted content."""

    kind: Literal["direct", "indirect", "mixed"] = Field(
        description="direct: inside quotation marks; indirect: reported clause; mixed: a quoted "
        "fragment inside reported speech."
    )
    speaker: str | None = Field(description="Actor id of the speaker; null for unnamed or unresolved ones.")
    speaker_text: Span | None = Field(description="The speaker as written (`officials`, `he`).")
    cue: Cue | None = Field(description="The verb or phrase that introduces the speech.")
    source: str | None = Field(description="Actor id of the medium the speech is credited to.")
    confidence: float = Field(ge=0, le=1)


RelationType = Literal[RELATION_TYPES]  # type: ignore[valid-type]  # the types are facts of powermap.ontology


class Relation(BaseModel):
    """An edge of the power map: an event (PLOVER type) or a standing relation (ALLY, DEPENDS_ON)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source: str = Field(description="Actor id of the side that acts (or depends, or allies).")
    target: str | None = Field(description="Actor id of the side acted upon; null when the text names none.")
    type: RelationType
    mode: str | None = Field(default=None, description="PLOVER mode, e.g. troops, visit, economic.")
    negated: bool = Field(description="True for `did not send`, `never`, `no troops`.")
    modality: Literal["asserted", "possible", "intended", "demanded", "hypothetical"]
    asserted_by: str | None = Field(
        description='"author", or the actor id of the quoted speaker; null for an unresolved speaker.'
    )
    date: str | None = Field(description="ISO date of the event, when known.")
    date_source: Literal["text", "document"] | None = Field(
        description="text: a date in the sentence; document: the publication date."
    )
    trigger: Span = Field(description="The word or phrase that expresses the relation.")
    evidence: Span = Field(description="The sentence it was read from.")
    confidence: float = Field(ge=0, le=1)
    made_by: Literal["rules", "model", "rules and model"] = Field(
        default="rules", description="What found it: the trigger rules (data/triggers.yaml), the learned relation "
        "model above its threshold, or both.")


class Quantity(Span):
    """A number as written, with its value, unit and the thing it counts."""

    value: float = Field(description="The number: `2,500` -> 2500, `one thousand` -> 1000, `$1.5 billion` -> 1.5e9.")
    value_max: float | None = Field(default=None, description="Upper end of a range (`20-30`).")
    unit: str | None = Field(description="`percent`, a currency code (USD), or the lemma of the thing counted.")
    qualifier: str | None = Field(
        default=None,
        description="approximately, more than, at least, at most, less than, range, tally, order of magnitude.",
    )
    sides: list[float] | None = Field(
        default=None, description="The two sides of a tally or score (`217-212` -> [217, 212]); `value` is the first."
    )
    per: str | None = Field(
        default=None, description="The unit of time of a rate (`three times a year`, `70,000 deaths per year` -> year)."
    )
    about: Span | None = Field(description="The thing counted (`protesters killed`), when found.")


class DateMention(Span):
    iso: str | None = Field(
        description="ISO date at its precision (`2022`, `2022-05`, `2022-05-16`); null if it cannot be placed."
    )
    precision: Literal["day", "month", "year"]


class Claim(Span):
    """A checkable statement: `text` is its sentence."""

    id: str
    kind: Literal["statistic", "event", "quote", "prediction", "other"]
    quantities: list[Quantity]
    dates: list[DateMention]
    actors: list[str] = Field(description="Ids of the actors named in it.")
    predicate: str | None = Field(description="Lemma of the sentence's main verb, for comparing claims.")
    asserted_by: str | None = Field(description='"author", or the quoted speaker\'s actor id (null if unresolved).')
    checkworthiness: float = Field(ge=0, le=1)
    reasons: list[str] = Field(description="The features that made the score (docs/claims.md).")


TechniqueName = Literal[
    "name_calling", "loaded_language", "exaggeration", "doubt", "appeal_to_fear", "flag_waving", "whataboutism",
    "slogans", "repetition", "causal_oversimplification", "black_and_white_fallacy", "appeal_to_authority",
    "thought_terminating_cliche",
]


class Technique(Span):
    """A persuasion technique at work in the text (docs/rhetoric.md)."""

    technique: TechniqueName
    target: str | None = Field(description="Actor id the technique is aimed at, when it is aimed at one.")
    confidence: float = Field(ge=0, le=1)
    held_by: str | None = Field(default=None, description='Whose voice it is in: "author", or the quoted '
                                "speaker's actor id (null for a speaker the quote stage did not resolve).")


class Genre(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Literal["reporting", "opinion", "analysis", "satire", "press_release", "other"]
    score: float = Field(ge=0, le=1, description="The winning genre's share of all genre scores.")
    reasons: list[str] = Field(description="The features behind the label, with their strengths.")


class Stance(BaseModel):
    """How a holder (the author, or a quoted speaker) regards an actor: -1 hostile .. 1 favourable."""

    model_config = ConfigDict(extra="forbid")

    actor: str
    held_by: str = Field(description='"author", or the actor id of the quoted speaker.')
    value: float = Field(ge=-1, le=1)
    evidence: list[Span] = Field(description="The evaluative words it rests on.")


class Problem(BaseModel):
    """Why a source could not be analysed, or what was noticed on the way."""

    model_config = ConfigDict(extra="forbid")

    source: str
    stage: str
    message: str


class Document(BaseModel):
    # `schema` is the field's name in files; serialising by alias makes model_dump() agree with dump()
    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    schema_: Literal["powermap/1"] = Field(default=SCHEMA_VERSION, alias="schema")
    id: str = Field(description="First 16 hex digits of the SHA-256 of the decoded raw content.")
    source: str = Field(description="Where the document came from: path, path#record, or stdin.")
    format: Literal["text", "html", "warc", "jsonl"]
    url: str | None = None
    title: str | None = None
    section: str | None = Field(default=None, description="Headline label such as `Opinion`.")
    author: str | None = None
    published: str | None = Field(default=None, description="ISO date (YYYY-MM-DD).")
    language: str | None = Field(default=None, description="ISO 639-1 code.")
    pipeline: str = Field(description="powermap version that produced this analysis.")
    text: str = Field(description="Clean text: headline first, boilerplate, byline, signature out.")
    actors: list[Actor] = Field(default_factory=list)
    wire_items: list[WireItem] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    genre: Genre | None = None
    rhetoric: list[Technique] = Field(default_factory=list)
    stance: list[Stance] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _evidence_points_at_text(self) -> Self:
        """Every span's offsets point at its text: a record read from outside cannot break the invariant."""
        for name in type(self).model_fields:
            if name != "text":
                for span in _spans(getattr(self, name)):
                    if not 0 <= span.start <= span.end <= len(self.text) or \
                            self.text[span.start : span.end] != span.text:
                        raise EvidenceError(f"{name}: span {span.start}:{span.end} does not point at its text "
                                            f"{span.text[:40]!r} in a text of {len(self.text)} characters")
        return self

    def dump(self) -> dict[str, Any]:
        """The JSON form, with `schema` spelled as in the files."""
        return self.model_dump(mode="json", by_alias=True)

    def to_frames(self) -> dict[str, Any]:
        """One pandas DataFrame per layer (actors, mentions, relations, quotes, claims, rhetoric, stance,
        wire_items, documents) with actor names beside ids; needs `pip install 'powermap[notebook]'`."""
        from powermap.notebook import frames

        return frames([self.dump()])

    def _repr_html_(self) -> str:
        """Jupyter's display: title, genre, main actors, most confident relations, counts."""
        from powermap.notebook import document_html

        return document_html(self)


def _spans(value: Any) -> Any:
    """Every Span inside a model, list or value."""
    if isinstance(value, Span):
        yield value
    if isinstance(value, BaseModel):
        for field in type(value).model_fields:
            yield from _spans(getattr(value, field))
    elif isinstance(value, list):
        for item in value:
            yield from _spans(item)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one output document."""
    return Document.model_json_schema(by_alias=True)
