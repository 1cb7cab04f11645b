"""The coreference stage: pronouns, role nouns ("the minister") and definite descriptions ("the bloc",
"the two countries") become mentions of the actors they stand for, so that every later stage reads
them as it reads names.

Rules over the parse, after Lappin and Leass: every mention of an actor is a candidate antecedent
with a salience (recency, grammatical role, main clause, parallel role), and a pronoun takes the most
salient candidate that agrees with it (gender and number from the gazetteer, titles and the parse;
"it" and "they" compete with the non-actor nouns before them, so "the deal ... it" links nothing).
Binding rules keep a pronoun object off its own clause's subject ("Putin called him a traitor") and a
possessive off its own phrase ("his rival Kasparov"); a reflexive takes its clause's subject; a pronoun
in a fronted clause points forward ("Before he left, Lula said"). Role nouns prefer the person whose
title they repeat, descriptions the actor of their type whose name they repeat ("the union"), and a
number takes that many ("the two countries"). "I" inside quotation marks is the speaker, found as the
subject of a speech verb (data/cues.yaml) beside the quotation, and so is "we" of a state or body ("we"
of a person is their side, which has no mention). Words and weights: data/coref.yaml.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from spacy.tokens import Doc, Span, Token

from powermap import datafiles
from powermap.analysis import Analysis
from powermap.datafiles import CorefFile, Pronoun, Salience
from powermap.gazetteer import Gazetteer, default_gazetteer
from powermap.offsets import Intervals
from powermap.schema import Actor, Mention
from powermap.tokens import sentence_starts, token_table

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "agent"}
_OBJECT_DEPS = {"dobj", "dative", "attr", "oprd"}
_CLAUSE_DEPS = {"advcl", "ccomp", "xcomp", "relcl", "acl", "csubj", "pcomp", "parataxis"}
_FRONTED_DEPS = {"advcl", "prep", "npadvmod", "advmod"}
_DETERMINERS = {"the", "this", "that", "these", "those"}
_PLURAL_TAGS = {"NNS", "NNPS"}
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
_COPULAS = {"be", "seem", "appear", "remain", "become"}
_MODIFIER_DEPS = {"compound", "amod", "nmod", "poss"}
_NOT_COMPETITORS = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "CARDINAL", "ORDINAL"}


@cache
def load_lexicon() -> CorefFile:
    """data/coref.yaml, validated, once per process."""
    return datafiles.load("coref.yaml")  # type: ignore[return-value]


@cache
def _speech_verbs() -> frozenset[str]:
    return frozenset(datafiles.load("cues.yaml").speech)  # type: ignore[attr-defined]


@dataclass
class Referent:
    """What agreement needs to know of an actor: its type, gender, titles and country."""

    actor: Actor
    gender: str | None = None
    titles: set[str] = field(default_factory=set)  # role nouns the text gives them ("Foreign Minister X")
    offices: set[str] = field(default_factory=set)  # titles of their offices in the gazetteer, at any date

    @property
    def type(self) -> str:
        return self.actor.type


@dataclass
class Anchor:
    """A stretch of tokens that refers to actors (`ids`) or, with no ids, a noun that is no actor but
    may still be what "it" or "they" stands for."""

    start: int
    end: int
    ids: tuple[str, ...]
    root: Token
    numbers: frozenset[str]  # "singular", "plural" or both (a group such as "the Taliban")
    member: bool = False  # one conjunct of a coordination, less salient than the coordination itself


@dataclass
class Quotation:
    """Characters [start, end) inside quotation marks, and who says them once that is known."""

    start: int
    end: int
    speaker: tuple[str, ...] = ()


def _first_conjunct(token: Token) -> Token:
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def role_of(token: Token) -> str:
    """subject, object, oblique, possessor or other, for the first conjunct of a coordination."""
    token = _first_conjunct(token)
    if token.dep_ == "appos" and token.head.i != token.i:
        token = token.head
    dep = token.dep_
    if dep in _SUBJECT_DEPS or dep == "pobj" and token.head.dep_ == "agent":
        return "subject"
    if dep in _OBJECT_DEPS:
        return "object"
    if dep == "pobj":
        return "oblique"
    if dep == "poss":
        return "possessor"
    return "other"


def clause_of(token: Token) -> Token:
    """The verb (or root) heading the clause a word stands in."""
    current = token.head if token.head.i != token.i else token
    while current.pos_ not in {"VERB", "AUX"} and current.head.i != current.i:
        current = current.head
    return current


def in_main_clause(token: Token) -> bool:
    """No subordinate clause (advcl, ccomp, relcl, ...) between the word and its sentence's root."""
    current = token
    while current.head.i != current.i:
        if current.dep_ in _CLAUSE_DEPS:
            return False
        current = current.head
    return True


@cache
def _location_prepositions() -> frozenset[str]:
    return frozenset(datafiles.load("not_actors.yaml").location_prepositions)  # type: ignore[attr-defined]


def _located(head: Token) -> bool:
    """`in the country`, `across the region`: a place where things happen, not an actor."""
    return head.dep_ == "pobj" and head.head.lower_ in _location_prepositions()


class ResolveCoreference:
    """Adds mentions of kind `pronoun` and `description` to `analysis.actors`."""

    name = "coref"
    requires = ("doc", "text", "actors")
    assigns = ("actors",)
    english_only = True
    fatal = False

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self.lexicon = load_lexicon()
        self.offices: dict[str, set[str]] = {}  # person id -> the titles of their offices, at any date
        for office in self.gazetteer.offices:
            self.offices.setdefault(office.holder, set()).add(office.title)

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None or not analysis.actors:
            return
        found = _Document(doc, analysis.text, analysis.actors, self).resolve()
        added: dict[str, list[Mention]] = {}
        for (start, end), (ids, kind) in found.items():
            span = doc[start:end]
            for actor_id in ids:
                added.setdefault(actor_id, []).append(
                    Mention.of(analysis.text, span.start_char, span.end_char, kind=kind))
        analysis.actors = [
            actor.model_copy(update={"mentions": sorted([*actor.mentions, *added[actor.id]], key=lambda m: m.start)})
            if actor.id in added else actor
            for actor in analysis.actors
        ]


class _Document:
    """One document's candidates and what has been resolved so far."""

    def __init__(self, doc: Doc, text: str, actors: list[Actor], stage: ResolveCoreference) -> None:
        self.doc = doc
        self.text = text  # the parsed text: `doc.text` would join every token again
        self.lexicon: CorefFile = stage.lexicon
        self.not_current = stage.gazetteer.not_current
        self.weights: Salience = stage.lexicon.salience
        self.covered: set[int] = set()
        self.named_at: dict[int, tuple[str, ...]] = {}  # token -> the actor whose mention covers it
        self.linked_at: dict[int, tuple[str, ...]] = {}  # token -> the actors a resolved phrase stands for
        self.referents: dict[str, Referent] = {}
        self.anchors: list[Anchor] = []
        self.by_root: dict[int, Anchor] = {}
        for actor in actors:
            self.referents[actor.id] = self._referent(actor, stage)
            for mention in actor.mentions:
                span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
                if span is None or not len(span):
                    continue
                self.covered.update(range(span.start, span.end))
                for index in range(span.start, span.end):
                    self.named_at[index] = (actor.id,)
                self._add(Anchor(span.start, span.end, (actor.id,), span.root, self._numbers(actor, span.root)))
        self._coordinations()
        self.competitors = self._competitors()
        self.quotations = [Quotation(*match.span()) for match in _QUOTED.finditer(self.text)]
        self.quoted = Intervals((q.start, q.end, n) for n, q in enumerate(self.quotations))
        self.found: dict[tuple[int, int], tuple[tuple[str, ...], str]] = {}
        self.described: dict[int, set[tuple[str, str]]] = {}  # sentence start -> (actor, role noun) linked there

    # -- what is known of each actor ----------------------------------------------------------------
    def _referent(self, actor: Actor, stage: ResolveCoreference) -> Referent:
        """Gender from the gazetteer or a title (`Mr Sharif`), titles from the mentions and offices."""
        entry = stage.gazetteer.entries.get(actor.id)
        referent = Referent(actor, entry.gender if entry is not None else None)
        referent.offices.update(stage.offices.get(actor.id, ()))
        roles = self.lexicon.role_nouns
        for mention in actor.mentions:
            words = mention.text.lower().split()
            if referent.gender is None and words and words[0].rstrip(".") in self.lexicon.gendered_titles:
                referent.gender = self.lexicon.gendered_titles[words[0].rstrip(".")]
            for size in (3, 2, 1):
                referent.titles.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1)
                                       if " ".join(words[i : i + size]) in roles)
        return referent

    def _numbers(self, actor: Actor, root: Token) -> frozenset[str]:
        """A group named in the plural is "they"; one named in the singular may be "it" or "they"."""
        if actor.type == "group":
            return frozenset({"plural"}) if root.tag_ in _PLURAL_TAGS else frozenset({"singular", "plural"})
        return frozenset({"singular"})

    def _add(self, anchor: Anchor) -> None:
        insort(self.anchors, anchor, key=lambda a: a.start)
        self.by_root.setdefault(anchor.root.i, anchor)

    def _coordinations(self) -> None:
        """`Poland and Lithuania`, `Keir Starmer and Emmanuel Macron`: one plural anchor for the pair."""
        for anchor in list(self.anchors):
            root = anchor.root
            if root.dep_ == "conj" or not any(c.dep_ == "conj" for c in root.children):
                continue
            members = [anchor]
            for conjunct in root.conjuncts:
                other = self.by_root.get(conjunct.i)
                if other is not None and other is not anchor:
                    members.append(other)
            ids = tuple(dict.fromkeys(i for m in members for i in m.ids))
            if len(ids) > 1:
                for member in members:
                    member.member = True
                last = max(m.end for m in members)
                self.anchors.insert(bisect_left(self.anchors, anchor.start, key=lambda a: a.start),
                                    Anchor(anchor.start, last, ids, root, frozenset({"plural"})))

    def _competitors(self) -> list[Anchor]:
        """Nouns that name no actor, which "it" and "they" may stand for instead (`the deal`, `critics`)."""
        roles = self.lexicon.role_nouns
        out = []
        for chunk in self.doc.noun_chunks:
            root = chunk.root
            if root.i in self.covered or root.pos_ not in {"NOUN", "PROPN"} or root.ent_type_ in _NOT_COMPETITORS:
                continue
            plural = root.tag_ in _PLURAL_TAGS
            if not plural and (root.lemma_.lower() in roles or root.ent_type_ == "PERSON"):
                continue  # a person is no "it"
            out.append(Anchor(chunk.start, chunk.end, (), root, frozenset({"plural" if plural else "singular"})))
        return out

    # -- resolving ------------------------------------------------------------------------------------
    def resolve(self) -> dict[tuple[int, int], tuple[tuple[str, ...], str]]:
        """Descriptions first (they lean on names only), then third-person pronouns in text order (each
        becomes a candidate for the next), then I/we inside quotations."""
        pronouns = self.lexicon.pronouns
        doc, table = self.doc, token_table(self.doc)
        owned: list[Token] = []  # "his predecessor": after "his" is resolved
        for index, (pos, dep, offset) in enumerate(zip(table.pos, table.dep, table.idx, strict=True)):
            if index in self.covered or pos not in {"NOUN", "PROPN"} or dep == "compound" \
                    or self.quoted.first_at(offset) is not None:
                continue  # in a quotation, "the commander-in-chief" is the speaker's to name
            token = doc[index]
            owner = next((c for c in token.children if c.dep_ == "poss" and c.lower_ in pronouns), None)
            if owner is None:
                self._description(token)
            elif getattr(self.lexicon.role_nouns.get(token.lemma_.lower()), "relational", False):
                owned.append(token)
        self._find_speakers()
        for index, spec in self._pronouns("third"):
            token = doc[index]
            if self._is_pronoun(token):
                self._pronoun(token, spec)
        for token in owned:
            self._description(token)
        for index, spec in self._pronouns("first"):
            token = doc[index]
            if self._is_pronoun(token):
                speaker = self._speaker_of(token)
                # "we" of a person is their side (a government, a party), which has no mention to link to;
                # "we" of a body or state is that body ("“We will respond,” the Kremlin said")
                side = spec.number == "plural" and any(self.referents[i].type == "person" for i in speaker)
                if speaker and not side:
                    self._link(token.i, token.i + 1, speaker, "pronoun", token)
        return self.found

    def _pronouns(self, person: str) -> Iterator[tuple[int, Pronoun]]:
        """The tokens, in text order, whose word is a pronoun of that person and that nothing covers yet
        (asked as each is reached, since linking one covers it)."""
        pronouns = self.lexicon.pronouns
        for index, lower in enumerate(token_table(self.doc).lower):
            spec = pronouns.get(lower)
            if spec is not None and spec.person == person and index not in self.covered:
                yield index, spec

    @staticmethod
    def _is_pronoun(token: Token) -> bool:
        """A pronoun as the parse reads it, not "US" (the country) or "IT"."""
        return token.pos_ == "PRON" or token.tag_ in {"PRP", "PRP$"} \
            and not (len(token.text) > 1 and token.text.isupper())

    def _link(self, start: int, end: int, ids: tuple[str, ...], kind: str, root: Token) -> None:
        self.found[(start, end)] = (ids, kind)
        self.linked_at.update((index, ids) for index in range(start, end))
        self.covered.update(range(start, end))
        numbers = frozenset({"plural"}) if len(ids) > 1 else frozenset(
            self._numbers(self.referents[ids[0]].actor, root) if kind == "description" else {"singular"})
        if kind == "pronoun" and self.lexicon.pronouns[root.lower_].number == "plural":
            numbers = frozenset({"plural"})
        self._add(Anchor(start, end, ids, root, numbers))

    def _window_start(self, token: Token) -> int:
        """The first token of the sentence `len(salience.sentence) - 1` sentences before the token's."""
        starts = sentence_starts(self.doc)
        first = starts[token.i]
        for _ in range(len(self.weights.sentence) - 1):
            if first == 0:
                break
            first = starts[first - 1]
        return first

    @staticmethod
    def _before(items: list[Anchor], first: int, token: Token) -> list[Anchor]:
        """The items (sorted by start) from token `first` that end before the token."""
        low = bisect_left(items, first, key=lambda a: a.start)
        high = bisect_left(items, token.i, key=lambda a: a.start)
        return [a for a in items[low:high] if a.end <= token.i]

    def _distance(self, anchor: Anchor, token: Token) -> int:
        """How many sentences back the anchor is (0: the token's own)."""
        starts = sentence_starts(self.doc)
        distance = 0
        position = starts[token.i]
        while position > anchor.root.i:
            position = starts[position - 1]
            distance += 1
        return distance

    def _salience(self, anchor: Anchor, token: Token, governing: Token | None = None, parallel: bool = True) -> float:
        """Recency, role, a main clause's head noun (not a modifier, not one conjunct of several), the
        subject of the nearest clause around the pronoun, and the pronoun's own role."""
        weights = self.weights
        distance = self._distance(anchor, token)
        score = weights.sentence[min(distance, len(weights.sentence) - 1)]
        role = "other" if anchor.member else role_of(anchor.root)
        score += getattr(weights, role)
        if not anchor.member and anchor.root.dep_ not in _MODIFIER_DEPS and in_main_clause(anchor.root):
            score += weights.main_clause
        if governing is not None and anchor.start <= governing.i < anchor.end:
            score += weights.governs
        if parallel and role == role_of(token):
            score += weights.parallel
        if anchor.member and anchor.root.dep_ == "conj":
            score -= 1  # "Joe Biden and Kamala Harris": the first conjunct before the second
        return score - 0.001 * abs(token.i - anchor.end)  # ties go to the nearer

    def _ids_of(self, token: Token) -> tuple[str, ...]:
        """The actors a token names or stands for so far."""
        return self.named_at.get(token.i) or self.linked_at.get(token.i) or ()

    def _governing(self, token: Token) -> Token | None:
        """The subject, naming an actor, of the nearest clause the token stands in (`Erdogan said that
        when he ...`; `Tusk said the president was protecting his party`: the president)."""
        clause = clause_of(token)
        while True:
            subject = next((c for c in clause.children if c.dep_ in _SUBJECT_DEPS and c.i != token.i), None)
            if subject is not None and self._ids_of(subject):
                return subject
            if clause.head.i == clause.i:
                return None
            clause = clause_of(clause)

    def _clause_subject_ids(self, token: Token) -> tuple[str, ...]:
        """Who the subject of the token's own clause names: no pronoun object can be them."""
        subject = next((c for c in clause_of(token).children if c.dep_ in _SUBJECT_DEPS and c.i != token.i), None)
        if subject is None:
            return ()
        return tuple(i for member in (subject, *subject.conjuncts) for i in self._ids_of(member))

    # -- pronouns -------------------------------------------------------------------------------------
    def _agrees(self, spec: Pronoun, anchor: Anchor) -> bool:
        number_fits = spec.number in anchor.numbers
        if not anchor.ids:
            return number_fits and (spec.number == "plural" or spec.gender == "neuter")
        if not number_fits:
            return False
        if spec.number == "plural":
            return True
        referent = self.referents[anchor.ids[0]]
        if spec.gender == "neuter":
            return referent.type != "person"
        return referent.type == "person" and referent.gender in (None, spec.gender)

    def _bound(self, token: Token, spec: Pronoun, anchor: Anchor) -> bool:
        """Binding: a possessive is not its own phrase ("his rival Kasparov")."""
        root = _first_conjunct(anchor.root)
        if spec.possessive and token.dep_ == "poss":
            owned = token.head
            return root.i == owned.i or root.head.i == owned.i and root.dep_ in {"appos", "compound"} \
                or owned.head.i == root.i and owned.dep_ in {"appos", "compound"}
        return False

    def _pronoun(self, token: Token, spec: Pronoun) -> None:
        if spec.gender == "neuter" and self._expletive(token):
            return
        if spec.reflexive:
            subject = next((c for c in clause_of(token).children if c.dep_ in _SUBJECT_DEPS), None)
            anchor = self.by_root.get(subject.i) if subject is not None else None
            if anchor is not None and self._agrees(spec, anchor):
                self._link(token.i, token.i + 1, anchor.ids, "pronoun", token)
                return
        forward = self._cataphora(token, spec)
        if forward is not None:
            self._link(token.i, token.i + 1, forward.ids, "pronoun", token)
            return
        index = self.quoted.first_at(token.idx)
        speaker = self.quotations[index].speaker if index is not None else ()
        first = self._window_start(token)
        role = role_of(token)
        forbidden = set(speaker)  # a third-person pronoun in a quotation is not its speaker
        if role in {"object", "oblique"}:
            forbidden.update(self._clause_subject_ids(token))  # "Putin called him a traitor"
        pool = [a for a in self._before(self.anchors, first, token) if not set(a.ids) <= forbidden]
        competitors = []
        if spec.gender == "neuter" or spec.number == "plural":
            competitors = [c for c in self._before(self.competitors, first, token) if self._agrees(spec, c)]
        if competitors and spec.gender == "neuter" and role in {"object", "oblique"}:
            return  # "it" as an object is mostly a thing: "signed it", "pay for it"
        governing = self._governing(token)
        scored = [(self._salience(a, token, governing), a) for a in pool + competitors
                  if self._agrees(spec, a) and not self._bound(token, spec, a)]
        if not scored:
            return
        _, best = max(scored, key=lambda pair: pair[0])
        ids = best.ids or self._owner_of(best)
        if ids:
            self._link(token.i, token.i + 1, ids, "pronoun", token)
            if spec.gender in {"male", "female"}:
                referent = self.referents[ids[0]]
                referent.gender = referent.gender or spec.gender

    def _owner_of(self, noun: Anchor) -> tuple[str, ...]:
        """A noun that names no actor but is owned by one stands for it when it is no person: "Japan's
        (its) foreign ministry said it would ..." is Japan speaking."""
        for child in noun.root.children:
            if child.dep_ in _MODIFIER_DEPS:
                ids = self._ids_of(child)
                if len(ids) == 1 and self.referents[ids[0]].type != "person":
                    return ids
        return ()

    def _expletive(self, token: Token) -> bool:
        """`it is clear that ...`, `it is practical`, `it is known that ...`, `it remains to be seen`, `It was
        a turnaround`: an "it" that stands for no one, or for a state of affairs rather than an actor (an
        actor is "ready to", "willing to": data/coref.yaml's control adjectives)."""
        if token.dep_ == "expl":
            return True
        if token.dep_ not in {"nsubj", "nsubjpass"}:
            return False
        verb = token.head
        after = [c for c in verb.children if c.i > token.i]
        deps = {c.dep_ for c in after}
        if token.dep_ == "nsubjpass":
            return "ccomp" in deps  # "it is known that"
        if verb.lemma_ not in _COPULAS:
            return False
        controlled = any(c.dep_ == "acomp" and c.lower_ in self.lexicon.control_adjectives for c in after)
        # "It was a turnaround", "it is clear that", "it is more practical"; not "it was ready to fight"
        return "attr" in deps or "acomp" in deps and not controlled \
            or verb.lemma_ != "be" and "xcomp" in deps and "acomp" not in deps

    def _cataphora(self, token: Token, spec: Pronoun) -> Anchor | None:
        """`Before he left for Beijing, Lula said ...`, `In his speech, Putin ...`: a pronoun in a clause or
        phrase fronted before the main subject stands for that subject."""
        root = token.sent.root
        subject = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS and c.i > token.i), None)
        if subject is None:
            return None
        top = token
        while top.head.i != root.i and top.head.i != top.i:
            top = top.head
        if top.head.i != root.i or top.dep_ not in _FRONTED_DEPS or top.i > subject.i or top.right_edge.i >= subject.i:
            return None
        anchor = self.by_root.get(subject.i)
        return anchor if anchor is not None and self._agrees(spec, anchor) else None

    # -- role nouns and descriptions ----------------------------------------------------------------
    def _phrase(self, head: Token) -> tuple[int, int, str, int] | None:
        """(first token, first word after the determiner, lexicon key, count) of a definite phrase ending
        in `head` whose last words are a role noun or description (`the Kazakh president`, `the two
        countries`), or None for a phrase that names its referent itself: a name the actor stage left
        (`the Soviet Union`), an `of` complement (`the leader of Hezbollah`, `the alliance of emerging
        economies`), a name or a relative clause after it (`the previous leader, Paul Damiba`, `the
        group that rules Afghanistan`), an owner that is no pronoun
        (`the bloc's committee` is not the
        bloc), a modifier naming a body (`the PTI chief`), one of roles.yaml's `not_current` words
        (`the new president`, `the former chancellor`: someone else, or not in office), a superlative
        (`the most indebted leader`) or the subject of "is X" (`the leader is Tokayev`)."""
        children = list(head.lefts)
        determiner = next((c for c in children if c.dep_ == "det" and c.lower_ in _DETERMINERS), None)
        owner = next((c for c in children if c.dep_ == "poss"), None)
        if determiner is None and owner is None or owner is not None and owner.lower_ not in self.lexicon.pronouns:
            return None
        named_after = any(c.dep_ in {"appos", "relcl", "acl"} or c.dep_ == "prep" and c.lower_ == "of"
                          for c in head.rights)
        name = head.pos_ == "PROPN" and (head.ent_type_ or any(c.pos_ == "PROPN" for c in children))
        if named_after or name:
            return None
        opening = (determiner or owner).i
        if any(self.referents[i].type != "state" for t in self.doc[opening + 1 : head.i] for i in self._ids_of(t)):
            return None
        modifiers = self.doc[opening + 1 : head.i]
        if any(t.lower_ in self.not_current for t in modifiers):
            return None  # "the new president", "the former chancellor": not who the text named so far
        if any(t.tag_ in {"JJS", "RBS"} or t.lower_ in {"most", "least"} for t in modifiers) or \
                head.dep_ == "nsubj" and any(c.dep_ == "attr" for c in head.head.children):
            return None  # "the most indebted leader", "the leader is X": a new description, not a reference
        first = opening + 1
        count = 1
        numbers = self.lexicon.numbers
        for child in children:
            if child.dep_ == "nummod" and child.lower_ in numbers:
                count = numbers[child.lower_]
                first = max(first, child.i + 1)
        if first > head.i or head.tag_ in _PLURAL_TAGS and count == 1:
            return None  # "the rebels", "the countries": no number, no telling how many
        for start in range(first, head.i + 1):
            before = self.doc[start : head.i].text_with_ws.lower()
            for last in dict.fromkeys((head.lower_, head.lemma_.lower())):  # "countries" as "country"
                key = before + last
                if key in self.lexicon.role_nouns or key in self.lexicon.descriptions:
                    phrase_start = start
                    while phrase_start > opening and phrase_start - 1 not in self.covered:
                        phrase_start -= 1
                    return phrase_start, opening + 1, key, count
        return None

    def _description(self, head: Token) -> None:
        if head.dep_ in {"attr", "compound", "amod"} or head.i in self.covered or _located(head):
            return
        phrase = self._phrase(head)
        if phrase is None:
            return
        start, modifiers, key, count = phrase
        person = key in self.lexicon.role_nouns
        types = {"person"} if person else set(self.lexicon.descriptions[key])
        gender = self.lexicon.role_nouns[key].gender if person else None
        excluded = self._excluded(head, key, person)
        # "the Kazakh president": someone of that country (or of none known)
        countries = {self.referents[i].actor.country for t in self.doc[modifiers : head.i]
                     for i in self.named_at.get(t.i, ())}

        def fits(anchor: Anchor) -> bool:
            if not anchor.ids or any(i in excluded for i in anchor.ids):
                return False
            referents = [self.referents[i] for i in anchor.ids]
            if any(r.type not in types or gender and r.gender not in (None, gender) for r in referents):
                return False
            return not countries or all(r.actor.country in countries | {None} for r in referents)

        pool = [a for a in self._before(self.anchors, self._window_start(head), head) if fits(a)]
        if not pool:
            pool = [a for a in self._ahead(head) if fits(a)]
        if count > 1:
            ids = self._several(pool, count, head)
        else:
            pool = [a for a in pool if len(a.ids) == 1]
            best = max(pool, key=lambda a: self._salience(a, head, parallel=False) + self._named(a, key), default=None)
            ids = best.ids if best is not None else ()
        if ids:
            self._link(start, head.i + 1, ids, "description", head)
            self.described.setdefault(head.sent.start, set()).update((i, key) for i in ids)
            if person:
                for actor_id in ids:
                    self.referents[actor_id].titles.add(key)  # "the prime minister ... the prime minister"

    def _excluded(self, head: Token, key: str, person: bool) -> set[str]:
        """Who the phrase cannot be: a person another role noun of its sentence stands for ("The president
        said ..., while the general said"), and the owner of a relational noun ("his predecessor")."""
        excluded = {actor for actor, other in self.described.get(head.sent.start, set()) if other != key}
        if person and self.lexicon.role_nouns[key].relational:
            owner = next((c for c in head.children if c.dep_ == "poss"), None)
            if owner is not None:
                linked = self.found.get((owner.i, owner.i + 1))
                excluded.update(linked[0] if linked else ())
            excluded.update(actor for actor, _ in self.described.get(head.sent.start, set()))
        return excluded

    def _ahead(self, head: Token) -> list[Anchor]:
        """Anchors after the phrase in its sentence and the next: "It sent the bill to the president, and
        Biden signed it", "Rutte said the alliance ... NATO would"."""
        sentence = head.sent
        end = self.doc[sentence.end].sent.end if sentence.end < len(self.doc) else sentence.end
        low = bisect_left(self.anchors, head.i + 1, key=lambda a: a.start)
        high = bisect_left(self.anchors, end, key=lambda a: a.start)
        return self.anchors[low:high]

    def _named(self, anchor: Anchor, key: str) -> float:
        """A role noun the person's title repeats, or a description the actor's name holds."""
        referent = self.referents[anchor.ids[0]]
        if referent.type == "person":
            def held(titles: set[str]) -> bool:
                return key in titles or key.split()[-1] in {title.split()[-1] for title in titles}

            if held(referent.titles):
                return self.weights.title
            return self.weights.office if held(referent.offices) else 0.0
        name = referent.actor.name.lower().replace("organisation", "organization")
        return self.weights.title if key.replace("organisation", "organization") in name.split() else 0.0

    def _several(self, pool: list[Anchor], count: int, head: Token) -> tuple[str, ...]:
        """`the two countries`: the latest coordination of that many, else the latest `count` actors."""
        pairs = [a for a in pool if len(a.ids) == count]
        if pairs:
            return max(pairs, key=lambda a: self._salience(a, head, parallel=False)).ids
        ids: list[str] = []
        for anchor in sorted((a for a in pool if len(a.ids) == 1), key=lambda a: -a.start):
            if anchor.ids[0] not in ids:
                ids.append(anchor.ids[0])
            if len(ids) == count:
                return tuple(ids)
        return ()

    # -- quotations -----------------------------------------------------------------------------------
    def _find_speakers(self) -> None:
        for index in range(len(self.quotations)):
            self._settle(index)

    def _settle(self, index: int) -> tuple[str, ...]:
        """A quotation's speaker, if not known yet: the subject of a speech verb outside the marks in the
        sentences the quotation touches, else the previous quotation's speaker when it runs on from it."""
        quotation = self.quotations[index]
        if not quotation.speaker:
            quotation.speaker = self._cue_subject(quotation)
        if not quotation.speaker and index and self._runs_on(self.quotations[index - 1], quotation):
            quotation.speaker = self.quotations[index - 1].speaker
        return quotation.speaker

    def _sentences_between(self, start: int, end: int) -> list[Span]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return []
        # `token.sent` searches for the sentence's bounds: asked once per sentence, not once per token
        sentences = [span[0].sent] + [t.sent for t in span[1:] if t.is_sent_start]
        first = sentences[0]
        if first.start > 0 and span.start == first.start and self.doc[first.start - 1].text == ":":
            sentences.insert(0, self.doc[first.start - 1].sent)  # "Lukashenko said:" ending the sentence before
        return sentences

    def _cue_subject(self, quotation: Quotation) -> tuple[str, ...]:
        start, end = quotation.start, quotation.end
        verbs = self._speech_verbs_outside(self._sentences_between(start, end), start, end)
        for verb in sorted(verbs, key=lambda v: min(abs(v.idx - start), abs(v.idx - end))):
            for child in verb.children:
                if child.dep_ in _SUBJECT_DEPS:
                    ids = self._ids_of(child)
                    if ids:
                        return ids
        return ()

    def _speech_verbs_outside(self, sentences: Iterable[Span], start: int, end: int) -> list[Token]:
        table, verbs = token_table(self.doc), _speech_verbs()
        return [self.doc[i] for sentence in sentences for i in range(sentence.start, sentence.end)
                if not start <= table.idx[i] < end and table.lemma[i] in verbs and table.pos[i] in {"VERB", "AUX"}]

    def _runs_on(self, previous: Quotation, quotation: Quotation) -> bool:
        """A quotation that follows the last one with at most a short stretch between them."""
        return 0 <= quotation.start - previous.end <= 80 and "\n\n" not in self.text[previous.end : quotation.start]

    def _speaker_of(self, token: Token) -> tuple[str, ...]:
        """I/we inside quotation marks: its speaker, looked for again now that pronoun subjects are resolved."""
        index = self.quoted.first_at(token.idx)
        return self._settle(index) if index is not None else ()
