"""A store of many small documents about invented actors, built without spaCy: each document is written
here with its actors, mentions and relations at exact offsets (through `Span.of`) and goes through the real
`Store.save` (merge, edges, search index). Busy pairs and quiet ones, every actor type, dated relations over
several years and confidences spread from 0.3 to 1, so that filters and the bounds of the pages have work."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from powermap.corpus.store import Store
from powermap.schema import Actor, Document, Mention, Relation, Span

SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vo", "zel", "dri", "pan", "qui", "sor", "bel", "nak", "tu", "vy",
             "gor", "hal", "ish", "jem", "ost"]
TYPES = ["person", "person", "person", "state", "organization", "group", "media"]
# How each relation type is written in an invented sentence: "{source} <phrase> {target}".
PHRASES = {"AGREE": "signed an accord with", "CONSULT": "held talks with", "SUPPORT": "praised",
           "AID": "sent supplies to", "ACCUSE": "accused", "THREATEN": "threatened", "SANCTION": "sanctioned",
           "ASSAULT": "attacked", "ALLY": "allied with", "REQUEST": "urged", "COOPERATE": "trained with"}


def invented_name(rng: random.Random, kind: str) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    if kind == "person":
        return f"{word()} {word()}"
    if kind == "state":
        return f"Republic of {word()}"
    if kind == "organization":
        return f"{word()} Union"
    if kind == "media":
        return f"{word()} Herald"
    return f"{word()} Front"


def actors(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(id, name, type) of `count` invented actors, each name distinct."""
    found: dict[str, tuple[str, str, str]] = {}
    while len(found) < count:
        kind = rng.choice(TYPES)
        name = invented_name(rng, kind)
        found.setdefault(name, (f"{kind}:{name.lower().replace(' ', '-')}", name, kind))
    return list(found.values())


def document(number: int, cast: list[tuple[str, str, str]], rng: random.Random) -> Document:
    """One invented report: a headline and a few sentences, each one relation between two of its actors."""
    headline = f"Report {number}: {cast[0][1]} and {cast[1][1]}"
    text, mentions, relations = headline, {a[0]: [] for a in cast}, []
    for side, at in ((cast[0], len("Report : ") + len(str(number))), (cast[1], len(headline) - len(cast[1][1]))):
        mentions[side[0]].append((at, at + len(side[1])))
    for index in range(rng.randint(2, 5)):
        source, target = rng.sample(cast, 2) if index else (cast[0], cast[1])
        type_ = rng.choice(sorted(PHRASES))
        day = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sentence = f"On {day} {source[1]} {PHRASES[type_]} {target[1]}."
        start = len(text) + 2
        text += "\n\n" + sentence
        source_at = start + len(f"On {day} ")
        trigger_at = source_at + len(source[1]) + 1
        target_at = trigger_at + len(PHRASES[type_]) + 1
        mentions[source[0]].append((source_at, source_at + len(source[1])))
        mentions[target[0]].append((target_at, target_at + len(target[1])))
        relations.append(Relation(
            id=f"r{index}", source=source[0], target=target[0], type=type_, negated=False, modality="asserted",
            asserted_by="author", date=day, date_source="text", confidence=round(rng.uniform(0.3, 1.0), 2),
            trigger=Span.of(text, trigger_at, trigger_at + len(PHRASES[type_])),
            evidence=Span.of(text, start, start + len(sentence))))
    cast_actors = [Actor(id=actor_id, name=name, type=kind, origin="ner",
                         mentions=[Mention.of(text, s, e, kind="name") for s, e in mentions[actor_id]])
                   for actor_id, name, kind in cast if mentions[actor_id]]
    return Document(id=hashlib.sha256(text.encode()).hexdigest()[:16], source=f"invented-{number:04d}.txt",
                    format="text", title=headline, published="2024-06-01", language="en", pipeline="invented",
                    text=text, actors=cast_actors, relations=relations)


def build(path: Path, count: int = 1000, seed: int = 20) -> Path:
    """A store of `count` invented documents; a few actors turn up often (busy pairs), most rarely."""
    rng = random.Random(seed)
    pool = actors(max(40, count // 3), rng)
    weights = [1 / (rank + 1) for rank in range(len(pool))]  # Zipf: the first actors are in many documents
    with Store(path) as store:
        for number in range(count):
            cast: list[tuple[str, str, str]] = []
            while len(cast) < 4:
                pick = rng.choices(pool, weights)[0]
                if pick not in cast:
                    cast.append(pick)
            built = document(number, cast, rng)
            store.save(built, built.text)
    return path
