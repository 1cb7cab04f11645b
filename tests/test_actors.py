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


def test_first_name_that_differs_from_the_known_person_makes_a_new_person(analyse):
    analysis = analyse("Speaker Mike Johnson met Boris Johnson in London on Friday.")
    assert mentions_of(analysis, "person:mike-johnson") == [("Mike Johnson", "name")]
    assert mentions_of(analysis, "person:boris-johnson") == [("Boris Johnson", "name")]


def test_bare_surname_follows_the_namesake_when_the_known_full_name_is_absent(analyse):
    analysis = analyse("Speaker Mike Johnson spoke in Washington. Johnson said the vote would pass.")
    assert "person:boris-johnson" not in {a.id for a in analysis.actors}
    assert [m.text for m in next(a for a in analysis.actors if a.id == "person:mike-johnson").mentions] == [
        "Mike Johnson", "Johnson"]


def test_title_before_a_known_surname_keeps_the_known_person(analyse):
    analysis = analyse("Mr Johnson and President Putin spoke by phone.")
    assert {"person:boris-johnson", "person:vladimir-putin"} <= {a.id for a in analysis.actors}


def test_name_typed_as_organisation_is_the_person_of_that_surname(analyse):
    analysis = analyse("Carlos Ferreira won the vote. Ferreira's government then froze the accounts.")
    people = [a for a in analysis.actors if a.name == "Carlos Ferreira"]
    assert len(people) == 1 and people[0].type == "person"
    assert not [a for a in analysis.actors if a.type == "organization"]


def test_two_word_surname_joins_the_full_name(analyse):
    analysis = analyse("President Juan Carlos Ramírez Ortega spoke first. Later Ramírez Ortega said no.")
    people = [a for a in analysis.actors if a.type == "person"]
    assert [a.name for a in people] == ["Juan Carlos Ramírez Ortega"]


def test_possessive_is_no_part_of_the_name(analyse):
    analysis = analyse("Labour's leader spoke on Monday, and then Labour won the vote.")
    labour = [a for a in analysis.actors if "labour" in a.id]
    assert len(labour) == 1 and {m.text for m in labour[0].mentions} == {"Labour"}


def test_one_word_national_body_of_a_country_the_text_never_names(analyse):
    foreign = analyse("In Caracas the opposition congress rejected the decree. Congress met again.")
    assert "organization:us-congress" not in {a.id for a in foreign.actors}
    home = analyse("President Biden asked Congress for more money.")
    assert "organization:us-congress" in {a.id for a in home.actors}


def test_ships_and_features_of_the_sea_are_no_actors(analyse):
    analysis = analyse("The USS Ronald Reagan sailed past Mischief Reef on Sunday, and Beijing protested.")
    names = {a.name for a in analysis.actors}
    assert not any(word in name for name in names for word in ("Reagan", "Reef"))
    assert "state:CHN" in {a.id for a in analysis.actors}


def test_a_state_named_only_as_the_venue_is_no_actor(analyse):
    analysis = analyse("Armenia and Azerbaijan held talks in Kazakhstan and later in the Swiss capital.")
    ids = {a.id for a in analysis.actors}
    assert {"state:ARM", "state:AZE"} <= ids
    assert not ids & {"state:KAZ", "state:CHE"}


def test_a_venue_that_also_acts_stays_an_actor(analyse):
    analysis = analyse("The envoys met in Qatar. Qatar then offered to host another round.")
    assert "state:QAT" in {a.id for a in analysis.actors}


def test_title_and_name_typed_as_organisation_is_a_person(analyse):
    analysis = analyse("Navy Rear Admiral Pieter Van Aalst briefed reporters. The Major-General stayed silent.")
    people = [a for a in analysis.actors if a.type == "person"]
    assert [a.name for a in people] == ["Pieter Van Aalst"]
    assert not [a for a in analysis.actors if "General" in a.name or "Admiral" in a.name]


def test_title_before_an_organisation_word_stays_an_organisation(analyse):
    from powermap.actors.resolve import Candidate, _titled_names

    doc = analyse("The General Staff met on Monday.").doc
    staff = Candidate(1, 3, "organization:general-staff", "name", name="General Staff", type="organization")
    assert _titled_names(doc, [staff], {"general"})[0].type == "organization"


def test_first_name_typed_as_organisation_joins_the_only_person_with_it():
    from powermap.actors.resolve import Candidate, _reconcile_types

    full = Candidate(0, 2, "person:selim-aydin", "name", name="Selim Aydin")
    first = Candidate(5, 6, "organization:selim", "name", name="Selim", type="organization")
    _reconcile_types([full, first])
    assert (first.actor, first.type) == ("person:selim-aydin", "person")
    shared = Candidate(5, 6, "organization:selim", "name", name="Selim", type="organization")
    _reconcile_types([full, Candidate(3, 5, "person:selim-kaya", "name", name="Selim Kaya"), shared])
    assert shared.actor == "organization:selim"


def test_a_state_in_a_descriptor_or_as_an_origin_is_no_actor(analyse):
    analysis = analyse("Drones hit a Liberia-flagged tanker. Migrants from Eritrea and Sudan reached the coast.")
    assert not {a.id for a in analysis.actors} & {"state:LBR", "state:ERI", "state:SDN"}
    backed = analyse("Iran-backed militias fired rockets. The plan met resistance from Hungary.")
    assert {"state:IRN", "state:HUN"} <= {a.id for a in backed.actors}


def test_a_one_word_name_only_used_as_a_noun_modifier_or_counted_is_no_person(analyse):
    analysis = analyse("He fought with the Harlow bosses and praised Collins-class boats. She was a true Brexiteer.")
    assert not analysis.actors
    named = analyse("The Ferreira government fell on Sunday, Carlos Ferreira said.")
    assert [a.name for a in named.actors if a.type == "person"] == ["Carlos Ferreira"]


def test_armed_forces_stand_for_their_state(analyse):
    analysis = analyse("The Belarusian army moved two brigades, and the Ukrainian military answered.")
    assert mentions_of(analysis, "state:BLR") == [("Belarusian army", "metonym")]
    assert "state:UKR" in {a.id for a in analysis.actors}
    assert not [a for a in analysis.actors if a.type == "organization"]


def test_former_states_and_more_bodies_are_known(analyse):
    analysis = analyse("The USSR backed the rebels, while the Ottoman Empire had ceded the coast. AUKUS met in June.")
    ids = {a.id for a in analysis.actors}
    assert {"state:SUN", "state:XOE", "organization:aukus"} <= ids
