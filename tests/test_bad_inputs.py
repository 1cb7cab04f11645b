"""Every generated bad input gets one clear line naming it and the reason; the batch goes on; nothing
stored before is changed (tests/bad_inputs/check.py, also runnable on its own)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bad_inputs"))
from check import run  # noqa: E402


def test_bad_inputs_fail_alone_and_lose_nothing(tmp_path):
    report = run(tmp_path)
    failed = [c for c in report["checks"] if not c["passed"]]
    assert not failed, failed
    assert report["crashes"] == 0 and report["documents_lost"] == 0 and report["unexpected_lines"] == []
    assert report["exit_code"] == 1 and report["integrity"] == "ok"
    assert report["errors_recorded"] >= sum(1 for c in report["checks"] if c["expected"] == "error")
