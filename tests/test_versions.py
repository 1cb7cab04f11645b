"""What an analysis was made with: the digests follow the content of the files the analysis reads."""

import re
from pathlib import Path

import pytest

from powermap import __version__, datafiles, versions
from powermap.schema import SCHEMA_VERSION


def test_versions_follow_the_content_of_the_users_data_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mine = tmp_path / "mine"
    (mine / "gazetteer").mkdir(parents=True)
    monkeypatch.setenv(datafiles.DATA_ENV, str(mine))
    monkeypatch.delenv(datafiles.GAZETTEER_ENV, raising=False)
    empty = versions.current()
    assert (empty["powermap"], empty["schema"]) == (__version__, SCHEMA_VERSION)
    assert empty["data"]["user"] is not None and empty["data"]["gazetteer"] is None
    (mine / "notes.txt").write_text("not a data file", encoding="utf-8")
    (mine / "gazetteer" / ".mine.yaml.swp").write_text("an editor's file", encoding="utf-8")
    assert versions.current() == empty
    entry = mine / "gazetteer" / "mine.yaml"
    entry.write_text("version: 1\npeople:\n- name: Orvald Kestrin\n", encoding="utf-8")
    one = versions.current()
    assert one["data"]["user"] != empty["data"]["user"] and one["data"]["packaged"] == empty["data"]["packaged"]
    entry.write_text("version: 1\npeople:\n- name: Orvald Kestrin\n  country: NOR\n", encoding="utf-8")
    two = versions.current()
    assert two["data"]["user"] not in {one["data"]["user"], empty["data"]["user"]}
    entry.write_text("version: 1\npeople:\n- name: Orvald Kestrin\n", encoding="utf-8")  # back as it was
    assert versions.current() == one and versions.digest(one) != versions.digest(two)
    monkeypatch.setenv(datafiles.GAZETTEER_ENV, str(mine / "gazetteer"))
    assert versions.current()["data"]["gazetteer"] is not None


def test_versions_name_the_models_and_the_spacy_pipeline():
    found = versions.current()
    assert {"relations.npz", "techniques.npz", "genre.json"} <= set(found["models"])
    assert re.fullmatch(r"en_\w+ \d+\.\d+\.\d+\S*", found["spacy"]["version"]), found["spacy"]
    assert versions.spacy_pipeline("no_such_pipeline") == {"name": "no_such_pipeline", "version": "unknown"}
