"""The relation ontology: every fact about the 18 relation types, in one place and without spaCy.

The schema's `RelationType`, the validation of `data/triggers.yaml`, the relations stage, corpus edges,
the web app and the events scorer all read this module; docs/ontology.md describes the same table (a
test checks that they agree). Adding a type means adding one `RelationKind` here, its triggers in
`data/triggers.yaml` and its row in docs/ontology.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RelationKind:
    """One relation type and how the rest of powermap treats it."""

    name: str
    sign: int  # +1 cooperative, -1 conflictual, 0 neither: the direction an edge's weight moves
    covers: str  # what the type covers, in a few words (docs/ontology.md)
    symmetric: bool = False  # no direction: "Belarus and Russia agreed" is one AGREE between the two
    plover: bool = True  # one of PLOVER 2021's 16 event types (ALLY and DEPENDS_ON are standing relations)
    modes: tuple[str, ...] = ()  # the PLOVER modes a trigger of this type may carry
    locative: bool = False  # "troops in Belarus", "the curfew in Montenegro": where it happens is the target
    targetless: bool = False  # says something with no target: "Russia mobilized", "Lukashenko refuses"
    commitment: bool = False  # already a commitment or its refusal in PLOVER's sense: keeps its type


KINDS: tuple[RelationKind, ...] = (
    RelationKind("AGREE", 1, "agreeing, signing, promising, offering", symmetric=True, commitment=True),
    RelationKind("CONSULT", 1, "meetings, visits, talks, calls, summits", symmetric=True,
                 modes=("visit", "host", "phone")),
    RelationKind("SUPPORT", 1, "praise, endorsement, recognition, backing"),
    RelationKind("CONCEDE", 1, "easing, lifting, releasing, yielding", locative=True),
    RelationKind("COOPERATE", 1, "coordination, joint exercises, sharing, allowing", symmetric=True,
                 modes=("military",)),
    RelationKind("AID", 1, "help, supplies, funding, arms, rescue", modes=("military", "economic", "humanitarian")),
    RelationKind("RETREAT", 1, "withdrawal, evacuation, demobilisation", targetless=True),
    RelationKind("REQUEST", 0, "asking, urging, demanding, appealing"),
    RelationKind("ACCUSE", -1, "accusation, blame, criticism, investigation"),
    RelationKind("REJECT", -1, "rejection, refusal, denial, veto", targetless=True, commitment=True),
    RelationKind("THREATEN", -1, "threats and warnings", commitment=True),
    RelationKind("PROTEST", -1, "demonstrations, strikes, riots, blockades", targetless=True,
                 modes=("demo", "riot", "obstruct", "strike-hun", "strike-gen")),
    RelationKind("SANCTION", -1, "sanctions, embargoes, expulsions, cuts", modes=("restrict",)),
    RelationKind("MOBILIZE", -1, "deployments, stationing, troop build-ups", locative=True, targetless=True,
                 modes=("troops",)),
    RelationKind("COERCE", -1, "arrests, bans, seizures, crackdowns, annexation", locative=True,
                 modes=("arrest", "detain", "confiscate", "ban", "censor", "deport", "destroy", "curfew",
                        "martial-law")),
    RelationKind("ASSAULT", -1, "attacks, invasion, shelling, killing", locative=True,
                 modes=("explosives", "heavy-weapons", "firearms", "assassinate", "torture")),
    RelationKind("ALLY", 1, "alliances, blocs, \"X's ally\", \"closest partner\"", symmetric=True, plover=False,
                 commitment=True),
    RelationKind("DEPENDS_ON", 1, "client, puppet, vassal, minion; relies on, needs, owes, indebted to",
                 plover=False, commitment=True),
)
RELATION_TYPES: tuple[str, ...] = tuple(kind.name for kind in KINDS)
_BY_NAME = {kind.name: kind for kind in KINDS}

# How much a relation counts toward its edge's weight by how it is asserted (docs/ontology.md, Corpus edges).
MODALITY_WEIGHT = {"asserted": 1.0, "possible": 0.5, "intended": 0.5, "demanded": 0.5, "hypothetical": 0.25}


class UnknownRelationType(ValueError):
    """A name that is not one of the relation types; the message lists them."""


def kind(name: str) -> RelationKind:
    """The facts about one relation type; an unknown name is an error that lists the known ones."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownRelationType(f"{name!r} is not a relation type (one of {', '.join(RELATION_TYPES)})") from None


def symmetric(name: str) -> bool:
    return kind(name).symmetric


def sign(name: str) -> int:
    return kind(name).sign


def relation_weight(type_: str, confidence: float, modality: str, negated: bool) -> float:
    """The signed contribution of one relation to its edge: sign x confidence x modality factor, reversed
    when negated."""
    weight = sign(type_) * confidence * MODALITY_WEIGHT.get(modality, 0.5)
    return -weight if negated else weight


def plover_event(type_: str, modality: str, negated: bool) -> str:
    """The PLOVER event a relation is, as event coders read it: an announced cooperative act is a
    commitment (AGREE: "will give aid"), an announced conflictual one a threat (THREATEN: "would
    boycott"), and a cooperative act refused or denied a rejection (REJECT: "will not accept")."""
    facts = kind(type_)
    if negated and facts.sign > 0:
        return "REJECT"
    if modality == "intended" and not negated and not facts.commitment:
        if facts.sign > 0:
            return "AGREE"
        if facts.sign < 0:
            return "THREATEN"
    return type_
