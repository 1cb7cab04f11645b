"""What the web app and the reading commands show of a store, each through bounded SQL queries.

Nothing here reads every document: lists are ordered and paged (LIMIT/OFFSET), actors and edges come from
the tables the store keeps up to date as documents arrive (`corpus_actors`, `edges`), and a document is
parsed from its JSON only when it is shown.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from powermap import ontology
from powermap.corpus.claims import Conflict, conflicts
from powermap.corpus.store import Store, originals
from powermap.dates import bounds

PAGE = 100  # rows per page of a list
MOST = 1000  # the largest page a client may ask for
RELATED = 200  # relations, quotes, stances and mentions shown for one actor
RELATED_DOCUMENTS = 200  # the documents of an actor its quotes, stances and mentions are taken from
CONFLICT_SUBJECTS = 50  # subjects of disagreeing claims looked at, most documents first
CONFLICT_CLAIMS = 100  # claims of one subject compared
SEARCH_HITS = 50
RANKED = 2000  # matches ranked by bm25 per search, in index order (a common word in a big store)
CONTEXT = 60  # characters of text either side of a search hit
NETWORK_EDGES = 150  # the busiest edges the network page draws: enough to read, few enough to stay fast
ACTOR_MATCHES = 50  # actors an actor filter of the network keeps, most mentioned first
EVIDENCE = 50  # relations listed as the evidence of one edge, most confident first
TIMELINE_PAIRS = 30  # actor pairs the timeline shows at first (and adds with each "more")
PAIR_RELATIONS = 100  # dated relations drawn for one pair of the timeline
_DATED = "date IS NOT NULL AND target IS NOT NULL AND date_first IS NOT NULL AND counted = 1"


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
        f"evidence FROM relations WHERE {_DATED} ORDER BY date, corpus_source, corpus_target LIMIT ?", (limit,))]


def _period(since: str | None, until: str | None) -> tuple[str, list[str]]:
    """The SQL condition (and its parameters) that a relation's days overlap the period."""
    filters, parameters = ["1"], []
    if since:
        filters.append("date_last >= ?")
        parameters.append(bounds(since)[0].isoformat())
    if until:
        filters.append("date_first <= ?")
        parameters.append(bounds(until)[1].isoformat())
    return " AND ".join(filters), parameters


def actors_named(store: Store, query: str, limit: int = ACTOR_MATCHES) -> list[str]:
    """The corpus actors one of whose spellings contains `query` (case and apostrophes folded), most
    mentioned first."""
    needle = query.strip().translate(_QUOTES).lower()
    return [r["id"] for r in store.rows("SELECT id FROM corpus_actors WHERE instr(lower(aliases), ?) > 0 "
                                        "ORDER BY mentions DESC, id LIMIT ?", (needle, limit))]


def network(store: Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None,
            min_confidence: float = 0.0, actor: str = "", limit: int = NETWORK_EDGES) -> dict[str, Any]:
    """The `limit` busiest edges between two actors that pass the filters (relation types, period, confidence,
    an actor's name at either end), the actors they join with their type, mentions and degree, and whether more
    edges pass than are given (`more`). Every edge carries both names, its sign and whether it has a direction."""
    matched = actors_named(store, actor) if actor.strip() else None
    found = store.edges(types, since, until, min_confidence, limit + 1, documents=False, actors=matched,
                        targeted=True)
    edges = found[:limit]
    degree: Counter[str] = Counter(e[k] for e in edges for k in ("source", "target"))
    nodes = {r["id"]: {**r, "degree": degree[r["id"]]} for r in _actor_rows(store, list(degree))}
    shown = [{"source": e["source"], "target": e["target"], "relation": e["type"], "count": e["count"],
              "negated": e["negated"], "weight": e["weight"], "first": e["first"], "last": e["last"],
              "sign": ontology.sign(e["type"]), "directed": not ontology.symmetric(e["type"]),
              "source_name": nodes.get(e["source"], {}).get("name", e["source"]),
              "target_name": nodes.get(e["target"], {}).get("name", e["target"])} for e in edges]
    return {"nodes": sorted(nodes.values(), key=lambda n: (-n["mentions"], n["id"])), "edges": shown,
            "more": len(found) > limit, "limit": limit, "matched_actors": None if matched is None else len(matched)}


def _actor_rows(store: Store, ids: list[str]) -> Iterator[dict[str, Any]]:
    for chunk in _chunks(sorted(ids)):
        yield from store.rows(f"SELECT id, name, type, country, mentions FROM corpus_actors "
                              f"WHERE id IN ({_marks(len(chunk))})", chunk)


def edge_evidence(store: Store, source: str, type_: str, target: str, since: str | None = None,
                  until: str | None = None, min_confidence: float = 0.0, limit: int = EVIDENCE) -> dict[str, Any]:
    """The relations one edge sums up (the `limit` most confident that pass the filters): the sentence each was
    read from with its offsets in its document, the trigger, confidence, modality, date and who asserts it."""
    period, parameters = _period(since, until)
    rows = store.rows(
        "SELECT r.doc_id, r.id, r.type, r.negated, r.modality, r.date, r.confidence, r.asserted_by, "
        "r.corpus_source, r.corpus_target, d.title, d.source AS document_source, speaker.name AS asserter "
        "FROM relations r JOIN documents d ON d.id = r.doc_id "
        "LEFT JOIN actors held ON held.doc_id = r.doc_id AND held.actor_id = r.asserted_by "
        "LEFT JOIN corpus_actors speaker ON speaker.id = held.corpus_id "
        f"WHERE r.edge_source = ? AND r.type = ? AND r.edge_target = ? AND r.counted = 1 AND r.confidence >= ? "
        f"AND {period} ORDER BY r.confidence DESC, r.doc_id, r.id LIMIT ?",
        (source, type_, target, min_confidence, *parameters, limit))
    named = names(store, [source, target, *(r[k] for r in rows for k in ("corpus_source", "corpus_target"))])
    items = []
    for row in rows:
        spans = store.rows("SELECT json_extract(j.value, '$.evidence') AS evidence, "
                           "json_extract(j.value, '$.trigger') AS trigger FROM documents d, "
                           "json_each(d.document, '$.relations') j WHERE d.id = ? AND "
                           "json_extract(j.value, '$.id') = ?", (row["doc_id"], row["id"]))
        if not spans:
            continue
        evidence, trigger = json.loads(spans[0]["evidence"]), json.loads(spans[0]["trigger"])
        asserter = row["asserted_by"] if row["asserted_by"] in (None, "author") else row["asserter"]
        items.append({"document": row["doc_id"], "title": row["title"] or row["document_source"],
                      "relation": row["id"], "source": row["corpus_source"], "target": row["corpus_target"],
                      "source_name": named.get(row["corpus_source"], row["corpus_source"]),
                      "target_name": named.get(row["corpus_target"], row["corpus_target"]),
                      "type": row["type"], "negated": bool(row["negated"]), "modality": row["modality"],
                      "date": row["date"], "confidence": row["confidence"],
                      "asserted_by": asserter or row["asserted_by"] or "unknown speaker",
                      "evidence": evidence, "trigger": trigger})
    return {"source": source, "target": target, "relation": type_, "source_name": named.get(source, source),
            "target_name": named.get(target, target), "relations": items, "limit": limit}


def busiest_pairs(store: Store, limit: int = TIMELINE_PAIRS, offset: int = 0) -> dict[str, Any]:
    """Actor pairs (either direction) by their number of dated relations, busiest first, with both names,
    the first and last day, and how many pairs there are."""
    grouped = (f"SELECT MIN(corpus_source, corpus_target) AS first_actor, MAX(corpus_source, corpus_target) AS "
               f"second_actor, COUNT(*) AS relations, MIN(date_first) AS first, MAX(date_last) AS last "
               f"FROM relations WHERE {_DATED} GROUP BY first_actor, second_actor")
    pairs = store.rows(f"{grouped} ORDER BY relations DESC, first_actor, second_actor LIMIT ? OFFSET ?",
                       (limit, offset))
    named = names(store, [p[k] for p in pairs for k in ("first_actor", "second_actor")])
    return {"pairs": [{**p, "first_name": named.get(p["first_actor"], p["first_actor"]),
                       "second_name": named.get(p["second_actor"], p["second_actor"])} for p in pairs],
            "total": store.rows(f"SELECT COUNT(*) AS n FROM ({grouped})")[0]["n"], "offset": offset, "limit": limit}


def pair_relations(store: Store, first_actor: str, second_actor: str,
                   limit: int = PAIR_RELATIONS) -> list[dict[str, Any]]:
    """The dated relations between two actors, either way, oldest first (`limit` of them)."""
    return [{**r, "negated": bool(r["negated"])} for r in store.rows(
        "SELECT date, corpus_source AS source, corpus_target AS target, type, negated, doc_id AS document, "
        f"evidence FROM relations WHERE ((corpus_source = ? AND corpus_target = ?) OR (corpus_source = ? AND "
        f"corpus_target = ?)) AND {_DATED} ORDER BY date, doc_id LIMIT ?",
        (first_actor, second_actor, second_actor, first_actor, limit))]


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


def search(store: Store, q: str, limit: int = SEARCH_HITS) -> dict[str, Any]:
    """Actors whose spellings contain the query, and passages of text, quotes and claims that hold its
    words as a phrase (FTS5, best first among the first `RANKED` that hold them, so that a common word
    costs the same in a large store as in a small one), each with the words in context and their exact offsets.
    Apostrophes and quotation marks are folded: `putin's` finds `Putin’s`."""
    words = _words(q)
    if not words:
        return {"actors": [], "hits": []}
    needle = " ".join(words)
    found_actors = [_actor(r) for r in store.rows(
        "SELECT id, name, type, country, qid, origin, aliases, documents, mentions FROM corpus_actors "
        "WHERE instr(lower(aliases), ?) > 0 ORDER BY mentions DESC, id LIMIT ?", (q.strip().translate(_QUOTES).lower(),
                                                                                  limit))]
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
