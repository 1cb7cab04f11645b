"""Score quotes against BRAT attribution files (PolNeAR): content P/R/F1 by token overlap, speaker and
cue accuracy on matched attributions, for direct quotes and for all attributions.

A text annotated by several annotators counts once: its counts are the mean over its annotation files
(the README of the evaluation data allows averaging or using the first file; averaging keeps all the
annotators' judgements without weighting a six-times annotated text six times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from powermap.eval.common import analyse_unchanged, prf
from powermap.pipeline import Pipeline
from powermap.schema import Quote

_TOKEN = re.compile(r"\w+")
_MARKS = "\"“”«»„‘’'"


@dataclass
class Attribution:
    """One attribution: content may be discontinuous (BRAT fragments), as may a predicted one."""

    content: list[tuple[int, int]]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    direct: bool = False


@dataclass
class Tally:
    """Counts; fractional once several annotators' counts for one text are averaged."""

    predicted: float = 0
    gold: float = 0
    matched: float = 0
    speaker_checked: float = 0
    speaker_right: float = 0
    cue_checked: float = 0
    cue_right: float = 0

    def add(self, other: Tally, weight: float = 1.0) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + weight * getattr(other, name))

    def scores(self) -> dict[str, float | int]:
        precision, recall, f1 = prf(self.matched, self.predicted, self.matched, self.gold)
        return {
            "gold": _count(self.gold), "predicted": _count(self.predicted), "matched": _count(self.matched),
            "precision": precision, "recall": recall, "f1": f1,
            "speaker_accuracy": round(self.speaker_right / self.speaker_checked, 3) if self.speaker_checked else 0.0,
            "cue_accuracy": round(self.cue_right / self.cue_checked, 3) if self.cue_checked else 0.0,
        }


def _count(value: float) -> float | int:
    return int(value) if value == int(value) else round(value, 1)


@dataclass
class Report:
    files: int = 0
    texts: int = 0
    direct: Tally = field(default_factory=Tally)
    all: Tally = field(default_factory=Tally)


def read_brat(path: Path, text: str) -> list[Attribution]:
    """Attributions of one .ann file: each E line ties content, source and cue spans together."""
    spans: dict[str, list[tuple[int, int]]] = {}
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            offsets = parts[1].split(" ", 1)[1].split(";")
            spans[parts[0]] = [(int(a), int(b)) for a, b in (o.split() for o in offsets)]
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(role.split(":", 1) for role in parts[1].split()))
    found = []
    for event in events:
        if "Content" not in event or event["Content"] not in spans:
            continue
        content = spans[event["Content"]]
        found.append(Attribution(
            content=content, source=_hull(spans.get(event.get("Source", ""))),
            cue=_hull(spans.get(event.get("Cue", ""))), direct=_marked(text, content[0][0]),
        ))
    return found


def _marked(text: str, start: int) -> bool:
    """The content opens at or just after a quotation mark: a direct quote in the gold files (which do
    not label kinds). Ours must also be of kind direct: quoted fragments we call mixed are not, and
    nor are transcript turns (`PENCE: ...`), which the gold files do not count as quotes in marks."""
    return (start > 0 and text[start - 1] in _MARKS) or text[start:start + 1] in _MARKS


def _hull(parts: list[tuple[int, int]] | None) -> tuple[int, int] | None:
    return (parts[0][0], parts[-1][1]) if parts else None


def _tokens(text: str, parts: list[tuple[int, int]]) -> set[int]:
    return {m.start() for start, end in parts for m in _TOKEN.finditer(text, start, end)}


def _overlap(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _score(text: str, gold: list[Attribution], predicted: list[Attribution], tally: Tally) -> None:
    tally.gold += len(gold)
    tally.predicted += len(predicted)
    used: set[int] = set()
    for attribution in gold:
        gold_tokens = _tokens(text, attribution.content)
        best, best_score = None, 0.0
        for index, quote in enumerate(predicted):
            if index in used:
                continue
            tokens = _tokens(text, quote.content)
            if not tokens or not gold_tokens:
                continue
            dice = 2 * len(tokens & gold_tokens) / (len(tokens) + len(gold_tokens))
            if dice > best_score:
                best, best_score = index, dice
        if best is None or best_score < 0.5:
            continue
        used.add(best)
        tally.matched += 1
        quote = predicted[best]
        if attribution.source is not None:
            tally.speaker_checked += 1
            tally.speaker_right += _overlap(quote.source, attribution.source)
        if attribution.cue is not None:
            tally.cue_checked += 1
            tally.cue_right += _overlap(quote.cue, attribution.cue)


def attributions(quotes: list[Quote], text: str) -> list[Attribution]:
    """Our quotes as BRAT attribution units: consecutive quotes in quotation marks with the same speaker
    evidence and the same cue or none of their own (`"Our troops," he said, "will stay."`, or a quote
    continued in the next sentence) are one attribution with discontinuous content, as PolNeAR
    annotates them."""
    units: list[Attribution] = []
    previous: Quote | None = None
    for quote in quotes:
        speaker = (quote.speaker_text.start, quote.speaker_text.end) if quote.speaker_text else None
        cue = (quote.cue.start, quote.cue.end) if quote.cue else None
        if (previous is not None and previous.kind == "direct" and quote.kind in {"direct", "mixed"}
                and _marked(text, quote.start) and speaker is not None
                and previous.speaker_text is not None
                and speaker == (previous.speaker_text.start, previous.speaker_text.end)
                and (cue is None or previous.cue is not None and cue == (previous.cue.start, previous.cue.end))
                and quote.start - previous.end < 300):
            units[-1].content.append((quote.start, quote.end))
        else:
            units.append(Attribution(content=[(quote.start, quote.end)], source=speaker, cue=cue,
                                     direct=quote.kind == "direct" and _marked(text, quote.start)))
        previous = quote
    return units


def evaluate(folder: Path, pipeline: Pipeline | None = None) -> Report:
    """Score every .ann file under `folder/attributions` against its text in `folder/text`."""
    pipeline = pipeline or Pipeline()
    report = Report()
    by_text: dict[str, list[Path]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        by_text.setdefault(ann.stem.rsplit("_", 1)[0], []).append(ann)
    for name, annotation_files in by_text.items():
        text_path = folder / "text" / f"{name}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        predicted = attributions(analyse_unchanged(pipeline, text, str(text_path)).quotes, text)
        report.texts += 1
        for ann in annotation_files:
            gold = read_brat(ann, text)
            report.files += 1
            direct, every = Tally(), Tally()
            _score(text, gold, predicted, every)
            _score(text, [g for g in gold if g.direct], [p for p in predicted if p.direct], direct)
            report.all.add(every, 1 / len(annotation_files))
            report.direct.add(direct, 1 / len(annotation_files))
    return report
