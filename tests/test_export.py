"""Exports as pandas and Gephi users open them: one table per layer with names beside ids, lists as JSON,
graph files with names as labels, a positive weight and the sign as its own attribute."""

import csv
import json

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.export import COLUMNS, TABLES, parquet_schema
from powermap.corpus.store import Store
from powermap.schema import Problem

runner = CliRunner()
TEXTS = [
    "Gas deal\n\nMINSK, 10 October (BelTA) – Belarus and Russia agreed on gas prices on Monday. “We will never "
    "bow to these shameful sanctions,” Alexander Lukashenko said. Russia attacked Ukraine in March 2022, killing "
    "40 people.",
    "Opinion: Moscow's corrupt puppets\n\nThe corrupt, lying regime in Moscow threatens Poland every day. Poland "
    "accused Russia of provocations in May 2023. Warsaw's brave leaders defend freedom, said Donald Tusk.",
    "Russia attacked Ukraine again in June 2023.",
]
# Each id column of a table and the column that names it.
NAMED = {"actors": [("actor", "name")], "mentions": [("actor", "name")], "wire_items": [("agency", "agency_name")],
         "quotes": [("speaker", "speaker_name"), ("source", "source_name")],
         "relations": [("source", "source_name"), ("target", "target_name"), ("asserted_by", "asserted_by_name")],
         "claims": [("asserted_by", "asserted_by_name")],
         "rhetoric": [("target", "target_name"), ("held_by", "held_by_name")],
         "stance": [("actor", "actor_name"), ("held_by", "held_by_name")],
         "edges": [("source", "source_name"), ("target", "target_name")]}
LISTS = {"documents": ["genre_reasons", "warnings"], "claims": ["quantities", "dates", "actors", "actor_names",
                                                                "reasons"],
         "stance": ["evidence"], "edges": ["documents", "asserted_by"]}


@pytest.fixture(scope="module")
def documents(pipeline):
    return [pipeline.analyse_text(text, label=f"t{i}").to_document() for i, text in enumerate(TEXTS)]


@pytest.fixture(scope="module")
def db(tmp_path_factory, documents):
    path = tmp_path_factory.mktemp("store") / "c.db"
    with Store(path) as store:
        for document in documents:
            store.save(document, document.text)
        store.save_problem(Problem(source="broken.bin", stage="ingest", message="binary file, not text"))
    return path


def _read(path, fmt):
    if fmt == "csv":
        return pd.read_csv(path)
    if fmt == "parquet":
        return pd.read_parquet(path)
    return pd.read_json(path, lines=True) if path.stat().st_size else pd.DataFrame()


def _names(documents):
    """Every actor id of the corpus with its name, as the documents give it."""
    return {actor.id: actor.name for document in documents for actor in document.actors}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_table_opens_in_pandas_with_names_beside_ids(db, documents, tmp_path, fmt):
    result = runner.invoke(app, ["export", str(db), "--format", fmt, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    known = _names(documents)
    frames = {table: _read(tmp_path / f"{table}.{fmt}", fmt) for table in TABLES}
    for table, frame in frames.items():
        assert list(frame.columns) == list(COLUMNS[table]), table
        assert len(frame) > 0, f"{table} is empty: the corpus should fill every table"
        for id_column, name_column in NAMED.get(table, []):
            named = frame[frame[id_column].notna()]
            assert named[name_column].notna().all(), (table, name_column)
            for actor_id, name in zip(named[id_column], named[name_column], strict=True):
                assert name == known.get(actor_id, "author" if actor_id == "author" else name), (table, actor_id)
    relations = frames["relations"]
    attack = relations[(relations["type"] == "ASSAULT") & (relations["source"] == "state:RUS")].iloc[0]
    assert (attack["source_name"], attack["target_name"]) == ("Russia", "Ukraine")
    assert set(frames["stance"]["held_by_name"]) == {"Donald Tusk"}
    assert frames["wire_items"].iloc[0]["agency_name"] == "BelTA"
    assert list(frames["errors"]["message"]) == ["binary file, not text"]
    assert sorted(frames["documents"]["id"]) == sorted(d.id for d in documents)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_lists_are_json_arrays_that_round_trip(db, documents, tmp_path, fmt):
    assert runner.invoke(app, ["export", str(db), "--format", fmt, "-o", str(tmp_path)]).exit_code == 0
    for table, columns in LISTS.items():
        frame = _read(tmp_path / f"{table}.{fmt}", fmt)
        for column in columns:
            for cell in frame[column]:
                value = cell if fmt == "jsonl" else json.loads(cell)
                assert isinstance(value, list), (table, column, cell)
    claims = _read(tmp_path / f"claims.{fmt}", fmt)
    exported = {(row["document"], row["id"]): row["actors"] if fmt == "jsonl" else json.loads(row["actors"])
                for _, row in claims.iterrows()}
    assert exported == {(d.id, c.id): c.actors for d in documents for c in d.claims}
    edges = _read(tmp_path / f"edges.{fmt}", fmt)
    with Store(db, readonly=True) as store:
        expected = {(e["source"], e["type"], e["target"]): e["asserted_by"] for e in store.edges()}
    assert {(r["source"], r["type"], r["target"]): r["asserted_by"] if fmt == "jsonl" else json.loads(r["asserted_by"])
            for _, r in edges.iterrows()} == expected
    assert ["author"] in expected.values()  # once joined with spaces into one string


def test_a_stance_keeps_its_evidence_spans(db, documents, tmp_path):
    assert runner.invoke(app, ["export", str(db), "--format", "csv", "-o", str(tmp_path)]).exit_code == 0
    texts = {d.id: d.text for d in documents}
    stance = pd.read_csv(tmp_path / "stance.csv")
    spans = [(row["document"], span) for _, row in stance.iterrows() for span in json.loads(row["evidence"])]
    assert spans and all(texts[doc][s["start"]:s["end"]] == s["text"] for doc, s in spans)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_an_empty_store_exports_every_table_with_its_columns(tmp_path, fmt):
    Store(tmp_path / "empty.db").close()
    result = runner.invoke(app, ["export", str(tmp_path / "empty.db"), "--format", fmt, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for table in TABLES:
        frame = _read(tmp_path / "out" / f"{table}.{fmt}", fmt)
        assert len(frame) == 0
        if fmt != "jsonl":  # an empty JSONL file has no lines to carry column names
            assert list(frame.columns) == list(COLUMNS[table])
        if fmt == "parquet":  # typed as a full table is: numbers stay numbers, in every export
            assert pq.read_schema(tmp_path / "out" / f"{table}.parquet").equals(parquet_schema(table))


def test_parquet_tables_keep_their_types_when_full_and_in_several_row_groups(db, tmp_path, monkeypatch):
    from powermap.corpus import export

    monkeypatch.setattr(export, "PARQUET_ROWS", 2)  # every few rows a row group of its own
    assert runner.invoke(app, ["export", str(db), "--format", "parquet", "-o", str(tmp_path)]).exit_code == 0
    mentions = pq.ParquetFile(tmp_path / "mentions.parquet")
    assert mentions.metadata.num_row_groups > 1 and mentions.schema_arrow.equals(parquet_schema("mentions"))
    frame = pd.read_parquet(tmp_path / "relations.parquet")
    assert str(frame["start"].dtype) == "int64" and str(frame["negated"].dtype) == "bool"
    assert str(frame["confidence"].dtype) == "float64"


@pytest.mark.parametrize(("fmt", "read"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_files_have_names_and_positive_weights(db, documents, tmp_path, fmt, read):
    target = tmp_path / f"g.{fmt}"
    assert runner.invoke(app, ["graph", str(db), "--format", fmt, "-o", str(target)]).exit_code == 0
    graph = read(target)
    known = _names(documents)
    assert {node: data["label"] for node, data in graph.nodes(data=True)} == {n: known[n] for n in graph.nodes}
    edges = [(s, t, d) for s, t, d in graph.edges(data=True)]
    assert edges and all(float(d["weight"]) > 0 for _, _, d in edges)
    attack = next(d for s, t, d in edges if (s, t, d["relation"]) == ("state:RUS", "state:UKR", "ASSAULT"))
    assert float(attack["weight"]) == int(attack["count"]) == 2
    assert int(attack["sign"]) == -1 and float(attack["signed_weight"]) < 0
    agree = next(d for _, _, d in edges if d["relation"] == "AGREE")
    assert int(agree["sign"]) == 1 and float(agree["signed_weight"]) > 0
    assert json.loads(attack["asserted_by"]) == ["author"]


def test_graph_csv_is_gephi_edge_and_node_table(db, tmp_path):
    target = tmp_path / "g.csv"
    assert runner.invoke(app, ["graph", str(db), "--format", "csv", "-o", str(target)]).exit_code == 0
    with target.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:6] == ["Source", "Target", "Type", "Id", "Label", "Weight"]
    assert "type" not in header and {"relation", "sign", "signed_weight"} <= set(header)
    edges = pd.read_csv(target)
    assert set(edges["Type"]) <= {"Directed", "Undirected"} and (edges["Weight"] > 0).all()
    assert edges["Id"].is_unique
    kinds = dict(zip(edges["relation"], edges["Type"], strict=False))
    assert kinds["ASSAULT"] == "Directed" and kinds["AGREE"] == "Undirected"  # AGREE has no direction
    attack = edges[edges["relation"] == "ASSAULT"].iloc[0]
    assert (attack["source_name"], attack["target_name"], attack["sign"]) == ("Russia", "Ukraine", -1)
    nodes = pd.read_csv(tmp_path / "g-nodes.csv")
    assert list(nodes.columns[:2]) == ["Id", "Label"]
    labels = dict(zip(nodes["Id"], nodes["Label"], strict=True))
    assert labels["state:RUS"] == "Russia" and labels["person:alexander-lukashenko"] == "Alexander Lukashenko"
    assert set(edges["Source"]) | set(edges["Target"]) <= set(nodes["Id"])


def test_export_of_a_jsonl_file_names_actors_too(documents, tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(d.dump()) + "\n" for d in documents), encoding="utf-8")
    assert runner.invoke(app, ["export", str(source), "--format", "jsonl", "-o", str(tmp_path / "out")]).exit_code == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "quotes.jsonl").read_text().splitlines()]
    assert ("person:alexander-lukashenko", "Alexander Lukashenko") in {(r["speaker"], r["speaker_name"]) for r in rows}
