"""The local web app: corpus overview, documents with evidence highlighted, actors, network, timeline,
claims and search, plus a JSON API. Pictures are SVG drawn here, so the app needs no network at all.

The store is opened read-only; every text goes through Jinja's autoescaping. Only requests that name
this machine (or the host the app was bound to) in `Host` are served, so a web page elsewhere cannot
reach the corpus through DNS rebinding, and every response forbids framing, sniffing and outside resources.
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.middleware.trustedhost import TrustedHostMiddleware

from powermap import ontology
from powermap.corpus.claims import conflicts, ranked
from powermap.corpus.graph import build
from powermap.corpus.merge import canonical_ids
from powermap.corpus.store import Store, StoreError
from powermap.dates import bounds, readable

HERE = resources.files("powermap") / "web"
LAYERS = ("actors", "quotes", "relations", "claims", "techniques")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class Corpus:
    """The documents of one store, read once per request."""

    def __init__(self, path: Path) -> None:
        with Store(path, readonly=True) as store:
            self.documents = list(store.documents())
            self.problems = store.problems()
        self.by_id = {d["id"]: d for d in self.documents}

    @cached_property
    def mapping(self) -> dict[str, str]:
        return canonical_ids(self.documents)

    @cached_property
    def actors(self) -> dict[str, dict[str, Any]]:
        """Merged actors across documents, with every mention traceable to its document."""
        merged: dict[str, dict[str, Any]] = {}
        for document in self.documents:
            for actor in document["actors"]:
                actor_id = self.mapping.get(actor["id"], actor["id"])
                entry = merged.setdefault(actor_id, {**{k: actor[k] for k in ("name", "type", "country", "qid",
                                                                                "origin")},
                                                     "id": actor_id, "mentions": [], "documents": set(),
                                                     "variants": set()})
                entry["variants"].add(actor["name"])
                entry["documents"].add(document["id"])
                entry["mentions"].extend({**m, "document": document["id"]} for m in actor["mentions"])
        return merged

    def actor_of(self, actor_id: str | None) -> str | None:
        return self.mapping.get(actor_id, actor_id) if actor_id else None


def _period(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """The date filters, checked: a malformed date is the client's error (400), not the server's."""
    for name, value in (("since", since), ("until", until)):
        try:
            if value:
                bounds(value)
        except ValueError as exc:
            raise HTTPException(status_code=400, detail=f"{name}: {exc}") from None
    return since or None, until or None


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
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    corpus = lambda: Corpus(db)  # noqa: E731 - read the store afresh for each request

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"layers": LAYERS, **context})

    def document_or_404(data: Corpus, doc_id: str) -> dict[str, Any]:
        document = data.by_id.get(doc_id)
        if document is None:
            raise HTTPException(status_code=404, detail="no such document")
        return document

    def actor_or_404(data: Corpus, actor_id: str) -> dict[str, Any]:
        actor = data.actors.get(data.actor_of(actor_id) or "")
        if actor is None:
            raise HTTPException(status_code=404, detail="no such actor")
        return actor

    # -- pages --------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def overview(request: Request) -> HTMLResponse:
        data = corpus()
        top = sorted(data.actors.values(), key=lambda a: -len(a["mentions"]))[:20]
        genres = Counter((d.get("genre") or {}).get("label", "unknown") for d in data.documents)
        return page(request, "overview.html", documents=data.documents, actors=top, genres=genres,
                    problems=data.problems, relations=sum(len(d.get("relations", [])) for d in data.documents))

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: str) -> HTMLResponse:
        data = corpus()
        document = document_or_404(data, doc_id)
        names = {a["id"]: a["name"] for a in document["actors"]}
        return page(request, "document.html", document=document, names=names,
                    marked=Markup(highlight(document, data)))

    @app.get("/actor/{actor_id}", response_class=HTMLResponse)
    def actor_page(request: Request, actor_id: str) -> HTMLResponse:
        data = corpus()
        actor = actor_or_404(data, actor_id)
        return page(request, "actor.html", actor=actor, **actor_facts(data, actor["id"]),
                    bars=Markup(relation_bars(data, actor["id"])))

    @app.get("/network", response_class=HTMLResponse)
    def network_page(request: Request, type: Annotated[list[str] | None, Query()] = None,  # noqa: A002
                     since: str | None = None, until: str | None = None) -> HTMLResponse:
        period = _period(since, until)
        data = corpus()
        type = type or []  # noqa: A001
        graph = build(data.documents, set(type) or None, *period)
        return page(request, "network.html", svg=Markup(network_svg(graph)), types=sorted(ontology.RELATION_TYPES),
                    chosen=set(type), since=since or "", until=until or "", edges=graph.number_of_edges(),
                    nodes=graph.number_of_nodes())

    @app.get("/timeline", response_class=HTMLResponse)
    def timeline_page(request: Request) -> HTMLResponse:
        data = corpus()
        rows = timeline(data)
        return page(request, "timeline.html", rows=rows, svg=Markup(timeline_svg(rows)),
                    names={k: v["name"] for k, v in data.actors.items()})

    @app.get("/claims", response_class=HTMLResponse)
    def claims_page(request: Request) -> HTMLResponse:
        data = corpus()
        return page(request, "claims.html", claims=ranked(data.documents)[:200], conflicts=conflicts(data.documents))

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, q: str = "") -> HTMLResponse:
        data = corpus()
        return page(request, "search.html", q=q, **search(data, q))

    @app.get("/api", response_class=HTMLResponse)
    def api_page(request: Request) -> HTMLResponse:
        paths = [(path, sorted(ops), next(iter(ops.values())).get("summary", ""))
                 for path, ops in app.openapi()["paths"].items() if path.startswith("/api/")]
        return page(request, "api.html", paths=paths)

    # -- JSON API -----------------------------------------------------------------------------------
    @app.get("/api/documents")
    def api_documents() -> list[dict[str, Any]]:
        """Every document's metadata."""
        return [{k: d.get(k) for k in ("id", "source", "title", "author", "published", "language", "url")}
                | {"genre": (d.get("genre") or {}).get("label")} for d in corpus().documents]

    @app.get("/api/documents/{doc_id}")
    def api_document(doc_id: str) -> dict[str, Any]:
        """One document in full (schema powermap/1)."""
        return document_or_404(corpus(), doc_id)

    @app.get("/api/actors")
    def api_actors() -> list[dict[str, Any]]:
        """Actors merged across documents, most mentioned first."""
        actors = sorted(corpus().actors.values(), key=lambda a: -len(a["mentions"]))
        return [{**{k: a[k] for k in ("id", "name", "type", "country", "qid", "origin")},
                 "mentions": len(a["mentions"]), "documents": sorted(a["documents"]),
                 "variants": sorted(a["variants"])} for a in actors]

    @app.get("/api/actors/{actor_id}")
    def api_actor(actor_id: str) -> dict[str, Any]:
        """One actor: mentions, relations in and out, quotes by and about, stance toward it."""
        data = corpus()
        actor = actor_or_404(data, actor_id)
        return {**{k: actor[k] for k in ("id", "name", "type", "country", "qid", "origin")},
                "variants": sorted(actor["variants"]), "mentions": actor["mentions"],
                **actor_facts(data, actor["id"])}

    @app.get("/api/edges")
    def api_edges(type: Annotated[list[str] | None, Query()] = None, since: str | None = None,  # noqa: A002
                  until: str | None = None) -> list[dict[str, Any]]:
        """Aggregated relation edges of the network, filtered by type and date."""
        graph = build(corpus().documents, set(type or []) or None, *_period(since, until))
        return [{"source": s, "target": t, **d} for s, t, d in graph.edges(data=True)]

    @app.get("/api/timeline")
    def api_timeline() -> list[dict[str, Any]]:
        """Dated relations by actor pair, oldest first."""
        return timeline(corpus())

    @app.get("/api/claims")
    def api_claims(limit: int = 100) -> list[dict[str, Any]]:
        """Claims across the corpus, most check-worthy first."""
        return ranked(corpus().documents)[:limit]

    @app.get("/api/conflicts")
    def api_conflicts() -> list[dict[str, Any]]:
        """Claims from different documents that disagree about the same thing."""
        return [c.__dict__ for c in conflicts(corpus().documents)]

    @app.get("/api/search")
    def api_search(q: str) -> dict[str, Any]:
        """Documents and actors whose text or name contains the query."""
        found = search(corpus(), q)
        return {"documents": [{"id": d["id"], "title": d.get("title")} for d in found["documents"]],
                "actors": [{"id": a["id"], "name": a["name"]} for a in found["actors"]]}

    return app


# -- building blocks ---------------------------------------------------------------------------------
def spans_by_layer(document: dict[str, Any], data: Corpus) -> list[tuple[str, int, int, str, str]]:
    """(layer, start, end, label, link) for every piece of evidence in the document."""
    items: list[tuple[str, int, int, str, str]] = []
    for actor in document["actors"]:
        merged = data.actor_of(actor["id"]) or actor["id"]
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


def highlight(document: dict[str, Any], data: Corpus) -> str:
    """The text as HTML, each piece of evidence a <mark> with its layer and exact offsets."""
    text = document["text"]
    items = spans_by_layer(document, data)
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
            if start == left and end == right:
                attributes = (f'class="ev ev-{layer}" data-layer="{layer}" data-start="{start}" data-end="{end}" '
                              f'title="{html.escape(label)}"')
                inner = f'<a href="{html.escape(link)}">{segment}</a>' if link else segment
                segment = f"<mark {attributes}>{inner}</mark>"
            else:
                segment = (f'<mark class="ev ev-{layer} ev-part" data-layer="{layer}" data-start="{start}" '
                           f'data-end="{end}" title="{html.escape(label)}">{segment}</mark>')
        out.append(segment)
    return "".join(out)


def actor_facts(data: Corpus, actor_id: str) -> dict[str, Any]:
    relations_out, relations_in, quotes_by, quotes_about, stance = [], [], [], [], []
    for document in data.documents:
        for relation in document.get("relations", []):
            source, target = data.actor_of(relation["source"]), data.actor_of(relation["target"])
            row = {**relation, "document": document["id"], "source": source, "target": target}
            if source == actor_id:
                relations_out.append(row)
            if target == actor_id:
                relations_in.append(row)
        mentioned = [(m["start"], m["end"]) for a in document["actors"]
                     if data.actor_of(a["id"]) == actor_id for m in a["mentions"]]
        for quote in document.get("quotes", []):
            row = {**quote, "document": document["id"]}
            if data.actor_of(quote["speaker"]) == actor_id:
                quotes_by.append(row)
            elif any(quote["start"] <= s < quote["end"] for s, _ in mentioned):
                quotes_about.append(row)
        stance.extend({**s, "document": document["id"]} for s in document.get("stance", [])
                      if data.actor_of(s["actor"]) == actor_id)
    return {"relations_out": relations_out, "relations_in": relations_in, "quotes_by": quotes_by,
            "quotes_about": quotes_about, "stance": stance,
            "names": {k: v["name"] for k, v in data.actors.items()}}


def search(data: Corpus, q: str) -> dict[str, list[dict[str, Any]]]:
    needle = q.strip().lower()
    if not needle:
        return {"documents": [], "actors": []}
    documents = [d for d in data.documents if needle in d["text"].lower() or needle in (d.get("title") or "").lower()]
    actors = [a for a in data.actors.values() if any(needle in v.lower() for v in a["variants"])]
    return {"documents": documents, "actors": actors}


def timeline(data: Corpus) -> list[dict[str, Any]]:
    rows = []
    for document in data.documents:
        for relation in document.get("relations", []):
            if relation["target"] and readable(relation["date"]):
                rows.append({"date": relation["date"], "source": data.actor_of(relation["source"]),
                             "target": data.actor_of(relation["target"]), "type": relation["type"],
                             "negated": relation["negated"], "document": document["id"],
                             "evidence": relation["evidence"]["text"]})
    return sorted(rows, key=lambda r: (r["date"], r["source"], r["target"] or ""))


def _colour(type_: str) -> str:
    sign = ontology.sign(type_)
    return "#2e7d32" if sign > 0 else "#c62828" if sign < 0 else "#757575"


def spread_apart(points: dict[str, tuple[float, float]], radii: dict[str, float], size: int,
                 gap: float = 4.0, passes: int = 30, most: int = 400) -> dict[str, tuple[float, float]]:
    """Nudge overlapping circles apart: the spring layout can put two nodes on one spot, and then the one
    below cannot be clicked. Deterministic; skipped above `most` nodes, where pairs would cost too much."""
    if len(points) > most:
        return points
    placed = {node: list(xy) for node, xy in points.items()}
    nodes = sorted(placed)
    for _ in range(passes):
        moved = False
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                (ax, ay), (bx, by) = placed[a], placed[b]
                dx, dy = bx - ax, by - ay
                distance = math.hypot(dx, dy)
                wanted = radii[a] + radii[b] + gap
                if distance >= wanted:
                    continue
                if distance == 0:  # the same spot: part them along a direction fixed by their order
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (wanted - distance) / 2 / distance
                placed[a] = [ax - dx * push, ay - dy * push]
                placed[b] = [bx + dx * push, by + dy * push]
                moved = True
        for node, (x, y) in placed.items():
            low, high = radii[node], size - radii[node]
            placed[node] = [min(max(x, low), high), min(max(y, low), high)]
        if not moved:
            break
    return {node: (x, y) for node, (x, y) in placed.items()}


def network_svg(graph: Any, size: int = 760) -> str:
    """Nodes placed by networkx's spring layout (fixed seed), sized by mentions, linked to their pages."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return '<p class="empty">No actors match these filters.</p>'
    connected = graph.subgraph([n for n in graph if graph.degree(n) > 0] or list(graph)[:40])
    layout = nx.spring_layout(nx.Graph(connected), seed=7)
    radii = {node: 5 + 2 * math.sqrt(attributes.get("mentions", 1)) for node, attributes in connected.nodes(data=True)}
    pixels = {node: (40 + (x + 1) / 2 * (size - 80), 40 + (y + 1) / 2 * (size - 80)) for node, (x, y) in layout.items()}
    pixels = spread_apart(pixels, radii, size)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size + 180} {size}" class="network" '
             f'role="img" aria-label="power network">']
    for source, target, edge in connected.edges(data=True):
        (x1, y1), (x2, y2) = pixels[source], pixels[target]
        width = 1 + math.log1p(edge["count"])
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="{_colour(edge["relation"])}" stroke-width="{width:.1f}" opacity="0.6">'
                     f'<title>{html.escape(edge["relation"])} ×{edge["count"]}</title></line>')
    for node, attributes in connected.nodes(data=True):
        x, y = pixels[node]
        radius = radii[node]
        label = html.escape(attributes.get("label", node))
        parts.append(f'<a href="/actor/{html.escape(node)}" class="node" data-actor="{html.escape(node)}">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" class="type-'
                     f'{html.escape(attributes.get("type", ""))}"><title>{label}</title></circle>'
                     f'<text x="{x + radius + 2:.1f}" y="{y + 4:.1f}">{label}</text></a>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_svg(rows: list[dict[str, Any]], width: int = 760) -> str:
    """One row per actor pair, a dot per dated relation."""
    if not rows:
        return '<p class="empty">No dated relations yet.</p>'
    pairs = sorted({(r["source"], r["target"]) for r in rows})[:30]
    years = [int(r["date"][:4]) + (int(r["date"][5:7]) - 1) / 12 if len(r["date"]) >= 7 else int(r["date"][:4])
             for r in rows]
    low, high = min(years), max(years) + 0.01
    height = 30 + 22 * len(pairs)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="timeline">']
    for row, year in zip(rows, years, strict=True):
        pair = (row["source"], row["target"])
        if pair not in pairs:
            continue
        x = 200 + (year - low) / (high - low) * (width - 230)
        y = 20 + 22 * pairs.index(pair)
        parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="5" fill="{_colour(row["type"])}">'
                     f'<title>{html.escape(row["date"])} {html.escape(row["type"])}</title></circle>')
    for index, (source, target) in enumerate(pairs):
        parts.append(f'<text x="4" y="{24 + 22 * index}">{html.escape(str(source))[:28]} → '
                     f'{html.escape(str(target))[:28]}</text>')
    parts.append(f'<text x="200" y="{height - 4}">{int(low)}</text><text x="{width - 40}" y="{height - 4}">'
                 f'{int(high)}</text></svg>')
    return "".join(parts)


def relation_bars(data: Corpus, actor_id: str, width: int = 520) -> str:
    """Relations in and out by type, as horizontal bars."""
    facts = actor_facts(data, actor_id)
    counts = Counter((r["type"], "out") for r in facts["relations_out"])
    counts.update((r["type"], "in") for r in facts["relations_in"])
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
