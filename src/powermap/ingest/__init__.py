"""Readers: files, directories, stdin, HTML, WARC and JSONL in; `Source` objects out.

A source that cannot be read comes out with `error` set, so a batch always goes on.
"""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from powermap.analysis import Source
from powermap.ingest.decode import DecodeError, decode, escaped, valid_text
from powermap.ingest.html import read_html
from powermap.ingest.jsonl import read_json, read_jsonl
from powermap.ingest.warc import read_warc

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
# What a directory walk reads unless `--glob` says otherwise: article files, not the scripts, notes and
# READMEs that sit beside them (a file named explicitly is always read, whatever its name).
ARTICLE_GLOBS: tuple[str, ...] = ("*.txt", "*.text", "*.html", "*.htm", "*.xhtml", "*.warc", "*.warc.gz",
                                  "*.arc.gz", "*.jsonl", "*.ndjson", "*.json")


@dataclass(frozen=True)
class Limits:
    """Bounds a user can set so that one huge input cannot exhaust the machine."""

    max_bytes: int = 50_000_000  # one document (a file, a JSONL line, a WARC record) as read
    max_chars: int = 1_000_000
    max_archive_bytes: int = 5_000_000_000  # everything one compressed archive may expand to


# The longest message quoted from an input: a reader's error may echo what it choked on.
MESSAGE_LIMIT = 200


def _kind(path: Path, head: bytes) -> str:
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if path.suffix.lower() in HTML_SUFFIXES:
        return "html"
    if path.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    if path.suffix.lower() in JSON_SUFFIXES:
        return "json"
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text"
    return sniff(head)


def sniff(head: bytes) -> str:
    """What the first bytes of an input look like: html, warc or text."""
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


class NotRegularFile(OSError):
    """A path that names something endless or blocking rather than a file."""


def _open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a FIFO, device or socket is refused before it can block or flood.

    O_NONBLOCK makes opening a FIFO return at once, so the check happens on what was actually opened."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
                else "a socket" if stat.S_ISSOCK(mode) else "not a file"
            raise NotRegularFile(f"not a regular file ({kind}): refused; to read a stream, pipe it to `-`")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_path(path: Path, limits: Limits) -> Iterator[Source]:
    """Every source in one file, reading no more than the limits allow."""
    label = str(path)
    try:
        handle = _open_regular(path)
    except NotRegularFile as exc:
        yield Source(label=label, format="text", error=str(exc))
        return
    except OSError as exc:
        yield Source(label=label, format="text", error=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        head = handle.read(4096)
        handle.seek(0)
        kind = _kind(path, head)
        if kind == "warc":
            yield from read_warc(handle, label, limits)
            return
        if kind == "jsonl":
            yield from read_jsonl(handle, label, limits.max_bytes)
            return
        if kind == "json":
            yield from read_json(handle, label, limits.max_bytes)
            return
        data = handle.read(limits.max_bytes + 1)  # never trust st_size: it can change, or lie
        if len(data) > limits.max_bytes:
            reported = os.fstat(handle.fileno()).st_size
            size = f"{reported} bytes" if reported > limits.max_bytes else f"more than {limits.max_bytes} bytes"
            yield Source(label=label, format="text",
                         error=f"file too large: {size} (limit {limits.max_bytes}; see --max-bytes)")
            return
    yield from read_bytes(data, label, kind)


def _guarded(sources: Iterator[Source], label: str) -> Iterator[Source]:
    """A reader's sources made safe to store and print; an exception in the reader is this input's error.

    Every string from outside becomes valid Unicode here (names escaped, text with U+FFFD), and every
    error message is cut to a line, so nothing downstream meets a surrogate or a megabyte of quoted input."""
    try:
        for source in sources:
            yield _sanitised(source)
    except Exception as exc:  # a reader's bug or a library's crash on hostile input: the batch goes on
        yield _sanitised(Source(label=label, format="text", error=f"cannot read: {exc.__class__.__name__}: {exc}"))


def _sanitised(source: Source) -> Source:
    def name(value: str | None) -> str | None:
        return escaped(value) if value is not None else None

    error = source.error
    if error is not None:
        error = escaped(error)
        error = error if len(error) <= MESSAGE_LIMIT else error[: MESSAGE_LIMIT - 3] + "..."
    return replace(source, label=escaped(source.label), raw=valid_text(source.raw), body=valid_text(source.body),
                   url=name(source.url), title=name(source.title), author=name(source.author),
                   published=name(source.published), given_id=name(source.given_id), error=error)


def wanted(relative: Path, globs: Iterable[str]) -> bool:
    """Whether a file found by a walk matches one of `globs` (case aside): a pattern with a `/` is matched
    against the path below the folder, any other against the file name."""
    name, below = relative.name.lower(), relative.as_posix().lower()
    return any(fnmatch.fnmatchcase(below if "/" in pattern else name, pattern.lower()) for pattern in globs)


def _files(directory: Path, globs: Iterable[str] = ARTICLE_GLOBS) -> Iterator[Path]:
    """Every non-hidden entry below `directory` that is not a folder and matches `globs`: FIFOs and
    devices too, so that each gets its own refusal instead of vanishing from the batch."""
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if not path.is_dir() and wanted(relative, globs):
            yield path


def expand_paths(inputs: Iterable[str], globs: Iterable[str] = ARTICLE_GLOBS) -> Iterator[Path]:
    """Every file named by `inputs`, directories expanded to the files matching `globs` (for engines that
    split work by file); a file named explicitly is kept whatever its name."""
    globs = tuple(globs)
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from _files(path, globs)
        else:
            yield path


def unread_files(inputs: Iterable[str], globs: Iterable[str] = ARTICLE_GLOBS) -> list[Path]:
    """The non-hidden files of the input directories that `globs` leaves out, so a caller can say what a
    walk did not read instead of dropping it silently."""
    globs = tuple(globs)
    return [path for item in inputs if item != "-" and Path(item).is_dir() for path in _files(Path(item), ("*",))
            if not wanted(path.relative_to(item), globs)]


def count_documents(inputs: list[str], globs: Iterable[str] = ARTICLE_GLOBS) -> int | None:
    """How many documents the inputs hold, when that is known without reading them (no WARC, JSON(L), stdin)."""
    if "-" in inputs:
        return None
    total = 0
    for path in expand_paths(inputs, globs):
        name = path.name.lower()
        if name.endswith((".warc", ".warc.gz", ".arc.gz")) or path.suffix.lower() in JSONL_SUFFIXES | JSON_SUFFIXES:
            return None
        total += 1
    return total


def read_sources(inputs: Iterable[str], limits: Limits | None = None,
                 globs: Iterable[str] = ARTICLE_GLOBS) -> Iterator[Source]:
    """Lazily read every document named by `inputs`: files, directories (recursive, the files matching
    `globs`) or `-`."""
    limits = limits or Limits()
    globs = tuple(globs)
    for item in inputs:
        if item == "-":
            yield from _guarded(_read_stdin(limits), "stdin")
            continue
        path = Path(item)
        if path.is_dir():
            for file in _files(path, globs):
                yield from _guarded(read_path(file, limits), str(file))
        elif path.exists() or path.is_symlink():
            yield from _guarded(read_path(path, limits), item)
        else:
            yield _sanitised(Source(label=item, format="text", error="no such file or directory"))


def _read_stdin(limits: Limits) -> Iterator[Source]:
    data = sys.stdin.buffer.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        yield Source(label="stdin", format="text",
                     error=f"standard input too large: more than {limits.max_bytes} bytes (see --max-bytes)")
        return
    yield from read_bytes(data, "stdin", sniff(data))
