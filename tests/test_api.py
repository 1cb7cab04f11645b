"""The Python API: powermap.analyze / analyze_many / open_store, frames, the notebook display, typed errors."""

from __future__ import annotations

import datetime
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import powermap
from powermap.corpus.store import Store
from powermap.errors import (
    EmptyInputError,
    InputError,
    MissingExtraError,
    NotFoundError,
    PowermapError,
)
from powermap.schema import Document
from tests.conftest import EXAMPLES, ROOT, assert_evidence

WIRE = EXAMPLES / "wire-report.txt"
PAGE = EXAMPLES / "summit-page.html"
# A short text of our own, with two named states acting on each other.
TEXT = ("Poland accused Belarus of provoking a crisis on the border on Monday. Polish Prime Minister Donald Tusk "
        "said that Warsaw would close two crossings. \"We will not be blackmailed,\" Tusk told reporters.")


@pytest.fixture(scope="module")
def text_document() -> Document:
    return powermap.analyze(TEXT)


def test_analyze_text_gives_every_layer_with_offsets_into_its_text(text_document):
    assert isinstance(text_document, Document)
    assert text_document.source == "text" and text_document.format == "text"
    assert {"Poland", "Belarus", "Donald Tusk"} <= {a.name for a in text_document.actors}
    assert text_document.relations and text_document.quotes
    assert assert_evidence(text_document.dump()) > 10


def test_a_path_as_str_or_path_is_read_through_ingest():
    by_str, by_path = powermap.analyze(str(WIRE)), powermap.analyze(WIRE)
    assert by_str.dump() == by_path.dump()
    assert by_str.source == str(WIRE)
    assert by_str.title == "Belarus and Russia to hold joint drills near the Polish border"
    assert by_str.published == "2024-03-14"
    assert assert_evidence(by_str.dump()) > 10


def test_html_file_and_html_string_are_read_as_pages():
    from_file = powermap.analyze(PAGE)
    from_string = powermap.analyze(PAGE.read_text(encoding="utf-8"))
    assert from_file.format == from_string.format == "html"
    assert "<" not in from_file.text and from_file.text == from_string.text
    assert from_file.title == "Security bloc leaders meet in Moscow"
    assert assert_evidence(from_file.dump()) > 0


def test_title_and_date_given_override_the_input():
    document = powermap.analyze(TEXT, title="Border row", date=datetime.date(2024, 5, 16))
    assert document.title == "Border row" and document.published == "2024-05-16"
    assert document.text.startswith("Border row\n\n")
    assert assert_evidence(document.dump()) > 10


@pytest.mark.parametrize("given", ["", "   \n\t ", "Share | Tweet | Email"])
def test_empty_input_raises_instead_of_giving_an_empty_document(given):
    with pytest.raises(EmptyInputError, match="empty"):
        powermap.analyze(given)


def test_missing_binary_and_wrong_inputs_raise_typed_errors_with_the_fix(tmp_path):
    with pytest.raises(InputError, match="no such file") as caught:
        powermap.analyze("no/such/article.txt")
    assert "pathlib.Path" in str(caught.value) and caught.value.problem.stage == "ingest"
    with pytest.raises(InputError, match="no such file"):
        powermap.analyze(tmp_path / "missing")
    binary = tmp_path / "image.txt"
    binary.write_bytes(random.Random(20).randbytes(4000))
    with pytest.raises(InputError, match="binary"):
        powermap.analyze(binary)
    with pytest.raises(InputError, match="binary"):
        powermap.analyze(binary.read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(EmptyInputError):
        powermap.analyze(tmp_path / "empty.txt")
    (tmp_path / "folder").mkdir()
    with pytest.raises(EmptyInputError, match="no document in it"):
        powermap.analyze(tmp_path / "folder")
    with pytest.raises(InputError, match="cannot analyse a int"):
        powermap.analyze(42)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="holds 2 documents.*analyze_many"):
        powermap.analyze(EXAMPLES / "briefs.jsonl")
    assert issubclass(InputError, ValueError) and issubclass(EmptyInputError, PowermapError)


def test_an_archive_of_several_documents_is_refused_with_their_count(warc_example):
    from powermap.ingest import read_sources

    records = sum(1 for _ in read_sources([str(warc_example)]))
    assert records > 1
    with pytest.raises(InputError, match=f"holds {records} documents"):
        powermap.analyze(warc_example)


def test_an_uninstalled_model_is_a_model_error_naming_the_fix():
    from powermap.nlp import ModelError

    assert powermap.ModelError is ModelError
    with pytest.raises(ModelError, match="not installed"):
        powermap.analyze(TEXT, model="no_such_spacy_pipeline")


def test_analyze_many_yields_problems_for_bad_items_and_goes_on(tmp_path):
    results = list(powermap.analyze_many(["", TEXT, tmp_path / "missing.txt", EXAMPLES / "briefs.jsonl", 7]))
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["Problem", "Document", "Problem", "Document", "Document", "Problem"]
    assert results[0].stage == "clean" and "empty" in results[0].message
    assert results[2].message == "no such file or directory"
    assert [r.title for r in results[3:5]] == ["Tokayev meets Xi in Astana", results[4].title]
    for document in results:
        if isinstance(document, Document):
            assert_evidence(document.dump())


def test_analyze_many_in_worker_processes_gives_what_one_process_gives(tmp_path):
    inputs = [TEXT, "", tmp_path / "missing.txt", WIRE]
    alone = list(powermap.analyze_many(inputs))
    pooled = list(powermap.analyze_many(inputs, workers=2))
    assert [r.model_dump() for r in pooled] == [r.model_dump() for r in alone]
    assert [type(r).__name__ for r in pooled] == ["Document", "Problem", "Problem", "Document"]


def test_model_dump_agrees_with_dump(text_document):
    dumped = text_document.model_dump(mode="json")
    assert dumped == text_document.dump() and dumped["schema"] == "powermap/1" and "schema_" not in dumped
    assert json.loads(text_document.model_dump_json())["schema"] == "powermap/1"
    assert Document.model_validate(text_document.model_dump()) == text_document


def test_frames_hold_every_layer_with_names_beside_ids(text_document):
    frames = text_document.to_frames()
    assert {"documents", "actors", "mentions", "relations", "quotes", "claims", "rhetoric", "stance",
            "wire_items"} <= frames.keys()
    names = {a.id: a.name for a in text_document.actors}
    relations = frames["relations"]
    assert len(relations) == len(text_document.relations)
    assert list(relations["source_name"]) == [names[r.source] for r in text_document.relations]
    assert list(relations["target_name"]) == [names.get(r.target) for r in text_document.relations]
    quotes = frames["quotes"]
    assert list(quotes["speaker_name"]) == [names.get(q.speaker) for q in text_document.quotes]
    assert "Donald Tusk" in set(quotes["speaker_name"])
    assert list(frames["mentions"]["name"]).count("Donald Tusk") == len(
        next(a for a in text_document.actors if a.name == "Donald Tusk").mentions)


def test_frames_without_pandas_name_the_extra(text_document, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'powermap\[notebook\]'"):
        text_document.to_frames()


def test_repr_html_is_a_summary_with_every_name_escaped(text_document):
    hostile = "<script>alert('x')</script> & <b>"
    actors = [text_document.actors[0].model_copy(update={"name": hostile}), *text_document.actors[1:]]
    document = text_document.model_copy(update={"title": hostile, "actors": actors})
    html = document._repr_html_()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert f"{len(document.quotes)} quotes" in html and f"{len(document.relations)} relations" in html
    relation = max(document.relations, key=lambda r: r.confidence)
    assert f"<td>{relation.type}</td>" in html or f"<td>not {relation.type}</td>" in html


def _subprocess(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_powermap_does_not_import_spacy():
    done = _subprocess("import sys, powermap; powermap.open_store; powermap.InputError; powermap.Document; "
                       "print(sorted(m for m in ('spacy', 'thinc', 'fastapi', 'dask', 'pandas') if m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_core_modules_import_and_extras_are_named_without_the_optional_packages(tmp_path):
    """A core install: web, dask, parquet and notebook packages absent (imports of them fail; jinja2 stays,
    spaCy needs it)."""
    blocked = ("fastapi", "starlette", "uvicorn", "dask", "distributed", "pyarrow", "pandas")
    code = (f"import sys\nfor name in {blocked!r}: sys.modules[name] = None\n"
            "import powermap.cli, powermap.api, powermap.pipeline, powermap.engines.local, powermap.corpus.views, "
            "powermap.corpus.graph, powermap.corpus.export, powermap.corpus.load, powermap.notebook\n"
            "from typer.testing import CliRunner\n"
            "runner = CliRunner()\n"
            f"for args in (['serve', {str(tmp_path / 'x.db')!r}], ['export', 'x.jsonl', '--format', 'parquet'],\n"
            f"             ['analyze', 'x.txt', '--engine', 'dask', '--out-dir', {str(tmp_path / 'run')!r}]):\n"
            "    result = runner.invoke(powermap.cli.app, args)\n"
            "    print(result.exit_code, result.output.strip())\n")
    done = _subprocess(code)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3, done.stdout
    for line, extra in zip(lines, ("web", "parquet", "dask"), strict=True):
        assert line.startswith("1 powermap: ") and f"pip install 'powermap[{extra}]'" in line, line


STORED: set[str] = set()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    """A small store built here from the example articles, as `powermap analyze --db` builds one."""
    path = tmp_path_factory.mktemp("api") / "corpus.db"
    with Store(path) as store:
        for result in powermap.analyze_many([EXAMPLES]):
            assert isinstance(result, Document), result
            store.save(result, result.text)
            STORED.add(result.id)  # the examples' folder holds a WARC copy too once `make demo` has written it
    return path


def test_open_store_lists_and_finds_documents(store_path):
    before = store_path.read_bytes()
    with powermap.open_store(store_path) as corpus:
        listed = corpus.documents()
        assert len(listed) == len(corpus) == len(STORED) >= 5
        first = corpus.document(listed[0]["id"])
        assert isinstance(first, Document) and first.id == listed[0]["id"]
        assert corpus.document(first.id[:6]).id == first.id
        with pytest.raises(NotFoundError, match="no document 'zzzz'"):
            corpus.document("zzzz")
        assert corpus.problems() == []
    assert store_path.read_bytes() == before


def test_open_store_actors_edges_claims_and_search(store_path):
    with powermap.open_store(store_path) as corpus:
        actors = corpus.actors(limit=5)
        assert len(actors) == 5 and actors[0]["mentions"] >= actors[-1]["mentions"]
        assert corpus.actor(actors[0]["id"])["name"] == actors[0]["name"]
        with pytest.raises(NotFoundError):
            corpus.actor("person:nobody")
        edges = corpus.edges()
        assert edges and all(e["source_name"] for e in edges)
        names = {a["id"]: a["name"] for a in corpus.actors(limit=1000)}
        assert all(e["source_name"] == names[e["source"]] for e in edges)
        kind = edges[0]["type"]
        assert corpus.edges(types=[kind.lower()]) == corpus.edges(types=[kind])
        assert {e["type"] for e in corpus.edges(types=[kind])} == {kind}
        confident = corpus.edges(min_confidence=0.9)
        assert sum(e["count"] for e in confident) < sum(e["count"] for e in edges)
        with pytest.raises(InputError, match="unknown relation type ALLIES"):
            corpus.edges(types=["allies"])
        with pytest.raises(InputError, match="since='2024-13'"):
            corpus.edges(since="2024-13")
        claims = corpus.claims(top=3)
        assert len(claims) == 3
        assert [c["checkworthiness"] for c in claims] == sorted((c["checkworthiness"] for c in claims), reverse=True)
        found = corpus.search("Lukashenka")
        assert found["hits"]
        for hit in found["hits"]:
            assert corpus.document(hit["document"]).text[hit["start"]:hit["end"]].lower() == "lukashenka"


def test_store_frames_cover_the_corpus_with_names(store_path):
    with powermap.open_store(store_path) as corpus:
        frames = corpus.frames()
        documents = [corpus.document(d["id"]) for d in corpus.documents()]
    assert len(frames["documents"]) == len(STORED)
    assert len(frames["relations"]) == sum(len(d.relations) for d in documents)
    assert frames["relations"]["source_name"].notna().all()


def test_open_store_refuses_what_is_not_a_store(tmp_path):
    with pytest.raises(InputError, match="no such store"):
        powermap.open_store(tmp_path / "missing.db")
    with pytest.raises(InputError, match="not a store"):
        powermap.open_store(WIRE)


def test_open_store_reads_a_jsonl_file_of_documents(tmp_path, text_document):
    path = tmp_path / "documents.jsonl"
    path.write_text(json.dumps(text_document.dump()) + "\n", encoding="utf-8")
    with powermap.open_store(path) as corpus:
        assert corpus.document(text_document.id) == text_document


def test_an_empty_layer_is_a_frame_with_its_columns():
    calm = "The weather in the valley stayed mild all week, and the harvest began early."
    frames = powermap.analyze(calm).to_frames()
    assert frames["relations"].empty
    assert {"source_name", "type", "target_name", "evidence"} <= set(frames["relations"].columns)
