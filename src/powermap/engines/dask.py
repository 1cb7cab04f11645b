"""The Dask engine: the same analysis on a Dask cluster, written as partitioned JSONL or Parquet.

Each partition is a group of input files; a worker reads them, runs the pipeline and returns one
record per document: `{"source", "raw", "document", "problem", "versions"}`. Every run writes into its own folder
`OUT_DIR/run-<time>-<id>/` and finishes with `manifest.json` (parts, their record counts, powermap
version); `powermap load` reads only runs whose manifest is there and agrees with the parts. With no
scheduler address a LocalCluster is started on this machine.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from powermap import __version__, versions
from powermap.corpus.load import MANIFEST, PART_SUFFIXES, part_records
from powermap.engines.local import Settings, analyse_chunk
from powermap.extras import require
from powermap.ingest import Limits, expand_paths, read_sources


def _partition(files: list[str], settings: Settings, limits: Limits) -> list[dict[str, Any]]:
    """Analyse one partition on a worker; each record carries what the worker analysed with (its data
    files, models and spaCy pipeline), for the store to keep when the run is loaded."""
    sources = list(read_sources(files, limits))
    used = versions.current(settings.model)
    return [asdict(result) | {"versions": used} for result in analyse_chunk(settings, sources)]


def _run_folder(out_dir: Path) -> Path:
    """A fresh folder per run, so that a rerun never mixes its parts with an earlier (or killed) run's."""
    folder = out_dir / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    return folder


def _write_manifest(folder: Path, fmt: str, counts: dict[str, Any], started: str) -> None:
    """Written last, and atomically: its presence says every part it lists is complete."""
    parts = {p.name: part_records(p) for p in sorted(folder.iterdir()) if p.suffix in PART_SUFFIXES}
    manifest = {"powermap": __version__, "format": fmt, **counts, "parts": parts, "started": started,
                "finished": datetime.now(UTC).isoformat(timespec="microseconds")}
    if sum(parts.values()) != counts["documents"] + counts["failed"]:
        raise RuntimeError(f"{folder}: the parts hold {sum(parts.values())} records, the run made "
                           f"{counts['documents'] + counts['failed']}; no manifest written")
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(temporary, folder / MANIFEST)


@contextmanager
def _starting_workers(log: Path) -> Iterator[None]:
    """The worker processes started inside write their standard error to `log`, and a Ctrl-C meanwhile is
    raised once the cluster is up (so that it can be closed cleanly). The terminal sends Ctrl-C to the whole
    process group: only this process answers it, with one line, not every worker with a traceback."""
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: pressed.append(number))
    sys.stderr.flush()
    terminal = os.dup(2)
    try:
        with log.open("ab") as handle:
            os.dup2(handle.fileno(), 2)  # inherited by every process started from here on
            yield
    except Exception:
        if not pressed:
            raise
    finally:
        sys.stderr.flush()
        os.dup2(terminal, 2)
        os.close(terminal)
        signal.signal(signal.SIGINT, previous)
    if pressed:  # a worker that heard it too may have failed the start: the cause is the Ctrl-C
        raise KeyboardInterrupt


def run(paths: list[str], out_dir: Path, settings: Settings, limits: Limits, scheduler: str | None = None,
        workers: int = 2, fmt: str = "jsonl", processes: bool = True) -> dict[str, Any]:
    """Analyse every file under `paths` on Dask into a new run folder under `out_dir`; returns the counts of
    documents, failures and partitions, and the run folder. `processes=False` runs the LocalCluster's
    workers as threads of this process (quick to start: for small runs and tests)."""
    if fmt == "parquet":
        require("parquet", "Parquet output from Dask (or use --format jsonl)")
    started = datetime.now(UTC).isoformat(timespec="microseconds")
    files = [str(p) for p in expand_paths(paths)]
    folder = _run_folder(out_dir)
    counts: dict[str, Any] = {"documents": 0, "failed": 0, "partitions": 0}
    if files:
        counts = _analyse(files, folder, settings, limits, scheduler, workers, fmt, processes)
    _write_manifest(folder, fmt, counts, started)
    return {**counts, "run": folder}


def _analyse(files: list[str], folder: Path, settings: Settings, limits: Limits, scheduler: str | None,
             workers: int, fmt: str, processes: bool) -> dict[str, Any]:
    import dask.bag as db
    from distributed import Client, LocalCluster

    # An interrupted gather is reported once, by the caller: not by asyncio, nor by distributed's comms closing
    # under it ("Batched Comm Closed", with a traceback, logged in this process).
    quiet = [logging.getLogger(name) for name in ("asyncio", "distributed")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    cluster = None
    try:
        with _starting_workers(folder / "workers.log"):
            cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                                          dashboard_address=None, silence_logs=logging.CRITICAL)
        with Client(scheduler or cluster) as client:
            bag = db.from_sequence(files, npartitions=max(1, min(len(files), workers * 4)))
            bag = client.persist(bag.map_partitions(_partition, settings, limits))  # analysed once
            if fmt == "parquet":
                _write_parquet(bag, folder)
            else:
                bag.map(lambda r: json.dumps(r, ensure_ascii=False)).to_textfiles(str(folder / "part-*.jsonl"))
            records = bag.map(lambda r: (r["document"] is not None, r["problem"] is not None)).compute()
            return {"documents": sum(ok for ok, _ in records), "failed": sum(bad for _, bad in records),
                    "partitions": bag.npartitions}
    finally:
        if cluster is not None:
            cluster.close()
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


PARQUET_COLUMNS = ("source", "raw", "document", "problem", "versions")


def _write_parquet(bag: Any, folder: Path) -> None:
    """One Parquet part per partition, every column text (the document, problem and versions as JSON), with
    one schema for all parts: a part whose records all succeeded has no problem to infer a type from."""
    import pandas as pd
    import pyarrow as pa

    def as_text(value: Any) -> str | None:
        return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    frame = bag.map(lambda r: {column: as_text(r[column]) for column in PARQUET_COLUMNS})
    meta = pd.DataFrame({column: pd.Series(dtype="object") for column in PARQUET_COLUMNS})
    frame.to_dataframe(meta=meta).to_parquet(str(folder), write_index=False, write_metadata_file=False,
                                             schema=pa.schema([(column, pa.string()) for column in PARQUET_COLUMNS]))
