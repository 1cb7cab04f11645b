"""What a notebook shows of documents: one pandas DataFrame per layer with names beside ids, and an HTML summary.

The rows are the flat tables of `corpus.export` (one builder of rows, with names beside ids, for files and
frames alike). pandas is the optional extra `powermap[notebook]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

from powermap.corpus.export import COLUMNS, DOCUMENT_TABLES, Names, tables
from powermap.extras import require

if TYPE_CHECKING:
    import pandas

    from powermap.schema import Document

SHOWN = 10  # actors and relations in a document's HTML summary


def frames(documents: Iterable[dict[str, Any]], feature: str = "to_frames()",
           elsewhere: Names | None = None) -> dict[str, pandas.DataFrame]:
    """One DataFrame per layer of these documents, the export's tables with their columns even when empty
    (names beside ids; `elsewhere` names actors of other documents, as the store does); MissingExtraError
    naming `powermap[notebook]` without pandas."""
    require("notebook", feature)
    import pandas

    found: dict[str, list[dict[str, Any]]] = {table: [] for table in DOCUMENT_TABLES}
    for rows in tables(documents, elsewhere) if elsewhere else tables(documents):
        for table, table_rows in rows.items():
            found[table].extend(table_rows)
    return {table: pandas.DataFrame(rows, columns=list(COLUMNS[table])) for table, rows in found.items()}


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
