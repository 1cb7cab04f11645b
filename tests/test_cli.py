import json
import shutil
from pathlib import Path

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
    (tmp_path / "binary.dat").write_bytes(bytes(range(256)) * 4)
    db, errors = tmp_path.parent / "bad-inputs.db", tmp_path.parent / "bad-inputs-errors.jsonl"
    result = runner.invoke(app, ["analyze", str(tmp_path), "--db", str(db), "--errors", str(errors)])
    assert result.exit_code == 1
    assert "binary.dat: binary file, not text" in result.output
    assert "blank.txt: empty" in result.output
    records = [json.loads(line) for line in errors.read_text().splitlines()]
    assert {Path(r["source"]).name for r in records} == {"blank.txt", "binary.dat"}
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
