"""The actor stage on sentences we wrote for each hard case."""

from tests.conftest import mentions_of


def test_capital_as_government_and_as_place(analyse):
    analysis = analyse("Headline\n\nMinsk refused the offer. Thousands protested in the streets of Minsk.")
    assert mentions_of(analysis, "state:BLR") == [("Minsk", "metonym")]


def test_capital_in_a_location_phrase_is_not_an_actor(analyse):
    analysis = analyse("Leaders met in Moscow on Monday to discuss trade.")
    assert "state:RUS" not in {a.id for a in analysis.actors}


def test_kremlin_and_coordinated_capital_are_the_state(analyse):
    analysis = analyse("The Kremlin and Moscow have saved his office more than once.")
    assert mentions_of(analysis, "state:RUS") == [("Kremlin", "metonym"), ("Moscow", "metonym")]


def test_role_phrase_resolves_to_the_holder_on_the_documents_date(pipeline):
    from powermap.analysis import Source

    text = "The Ukrainian president met the Belarusian leader."
    results = []
    for day in ("2018-06-01", "2020-06-01"):
        source = Source(label=day, format="jsonl", raw=text + day, body=text, published=day)
        results.append(next(pipeline.pipe([source])))
    holders = [{a.name for a in r.actors if a.type == "person"} for r in results]
    assert holders[0] == {"Petro Poroshenko", "Alexander Lukashenko"}
    assert holders[1] == {"Volodymyr Zelensky", "Alexander Lukashenko"}
    assert mentions_of(results[0], "person:petro-poroshenko") == [("The Ukrainian president", "role")]


def test_former_is_not_resolved_to_the_current_holder(analyse):
    analysis = analyse("The former Russian president spoke on Friday.")
    assert not [a for a in analysis.actors if a.type == "person"]


def test_title_and_name_are_one_mention(analyse):
    analysis = analyse("Russian President Vladimir Putin met Kazakhstan's President Kassym-Jomart Tokayev.")
    assert mentions_of(analysis, "person:vladimir-putin") == [("Russian President Vladimir Putin", "name")]
    assert mentions_of(analysis, "person:kassym-jomart-tokayev") == [
        ("Kazakhstan's President Kassym-Jomart Tokayev", "name")
    ]
    assert "state:RUS" not in {a.id for a in analysis.actors}


def test_transliterations_merge_into_one_actor(analyse):
    analysis = analyse(
        "Aliaksandr Lukashenka met troops. Later Alexander Lukashenko spoke, and Lukashenko left."
    )
    people = [a for a in analysis.actors if a.type == "person"]
    assert len(people) == 1 and people[0].name == "Alexander Lukashenko"
    assert [m.kind for m in people[0].mentions] == ["alias", "name", "name"]


def test_unknown_person_surname_links_to_full_name(analyse):
    analysis = analyse("Ambassador Jonas Petraitis arrived in Vilnius. Petraitis said little.")
    actor = next(a for a in analysis.actors if a.origin == "ner" and a.type == "person")
    assert actor.name == "Jonas Petraitis"
    assert [m.text for m in actor.mentions] == ["Jonas Petraitis", "Petraitis"]


def test_city_mistaken_for_a_person_is_dropped(analyse):
    analysis = analyse("Russian troops launched their attack on Kyiv and Chernihiv on February 24.")
    assert not [a for a in analysis.actors if a.type == "person"]


def test_pronoun_links_to_the_subject(analyse):
    analysis = analyse("Lukashenko met Putin in Sochi. He said the talks went well.")
    assert ("He", "pronoun") in mentions_of(analysis, "person:alexander-lukashenko")


def test_plural_nationality_is_not_the_state(analyse):
    analysis = analyse("Many Belarusians are fighting in Ukraine on the side of the Ukrainian army.")
    assert "state:BLR" not in {a.id for a in analysis.actors}


def test_demonym_and_alias_kinds(analyse):
    analysis = analyse("Russian troops crossed from Belarus, the Russian Federation said.")
    assert mentions_of(analysis, "state:RUS") == [("Russian", "demonym"), ("Russian Federation", "alias")]


def test_unshared_first_name_links_but_shared_one_does_not(analyse):
    analysis = analyse("Governor Peter Walsh arrived late. Peter said the budget was fine.")
    actor = next(a for a in analysis.actors if a.origin == "ner" and a.type == "person")
    assert [m.text for m in actor.mentions] == ["Peter Walsh", "Peter"]
    shared = analyse("Anna Berg met Anna Holm. Anna left early.")
    assert not any(m.text == "Anna" for a in shared.actors for m in a.mentions if len(a.name.split()) > 1)
