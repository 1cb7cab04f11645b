"""The coreference set (docs/annotation.md, coreference): passages we wrote, each pronoun, role noun and
definite description with the actor mention it stands for, checked before anything is scored on them.

`python -m powermap.learn.coref [FILES_OR_DIRS]` checks every record (default `training/coref/`) and
prints the counts per category and split; files named `heldout-*.jsonl` are the held-out test split.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from powermap import datafiles
from powermap.learn.corpus import CorpusError, corpus_files, read_records

Category = Literal["pronoun", "possessive", "role_noun", "description"]
CATEGORIES: tuple[str, ...] = ("pronoun", "possessive", "role_noun", "description")
HELD_OUT = "heldout-"  # files whose name starts so are the test split, never looked at while writing rules
DEFAULT = Path(__file__).resolve().parents[3] / "training" / "coref"


def split_of(path: Path) -> str:
    return "test" if path.name.startswith(HELD_OUT) else "dev"


def whole_word(text: str, wanted: str, occurrence: int) -> tuple[int, int]:
    """Offsets of the `occurrence`-th (from 1) whole-word, case-sensitive occurrence of `wanted`."""
    found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(wanted)}(?!\w)", text)]
    if len(found) < occurrence:
        raise ValueError(f"{wanted!r} does not occur {occurrence} time(s) as a whole word")
    return found[occurrence - 1], found[occurrence - 1] + len(wanted)


class CorefLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mention: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)
    antecedent: str | list[str] | None = Field(
        description="The actor mention it stands for (first whole-word occurrence unless "
        "`antecedent_occurrence`), the mentions of each actor a plural stands for, or null for no actor.")
    antecedent_occurrence: int = Field(default=1, ge=1)
    category: Category

    def antecedents(self) -> list[str]:
        if self.antecedent is None:
            return []
        return [self.antecedent] if isinstance(self.antecedent, str) else list(self.antecedent)


class CorefRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    links: list[CorefLink] = Field(min_length=1)

    def mention_span(self, link: CorefLink) -> tuple[int, int]:
        return whole_word(self.text, link.mention, link.occurrence)

    def antecedent_spans(self, link: CorefLink) -> list[tuple[int, int]]:
        names = link.antecedents()
        return [whole_word(self.text, name, link.antecedent_occurrence if len(names) == 1 else 1) for name in names]

    @model_validator(mode="after")
    def _offsets_and_forms(self) -> CorefRecord:
        pronouns = datafiles.load("coref.yaml").pronouns  # type: ignore[attr-defined]
        seen: set[tuple[int, int]] = set()
        for number, link in enumerate(self.links):
            where = f"links[{number}] ({link.mention!r})"
            try:
                span = self.mention_span(link)
                antecedents = self.antecedent_spans(link)
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            if span in seen:
                raise ValueError(f"{where}: the same mention is linked twice")
            seen.add(span)
            if isinstance(link.antecedent, list) and len(link.antecedent) < 2:
                raise ValueError(f"{where}: a list of antecedents needs two or more (a single one is a string)")
            if isinstance(link.antecedent, list) and link.antecedent_occurrence != 1:
                raise ValueError(f"{where}: antecedent_occurrence is for a single antecedent")
            if any(start < span[1] and span[0] < end for start, end in antecedents):
                raise ValueError(f"{where}: the antecedent overlaps the mention")
            form = pronouns.get(link.mention.lower())
            if link.category in {"pronoun", "possessive"} and form is None:
                raise ValueError(f"{where}: {link.category} but not a pronoun of data/coref.yaml")
            if link.category == "possessive" and not form.possessive:
                raise ValueError(f"{where}: possessive, but {link.mention!r} is not a possessive form")
            if link.category in {"role_noun", "description"} and form is not None:
                raise ValueError(f"{where}: a pronoun is category pronoun or possessive, not {link.category}")
        return self


def read_set(paths: Iterable[Path]) -> Iterator[tuple[Path, CorefRecord]]:
    """Every record of the given files with its file; the first broken record stops with file and line."""
    return read_records(paths, CorefRecord)


def main(argv: list[str]) -> int:
    try:
        records = list(read_set(corpus_files([Path(arg) for arg in argv] or [DEFAULT])))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    counts = Counter((split_of(path), link.category) for path, record in records for link in record.links)
    lines = [f"{len(records)} passages, {sum(counts.values())} links"]
    for split in ("dev", "test"):
        passages = sum(1 for path, _ in records if split_of(path) == split)
        total = sum(n for (s, _), n in counts.items() if s == split)
        lines.append(f"  {split:<5} {passages} passages, {total} links: "
                     + ", ".join(f"{c} {counts[(split, c)]}" for c in CATEGORIES))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
