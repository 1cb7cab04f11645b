"""Write a folder of hostile and broken inputs, each with what powermap should do with it.

Nothing here is committed as a binary: the files are made by this script in a temporary folder.
Run: python tests/bad_inputs/make_bad_inputs.py DIR   (prints the expectations as JSON)
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ENGLISH = ("Belarus and Russia agreed on Tuesday to deploy a joint regional group of forces, the Belarusian "
           "leader said. Poland called the move a provocation and summoned the ambassador. ") * 4
RUSSIAN = ("Президент Беларуси Александр Лукашенко заявил во вторник, что Беларусь и Россия договорились "
           "развернуть региональную группировку войск. Польша назвала это провокацией. ") * 3
CHINESE = "俄罗斯和白俄罗斯周二同意部署联合区域部队，白俄罗斯领导人表示。波兰称此举是挑衅，并召见了大使。" * 3

# Each expectation: outcome "error" with a reason the message must contain, "ok" (analysed, optionally
# with a warning containing the given words), or "either" (analysed or one clear error).


def english(case: str) -> str:
    """The English article, made distinct per case so that no two inputs share content."""
    return f"{ENGLISH}This is the {case} case."


def warc_records(records: list[tuple[str | None, str, bytes]]) -> bytes:
    """A .warc.gz of response records; a url of None leaves the record without WARC-Target-URI (shared by the
    robustness check, the fuzz harness and the ingest tests)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for url, content_type, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(url or "https://example.org/none", "response",
                                           payload=io.BytesIO(payload), http_headers=headers)
        if url is None:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    return buffer.getvalue()


def _hostile_names_and_readers(folder: Path, page: str) -> dict[str, dict[str, str]]:
    """Issue 14's inputs: names that are not valid Unicode or hold a newline, JSON and WARC records that
    crashed readers, a declared codec that rewrites text, a compression bomb, pathological markup, a FIFO.
    Keys are the names as powermap prints them (undecodable bytes and control characters escaped)."""
    expectations: dict[str, dict[str, str]] = {}
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(english("Latin-1 file name").encode())
    expectations["caf\\xe9.txt"] = {"outcome": "ok"}
    (folder / "forged\nok    name.txt").write_bytes(english("newline in the file name").encode())
    expectations["forged\\nok    name.txt"] = {"outcome": "ok"}
    escapes = english("escape codes") + " A \x1b[31mred\x1b[0m word and a \x1b]0;title\x07 title."
    (folder / "escape-codes.txt").write_bytes(escapes.encode())
    expectations["escape-codes.txt"] = {"outcome": "ok"}
    lines = [json.dumps({"id": "d", "text": english("deep JSONL")}), "[" * 100_000 + "]" * 100_000,
             '{"id": "s", "url": "http://x/\\udfff", "text": ' + json.dumps(english("lone surrogate")) + "}"]
    (folder / "deep.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expectations["deep.jsonl#d"] = {"outcome": "ok"}
    expectations["deep.jsonl:2"] = {"outcome": "error", "reason": "nested too deeply"}
    expectations["deep.jsonl#s"] = {"outcome": "ok"}
    codec_page = page.replace("page case", "declared codec").replace("</article>", "<p>+ADw-b+AD4-</p></article>")
    (folder / "declared-codecs.warc.gz").write_bytes(warc_records([
        ("https://example.org/utf7", "text/html; charset=utf-7", codec_page.encode()),
        ("https://example.org/escape", "text/html; charset=unicode_escape", codec_page.replace("codec", "escape")
         .encode()),
        (None, "text/html", page.replace("page case", "no target URI").encode()),
        ("https://example.org/bomb", "text/html", bytes(51_000_000)),
        ("https://example.org/after", "text/html", page.replace("page case", "after the bomb").encode())]))
    for url in ("utf7", "escape", "after"):
        expectations[f"declared-codecs.warc.gz#https://example.org/{url}"] = {"outcome": "ok"}
    expectations["declared-codecs.warc.gz#record-3"] = {"outcome": "error", "reason": "malformed WARC record"}
    expectations["declared-codecs.warc.gz#record-4"] = {"outcome": "error", "reason": "too large"}
    attributes = " ".join(f'data-a{n}="v"' for n in range(20_000))
    (folder / "many-attributes.html").write_text(
        f"<html><body><article><p {attributes}>{english('many attributes')}</p></article></body></html>",
        encoding="utf-8")
    expectations["many-attributes.html"] = {"outcome": "ok"}
    (folder / "malformed.warc").write_bytes(b"X" * 2_000_000 + b"\r\n\r\n")
    expectations["malformed.warc"] = {"outcome": "error", "reason": "malformed"}
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.txt")
        expectations["fifo.txt"] = {"outcome": "error", "reason": "not a regular file"}
    return expectations


def make(folder: Path) -> dict[str, dict[str, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    page = f"<html><head><title>Drills</title></head><body><article><p>{english('page')}</p></article></body></html>"
    cases: dict[str, tuple[bytes, dict[str, str]]] = {
        "binary.bin": (bytes(rng.randrange(256) for _ in range(4096)), {"outcome": "error", "reason": "binary"}),
        "image.png": (b"\x89PNG\r\n\x1a\n" + bytes(2048), {"outcome": "error", "reason": "binary"}),
        "empty.txt": (b"", {"outcome": "error", "reason": "empty"}),
        "whitespace-only.txt": (b"   \n\t\n  \r\n", {"outcome": "error", "reason": "empty"}),
        "invalid-utf8.txt": (ENGLISH.encode() + b" \x80\x81\xfe caf\xe9 " + english("utf8").encode(),
                             {"outcome": "ok"}),
        "cp1251-russian.txt": (RUSSIAN.encode("cp1251"), {"outcome": "ok", "warning": "not parsed"}),
        "latin1.txt": ((english("latin-1") + " The café in Zürich hosted the négociations.").encode("latin-1"),
                       {"outcome": "ok"}),
        "utf16-bom.txt": (english("UTF-16 BOM").encode("utf-16"), {"outcome": "ok"}),
        "utf16-no-bom.txt": (english("UTF-16 no BOM").encode("utf-16-le"), {"outcome": "ok"}),
        "truncated.html": (page[: len(page) // 2].encode(), {"outcome": "either"}),
        "malformed.html": (b"<html><body><div><p>" + ENGLISH.encode() + b"</span></i><b><table><td>x</html>",
                           {"outcome": "either"}),
        "scripts-only.html": (b"<html><head><script>var a = 1;</script><style>p {}</style></head>"
                              b"<body><script>track()</script></body></html>",
                              {"outcome": "error", "reason": "no article text"}),
        "non-html-records.warc.gz": (warc_records([("https://example.org/a.png", "image/png", bytes(500)),
                                            ("https://example.org/s.css", "text/css", b"p { margin: 0 }")]),
                                     {"outcome": "error", "reason": "no HTML"}),
        "cyrillic.txt": ((RUSSIAN + "Это второй текст.").encode(), {"outcome": "ok", "warning": "not parsed"}),
        "chinese.txt": (CHINESE.encode(), {"outcome": "ok", "warning": "not parsed"}),
        "long-sentence.txt": ((" ".join(rng.choice(["Belarus", "troops", "and", "the", "border", "moved",
                                                    "Russia", "quickly", "near"]) for _ in range(20000))).encode(),
                              {"outcome": "ok"}),
        "quote-marks.txt": (("He said “" + "” “".join("no" for _ in range(2500)) + "” again.").encode(),
                            {"outcome": "ok"}),
        "zero-width-rtl.txt": (("Belarus\u200b and\u200d Russia \u202eagreed\u202c on\u2066 troops\u2069. " * 20)
                               .encode(), {"outcome": "ok"}),
        "nul-bytes.txt": (english("NUL").encode().replace(b"Tuesday", b"Tues\x00day"), {"outcome": "ok"}),
    }
    expectations: dict[str, dict[str, str]] = {}
    for name, (data, expected) in cases.items():
        (folder / name).write_bytes(data)
        expectations[name] = expected
    first = warc_records([("https://example.org/one", "text/html", page.replace("page case", "first page").encode())])
    second = warc_records([("https://example.org/two", "text/html", page.replace("page case", "second page").encode())])
    (folder / "truncated.warc.gz").write_bytes(first + second[: len(second) // 2])  # cut inside the second
    expectations["truncated.warc.gz#https://example.org/one"] = {"outcome": "ok"}
    expectations["truncated.warc.gz#after-record-1"] = {"outcome": "error", "reason": "truncated"}
    lines = [json.dumps({"id": "a", "text": english("JSONL")}), "{broken",
             json.dumps({"id": "a", "text": "Other text."})]
    (folder / "broken.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expectations["broken.jsonl#a"] = {"outcome": "ok"}
    expectations["broken.jsonl:2"] = {"outcome": "error", "reason": "invalid JSON"}
    expectations["broken.jsonl:3"] = {"outcome": "error", "reason": "duplicate id"}
    with (folder / "huge.txt").open("wb") as handle:  # 52 MB: over the default --max-bytes
        block = (ENGLISH * 20).encode()
        while handle.tell() < 52_000_000:
            handle.write(block)
    expectations["huge.txt"] = {"outcome": "error", "reason": "too large"}
    expectations.update(_hostile_names_and_readers(folder, page))
    return expectations


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(Path(sys.argv[1])), indent=2) + "\n")
