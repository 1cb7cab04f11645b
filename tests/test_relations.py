"""The relations stage on sentences we wrote: every type, negation, modality, passive, coordination."""

import pytest


def triples(analysis):
    return {(r.source, r.type, r.target) for r in analysis.relations}


RUS, BLR, UKR, POL, USA, CHN, KAZ = (f"state:{c}" for c in ("RUS", "BLR", "UKR", "POL", "USA", "CHN", "KAZ"))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Belarus and Russia agreed on a new gas price.", (BLR, "AGREE", RUS)),
        ("Poland hosted talks with Ukraine on Monday.", (POL, "CONSULT", UKR)),
        ("China met Kazakhstan in Astana to discuss railways.", (CHN, "CONSULT", KAZ)),
        ("Minsk praised Beijing for its neutrality.", (BLR, "SUPPORT", CHN)),
        ("Poland eased restrictions on Belarus at the border.", (POL, "CONCEDE", BLR)),
        ("Russia and Belarus coordinated their air defences.", (RUS, "COOPERATE", BLR)),
        ("The United States provided weapons to Ukraine.", (USA, "AID", UKR)),
        ("Russia withdrew its forces from Kazakhstan in January.", (RUS, "RETREAT", KAZ)),
        ("Kazakhstan asked Russia for help.", (KAZ, "REQUEST", RUS)),
        ("Ukraine accused Belarus of helping the invasion.", (UKR, "ACCUSE", BLR)),
        ("Poland rejected the Belarusian proposal.", (POL, "REJECT", BLR)),
        ("Russia threatened to attack Ukraine again.", (RUS, "THREATEN", UKR)),
        ("The United States imposed sanctions on Belarus.", (USA, "SANCTION", BLR)),
        ("Russia deployed troops in Belarus.", (RUS, "MOBILIZE", BLR)),
        ("Belarus arrested Polish journalists.", (BLR, "COERCE", POL)),
        ("Russian forces shelled Ukrainian positions near Kharkiv.", (RUS, "ASSAULT", UKR)),
        ("Belarus, Russia's closest ally, hosted the exercise.", (BLR, "ALLY", RUS)),
        ("Lukashenko is Putin's puppet.", ("person:alexander-lukashenko", "DEPENDS_ON", "person:vladimir-putin")),
        ("Minsk relies on Moscow for cheap gas.", (BLR, "DEPENDS_ON", RUS)),
    ],
)
def test_every_type(analyse_rules, sentence, expected):
    assert expected in triples(analyse_rules(sentence))


def test_protest_has_a_target(analyse_rules):
    analysis = analyse_rules("Ukrainian students protested against the Russian invasion outside the embassy.")
    assert (UKR, "PROTEST", RUS) in triples(analysis)


def test_negation_and_refusal(analyse_rules):
    analysis = analyse_rules("Belarus did not send troops to Ukraine. Lukashenko refused to join the war.")
    send = next(r for r in analysis.relations if r.trigger.text.startswith("send"))
    assert send.negated and send.type == "MOBILIZE" and send.source == BLR and send.target == UKR
    refusal = next(r for r in analysis.relations if r.type == "REJECT")
    assert refusal.source == "person:alexander-lukashenko" and not refusal.negated


def test_modality(analyse_rules):
    analysis = analyse_rules("Russia could attack Poland. Belarus plans to invade Lithuania. "
                       "Ukraine demanded that Russia withdraw from Crimea.")
    by_type = {(r.source, r.type): r for r in analysis.relations}
    assert by_type[(RUS, "ASSAULT")].modality == "possible"
    assert by_type[(BLR, "ASSAULT")].modality == "intended"
    assert by_type[(UKR, "REQUEST")].target == RUS


def test_passive_voice(analyse_rules):
    analysis = analyse_rules("Ukraine was attacked by Russia in February 2022.")
    (relation,) = [r for r in analysis.relations if r.type == "ASSAULT"]
    assert (relation.source, relation.target) == (RUS, UKR)
    assert relation.date == "2022-02" and relation.date_source == "text"


def test_coordination_gives_both_sides(analyse_rules):
    analysis = analyse_rules("Russia and China signed a treaty with Kazakhstan.")
    assert {(RUS, "AGREE", KAZ), (CHN, "AGREE", KAZ)} <= triples(analysis)


def test_inside_a_quote_the_speaker_asserts(analyse_rules):
    analysis = analyse_rules('"Poland is preparing an attack on Belarus," Lukashenko said. Poland denied it.')
    attack = next(r for r in analysis.relations if r.type == "ASSAULT")
    assert attack.asserted_by == "person:alexander-lukashenko"
    assert attack.modality == "intended" and (attack.source, attack.target) == (POL, BLR)
    denial = next(r for r in analysis.relations if r.type == "REJECT")
    assert denial.asserted_by == "author" and denial.source == POL


def test_nominal_invasion_and_alliance(analyse_rules):
    analysis = analyse_rules("The Russian invasion of Ukraine began in 2022. The Moscow-Minsk alliance held.")
    assert (RUS, "ASSAULT", UKR) in triples(analysis)
    assert {frozenset((s, t)) for s, ty, t in triples(analysis) if ty == "ALLY"} == {frozenset((RUS, BLR))}


def test_evidence_and_trigger_offsets(analyse_rules):
    analysis = analyse_rules("Headline\n\nThe Kremlin warned Kyiv. Minsk backed Moscow.")
    assert analysis.relations
    for relation in analysis.relations:
        for span in (relation.trigger, relation.evidence):
            assert analysis.text[span.start : span.end] == span.text
        assert relation.trigger.start >= relation.evidence.start and relation.trigger.end <= relation.evidence.end


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # it/they stand for the subject of the reporting clause above them
        ("Belarus said it would allow Polish inspectors to visit the border.", (BLR, "COOPERATE", POL)),
        ("Ukrainian officials said they would boycott all contacts with Belarus.", (UKR, "SANCTION", BLR)),
        # a rejected thing points at who made it
        ("Warsaw rejected fresh calls by Belarus's rulers for talks.", (POL, "REJECT", BLR)),
        # a collective noun stands for its members
        ("A group of Kazakh diplomats held a meeting with Chinese officials.", (KAZ, "CONSULT", CHN)),
        # an adjective that governs an infinitive
        ("Poland is ready to send more weapons to Ukraine.", (POL, "AGREE", UKR)),
        # a demand through an obligation modal
        ("Poland declared that Belarus must release the journalists.", (POL, "REQUEST", BLR)),
        # a conditional announced act is a threat
        ("Russia will cut gas deliveries to Ukraine unless Kyiv pays its debts.", (RUS, "THREATEN", UKR)),
        # a lodged protest is a formal complaint
        ("Poland lodged an official protest with Belarus on Monday.", (POL, "ACCUSE", BLR)),
        # the definite plural nationality is the side; counted nationals are the nation when targeted
        ("The Ukrainians rejected the Russian plan.", (UKR, "REJECT", RUS)),
        ("Belarusian police arrested more than 100 Ukrainians at the border.", (BLR, "COERCE", UKR)),
    ],
)
def test_constructions_added_for_event_coding(analyse_rules, sentence, expected):
    assert expected in triples(analyse_rules(sentence))


@pytest.mark.parametrize("sentence", [
    "Thousands of Belarusians are fighting in Ukraine against Russia.",
    "Belarusians are fighting in Ukraine on the side of the Ukrainian army.",
])
def test_nationals_who_act_are_people_not_the_state(analyse_rules, sentence):
    assert not any(r.source == BLR for r in analyse_rules(sentence).relations)


def test_unknown_titled_person_takes_the_country_before_the_title(analyse_rules):
    analysis = analyse_rules("Kazakh Deputy Foreign Minister Aibek Nurlanov met Polish envoy Jan Kowalczyk.")
    countries = {a.name: a.country for a in analysis.actors if a.type == "person"}
    assert countries == {"Aibek Nurlanov": "KAZ", "Jan Kowalczyk": "POL"}


def test_plover_view_of_announced_and_refused_acts(analyse_rules):
    from powermap import ontology

    analysis = analyse_rules("Poland will give Ukraine a grant of 50 million euros. "
                       "Russia would blockade Ukrainian ports. "
                       "Belarus will not accept any more refugees from Poland.")
    events = {(r.source, ontology.plover_event(r.type, r.modality, r.negated), r.target) for r in analysis.relations}
    assert (POL, "AGREE", UKR) in events
    assert (RUS, "THREATEN", UKR) in events
    assert (BLR, "REJECT", POL) in events
