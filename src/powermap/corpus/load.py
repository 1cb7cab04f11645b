"""Reading analysed documents back into a store: `-o` JSONL, or the parts of a complete Dask run.

A Dask run is a folder `run-*` whose `manifest.json` is written last and lists every part with its
number of records: a run without one (killed, or still running) or whose parts disagree with it is
reported and not loaded. One bad record is that record's error: the others are loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from pydantic import ValidationError

from powermap.corpus.store import Store
from powermap.dates import publication_date
from powermap.schema import Document, Problem

MANIFEST = "manifest.json"
PART_SUFFIXES = {".jsonl", ".parquet"}
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Record:
    """One line or row: a document (with its raw text when known), an analysis problem, or why it is unreadable."""

    where: str
    document: dict[str, Any] | None = None
    raw: str | None = None
    problem: dict[str, Any] | None = None
    error: str | None = None
    versions: dict[str, Any] | None = None  # what a Dask worker analysed it with


def _is_part(path: Path) -> bool:
    return path.suffix in PART_SUFFIXES and path.name.startswith(("part-", "part."))


def part_records(path: Path) -> int:
    """How many records a part holds (non-blank lines, or Parquet rows)."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def run_problem(folder: Path) -> str | None:
    """Why the Dask run in `folder` cannot be loaded, or None when it is complete."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return "incomplete Dask run (no manifest: killed, or still running); not loaded"
    try:
        parts = json.loads(manifest.read_text(encoding="utf-8"))["parts"]
        found = {p.name for p in folder.iterdir() if p.suffix in PART_SUFFIXES}
        if found != set(parts):
            return f"Dask run's parts differ from its manifest ({len(found)} found, {len(parts)} listed); not loaded"
        for name, count in parts.items():
            if part_records(folder / name) != count:
                return f"Dask run's part {name} does not hold the {count} records of its manifest; not loaded"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"unreadable Dask run manifest ({exc}); not loaded"
    return None


def _finished(folder: Path) -> str:
    return str(json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("finished", ""))


def _files(paths: Iterable[Path], warn: Callable[[str], None]) -> Iterator[Path]:
    """The files to load: plain JSONL as given; of Dask runs only complete ones, the newest of a folder."""
    for path in paths:
        if path.is_dir() and ((path / MANIFEST).exists() or path.name.startswith("run-")):
            runs = [path]
        elif path.is_dir():
            runs = sorted(p for p in path.iterdir() if p.is_dir() and p.name.startswith("run-"))
            loose = sorted(p for p in path.rglob("*") if p.suffix in PART_SUFFIXES and p.is_file()
                           and not any(parent.name.startswith("run-") for parent in p.relative_to(path).parents))
            if any(_is_part(p) for p in loose):
                warn(f"{path}: Dask parts without a manifest (an older or killed run); not loaded")
            yield from (p for p in loose if not _is_part(p))
        elif path.exists():
            yield path
            continue
        else:
            raise ValueError(f"{path}: no such file or directory")
        complete = []
        for run in runs:
            problem = run_problem(run)
            if problem:
                warn(f"{run}: {problem}")
            else:
                complete.append(run)
        complete.sort(key=_finished)
        for older in complete[:-1]:
            warn(f"{older}: an older Dask run, not loaded (name it to load it)")
        if complete:
            yield from sorted(p for p in complete[-1].iterdir() if p.suffix in PART_SUFFIXES)


def _valid_unicode(value: Any) -> Any:
    """JSON can spell lone surrogates (`"\\udfff"`), which no file can hold: each becomes U+FFFD, one
    character for one, so every offset stays right."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value


def _record(data: Any, where: str) -> Record:
    data = _valid_unicode(data)
    if not isinstance(data, dict):
        return Record(where, error=f"not a JSON object but {type(data).__name__}")
    if "document" in data or "problem" in data:
        versions = data.get("versions")
        return Record(where, data.get("document"), data.get("raw"), data.get("problem"),
                      versions=versions if isinstance(versions, dict) else None)
    return Record(where, document=data)


def records(paths: Iterable[Path], warn: Callable[[str], None] = lambda message: None) -> Iterator[Record]:
    """Every line or row of the files to load, each its own Record: one bad line never stops the rest."""
    for path in _files(paths, warn):
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for number, row in enumerate(pq.read_table(path).to_pylist(), start=1):
                try:
                    parsed = {column: json.loads(row[column]) if row.get(column) else None
                              for column in ("document", "problem", "versions")}
                    yield _record({"raw": row.get("raw"), **parsed}, f"{path}#{number}")
                except (ValueError, RecursionError) as exc:
                    yield Record(f"{path}#{number}", error=f"not JSON: {exc}")
            continue
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    yield _record(json.loads(line), f"{path}:{number}")
                except (ValueError, RecursionError) as exc:
                    yield Record(f"{path}:{number}", error=f"not JSON: {str(exc)[:200]}")


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "document"
    return f"not a powermap/1 document: {where}: {first['msg']}"[:300]


def checked(record: Record) -> Document:
    """The record's document, validated by the schema (spans against the text included) and its date
    made ISO or dropped with a warning; ValueError with the reason when it breaks the schema."""
    try:
        document = Document.model_validate(record.document)
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from None
    if document.published is not None:
        day, warning = publication_date(document.published)
        if warning:
            document = document.model_copy(update={"published": day, "warnings": [*document.warnings, warning]})
    return document


def load(store: Store, paths: Iterable[Path], force: bool, say: Callable[[str], None]) -> dict[str, int]:
    """Put every record into the store, each in its own transaction; bad records are reported, stored as
    errors, and skipped. Returns the counts."""
    counts = {"loaded": 0, "skipped": 0, "failed": 0, "refused": 0}
    for record in records(paths, lambda message: say(f"warning: {message}")):
        if record.error is None and record.problem is not None:
            try:
                store.save_problem(Problem.model_validate(record.problem))
                counts["failed"] += 1
                continue
            except ValidationError as exc:
                record.error = _reason(exc)
        try:
            if record.error is not None:
                raise ValueError(record.error)
            document = checked(record)
        except ValueError as exc:
            counts["refused"] += 1
            say(f"error: {record.where}: {exc} [load]")
            store.save_problem(Problem(source=record.where, stage="load", message=str(exc)))
            continue
        if store.save(document, record.raw or document.text, replace=force, versions=record.versions):
            counts["loaded"] += 1
        else:
            counts["skipped"] += 1
    return counts


@contextmanager
def readable_store(path: Path) -> Iterator[Store]:
    """The store reading commands use: a database opened read-only, or the documents of a JSONL file put
    into a store in a temporary folder (removed afterwards), so that every reading command has one way
    through, merge included. ValueError naming the first bad record of a file."""
    if path.suffix not in {".jsonl", ".json", ".ndjson"}:
        with Store(path, readonly=True) as store:
            yield store
        return
    with TemporaryDirectory(prefix="powermap-") as folder, Store(Path(folder) / "documents.db") as store:
        for record in records([path]):
            if record.error is not None:
                raise ValueError(f"{record.where}: {record.error}")
            if record.document is not None:
                try:
                    document = checked(record)
                except ValueError as exc:
                    raise ValueError(f"{record.where}: {exc}") from None
                store.save(document, record.raw or document.text)
        yield store
