"""The SQLite store: documents keyed by content hash, one transaction per document.

A crash mid-batch loses nothing already committed; re-analysing the same content replaces nothing
unless asked to, so a rerun resumes where the last one stopped.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from powermap.corpus.edges import edge_key, relation_weight
from powermap.schema import SCHEMA_VERSION, Document, Problem

STORE_VERSION = "2"
BUSY_SECONDS = 60  # how long a writer waits for another process's write transaction
_ERRORS_INDEX = "CREATE INDEX IF NOT EXISTS errors_by_source ON errors (source, stage, message)"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    url TEXT,
    title TEXT,
    author TEXT,
    published TEXT,
    language TEXT,
    pipeline TEXT NOT NULL,
    analysed_at TEXT NOT NULL,
    raw TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actors (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    country TEXT,
    qid TEXT,
    origin TEXT NOT NULL,
    mention_count INTEGER NOT NULL,
    PRIMARY KEY (doc_id, actor_id)
);
CREATE TABLE IF NOT EXISTS mentions (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    actor_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mentions_by_actor ON mentions (actor_id);
CREATE INDEX IF NOT EXISTS mentions_by_document ON mentions (doc_id);
CREATE TABLE IF NOT EXISTS relations (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT,
    type TEXT NOT NULL,
    mode TEXT,
    negated INTEGER NOT NULL,
    modality TEXT NOT NULL,
    asserted_by TEXT,
    date TEXT,
    confidence REAL NOT NULL,
    edge_source TEXT NOT NULL,
    edge_target TEXT NOT NULL,
    PRIMARY KEY (doc_id, id)
);
CREATE INDEX IF NOT EXISTS relations_by_edge ON relations (edge_source, type, edge_target);
CREATE TABLE IF NOT EXISTS edges (
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    target TEXT NOT NULL,
    count INTEGER NOT NULL,
    negated INTEGER NOT NULL,
    weight REAL NOT NULL,
    first TEXT,
    last TEXT,
    PRIMARY KEY (source, type, target)
);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


class StoreError(RuntimeError):
    """The database cannot be used; the message says why."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _uri(path: Path, mode: str) -> str:
    """A SQLite URI for `path`: `?`, `#` and `%` in a file name are quoted, never read as URI syntax."""
    return f"{path.resolve().as_uri()}?mode={mode}"


def _check_layout(conn: sqlite3.Connection, path: Path) -> bool:
    """Whether the database is empty (no tables); raises StoreError unless it is a powermap store of this
    layout. Only reads."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return True
    if "meta" not in tables or "documents" not in tables:
        raise StoreError(f"{path}: schema none: not a powermap database; refusing to change it")
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'store_version')").fetchall())
    if meta.get("schema") != SCHEMA_VERSION:
        raise StoreError(f"{path}: schema {meta.get('schema', 'none')}, this powermap reads {SCHEMA_VERSION}; "
                         "refusing to change it")
    if meta.get("store_version") != STORE_VERSION:
        raise StoreError(f"{path}: store layout {meta.get('store_version', 'unknown')}, this powermap uses "
                         f"{STORE_VERSION}: analyse into a new database (or `powermap load` an export into one)")
    return False


def _inspect(path: Path) -> bool:
    """Whether `path` is a new (absent or empty) database, checked before anything is written (not even
    the journal mode), so that a file that is refused is left exactly as it was."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return True
    if not path.is_file():
        raise StoreError(f"{path}: not a file")
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True)
        try:
            return _check_layout(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as a powermap database: {exc}") from exc


class Store:
    """A powermap SQLite database.

    Writes take SQLite's write lock before they read anything they depend on (`BEGIN IMMEDIATE`), so two
    processes writing one store never count an edge twice."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such database")
        new = False if readonly else _inspect(self.path)
        try:
            if readonly:
                self.conn = sqlite3.connect(_uri(self.path, "ro"), uri=True, isolation_level=None)
            else:
                self.conn = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            if readonly and _check_layout(self.conn, self.path):
                raise StoreError(f"{self.path}: schema none: an empty database, not a powermap store")
            if new:
                with self._transaction():
                    for statement in _TABLES.split(";"):
                        if statement.strip():
                            self.conn.execute(statement)
                    self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('store_version', ?)",
                                      (SCHEMA_VERSION, STORE_VERSION))
            elif not readonly:
                self._check_pages()
                with self._transaction():
                    self.conn.execute(_ERRORS_INDEX)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a powermap database: {exc}") from exc

    def _check_pages(self) -> None:
        """A store with damaged pages is not written to: a write could spread the damage."""
        found = self.conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if found != "ok":
            raise StoreError(f"{self.path}: the database is damaged ({found}); restore a backup or analyse into "
                             "a new database")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction that holds the write lock from its first statement."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Reads of a damaged or vanished database are a StoreError with the reason, not a traceback."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot read the database: {exc}") from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, doc_id: str, pipeline: str) -> bool:
        """Whether this content was already analysed by this version of the pipeline."""
        with self._reading():
            row = self.conn.execute(
                "SELECT 1 FROM documents WHERE id = ? AND pipeline = ?", (doc_id, pipeline)
            ).fetchone()
        return row is not None

    def save(self, document: Document, raw: str, replace: bool = True) -> bool:
        """Store one document, its actors, relations and its share of the corpus edges in a single
        transaction, replacing an older analysis of the same content; with `replace=False` a document
        this pipeline version already stored is kept as it is. Returns whether anything was written."""
        data = document.dump()
        try:
            with self._transaction():
                if not replace and self.conn.execute("SELECT 1 FROM documents WHERE id = ? AND pipeline = ?",
                                                     (document.id, document.pipeline)).fetchone():
                    return False
                old = self.conn.execute(
                    "SELECT source, target, type, negated, modality, confidence, date FROM relations WHERE doc_id = ?",
                    (document.id,),
                ).fetchall()
                touched = self._add_edges(old, -1)
                self.conn.execute("DELETE FROM documents WHERE id = ?", (document.id,))
                self.conn.execute(
                    "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        document.id, document.source, document.format, document.url,
                        document.title, document.author, document.published, document.language,
                        document.pipeline, _now(), raw, json.dumps(data, ensure_ascii=False),
                    ),
                )
                self.conn.executemany(
                    "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (document.id, a.id, a.name, a.type, a.country, a.qid, a.origin, len(a.mentions))
                        for a in document.actors
                    ],
                )
                rows = []
                for r in document.relations:
                    edge_source, _, edge_target = edge_key(r.source, r.type, r.target)
                    rows.append((document.id, r.id, r.source, r.target, r.type, r.mode, int(r.negated), r.modality,
                                 r.asserted_by, r.date, r.confidence, edge_source, edge_target))
                self.conn.executemany("INSERT INTO relations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                new = [(r.source, r.target, r.type, int(r.negated), r.modality, r.confidence, r.date)
                       for r in document.relations]
                touched |= self._add_edges(new, +1)
                self._settle_edges(touched)
                self.conn.executemany(
                    'INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)',
                    [
                        (document.id, a.id, m.start, m.end, m.text, m.kind)
                        for a in document.actors
                        for m in a.mentions
                    ],
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not store {document.source}: {exc}") from exc
        return True

    def _add_edges(self, relations: list[tuple[Any, ...]], sign: int) -> set[tuple[str, str, str]]:
        """Add (or take away) relations' contributions to their edges: adding a document never
        recomputes the corpus graph."""
        touched = set()
        for source, target, type_, negated, modality, confidence, _ in relations:
            key = edge_key(source, type_, target)
            weight = relation_weight({"type": type_, "negated": negated, "modality": modality,
                                      "confidence": confidence})
            self.conn.execute(
                "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (source, type, target) DO "
                "UPDATE SET count = count + excluded.count, negated = negated + excluded.negated, "
                "weight = weight + excluded.weight",
                (*key, sign, sign * int(negated), sign * weight),
            )
            touched.add(key)
        return touched

    def _settle_edges(self, keys: set[tuple[str, str, str]]) -> None:
        """First and last dates of the edges just changed; edges left with no relation go."""
        for source, type_, target in keys:
            dates = self.conn.execute(
                "SELECT MIN(date), MAX(date) FROM relations WHERE edge_source = ? AND type = ? AND edge_target = ?",
                (source, type_, target),
            ).fetchone()
            self.conn.execute("UPDATE edges SET first = ?, last = ? WHERE source = ? AND type = ? AND target = ?",
                              (*dates, source, type_, target))
        self.conn.execute("DELETE FROM edges WHERE count <= 0")

    def edges(self) -> list[dict[str, Any]]:
        """The corpus edges as kept up to date by `save`, with their documents and asserters."""
        rows = []
        query = ("SELECT DISTINCT doc_id, asserted_by FROM relations WHERE edge_source = ? AND type = ? "
                 "AND edge_target = ?")
        with self._reading():
            for source, type_, target, count, negated, weight, first, last in self.conn.execute(
                "SELECT * FROM edges ORDER BY count DESC, source, type"
            ).fetchall():
                found = self.conn.execute(query, (source, type_, target)).fetchall()
                rows.append({"source": source, "type": type_, "target": target or None, "count": count,
                             "negated": negated, "weight": round(weight, 3), "first": first, "last": last,
                             "documents": sorted({d for d, _ in found}),
                             "asserted_by": sorted({a or "unknown speaker" for _, a in found})})
        return rows

    def save_problem(self, problem: Problem) -> None:
        """One row per source and reason: a rerun that meets the same error again only updates its time."""
        try:
            with self._transaction():
                updated = self.conn.execute(
                    "UPDATE errors SET at = ? WHERE source = ? AND stage = ? AND message = ?",
                    (_now(), problem.source, problem.stage, problem.message),
                ).rowcount
                if not updated:
                    self.conn.execute(
                        "INSERT INTO errors (source, stage, message, at) VALUES (?, ?, ?, ?)",
                        (problem.source, problem.stage, problem.message, _now()),
                    )
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not record an error: {exc}") from exc

    def document(self, doc_id: str) -> dict[str, Any] | None:
        with self._reading():
            row = self.conn.execute(
                "SELECT document FROM documents WHERE id = ? OR id LIKE ?", (doc_id, f"{doc_id}%")
            ).fetchone()
        return json.loads(row[0]) if row else None

    def documents(self) -> Iterator[dict[str, Any]]:
        with self._reading():
            for (data,) in self.conn.execute("SELECT document FROM documents ORDER BY source"):
                yield json.loads(data)

    def raw(self, doc_id: str) -> str | None:
        with self._reading():
            row = self.conn.execute("SELECT raw FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def problems(self) -> list[Problem]:
        with self._reading():
            rows = self.conn.execute("SELECT source, stage, message FROM errors ORDER BY id").fetchall()
        return [Problem(source=s, stage=st, message=m) for s, st, m in rows]

    def count(self) -> int:
        with self._reading():
            return self.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
