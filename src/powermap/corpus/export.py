"""Flat tables of everything extracted, for spreadsheets and dataframes.

CSV cells that a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, `+SUM(1,2)`, `@A1`) are
written with a leading `'` (OWASP's rule for CSV injection), so they open as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

TABLES = ("documents", "actors", "mentions", "relations", "quotes", "claims", "rhetoric")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that cannot start a spreadsheet formula; numbers and other values as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def tables(documents: Iterable[dict[str, Any]]) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Each document's rows of every table, one document at a time."""
    for d in documents:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        doc = d["id"]
        rows["documents"].append({k: d.get(k) for k in ("id", "source", "format", "url", "title", "section",
                                                        "author", "published", "language", "pipeline")}
                                 | {"genre": (d.get("genre") or {}).get("label")})
        for a in d["actors"]:
            rows["actors"].append({"document": doc, "actor": a["id"], "name": a["name"], "type": a["type"],
                                   "country": a["country"], "qid": a["qid"], "origin": a["origin"],
                                   "mentions": len(a["mentions"])})
            rows["mentions"].extend({"document": doc, "actor": a["id"], "start": m["start"], "end": m["end"],
                                     "text": m["text"], "kind": m["kind"]} for m in a["mentions"])
        rows["relations"].extend({"document": doc, "id": r["id"], "source": r["source"], "target": r["target"],
                                  "type": r["type"], "mode": r["mode"], "negated": r["negated"],
                                  "modality": r["modality"], "asserted_by": r["asserted_by"], "date": r["date"],
                                  "trigger": r["trigger"]["text"], "evidence": r["evidence"]["text"],
                                  "start": r["evidence"]["start"], "end": r["evidence"]["end"],
                                  "confidence": r["confidence"]} for r in d.get("relations", []))
        rows["quotes"].extend({"document": doc, "start": q["start"], "end": q["end"], "text": q["text"],
                               "kind": q["kind"], "speaker": q["speaker"],
                               "speaker_text": (q["speaker_text"] or {}).get("text"),
                               "cue": (q["cue"] or {}).get("text"), "source": q["source"],
                               "confidence": q["confidence"]} for q in d.get("quotes", []))
        rows["claims"].extend({"document": doc, "id": c["id"], "start": c["start"], "end": c["end"],
                               "text": c["text"], "kind": c["kind"], "checkworthiness": c["checkworthiness"],
                               "quantities": json.dumps(c["quantities"], ensure_ascii=False),
                               "dates": json.dumps(c["dates"], ensure_ascii=False),
                               "actors": " ".join(c["actors"]), "asserted_by": c["asserted_by"],
                               "reasons": " ".join(c["reasons"])} for c in d.get("claims", []))
        rows["rhetoric"].extend({"document": doc, "technique": t["technique"], "start": t["start"],
                                 "end": t["end"], "text": t["text"], "target": t["target"],
                                 "confidence": t["confidence"]} for t in d.get("rhetoric", []))
        yield rows


class _TableFile:
    """One table's file, written a document's rows at a time: the export never holds the corpus. Parquet
    keeps its table's rows until the end (a column's type is only known from all of them)."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self.handle = path.open("w", newline="", encoding="utf-8") if fmt in {"csv", "jsonl"} else None
        self.writer: csv.DictWriter[str] | None = None
        self.kept: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        if self.fmt == "csv" and rows:
            if self.writer is None:
                self.writer = csv.DictWriter(self.handle, fieldnames=list(rows[0]))  # type: ignore[arg-type]
                self.writer.writeheader()
            self.writer.writerows(safe_row(row) for row in rows)
        elif self.fmt == "jsonl":
            self.handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))  # type: ignore[union-attr]
        elif self.fmt == "parquet":
            self.kept.extend(rows)

    def close(self) -> None:
        if self.fmt == "csv" and self.writer is None:
            csv.writer(self.handle).writerow(["document"])  # type: ignore[arg-type]
        if self.fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist(self.kept) if self.kept else pa.table({"document": []}), self.path)
        if self.handle is not None:
            self.handle.close()


def write(documents: Iterable[dict[str, Any]], folder: Path, fmt: str) -> list[Path]:
    """One file per table in `folder`, filled one document at a time."""
    if fmt not in {"csv", "jsonl", "parquet"}:
        raise ValueError(f"unknown export format {fmt!r}")
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: _TableFile(folder / f"{name}.{fmt}", fmt) for name in TABLES}
    try:
        for rows in tables(documents):
            for name, found in rows.items():
                files[name].add(found)
    finally:
        for file in files.values():
            file.close()
    return [file.path for file in files.values()]
