"""End to end on the articles we wrote (examples/articles)."""

from pathlib import Path

import pytest

from powermap.ingest import read_sources
from tests.conftest import EXAMPLES, assert_evidence


@pytest.fixture(scope="module")
def documents(pipeline, warc_example):
    paths = [str(EXAMPLES), str(warc_example)]
    analyses = list(pipeline.pipe(read_sources(paths)))
    assert all(a.problem is None for a in analyses), [a.problem for a in analyses]
    return {_key(a.source.label): a.to_document().dump() for a in analyses}


def _key(label):
    path, mark, record = label.partition("#")
    return Path(path).name + mark + record


def actor_ids(document):
    return {a["id"] for a in document["actors"]}


def test_evidence_everywhere(documents):
    assert len(documents) == 7
    for document in documents.values():
        assert assert_evidence(document) > 0


def test_wire_report(documents):
    report = documents["wire-report.txt"]
    assert report["author"] == "Maria Kowalczyk" and report["published"] == "2024-03-14"
    assert [w["agency"] for w in report["wire_items"]] == ["media:reuters"]
    assert {"person:alexander-lukashenko", "person:dmitry-peskov", "person:dmytro-kuleba", "state:BLR",
            "state:RUS", "state:POL", "state:UKR", "organization:eu", "media:belta"} <= actor_ids(report)
    lukashenko = next(a for a in report["actors"] if a["id"] == "person:alexander-lukashenko")
    assert {m["kind"] for m in lukashenko["mentions"]} >= {"alias", "name", "role"}
    assert "Share" not in report["text"] and "Related" not in report["text"]


def test_opinion_piece(documents):
    opinion = documents["opinion-vassal.txt"]
    assert opinion["section"] == "Opinion" and opinion["author"] == "Tanya Moroz"
    assert "Vilnius" not in opinion["text"] and "Leave a Reply" not in opinion["text"]
    belarus = next(a for a in opinion["actors"] if a["id"] == "state:BLR")
    minsk = [m for m in belarus["mentions"] if m["text"] == "Minsk"]
    assert len(minsk) == 2  # "Minsk obeys" and the headline, not "the streets of Minsk"
    assert "group:wagner" in actor_ids(opinion)
    assert not any(a["type"] == "person" and a["origin"] == "ner" for a in opinion["actors"])


def test_html_and_its_warc_copy_agree(documents):
    page = documents["summit-page.html"]
    archived = documents["archive.warc.gz#https://example.org/world/csto-summit"]
    assert page["author"] == archived["author"] == "Daniyar Seitkali"
    assert actor_ids(page) == actor_ids(archived)
    assert {"organization:csto", "person:nikol-pashinyan", "person:vladimir-putin", "state:ARM"} <= actor_ids(page)
    assert archived["url"] == "https://example.org/world/csto-summit"


def test_jsonl_items(documents):
    brief = documents["briefs.jsonl#brief-2"]
    assert brief["published"] == "2024-05-20" and brief["url"] == "https://example.org/briefs/2"
    assert "person:volodymyr-zelensky" in actor_ids(brief)
