"""The rhetoric stage: genre, persuasion techniques and the stance toward each actor.

Techniques come from `data/techniques.yaml`, genre features and weights from `data/genre.yaml`,
evaluative words from `data/stance.yaml`; docs/rhetoric.md explains how each is scored.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from powermap import datafiles
from powermap.analysis import Analysis
from powermap.learn.genre import GenreError, GenreModel, ModelMissing, genre_features
from powermap.learn.techniques import ModelMissing as TechniquesMissing
from powermap.learn.techniques import TechniqueModel, View, view_of
from powermap.lexicon import intense_words, load_stance_words, valences
from powermap.offsets import Intervals
from powermap.schema import Actor, Genre, Span, Stance, Technique
from powermap.tokens import token_table
from powermap.voice import Voices

_REPEAT_MIN_WORDS = 2
_EVALUATING = {"name_calling", "loaded_language", "doubt"}  # techniques that say what the holder thinks of a target
_LABEL_WEIGHT = 0.5
_STOP = {"the", "a", "an", "of", "to", "and", "in", "on", "is", "it", "that", "for", "with", "as", "be", "was",
         "his", "her", "their", "its", "by", "at", "this", "from", "or", "are", "has", "have", "he", "she"}


@dataclass(frozen=True)
class Rule:
    name: str
    targets: bool
    lemma: bool
    phrases: tuple[tuple[str, ...], ...]
    patterns: tuple[re.Pattern[str], ...]
    intensity_threshold: float | None = None
    phrases_decide: bool = False


@cache
def load_rules() -> tuple[Rule, ...]:
    rules = []
    for name, spec in datafiles.load("techniques.yaml").techniques.items():
        rules.append(Rule(
            name=name,
            targets=spec.targets,
            lemma=spec.lemma,
            phrases=tuple(tuple(re.findall(r"[\w'’-]+|[^\w\s]", p.lower())) for p in spec.phrases),
            patterns=tuple(re.compile(p, re.IGNORECASE if not p.startswith("(?:^|(?<=") else 0)
                           for p in spec.patterns),
            intensity_threshold=spec.intensity_threshold,
            phrases_decide=spec.phrases_decide,
        ))
    return tuple(rules)


@cache
def load_genre() -> dict[str, Any]:
    return datafiles.load("genre.yaml").model_dump()


class LexiconMatcher:
    """The word lists of data/techniques.yaml over a document: phrases, patterns, strongly valenced words and
    repeated word groups. With a technique model installed these are features of its words; without one
    they are the techniques reported."""

    def __init__(self) -> None:
        self.rules = load_rules()
        self.first_words: dict[str, list[tuple[Rule, tuple[str, ...]]]] = defaultdict(list)
        for rule in self.rules:
            for phrase in rule.phrases:
                self.first_words[phrase[0]].append((rule, phrase))

    def matches(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Technique]:
        return [match for found in self.matches_by_source(analysis, doc, owners).values() for match in found]

    def matches_by_source(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> dict[str, list[Technique]]:
        """The matches of each word list: our phrases, our patterns, VADER's intense words, repeated groups."""
        return {"phrases": self._phrases(analysis, doc, owners), "patterns": self._patterns(analysis, doc, owners),
                "intense": self._intense(analysis, doc, owners), "repetition": self._repetition(analysis, doc)}

    def view(self, analysis: Analysis, owners: dict[int, Actor] | None = None,
             matches: list[Technique] | None = None, voices: Voices | None = None) -> View:
        """What the technique model reads of an analysed document (parse, quotes, mentions, lexicon matches)."""
        doc = analysis.doc
        assert doc is not None
        owners = analysis.mention_owners() if owners is None else owners
        matches = self.matches(analysis, doc, owners) if matches is None else matches
        voices = Voices(len(analysis.text), analysis.quotes) if voices is None else voices
        quoted = [(s.start, s.end) for s in voices.segments if s.quote is not None]
        return view_of(doc, ((t.technique, t.start, t.end) for t in matches), quoted, owners)

    def _phrases(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Technique]:
        found = []
        table = token_table(doc)
        words = list(zip(table.lower, table.lemma, strict=True))
        for index, (lower, lemma) in enumerate(words):
            for key in {lower, lemma}:
                for rule, phrase in self.first_words.get(key, ()):
                    if key != lower and not rule.lemma:
                        continue
                    end = _match(words, index, phrase, rule.lemma, table.is_space)
                    if end is not None:
                        found.append(_technique(analysis, rule, doc[index:end], owners, 0.6))
        return found

    def _intense(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Technique]:
        """Loaded language beyond our list: words of strong sentiment used as description."""
        rule = next(r for r in self.rules if r.name == "loaded_language")
        if rule.intensity_threshold is None:
            return []
        words = intense_words(float(rule.intensity_threshold))
        table = token_table(doc)
        return [_technique(analysis, rule, doc[i : i + 1], owners, 0.4)
                for i, (lower, pos, dep, offset) in enumerate(zip(table.lower, table.pos, table.dep, table.idx,
                                                                   strict=True))
                if lower in words and pos in {"ADJ", "ADV", "NOUN", "VERB"} and offset not in owners
                and dep != "compound"]

    def _patterns(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Technique]:
        found = []
        for rule in self.rules:
            for pattern in rule.patterns:
                for match in pattern.finditer(analysis.text):
                    span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        found.append(_technique(analysis, rule, span, owners, 0.5))
        return found

    def _repetition(self, analysis: Analysis, doc: Doc) -> list[Technique]:
        """A content word group said three times or more within a few sentences."""
        seen: dict[tuple[str, ...], list[int]] = defaultdict(list)  # word group -> the token index of each
        table = token_table(doc)
        size = 3
        for sentence in doc.sents:
            words = [i for i in range(sentence.start, sentence.end) if table.is_alpha[i]]
            for i in range(len(words) - size + 1):
                gram = words[i : i + size]
                key = tuple(table.lower[index] for index in gram)
                if sum(k not in _STOP for k in key) >= _REPEAT_MIN_WORDS and gram[-1] - gram[0] == size - 1:
                    seen[key].append(gram[0])
        found = []
        rule = next(r for r in self.rules if r.name == "repetition")
        names = {m.text.lower() for a in analysis.actors for m in a.mentions}
        for key, starts in seen.items():
            if len(starts) >= 3 and " ".join(key) not in names and table.idx[starts[-1]] - table.idx[starts[0]] < 1500:
                found.extend(_technique(analysis, rule, doc[start : start + size], {}, 0.4) for start in starts)
        return found


def _technique(analysis: Analysis, rule: Rule, span: TokenSpan, owners: dict[int, Actor],
               confidence: float) -> Technique:
    target = _target(span, owners) if rule.targets else None
    return Technique.of(analysis.text, span.start_char, span.end_char, technique=rule.name,
                        target=target.id if target else None, confidence=confidence)


class AnalyseRhetoric:
    """Adds `analysis.genre`, `analysis.rhetoric` and `analysis.stance`."""

    name = "rhetoric"
    requires = ("doc", "text", "title", "actors", "quotes", "wire_items", "signed", "section", "author")
    assigns = ("genre", "rhetoric", "stance")
    english_only = True
    fatal = False

    def __init__(self) -> None:
        self.lexicon = LexiconMatcher()
        self.targeted = {rule.name for rule in self.lexicon.rules if rule.targets}
        self.verdicts = {rule.name for rule in self.lexicon.rules if rule.phrases_decide}
        self.stance_words = load_stance_words()
        self.genre = load_genre()
        self.genre_model: GenreModel | None = None
        self.genre_note = ""
        try:
            self.genre_model = GenreModel.load()
        except (ModelMissing, GenreError) as exc:
            self.genre_note = str(exc)
        self.technique_model: TechniqueModel | None = None
        with contextlib.suppress(TechniquesMissing):  # the lexicon matches are reported instead
            self.technique_model = TechniqueModel.load()

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        owners = analysis.mention_owners()
        analysis.rhetoric = self._techniques(analysis, doc, owners)
        analysis.genre = self._genre(analysis)
        analysis.stance = self._stance(analysis, doc, owners)

    # -- techniques -------------------------------------------------------------------------------
    def _techniques(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Technique]:
        """The model's spans over the lexicon matches; the matches themselves when no model is installed."""
        by_source = self.lexicon.matches_by_source(analysis, doc, owners)
        matches = [match for found in by_source.values() for match in found]
        voices = Voices(len(analysis.text), analysis.quotes)
        if self.technique_model is None:
            found = _without_duplicates(matches)
        else:
            found = []
            for item in self.technique_model.find(self.lexicon.view(analysis, owners, matches, voices)):
                span = doc[item.start : item.end]
                target = _target(span, owners) if item.technique in self.targeted else None
                found.append(Technique.of(analysis.text, span.start_char, span.end_char, technique=item.technique,
                                          target=target.id if target else None, confidence=item.confidence))
            found = _without_duplicates(found + [m for m in by_source["phrases"] if m.technique in self.verdicts])
        return [t.model_copy(update={"held_by": voices.holder_at(t.start)}) for t in found]

    # -- genre ------------------------------------------------------------------------------------
    def _genre(self, analysis: Analysis) -> Genre:
        """The learned model's verdict on the genre features; the rule weights when no model is installed."""
        features = genre_features(analysis)
        if self.genre_model is not None:
            label, probability, reasons = self.genre_model.decide(features)
            return Genre(label=label, score=round(probability, 2), reasons=reasons)  # type: ignore[arg-type]
        return self._rule_genre(analysis, features)

    def _rule_genre(self, analysis: Analysis, features: dict[str, float]) -> Genre:
        """Weights of data/genre.yaml over features capped at 1 (each scaled by its `rule_scales` value)."""
        config = self.genre
        strengths = {name: min(1.0, value / config["rule_scales"].get(name, 1.0)) for name, value in features.items()}
        scores: dict[str, float] = {}
        reasons: dict[str, list[str]] = {}
        for genre, weights in config["weights"].items():
            total, used = 0.0, []
            for feature, weight in weights.items():
                strength = 1.0 if feature == "baseline" else strengths[feature]
                if strength > 0:
                    total += weight * strength
                    used.append(f"section={analysis.section.lower()}" if feature.startswith("section_")
                                and analysis.section else f"{feature}={strength:.2f}")
            scores[genre], reasons[genre] = total, used
        label = max(scores, key=scores.get)  # type: ignore[arg-type]
        share = scores[label] / sum(scores.values())
        note = f"rule scores ({self.genre_note})"
        return Genre(label=label, score=round(share, 2), reasons=[*reasons[label], note])  # type: ignore[arg-type]

    # -- stance -----------------------------------------------------------------------------------
    def _sign(self, technique: Technique, doc: Doc) -> int:
        """Blame (-1) or praise (+1) in a technique's words ("the brave Zelensky" is loaded, and praise);
        doubt is always blame, a label with no valenced word too, a loaded phrase with none says neither."""
        if technique.technique == "doubt":
            return -1
        span = doc.char_span(technique.start, technique.end, alignment_mode="expand") or ()
        scores = valences()
        total = sum(self.stance_words.get(t.lemma_.lower(), scores.get(t.lower_, 0.0) / 4) for t in span)
        if total:
            return 1 if total > 0 else -1
        return -1 if technique.technique == "name_calling" else 0

    def _stance(self, analysis: Analysis, doc: Doc, owners: dict[int, Actor]) -> list[Stance]:
        totals: dict[tuple[str, str], float] = defaultdict(float)
        evidence: dict[tuple[str, str], list[Span]] = defaultdict(list)
        labels = [(t, sign) for t in analysis.rhetoric if t.technique in _EVALUATING and t.confidence >= 0.5
                  and (sign := self._sign(t, doc)) != 0]
        voices = Voices(len(analysis.text), analysis.quotes, kinds=("direct", "mixed", "indirect"))
        labelled = Intervals((t.start, t.end, t) for t, _ in labels)
        for technique, sign in labels:  # a label or a loaded word aimed at an actor is the plainest stance
            holder = voices.holder_at(technique.start)
            if technique.target is None or holder is None:
                continue
            totals[(technique.target, holder)] += sign * _LABEL_WEIGHT
            evidence[(technique.target, holder)].append(Span.of(analysis.text, technique.start, technique.end))
        table = token_table(doc)
        for index, (lemma, lower, offset) in enumerate(zip(table.lemma, table.lower, table.idx, strict=True)):
            weight = self.stance_words.get(lemma, self.stance_words.get(lower))
            if weight is None or offset in owners or labelled.first_at(offset) is not None:
                continue
            token = doc[index]
            if token.pos_ == "VERB":  # "Lukashenko praised the alliance": the subject's view of the object
                objects = [c for c in token.children if c.dep_ in {"dobj", "attr"}]
                subject = _clause_subject(token)
                target = _actor_near(objects[0], owners) if objects else None
                speaker = _actor_near(subject, owners) if subject is not None else None
                holder = speaker.id if speaker is not None else None
            else:
                target = _target(doc[token.i : token.i + 1], owners)
                holder = voices.holder_at(token.idx)
            if target is None or holder is None or target.id == holder:
                continue
            if any(c.dep_ == "neg" for c in token.head.children) or any(c.dep_ == "neg" for c in token.children):
                weight = -weight
            key = (target.id, holder)
            totals[key] += weight
            evidence[key].append(Span.of(analysis.text, token.idx, token.idx + len(token.text)))
        return [
            Stance(actor=actor, held_by=holder, value=round(math.tanh(total), 2), evidence=evidence[(actor, holder)])
            for (actor, holder), total in sorted(totals.items(), key=lambda kv: (kv[0][1] != "author", kv[1]))
        ]


# -- helpers --------------------------------------------------------------------------------------
def _match(words: list[tuple[str, str]], start: int, phrase: tuple[str, ...], lemma: bool,
           is_space: list[bool]) -> int | None:
    """Where a phrase that starts at `start` ends, skipping whitespace tokens; None if it does not match."""
    index = start
    for word in phrase:
        while index < len(words) and is_space[index]:
            index += 1
        if index >= len(words):
            return None
        lower, lemma_form = words[index]
        if word != lower and not (lemma and word == lemma_form):
            return None
        index += 1
    return index


def _actor_near(token: Token, owners: dict[int, Actor], possessor: bool = True) -> Actor | None:
    """The actor a noun names, or (for "his mind", "Putin's request") the one it belongs to."""
    if token.idx in owners:
        return owners[token.idx]
    deps = {"poss", "compound", "appos"} if possessor else {"compound", "appos"}
    for child in token.children:
        if child.dep_ in deps and child.idx in owners:
            return owners[child.idx]
    return None


def _target(span: TokenSpan, owners: dict[int, Actor]) -> Actor | None:
    """The actor a label or evaluative word is aimed at."""
    for token in span:
        if token.idx in owners:
            return owners[token.idx]  # inside a mention: "Belarus dictator Alexander Lukashenko"
    head = span.root
    if head.dep_ in {"attr", "acomp", "oprd"}:  # "Lukashenko is Putin's minion", "He is paranoid"
        subject = _clause_subject(head.head)
        if subject is not None and (actor := _actor_near(subject, owners)):
            return actor
    if head.dep_ == "appos" and (actor := _actor_near(head.head, owners)):
        return actor
    if head.dep_ in {"amod", "compound"} and (actor := _actor_near(head.head, owners)):
        return actor  # "his paranoid mind"
    if (actor := _actor_near(head, owners, possessor=False)) is not None:
        return actor  # "Putin's minion" is not Putin: the possessor is never the one labelled
    subject = _clause_subject(_clause_of(head))
    return _actor_near(subject, owners) if subject is not None else None


def _clause_of(token: Token) -> Token:
    """The nearest verb at or above a token (else the root), remembered in the Doc: a parse that
    chains thousands of modifiers would otherwise be climbed again for every one of them."""
    known: dict[int, int] = token.doc.user_data.setdefault("powermap.clause_of", {})
    path = []
    clause = token
    while clause.i not in known and clause.pos_ not in {"VERB", "AUX"} and clause.head.i != clause.i:
        path.append(clause.i)
        clause = clause.head
    found = known.setdefault(clause.i, clause.i)
    known.update(dict.fromkeys(path, found))
    return token.doc[found]


def _clause_subject(verb: Token) -> Token | None:
    """The subject of a clause, through `and` and infinitives: "seized power ... and cheated"."""
    for _ in range(6):
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            return subjects[0]
        if verb.dep_ not in {"conj", "xcomp", "advcl"} or verb.head.i == verb.i:
            return None
        verb = verb.head
    return None


def _without_duplicates(techniques: list[Technique]) -> list[Technique]:
    """One span per technique: the longest where matches overlap."""
    kept: list[Technique] = []
    for item in sorted(techniques, key=lambda t: (t.technique, t.start, -(t.end - t.start))):
        if kept and kept[-1].technique == item.technique and item.start < kept[-1].end:
            continue
        kept.append(item)
    return sorted(kept, key=lambda t: (t.start, t.technique))
