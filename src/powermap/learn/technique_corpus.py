"""The technique training passages (docs/techniques-annotation.md): typed records, checked before anything
trains on them. Every passage is annotated in full, so text outside its spans is an example of no technique."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from powermap.datafiles import GENRES
from powermap.learn.corpus import CorpusError, corpus_files, read_records
from powermap.schema import TechniqueName

DEFAULT_FOLDER = Path("training/techniques")


class TrainingTechnique(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    technique: TechniqueName
    text: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)


class TechniquePassage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str = Field(min_length=40)
    genre: str | None = None
    techniques: list[TrainingTechnique] = Field(default_factory=list)

    @model_validator(mode="after")
    def _spans_are_in_the_text(self) -> TechniquePassage:
        if self.genre is not None and self.genre not in GENRES:
            raise ValueError(f"genre {self.genre!r} is not one of {', '.join(GENRES)}")
        seen = set()
        for technique, start, _ in self.spans():
            if (technique, start) in seen:
                raise ValueError(f"{technique} at offset {start} is listed twice")
            seen.add((technique, start))
        return self

    def spans(self) -> list[tuple[str, int, int]]:
        """(technique, start, end) of every annotated span: the chosen whole-word occurrence of its text."""
        found = []
        for item in self.techniques:
            starts = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(item.text)}(?!\w)", self.text)]
            if len(starts) < item.occurrence:
                raise ValueError(f"{item.technique} {item.text!r} does not occur {item.occurrence} time(s) "
                                 "as whole words")
            start = starts[item.occurrence - 1]
            found.append((item.technique, start, start + len(item.text)))
        return found


def read_passages(paths: Iterable[Path]) -> Iterator[TechniquePassage]:
    for _, record in read_records(paths, TechniquePassage):
        yield record


def main(argv: list[str]) -> int:
    try:
        passages = list(read_passages(corpus_files([Path(arg) for arg in argv] or [DEFAULT_FOLDER])))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = Counter(t.technique for p in passages for t in p.techniques)
    words = sum(len(p.text.split()) for p in passages)
    print(f"{len(passages)} passages, {words} words, {sum(counts.values())} technique spans")
    for name, count in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<27} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
