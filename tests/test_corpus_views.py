"""The corpus view read through bounded queries: pages never load every document, lists are paged, edges
filtered in SQL agree with aggregating the documents, and full-text search finds words with their offsets."""

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from powermap.cli import app
from powermap.corpus import views
from powermap.corpus.edges import aggregate, confident
from powermap.corpus.store import Store
from powermap.dates import within
from powermap.web.app import create_app

runner = CliRunner()
TEXTS = ["President Vladimir Putin’s envoy said on 3 March 2022 that Russia attacked Ukraine.",
         "Belarus and Russia agreed on gas prices in May 2023. Lukashenko said \"we will pay 120 dollars\".",
         "Poland accused Belarus of provocations in October 2023. Ambassador Jonas Petraitis met Poland's minister.",
         "Russia attacked Ukraine again in 2024, the ministry said, and Moldova condemned Russia."]


@pytest.fixture(scope="module")
def stored(tmp_path_factory, pipeline):
    folder = tmp_path_factory.mktemp("views")
    documents = [pipeline.analyse_text(t, label=f"v{i}.txt").to_document() for i, t in enumerate(TEXTS)]
    with Store(folder / "c.db") as store:
        for document in documents:
            store.save(document, document.text)
    jsonl = folder / "c.jsonl"
    jsonl.write_text("".join(json.dumps(d.dump()) + "\n" for d in documents), encoding="utf-8")
    return folder / "c.db", jsonl, [d.dump() for d in documents]


@pytest.fixture(scope="module")
def client(stored):
    return TestClient(create_app(stored[0]), base_url="http://127.0.0.1")


def test_no_page_or_endpoint_loads_every_document(client, stored, monkeypatch):
    def refuse(self):
        raise AssertionError("a page read every document")

    monkeypatch.setattr(Store, "documents", refuse)
    documents = client.get("/api/documents").json()
    actor = client.get("/api/actors").json()[0]["id"]
    for url in ["/", "/network", "/network?type=ASSAULT&since=2022", "/timeline", "/claims", "/search?q=russia",
                f"/doc/{documents[0]['id']}", f"/actor/{actor}", "/api/edges", "/api/edges?until=2023",
                "/api/timeline", "/api/claims", "/api/conflicts", "/api/search?q=belarus", f"/api/actors/{actor}"]:
        assert client.get(url).status_code == 200, url


def test_lists_are_paged(client, stored):
    every = client.get("/api/documents", params={"limit": 1000}).json()
    assert len(every) == len(TEXTS)
    pages = [client.get("/api/documents", params={"limit": 1, "offset": n}).json() for n in range(len(TEXTS) + 1)]
    assert [p[0]["id"] for p in pages[:-1]] == [d["id"] for d in every] and pages[-1] == []
    actors = client.get("/api/actors", params={"limit": 2}).json()
    assert len(actors) == 2 and actors[0]["mentions"] >= actors[1]["mentions"]
    assert client.get("/api/actors", params={"limit": 0}).status_code == 422
    assert client.get("/api/claims", params={"offset": -1}).status_code == 422
    page = client.get("/", params={"offset": 2}).text
    assert "Documents 3-4 of 4" in page and 'href="/?offset=0"' in page


@pytest.mark.parametrize(("types", "since", "until", "confidence"),
                         [((), None, None, 0.0), (("ASSAULT",), None, None, 0.0), ((), "2023", None, 0.0),
                          ((), None, "2023-05", 0.0), (("ASSAULT", "AGREE"), "2022-03-03", "2024", 0.0),
                          ((), None, None, 0.6)])
def test_edges_filtered_in_sql_equal_the_documents_aggregated(stored, types, since, until, confidence):
    _, _, documents = stored
    dated = [{**d, "relations": [r for r in d["relations"] if within(r["date"], since, until)]}
             for d in confident(documents, confidence)]
    expected = {(e.source, e.type, e.target): (e.count, round(e.weight, 3), e.first, e.last, sorted(e.documents))
                for e in aggregate(dated, set(types) or None)}
    with Store(stored[0], readonly=True) as store:
        found = {(e["source"], e["type"], e["target"]): (e["count"], e["weight"], e["first"], e["last"],
                                                         e["documents"])
                 for e in store.edges(types, since, until, confidence)}
        limited = store.edges(types, since, until, confidence, limit=1)
    assert found == expected and (expected or not types)
    assert len(limited) == min(1, len(expected))


def test_graph_of_a_jsonl_file_equals_the_graph_of_its_store(stored, tmp_path):
    db, jsonl, _ = stored
    outputs = []
    for source in (db, jsonl):
        target = tmp_path / f"{source.suffix[1:]}.json"
        result = runner.invoke(app, ["graph", str(source), "--format", "json", "-o", str(target)])
        assert result.exit_code == 0, result.output
        outputs.append(json.loads(target.read_text()))
    assert outputs[0] == outputs[1] and outputs[0]["edges"]


def test_search_folds_apostrophes_and_links_to_the_exact_words(client, stored):
    _, _, documents = stored
    found = client.get("/api/search", params={"q": "putin's"}).json()
    assert found["hits"], found
    text = {d["id"]: d["text"] for d in documents}
    for hit in found["hits"]:
        assert text[hit["document"]][hit["start"]:hit["end"]] == hit["match"] == "Putin’s"
    hit = found["hits"][0]
    page = client.get(f"/doc/{hit['document']}", params={"hit": f"{hit['start']}-{hit['end']}"}).text
    assert re.search(rf'data-start="{hit["start"]}" data-end="{hit["end"]}" title="search hit" id="hit"', page)
    assert page.count('id="hit"') == 1
    results = client.get("/search", params={"q": "PUTIN’S envoy"}).text
    assert f'href="/doc/{hit["document"]}?hit={hit["start"]}-' in results and "<mark>Putin’s envoy</mark>" in results


def test_search_finds_quotes_and_claims_and_nothing_for_words_not_there(stored):
    with Store(stored[0], readonly=True) as store:
        quoted = views.search(store, "we will pay")
        absent = views.search(store, "zeppelin")
        empty = views.search(store, "  '’\" ")
        hostile = views.search(store, 'NEAR(" OR *')
    assert quoted["hits"] and all(h["match"].lower() == "we will pay" for h in quoted["hits"])
    assert absent["hits"] == [] and empty == {"actors": [], "hits": []}
    assert hostile["hits"] == [] or all("near" in h["match"].lower() for h in hostile["hits"])
    with Store(stored[0], readonly=True) as store:
        assert [a["name"] for a in views.search(store, "petraitis")["actors"]] == ["Jonas Petraitis"]


def test_actor_search_through_the_name_index_finds_what_a_scan_of_every_spelling_finds(stored):
    with Store(stored[0], readonly=True) as store:
        every = views.actors(store, 0, views.MOST)
        for needle in ("russ", "PUTIN", "ukr", "ia", "pol", "ras", 'a"b', "zzz"):
            scanned = [a["id"] for a in every if needle.lower() in json.dumps(a["aliases"], ensure_ascii=False).lower()]
            assert [a["id"] for a in views.search(store, needle)["actors"]] == scanned, needle
