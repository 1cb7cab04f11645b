"""The claims stage on sentences we wrote."""

from powermap.analysis import Source
from powermap.claims import ExtractClaims
from powermap.corpus.claims import conflicts
from tests.conftest import assert_evidence
from tests.handmade import analysis as handmade_analysis
from tests.handmade import doc


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


def claims_of(parsed):
    made = handmade_analysis(parsed)
    ExtractClaims()(made)
    return made.claims


def numbers(analysis):
    return [(q.text, q.value) for c in analysis.claims for q in c.quantities]


def years(analysis):
    return [(d.text, d.iso) for c in analysis.claims for d in c.dates]


def test_a_vote_tally_or_a_score_is_one_quantity_with_two_sides(analyse):
    analysis = analyse("The chamber passed the bill 218-214, and the home side won 3-1 on Sunday.")
    tallies = [(q.text, q.value, q.value_max, q.sides, q.qualifier) for c in analysis.claims for q in c.quantities]
    assert tallies == [("218-214", 218, None, [218, 214], "tally"), ("3-1", 3, None, [3, 1], "tally")]
    (rising,) = analyse("Between 40 and 60 people waited, and 5-10 more came later.").claims
    assert [(q.value, q.value_max, q.qualifier) for q in rising.quantities] == [(40, 60, "range"), (5, 10, "range")]


def test_citation_marks_and_list_numbers_are_not_quantities(analyse):
    analysis = analyse("The ministry sent 400 soldiers.[1] The border stayed closed for weeks.[12]\n\n"
                       "2. The convoy carried 30 tonnes of flour.")
    assert numbers(analysis) == [("400", 400), ("30", 30)]


def test_a_year_before_a_singular_noun_is_a_date_not_a_count():
    """`the 2015 deal` without a DATE entity (a hand-built parse): a count of 2015 would take a plural."""
    parsed = doc([("Tehran", 1, "nsubj", "PROPN"), ("left", 1, "ROOT", "VERB", "leave"), ("the", 4, "det", "DET"),
                  ("2015", 4, "nummod", "NUM"), ("deal", 1, "dobj", "NOUN"), (".", 1, "punct", "PUNCT")])
    claims = claims_of(parsed)
    assert [q.text for c in claims for q in c.quantities] == []
    assert [(d.text, d.iso, d.precision) for c in claims for d in c.dates] == [("2015", "2015", "year")]
    plural = doc([("They", 1, "nsubj", "PRON"), ("built", 1, "ROOT", "VERB", "build"), ("2015", 3, "nummod", "NUM"),
                  ("houses", 1, "dobj", "NOUN", "house"), (".", 1, "punct", "PUNCT")])
    plural[3].set_morph("Number=Plur")
    assert [(q.text, q.value, q.unit) for c in claims_of(plural) for q in c.quantities] == [("2015", 2015, "house")]


def test_a_number_before_a_unit_is_no_year(analyse):
    (claim,) = analyse("They built a 1800 km fence after the 2015 deal.").claims
    assert [(q.text, q.value, q.unit) for q in claim.quantities] == [("1800", 1800, "km")]
    assert [(d.text, d.iso) for d in claim.dates] == [("2015", "2015")]


def test_years_as_written_in_dates_are_dates(analyse):
    analysis = analyse("The rebels have fought since late 2021. The 1983-85 drought emptied the villages.")
    assert numbers(analysis) == []
    assert years(analysis) == [("late 2021", "2021"), ("1983-85", "1983")]


def test_a_frequency_range_is_read_whole_with_its_rate(analyse):
    analysis = analyse("Under the old treaty, inspectors visited the plant one to three times a year. "
                       "The council meets twice a month.")
    rates = [(q.text, q.value, q.value_max, q.unit, q.per) for c in analysis.claims for q in c.quantities]
    assert rates == [("one to three", 1, 3, "time", "year"), ("twice", 2, None, "time", "month")]
    (deaths,) = analyse("The epidemic caused 9,000 deaths per year in the region.").claims
    assert [(q.value, q.unit, q.per) for q in deaths.quantities] == [(9000, "death", "year")]
    (ago,) = analyse("The envoy came once a week ago and left 20 staff a day later.").claims
    assert [q.per for q in ago.quantities] == [None]


def test_hyphenated_durations_and_ages_are_counted(analyse):
    analysis = analyse("The 61-year-old general ended his party's 18-year hold on power after a two-day siege.")
    assert [(q.text, q.value, q.unit) for c in analysis.claims for q in c.quantities] == [
        ("61-year-old", 61, "year"), ("18-year", 18, "year"), ("two-day", 2, "day")]
    assert numbers(analyse("It has been nearly a quarter-century since the treaty was signed.")) == []


def test_set_phrases_names_and_numbers_that_point_back_count_nothing(analyse):
    analysis = analyse("Officials repeated the slogan one country, two systems. The ministers discussed Article 5 "
                       "one day after the vote. The two delegations signed 12 accords. "
                       "The envoy summoned the five leaders of the alliance. One guard was wounded, and the two "
                       "learned of it. One official claimed otherwise.")
    assert numbers(analysis) == [("12", 12), ("five", 5), ("One", 1)]


def test_fractions_are_shares_of_what_follows(analyse):
    analysis = analyse("Two-thirds of voters backed the deal, and a third of the budget went to defence. "
                       "The firm cut 900 jobs in the first quarter.")
    assert [(q.text, q.value, q.unit) for c in analysis.claims for q in c.quantities] == [
        ("Two-thirds", 0.6667, "voter"), ("third", 0.3333, "budget"), ("900", 900, "job")]


def test_numbers_in_names_slashes_and_clock_times_are_not_counts_but_durations_are(analyse):
    analysis = analyse("The Nord Stream 2 pipeline was shut at 10:30 and stayed closed for 48 hours, "
                       "while 24/7 coverage went on. In Kharkiv 12 people were killed.")
    assert [(q.text, q.value, q.unit) for c in analysis.claims for q in c.quantities] == [
        ("48", 48, "hour"), ("12", 12, "people")]


def test_two_and_a_half_million_is_one_number(analyse):
    analysis = analyse("Aid agencies say two and a half million people have fled the region.")
    assert [(q.text, q.value, q.unit) for c in analysis.claims for q in c.quantities] == [
        ("two and a half million", 2_500_000, "people")]


def test_a_timestamp_line_is_no_claim(analyse):
    analysis = analyse("Minister resigns\n\nMar 3, 2024 - 09:15:30 AM\n\nThe minister resigned after 14 months.")
    assert [c.text for c in analysis.claims] == ["The minister resigned after 14 months."]
    assert numbers(analysis) == [("14", 14)]


def test_checkworthiness_ranks_statistics_and_attributed_facts_over_slogans(analyse):
    analysis = analyse("Police said 26 protesters were killed on Monday. "
                       "According to the ministry, 2,500 troops were sent to the border. "
                       "Thousands of people gathered in the square. "
                       "Two nations, one destiny!")
    statistic, attributed, vague, slogan = analysis.claims
    assert slogan.checkworthiness < vague.checkworthiness < min(statistic.checkworthiness, attributed.checkworthiness)
    assert {"exclamation", "verbless"} <= set(slogan.reasons) and "vague_quantity" in vague.reasons
    assert "attributed" in attributed.reasons and "quantity" not in vague.reasons
