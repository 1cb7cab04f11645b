"""The power map as a networkx graph: actors as nodes, aggregated relations as edges."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from powermap.corpus.edges import aggregate
from powermap.corpus.export import safe_cell
from powermap.corpus.merge import canonical_ids
from powermap.dates import within


def _merged(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents with merged actor ids applied to relations (copies; the originals are untouched)."""
    mapping = canonical_ids(documents)
    merged = []
    for document in documents:
        relations = [{**r, "source": mapping.get(r["source"], r["source"]),
                      "target": mapping.get(r["target"], r["target"]) if r["target"] else None}
                     for r in document.get("relations", [])]
        merged.append({**document, "relations": relations})
    return merged


def build(documents: Iterable[dict[str, Any]], types: set[str] | None = None, since: str | None = None,
          until: str | None = None) -> nx.MultiDiGraph:
    """Actors with their type, country and mention counts; one edge per (source, relation, target).
    `since` and `until` (ISO at any precision, compared as dates) keep the relations dated in the period.

    The edge attribute is `relation`, not `type`: GEXF reserves `type` for an edge's direction."""
    documents = list(documents)
    mapping = canonical_ids(documents)
    graph = nx.MultiDiGraph()
    mentions: Counter[str] = Counter()
    for document in documents:
        for actor in document["actors"]:
            node = mapping.get(actor["id"], actor["id"])
            mentions[node] += len(actor["mentions"])
            if node not in graph:
                graph.add_node(node, label=actor["name"], type=actor["type"], country=actor["country"] or "",
                               qid=actor["qid"] or "")
    for node, count in mentions.items():
        graph.nodes[node]["mentions"] = count
    dated = [{**d, "relations": [r for r in d.get("relations", []) if within(r["date"], since, until)]}
             for d in _merged(documents)]
    for edge in aggregate(dated, types):
        if edge.target is None:
            continue
        graph.add_edge(edge.source, edge.target, key=edge.type, relation=edge.type, count=edge.count,
                       negated=edge.negated, weight=round(edge.weight, 3), first=edge.first or "",
                       last=edge.last or "", documents=" ".join(sorted(edge.documents)),
                       asserted_by=" ".join(sorted(edge.asserted_by)))
    return graph


# Characters XML 1.0 cannot carry at all (C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(value: Any) -> Any:
    """Text XML can carry: each character it cannot is written as its escape (`\\x1b`), so names stay distinct."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", value) if isinstance(value, str) else value


def xml_safe(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of the graph whose node ids and attributes GraphML and GEXF writers (and readers) accept."""
    safe = nx.MultiDiGraph()
    safe.add_nodes_from((_xml_text(n), {k: _xml_text(v) for k, v in d.items()}) for n, d in graph.nodes(data=True))
    safe.add_edges_from((_xml_text(s), _xml_text(t), _xml_text(k), {a: _xml_text(v) for a, v in d.items()})
                        for s, t, k, d in graph.edges(keys=True, data=True))
    return safe


def write(graph: nx.MultiDiGraph, path: Path, fmt: str) -> None:
    """GraphML and GEXF open in Gephi; JSON is node-link; CSV writes nodes and edges side by side."""
    if fmt == "graphml":
        nx.write_graphml(xml_safe(graph), path)
    elif fmt == "gexf":
        nx.write_gexf(xml_safe(graph), path)
    elif fmt == "json":
        path.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    elif fmt == "csv":
        import csv

        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["source", "target", "type", "count", "negated", "weight", "first", "last",
                             "documents", "asserted_by"])
            for source, target, data in graph.edges(data=True):
                writer.writerow([safe_cell(v) for v in (source, target, data["relation"], data["count"],
                                                        data["negated"], data["weight"], data["first"], data["last"],
                                                        data["documents"], data["asserted_by"])])
        with path.with_name(path.stem + "-nodes.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "label", "type", "country", "qid", "mentions"])
            for node, data in graph.nodes(data=True):
                writer.writerow([safe_cell(v) for v in (node, data["label"], data["type"], data["country"],
                                                        data["qid"], data.get("mentions", 0))])
    else:
        raise ValueError(f"unknown graph format {fmt!r}")
