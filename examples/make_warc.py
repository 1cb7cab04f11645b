"""Build `archive.warc.gz` from the example articles: two HTML responses and records that are not pages.

Run: python examples/make_warc.py [OUTPUT]. The archive is rebuilt from our own examples each time, so
it is never committed.
"""

from __future__ import annotations

import html
import sys
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent / "articles"


def _page(text: str) -> bytes:
    """The wire report as a simple web page, so the archive holds two different pages."""
    title, _, body = text.partition("\n")
    paragraphs = "".join(f"<p>{html.escape(line.strip())}</p>" for line in body.split("\n") if line.strip())
    return (
        f"<html><head><title>{html.escape(title)}</title></head>"
        f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    ).encode()


def build(output: Path) -> Path:
    records = [
        ("https://example.org/world/csto-summit", "text/html; charset=utf-8",
         (HERE / "summit-page.html").read_bytes()),
        ("https://example.org/world/joint-drills", "text/html; charset=utf-8",
         _page((HERE / "wire-report.txt").read_text(encoding="utf-8"))),
        ("https://example.org/static/site.css", "text/css", b"body { margin: 0 }"),
    ]
    with output.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, content_type, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=BytesIO(payload), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-15T08:00:00Z"},
            )
            writer.write_record(record)
        request = writer.create_warc_record(
            "https://example.org/world/csto-summit", "request",
            payload=BytesIO(b"GET /world/csto-summit HTTP/1.1\r\nHost: example.org\r\n\r\n"),
        )
        writer.write_record(request)
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "archive.warc.gz"
    print(build(target))
