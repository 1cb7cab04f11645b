"""Engines: the worker pool and Dask give the same documents as one process; a killed run resumes."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from powermap.engines.local import Settings, run
from powermap.ingest import Limits, read_sources

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from corpus import write  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write(folder, 12)
    return folder


@pytest.fixture(scope="module")
def single(corpus):
    return {o.document["id"]: o.document for o in run(read_sources([str(corpus)]), Settings(), workers=1)}


def test_worker_pool_matches_one_process(corpus, single):
    pooled = [o.document for o in run(read_sources([str(corpus)]), Settings(), workers=2, chunk=3)]
    assert [d["source"] for d in pooled] == sorted(str(p) for p in corpus.glob("*.txt"))  # input order kept
    assert {d["id"]: d for d in pooled} == single


@pytest.fixture(scope="module")
def dask_run(corpus, tmp_path_factory):
    from powermap.engines import dask as dask_engine

    out = tmp_path_factory.mktemp("dask") / "parts"
    return out, dask_engine.run([str(corpus)], out, Settings(), Limits(), workers=2)


def test_dask_matches_local(dask_run, single):
    from powermap.corpus.load import records

    out, counts = dask_run
    parts = sorted(p.name for p in counts["run"].glob("part-*.jsonl"))
    assert {k: counts[k] for k in ("documents", "failed")} == {"documents": 12, "failed": 0}
    assert counts["partitions"] == len(parts) > 1  # the partitions Dask made, not the number asked for
    manifest = json.loads((counts["run"] / "manifest.json").read_text())
    assert sorted(manifest["parts"]) == parts and sum(manifest["parts"].values()) == 12
    documents = {r.document["id"]: r.document for r in records([out])}
    assert documents == single


def _corpus_view(db):
    """What the corpus view shows of a store, independent of the order documents arrived in."""
    connection = sqlite3.connect(db)
    try:
        groups = {}
        for actor_id, corpus_id in connection.execute("SELECT DISTINCT actor_id, corpus_id FROM actors"):
            groups.setdefault(corpus_id, set()).add(actor_id)
        members = {corpus_id: tuple(sorted(ids)) for corpus_id, ids in groups.items()}
        actors = sorted((members[i], a, d, m) for i, a, d, m in connection.execute(
            "SELECT id, aliases, documents, mentions FROM corpus_actors"))
        edges = sorted((members.get(s, s), t, members.get(g, g), c, n, round(w, 6), first, last)
                       for s, t, g, c, n, w, first, last in connection.execute("SELECT * FROM edges"))
        return actors, edges
    finally:
        connection.close()


def test_load_of_a_dask_run_builds_the_store_of_a_local_run(dask_run, corpus, tmp_path):
    from typer.testing import CliRunner

    from powermap.cli import app

    out, _ = dask_run
    local, loaded = tmp_path / "local.db", tmp_path / "loaded.db"
    assert CliRunner().invoke(app, ["analyze", str(corpus), "--db", str(local), "--quiet"]).exit_code == 0
    result = CliRunner().invoke(app, ["load", str(out), "--db", str(loaded)])
    assert result.exit_code == 0, result.output
    actors, edges = _corpus_view(local)
    assert actors and edges and (actors, edges) == _corpus_view(loaded)


def test_load_reads_only_complete_dask_runs(dask_run, tmp_path):
    import shutil

    from typer.testing import CliRunner

    from powermap.cli import app
    from powermap.corpus.store import Store

    source, counts = dask_run
    out = tmp_path / "out"
    shutil.copytree(source, out)
    complete = out / counts["run"].name
    killed = out / "run-99990101T000000-killed"  # a later run killed before its manifest
    shutil.copytree(complete, killed)
    (killed / "manifest.json").unlink()
    cut = out / "run-99990101T000000-cut"  # a part shorter than its manifest says
    shutil.copytree(complete, cut)
    part = sorted(cut.glob("part-*.jsonl"))[0]
    part.write_text(part.read_text().splitlines()[0] + "\n")
    newer = out / "run-20000101T000000-newer"  # a complete rerun of two files, finished last
    newer.mkdir()
    kept = sorted(complete.glob("part-*.jsonl"))[1]
    shutil.copy(kept, newer / kept.name)
    manifest = json.loads((complete / "manifest.json").read_text())
    manifest.update(parts={kept.name: manifest["parts"][kept.name]}, finished="9999-01-01T00:00:00+00:00")
    (newer / "manifest.json").write_text(json.dumps(manifest))
    (out / "part-0.jsonl").write_text(part.read_text())  # parts of an old run with no manifest at all
    db = tmp_path / "c.db"
    result = CliRunner().invoke(app, ["load", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"{killed}: incomplete Dask run (no manifest" in output
    assert f"{cut}: Dask run's part {part.name} does not hold" in output
    assert f"{complete}: an older Dask run, not loaded" in output
    assert f"{out}: Dask parts without a manifest" in output
    expected = {json.loads(line)["document"]["id"] for line in kept.read_text().splitlines()}
    with Store(db, readonly=True) as store:
        assert {d["id"] for d in store.documents()} == expected
    result = CliRunner().invoke(app, ["load", str(complete), "--db", str(db)])  # named, the older run loads
    assert result.exit_code == 0 and "12 loaded" not in result.output
    with Store(db, readonly=True) as store:
        assert store.count() == 12


def test_ctrl_c_on_dask_is_one_line_and_a_clean_exit(corpus, tmp_path):
    out = tmp_path / "out"
    executable = Path(sys.executable).with_name("powermap")  # the command users run: its workers import powermap
    command = [str(executable), "analyze", str(corpus), "--engine", "dask", "--out-dir", str(out), "--workers", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and not list(out.glob("run-*")):
        time.sleep(0.1)
    time.sleep(2)  # the cluster is starting: the workers are in the same process group, as under a terminal
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.strip().count("\n") == 0, stderr
    assert "interrupted" in stderr and not list(out.glob("run-*/manifest.json"))


@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_batch_resumes_with_every_document_once(tmp_path, signal_number):
    folder = tmp_path / "corpus"
    write(folder, 40, seed=11)
    db = tmp_path / "corpus.db"
    command = [sys.executable, "-m", "powermap", "analyze", str(folder), "--db", str(db), "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                stored = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
                    "SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.Error:
                continue
            if stored >= 3:
                break
    assert process.poll() is None, "the batch finished before it could be killed"
    os.kill(process.pid, signal_number)
    process.wait(60)
    assert 3 <= stored < 40
    rerun = subprocess.run([*command[:-1]], capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    summary = rerun.stderr.strip().splitlines()[-1]
    analysed, skipped = (int(part.split()[0]) for part in summary.split(", ")[:2])
    assert skipped >= 3 and analysed + skipped == 40
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ids = [row[0] for row in connection.execute("SELECT id FROM documents")]
    assert len(ids) == len(set(ids)) == 40
    sources = [json.loads(row[0])["source"] for row in connection.execute("SELECT document FROM documents")]
    assert sorted(sources) == sorted(str(p) for p in folder.glob("*.txt"))


SMALL = ["Russia attacked Ukraine in March 2022.", "Belarus and Russia agreed on gas prices.",
         "Poland accused Belarus of provocations in May 2023."]


def test_dask_parquet_parts_read_back_and_load_like_a_local_run(tmp_path):
    """`--engine dask --format parquet` once crashed for want of pandas; its parts open in pandas, hold the
    documents of the local engine, and `load` builds the store local analysis builds."""
    import pandas as pd
    from typer.testing import CliRunner

    from powermap import versions
    from powermap.cli import app
    from powermap.corpus.store import Store
    from powermap.engines import dask as dask_engine

    texts = tmp_path / "texts"
    texts.mkdir()
    for number, text in enumerate(SMALL):
        (texts / f"{number}.txt").write_text(text, encoding="utf-8")
    counts = dask_engine.run([str(texts)], tmp_path / "parts", Settings(), Limits(), workers=1, fmt="parquet",
                             processes=False)
    assert {k: counts[k] for k in ("documents", "failed")} == {"documents": 3, "failed": 0}
    parts = sorted(counts["run"].glob("*.parquet"))
    assert parts and json.loads((counts["run"] / "manifest.json").read_text())["parts"] == {
        p.name: len(pd.read_parquet(p)) for p in parts}
    frame = pd.concat([pd.read_parquet(p) for p in parts])
    assert list(frame.columns) == ["source", "raw", "document", "problem", "versions"]
    local = {o.document["id"]: o.document for o in run(read_sources([str(texts)]), Settings(), workers=1)}
    assert {json.loads(d)["id"]: json.loads(d) for d in frame["document"]} == local
    assert frame["problem"].isna().all()
    assert all(json.loads(v) == versions.current() for v in frame["versions"])

    local_db, loaded_db = tmp_path / "local.db", tmp_path / "loaded.db"
    assert CliRunner().invoke(app, ["analyze", str(texts), "--db", str(local_db), "--quiet"]).exit_code == 0
    result = CliRunner().invoke(app, ["load", str(tmp_path / "parts"), "--db", str(loaded_db)])
    assert result.exit_code == 0 and "3 loaded" in result.output, result.output
    actors, edges = _corpus_view(local_db)
    assert actors and edges and (actors, edges) == _corpus_view(loaded_db)
    with Store(loaded_db, readonly=True) as store:
        assert all(store.versions(doc_id) == versions.current() for doc_id in local)


def test_dask_parquet_without_pandas_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    import importlib.util

    from typer.testing import CliRunner

    from powermap.cli import app

    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pandas" else found(name, *a))
    (tmp_path / "a.txt").write_text("Russia attacked Ukraine.", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "a.txt"), "--engine", "dask", "--format", "parquet",
                                      "--out-dir", str(tmp_path / "parts")])
    assert result.exit_code == 1 and "pip install 'powermap[parquet]'" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "parts").exists()
