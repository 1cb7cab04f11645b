"""The actors stage: who the document talks about, each actor with every mention that refers to it.

Mentions come from the parse's entities (gazetteer ruler and statistical NER) and from role phrases
resolved to the office holder on the document's date; pronouns and definite descriptions are linked to
these mentions afterwards, by the coreference stage (actors/coref.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import spacy
from rapidfuzz import fuzz
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from powermap import datafiles
from powermap.actors.groups import find_groups
from powermap.analysis import Analysis
from powermap.gazetteer import Entry, Gazetteer, default_gazetteer, name_key, slug
from powermap.offsets import Intervals
from powermap.schema import Actor, Mention

# Where a capital city is the subject, agent or possessor, it stands for the government.
_GOVERNMENT_DEPS = {"nsubj", "nsubjpass", "poss", "agent", "appos"}
_FULL_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})[./](?P<m1>\d{1,2})[./](?P<y1>(?:19|20)\d{2})"
    r"|(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{2})-(?P<d2>\d{2}))\b"
)


@dataclass(frozen=True)
class Words:
    """The word lists of `data/actors.yaml`."""

    government_prepositions: frozenset[str]
    place_nouns: frozenset[str]
    motion_verbs: frozenset[str]
    quantifiers: frozenset[str]


@cache
def load_words() -> Words:
    """Read once per process, validated by the data loader."""
    data = datafiles.load("actors.yaml")
    return Words(frozenset(data.government_prepositions), frozenset(data.place_nouns),
                 frozenset(data.motion_verbs), frozenset(data.quantifiers))


@dataclass
class Candidate:
    """A stretch of tokens believed to refer to an actor."""

    start: int
    end: int
    actor: str
    kind: str
    entry: Entry | None = None
    name: str = ""
    type: str = "person"
    country: str | None = None

    def chars(self, doc: Doc) -> tuple[int, int]:
        span = doc[self.start : self.end]
        return span.start_char, span.end_char


def reference_day(analysis: Analysis) -> date | None:
    """The date role phrases are resolved at: publication date, else the latest full date in the text."""
    if analysis.published:
        try:
            return date.fromisoformat(analysis.published[:10])
        except ValueError:
            pass
    days = []
    for match in _FULL_DATE.finditer(analysis.text):
        parts = match.groupdict()
        year, month, day = (parts["y1"] or parts["y2"], parts["m1"] or parts["m2"], parts["d1"] or parts["d2"])
        try:
            days.append(date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return max(days) if days else None


def _stands_for_government(span: Span) -> bool:
    """A capital is an actor when it acts, owns or is dealt with, not when it is where things happen."""
    token = span.root
    while token.dep_ in {"conj", "appos"} and token.head.i != token.i:
        token = token.head
    dep = token.dep_
    if dep in _GOVERNMENT_DEPS:
        return True
    if dep == "dobj":
        return token.head.lemma_.lower() not in load_words().motion_verbs
    if dep in {"compound", "amod", "nmod", "npadvmod"}:
        head = token.head
        while head.dep_ == "compound" and head.head.i != head.i:  # "the Moscow-Minsk alliance"
            head = head.head
        return head.pos_ == "NOUN" and head.lower_ not in load_words().place_nouns
    if dep == "pobj":
        preposition = token.head
        if preposition.lower_ not in load_words().government_prepositions:
            return False
        return preposition.lower_ != "of" or preposition.head.lower_ not in load_words().place_nouns
    return False


def _nation_as_actor(ent: Span) -> bool:
    """A plural nationality is its side only with "the" and uncounted (`the Palestinians rejected the
    plan`); people who act are people (`Belarusians are fighting in Ukraine`, `thousands of Belarusians
    protested`), but people something is done to are coded by nationality, as event coders do
    (`arrested 100 Palestinians`)."""
    words = [t for t in ent.root.children if t.dep_ in {"amod", "nummod", "det", "quantmod"}]
    if ent.start > 0:
        words.append(ent.doc[ent.start - 1])
    if ent.root.dep_ == "pobj" and ent.root.head.lower_ == "of":
        words.append(ent.root.head.head)  # "thousands of Belarusians"
    counted = any(w.like_num or w.lower_ in load_words().quantifiers for w in words)
    definite = ent[0].lower_ == "the" or ent.start > 0 and ent.doc[ent.start - 1].lower_ == "the"
    return definite and not counted or _undergoes(ent)


def _undergoes(ent: Span) -> bool:
    """`arrested 100 Palestinians`, `killed hundreds of Iraqis`: the people are what is acted upon."""
    role = ent.root
    if role.dep_ == "pobj" and role.head.lower_ == "of" and role.head.head.i != role.head.i:
        role = role.head.head  # the count they are "of"
    return role.dep_ in {"dobj", "nsubjpass"} or role.dep_ == "pobj" and role.head.lower_ != "of"


def _dateline_place(ent: Span, datelines: Intervals[tuple[int, int]]) -> bool:
    """`MINSK, 10 October (BelTA) –`: the place is where the item was filed; the agency is an actor."""
    inside = datelines.first_at(ent.start_char) is not None
    return inside and not (ent.start > 0 and ent.doc[ent.start - 1].text == "(")


class ResolveActors:
    """Builds `analysis.actors` from the parsed document."""

    name = "actors"
    requires = ("doc", "text", "published", "wire_items")
    assigns = ("actors",)
    english_only = True
    fatal = False

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or default_gazetteer()
        self._matchers: dict[int, PhraseMatcher] = {}

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        datelines = Intervals((item.start, item.end, (item.start, item.end)) for item in analysis.wire_items)
        candidates = _titled_names(doc, self._from_entities(doc, datelines), self._titles())
        self._armed_forces_as_states(candidates)
        candidates = self._with_roles(doc, candidates, reference_day(analysis))
        _nationalities(doc, candidates)
        candidates = _with_groups(doc, candidates)
        candidates = _namesakes(doc, candidates, self._titles())
        self._link_surnames(doc, candidates)
        _reconcile_types(candidates)
        candidates = _foreign_bodies(doc, candidates)
        candidates = _without_places(doc, candidates)
        candidates = _without_common_nouns(doc, candidates)
        analysis.actors = self._actors(analysis.text, doc, candidates)

    # -- entities -------------------------------------------------------------------------------
    def _from_entities(self, doc: Doc, datelines: Intervals[tuple[int, int]]) -> list[Candidate]:
        """Candidates from entities; a place in a dateline (`MINSK, 10 October (BelTA)`) is a place."""
        candidates: list[Candidate] = []
        for ent in doc.ents:
            if _dateline_place(ent, datelines):
                continue
            candidate = self._candidate(ent)
            if candidate is not None:
                candidates.append(candidate)
        return candidates

    def _candidate(self, ent: Span) -> Candidate | None:
        written = ent.text  # a Span joins its tokens on each `.text`
        if "\n" in written or not any(map(str.isalpha, written)):
            return None
        if ent.ent_id_:
            actor_id, _, kind = ent.ent_id_.partition("|")
            if actor_id == "place":
                return None
            if kind == "capital":
                if not _stands_for_government(ent):
                    return None
                kind = "metonym"
            if kind == "demonym" and ent.root.tag_ in {"NNS", "NNPS"} and not _nation_as_actor(ent):
                return None
            return self._known(ent, self.gazetteer.entries[actor_id], kind)
        if ent.label_ not in {"PERSON", "ORG", "GPE", "NORP"}:
            return None
        if self.gazetteer.is_place(written) or (ent.label_ == "PERSON" and self._beside_place(ent)):
            return None
        capital = self.gazetteer.capital_of(written)
        if capital is not None:
            return self._known(ent, capital, "metonym") if _stands_for_government(ent) else None
        found = self.gazetteer.lookup(written, fuzzy=ent.label_ in {"PERSON", "ORG"})
        if found is not None:
            entry, kind = found
            if ent.label_ in {"GPE", "NORP"} and entry.type != "state":
                return None
            return self._known(ent, entry, kind)
        end = _without_possessive(ent)
        if ent.label_ == "PERSON" and ent[0].is_title:
            name = ent.doc[ent.start : end].text
            return Candidate(ent.start, end, f"person:{slug(name)}", "name", name=name)
        if ent.label_ == "ORG" and ent[0].is_title or ent.label_ == "ORG" and ent[0].is_upper:
            name = re.sub(r"^the\s+", "", ent.doc[ent.start : end].text, flags=re.IGNORECASE)
            return Candidate(ent.start, end, f"organization:{slug(name)}", "name", name=name, type="organization")
        return None

    @staticmethod
    def _known(ent: Span, entry: Entry, kind: str) -> Candidate:
        start = ent.start + 1 if ent[0].lower_ == "the" else ent.start
        return Candidate(start, _without_possessive(ent), entry.id, kind, entry=entry, name=entry.name,
                         type=entry.type)

    def _beside_place(self, ent: Span) -> bool:
        """A "person" coordinated with a place is a place the model mistook (`Kyiv and Chernihiv`)."""
        root = ent.root
        neighbours = [root.head] if root.dep_ == "conj" else []
        neighbours.extend(child for child in root.children if child.dep_ == "conj")
        return any(token.ent_type_ in {"GPE", "LOC"} for token in neighbours)

    def _armed_forces_as_states(self, candidates: list[Candidate]) -> None:
        """A state's armed forces stand for the state (`the Russian army attacked` is Russia acting)."""
        for candidate in candidates:
            entry = candidate.entry
            state = self.gazetteer.entries.get(f"state:{entry.country}") if entry and entry.armed_forces else None
            if state is not None:
                candidate.actor, candidate.entry, candidate.name, candidate.type = state.id, state, state.name, "state"
                candidate.kind = "metonym"

    # -- roles and titles -----------------------------------------------------------------------
    def _titles(self) -> set[str]:
        """Titles before a name: data/titles.yaml and the one-word role nouns."""
        return set(_word_lists("titles.yaml")["titles"]) | {role for role in self.gazetteer.roles if " " not in role}

    def _role_matcher(self, doc: Doc) -> PhraseMatcher:
        key = id(doc.vocab)
        if key not in self._matchers:
            matcher = PhraseMatcher(doc.vocab, attr="LOWER")
            tokenizer = spacy.blank("en")
            matcher.add("ROLE", [tokenizer.make_doc(role) for role in self.gazetteer.roles])
            self._matchers[key] = matcher
        return self._matchers[key]

    def _with_roles(self, doc: Doc, candidates: list[Candidate], day: date | None) -> list[Candidate]:
        """Role phrases become mentions of the office holder; a title before a name joins the name."""
        by_end = {c.end: c for c in candidates}
        by_start = {c.start: c for c in candidates}
        covered = {i for c in candidates for i in range(c.start, c.end)}
        matches = sorted(self._role_matcher(doc)(doc, as_spans=True), key=lambda s: (s.start, -len(s)))
        taken: set[int] = set()
        removed: set[int] = set()
        added: list[Candidate] = []
        for role in matches:
            if role.start in taken or role[-1].tag_ in {"NNS", "NNPS"}:
                continue
            owner, start, former = self._owner(doc, role.start, by_end, covered)
            person = by_start.get(role.end)
            if person is not None and person.type == "person":
                if owner is None and not role[0].is_title:
                    continue
                first = owner.start if owner is not None else role.start
                country = owner.entry.country if owner is not None and owner.entry is not None else None
                added.append(Candidate(first, person.end, person.actor, person.kind, person.entry,
                                       person.name, "person", country if owner and owner.type == "state" else None))
                removed.update(id(c) for c in (owner, person) if c is not None)
                taken.update(range(role.start, role.end))
                continue
            if owner is None:
                owner = self._owner_after(doc, role.end, by_start)
                if owner is None:
                    continue
                start, end = role.start, owner.end
            else:
                end = role.end
            before = owner.start - 1 if owner.start <= role.start else role.start - 1
            if before >= 0 and doc[before].lower_ in self.gazetteer.not_current:
                former = True
            if former or owner.entry is None:
                continue
            holder = self.gazetteer.holder(owner.entry, role.text.lower(), day)
            if holder is None:
                continue
            if start > 0 and doc[start - 1].lower_ == "the":
                start -= 1
            added.append(Candidate(start, end, holder.id, "role", holder, holder.name, "person"))
            removed.add(id(owner))
            taken.update(range(role.start, role.end))
        kept = [c for c in candidates if id(c) not in removed]
        return sorted(kept + added, key=lambda c: c.start)

    def _owner(
        self, doc: Doc, index: int, by_end: dict[int, Candidate], covered: set[int]
    ) -> tuple[Candidate | None, int, bool]:
        """The state or organisation named just before a role noun, skipping modifiers and 's."""
        former = False
        position = index
        while position > 0 and position - 1 not in covered:
            word = doc[position - 1].lower_
            if word in self.gazetteer.not_current:
                former = True
            elif not (word in self.gazetteer.role_modifiers or doc[position - 1].tag_ == "JJ"):
                break
            position -= 1
        if position > 0 and doc[position - 1].lower_ in {"'s", "’s"}:
            position -= 1
        owner = by_end.get(position)
        if owner is None or owner.type == "person":
            return None, index, former
        return owner, owner.start, former

    @staticmethod
    def _owner_after(doc: Doc, index: int, by_start: dict[int, Candidate]) -> Candidate | None:
        """`the president of Belarus`."""
        if index < len(doc) and doc[index].lower_ == "of":
            owner = by_start.get(index + 1)
            if owner is not None and owner.type != "person":
                return owner
        return None

    # -- surnames ------------------------------------------------------------------
    @staticmethod
    def _link_surnames(doc: Doc, candidates: list[Candidate]) -> None:
        """A lone surname (or unshared first name) found by NER joins the full name, across spellings."""
        people = [c for c in candidates if c.type == "person" and c.entry is None]
        full = [c for c in candidates if c.type == "person" and len(c.name.split()) > 1]
        # Each surname and first name once, the first full name with a surname kept (the one matched
        # first), so the work grows with the names, not with their mentions.
        surnames: dict[str, Candidate] = {}
        first_names: dict[str, dict[str, Candidate]] = {}
        for other in full:
            surnames.setdefault(name_key(other.name.split()[-1]), other)
            first_names.setdefault(name_key(other.name.split()[0]), {})[other.actor] = other
        matches: dict[str, Candidate | None] = {}
        for candidate in people:
            if len(candidate.name.split()) != 1:
                continue
            key = name_key(candidate.name)
            if key not in matches:
                match = next((o for surname, o in surnames.items() if fuzz.ratio(key, surname) >= 88), None)
                if match is None:
                    # A lone first name ("Hillary") joins the full name only when no one else shares it.
                    first = first_names.get(key, {})
                    match = next(iter(first.values())) if len(first) == 1 else None
                matches[key] = match
            match = matches[key]
            if match is not None:
                candidate.actor, candidate.entry, candidate.name = match.actor, match.entry, match.name

    # -- output ---------------------------------------------------------------------------------
    def _actors(self, text: str, doc: Doc, candidates: list[Candidate]) -> list[Actor]:
        grouped: dict[str, list[Candidate]] = {}
        for candidate in sorted(candidates, key=lambda c: c.start):
            grouped.setdefault(candidate.actor, []).append(candidate)
        actors = []
        for actor_id, group in grouped.items():
            entry = next((c.entry for c in group if c.entry is not None), None)
            mentions = []
            seen: set[tuple[int, int]] = set()
            for candidate in group:
                start, end = candidate.chars(doc)
                if (start, end) not in seen:
                    seen.add((start, end))
                    mentions.append(Mention.of(text, start, end, kind=candidate.kind))
            if entry is not None:
                actors.append(Actor(id=entry.id, name=entry.name, type=entry.type, country=entry.country,
                                    qid=entry.qid, origin="gazetteer", mentions=mentions))
            else:
                name = max((c.name for c in group if c.kind == "name"), key=len, default=group[0].name)
                countries = [c.country for c in group if c.country]
                country = max(set(countries), key=countries.count) if countries else None
                actors.append(Actor(id=actor_id, name=name, type=group[0].type,  # type: ignore[arg-type]
                                    country=country, origin="ner", mentions=mentions))
        return sorted(actors, key=lambda a: (-len(a.mentions), a.name))


def _nationalities(doc: Doc, candidates: list[Candidate]) -> None:
    """`British Defence Secretary Tom King`, `Russian envoy Igor Petrov`: a name the gazetteer lacks
    takes the country whose adjective or name stands just before it, across up to four title words."""
    states = {c.end: c for c in candidates if c.type == "state" and c.entry is not None}
    for candidate in candidates:
        if candidate.entry is not None or candidate.country is not None or candidate.type == "state":
            continue
        position = candidate.start
        skipped = 0
        while position > 0 and position not in states and skipped < 4:
            previous = doc[position - 1]
            title_word = previous.is_title or previous.pos_ in {"NOUN", "ADJ", "PROPN"} \
                or previous.dep_ in {"amod", "compound"}  # "Jordan's visiting King Abdullah II"
            if not (title_word or previous.lower_ in {"'s", "’s", "the"}) or previous.is_sent_start:
                break
            position -= 1
            skipped += 1
        owner = states.get(position)
        if owner is not None and owner.entry is not None:
            candidate.country = owner.entry.country


@cache
def _word_lists(file: str) -> dict[str, frozenset[str]]:
    """The word lists of a data file (`titles.yaml`, `not_actors.yaml`), read once per process."""
    data = datafiles.load(file).model_dump()
    return {key: frozenset(value) for key, value in data.items() if isinstance(value, list)}


def _titled_names(doc: Doc, candidates: list[Candidate], titles: set[str]) -> list[Candidate]:
    """A name the model found that is a title and a name (`Lieutenant General Jan Novak`, typed as an
    organisation) is that person; a title alone (`Major-General`) is no actor."""
    out = []
    for candidate in candidates:
        span = doc[candidate.start : candidate.end]
        marks = [t.i for t in span if t.lower_.rstrip(".") in titles and t.is_title]
        if candidate.entry is not None or candidate.type not in {"person", "organization"} or not marks:
            out.append(candidate)
            continue
        rest = doc[marks[-1] + 1 : candidate.end]
        if not len(rest):
            continue
        organisation_words = _word_lists("titles.yaml")["organisation_words"]
        if all(t.is_title and t.text not in organisation_words for t in rest) and len(rest) <= 4:
            candidate.type, candidate.name = "person", rest.text
            candidate.actor = f"person:{slug(rest.text)}"
        out.append(candidate)
    return out


def _without_places(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """Ships (`BRP Sierra Madre`), features of land and sea (`Second Thomas Shoal`), a state adjective on
    a place (`the Austrian capital`) or a descriptor (`a Panama-flagged tanker`), and a state named only
    where things are (`talks in South Africa`, `migrants from Cuba`) are no actors (data/not_actors.yaml)."""
    rules = _word_lists("not_actors.yaml")

    def place(c: Candidate) -> bool:
        span = doc[c.start + 1 if doc[c.start].lower_ == "the" else c.start : c.end]
        if c.entry is None and (span[0].text in rules["ship_prefixes"] and len(span) > 1
                                or span[-1].text in rules["geographic_heads"]):
            return True
        if span.root.dep_ == "npadvmod" and span.root.head.lower_ in rules["descriptor_participles"]:
            return True
        return c.kind == "demonym" and span.root.dep_ == "amod" and span.root.head.lower_ in rules["place_heads"]

    def located(c: Candidate) -> bool:
        root = doc[c.start : c.end].root
        while root.dep_ == "conj" and root.head.i != root.i:
            root = root.head
        preposition = root.head
        if root.dep_ != "pobj":
            return False
        if preposition.lower_ == "from":
            return preposition.head.tag_ == "NNS"
        return preposition.lower_ in rules["location_prepositions"] \
            and (preposition.head.pos_ in {"NOUN", "PROPN"} or preposition.head.lemma_.lower() in rules["venue_heads"])

    kept = [c for c in candidates if not place(c)]
    states = {c.actor for c in kept if c.type == "state"}
    venues = {actor for actor in states if all(located(c) for c in kept if c.actor == actor)}
    return [c for c in kept if c.actor not in venues]


def _first_name_before(doc: Doc, candidate: Candidate, people: dict[int, Candidate],
                       covered: set[int], titles: set[str]) -> Candidate | None:
    """The first name standing just before a surname: a name the model found, or a capitalised proper
    noun compounded with it that is neither another actor nor a title (`Speaker`, `Gen.`)."""
    if candidate.start in people:
        return people[candidate.start]
    position = candidate.start - 1
    if position < 0 or position in covered:
        return None
    token = doc[position]
    if token.pos_ != "PROPN" or not token.is_title or token.dep_ != "compound" or token.head.i != candidate.start:
        return None
    if token.lower_.rstrip(".") in titles:
        return None
    return Candidate(position, position + 1, f"person:{slug(token.text)}", "name", name=token.text)


def _namesakes(doc: Doc, candidates: list[Candidate], titles: set[str]) -> list[Candidate]:
    """`Speaker Mike Johnson` is not Boris Johnson: a known surname after a first name is the known person
    only when the first names agree (`Volodymyr Zelenskyy`); otherwise it is a new person, who also
    takes the bare surname where the known person's full name never appears."""
    people = {c.end: c for c in candidates if c.type == "person" and c.entry is None}
    covered = {i for c in candidates for i in range(c.start, c.end)}
    joined: dict[int, Candidate] = {}
    for candidate in candidates:
        entry = candidate.entry
        if entry is None or entry.type != "person" or candidate.end - candidate.start != 1:
            continue
        first = _first_name_before(doc, candidate, people, covered, titles)
        if first is None:
            continue
        given = {name_key(form.split()[0]) for form in entry.forms if len(form.split()) > 1}
        if len(first.name.split()) == 1 and any(fuzz.ratio(name_key(first.name), g) >= 80 for g in given):
            merged = Candidate(first.start, candidate.end, entry.id, "name", entry, entry.name, "person")
        else:
            name = f"{first.name} {doc[candidate.start].text}"
            merged = Candidate(first.start, candidate.end, f"person:{slug(name)}", "name", name=name,
                               country=first.country)
        joined[id(first)] = joined[id(candidate)] = merged
    out = [c for c in candidates if id(c) not in joined]
    out.extend({id(c): c for c in joined.values()}.values())
    full_named = {c.actor for c in out if c.entry is not None and c.end - c.start > 1}
    for namesake in {c.actor: c for c in joined.values() if c.entry is None}.values():
        surname = name_key(namesake.name.split()[-1])
        for candidate in out:
            if candidate.entry is not None and candidate.entry.type == "person" and candidate.actor not in full_named \
                    and candidate.end - candidate.start == 1 and name_key(doc[candidate.start].text) == surname:
                candidate.actor, candidate.entry, candidate.name = namesake.actor, None, namesake.name
    return sorted(out, key=lambda c: c.start)


def _reconcile_types(candidates: list[Candidate]) -> None:
    """One name, one actor: a name the model typed as an organisation (`Maduro's government`) or a part of
    a full name (`López Obrador`) is the person whose full name or surname it is, or whose first name it
    is when no one else shares it."""
    people = [(c, name_key(c.name), name_key(c.name.split()[0]))
              for c in candidates if c.type == "person" and len(c.name.split()) > 1]
    for candidate in candidates:
        if candidate.entry is not None or candidate.type not in {"person", "organization"}:
            continue
        key = name_key(candidate.name)
        match = next((p for p, full, _ in people if p is not candidate and p.actor != candidate.actor
                      and (full == key or full.endswith(" " + key))), None)
        if match is None and candidate.type == "organization":  # `Imran` beside Imran Khan, no other Imran
            first = {p.actor: p for p, _, given in people if given == key}
            match = first.popitem()[1] if len(first) == 1 else None
        if match is not None:
            candidate.actor, candidate.entry, candidate.name = match.actor, match.entry, match.name
            candidate.type = "person"


def _foreign_bodies(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """`Congress` is the US Congress only in a text that deals with the United States: a one-word name of
    a national body, in a text naming nothing else of its country, is an organisation of its own, and
    in lower case (`the opposition congress`) no name at all."""
    countries = {c.entry.country if c.entry is not None else c.country for c in candidates
                 if not (c.entry is not None and c.entry.type == "organization")}
    kept = []
    for candidate in candidates:
        entry = candidate.entry
        if entry is not None and entry.type == "organization" and entry.country and entry.country not in countries \
                and candidate.end - candidate.start == 1 and candidate.kind == "alias":
            name = doc[candidate.start].text
            if name.islower():
                continue
            candidate.actor, candidate.entry, candidate.name = f"organization:{slug(name)}", None, name
        kept.append(candidate)
    return kept


def _without_common_nouns(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """A one-word "person" the model found that is only ever a noun modifier (`the Rawalpindi bosses`,
    `Collins-class submarines`), or a one-word person or organisation that is counted (`a true
    Brexiteer`), names no one."""
    def common(c: Candidate) -> bool:
        token = doc[c.start]
        counted = c.start > 0 and doc[c.start - 1].lower_ in {"a", "an"} or any(
            t.lower_ in {"a", "an"} and t.dep_ == "det" for t in token.children)
        modifier = token.dep_ in {"compound", "nmod"} and token.head.pos_ == "NOUN" and c.type == "person"
        return counted or modifier

    single = {c.actor for c in candidates if c.type in {"person", "organization"} and c.entry is None}
    for candidate in candidates:
        if candidate.actor in single and not (candidate.end - candidate.start == 1 and common(candidate)):
            single.discard(candidate.actor)
    return [c for c in candidates if c.actor not in single]


def _without_possessive(ent: Span) -> int:
    """Where a name ends without its 's: `Labour's` is a mention of Labour, not a second actor."""
    return ent.end - 1 if len(ent) > 1 and ent[-1].lower_ in {"'s", "’s", "'"} else ent.end


def _with_groups(doc: Doc, candidates: list[Candidate]) -> list[Candidate]:
    """Collective actors (actors/groups.py) tied to the country of a modifier or owner that names one
    (`Turkish political parties`, `Lukashenko's generals`); an adjective the group takes in is then no
    mention of its own. A group named once with its country and once without is one actor."""
    by_token = {i: c for c in candidates for i in range(c.start, c.end)}

    def swallowable(c: Candidate) -> bool:
        return c.kind == "demonym" and doc[c.end - 1].pos_ == "ADJ" or c.entry is None and c.type != "person"

    groups = find_groups(doc, lambda i: i in by_token and not swallowable(by_token[i]))
    swallowed: set[int] = set()
    found: list[Candidate] = []
    for group in groups:
        owners = [by_token[i] for i in group.modifiers if i in by_token]
        countries = [o.entry.country if o.entry is not None else o.country for o in owners]
        country = next((c for c in countries if c), group.spec.country)
        swallowed.update(id(by_token[i]) for i in range(group.start, group.end) if i in by_token)
        actor = f"group:{group.spec.key}-{country.lower()}" if country else f"group:{group.spec.key}"
        found.append(Candidate(group.start, group.end, actor, "name", name=group.name, type="group",
                               country=country))
    for candidate in found:
        if candidate.country is None:
            variants = {c.actor for c in found if c.country and c.actor.startswith(candidate.actor + "-")}
            if len(variants) == 1:
                candidate.actor = variants.pop()
    kept = [c for c in candidates if id(c) not in swallowed]
    return sorted(kept + found, key=lambda c: c.start)
