import sqlite3

import pytest

from powermap.corpus.store import Store, StoreError
from powermap.schema import Problem


def test_same_content_is_stored_once(tmp_path, pipeline):
    analysis = pipeline.analyse_text("Headline\n\nBelarus and Russia agreed to deploy forces.")
    document = analysis.to_document()
    with Store(tmp_path / "c.db") as store:
        store.save(document, analysis.source.raw)
        store.save(document, analysis.source.raw)
        assert store.count() == 1
        assert store.has(document.id, document.pipeline)
        assert not store.has(document.id, "0.0.0")
        assert store.raw(document.id) == analysis.source.raw
        assert store.document(document.id[:8])["title"] == "Headline"
        rows = store.conn.execute("SELECT COUNT(*) FROM actors WHERE doc_id = ?", (document.id,))
        assert rows.fetchone()[0] == len(document.actors) >= 2


def test_failed_write_leaves_stored_documents_intact(tmp_path, pipeline):
    first = pipeline.analyse_text("Poland and Lithuania met.").to_document()
    second = pipeline.analyse_text("Ukraine and Moldova met.").to_document()
    path = tmp_path / "c.db"
    with Store(path) as store:
        store.save(first, "raw one")
    with Store(path) as store:
        store.conn.execute("CREATE TRIGGER boom BEFORE INSERT ON mentions BEGIN SELECT RAISE(ABORT, 'disk'); END")
        with pytest.raises(StoreError, match="could not store"):
            store.save(second, "raw two")
        assert store.count() == 1 and store.document(first.id)["text"] == first.text
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_errors_are_recorded(tmp_path):
    with Store(tmp_path / "c.db") as store:
        store.save_problem(Problem(source="bad.bin", stage="ingest", message="binary file, not text"))
        assert store.problems()[0].message == "binary file, not text"


def test_foreign_or_missing_database_is_a_clear_error(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE meta (key TEXT, value TEXT)").connection.commit()
    with pytest.raises(StoreError, match="schema none"):
        Store(other)
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "absent.db", readonly=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(junk)


def test_edges_aggregate_across_documents(tmp_path, pipeline):
    from powermap.corpus.edges import aggregate

    texts = ["Russia attacked Ukraine in March 2022.", "Russia attacked Ukraine again in May 2023.",
             "Belarus did not attack Ukraine."]
    documents = [pipeline.analyse_text(t).to_document() for t in texts]
    with Store(tmp_path / "c.db") as store:
        for document in documents:
            store.save(document, document.text)
        stored = list(store.documents())
        rows = store.conn.execute("SELECT COUNT(*) FROM relations").fetchone()[0]
    assert rows == sum(len(d.relations) for d in documents) >= 3
    edges = {(e.source, e.type, e.target): e for e in aggregate(stored)}
    attack = edges[("state:RUS", "ASSAULT", "state:UKR")]
    assert attack.count == 2 and len(attack.documents) == 2
    assert (attack.first, attack.last) == ("2022-03", "2023-05") and attack.weight < 0
    assert edges[("state:BLR", "ASSAULT", "state:UKR")].negated == 1


def test_store_keeps_edges_up_to_date_incrementally(tmp_path, pipeline):
    from powermap.corpus.edges import aggregate

    texts = ["Russia attacked Ukraine in March 2022.", "Belarus and Russia agreed on gas prices.",
             "Russia attacked Ukraine again in May 2023.", "Russia and Belarus agreed on a treaty."]
    documents = [pipeline.analyse_text(t).to_document() for t in texts]
    with Store(tmp_path / "c.db") as store:
        for document in documents[:2]:
            store.save(document, document.text)
        first = {(e["source"], e["type"], e["target"]): e["count"] for e in store.edges()}
        for document in documents[2:]:
            store.save(document, document.text)
        store.save(documents[0], documents[0].text)  # the same content again changes nothing
        stored = {(e["source"], e["type"], e["target"]): e for e in store.edges()}
        expected = {(e.source, e.type, e.target): e for e in aggregate(d.dump() for d in documents)}
    assert first[("state:RUS", "ASSAULT", "state:UKR")] == 1
    assert set(stored) == set(expected)
    for key, edge in expected.items():
        assert stored[key]["count"] == edge.count and stored[key]["weight"] == round(edge.weight, 3)
        assert (stored[key]["first"], stored[key]["last"]) == (edge.first, edge.last)
        assert stored[key]["documents"] == sorted(edge.documents)
    assert stored[("state:BLR", "AGREE", "state:RUS")]["count"] == 2


def test_full_disk_and_read_only_give_clear_errors_and_keep_what_was_stored(tmp_path, pipeline):
    first = pipeline.analyse_text("Poland and Lithuania met in Vilnius.").to_document()
    big = pipeline.analyse_text("Russia attacked Ukraine. " * 200).to_document()
    path = tmp_path / "c.db"
    with Store(path) as store:
        store.save(first, "raw one")
    with Store(path) as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")  # a disk with no room left
        with pytest.raises(StoreError, match="full"):
            store.save(big, "raw two " * 2000)
        assert store.count() == 1 and store.document(first.id)["text"] == first.text
    with Store(path, readonly=True) as store, pytest.raises(StoreError, match="readonly"):
        store.save(big, "raw two")
    with Store(path) as store:
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.count() == 1


def _versions(**changes):
    from powermap import versions

    return versions.current() | changes


def test_store_records_the_versions_each_document_was_analysed_with(tmp_path, pipeline):
    document = pipeline.analyse_text("Russia attacked Ukraine in March 2022.").to_document()
    now, other = _versions(), _versions(spacy={"name": "en_core_web_trf", "version": "en_core_web_trf 3.8.0"})
    with Store(tmp_path / "c.db") as store:
        assert store.save(document, "raw", versions=other)
        assert store.versions(document.id) == other
        assert store.has(document.id, document.pipeline) and store.has(document.id, document.pipeline, other)
        assert not store.has(document.id, document.pipeline, now)
        assert not store.save(document, "raw", replace=False, versions=now)  # same pipeline: kept, as before
        assert store.versions(document.id) == other
        assert store.save(document, "raw", replace=False, versions=now, changed=True)  # other versions: redone
        assert store.versions(document.id) == now and store.has(document.id, document.pipeline, now)
        assert not store.save(document, "raw", replace=False, versions=now, changed=True)  # same versions: kept
        assert store.count() == 1
        assert store.rows("SELECT COUNT(*) AS n FROM analysed_with")[0]["n"] == 1  # replaced, not added
        edges = store.edges()
    assert [(e["source"], e["type"], e["target"], e["count"]) for e in edges] == [
        ("state:RUS", "ASSAULT", "state:UKR", 1)]


def test_a_store_without_version_tables_gains_them_and_loses_nothing(tmp_path, pipeline):
    document = pipeline.analyse_text("Belarus and Russia agreed on gas prices.").to_document()
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.save(document, "raw")
        store.conn.execute("DROP TABLE analysed_with")  # the layout before versions were recorded
        store.conn.execute("DROP TABLE versions")
        before = (list(store.documents()), store.edges(), store.rows("SELECT * FROM corpus_actors"))
    with Store(path, readonly=True) as store:  # read as it is: nothing recorded, nothing fails
        assert store.versions(document.id) is None and not store.has(document.id, document.pipeline, _versions())
        assert store.has(document.id, document.pipeline)
    with Store(path) as store:
        assert (list(store.documents()), store.edges(), store.rows("SELECT * FROM corpus_actors")) == before
        assert store.versions(document.id) is None  # unknown: --reanalyse-changed redoes it
        assert store.save(document, "raw", replace=False, versions=_versions(), changed=True)
        assert store.versions(document.id) == _versions()
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reanalyse_changed_redoes_documents_analysed_with_other_user_data(tmp_path, monkeypatch):
    """A gazetteer entry added to the user's data folder: the document stored before it is analysed again
    (and now finds the entry), the one stored after it is skipped; without the option both are skipped."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from typer.testing import CliRunner

    from powermap import datafiles
    from powermap.cli import app

    monkeypatch.setenv(datafiles.DATA_ENV, "")  # the CLI sets it; restored after the test
    monkeypatch.setenv("POWERMAP_CONFIG", str(tmp_path / "no-config.toml"))
    data, db = tmp_path / "mydata", tmp_path / "c.db"
    (data / "gazetteer").mkdir(parents=True)
    before, after = tmp_path / "before.txt", tmp_path / "after.txt"
    before.write_text("Senator Orvald Kestrin accused Russia of lying about the talks.", encoding="utf-8")
    after.write_text("Poland and Lithuania agreed on a new border treaty.", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(before), "--db", str(db), "--data-dir", str(data)])
    assert result.exit_code == 0, result.output
    (data / "gazetteer" / "mine.yaml").write_text(
        "version: 1\npeople:\n- name: Orvald Kestrin\n  gender: male\n  country: NOR\n", encoding="utf-8")
    command = [str(Path(sys.executable).with_name("powermap")), "analyze", "--db", str(db), "--data-dir", str(data)]
    environment = {**os.environ, "POWERMAP_DATA": ""}
    second = subprocess.run([*command, str(after)], capture_output=True, text=True, env=environment, timeout=300)
    assert second.returncode == 0 and "ok    " in second.stderr, second.stderr

    result = CliRunner().invoke(app, ["analyze", str(before), str(after), "--db", str(db), "--data-dir", str(data)])
    assert result.exit_code == 0 and result.output.count("skip  ") == 2, result.output
    with Store(db, readonly=True) as store:
        old = {d["source"]: d for d in store.documents()}[str(before)]
        recorded = {d["source"]: store.versions(d["id"]) for d in store.documents()}
    assert recorded[str(before)]["data"]["user"] != recorded[str(after)]["data"]["user"]
    assert not any(a["country"] == "NOR" for a in old["actors"])

    rerun = subprocess.run([*command, "--reanalyse-changed", str(before), str(after)], capture_output=True, text=True,
                           env=environment, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    status = {line.split()[1].rstrip(":"): line.split()[0] for line in rerun.stderr.splitlines()
              if line.startswith(("ok ", "skip "))}
    assert status == {str(before): "ok", str(after): "skip"}, rerun.stderr
    with Store(db, readonly=True) as store:
        stored = {d["source"]: d for d in store.documents()}
        assert store.count() == 2 and store.versions(stored[str(before)]["id"]) == recorded[str(after)]
    kestrin = [a for a in stored[str(before)]["actors"] if a["name"] == "Orvald Kestrin"]
    assert kestrin and kestrin[0]["origin"] == "gazetteer" and kestrin[0]["country"] == "NOR"


@pytest.mark.parametrize("options", [[], ["--engine", "dask", "--out-dir", "parts"]], ids=["no store", "dask"])
def test_reanalyse_changed_without_a_store_is_a_one_line_usage_error(tmp_path, options):
    from typer.testing import CliRunner

    from powermap.cli import app

    article = tmp_path / "a.txt"
    article.write_text("Russia attacked Ukraine.", encoding="utf-8")
    options = [str(tmp_path / o) if o == "parts" else o for o in options]
    result = CliRunner().invoke(app, ["analyze", str(article), "--reanalyse-changed", *options])
    assert result.exit_code == 2 and "give --db STORE" in result.output
    assert len(result.output.strip().splitlines()) == 1
