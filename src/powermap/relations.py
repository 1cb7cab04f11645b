"""The relations stage: who allies with, depends on, supports, accuses, threatens or attacks whom.

Triggers come from `data/triggers.yaml` (PLOVER types plus ALLY and DEPENDS_ON). Sides come from the
dependency parse and the actor stage's mentions; negation, modality, date and the asserting speaker
(from the quote stage) are attached to each relation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import combinations
from typing import Any, NamedTuple

from spacy.tokens import Doc, Token

from powermap import datafiles, ontology
from powermap.analysis import Analysis
from powermap.evidence import Asserters, SentenceDates, evidence_span
from powermap.offsets import between
from powermap.schema import Actor, Relation, Span
from powermap.tokens import TokenTable, token_table

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
    answers_request: frozenset[str]  # types of a targetless act that may answer an earlier request
    negators: frozenset[str]
    negating_determiners: frozenset[str]
    condition_marks: frozenset[str]
    threat_conditions: frozenset[str]
    stative_prepositions: frozenset[str]
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
        answers_request=frozenset(data.answers_request),
        negators=frozenset(data.negators),
        negating_determiners=frozenset(data.negating_determiners),
        condition_marks=frozenset(data.condition_marks),
        threat_conditions=frozenset(data.threat_conditions),
        stative_prepositions=frozenset(data.stative_prepositions),
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
    path: str = ""  # the name of the path that found it (set when the path returns)


@dataclass
class _Document:
    """One document as the relation paths see it, built once per call: its parse, who each mention names,
    which tokens name an actor, and the trigger nouns a verb has claimed (`imposed sanctions`: the noun
    path leaves `sanctions` alone). A path takes the document plus the token it reads."""

    lexicon: Lexicon
    doc: Doc
    owners: dict[int, Actor]  # a mention's first character -> the actor it names
    named: frozenset[int] = field(init=False)  # indices of tokens that name an actor
    _claimed_nouns: set[int] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.named = frozenset(i for i, offset in enumerate(token_table(self.doc).idx) if offset in self.owners)

    def claim_noun(self, noun: Token) -> None:
        """A light verb's noun is part of the verb's trigger (`held talks`), not a trigger of its own."""
        self._claimed_nouns.add(noun.i)

    def free_noun(self, noun: Token) -> bool:
        """Whether the noun path may read this noun: no verb claimed it and it names no actor."""
        return noun.i not in self._claimed_nouns and noun.i not in self.named

    def actors(self, tokens: list[Token]) -> list[Actor]:
        return _actors(tokens, self.owners)

    def trigger_of(self, verb: Token) -> tuple[Spec | None, int, Token | None]:
        """The verb's trigger, its end, and the light verb's noun if the noun carries it (`imposed
        sanctions`). A complaint verb makes its PROTEST noun an ACCUSE (`lodged a protest with`): the
        type is chosen here, before the sides, because it decides which prepositions mark the target."""
        lexicon = self.lexicon
        lemma = verb.lemma_.lower()
        if lemma in lexicon.light_verbs:
            noun = next((c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} and lexicon.noun(c) is not None),
                        None)
            if noun is not None:
                spec = lexicon.noun(noun)
                if lemma in lexicon.complaint_verbs and spec is not None and spec.type == "PROTEST":
                    spec = Spec("ACCUSE")
                return spec, noun.i + 1, noun
        return lexicon.verbs.get(lemma), verb.i + 1, None

    def sides(self, verb: Token, light_noun: Token | None, locative: bool = False) -> tuple[list[Actor], list[Actor]]:
        passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
        agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        stative = passive and not agents and any(c.dep_ == "prep" and c.lower_ in self.lexicon.stative_prepositions
                                                 for c in verb.children)
        if passive and light_noun is None and not stative:
            return self.actors(agents), self.actors(passive)
        sources = self.actors(passive if stative else _subjects(verb))  # "Israel is opposed to ..."
        light = light_noun.i if light_noun is not None else -1
        objects = [c for c in verb.children if c.dep_ in {"dobj", "dative", "attr"} and c.i != light]
        objects.extend(g for c in verb.children if c.dep_ == "dative" for g in c.children if g.dep_ == "pobj")
        # A thing the verb acts on points, through its own complement, at whom it is aimed: "hosted
        # talks with Ukraine", "eased restrictions on Belarus", "rejected calls by Belarus's rulers",
        # "refused to respond to a demand from the US"
        things = [c for c in objects if c.dep_ == "dobj" and c.idx not in self.owners]
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
                        holders.extend(c for c in found if c.idx not in self.owners and c.pos_ == "NOUN")
        targets = [a for a in self.actors(objects) if a not in sources]
        if not targets:  # "demanded that the United States match ...": the clause's subject is aimed at
            clauses = [c for c in verb.children if c.dep_ == "ccomp"]
            subjects = [g for c in clauses for g in c.children if g.dep_ in {"nsubj", "nsubjpass"}]
            targets = [a for a in self.actors(subjects) if a not in sources]
        return sources, targets

    def emit(self, spec: Spec, sources: list[Actor], targets: list[Actor], anchor: Token, trigger_end: int,
             negated: bool, modality: str, confidence: float | None = None) -> list[Found]:
        """One relation found at `anchor` (a symmetric one among sides with no target is split into pairs
        afterwards, by the post-step `symmetric pairs`)."""
        if not sources:
            return []
        trigger = (anchor.i, max(trigger_end, anchor.i + 1))
        confidence = self.lexicon.confidence.verb if confidence is None else confidence
        return [Found(spec.type, spec.mode, sources, targets, trigger, anchor, negated, modality, confidence)]


# -- paths: each reads one token, and says None when it does not apply to it --------------------
def _control_verb(document: _Document, verb: Token) -> list[Found] | None:
    """`refused to send troops`, `plans to invade`, `asked Putin to help`, `threatened to attack`."""
    control = document.lexicon.control.get(verb.lemma_.lower())
    if not control:
        return None
    inner = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None)
    if inner is None:
        return None
    return _controlled(document, verb, inner, control)


def _control_adjective(document: _Document, verb: Token) -> list[Found] | None:
    """`is ready to contribute troops`: the adjective governs, the verb carries the subject."""
    for adjective in verb.children:
        if adjective.dep_ != "acomp":
            continue
        control = document.lexicon.control_adjectives.get(adjective.lemma_.lower())
        governed = next((c for c in adjective.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}), None)
        if control and governed is not None:
            return _controlled(document, verb, governed, control, adjective)
    return None


def _governed(document: _Document, verb: Token) -> list[Found] | None:
    """The infinitive of a control verb or adjective is read with its governor, never alone."""
    governor = verb.head.lemma_.lower()
    lexicon = document.lexicon
    if verb.dep_ == "xcomp" and (lexicon.control.get(governor) or lexicon.control_adjectives.get(governor)):
        return []
    return None


def _trigger_verb(document: _Document, verb: Token) -> list[Found] | None:
    """A trigger verb with its sides (`Russia attacked Ukraine`), or a light verb with its trigger noun
    (`imposed sanctions on`), which the verb claims."""
    spec, trigger_end, light_noun = document.trigger_of(verb)
    if spec is None:
        return None
    if light_noun is not None:
        document.claim_noun(light_noun)
    sources, targets = document.sides(verb, light_noun, spec.type in _LOCATIVE_TYPES)
    if not sources and not targets:
        return []
    # "prepared an attack", "pledged aid": the act is announced, not done
    planned = light_noun is not None and document.lexicon.control.get(verb.lemma_.lower()) in {"intended", "agree"}
    modality = "intended" if planned else _modality(verb)
    return document.emit(spec, sources, targets, verb, trigger_end, _negated(verb, light_noun), modality)


def _obligation(document: _Document, verb: Token) -> list[Found] | None:
    """`declared that China must drop its barriers`: a demand on the clause's subject."""
    if verb.lemma_.lower() not in document.lexicon.obligation_verbs:
        return None
    for clause in verb.children:
        modal = next((c for c in clause.children if c.dep_ == "aux"
                      and c.lower_ in document.lexicon.obligation_modals), None)
        if clause.dep_ != "ccomp" or modal is None:
            continue
        sources = document.actors(_subjects(verb))
        targets = [a for a in document.actors(_subjects(clause)) if a not in sources]
        if sources and targets:
            return [Found("REQUEST", None, sources, targets, (modal.i, modal.i + 1), modal,
                          negated=_negated(verb, None), confidence=document.lexicon.confidence.obligation)]
    return []


def _controlled(document: _Document, verb: Token, inner: Token, control: str,
                governor: Token | None = None) -> list[Found]:
    """What a control verb or adjective (`governor`) makes of the event of its infinitive `inner`."""
    spec, trigger_end, light_noun = document.trigger_of(inner)
    if light_noun is not None:
        document.claim_noun(light_noun)
    sources = document.actors(_subjects(verb))
    requested = document.actors([c for c in verb.children if c.dep_ in {"dobj", "dative"}])
    locative = spec is not None and spec.type in _LOCATIVE_TYPES
    _, inner_targets = document.sides(inner, light_noun, locative)
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
            found.extend(document.emit(spec, requested, inner_targets, inner, trigger_end,
                                       _negated(inner, light_noun), "demanded"))
        return found
    if control == "threat":
        return [Found("THREATEN", spec.mode if spec else None, sources, inner_targets, trigger, verb,
                      negated=negated)] if sources and inner_targets else []
    if control == "agree":
        agree = document.emit(Spec("AGREE"), sources, inner_targets, trigger_token, trigger_token.i + 1, negated,
                              _modality(verb))
        if spec is not None:
            agree.extend(document.emit(spec, sources, inner_targets, inner, trigger_end,
                                       _negated(inner, light_noun), "intended"))
        return agree
    if spec is None or not sources:
        return []
    return document.emit(spec, sources, inner_targets, inner, trigger_end,
                         negated or _negated(inner, light_noun), "intended")


def _noun(document: _Document, noun: Token) -> list[Found] | None:
    """`the Russian invasion of Ukraine`, `the Moscow-Minsk alliance`, `X is Putin's minion`."""
    if noun.pos_ not in {"NOUN", "PROPN"} or not document.free_noun(noun):
        return None
    lexicon = document.lexicon
    spec = lexicon.noun(noun)
    if spec is None:
        return []
    modifiers = _modifiers(noun) + _preceding_possessor(noun)
    modifier_actors = document.actors(modifiers)
    prepositions = lexicon.target_prepositions | (lexicon.locative_prepositions
                                                  if spec.type in _LOCATIVE_TYPES else set())
    objects = [g for c in noun.children if c.dep_ == "prep" and c.lower_ in prepositions
               for g in c.children if g.dep_ == "pobj"]
    object_actors = document.actors(objects)
    holder = _copular_subject(noun)
    holder_actors = document.actors([holder]) if holder is not None else []
    negated = _negated(noun.head, None) if holder is not None else _negated_noun(noun)
    trigger_end = noun.i + 1
    if lexicon.symmetric(spec.type) and not holder_actors and not object_actors:
        sides = modifier_actors  # "the Moscow-Minsk alliance"
        if len(sides) < 2:
            return []
        return document.emit(spec, sides, [], noun, trigger_end, negated, "asserted",
                             confidence=lexicon.confidence.noun)
    if holder_actors:  # "X is Putin's minion", "Belarus, Russia's closest ally"
        targets = [a for a in modifier_actors + object_actors if a not in holder_actors]
        if not targets:
            return []
        return document.emit(spec, holder_actors, targets, noun, trigger_end, negated, _modality(noun.head),
                             confidence=lexicon.confidence.predicate)
    sources = [a for a in modifier_actors if a not in object_actors]
    if not sources or not object_actors:
        return []
    return document.emit(spec, sources, object_actors, noun, trigger_end, negated, "asserted",
                         confidence=lexicon.confidence.noun)


def _adjective(document: _Document, adjective: Token) -> list[Found] | None:
    """`Lukashenko is indebted to Putin`."""
    spec = document.lexicon.adjectives.get(adjective.lemma_.lower())
    if adjective.pos_ != "ADJ" or spec is None:
        return None
    holder = _copular_subject(adjective)
    if holder is None:
        return []
    objects = [g for c in adjective.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    sources, targets = document.actors([holder]), document.actors(objects)
    if not sources or not targets:
        return []
    return document.emit(spec, sources, targets, adjective, adjective.i + 1, _negated(adjective.head, None),
                         _modality(adjective.head), confidence=document.lexicon.confidence.predicate)


def _predicate(tokens: TokenTable, index: int) -> bool:
    """The tokens the verb paths read: verbs, and a sentence's root that is not a noun."""
    pos = tokens.pos[index]
    return pos in {"VERB", "AUX"} or tokens.dep[index] == "ROOT" and pos != "NOUN"


def _nominal(tokens: TokenTable, index: int) -> bool:
    """The tokens the noun and adjective paths read (each returns None for any other part of speech)."""
    return tokens.pos[index] in {"NOUN", "PROPN", "ADJ"}


# -- post-steps: each rewrites what the paths found, in the order of POST_STEPS -------------------
def _conditional_threats(found: list[Found], lexicon: Lexicon) -> list[Found]:
    """`will withdraw its force unless ...`: an announced act of a trigger verb with an "unless" clause
    is a THREATEN (before `symmetric pairs`: a threat among coordinated sides is not split)."""
    return [replace(item, type="THREATEN", mode=None)
            if item.path == "trigger verb" and item.modality == "intended" and _unless(item.anchor) else item
            for item in found]


def _symmetric_pairs(found: list[Found], lexicon: Lexicon) -> list[Found]:
    """`Russia and Belarus agreed`: a symmetric relation among sides with no target is one per pair."""
    paired = []
    for item in found:
        if not item.targets and lexicon.symmetric(item.type) and len(item.sources) >= 2:
            paired.extend(replace(item, sources=[a], targets=[b]) for a, b in combinations(item.sources, 2))
        else:
            paired.append(item)
    return paired


def _answer_requests(found: list[Found], lexicon: Lexicon) -> list[Found]:
    """`X asked Putin to help ... Putin sent troops.`: a deployment with no target answers the request
    (`answers_request` of `triggers.yaml`), aimed back at whoever asked."""
    requests = sorted(((f.anchor.sent.start, order, f) for order, f in enumerate(found)
                       if f.type == "REQUEST" and f.targets), key=lambda r: r[:2])
    answered = []
    for item in found:
        if not item.targets and item.type in lexicon.answers_request:
            sentence = item.anchor.sent.start
            # Requests in sentences starting at most 60 tokens before this one's, in the order they were found.
            for _, _, request in sorted(between(requests, sentence - 60, sentence, key=lambda r: r[0]),
                                        key=lambda r: r[1]):
                if {a.id for a in request.targets} & {a.id for a in item.sources}:
                    item = replace(item, targets=list(request.sources), confidence=lexicon.confidence.answered_request)
                    break
        answered.append(item)
    return answered


class Path(NamedTuple):
    """One way of reading a trigger: its name, and what it finds at a token (None: it does not apply)."""

    name: str
    find: Callable[[_Document, Token], list[Found] | None]


class Pass(NamedTuple):
    """One walk over the document: each token it selects (by its row of the token table, so the walk makes
    a Token only for those) goes to the first of its paths that applies."""

    name: str
    selects: Callable[[TokenTable, int], bool]
    paths: tuple[Path, ...]


class PostStep(NamedTuple):
    """A named rewrite of everything the paths found (types, pairs, targets), run after every pass."""

    name: str
    apply: Callable[[list[Found], Lexicon], list[Found]]


# The passes in the order they run, each with its paths in the order they are tried; `ExtractRelations`
# says what the order decides.
PASSES: tuple[Pass, ...] = (
    Pass("predicates", _predicate, (
        Path("control verb", _control_verb),
        Path("control adjective", _control_adjective),
        Path("governed infinitive", _governed),
        Path("trigger verb", _trigger_verb),
        Path("obligation", _obligation),
    )),
    Pass("nouns and adjectives", _nominal, (
        Path("noun", _noun),
        Path("adjective", _adjective),
    )),
)
POST_STEPS: tuple[PostStep, ...] = (
    PostStep("conditional threats", _conditional_threats),
    PostStep("symmetric pairs", _symmetric_pairs),
    PostStep("answered requests", _answer_requests),
)


class ExtractRelations:
    """Adds `analysis.relations`: what the paths of `passes` find on the document's `_Document`, rewritten
    by `post_steps`.

    Order, stated here only. The passes walk the document one after the other, and a token a pass
    selects goes to the first of its paths that applies (a path says None when it does not), so a verb
    that governs an infinitive (`threatened to attack`) is read as a control verb before it could be
    read as a trigger of its own, and the infinitive is left to its governor. The predicate
    pass runs first because a light verb claims its noun (`_Document.claim_noun`): the noun path later
    skips claimed nouns and nouns that name an actor. Every relation remembers the path that found it.
    Then the post-steps run in the order of `POST_STEPS`, each on the whole list: the only places where
    a found relation's type, sides or confidence change after a path made it. One type is chosen while
    the trigger is read instead, because it decides which prepositions mark the target: a complaint
    verb makes its PROTEST noun an ACCUSE (`lodged a protest with`, `_Document.trigger_of`).
    """

    name = "relations"
    requires = ("doc", "text", "actors", "quotes", "published")
    assigns = ("relations",)
    english_only = True
    fatal = False

    def __init__(self, passes: tuple[Pass, ...] = PASSES, post_steps: tuple[PostStep, ...] = POST_STEPS) -> None:
        self.lexicon = load_lexicon()
        self.passes = passes
        self.post_steps = post_steps

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        document = _Document(self.lexicon, doc, analysis.mention_owners())
        found: list[Found] = []
        tokens = token_table(doc)
        for walk in self.passes:
            for index in range(len(tokens)):
                if walk.selects(tokens, index):
                    found.extend(_first_path(walk.paths, document, doc[index]))
        for step in self.post_steps:
            found = step.apply(found, self.lexicon)
        analysis.relations = self._output(analysis, doc, found)

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
    if any(c.dep_ == "neg" or c.lower_ in load_lexicon().negators for c in verb.children):
        return True
    return noun is not None and _negated_noun(noun)


def _negated_noun(noun: Token) -> bool:
    """`no talks with Minsk`: a negating determiner (`negating_determiners` of `triggers.yaml`)."""
    return any(c.lower_ in load_lexicon().negating_determiners for c in noun.children)


def _modality(verb: Token) -> str:
    for child in verb.children:
        if child.dep_ == "aux" and child.lower_ in load_lexicon().modals:
            return load_lexicon().modals[child.lower_]
        if child.dep_ == "mark" and child.lower_ in load_lexicon().condition_marks:
            return "hypothetical"
    if verb.dep_ == "advcl" and any(c.lower_ in load_lexicon().condition_marks for c in verb.children):
        return "hypothetical"
    return "asserted"


def _unless(verb: Token) -> bool:
    """An adverbial clause opened by a threat's condition (`threat_conditions` of `triggers.yaml`: unless)."""
    conditions = load_lexicon().threat_conditions
    return any(c.dep_ == "advcl" and any(m.lower_ in conditions for m in c.children) for c in verb.children)


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


def _first_path(paths: tuple[Path, ...], document: _Document, token: Token) -> list[Found]:
    """What the first path that applies to the token finds, each relation marked with the path's name."""
    for path in paths:
        found = path.find(document, token)
        if found is not None:
            for item in found:
                item.path = path.name
            return found
    return []
