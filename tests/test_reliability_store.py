"""Hostile stores, paths, writers and records (issue 14): each test makes its own hostile input in tmp_path."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.edges import aggregate
from powermap.corpus.store import Store, StoreError
from powermap.schema import Document, Problem

runner = CliRunner()


def _flat(output: str) -> str:
    """The terminal wraps long lines; the tests read the message as one line."""
    return " ".join(output.split())

PAIRS = [("Russia", "Ukraine"), ("Belarus", "Lithuania"), ("Poland", "Belarus"), ("China", "Taiwan"),
         ("Iran", "Israel"), ("Turkey", "Greece"), ("Serbia", "Kosovo"), ("Armenia", "Azerbaijan")]


@pytest.fixture(scope="module")
def documents(pipeline) -> list[dict[str, Any]]:
    """Twelve documents whose relations share edges (the same pairs come back in several of them)."""
    dumps = []
    for index in range(12):
        one, two = PAIRS[index % len(PAIRS)]
        three, four = PAIRS[(index + 3) % len(PAIRS)]
        text = (f"Report {index}\n\n{one} attacked {two} in March 20{10 + index}. "
                f"{three} and {four} agreed on a treaty. {one} accused {four} of lying.")
        document = pipeline.analyse_text(text).to_document()
        assert document.relations
        dumps.append(document.dump())
    return dumps


def _edge_rows(store: Store) -> dict[tuple[str, str, str], int]:
    return {(e["source"], e["type"], e["target"] or ""): e["count"] for e in store.edges()}


def _save_all(path: str, dumps: list[dict[str, Any]], replace: bool, barrier: Any) -> None:
    barrier.wait()
    with Store(path) as store:
        for _ in range(3):
            for data in dumps:
                store.save(Document.model_validate(data), data["text"], replace=replace)


@pytest.mark.parametrize("replace", [False, True], ids=["skip-stored", "force"])
def test_two_processes_writing_overlapping_documents_count_every_edge_once(tmp_path, documents, replace):
    path = str(tmp_path / "shared.db")
    Store(path).close()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    writers = [context.Process(target=_save_all, args=(path, part, replace, barrier))
               for part in (documents[:8], documents[4:])]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    with Store(path) as store:
        assert store.count() == len(documents)
        stored = list(store.documents())
        relations = store.conn.execute("SELECT COUNT(*) FROM relations").fetchone()[0]
        counts = _edge_rows(store)
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(d["id"] for d in stored) == sorted(d["id"] for d in documents)
    assert sum(counts.values()) == relations == sum(len(d["relations"]) for d in documents)
    assert counts == {(e.source, e.type, e.target or ""): e.count for e in aggregate(stored)}


def _foreign_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE documents (name TEXT, body BLOB); INSERT INTO documents VALUES ('a', x'00ff');"
                       "CREATE TABLE settings (k TEXT, v TEXT); INSERT INTO settings VALUES ('theme', 'dark');")
    conn.close()


def _layout_one_store(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "INSERT INTO meta VALUES ('schema', 'powermap/1'), ('store_version', '1');"
                       "CREATE TABLE documents (id TEXT PRIMARY KEY, document TEXT);"
                       "CREATE TABLE relations (doc_id TEXT, id TEXT, source TEXT, target TEXT, type TEXT);")
    conn.close()


def _other_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "INSERT INTO meta VALUES ('schema', 'someone-else/7');"
                       "CREATE TABLE documents (id TEXT PRIMARY KEY);")
    conn.close()


@pytest.mark.parametrize(("make", "reason"), [(_foreign_database, "not a powermap database"),
                                              (_layout_one_store, "store layout 1, this powermap uses 4"),
                                              (_other_schema, "schema someone-else/7")],
                         ids=["foreign-app", "layout-1", "other-schema"])
def test_refused_databases_are_left_byte_for_byte_unchanged(tmp_path, make, reason):
    path = tmp_path / "theirs.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=reason) as raised:
        Store(path)
    assert "\n" not in str(raised.value)
    result = runner.invoke(app, ["load", str(tmp_path / "nothing.jsonl"), "--db", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    (tmp_path / "a.txt").write_text("Title\n\nRussia attacked Ukraine.", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--db", str(path)])
    assert result.exit_code == 1 and reason in _flat(result.output) and "Traceback" not in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "theirs.db"]  # no -wal, no -journal


@pytest.mark.parametrize("name", ["q?x.db", "my#1.db", "50%.db", "a%3Fb.db", "sp ace&mode=rw.db"])
def test_read_only_paths_with_uri_characters(tmp_path, documents, name):
    path = tmp_path / name
    with Store(path) as store:
        store.save(Document.model_validate(documents[0]), "raw")
    with Store(path, readonly=True) as store:
        assert store.count() == 1
        with pytest.raises(StoreError, match="readonly"):
            store.save(Document.model_validate(documents[1]), "raw")
    absent = tmp_path / ("absent-" + name)
    with pytest.raises(StoreError, match="no such database"):
        Store(absent, readonly=True)
    shown = runner.invoke(app, ["show", str(absent)])
    assert shown.exit_code == 2
    strays = [p.name for p in tmp_path.iterdir() if not p.name.startswith(name)]  # SQLite's -wal and -shm only
    assert strays == []  # nothing created beside it: no `q`, no `my`, no `absent-...`


def _damaged_copy(tmp_path: Path, documents: list[dict[str, Any]]) -> Path:
    path = tmp_path / "good.db"
    with Store(path) as store:
        for data in documents:
            store.save(Document.model_validate(data), data["text"] * 20)
    damaged = tmp_path / "damaged.db"
    shutil.copy(path, damaged)
    size = damaged.stat().st_size
    page = 4096
    with damaged.open("r+b") as handle:  # every page after the first two: garbage
        for offset in range(2 * page, size, page):
            handle.seek(offset + 16)
            handle.write(bytes((offset // page * 37 + i) % 256 for i in range(page - 32)))
    return damaged


def test_damaged_store_is_a_one_line_error_everywhere(tmp_path, documents):
    damaged = _damaged_copy(tmp_path, documents)
    with pytest.raises(StoreError, match="damaged|malformed|not a database"):
        Store(damaged)
    (tmp_path / "a.txt").write_text("Title\n\nRussia attacked Ukraine.", encoding="utf-8")
    commands = [["analyze", str(tmp_path / "a.txt"), "--db", str(damaged)], ["show", str(damaged)],
                ["graph", str(damaged), "-o", str(tmp_path / "g.graphml")], ["edges", str(damaged)],
                ["export", str(damaged), "-o", str(tmp_path / "out")], ["claims", str(damaged)],
                ["load", str(tmp_path / "a.txt"), "--db", str(damaged)]]
    for command in commands:
        result = runner.invoke(app, command)
        assert result.exit_code == 1, (command, result.output)
        assert "Traceback" not in result.output and result.exception is None or isinstance(
            result.exception, SystemExit), (command, result.output)
        assert "powermap:" in result.output, (command, result.output)


def test_errors_table_keeps_one_row_per_source_and_reason(tmp_path):
    path = tmp_path / "c.db"
    for _ in range(3):
        with Store(path) as store:
            store.save_problem(Problem(source="bad.bin", stage="ingest", message="binary file, not text"))
            store.save_problem(Problem(source="bad.bin", stage="clean", message="empty"))
    with Store(path) as store:
        assert [(p.stage, p.message) for p in store.problems()] == [("ingest", "binary file, not text"),
                                                                    ("clean", "empty")]


def test_save_without_replace_keeps_the_stored_analysis(tmp_path, documents):
    data = documents[0]
    with Store(tmp_path / "c.db") as store:
        assert store.save(Document.model_validate(data), "first raw", replace=False)
        assert not store.save(Document.model_validate(data), "second raw", replace=False)
        assert store.raw(data["id"]) == "first raw"
        assert store.save(Document.model_validate(data), "third raw")
        assert store.raw(data["id"]) == "third raw" and store.count() == 1
        assert sum(_edge_rows(store).values()) == len(data["relations"])


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_load_skips_bad_records_with_a_reason_and_loads_the_rest(tmp_path, documents):
    good = documents[:3]
    far = json.loads(json.dumps(documents[3]))
    far["actors"][0]["mentions"][0].update(start=10**9, end=10**9 + 5)  # offsets far outside the text
    shifted = json.loads(json.dumps(documents[4]))
    shifted["relations"][0]["trigger"]["text"] = "forged evidence"  # offsets in the text, text not at them
    lines = [json.dumps(good[0]), "{not json", "[" * 100_000 + "]" * 100_000, json.dumps(far), "42",
             json.dumps(good[1]), json.dumps({"document": None, "problem": {"source": 3}}), json.dumps(shifted),
             json.dumps({"id": "x"}), json.dumps(good[2])]
    source = tmp_path / "mixed.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "c.db"
    for attempt in range(2):
        result = runner.invoke(app, ["load", str(source), "--db", str(db)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        output = _flat(result.output)
        assert f"{3 if attempt == 0 else 0} loaded" in output and "7 refused" in output
        for line in (2, 3, 4, 5, 7, 8, 9):
            assert f"mixed.jsonl:{line}:" in output
        assert "span 1000000000:1000000005 does not point at its text" in output
        assert "does not point at its text 'forged evidence'" in output
    with Store(db) as store:
        assert sorted(d["id"] for d in store.documents()) == sorted(d["id"] for d in good)
        assert len(store.problems()) == 7  # once each, though loaded twice
        assert sum(_edge_rows(store).values()) == sum(len(d["relations"]) for d in good)


def test_published_dates_are_checked_where_documents_enter(tmp_path, documents):
    lines = [{"id": "a", "text": "Russia attacked Ukraine.", "published": "unknown"},
             {"id": "b", "text": "Belarus attacked Lithuania.", "published": "10 October 2022"},
             {"id": "c", "text": "Poland attacked Belarus.", "published": "03/04/2022"}]
    source = _jsonl(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    analysed = {d["source"].rsplit("#", 1)[-1]: d for d in map(json.loads, out.read_text().splitlines())}
    assert analysed["a"]["published"] is None and "'unknown' is not an unambiguous date" in analysed["a"]["warnings"][0]
    assert analysed["b"]["published"] == "2022-10-10"
    assert analysed["c"]["published"] is None and analysed["c"]["warnings"]
    assert all(r["date"] in (None, "2022-10-10") for d in analysed.values() for r in d["relations"])
    stale = json.loads(json.dumps(documents[0]))  # a record written before dates were checked
    stale["published"] = "unknown"
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["load", str(_jsonl(tmp_path / "stale.jsonl", [stale])), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with Store(db, readonly=True) as store:
        loaded = store.document(stale["id"])
    assert loaded["published"] is None and "not an unambiguous date" in loaded["warnings"][-1]


@pytest.mark.parametrize("bad", ["2024-13", "unknown", "2022-02-30", "22-01-01", "2022/01"])
def test_graph_period_must_be_dates(tmp_path, documents, bad):
    source = _jsonl(tmp_path / "docs.jsonl", documents)
    for option in ("--since", "--until"):
        result = runner.invoke(app, ["graph", str(source), option, bad, "-o", str(tmp_path / "g.graphml")])
        assert result.exit_code == 2 and "not a date" in _flat(result.output) and result.output.count("\n") == 1
        assert not (tmp_path / "g.graphml").exists()


def test_graph_period_compares_dates_not_strings(tmp_path, documents):
    from powermap.corpus.graph import build
    from powermap.corpus.load import readable_store

    dated = [json.loads(json.dumps(d)) for d in documents[:4]]
    for document, day in zip(dated, ["2019", "2022-05", "2022-05-31", "2022-10-01"], strict=True):
        for relation in document["relations"]:
            relation["date"] = day
    path = tmp_path / "dated.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in dated), encoding="utf-8")
    with readable_store(path) as store:
        kept = lambda since, until: {d for *_, d in build(store, since=since, until=until).edges(data="first")}  # noqa: E731
        assert kept("2022-05", "2022-05") == {"2022-05", "2022-05-31"}
        assert kept("2022-05-31", None) == {"2022-05", "2022-05-31", "2022-10-01"}  # May overlaps its last day
        assert kept(None, "2020") == {"2019"}


@pytest.mark.parametrize("force", [False, True], ids=["rerun", "force"])
def test_identical_files_are_written_once(tmp_path, force):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("one.txt", "two.txt", "three.txt"):
        (folder / name).write_text("Russia attacked Ukraine in March 2022. Belarus and Russia agreed on gas prices.",
                                 encoding="utf-8")
    db, out = tmp_path / "c.db", tmp_path / "out.jsonl"
    for _ in range(2):
        result = runner.invoke(app, ["analyze", str(folder), "--db", str(db), "-o", str(out),
                                     *(["--force"] if force else [])])
        assert result.exit_code == 0, result.output
        written = [json.loads(line)["id"] for line in out.read_text().splitlines()]
        assert len(written) == 1, result.output
    with Store(db) as store:
        assert store.count() == 1
        relations = store.conn.execute("SELECT COUNT(*) FROM relations").fetchone()[0]
        assert sum(_edge_rows(store).values()) == relations >= 1


def test_actor_slugs_are_unique_stable_and_never_empty_in_any_script():
    import random
    import re
    import unicodedata

    from powermap.gazetteer import slug

    blocks = [(0x0410, 0x044F), (0x0391, 0x03C9), (0x0627, 0x064A), (0x4E00, 0x9FA5), (0x0905, 0x0939),
              (0x05D0, 0x05EA), (0xAC00, 0xD7A3), (0x1F600, 0x1F64F), (0x0250, 0x02AF)]
    rng = random.Random(14)
    names = {"".join(chr(rng.randint(*rng.choice(blocks))) for _ in range(rng.randint(1, 9))) for _ in range(3000)}
    names |= {"Сергей Петров", "Кузнецов", "Кузнецова", "李明", "黎明", "Łukasz", "Lukasz", "!!!", "\u200b"}
    slugs = {name: slug(name) for name in names}
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs.values()), slugs
    distinct = {unicodedata.normalize("NFC", n).casefold() for n in names}  # ids ignore case, as in Latin names
    assert len(set(slugs.values())) == len(distinct)  # distinct names never share an id
    assert slug("ПЕТРОВ") == slug("Петров") != slug("Петрова")
    assert all(slug(unicodedata.normalize("NFD", n)) == s for n, s in slugs.items())  # stable across forms
    assert slug("Alexander Lukashenko") == "alexander-lukashenko" == slug("ALEXANDER LUKASHENKO")
    assert slug("Viktor Orbán") == "viktor-orban" and slug("e\u0301") == slug("é") == "e"


def test_people_named_in_other_scripts_keep_their_own_actors_and_edges(pipeline, tmp_path):
    text = ("Opposition leader Сергей Петров met the press in Vilnius on Monday. Кузнецов said the talks had "
            "failed. Петров accused Кузнецов of lying.")
    analysis = pipeline.analyse_text(text)
    ids = {a.name: a.id for a in analysis.actors if a.type == "person"}
    assert ids["Сергей Петров"] != ids["Кузнецов"] and all(i != "person:" for i in ids.values())
    assert pipeline.analyse_text(text).to_document().dump()["actors"] == analysis.to_document().dump()["actors"]
    assert {m.text for a in analysis.actors if a.id == ids["Сергей Петров"] for m in a.mentions} == {
        "Сергей Петров", "Петров"}
    two = [pipeline.analyse_text(f"The envoy {name} met officials in Geneva. {name} said the talks failed.",
                                 label=name).to_document() for name in ("李明", "黎明")]
    found = [a.id for d in two for a in d.actors if a.type == "person"]
    with Store(tmp_path / "two.db") as store:
        for document in two:
            store.save(document, document.text)
        mapping = {r["actor_id"]: r["corpus_id"] for r in store.rows("SELECT actor_id, corpus_id FROM actors")}
    assert len(set(found)) == len({mapping.get(i, i) for i in found})  # homophones stay two people


HOSTILE_CELLS = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@A1", "\t=1+1", "\r=1+1"]


def _hostile_documents(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Documents as anything could have written them: formulas in every text field, control characters
    and a lone surrogate in actor names."""
    hostile = json.loads(json.dumps(documents[:4]))
    controls = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\ufffe\uffff\ud800"
    for number, document in enumerate(hostile):
        document["title"] = HOSTILE_CELLS[number]
        for index, actor in enumerate(document["actors"]):
            actor["name"] = f"{HOSTILE_CELLS[index % len(HOSTILE_CELLS)]} {controls[index % len(controls):]}"
        document["quotes"] = []
        for cell in HOSTILE_CELLS:  # quoted at the end of the text, so that every span still points at it
            document["text"] += "\n"
            document["quotes"].append({"start": len(document["text"]), "end": len(document["text"]) + len(cell),
                                       "text": cell, "kind": "direct", "speaker": None, "speaker_text": None,
                                       "cue": None, "source": None, "confidence": 0.5})
            document["text"] += cell
    return hostile


def test_exports_neither_run_formulas_nor_break_on_control_characters(tmp_path, documents):
    import csv

    import networkx as nx

    source = tmp_path / "hostile.jsonl"
    source.write_text("".join(json.dumps(d) + "\n" for d in _hostile_documents(documents)), encoding="utf-8")
    result = runner.invoke(app, ["export", str(source), "-o", str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    cells = [cell for table in (tmp_path / "csv").glob("*.csv")
             for row in csv.reader(table.open(encoding="utf-8", newline="")) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r")) or c.startswith("-") and
                not c.lstrip("-").replace(".", "", 1).isdigit()]
    for cell in HOSTILE_CELLS:
        assert "'" + cell in cells
    graphs = {}
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        target = tmp_path / f"g.{fmt}"
        result = runner.invoke(app, ["graph", str(source), "--format", fmt, "-o", str(target)])
        assert result.exit_code == 0 and target.stat().st_size > 0, result.output
        graphs[fmt] = read(target)
    expected = nx.MultiDiGraph()
    from powermap.corpus.graph import build
    from powermap.corpus.load import readable_store

    with readable_store(source) as store:
        expected = build(store)
    for graph in graphs.values():
        assert graph.number_of_nodes() == expected.number_of_nodes() > 3
        assert graph.number_of_edges() == expected.number_of_edges()
        labels = [data["label"] for _, data in graph.nodes(data=True)]
        assert any("\\x1b" in label for label in labels) and not any("\x1b" in label for label in labels)
    for fmt in ("json", "csv"):
        result = runner.invoke(app, ["graph", str(source), "--format", fmt, "-o", str(tmp_path / f"g.{fmt}")])
        assert result.exit_code == 0, result.output
    edges_csv = runner.invoke(app, ["edges", str(source), "--csv"]).output
    assert not [c for row in csv.reader(edges_csv.splitlines()) for c in row if c.startswith(("=", "+", "@"))]
