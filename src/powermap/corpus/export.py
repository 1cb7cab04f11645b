"""Flat tables of everything extracted, for spreadsheets and dataframes.

CSV cells that a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, `+SUM(1,2)`, `@A1`) are
written with a leading `'` (OWASP's rule for CSV injection), so they open as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TABLES = ("documents", "actors", "mentions", "relations", "quotes", "claims", "rhetoric")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that cannot start a spreadsheet formula; numbers and other values as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def tables(documents: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for d in documents:
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
    return rows


def write(documents: Iterable[dict[str, Any]], folder: Path, fmt: str) -> list[Path]:
    """One file per table in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables(documents).items():
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as handle:
                columns = list(rows[0]) if rows else ["document"]
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                writer.writerows(safe_row(row) for row in rows)
        elif fmt == "jsonl":
            path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.Table.from_pylist(rows) if rows else pa.table({"document": []}), path)
        else:
            raise ValueError(f"unknown export format {fmt!r}")
        written.append(path)
    return written
