"""The corpus merge made as documents are stored: the same actors and edges as a merge of the whole corpus
at once, one transaction per document, a rebuild that says what moved, and the upgrade of older stores."""

import sqlite3
from collections import Counter

import pytest
from rapidfuzz import fuzz
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus.edges import aggregate, edge_key
from powermap.corpus.merge import merge_key
from powermap.corpus.store import Store, StoreError
from powermap.corpus.views import search
from powermap.ingest import read_sources
from tests.conftest import EXAMPLES

runner = CliRunner()
VARIANTS = ["Ambassador Jonas Petraitis accused Belarus of provocations in May 2023.",
            "Ambassador Jonas Petraitys accused Belarus of provocations again. Russia attacked Ukraine.",
            "Minister Ona Petraitiene met Jonas Petraitis in Vilnius. Ambassador Jonas Petraityte said the talks "
            "failed."]


def whole_corpus_merge(documents):
    """The merge as the corpus view made it before it was made at store time: every unknown actor compared
    with every other, most mentioned first. Kept here only as the reference the store must agree with."""
    mentions, names, kinds = Counter(), {}, {}
    for document in documents:
        for actor in document["actors"]:
            mentions[actor["id"]] += len(actor["mentions"])
            names[actor["id"]] = actor["name"]
            kinds[actor["id"]] = actor["type"] if actor["origin"] == "ner" else "known"
    mapping = {actor_id: actor_id for actor_id in names}
    candidates = sorted((i for i, k in kinds.items() if k != "known"), key=lambda i: (-mentions[i], i))
    for index, actor_id in enumerate(candidates):
        if mapping[actor_id] != actor_id:
            continue
        key = merge_key(names[actor_id])
        for other in candidates[index + 1:]:
            if mapping[other] != other or kinds[other] != kinds[actor_id]:
                continue
            other_key = merge_key(names[other])
            if key.split()[-1][:3] == other_key.split()[-1][:3] and fuzz.ratio(key, other_key) >= 90:
                mapping[other] = actor_id
    return mapping


def merged_documents(documents, mapping):
    return [{**d, "relations": [{**r, "source": mapping[r["source"]],
                                 "target": mapping[r["target"]] if r["target"] else None} for r in d["relations"]]}
            for d in documents]


@pytest.fixture(scope="module")
def analysed(pipeline):
    sources = list(read_sources([str(EXAMPLES)]))
    documents = [a.to_document() for a in pipeline.pipe(sources)]
    documents += [pipeline.analyse_text(text, label=f"variant-{i}.txt").to_document()
                  for i, text in enumerate(VARIANTS)]
    assert all(d.actors for d in documents)
    return documents


def stored_groups(store):
    groups = {}
    for actor_id, corpus_id in store.conn.execute("SELECT DISTINCT actor_id, corpus_id FROM actors"):
        groups.setdefault(corpus_id, set()).add(actor_id)
    return sorted(map(sorted, groups.values()))


def reference_groups(mapping):
    groups = {}
    for actor_id, corpus_id in mapping.items():
        groups.setdefault(corpus_id, set()).add(actor_id)
    return sorted(map(sorted, groups.values()))


def edge_table(store):
    return {(e["source"], e["type"], e["target"] or None): (e["count"], e["negated"], e["weight"], e["documents"])
            for e in store.edges()}


def reference_edges(dumped, mapping, store):
    """The whole-corpus edges, each document once: the examples hold one page twice (an HTML file and a
    WARC record of the same text: one id, stored once) and one wire story twice (a text file and a WARC
    record with other furniture: the store lists the second as a copy)."""
    copies = {row[0] for row in store.conn.execute("SELECT doc_id FROM copies")}
    originals = list({d["id"]: d for d in dumped if d["id"] not in copies}.values())
    return {(e.source, e.type, e.target): (e.count, e.negated, round(e.weight, 3), sorted(e.documents))
            for e in aggregate(merged_documents(originals, mapping))}


def test_merge_at_store_time_equals_the_whole_corpus_merge(analysed, tmp_path):
    dumped = [d.dump() for d in analysed]
    mapping = whole_corpus_merge(dumped)
    assert len(set(mapping.values())) < len(mapping)  # the variants do merge: the comparison is not vacuous
    with Store(tmp_path / "c.db") as store:
        for document in analysed:
            store.save(document, document.text)
        assert stored_groups(store) == reference_groups(mapping)
        assert edge_table(store) == reference_edges(dumped, mapping, store)
        counted = dict(store.conn.execute("SELECT id, documents FROM corpus_actors"))
        moved = store.rebuild()
        assert stored_groups(store) == reference_groups(mapping)
        assert edge_table(store) == reference_edges(dumped, mapping, store)
        assert dict(store.conn.execute("SELECT id, documents FROM corpus_actors")) == counted
    assert {k: moved[k] for k in ("actors_merged", "actors_split", "edges_added", "edges_removed",
                                  "edges_changed")} == dict.fromkeys(("actors_merged", "actors_split", "edges_added",
                                                                      "edges_removed", "edges_changed"), 0)
    documents_of = {}
    for d in dumped:
        for a in d["actors"]:
            documents_of.setdefault(mapping[a["id"]], set()).add(d["id"])
    assert counted == {k: len(v) for k, v in documents_of.items()}


def test_spellings_of_one_unknown_person_are_one_corpus_actor_with_one_edge(analysed, tmp_path):
    variants = analysed[-len(VARIANTS):]
    with Store(tmp_path / "c.db") as store:
        for document in variants:
            store.save(document, document.text)
        rows = store.conn.execute("SELECT corpus_id, actor_id FROM actors "
                                  "WHERE name IN ('Jonas Petraitis', 'Jonas Petraitys')").fetchall()
        aliases = store.conn.execute("SELECT aliases, documents FROM corpus_actors WHERE id = ?",
                                     (rows[0][0],)).fetchone()
        edges = [e for e in store.edges() if e["type"] == "ACCUSE" and e["target"] == "state:BLR"]
    assert len({corpus_id for corpus_id, _ in rows}) == 1 and len({actor for _, actor in rows}) >= 2
    assert "Jonas Petraitys" in aliases[0] and "Jonas Petraitis" in aliases[0] and aliases[1] >= 2
    assert len(edges) == 1 and edges[0]["count"] == 2 and edges[0]["source"] == rows[0][0]


def test_replacing_a_document_takes_its_share_of_the_corpus_actors_away(analysed, tmp_path):
    first, second = analysed[-3], analysed[-2]
    with Store(tmp_path / "c.db") as store:
        store.save(first, first.text)
        store.save(second, second.text)
        query = "SELECT aliases, documents, mentions FROM corpus_actors ORDER BY aliases"
        before = store.conn.execute(query).fetchall()
        store.save(second, second.text)  # replaced by itself: nothing counted twice
        assert store.conn.execute(query).fetchall() == before
    with Store(tmp_path / "fresh.db") as fresh:  # the other order: the same identities, counts and spellings
        fresh.save(second, second.text)
        fresh.save(first, first.text)
        assert fresh.conn.execute(query).fetchall() == before
    assert any(documents == 2 and "Jonas Petraitys" in aliases for aliases, documents, _ in before)


def test_a_failing_merge_leaves_no_half_written_document(analysed, tmp_path, monkeypatch):
    with Store(tmp_path / "c.db") as store:
        store.save(analysed[0], analysed[0].text)
        tables = ("documents", "actors", "relations", "mentions", "corpus_actors", "edges")
        before = {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
        calls = []
        real_link = Store._link

        def failing_link(self, *args):
            calls.append(args)
            if len(calls) > 1:
                raise sqlite3.OperationalError("disk I/O error")
            return real_link(self, *args)

        monkeypatch.setattr(Store, "_link", failing_link)
        with pytest.raises(StoreError, match="could not store"):
            store.save(analysed[1], analysed[1].text)
        assert {t: store.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables} == before
        monkeypatch.setattr(Store, "_link", real_link)
        assert store.save(analysed[1], analysed[1].text) and store.count() == 2


def _downgrade_to_layout_two(path):
    """The store as the previous layout wrote it: no corpus actors, edges keyed by document actor ids."""
    conn = sqlite3.connect(path)
    for (index,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' "
                                 "AND name NOT IN ('mentions_by_actor', 'mentions_by_document', 'errors_by_source')"
                                 ).fetchall():
        conn.execute(f"DROP INDEX {index}")
    for table in ("corpus_actors", "quotes", "claims", "claim_facts", "stance", "search", "passages", "fingerprints",
                  "signatures", "copies", "actor_index", "actor_names"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE actors DROP COLUMN corpus_id")
    conn.execute("ALTER TABLE documents DROP COLUMN genre")
    conn.executemany("UPDATE relations SET edge_source = ?, edge_target = ? WHERE doc_id = ? AND id = ?",
                     [(*edge_key(s, t, g)[::2], d, i) for d, i, s, t, g in
                      conn.execute("SELECT doc_id, id, source, type, target FROM relations").fetchall()])
    conn.execute("DELETE FROM edges")
    conn.execute("INSERT INTO edges SELECT edge_source, type, edge_target, COUNT(*), SUM(negated), SUM(weight), "
                 "MIN(date), MAX(date) FROM relations GROUP BY edge_source, type, edge_target")
    for column in ("corpus_source", "corpus_target", "weight", "date_first", "date_last", "evidence", "counted"):
        conn.execute(f"ALTER TABLE relations DROP COLUMN {column}")
    conn.execute("CREATE INDEX relations_by_edge ON relations (edge_source, type, edge_target)")
    conn.execute("UPDATE meta SET value = '2' WHERE key = 'store_version'")
    conn.commit()
    conn.close()


def test_a_store_of_the_previous_layout_is_refused_with_the_fix_and_upgraded_by_rebuild(analysed, tmp_path):
    path = tmp_path / "old.db"
    dumped = [d.dump() for d in analysed]
    with Store(path) as store:
        for document in analysed:
            store.save(document, document.text)
    _downgrade_to_layout_two(path)
    for readonly in (True, False):
        with pytest.raises(StoreError, match=r"store layout 2, this powermap uses 4: run `powermap rebuild "):
            Store(path, readonly=readonly)
    result = runner.invoke(app, ["rebuild", str(path)])
    assert result.exit_code == 0, result.output
    assert "(1 merged, 0 split)" in result.output  # the variants' spelling joins its person
    with Store(path, readonly=True) as store:
        stored = {d["id"]: d for d in dumped}.values()  # the HTML page and its WARC record are one document
        assert store.conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == sum(len(d["claims"]) for d in stored)
        assert store.conn.execute("SELECT COUNT(*) FROM quotes").fetchone()[0] == sum(len(d["quotes"]) for d in stored)
        mapping = whole_corpus_merge(dumped)
        assert stored_groups(store) == reference_groups(mapping)
        assert edge_table(store) == reference_edges(dumped, mapping, store)
    again = runner.invoke(app, ["rebuild", str(path)])
    assert "0 merged, 0 split" in again.output and "0 added, 0 removed, 0 changed" in again.output


def test_a_layout_three_store_gains_the_actor_name_index_by_rebuild(analysed, tmp_path):
    path = tmp_path / "three.db"
    with Store(path) as store:
        for document in analysed:
            store.save(document, document.text)
        spelled = {n: [a["id"] for a in search(store, n)["actors"]] for n in ("lukash", "PUTIN", "russia")}
    assert all(spelled.values()), spelled
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE actor_index")
    conn.execute("DROP TABLE actor_names")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'store_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"store layout 3, this powermap uses 4: run `powermap rebuild "):
        Store(path, readonly=True)
    assert runner.invoke(app, ["rebuild", str(path)]).exit_code == 0
    with Store(path, readonly=True) as store:
        assert {n: [a["id"] for a in search(store, n)["actors"]] for n in spelled} == spelled


def test_rebuild_refuses_what_is_not_a_store(tmp_path):
    assert runner.invoke(app, ["rebuild", str(tmp_path / "absent.db")]).exit_code == 2
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    result = runner.invoke(app, ["rebuild", str(other)])
    assert result.exit_code == 1 and "not a powermap database" in result.output
