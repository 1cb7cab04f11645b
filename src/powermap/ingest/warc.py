"""WARC archives: every HTML response record is a document; url and date from its headers.

A .warc.gz holds one gzip member per record, so members are expanded one at a time with a bound on each
and on the whole archive (a 2 MB file can expand to 2 GB), and a record warcio cannot parse is that
record's error: reading goes on with the next member.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from powermap.analysis import Source
from powermap.ingest.decode import DecodeError, decode, text_codec
from powermap.ingest.html import read_html

if TYPE_CHECKING:
    from powermap.ingest import Limits

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_HEADER_ROOM = 1 << 16  # WARC and HTTP headers around a payload of at most --max-bytes


class ArchiveTooLarge(ValueError):
    """The archive expands to more than --max-archive-bytes."""


@dataclass
class Member:
    """One gzip member expanded: its bytes (None when over the record bound), size, and whether it ended."""

    data: bytes | None
    size: int
    complete: bool


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _text(payload: bytes, content_type: str) -> str:
    """The payload as text: with its declared charset when that is a real text codec, else detected."""
    codec = text_codec(_charset(content_type))
    if codec:
        try:
            return payload.decode(codec)
        except UnicodeDecodeError:
            pass
    return decode(payload)[0]


def members(handle: BinaryIO, record_limit: int, archive_limit: int) -> Iterator[Member]:
    """Every gzip member of a stream, expanded a chunk at a time: memory stays within `record_limit`
    per member and the work within `archive_limit` for the whole stream (ArchiveTooLarge beyond it)."""
    total = 0
    pending = handle.read(_CHUNK)
    while pending:
        decompressor = zlib.decompressobj(wbits=31)
        parts: list[bytes] = []
        size = 0
        while not decompressor.eof:
            pending = pending or handle.read(_CHUNK)
            ended = not pending
            if ended:  # the file ended: take what the decompressor still holds, and see if the member did
                out = decompressor.flush()
            else:
                out = decompressor.decompress(pending, _CHUNK)
                pending = decompressor.unconsumed_tail
            size += len(out)
            total += len(out)
            if total > archive_limit:
                raise ArchiveTooLarge(f"archive expands to more than {archive_limit} bytes "
                                      f"(see --max-archive-bytes)")
            if size <= record_limit:
                parts.append(out)
            else:
                parts.clear()
            if ended and not decompressor.eof:
                yield Member(None, size, complete=False)
                return
        yield Member(b"".join(parts) if size <= record_limit else None, size, complete=True)
        pending = decompressor.unused_data or handle.read(_CHUNK)


def read_warc(handle: BinaryIO, name: str, limits: Limits) -> Iterator[Source]:
    """Sources from the HTML responses of one archive; a cut-off or broken record is an error, the rest stand."""
    pages = [0]
    compressed = handle.read(2) == _GZIP_MAGIC
    handle.seek(0)
    reader = _gzip_records if compressed else _plain_records
    produced = False
    for source in reader(handle, name, limits, pages):
        produced = True
        yield source
    if not produced:
        yield Source(label=name, format="warc", error="no HTML response records in this archive")


def _gzip_records(handle: BinaryIO, name: str, limits: Limits, pages: list[int]) -> Iterator[Source]:
    records = 0
    try:
        for member in members(handle, limits.max_bytes + _HEADER_ROOM, limits.max_archive_bytes):
            if not member.complete:
                yield Source(label=f"{name}#after-record-{records}", format="warc",
                             error=f"truncated WARC: the archive ends inside the record after record {records}")
                return
            records += 1
            if member.data is None:
                yield Source(label=f"{name}#record-{records}", format="warc",
                             error=f"record too large: {member.size} bytes (limit {limits.max_bytes}; see --max-bytes)")
                continue
            try:
                yield from _pages(ArchiveIterator(io.BytesIO(member.data)), name, limits, pages)
            except Exception as exc:  # warcio on a hostile record: this record only
                yield Source(label=f"{name}#record-{records}", format="warc",
                             error=f"malformed WARC record {records}: {exc.__class__.__name__}: {exc}")
    except ArchiveTooLarge as exc:
        yield Source(label=f"{name}#after-record-{records}", format="warc", error=str(exc))
    except zlib.error as exc:
        yield Source(label=f"{name}#after-record-{records}", format="warc",
                     error=f"truncated or malformed WARC after {records} records: {exc}")


def _plain_records(handle: BinaryIO, name: str, limits: Limits, pages: list[int]) -> Iterator[Source]:
    """An uncompressed archive has no member boundaries to resume at: a broken record ends it."""
    try:
        yield from _pages(ArchiveIterator(handle), name, limits, pages)
    except Exception as exc:  # warcio on a hostile or cut archive
        yield Source(label=f"{name}#after-record-{pages[0]}" if pages[0] else name, format="warc",
                     error=f"truncated or malformed WARC after {pages[0]} HTML records: "
                           f"{exc.__class__.__name__}: {exc}")


def _pages(records: Iterator[Any], name: str, limits: Limits, pages: list[int]) -> Iterator[Source]:
    for record in records:
        if record.rec_type != "response" or record.http_headers is None:
            continue
        content_type = record.http_headers.get_header("Content-Type") or ""
        if "html" not in content_type.lower():
            continue
        pages[0] += 1
        url = record.rec_headers.get_header("WARC-Target-URI")
        date = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
        label = f"{name}#{url or pages[0]}"
        payload = record.content_stream().read(limits.max_bytes + 1)
        if len(payload) > limits.max_bytes:
            yield Source(label=label, format="warc",
                         error=f"record too large (limit {limits.max_bytes}; see --max-bytes)")
            continue
        try:
            raw = _text(payload, content_type)
        except DecodeError as exc:
            yield Source(label=label, format="warc", error=str(exc))
            continue
        yield read_html(raw, label, url=url, fallback_date=date, fmt="warc")
