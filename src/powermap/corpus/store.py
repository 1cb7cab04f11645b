"""The SQLite store: documents keyed by content hash, one transaction per document.

A crash mid-batch loses nothing already committed; re-analysing the same content replaces nothing
unless asked to, so a rerun resumes where the last one stopped.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from powermap.corpus.claims import subject_key, subjects
from powermap.corpus.edges import edge_key, relation_weight
from powermap.corpus.fingerprint import bands, near, signature
from powermap.corpus.merge import Merger, block, first_match, kind, merge_key
from powermap.dates import bounds, readable
from powermap.schema import SCHEMA_VERSION, Document, Problem
from powermap.versions import digest

STORE_VERSION = "4"
MIGRATES_FROM = ("2", "3")  # the layouts `powermap rebuild` upgrades in place
BUSY_SECONDS = 60  # how long a writer waits for another process's write transaction
_ERRORS_INDEX = "CREATE INDEX IF NOT EXISTS errors_by_source ON errors (source, stage, message)"

# What each document was analysed with (`powermap.versions`): one row per set of versions, one link per
# document. Added without a new layout: a store opened for writing gains these tables (its documents
# simply have no versions recorded), and a powermap that does not know them reads the store as before.
_VERSION_TABLES = """
CREATE TABLE IF NOT EXISTS versions (digest TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS analysed_with (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    digest TEXT NOT NULL REFERENCES versions(digest)
);
CREATE INDEX IF NOT EXISTS analysed_with_by_digest ON analysed_with (digest);
"""

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
    document TEXT NOT NULL,
    genre TEXT
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
    corpus_id TEXT,
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
    corpus_source TEXT,
    corpus_target TEXT,
    weight REAL,
    date_first TEXT,
    date_last TEXT,
    evidence TEXT,
    counted INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (doc_id, id)
);
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
CREATE TABLE IF NOT EXISTS corpus_actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    country TEXT,
    qid TEXT,
    origin TEXT NOT NULL,
    key TEXT NOT NULL,
    block TEXT,
    aliases TEXT NOT NULL,
    documents INTEGER NOT NULL,
    mentions INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    band INTEGER NOT NULL,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS signatures (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS copies (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    original TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker TEXT,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS claims (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    start INTEGER NOT NULL,
    checkworthiness REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (doc_id, id)
);
CREATE TABLE IF NOT EXISTS claim_facts (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL,
    subject TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stance (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    actor TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    start INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5 (
    text, content = 'passages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS passages_indexed AFTER INSERT ON passages BEGIN
    INSERT INTO search (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS passages_unindexed AFTER DELETE ON passages BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS actor_names (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    aliases TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS actor_index USING fts5 (
    aliases, content = 'actor_names', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER IF NOT EXISTS corpus_actor_named AFTER INSERT ON corpus_actors BEGIN
    INSERT INTO actor_names (id, aliases) VALUES (new.id, new.aliases);
END;
CREATE TRIGGER IF NOT EXISTS corpus_actor_renamed AFTER UPDATE OF aliases ON corpus_actors BEGIN
    UPDATE actor_names SET aliases = new.aliases WHERE id = new.id;
END;
CREATE TRIGGER IF NOT EXISTS corpus_actor_gone AFTER DELETE ON corpus_actors BEGIN
    DELETE FROM actor_names WHERE id = old.id;
END;
CREATE TRIGGER IF NOT EXISTS actor_names_indexed AFTER INSERT ON actor_names BEGIN
    INSERT INTO actor_index (rowid, aliases) VALUES (new.rowid, new.aliases);
END;
CREATE TRIGGER IF NOT EXISTS actor_names_reindexed AFTER UPDATE ON actor_names BEGIN
    INSERT INTO actor_index (actor_index, rowid, aliases) VALUES ('delete', old.rowid, old.aliases);
    INSERT INTO actor_index (rowid, aliases) VALUES (new.rowid, new.aliases);
END;
CREATE TRIGGER IF NOT EXISTS actor_names_unindexed AFTER DELETE ON actor_names BEGIN
    INSERT INTO actor_index (actor_index, rowid, aliases) VALUES ('delete', old.rowid, old.aliases);
END;
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    stage TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
"""
# Columns added by layout 3, so that a layout-2 store can be upgraded in place (`powermap rebuild`); layout 4
# adds the actor name index (`actor_names`, `actor_index`: substring search over every spelling).
_ADDED_COLUMNS = (("actors", "corpus_id TEXT"), ("relations", "corpus_source TEXT"),
                  ("relations", "corpus_target TEXT"), ("relations", "weight REAL"),
                  ("relations", "date_first TEXT"), ("relations", "date_last TEXT"), ("relations", "evidence TEXT"),
                  ("relations", "counted INTEGER NOT NULL DEFAULT 1"), ("documents", "genre TEXT"))
_INDEXES = """
CREATE INDEX IF NOT EXISTS actors_by_actor ON actors (actor_id);
CREATE INDEX IF NOT EXISTS actors_by_corpus_actor ON actors (corpus_id, doc_id);
CREATE INDEX IF NOT EXISTS corpus_actors_by_block ON corpus_actors (block);
CREATE INDEX IF NOT EXISTS corpus_actors_by_mentions ON corpus_actors (mentions DESC, id);
CREATE INDEX IF NOT EXISTS relations_by_edge_date ON relations (edge_source, type, edge_target, counted, date);
CREATE INDEX IF NOT EXISTS documents_by_genre ON documents (genre);
CREATE INDEX IF NOT EXISTS relations_by_corpus_source ON relations (corpus_source, date_first, doc_id, id);
CREATE INDEX IF NOT EXISTS relations_by_corpus_target ON relations (corpus_target, date_first, doc_id, id);
CREATE INDEX IF NOT EXISTS relations_by_source_type ON relations (corpus_source, counted, type);
CREATE INDEX IF NOT EXISTS relations_by_target_type ON relations (corpus_target, counted, type);
CREATE INDEX IF NOT EXISTS relations_by_date ON relations (date, corpus_source, corpus_target);
CREATE INDEX IF NOT EXISTS mentions_by_document_actor ON mentions (doc_id, actor_id);
CREATE INDEX IF NOT EXISTS quotes_by_document ON quotes (doc_id, speaker);
CREATE INDEX IF NOT EXISTS claims_by_score ON claims (checkworthiness DESC, doc_id, start);
CREATE INDEX IF NOT EXISTS claim_facts_by_subject ON claim_facts (subject);
CREATE INDEX IF NOT EXISTS stance_by_document ON stance (doc_id, actor);
CREATE INDEX IF NOT EXISTS passages_by_document ON passages (doc_id);
CREATE INDEX IF NOT EXISTS fingerprints_by_band ON fingerprints (band, value);
CREATE INDEX IF NOT EXISTS fingerprints_by_document ON fingerprints (doc_id);
CREATE INDEX IF NOT EXISTS copies_by_original ON copies (original);
CREATE INDEX IF NOT EXISTS documents_listed ON documents (source, id, title, author, published, language, url, genre);
"""


def originals(column: str = "doc_id") -> str:
    """The SQL condition that a row belongs to no near-duplicate copy: what is counted once."""
    return f"{column} NOT IN (SELECT doc_id FROM copies)"


class StoreError(RuntimeError):
    """The database cannot be used; the message says why."""


def _relation_row(doc_id: str, relation_id: str, source: str, target: str | None, type_: str, mode: str | None,
                  negated: bool, modality: str, asserted_by: str | None, day: str | None, confidence: float,
                  links: dict[str, str]) -> tuple[Any, ...]:
    """A `relations` row: the relation as found, its corpus actors, its edge, weight and the days it covers."""
    corpus_source = links.get(source, source)
    corpus_target = links.get(target, target) if target else None
    edge_source, _, edge_target = edge_key(corpus_source, type_, corpus_target)
    weight = relation_weight({"type": type_, "negated": negated, "modality": modality, "confidence": confidence})
    first, last = (d.isoformat() for d in bounds(day or "")) if readable(day) else (None, None)
    return (doc_id, relation_id, source, target, type_, mode, int(negated), modality, asserted_by, day, confidence,
            edge_source, edge_target, corpus_source, corpus_target, weight, first, last)


def _paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """The text's paragraphs (split at line breaks) with where each starts: the passages search finds."""
    for found in re.finditer(r"[^\n]+", text):
        if found.group().strip():
            yield found.start(), found.group()


def _moved(before: dict[str, str], after: dict[str, str]) -> dict[str, int]:
    """How many corpus actors now join actors that were apart, and how many were split apart."""
    def groups(mapping: dict[str, str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for actor_id, corpus_id in mapping.items():
            found.setdefault(corpus_id, set()).add(actor_id)
        return found

    def apart(one: dict[str, set[str]], other: dict[str, str]) -> int:
        return sum(len({other[a] for a in members if a in other}) > 1 for members in one.values())

    return {"actors_merged": apart(groups(after), before), "actors_split": apart(groups(before), after)}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _uri(path: Path, mode: str) -> str:
    """A SQLite URI for `path`: `?`, `#` and `%` in a file name are quoted, never read as URI syntax."""
    return f"{path.resolve().as_uri()}?mode={mode}"


def _check_layout(conn: sqlite3.Connection, path: Path, upgrade: bool = False) -> bool:
    """Whether the database is empty (no tables); raises StoreError unless it is a powermap store of this
    layout (or, with `upgrade`, of the layout `powermap rebuild` upgrades). Only reads."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return True
    if "meta" not in tables or "documents" not in tables:
        raise StoreError(f"{path}: schema none: not a powermap database; refusing to change it")
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'store_version')").fetchall())
    if meta.get("schema") != SCHEMA_VERSION:
        raise StoreError(f"{path}: schema {meta.get('schema', 'none')}, this powermap reads {SCHEMA_VERSION}; "
                         "refusing to change it")
    layout = meta.get("store_version")
    if layout in MIGRATES_FROM and not upgrade:
        raise StoreError(f"{path}: store layout {layout}, this powermap uses {STORE_VERSION}: run "
                         f"`powermap rebuild {path}` once to upgrade it in place (it merges the corpus actors)")
    if layout != STORE_VERSION and not (upgrade and layout in MIGRATES_FROM):
        raise StoreError(f"{path}: store layout {layout or 'unknown'}, this powermap uses "
                         f"{STORE_VERSION}: analyse into a new database (or `powermap load` an export into one)")
    return False


def _inspect(path: Path, upgrade: bool = False) -> bool:
    """Whether `path` is a new (absent or empty) database, checked before anything is written (not even
    the journal mode), so that a file that is refused is left exactly as it was."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return True
    if not path.is_file():
        raise StoreError(f"{path}: not a file")
    try:
        conn = sqlite3.connect(_uri(path, "ro"), uri=True)
        try:
            return _check_layout(conn, path, upgrade)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as a powermap database: {exc}") from exc


class Store:
    """A powermap SQLite database.

    Writes take SQLite's write lock before they read anything they depend on (`BEGIN IMMEDIATE`), so two
    processes writing one store never count an edge twice. `upgrade=True` also opens a store of the
    previous layout, for `rebuild` to upgrade."""

    def __init__(self, path: str | Path, readonly: bool = False, upgrade: bool = False) -> None:
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"{self.path}: no such database")
        new = False if readonly else _inspect(self.path, upgrade)
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
                    self._create_tables()
                    self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('store_version', ?)",
                                      (SCHEMA_VERSION, STORE_VERSION))
            elif not readonly:
                self._check_pages()
                with self._transaction():
                    self.conn.execute(_ERRORS_INDEX)
                    if self.layout == STORE_VERSION:
                        self._create_tables(_VERSION_TABLES)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open as a powermap database: {exc}") from exc

    def _create_tables(self, *scripts: str) -> None:
        """Each statement of the layout (or of `scripts`) on its own (`executescript` would commit the open
        transaction)."""
        for script in scripts or (_TABLES, _INDEXES, _VERSION_TABLES):
            statement = ""
            for piece in script.split(";"):
                statement += piece + ";"
                if sqlite3.complete_statement(statement):
                    if statement.strip(" \n;"):
                        self.conn.execute(statement)
                    statement = ""

    @property
    def layout(self) -> str:
        with self._reading():
            return self.conn.execute("SELECT value FROM meta WHERE key = 'store_version'").fetchone()[0]

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

    def rows(self, query: str, parameters: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """The rows of one read query, as dicts by column name."""
        with self._reading():
            cursor = self.conn.execute(query, tuple(parameters))
            columns = [column[0] for column in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor]

    def has(self, doc_id: str, pipeline: str, versions: dict[str, Any] | None = None) -> bool:
        """Whether this content was already analysed by this version of the pipeline (and, given `versions`,
        with those versions of everything else)."""
        query, parameters = "SELECT 1 FROM documents WHERE id = ? AND pipeline = ?", [doc_id, pipeline]
        if versions is not None:
            if not self._knows_versions():
                return False
            query += " AND id IN (SELECT doc_id FROM analysed_with WHERE doc_id = ? AND digest = ?)"
            parameters += [doc_id, digest(versions)]
        with self._reading():
            return self.conn.execute(query, parameters).fetchone() is not None

    def _knows_versions(self) -> bool:
        """Whether the store has the tables of versions (a store only ever read may be older)."""
        with self._reading():
            return self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'analysed_with'").fetchone() is not None

    def versions(self, doc_id: str) -> dict[str, Any] | None:
        """What a stored document was analysed with, or None when that was not recorded."""
        if not self._knows_versions():
            return None
        with self._reading():
            row = self.conn.execute("SELECT v.data FROM analysed_with a JOIN versions v ON v.digest = a.digest "
                                    "WHERE a.doc_id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def save(self, document: Document, raw: str, replace: bool = True, versions: dict[str, Any] | None = None,
             changed: bool = False) -> bool:
        """Store one document, its actors linked to the corpus actors, its relations, its share of the corpus
        edges and the `versions` it was analysed with in a single transaction, replacing an older analysis of
        the same content; with `replace=False` a document this pipeline version already stored is kept as it
        is (with `changed`, only when it was analysed with the same `versions`). Returns whether anything
        was written."""
        data = document.dump()
        kept, parameters = "SELECT 1 FROM documents WHERE id = ? AND pipeline = ?", [document.id, document.pipeline]
        if changed and versions is not None:
            kept += " AND id IN (SELECT doc_id FROM analysed_with WHERE digest = ?)"
            parameters.append(digest(versions))
        try:
            with self._transaction():
                if not replace and self.conn.execute(kept, parameters).fetchone():
                    return False
                touched = self._remove(document.id)
                content = signature(document.text)
                copy_of = self._original_of(document.id, content)
                self.conn.execute(
                    "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        document.id, document.source, document.format, document.url,
                        document.title, document.author, document.published, document.language,
                        document.pipeline, _now(), raw, json.dumps(data, ensure_ascii=False),
                        document.genre.label if document.genre else None,
                    ),
                )
                if versions is not None:
                    self._record_versions(document.id, versions)
                self._add_fingerprint(document.id, content, copy_of)
                links = {a.id: self._link(a.id, a.name, a.type, a.origin, a.country, a.qid) for a in document.actors}
                self._count_in(document, links)
                self.conn.executemany(
                    "INSERT INTO actors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (document.id, a.id, a.name, a.type, a.country, a.qid, a.origin, len(a.mentions), links[a.id])
                        for a in document.actors
                    ],
                )
                rows = [(*_relation_row(document.id, r.id, r.source, r.target, r.type, r.mode, r.negated,
                                        r.modality, r.asserted_by, r.date, r.confidence, links), r.evidence.text,
                         int(copy_of is None)) for r in document.relations]
                self.conn.executemany(f"INSERT INTO relations VALUES ({', '.join('?' * 20)})", rows)
                self._add_items(document.id, data)
                if copy_of is None:  # a copy's relations are its original's: counted once
                    touched |= self._add_edges(rows, +1)
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

    def _record_versions(self, doc_id: str, versions: dict[str, Any]) -> None:
        key = digest(versions)
        self.conn.execute("INSERT OR IGNORE INTO versions VALUES (?, ?)", (key, json.dumps(versions, sort_keys=True)))
        self.conn.execute("INSERT INTO analysed_with VALUES (?, ?)", (doc_id, key))

    def _add_items(self, doc_id: str, data: dict[str, Any]) -> None:
        """The quotes, claims (and what each is about) and stances of a document, for bounded queries."""
        def dumps(item: dict[str, Any]) -> str:
            return json.dumps(item, ensure_ascii=False)

        self.conn.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?, ?)",
                              [(doc_id, q["start"], q["end"], q["speaker"], dumps(q)) for q in data.get("quotes", [])])
        claims = data.get("claims", [])
        self.conn.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?)",
                              [(doc_id, c["id"], c["start"], c["checkworthiness"], dumps(c)) for c in claims])
        self.conn.executemany("INSERT INTO claim_facts VALUES (?, ?, ?)",
                              {(doc_id, c["id"], subject_key(*about[:4])) for c in claims for about in subjects(c)})
        self.conn.executemany("INSERT INTO stance VALUES (?, ?, ?)",
                              [(doc_id, s["actor"], dumps(s)) for s in data.get("stance", [])])
        passages = [("text", start, text) for start, text in _paragraphs(data["text"])]
        passages += [("quote", q["start"], q["text"]) for q in data.get("quotes", [])]
        passages += [("claim", c["start"], c["text"]) for c in claims]
        self.conn.executemany("INSERT INTO passages (doc_id, kind, start, text) VALUES (?, ?, ?, ?)",
                              [(doc_id, *passage) for passage in passages])

    def _remove(self, doc_id: str) -> set[tuple[str, str, str]]:
        """Take a stored document and its share of the edges and corpus actors away (before it is stored
        again); returns the edges it touched."""
        old = self.conn.execute("SELECT * FROM relations WHERE doc_id = ? AND counted = 1", (doc_id,)).fetchall()
        touched = self._add_edges(old, -1)
        actors = self.conn.execute("SELECT corpus_id, SUM(mention_count) FROM actors WHERE doc_id = ? "
                                   "GROUP BY corpus_id", (doc_id,)).fetchall()
        self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        for corpus_id, mentions in actors:
            aliases = [n for (n,) in self.conn.execute("SELECT DISTINCT name FROM actors WHERE corpus_id = ? "
                                                       "ORDER BY name", (corpus_id,))]
            self.conn.execute("UPDATE corpus_actors SET documents = documents - 1, mentions = mentions - ?, "
                              "aliases = ? WHERE id = ?", (mentions, json.dumps(aliases, ensure_ascii=False),
                                                          corpus_id))
        self.conn.executemany("DELETE FROM corpus_actors WHERE id = ? AND documents <= 0",
                              [(corpus_id,) for corpus_id, _ in actors])
        return touched

    def _add_fingerprint(self, doc_id: str, content: bytes | None, copy_of: str | None) -> None:
        if content is not None:
            self.conn.execute("INSERT INTO signatures VALUES (?, ?)", (doc_id, content))
            self.conn.executemany("INSERT INTO fingerprints VALUES (?, ?, ?)",
                                  [(doc_id, band, value) for band, value in bands(content)])
        if copy_of is not None:
            self.conn.execute("INSERT INTO copies VALUES (?, ?)", (doc_id, copy_of))

    def _original_of(self, doc_id: str, content: bytes | None) -> str | None:
        """The stored document this one is a near-duplicate of (the first stored of the story), if any; a
        document that others are already copies of stays their original."""
        if content is None or self.conn.execute("SELECT 1 FROM copies WHERE original = ? LIMIT 1",
                                                (doc_id,)).fetchone():
            return None
        keys = bands(content)
        same_band = " OR ".join(["(f.band = ? AND f.value = ?)"] * len(keys))
        candidates = self.conn.execute(
            "SELECT s.doc_id, s.signature, c.original FROM signatures s LEFT JOIN copies c ON c.doc_id = s.doc_id "
            f"WHERE s.doc_id != ? AND s.doc_id IN (SELECT f.doc_id FROM fingerprints f WHERE {same_band}) "
            "ORDER BY s.rowid",
            (doc_id, *(v for key in keys for v in key))).fetchall()
        return next((original or other for other, value, original in candidates if near(content, value)), None)

    def _link(self, actor_id: str, name: str, actor_type: str, origin: str, country: str | None,
              qid: str | None) -> str:
        """The corpus actor of one document actor: the one its id already belongs to, else the first of
        its block (most mentioned first) that its name merges into, else a new one. Only the block is read."""
        row = self.conn.execute("SELECT corpus_id FROM actors WHERE actor_id = ? LIMIT 1", (actor_id,)).fetchone()
        found = row[0] if row else None
        key = merge_key(name)
        where = block(kind(actor_type, origin), key)
        if found is None and where is not None:
            found = first_match(key, self.conn.execute(
                "SELECT id, key FROM corpus_actors WHERE block = ? ORDER BY mentions DESC, id", (where,)))
        found = found or actor_id
        self.conn.execute("INSERT OR IGNORE INTO corpus_actors VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', 0, 0)",
                          (found, name, actor_type, country, qid, origin, key, where))
        return found

    def _count_in(self, document: Document, links: dict[str, str]) -> None:
        """Each corpus actor the document names gains one document, its mentions and its spellings."""
        names: dict[str, set[str]] = {}
        mentions: Counter[str] = Counter()
        for actor in document.actors:
            names.setdefault(links[actor.id], set()).add(actor.name)
            mentions[links[actor.id]] += len(actor.mentions)
        for corpus_id, spellings in names.items():
            aliases = json.loads(self.conn.execute("SELECT aliases FROM corpus_actors WHERE id = ?",
                                                   (corpus_id,)).fetchone()[0])
            self.conn.execute("UPDATE corpus_actors SET documents = documents + 1, mentions = mentions + ?, "
                              "aliases = ? WHERE id = ?",
                              (mentions[corpus_id], json.dumps(sorted({*aliases, *spellings}), ensure_ascii=False),
                               corpus_id))

    def _add_edges(self, relations: list[tuple[Any, ...]], sign: int) -> set[tuple[str, str, str]]:
        """Add (or take away) stored relation rows' contributions to their edges: adding a document never
        recomputes the corpus graph."""
        touched = set()
        for row in relations:
            key = (row[11], row[4], row[12])
            self.conn.execute(
                "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (source, type, target) DO "
                "UPDATE SET count = count + excluded.count, negated = negated + excluded.negated, "
                "weight = weight + excluded.weight",
                (*key, sign, sign * int(row[6]), sign * row[15]),
            )
            touched.add(key)
        return touched

    def _settle_edges(self, keys: set[tuple[str, str, str]]) -> None:
        """First and last dates of the edges just changed (each one index lookup, however many relations
        an edge has); edges left with no relation go."""
        edge = "edge_source = ? AND type = ? AND edge_target = ?"
        for key in keys:
            first = self.conn.execute(f"SELECT MIN(date) FROM relations WHERE {edge} AND counted = 1", key)
            last = self.conn.execute(f"SELECT MAX(date) FROM relations WHERE {edge} AND counted = 1", key)
            self.conn.execute("UPDATE edges SET first = ?, last = ? WHERE source = ? AND type = ? AND target = ?",
                              (first.fetchone()[0], last.fetchone()[0], *key))
            self.conn.execute("DELETE FROM edges WHERE source = ? AND type = ? AND target = ? AND count <= 0", key)

    def rebuild(self) -> dict[str, int]:
        """Recompute the merge of the whole store (after the gazetteer or the merge rules changed, or to
        upgrade a store of the previous layout), in one transaction: every actor most mentioned first, as
        a fresh corpus would merge them; then the relations' corpus actors and every edge. Returns what
        moved: corpus actors merged and split, edges added, removed and changed."""
        try:
            with self._transaction():
                layout = self.layout
                if layout in MIGRATES_FROM:
                    if layout == "2":
                        for table, column in _ADDED_COLUMNS:
                            self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
                    self._create_tables()
                    self.conn.execute("UPDATE meta SET value = ? WHERE key = 'store_version'", (STORE_VERSION,))
                    if layout == "2":
                        self._fill_from_documents()
                before = dict(self.conn.execute("SELECT actor_id, COALESCE(corpus_id, actor_id) FROM actors"))
                edges_before = self._edge_totals()
                merger = Merger()
                for actor_id, name, type_, origin, _ in self.conn.execute(
                        "SELECT actor_id, name, type, origin, SUM(mention_count) AS n FROM actors GROUP BY actor_id "
                        "ORDER BY n DESC, actor_id").fetchall():
                    merger.add(actor_id, name, type_, origin)
                self.conn.executemany("UPDATE actors SET corpus_id = ? WHERE actor_id = ?",
                                      [(corpus_id, actor_id) for actor_id, corpus_id in merger.mapping.items()])
                self._recount_corpus_actors()
                relations = self.conn.execute("SELECT doc_id, id, source, target, type, mode, negated, modality, "
                                              "asserted_by, date, confidence FROM relations").fetchall()
                rows = [_relation_row(*row, merger.mapping) for row in relations]
                self.conn.executemany(
                    "UPDATE relations SET edge_source = ?, edge_target = ?, corpus_source = ?, corpus_target = ?, "
                    "weight = ?, date_first = ?, date_last = ? WHERE doc_id = ? AND id = ?",
                    [(*row[11:], row[0], row[1]) for row in rows])
                self.conn.execute("DELETE FROM edges")
                self.conn.execute("INSERT INTO edges SELECT edge_source, type, edge_target, COUNT(*), SUM(negated), "
                                  "SUM(weight), MIN(date), MAX(date) FROM relations WHERE counted = 1 "
                                  "GROUP BY edge_source, type, edge_target")
                edges_after = self._edge_totals()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not rebuild the corpus: {exc}") from exc
        kept = edges_before.keys() & edges_after.keys()
        return {**_moved(before, merger.mapping), "edges_added": len(edges_after.keys() - edges_before.keys()),
                "edges_removed": len(edges_before.keys() - edges_after.keys()),
                "edges_changed": sum(edges_before[k] != edges_after[k] for k in kept),
                "corpus_actors": len(set(merger.mapping.values())), "edges": len(edges_after)}

    def _fill_from_documents(self) -> None:
        """What the previous layout did not keep, read once from each stored document."""
        for doc_id, text in self.conn.execute("SELECT id, document FROM documents ORDER BY rowid").fetchall():
            data = json.loads(text)
            self._add_items(doc_id, data)
            content = signature(data["text"])
            copy_of = self._original_of(doc_id, content)
            self._add_fingerprint(doc_id, content, copy_of)
            self.conn.execute("UPDATE relations SET counted = ? WHERE doc_id = ?", (int(copy_of is None), doc_id))
            self.conn.execute("UPDATE documents SET genre = ? WHERE id = ?",
                              ((data.get("genre") or {}).get("label"), doc_id))
            self.conn.executemany("UPDATE relations SET evidence = ? WHERE doc_id = ? AND id = ?",
                                  [(r["evidence"]["text"], doc_id, r["id"]) for r in data.get("relations", [])])

    def _edge_totals(self) -> dict[tuple[str, str, str], tuple[int, int, float]]:
        return {(s, t, g): (c, n, round(w, 3)) for s, t, g, c, n, w in self.conn.execute(
            "SELECT source, type, target, count, negated, weight FROM edges")}

    def _recount_corpus_actors(self) -> None:
        """The corpus actors anew from the links of the document actors: each named as its representative
        (the actor whose id it has), with every spelling, its documents and mentions."""
        self.conn.execute("DELETE FROM corpus_actors")
        counts = self.conn.execute("SELECT corpus_id, COUNT(DISTINCT doc_id), SUM(mention_count), "
                                   "json_group_array(DISTINCT name) FROM actors GROUP BY corpus_id").fetchall()
        heads = {actor_id: (name, type_, country, qid, origin) for actor_id, name, type_, country, qid, origin in
                 self.conn.execute("SELECT actor_id, name, type, country, qid, origin FROM actors "
                                   "WHERE actor_id = corpus_id GROUP BY actor_id")}
        rows = []
        for corpus_id, documents, mentions, names in counts:
            name, type_, country, qid, origin = heads[corpus_id]
            key = merge_key(name)
            rows.append((corpus_id, name, type_, country, qid, origin, key, block(kind(type_, origin), key),
                         json.dumps(sorted(json.loads(names)), ensure_ascii=False), documents, mentions))
        self.conn.executemany("INSERT INTO corpus_actors VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def edges(self, types: Iterable[str] = (), since: str | None = None, until: str | None = None,
              min_confidence: float = 0.0, limit: int | None = None, documents: bool = True,
              actors: Iterable[str] | None = None, targeted: bool = False) -> list[dict[str, Any]]:
        """The corpus edges, most relations first (`limit` of them), with their documents and asserters.
        Unfiltered they are the `edges` table `save` keeps up to date; filtered by relation type alone, its
        rows of those types; by period (`since`, `until`: ISO at any precision, a relation counts when its
        date overlaps them), confidence or `actors` (corpus ids at either end), the relations that pass,
        summed up in one query. `targeted` leaves out edges without a target before the limit is applied."""
        types = sorted(set(types))
        where, parameters = (f"type IN ({', '.join('?' * len(types))})", list(types)) if types else ("1", [])
        if since is not None or until is not None or min_confidence > 0 or actors is not None:
            filters = [where, "confidence >= ?", "counted = 1"]
            parameters.append(min_confidence)
            if actors is not None:
                ends = sorted(set(actors))
                marks = ", ".join("?" * len(ends))
                filters.append(f"(edge_source IN ({marks}) OR edge_target IN ({marks}))")
                parameters.extend(ends * 2)
            if targeted:
                filters.append("edge_target != ''")
            if since is not None:
                filters.append("date_last >= ?")
                parameters.append(bounds(since)[0].isoformat())
            if until is not None:
                filters.append("date_first <= ?")
                parameters.append(bounds(until)[1].isoformat())
            where = " AND ".join(filters)
            query = ("SELECT edge_source, type, edge_target, COUNT(*) AS n, SUM(negated), SUM(weight), MIN(date), "
                     f"MAX(date) FROM relations WHERE {where} GROUP BY edge_source, type, edge_target")
        else:
            query = f"SELECT * FROM edges WHERE {where}" + (" AND target != ''" if targeted else "")
        query += " ORDER BY 4 DESC, 1, 2, 3" + (f" LIMIT {int(limit)}" if limit is not None else "")
        related = ("SELECT DISTINCT doc_id, asserted_by FROM relations WHERE edge_source = ? AND type = ? "
                   f"AND edge_target = ? AND {where} AND counted = 1")
        rows = []
        with self._reading():
            for source, type_, target, count, negated, weight, first, last in self.conn.execute(
                    query, parameters).fetchall():
                row = {"source": source, "type": type_, "target": target or None, "count": count,
                       "negated": negated, "weight": round(weight, 3), "first": first, "last": last}
                if documents:
                    found = self.conn.execute(related, (source, type_, target, *parameters)).fetchall()
                    row |= {"documents": sorted({d for d, _ in found}),
                            "asserted_by": sorted({a or "unknown speaker" for _, a in found})}
                rows.append(row)
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
        """A document by its id, or by the first id that starts with `doc_id` (an index lookup either way)."""
        with self._reading():
            row = self.conn.execute("SELECT id, document FROM documents WHERE id = ?", (doc_id,)).fetchone() or \
                self.conn.execute("SELECT id, document FROM documents WHERE id >= ? ORDER BY id LIMIT 1",
                                  (doc_id,)).fetchone()
        return json.loads(row[1]) if row and row[0].startswith(doc_id) else None

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
