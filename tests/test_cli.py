import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powermap.cli import app
from tests.conftest import EXAMPLES, assert_evidence

runner = CliRunner()


def test_analyze_examples_store_and_show(tmp_path: Path, warc_example: Path):
    articles = tmp_path / "articles"
    shutil.copytree(EXAMPLES, articles)
    shutil.copy(warc_example, articles / "archive.warc.gz")
    db, out = tmp_path / "c.db", tmp_path / "out.jsonl"
    result = runner.invoke(app, ["analyze", str(articles), "--db", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # 2 WARC pages, 2 JSONL items, 2 texts; the HTML page is the WARC's first page: one id is written once
    assert len(documents) == len({d['id'] for d in documents}) == 6
    assert "summit-page.html (same content as an earlier document of this batch)" in result.output
    assert all(d["schema"] == "powermap/1" for d in documents)
    assert sum(assert_evidence(d) for d in documents) > 100
    again = runner.invoke(app, ["analyze", str(articles), "--db", str(db)])
    assert again.exit_code == 0 and "7 skipped" in again.output
    shown = runner.invoke(app, ["show", str(db)], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    assert "Security bloc leaders meet in Moscow" in shown.output and "Alexander Lukashenko" in shown.output


def test_bad_documents_fail_alone(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Title\n\nRussia and Belarus agreed on drills.", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("   \n\t\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    db, errors = tmp_path.parent / "bad-inputs.db", tmp_path.parent / "bad-inputs-errors.jsonl"
    result = runner.invoke(app, ["analyze", str(tmp_path), "--db", str(db), "--errors", str(errors)])
    assert result.exit_code == 1
    assert "binary.txt: binary file, not text" in result.output
    assert "blank.txt: empty" in result.output
    records = [json.loads(line) for line in errors.read_text().splitlines()]
    assert {Path(r["source"]).name for r in records} == {"blank.txt", "binary.txt"}
    shown = runner.invoke(app, ["show", str(db)], env={"COLUMNS": "200"})
    assert "2 errors" in shown.output and "Russia" in shown.output


def test_usage_errors_exit_2():
    assert runner.invoke(app, ["analyze"]).exit_code == 2
    assert runner.invoke(app, ["show", "/nonexistent.db"]).exit_code == 2


def test_schema_command_prints_json_schema():
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "Document"
    assert {"schema", "actors", "quotes", "relations", "claims", "rhetoric"} <= schema["properties"].keys()


def test_stdin(tmp_path: Path):
    result = runner.invoke(app, ["analyze", "-", "-o", str(tmp_path / "o.jsonl")],
                           input="Headline\n\nThe Kremlin warned Kyiv.")
    assert result.exit_code == 0
    (document,) = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert document["source"] == "stdin"
    assert {a["id"] for a in document["actors"]} == {"state:RUS", "state:UKR"}


STORY = ("Minsk talks\n\nAlexander Lukashenko met Vladimir Putin in Moscow on 5 March 2024. Belarus and Russia "
         "signed an agreement on gas supplies worth $2 billion. Poland accused Belarus of sending migrants to the "
         "border, officials said.")


@pytest.fixture(scope="module")
def story_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("story")
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    db = folder / "story.db"
    assert runner.invoke(app, ["analyze", str(folder / "story.txt"), "--db", str(db)]).exit_code == 0
    return db


def test_analyze_writes_jsonl_to_stdout_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for arguments in (["analyze", "a.txt"], ["analyze", "a.txt", "-o", "-"], ["analyse", "a.txt", "-o", "-"]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
        (document,) = [json.loads(line) for line in result.stdout.splitlines()]
        assert document["schema"] == "powermap/1" and "state:BLR" in {a["id"] for a in document["actors"]}
        assert "ok    a.txt" in result.stderr and "1 analysed" in result.stderr
    assert not (tmp_path / "-").exists()


def test_analyze_with_a_store_only_prints_nothing_on_stdout(tmp_path: Path):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 0 and result.stdout == ""


def test_directory_takes_article_files_and_glob_chooses(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(STORY, encoding="utf-8")
    (folder / "README.md").write_text("# Notes\n\nHow to run the scripts in this folder.", encoding="utf-8")
    (folder / "make_pages.py").write_text("print('Belarus and Russia')\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(folder)])
    assert [Path(json.loads(line)["source"]).name for line in result.stdout.splitlines()] == ["story.txt"]
    assert "note: 2 files not read (README.md, make_pages.py): not article files by name" in result.stderr
    result = runner.invoke(app, ["analyze", str(folder), "--glob", "*.md", "--glob", "*.py"])
    assert sorted(Path(json.loads(line)["source"]).name for line in result.stdout.splitlines()) == [
        "README.md", "make_pages.py"]
    result = runner.invoke(app, ["analyze", str(folder / "README.md")])  # named: read whatever its extension
    assert result.exit_code == 0 and json.loads(result.stdout)["source"].endswith("README.md")


def test_trafilatura_json_output_keeps_date_and_author(tmp_path: Path):
    record = {"title": "Minsk talks", "author": "Jane Roe", "date": "2024-03-05", "raw_text": STORY,
              "source": "https://news.example/minsk", "source-hostname": "Example News"}
    (tmp_path / "page.json").write_text(json.dumps(record), encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "page.json")])
    document = json.loads(result.stdout)
    assert (document["published"], document["author"], document["url"]) == (
        "2024-03-05", "Jane Roe", "https://news.example/minsk")


def test_edges_formats(story_store: Path):
    as_json = runner.invoke(app, ["edges", str(story_store), "--format", "json"])
    rows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert rows and all(isinstance(row["documents"], list) and row["source_name"] for row in rows)
    as_csv = runner.invoke(app, ["edges", str(story_store), "--format", "csv"])
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["source"], r["type"], r["target"]) for r in table] == [(r["source"], r["type"], r["target"])
                                                                      for r in rows]
    assert json.loads(table[0]["documents"]) == rows[0]["documents"]  # lists as JSON, not joined with spaces
    old = runner.invoke(app, ["edges", str(story_store), "--csv"])
    assert old.stdout == as_csv.stdout and "--csv is deprecated" in old.stderr


def test_relation_types_in_any_case(story_store: Path):
    kind = json.loads(runner.invoke(app, ["edges", str(story_store), "--format", "json"]).stdout.splitlines()[0])[
        "type"]
    upper = runner.invoke(app, ["edges", str(story_store), "--format", "json", "--type", kind])
    lower = runner.invoke(app, ["edges", str(story_store), "--format", "json", "--type", kind.lower()])
    assert upper.exit_code == lower.exit_code == 0 and upper.stdout == lower.stdout != ""


def test_piped_tables_keep_names_whole(story_store: Path):
    """Not a terminal: tab-separated lines, each name whole, however narrow the terminal says it is."""
    result = runner.invoke(app, ["edges", str(story_store)], env={"COLUMNS": "40"})
    header, *lines = result.stdout.splitlines()
    assert header.split("\t")[:3] == ["source", "type", "target"]
    names = {cell for line in lines for cell in line.split("\t")[::2]}
    assert "Belarus" in names and not any("…" in line for line in lines)
    shown = runner.invoke(app, ["show", str(story_store)], env={"COLUMNS": "40"})
    assert "Alexander Lukashenko" in shown.stdout and "…" not in shown.stdout
    claims = runner.invoke(app, ["claims", str(story_store)], env={"COLUMNS": "40"})
    assert any("$2 billion" in line.split("\t")[-1] for line in claims.stdout.splitlines()[1:])


def test_show_and_claims_as_json_and_csv(story_store: Path):
    (row,) = [json.loads(line) for line in runner.invoke(app, ["show", str(story_store), "--format", "json"]
                                                         ).stdout.splitlines()]
    assert row["title"] == "Minsk talks" and "Alexander Lukashenko" in row["actors"] and row["relations"] > 0
    (csv_row,) = csv.DictReader(io.StringIO(runner.invoke(app, ["show", str(story_store), "--format", "csv"]).stdout))
    assert csv_row["id"] == row["id"] and json.loads(csv_row["actors"]) == row["actors"]
    claims = [json.loads(line) for line in runner.invoke(app, ["claims", str(story_store), "--format", "json"]
                                                         ).stdout.splitlines()]
    assert claims and all(isinstance(claim["quantities"], list) for claim in claims)
    assert any(q["value"] == 2e9 for claim in claims for q in claim["quantities"])


def test_terminal_tables_still_fit_the_terminal():
    from powermap.terminal import print_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    print_table("1 edges", ["source", "type"], [["Belarus", "AGREE"]], file=out)
    assert "┏" in out.getvalue() and "│ Belarus │ AGREE │" in out.getvalue()  # a box, not tab-separated
