"""The web app in a real browser: Debian's Chromium driven by Playwright against a server on 127.0.0.1.

Screenshots go to test-output/screenshots/. Skipped when no Chromium is installed (`make test`
installs Debian's `chromium` when it can).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, pipeline):
    import uvicorn

    from powermap.analysis import Source
    from powermap.corpus.store import Store
    from powermap.web.app import create_app
    from tests.conftest import EXAMPLES

    db = tmp_path_factory.mktemp("browser") / "corpus.db"
    hostile = ("<script>alert('x')</script> wrote this\n\nThe Kremlin and <b>Minsk</b> agreed "
               "<img src=x onerror=alert(1)> to deploy troops near Poland.")
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))] + [("hostile", hostile)]
    with Store(db) as store:
        for analysis in pipeline.pipe(Source(label=n, format="text", raw=t, body=t) for n, t in texts):
            store.save(analysis.to_document(), analysis.source.raw)
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
def page():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        tab.dialogs = []
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()


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
    page.wait_for_selector("svg.network")
    page.screenshot(path=str(SHOTS / "network.png"), full_page=True)
    assert int(page.inner_text("#edge-count")) > 0
    page.click("svg.network a.node >> nth=0")
    page.wait_for_selector("#actor-name")


def test_timeline_claims_and_filters(server, page):
    page.goto(server + "/network?type=AGREE&type=COOPERATE")
    assert page.is_checked("input[name=type][value=AGREE]")
    page.goto(server + "/timeline")
    page.screenshot(path=str(SHOTS / "timeline.png"), full_page=True)
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
