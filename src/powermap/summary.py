"""A readable summary of analysed documents, for the terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from powermap.digest import document_lines
from powermap.schema import Problem
from powermap.terminal import block, cell, one_line


def _kinds(mentions: list[dict[str, Any]]) -> str:
    counts = Counter(m["kind"] for m in mentions)
    return ", ".join(f"{kind} {n}" for kind, n in counts.most_common())


def document_panel(document: dict[str, Any], max_actors: int = 25) -> Panel:
    """One document: its metadata, wire credits, actors with mention counts, warnings."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, key in (("title", "title"), ("section", "section"), ("author", "author"),
                       ("published", "published"), ("language", "language"), ("source", "source"),
                       ("url", "url"), ("id", "id")):
        if document.get(key):
            facts.add_row(label, cell(str(document[key])))
    facts.add_row("length", f"{len(document['text'])} characters")
    for number, line in enumerate(document_lines(document), 1):
        facts.add_row("who did what" if number == 1 else "", cell(f"{number}. {line}"))
    for item in document.get("wire_items", []):
        facts.add_row("wire credit", cell(f"{item['agency_text']} ({item['agency'] or 'unknown agency'})"
                                          f" at {item['start']}: {item['text']}"))
    actors = Table(title=f"{len(document['actors'])} actors", title_justify="left", expand=True)
    for column in ("actor", "type", "country", "mentions", "kinds"):
        actors.add_column(column, justify="right" if column == "mentions" else "left")
    for actor in document["actors"][:max_actors]:
        actors.add_row(cell(actor["name"]), cell(actor["type"]), cell(actor.get("country") or ""),
                       str(len(actor["mentions"])), cell(_kinds(actor["mentions"])))
    if len(document["actors"]) > max_actors:
        actors.add_row(f"... {len(document['actors']) - max_actors} more", "", "", "", "")
    genre = document.get("genre")
    if genre:
        facts.add_row("genre", cell(f"{genre['label']} ({genre['score']:.2f}): {', '.join(genre['reasons'])}"))
    stances = [s for s in document.get("stance", []) if s["held_by"] == "author"]
    names = {a["id"]: a["name"] for a in document["actors"]}
    if stances:
        facts.add_row("author's stance", cell(", ".join(
            f"{names.get(s['actor'], s['actor'])} {s['value']:+.2f}" for s in sorted(stances, key=lambda s: s["value"])
        )))
    counts = Counter(t["technique"] for t in document.get("rhetoric", []))
    if counts:
        facts.add_row("techniques", cell(", ".join(f"{name} {n}" for name, n in counts.most_common())))
    parts: list[Any] = [facts, actors]
    if document.get("quotes"):
        parts.append(_quotes_table(document, max_actors))
    if document.get("relations"):
        parts.append(_relations_table(document, max_actors))
    if document.get("claims"):
        parts.append(_claims_table(document, 10))
    for warning in document.get("warnings", []):
        parts.append(cell(f"warning: {warning}", style="yellow"))
    return Panel(Group(*parts), title=cell(document.get("title") or document["source"]), title_align="left")


def _quotes_table(document: dict[str, Any], limit: int) -> Table:
    names = {a["id"]: a["name"] for a in document["actors"]}
    table = Table(title=f"{len(document['quotes'])} quotes", title_justify="left", expand=True)
    for column in ("speaker", "cue", "kind", "source", "quote"):
        table.add_column(column, ratio=4 if column == "quote" else 1)
    for quote in document["quotes"][:limit]:
        speaker = names.get(quote["speaker"]) or (quote["speaker_text"] or {}).get("text") or "?"
        text = quote["text"] if len(quote["text"]) <= 140 else quote["text"][:137] + "..."
        table.add_row(cell(speaker), cell((quote["cue"] or {}).get("text", "")), cell(quote["kind"]),
                      cell(names.get(quote["source"], "")), cell(text))
    return table


def _relations_table(document: dict[str, Any], limit: int) -> Table:
    names = {a["id"]: a["name"] for a in document["actors"]}
    table = Table(title=f"{len(document['relations'])} relations", title_justify="left", expand=True)
    for column in ("source", "relation", "target", "how", "asserted by", "trigger", "conf."):
        table.add_column(column)
    for relation in document["relations"][:limit]:
        how = ", ".join(x for x in ("not" if relation["negated"] else "", relation["modality"]
                                    if relation["modality"] != "asserted" else "", relation["date"] or "") if x)
        asserted = relation["asserted_by"] or "?"
        table.add_row(cell(names.get(relation["source"], relation["source"])), cell(relation["type"]),
                      cell(names.get(relation["target"] or "", relation["target"] or "-")), cell(how),
                      cell(names.get(asserted, asserted)), cell(relation["trigger"]["text"]),
                      f"{relation['confidence']:.2f}")
    return table


def _claims_table(document: dict[str, Any], limit: int) -> Table:
    claims = sorted(document["claims"], key=lambda c: -c["checkworthiness"])
    table = Table(title=f"{len(claims)} claims (most check-worthy first)", title_justify="left", expand=True)
    for column in ("score", "kind", "figures", "claim"):
        table.add_column(column, ratio=4 if column == "claim" else 1)
    for claim in claims[:limit]:
        figures = [f"{q['text']} ({q['unit'] or '?'})" for q in claim["quantities"]]
        figures += [f"{d['text']} = {d['iso'] or '?'}" for d in claim["dates"]]
        text = claim["text"] if len(claim["text"]) <= 160 else claim["text"][:157] + "..."
        table.add_row(f"{claim['checkworthiness']:.2f}", cell(claim["kind"]), cell("; ".join(figures)), cell(text))
    return table


_TECHNIQUE_STYLES = {
    "name_calling": "bold red", "loaded_language": "red", "exaggeration": "magenta", "doubt": "yellow",
    "appeal_to_fear": "bold magenta", "flag_waving": "blue", "whataboutism": "cyan", "slogans": "bold blue",
    "repetition": "dim", "causal_oversimplification": "yellow", "black_and_white_fallacy": "bold yellow",
    "appeal_to_authority": "green", "thought_terminating_cliche": "bold cyan",
}


def marked_text(document: dict[str, Any]) -> Text:
    """The clean text with each persuasion technique styled and labelled after it: `minion⟦name_calling⟧`;
    control characters escaped, so an article cannot drive the terminal."""
    text = document["text"]
    marked = Text()
    position = 0
    for technique in sorted(document.get("rhetoric", []), key=lambda t: (t["start"], -t["end"])):
        if technique["start"] < position:
            continue
        marked.append(block(text[position : technique["start"]]))
        marked.append(block(text[technique["start"] : technique["end"]]),
                      style=_TECHNIQUE_STYLES.get(technique["technique"], "bold"))
        marked.append(f"⟦{one_line(technique['technique'])}⟧", style="dim italic")
        position = technique["end"]
    marked.append(block(text[position:]))
    return marked


def print_summary(console: Console, documents: Iterable[dict[str, Any]], problems: list[Problem]) -> int:
    """Print every document and then the errors; returns how many documents were shown."""
    shown = 0
    for document in documents:
        console.print(document_panel(document))
        shown += 1
    if problems:
        errors = Table(title=f"{len(problems)} errors", title_justify="left", expand=True)
        for column in ("source", "stage", "reason"):
            errors.add_column(column)
        for problem in problems:
            errors.add_row(cell(problem.source), cell(problem.stage), cell(problem.message))
        console.print(errors)
    return shown
