"""The relation training corpus (docs/annotation.md): typed records, checked before anything trains on them."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from powermap.schema import RelationType

TrainingActorType = Literal["person", "country", "organization", "group"]
Modality = Literal["asserted", "possible", "intended", "demanded", "hypothetical"]
SYMMETRIC = frozenset({"AGREE", "CONSULT", "COOPERATE", "ALLY"})
RELATION_TYPES: tuple[str, ...] = get_args(RelationType)


class CorpusError(ValueError):
    """A training record that breaks the annotation guide; the message names the file, line and fault."""


class TrainingActor(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    type: TrainingActorType
    name: str = Field(min_length=1)
    occurrence: int = Field(default=1, ge=1)


class TrainingRelation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    target: str
    type: RelationType
    negated: bool = False
    modality: Modality = "asserted"
    trigger: str = Field(min_length=1)
    asserted_by: str = "author"


class TrainingRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    actors: list[TrainingActor]
    relations: list[TrainingRelation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _strings_are_in_the_text(self) -> TrainingRecord:
        names = [actor.text for actor in self.actors]
        if len(set(names)) != len(names):
            raise ValueError("an actor text is listed twice")
        for actor in self.actors:
            self.actor_start(actor)
        pairs: set[tuple[str, ...]] = set()
        for relation in self.relations:
            for role in ("source", "target"):
                if getattr(relation, role) not in names:
                    raise ValueError(f"{role} {getattr(relation, role)!r} is not one of the actors")
            if relation.asserted_by != "author" and relation.asserted_by not in names:
                raise ValueError(f"asserted_by {relation.asserted_by!r} is neither 'author' nor an actor")
            if relation.source == relation.target:
                raise ValueError(f"{relation.type} relates {relation.source!r} to itself")
            if relation.trigger not in self.text:
                raise ValueError(f"trigger {relation.trigger!r} is not in the text")
            key = (relation.type, *sorted((relation.source, relation.target)), str(relation.negated))
            if relation.type not in SYMMETRIC:
                key = (relation.type, relation.source, relation.target, str(relation.negated))
            if key in pairs:
                raise ValueError(f"{relation.type} {relation.source!r} -> {relation.target!r} is listed twice")
            pairs.add(key)
        return self

    def actor_start(self, actor: TrainingActor) -> int:
        """Offset of the actor's chosen whole-word occurrence; the guide's `occurrence` counts from 1."""
        found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(actor.text)}(?!\w)", self.text)]
        if len(found) < actor.occurrence:
            raise ValueError(f"actor {actor.text!r} does not occur {actor.occurrence} time(s) as a whole word")
        return found[actor.occurrence - 1]



RecordT = TypeVar("RecordT", bound=BaseModel)


def read_records(paths: Iterable[Path], model: type[RecordT]) -> Iterator[tuple[Path, RecordT]]:
    """Every record of the given JSONL files as `model`, with its file; the first broken record stops with
    its file and line, and an id used twice names both places."""
    seen: dict[str, str] = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                record = model.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: not JSON: {exc}") from None
            except ValidationError as exc:
                raise CorpusError(f"{where}: {validation_faults(exc)}") from None
            if record.id in seen:
                raise CorpusError(f"{where}: id {record.id!r} already used at {seen[record.id]}")
            seen[record.id] = where
            yield path, record


def read_corpus(paths: Iterable[Path]) -> Iterator[TrainingRecord]:
    """Every relation training record of the given files, in order."""
    for _, record in read_records(paths, TrainingRecord):
        yield record


def validation_faults(error: ValidationError) -> str:
    """Pydantic's report on one line: where in the record, what is wrong, and what was given."""
    faults = []
    for fault in error.errors():
        where = ".".join(str(part) for part in fault["loc"])
        given = f" (got {fault['input']!r})" if where and not isinstance(fault["input"], dict | list) else ""
        faults.append(f"{where + ': ' if where else ''}{fault['msg'].removeprefix('Value error, ')}{given}")
    return "; ".join(faults)


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders as their *.jsonl files in name order; nothing found is an error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise CorpusError(f"{path}: no such file or folder")
    if not files:
        raise CorpusError("no training files (*.jsonl) found")
    return files


def main(argv: list[str]) -> int:
    try:
        paths = corpus_files([Path(arg) for arg in argv] or [Path("training/relations")])
        records = list(read_corpus(paths))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    types = Counter(relation.type for record in records for relation in record.relations)
    pairs = sum(len(r.actors) * (len(r.actors) - 1) // 2 for r in records)
    lines = [f"{len(records)} records, {sum(types.values())} relations, {pairs} actor pairs"]
    lines += [f"  {name:<11} {types.get(name, 0)}" for name in RELATION_TYPES]
    try:
        print("\n".join(lines))
    except BrokenPipeError:  # `| head` closed the pipe: what was wanted has been printed
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
