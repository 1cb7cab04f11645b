"""JSON Lines (one document a line) and JSON files (one document, or an array of them).

A record is `{"id", "text", "url", "title", "published", "author"}`; trafilatura's own JSON output is read
too (`raw_text` when there is no `text`, `date`, `source` for the URL), so its date and author are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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


# Each field of a Source and the record keys that may hold it, first found wins (ours, then trafilatura's).
_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("text", "raw_text"),
    "url": ("url", "source"),
    "title": ("title",),
    "published": ("published", "date"),
    "author": ("author",),
}


def _field(record: dict, name: str) -> str | None:
    for key in _KEYS.get(name, (name,)):
        value = record.get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _text(record: dict) -> str | None:
    """The first non-empty text string; an empty one still counts (the document is then refused as empty)."""
    texts = [record[key] for key in _KEYS["text"] if isinstance(record.get(key), str)]
    return next((text for text in texts if text.strip()), texts[0] if texts else None)


def _url(record: dict) -> str | None:
    """`url`, or trafilatura's `source` when it is a URL (a `source` such as "Reuters" is no address)."""
    url = _field(record, "url")
    return url if url is None or record.get("url") or "://" in url else None


def _records(name: str, items: Iterable[tuple[str, Any]]) -> Iterator[Source]:
    """Sources from (label, parsed value) pairs of one file; a value that failed to parse (a ValueError)
    or is not a record with text is that record's error, and the others go on."""
    seen: set[str] = set()
    for label, record in items:
        if isinstance(record, ValueError):
            yield Source(label=label, format="jsonl", error=str(record))
            continue
        text = _text(record) if isinstance(record, dict) else None
        if text is None:
            yield Source(label=label, format="jsonl", error='no "text" (or "raw_text") string in this record')
            continue
        given_id = _field(record, "id")
        if given_id:
            if given_id in seen:
                yield Source(label=label, format="jsonl", error=f"duplicate id {given_id!r}")
                continue
            seen.add(given_id)
            label = f"{name}#{given_id}"
        yield Source(label=label, format="jsonl", raw=text, body=text, url=_url(record),
                     title=_field(record, "title"), author=_field(record, "author"),
                     published=_field(record, "published"), given_id=given_id)


def read_jsonl(handle: BinaryIO, name: str, max_bytes: int) -> Iterator[Source]:
    """Sources from one JSONL file, read a line at a time; a broken line is that line's error."""

    def parsed() -> Iterator[tuple[str, Any]]:
        for number, line in bounded_lines(handle, max_bytes):
            label = f"{name}:{number}"
            if line is None:
                yield label, ValueError(f"line too large: over {max_bytes} bytes (see --max-bytes)")
            elif line.strip():
                try:
                    yield label, parse_json(line)
                except ValueError as exc:
                    yield label, exc

    yield from _records(name, parsed())


def read_json(handle: BinaryIO, name: str, max_bytes: int) -> Iterator[Source]:
    """Sources from one JSON file: a record (trafilatura's `--json` output) or an array of records."""
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield Source(label=name, format="jsonl", error=f"file too large: over {max_bytes} bytes (see --max-bytes)")
        return
    try:
        value = parse_json(data)
    except ValueError as exc:
        yield Source(label=name, format="jsonl", error=str(exc))
        return
    items = value if isinstance(value, list) else [value]
    yield from _records(name, ((f"{name}:{index}", item) for index, item in enumerate(items, start=1)))
