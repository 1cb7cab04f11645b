"""Throughput and peak memory of `powermap analyze` against bare spaCy `nlp.pipe` on the same texts.

Run: .venv/bin/python bench/bench_analyze.py [--docs N] [--model NAME]
Each mode runs in its own process so that peak RSS is its own. Texts are our examples (and the two
articles in ../shared/corpus when present) repeated with a counter so that every document is distinct.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(docs: int) -> list[str]:
    """Distinct news-length texts from our examples and, when present, the shared corpus."""
    sys.path.insert(0, str(ROOT / "src"))
    from powermap.ingest import read_sources

    folders = [ROOT / "examples" / "articles", ROOT.parent / "shared" / "corpus"]
    bodies = [s.body for s in read_sources(str(f) for f in folders if f.is_dir()) if not s.error]
    return [f"{bodies[i % len(bodies)]}\n\nItem {i}." for i in range(docs)]


def run_mode(mode: str, docs: int, model: str | None) -> dict[str, float]:
    texts = corpus(docs)
    started = time.perf_counter()
    if mode == "spacy":
        import spacy

        from powermap.nlp import model_name

        nlp = spacy.load(model_name(model))
        loaded = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=32))
    else:
        from powermap.analysis import Source
        from powermap.pipeline import Pipeline

        pipeline = Pipeline(model=model)
        loaded = time.perf_counter()
        sources = (Source(label=str(i), format="text", raw=t, body=t) for i, t in enumerate(texts))
        tokens = 0
        for analysis in pipeline.pipe(sources):
            assert analysis.problem is None, analysis.problem
            analysis.to_document()
            tokens += len(analysis.doc)
    finished = time.perf_counter()
    seconds = finished - loaded
    return {
        "docs": docs,
        "tokens": tokens,
        "load_s": loaded - started,
        "seconds": seconds,
        "docs_per_s": docs / seconds,
        "tokens_per_s": tokens / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--model", default=None)
    parser.add_argument("--mode", choices=["spacy", "powermap"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.docs, args.model)))
        return
    rows = {}
    for mode in ("spacy", "powermap"):
        command = [sys.executable, __file__, "--mode", mode, "--docs", str(args.docs)]
        if args.model:
            command += ["--model", args.model]
        rows[mode] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    print(f"{'mode':<22}{'docs':>7}{'tokens':>9}{'docs/s':>9}{'tokens/s':>10}{'peak RSS MB':>13}{'load s':>8}")
    labels = {"spacy": "bare spaCy nlp.pipe", "powermap": "powermap analyze"}
    for mode, row in rows.items():
        print(f"{labels[mode]:<22}{row['docs']:>7}{row['tokens']:>9}{row['docs_per_s']:>9.1f}"
              f"{row['tokens_per_s']:>10.0f}{row['peak_rss_mb']:>13.0f}{row['load_s']:>8.1f}")
    ratio = rows["powermap"]["tokens_per_s"] / rows["spacy"]["tokens_per_s"]
    print(f"powermap / spaCy throughput: {ratio:.2f}x")


if __name__ == "__main__":
    main()
