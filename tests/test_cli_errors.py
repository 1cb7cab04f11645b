"""Every CLI mistake of issue #20 is one line on stderr, no traceback, exit 2, before the model loads."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powermap.cli import app

runner = CliRunner()
ARTICLE = "Minsk talks\n\nBelarus and Russia signed an agreement on gas supplies on Monday."


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a command loads the pipeline: these mistakes must be refused before that."""
    import powermap.engines.local as local

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was loaded before the mistake was refused")

    monkeypatch.setattr(local, "_pipeline", refuse)
    monkeypatch.setattr(local, "run", refuse)


def one_line_error(result, *fragments: str) -> str:
    """The result is exit 2 with exactly one line on stderr holding every fragment, and nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("powermap: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert result.stdout == ""
    return lines[0]


def test_output_in_a_missing_folder(article: Path, no_model: None):
    result = runner.invoke(app, ["analyze", str(article), "-o", "/nonexistent-folder/x.jsonl"])
    one_line_error(result, "-o /nonexistent-folder/x.jsonl", "does not exist", "choose another path")
    result = runner.invoke(app, ["analyze", str(article), "--errors", "/nonexistent-folder/e.jsonl"])
    one_line_error(result, "--errors", "does not exist")
    result = runner.invoke(app, ["analyze", str(article), "--db", "/nonexistent-folder/c.db"])
    one_line_error(result, "--db", "does not exist")


def test_output_that_is_a_folder(article: Path, tmp_path: Path, no_model: None):
    (tmp_path / "out").mkdir()
    one_line_error(runner.invoke(app, ["analyze", str(article), "-o", str(tmp_path / "out")]), "is a folder")


def test_missing_gazetteer_folder(article: Path, no_model: None):
    result = runner.invoke(app, ["analyze", str(article)], env={"POWERMAP_GAZETTEER": "/nonexistent-gazetteer"})
    one_line_error(result, "/nonexistent-gazetteer", "does not exist")


def test_user_gazetteer_record_without_a_name(article: Path, tmp_path: Path, no_model: None,
                                              monkeypatch: pytest.MonkeyPatch):
    from powermap import datafiles

    monkeypatch.setenv(datafiles.DATA_ENV, "")  # --data-dir sets it for the workers: restored after the test
    folder = tmp_path / "mine" / "gazetteer"
    folder.mkdir(parents=True)
    (folder / "people.yaml").write_text("version: 1\npeople:\n- {aliases: [Ivan Petrov], country: BLR}\n",
                                        encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(article), "--data-dir", str(tmp_path / "mine")])
    one_line_error(result, "people.yaml", "people[0].name", "missing")
    result = runner.invoke(app, ["analyze", str(article)], env={"POWERMAP_GAZETTEER": str(folder)})
    one_line_error(result, "people[0].name")


@pytest.mark.parametrize("command", ["show", "edges", "claims"])
def test_reading_commands_on_an_article_jsonl(tmp_path: Path, command: str):
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n", encoding="utf-8")
    one_line_error(runner.invoke(app, [command, str(articles)]), "not a powermap/1 document",
                   "analyse articles first")


def test_parquet_without_dask(article: Path, tmp_path: Path, no_model: None):
    result = runner.invoke(app, ["analyze", str(article), "--format", "parquet", "-o", str(tmp_path / "o.parquet")])
    one_line_error(result, "--format parquet needs --engine dask")
    assert not (tmp_path / "o.parquet").exists()


def test_out_dir_without_dask(article: Path, tmp_path: Path, no_model: None):
    one_line_error(runner.invoke(app, ["analyze", str(article), "--out-dir", str(tmp_path / "parts")]),
                   "--out-dir needs --engine dask")


@pytest.mark.parametrize("arguments, option", [
    (["analyze", "A", "--format", "xml"], "--format"),
    (["analyze", "A", "--engine", "spark"], "--engine"),
    (["show", "A", "--format", "xml"], "--format"),
    (["edges", "A", "--format", "yaml"], "--format"),
    (["claims", "A", "--format", "tsv"], "--format"),
    (["graph", "A", "--format", "dot"], "--format"),
    (["export", "A", "--format", "xlsx"], "--format"),
    (["edges", "A", "--type", "FRIEND"], "--type"),
    (["graph", "A", "--type", "allies"], "--type"),
    (["graph", "A", "--since", "yesterday"], "--since"),
    (["graph", "A", "--until", "2024-13"], "--until"),
    (["graph", "A", "--since", "2024-02-30"], "--since"),
])
def test_enumerated_options_and_dates_are_checked(article: Path, arguments: list[str], option: str, no_model: None):
    arguments = [str(article) if item == "A" else item for item in arguments]
    line = one_line_error(runner.invoke(app, arguments), f"Invalid value for '{option}'", "--help")
    assert arguments[-1] in line  # the refused value is named


def test_csv_and_another_format_disagree(tmp_path: Path):
    store = tmp_path / "empty.jsonl"
    store.write_text("", encoding="utf-8")
    one_line_error(runner.invoke(app, ["edges", str(store), "--csv", "--format", "json"]), "--csv and --format json")


def test_missing_argument_is_one_line():
    one_line_error(runner.invoke(app, ["analyze"]), "Missing argument")


def test_relation_types_are_listed_in_help():
    from powermap.ontology import RELATION_TYPES

    text = " ".join(runner.invoke(app, ["edges", "--help"], env={"COLUMNS": "300"}).stdout.split())
    assert all(kind in text for kind in RELATION_TYPES)


def test_completion_is_offered():
    assert "--install-completion" in runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout


def test_cli_module_imports_no_heavy_library():
    heavy = ["spacy", "powermap.pipeline", "powermap.nlp", "powermap.corpus.store", "pandas", "fastapi", "networkx"]
    code = f"import sys, powermap.cli; print(json.dumps([m for m in {heavy!r} if m in sys.modules]))"
    found = subprocess.run([sys.executable, "-c", f"import json; {code}"], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == []


def test_help_loads_no_heavy_library():
    code = ("import sys\nfrom powermap.cli import app\ntry:\n    app(['analyze', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint('spacy' in sys.modules, 'powermap.corpus.store' in sys.modules, file=sys.stderr)")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--max-chars" in found.stdout and found.stderr.strip() == "False False"
