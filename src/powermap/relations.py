"""The relations stage: who allies with, depends on, supports, accuses, threatens or attacks whom.

Triggers come from `data/triggers.yaml` (PLOVER types plus ALLY and DEPENDS_ON). Sides come from the
dependency parse and the actor stage's mentions; negation, modality, date and the asserting speaker
(from the quote stage) are attached to each relation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import combinations
from typing import Any

from spacy.tokens import Doc, Token

from powermap import datafiles, ontology
from powermap.analysis import Analysis
from powermap.evidence import Asserters, SentenceDates, evidence_span
from powermap.offsets import between
from powermap.schema import Actor, Relation, Span

_LOCATIVE_TYPES = {k.name for k in ontology.KINDS if k.locative}  # "lifted the curfew in Montenegro"
# Types that say something even with no target named: "Russia mobilized", "Lukashenko refuses".
_TARGETLESS = {k.name for k in ontology.KINDS if k.targetless}


@dataclass(frozen=True)
class Spec:
    type: str
    mode: str | None = None


@dataclass
class Lexicon:
    verbs: dict[str, Spec]
    nouns: dict[str, Spec]
    light_verbs: frozenset[str]
    adjectives: dict[str, Spec]
    control: dict[str, str]
    control_adjectives: dict[str, str]
    obligation_verbs: frozenset[str]
    complaint_verbs: frozenset[str]
    obligation_modals: frozenset[str]
    agent_nouns: frozenset[str]
    collective_nouns: frozenset[str]
    target_prepositions: frozenset[str]
    locative_prepositions: frozenset[str]
    collective_pronouns: dict[str, bool]  # with whether each is plural
    modals: dict[str, str]
    confidence: datafiles.RelationConfidence

    def symmetric(self, type_: str) -> bool:
        return ontology.symmetric(type_)

    def noun(self, token: Token) -> Spec | None:
        """A noun trigger, a two-word one first: `hunger strike` is a protest, `strike` an attack."""
        for child in token.children:
            if child.dep_ in {"compound", "amod"}:
                spec = self.nouns.get(f"{child.lemma_.lower()} {token.lemma_.lower()}")
                if spec is not None:
                    return spec
        return self.nouns.get(token.lemma_.lower())


def _specs(table: dict[str, datafiles.Trigger]) -> dict[str, Spec]:
    return {word: Spec(trigger.type, trigger.mode) for word, trigger in table.items()}


@cache
def load_lexicon() -> Lexicon:
    """The triggers and word lists of `data/triggers.yaml` (validated by the data loader), once per process."""
    data = datafiles.load("triggers.yaml")
    return Lexicon(
        verbs=_specs(data.verbs),
        nouns=_specs(data.nouns),
        light_verbs=frozenset(data.light_verbs),
        adjectives=_specs(data.adjectives),
        control=dict(data.control),
        control_adjectives=dict(data.control_adjectives),
        obligation_verbs=frozenset(data.obligation_verbs),
        complaint_verbs=frozenset(data.complaint_verbs),
        obligation_modals=frozenset(data.obligation_modals),
        agent_nouns=frozenset(data.agent_nouns),
        collective_nouns=frozenset(data.collective_nouns),
        target_prepositions=frozenset(data.target_prepositions),
        locative_prepositions=frozenset(data.locative_prepositions),
        collective_pronouns=dict(data.collective_pronouns),
        modals=dict(data.modals),
        confidence=data.confidence,
    )


@dataclass
class Found:
    """A relation before it becomes output: tokens, not yet offsets."""

    type: str
    mode: str | None
    sources: list[Actor]
    targets: list[Actor]
    trigger: tuple[int, int]
    anchor: Token
    negated: bool = False
    modality: str = "asserted"
    confidence: float = field(default_factory=lambda: load_lexicon().confidence.verb)


class ExtractRelations:
    """Adds `analysis.relations`."""

    name = "relations"
    requires = ("doc", "text", "actors", "quotes", "published")
    assigns = ("relations",)
    english_only = True
    fatal = False

    def __init__(self) -> None:
        self.lexicon = load_lexicon()

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        owners = analysis.mention_owners()
        found: list[Found] = []
        used_nouns: set[int] = set()
        for token in doc:
            if token.pos_ in {"VERB", "AUX"} or token.dep_ == "ROOT" and token.pos_ != "NOUN":
                found.extend(self._from_verb(token, owners, used_nouns))
        named = {t.i for t in doc if t.idx in owners}
        for token in doc:
            if token.pos_ in {"NOUN", "PROPN"} and token.i not in used_nouns and token.i not in named:
                found.extend(self._from_noun(token, owners))
            elif token.pos_ == "ADJ" and token.lemma_.lower() in self.lexicon.adjectives:
                found.extend(self._from_adjective(token, owners))
        _answer_requests(found)
        analysis.relations = self._output(analysis, doc, found)

    # -- verbs ------------------------------------------------------------------------------------
    def _from_verb(self, verb: Token, owners: dict[int, Actor], used_nouns: set[int]) -> list[Found]:
        lemma = verb.lemma_.lower()
        control = self.lexicon.control.get(lemma)
        inner = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None)
        if control and inner is not None:
            return self._controlled(verb, inner, control, owners, used_nouns)
        for adjective in verb.children:  # "is ready to contribute troops"
            adjective_control = self.lexicon.control_adjectives.get(adjective.lemma_.lower())
            governed = next((c for c in adjective.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None)
            if adjective.dep_ == "acomp" and adjective_control and governed is not None:
                return self._controlled(verb, governed, adjective_control, owners, used_nouns, adjective)
        if verb.dep_ == "xcomp" and (self.lexicon.control.get(verb.head.lemma_.lower())
                                     or self.lexicon.control_adjectives.get(verb.head.lemma_.lower())):
            return []  # handled with its governing verb or adjective
        spec, trigger_end, light_noun = self._verb_spec(verb)
        if spec is None:
            return self._obligation(verb, owners)
        if light_noun is not None:
            used_nouns.add(light_noun.i)
        sources, targets = self._sides(verb, light_noun, owners, spec.type in _LOCATIVE_TYPES)
        if not sources and not targets:
            return []
        # "prepared an attack", "pledged aid": the act is announced, not done
        planned = light_noun is not None and self.lexicon.control.get(lemma) in {"intended", "agree"}
        modality = "intended" if planned else _modality(verb)
        if modality == "intended" and _unless(verb):  # "will withdraw its force unless ...": a threat
            spec = Spec("THREATEN")
        return self._emit(spec, sources, targets, verb, trigger_end, _negated(verb, light_noun), modality)

    def _verb_spec(self, verb: Token) -> tuple[Spec | None, int, Token | None]:
        lemma = verb.lemma_.lower()
        if lemma in self.lexicon.light_verbs:
            noun = next((c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} and
                         self.lexicon.noun(c) is not None), None)
            if noun is not None:
                spec = self.lexicon.noun(noun)
                if lemma in self.lexicon.complaint_verbs and spec is not None and spec.type == "PROTEST":
                    spec = Spec("ACCUSE")
                return spec, noun.i + 1, noun
        spec = self.lexicon.verbs.get(lemma)
        return spec, verb.i + 1, None

    def _obligation(self, verb: Token, owners: dict[int, Actor]) -> list[Found]:
        """`declared that China must drop its barriers`: a demand on the clause's subject."""
        if verb.lemma_.lower() not in self.lexicon.obligation_verbs:
            return []
        for clause in verb.children:
            modal = next((c for c in clause.children if c.dep_ == "aux"
                          and c.lower_ in self.lexicon.obligation_modals), None)
            if clause.dep_ != "ccomp" or modal is None:
                continue
            sources = _actors(_subjects(verb), owners)
            targets = [a for a in _actors(_subjects(clause), owners) if a not in sources]
            if sources and targets:
                return [Found("REQUEST", None, sources, targets, (modal.i, modal.i + 1), modal,
                              negated=_negated(verb, None), confidence=self.lexicon.confidence.obligation)]
        return []

    def _controlled(self, verb: Token, inner: Token, control: str, owners: dict[int, Actor],
                    used_nouns: set[int], governor: Token | None = None) -> list[Found]:
        """`refused to send troops`, `plans to invade`, `asked Putin to help`, `threatened to attack`,
        `is ready to contribute troops` (the adjective governs, the verb carries the subject)."""
        spec, trigger_end, light_noun = self._verb_spec(inner)
        if light_noun is not None:
            used_nouns.add(light_noun.i)
        sources = _actors(_subjects(verb), owners)
        requested = _actors([c for c in verb.children if c.dep_ in {"dobj", "dative"}], owners)
        locative = spec is not None and spec.type in _LOCATIVE_TYPES
        _, inner_targets = self._sides(inner, light_noun, owners, locative)
        negated = _negated(verb, None)
        trigger_token = governor if governor is not None else verb
        trigger = (trigger_token.i, trigger_token.i + 1)
        if control == "refuse":
            targets = requested or inner_targets
            if not targets and len(sources) > 1:  # "Palestinians and Israelis failed to reach agreement"
                return [Found("REJECT", None, [a], [b], trigger, verb, negated=negated)
                        for a, b in combinations(sources, 2)]
            reject = Found("REJECT", None, sources, targets, trigger, verb, negated=negated)
            return [reject] if sources else []
        if control in {"request", "demand"} and requested:
            found = [Found("REQUEST", None, sources, requested, trigger, verb, negated=negated)]
            if spec is not None:
                found.extend(self._emit(spec, requested, inner_targets, inner, trigger_end,
                                        _negated(inner, light_noun), "demanded"))
            return found
        if control == "threat":
            return [Found("THREATEN", spec.mode if spec else None, sources, inner_targets, trigger, verb,
                          negated=negated)] if sources and inner_targets else []
        if control == "agree":
            agree = self._emit(Spec("AGREE"), sources, inner_targets, trigger_token, trigger_token.i + 1, negated,
                               _modality(verb))
            if spec is not None:
                agree.extend(self._emit(spec, sources, inner_targets, inner, trigger_end,
                                        _negated(inner, light_noun), "intended"))
            return agree
        if spec is None or not sources:
            return []
        return self._emit(spec, sources, inner_targets, inner, trigger_end,
                          negated or _negated(inner, light_noun), "intended")

    def _sides(self, verb: Token, light_noun: Token | None, owners: dict[int, Actor],
               locative: bool = False) -> tuple[list[Actor], list[Actor]]:
        passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
        agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        stative = passive and not agents and any(c.dep_ == "prep" and c.lower_ in {"to", "with"} for c in verb.children)
        if passive and light_noun is None and not stative:
            return _actors(agents, owners), _actors(passive, owners)
        sources = _actors(passive if stative else _subjects(verb), owners)  # "Israel is opposed to ..."
        light = light_noun.i if light_noun is not None else -1
        objects = [c for c in verb.children if c.dep_ in {"dobj", "dative", "attr"} and c.i != light]
        objects.extend(g for c in verb.children if c.dep_ == "dative" for g in c.children if g.dep_ == "pobj")
        # A thing the verb acts on points, through its own complement, at whom it is aimed: "hosted
        # talks with Ukraine", "eased restrictions on Belarus", "rejected calls by Belarus's rulers",
        # "refused to respond to a demand from the US"
        things = [c for c in objects if c.dep_ == "dobj" and c.idx not in owners]
        holders = [verb, *things] + ([light_noun] if light_noun is not None else [])
        targets_at, places = self.lexicon.target_prepositions, self.lexicon.locative_prepositions
        prepositions = (targets_at | places if locative else targets_at) - {"of"}
        position = 0
        while position < len(holders):
            holder = holders[position]
            position += 1
            allowed = prepositions | {"of", "by"} if holder.i != verb.i else prepositions
            for prep in holder.children:
                if prep.dep_ == "prep" and prep.lower_ in allowed:
                    found = [c for c in prep.children if c.dep_ == "pobj"]
                    objects.extend(found)
                    if holder.i == verb.i:
                        holders.extend(c for c in found if c.idx not in owners and c.pos_ == "NOUN")
        targets = [a for a in _actors(objects, owners) if a not in sources]
        if not targets:  # "demanded that the United States match ...": the clause's subject is aimed at
            clauses = [c for c in verb.children if c.dep_ == "ccomp"]
            subjects = [g for c in clauses for g in c.children if g.dep_ in {"nsubj", "nsubjpass"}]
            targets = [a for a in _actors(subjects, owners) if a not in sources]
        return sources, targets

    # -- nouns and adjectives ---------------------------------------------------------------------
    def _from_noun(self, noun: Token, owners: dict[int, Actor]) -> list[Found]:
        spec = self.lexicon.noun(noun)
        if spec is None:
            return []
        modifiers = _modifiers(noun) + _preceding_possessor(noun)
        modifier_actors = _actors(modifiers, owners)
        prepositions = self.lexicon.target_prepositions | (self.lexicon.locative_prepositions
                                                           if spec.type in _LOCATIVE_TYPES else set())
        objects = [g for c in noun.children if c.dep_ == "prep" and c.lower_ in prepositions
                   for g in c.children if g.dep_ == "pobj"]
        object_actors = _actors(objects, owners)
        holder = _copular_subject(noun)
        holder_actors = _actors([holder], owners) if holder is not None else []
        negated = _negated(noun.head, None) if holder is not None else any(c.lower_ == "no" for c in noun.children)
        trigger_end = noun.i + 1
        if self.lexicon.symmetric(spec.type) and not holder_actors and not object_actors:
            sides = modifier_actors  # "the Moscow-Minsk alliance"
            if len(sides) < 2:
                return []
            return self._emit(spec, sides, [], noun, trigger_end, negated, "asserted",
                              confidence=self.lexicon.confidence.noun)
        if holder_actors:  # "X is Putin's minion", "Belarus, Russia's closest ally"
            targets = [a for a in modifier_actors + object_actors if a not in holder_actors]
            if not targets:
                return []
            return self._emit(spec, holder_actors, targets, noun, trigger_end, negated, _modality(noun.head),
                              confidence=self.lexicon.confidence.predicate)
        sources = [a for a in modifier_actors if a not in object_actors]
        if not sources or not object_actors:
            return []
        return self._emit(spec, sources, object_actors, noun, trigger_end, negated, "asserted",
                          confidence=self.lexicon.confidence.noun)

    def _from_adjective(self, adjective: Token, owners: dict[int, Actor]) -> list[Found]:
        """`Lukashenko is indebted to Putin`."""
        spec = self.lexicon.adjectives[adjective.lemma_.lower()]
        holder = _copular_subject(adjective)
        if holder is None:
            return []
        objects = [g for c in adjective.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        sources, targets = _actors([holder], owners), _actors(objects, owners)
        if not sources or not targets:
            return []
        return self._emit(spec, sources, targets, adjective, adjective.i + 1, _negated(adjective.head, None),
                          _modality(adjective.head), confidence=self.lexicon.confidence.predicate)

    # -- building -------------------------------------------------------------------------------
    def _emit(self, spec: Spec, sources: list[Actor], targets: list[Actor], anchor: Token, trigger_end: int,
              negated: bool, modality: str, confidence: float | None = None) -> list[Found]:
        trigger = (anchor.i, max(trigger_end, anchor.i + 1))
        confidence = self.lexicon.confidence.verb if confidence is None else confidence
        if not targets and self.lexicon.symmetric(spec.type) and len(sources) >= 2:
            return [Found(spec.type, spec.mode, [a], [b], trigger, anchor, negated, modality, confidence)
                    for a, b in combinations(sources, 2)]
        if not sources:
            return []
        return [Found(spec.type, spec.mode, sources, targets, trigger, anchor, negated, modality, confidence)]

    def _output(self, analysis: Analysis, doc: Doc, found: list[Found]) -> list[Relation]:
        text = analysis.text
        relations: list[Relation] = []
        seen: set[tuple[Any, ...]] = set()
        sure = self.lexicon.confidence
        asserters = Asserters(analysis.quotes)
        dates = SentenceDates(doc, analysis.published)
        for item in found:
            if not item.targets and item.type not in _TARGETLESS:
                continue
            targets: list[Actor | None] = list(item.targets) or [None]
            for source in item.sources:
                for target in targets:
                    if target is not None and target.id == source.id:
                        continue
                    key = (source.id, target.id if target else None, item.type, item.trigger)
                    if key in seen:
                        continue
                    seen.add(key)
                    start = doc[item.trigger[0]].idx
                    last = doc[item.trigger[1] - 1]
                    sentence = item.anchor.sent
                    day, day_source = dates.of(sentence)
                    both_known = target is not None and source.origin == target.origin == "gazetteer"
                    relations.append(Relation(
                        id=f"rel-{len(relations) + 1}",
                        source=source.id,
                        target=target.id if target else None,
                        type=item.type,
                        mode=item.mode,
                        negated=item.negated,
                        modality=item.modality,
                        asserted_by=asserters.at(start),
                        date=day,
                        date_source=day_source,
                        trigger=Span.of(text, start, last.idx + len(last.text)),
                        evidence=evidence_span(text, sentence),
                        confidence=round(min(sure.most, item.confidence + (sure.both_known if both_known else 0.0)), 2),
                    ))
        return relations


# -- helpers ------------------------------------------------------------------------------------
def _modifiers(noun: Token) -> list[Token]:
    """Modifiers and their own modifiers: `Moscow-Minsk alliance`, `Russian-Belorussian invasion`."""
    found: list[Token] = []
    stack = [c for c in noun.children if c.dep_ in {"poss", "amod", "compound", "nmod"}]
    while stack:
        token = stack.pop()
        found.append(token)
        stack.extend(c for c in token.children if c.dep_ in {"amod", "compound", "nmod", "conj"})
    return sorted(found, key=lambda t: t.i)


def _preceding_possessor(noun: Token) -> list[Token]:
    """`Lukashenko, Putin's ally` parsed with `Putin's` off to the side: the possessive just before."""
    position = noun.i - 1
    while position >= 0 and noun.doc[position].pos_ == "ADJ":
        position -= 1
    if position > 0 and noun.doc[position].lower_ in {"'s", "’s"}:
        owner = noun.doc[position - 1]
        return [] if owner.head.i == noun.i else [owner]
    return []


def _subjects(verb: Token) -> list[Token]:
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"}]
    if not subjects and verb.dep_ == "xcomp":
        controller = [c for c in verb.head.children if c.dep_ in {"dobj", "dative"}]
        if controller:
            return controller  # "asked Putin to help": Putin would help
    if not subjects and verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.i != verb.i:
        return _subjects(verb.head)  # "Russia massed troops and invaded": the shared subject
    if not subjects and verb.dep_ == "relcl" and verb.head.pos_ in {"NOUN", "PROPN"}:
        return [verb.head]
    return subjects


def _conjuncts(token: Token) -> list[Token]:
    return [token, *(c for c in token.conjuncts if c.i > token.i)]


def _actors(tokens: list[Token], owners: dict[int, Actor]) -> list[Actor]:
    """The actors a set of argument heads refer to, through coordination and modifiers.

    A noun that names no actor stands for the actors in its modifiers, as event coders read them:
    `Russian troops`, `the Turkish and Greek sides`, `Palestinian homes`, `Putin's request`."""
    found: list[Actor] = []

    def add(actor: Actor | None) -> None:
        if actor is not None and actor not in found:
            found.append(actor)

    for head in tokens:
        for token in _conjuncts(head):
            actor = owners.get(token.idx)
            if actor is not None:
                add(actor)
                continue
            if token.lower_ in load_lexicon().collective_pronouns:
                for actor in _actors(_antecedent(token), owners):
                    add(actor)
                continue
            if token.pos_ not in {"NOUN", "PROPN", "PRON"}:
                continue
            modifiers = [m for m in _modifiers(token) if m.idx in owners]
            # "a group of Moroccan diplomats"
            if token.lemma_.lower() in load_lexicon().collective_nouns and not modifiers:
                members = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                           for g in c.children if g.dep_ == "pobj"]
                for actor in _actors(members, owners):
                    add(actor)
                continue
            if token.lemma_.lower() in load_lexicon().agent_nouns and not modifiers:
                modifiers = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                             for g in c.children if g.dep_ == "pobj" and g.idx in owners]
            if not modifiers:  # "MINSK, ... – Belarus and Russia agreed": the dateline's appositive
                named = [c for c in token.children if c.dep_ == "appos" and c.idx in owners]
                for actor in _actors(named, owners):
                    add(actor)
            for modifier in modifiers:
                add(owners[modifier.idx])
    return found


def _antecedent(pronoun: Token) -> list[Token]:
    """`Iraq said it would allow ...`, `Palestinian leaders said they would boycott ...`: "it" or "they"
    stands for the subject of a clause it sits in, the nearest one above it that names someone, with
    number agreeing ("it" is no plural, "they" no lone name)."""
    plural = load_lexicon().collective_pronouns[pronoun.lower_]
    token = pronoun
    while token.head.i != token.i:
        token = token.head
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        for subject in token.children:
            if subject.dep_ not in {"nsubj", "nsubjpass"} or subject.i >= pronoun.i or subject.pos_ == "PRON":
                continue
            many = subject.tag_ in {"NNS", "NNPS"} or any(c.dep_ == "conj" for c in subject.children)
            if many == plural:
                return [subject]
    return []


def _negated(verb: Token, noun: Token | None) -> bool:
    if any(c.dep_ == "neg" or c.lower_ in {"never"} for c in verb.children):
        return True
    return noun is not None and any(c.lower_ == "no" for c in noun.children)


def _modality(verb: Token) -> str:
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in load_lexicon().modals:
            return load_lexicon().modals[child.lower_]
        if child.dep_ == "mark" and child.lower_ in {"if", "unless"}:
            return "hypothetical"
    if verb.dep_ == "advcl" and any(c.lower_ in {"if", "unless"} for c in verb.children):
        return "hypothetical"
    return "asserted"


def _unless(verb: Token) -> bool:
    return any(c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in verb.children)


def _copular_subject(token: Token) -> Token | None:
    """The subject a noun or adjective is predicated of: `X is Y's ally`, `X, Y's ally,`, `X is indebted`."""
    if token.dep_ == "appos":
        return token.head
    if token.dep_ in {"attr", "acomp", "oprd"}:
        subjects = [c for c in token.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
        return subjects[0] if subjects else None
    if token.dep_ == "conj":
        return _copular_subject(token.head)
    if token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.head.dep_ in {"attr", "acomp"}:
        return _copular_subject(token.head.head)
    return None


def _answer_requests(found: list[Found]) -> None:
    """`X asked Putin to help ... Putin sent troops.`: a deployment with no target answers the request."""
    requests = sorted(((f.anchor.sent.start, order, f) for order, f in enumerate(found)
                       if f.type == "REQUEST" and f.targets), key=lambda r: r[:2])
    for item in found:
        if item.targets or item.type not in {"AID", "MOBILIZE", "COOPERATE"}:
            continue
        sentence = item.anchor.sent.start
        # Requests in sentences starting at most 60 tokens before this one's, in the order they were found.
        for _, _, request in sorted(between(requests, sentence - 60, sentence, key=lambda r: r[0]),
                                    key=lambda r: r[1]):
            asked = {a.id for a in request.targets}
            if asked & {a.id for a in item.sources}:
                item.targets = list(request.sources)
                item.confidence = load_lexicon().confidence.answered_request
                break

