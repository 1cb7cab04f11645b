"""Near-duplicate documents: the same story stored from two files is found by its fingerprint, listed as a
copy, and counted once in edges, timeline and claims."""

import random

import pytest
from fastapi.testclient import TestClient

from powermap.corpus import views
from powermap.corpus.fingerprint import bands, near, signature, similarity
from powermap.corpus.store import Store
from powermap.web.app import create_app

STORY = ("Russia attacked Ukraine on 3 March 2022, the ministry said. Belarus and Russia agreed on gas prices "
         "in May 2023, and Moscow promised to deliver 120 tanks to Minsk before the winter. Poland accused "
         "Belarus of provocations on the border in October 2023. Lithuania said the talks had failed.\n\n"
         "Officials in Warsaw said the army would keep its units near the crossing points for another month, "
         "while the European Union prepared a new package of measures against both governments. Analysts in "
         "Vilnius expect the dispute over the pipeline to dominate the next meeting of the council, where "
         "ministers will also discuss grain exports, electricity prices and the security of the Baltic ports. "
         "The ministry in Kyiv said the strikes had damaged two power stations and a rail depot overnight.")
OTHER = ("Kazakhstan and China signed agreements on trade and transport in Astana on 3 July 2024. Beijing "
         "promised new investment in Kazakh railways, and the two governments agreed to open a second border "
         "crossing. Uzbekistan welcomed the plan.")


def _words(rng, count):
    return " ".join(rng.choice(["alpha", "bravo", "delta", "echo", "lima", "oscar", "tango", "zulu"]) + str(i)
                    for i in range(count))


def test_signatures_of_a_story_and_its_copies_are_near_and_of_other_texts_far():
    rng = random.Random(3)
    original = signature(STORY)
    copies = [f"MINSK (Reuters) - {STORY}", f"{STORY}\n\nCorrection: an earlier version misspelt a name.",
              STORY.upper().replace(",", " ,"), f"By our correspondent\n\n{STORY}"]
    assert all(near(original, signature(c)) for c in copies)
    assert similarity(original, signature(STORY.upper())) == 1.0
    assert not near(original, signature(OTHER)) and similarity(original, signature(OTHER)) < 0.2
    half = STORY[: len(STORY) // 2]  # half the story is another text, not a copy
    assert not near(original, signature(half + " " + _words(rng, 60)))
    assert signature("Too short to say.") is None
    for copy in copies:  # copies share a band with the original: that is how they are found
        assert set(bands(original)) & set(bands(signature(copy)))
    assert len(bands(original)) == 16 and all(-(1 << 63) <= v < 1 << 63 for _, v in bands(original))


@pytest.fixture(scope="module")
def stored(tmp_path_factory, pipeline):
    texts = {"wire.txt": STORY, "outlet.txt": f"By our correspondent\n\n{STORY}", "other.txt": OTHER}
    documents = {label: pipeline.analyse_text(text, label=label).to_document() for label, text in texts.items()}
    path = tmp_path_factory.mktemp("copies") / "c.db"
    with Store(path) as store:
        for document in documents.values():
            store.save(document, document.text)
    alone = tmp_path_factory.mktemp("alone") / "c.db"
    with Store(alone) as store:
        for label in ("wire.txt", "other.txt"):
            store.save(documents[label], documents[label].text)
    return path, alone, documents


def _view(path):
    with Store(path, readonly=True) as store:
        return ({(e["source"], e["type"], e["target"]): (e["count"], e["weight"]) for e in store.edges()},
                {(e["source"], e["type"], e["target"]): e["count"] for e in store.edges(since="2020")},
                [(r["date"], r["source"], r["type"], r["target"]) for r in views.timeline(store)],
                [(c["text"], c["checkworthiness"]) for c in views.ranked_claims(store)])


def test_a_copy_is_counted_once_in_edges_timeline_and_claims(stored):
    path, alone, documents = stored
    assert documents["wire.txt"].relations and documents["wire.txt"].claims
    assert _view(path) == _view(alone)
    with Store(path) as store:
        store.rebuild()  # the whole-store recount keeps the copy out as well
    assert _view(path) == _view(alone)


def test_the_copy_is_listed_on_the_document_page_and_api(stored):
    path, _, documents = stored
    client = TestClient(create_app(path), base_url="http://127.0.0.1")
    wire, outlet, other = (documents[k].id for k in ("wire.txt", "outlet.txt", "other.txt"))
    assert client.get(f"/api/documents/{wire}/copies").json() == {"copy_of": None, "copies": [outlet]}
    assert client.get(f"/api/documents/{outlet}/copies").json() == {"copy_of": wire, "copies": []}
    assert client.get(f"/api/documents/{other}/copies").json() == {"copy_of": None, "copies": []}
    assert f'href="/doc/{outlet}"' in client.get(f"/doc/{wire}").text
    assert f'href="/doc/{wire}"' in client.get(f"/doc/{outlet}").text
    listed = {d["id"]: d["copy_of"] for d in client.get("/api/documents").json()}
    assert listed == {wire: None, outlet: wire, other: None}


def test_storing_the_original_again_keeps_it_the_original(stored, tmp_path):
    path, _, documents = stored
    copy = tmp_path / "again.db"
    copy.write_bytes(path.read_bytes())
    with Store(copy) as store:
        store.save(documents["wire.txt"], documents["wire.txt"].text)
        assert store.rows("SELECT doc_id, original FROM copies") == [
            {"doc_id": documents["outlet.txt"].id, "original": documents["wire.txt"].id}]
    assert _view(copy) == _view(stored[1])
