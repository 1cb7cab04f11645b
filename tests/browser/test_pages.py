"""The pages in Chromium: an evidence link scrolls its document to the span and marks it; the actor page and
the outlet comparison as a reader sees them (screenshots to test-output/screenshots/)."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import CHROMIUM, SHOTS, browser, page, server  # noqa: F401  (the same server and browser)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def _opened_at_its_span(tab) -> tuple[int, int]:
    """The span the page was opened at: it is marked, in view, and its characters are the text's."""
    tab.wait_for_selector("#hit")
    start, end = (int(tab.get_attribute("#hit", name)) for name in ("data-start", "data-end"))
    doc_id = tab.url.split("/doc/")[1].split("?")[0]
    text = tab.evaluate(f"fetch('/api/documents/{doc_id}').then(r => r.json()).then(d => d.text)")
    marked = "".join(tab.eval_on_selector_all(f'mark.ev-hit[data-start="{start}"]', "ms => ms.map(m => m.textContent)"))
    assert marked == text[start:end]
    box = tab.eval_on_selector("#hit", "m => { const r = m.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert 0 <= box[0] < tab.viewport_size["height"], box  # scrolled to
    assert tab.eval_on_selector("#hit", "m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    return start, end


def test_evidence_links_scroll_to_and_mark_their_span(server, page):  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(server + "/claims")
    link = page.locator("#claims a.evidence-link").last
    wanted = link.get_attribute("href").split("hit=")[1].split("#")[0]
    link.click()
    assert "-".join(map(str, _opened_at_its_span(page))) == wanted
    page.goto(server + "/")
    page.locator("a.doc-link:has-text(\"joint drills\")").click()
    page.locator("#relations a.evidence-link").last.click()
    _opened_at_its_span(page)
    page.goto(server + "/actor/" + page.evaluate("fetch('/api/actors').then(r => r.json()).then(a => a[0].id)"))
    page.locator("#groups a.evidence-link").first.click()  # a relation named by its id: its sentence
    _opened_at_its_span(page)


def test_actor_page_and_outlet_comparison(server, page):  # noqa: F811
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto(server + "/")
    page.locator("ul.actors a").first.click()
    page.wait_for_selector("#actor-summary")
    name = page.inner_text("#actor-name")
    assert page.inner_text("#actor-summary").startswith(name + ": ")
    page.screenshot(path=str(SHOTS / "pages-actor.png"), full_page=False)
    page.click("#to-compare")
    page.wait_for_selector("#outlets")
    assert name in page.inner_text("#compare-title")
    assert page.locator("#outlets .outlet").count() >= 1
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=False)
    page.goto(server + "/no/such/page")
    assert page.inner_text("#not-found") == "Not found"
    assert page.dialogs == []
