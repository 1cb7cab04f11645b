"""One actor per identity across documents.

Gazetteer actors already share ids everywhere. Actors found only by the NER model get an id from their
name, so two spellings of one unknown name ("Jonas Petraitis", "Jonas Petraitys") would be two actors:
here they are merged when their names are near-identical (rapidfuzz) and agree on the surname's start.
Names in other scripts are compared as written: their transliterations fold distinct names together
(李明 and 黎明 are both `liming`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from powermap.gazetteer import fold, name_key

THRESHOLD = 90


def _key(name: str) -> str:
    folded = fold(name)
    return name_key(name) if folded.isascii() else " ".join(folded.split())


def canonical_ids(documents: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Actor id -> the id it is merged into (identity for most); the most mentioned spelling wins."""
    mentions: Counter[str] = Counter()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for document in documents:
        for actor in document["actors"]:
            mentions[actor["id"]] += len(actor["mentions"])
            names[actor["id"]] = actor["name"]
            kinds[actor["id"]] = actor["type"] if actor["origin"] == "ner" else "known"
    mapping = {actor_id: actor_id for actor_id in names}
    candidates = sorted((i for i, k in kinds.items() if k != "known"), key=lambda i: (-mentions[i], i))
    for index, actor_id in enumerate(candidates):
        if mapping[actor_id] != actor_id:
            continue
        key = _key(names[actor_id])
        for other in candidates[index + 1 :]:
            if mapping[other] != other or kinds[other] != kinds[actor_id]:
                continue
            other_key = _key(names[other])
            same_start = key.split()[-1][:3] == other_key.split()[-1][:3] if key and other_key else False
            if same_start and fuzz.ratio(key, other_key) >= THRESHOLD:
                mapping[other] = actor_id
    return mapping
