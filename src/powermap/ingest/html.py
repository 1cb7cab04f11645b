"""HTML pages: main text and metadata with trafilatura, publication date with htmldate."""

from __future__ import annotations

import logging
import re

from powermap.analysis import Source

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

# Bounds on markup: the parser and extractor slow down more than linearly with attributes per element and
# elements per page (200,000 attributes on one element took over 300 s). Real pages stay far below these.
MAX_ATTRIBUTES_PER_ELEMENT = 100
MAX_ELEMENTS = 50_000
MAX_ATTRIBUTES = 200_000
_START_TAG = re.compile(r"<([A-Za-z][^\s/>]*)([^<>]*)>")
_ATTRIBUTE = re.compile(r"""[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>`]*))?""")


class MarkupTooComplex(ValueError):
    """A page whose markup would take the extractor unbounded time; the message says which bound."""


def tame(raw: str) -> str:
    """The page with the attributes of any element that has too many dropped (its content stays);
    MarkupTooComplex when the page has more elements or attributes than any real article."""
    elements = attributes = 0

    def visit(tag: re.Match[str]) -> str:
        nonlocal elements, attributes
        elements += 1
        inside = tag[2]
        if len(inside) < 2 * MAX_ATTRIBUTES_PER_ELEMENT:  # too short to hold too many: the common case
            attributes += inside.count("=")
            return tag[0]
        count = sum(1 for _ in _ATTRIBUTE.finditer(inside))
        if count > MAX_ATTRIBUTES_PER_ELEMENT:
            return f"<{tag[1]}>"
        attributes += count
        return tag[0]

    tamed = _START_TAG.sub(visit, raw)
    if elements > MAX_ELEMENTS:
        raise MarkupTooComplex(f"HTML too complex: {elements} elements (limit {MAX_ELEMENTS})")
    if attributes > MAX_ATTRIBUTES:
        raise MarkupTooComplex(f"HTML too complex: {attributes} attributes (limit {MAX_ATTRIBUTES})")
    return tamed


def read_html(raw: str, label: str, url: str | None = None, fallback_date: str | None = None,
              fmt: str = "html") -> Source:
    """One page as a source; a page with no article text is an error, not an empty document."""
    source = Source(label=label, format=fmt, raw=raw, url=url)  # type: ignore[arg-type]
    if not raw.strip():
        source.error = "empty HTML page"
        return source
    try:
        markup = tame(raw)
    except MarkupTooComplex as exc:
        source.error = str(exc)
        return source
    import trafilatura  # here, not at the top: it takes about a second to import, and text runs never need it

    try:
        extracted = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, favor_recall=True, include_comments=False
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
    source.published = _date(markup, extracted.date) or fallback_date
    return source


def _date(raw: str, extracted: str | None) -> str | None:
    if extracted:
        return extracted[:10]
    from htmldate import find_date  # comes with trafilatura: imported at first use as well

    try:
        found = find_date(raw, extensive_search=False, original_date=True)
    except Exception:  # no date is an answer, not a failure
        return None
    return found[:10] if found else None
