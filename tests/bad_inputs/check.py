"""The robustness run: every bad input gets one clear line, the batch goes on, nothing stored is lost.

Run: .venv/bin/python tests/bad_inputs/check.py   (prints a table and the counts the README quotes)
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_bad_inputs import make  # noqa: E402


def run(folder: Path) -> dict[str, object]:
    """Analyse the bad inputs into a store that already holds a good document; check every promise."""
    inputs = folder / "inputs"
    expectations = make(inputs)
    db = folder / "corpus.db"
    good = ROOT / "examples" / "articles" / "wire-report.txt"
    command = [sys.executable, "-m", "powermap", "analyze"]
    subprocess.run([*command, str(good), "--db", str(db), "--quiet"], check=True)
    before = sqlite3.connect(db).execute("SELECT id, raw, document FROM documents").fetchall()
    result = subprocess.run([*command, str(inputs), "--glob", "*", "--db", str(db),  # every file, whatever its name
                             "--errors", str(folder / "errors.jsonl")],
                            capture_output=True, text=True, timeout=1800)
    lines = result.stderr.splitlines()
    checks = []
    for name, expected in sorted(expectations.items()):
        label = f"{inputs}/{name}"
        errors = [line for line in lines if line.startswith(f"error: {label}:")]
        oks = [line for line in lines if line.startswith(f"ok    {label}:")]
        warnings = [line for line in lines if line.startswith(f"warning: {label}:")]
        if expected["outcome"] == "error":
            passed = len(errors) == 1 and not oks and expected["reason"].lower() in errors[0].lower()
        elif expected["outcome"] == "ok":
            passed = len(oks) == 1 and not errors and (
                "warning" not in expected or any(expected["warning"] in w for w in warnings))
        else:
            passed = len(oks) + len(errors) == 1
        checks.append({"input": name, "expected": expected["outcome"], "passed": passed,
                       "said": (errors or oks or ["(nothing)"])[0].removeprefix("error: ").removeprefix("ok    ")})
    labels = tuple(f"{inputs}/{name}:" for name in expectations)
    unexpected = [line for line in lines if line.startswith(("ok    ", "error: ", "warning: "))
                  and not line.split(" ", 1)[1].lstrip().startswith(labels)]  # a forged or unclaimed line
    connection = sqlite3.connect(db)
    after = {row[0]: row for row in connection.execute("SELECT id, raw, document FROM documents")}
    lost = sum(1 for row in before if after.get(row[0]) != row)
    crashed = int(result.returncode not in (0, 1) or "Traceback" in result.stderr)
    return {
        "inputs": len(expectations), "passed": sum(c["passed"] for c in checks), "crashes": crashed,
        "documents_lost": lost, "unexpected_lines": unexpected, "exit_code": result.returncode,
        "integrity": connection.execute("PRAGMA integrity_check").fetchone()[0],
        "errors_recorded": len((folder / "errors.jsonl").read_text().splitlines()), "checks": checks,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as temp:
        report = run(Path(temp))
    for check in report["checks"]:
        mark = "ok  " if check["passed"] else "FAIL"
        print(f"{mark} {check['input']:<45} expected {check['expected']:<7} {check['said'][-90:]}")
    summary = {k: v for k, v in report.items() if k != "checks"}
    print(json.dumps(summary))
    sys.exit(0 if report["passed"] == report["inputs"] and not report["crashes"] and not report["documents_lost"]
             and not report["unexpected_lines"] else 1)


if __name__ == "__main__":
    main()
