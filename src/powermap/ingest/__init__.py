"""Readers: files, directories, stdin, HTML, WARC and JSONL in; `Source` objects out.

A source that cannot be read comes out with `error` set, so a batch always goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from powermap.analysis import Source
from powermap.ingest.decode import DecodeError, decode
from powermap.ingest.html import read_html
from powermap.ingest.jsonl import read_jsonl
from powermap.ingest.warc import read_warc

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


@dataclass(frozen=True)
class Limits:
    """Bounds a user can set so that one huge input cannot exhaust the machine."""

    max_bytes: int = 50_000_000
    max_chars: int = 1_000_000


def _kind(path: Path, head: bytes) -> str:
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    if path.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text"
    return _sniff(head)


def _sniff(head: bytes) -> str:
    lowered = head[:2048].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return "html"
    if head.startswith(b"WARC/"):
        return "warc"
    return "text"


def read_bytes(data: bytes, label: str, kind: str) -> Iterator[Source]:
    """Sources from the bytes of one text or HTML document."""
    try:
        raw, _ = decode(data)
    except DecodeError as exc:
        yield Source(label=label, format="text", error=str(exc))
        return
    if kind == "html":
        yield read_html(raw, label)
    else:
        yield Source(label=label, format="text", raw=raw, body=raw)


def read_path(path: Path, limits: Limits) -> Iterator[Source]:
    """Every source in one file."""
    label = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        yield Source(label=label, format="text", error=f"cannot read: {exc.strerror or exc}")
        return
    kind = _kind(path, head)
    if kind == "warc":
        yield from read_warc(path, limits.max_bytes)
        return
    if kind == "jsonl":
        yield from read_jsonl(path, limits.max_bytes)
        return
    if size > limits.max_bytes:
        yield Source(
            label=label,
            format="text",
            error=f"file too large: {size} bytes (limit {limits.max_bytes}; see --max-bytes)",
        )
        return
    yield from read_bytes(path.read_bytes(), label, kind)


def _files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield path


def expand_paths(inputs: Iterable[str]) -> Iterator[Path]:
    """Every file named by `inputs`, directories expanded (for engines that split work by file)."""
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from _files(path)
        else:
            yield path


def count_documents(inputs: list[str]) -> int | None:
    """How many documents the inputs hold, when that is known without reading them (no WARC, JSONL, stdin)."""
    if "-" in inputs:
        return None
    total = 0
    for path in expand_paths(inputs):
        name = path.name.lower()
        if name.endswith((".warc", ".warc.gz", ".arc.gz")) or path.suffix.lower() in JSONL_SUFFIXES:
            return None
        total += 1
    return total


def read_sources(inputs: Iterable[str], limits: Limits | None = None) -> Iterator[Source]:
    """Lazily read every document named by `inputs`: files, directories (recursive) or `-`."""
    limits = limits or Limits()
    for item in inputs:
        if item == "-":
            data = sys.stdin.buffer.read(limits.max_bytes + 1)
            if len(data) > limits.max_bytes:
                yield Source(label="stdin", format="text", error="standard input too large")
                continue
            yield from read_bytes(data, "stdin", _sniff(data))
            continue
        path = Path(item)
        if path.is_dir():
            for file in _files(path):
                yield from read_path(file, limits)
        elif path.exists():
            yield from read_path(path, limits)
        else:
            yield Source(label=item, format="text", error="no such file or directory")
