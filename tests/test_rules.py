"""Relation and quote rules on hand-built parses: no model, so a rule is tested on exactly the parse it reads."""

from __future__ import annotations

import pytest

from powermap import ontology
from powermap.quotes import ExtractQuotes
from powermap.relations import ExtractRelations
from powermap.schema import Quote
from tests.handmade import actor, analysis, doc

RUS, UKR, BLR, PUTIN = "state:RUS", "state:UKR", "state:BLR", "person:vladimir-putin"


@pytest.fixture(scope="module")
def relations() -> ExtractRelations:
    return ExtractRelations()


@pytest.fixture(scope="module")
def quotes() -> ExtractQuotes:
    return ExtractQuotes()


def _relations(stage: ExtractRelations, rows: list[tuple[str, ...]], *actors: tuple) -> list[tuple]:
    parsed = doc(rows)
    work = analysis(parsed, *(actor(parsed, *spec) for spec in actors))
    stage(work)
    return [(r.source, r.type, r.target, r.negated, r.modality, r.trigger.text) for r in work.relations]


def test_subject_acts_on_object(relations: ExtractRelations):
    rows = [("Russia", 1, "nsubj", "PROPN"), ("attacked", 1, "ROOT", "VERB", "attack"),
            ("Ukraine", 1, "dobj", "PROPN"), (".", 1, "punct", "PUNCT")]
    found = _relations(relations, rows, (RUS, "Russia", (0, 1, "name")), (UKR, "Ukraine", (2, 3, "name")))
    assert found == [(RUS, "ASSAULT", UKR, False, "asserted", "attacked")]


def test_passive_voice_swaps_the_sides(relations: ExtractRelations):
    rows = [("Ukraine", 2, "nsubjpass", "PROPN"), ("was", 2, "auxpass", "AUX", "be"),
            ("attacked", 2, "ROOT", "VERB", "attack"), ("by", 2, "agent", "ADP"), ("Russia", 3, "pobj", "PROPN"),
            (".", 2, "punct", "PUNCT")]
    found = _relations(relations, rows, (RUS, "Russia", (4, 5, "name")), (UKR, "Ukraine", (0, 1, "name")))
    assert found == [(RUS, "ASSAULT", UKR, False, "asserted", "attacked")]


def test_negated_light_verb_with_a_prepositional_target(relations: ExtractRelations):
    rows = [("Belarus", 3, "nsubj", "PROPN"), ("did", 3, "aux", "AUX", "do"), ("not", 3, "neg", "PART"),
            ("send", 3, "ROOT", "VERB"), ("troops", 3, "dobj", "NOUN", "troop"), ("to", 3, "prep", "ADP"),
            ("Ukraine", 5, "pobj", "PROPN"), (".", 3, "punct", "PUNCT")]
    found = _relations(relations, rows, (BLR, "Belarus", (0, 1, "name")), (UKR, "Ukraine", (6, 7, "name")))
    assert found == [(BLR, "MOBILIZE", UKR, True, "asserted", "send troops")]


def test_a_modal_makes_the_act_announced_and_plover_reads_it_as_a_threat(relations: ExtractRelations):
    rows = [("Russia", 2, "nsubj", "PROPN"), ("will", 2, "aux", "AUX"), ("invade", 2, "ROOT", "VERB"),
            ("Ukraine", 2, "dobj", "PROPN"), (".", 2, "punct", "PUNCT")]
    found = _relations(relations, rows, (RUS, "Russia", (0, 1, "name")), (UKR, "Ukraine", (3, 4, "name")))
    assert found == [(RUS, "ASSAULT", UKR, False, "intended", "invade")]
    assert ontology.plover_event("ASSAULT", "intended", False) == "THREATEN"


def test_coordinated_subjects_of_a_symmetric_type_give_one_relation(relations: ExtractRelations):
    rows = [("Russia", 3, "nsubj", "PROPN"), ("and", 0, "cc", "CCONJ"), ("Belarus", 0, "conj", "PROPN"),
            ("agreed", 3, "ROOT", "VERB", "agree"), (".", 3, "punct", "PUNCT")]
    found = _relations(relations, rows, (RUS, "Russia", (0, 1, "name")), (BLR, "Belarus", (2, 3, "name")))
    assert found == [(RUS, "AGREE", BLR, False, "asserted", "agreed")]


def test_a_refusal_needs_no_target(relations: ExtractRelations):
    rows = [("Belarus", 1, "nsubj", "PROPN"), ("refused", 1, "ROOT", "VERB", "refuse"), ("to", 3, "aux", "PART"),
            ("send", 1, "xcomp", "VERB"), ("troops", 3, "dobj", "NOUN", "troop"), (".", 1, "punct", "PUNCT")]
    found = _relations(relations, rows, (BLR, "Belarus", (0, 1, "name")))
    assert found == [(BLR, "REJECT", None, False, "asserted", "refused")]


def test_a_noun_trigger_takes_its_source_from_a_modifier(relations: ExtractRelations):
    rows = [("The", 2, "det", "DET"), ("Russian", 2, "amod", "ADJ"), ("invasion", 5, "nsubj", "NOUN"),
            ("of", 2, "prep", "ADP"), ("Ukraine", 3, "pobj", "PROPN"), ("began", 5, "ROOT", "VERB", "begin"),
            (".", 5, "punct", "PUNCT")]
    found = _relations(relations, rows, (RUS, "Russia", (1, 2, "demonym")), (UKR, "Ukraine", (4, 5, "name")))
    assert found == [(RUS, "ASSAULT", UKR, False, "asserted", "invasion")]


def test_inside_a_quote_the_speaker_asserts_the_relation(relations: ExtractRelations):
    rows = [("Russia", 1, "nsubj", "PROPN"), ("attacked", 1, "ROOT", "VERB", "attack"),
            ("Ukraine", 1, "dobj", "PROPN"), (".", 1, "punct", "PUNCT")]
    parsed = doc(rows)
    work = analysis(parsed, actor(parsed, RUS, "Russia", (0, 1, "name")), actor(parsed, UKR, "Ukraine", (2, 3, "name")))
    work.quotes = [Quote.of(work.text, 0, len(work.text), kind="indirect", speaker=PUTIN, speaker_text=None, cue=None,
                            source=None, confidence=0.9)]
    relations(work)
    assert [r.asserted_by for r in work.relations] == [PUTIN]


def _quotes(stage: ExtractQuotes, rows: list[tuple[str, ...]], *actors: tuple) -> list[tuple]:
    parsed = doc(rows)
    work = analysis(parsed, *(actor(parsed, *spec) for spec in actors))
    stage(work)
    for quote in work.quotes:
        assert work.text[quote.start:quote.end] == quote.text
    return [(q.kind, q.text, q.speaker, q.cue.text if q.cue else None) for q in work.quotes]


def test_direct_quote_with_its_cue_after_it(quotes: ExtractQuotes):
    rows = [("“", 3, "punct", "PUNCT"), ("We", 3, "nsubj", "PRON"), ("will", 3, "aux", "AUX"),
            ("win", 9, "ccomp", "VERB"), ("this", 5, "det", "DET"), ("war", 3, "dobj", "NOUN"),
            (",", 9, "punct", "PUNCT"), ("”", 9, "punct", "PUNCT"), ("Putin", 9, "nsubj", "PROPN"),
            ("said", 9, "ROOT", "VERB", "say"), (".", 9, "punct", "PUNCT")]
    found = _quotes(quotes, rows, (PUTIN, "Vladimir Putin", (8, 9, "name")))
    assert found == [("direct", "We will win this war,", PUTIN, "said")]


def test_indirect_speech_in_a_that_clause(quotes: ExtractQuotes):
    rows = [("Putin", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "say"), ("that", 5, "mark", "SCONJ"),
            ("Russia", 5, "nsubj", "PROPN"), ("would", 5, "aux", "AUX"), ("win", 1, "ccomp", "VERB"),
            (".", 1, "punct", "PUNCT")]
    found = _quotes(quotes, rows, (PUTIN, "Vladimir Putin", (0, 1, "name")), (RUS, "Russia", (3, 4, "name")))
    assert len(found) == 1
    kind, content, speaker, cue = found[0]
    assert (kind, speaker, cue) == ("indirect", PUTIN, "said") and content.endswith("Russia would win")


def test_according_to_names_the_speaker(quotes: ExtractQuotes):
    rows = [("According", 6, "prep", "VERB", "accord"), ("to", 0, "prep", "ADP"), ("Putin", 1, "pobj", "PROPN"),
            (",", 6, "punct", "PUNCT"), ("Russia", 6, "nsubj", "PROPN"), ("has", 6, "aux", "AUX", "have"),
            ("won", 6, "ROOT", "VERB", "win"), ("the", 8, "det", "DET"), ("war", 6, "dobj", "NOUN"),
            (".", 6, "punct", "PUNCT")]
    found = _quotes(quotes, rows, (PUTIN, "Vladimir Putin", (2, 3, "name")), (RUS, "Russia", (4, 5, "name")))
    assert found == [("indirect", "Russia has won the war", PUTIN, "According to")]


def test_a_short_quoted_fragment_without_a_cue_is_not_a_quote(quotes: ExtractQuotes):
    rows = [("Russia", 1, "nsubj", "PROPN"), ("began", 1, "ROOT", "VERB", "begin"), ("a", 5, "det", "DET"),
            ("“", 5, "punct", "PUNCT"), ("special", 5, "amod", "ADJ"), ("operation", 1, "dobj", "NOUN"),
            ("”", 1, "punct", "PUNCT"), (".", 1, "punct", "PUNCT")]
    assert _quotes(quotes, rows, (RUS, "Russia", (0, 1, "name"))) == []
