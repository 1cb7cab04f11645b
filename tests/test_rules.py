"""Relation and quote rules on hand-built parses: no model, so a rule is tested on exactly the parse it reads."""

from __future__ import annotations

import pytest

from powermap import ontology
from powermap.quotes import STRATEGIES, ExtractQuotes
from powermap.relations import PASSES, POST_STEPS, ExtractRelations
from powermap.schema import Quote
from tests.handmade import actor, analysis, doc

RUS, UKR, BLR, POL, PUTIN = "state:RUS", "state:UKR", "state:BLR", "state:POL", "person:vladimir-putin"


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


# -- the order of the strategies, paths and post-steps ----------------------------------------------
def test_the_quote_strategies_paths_and_post_steps_can_be_read_in_their_order():
    assert [strategy.name for strategy in ExtractQuotes().strategies] == [
        "reported speech", "according to", "labels", "quotation marks", "quoted fragments"]
    assert [(walk.name, [path.name for path in walk.paths]) for walk in ExtractRelations().passes] == [
        ("predicates", ["control verb", "control adjective", "governed infinitive", "trigger verb", "obligation"]),
        ("nouns and adjectives", ["noun", "adjective"])]
    assert [step.name for step in ExtractRelations().post_steps] == [
        "conditional threats", "symmetric pairs", "answered requests"]


def _only(names: set[str]) -> tuple:
    return tuple(strategy for strategy in STRATEGIES if strategy.name in names)


def _said_rows(marks: bool) -> list[tuple[str, ...]]:
    """`Putin said, “Russia will never give up its land.”`, with or without the quotation marks."""
    rows = [("Putin", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "say"), (",", 1, "punct", "PUNCT"),
            ("Russia", 7, "nsubj", "PROPN"), ("will", 7, "aux", "AUX"), ("never", 7, "neg", "ADV"),
            ("give", 1, "ccomp", "VERB"), ("up", 7, "prt", "ADP"), ("its", 10, "poss", "PRON"),
            ("land", 7, "dobj", "NOUN"), (".", 7, "punct", "PUNCT")]
    if not marks:
        return [(word, head - (head > 2), *rest) for word, head, *rest in rows]
    rows.insert(3, ("“", 7, "punct", "PUNCT"))
    return [*rows, ("”", 7, "punct", "PUNCT")]


def test_words_in_quotation_marks_are_held_for_the_direct_strategy_before_any_strategy_runs():
    speaker = (PUTIN, "Vladimir Putin", (0, 1, "name"))
    quotes = ExtractQuotes()
    assert _quotes(quotes, _said_rows(marks=False), speaker) == [
        ("indirect", "Russia will never give up its land", PUTIN, "said")]
    # The same clause in marks: the reported-speech strategy leaves it to the quotation marks ...
    assert _quotes(quotes, _said_rows(marks=True), speaker) == [
        ("direct", "Russia will never give up its land.", PUTIN, "said")]
    # ... even when it runs alone: the marks are held when the document is read, not when their strategy runs.
    assert _quotes(ExtractQuotes(_only({"reported speech"})), _said_rows(marks=True), speaker) == []


def test_a_quoted_fragment_belongs_to_the_reported_speech_that_holds_it():
    rows = [("Putin", 1, "nsubj", "PROPN"), ("said", 1, "ROOT", "VERB", "say"), ("Russia", 4, "nsubj", "PROPN"),
            ("would", 4, "aux", "AUX"), ("fight", 1, "ccomp", "VERB"), ("“", 4, "punct", "PUNCT"),
            ("to", 4, "prep", "ADP"), ("the", 10, "det", "DET"), ("very", 9, "advmod", "ADV"),
            ("last", 10, "amod", "ADJ"), ("man", 6, "pobj", "NOUN"), ("”", 4, "punct", "PUNCT"),
            ("in", 4, "prep", "ADP"), ("the", 14, "det", "DET"), ("east", 12, "pobj", "NOUN"),
            (".", 1, "punct", "PUNCT")]
    speaker = (PUTIN, "Vladimir Putin", (0, 1, "name"))
    # Alone, the fragment strategy reports the phrase in marks as the words of the nearest cue's speaker.
    alone = _quotes(ExtractQuotes(_only({"quoted fragments"})), rows, speaker)
    assert alone == [("mixed", "to the very last man", PUTIN, "said")]
    # With the reported speech before it, the clause claims the fragment: one quote, not two.
    assert _quotes(ExtractQuotes(), rows, speaker) == [
        ("mixed", "Russia would fight “to the very last man” in the east", PUTIN, "said")]


def test_a_light_verb_claims_its_noun_from_the_noun_path(relations: ExtractRelations):
    rows = [("Poland", 1, "nsubj", "PROPN"), ("imposed", 1, "ROOT", "VERB", "impose"), ("Polish", 3, "amod", "ADJ"),
            ("sanctions", 1, "dobj", "NOUN", "sanction"), ("on", 3, "prep", "ADP"), ("Belarus", 4, "pobj", "PROPN"),
            (".", 1, "punct", "PUNCT")]
    sides = ((POL, "Poland", (0, 1, "name"), (2, 3, "demonym")), (BLR, "Belarus", (5, 6, "name")))
    assert _relations(relations, rows, *sides) == [
        (POL, "SANCTION", BLR, False, "asserted", "imposed Polish sanctions")]
    nouns_only = ExtractRelations(passes=tuple(walk for walk in PASSES if walk.name != "predicates"))
    assert _relations(nouns_only, rows, *sides) == [(POL, "SANCTION", BLR, False, "asserted", "sanctions")]


def _without_step(name: str) -> ExtractRelations:
    return ExtractRelations(post_steps=tuple(step for step in POST_STEPS if step.name != name))


def test_the_conditional_threat_post_step_makes_an_announced_act_with_unless_a_threat(relations: ExtractRelations):
    rows = [("Russia", 2, "nsubj", "PROPN"), ("will", 2, "aux", "AUX"), ("invade", 2, "ROOT", "VERB"),
            ("Ukraine", 2, "dobj", "PROPN"), ("unless", 6, "mark", "SCONJ"), ("talks", 6, "nsubj", "NOUN", "talk"),
            ("resume", 2, "advcl", "VERB"), (".", 2, "punct", "PUNCT")]
    sides = ((RUS, "Russia", (0, 1, "name")), (UKR, "Ukraine", (3, 4, "name")))
    assert _relations(relations, rows, *sides) == [(RUS, "THREATEN", UKR, False, "intended", "invade")]
    assert _relations(_without_step("conditional threats"), rows, *sides) == [
        (RUS, "ASSAULT", UKR, False, "intended", "invade")]


def test_the_answered_request_post_step_aims_a_deployment_at_whoever_asked(relations: ExtractRelations):
    rows = [("Belarus", 1, "nsubj", "PROPN"), ("asked", 1, "ROOT", "VERB", "ask"), ("Russia", 1, "dobj", "PROPN"),
            ("to", 4, "aux", "PART"), ("help", 1, "xcomp", "VERB"), (".", 1, "punct", "PUNCT"),
            ("Russia", 7, "nsubj", "PROPN"), ("sent", 7, "ROOT", "VERB", "send"),
            ("troops", 7, "dobj", "NOUN", "troop"), (".", 7, "punct", "PUNCT")]
    sides = ((BLR, "Belarus", (0, 1, "name")), (RUS, "Russia", (2, 3, "name"), (6, 7, "name")))
    answered = _relations(relations, rows, *sides)
    assert (RUS, "MOBILIZE", BLR, False, "asserted", "sent troops") in answered
    assert (BLR, "REQUEST", RUS, False, "asserted", "asked") in answered
    unanswered = _relations(_without_step("answered requests"), rows, *sides)
    assert (RUS, "MOBILIZE", None, False, "asserted", "sent troops") in unanswered
