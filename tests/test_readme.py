"""The README's Python examples run as written: every ```python block is executed from the repository root.

A block marked with `<!-- no-test -->` on the line before it is skipped (for the rare example that cannot
run here); the blocks of one README share a namespace, in order, as a notebook's cells do.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

BLOCK = re.compile(r"(?P<before>[^\n]*)\n```python\n(?P<code>.*?)\n```", re.DOTALL)
SKIP = "<!-- no-test -->"


def python_blocks(markdown: str) -> list[tuple[int, str]]:
    """(line number, code) of every ```python block not marked to skip."""
    return [(markdown.count("\n", 0, found.start("code")) + 1, found["code"]) for found in BLOCK.finditer(markdown)
            if found["before"].strip() != SKIP]


def test_python_blocks_are_found_and_marks_skip_them():
    markdown = "intro\n```python\nx = 1\n```\n\n<!-- no-test -->\n```python\nraise SystemExit\n```\n"
    assert python_blocks(markdown) == [(3, "x = 1")]


def test_the_readme_opens_with_a_python_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_code = readme.index("```")
    assert readme.startswith("```python", first_code) and "## " not in readme[:first_code]


def test_every_python_block_of_the_readme_runs(monkeypatch: pytest.MonkeyPatch):
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```python block"
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for line, code in blocks:
        try:
            exec(compile(code, f"README.md:{line}", "exec"), namespace)  # noqa: S102 - the README is ours
        except Exception as exc:
            pytest.fail(f"README.md line {line}: the example fails: {exc.__class__.__name__}: {exc}")
    shown = eval(compile(blocks[0][1].strip().splitlines()[-1], "README.md", "eval"), namespace)
    assert shown is not None and (not hasattr(shown, "__len__") or len(shown) > 0), \
        "the opening example shows nothing: a notebook would display an empty result"
