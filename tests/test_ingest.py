import json
from pathlib import Path

from powermap.ingest import Limits, count_documents, read_sources


def test_directory_of_mixed_files_reads_each_and_reports_the_bad(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Headline\n\nBelarus and Russia signed a deal.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.bin").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.html").write_text(
        "<html><head><title>T</title></head><body><article><p>"
        + "Poland closed its border with Belarus on Monday, officials said. " * 4
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    sources = list(read_sources([str(tmp_path), str(tmp_path / "image.bin")]))
    by_name = {Path(s.label).name: s for s in sources}
    assert set(by_name) == {"good.txt", "empty.txt", "image.bin", "page.html"}
    assert len(sources) == 4  # image.bin is read once: named, not found by the walk
    assert by_name["good.txt"].error is None and "Belarus" in by_name["good.txt"].body
    assert by_name["empty.txt"].error == "empty file"
    assert "binary" in by_name["image.bin"].error
    assert by_name["page.html"].format == "html" and "Poland closed" in by_name["page.html"].body


def test_missing_path_is_an_error_not_a_crash():
    (source,) = read_sources(["/nonexistent/file.txt"])
    assert source.error == "no such file or directory"


def test_html_metadata_from_page():
    (source,) = read_sources([str(Path(__file__).parents[1] / "examples/articles/summit-page.html")])
    assert source.error is None
    assert source.title == "Security bloc leaders meet in Moscow"
    assert source.author == "Daniyar Seitkali"
    assert source.published == "2023-11-23"
    assert "window.analytics" not in source.body and "All rights reserved" not in source.body


def test_malformed_and_script_only_html(tmp_path: Path):
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><p>Belarus said <b>the talks <i>failed</p></div></span>", encoding="utf-8")
    scripts = tmp_path / "scripts.html"
    scripts.write_text("<html><head><script>var a = 1;</script><style>p{}</style></head></html>", encoding="utf-8")
    results = {Path(s.label).name: s for s in read_sources([str(tmp_path)])}
    assert results["scripts.html"].error == "no article text found in the HTML"
    broken_source = results["broken.html"]
    assert broken_source.error or "Belarus said" in broken_source.body


def test_jsonl_broken_lines_and_duplicate_ids(tmp_path: Path):
    path = tmp_path / "items.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Russia and China met.", "published": "2024-01-02"}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "a", "text": "Another text."}),
        json.dumps({"text": "No id here."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = list(read_sources([str(path)]))
    assert [s.error is None for s in sources] == [True, False, False, False, True]
    assert sources[0].label.endswith("#a") and sources[0].published == "2024-01-02"
    assert "invalid JSON" in sources[1].error and sources[1].label.endswith(":2")
    assert "text" in sources[2].error
    assert "duplicate id" in sources[3].error


def test_warc_pages_only_with_url_and_date(warc_example: Path):
    sources = list(read_sources([str(warc_example)]))
    assert [s.url for s in sources] == [
        "https://example.org/world/csto-summit",
        "https://example.org/world/joint-drills",
    ]
    assert all(s.error is None and s.format == "warc" for s in sources)
    assert sources[0].published == "2023-11-23"  # from the page's metadata
    assert sources[1].published == "2024-03-14"  # from the page's date line, before the WARC-Date


def test_truncated_warc_keeps_what_was_read(warc_example: Path, tmp_path: Path):
    data = warc_example.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    sources = list(read_sources([str(cut)]))
    assert sources[0].error is None
    assert "truncated" in sources[-1].error


def test_size_limit(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("word " * 1000, encoding="utf-8")
    (source,) = read_sources([str(big)], Limits(max_bytes=100))
    assert "too large" in source.error


def _folder_of_everything(folder: Path) -> None:
    article = "Headline\n\nBelarus and Russia signed a deal on Monday."
    for name in ("a.txt", "b.text", "c.html", "d.HTM", "e.jsonl", "notes.md", "tool.py", "data.csv", "sub/f.txt"):
        (folder / name).parent.mkdir(exist_ok=True)
        content = json.dumps({"text": article}) if name.endswith("jsonl") else article
        (folder / name).write_text(content, encoding="utf-8")


def test_directory_walk_reads_article_files_only(tmp_path: Path):
    _folder_of_everything(tmp_path)
    names = {Path(s.label.split(":")[0]).name for s in read_sources([str(tmp_path)])}
    assert names == {"a.txt", "b.text", "c.html", "d.HTM", "e.jsonl", "f.txt"}


def test_explicit_files_are_read_whatever_their_extension(tmp_path: Path):
    _folder_of_everything(tmp_path)
    (source,) = read_sources([str(tmp_path / "notes.md")])
    assert source.error is None and "Belarus" in source.body


def test_globs_choose_the_files_of_a_walk(tmp_path: Path):
    _folder_of_everything(tmp_path)
    assert [Path(s.label).name for s in read_sources([str(tmp_path)], globs=["*.md", "*.PY"])] == [
        "notes.md", "tool.py"]
    assert [Path(s.label).name for s in read_sources([str(tmp_path)], globs=["sub/*"])] == ["f.txt"]
    assert count_documents([str(tmp_path)], ["*.txt"]) == 2


def test_trafilatura_json_keys_keep_date_author_and_url(tmp_path: Path):
    record = {"title": "Talks stall in Minsk", "author": "Jane Roe", "date": "2024-03-05",
              "source": "https://news.example/minsk-talks", "source-hostname": "Example News",
              "raw_text": "Belarus and Poland failed to agree on the border.", "text": "",
              "fingerprint": "abc", "language": "en"}
    (tmp_path / "page.json").write_text(json.dumps(record, indent=2), encoding="utf-8")  # one record, pretty
    (tmp_path / "pages.jsonl").write_text(json.dumps(record) + "\n" + json.dumps({**record, "source": "Wire"})
                                          + "\n", encoding="utf-8")
    first, second, third = read_sources([str(tmp_path / "page.json"), str(tmp_path / "pages.jsonl")])
    for source in (first, second, third):
        assert source.error is None
        assert (source.title, source.author, source.published) == ("Talks stall in Minsk", "Jane Roe", "2024-03-05")
        assert source.body == record["raw_text"]
    assert first.url == second.url == "https://news.example/minsk-talks"
    assert third.url is None  # a source that is not an address is no URL


def test_json_file_with_an_array_and_bad_records(tmp_path: Path):
    items = [{"text": "Russia and China met."}, {"title": "no text"}, 7]
    (tmp_path / "many.json").write_text(json.dumps(items), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    sources = list(read_sources([str(tmp_path)]))
    by_label = {s.label: s for s in sources}
    assert by_label[f"{tmp_path / 'many.json'}:1"].body == "Russia and China met."
    assert "no \"text\"" in by_label[f"{tmp_path / 'many.json'}:2"].error
    assert "no \"text\"" in by_label[f"{tmp_path / 'many.json'}:3"].error
    assert "invalid JSON" in by_label[str(tmp_path / "broken.json")].error
