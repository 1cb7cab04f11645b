"""Every data file under `src/powermap/data/`, parsed into a typed model and checked when it is loaded.

A bad entry fails at start-up with the file, the entry and what is wrong (`triggers.yaml: verbs.invade:
'ASSUALT' is not a relation type (...)`), never later inside a document. Users add their own entries
from a directory (`--data-dir DIR` or `POWERMAP_DATA=DIR`) holding files of the same names: mappings are
merged into the packaged ones, lists extended, single values replaced; `DIR/gazetteer/*.yaml` (and the
older `POWERMAP_GAZETTEER=DIR`) add gazetteer files. Each file carries `version: 1`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from powermap import ontology
from powermap.schema import Genre, TechniqueName

VERSION = 1
DATA_ENV = "POWERMAP_DATA"
GAZETTEER_ENV = "POWERMAP_GAZETTEER"
PACKAGED: Traversable = resources.files("powermap") / "data"


class DataFileError(ValueError):
    """A data file is missing, unreadable or has a bad entry; the message names the file and the entry."""


# -- value types ------------------------------------------------------------------------------------
def _choice(kind: str, choices: tuple[str, ...]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not {kind} (one of {', '.join(choices)})")
        return value

    return check


def _lower(value: str) -> str:
    if value != value.lower():
        raise ValueError(f"{value!r}: keys are lemmas in lower case ({value.lower()!r})")
    return value


def _regex(*groups: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a valid regular expression: {exc}") from None
        missing = [g for g in groups if g not in compiled.groupindex]
        if missing:
            raise ValueError(f"{value!r} needs the named group(s) {', '.join(missing)}")
        return value

    return check


def _relation_type(value: str) -> str:
    try:
        ontology.kind(value)
    except ontology.UnknownRelationType as exc:
        raise ValueError(str(exc)) from None
    return value


Word = Annotated[str, Field(min_length=1)]
Words = list[Word]
Lemma = Annotated[str, Field(min_length=1), AfterValidator(_lower)]
Pattern = Annotated[str, AfterValidator(_regex())]
RelationName = Annotated[str, AfterValidator(_relation_type)]
ISO3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
QID = Annotated[str, Field(pattern=r"^Q\d+$")]
GENRES: tuple[str, ...] = get_args(Genre.model_fields["label"].annotation)
TECHNIQUES: tuple[str, ...] = get_args(TechniqueName)
GenreName = Annotated[str, AfterValidator(_choice("a genre", GENRES))]
TechniqueKey = Annotated[str, AfterValidator(_choice("a technique of the schema", TECHNIQUES))]
Control = Literal["refuse", "intended", "request", "demand", "threat", "agree"]
Qualifier = Literal["approximately", "at most", "less than", "more than", "at least", "exactly"]
GenreFeature = Literal[  # what powermap.learn.genre computes for a document, in the model's order
    "section_opinion", "section_analysis", "section_reporting", "section_satire", "section_press_release",
    "dateline_or_wire_credit", "wire_credit_anywhere", "byline", "signature", "author_bio", "quoted_share",
    "quotes_per_sentence", "attribution_cues", "first_person_singular", "first_person_plural", "second_person",
    "imperatives", "questions", "headline_question", "past_tense", "forecast_cues", "analytic_cues",
    "opinion_cues", "evaluative_words", "author_techniques", "time_words", "numbers",
    "satire_marker", "press_release_marker",
]
RuleFeature = Literal[GenreFeature, "baseline"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFile(Strict):
    version: Literal[1]


# -- relations (triggers.yaml) --------------------------------------------------------------------
class Trigger(Strict):
    """A trigger word's relation type, and its PLOVER mode where one applies."""

    type: RelationName
    mode: str | None = None

    @model_validator(mode="after")
    def _known_mode(self) -> Trigger:
        modes = ontology.kind(self.type).modes
        if self.mode is not None and self.mode not in modes:
            raise ValueError(f"{self.mode!r} is not a mode of {self.type} (one of {', '.join(modes) or 'none'})")
        return self


TriggerValue = Annotated[Trigger, BeforeValidator(lambda v: {"type": v} if isinstance(v, str) else v)]


Confidence = Annotated[float, Field(ge=0, le=1)]


class RelationConfidence(Strict):
    """How sure each way of finding a relation is (the relations stage adds `both_known`, caps at `most`)."""

    verb: Confidence
    obligation: Confidence
    noun: Confidence
    predicate: Confidence
    answered_request: Confidence
    both_known: Confidence
    most: Confidence


class TriggersFile(DataFile):
    confidence: RelationConfidence
    verbs: dict[Lemma, TriggerValue]
    nouns: dict[Lemma, TriggerValue]
    light_verbs: Words
    adjectives: dict[Lemma, TriggerValue]
    control: dict[Lemma, Control]
    control_adjectives: dict[Lemma, Control]
    obligation_verbs: Words
    complaint_verbs: Words
    obligation_modals: Words
    agent_nouns: Words
    collective_nouns: Words
    target_prepositions: Words
    locative_prepositions: Words
    collective_pronouns: dict[Word, bool]
    modals: dict[Word, Literal["possible", "intended"]]
    answers_request: list[RelationName]
    negators: Words
    negating_determiners: Words
    condition_marks: Words
    threat_conditions: Words
    stative_prepositions: Words


# -- quotes, claims, rhetoric, clean --------------------------------------------------------------
class QuoteConfidence(Strict):
    """How sure each kind of quote is, before what its cue and speaker add (capped at `most`)."""

    marks: Confidence  # words in quotation marks, after a transcript label, or signed
    reported: Confidence  # reported speech, `according to`, headline labels, words after a colon
    with_cue: Confidence
    with_speaker: Confidence
    continued: Confidence
    most: Confidence


class CuesFile(DataFile):
    confidence: QuoteConfidence
    speech: Words
    belief: Words
    beside_quotes: Words
    object_is_content: Words
    topic_verbs: Words
    label_sources: Words
    stance: Words
    framing: Words
    stance_adjectives: Words
    according_to: Words
    title_minor_words: Words
    stance_prepositions: Words
    frame_prepositions: Words
    topic_prepositions: Words
    carried_pronouns: Words
    min_quote_words: Annotated[int, Field(ge=1)]
    min_single_quote_words: Annotated[int, Field(ge=1)]


class QuantitiesFile(DataFile):
    number_words: dict[Word, float]
    scales: dict[Word, Annotated[float, Field(gt=0)]]
    vague: dict[Word, Annotated[float, Field(gt=0)]]
    currencies: dict[Word, Annotated[str, Field(pattern=r"^[A-Z]{3}$")]]
    percent: Words
    qualifiers: dict[Word, Qualifier]
    year_context: list[Lemma]
    article_numbers: list[Lemma]
    referring_words: list[Lemma]
    name_words: list[Lemma]
    name_entities: list[Annotated[str, Field(pattern=r"^[A-Z_]+$")]]
    set_phrases: list[Lemma]
    marks: dict[Word, Pattern]
    time_units: list[Lemma]
    frequency_nouns: list[Lemma]
    clock_words: list[Lemma]
    period_words: list[Lemma]
    fractions: dict[Lemma, Annotated[int, Field(ge=2)]]
    change_words: list[Lemma]
    defining_words: list[Lemma]
    rate_words: list[Lemma]
    not_rates: list[Lemma]
    frequency_words: dict[Lemma, Annotated[float, Field(gt=0)]]
    compound_units: list[Lemma]
    compound_endings: list[Lemma]


class CheckWeights(Strict):
    quantity: float
    vague_quantity: float
    date: float
    named_actor: float
    two_named_actors: float
    factual_verb: float
    attributed: float
    past_tense: float
    opinion_marker: float
    hedge: float
    first_person: float
    question: float
    exclamation: float
    verbless: float
    prediction: float


class CheckworthinessFile(DataFile):
    weights: CheckWeights
    factual_verbs: Words
    opinion_markers: Words
    hedges: Words
    first_person: Words
    prediction_markers: Words


class GenreCues(Strict):
    """Phrases counted in the author's own voice (lower case, matched on word boundaries)."""

    attribution: Words
    forecast: Words
    analytic: Words
    opinion: Words
    time: Words
    author_bio: Words


class GenrePronouns(Strict):
    """Pronouns by person (lower case), and capitalised forms that are countries, never pronouns."""

    first_singular: Words
    first_plural: Words
    second: Words
    countries: Words


class GenreFile(DataFile):
    section_labels: dict[GenreName, Words]
    press_release_markers: Words
    satire_markers: Words
    cues: GenreCues
    pronouns: GenrePronouns
    evaluative_intensity: Annotated[float, Field(gt=0, le=4)]
    technique_confidence: Annotated[float, Field(ge=0, le=1)]
    rare_genres: list[GenreName]
    rare_min_probability: Annotated[float, Field(ge=0, le=1)]
    rule_scales: dict[GenreFeature, Annotated[float, Field(gt=0)]]
    weights: dict[GenreName, dict[RuleFeature, float]]


class StanceFile(DataFile):
    positive: dict[Word, Annotated[float, Field(gt=0, le=1)]]
    negative: dict[Word, Annotated[float, Field(ge=-1, lt=0)]]


class Technique(Strict):
    definition: Word
    examples: Words
    targets: bool
    lemma: bool = False
    phrases: Words = []
    patterns: list[Pattern] = []
    intensity_threshold: Annotated[float, Field(gt=0)] | None = None
    phrases_decide: bool = Field(
        False, description="Whether a match of its phrases is reported as the technique beside the model's spans.")
    extent: Literal["words", "clause"] = Field(
        "words", description="What one span of it is: a run of words, or a clause (its words in one sentence).")


class TechniquesFile(DataFile):
    techniques: dict[TechniqueKey, Technique]

    @model_validator(mode="after")
    def _every_technique(self) -> TechniquesFile:
        missing = [name for name in TECHNIQUES if name not in self.techniques]
        if missing:
            raise ValueError(f"no entry for {', '.join(missing)} (every technique of the schema needs one)")
        return self


class BoilerplateFile(DataFile):
    cut_from: list[Pattern]
    drop_lines: list[Pattern]
    section_labels: Words
    bylines: list[Annotated[str, AfterValidator(_regex("name"))]]
    date_lines: list[Annotated[str, AfterValidator(_regex("date"))]]


class WireFile(DataFile):
    datelines: list[Annotated[str, AfterValidator(_regex("agency"))]]
    citations: list[Annotated[str, AfterValidator(_regex("agency"))]]


# -- actors and the gazetteer ---------------------------------------------------------------------
class ActorsFile(DataFile):
    government_prepositions: Words
    place_nouns: Words
    motion_verbs: Words
    quantifiers: Words


class Pronoun(Strict):
    """What a pronoun agrees with: gender (none for they, I, we), number and person; whether it can be
    possessive or is reflexive."""

    gender: Literal["male", "female", "neuter"] | None = None
    number: Literal["singular", "plural"] = "singular"
    person: Literal["first", "third"] = "third"
    possessive: bool = False
    reflexive: bool = False


class RoleNoun(Strict):
    gender: Literal["male", "female"] | None = None
    relational: bool = False  # "his predecessor", "the guest": someone other than the owner or host


class Salience(Strict):
    """Points a candidate antecedent earns (docs/architecture.md, coreference)."""

    sentence: Annotated[list[Annotated[float, Field(ge=0)]], Field(min_length=1)]
    subject: float
    object: float
    oblique: float
    possessor: float
    other: float
    main_clause: float
    governs: float
    parallel: float
    title: float
    office: float
    cataphora: float


class CorefFile(DataFile):
    pronouns: dict[Lemma, Pronoun]
    role_nouns: dict[Lemma, RoleNoun]
    descriptions: dict[Lemma, list[Literal["state", "organization", "media", "group"]]]
    control_adjectives: Words
    numbers: dict[Lemma, Annotated[int, Field(ge=2)]]
    gendered_titles: dict[Lemma, Literal["male", "female"]]
    salience: Salience


class Role(Strict):
    """A role noun names an office either by the holder's title or by the office itself."""

    title: Word | None = None
    office: Word | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Role:
        if (self.title is None) == (self.office is None):
            raise ValueError("give exactly one of title or office")
        return self


class RolesFile(DataFile):
    roles: dict[Lemma, Role]
    modifiers: Words
    not_current: Words


class State(Strict):
    iso3: ISO3
    name: Word
    demonyms: Words = []
    capital: Word | None = None
    capital_aliases: Words = []
    seats: Words = []
    aliases: Words = []
    qid: QID | None = None
    leader: Literal["head_of_state", "head_of_government"] = "head_of_state"
    ambiguous: bool = False


class Office(Strict):
    title: Word
    office: Word
    start: date | None = None
    end: date | None = None


class Person(Strict):
    name: Word
    aliases: Words = []
    surnames: Words | None = None
    gender: Literal["male", "female"] | None = None
    country: ISO3 | None = None
    organization: Word | None = None
    qid: QID | None = None
    offices: list[Office] = []


class Organisation(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    name: Word
    aliases: Words = []
    country: ISO3 | None = None
    qid: QID | None = None
    armed_forces: bool = False  # the armed forces of `country`, which they stand for


class GazetteerFile(DataFile):
    states: list[State] = []
    people: list[Person] = []
    organizations: list[Organisation] = []
    media: list[Organisation] = []
    groups: list[Organisation] = []
    places: Words = []


class Group(Strict):
    """A collective actor with no name of its own: its id key, its name, the nouns and names for it."""

    key: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    name: Word
    nouns: Words = []
    names: list[Word] = []
    country: ISO3 | None = None


class GroupsFile(DataFile):
    groups: list[Group]


class TitlesFile(DataFile):
    titles: Words
    organisation_words: list[Word]


class NotActorsFile(DataFile):
    ship_prefixes: list[Word]
    geographic_heads: list[Word]
    place_heads: Words
    location_prepositions: Words
    venue_heads: Words
    descriptor_participles: Words


class FurnitureFile(DataFile):
    drop_lines: list[Pattern]
    bylines: list[Pattern]
    strip_inline: list[Pattern]


class LanguageFile(DataFile):
    short_letters: Annotated[int, Field(gt=0)]
    ascii_share: Annotated[float, Field(ge=0, le=1)]
    english_function_words: Words
    min_letter_share: Annotated[float, Field(ge=0, le=1)]
    letter_share_from: Annotated[int, Field(gt=0)]


class DigestPhrase(Strict):
    does: Word
    done_to: Word
    alone: Word | None = None  # a relation with no target: `mobilized`


class DigestFile(DataFile):
    """How a relation type reads in an actor's one-line summary (digest.py)."""

    phrases: dict[RelationName, DigestPhrase]
    negation: Word

    @model_validator(mode="after")
    def _every_type(self) -> DigestFile:
        missing = [name for name in ontology.RELATION_TYPES if name not in self.phrases]
        if missing:
            raise ValueError(f"no phrase for {', '.join(missing)} (every relation type needs one)")
        return self


MODELS: dict[str, type[DataFile]] = {
    "triggers.yaml": TriggersFile,
    "cues.yaml": CuesFile,
    "quantities.yaml": QuantitiesFile,
    "checkworthiness.yaml": CheckworthinessFile,
    "genre.yaml": GenreFile,
    "stance.yaml": StanceFile,
    "techniques.yaml": TechniquesFile,
    "boilerplate.yaml": BoilerplateFile,
    "wire.yaml": WireFile,
    "actors.yaml": ActorsFile,
    "coref.yaml": CorefFile,
    "roles.yaml": RolesFile,
    "groups.yaml": GroupsFile,
    "titles.yaml": TitlesFile,
    "not_actors.yaml": NotActorsFile,
    "furniture.yaml": FurnitureFile,
    "language.yaml": LanguageFile,
    "digest.yaml": DigestFile,
}


# -- reading --------------------------------------------------------------------------------------
# libyaml's safe loader where PyYAML was built with it: the same documents, read about five times faster
# (start-up reads every data file and the gazetteer).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def user_dir() -> Path | None:
    """The user's data directory, from `POWERMAP_DATA` (the CLI's `--data-dir` sets it)."""
    value = os.environ.get(DATA_ENV)
    return Path(value) if value else None


def _raw(path: Path | Traversable, label: str) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{label}: cannot read it: {exc}") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{label}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(f"{label}: expected a mapping with `version: {VERSION}` at the top")
    if "version" not in data:
        raise DataFileError(f"{label}: no `version:` (add `version: {VERSION}` at the top)")
    if data["version"] != VERSION:
        raise DataFileError(f"{label}: version {data['version']!r} is not supported (this powermap reads "
                            f"version {VERSION})")
    return data


def _merged(base: Any, extra: Any) -> Any:
    """The user's entries over the packaged ones: mappings merged, lists extended, values replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merged(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + extra
    return extra


def _where(data: Any, loc: tuple[int | str, ...]) -> tuple[str, bool]:
    """`verbs.invade`, `states[3] (Xland).iso3`: the error's place, as deep as the YAML goes, and whether
    the whole path exists there."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            named = node.get("name") or node.get("key") if isinstance(node, dict) else None
            parts[-1] += f"[{step}]" + (f" ({named})" if named else "")
        elif isinstance(node, dict) and step in node:
            node = node[step]
            parts.append(str(step))
        else:
            return ".".join(parts + [str(step)]), False
    return ".".join(parts), True


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "missing":
        return "required, but missing"
    if error["type"] == "extra_forbidden":
        return "not a field this file has (a typo?)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] not in {"value_error", "assertion_error"} and "input" in error:
        message += f" (got {error['input']!r})"
    return message


def _validated(model: type[DataFile], data: dict[str, Any], sources: list[tuple[str, dict[str, Any]]]) -> DataFile:
    """Validate; each error names the file its entry came from (the user's, when it is theirs)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors()[:10]:
            loc = error["loc"]
            if error["type"] == "missing":
                where, _ = _where(data, loc[:-1])
                where = f"{where}.{loc[-1]}" if where else str(loc[-1])
            else:
                where, whole = _where(data, loc)
                if not whole:  # a shorthand value the model expanded: `invade: ASSUALT`
                    where, _ = _where(data, loc[:-1])
            label = next((name for name, raw in reversed(sources) if _where(raw, loc[:1])[1]), sources[0][0])
            lines.append(f"{label}: {where}: {_describe(error)}")
        raise DataFileError("\n".join(lines)) from None


@cache
def _load(name: str, extra: Path | None) -> DataFile:
    model = MODELS.get(name)
    if model is None:
        raise DataFileError(f"{name}: not a powermap data file (one of {', '.join(sorted(MODELS))})")
    sources = [(name, _raw(PACKAGED / name, name))]
    if extra is not None and (extra / name).is_file():
        sources.append((str(extra / name), _raw(extra / name, str(extra / name))))
    data: dict[str, Any] = {}
    for _, raw in sources:
        data = _merged(data, raw)
    return _validated(model, data, sources)


def load(name: str, extra: Path | None = None) -> Any:
    """The validated contents of one data file, with the user's entries (from `extra` or POWERMAP_DATA)."""
    return _load(name, extra or user_dir())


def gazetteer_dirs(extra: Path | None = None) -> list[Path | Traversable]:
    """The gazetteer folders: the packaged one, the user's `DIR/gazetteer`, and `POWERMAP_GAZETTEER`."""
    folders: list[Path | Traversable] = [PACKAGED / "gazetteer"]
    user = extra or user_dir()
    if user is not None and (user / "gazetteer").is_dir():
        folders.append(user / "gazetteer")
    if os.environ.get(GAZETTEER_ENV):
        folders.append(Path(os.environ[GAZETTEER_ENV]))
    return folders


@cache
def _gazetteer(folders: tuple[Path | Traversable, ...]) -> tuple[GazetteerFile, ...]:
    files = []
    for folder in folders:
        if not folder.is_dir():
            raise DataFileError(f"{folder}: the gazetteer directory does not exist")
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.name.endswith(".yaml"):
                label = path.name if folder == folders[0] else str(path)
                raw = _raw(path, label)
                files.append(_validated(GazetteerFile, raw, [(label, raw)]))
    return tuple(files)


def gazetteer(extra: Path | None = None, folders: list[Path | Traversable] | None = None) -> tuple[GazetteerFile, ...]:
    """Every gazetteer file, validated, packaged first."""
    return _gazetteer(tuple(folders or gazetteer_dirs(extra)))


def check_all(extra: Path | None = None) -> None:
    """Load every data file and the user's, so a bad entry or a stray file fails at start-up."""
    user = extra or user_dir()
    if user is not None:
        if not user.is_dir():
            raise DataFileError(f"{user}: the data directory does not exist")
        stray = sorted(p.name for p in user.glob("*.yaml") if p.name not in MODELS)
        if stray:
            raise DataFileError(f"{user / stray[0]}: not a powermap data file (one of {', '.join(sorted(MODELS))})")
    for name in MODELS:
        load(name, user)
    gazetteer(user)
