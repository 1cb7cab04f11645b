"""Score relations against PLOVER gold standard records (one sentence each): type accuracy where the
actors match, and P/R/F1 over (source country, type, target country) triples.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powermap import ontology
from powermap.eval.common import analyse_unchanged, prf
from powermap.pipeline import Pipeline
from powermap.schema import Actor

# Labels of the 0.5b1 records that predate PLOVER 2021 (../shared/eval/README.md).
LABEL_MAP = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}

Triple = tuple[str, str, str | None]


@dataclass
class EventReport:
    records: int = 0
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    actor_matched: int = 0
    type_right: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def scores(self) -> dict[str, Any]:
        precision, recall, f1 = prf(self.matched, self.predicted, self.matched, self.gold)
        return {
            "records": self.records, "gold_triples": self.gold, "predicted_triples": self.predicted,
            "matched_triples": self.matched, "precision": precision, "recall": recall, "f1": f1,
            "actor_matched_records": self.actor_matched,
            "type_accuracy": round(self.type_right / self.actor_matched, 3) if self.actor_matched else 0.0,
        }


# Country codes of the CAMEO era that the gold records use where ISO 3166 differs.
CAMEO_CODES = {"ITL": "ITA", "JAP": "JPN", "VTN": "VNM"}


def _codes(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    codes = [item["code"] for item in items if isinstance(item, dict) and item.get("code")]
    return [CAMEO_CODES.get(code, code) for code in codes]


def code_of(actor: Actor) -> str | None:
    """The PLOVER-style code of an actor: its country, IGO for an international organisation, IMG
    for an armed group based in no one country (al-Qaeda)."""
    if actor.country:
        return actor.country
    if actor.type == "organization" and actor.origin == "gazetteer":
        return "IGO"
    if actor.type == "group" and actor.origin == "gazetteer":
        return "IMG"
    return None


def _key(triple: Triple, symmetric: bool) -> Triple:
    source, type_, target = triple
    if symmetric and target is not None and target < source:
        return target, type_, source
    return triple


def evaluate(path: Path, pipeline: Pipeline | None = None) -> EventReport:
    pipeline = pipeline or Pipeline()
    records = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"]
    report = EventReport()
    for record in records:
        gold_type = LABEL_MAP.get(record["event"], record["event"])
        sources, targets = _codes(record.get("source")), _codes(record.get("target"))
        if not sources or not record.get("text"):
            continue
        report.records += 1
        if targets:
            gold = {(s, gold_type, t) for s in sources for t in targets if s != t}
        elif len(sources) > 1:
            gold = {_key((a, gold_type, b), True) for a in sources for b in sources if a < b}
        else:
            gold = {(sources[0], gold_type, None)}
        analysis = analyse_unchanged(pipeline, record["text"], record["id"], record.get("date"))
        actors = {a.id: a for a in analysis.actors}
        predicted: dict[Triple, float] = {}
        for relation in analysis.relations:
            source = code_of(actors[relation.source])
            target = code_of(actors[relation.target]) if relation.target else None
            if source is None or source == target:
                continue
            event = ontology.plover_event(relation.type, relation.modality, relation.negated)
            triple = _key((source, event, target), ontology.symmetric(event))
            predicted[triple] = max(predicted.get(triple, 0.0), relation.confidence)
        gold_keys = {_key(t, ontology.symmetric(t[1]) or not targets) for t in gold}
        predicted_keys = {_key(t, ontology.symmetric(t[1]) or not targets) for t in predicted}
        report.gold += len(gold_keys)
        report.predicted += len(predicted_keys)
        report.matched += len(gold_keys & predicted_keys)
        gold_pairs = {frozenset((s, t)) for s, _, t in gold_keys}
        same_sides = sorted(((c, t) for t, c in predicted.items() if frozenset((t[0], t[2])) in gold_pairs),
                            reverse=True)
        if same_sides:
            report.actor_matched += 1
            types = {t[1] for _, t in same_sides}
            chosen = gold_type if gold_type in types else same_sides[0][1][1]
            report.type_right += chosen == gold_type
            report.confusion[(gold_type, chosen)] += 1
    return report
