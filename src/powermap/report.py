"""`powermap report`: one self-contained HTML file about a corpus or a document, to send to a colleague.

Everything is in the file: the CSS is inline, there are no scripts and no links outside it (only anchors
between its own sections), and every text from the documents goes through Jinja's autoescaping. Each
piece of evidence is shown as the document's own characters, `text[start:end]`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from powermap import __version__, digest
from powermap.corpus.views import document_name, outlet
from powermap.schema import Problem

TEMPLATES = resources.files("powermap") / "web" / "templates"
LEADING_ACTORS = 30  # actors listed for the corpus, most documents first


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]))
    environment.globals["document_name"] = document_name
    return environment


def _section(document: dict[str, Any]) -> dict[str, Any]:
    """What the report says of one document: its summary lines, names by actor id, voices."""
    names = {a["id"]: a["name"] for a in document.get("actors", [])}
    return {"document": document, "names": names, "name": document_name(document.get("title"), document["source"]),
            "outlet": outlet(document.get("url"), document["source"]), "summary": digest.document_lines(document),
            "voices": digest.voices(document, names)}


def _leading_actors(documents: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    """(name, type, documents, mentions) of the actors in most documents, by name across documents."""
    in_documents: Counter[tuple[str, str]] = Counter()
    mentions: Counter[tuple[str, str]] = Counter()
    for document in documents:
        for actor in document.get("actors", []):
            key = (actor["name"], actor["type"])
            in_documents[key] += 1
            mentions[key] += len(actor["mentions"])
    ranked = sorted(in_documents, key=lambda key: (-in_documents[key], -mentions[key], key))[:LEADING_ACTORS]
    return [(name, type_, in_documents[(name, type_)], mentions[(name, type_)]) for name, type_ in ranked]


def render(documents: Iterable[dict[str, Any]], title: str, problems: Iterable[Problem] = ()) -> str:
    """The report as one HTML page: for more than one document a corpus part first (summary line per
    document, leading actors, errors), then a section per document."""
    found = list(documents)
    return _environment().get_template("report.html").render(
        title=title, sections=[_section(d) for d in found], actors=_leading_actors(found), problems=list(problems),
        version=__version__, made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))
