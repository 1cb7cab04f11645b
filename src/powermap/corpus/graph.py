"""The power map as a networkx graph: actors as nodes, aggregated relations as edges."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from powermap import ontology
from powermap.corpus.export import safe_cell
from powermap.corpus.store import Store


def build(store: Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None,
          min_confidence: float = 0.0, limit: int | None = None, every_actor: bool = True) -> nx.MultiDiGraph:
    """Corpus actors with their name as `label`, type, country and mentions; one edge per (source, relation,
    target) between two actors, from the store's edges (the `limit` with most relations). `since` and `until`
    (ISO at any precision, compared as dates) keep the relations dated in the period. Without `every_actor`
    only the actors of those edges are nodes, and edges carry no document lists (what a picture needs).

    Gephi's conventions: `weight` is positive (the number of relations, what a force layout pulls by), the
    sign of the relations as `sign` (+1 cooperative, -1 conflictual, 0 neither) and their signed sum as
    `signed_weight`; the relation type is `relation`, since GEXF reserves `type` for an edge's direction."""
    edges = [e for e in store.edges(types, since, until, min_confidence, limit, documents=every_actor) if e["target"]]
    graph = nx.MultiDiGraph()
    wanted = None if every_actor else sorted({e[k] for e in edges for k in ("source", "target")})
    for actor in _actors(store, wanted):
        graph.add_node(actor["id"], label=actor["name"], type=actor["type"], country=actor["country"] or "",
                       qid=actor["qid"] or "", mentions=actor["mentions"])
    for edge in edges:
        details = {"documents": json.dumps(edge["documents"], ensure_ascii=False),
                   "asserted_by": json.dumps(edge["asserted_by"], ensure_ascii=False)} if every_actor else {}
        graph.add_edge(edge["source"], edge["target"], key=edge["type"], relation=edge["type"],
                       directed=not ontology.symmetric(edge["type"]), count=edge["count"], negated=edge["negated"],
                       weight=edge["count"], signed_weight=edge["weight"], sign=_sign(edge["weight"]),
                       first=edge["first"] or "", last=edge["last"] or "", **details)
    return graph


def _sign(weight: float) -> int:
    return (weight > 0) - (weight < 0)


def _actors(store: Store, ids: list[str] | None) -> Iterator[dict[str, Any]]:
    """Every corpus actor, or those of `ids`."""
    query = "SELECT id, name, type, country, qid, mentions FROM corpus_actors"
    if ids is None:
        yield from store.rows(query + " ORDER BY mentions DESC, id")
        return
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield from store.rows(query + f" WHERE id IN ({', '.join('?' * len(chunk))})", chunk)


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
    """GraphML and GEXF open in Gephi; JSON is node-link; CSV writes Gephi's edge table and, beside it
    (`NAME-nodes.csv`), its node table."""
    if fmt == "graphml":
        nx.write_graphml(xml_safe(graph), path)
    elif fmt == "gexf":
        nx.write_gexf(xml_safe(graph), path)
    elif fmt == "json":
        path.write_text(json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    elif fmt == "csv":
        _write_csv(graph, path)
    else:
        raise ValueError(f"unknown graph format {fmt!r}")


EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Weight", "relation", "sign", "signed_weight", "count",
                "negated", "first", "last", "source_name", "target_name", "documents", "asserted_by")
NODE_COLUMNS = ("Id", "Label", "type", "country", "qid", "mentions")


def _write_csv(graph: nx.MultiDiGraph, path: Path) -> None:
    """Gephi's spreadsheet import: `Source,Target,Type` (Directed or Undirected), `Label` (the relation),
    a positive `Weight`; the nodes with their names as `Label`. Lists are JSON arrays."""
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EDGE_COLUMNS)
        for number, (source, target, data) in enumerate(graph.edges(data=True)):
            row = (source, target, "Directed" if data["directed"] else "Undirected", number, data["relation"],
                   data["weight"], data["relation"], data["sign"], data["signed_weight"], data["count"],
                   data["negated"], data["first"], data["last"], graph.nodes[source].get("label", source),
                   graph.nodes[target].get("label", target), data.get("documents", "[]"), data.get("asserted_by", "[]"))
            writer.writerow([safe_cell(v) for v in row])
    with path.with_name(path.stem + "-nodes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(NODE_COLUMNS)
        for node, data in graph.nodes(data=True):
            writer.writerow([safe_cell(v) for v in (node, data["label"], data["type"], data["country"], data["qid"],
                                                    data.get("mentions", 0))])
