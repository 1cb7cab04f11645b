"""JSON Lines: one document a line, `{"id", "text", "url", "title", "published"}`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from powermap.analysis import Source


def _field(record: dict, name: str) -> str | None:
    value = record.get(name)
    return str(value) if value not in (None, "") else None


def read_jsonl(path: Path, max_bytes: int) -> Iterator[Source]:
    """Sources from one JSONL file, read a line at a time; a broken line is that line's error."""
    seen: set[str] = set()
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            label = f"{path}:{number}"
            if len(line) > max_bytes:
                yield Source(label=label, format="jsonl", error="line too large")
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                yield Source(label=label, format="jsonl", error=f"invalid JSON: {exc}")
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
                label = f"{path}#{given_id}"
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
