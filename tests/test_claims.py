"""The claims stage on sentences we wrote."""

from powermap.analysis import Source
from powermap.corpus.claims import conflicts
from tests.conftest import assert_evidence


def analyse_on(pipeline, text, published):
    return next(pipeline.pipe([Source(label="t", format="jsonl", raw=text + (published or ""), body=text,
                                      published=published)]))


def quantities(analysis):
    return [(q.text, q.value, q.unit) for c in analysis.claims for q in c.quantities]


def test_numbers_are_normalised_with_their_units(analyse):
    analysis = analyse("The EU sent €30m and 2,500 tents. Russia pledged $1.5 billion. "
                       "More than one thousand people and about 500 volunteers came.")
    assert quantities(analysis) == [
        ("€30m", 30_000_000, "EUR"), ("2,500", 2500, "tent"), ("$1.5 billion", 1.5e9, "USD"),
        ("More than one thousand", 1000, "people"), ("about 500", 500, "volunteer"),
    ]
    qualifiers = [q.qualifier for c in analysis.claims for q in c.quantities]
    assert qualifiers == [None, None, None, "more than", "approximately"]


def test_dates_are_not_quantities_and_model_names_are_not_numbers(analyse):
    analysis = analyse("On 24 February 2022 Russia attacked with SU-35 jets and F-16 parts.")
    assert quantities(analysis) == []
    (claim,) = analysis.claims
    assert [(d.text, d.iso, d.precision) for d in claim.dates] == [("24 February 2022", "2022-02-24", "day")]


def test_relative_dates_resolve_against_publication(pipeline):
    analysis = analyse_on(pipeline, "Two days ago Minsk expelled 2 diplomats; last year it expelled 5.",
                          "2021-05-20")
    dates = [(d.text, d.iso, d.precision) for c in analysis.claims for d in c.dates]
    assert dates == [("Two days ago", "2021-05-18", "day"), ("last year", "2020", "year")]
    unplaced = analyse_on(pipeline, "On May 16 the leaders met in Moscow and signed 3 agreements.", None)
    assert [(d.iso, d.precision) for c in unplaced.claims for d in c.dates] == [(None, "day")]


def test_casualties_share_the_counted_noun(analyse):
    analysis = analyse("Result: 14 miners trapped, 213 rescued, and 1,200 evacuated.")
    assert [(q.value, q.unit, q.about.text) for q in analysis.claims[0].quantities] == [
        (14, "miner", "miners trapped"), (213, "miner", "rescued"), (1200, "miner", "evacuated"),
    ]


def test_checkworthiness_ranks_facts_over_opinion(analyse):
    analysis = analyse("Putin sent 2,500 troops to Kazakhstan in January 2022. "
                       "I think Lukashenko should clearly resign before 2025.")
    fact, opinion = analysis.claims
    assert fact.checkworthiness > opinion.checkworthiness
    assert {"quantity", "date", "factual_verb"} <= set(fact.reasons)
    assert {"opinion_marker", "first_person"} <= set(opinion.reasons)
    assert fact.kind == "statistic" and fact.asserted_by == "author"


def test_conflicting_figures_across_documents(pipeline):
    documents = [pipeline.analyse_text(t, label=t).to_document().dump() for t in (
        "Putin sent 2,500 troops to Kazakhstan.", "Putin sent 3,000 troops to Kazakhstan.",
        "Putin sent 2,550 troops to Kazakhstan.")]
    (conflict,) = conflicts(documents)
    assert conflict.kind == "value" and conflict.unit == "troop" and conflict.predicate == "send"
    assert sorted(e["value"] for e in conflict.claims) == [2500, 2550, 3000]


def test_evidence_of_claims(analyse):
    analysis = analyse("Headline\n\n“We sent 500 soldiers on Monday,” the minister said.")
    for claim in analysis.claims:
        assert analysis.text[claim.start : claim.end] == claim.text
        for item in [*claim.quantities, *claim.dates, *(q.about for q in claim.quantities if q.about)]:
            assert analysis.text[item.start : item.end] == item.text


def test_a_range_after_a_count_does_not_lose_the_document(analyse):
    """`26 killed, 5-10 injured`: the range's match began on the space before it, whose expanded span
    is empty (IndexError E1002 cost a real article every layer). A range starts at its number."""
    for text in ("Clashes\n\nPolice said 26 protesters were killed, 5-10 injured and 300 arrested.",
                 "Clashes\n\nThe army lost 26 tanks, and 5-10 were damaged in the fighting near the town."):
        analysis = analyse(text)
        ranges = [q for c in analysis.claims for q in c.quantities if q.qualifier == "range"]
        assert [(q.text, q.value, q.value_max) for q in ranges] == [("5-10", 5.0, 10.0)]
        assert not ranges[0].text[0].isspace() and ranges[0].unit == analysis.claims[0].quantities[0].unit
        assert_evidence(analysis.to_document().dump())


def test_same_sentence_is_false_for_an_offset_on_whitespace(pipeline):
    from powermap.claims import _same_sentence

    doc = pipeline.analyse_text("Troops left.  Then 500 more came.").doc
    assert _same_sentence(doc, 0, 7)
    assert not _same_sentence(doc, 0, 12) and not _same_sentence(doc, 0, 19)
