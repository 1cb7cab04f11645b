"""What the web app and the reading commands show of a store, each through bounded SQL queries.

Nothing here reads every document: lists are ordered and paged (LIMIT/OFFSET), actors and edges come from
the tables the store keeps up to date as documents arrive (`corpus_actors`, `edges`), and a document is
parsed from its JSON only when it is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from powermap.corpus.claims import Conflict, conflicts
from powermap.corpus.store import Store, originals

PAGE = 100  # rows per page of a list
MOST = 1000  # the largest page a client may ask for
RELATED = 200  # relations, quotes, stances and mentions shown for one actor
RELATED_DOCUMENTS = 200  # the documents of an actor its quotes, stances and mentions are taken from
CONFLICT_SUBJECTS = 50  # subjects of disagreeing claims looked at, most documents first
CONFLICT_CLAIMS = 100  # claims of one subject compared
SEARCH_HITS = 50
RANKED = 2000  # matches ranked by bm25 per search, in index order (a common word in a big store)
CONTEXT = 60  # characters of text either side of a search hit


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _actor(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "aliases": json.loads(row["aliases"])}


def overview(store: Store, offset: int = 0, limit: int = PAGE) -> dict[str, Any]:
    """Counts, genres, one page of documents (by source), the most mentioned actors and the first errors."""
    documents = store.rows(
        "SELECT d.id, d.source, d.title, d.author, d.published, d.genre, "
        "(SELECT COUNT(*) FROM actors a WHERE a.doc_id = d.id) AS actors FROM documents d "
        "ORDER BY d.source, d.id LIMIT ? OFFSET ?", (limit, offset))
    return {"documents": documents, "offset": offset, "limit": limit,
            "document_count": store.rows("SELECT COUNT(*) AS n FROM documents")[0]["n"],
            "relations": store.rows("SELECT COUNT(*) AS n FROM relations WHERE counted = 1")[0]["n"],
            "copies": store.rows("SELECT COUNT(*) AS n FROM copies")[0]["n"],
            "genres": {r["genre"] or "unknown": r["n"] for r in store.rows(
                "SELECT genre, COUNT(*) AS n FROM documents GROUP BY genre ORDER BY n DESC, genre")},
            "actors": actors(store, 0, 20),
            "problems": store.rows("SELECT source, stage, message FROM errors ORDER BY id LIMIT ?", (limit,)),
            "problem_count": store.rows("SELECT COUNT(*) AS n FROM errors")[0]["n"]}


def documents(store: Store, offset: int = 0, limit: int = PAGE) -> list[dict[str, Any]]:
    return store.rows("SELECT d.id, d.source, d.title, d.author, d.published, d.language, d.url, d.genre, "
                      "c.original AS copy_of FROM documents d LEFT JOIN copies c ON c.doc_id = d.id "
                      "ORDER BY d.source, d.id LIMIT ? OFFSET ?", (limit, offset))


def copies(store: Store, doc_id: str) -> dict[str, Any]:
    """The document this one is a near-duplicate of, and the documents that are near-duplicates of it."""
    found = store.rows("SELECT original FROM copies WHERE doc_id = ?", (doc_id,))
    return {"copy_of": found[0]["original"] if found else None,
            "copies": [r["doc_id"] for r in store.rows("SELECT doc_id FROM copies WHERE original = ? ORDER BY rowid",
                                                       (doc_id,))]}


def actors(store: Store, offset: int = 0, limit: int = PAGE) -> list[dict[str, Any]]:
    """Corpus actors, most mentioned first."""
    return [_actor(r) for r in store.rows(
        "SELECT id, name, type, country, qid, origin, aliases, documents, mentions FROM corpus_actors "
        "ORDER BY mentions DESC, id LIMIT ? OFFSET ?", (limit, offset))]


def actor(store: Store, actor_id: str) -> dict[str, Any] | None:
    """A corpus actor by its id or by the id of any document actor merged into it."""
    query = ("SELECT id, name, type, country, qid, origin, aliases, documents, mentions FROM corpus_actors "
             "WHERE id = (SELECT COALESCE((SELECT id FROM corpus_actors WHERE id = ?), "
             "(SELECT corpus_id FROM actors WHERE actor_id = ? LIMIT 1)))")
    found = store.rows(query, (actor_id, actor_id))
    return _actor(found[0]) if found else None


def names(store: Store, ids: Iterable[str | None]) -> dict[str, str]:
    """The names of these corpus actors."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, str] = {}
    for chunk in _chunks(wanted):
        found.update((r["id"], r["name"]) for r in store.rows(
            f"SELECT id, name FROM corpus_actors WHERE id IN ({_marks(len(chunk))})", chunk))
    return found


def links(store: Store, doc_id: str) -> dict[str, str]:
    """Each actor of a document -> its corpus actor."""
    return {r["actor_id"]: r["corpus_id"] for r in store.rows(
        "SELECT actor_id, corpus_id FROM actors WHERE doc_id = ?", (doc_id,))}


def _relations(store: Store, column: str, corpus_id: str, limit: int) -> list[dict[str, Any]]:
    return [{**r, "negated": bool(r["negated"]), "evidence": {"text": r["evidence"] or ""}} for r in store.rows(
        "SELECT doc_id AS document, id, corpus_source AS source, corpus_target AS target, type, mode, negated, "
        f"modality, asserted_by, date, confidence, evidence FROM relations WHERE {column} = ? AND counted = 1 "
        "ORDER BY date_first, doc_id, id LIMIT ?", (corpus_id, limit))]


def _items(store: Store, query: str, parameters: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{**json.loads(r["data"]), "document": r["doc_id"]} for r in store.rows(query, parameters)]


def actor_facts(store: Store, corpus_id: str, limit: int = RELATED) -> dict[str, Any]:
    """Relations out and in, quotes by and about, stance toward and mentions of one corpus actor (at most
    `limit` of each; quotes, stance and mentions from its first `RELATED_DOCUMENTS` documents), relation
    counts by type and direction, and the names they refer to."""
    relations_out = _relations(store, "corpus_source", corpus_id, limit)
    relations_in = _relations(store, "corpus_target", corpus_id, limit)
    window = ("a.corpus_id = ? AND a.doc_id IN (SELECT doc_id FROM actors WHERE corpus_id = ? "
              "ORDER BY doc_id LIMIT ?)")  # the actor's first documents: what is shown stays bounded
    among = (corpus_id, corpus_id, RELATED_DOCUMENTS)
    quotes_by = _items(store, "SELECT q.doc_id, q.data FROM actors a JOIN quotes q ON q.doc_id = a.doc_id AND "
                              f"q.speaker = a.actor_id WHERE {window} ORDER BY q.doc_id, q.start LIMIT ?",
                       (*among, limit))
    quotes_about = _items(store, "SELECT DISTINCT q.doc_id, q.start, q.data FROM actors a JOIN mentions m ON "
                                 "m.doc_id = a.doc_id AND m.actor_id = a.actor_id JOIN quotes q ON "
                                 "q.doc_id = a.doc_id AND m.start >= q.start AND m.start < q.\"end\" "
                                 "LEFT JOIN actors speaker ON speaker.doc_id = q.doc_id AND "
                                 "speaker.actor_id = q.speaker "
                                 f"WHERE {window} AND (speaker.corpus_id IS NULL OR speaker.corpus_id != ?) "
                                 "ORDER BY q.doc_id, q.start LIMIT ?", (*among, corpus_id, limit))
    stance = _items(store, "SELECT s.doc_id, s.data FROM actors a JOIN stance s ON s.doc_id = a.doc_id AND "
                           f"s.actor = a.actor_id WHERE {window} ORDER BY s.doc_id LIMIT ?", (*among, limit))
    mentions = store.rows("SELECT m.doc_id AS document, m.start, m.\"end\", m.text, m.kind FROM actors a JOIN "
                          f"mentions m ON m.doc_id = a.doc_id AND m.actor_id = a.actor_id WHERE {window} "
                          "ORDER BY m.doc_id, m.start LIMIT ?", (*among, limit))
    counts = {(r["type"], r["direction"]): r["n"] for r in store.rows(
        "SELECT type, 'out' AS direction, COUNT(*) AS n FROM relations WHERE corpus_source = ? AND counted = 1 "
        "GROUP BY type UNION ALL SELECT type, 'in', COUNT(*) FROM relations WHERE corpus_target = ? AND counted = 1 "
        "GROUP BY type",
        (corpus_id, corpus_id))}
    referred = [corpus_id, *(r[k] for r in relations_out + relations_in for k in ("source", "target"))]
    holders = [links(store, s["document"]).get(s["held_by"]) for s in stance if s["held_by"] != "author"]
    return {"relations_out": relations_out, "relations_in": relations_in, "quotes_by": quotes_by,
            "quotes_about": quotes_about, "stance": stance, "mentions": mentions, "counts": counts,
            "names": names(store, [*referred, *holders])}


def timeline(store: Store, limit: int = 500) -> list[dict[str, Any]]:
    """Dated relations between two actors, oldest first (`limit` of them)."""
    return [{**r, "negated": bool(r["negated"])} for r in store.rows(
        "SELECT date, corpus_source AS source, corpus_target AS target, type, negated, doc_id AS document, "
        "evidence FROM relations WHERE date IS NOT NULL AND target IS NOT NULL AND date_first IS NOT NULL AND "
        "counted = 1 "
        "ORDER BY date, corpus_source, corpus_target LIMIT ?", (limit,))]


def ranked_claims(store: Store, limit: int = PAGE, offset: int = 0) -> list[dict[str, Any]]:
    """Claims across the corpus, most check-worthy first."""
    return [{"document": r["doc_id"], "title": r["title"], **json.loads(r["data"])} for r in store.rows(
        "SELECT c.doc_id, d.title, c.data FROM claims c JOIN documents d ON d.id = c.doc_id "
        f"WHERE {originals('c.doc_id')} ORDER BY c.checkworthiness DESC, c.doc_id, c.start LIMIT ? OFFSET ?",
        (limit, offset))]


def claim_conflicts(store: Store) -> list[Conflict]:
    """Disagreeing claims, among the subjects that claims of more than one document share (the
    `CONFLICT_SUBJECTS` named by most documents, `CONFLICT_CLAIMS` claims of each)."""
    subjects = [r["subject"] for r in store.rows(
        f"SELECT subject, COUNT(DISTINCT doc_id) AS n FROM claim_facts WHERE {originals()} GROUP BY subject "
        "HAVING n > 1 ORDER BY n DESC, subject LIMIT ?", (CONFLICT_SUBJECTS,))]
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    for subject in subjects:
        for r in store.rows("SELECT c.doc_id, c.id, c.data FROM claim_facts f JOIN claims c ON c.doc_id = f.doc_id "
                            f"AND c.id = f.claim_id WHERE f.subject = ? AND {originals('f.doc_id')} "
                            "ORDER BY c.doc_id, c.id LIMIT ?",
                            (subject, CONFLICT_CLAIMS)):
            claims[(r["doc_id"], r["id"])] = json.loads(r["data"])
    by_document: dict[str, list[dict[str, Any]]] = {}
    for (doc_id, _), claim in claims.items():
        by_document.setdefault(doc_id, []).append(claim)
    return conflicts({"id": doc_id, "claims": found} for doc_id, found in by_document.items())


_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.translate(_QUOTES).casefold())


def _hit(text: str, words: list[str]) -> tuple[int, int]:
    """Where the words of the query stand in `text` (their first occurrence, as one phrase if it is one)."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    found = re.search(pattern, text.translate(_QUOTES), flags=re.IGNORECASE) or re.search(
        re.escape(words[0]), text.translate(_QUOTES), flags=re.IGNORECASE)
    return (found.start(), found.end()) if found else (0, 0)


TRIGRAM = 3  # the shortest spelling the actor name index finds (FTS5 trigram)


def _actors_spelled(store: Store, needle: str, limit: int) -> list[dict[str, Any]]:
    """Corpus actors with a spelling that contains `needle`, most mentioned first: through the trigram index
    of their spellings, or, for one or two letters, by walking the actors most mentioned first."""
    columns = "id, name, type, country, qid, origin, aliases, documents, mentions"
    if len(needle) >= TRIGRAM:
        phrase = '"' + needle.replace('"', '""') + '"'
        rows = store.rows(f"SELECT {columns} FROM corpus_actors WHERE id IN (SELECT n.id FROM actor_index f "
                          "JOIN actor_names n ON n.rowid = f.rowid WHERE actor_index MATCH ?) "
                          "ORDER BY mentions DESC, id LIMIT ?", (phrase, limit))
    else:
        rows = store.rows(f"SELECT {columns} FROM corpus_actors WHERE instr(lower(aliases), ?) > 0 "
                          "ORDER BY mentions DESC, id LIMIT ?", (needle, limit))
    return [_actor(r) for r in rows]


def search(store: Store, q: str, limit: int = SEARCH_HITS) -> dict[str, Any]:
    """Actors whose spellings contain the query, and passages of text, quotes and claims that hold its
    words as a phrase (FTS5, best first among the first `RANKED` that hold them, so that a common word
    costs the same in a large store as in a small one), each with the words in context and their exact offsets.
    Apostrophes and quotation marks are folded: `putin's` finds `Putin’s`."""
    words = _words(q)
    if not words:
        return {"actors": [], "hits": []}
    needle = " ".join(words)
    found_actors = _actors_spelled(store, q.strip().translate(_QUOTES).lower(), limit)
    phrase = '"' + " ".join(words) + '"'
    hits, seen = [], set()
    for r in store.rows("SELECT p.kind, p.doc_id, p.start, p.text, d.title, d.source FROM "
                        "(SELECT rowid, rank FROM search WHERE search MATCH ? LIMIT ?) AS s "
                        "JOIN passages p ON p.rowid = s.rowid JOIN documents d ON d.id = p.doc_id "
                        "ORDER BY s.rank LIMIT ?", (phrase, RANKED, limit)):
        start, end = _hit(r["text"], words)
        if (r["doc_id"], r["start"] + start) in seen:  # the same words found again in a quote or claim
            continue
        seen.add((r["doc_id"], r["start"] + start))
        left, right = max(0, start - CONTEXT), min(len(r["text"]), end + CONTEXT)
        hits.append({"kind": r["kind"], "document": r["doc_id"], "title": r["title"] or r["source"],
                     "start": r["start"] + start, "end": r["start"] + end, "before": r["text"][left:start],
                     "match": r["text"][start:end], "after": r["text"][end:right],
                     "clipped": (left > 0, right < len(r["text"]))})
    return {"actors": found_actors, "hits": hits, "query": needle}
