"""The data loader: every data file typed and checked, bad entries named with their file; user data merged."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from powermap import datafiles
from powermap.cli import app
from powermap.datafiles import DataFileError
from powermap.gazetteer import Gazetteer


@pytest.fixture
def packaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the packaged data files that the loader reads instead, to break on purpose."""
    copy = tmp_path / "packaged"
    shutil.copytree(Path(str(datafiles.PACKAGED)), copy)
    monkeypatch.setattr(datafiles, "PACKAGED", copy)
    datafiles._load.cache_clear()
    yield copy
    datafiles._load.cache_clear()


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _write(folder: Path, name: str, data: dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"version": 1, **data}, allow_unicode=True), encoding="utf-8")
    return path


def test_every_packaged_file_is_valid():
    datafiles.check_all()
    assert set(datafiles.MODELS) == {p.name for p in Path(str(datafiles.PACKAGED)).glob("*.yaml")}


def test_a_misspelt_relation_type_names_the_file_and_the_entry(packaged: Path):
    _edit(packaged / "triggers.yaml", lambda d: d["verbs"].update(invade="ASSUALT"))
    with pytest.raises(DataFileError) as caught:
        datafiles.load("triggers.yaml")
    assert str(caught.value).startswith("triggers.yaml: verbs.invade: 'ASSUALT' is not a relation type (one of AGREE,")


def test_a_mode_the_type_does_not_have_is_refused(packaged: Path):
    _edit(packaged / "triggers.yaml", lambda d: d["nouns"].update(bombing={"type": "ASSAULT", "mode": "troops"}))
    with pytest.raises(DataFileError, match=r"triggers.yaml: nouns.bombing: 'troops' is not a mode of ASSAULT"):
        datafiles.load("triggers.yaml")


def test_a_renamed_technique_is_refused(packaged: Path):
    _edit(packaged / "techniques.yaml",
          lambda d: d["techniques"].update(name_callin=d["techniques"].pop("name_calling")))
    with pytest.raises(DataFileError) as caught:
        datafiles.load("techniques.yaml")
    message = str(caught.value)
    assert "techniques.yaml: techniques.name_callin: 'name_callin' is not a technique of the schema" in message


def test_a_missing_section_and_a_wrong_version_are_refused(packaged: Path):
    _edit(packaged / "cues.yaml", lambda d: d.pop("speech"))
    with pytest.raises(DataFileError, match=r"cues.yaml: speech: required, but missing"):
        datafiles.load("cues.yaml")
    _edit(packaged / "stance.yaml", lambda d: d.update(version=2))
    with pytest.raises(DataFileError, match=r"stance.yaml: version 2 is not supported"):
        datafiles.load("stance.yaml")
    _edit(packaged / "checkworthiness.yaml", lambda d: d["weights"].update(quantitty=0.3))
    with pytest.raises(DataFileError, match=r"checkworthiness.yaml: weights.quantitty: not a field this file has"):
        datafiles.load("checkworthiness.yaml")


def test_a_user_gazetteer_entry_without_iso3_names_its_file(tmp_path: Path):
    path = _write(tmp_path / "gazetteer", "extra.yaml", {"states": [{"name": "Xland", "capital": "Xville"}]})
    with pytest.raises(DataFileError) as caught:
        Gazetteer.load(extra=path.parent)
    assert str(caught.value) == f"{path}: states[0] (Xland).iso3: required, but missing"


def test_user_entries_are_merged_into_the_packaged_ones(tmp_path: Path):
    _write(tmp_path, "triggers.yaml", {"verbs": {"hector": "ACCUSE"}, "light_verbs": ["unleash"]})
    triggers = datafiles.load("triggers.yaml", extra=tmp_path)
    assert triggers.verbs["hector"].type == "ACCUSE"
    assert triggers.verbs["invade"].type == "ASSAULT"  # the packaged entries stay
    assert "unleash" in triggers.light_verbs and "impose" in triggers.light_verbs
    _write(tmp_path / "gazetteer", "mine.yaml", {"states": [{"iso3": "XLD", "name": "Xland", "capital": "Xville"}]})
    gazetteer = Gazetteer.load(extra=tmp_path / "gazetteer")
    assert gazetteer.lookup("Xland")[0].id == "state:XLD" and gazetteer.lookup("Belarus") is not None


def test_a_bad_user_entry_names_the_user_file(tmp_path: Path):
    path = _write(tmp_path, "triggers.yaml", {"verbs": {"Hector": "ACCUSE"}})
    with pytest.raises(DataFileError, match=rf"{path}: verbs.Hector: 'Hector': keys are lemmas in lower case"):
        datafiles.load("triggers.yaml", extra=tmp_path)
    path = _write(tmp_path / "second", "boilerplate.yaml", {"drop_lines": ["^(share"]})
    with pytest.raises(DataFileError, match=r"boilerplate.yaml: drop_lines\[\d+\]: '\^\(share' is not a valid regular"):
        datafiles.load("boilerplate.yaml", extra=path.parent)


def test_a_stray_file_in_the_data_dir_is_refused(tmp_path: Path):
    _write(tmp_path, "trigers.yaml", {"verbs": {}})
    with pytest.raises(DataFileError, match=r"trigers.yaml: not a powermap data file"):
        datafiles.check_all(tmp_path)


def test_analyze_with_a_bad_data_dir_fails_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(datafiles.DATA_ENV, "")  # restored after the test: the CLI sets it
    data = tmp_path / "data"
    _write(data, "triggers.yaml", {"verbs": {"invade": "ASSUALT"}})
    (tmp_path / "a.txt").write_text("Russia invaded Ukraine.", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "a.txt"), "--data-dir", str(data)])
    assert result.exit_code == 2  # a mistake in the user's data: a usage error
    assert "triggers.yaml: verbs.invade: 'ASSUALT' is not a relation type" in result.output
    assert "ok " not in result.output


def test_confidence_constants_are_data_and_checked(tmp_path: Path):
    assert datafiles.load("triggers.yaml").confidence.verb == 0.6
    assert datafiles.load("cues.yaml").confidence.most == 0.95
    _write(tmp_path, "triggers.yaml", {"confidence": {"verb": 1.5}})
    with pytest.raises(DataFileError, match=r"triggers.yaml: confidence.verb: Input should be less than or equal to 1"):
        datafiles.load("triggers.yaml", extra=tmp_path)
    _write(tmp_path / "lower", "cues.yaml", {"confidence": {"marks": 0.4}})
    assert datafiles.load("cues.yaml", extra=tmp_path / "lower").confidence.marks == 0.4
