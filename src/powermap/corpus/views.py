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
from dataclasses import dataclass
from typing import Any, get_args
from urllib.parse import urlsplit

from powermap import ontology
from powermap.corpus.claims import Conflict, conflicts
from powermap.corpus.store import Store, originals
from powermap.dates import bounds
from powermap.digest import Group, Line, rank
from powermap.schema import Claim

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
    return [a["id"] for a in _actors_spelled(store, query.strip().translate(_QUOTES).lower(), limit)]


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
    columns = ("MIN(corpus_source, corpus_target) AS first_actor, MAX(corpus_source, corpus_target) AS second_actor, "
               "COUNT(*) AS relations, MIN(date_first) AS first, MAX(date_last) AS last")
    grouped = f"FROM relations WHERE {_DATED} GROUP BY first_actor, second_actor"
    # the number of pairs comes with the page (a window over the groups), so the relations are grouped once
    pairs = store.rows(f"SELECT {columns}, COUNT(*) OVER () AS pair_count {grouped} "
                       "ORDER BY relations DESC, first_actor, second_actor LIMIT ? OFFSET ?", (limit, offset))
    total = pairs[0]["pair_count"] if pairs else store.rows(
        f"SELECT COUNT(*) AS n FROM (SELECT {columns} {grouped})")[0]["n"]
    named = names(store, [p[k] for p in pairs for k in ("first_actor", "second_actor")])
    return {"pairs": [{**{k: v for k, v in p.items() if k != "pair_count"},
                       "first_name": named.get(p["first_actor"], p["first_actor"]),
                       "second_name": named.get(p["second_actor"], p["second_actor"])} for p in pairs],
            "total": total, "offset": offset, "limit": limit}


def pair_relations(store: Store, first_actor: str, second_actor: str,
                   limit: int = PAIR_RELATIONS) -> list[dict[str, Any]]:
    """The dated relations between two actors, either way, oldest first (`limit` of them)."""
    return [{**r, "negated": bool(r["negated"])} for r in store.rows(
        "SELECT date, corpus_source AS source, corpus_target AS target, type, negated, doc_id AS document, "
        f"evidence FROM relations WHERE ((corpus_source = ? AND corpus_target = ?) OR (corpus_source = ? AND "
        f"corpus_target = ?)) AND {_DATED} ORDER BY date, doc_id LIMIT ?",
        (first_actor, second_actor, second_actor, first_actor, limit))]


def ranked_claims(store: Store, limit: int = PAGE, offset: int = 0) -> list[dict[str, Any]]:
    """Claims across the corpus, most check-worthy first: the claims page with no filter."""
    return filtered_claims(store, ClaimFilters(), limit, offset)


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
        hits.append({"kind": r["kind"], "document": r["doc_id"], "title": document_name(r["title"], r["source"]),
                     "start": r["start"] + start, "end": r["start"] + end, "before": r["text"][left:start],
                     "match": r["text"][start:end], "after": r["text"][end:right],
                     "clipped": (left > 0, right < len(r["text"]))})
    return {"actors": found_actors, "hits": hits, "query": needle}


# -- pages: documents by name, digests, actors across documents, outlets, claim filters --------------
COMPARED_DOCUMENTS = 500  # the documents of an actor the framing comparison reads, first by id
GROUPS = 300  # (type, direction, other side) groups of one actor's relations shown
CLAIM_KINDS: tuple[str, ...] = get_args(Claim.model_fields["kind"].annotation)  # the claims filter's choices


def document_name(title: str | None, source: str) -> str:
    """What a document is called: its title, else the file name of its source (with its record)."""
    if title and title.strip():
        return title.strip()
    path, hash_, record = source.partition("#")
    return (path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or path) + hash_ + record


def outlet(url: str | None, source: str) -> str:
    """The outlet a document comes from: the site of its URL (without `www.`), else its source file."""
    if url:
        host = urlsplit(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return document_name(None, source.partition("#")[0])


def titles(store: Store, ids: Iterable[str | None]) -> dict[str, str]:
    """The names of these documents (title, else source file name)."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, str] = {}
    for chunk in _chunks(wanted):
        found.update((r["id"], document_name(r["title"], r["source"])) for r in store.rows(
            f"SELECT id, title, source FROM documents WHERE id IN ({_marks(len(chunk))})", chunk))
    return found


def digests(store: Store, doc_ids: list[str], lines: int = 1) -> dict[str, list[Line]]:
    """The summary lines of these documents (a page of them), from their relations and actors only; actors
    by their corpus names, as the document page shows them."""
    found: dict[str, list[Line]] = {}
    for chunk in _chunks(doc_ids):
        marks = _marks(len(chunk))
        actors_of: dict[str, list[dict[str, Any]]] = {}
        for r in store.rows("SELECT a.doc_id, a.actor_id, COALESCE(c.name, a.name) AS name, a.mention_count FROM "
                            f"actors a LEFT JOIN corpus_actors c ON c.id = a.corpus_id WHERE a.doc_id IN ({marks})",
                            chunk):
            actors_of.setdefault(r["doc_id"], []).append(r)
        for r in store.rows("SELECT id, json_extract(document, '$.relations') AS relations, "
                            f"length(json_extract(document, '$.text')) AS length FROM documents WHERE id IN ({marks})",
                            chunk):
            people = actors_of.get(r["id"], [])
            found[r["id"]] = rank(json.loads(r["relations"] or "[]"), {a["actor_id"]: a["name"] for a in people},
                                  {a["actor_id"]: a["mention_count"] for a in people}, r["length"] or 0, lines)
    return found


def actor_groups(store: Store, corpus_id: str, limit: int = GROUPS) -> list[Group]:
    """An actor's counted relations across the corpus by type, direction, negation and other side, with
    counts, first and last dates and one piece of evidence each, most relations first."""
    side = ("SELECT type, '{direction}' AS direction, negated, {other} AS other, COUNT(*) AS n, "
            "MIN(CASE WHEN date_first IS NOT NULL THEN date END) AS first, "  # the dates as written, checked ones only
            "MAX(CASE WHEN date_first IS NOT NULL THEN date END) AS last, MIN(doc_id || char(31) || id) AS example "
            "FROM relations WHERE {column} = ? AND counted = 1 GROUP BY type, negated, {other}")
    query = (side.format(direction="out", other="corpus_target", column="corpus_source") + " UNION ALL " +
             side.format(direction="in", other="corpus_source", column="corpus_target") +
             " ORDER BY n DESC, type, direction, other LIMIT ?")
    groups = []
    for r in store.rows(query, (corpus_id, corpus_id, limit)):
        document, _, relation = r["example"].partition("\x1f")
        groups.append(Group(r["type"], r["direction"], bool(r["negated"]), r["other"], r["n"], r["first"], r["last"],
                            document, relation))
    return groups


def _windowed_documents(store: Store, corpus_id: str, limit: int, other: str | None = None) -> dict[str, Any]:
    """The first `limit` documents (by id) an actor is in (with `other`: that name both), with the actor's
    local ids there and their outlets."""
    both = " AND a.doc_id IN (SELECT doc_id FROM actors WHERE corpus_id = ?)" if other else ""
    rows = store.rows("SELECT a.doc_id, a.actor_id, d.title, d.source, d.url FROM actors a JOIN documents d ON "
                      f"d.id = a.doc_id WHERE a.corpus_id = ?{both} ORDER BY a.doc_id LIMIT ?",
                      (corpus_id, *([other] if other else []), limit))
    found: dict[str, Any] = {}
    for r in rows:
        doc = found.setdefault(r["doc_id"], {"outlet": outlet(r["url"], r["source"]), "ids": set(),
                                             "name": document_name(r["title"], r["source"])})
        doc["ids"].add(r["actor_id"])
    return found


def framing(store: Store, corpus_id: str, limit: int = COMPARED_DOCUMENTS, other: str | None = None) -> dict[str, Any]:
    """Per outlet, how it frames one actor: the authors' and the quoted speakers' stance toward it (mean and
    count), the techniques aimed at it by voice, and the relation types it reports by and on it. Read from
    the actor's first `limit` documents; `documents` says how many that was. With `other` (a second corpus
    actor), one story: the documents that name both, and only the relations between the two."""
    by_doc = _windowed_documents(store, corpus_id, limit, other)
    outlets: dict[str, dict[str, Any]] = {}

    def row(doc_id: str) -> dict[str, Any]:
        name = by_doc[doc_id]["outlet"]
        return outlets.setdefault(name, {"outlet": name, "documents": {}, "author_stance": [], "quoted_stance": [],
                                         "techniques": {}, "relations": {}})

    between = " AND corpus_source IN (?, ?) AND corpus_target IN (?, ?)" if other else ""
    pair = [corpus_id, other] * 2 if other else []
    for doc_id, doc in by_doc.items():
        row(doc_id)["documents"][doc_id] = doc["name"]
    for chunk in _chunks(list(by_doc)):
        marks = _marks(len(chunk))
        for r in store.rows(f"SELECT doc_id, actor, data FROM stance WHERE doc_id IN ({marks})", chunk):
            if r["actor"] in by_doc[r["doc_id"]]["ids"]:
                stance = json.loads(r["data"])
                key = "author_stance" if stance["held_by"] == "author" else "quoted_stance"
                row(r["doc_id"])[key].append(stance["value"])
        for r in store.rows("SELECT id, json_extract(document, '$.rhetoric') AS rhetoric FROM documents "
                            f"WHERE id IN ({marks})", chunk):
            for technique in json.loads(r["rhetoric"] or "[]"):
                if technique["target"] in by_doc[r["id"]]["ids"]:
                    voice = "author" if technique.get("held_by") == "author" else "quoted"
                    counts = row(r["id"])["techniques"]
                    counts[(technique["technique"], voice)] = counts.get((technique["technique"], voice), 0) + 1
        for r in store.rows("SELECT doc_id, type, CASE WHEN corpus_source = ? THEN 'by' ELSE 'on' END AS direction, "
                            f"COUNT(*) AS n FROM relations WHERE doc_id IN ({marks}) AND counted = 1 AND "
                            f"(corpus_source = ? OR corpus_target = ?){between} GROUP BY doc_id, type, direction",
                            (corpus_id, *chunk, corpus_id, corpus_id, *pair)):
            counts = row(r["doc_id"])["relations"]
            counts[(r["type"], r["direction"])] = counts.get((r["type"], r["direction"]), 0) + r["n"]
    for found in outlets.values():
        for key in ("author_stance", "quoted_stance"):
            values = found.pop(key)
            found[key] = {"mean": sum(values) / len(values), "count": len(values)} if values else None
    ordered = sorted(outlets.values(), key=lambda o: (-len(o["documents"]), o["outlet"]))
    return {"outlets": ordered, "documents": len(by_doc), "limit": limit}


@dataclass(frozen=True)
class ClaimFilters:
    """What the claims page narrows to; empty fields filter nothing."""

    kind: str = ""
    min_score: float = 0.0
    actor: str = ""  # a corpus actor id
    document: str = ""  # a document id
    outlet: str = ""  # words of the document's URL or source
    has_quantity: bool = False
    q: str = ""  # words of the claim's text

    def where(self) -> tuple[str, list[Any]]:
        """The SQL conditions (on claims `c` joined to documents `d`) and their parameters."""
        conditions, parameters = [originals("c.doc_id")], []
        if self.kind:
            conditions.append("json_extract(c.data, '$.kind') = ?")
            parameters.append(self.kind)
        if self.min_score > 0:
            conditions.append("c.checkworthiness >= ?")
            parameters.append(self.min_score)
        if self.actor:
            conditions.append("EXISTS (SELECT 1 FROM actors a, json_each(c.data, '$.actors') j WHERE "
                              "a.doc_id = c.doc_id AND a.corpus_id = ? AND a.actor_id = j.value)")
            parameters.append(self.actor)
        if self.document:
            conditions.append("c.doc_id = ?")
            parameters.append(self.document)
        if self.outlet:
            conditions.append("instr(lower(COALESCE(d.url, '') || ' ' || d.source), ?) > 0")
            parameters.append(self.outlet.strip().lower())
        if self.has_quantity:
            conditions.append("json_array_length(c.data, '$.quantities') > 0")
        if self.q.strip():
            conditions.append("instr(lower(json_extract(c.data, '$.text')), ?) > 0")
            parameters.append(self.q.strip().translate(_QUOTES).lower())
        return " AND ".join(conditions), parameters


def filtered_claims(store: Store, filters: ClaimFilters, limit: int = PAGE, offset: int = 0) -> list[dict[str, Any]]:
    """Claims across the corpus that pass `filters`, most check-worthy first (the score's index orders them;
    a page is `limit` rows)."""
    where, parameters = filters.where()
    return [{"document": r["doc_id"], "title": document_name(r["title"], r["source"]), **json.loads(r["data"])}
            for r in store.rows("SELECT c.doc_id, d.title, d.source, c.data FROM claims c JOIN documents d ON "
                                f"d.id = c.doc_id WHERE {where} ORDER BY c.checkworthiness DESC, c.doc_id, c.start "
                                "LIMIT ? OFFSET ?", (*parameters, limit, offset))]
