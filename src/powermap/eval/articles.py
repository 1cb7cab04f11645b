"""Score every layer on whole articles annotated with their power map (the articles-dev format: one
JSON file per article with actors, relations, quotes, numbers and genre).

The rules are those of the data set's README, so that this scorer and its authors' agree. Matching is by
normalised strings, not offsets: actors one-to-one by shared strings (most first, family names count
for people), relations as (source, type, target, negated) through that matching (symmetric types
unordered) and as actor pairs regardless of type, quotes by token overlap of at least half of the
smaller side, numbers by value, genre by label. Each rule is a small function, tested on its own.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rich.table import Table

from powermap.claims import load_numbers, word_value
from powermap.eval.common import prf
from powermap.pipeline import Pipeline
from powermap.relations import load_lexicon
from powermap.schema import ANNOTATED_TYPES, Document

# Our actor types in the gold's vocabulary.
UNKNOWN_SPEAKER = "UNKNOWN"
QUOTE_KINDS = {"direct", "mixed"}
YEARS = range(1800, 2100)
MISSED, SPURIOUS = "missed", "spurious"
NO_TARGET = "(no target)"

_OTHER = re.compile(r"[^a-z0-9%]+")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")


class GoldError(ValueError):
    """A gold file that cannot be scored; the message names the file and what is wrong with it."""


# -- strings --------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Unicode folded to ASCII, lower case, other characters than letters, digits and % to one space,
    a leading "the" dropped: `The Kremlin’s` -> `kremlin s`."""
    folded = "".join(_fold(c) for c in unicodedata.normalize("NFKD", text)).lower()
    spaced = _OTHER.sub(" ", folded).strip()
    return spaced[4:] if spaced.startswith("the ") else spaced


def _fold(char: str) -> str:
    """A character in ASCII: accents go (`é` -> `e` after NFKD), other letters with no ASCII form go,
    other marks (`’`, `–`) separate words as ASCII punctuation does."""
    if char.isascii():
        return char
    if unicodedata.combining(char) or char.isalnum():
        return ""
    return " "


def tokens(text: str) -> Counter[str]:
    return Counter(normalise(text).split())


# -- actors ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActorView:
    """An actor as the scorer sees it, gold or ours: a name, a type in the gold's vocabulary and the
    normalised strings it is written as."""

    name: str
    type: str
    strings: frozenset[str]

    @classmethod
    def of(cls, name: str, type_: str, mentions: Iterable[str]) -> ActorView:
        strings = {normalise(s) for s in [name, *mentions]} - {""}
        return cls(name=name, type=ANNOTATED_TYPES.get(type_, type_), strings=frozenset(strings))

    @property
    def family_name(self) -> str:
        words = normalise(self.name).split()
        return words[-1] if words else ""


def shared_strings(gold: ActorView, system: ActorView) -> int:
    """How many normalised strings two actors share; between two people the family name of each name
    is one of its strings (`President Biden` shares `biden` with `Joe Biden`)."""
    gold_strings, system_strings = set(gold.strings), set(system.strings)
    if gold.type == "person" and system.type == "person":
        gold_strings.add(gold.family_name)
        system_strings.add(system.family_name)
    return len((gold_strings & system_strings) - {""})


def one_to_one(candidates: Iterable[tuple[tuple[float, ...], int, int]]) -> dict[int, int]:
    """Gold index -> system index from (rank, gold, system) candidates: the lowest rank first (ties in
    list order), each side used once."""
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, g, s in sorted(candidates):
        if g not in matched and s not in taken:
            matched[g] = s
            taken.add(s)
    return matched


def match_actors(gold: list[ActorView], system: list[ActorView]) -> dict[int, int]:
    """Gold index -> system index, one-to-one, pairs with most shared strings taken first."""
    return one_to_one(((-shared,), g, s) for g, gold_actor in enumerate(gold) for s, system_actor in enumerate(system)
                      if (shared := shared_strings(gold_actor, system_actor)))


# -- relations ------------------------------------------------------------------------------------

RelationKey = tuple[str, str, str, bool]


def relation_key(source: str, type_: str, target: str, negated: bool) -> RelationKey:
    """The compared form of a relation: symmetric types have no direction."""
    if load_lexicon().symmetric(type_) and target < source:
        source, target = target, source
    return source, type_, target, negated


def pair(key: RelationKey) -> frozenset[str]:
    return frozenset((key[0], key[2]))


def shares_evidence(gold_evidence: str, our_evidence: Iterable[str]) -> bool:
    """One of our relations was read from the gold relation's evidence (one holds the other, normalised)."""
    wanted = normalise(gold_evidence)
    return bool(wanted) and any(wanted in ours or ours in wanted for ours in map(normalise, our_evidence) if ours)


def classify_miss(key: RelationKey, system: set[RelationKey], found_actors: set[str],
                  read_from_evidence: bool = False) -> str:
    """Why a gold relation was missed: an actor we did not find; no relation of ours between the two,
    either with nothing read from its evidence (no trigger) or with a relation of other actors read from
    it; the right type the wrong way round; the right relation with the wrong polarity; another type."""
    source, type_, target, negated = key
    if source not in found_actors or target not in found_actors:
        return "actor missing"
    same_pair = [k for k in system if pair(k) == pair(key)]
    if not same_pair:
        return "other actors in its evidence" if read_from_evidence else "no trigger"
    if any(k[1] == type_ and k[3] == negated for k in same_pair):
        return "direction"
    if any(k[1] == type_ for k in same_pair):
        return "negation"
    return "type wrong"


def confusion(gold: set[RelationKey], system: set[RelationKey]) -> Counter[tuple[str, str]]:
    """(gold type, our type) over gold relations whose actor pair we relate, with `missed` where we
    relate the pair in no way and `spurious` for our relations on pairs the gold does not relate."""
    counts: Counter[tuple[str, str]] = Counter()
    for key in gold:
        types = sorted({k[1] for k in system if pair(k) == pair(key)})
        predicted = key[1] if key[1] in types else types[0] if types else MISSED
        counts[(key[1], predicted)] += 1
    gold_pairs = {pair(k) for k in gold}
    for key in system:
        if pair(key) not in gold_pairs:
            counts[(SPURIOUS, key[1])] += 1
    return counts


# -- quotes ---------------------------------------------------------------------------------------

def _shared_tokens(gold: str, system: str) -> tuple[int, int]:
    """Tokens the two share and the token count of the smaller side."""
    gold_tokens, system_tokens = tokens(gold), tokens(system)
    smaller = min(sum(gold_tokens.values()), sum(system_tokens.values()))
    return sum((gold_tokens & system_tokens).values()), smaller


def quote_overlap(gold: str, system: str) -> float:
    """Shared tokens as a share of the smaller side; a match needs 0.5."""
    shared, smaller = _shared_tokens(gold, system)
    return shared / smaller if smaller else 0.0


def match_quotes(gold: list[str], system: list[str]) -> dict[int, int]:
    """Gold index -> system index, one-to-one, best overlap first (then most shared tokens)."""
    return one_to_one(((-overlap, -_shared_tokens(gold_text, system_text)[0]), g, s)
                      for g, gold_text in enumerate(gold) for s, system_text in enumerate(system)
                      if (overlap := quote_overlap(gold_text, system_text)) >= 0.5)


# -- numbers --------------------------------------------------------------------------------------

@cache
def _number_vocabulary() -> frozenset[str]:
    numbers = load_numbers()
    return frozenset(word for phrase in [*numbers.words, *numbers.scales] for word in phrase.split())


def number_value(text: str) -> float | None:
    """A written number as digits: `2,500` -> 2500, `18%` -> 18, `one thousand` -> 1000,
    `€59 billion` -> 5.9e10, `two-year` -> 2, `1983–85` -> 1983 (a range by its first number)."""
    numbers = load_numbers()
    words = normalise(text.replace(",", "")).split()
    if digits := _DIGITS.search(text):
        value = float(digits.group().replace(",", ""))
        after = normalise(text[digits.end():].replace(",", "")).split()
        return value * numbers.scales.get(after[0], 1.0) if after else value
    start = next((i for i, w in enumerate(words) if w in numbers.words or w in numbers.scales), None)
    if start is None:
        return None
    run: list[str] = []
    for word in words[start:]:
        if word not in _number_vocabulary() and word not in {"and", "a"}:
            break
        run.append(word)
    while run and run[-1] in {"and", "a"}:
        run.pop()
    phrase = re.sub(r"\ba (half|quarter)\b", r"\1", " ".join(run))
    return word_value(phrase, numbers)


def same_number(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def system_numbers(document: Document) -> list[tuple[str, set[float]]]:
    """Each number we report once (a quantity or a dated year of a claim), with the values it stands
    for: a quantity its value, the upper end of its range and its text read as digits."""
    found: dict[tuple[int, int], tuple[str, set[float]]] = {}
    for claim in document.claims:
        for quantity in claim.quantities:
            values = {quantity.value, *([quantity.value_max] if quantity.value_max is not None else [])}
            if (read := number_value(quantity.text)) is not None:
                values.add(read)
            found[(quantity.start, quantity.end)] = (quantity.text.strip(), values)
        for date in claim.dates:
            year = int(date.iso[:4]) if date.iso and date.iso[:4].isdigit() else None
            if year in YEARS:
                found.setdefault((date.start, date.end), (date.text, {float(year)}))
    return [found[span] for span in sorted(found)]


def match_numbers(gold: list[float | None], system: list[set[float]]) -> dict[int, int]:
    """Gold index -> system index, one-to-one, each gold value to the first unused number of ours that
    stands for it."""
    return one_to_one(((), g, s) for g, value in enumerate(gold) for s, values in enumerate(system)
                      if value is not None and any(same_number(value, v) for v in values))


# -- one article ----------------------------------------------------------------------------------

@dataclass
class Layer:
    """Counts of one layer: one-to-one matching, so the matched items are both right and found."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0

    def add(self, other: Layer) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched += other.matched

    def scores(self) -> dict[str, float | int]:
        precision, recall, f1 = prf(self.matched, self.predicted, self.matched, self.gold)
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                "precision": precision, "recall": recall, "f1": f1}

    def f1(self) -> float | None:
        """None when there was nothing to find and nothing found."""
        return self.scores()["f1"] if self.gold or self.predicted else None


LAYERS = ("actors", "relations", "actor_pairs", "quotes", "numbers")


@dataclass
class ArticleScore:
    id: str
    genre_gold: str
    genre_predicted: str
    layers: dict[str, Layer] = field(default_factory=lambda: {name: Layer() for name in LAYERS})
    actor_types_right: int = 0
    speakers_right: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "genre_gold": self.genre_gold, "genre_predicted": self.genre_predicted,
                **{f"{name}_f1": self.layers[name].f1() for name in ("actors", "relations", "quotes", "numbers")}}


def _list(gold: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = gold.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise GoldError(f"{gold.get('id', '?')}: {key!r} must be a list of objects")
    return value


def score_article(gold: dict[str, Any], document: Document) -> ArticleScore:
    """Every layer of one article: the gold record (articles-dev format) against our document."""
    try:
        return _score(gold, document)
    except (KeyError, TypeError, AttributeError) as exc:
        raise GoldError(f"{gold.get('id', '?')}: malformed gold record ({exc!r}); see the data set's README "
                        "for the format") from exc


def _score(gold: dict[str, Any], document: Document) -> ArticleScore:
    score = ArticleScore(id=str(gold["id"]), genre_gold=gold["genre"],
                         genre_predicted=document.genre.label if document.genre else "other")
    errors = score.errors
    if score.genre_gold != score.genre_predicted:
        errors.append(f"genre: gold {score.genre_gold}, ours {score.genre_predicted}")

    gold_actors = [ActorView.of(a["name"], a["type"], a.get("mentions", [])) for a in _list(gold, "actors")]
    our_actors = [ActorView.of(a.name, a.type, (m.text for m in a.mentions if m.kind != "pronoun"))
                  for a in document.actors]
    matched = match_actors(gold_actors, our_actors)
    score.layers["actors"] = Layer(len(gold_actors), len(our_actors), len(matched))
    score.actor_types_right = sum(gold_actors[g].type == our_actors[s].type for g, s in matched.items())
    ours_by_index = {s: g for g, s in matched.items()}
    errors += [f"actor missed: {a.name} ({a.type})" for g, a in enumerate(gold_actors) if g not in matched]
    errors += [f"actor spurious: {a.name} ({a.type})" for s, a in enumerate(our_actors) if s not in ours_by_index]

    # Our actors by id, named as the gold actor they match, or marked as ours alone.
    names = {actor.id: gold_actors[ours_by_index[s]].name if s in ours_by_index else f"[{actor.name}]"
             for s, actor in enumerate(document.actors)}
    evidence: dict[RelationKey, list[str]] = {}
    for r in _list(gold, "relations"):
        key = relation_key(r["source"], r["type"], r["target"], bool(r.get("negated", False)))
        evidence.setdefault(key, []).append(str(r.get("evidence", "")))
    gold_relations = set(evidence)
    # A relation of ours with no target is reported too, and no gold relation lacks one.
    our_relations = {relation_key(names[r.source], r.type, names[r.target] if r.target else NO_TARGET, r.negated)
                     for r in document.relations}
    right = gold_relations & our_relations
    score.layers["relations"] = Layer(len(gold_relations), len(our_relations), len(right))
    gold_pairs, our_pairs = {pair(k) for k in gold_relations}, {pair(k) for k in our_relations}
    score.layers["actor_pairs"] = Layer(len(gold_pairs), len(our_pairs), len(gold_pairs & our_pairs))
    score.confusion = confusion(gold_relations, our_relations)
    found_actors = {gold_actors[g].name for g in matched}
    our_evidence = [r.evidence.text for r in document.relations]
    for key in sorted(gold_relations - right):
        read = any(shares_evidence(text, our_evidence) for text in evidence[key])
        reason = classify_miss(key, our_relations, found_actors, read)
        score.misses[reason] += 1
        errors.append(f"relation missed ({reason}): {_render(key)}")
    errors += [f"relation spurious: {_render(key)}" for key in sorted(our_relations - right)]

    gold_quotes = _list(gold, "quotes")
    our_quotes = [q for q in document.quotes if q.kind in QUOTE_KINDS]
    quote_pairs = match_quotes([q["text"] for q in gold_quotes], [q.text for q in our_quotes])
    score.layers["quotes"] = Layer(len(gold_quotes), len(our_quotes), len(quote_pairs))
    gold_index = {a.name: g for g, a in enumerate(gold_actors)}
    for g, s in sorted(quote_pairs.items()):
        speaker, ours = gold_quotes[g]["speaker"], our_quotes[s].speaker
        if speaker == UNKNOWN_SPEAKER:
            right_speaker = ours is None
        else:
            wanted = matched.get(gold_index.get(speaker, -1))
            right_speaker = wanted is not None and ours == document.actors[wanted].id
        score.speakers_right += right_speaker
        if not right_speaker:
            errors.append(f"quote speaker wrong: {_short(gold_quotes[g]['text'])} gold {speaker}, "
                          f"ours {names.get(ours, 'none') if ours else 'none'}")
    errors += [f"quote missed: {_short(q['text'])} ({q['speaker']})"
               for g, q in enumerate(gold_quotes) if g not in quote_pairs]
    used = set(quote_pairs.values())
    errors += [f"quote spurious: {_short(q.text)}" for s, q in enumerate(our_quotes) if s not in used]

    gold_numbers = [str(n["value"]) for n in _list(gold, "numbers")]
    ours_numbers = system_numbers(document)
    number_pairs = match_numbers([number_value(n) for n in gold_numbers], [values for _, values in ours_numbers])
    score.layers["numbers"] = Layer(len(gold_numbers), len(ours_numbers), len(number_pairs))
    errors += [f"number missed: {n!r}" for g, n in enumerate(gold_numbers) if g not in number_pairs]
    used = set(number_pairs.values())
    errors += [f"number spurious: {text!r}" for s, (text, _) in enumerate(ours_numbers) if s not in used]
    return score


def _render(key: RelationKey) -> str:
    source, type_, target, negated = key
    return f"{source} {'NOT ' if negated else ''}{type_} {target}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


# -- the set --------------------------------------------------------------------------------------

@dataclass
class ArticlesReport:
    articles: list[ArticleScore] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def total(self, layer: str) -> Layer:
        total = Layer()
        for article in self.articles:
            total.add(article.layers[layer])
        return total

    def confusion(self) -> Counter[tuple[str, str]]:
        return sum((a.confusion for a in self.articles), Counter())

    def misses(self) -> Counter[str]:
        return sum((a.misses for a in self.articles), Counter())

    def scores(self) -> dict[str, Any]:
        actors, quotes = self.total("actors"), self.total("quotes")
        genre_right = sum(a.genre_gold == a.genre_predicted for a in self.articles)
        return {
            "articles": len(self.articles),
            **{name: self.total(name).scores() for name in LAYERS},
            "actor_type_accuracy": _share(sum(a.actor_types_right for a in self.articles), actors.matched),
            "quote_speaker_accuracy": _share(sum(a.speakers_right for a in self.articles), quotes.matched),
            "genre_right": genre_right,
            "genre_accuracy": _share(genre_right, len(self.articles)),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.scores(),
            "relation_confusion": [{"gold": g, "predicted": p, "count": n}
                                   for (g, p), n in sorted(self.confusion().items())],
            "relation_misses": dict(sorted(self.misses().items())),
            "per_article": [a.row() for a in self.articles],
            "errors": {a.id: a.errors for a in self.articles},
            "problems": self.problems,
        }


def _share(right: int, total: int) -> float:
    return round(right / total, 3) if total else 0.0


def read_gold(path: Path) -> dict[str, Any]:
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: not a readable JSON file ({exc})") from exc
    missing = [key for key in ("id", "text", "genre") if not isinstance(gold, dict) or key not in gold]
    if missing:
        raise GoldError(f"{path}: missing {', '.join(missing)}; see the data set's README for the format")
    return gold


def evaluate(folder: Path, pipeline: Pipeline | None = None) -> ArticlesReport:
    """Analyse each article's text as `powermap analyze` would and score it; a bad gold file or a
    failed analysis is reported as a problem and costs only that article."""
    pipeline = pipeline or Pipeline()
    report = ArticlesReport()
    for path in sorted(folder.glob("*.json")):
        try:
            gold = read_gold(path)
            analysis = pipeline.analyse_text(gold["text"], label=path.name)
            if analysis.problem is not None:
                report.problems.append(f"{path.name}: analysis failed: {analysis.problem.message} "
                                       f"[{analysis.problem.stage}]")
            report.articles.append(score_article(gold, analysis.to_document()))
        except GoldError as exc:
            report.problems.append(str(exc))
    return report


# -- printing -------------------------------------------------------------------------------------

def tables(report: ArticlesReport, title: str) -> list[Table]:
    """The report for a terminal: layers, the relation confusion, why relations were missed, articles."""
    scores = report.scores()
    layers = Table(title=f"{title} ({scores['articles']} articles)")
    columns = ("gold", "predicted", "matched", "precision", "recall", "f1")
    layers.add_column("layer")
    for column in columns:
        layers.add_column(column, justify="right")
    for name in LAYERS:
        layers.add_row(name.replace("_", " "), *(str(scores[name][c]) for c in columns))
    layers.caption = (f"actor type accuracy {scores['actor_type_accuracy']} (matched actors); quote speaker "
                      f"accuracy {scores['quote_speaker_accuracy']} (matched quotes); genre "
                      f"{scores['genre_right']}/{scores['articles']} = {scores['genre_accuracy']}")

    counts = report.confusion()
    gold_types = sorted({g for g, _ in counts} - {SPURIOUS})
    predicted_types = sorted({p for _, p in counts} - {MISSED})
    matrix = Table(title="relations: gold type (rows) vs our type on the same actor pair (columns)")
    matrix.add_column("gold", no_wrap=True)
    for label in [*predicted_types, MISSED]:
        matrix.add_column(label[:6], justify="right", no_wrap=True)
    for gold in [*gold_types, SPURIOUS]:
        matrix.add_row(gold, *(str(counts.get((gold, p), "")) for p in [*predicted_types, MISSED]))

    misses = Table(title="relations missed, by reason")
    misses.add_column("reason")
    misses.add_column("count", justify="right")
    for reason, count in report.misses().most_common():
        misses.add_row(reason, str(count))

    articles = Table(title="per article")
    row_columns = ("id", "genre_gold", "genre_predicted", "actors_f1", "relations_f1", "quotes_f1", "numbers_f1")
    for column in row_columns:
        articles.add_column(column.replace("_", " "), justify="left" if column.startswith(("id", "genre")) else "right")
    for article in report.articles:
        row = article.row()
        articles.add_row(*("-" if row[c] is None else str(row[c]) for c in row_columns))
    return [layers, matrix, misses, articles]


def error_lines(report: ArticlesReport) -> list[str]:
    """Every miss and spurious item, article by article, for error analysis."""
    return [f"{article.id}: {line}" for article in report.articles for line in article.errors]
