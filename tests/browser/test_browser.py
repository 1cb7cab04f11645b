"""The web app in a real browser: Debian's Chromium driven by Playwright against a server on 127.0.0.1.

Screenshots go to test-output/screenshots/. Skipped when no Chromium is installed (`make test`
installs Debian's `chromium` when it can).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _serve(db: Path) -> Iterator[str]:
    """`powermap serve`'s app on a free port of 127.0.0.1 in a thread, for as long as the caller needs it."""
    import uvicorn

    from powermap.web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory, pipeline):
    from powermap.analysis import Source
    from powermap.corpus.store import Store
    from tests.conftest import EXAMPLES

    db = tmp_path_factory.mktemp("browser") / "corpus.db"
    hostile = ("<script>alert('x')</script> wrote this\n\nThe Kremlin and <b>Minsk</b> agreed "
               "<img src=x onerror=alert(1)> to deploy troops near Poland.")
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))] + [("hostile", hostile)]
    with Store(db) as store:
        for analysis in pipeline.pipe(Source(label=n, format="text", raw=t, body=t) for n, t in texts):
            store.save(analysis.to_document(), analysis.source.raw)
    yield from _serve(db)


@pytest.fixture(scope="module")
def large_server(tmp_path_factory):
    """A store of 1,000 invented documents (tests/browser/invented.py: no spaCy, the real Store.save)."""
    from tests.browser.invented import build

    yield from _serve(build(tmp_path_factory.mktemp("large") / "corpus.db", 1000))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 900})
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.errors = []  # scripts that failed and what the security policy refused
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda message: message.type == "error" and "Failed to load resource" not in message.text
           and tab.errors.append(message.text))
    tab.on("response", lambda answer: answer.status >= 400 and not answer.url.endswith("/favicon.ico")
           and tab.errors.append(f"{answer.status} {answer.url}"))
    return tab


def test_from_overview_to_document_to_actor_to_network(server, page):
    page.goto(server + "/")
    page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
    assert int(page.inner_text("#doc-count")) == 3
    page.click("a.doc-link:has-text(\"joint drills\")")
    page.wait_for_selector("#text")
    page.screenshot(path=str(SHOTS / "document.png"), full_page=True)
    doc_id = page.url.rsplit("/", 1)[-1]
    text = page.evaluate(f"fetch('/api/documents/{doc_id}').then(r => r.json()).then(d => d.text)")
    # Every highlight's characters are exactly the document's text at its offsets.
    pieces = page.eval_on_selector_all(
        "mark.ev", "marks => marks.map(m => [m.dataset.layer, +m.dataset.start, +m.dataset.end, m.textContent,"
        " m.classList.contains('ev-part'), m.title])")
    assert pieces
    joined: dict[tuple[str, int, int, str], str] = {}  # two items of a layer may share offsets (two techniques)
    for layer, start, end, content, part, label in pieces:
        if part:
            joined[(layer, start, end, label)] = joined.get((layer, start, end, label), "") + content
        else:
            assert content == text[start:end], (layer, start, end)
    for (_, start, end, _), content in joined.items():
        assert text[start:end].startswith(content) or content in text[start:end]
    page.uncheck("input.layer-toggle[value=actors]")
    assert "hide-actors" in page.evaluate("document.body.className")
    page.click("a.actor-link >> nth=0")
    page.wait_for_selector("#actor-name")
    page.screenshot(path=str(SHOTS / "actor.png"), full_page=True)
    page.click("#to-network")
    drawn = settled(page)
    assert drawn["edges"] > 0 and drawn["nodes"] == int(page.inner_text("#node-count"))
    node = clickable(page, "node")
    page.mouse.click(node["x"], node["y"])
    page.wait_for_selector("#actor-name")
    assert page.url.endswith("/actor/" + quote(node["id"], safe=""))


def test_timeline_claims_and_filters(server, page):
    page.goto(server + "/network?type=AGREE&type=COOPERATE")
    assert page.is_checked("input[name=type][value=AGREE]")
    page.goto(server + "/claims")
    page.screenshot(path=str(SHOTS / "claims.png"), full_page=True)
    assert page.locator("#claims tbody tr").count() > 0


def test_hostile_text_renders_inert(server, page):
    page.goto(server + "/search?q=wrote+this")
    page.click("main li a >> nth=0")
    page.wait_for_selector("#text")
    page.screenshot(path=str(SHOTS / "hostile.png"), full_page=True)
    assert page.dialogs == []
    assert page.locator("script").count() == 1  # our own app.js, nothing from the article
    assert page.locator("#text img").count() == 0 and page.locator("#text b").count() == 0
    assert "<script>alert('x')</script>" in page.inner_text("#text")


# -- the interactive network and the timeline ---------------------------------------------------------------
def settled(page, timeout: float = 60_000) -> dict:
    """What the network drew once its layout has settled (the page marks `#graph[data-stable="1"]`)."""
    page.wait_for_selector('#graph[data-stable="1"]', state="attached", timeout=timeout)
    return page.evaluate("""() => { const n = window.powermapNetwork;
      return {nodes: n.body.data.nodes.length, edges: n.body.data.edges.length, node_ids: n.body.data.nodes.getIds(),
              relations: n.body.data.edges.get().map(e => e.relation)}; }""")


def painted(page) -> int:
    """How many pixels of the network's canvas are drawn in a colour (not blank, not white)."""
    return page.evaluate("""() => { const c = document.querySelector('#graph canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.min(d[i], d[i + 1], d[i + 2]) < 200) n++;
      return n; }""")


def clickable(page, kind: str) -> dict:
    """A node (its centre) or a straight edge (its middle) that a click at that point of the page reaches,
    found through vis-network's own hit test, with the point in page coordinates."""
    return page.evaluate("""(kind) => { const n = window.powermapNetwork;
      const box = document.querySelector('#graph canvas').getBoundingClientRect();
      const points = kind === 'node' ? n.body.data.nodes.getIds().map(id => [id, n.getPositions([id])[id]])
        : n.body.data.edges.get().filter(e => e.smooth && e.smooth.enabled === false).map(e => {
            const p = n.getPositions([e.from, e.to]);
            return [e.id, {x: (p[e.from].x + p[e.to].x) / 2, y: (p[e.from].y + p[e.to].y) / 2}]; });
      for (const [id, at] of points) {
        const dom = n.canvasToDOM(at);
        const hit = kind === 'node' ? n.getNodeAt(dom) : (n.getNodeAt(dom) === undefined && n.getEdgeAt(dom));
        if (hit === id && dom.x > 0 && dom.y > 0 && dom.x < box.width && dom.y < box.height) {
          const item = kind === 'node' ? n.body.data.nodes.get(id) : n.body.data.edges.get(id);
          return {id, x: box.left + dom.x, y: box.top + dom.y, relation: item.relation || null}; } }
      return null; }""", kind)


def test_the_network_draws_on_a_canvas_and_a_click_opens_the_actor(server, page):
    page.errors.clear()
    page.goto(server + "/network")
    drawn = settled(page)
    assert page.errors == []
    answer = page.evaluate("fetch('/api/network').then(r => r.json())")
    assert drawn["edges"] == len(answer["edges"]) > 0
    assert sorted(drawn["node_ids"]) == sorted(n["id"] for n in answer["nodes"])
    assert painted(page) > 500  # circles and lines, not a blank box
    assert page.locator("#edge-table tbody tr").count() == drawn["edges"]
    node = clickable(page, "node")
    assert node is not None
    page.mouse.click(node["x"], node["y"])
    page.wait_for_selector("#actor-name")
    assert page.url.endswith("/actor/" + quote(node["id"], safe=""))
    assert page.inner_text("#actor-name") == next(n["name"] for n in answer["nodes"] if n["id"] == node["id"])


def test_the_network_zooms_pans_and_lets_a_node_be_dragged(server, page):
    page.goto(server + "/network")
    settled(page)
    node = clickable(page, "node")
    scale = page.evaluate("window.powermapNetwork.getScale()")
    page.mouse.move(node["x"], node["y"] + 60)
    page.mouse.wheel(0, -400)
    page.wait_for_function(f"window.powermapNetwork.getScale() > {scale}")
    view = page.evaluate("window.powermapNetwork.getViewPosition()")
    node = clickable(page, "node")
    before = page.evaluate(f"window.powermapNetwork.getPositions([{node['id']!r}])[{node['id']!r}]")
    page.mouse.move(node["x"], node["y"])
    page.mouse.down()
    page.mouse.move(node["x"] + 60, node["y"] + 40, steps=8)
    page.mouse.up()
    after = page.evaluate(f"window.powermapNetwork.getPositions([{node['id']!r}])[{node['id']!r}]")
    assert abs(after["x"] - before["x"]) > 20 and abs(after["y"] - before["y"]) > 10  # the node moved with the mouse
    assert page.url.endswith("/network")  # a drag is not a click
    box = page.locator("#graph canvas").bounding_box()
    empty = page.evaluate("""() => { const n = window.powermapNetwork;  // a point of the canvas with nothing on it
      for (let dx = 10; dx < 600; dx += 15) for (let dy = 10; dy < 600; dy += 15) {
        const at = {x: dx, y: dy}; if (n.getNodeAt(at) === undefined && !n.getEdgeAt(at)) return [dx, dy]; }
      return null; }""")
    page.mouse.move(box["x"] + empty[0], box["y"] + empty[1])
    page.mouse.down()
    page.mouse.move(box["x"] + empty[0] + 80, box["y"] + empty[1] + 50, steps=8)
    page.mouse.up()
    moved = page.evaluate("window.powermapNetwork.getViewPosition()")
    assert abs(moved["x"] - view["x"]) > 10  # dragging the background pans the view


def test_filters_change_the_drawn_edges(server, page):
    page.goto(server + "/network")
    everything = settled(page)
    relation = max(set(everything["relations"]), key=everything["relations"].count)
    page.check(f"input[name=type][value={relation}]")
    by_type = settled(page)
    assert 0 < by_type["edges"] < everything["edges"] and set(by_type["relations"]) == {relation}
    assert f"type={relation}" in page.url and page.inner_text("#edge-count") == str(by_type["edges"])
    page.uncheck(f"input[name=type][value={relation}]")
    assert settled(page)["edges"] == everything["edges"]
    confidences = page.evaluate("fetch('/api/edges?limit=1000').then(r => r.json())")
    page.fill("#confidence-filter", "0.99")
    page.press("#confidence-filter", "Enter")
    confident = settled(page)
    expected = page.evaluate("fetch('/api/network?min_confidence=0.99').then(r => r.json())")
    assert confident["edges"] == len(expected["edges"]) <= len(confidences)
    page.fill("#confidence-filter", "0")
    busiest = page.evaluate("fetch('/api/network').then(r => r.json())")["nodes"][0]
    word = busiest["name"].split()[-1][:5]
    page.fill("#actor-filter", word)
    page.press("#actor-filter", "Enter")
    around = settled(page)
    assert 0 < around["edges"] <= everything["edges"] and f"actor={word}" in page.url
    named = page.evaluate(f"fetch('/api/edges?actor={word}').then(r => r.json())")
    assert all(word.lower() in (e["source_name"] + " " + e["target_name"]).lower() for e in named)
    page.fill("#actor-filter", "no actor is called this")
    page.press("#actor-filter", "Enter")
    assert settled(page)["edges"] == 0 and "No edges match" in page.inner_text("#edge-table")


def test_clicking_an_edge_lists_its_evidence_beside_the_graph(server, page):
    page.goto(server + "/network")
    settled(page)
    edge = clickable(page, "edge")
    assert edge is not None
    page.mouse.click(edge["x"], edge["y"])
    page.wait_for_selector("#evidence .evidence-item")
    assert edge["relation"] in page.inner_text("#evidence h2")
    page.screenshot(path=str(SHOTS / "network.png"))
    sentence = page.inner_text("#evidence .evidence-item q >> nth=0")
    assert page.inner_text("#evidence .evidence-item mark >> nth=0") in sentence  # the trigger, marked
    page.click("#evidence .evidence-link >> nth=0")
    page.wait_for_selector("#text")
    start, end = int(page.get_attribute("#hit", "data-start")), int(page.get_attribute("#hit", "data-end"))
    doc_id = page.url.split("/doc/")[1].split("?")[0]
    text = page.evaluate(f"fetch('/api/documents/{doc_id}').then(r => r.json()).then(d => d.text)")
    assert text[start:end] == sentence


def test_without_javascript_the_network_is_a_table(server, browser):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + "/network")
    rows = tab.locator("#edge-table tbody tr")
    assert rows.count() == int(tab.inner_text("#edge-count")) > 0
    assert tab.locator("#edge-table tbody a").first.get_attribute("href").startswith("/actor/")
    first = tab.inner_text("#edge-table tbody tr >> nth=0 >> td >> nth=1").split()[0]
    tab.check(f"input[name=type][value={first}]")
    tab.click("#network-filters button")  # the form is an ordinary GET form
    tab.wait_for_url(f"**type={first}**")
    relations = tab.eval_on_selector_all("#edge-table tbody tr td:nth-child(2)",
                                         "cells => cells.map(c => c.textContent)")
    assert relations and all(r.split()[0] == first for r in relations)
    context.close()


def test_the_timeline_names_the_busiest_pairs_first(server, page):
    page.goto(server + "/timeline")
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)
    labels = page.eval_on_selector_all("svg.timeline text.pair", "found => found.map(t => t.textContent)")
    pairs = page.evaluate("fetch('/api/timeline/pairs?limit=1000').then(r => r.json())")
    assert labels and len(labels) == min(pairs["total"], 30) == int(page.inner_text("#pair-count"))
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in labels]
    assert counts == sorted(counts, reverse=True) == [p["relations"] for p in pairs["pairs"][:len(labels)]]
    for label, pair in zip(labels, pairs["pairs"], strict=False):
        assert pair["first_name"][:20] in label and pair["first_actor"] not in label


def test_a_store_of_1000_documents_draws_the_busiest_edges_only(large_server, page):
    from powermap.corpus import views

    page.goto(large_server + "/network")
    drawn = settled(page, timeout=120_000)
    assert page.evaluate("fetch('/api/documents?limit=1000').then(r => r.json()).then(d => d.length)") == 1000
    assert drawn["edges"] == views.NETWORK_EDGES and page.is_visible("#more-note")
    assert painted(page) > 500
    page.screenshot(path=str(SHOTS / "network-1000.png"))
    page.fill("#actor-filter", "republic")
    page.press("#actor-filter", "Enter")
    states = settled(page, timeout=120_000)
    named = page.evaluate("fetch('/api/network?actor=republic').then(r => r.json())")
    assert states["edges"] == len(named["edges"]) > 0
    assert all("republic" in (e["source_name"] + e["target_name"]).lower() for e in named["edges"])
    page.goto(large_server + "/timeline")
    assert int(page.inner_text("#pair-count")) == views.TIMELINE_PAIRS < int(page.inner_text("#pair-total"))
    page.click("#more-pairs")
    page.wait_for_selector("#pair-count")
    assert int(page.inner_text("#pair-count")) == 2 * views.TIMELINE_PAIRS
    assert page.locator("svg.timeline text.pair").count() == 2 * views.TIMELINE_PAIRS
