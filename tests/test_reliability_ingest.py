"""Hostile inputs at the edge (issue 14): outputs that would destroy inputs, names and headers that are not
valid Unicode, readers that crash, inputs that never end, terminal injection, and stop signals.

Every hostile input is generated here, small: the limits are set low so that a small input proves the bound.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.store import Store
from powermap.ingest import MESSAGE_LIMIT, Limits, read_sources
from powermap.ingest.decode import decode, escaped, text_codec, valid_text
from powermap.ingest.html import MAX_ELEMENTS
from powermap.ingest.jsonl import parse_json
from powermap.ingest.warc import members
from powermap.terminal import block, one_line
from tests.bad_inputs.make_bad_inputs import warc_records

runner = CliRunner()
ARTICLE = ("Belarus and Russia agreed on Tuesday to hold joint drills near the border, officials said. "
           "Poland called the move a provocation and summoned the ambassador. ")


def article(case: str) -> str:
    """A short English article, distinct per case so that no two inputs share content."""
    return f"Drills {case}\n\n{ARTICLE * 3}This is the {case} case."


def page(case: str) -> bytes:
    return (f"<html><head><title>Drills {case}</title></head><body><article><p>{ARTICLE * 3}</p>"
            f"<p>This is the {case} page.</p></article></body></html>").encode()


def printable(value: str) -> bool:
    value.encode("utf-8")  # raises on a surrogate
    return True


# 1. An output that is also an input, or the store, is refused before anything is written.


def test_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path: Path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": article("jsonl")}) + "\n", encoding="utf-8")
    before = source.read_bytes()
    result = runner.invoke(app, ["analyze", str(source), "-o", str(source)])
    assert result.exit_code == 2 and "is also an input" in result.output
    assert source.read_bytes() == before
    second = tmp_path / "in2.txt"
    second.write_text(article("errors"), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(source), str(second), "--errors", str(second)])
    assert result.exit_code == 2 and second.read_text(encoding="utf-8") == article("errors")
    link = tmp_path / "hard-link.jsonl"
    os.link(source, link)  # another name for the same file
    assert runner.invoke(app, ["analyze", str(source), "-o", str(link)]).exit_code == 2
    assert source.read_bytes() == before


def test_output_inside_an_input_folder_is_refused(tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(article("folder"), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(folder), "-o", str(folder / "out.jsonl")])
    assert result.exit_code == 2 and "inside the input folder" in result.output
    assert not (folder / "out.jsonl").exists()
    result = runner.invoke(app, ["analyze", str(folder / "a.txt"), "--engine", "dask", "--out-dir", str(folder)])
    assert result.exit_code == 2 and "holds the input" in result.output


def test_output_that_is_the_store_is_refused_and_the_store_kept(tmp_path: Path):
    db = tmp_path / "same.db"
    Store(db).close()
    before = db.read_bytes()
    text = tmp_path / "a.txt"
    text.write_text(article("store"), encoding="utf-8")
    for option in ("-o", "--errors"):
        result = runner.invoke(app, ["analyze", str(text), "--db", str(db), option, str(db)])
        assert result.exit_code == 2 and "name the same file" in result.output
    assert db.read_bytes() == before
    assert runner.invoke(app, ["analyze", str(db), "--db", str(db)]).exit_code == 2
    assert runner.invoke(app, ["load", str(db), "--db", str(db)]).exit_code == 2
    assert db.read_bytes() == before


def test_graph_and_export_never_write_over_their_input(tmp_path: Path):
    db = tmp_path / "g.db"
    Store(db).close()
    before = db.read_bytes()
    result = runner.invoke(app, ["graph", str(db), "-o", str(db)])
    assert result.exit_code == 2 and "is also an input" in result.output
    result = runner.invoke(app, ["export", str(db), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "holds the input" in result.output
    assert db.read_bytes() == before


# 2. Names, URLs and headers that are not valid Unicode are escaped at the edge; the batch goes on.


def test_undecodable_file_name_is_escaped_and_read(tmp_path: Path):
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "good.txt").write_text(article("good name"), encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:  # Latin-1 bytes in the name
        handle.write(article("latin-1 name").encode())
    sources = list(read_sources([str(folder)]))
    assert len(sources) == 2 and all(s.error is None and printable(s.label) for s in sources)
    assert any(s.label.endswith("caf\\xe9.txt") for s in sources)


def test_lone_surrogates_from_json_become_valid_unicode(tmp_path: Path):
    path = tmp_path / "items.jsonl"
    lines = ['{"id": "u", "url": "http://x/\\udfff", "title": "T\\ud800", "text": "Belarus \\udc00 said."}',
             json.dumps({"id": "v", "text": article("after")})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, second = read_sources([str(path)])
    assert first.error is None and first.url == "http://x/\\udfff" and first.title == "T\\ud800"
    assert first.body == "Belarus \ufffd said." and printable(first.raw)  # one character for one: offsets hold
    assert second.error is None
    assert escaped("caf\udce9") == "caf\\xe9" and valid_text("a\udfffb") == "a\ufffdb"


def test_only_real_text_codecs_decode_a_declared_charset(tmp_path: Path):
    for name in ("utf-7", "UTF7", "unicode_escape", "rot13", "base64", "zlib", "hex", "no-such-codec", ""):
        assert text_codec(name) is None, name
    assert text_codec("windows-1251") == "cp1251" and text_codec("UTF-8") == "utf-8"
    payload = page("codec").replace(b"</article>", b"<p>The sign +ADw-b+AD4- and \\u0041 stay as written.</p>"
                                                   b"</article>")
    archive = tmp_path / "codecs.warc.gz"
    archive.write_bytes(warc_records([("https://example.org/utf7", "text/html; charset=utf-7", payload),
                              ("https://example.org/escape", "text/html; charset=unicode_escape", payload),
                              ("https://example.org/plain", "text/html", page("plain"))]))
    sources = list(read_sources([str(archive)]))
    assert [s.error for s in sources] == [None, None, None]
    assert all("+ADw-b+AD4-" in s.body and "\\u0041" in s.body for s in sources[:2])


def test_detection_never_picks_a_codec_that_rewrites_text():
    samples = [(ARTICLE * 3 + "The café in Zürich hosted the négociations.").encode("latin-1"),
               "Президент заявил во вторник, что Беларусь и Россия договорились. ".encode("cp1251") * 3,
               b"+ADw-script+AD4-alert(1)+ADw-/script+AD4- caf" + bytes([0xE9]) * 3]
    for data in samples:
        text, encoding = decode(data)
        assert text_codec(encoding) is not None, encoding
        assert "<script>" not in text


# 3. An exception while reading one source is that source's error; the reader goes on.


def test_deeply_nested_json_line_fails_alone(tmp_path: Path):
    path = tmp_path / "deep.jsonl"
    lines = [json.dumps({"id": str(n), "text": article(f"line {n}")}) for n in range(9)]
    lines.insert(4, "[" * 100_000 + "]" * 100_000)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = list(read_sources([str(path)]))
    assert len(sources) == 10 and sum(s.error is None for s in sources) == 9
    assert sources[4].label.endswith(":5") and "nested too deeply" in sources[4].error
    with pytest.raises(ValueError, match="nested too deeply"):
        parse_json("{\"a\":" * 50_000 + "1" + "}" * 50_000)


def test_warc_record_without_target_uri_fails_alone(tmp_path: Path):
    archive = tmp_path / "no-uri.warc.gz"
    archive.write_bytes(warc_records([("https://example.org/one", "text/html", page("one")),
                              (None, "text/html", page("two")),
                              ("https://example.org/three", "text/html", page("three"))]))
    sources = list(read_sources([str(archive)]))
    assert [s.error is None for s in sources] == [True, False, True]
    assert "malformed WARC record 2" in sources[1].error and sources[2].url == "https://example.org/three"


def test_a_reader_that_crashes_fails_its_file_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import powermap.ingest as ingest

    def crashing(handle, name, max_bytes):
        yield from ()
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr(ingest, "read_jsonl", crashing)
    (tmp_path / "a.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(article("after the crash"), encoding="utf-8")
    crashed, good = read_sources([str(tmp_path)])
    assert "RuntimeError: a bug in the reader" in crashed.error and good.error is None


# 4. Reading is bounded: no endless file, line, archive or markup costs more than its limit.


def test_fifo_and_devices_are_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "good.txt").write_text(article("beside a FIFO"), encoding="utf-8")
    found: list = []
    reader = threading.Thread(target=lambda: found.extend(read_sources([str(tmp_path), "/dev/zero"])))
    reader.start()
    reader.join(30)
    if reader.is_alive():  # unblock the reader before failing, so the test run can end
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    by_name = {Path(s.label).name: s for s in found}
    assert "not a regular file (a FIFO)" in by_name["pipe.txt"].error
    assert by_name["good.txt"].error is None
    assert "not a regular file (a device)" in by_name["zero"].error


def test_size_limit_does_not_trust_the_reported_size():
    # /proc files say they are 0 bytes long; only reading tells
    (source,) = read_sources(["/proc/self/maps"], Limits(max_bytes=100))
    assert "too large" in source.error


def test_jsonl_line_over_the_limit_is_skipped_without_holding_it(tmp_path: Path):
    path = tmp_path / "long.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "long", "text": "x" * 300_000}) + "\n")
        handle.write(json.dumps({"id": "short", "text": article("short line")}) + "\n")
        handle.write('{"text": "' + "y" * 300_000)  # no newline at the end
    first, second, third = read_sources([str(path)], Limits(max_bytes=10_000))
    assert "line too large" in first.error and second.error is None and "line too large" in third.error


def test_compressed_record_bomb_is_bounded_and_the_next_record_read(tmp_path: Path):
    bomb = bytes(3_000_000)  # 3 MB of zeros, a few KB compressed
    archive = tmp_path / "bomb.warc.gz"
    archive.write_bytes(warc_records([("https://example.org/bomb", "text/html", bomb),
                              ("https://example.org/after", "text/html", page("after the bomb"))]))
    assert archive.stat().st_size < 50_000
    sources = list(read_sources([str(archive)], Limits(max_bytes=100_000)))
    assert "record too large" in sources[0].error
    assert sources[1].error is None and sources[1].url == "https://example.org/after"
    with archive.open("rb") as handle:  # the bomb's bytes were counted, never held
        sizes = [(m.data is None, m.size > len(bomb)) for m in members(handle, 100_000, 10**9)]
    assert (True, True) in sizes


def test_archive_expanding_beyond_its_limit_stops_with_a_clear_error(tmp_path: Path):
    archive = tmp_path / "many.warc.gz"
    records = [(f"https://example.org/{n}", "text/html", page(f"number {n}")) for n in range(8)]
    archive.write_bytes(warc_records(records))
    sources = list(read_sources([str(archive)], Limits(max_archive_bytes=5_000)))
    assert 1 <= sum(s.error is None for s in sources) < 8
    assert "archive expands to more than 5000 bytes" in sources[-1].error


def test_pathological_markup_is_bounded(tmp_path: Path):
    attributes = " ".join(f'data-a{n}="v"' for n in range(20_000))
    (tmp_path / "attributes.html").write_text(
        f"<html><body><article><p {attributes}>{ARTICLE * 3}</p></article></body></html>", encoding="utf-8")
    (tmp_path / "elements.html").write_text(
        "<html><body>" + "<b>x</b>" * (MAX_ELEMENTS + 1) + f"<p>{ARTICLE}</p></body></html>", encoding="utf-8")
    by_name = {Path(s.label).name: s for s in read_sources([str(tmp_path)])}
    assert by_name["attributes.html"].error is None and "Poland called" in by_name["attributes.html"].body
    assert "HTML too complex" in by_name["elements.html"].error


# 6. A reader quotes at most a line of its input.


def test_error_messages_quote_at_most_a_line(tmp_path: Path):
    (tmp_path / "malformed.warc").write_bytes(b"X" * 300_000 + b"\r\n\r\n")
    (source,) = read_sources([str(tmp_path / "malformed.warc")])
    assert source.error and len(source.error) <= MESSAGE_LIMIT


# 5. Nothing printed to the terminal carries a control character from an input.


def test_escaping_for_the_terminal():
    assert one_line("a\nok    b\x1b[31m\u202e") == "a\\nok    b\\x1b[31m\\u202e"
    assert block("line\n\tnext\x1b]0;title\x07") == "line\n\tnext\\x1b]0;title\\x07"


def test_names_and_texts_cannot_drive_the_terminal(tmp_path: Path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "evil\nok    forged.txt").write_text(article("newline name"), encoding="utf-8")
    (folder / "escapes.txt").write_text(article("escapes") + " Red \x1b[31mtext\x1b[0m and a \x1b]0;title\x07.",
                                        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert not any(line.startswith("ok    forged") for line in lines)
    assert any("evil\\nok    forged.txt" in line for line in lines)
    shown = runner.invoke(app, ["show", str(out), "--text"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "\x1b" not in shown.output and "\\x1b[31m" in shown.output
    assert "\x07" not in shown.output


# 7. SIGTERM stops a worker pool: no worker survives, what was stored stays, the rerun finishes.


def _group(pgid: int) -> list[int]:
    """Live processes of a process group, from /proc (zombies excluded)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigterm_stops_the_pool_and_leaves_no_worker(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(24):  # three chunks of eight: the last is still in a worker when the first is stored
        (folder / f"doc{n:02}.txt").write_text(article(f"signal {n}"), encoding="utf-8")
    db = tmp_path / "c.db"
    command = [sys.executable, "-m", "powermap", "analyze", str(folder), "--db", str(db), "--workers", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("ok"):
            break
    assert process.poll() is None, "the batch ended before it could be stopped"
    assert len(_group(process.pid)) >= 3  # the parent and its two workers
    os.kill(process.pid, signal.SIGTERM)
    rest = process.stderr.read()
    assert process.wait(60) == 128 + signal.SIGTERM
    assert "stopped by SIGTERM" in rest and "Traceback" not in rest
    deadline = time.monotonic() + 10
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group(process.pid) == []
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    connection.close()
    assert 1 <= stored < 24
    rerun = subprocess.run(command + ["--quiet"], capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert sqlite3.connect(db).execute("SELECT COUNT(DISTINCT id) FROM documents").fetchone()[0] == 24


def test_members_of_a_multi_member_gzip_stream():
    """The member reader agrees with gzip on a whole multi-member stream."""
    data = gzip.compress(b"first") + gzip.compress(b"second")
    found = list(members(io.BytesIO(data), 100, 1000))
    assert [(m.data, m.complete) for m in found] == [(b"first", True), (b"second", True)]
    cut = list(members(io.BytesIO(data[:-5]), 100, 1000))
    assert cut[-1].complete is False
