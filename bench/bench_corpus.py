"""The corpus view at scale: store and merge time, each page's and API endpoint's median latency, server
memory and `powermap graph` time, for stores of 1,000 and 10,000 documents.

Run: .venv/bin/python bench/bench_corpus.py [--docs 1000 10000] [--seeds 200] [--requests 15]

Running spaCy on 10,000 documents is too slow for a shared 2-core machine, so the bench analyses
`--seeds` generated documents once (bench/corpus.py, people given invented names no gazetteer holds) and
stores many varied copies of them: in each copy every name the NER model found (people, organisations,
groups) is replaced, word for word, by an invented word of the same length, so that offsets stay exact
and the copy is a valid document (the schema checks every span) naming actors no other copy names.
About one name in ten is instead a one-letter spelling variant of a name used before, which the merge
should fold. The copies go through the real path: `Store.save` (the incremental merge, edges, search
index) one transaction each, then `powermap rebuild` (the whole-store merge) is timed on its own. The
server is `powermap serve` in its own process, asked over HTTP; its memory is its peak resident size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
RENAMED_TYPES = {"person", "organisation", "group", "party", "medium"}
# Every page and endpoint measured: {doc} a document, {top} the most mentioned actor, {rare} one of the least
# mentioned, {name} the surname of an actor not in the gazetteer.
PAGES = ["/", "/?offset=500", "/doc/{doc}", "/actor/{top}", "/actor/{rare}", "/network",
         "/network?type=ASSAULT&type=AGREE&since=2022", "/timeline", "/claims", "/claims?has_quantity=1&min_score=0.3",
         "/claims?actor={top}&q=troops", "/compare?actor={top}", "/search?q=kremlin's",
         "/search?q={name}", "/api/documents", "/api/documents?offset=900", "/api/documents/{doc}", "/api/actors",
         "/api/actors/{top}", "/api/edges", "/api/edges?since=2023", "/api/timeline", "/api/claims",
         "/api/conflicts", "/api/search?q=troops"]


def seeds(count: int, cache: Path) -> list[dict[str, Any]]:
    """`count` generated documents analysed by the pipeline (kept in `cache` between runs)."""
    if cache.exists():
        found = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
        if len(found) >= count:
            return found[:count]
    from corpus import generate

    from powermap.pipeline import Pipeline

    pipeline = Pipeline()
    texts = generate(count, seed=11, invented=True)
    documents = [pipeline.analyse_text(text, label=f"seed-{i:04d}.txt").to_document().dump()
                 for i, text in enumerate(texts)]
    cache.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    return documents


def _renamed_word(word: str, rng: random.Random, used: list[str]) -> str:
    from corpus import invented_word

    if used and rng.random() < 0.1:  # a spelling variant of an earlier name: one letter changed
        base = rng.choice([w for w in used if len(w) == len(word)] or [invented_word(rng, len(word))])
        position = rng.randrange(1, len(base)) if len(base) > 1 else 0
        return base[:position] + rng.choice("aeiouy") + base[position + 1:]
    return invented_word(rng, len(word))


def copy(seed: dict[str, Any], number: int, rng: random.Random, used: list[str]) -> dict[str, Any]:
    """A copy of an analysed document whose NER names are other invented words of the same lengths."""
    words = sorted({w for a in seed["actors"] if a["origin"] == "ner" and a["type"] in RENAMED_TYPES
                    for w in re.findall(r"[A-Z][a-z]{2,}", a["name"])}, key=len, reverse=True)
    text = json.dumps(seed, ensure_ascii=False)
    for word in words:
        new = _renamed_word(word, rng, used)
        used.append(new)
        text = re.sub(rf"\b{word}\b", new, text)
        text = re.sub(rf"\b{word.lower()}\b", new.lower(), text)
    document = json.loads(text)
    document["source"] = f"copy-{number:06d}.txt"
    document["id"] = hashlib.sha256(f"{number}:{document['text']}".encode()).hexdigest()[:16]
    return document


def build_store(path: Path, documents: list[dict[str, Any]], count: int) -> dict[str, float]:
    from powermap.corpus.store import Store
    from powermap.schema import Document

    rng, used = random.Random(count), []
    copies = [Document.model_validate(copy(documents[i % len(documents)], i, rng, used)) for i in range(count)]
    started = time.perf_counter()
    with Store(path) as store:
        for document in copies:
            store.save(document, document.text)
        stored = time.perf_counter() - started
        started = time.perf_counter()
        moved = store.rebuild()
        merged = time.perf_counter() - started
        actors = store.rows("SELECT COUNT(*) AS n, SUM(origin = 'ner') AS ner FROM corpus_actors")[0]
        copies = store.rows("SELECT COUNT(*) AS n FROM copies")[0]["n"]
    return {"copies": copies, "store_s": stored, "store_ms_per_doc": 1000 * stored / count, "merge_s": merged,
            "corpus_actors": actors["n"], "ner_actors": actors["ner"], "edges": moved["edges"],
            "moved_by_rebuild": moved["actors_merged"] + moved["actors_split"]}


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{url}: {answer.status}")
    return 1000 * (time.perf_counter() - started)


def _urls(store: Path) -> list[tuple[str, str]]:
    """(label, URL) of every page and endpoint measured; ids are picked from the store."""
    from powermap.corpus import views
    from powermap.corpus.store import Store

    with Store(store, readonly=True) as data:
        document = data.rows("SELECT id FROM documents ORDER BY source LIMIT 1 OFFSET 7")[0]["id"]
        top = views.actors(data, 0, 1)[0]["id"]
        rare = data.rows("SELECT id FROM corpus_actors WHERE origin = 'ner' ORDER BY mentions, id LIMIT 1")[0]["id"]
        word = data.rows("SELECT name FROM corpus_actors WHERE origin = 'ner' ORDER BY id LIMIT 1")[0]["name"]
    ids = {"doc": document, "top": urllib.parse.quote(top), "rare": urllib.parse.quote(rare),
           "name": urllib.parse.quote(word.split()[-1])}
    return [(page, page.format(**ids)) for page in PAGES]


def serve(store: Path, port: int, requests: int) -> dict[str, Any]:
    """Median latency of each page over `requests` requests to a `powermap serve` process, and its memory."""
    server = subprocess.Popen([sys.executable, "-m", "powermap", "serve", str(store), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                _get(base + "/api")
                break
            except OSError:
                time.sleep(0.1)
        latencies = {}
        for label, url in _urls(store):
            _get(base + url)  # the first request warms SQLite's page cache
            latencies[label] = statistics.median(_get(base + url) for _ in range(requests))
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"latency_ms": latencies, "server_peak_mb": peak}


def graph_seconds(store: Path, folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "powermap", "graph", str(store), "--format", "graphml", "-o",
                    str(folder / "graph.graphml")], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--seeds", type=int, default=200, help="Documents really analysed, copied to --docs.")
    parser.add_argument("--requests", type=int, default=15, help="Requests per page for its median.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "powermap-bench-seeds.jsonl")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON too.")
    parser.add_argument("--keep", type=Path, help="Keep the stores in this folder (corpus-N.db).")
    args = parser.parse_args()
    documents = seeds(args.seeds, args.cache)
    results: dict[int, dict[str, Any]] = {}
    for count in args.docs:
        with tempfile.TemporaryDirectory() as temp:
            store = Path(temp) / "corpus.db"
            figures = build_store(store, documents, count)
            figures |= serve(store, args.port, args.requests)
            figures["graph_s"] = graph_seconds(store, Path(temp))
            figures["store_mb"] = store.stat().st_size / 2**20
            results[count] = figures
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                store.replace(args.keep / f"corpus-{count}.db")
        print(f"{count} documents: stored in {figures['store_s']:.1f} s ({figures['store_ms_per_doc']:.1f} ms each, "
              f"merge included), whole-store merge (rebuild) {figures['merge_s']:.1f} s; "
              f"{figures['corpus_actors']} corpus actors ({figures['ner_actors']} not in the gazetteer), "
              f"{figures['edges']} edges, {figures['copies']} near-duplicates; store {figures['store_mb']:.0f} MB; "
              f"server peak {figures['server_peak_mb']:.0f} MB; powermap graph {figures['graph_s']:.1f} s", flush=True)
    print(f"\n{'median ms':<48}" + "".join(f"{count:>10}" for count in args.docs))
    for label in results[args.docs[0]]["latency_ms"]:
        print(f"{label:<48}" + "".join(f"{r['latency_ms'][label]:>10.1f}" for r in results.values()))
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
