"""`powermap report`: one self-contained HTML file, names escaped, evidence exactly the document's characters."""

import html
import json
import re

import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.store import Store
from tests.conftest import EXAMPLES

runner = CliRunner()
MARKUP = "<script>alert('name')</script>"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, pipeline):
    """A JSONL file and a store of the example articles and one hostile text whose actor is named in markup."""
    folder = tmp_path_factory.mktemp("report")
    hostile = ("<script>alert('x')</script> wrote this\n\nThe Kremlin and <b>Minsk</b> agreed "
               "<img src=x onerror=alert(1)> to deploy troops. Lukashenko said \"we are ready\".")
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.txt"))]
    documents = [pipeline.analyse_text(text, label=label).to_document().dump()
                 for label, text in [*texts, ("<img src=x onerror=alert(2)>.txt", hostile)]]
    documents[-1]["actors"][0]["name"] = MARKUP
    jsonl = folder / "docs.jsonl"
    jsonl.write_text("".join(json.dumps(d) + "\n" for d in documents), encoding="utf-8")
    db = folder / "corpus.db"
    assert runner.invoke(app, ["load", str(jsonl), "--db", str(db)]).exit_code == 0
    return jsonl, db, documents


def _evidence(page: str) -> list[tuple[int, int, str]]:
    return [(int(s), int(e), html.unescape(t)) for s, e, t in
            re.findall(r'<q class="evidence" data-start="(\d+)" data-end="(\d+)">(.*?)</q>', page, flags=re.S)]


@pytest.mark.parametrize("source", ["jsonl", "db"])
def test_the_report_holds_every_layer_with_exact_evidence(inputs, tmp_path, source):
    jsonl, db, documents = inputs
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(jsonl if source == "jsonl" else db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="document"') == len(documents)
    quoted = _evidence(page)
    expected = sum(len(d["relations"]) + len(d["quotes"]) + len(d["claims"]) + len(d["rhetoric"]) for d in documents)
    assert len(quoted) == expected > 10
    texts = [d["text"] for d in documents]
    for start, end, text in quoted:
        assert any(t[start:end] == text for t in texts), (start, end, text)
    for document in documents:
        section = page.split(f'id="doc-{document["id"]}"')[1].split("</section>")[0]
        for relation in document["relations"]:
            assert (relation["evidence"]["start"], relation["evidence"]["end"], relation["evidence"]["text"]) in \
                _evidence(section)
    assert "Who did what to whom" in page and "Leading actors" in page and "Rhetoric and stance by voice" in page


def test_the_report_is_self_contained_and_inert(inputs, tmp_path):
    jsonl, _, _ = inputs
    out = tmp_path / "report.html"
    assert runner.invoke(app, ["report", str(jsonl), "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<b>Minsk" not in page
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page  # the actor named in markup, escaped
    assert "&lt;img src=x onerror=alert(2)&gt;.txt" in page  # the source file name, escaped
    assert re.findall(r'<link|src="|@import|url\(', page) == []  # nothing loaded from outside the file
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))
    assert "<style>" in page


def test_one_document_and_the_mistakes_a_user_can_make(inputs, tmp_path):
    jsonl, db, documents = inputs
    out = tmp_path / "one.html"
    result = runner.invoke(app, ["report", str(db), "--doc", documents[0]["id"][:8], "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="document"') == 1 and f'id="doc-{documents[0]["id"]}"' in page
    assert 'id="corpus"' not in page
    with Store(db, readonly=True) as store:
        assert len(list(store.documents())) == len(documents)  # read, not changed
    stdout = runner.invoke(app, ["report", str(jsonl), "--doc", documents[1]["id"], "-o", "-"])
    assert stdout.exit_code == 0 and f'id="doc-{documents[1]["id"]}"' in stdout.stdout
    for args, message in [(["report", str(db), "--doc", "ffffffffffff", "-o", str(out)], "no document"),
                          (["report", str(db), "-o", str(tmp_path / "missing" / "r.html")], "no such directory"),
                          (["report", str(tmp_path / "absent.db"), "-o", str(out)], "no such file")]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_show_prints_the_summary_lines_main_event_first(inputs):
    from powermap.digest import document_lines

    jsonl, _, documents = inputs
    document = next(d for d in documents if len(document_lines(d)) > 1)
    result = runner.invoke(app, ["show", str(jsonl), "--doc", document["id"]], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = document_lines(document)
    printed = [result.output.index(f"{n}. {line}") for n, line in enumerate(lines, 1)]
    assert "who did what" in result.output and printed == sorted(printed)
