"""Score quantity and date extraction against sentences we annotated (data/eval/claims-gold.jsonl):
quantity P/R/F1 (a prediction counts when its span overlaps the gold one and its value is equal),
unit agreement on matched quantities, and date resolution accuracy (overlapping span, same ISO date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from powermap.claims import ExtractClaims
from powermap.eval.common import analyse_unchanged, annotated, prf
from powermap.pipeline import Pipeline

GOLD = resources.files("powermap") / "data" / "eval" / "claims-gold.jsonl"


@dataclass
class ClaimReport:
    items: int = 0
    gold_quantities: int = 0
    predicted_quantities: int = 0
    matched_quantities: int = 0
    units_checked: int = 0
    units_right: int = 0
    gold_dates: int = 0
    dates_right: int = 0
    errors: list[str] = field(default_factory=list)

    def scores(self) -> dict[str, Any]:
        precision, recall, f1 = prf(self.matched_quantities, self.predicted_quantities, self.matched_quantities,
                                    self.gold_quantities)
        return {
            "items": self.items, "gold_quantities": self.gold_quantities,
            "predicted_quantities": self.predicted_quantities, "matched_quantities": self.matched_quantities,
            "quantity_precision": precision, "quantity_recall": recall, "quantity_f1": f1,
            "unit_accuracy": round(self.units_right / self.units_checked, 3) if self.units_checked else 0.0,
            "gold_dates": self.gold_dates,
            "date_accuracy": round(self.dates_right / self.gold_dates, 3) if self.gold_dates else 0.0,
        }


def _locate(text: str, wanted: str, used: set[tuple[int, int]]) -> tuple[int, int]:
    start = text.find(wanted)
    while (start, start + len(wanted)) in used and start >= 0:
        start = text.find(wanted, start + 1)
    if start < 0:
        raise ValueError(f"gold text {wanted!r} is not in {text!r}")
    used.add((start, start + len(wanted)))
    return start, start + len(wanted)


def evaluate(path: Path | None = None, pipeline: Pipeline | None = None) -> ClaimReport:
    pipeline = pipeline or Pipeline()
    extractor = next(s for s in pipeline.stages if isinstance(s, ExtractClaims))
    report = ClaimReport()
    for item in annotated(path, GOLD):
        report.items += 1
        text = item["text"]
        analysis = analyse_unchanged(pipeline, text, item["id"], item.get("published"))
        predicted = extractor.quantities(analysis.doc, text, analysis.mention_owners(pronouns=False))
        dates = extractor.dates(analysis.doc, text, item.get("published"))
        report.predicted_quantities += len(predicted)
        used: set[tuple[int, int]] = set()
        taken: set[int] = set()
        for gold in item["quantities"]:
            report.gold_quantities += 1
            start, end = _locate(text, gold["text"], used)
            match = next((i for i, q in enumerate(predicted) if i not in taken and q.start < end and start < q.end
                          and abs(q.value - gold["value"]) <= 1e-6 * max(1.0, abs(gold["value"]))), None)
            if match is None:
                report.errors.append(f"{item['id']}: missed quantity {gold['text']!r}")
                continue
            taken.add(match)
            report.matched_quantities += 1
            if gold.get("unit"):
                report.units_checked += 1
                report.units_right += (predicted[match].unit or "").lower() == gold["unit"].lower()
        for index, quantity in enumerate(predicted):
            if index not in taken:
                report.errors.append(f"{item['id']}: spurious quantity {quantity.text!r} = {quantity.value}")
        used = set()
        for gold in item["dates"]:
            report.gold_dates += 1
            start, end = _locate(text, gold["text"], used)
            found = next((d for d in dates if d.start < end and start < d.end), None)
            if found is not None and found.iso == gold["iso"]:
                report.dates_right += 1
            else:
                report.errors.append(f"{item['id']}: date {gold['text']!r} -> {found.iso if found else 'not found'}"
                                     f" (gold {gold['iso']})")
    return report
