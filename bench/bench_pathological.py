"""Seconds and peak memory of each analysis stage on pathological texts: does every stage stay linear?

Run: .venv/bin/python bench/bench_pathological.py [--cases sentences:1000 sentences:2000 ...] [--timeout S]

Cases (each in a fresh process, so peak RSS is the case's own):
- sentences:N  N news sentences from our example articles (names and numbers varied), in paragraphs;
- emoji:KB     KB kilobytes of emoji in space-separated runs (no letters: too little to tell the language);
- quotes:N     N quotation marks of mixed kinds with short words between them.
A stage that is quadratic shows as seconds that grow four times when N doubles.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
DEFAULT_CASES = ["sentences:1000", "sentences:2000", "sentences:4000", "emoji:766", "quotes:200000"]


def _sentences() -> list[str]:
    from corpus import _bodies

    found = []
    for body in _bodies():
        for paragraph in body.split("\n\n")[1:]:
            pieces = re.split(r"(?<=[.!?\"”])\s+(?=[A-Z\"“])", paragraph)
            found.extend(s for s in pieces if len(s) > 40 and "\n" not in s and s[-1] in ".!?\"”")
    return found


def make_text(case: str, seed: int = 11) -> str:
    """The generated input of one case; deterministic for a seed."""
    from corpus import PEOPLE, STATES

    kind, _, size_text = case.partition(":")
    size = int(size_text)
    rng = random.Random(seed)
    if kind == "sentences":
        pool = _sentences()
        chosen = []
        for _ in range(size):
            sentence = rng.choice(pool)
            for group in (PEOPLE, STATES):
                for name in group:
                    if name in sentence:
                        sentence = sentence.replace(name, rng.choice(group))
            chosen.append(re.sub(r"\b\d[\d,]*\b", lambda m: f"{rng.randint(2, 90000):,}", sentence))
        paragraphs = [" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5)]
        return "Belarus and Russia hold talks\n\n" + "\n\n".join(paragraphs)
    if kind == "emoji":
        emoji = [chr(c) for c in range(0x1F600, 0x1F650)]
        pieces, written = [], 0
        while written < size * 1024:
            piece = "".join(rng.choice(emoji) for _ in range(rng.randint(1, 12))) + rng.choice(" \n")
            pieces.append(piece)
            written += len(piece.encode("utf-8"))
        return "Emoji\n\n" + "".join(pieces)
    if kind == "quotes":
        marks = ["“", "”", '"', "«", "»", "„", "‘", "’"]
        return "Quotes\n\n" + "".join(rng.choice(marks) + rng.choice(["", "a ", "said ", "\n"]) for _ in range(size))
    raise SystemExit(f"unknown case {case!r}: use sentences:N, emoji:KB or quotes:N")


def measure(case: str) -> dict[str, object]:
    """Run every stage once over the case's text, timing each."""
    from powermap.analysis import Analysis, Source
    from powermap.pipeline import Pipeline, run_stage

    text = make_text(case)
    pipeline = Pipeline(max_chars=10_000_000)
    analysis = Analysis(source=Source(label=case, format="text", raw=text, body=text))
    seconds: dict[str, float] = {}
    for stage in pipeline.stages:
        started = time.perf_counter()
        for _ in run_stage(stage, [analysis]):
            pass
        seconds[stage.name] = round(time.perf_counter() - started, 2)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "case": case, "chars": len(text), "tokens": len(analysis.doc) if analysis.doc is not None else 0,
        "seconds": round(sum(seconds.values()), 2), "peak_rss_mb": round(peak_mb), "stages": seconds,
        "failed": analysis.problem.message[:80] if analysis.problem else None,
        "items": {"actors": len(analysis.actors), "quotes": len(analysis.quotes),
                  "relations": len(analysis.relations), "claims": len(analysis.claims)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=DEFAULT_CASES)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a case counts as a hang")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(measure(args.inner)))
        return
    for case in args.cases:
        try:
            result = subprocess.run([sys.executable, __file__, "--inner", case], capture_output=True, text=True,
                                    timeout=args.timeout, check=False)
        except subprocess.TimeoutExpired:
            print(json.dumps({"case": case, "seconds": f"> {args.timeout:.0f}", "hang": True}), flush=True)
            continue
        lines = result.stdout.strip().splitlines()
        print(lines[-1] if lines else json.dumps({"case": case, "error": result.stderr[-300:]}), flush=True)


if __name__ == "__main__":
    main()
