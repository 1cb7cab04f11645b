"""WARC archives: every HTML response record is a document; url and date from its headers."""

from __future__ import annotations

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


def _complete_members(path: Path) -> tuple[int, bool]:
    """How many gzip members (one per WARC record) are whole, and whether the file ends inside one."""
    if not path.name.endswith(".gz"):
        return 0, False
    complete, started = 0, False
    with path.open("rb") as stream:
        decompressor = zlib.decompressobj(wbits=31)
        data = stream.read(1 << 20)
        while data:
            try:
                decompressor.decompress(data)
            except zlib.error:
                return complete, True
            started = True
            if decompressor.eof:
                complete, started = complete + 1, False
                data = decompressor.unused_data or stream.read(1 << 20)
                decompressor = zlib.decompressobj(wbits=31)
            else:
                data = stream.read(1 << 20)
    return complete, started


def read_warc(path: Path, max_bytes: int) -> Iterator[Source]:
    """Sources from the HTML responses of one archive; a cut-off record is an error, the rest stand."""
    complete, truncated = _complete_members(path)
    seen = [0]
    held: tuple[Source, int] | None = None
    for source in _records(path, max_bytes, seen):
        if held is not None:
            yield held[0]
        held = (source, seen[0])
    if held is not None:
        source, index = held
        if truncated and index > complete and source.error is None:
            source = Source(label=source.label, format="warc", error="truncated WARC: this record was cut short")
        yield source
    if truncated and seen[0] <= complete:
        yield Source(label=f"{path}#after-record-{seen[0]}", format="warc",
                     error=f"truncated WARC: the archive ends inside the record after record {seen[0]}")


def _records(path: Path, max_bytes: int, seen: list[int]) -> Iterator[Source]:
    count = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                seen[0] += 1
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
