"""Fuzz the whole CLI: mutated articles, JSONL lines, WARC records and file names, analysed into a store
under a memory and a time cap, with every promise of a batch checked.

Run: .venv/bin/python tests/bad_inputs/fuzz.py [--seed 14] [--quick] [--family articles jsonl warc names]

Each family is one `powermap analyze DIR --db ... -o ... --errors ...` run over generated inputs: good
documents (our example articles, each made distinct by a marker word) mixed with mutations of them
(random bytes, truncations, control characters, wrong charsets, huge nesting, duplicate ids, hostile
file names). A run passes when there is no traceback, the batch is not stopped (exit code 0 or 1 and a
summary line), no run hangs or exceeds the memory cap, every good document is stored exactly once, the
edges table equals the sum of the stored relations, and `PRAGMA integrity_check` says ok. Nothing is
committed but this script: the inputs are made in a temporary folder from a fixed seed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_bad_inputs import warc_records  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "examples" / "articles"
FAMILIES = ("articles", "jsonl", "warc", "names")
# The finding of issue 14 a kind of input exercises, so a failure names what it waits for.
FINDINGS = {
    "latin-1 name": "2", "undecodable name": "2", "surrogate url": "2", "utf-7 charset": "2",
    "unicode_escape charset": "2", "deep nesting": "3", "no target uri": "3", "truncated warc": "3",
    "unknown date": "10", "huge attributes": "7",
}


@dataclass
class Case:
    """One generated input file: its name (bytes, so any name can be written) and what it holds."""

    name: bytes
    data: bytes
    kind: str
    good: list[str] = field(default_factory=list)  # marker words of the good documents inside it
    parts: list[Case] = field(default_factory=list)  # its lines or records, each as an input of its own


class Generator:
    """Inputs from our example articles, deterministic for a seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self.texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
        self.texts += [json.loads(line)["text"] for line in (ARTICLES / "briefs.jsonl").read_text().splitlines()]

    def marker(self, good: bool = True) -> str:
        self.count += 1
        return f"{'Fuzzgood' if good else 'Fuzzmut'}{self.count:05d}x"

    def article(self, marker: str) -> str:
        """An example article with its numbers changed and a closing sentence naming the marker."""
        text = self.rng.choice(self.texts)
        words = text.split(" ")
        for index, word in enumerate(words):
            if word[:1].isdigit() and self.rng.random() < 0.5:
                words[index] = str(self.rng.randint(2, 9000)) + word.lstrip("0123456789")
        return " ".join(words).rstrip() + f"\n\nThe reference of this report is {marker}.\n"

    # -- byte mutations --------------------------------------------------------------------------
    def mutate(self, data: bytes) -> tuple[bytes, str]:
        rng = self.rng
        choice = rng.randrange(8)
        if choice == 0:
            spots = sorted(rng.randrange(len(data) + 1) for _ in range(rng.randint(1, 40)))
            out, last = bytearray(), 0
            for spot in spots:
                out += data[last:spot] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
                last = spot
            return bytes(out + data[last:]), "random bytes"
        if choice == 1:
            return data[: rng.randrange(1, max(2, len(data)))], "truncated"
        if choice == 2:
            controls = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\u202e", "\u200b", "\ufeff",
                        "\r", "\x85", "\u2028"]
            text = data.decode("utf-8", "replace")
            pieces = [text[i : i + 40] + rng.choice(controls) for i in range(0, len(text), 40)]
            return "".join(pieces).encode("utf-8", "surrogatepass"), "control characters"
        if choice == 3:
            encoding = rng.choice(["cp1251", "latin-1", "utf-16-le", "utf-32", "shift_jis", "cp037"])
            return data.decode("utf-8", "replace").encode(encoding, "replace"), f"charset {encoding}"
        if choice == 4:
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 30)):
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            return bytes(flipped), "bit flips"
        if choice == 5:
            marks = "“”\"«»„‘’"
            return data + "".join(rng.choice(marks) for _ in range(20000)).encode(), "quote marks"
        if choice == 6:
            return data + "".join(chr(0x1F600 + rng.randrange(80)) for _ in range(20000)).encode(), "emoji"
        return data.replace(b"\n", b" ") * 40, "one long line"

    # -- families --------------------------------------------------------------------------------
    def articles(self, size: int) -> list[Case]:
        cases = []
        for _ in range(size):
            marker = self.marker()
            cases.append(Case(f"good-{marker}.txt".encode(), self.article(marker).encode(), "good article", [marker]))
            data, how = self.mutate(self.article(self.marker(False)).encode())
            cases.append(Case(f"mutated-{self.count}.txt".encode(), data, how))
        marker = self.marker()
        body = self.article(marker).replace("\n\n", "</p><p>")
        cases.append(Case(f"good-{marker}.html".encode(), f"<html><body><p>{body}</p></body></html>".encode(),
                          "good page", [marker]))
        nested = "<div>" * 5000 + self.article(self.marker(False)) + "</div>" * 5000
        cases.append(Case(b"nested.html", f"<html><body>{nested}</body></html>".encode(), "nested html"))
        attributes = " ".join(f'a{i}="{i}"' for i in range(20000))
        cases.append(Case(b"attributes.html", f"<html><body><p {attributes}>{self.article(self.marker(False))}</p>"
                          "</body></html>".encode(), "huge attributes"))
        return cases

    def jsonl(self, size: int) -> list[Case]:
        lines: list[tuple[bytes, str, list[str]]] = []
        for index in range(size):
            marker = self.marker()
            record = {"id": f"item-{index}", "title": f"Item {index}", "text": self.article(marker)}
            lines.append((json.dumps(record).encode(), "good line", [marker]))
        # a second record under an id already used is refused with its line named (the robustness table)
        lines.append((json.dumps({"id": "item-0", "text": self.article(self.marker(False))}).encode(),
                      "duplicate id", []))
        same = self.marker()
        text = self.article(same)
        lines += [(json.dumps({"id": "same-a", "text": text}).encode(), "same text twice", [same]),
                  (json.dumps({"id": "same-b", "text": text}).encode(), "same text twice", [])]
        bad_text = self.article(self.marker(False))
        lines += [
            (b"[" * 100000 + b"]" * 100000, "deep nesting", []),
            (json.dumps({"id": "bad-url", "url": "http://x/\udfff", "text": bad_text}).encode(), "surrogate url", []),
            (json.dumps({"id": "no-date", "published": "unknown", "text": bad_text + " (undated)"}).encode(),
             "unknown date", []),
            (json.dumps({"id": "n", "text": 12345}).encode(), "text not a string", []),
            (json.dumps({"id": "x", "text": None}).encode(), "text null", []),
            (json.dumps([1, 2, 3]).encode(), "array line", []),
            (json.dumps({"id": "cut", "text": bad_text})[:-40].encode(), "truncated line", []),
            (bytes(self.rng.randrange(256) for _ in range(300)), "random bytes line", []),
            (json.dumps({"id": "ctl", "title": "\x1b[2J\x00title", "text": bad_text + " \x07"}).encode(),
             "control characters", []),
        ]
        self.rng.shuffle(lines)
        body = b"\n".join(line for line, _, _ in lines) + b"\n"
        markers = [m for _, _, good in lines for m in good]
        kinds = sorted({kind for _, kind, _ in lines if kind != "good line"})
        parts = [Case(f"line-{n}.jsonl".encode(), line + b"\n", kind, good)
                 for n, (line, kind, good) in enumerate(lines)]
        cases = [Case(b"mixed.jsonl", body, "jsonl with " + ", ".join(kinds), markers, parts)]
        data, how = self.mutate(json.dumps({"id": "m", "text": self.article(self.marker(False))}).encode())
        cases.append(Case(b"mutated.jsonl", data, f"jsonl {how}"))
        marker = self.marker()
        crlf = ("\ufeff" + json.dumps({"id": "bom", "text": self.article(marker)}) + "\r\n").encode()
        cases.append(Case(b"bom-crlf.jsonl", crlf, "jsonl with BOM and CRLF", [marker]))
        return cases

    def warc(self, size: int) -> list[Case]:
        markers: list[str] = []
        parts: list[Case] = []

        def record(url: str | None, html: bytes, content_type: str = "text/html; charset=utf-8",
                   kind: str = "good record", good: list[str] | None = None) -> None:
            parts.append(Case(f"record-{len(parts)}.warc.gz".encode(), warc_records([(url, content_type, html)]),
                              kind, good or []))

        def page(marker: str) -> bytes:
            return f"<html><body><article><p>{self.article(marker)}</p></article></body></html>".encode()

        for index in range(size):
            marker = self.marker()
            markers.append(marker)
            record(f"http://example.org/{index}", page(marker), good=[marker])
        bad = page(self.marker(False))
        record(None, bad, kind="no target uri")
        record("http://example.org/utf7", bad, "text/html; charset=utf-7", "utf-7 charset")
        record("http://example.org/escape", bad, "text/html; charset=unicode_escape", "unicode_escape charset")
        record("http://example.org/bogus", bad, "text/html; charset=no-such-charset", "unknown charset")
        marker = self.marker()
        markers.append(marker)
        record("http://example.org/last", page(marker), good=[marker])
        archive = b"".join(part.data for part in parts)  # gzip members one after another: one archive
        cases = [Case(b"mixed.warc.gz", archive, "warc with no target uri, utf-7 charset, unicode_escape charset",
                      markers, parts)]
        cases.append(Case(b"truncated.warc.gz", archive[: self.rng.randrange(100, len(archive))], "truncated warc"))
        cases.append(Case(b"noise.warc.gz", bytes(self.rng.randrange(256) for _ in range(5000)), "random warc"))
        data, how = self.mutate(archive)
        cases.append(Case(b"mutated.warc.gz", data, f"warc {how}"))
        return cases

    def names(self, size: int) -> list[Case]:
        names = [b"caf\xe9-%d.txt", b"new\nline-%d.txt", b"tab\tand \x1b[31mescape-%d.txt", b"q?x#1%%20-%d.txt",
                 "u\u0308nicode-%d.txt".encode(), b" leading space-%d.txt", b"-dash-%d.txt",
                 b"l" * 200 + b"-%d.txt", b"\xff\xfe-%d.txt"]
        cases = []
        for index, pattern in enumerate((names * (size // len(names) + 1))[: max(size, len(names))]):
            marker = self.marker()
            kind = "latin-1 name" if b"\xe9" in pattern else "undecodable name" if b"\xff" in pattern \
                else f"name {pattern[:12]!r}"
            cases.append(Case(pattern % index, self.article(marker).encode(), kind, [marker]))
        marker = self.marker()
        text = self.article(marker).encode()
        cases += [Case(b"twin-a.txt", text, "same content twice", [marker]), Case(b"twin-b.txt", text, "same content")]
        plain = self.marker()
        cases.append(Case(f"plain-{plain}.txt".encode(), self.article(plain).encode(), "good article", [plain]))
        return cases


def _limits(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))


def run_family(family: str, cases: list[Case], work: Path, memory_mb: int, timeout: float) -> dict[str, object]:
    """Analyse one family's inputs into a fresh store and check every promise."""
    folder = work / family
    folder.mkdir(parents=True)
    for case in cases:
        with open(os.path.join(os.fsencode(folder), case.name), "wb") as handle:
            handle.write(case.data)
    db, out, errors = work / f"{family}.db", work / f"{family}.jsonl", work / f"{family}-errors.jsonl"
    command = [sys.executable, "-m", "powermap", "analyze", str(folder), "--db", str(db), "-o", str(out),
               "--errors", str(errors)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, preexec_fn=lambda: _limits(memory_mb),
                                check=False, cwd=work)
        stderr, code, hung = result.stderr.decode("utf-8", "replace"), result.returncode, False
    except subprocess.TimeoutExpired as exc:
        stderr, code, hung = (exc.stderr or b"").decode("utf-8", "replace"), None, True
    report: dict[str, object] = {"family": family, "inputs": len(cases), "hang": hung, "exit_code": code,
                                 "traceback": "Traceback" in stderr, "memory": "MemoryError" in stderr}
    report["crash"] = bool(report["traceback"]) or (code not in (0, 1) and not hung)
    last_line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    report["stopped"] = not hung and re.search(r"\d+ analysed, \d+ skipped, \d+ failed", last_line) is None
    good = [marker for case in cases for marker in case.good]
    lost, twice, edges_equal, integrity = list(good), [], False, "no store"
    if db.exists():
        connection = sqlite3.connect(db)
        try:
            counts = {m: connection.execute("SELECT COUNT(*) FROM documents WHERE instr(raw, ?) > 0 OR "
                                            "instr(document, ?) > 0", (m, m)).fetchone()[0] for m in good}
            lost = [m for m, n in counts.items() if n == 0]
            twice = [m for m, n in counts.items() if n > 1]
            stored = connection.execute("SELECT edge_source, type, edge_target, COUNT(*), SUM(negated) FROM relations "
                                        "WHERE counted = 1 GROUP BY edge_source, type, edge_target").fetchall()
            # a near-duplicate's relations are counted once, in its original's share
            edges = connection.execute("SELECT source, type, target, count, negated FROM edges WHERE count > 0")
            edges_equal = sorted(stored) == sorted(edges.fetchall())
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as exc:
            integrity = f"{exc.__class__.__name__}: {exc}"
        finally:
            connection.close()
    report.update(lost=lost, stored_twice=twice, edges_equal=edges_equal, integrity=integrity,
                  kinds=sorted({case.kind for case in cases}))
    report["passed"] = not (report["crash"] or hung or report["stopped"] or lost or twice) and edges_equal \
        and integrity == "ok"
    report["said"] = _telling_lines(stderr)
    return report


def _telling_lines(stderr: str) -> list[str]:
    """The last lines of a traceback, or the error lines: what a reader needs to see which input failed."""
    lines = stderr.splitlines()
    if "Traceback" in stderr:
        return lines[-3:]
    return [line[:160] for line in lines if line.startswith("error:")][:12]


def isolate(family: str, cases: list[Case], work: Path, memory_mb: int, timeout: float) -> list[str]:
    """The inputs (lines and records taken one by one) that break a batch on their own, each run beside
    one good document: names what a failed family waits for."""
    singles = [part for case in cases for part in (case.parts or [case])]
    good = next(single for single in singles if single.kind.startswith("good"))
    culprits = []
    for number, single in enumerate(s for s in singles if not s.kind.startswith("good")):
        report = run_family(f"{family}-alone-{number}", [good, single], work, memory_mb, timeout)
        if not report["passed"]:
            finding = next((FINDINGS[k] for k in FINDINGS if k in single.kind), "?")
            said = " ".join(report["said"])[-140:]  # type: ignore[arg-type]
            culprits.append(f"{single.kind} ({single.name[:40]!r}; finding {finding}): {said}")
    return culprits


def generate(seed: int, quick: bool) -> dict[str, list[Case]]:
    generator = Generator(seed)
    size = 3 if quick else 12
    return {family: getattr(generator, family)(size) for family in FAMILIES}


def run(work: Path, seed: int = 14, quick: bool = False, families: tuple[str, ...] = FAMILIES,
        memory_mb: int = 2048, timeout: float = 900.0) -> dict[str, object]:
    cases = generate(seed, quick)
    reports = [run_family(family, cases[family], work, memory_mb, timeout) for family in families]
    for report in reports:
        if not report["passed"] and not quick:
            report["culprits"] = isolate(str(report["family"]), cases[str(report["family"])], work, memory_mb, timeout)
    return {
        "seed": seed,
        "inputs": sum(int(r["inputs"]) for r in reports),
        "crashes": sum(bool(r["crash"]) for r in reports),
        "hangs": sum(bool(r["hang"]) for r in reports),
        "batches_stopped": sum(bool(r["stopped"]) for r in reports),
        "documents_lost": sum(len(r["lost"]) for r in reports),  # type: ignore[arg-type]
        "stored_twice": sum(len(r["stored_twice"]) for r in reports),  # type: ignore[arg-type]
        "edges_wrong": sum(not r["edges_equal"] for r in reports),
        "integrity_failed": sum(r["integrity"] != "ok" for r in reports),
        "families": reports,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="fewer inputs per family (the test suite's run)")
    parser.add_argument("--family", nargs="+", choices=FAMILIES, default=list(FAMILIES))
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space cap of each run")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds before a run counts as a hang")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        summary = run(Path(temp), args.seed, args.quick, tuple(args.family), args.memory_mb, args.timeout)
    for report in summary["families"]:  # type: ignore[attr-defined]
        mark = "ok  " if report["passed"] else "FAIL"
        problems = [name for name in ("crash", "hang", "stopped") if report[name]]
        problems += [f"lost {len(report['lost'])}"] if report["lost"] else []
        problems += [f"stored twice {len(report['stored_twice'])}"] if report["stored_twice"] else []
        problems += [] if report["edges_equal"] else ["edges != relations"]
        problems += [] if report["integrity"] == "ok" else [f"integrity: {report['integrity']}"]
        findings = sorted({FINDINGS[k] for kind in report["kinds"] for k in FINDINGS if k in kind})
        print(f"{mark} {report['family']:<9} {report['inputs']:>3} inputs  {', '.join(problems) or 'all promises kept'}"
              + (f"  (inputs of findings {', '.join(findings)})" if problems and findings else ""))
        for line in report["said"] if not report["passed"] else []:
            print(f"       {line}")
        for culprit in report.get("culprits", []):
            print(f"       alone: {culprit}")
    print(json.dumps({k: v for k, v in summary.items() if k != "families"}))
    failed = any(summary[k] for k in ("crashes", "hangs", "batches_stopped", "documents_lost", "stored_twice",
                                      "edges_wrong", "integrity_failed"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
