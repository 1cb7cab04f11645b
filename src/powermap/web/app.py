"""The local web app: corpus overview, documents with evidence highlighted, actors, network, timeline,
claims and search, plus a JSON API. The pictures are SVG drawn here, but the network, which vis-network draws
in the browser from the copy the installed `pyvis` package holds (`web/vendor.py`): the app needs no network.

The store is opened read-only; every text goes through Jinja's autoescaping. Only requests that name
this machine (or the host the app was bound to) in `Host` are served, so a web page elsewhere cannot
reach the corpus through DNS rebinding, and every response forbids framing, sniffing and outside resources.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from powermap import digest, ontology
from powermap.corpus import views
from powermap.corpus.store import Store, StoreError
from powermap.dates import bounds
from powermap.web import vendor

HERE = resources.files("powermap") / "web"
TIMELINE_ROWS = 500  # dated relations the timeline's table lists
Offset = Annotated[int, Query(ge=0)]
Confidence = Annotated[float, Query(ge=0, le=1)]
Limit = Annotated[int, Query(ge=1, le=views.MOST)]
LAYERS = ("actors", "quotes", "relations", "claims", "techniques")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The date filters, checked: a malformed date is the client's error (400), not the server's."""
    for name, value in (("since", since), ("until", until)):
        try:
            if value:
                bounds(value)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=f"{name}: {exc}") from None
    return since or None, until or None


def _relation_types(types: list[str] | None) -> list[str]:
    """The relation type filters, checked: `ally` or a typo is the client's error (400), not an empty network."""
    for name in types or []:
        try:
            ontology.kind(name)
        except ontology.UnknownRelationType as exc:
            raise HTTPException(status_code=400, detail=f"type: {exc}") from None
    return types or []


def create_app(db: Path, hosts: Iterable[str] = ()) -> FastAPI:
    """The app for one store; nothing in it writes. `hosts` are host names served besides this machine's."""
    if not Path(db).exists():
        raise FileNotFoundError(db)
    app = FastAPI(title="powermap", docs_url=None, redoc_url=None,
                  description="The power map of a corpus of political writing, as JSON.")
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=[*LOCAL_HOSTS, *hosts])

    @app.exception_handler(StoreError)
    async def store_unreadable(request: Request, exc: StoreError) -> Response:
        """A damaged store is a one-line answer, never a stack trace."""
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(evidence_link=evidence_link, relation_link=relation_link, claim_link=claim_link,
                                 document_name=views.document_name)

    @app.exception_handler(StarletteHTTPException)
    async def not_found_page(request: Request, exc: StarletteHTTPException) -> Response:
        """An unknown page, document or actor is an HTML page a reader can go on from; the API keeps JSON."""
        if exc.status_code != 404 or request.url.path.startswith("/api/"):
            return await http_exception_handler(request, exc)
        return templates.TemplateResponse(request, "404.html", {"layers": LAYERS, "detail": exc.detail,
                                                                "path": request.url.path}, status_code=404)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def store() -> Store:
        """A read-only connection for one request: every page reads only what it shows."""
        return Store(db, readonly=True)

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"layers": LAYERS, **context})

    def document_or_404(data: Store, doc_id: str) -> dict[str, Any]:
        document = data.document(doc_id)
        if document is None:
            raise HTTPException(status_code=404, detail="no such document")
        return document

    def actor_or_404(data: Store, actor_id: str) -> dict[str, Any]:
        actor = views.actor(data, actor_id)
        if actor is None:
            raise HTTPException(status_code=404, detail="no such actor")
        return actor

    # -- pages --------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request, offset: Offset = 0) -> HTMLResponse:
        with store() as data:
            found = views.overview(data, offset)
            lines = views.digests(data, [d["id"] for d in found["documents"]])
        return page(request, "overview.html", **found, digests=lines)

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str, hit: str = "", rel: str = "", claim: str = "") -> HTMLResponse:
        with store() as data:
            document = document_or_404(data, doc_id)
            links = views.links(data, document["id"])
            names = views.names(data, links.values())
            copies = views.copies(data, document["id"])
            titles = views.titles(data, [copies["copy_of"], *copies["copies"]])
        shown = {actor_id: names.get(corpus_id, actor_id) for actor_id, corpus_id in links.items()}
        shown.update((a["id"], a["name"]) for a in document["actors"] if a["id"] not in shown)
        span = _span(hit, len(document["text"])) or _item_span(document, rel, claim)
        return page(request, "document.html", document=document, names=shown, links=links, **copies, titles=titles,
                    heading=views.document_name(document.get("title"), document["source"]),
                    summary=digest.document_lines(document, shown),
                    voices=digest.voices(document, shown), marked=Markup(highlight(document, links, span)))

    @app.get("/actor/{actor_id}", response_class=HTMLResponse)
    def actor_page(request: Request, actor_id: str) -> HTMLResponse:
        with store() as data:
            actor = actor_or_404(data, actor_id)
            facts = views.actor_facts(data, actor["id"])
            groups = views.actor_groups(data, actor["id"])
            framing = views.framing(data, actor["id"])
            facts["names"].update(views.names(data, [g.other for g in groups]))
            listed = ("relations_out", "relations_in", "quotes_by", "quotes_about", "stance", "mentions")
            shown = [g.document for g in groups] + [r["document"] for k in listed for r in facts[k]]
            titles = views.titles(data, shown)
        return page(request, "actor.html", actor=actor, **facts, bars=Markup(relation_bars(facts["counts"])),
                    groups=groups, framing=framing, titles=titles,
                    sentence=digest.actor_sentence(actor["name"], groups, facts["names"]))

    @app.get("/network", response_class=HTMLResponse)
    def network_page(request: Request, type: Annotated[list[str] | None, Query()] = None,  # noqa: A002
                     since: str | None = None, until: str | None = None, actor: str = "",
                     min_confidence: Confidence = 0.0) -> HTMLResponse:
        with store() as data:
            found = views.network(data, _relation_types(type), *_period(since, until), min_confidence, actor)
        return page(request, "network.html", **found, types=sorted(ontology.RELATION_TYPES), chosen=set(type or []),
                    since=since or "", until=until or "", actor=actor, min_confidence=min_confidence)

    @app.get("/vendor/{name}")
    def vendor_file(name: str) -> FileResponse:
        """vis-network's standalone build and stylesheet, served from the installed `pyvis` package."""
        if name not in vendor.FILES:
            raise HTTPException(status_code=404, detail="no such file")
        try:
            return FileResponse(vendor.library_file(name), media_type=vendor.FILES[name])
        except vendor.LibraryMissing as exc:
            raise HTTPException(status_code=503, detail=str(exc)) from None

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request, pairs: Limit = views.TIMELINE_PAIRS) -> HTMLResponse:
        with store() as data:
            busiest = views.busiest_pairs(data, pairs)
            rows = {(p["first_actor"], p["second_actor"]): views.pair_relations(data, p["first_actor"],
                                                                                p["second_actor"])
                    for p in busiest["pairs"]}
            names = views.names(data, [r[k] for found in rows.values() for r in found for k in ("source", "target")])
        listed = sorted((r for found in rows.values() for r in found), key=lambda r: (r["date"], r["document"]))
        return page(request, "timeline.html", **busiest, rows=listed[:TIMELINE_ROWS], listed_all=len(listed),
                    svg=Markup(timeline_svg(busiest["pairs"], rows, names)), names=names,
                    step=views.TIMELINE_PAIRS)

    @app.get("/claims", response_class=HTMLResponse)
    def claims_page(request: Request, offset: Offset = 0, kind: str = "",
                    min_score: Annotated[float, Query(ge=0, le=1)] = 0.0, actor: str = "", doc: str = "",
                    outlet: str = "", has_quantity: bool = False, q: str = "") -> HTMLResponse:
        filters = views.ClaimFilters(kind if kind in views.CLAIM_KINDS else "", min_score, actor, doc, outlet,
                                     has_quantity, q)
        chosen = {k: v for k, v in {"kind": filters.kind, "min_score": min_score or "", "actor": actor, "doc": doc,
                                    "outlet": outlet, "has_quantity": "1" if has_quantity else "", "q": q}.items() if v}
        with store() as data:
            return page(request, "claims.html", claims=views.filtered_claims(data, filters, 200, offset),
                        conflicts=views.claim_conflicts(data) if not chosen else [], offset=offset, limit=200,
                        kinds=views.CLAIM_KINDS, filters=filters, chosen=chosen, claim_q=q,
                        actor_name=views.names(data, [actor]).get(actor, actor),
                        document_title=views.titles(data, [doc]).get(doc, doc))

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "") -> HTMLResponse:
        with store() as data:
            return page(request, "search.html", q=q, **views.search(data, q))

    @app.get("/compare", response_class=HTMLResponse)
    def compare_page(request: Request, actor: str = "", other: str = "") -> HTMLResponse:
        """How each outlet frames one actor (with `other`: one story, the documents naming both): stance,
        techniques aimed at it and the relations it reports."""
        with store() as data:
            if not actor:
                return page(request, "compare.html", chosen=None, choices=views.actors(data, 0, 50))
            found = actor_or_404(data, actor)
            second = actor_or_404(data, other) if other else None
            partners = list(dict.fromkeys(g.other for g in views.actor_groups(data, found["id"], 100) if g.other))
            named = views.names(data, partners)
            return page(request, "compare.html", chosen=found, second=second, choices=[],
                        partners={p: named.get(p, p) for p in partners},
                        **views.framing(data, found["id"], other=second["id"] if second else None))

    @app.get("/api", response_class=HTMLResponse)
    def api_page(request: Request) -> HTMLResponse:
        paths = [(path, sorted(ops), next(iter(ops.values())).get("summary", ""))
                 for path, ops in app.openapi()["paths"].items() if path.startswith("/api/")]
        return page(request, "api.html", paths=paths)

    # -- JSON API -----------------------------------------------------------------------------------
    @app.get("/api/documents")
    def api_documents(offset: Offset = 0, limit: Limit = views.PAGE) -> list[dict[str, Any]]:
        """Documents' metadata, by source, a page at a time."""
        with store() as data:
            return views.documents(data, offset, limit)

    @app.get("/api/documents/{doc_id}")
    def api_document(doc_id: str) -> dict[str, Any]:
        """One document in full (schema powermap/1)."""
        with store() as data:
            return document_or_404(data, doc_id)

    @app.get("/api/documents/{doc_id}/copies")
    def api_copies(doc_id: str) -> dict[str, Any]:
        """The document a document is a near-duplicate of, and its own near-duplicates (counted once)."""
        with store() as data:
            return views.copies(data, document_or_404(data, doc_id)["id"])

    @app.get("/api/actors")
    def api_actors(offset: Offset = 0, limit: Limit = views.PAGE) -> list[dict[str, Any]]:
        """Actors merged across documents, most mentioned first, a page at a time."""
        with store() as data:
            return [{**{k: a[k] for k in ("id", "name", "type", "country", "qid", "origin", "mentions", "documents")},
                     "variants": a["aliases"]} for a in views.actors(data, offset, limit)]

    @app.get("/api/actors/{actor_id}")
    def api_actor(actor_id: str) -> dict[str, Any]:
        """One actor: mentions, relations in and out, quotes by and about, stance toward it (the first
        of each)."""
        with store() as data:
            actor = actor_or_404(data, actor_id)
            facts = views.actor_facts(data, actor["id"])
        counts = [{"type": t, "direction": d, "count": n} for (t, d), n in sorted(facts.pop("counts").items())]
        return {**{k: actor[k] for k in ("id", "name", "type", "country", "qid", "origin")},
                "variants": actor["aliases"], "mention_count": actor["mentions"], "document_count": actor["documents"],
                **facts, "relation_counts": counts}

    @app.get("/api/edges")
    def api_edges(type: Annotated[list[str] | None, Query()] = None, since: str | None = None,  # noqa: A002
                  until: str | None = None, actor: str = "", min_confidence: Confidence = 0.0,
                  limit: Limit = views.PAGE) -> list[dict[str, Any]]:
        """Aggregated relation edges between two actors, most relations first, with both names, filtered by type,
        date, confidence and an actor's name (either end)."""
        with store() as data:
            found = views.network(data, _relation_types(type), *_period(since, until), min_confidence, actor, limit)
        return found["edges"]

    @app.get("/api/network")
    def api_network(type: Annotated[list[str] | None, Query()] = None, since: str | None = None,  # noqa: A002
                    until: str | None = None, actor: str = "", min_confidence: Confidence = 0.0,
                    limit: Limit = views.NETWORK_EDGES) -> dict[str, Any]:
        """What the network page draws: the busiest edges that pass the filters of `/api/edges`, the actors they
        join (type, mentions, degree) and whether more edges pass (`more`)."""
        with store() as data:
            return views.network(data, _relation_types(type), *_period(since, until), min_confidence, actor, limit)

    @app.get("/api/edges/evidence")
    def api_edge_evidence(source: str, relation: str, target: str, since: str | None = None,
                          until: str | None = None, min_confidence: Confidence = 0.0) -> dict[str, Any]:
        """The relations behind one edge, most confident first: each sentence with its offsets in its document."""
        with store() as data:
            return views.edge_evidence(data, source, _relation_types([relation])[0], target, *_period(since, until),
                                       min_confidence)

    @app.get("/api/timeline")
    def api_timeline(limit: Limit = 500) -> list[dict[str, Any]]:
        """Dated relations by actor pair, oldest first."""
        with store() as data:
            return views.timeline(data, limit)

    @app.get("/api/timeline/pairs")
    def api_timeline_pairs(offset: Offset = 0, limit: Limit = views.TIMELINE_PAIRS) -> dict[str, Any]:
        """Actor pairs by their number of dated relations, busiest first, with names and the pair count."""
        with store() as data:
            return views.busiest_pairs(data, limit, offset)

    @app.get("/api/claims")
    def api_claims(offset: Offset = 0, limit: Limit = views.PAGE) -> list[dict[str, Any]]:
        """Claims across the corpus, most check-worthy first."""
        with store() as data:
            return views.ranked_claims(data, limit, offset)

    @app.get("/api/conflicts")
    def api_conflicts() -> list[dict[str, Any]]:
        """Claims from different documents that disagree about the same thing."""
        with store() as data:
            return [c.__dict__ for c in views.claim_conflicts(data)]

    @app.get("/api/search")
    def api_search(q: str) -> dict[str, Any]:
        """Actors whose names hold the query, and passages of text, quotes and claims that hold its words,
        each with the words in context and their offsets in the document."""
        with store() as data:
            found = views.search(data, q)
        return {"actors": [{"id": a["id"], "name": a["name"]} for a in found["actors"]], "hits": found["hits"],
                "documents": [{"id": d, "title": t} for d, t in
                              dict.fromkeys((h["document"], h["title"]) for h in found["hits"])]}

    return app


def evidence_link(doc_id: str, start: int, end: int) -> str:
    """The address of a span of a document: the page scrolls to it and marks it (`#hit`)."""
    return f"/doc/{doc_id}?hit={start}-{end}#hit"


def relation_link(doc_id: str, relation_id: str) -> str:
    """The address of a relation's evidence sentence, for lists that know the relation but not its offsets."""
    return f"/doc/{doc_id}?rel={relation_id}#hit"


def claim_link(doc_id: str, claim_id: str) -> str:
    """The address of a claim, for lists that know the claim but not its offsets."""
    return f"/doc/{doc_id}?claim={claim_id}#hit"


def _item_span(document: dict[str, Any], relation_id: str, claim_id: str) -> tuple[int, int] | None:
    """The evidence sentence of the relation, or the sentence of the claim, with this id, if there is one."""
    for relation in document.get("relations", []) if relation_id else []:
        if relation["id"] == relation_id:
            return relation["evidence"]["start"], relation["evidence"]["end"]
    for claim in document.get("claims", []) if claim_id else []:
        if claim["id"] == claim_id:
            return claim["start"], claim["end"]
    return None


def _span(hit: str, length: int) -> tuple[int, int] | None:
    """The span a search result links to (`START-END`), if it is one inside the text."""
    start, _, end = hit.partition("-")
    if start.isdigit() and end.isdigit() and 0 <= int(start) < int(end) <= length:
        return int(start), int(end)
    return None


# -- building blocks ---------------------------------------------------------------------------------
def spans_by_layer(document: dict[str, Any], links: dict[str, str]) -> list[tuple[str, int, int, str, str]]:
    """(layer, start, end, label, link) for every piece of evidence in the document; an actor's mentions
    link to its corpus actor."""
    items: list[tuple[str, int, int, str, str]] = []
    for actor in document["actors"]:
        merged = links.get(actor["id"], actor["id"])
        for mention in actor["mentions"]:
            items.append(("actors", mention["start"], mention["end"], f"{actor['name']} ({mention['kind']})",
                          f"/actor/{merged}"))
    for quote in document.get("quotes", []):
        speaker = (quote["speaker_text"] or {}).get("text") or "unknown speaker"
        items.append(("quotes", quote["start"], quote["end"], f"{quote['kind']} quote: {speaker}", ""))
    for relation in document.get("relations", []):
        label = f"{relation['type']}: {relation['source']} → {relation['target'] or '-'}"
        items.append(("relations", relation["trigger"]["start"], relation["trigger"]["end"], label, ""))
    for claim in document.get("claims", []):
        for quantity in claim["quantities"]:
            items.append(("claims", quantity["start"], quantity["end"],
                          f"quantity {quantity['value']:g} {quantity['unit'] or ''}", ""))
        for day in claim["dates"]:
            items.append(("claims", day["start"], day["end"], f"date {day['iso'] or 'unresolved'}", ""))
    for technique in document.get("rhetoric", []):
        items.append(("techniques", technique["start"], technique["end"], technique["technique"], ""))
    return items


def highlight(document: dict[str, Any], links: dict[str, str], hit: tuple[int, int] | None = None) -> str:
    """The text as HTML, each piece of evidence a <mark> with its layer and exact offsets; the search hit
    a page was opened at is a mark the browser scrolls to (`#hit`)."""
    text = document["text"]
    items = spans_by_layer(document, links)
    if hit:
        items.append(("hit", *hit, "search hit", ""))
    starts: dict[int, list[tuple[str, int, int, str, str]]] = defaultdict(list)
    for item in items:
        starts[item[1]].append(item)
    boundaries = sorted({0, len(text), *(i[1] for i in items), *(i[2] for i in items)})
    out: list[str] = []
    open_items: list[tuple[str, int, int, str, str]] = []
    for left, right in zip(boundaries, boundaries[1:], strict=False):
        open_items = [i for i in open_items if i[2] > left] + sorted(starts.get(left, []), key=lambda i: -i[2])
        segment = html.escape(text[left:right])
        for layer, start, end, label, link in reversed(open_items):
            anchor = ' id="hit"' if layer == "hit" and start == left else ""  # where the browser scrolls to
            if start == left and end == right:
                attributes = (f'class="ev ev-{layer}" data-layer="{layer}" data-start="{start}" data-end="{end}" '
                              f'title="{html.escape(label)}"{anchor}')
                inner = f'<a href="{html.escape(link)}">{segment}</a>' if link else segment
                segment = f"<mark {attributes}>{inner}</mark>"
            else:
                segment = (f'<mark class="ev ev-{layer} ev-part" data-layer="{layer}" data-start="{start}" '
                           f'data-end="{end}" title="{html.escape(label)}"{anchor}>{segment}</mark>')
        out.append(segment)
    return "".join(out)


def _colour(type_: str) -> str:
    sign = ontology.sign(type_)
    return "#2e7d32" if sign > 0 else "#c62828" if sign < 0 else "#757575"


def timeline_svg(pairs: list[dict[str, Any]], rows: dict[tuple[str, str], list[dict[str, Any]]],
                 names: dict[str, str], width: int = 900) -> str:
    """One row per actor pair, busiest first, labelled with both names; a dot per dated relation, coloured by
    its sign, whose tooltip says when, who did it to whom and how."""
    dated = [r for found in rows.values() for r in found]
    if not dated:
        return '<p class="empty">No dated relations yet.</p>'

    def year(day: str) -> float:
        return int(day[:4]) + ((int(day[5:7]) - 1) / 12 if len(day) >= 7 else 0)

    low = min(year(r["date"]) for r in dated)
    high = max(year(r["date"]) for r in dated) + 0.01
    left, height = 330, 30 + 22 * len(pairs)

    def across(when: float) -> float:
        return left + (when - low) / (high - low) * (width - left - 20)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="timeline">']
    ticks = range(math.ceil(low), math.floor(high) + 1)
    for tick in ticks:  # a line and a label at each new year
        parts.append(f'<line x1="{across(tick):.1f}" y1="8" x2="{across(tick):.1f}" y2="{height - 16}" '
                     f'stroke="#e0e0e0"/><text x="{across(tick) - 12:.1f}" y="{height - 4}">{tick}</text>')
    if not ticks:  # every relation within one year
        parts.append(f'<text x="{left}" y="{height - 4}">{int(low)}</text>')
    for index, pair in enumerate(pairs):
        y = 20 + 22 * index
        label = f"{_clip(pair['first_name'])} – {_clip(pair['second_name'])} ({pair['relations']})"
        parts.append(f'<text x="4" y="{y + 4}" class="pair">{html.escape(label)}</text>')
        for row in rows[(pair["first_actor"], pair["second_actor"])]:
            x = across(year(row["date"]))
            tip = (f"{row['date']} {names.get(row['source'], row['source'])} "
                   f"{'not ' if row['negated'] else ''}{row['type']} {names.get(row['target'], row['target'])}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="{_colour(row["type"])}" opacity="0.8">'
                         f'<title>{html.escape(tip)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def _clip(name: str, most: int = 24) -> str:
    return name if len(name) <= most else name[:most - 1] + "…"


def relation_bars(counts: dict[tuple[str, str], int], width: int = 520) -> str:
    """Relations in and out by type (`(type, direction) -> count`), as horizontal bars."""
    if not counts:
        return '<p class="empty">No relations.</p>'
    top = max(counts.values())
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {20 * len(rows) + 10}" class="bars">']
    for index, ((type_, direction), count) in enumerate(rows):
        length = (width - 200) * count / top
        parts.append(f'<text x="0" y="{16 + 20 * index}">{html.escape(type_)} ({direction})</text>'
                     f'<rect x="190" y="{4 + 20 * index}" width="{length:.1f}" height="14" '
                     f'fill="{_colour(type_)}"/><text x="{195 + length:.1f}" y="{16 + 20 * index}">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
