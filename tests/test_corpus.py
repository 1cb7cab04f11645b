"""Corpus outputs: merged actors, graph files that networkx (and so Gephi) reads back, flat exports."""

import csv
import json

import networkx as nx
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.load import readable_store

runner = CliRunner()
TEXTS = ["Russia attacked Ukraine in March 2022. Belarus and Russia agreed on gas prices.",
         "Ambassador Jonas Petraitis accused Belarus of provocations in May 2023.",
         "Ambassador Jonas Petraitys met Poland's foreign minister. Russia attacked Ukraine again."]


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory, pipeline):
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    documents = [pipeline.analyse_text(t, label=f"t{i}").to_document().dump() for i, t in enumerate(TEXTS)]
    path.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    return path


def test_spelling_variants_of_an_unknown_person_merge(corpus_file):
    with readable_store(corpus_file) as store:
        mapping = {r["actor_id"]: r["corpus_id"] for r in store.rows("SELECT actor_id, corpus_id FROM actors")}
    assert mapping["person:jonas-petraitys"] == mapping["person:jonas-petraitis"]
    assert mapping["state:RUS"] == "state:RUS"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_graph_files_read_back(corpus_file, tmp_path, fmt):
    target = tmp_path / f"g.{fmt}"
    result = runner.invoke(app, ["graph", str(corpus_file), "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    if fmt == "graphml":
        graph = nx.read_graphml(target)
    elif fmt == "gexf":
        graph = nx.read_gexf(target)
    else:
        graph = nx.node_link_graph(json.loads(target.read_text()), edges="edges")
    assert graph.nodes["state:RUS"]["type"] == "state" and graph.nodes["state:RUS"]["country"] == "RUS"
    attacks = [d for s, t, d in graph.edges(data=True) if (s, t) == ("state:RUS", "state:UKR")
               and d["relation"] == "ASSAULT"]
    assert attacks and int(attacks[0]["count"]) == 2 == float(attacks[0]["weight"])
    assert int(attacks[0]["sign"]) == -1 and float(attacks[0]["signed_weight"]) < 0


def test_graph_filters_by_type_and_date(corpus_file, tmp_path):
    target = tmp_path / "g.csv"
    result = runner.invoke(app, ["graph", str(corpus_file), "--format", "csv", "-o", str(target),
                                 "--type", "ASSAULT", "--since", "2022-01", "--until", "2022-12"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(target.open()))
    assert [(r["Source"], r["relation"], r["Target"], r["count"]) for r in rows] == [
        ("state:RUS", "ASSAULT", "state:UKR", "1")]
    assert (tmp_path / "g-nodes.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_exports(corpus_file, tmp_path, fmt):
    result = runner.invoke(app, ["export", str(corpus_file), "--format", fmt, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for table in ("documents", "actors", "mentions", "wire_items", "relations", "quotes", "claims", "rhetoric",
                  "stance", "edges", "errors"):
        assert (tmp_path / f"{table}.{fmt}").exists()
    relations = tmp_path / f"relations.{fmt}"
    if fmt == "csv":
        rows = list(csv.DictReader(relations.open()))
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in relations.read_text().splitlines()]
    else:
        rows = pq.read_table(relations).to_pylist()
    assert any(r["type"] == "ASSAULT" and r["source"] == "state:RUS" for r in rows)
