"""Bytes to text: encodings detected, binary content refused with a reason."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from charset_normalizer.constant import IANA_SUPPORTED

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = {9, 10, 12, 13, 27}
_SAMPLE = 65536
# Among equally plausible single-byte encodings, the ones most web text was written in.
_PREFERRED = ("cp1252", "latin_1", "cp1251", "utf_8")
# Codecs that turn bytes into text as written: the charsets charset-normalizer detects, less the two that
# spell other characters in plain ASCII (utf-7, hz). A declared charset outside this set (unicode_escape,
# rot13, base64, zlib, ...) rewrites or unpacks its input instead, so it is ignored and the text detected.
_TEXT_CODECS = frozenset(codecs.lookup(name).name for name in IANA_SUPPORTED) - {"utf-7", "hz"} | {"utf-8-sig"}
_SURROGATE = re.compile("[\ud800-\udfff]")


class DecodeError(ValueError):
    """The bytes are not text we can read; the message says why."""


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text in a Latin script has a NUL in every other byte."""
    sample = data[:_SAMPLE]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SAMPLE]
    controls = sum(1 for b in sample if b < 32 and b not in _TEXT_CONTROLS)
    return controls / len(sample) > 0.05


def text_codec(name: str | None) -> str | None:
    """The codec a declared charset names, if it is one that reads text as written; else None."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    return codec if codec in _TEXT_CODECS else None


def valid_text(value: str) -> str:
    """Text any encoder accepts: each lone surrogate becomes U+FFFD, so character offsets stay put."""
    return value if value.isascii() else _SURROGATE.sub("\ufffd", value)


def escaped(value: str) -> str:
    """A name or header as valid Unicode that still shows what was there: an undecodable byte of a file
    name (surrogateescape) as `\\xNN`, any other lone surrogate as `\\uXXXX`."""
    if value.isascii():
        return value
    return _SURROGATE.sub(lambda m: _escape_surrogate(ord(m[0])), value)


def _escape_surrogate(code: int) -> str:
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding it was read with."""
    if not data:
        raise DecodeError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not {encoding}") from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    if _looks_binary(data):
        raise DecodeError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > 0.3:
        raise DecodeError("undecodable: no text encoding fits these bytes")
    readable = [m for m in matches if text_codec(m.encoding)]
    if not readable:
        raise DecodeError("undecodable: no text encoding fits these bytes")
    if best not in readable:
        best = readable[0]
    tied = [m for m in readable if m.chaos == best.chaos and m.coherence == best.coherence]
    chosen = next((m for m in tied if m.encoding in _PREFERRED), best)
    return str(chosen), chosen.encoding
