"""Throughput and peak memory of powermap against bare spaCy `nlp.pipe` on the same texts.

Run: .venv/bin/python bench/bench_analyze.py [--docs 1000 10000] [--modes spacy local1 local2 dask]
     .venv/bin/python bench/bench_analyze.py --texts ../shared/eval/polnear-dev/text [--modes spacy local1]

For each corpus size it generates that many distinct documents from our examples (bench/corpus.py)
(or, with --texts DIR, copies the real-length articles of DIR, read at run time and never kept) and
runs each mode in a fresh process:
- spacy:  bare `nlp.pipe` with the same model over the files' text;
- local1: `powermap analyze DIR --db ...` with one process;
- local2: the same with `--workers 2`;
- dask:   `powermap analyze DIR --engine dask --workers 2 --out-dir ...` on a LocalCluster.
Tokens are whitespace-separated words of the input, the same count for every mode. Peak RSS is the
main process's, and the largest worker's where there are workers. Model loading is included for the
powermap modes (it is part of a run) and reported separately for spaCy. Besides wall-clock seconds each
mode reports the CPU seconds of its process and its finished children over the same stretch: on a
machine shared with other work the wall-clock ratio moves by 10-20% between runs, the CPU ratio much less.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def cpu_seconds() -> float:
    """User and system time of this process and of its children that have finished."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_mode(mode: str, folder: Path, work: Path) -> dict[str, float]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    if mode == "spacy":
        import spacy

        from powermap.nlp import model_name

        nlp = spacy.load(model_name())
        loaded = time.perf_counter()
        cpu_started = cpu_seconds()
        for _ in nlp.pipe(texts, batch_size=32):
            pass
    else:
        from powermap.cli import app

        loaded = started
        args = ["analyze", str(folder), "--quiet"]
        if mode == "dask":
            args += ["--engine", "dask", "--workers", "2", "--out-dir", str(work / "parts")]
        else:
            args += ["--db", str(work / "corpus.db"), "--workers", mode.removeprefix("local")]
        try:
            app(args, standalone_mode=False)
        except SystemExit as exit_:
            if exit_.code:
                raise
    seconds = time.perf_counter() - loaded
    return {
        "docs": len(texts), "words": words, "seconds": seconds, "cpu_s": cpu_seconds() - cpu_started,
        "load_s": loaded - started,
        "docs_per_s": len(texts) / seconds, "words_per_s": words / seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000])
    parser.add_argument("--modes", nargs="+", default=["spacy", "local1", "local2", "dask"])
    parser.add_argument("--texts", type=Path, help="Real articles (*.txt) to use instead of generated ones.")
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.dir, args.work)))
        return
    from corpus import write

    print(f"{'docs':>6} {'mode':<7}{'seconds':>9}{'CPU s':>8}{'docs/s':>8}{'words/s':>9}{'RSS MB':>8}{'worker MB':>10}")
    results: dict[tuple[int, str], dict[str, float]] = {}
    if args.texts is not None:
        args.docs = [len(list(args.texts.glob("*.txt")))]
    for count in args.docs:
        with tempfile.TemporaryDirectory() as temp:
            folder = Path(temp) / "corpus"
            if args.texts is not None:
                folder.mkdir()
                for path in sorted(args.texts.glob("*.txt")):
                    (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            else:
                write(folder, count)
            for mode in args.modes:
                work = Path(temp) / mode
                work.mkdir()
                command = [sys.executable, __file__, "--mode", mode, "--dir", str(folder), "--work", str(work)]
                row = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
                results[(count, mode)] = row
                print(f"{count:>6} {mode:<7}{row['seconds']:>9.1f}{row['cpu_s']:>8.1f}{row['docs_per_s']:>8.1f}"
                      f"{row['words_per_s']:>9.0f}"
                      f"{row['rss_mb']:>8.0f}{row['worker_rss_mb']:>10.0f}", flush=True)
    for count in args.docs:
        if (count, "spacy") in results:
            base = results[(count, "spacy")]
            ratios = ", ".join(f"{m} {results[(count, m)]['words_per_s'] / base['words_per_s']:.2f}x "
                               f"(CPU time {base['cpu_s'] / results[(count, m)]['cpu_s']:.2f}x)"
                               for m in args.modes if m != "spacy" and (count, m) in results)
            print(f"{count} docs, throughput against bare spaCy: {ratios}")
    if len(args.docs) > 1:
        small, large = min(args.docs), max(args.docs)
        for mode in args.modes:
            if (small, mode) in results and (large, mode) in results:
                grow = results[(large, mode)]["rss_mb"] / results[(small, mode)]["rss_mb"]
                print(f"{mode}: peak RSS at {large} docs is {grow:.2f}x that at {small}")


if __name__ == "__main__":
    main()
