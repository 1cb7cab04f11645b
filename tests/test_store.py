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
