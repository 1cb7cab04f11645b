"""Collective actors (data/groups.yaml) on sentences we wrote: participants yes, places and modifiers no."""

from powermap.actors.groups import load_groups
from tests.conftest import mentions_of


def _groups(analysis) -> dict[str, list[str]]:
    return {a.id: [m.text for m in a.mentions] for a in analysis.actors if a.type == "group"}


def test_every_group_has_a_form_and_a_unique_key():
    specs, nouns, names = load_groups()
    assert specs and all(nouns[key] or names[key] for key in specs)
    assert all(spec.country is None or len(spec.country) == 3 for spec in specs.values())


def test_group_as_subject_and_object_is_one_actor(analyse):
    analysis = analyse("Riot police beat demonstrators near the bridge. Later the demonstrators blocked a road.")
    assert _groups(analysis) == {"group:protesters": ["demonstrators", "demonstrators"]}


def test_group_in_a_place_phrase_or_as_a_modifier_is_no_actor(analyse):
    analysis = analyse("Opposition leader Maria Kovac spoke in the West. Rebel commanders were absent.")
    assert _groups(analysis) == {}


def test_singular_collective_needs_a_determiner(analyse):
    assert _groups(analyse("Opposition to the new tax grew quickly in the capital.")) == {}
    assert "group:opposition" in _groups(analyse("The opposition rejected the new tax on Monday."))


def test_country_adjective_ties_the_group_and_is_no_mention_of_the_state(analyse):
    analysis = analyse("Georgian protesters rejected the law on foreign agents.")
    assert _groups(analysis) == {"group:protesters-geo": ["Georgian protesters"]}
    assert "state:GEO" not in {a.id for a in analysis.actors}


def test_possessor_ties_the_group_to_its_country_and_stays_an_actor(analyse):
    analysis = analyse("Putin's generals told the parliament that the offensive had stalled.")
    group = next(a for a in analysis.actors if a.type == "group")
    assert (group.id, group.country, group.name) == ("group:generals-rus", "RUS", "Putin's generals")
    assert mentions_of(analysis, "person:vladimir-putin") == [("Putin", "name")]


def test_mention_without_country_joins_the_only_variant_with_one(analyse):
    analysis = analyse("Armenian protesters gathered at dawn. By noon police had detained 40 protesters.")
    assert _groups(analysis) == {"group:protesters-arm": ["Armenian protesters", "protesters"]}


def test_named_groups_carry_their_country(analyse):
    analysis = analyse("The Democrats blocked the budget, and Republicans accused the Tories of meddling.")
    countries = {a.id: a.country for a in analysis.actors if a.type == "group"}
    assert countries == {"group:democrats-usa": "USA", "group:republicans-usa": "USA",
                         "group:conservatives-gbr": "GBR"}


def test_the_west_is_an_actor_but_not_in_a_place_name(analyse):
    analysis = analyse("Western governments imposed sanctions. Tourists returned to the West Bank.")
    assert _groups(analysis) == {"group:west": ["Western governments"]}


def test_a_gazetteer_name_is_not_swallowed_by_a_group(analyse):
    analysis = analyse("Houthi rebels fired two drones at a tanker.")
    assert "group:houthis" in {a.id for a in analysis.actors}
    assert "group:rebels" not in _groups(analysis)


def test_group_feeds_relations(analyse):
    analysis = analyse("Protesters accused the government of Serbia of fraud.")
    assert any(r.source.startswith("group:protesters") and r.type == "ACCUSE" for r in analysis.relations)
