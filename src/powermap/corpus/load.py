"""Reading analysed documents back: `-o` JSONL, Dask JSONL parts, or Dask Parquet parts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in {".jsonl", ".parquet"})
        elif path.exists():
            yield path
        else:
            raise ValueError(f"{path}: no such file or directory")


def records(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """`{"document", "raw", "problem"}` for every line or row; a plain document line is its own record."""
    for path in _files(paths):
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            for row in pq.read_table(path).to_pylist():
                yield {"raw": row.get("raw"), "document": json.loads(row["document"]) if row.get("document") else None,
                       "problem": json.loads(row["problem"]) if row.get("problem") else None}
            continue
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not JSON: {exc}") from exc
                yield data if "document" in data or "problem" in data else {"document": data, "raw": None}
