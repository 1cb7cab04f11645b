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


def test_dask_matches_local(corpus, single, tmp_path):
    from powermap.engines import dask as dask_engine

    counts = dask_engine.run([str(corpus)], tmp_path / "parts", Settings(), Limits(), workers=2)
    assert counts == {"documents": 12, "failed": 0, "partitions": 8}
    from powermap.corpus.load import records

    documents = {r["document"]["id"]: r["document"] for r in records([tmp_path / "parts"])}
    assert documents == single


def test_killed_batch_resumes_with_every_document_once(tmp_path):
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
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
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
