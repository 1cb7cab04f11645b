"""Collective actors: the groups of `data/groups.yaml` ("protesters", "the opposition", "the West"),
found where they take part in what a sentence says, with the country the text ties them to.

A group noun is an actor only as a participant (subject, object, agent, possessor, or the object of a
preposition that links participants), not where it names a place (`in the West`) or modifies another
noun (`opposition leader`, `rebel-held towns`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from powermap import datafiles

_PARTICIPANT_DEPS = {"nsubj", "nsubjpass", "dobj", "dative", "poss", "agent", "appos", "conj"}
# Prepositions whose object takes part ("clashes with protesters"), unlike place phrases ("in the West").
_LINKING_PREPOSITIONS = {"by", "with", "between", "against", "toward", "towards", "for", "of", "on", "from",
                         "to", "among", "over"}
_MODIFIER_DEPS = {"amod", "compound", "nmod", "poss", "case", "nummod"}


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    country: str | None = None


@dataclass(frozen=True)
class GroupMention:
    """Tokens [start, end) that name a group; `owners` are token positions of modifiers (`Turkish`,
    `Lukashenko`) through which the caller ties it to a country."""

    start: int
    end: int
    spec: GroupSpec
    name: str
    modifiers: tuple[int, ...]


@cache
def load_groups() -> tuple[dict[str, GroupSpec], dict[str, list[str]], dict[str, list[str]]]:
    """The group specs by key, and the lower-case nouns and exact names that refer to each."""
    specs: dict[str, GroupSpec] = {}
    nouns: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    for item in datafiles.load("groups.yaml").groups:
        specs[item.key] = GroupSpec(item.key, item.name, item.country)
        nouns[item.key] = [noun.lower() for noun in item.nouns]
        names[item.key] = list(item.names)
    return specs, nouns, names


_MATCHERS: dict[int, tuple[PhraseMatcher, PhraseMatcher]] = {}


def _matchers(doc: Doc) -> tuple[PhraseMatcher, PhraseMatcher]:
    """A case-insensitive matcher for the nouns and an exact one for the capitalised names, per vocab."""
    key = id(doc.vocab)
    if key not in _MATCHERS:
        _, nouns, names = load_groups()
        tokenizer = spacy.blank("en")
        lower, exact = PhraseMatcher(doc.vocab, attr="LOWER"), PhraseMatcher(doc.vocab, attr="ORTH")
        for group_key in nouns:
            if nouns[group_key]:
                lower.add(group_key, [tokenizer.make_doc(noun) for noun in nouns[group_key]])
            if names[group_key]:
                exact.add(group_key, [tokenizer.make_doc(name) for name in names[group_key]])
        _MATCHERS[key] = (lower, exact)
    return _MATCHERS[key]


def participates(token: Token) -> bool:
    """A group takes part as subject, object, agent or possessor, or after a preposition that links
    participants; a place phrase or a noun modifier does not."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ in _PARTICIPANT_DEPS:
        return True
    if token.dep_ == "pobj":
        return token.head.lower_ in _LINKING_PREPOSITIONS
    return False


def _determined(head: Token) -> bool:
    """A singular collective needs a determiner or an owner: `the opposition`, `Belarus's opposition`,
    not `opposition to the plan`."""
    return head.tag_ in {"NNS", "NNPS"} or any(c.dep_ in {"det", "poss", "amod", "compound"} for c in head.children)


def find_groups(doc: Doc, covered: Callable[[int], bool]) -> list[GroupMention]:
    """Group mentions that take part in their sentence; `covered(i)` says token i already names an actor
    the group must not swallow (a gazetteer name such as `Houthi rebels`)."""
    specs, _, _ = load_groups()
    lower, exact = _matchers(doc)
    found: list[GroupMention] = []
    matches = [(m, True) for m in lower(doc, as_spans=True)] + [(m, False) for m in exact(doc, as_spans=True)]
    taken: set[int] = set()
    for span, is_noun in sorted(matches, key=lambda m: (-len(m[0]), m[0].start)):
        head = span[-1]
        if any(i in taken or covered(i) for i in range(span.start, span.end)):
            continue
        if span.end < len(doc) and doc[span.end].pos_ == "PROPN" and doc[span.end].is_title:
            continue  # "the West Bank"
        if head.pos_ not in {"NOUN", "PROPN"} or not participates(head):
            continue
        if is_noun and not _determined(head):
            continue
        start = span.start + 1 if span[0].lower_ == "the" else span.start
        first, modifiers = _modifiers(doc, start, head)
        name_start = min([first, *modifiers])
        words = doc[name_start : span.end].text
        found.append(GroupMention(first, span.end, specs[doc.vocab.strings[span.label]], words, modifiers))
        taken.update(range(first, span.end))
    return sorted(found, key=lambda g: g.start)


def _modifiers(doc: Doc, start: int, head: Token) -> tuple[int, tuple[int, ...]]:
    """Where the mention starts, taking in the capitalised modifiers before it (`Belarusian protesters`,
    `PiS voters`, not `angry protesters`), and the positions of modifiers that may name an owner
    (`Turkish`, `Lukashenko's own generals`): a possessor owns the group but stays out of its mention."""
    first = start
    owners: list[int] = []
    position = start - 1
    while position >= 0:
        token = doc[position]
        if token.dep_ == "case" and token.head.dep_ == "poss":  # the 's of "Lukashenko's generals"
            position -= 1
            continue
        if token.dep_ not in _MODIFIER_DEPS or not position < token.head.i <= head.i:
            break
        if token.text[:1].isupper():
            owners.append(position)
            if token.dep_ == "poss":
                break
            if first == position + 1:
                first = position
        position -= 1
    return first, tuple(owners)
