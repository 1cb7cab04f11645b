"""Score the rhetoric stage: per-technique P/R and genre accuracy on passages we annotated
(data/eval/rhetoric-gold.jsonl), and per-technique span P/R/F1 on the Propaganda Techniques Corpus.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from powermap.eval.common import analyse_unchanged, annotated, prf
from powermap.pipeline import Pipeline

GOLD = resources.files("powermap") / "data" / "eval" / "rhetoric-gold.jsonl"
# PTC's 14 labels in our names; Bandwagon and Reductio ad hitlerum are not in our taxonomy.
PTC_LABELS = {
    "Loaded_Language": "loaded_language", "Name_Calling,Labeling": "name_calling", "Repetition": "repetition",
    "Doubt": "doubt", "Exaggeration,Minimisation": "exaggeration", "Appeal_to_fear-prejudice": "appeal_to_fear",
    "Flag-Waving": "flag_waving", "Causal_Oversimplification": "causal_oversimplification",
    "Appeal_to_Authority": "appeal_to_authority", "Slogans": "slogans",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism", "Black-and-White_Fallacy": "black_and_white_fallacy",
    "Thought-terminating_Cliches": "thought_terminating_cliche",
}


@dataclass
class Counts:
    gold: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    gold_found: Counter[str] = field(default_factory=Counter)
    predicted_right: Counter[str] = field(default_factory=Counter)

    def add(self, gold: list[tuple[str, int, int]], predicted: list[tuple[str, int, int]]) -> None:
        for name, start, end in gold:
            self.gold[name] += 1
            self.gold_found[name] += any(p == name and s < end and start < e for p, s, e in predicted)
        for name, start, end in predicted:
            self.predicted[name] += 1
            self.predicted_right[name] += any(g == name and s < end and start < e for g, s, e in gold)

    def table(self) -> dict[str, dict[str, float | int]]:
        rows: dict[str, dict[str, float | int]] = {}
        names = sorted(set(self.gold) | set(self.predicted))
        for name in [*names, "all"]:
            gold = sum(self.gold.values()) if name == "all" else self.gold[name]
            predicted = sum(self.predicted.values()) if name == "all" else self.predicted[name]
            found = sum(self.gold_found.values()) if name == "all" else self.gold_found[name]
            right = sum(self.predicted_right.values()) if name == "all" else self.predicted_right[name]
            precision, recall, f1 = prf(right, predicted, found, gold)
            rows[name] = {"gold": gold, "predicted": predicted, "precision": precision, "recall": recall, "f1": f1}
        return rows


@dataclass
class RhetoricReport:
    passages: int = 0
    genre_right: int = 0
    genre_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    techniques: Counts = field(default_factory=Counts)

    def scores(self) -> dict[str, Any]:
        return {
            "passages": self.passages,
            "genre_accuracy": round(self.genre_right / self.passages, 3) if self.passages else 0.0,
            "genre_confusion": [{"gold": g, "predicted": p, "count": n}
                                for (g, p), n in sorted(self.genre_confusion.items())],
            "techniques": self.techniques.table(),
        }


def evaluate_own(path: Path | None = None, pipeline: Pipeline | None = None) -> RhetoricReport:
    pipeline = pipeline or Pipeline()
    report = RhetoricReport()
    for item in annotated(path, GOLD):
        analysis = pipeline.analyse_text(item["text"], label=item["id"])
        report.passages += 1
        predicted_genre = analysis.genre.label if analysis.genre else "other"
        report.genre_right += predicted_genre == item["genre"]
        report.genre_confusion[(item["genre"], predicted_genre)] += 1
        gold, cursor = [], {}
        for technique in item["techniques"]:
            start = analysis.text.find(technique["text"], cursor.get(technique["text"], 0))
            if start < 0:
                raise ValueError(f"{item['id']}: {technique['text']!r} is not in the clean text")
            cursor[technique["text"]] = start + 1
            gold.append((technique["technique"], start, start + len(technique["text"])))
        report.techniques.add(gold, [(t.technique, t.start, t.end) for t in analysis.rhetoric])
    return report


def evaluate_ptc(folder: Path, pipeline: Pipeline | None = None, limit: int | None = None) -> Counts:
    """Span-level scores on PTC: a prediction is right when it overlaps a gold span of its technique."""
    pipeline = pipeline or Pipeline()
    counts = Counts()
    articles = sorted((folder / "articles").glob("*.txt"))[:limit]
    for article in articles:
        labels = folder / "labels" / f"{article.stem}.task2-TC.labels"
        if not labels.exists():
            continue
        text = article.read_text(encoding="utf-8")
        gold = []
        for line in labels.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4 and parts[1] in PTC_LABELS:
                gold.append((PTC_LABELS[parts[1]], int(parts[2]), int(parts[3])))
        analysis = analyse_unchanged(pipeline, text, article.name)
        counts.add(gold, [(t.technique, t.start, t.end) for t in analysis.rhetoric])
    return counts
