"""HTML pages: main text and metadata with trafilatura, publication date with htmldate."""

from __future__ import annotations

import logging

import trafilatura
from htmldate import find_date

from powermap.analysis import Source

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def read_html(raw: str, label: str, url: str | None = None, fallback_date: str | None = None,
              fmt: str = "html") -> Source:
    """One page as a source; a page with no article text is an error, not an empty document."""
    source = Source(label=label, format=fmt, raw=raw, url=url)  # type: ignore[arg-type]
    if not raw.strip():
        source.error = "empty HTML page"
        return source
    try:
        extracted = trafilatura.bare_extraction(
            raw, url=url, with_metadata=True, favor_recall=True, include_comments=False
        )
    except Exception as exc:  # any parser failure is this page's problem only
        source.error = f"malformed HTML: {exc.__class__.__name__}: {exc}"
        return source
    body = (extracted.text if extracted is not None else None) or ""
    if not body.strip():
        source.error = "no article text found in the HTML"
        return source
    source.body = body
    source.title = extracted.title or None
    source.author = extracted.author or None
    source.url = url or extracted.url or None
    source.published = _date(raw, extracted.date) or fallback_date
    return source


def _date(raw: str, extracted: str | None) -> str | None:
    if extracted:
        return extracted[:10]
    try:
        found = find_date(raw, extensive_search=False, original_date=True)
    except Exception:  # no date is an answer, not a failure
        return None
    return found[:10] if found else None
