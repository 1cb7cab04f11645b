"""The Dask engine: the same analysis on a Dask cluster, written as partitioned JSONL or Parquet.

Each partition is a group of input files; a worker reads them, runs the pipeline and returns one
record per document: `{"source", "raw", "document", "problem"}`. `powermap load` puts the records into
a store. With no scheduler address a LocalCluster is started on this machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from powermap.engines.local import Settings, analyse_chunk
from powermap.ingest import Limits, expand_paths, read_sources


def _partition(files: list[str], settings: Settings, limits: Limits) -> list[dict[str, Any]]:
    sources = list(read_sources(files, limits))
    return [asdict(result) for result in analyse_chunk(settings, sources)]


def run(paths: list[str], out_dir: Path, settings: Settings, limits: Limits, scheduler: str | None = None,
        workers: int = 2, fmt: str = "jsonl") -> dict[str, int]:
    """Analyse every file under `paths` on Dask; returns counts of documents and failures."""
    import dask.bag as db
    from distributed import Client, LocalCluster

    files = [str(p) for p in expand_paths(paths)]
    out_dir.mkdir(parents=True, exist_ok=True)
    if not files:
        return {"documents": 0, "failed": 0, "partitions": 0}
    partitions = max(1, min(len(files), workers * 4))
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    with Client(scheduler or cluster) as client:
        bag = db.from_sequence(files, npartitions=partitions).map_partitions(_partition, settings, limits)
        bag = client.persist(bag)  # analysed once, then written and counted
        if fmt == "parquet":
            import pandas as pd

            frame = bag.map(lambda r: {"source": r["source"], "raw": r["raw"],
                                       "document": json.dumps(r["document"], ensure_ascii=False)
                                       if r["document"] else None,
                                       "problem": json.dumps(r["problem"]) if r["problem"] else None})
            frame.to_dataframe(meta=pd.DataFrame({c: pd.Series(dtype="object")
                                                  for c in ("source", "raw", "document", "problem")})
                               ).to_parquet(str(out_dir), write_index=False)
        else:
            bag.map(lambda r: json.dumps(r, ensure_ascii=False)).to_textfiles(str(out_dir / "part-*.jsonl"))
        records = bag.map(lambda r: (r["document"] is not None, r["problem"] is not None)).compute()
        client.close()
    if cluster is not None:
        cluster.close()
    return {"documents": sum(ok for ok, _ in records), "failed": sum(bad for _, bad in records),
            "partitions": partitions}
