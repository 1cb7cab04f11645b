"""Genre over a folder of plain texts that are all of one known genre (PolNeAR's texts are all news reports):
the share called that genre, and what the others were called and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powermap.pipeline import Pipeline


@dataclass
class GenreFolderReport:
    expected: str
    predicted: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def scores(self) -> dict[str, Any]:
        texts = sum(self.predicted.values())
        right = self.predicted[self.expected]
        return {"texts": texts, "expected": self.expected, "right": right,
                "accuracy": round(right / texts, 3) if texts else 0.0, "predicted": dict(self.predicted.most_common())}


def evaluate_folder(folder: Path, expected: str, pipeline: Pipeline | None = None) -> GenreFolderReport:
    """Analyse every *.txt of the folder as a user would (`powermap analyze`) and tally the genres."""
    pipeline = pipeline or Pipeline(exclude=["relations", "relation-model", "claims"])
    report = GenreFolderReport(expected=expected)
    for path in sorted(folder.glob("*.txt")):
        analysis = pipeline.analyse_text(path.read_text(encoding="utf-8", errors="replace"), label=path.name)
        label = analysis.genre.label if analysis.genre else "none"
        report.predicted[label] += 1
        if label != expected:
            reasons = analysis.genre.reasons if analysis.genre else [str(analysis.problem)]
            report.misses.append({"file": path.name, "predicted": label, "reasons": reasons})
    return report
