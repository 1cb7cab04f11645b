"""Acceptance on the two real opinion pieces in ../shared/corpus (skipped when they are absent)."""

import pytest

from powermap.ingest import read_sources
from tests.conftest import SHARED, assert_evidence

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not present")


@pytest.fixture(scope="module")
def documents(pipeline):
    analyses = list(pipeline.pipe(read_sources([str(CORPUS)])))
    assert all(a.problem is None for a in analyses)
    return {a.source.label.rsplit("/", 1)[-1]: a.to_document().dump() for a in analyses}


def actor(document, actor_id):
    return next((a for a in document["actors"] if a["id"] == actor_id), None)


def test_boilerplate_gone_and_metadata_found(documents):
    ally, minion = documents["lukashenko-ally.txt"], documents["lukashenko-minion.txt"]
    assert ally["title"] == "Lukashenko, Putin’s ally" and ally["author"] == "Erich Wannemacher"
    assert minion["title"] == "Lukashenko is Putin’s little minion" and minion["section"] == "Opinion"
    for furniture in ("Leave a Reply", "Akismet", "WordPress.com", "bloggers like this", "- Latest",
                      "Lapu-Lapu City", "Log Out"):
        assert furniture not in ally["text"] and furniture not in minion["text"]
    assert minion["text"].rstrip().endswith("Peace.")
    assert [w["agency"] for w in minion["wire_items"]] == ["media:belta", "media:belta"]


def test_required_actors(documents):
    for document in documents.values():
        assert_evidence(document)
    ally, minion = documents["lukashenko-ally.txt"], documents["lukashenko-minion.txt"]
    for document in (ally, minion):
        for actor_id in ("person:alexander-lukashenko", "person:vladimir-putin", "state:BLR", "state:RUS",
                         "state:UKR"):
            assert actor(document, actor_id), actor_id
    assert actor(ally, "state:KAZ") and actor(ally, "organization:csto")
    assert actor(minion, "media:belta")["type"] == "media"


def test_lukashenko_variants_merge(documents):
    minion = documents["lukashenko-minion.txt"]
    lukashenko = actor(minion, "person:alexander-lukashenko")
    texts = {m["text"] for m in lukashenko["mentions"]}
    assert {"Lukashenko", "Aleksandr Lukashenko", "the Belarusian leader"} <= texts
    ally_texts = {m["text"] for m in actor(documents["lukashenko-ally.txt"], "person:alexander-lukashenko")["mentions"]}
    assert "Belarus dictator Alexander Lukashenko" in ally_texts
    assert not [a for a in minion["actors"] if "lukashenk" in a["id"] and a["id"] != lukashenko["id"]]


def test_metonyms_stand_for_the_state(documents):
    russia = actor(documents["lukashenko-minion.txt"], "state:RUS")
    metonyms = {m["text"] for m in russia["mentions"] if m["kind"] == "metonym"}
    assert {"Kremlin", "Moscow"} <= metonyms
    ally_russia = actor(documents["lukashenko-ally.txt"], "state:RUS")
    assert "Moscow" not in {m["text"] for m in ally_russia["mentions"]}  # "summoned ... in Moscow": a place


def test_no_place_is_a_person(documents):
    places = {"Kyiv", "Chernihiv", "Minsk", "Moscow", "Nursultan", "Lapu-Lapu City", "Kiev"}
    for document in documents.values():
        for a in document["actors"]:
            if a["type"] == "person":
                assert not {m["text"] for m in a["mentions"]} & places, a


def quote_starting(document, prefix):
    return next((q for q in document["quotes"] if q["text"].startswith(prefix)), None)


def test_quotes_in_the_belta_item(documents):
    minion = documents["lukashenko-minion.txt"]
    for prefix in ("Given the worsening", "Last thing they need"):
        quote = quote_starting(minion, prefix)
        assert quote["kind"] == "direct"
        assert quote["speaker"] == "person:alexander-lukashenko"
        assert quote["source"] == "media:belta"
    reported = quote_starting(minion, "Belarus and Russia agreed")
    assert reported["kind"] == "indirect" and reported["speaker"] == "person:alexander-lukashenko"
    assert not quote_starting(minion, "Lukashenko, Putin agree")  # the cited headline is not speech


def test_speakers_in_the_op_ed(documents):
    ally = documents["lukashenko-ally.txt"]
    expected = {
        "We recognize the sovereignty of Ukraine.": "person:shavkat-mirziyoyev",
        "Look at Ukraine carefully!": "person:kassym-jomart-tokayev",
        "Kazakhstan is historically Russia.": "person:vladimir-putin",
        "Can you help us": "person:alexander-lukashenko",
    }
    for prefix, speaker in expected.items():
        assert quote_starting(ally, prefix)["speaker"] == speaker, prefix
    texts = [q["text"] for q in ally["quotes"]]
    for scare in ("special military operation", "family photo", "biosafety lab", "liberate"):
        assert scare not in texts
    for document in documents.values():
        assert_evidence(document)


def relations(document, type_):
    return [r for r in document["relations"] if r["type"] == type_]


def test_alliance_and_dependence_the_titles_assert(documents):
    ally, minion = documents["lukashenko-ally.txt"], documents["lukashenko-minion.txt"]
    lukashenko, putin = "person:alexander-lukashenko", "person:vladimir-putin"
    title_ally = [r for r in relations(ally, "ALLY") if r["evidence"]["start"] == 0]
    assert {(r["source"], r["target"]) for r in title_ally} == {(lukashenko, putin)}
    title_minion = [r for r in relations(minion, "DEPENDS_ON") if r["evidence"]["start"] == 0]
    assert {(r["source"], r["target"]) for r in title_minion} == {(lukashenko, putin)}
    assert all(not r["negated"] and r["asserted_by"] == "author" for r in title_ally + title_minion)
    pairs = {frozenset((r["source"], r["target"])) for r in relations(minion, "ALLY")}
    assert frozenset(("state:RUS", "state:BLR")) in pairs  # "The Moscow-Minsk alliance"


def test_refusal_summit_and_kazakhstan_deployment(documents):
    ally = documents["lukashenko-ally.txt"]
    (refusal,) = [r for r in relations(ally, "REJECT") if r["trigger"]["text"] == "refuses"]
    assert refusal["source"] == "person:alexander-lukashenko" and not refusal["negated"]
    summit = relations(ally, "CONSULT")
    assert ("person:vladimir-putin", "organization:csto") in {(r["source"], r["target"]) for r in summit}
    request = [r for r in relations(ally, "REQUEST") if r["source"] == "person:kassym-jomart-tokayev"]
    assert request and request[0]["target"] == "person:vladimir-putin"
    deployment = [r for r in relations(ally, "MOBILIZE") if "2,500" in r["trigger"]["text"]]
    sides = [(r["source"], r["target"]) for r in deployment]
    assert sides == [("person:vladimir-putin", "person:kassym-jomart-tokayev")]


def test_the_belta_agreement_is_asserted_by_lukashenko(documents):
    minion = documents["lukashenko-minion.txt"]
    agree = relations(minion, "AGREE")
    assert {frozenset((r["source"], r["target"])) for r in agree} >= {frozenset(("state:BLR", "state:RUS"))}
    assert all(r["asserted_by"] == "person:alexander-lukashenko" for r in agree)


def test_every_figure_in_the_op_ed(pipeline):
    from powermap.analysis import Source

    raw = (CORPUS / "lukashenko-ally.txt").read_text(encoding="utf-8")
    source = Source(label="ally", format="text", raw=raw + "#2022", body=raw, published="2022-06-01")
    analysis = next(pipeline.pipe([source]))
    found = {(q.value, q.unit, q.about.text if q.about else None) for c in analysis.claims for q in c.quantities}
    for expected in [(6, "leader", "leaders"), (2500, "troop", "CSTO peace keeping troops"),
                     (26, "protester", "protesters killed"), (748, "protester", "injured"),
                     (3000, "protester", "detained"), (18, "percent", "his country’s inhabitants"),
                     (45000, "troop", "regular troops"), (500, "volunteer", "volunteers")]:
        assert expected in found, expected
    dates = {(d.text, d.iso) for c in analysis.claims for d in c.dates}
    assert ("May 16", "2022-05-16") in dates  # the summit, given a publication year
    assert {("1994", "1994"), ("2020", "2020"), ("February 24", "2022-02-24")} <= dates


def test_rhetoric_of_the_op_eds(documents):
    for document in documents.values():
        assert document["genre"]["label"] == "opinion"
        aimed = {t["technique"] for t in document["rhetoric"] if t["target"] == "person:alexander-lukashenko"}
        assert "name_calling" in aimed
        stance = [s for s in document["stance"]
                  if s["actor"] == "person:alexander-lukashenko" and s["held_by"] == "author"]
        assert stance and stance[0]["value"] < -0.5
    ally = documents["lukashenko-ally.txt"]
    assert "loaded_language" in {t["technique"] for t in ally["rhetoric"]
                                 if t["target"] == "person:alexander-lukashenko"}
