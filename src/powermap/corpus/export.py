"""Flat tables of everything extracted, for spreadsheets and dataframes: one table per layer.

Every table that carries an actor id has the actor's name beside it (`source`/`source_name`). A list
(a claim's actors, a stance's evidence, an edge's documents) is a JSON array: in a CSV or Parquet cell
as JSON text, which `json.loads` reads back; in JSONL as the array itself.

CSV cells that a spreadsheet would run as a formula (`=cmd|' /C calc'!A0`, `+SUM(1,2)`, `@A1`) are
written with a leading `'` (OWASP's rule for CSV injection), so they open as text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from powermap.corpus.store import Store

# Each table's columns, in order: what an empty table's header holds, and what every row has.
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "format", "url", "title", "section", "author", "published", "language",
                  "pipeline", "genre", "genre_score", "genre_reasons", "warnings", "text"),
    "actors": ("document", "actor", "name", "type", "country", "qid", "origin", "mentions"),
    "mentions": ("document", "actor", "name", "start", "end", "text", "kind"),
    "wire_items": ("document", "start", "end", "text", "agency", "agency_name", "agency_text", "place",
                   "date_text"),
    "quotes": ("document", "start", "end", "text", "kind", "speaker", "speaker_name", "speaker_text", "cue",
               "cue_lemma", "source", "source_name", "confidence"),
    "relations": ("document", "id", "source", "source_name", "target", "target_name", "type", "mode", "negated",
                  "modality", "asserted_by", "asserted_by_name", "date", "date_source", "trigger", "trigger_start",
                  "trigger_end", "evidence", "start", "end", "confidence", "made_by"),
    "claims": ("document", "id", "start", "end", "text", "kind", "checkworthiness", "quantities", "dates", "actors",
               "actor_names", "predicate", "asserted_by", "asserted_by_name", "reasons"),
    "rhetoric": ("document", "technique", "start", "end", "text", "target", "target_name", "held_by",
                 "held_by_name", "confidence"),
    "stance": ("document", "actor", "actor_name", "held_by", "held_by_name", "value", "evidence"),
    "edges": ("source", "source_name", "type", "target", "target_name", "count", "negated", "weight", "first",
              "last", "documents", "asserted_by"),
    "errors": ("source", "stage", "message"),
}
TABLES = tuple(COLUMNS)
DOCUMENT_TABLES = TABLES[:-2]  # the tables made from each document; edges and errors are the store's
FORMATS = ("csv", "jsonl", "parquet")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AUTHOR = "author"  # what `asserted_by` and `held_by` say of the author's own voice

Names = Callable[[str], str | None]


def safe_cell(value: Any) -> Any:
    """A text cell that cannot start a spreadsheet formula; numbers and other values as they are."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: safe_cell(value) for key, value in row.items()}


def flat_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row with each list or mapping as JSON text: what a CSV or Parquet cell holds."""
    return {key: json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value
            for key, value in row.items()}


def _namer(document: dict[str, Any], elsewhere: Names) -> Callable[[str | None], str | None]:
    """Names of the actor ids a document's items carry: its own actors first, then `elsewhere`; the
    author's voice is named by the byline when there is one."""
    own = {a["id"]: a["name"] for a in document.get("actors", [])}

    def name(actor_id: str | None) -> str | None:
        if actor_id is None:
            return None
        if actor_id == AUTHOR:
            return document.get("author") or AUTHOR
        return own.get(actor_id) or elsewhere(actor_id)

    return name


def _no_names(actor_id: str) -> str | None:
    return None


def tables(documents: Iterable[dict[str, Any]], elsewhere: Names = _no_names) -> Iterator[dict[str, list[dict]]]:
    """Each document's rows of every document table, one document at a time. `elsewhere` names the ids a
    document's actors do not (a credited agency, a medium)."""
    for d in documents:
        name = _namer(d, elsewhere)
        rows: dict[str, list[dict[str, Any]]] = {table: [] for table in DOCUMENT_TABLES}
        doc = d["id"]
        genre = d.get("genre") or {}
        rows["documents"].append({k: d.get(k) for k in COLUMNS["documents"][:10]}
                                 | {"genre": genre.get("label"), "genre_score": genre.get("score"),
                                    "genre_reasons": genre.get("reasons", []), "warnings": d.get("warnings", []),
                                    "text": d["text"]})
        for a in d["actors"]:
            rows["actors"].append({"document": doc, "actor": a["id"], "name": a["name"], "type": a["type"],
                                   "country": a["country"], "qid": a["qid"], "origin": a["origin"],
                                   "mentions": len(a["mentions"])})
            rows["mentions"].extend({"document": doc, "actor": a["id"], "name": a["name"], "start": m["start"],
                                     "end": m["end"], "text": m["text"], "kind": m["kind"]} for m in a["mentions"])
        rows["wire_items"].extend({"document": doc, "start": w["start"], "end": w["end"], "text": w["text"],
                                   "agency": w["agency"], "agency_name": name(w["agency"]),
                                   "agency_text": w["agency_text"], "place": w.get("place"),
                                   "date_text": w.get("date_text")} for w in d.get("wire_items", []))
        rows["quotes"].extend({"document": doc, "start": q["start"], "end": q["end"], "text": q["text"],
                               "kind": q["kind"], "speaker": q["speaker"], "speaker_name": name(q["speaker"]),
                               "speaker_text": (q["speaker_text"] or {}).get("text"),
                               "cue": (q["cue"] or {}).get("text"), "cue_lemma": (q["cue"] or {}).get("lemma"),
                               "source": q["source"], "source_name": name(q["source"]),
                               "confidence": q["confidence"]} for q in d.get("quotes", []))
        rows["relations"].extend({"document": doc, "id": r["id"], "source": r["source"],
                                  "source_name": name(r["source"]), "target": r["target"],
                                  "target_name": name(r["target"]), "type": r["type"],
                                  "mode": r["mode"], "negated": r["negated"], "modality": r["modality"],
                                  "asserted_by": r["asserted_by"], "asserted_by_name": name(r["asserted_by"]),
                                  "date": r["date"], "date_source": r.get("date_source"),
                                  "trigger": r["trigger"]["text"], "trigger_start": r["trigger"]["start"],
                                  "trigger_end": r["trigger"]["end"], "evidence": r["evidence"]["text"],
                                  "start": r["evidence"]["start"], "end": r["evidence"]["end"],
                                  "confidence": r["confidence"], "made_by": r.get("made_by", "rules")}
                                 for r in d.get("relations", []))
        rows["claims"].extend({"document": doc, "id": c["id"], "start": c["start"], "end": c["end"],
                               "text": c["text"], "kind": c["kind"], "checkworthiness": c["checkworthiness"],
                               "quantities": c["quantities"], "dates": c["dates"], "actors": c["actors"],
                               "actor_names": [name(a) for a in c["actors"]], "predicate": c.get("predicate"),
                               "asserted_by": c["asserted_by"], "asserted_by_name": name(c["asserted_by"]),
                               "reasons": c["reasons"]} for c in d.get("claims", []))
        rows["rhetoric"].extend({"document": doc, "technique": t["technique"], "start": t["start"], "end": t["end"],
                                 "text": t["text"], "target": t["target"], "target_name": name(t["target"]),
                                 "held_by": t.get("held_by"), "held_by_name": name(t.get("held_by")),
                                 "confidence": t["confidence"]} for t in d.get("rhetoric", []))
        rows["stance"].extend({"document": doc, "actor": s["actor"], "actor_name": name(s["actor"]),
                               "held_by": s["held_by"], "held_by_name": name(s["held_by"]), "value": s["value"],
                               "evidence": s["evidence"]} for s in d.get("stance", []))
        yield rows


def store_names(store: Store) -> Names:
    """Names of ids no document actor of the row's document has: another document's actor, a corpus actor,
    else a gazetteer entry (a news agency credited but never named as an actor)."""
    from powermap.gazetteer import default_gazetteer

    found: dict[str, str | None] = {}

    def name(actor_id: str) -> str | None:
        if actor_id not in found:
            row = store.rows("SELECT name FROM actors WHERE actor_id = ? LIMIT 1", (actor_id,)) or \
                store.rows("SELECT name FROM corpus_actors WHERE id = ?", (actor_id,))
            entry = None if row else default_gazetteer().entries.get(actor_id)
            found[actor_id] = row[0]["name"] if row else entry.name if entry else None
        return found[actor_id]

    return name


def edge_rows(store: Store, min_confidence: float = 0.0) -> list[dict[str, Any]]:
    """The corpus edges with the names of their corpus actors (the `edges` command's rows)."""
    from powermap.corpus.views import names

    edges = store.edges(min_confidence=min_confidence)
    named = names(store, [e[k] for e in edges for k in ("source", "target")])
    return [{"source": e["source"], "source_name": named.get(e["source"]), "type": e["type"], "target": e["target"],
             "target_name": named.get(e["target"] or ""), **{k: e[k] for k in COLUMNS["edges"][5:]}} for e in edges]


# Column types of the Parquet tables (every other column is text, lists as JSON text), so that a table has
# the same schema in every export, an empty one or one whose column is all null included.
_NUMBERS = {"start": "int64", "end": "int64", "trigger_start": "int64", "trigger_end": "int64", "mentions": "int64",
            "count": "int64", "confidence": "float64", "checkworthiness": "float64", "value": "float64",
            "weight": "float64", "genre_score": "float64"}
_TYPES = {("relations", "negated"): "bool_", ("edges", "negated"): "int64"}
PARQUET_ROWS = 10_000  # rows of a table held before they are written as one row group


def parquet_schema(table: str) -> Any:
    import pyarrow as pa

    return pa.schema([(column, getattr(pa, _TYPES.get((table, column), _NUMBERS.get(column, "string")))())
                      for column in COLUMNS[table]])


class _TableFile:
    """One table's file, written a document's rows at a time: the export never holds the corpus (Parquet
    holds at most PARQUET_ROWS rows of a table before it writes them)."""

    def __init__(self, path: Path, fmt: str, table: str) -> None:
        self.path, self.fmt, self.columns = path, fmt, COLUMNS[table]
        self.handle = path.open("w", newline="", encoding="utf-8") if fmt in {"csv", "jsonl"} else None
        self.writer = csv.DictWriter(self.handle, fieldnames=list(self.columns)) if fmt == "csv" else None
        if self.writer is not None:
            self.writer.writeheader()
        self.parquet: Any = None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self.parquet = pq.ParquetWriter(path, parquet_schema(table))
        self.kept: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        if self.writer is not None:
            self.writer.writerows(safe_row(flat_row(row)) for row in rows)
        elif self.handle is not None:
            self.handle.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        else:
            self.kept.extend(flat_row(row) for row in rows)
            if len(self.kept) >= PARQUET_ROWS:
                self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self.kept:
            self.parquet.write_table(pa.Table.from_pylist(self.kept, schema=self.parquet.schema))
            self.kept = []

    def close(self) -> None:
        if self.parquet is not None:
            try:
                self._flush()
            finally:
                self.parquet.close()
        if self.handle is not None:
            self.handle.close()


def write_tables(documents: Iterable[dict[str, Any]], folder: Path, fmt: str, elsewhere: Names = _no_names,
                 extra: dict[str, list[dict[str, Any]]] | None = None) -> list[Path]:
    """One file per table in `folder`, filled one document at a time; `extra` holds the rows of the tables
    that are not made from documents (a store's edges and errors); without them those tables are left out."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")
    folder.mkdir(parents=True, exist_ok=True)
    names = [*DOCUMENT_TABLES, *(extra or {})]
    files = {name: _TableFile(folder / f"{name}.{fmt}", fmt, name) for name in names}
    try:
        for rows in tables(documents, elsewhere):
            for name, found in rows.items():
                files[name].add(found)
        for name, found in (extra or {}).items():
            files[name].add(found)
    finally:
        for file in files.values():
            file.close()
    return [file.path for file in files.values()]


def write(store: Store, folder: Path, fmt: str, min_confidence: float = 0.0) -> list[Path]:
    """Every table of a store: its documents' layers (relations at least `min_confidence`), its corpus
    edges with names, and its errors."""
    from powermap.corpus.edges import confident

    extra = {"edges": edge_rows(store, min_confidence),
             "errors": [problem.model_dump() for problem in store.problems()]}
    return write_tables(confident(store.documents(), min_confidence), folder, fmt, store_names(store), extra)
