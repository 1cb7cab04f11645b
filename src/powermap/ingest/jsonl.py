"""JSON Lines: one document a line, `{"id", "text", "url", "title", "published"}`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from powermap.analysis import Source

_SKIP_CHUNK = 1 << 20


def parse_json(line: bytes | str) -> Any:
    """One JSON value; every way a line can fail to be JSON (syntax, bytes, nesting too deep for the
    parser) is a ValueError with a short reason, never a crash of the reader."""
    try:
        return json.loads(line)
    except RecursionError as exc:
        raise ValueError("invalid JSON: nested too deeply") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"invalid JSON: {exc}") from exc


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for every line; None for a line longer than `limit` bytes, which is skipped
    a chunk at a time, so a file with no newline costs no more memory than one chunk."""
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, line


def _field(record: dict, name: str) -> str | None:
    value = record.get(name)
    return str(value) if value not in (None, "") else None


def read_jsonl(handle: BinaryIO, name: str, max_bytes: int) -> Iterator[Source]:
    """Sources from one JSONL file, read a line at a time; a broken line is that line's error."""
    seen: set[str] = set()
    for number, line in bounded_lines(handle, max_bytes):
        label = f"{name}:{number}"
        if line is None:
            yield Source(label=label, format="jsonl", error=f"line too large: over {max_bytes} bytes (see --max-bytes)")
            continue
        if not line.strip():
            continue
        try:
            record = parse_json(line)
        except ValueError as exc:
            yield Source(label=label, format="jsonl", error=str(exc))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Source(label=label, format="jsonl", error='no "text" string in this line')
            continue
        given_id = _field(record, "id")
        if given_id:
            if given_id in seen:
                yield Source(label=label, format="jsonl", error=f"duplicate id {given_id!r}")
                continue
            seen.add(given_id)
            label = f"{name}#{given_id}"
        text = record["text"]
        yield Source(
            label=label,
            format="jsonl",
            raw=text,
            body=text,
            url=_field(record, "url"),
            title=_field(record, "title"),
            published=_field(record, "published"),
            given_id=given_id,
        )
