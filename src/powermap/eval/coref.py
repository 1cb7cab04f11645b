"""Score coreference on our annotated passages (training/coref/, docs/annotation.md): the share of links
whose mention the pipeline gives exactly the actors of the annotated antecedent (none for a null link),
per category and per split (files named `heldout-*` are the test split, the rest what rules were
developed on).

A mention's actors are those whose mentions overlap it most; an antecedent whose mention no actor covers
counts as a miss of the actor stage (`antecedent_missing`), and the link as wrong.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powermap.analysis import Analysis
from powermap.eval.common import analyse_unchanged
from powermap.learn.coref import CATEGORIES, DEFAULT, read_set, split_of
from powermap.learn.corpus import corpus_files
from powermap.pipeline import Pipeline


@dataclass
class CorefReport:
    links: Counter[tuple[str, str]] = field(default_factory=Counter)  # (split, category) -> links
    right: Counter[tuple[str, str]] = field(default_factory=Counter)
    antecedent_missing: int = 0
    passages: int = 0
    errors: list[str] = field(default_factory=list)

    def _accuracy(self, split: str | None = None, category: str | None = None) -> float:
        def chosen(key: tuple[str, str]) -> bool:
            return (split is None or key[0] == split) and (category is None or key[1] == category)

        total = sum(n for key, n in self.links.items() if chosen(key))
        right = sum(n for key, n in self.right.items() if chosen(key))
        return round(right / total, 3) if total else 0.0

    def scores(self) -> dict[str, Any]:
        out: dict[str, Any] = {"passages": self.passages, "links": sum(self.links.values()),
                               "antecedent_missing": self.antecedent_missing}
        for split in ("test", "dev", None):
            name = split or "all"
            out[name] = {"links": sum(n for (s, _), n in self.links.items() if split is None or s == split),
                         "accuracy": self._accuracy(split)}
            for category in CATEGORIES:
                out[name][f"{category}_accuracy"] = self._accuracy(split, category)
        return out


def actors_at(analysis: Analysis, start: int, end: int) -> frozenset[str]:
    """The actors whose mentions overlap [start, end) the most, a mention ending where it ends first (the
    head of an English noun phrase is its last word: "the Kazakh president" is the president, not
    Kazakhstan); several when a plural is one mention of each."""
    overlaps: dict[str, tuple[bool, int]] = {}
    for actor in analysis.actors:
        for mention in actor.mentions:
            shared = min(end, mention.end) - max(start, mention.start)
            if shared > 0:
                overlaps[actor.id] = max(overlaps.get(actor.id, (False, 0)), (mention.end == end, shared))
    if not overlaps:
        return frozenset()
    most = max(overlaps.values())
    return frozenset(actor for actor, shared in overlaps.items() if shared == most)


def evaluate(paths: list[Path] | None = None, pipeline: Pipeline | None = None) -> CorefReport:
    pipeline = pipeline or Pipeline(exclude=["relation-model"])
    report = CorefReport()
    for path, record in read_set(corpus_files(paths or [DEFAULT])):
        report.passages += 1
        analysis = analyse_unchanged(pipeline, record.text, record.id)
        split = split_of(path)
        for link in record.links:
            key = (split, link.category)
            report.links[key] += 1
            start, end = record.mention_span(link)
            predicted = actors_at(analysis, start, end)
            gold_sets = [actors_at(analysis, s, e) for s, e in record.antecedent_spans(link)]
            if any(not found for found in gold_sets):
                report.antecedent_missing += 1
                report.errors.append(f"{record.id}: {link.mention!r}: antecedent {link.antecedent!r} is no actor")
                continue
            gold = frozenset().union(*gold_sets) if gold_sets else frozenset()
            if predicted == gold:
                report.right[key] += 1
            else:
                report.errors.append(f"{record.id}: {link.mention!r} (#{link.occurrence}) -> "
                                     f"{', '.join(sorted(predicted)) or 'nothing'} (gold "
                                     f"{', '.join(sorted(gold)) or 'nothing'})")
    return report
