"""The web app through FastAPI's TestClient: every page and API route, escaping, read-only, no traversal."""

import html
import json
import re
import shutil
import sqlite3

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from powermap import ontology
from powermap.analysis import Source
from powermap.corpus import views
from powermap.corpus.store import Store
from powermap.web.app import create_app
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("web") / "corpus.db"
    hostile = ("<script>alert('x')</script> wrote this\n\nThe Kremlin and <b>Minsk</b> agreed "
               "<img src=x onerror=alert(1)> to deploy troops. Lukashenko said \"we are ready\".")
    sources = [Source(label=p.name, format="text", raw=p.read_text(encoding="utf-8"),
                      body=p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))]
    sources.append(Source(label="<script>alert('label')</script>.txt", format="text", raw=hostile, body=hostile))
    with Store(path) as store:
        for analysis in pipeline.pipe(sources):
            document = analysis.to_document()
            store.save(document, analysis.source.raw)
        # An actor whose name is markup must come out inert too.
        document = json.loads(store.conn.execute("SELECT document FROM documents LIMIT 1").fetchone()[0])
        document["actors"][0]["name"] = "<script>alert('actor')</script>"
        store.conn.execute("UPDATE documents SET document = ? WHERE id = ?", (json.dumps(document), document["id"]))
        store.conn.execute("UPDATE actors SET name = ? WHERE doc_id = ? AND actor_id = ?",
                           (document["actors"][0]["name"], document["id"], document["actors"][0]["id"]))
        store.conn.commit()
    with Store(path) as store:
        store.rebuild()  # the corpus actors as if the name had been written so
    return path


@pytest.fixture(scope="module")
def client(corpus_db):
    return TestClient(create_app(corpus_db), base_url="http://127.0.0.1")


def test_every_page_and_api_route_answers(client):
    documents = client.get("/api/documents").json()
    actors = client.get("/api/actors").json()
    assert len(documents) == 3 and actors
    pages = ["/", "/network", "/network?type=ASSAULT&type=AGREE&since=2020", "/timeline", "/claims",
             "/search?q=Kremlin", "/api", f"/doc/{documents[0]['id']}", f"/actor/{actors[0]['id']}"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "text/html" in response.headers["content-type"]
    for url in ["/api/edges", "/api/edges?type=AGREE", "/api/claims", "/api/conflicts", "/api/timeline",
                "/api/search?q=minsk", f"/api/documents/{documents[0]['id']}", f"/api/actors/{actors[0]['id']}"]:
        assert client.get(url).status_code == 200, url
    schema = client.get("/openapi.json").json()
    assert "/api/actors/{actor_id}" in schema["paths"]


def test_markup_in_articles_and_names_stays_inert(client):
    hostile = next(d for d in client.get("/api/documents").json() if d["source"].startswith("<script>"))
    page = client.get(f"/doc/{hostile['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>Minsk</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page or "&lt;script&gt;alert" in page
    overview = client.get("/").text
    assert "<script>alert(" not in overview
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; wrote this" in overview  # the hostile headline
    marked = next(a for a in client.get("/api/actors").json() if "<script>alert('actor')</script>" in a["variants"])
    actor_page = client.get(f"/actor/{marked['id']}").text
    assert "<script>alert('actor')" not in actor_page
    assert "&lt;script&gt;alert(&#39;actor&#39;)&lt;/script&gt;" in actor_page


def test_highlights_carry_exact_offsets(client):
    for summary in client.get("/api/documents").json():
        document = client.get(f"/api/documents/{summary['id']}").json()
        page = client.get(f"/doc/{summary['id']}").text
        import re

        marks = re.findall(r'<mark class="ev ev-(\w+)" data-layer="\w+" data-start="(\d+)" data-end="(\d+)"', page)
        assert marks
        for _, start, end in marks:
            assert 0 <= int(start) < int(end) <= len(document["text"])
        mention = document["actors"][0]["mentions"][0]
        assert f'data-start="{mention["start"]}" data-end="{mention["end"]}"' in page


def test_unknown_ids_and_traversal_are_404(client):
    for url in ["/doc/nope", "/actor/nobody", "/api/documents/../../etc/passwd", "/static/../app.py",
                "/static/%2e%2e/app.py", "/actor/..%2f..%2fetc%2fpasswd"]:
        assert client.get(url).status_code == 404, url


def test_store_is_opened_read_only(corpus_db, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(corpus_db, copy)
    before = copy.read_bytes()
    client = TestClient(create_app(copy), base_url="http://localhost:8000")
    for url in ["/", "/network", "/claims", "/api/actors"]:
        client.get(url)
    assert copy.read_bytes() == before
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_only_this_machines_host_names_are_served(corpus_db):
    app = create_app(corpus_db, ["powermap.lan"])
    for host in ["127.0.0.1", "localhost:8000", "powermap.lan:8000"]:
        assert TestClient(app, base_url=f"http://{host}").get("/api/documents").status_code == 200, host
    for host in ["attacker.example", "127.0.0.1.attacker.example", "localhost.evil", "powermap.lan.evil"]:
        answer = TestClient(app, base_url=f"http://{host}").get("/api/documents")
        assert answer.status_code == 400 and "Lukashenko" not in answer.text, host


def test_every_response_carries_the_security_headers(client, corpus_db):
    outside = TestClient(create_app(corpus_db), base_url="http://rebound.example")
    answers = [client.get(u) for u in ["/", "/api/actors", "/static/app.css", "/doc/nope", "/network?since=x"]]
    for answer in [*answers, outside.get("/")]:
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_unreadable_dates_neither_break_the_timeline_nor_the_filters(corpus_db, tmp_path):
    copy = tmp_path / "dates.db"
    shutil.copy(corpus_db, copy)
    with sqlite3.connect(copy) as connection:  # a store written before dates were checked
        for doc_id, data in connection.execute("SELECT id, document FROM documents").fetchall():
            document = json.loads(data)
            for number, relation in enumerate(document["relations"]):
                relation["date"] = ["unknown", "2024-13", "", "2022-05"][number % 4]
                connection.execute("UPDATE relations SET date = ? WHERE doc_id = ? AND id = ?",
                                   (relation["date"], doc_id, relation["id"]))
            connection.execute("UPDATE documents SET document = ? WHERE id = ?", (json.dumps(document), doc_id))
    with Store(copy) as store:
        store.rebuild()  # the days each relation covers, as the store derives them
    client = TestClient(create_app(copy), base_url="http://127.0.0.1")
    assert client.get("/timeline").status_code == 200
    rows = client.get("/api/timeline").json()
    assert rows and {r["date"] for r in rows} == {"2022-05"}
    assert client.get("/network?since=2022&until=2022-06").status_code == 200
    edges = client.get("/api/edges", params={"since": "2022-05-10", "until": "2022-05-20"}).json()
    assert edges and all(e["first"] == "2022-05" for e in edges)
    for bad in ["2024-13", "unknown", "2022-02-30", "<script>"]:
        answer = client.get("/api/edges", params={"since": bad})
        assert answer.status_code == 400 and "not a date" in answer.json()["detail"]
        assert "Traceback" not in answer.text


def test_a_damaged_store_is_a_one_line_answer(corpus_db, tmp_path):
    copy = tmp_path / "damaged.db"
    shutil.copy(corpus_db, copy)
    client = TestClient(create_app(copy), base_url="http://127.0.0.1")
    with copy.open("r+b") as handle:  # the pages after the schema's overwritten once the app runs
        size = copy.stat().st_size
        for offset in range(2 * 4096, size, 4096):
            handle.seek(offset + 16)
            handle.write(bytes((offset // 4096 * 31 + i) % 256 for i in range(4064)))
    for url in ["/", "/api/documents", "/network"]:
        answer = client.get(url)
        assert answer.status_code == 503, url
        detail = answer.json()["detail"]
        assert "Traceback" not in answer.text and str(copy) in detail and "\n" not in detail
        assert answer.headers["X-Frame-Options"] == "DENY"


# -- pages: summaries, actors across documents, claims filters, framing, evidence links, 404, names ----
def _evidence_links(page: str) -> list[tuple[str, str, str]]:
    """(document, kind, value) of every evidence link on a page: `?hit=START-END`, `?rel=ID` or `?claim=ID`."""
    return re.findall(r'href="/doc/(\w+)\?(hit|rel|claim)=([\w-]+)#hit"', page)


def test_the_summary_line_leads_the_document_page_and_the_document_list(client):
    from powermap.digest import document_lines

    overview = client.get("/").text
    shown = 0
    for summary in client.get("/api/documents").json():
        document = client.get(f"/api/documents/{summary['id']}").json()
        lines = document_lines(document)
        page = client.get(f"/doc/{summary['id']}").text
        if lines:
            shown += 1
            assert page.index('id="digest"') < page.index('id="text"')  # the main event before the text
            listed = re.findall(r'<li><a class="evidence-link" href="/doc/\w+\?hit=(\d+-\d+)#hit">([^<]*)</a>',
                                page.split('id="digest"')[1].split("</ol>")[0])
            assert [span for span, _ in listed] == [f"{line.start}-{line.end}" for line in lines]  # in rank order
            for (_, text), line in zip(listed, lines, strict=True):
                assert f" {line.type}" in text and f"'{line.trigger}' (" in html.unescape(text)
            assert f'hit={listed[0][0]}#hit">{listed[0][1]}</a>' in overview  # one line per document in the list
    assert shown >= 2


def test_every_evidence_link_opens_its_document_at_the_span_it_names(client):
    documents = client.get("/api/documents").json()
    actors = client.get("/api/actors").json()
    pages = ["/", "/claims", "/search?q=Russia", *(f"/doc/{d['id']}" for d in documents),
             *(f"/actor/{a['id']}" for a in actors[:8])]
    texts = {d["id"]: client.get(f"/api/documents/{d['id']}").json() for d in documents}
    seen = set()
    for url in pages:
        seen |= set(_evidence_links(client.get(url).text))
    kinds = {kind for _, kind, _ in seen}
    assert {"hit", "rel"} <= kinds and len(seen) > 20
    claimed = next(d for d in texts.values() if d["claims"])  # the claims of a conflict are named by id
    seen.add((claimed["id"], "claim", claimed["claims"][-1]["id"]))
    for doc_id, kind, value in sorted(seen):
        document = texts[doc_id]
        if kind == "hit":
            start, end = map(int, value.split("-"))
        elif kind == "rel":
            relation = next(r for r in document["relations"] if r["id"] == value)
            start, end = relation["evidence"]["start"], relation["evidence"]["end"]
        else:
            claim = next(c for c in document["claims"] if c["id"] == value)
            start, end = claim["start"], claim["end"]
        assert 0 <= start < end <= len(document["text"])
        opened = client.get(f"/doc/{doc_id}?{kind}={value}").text
        assert f'data-start="{start}" data-end="{end}" title="search hit" id="hit"' in opened, (doc_id, kind, value)


def test_the_actor_page_sums_up_the_actor_across_documents(client):
    actor = client.get("/api/actors").json()[0]
    facts = client.get(f"/api/actors/{actor['id']}").json()
    page = client.get(f"/actor/{actor['id']}").text
    sentence = html.unescape(re.search(r'id="actor-summary" class="digest">([^<]*)<', page).group(1))
    assert sentence.startswith(f"{actor['name']}: ")
    rows = re.findall(r"<tr><td>(?:not )?(\w+) <span class=\"muted\">\((by|on) [^)]*\)</span></td>.*?<td>(\d+)</td>",
                      page.split('id="groups"')[1].split("</table>")[0])
    counted: dict[tuple[str, str], int] = {}
    for type_, direction, count in rows:
        key = (type_, "out" if direction == "by" else "in")
        counted[key] = counted.get(key, 0) + int(count)
    assert counted == {(c["type"], c["direction"]): c["count"] for c in facts["relation_counts"]}
    assert 'id="stance-by-outlet"' in page and f'/compare?actor={actor["id"].replace(":", "%3A")}' in page


def test_claims_filters_narrow_the_list_as_their_conditions_say(corpus_db):
    from powermap.corpus import views

    with Store(corpus_db, readonly=True) as store:
        every = views.filtered_claims(store, views.ClaimFilters(), 1000)
        assert every == views.ranked_claims(store, 1000)  # no filter: the ranking the API gives
        links = {d: views.links(store, d) for d in {c["document"] for c in every}}
        some = every[0]
        actor = links[some["document"]][some["actors"][0]] if some["actors"] else None
        word = some["text"].split()[1].lower()
        cases = {
            views.ClaimFilters(kind=some["kind"]): lambda c: c["kind"] == some["kind"],
            views.ClaimFilters(min_score=0.5): lambda c: c["checkworthiness"] >= 0.5,
            views.ClaimFilters(has_quantity=True): lambda c: bool(c["quantities"]),
            views.ClaimFilters(q=word.upper()): lambda c: word in c["text"].lower(),
            views.ClaimFilters(document=some["document"]): lambda c: c["document"] == some["document"],
            views.ClaimFilters(outlet="opinion"): lambda c: "opinion" in store.document(c["document"])["source"],
            views.ClaimFilters(actor=actor or "-"):
                lambda c: actor in [links[c["document"]].get(a) for a in c["actors"]],
            views.ClaimFilters(kind=some["kind"], min_score=0.3, has_quantity=True):
                lambda c: c["kind"] == some["kind"] and c["checkworthiness"] >= 0.3 and bool(c["quantities"]),
        }
        for filters, wanted in cases.items():
            found = views.filtered_claims(store, filters, 1000)
            assert found == [c for c in every if wanted(c)], filters
        assert any(views.filtered_claims(store, f, 1000) != every for f in cases)


def test_the_claims_page_keeps_its_filters_and_pages_with_them(client):
    everything = client.get("/claims").text
    filtered = client.get("/claims", params={"kind": "statistic", "has_quantity": "1", "q": "<script>"}).text
    assert 'value="statistic" selected' in filtered and 'name="has_quantity" value="1" checked' in filtered
    assert "&lt;script&gt;" in filtered and "<script>" not in filtered.split("<main>")[1]
    assert filtered.count("<tr>") < everything.count("<tr>")
    assert client.get("/claims", params={"min_score": 2}).status_code == 422  # out of 0..1
    assert client.get("/claims", params={"kind": "nonsense"}).status_code == 200  # an unknown kind filters nothing


def test_the_comparison_puts_each_outlet_side_by_side(client, corpus_db):
    from powermap.corpus import views

    actors = client.get("/api/actors").json()
    assert client.get("/compare").status_code == 200 and 'name="actor"' in client.get("/compare").text
    for actor in actors[:6]:
        page = client.get("/compare", params={"actor": actor["id"]}).text
        with Store(corpus_db, readonly=True) as store:
            framing = views.framing(store, actor["id"])
            documents = [store.document(d) for o in framing["outlets"] for d in o["documents"]]
            ids = {d["id"]: views.links(store, d["id"]) for d in documents}
        assert sum(len(o["documents"]) for o in framing["outlets"]) == actor["documents"]
        for outlet in framing["outlets"]:
            assert f'data-outlet="{escape(outlet["outlet"])}"' in page
            mine = [d for d in documents if d["id"] in outlet["documents"]]
            local = {a for d in mine for a, c in ids[d["id"]].items() if c == actor["id"]}
            stances = [s["value"] for d in mine for s in d["stance"]
                       if s["actor"] in local and s["held_by"] == "author"]
            aimed = sum(1 for d in mine for t in d["rhetoric"] if t["target"] in local)
            assert sum(outlet["techniques"].values()) == aimed
            if stances:
                assert outlet["author_stance"]["mean"] == pytest.approx(sum(stances) / len(stances))
            else:
                assert outlet["author_stance"] is None
    assert client.get("/compare", params={"actor": "nobody"}).status_code == 404


def test_the_comparison_of_one_story_reads_the_documents_naming_both_actors(client, corpus_db):
    from powermap.corpus import views

    with Store(corpus_db, readonly=True) as store:
        actor = views.actors(store, 0, 1)[0]
        group = next(g for g in views.actor_groups(store, actor["id"]) if g.other)
        story = views.framing(store, actor["id"], other=group.other)
        both = {r["doc_id"] for r in store.rows("SELECT doc_id FROM actors WHERE corpus_id = ? INTERSECT "
                                                "SELECT doc_id FROM actors WHERE corpus_id = ?",
                                                (actor["id"], group.other))}
        pair = store.rows("SELECT type, COUNT(*) AS n FROM relations WHERE counted = 1 AND corpus_source IN (?, ?) "
                          "AND corpus_target IN (?, ?) AND (corpus_source = ? OR corpus_target = ?) GROUP BY type",
                          (actor["id"], group.other, actor["id"], group.other, actor["id"], actor["id"]))
    assert {d for o in story["outlets"] for d in o["documents"]} == both
    reported: dict[str, int] = {}
    for outlet in story["outlets"]:
        for (type_, _), n in outlet["relations"].items():
            reported[type_] = reported.get(type_, 0) + n
    assert reported == {r["type"]: r["n"] for r in pair}
    page = client.get("/compare", params={"actor": actor["id"], "other": group.other}).text
    assert "in the story of" in page and f'value="{group.other}" selected' in page
    assert client.get("/compare", params={"actor": actor["id"], "other": "nobody"}).status_code == 404


def test_unknown_pages_are_html_and_the_api_stays_json(client):
    for url in ["/doc/nope", "/actor/nobody", "/no/such/page", "/compare?actor=nobody"]:
        answer = client.get(url)
        assert answer.status_code == 404 and "text/html" in answer.headers["content-type"], url
        assert 'id="not-found"' in answer.text and 'href="/"' in answer.text
    hostile = client.get("/<script>alert(1)</script>")
    assert hostile.status_code == 404 and "<script>alert(1)" not in hostile.text
    for url in ["/api/documents/nope", "/api/actors/nobody", "/api/nope"]:
        answer = client.get(url)
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/json", url
        assert "detail" in answer.json()


def test_documents_are_named_by_title_or_source_file_never_by_id(client):
    from powermap.corpus.views import document_name

    assert document_name(None, "corpus/2024/dump.jsonl#17") == "dump.jsonl#17"
    assert document_name("  ", "C:\\news\\a.html") == "a.html" and document_name("Headline", "x.txt") == "Headline"
    documents = client.get("/api/documents").json()
    overview = client.get("/").text
    for summary in documents:
        name = escape(document_name(summary["title"], summary["source"]))
        assert f'href="/doc/{summary["id"]}">{name}</a>' in overview
        assert f">{summary['id']}<" not in overview
    actor = client.get("/api/actors").json()[0]
    page = client.get(f"/actor/{actor['id']}").text
    assert any(escape(document_name(d["title"], d["source"])) in page for d in documents)
    assert not any(f">{d['id']}<" in page for d in documents)


def test_the_new_pages_read_no_whole_corpus(client, monkeypatch):
    def refuse(self):
        raise AssertionError("a page read every document")

    monkeypatch.setattr(Store, "documents", refuse)
    actor = client.get("/api/actors").json()[0]["id"]
    for url in ["/", f"/actor/{actor}", f"/compare?actor={actor}", "/compare", "/claims?has_quantity=1&q=the"]:
        assert client.get(url).status_code == 200, url


def test_names_in_markup_stay_inert_on_the_new_pages(client):
    marked = next(a for a in client.get("/api/actors").json() if "<script>alert('actor')</script>" in a["variants"])
    for url in [f"/actor/{marked['id']}", f"/compare?actor={marked['id']}", "/compare",
                f"/claims?actor={marked['id']}&outlet=<script>", "/"]:
        page = client.get(url).text
        assert "<script>alert(" not in page, url
    assert "&lt;script&gt;alert(&#39;actor&#39;)&lt;/script&gt;" in client.get(f"/compare?actor={marked['id']}").text


# -- the network and the timeline ------------------------------------------------------------------------------
def test_network_filters_narrow_the_edges_and_name_both_ends(client):
    everything = client.get("/api/network").json()
    actors = {a["id"]: a["name"] for a in client.get("/api/actors", params={"limit": 1000}).json()}
    assert everything["edges"] and not everything["more"]
    for edge in everything["edges"]:
        assert edge["source_name"] == actors[edge["source"]] and edge["target_name"] == actors[edge["target"]]
        assert edge["target"] and edge["directed"] == (not ontology.symmetric(edge["relation"]))
        assert edge["sign"] == ontology.sign(edge["relation"])
    assert {n["id"] for n in everything["nodes"]} == {e[k] for e in everything["edges"] for k in ("source", "target")}
    relation = everything["edges"][0]["relation"]
    typed = client.get("/api/network", params={"type": relation}).json()["edges"]
    assert typed and {e["relation"] for e in typed} == {relation}
    word = everything["nodes"][0]["name"].split()[-1]
    named = client.get("/api/edges", params={"actor": word.lower()}).json()
    assert named and all(word.lower() in (e["source_name"] + " " + e["target_name"]).lower() for e in named)
    assert client.get("/api/edges", params={"actor": "nobody is called this"}).json() == []
    confident = client.get("/api/network", params={"min_confidence": 0.8}).json()["edges"]
    for edge in confident:
        evidence = client.get("/api/edges/evidence", params={"source": edge["source"], "relation": edge["relation"],
                                                             "target": edge["target"], "min_confidence": 0.8}).json()
        assert len(evidence["relations"]) == edge["count"]
        assert all(r["confidence"] >= 0.8 for r in evidence["relations"])
    assert sum(e["count"] for e in confident) < sum(e["count"] for e in everything["edges"])
    for bad in [{"min_confidence": 2}, {"min_confidence": "high"}, {"since": "2024-13"}, {"type": "ally"}]:
        assert client.get("/api/network", params=bad).status_code in (400, 422), bad
    answer = client.get("/api/edges", params={"type": "ally"})
    assert answer.status_code == 400 and "'ally' is not a relation type (one of " in answer.json()["detail"]
    assert "ALLY" in answer.json()["detail"] and "\n" not in answer.json()["detail"]
    assert client.get("/api/edges/evidence", params={"source": "x", "relation": "Agree", "target": "y"}
                      ).status_code == 400


def test_an_edges_evidence_points_at_its_documents_text(client):
    for edge in client.get("/api/network").json()["edges"]:
        found = client.get("/api/edges/evidence", params={"source": edge["source"], "relation": edge["relation"],
                                                          "target": edge["target"]}).json()
        assert len(found["relations"]) == edge["count"]
        for item in found["relations"]:
            text = client.get(f"/api/documents/{item['document']}").json()["text"]
            for span in (item["evidence"], item["trigger"]):
                assert text[span["start"]:span["end"]] == span["text"]
            assert item["evidence"]["start"] <= item["trigger"]["start"] < item["evidence"]["end"]
            assert item["type"] == edge["relation"] and item["asserted_by"]
    nothing = client.get("/api/edges/evidence", params={"source": "x", "relation": "AGREE", "target": "y"}).json()
    assert nothing["relations"] == []


def test_the_network_page_is_a_table_of_edges_and_loads_its_library_from_this_server(client):
    page = client.get("/network").text
    edges = client.get("/api/network").json()["edges"]
    assert page.count("<tr><td><a href=\"/actor/") == len(edges)
    assert "<script>alert('actor')" not in page and "<script>alert('actor')" not in client.get("/timeline").text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/vendor/vis-network.min.js" in scripts and all(s.startswith("/") for s in scripts)
    library = client.get("/vendor/vis-network.min.js")
    assert library.status_code == 200 and "javascript" in library.headers["content-type"]
    assert library.text.lstrip().startswith("/**") and "vis-network" in library.text[:200]
    assert client.get("/vendor/vis-network.css").status_code == 200
    for url in ["/vendor/app.py", "/vendor/..%2F..%2Fapp.py", "/vendor/vendor.py"]:
        assert client.get(url).status_code == 404, url


def test_without_pyvis_the_library_is_a_one_line_answer(client, monkeypatch):
    from powermap.web import vendor

    monkeypatch.setattr(vendor.importlib.util, "find_spec", lambda name: None)
    answer = client.get("/vendor/vis-network.min.js")
    assert answer.status_code == 503 and "pip install pyvis" in answer.json()["detail"]
    assert client.get("/network").status_code == 200  # the table still works


def test_a_network_of_many_edges_draws_the_busiest_and_says_more_exist(tmp_path):
    from tests.browser.invented import build

    client = TestClient(create_app(build(tmp_path / "invented.db", 120)), base_url="http://127.0.0.1")
    every = client.get("/api/edges", params={"limit": 1000}).json()
    drawn = client.get("/api/network", params={"limit": 20}).json()
    assert len(every) > 20 and len(drawn["edges"]) == 20 and drawn["more"]
    counts = sorted((e["count"] for e in every), reverse=True)
    assert [e["count"] for e in drawn["edges"]] == counts[:20]  # the busiest
    assert not client.get("/api/network", params={"limit": 1000}).json()["more"]
    page = client.get("/network").text
    assert len(every) > views.NETWORK_EDGES and "more pass these filters" in page
    assert page.count('<tr><td><a href="/actor/') == views.NETWORK_EDGES
    assert 'id="more-note" hidden' in client.get("/network", params={"type": "ALLY", "actor": "republic"}).text


def test_the_timeline_shows_the_busiest_pairs_by_name_and_a_way_to_see_more(tmp_path):
    from tests.browser.invented import build

    client = TestClient(create_app(build(tmp_path / "invented.db", 120)), base_url="http://127.0.0.1")
    rows = client.get("/api/timeline", params={"limit": 1000}).json()
    by_pair: dict[tuple[str, str], int] = {}
    for row in rows:
        pair = tuple(sorted((row["source"], row["target"])))
        by_pair[pair] = by_pair.get(pair, 0) + 1
    found = client.get("/api/timeline/pairs", params={"limit": 1000}).json()
    assert found["total"] == len(by_pair)
    assert [p["relations"] for p in found["pairs"]] == sorted(by_pair.values(), reverse=True)
    assert all(by_pair[(p["first_actor"], p["second_actor"])] == p["relations"] for p in found["pairs"])
    page = client.get("/timeline", params={"pairs": 5}).text
    labels = re.findall(r'<text x="4" y="\d+" class="pair">([^<]+)</text>', page)
    top = found["pairs"][:5]
    assert len(labels) == 5
    for label, pair in zip(labels, top, strict=True):  # names longer than 24 characters are clipped
        first, second = html.unescape(label).rsplit(" (", 1)[0].split(" – ")
        assert pair["first_name"].startswith(first.rstrip("…")) and pair["second_name"].startswith(second.rstrip("…"))
        assert label.endswith(f"({pair['relations']})")
    assert 'href="/timeline?pairs=35"' in page and 'The <span id="pair-count">5</span> busiest of' in page
    assert "person:" not in "".join(labels)
