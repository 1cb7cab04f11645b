"""What a notebook shows of documents: one pandas DataFrame per layer with names beside ids, and an HTML summary.

The rows are the flat tables of `corpus.export` (one builder of rows for files and frames alike); this
module adds the actor names the ids stand for and the layers the export does not write yet. pandas is
the optional extra `powermap[notebook]`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from powermap.corpus.export import tables
from powermap.extras import require

if TYPE_CHECKING:
    import pandas

    from powermap.schema import Document

# The columns of each table that hold an actor id; each gets a `<column>_name` beside it.
ACTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "mentions": ("actor",),
    "relations": ("source", "target", "asserted_by"),
    "quotes": ("speaker", "source"),
    "claims": ("asserted_by",),
    "rhetoric": ("target", "held_by"),
    "stance": ("actor", "held_by"),
    "wire_items": ("agency",),
}
AUTHOR = "author"  # the holder of the author's own voice in asserted_by / held_by
SHOWN = 10  # actors and relations in a document's HTML summary


def _stance_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"document": document["id"], "actor": s["actor"], "held_by": s["held_by"], "value": s["value"],
             "evidence": json.dumps([e["text"] for e in s["evidence"]], ensure_ascii=False)}
            for s in document.get("stance", [])]


def _wire_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"document": document["id"], "start": w["start"], "end": w["end"], "text": w["text"],
             "agency": w["agency"], "agency_text": w["agency_text"], "place": w.get("place"),
             "date_text": w.get("date_text")} for w in document.get("wire_items", [])]


# Layers the export's tables do not hold (yet): built here until `corpus.export.tables` gives them.
_EXTRA_LAYERS = {"stance": _stance_rows, "wire_items": _wire_rows}


def _ids(cell: Any) -> list[str]:
    """The actor ids of a list cell: a list, a JSON list, or ids joined with spaces."""
    if isinstance(cell, list):
        return [str(i) for i in cell]
    if isinstance(cell, str) and cell.startswith("["):
        return [str(i) for i in json.loads(cell)]
    return cell.split() if isinstance(cell, str) else []


def _named(rows: dict[str, list[dict[str, Any]]], names: dict[str, str]) -> None:
    """Put the name of every actor id beside it (`source_name` beside `source`), unless it is there already."""
    for table, columns in ACTOR_COLUMNS.items():
        for row in rows.get(table, []):
            for column in columns:
                if column in row and f"{column}_name" not in row:
                    value = row[column]
                    row[f"{column}_name"] = AUTHOR if value == AUTHOR else names.get(value) if value else None
    for row in rows.get("claims", []):
        if "actors" in row and "actor_names" not in row:
            row["actor_names"] = json.dumps([names.get(i, i) for i in _ids(row["actors"])], ensure_ascii=False)


def rows_with_names(documents: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every layer's rows of these documents (their JSON form), with actor names beside the ids."""
    found: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        rows = next(tables([document]))
        for layer, build in _EXTRA_LAYERS.items():
            if layer not in rows:
                rows[layer] = build(document)
        _named(rows, {a["id"]: a["name"] for a in document.get("actors", [])})
        for table, table_rows in rows.items():
            found.setdefault(table, []).extend(table_rows)
    return found


def frames(documents: Iterable[dict[str, Any]], feature: str = "to_frames()") -> dict[str, pandas.DataFrame]:
    """One DataFrame per layer of these documents; MissingExtraError naming `powermap[notebook]` without pandas."""
    require("notebook", feature)
    import pandas

    return {table: pandas.DataFrame(rows) for table, rows in rows_with_names(documents).items()}


def document_html(document: Document) -> str:
    """A compact HTML summary for Jupyter: title, genre, the most mentioned actors, the most confident
    relations with names, and how many quotes, claims and techniques; everything from the text escaped."""
    names = {actor.id: actor.name for actor in document.actors}

    def name(actor_id: str | None) -> str:
        return escape(names.get(actor_id, actor_id) if actor_id else "(none)")

    genre = f"{document.genre.label} ({document.genre.score:.2f})" if document.genre else "no genre"
    head = (f"<p><strong>{escape(document.title or document.source)}</strong><br>"
            f"{escape(genre)} · {escape(document.language or 'language unknown')} · {len(document.text)} characters"
            f" · id {escape(document.id)}</p>")
    actors = sorted(document.actors, key=lambda a: (-len(a.mentions), a.name))[:SHOWN]
    actor_rows = "".join(f"<tr><td>{escape(a.name)}</td><td>{escape(a.type)}</td><td>{len(a.mentions)}</td></tr>"
                         for a in actors)
    relations = sorted(document.relations, key=lambda r: (-r.confidence, r.evidence.start))[:SHOWN]
    relation_rows = "".join(
        f"<tr><td>{name(r.source)}</td><td>{'not ' if r.negated else ''}{escape(r.type)}</td>"
        f"<td>{name(r.target)}</td><td>{r.confidence:.2f}</td><td>{escape(r.trigger.text)}</td></tr>"
        for r in relations)
    counts = (f"<p>{len(document.actors)} actors, {len(document.relations)} relations, {len(document.quotes)} quotes, "
              f"{len(document.claims)} claims, {len(document.rhetoric)} techniques</p>")
    tables_html = ""
    if actor_rows:
        tables_html += f"<table><tr><th>actor</th><th>type</th><th>mentions</th></tr>{actor_rows}</table>"
    if relation_rows:
        tables_html += ("<table><tr><th>source</th><th>relation</th><th>target</th><th>confidence</th>"
                        f"<th>trigger</th></tr>{relation_rows}</table>")
    warnings = "".join(f"<li>{escape(w)}</li>" for w in document.warnings)
    return (f'<div class="powermap-document">{head}{counts}{tables_html}'
            f"{f'<ul>{warnings}</ul>' if warnings else ''}</div>")
