"""WARC archives: every HTML response record is a document; url and date from its headers."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from powermap.analysis import Source
from powermap.ingest.decode import DecodeError, decode
from powermap.ingest.html import read_html


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _text(payload: bytes, content_type: str) -> str:
    charset = _charset(content_type)
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(payload)[0]


def _gzip_truncated(path: Path) -> bool:
    """A gzipped archive cut short: its last record cannot be trusted."""
    if not path.name.endswith(".gz"):
        return False
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return True
    return False


def read_warc(path: Path, max_bytes: int) -> Iterator[Source]:
    """Sources from the HTML responses of one archive; a broken archive ends with one error."""
    truncated = _gzip_truncated(path)
    held: Source | None = None
    for source in _records(path, max_bytes):
        if held is not None:
            yield held
        held = source
    if held is not None and truncated and held.error is None:
        held = Source(label=held.label, format="warc", error="truncated WARC: this record was cut short")
    if held is not None:
        yield held


def _records(path: Path, max_bytes: int) -> Iterator[Source]:
    count = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = record.http_headers.get_header("Content-Type") or ""
                if "html" not in content_type.lower():
                    continue
                count += 1
                url = record.rec_headers.get_header("WARC-Target-URI")
                date = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
                label = f"{path}#{url or count}"
                payload = record.content_stream().read(max_bytes + 1)
                if len(payload) > max_bytes:
                    yield Source(label=label, format="warc", error="record too large")
                    continue
                try:
                    raw = _text(payload, content_type)
                except DecodeError as exc:
                    yield Source(label=label, format="warc", error=str(exc))
                    continue
                yield read_html(raw, label, url=url, fallback_date=date, fmt="warc")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        yield Source(
            label=f"{path}#after-record-{count}",
            format="warc",
            error=f"truncated or malformed WARC after {count} HTML records: {exc}",
        )
        return
    if count == 0:
        yield Source(label=str(path), format="warc", error="no HTML response records in this archive")
