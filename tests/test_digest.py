"""The summary lines of a document (main event first) and the one-sentence summary of an actor."""

import pytest

from powermap import datafiles, digest, ontology
from powermap.schema import Actor, Document, Mention, Relation, Span, Stance, Technique

TEXT = ("Russia sent troops to Belarus on Monday. Officials in Minsk welcomed them. "
        "Later, Poland criticised Belarus, and Lithuania may ask Poland for help.")
ACTORS = {"state:rus": ("Russia", ["Russia"]), "state:blr": ("Belarus", ["Belarus", "Minsk", "Belarus"]),
          "state:pol": ("Poland", ["Poland", "Poland"]), "state:ltu": ("Lithuania", ["Lithuania"])}


def _mentions(words: list[str]) -> list[Mention]:
    found, position = [], {}
    for word in words:
        start = TEXT.index(word, position.get(word, 0))
        position[word] = start + len(word)
        found.append(Mention.of(TEXT, start, start + len(word), kind="name"))
    return found


def _relation(number: int, source: str, type_: str, target: str | None, trigger: str, confidence: float,
              modality: str = "asserted", negated: bool = False, asserted_by: str | None = "author") -> Relation:
    start = TEXT.index(trigger)
    sentence_start = TEXT.rfind(". ", 0, start) + 2 if ". " in TEXT[:start] else 0
    sentence_end = TEXT.index(".", start) + 1
    return Relation(id=f"rel-{number}", source=source, target=target, type=type_, negated=negated, modality=modality,
                    asserted_by=asserted_by, date=None, date_source=None,
                    trigger=Span.of(TEXT, start, start + len(trigger)),
                    evidence=Span.of(TEXT, sentence_start, sentence_end), confidence=confidence)


def _document(relations: list[Relation], **layers) -> dict:
    actors = [Actor(id=i, name=name, type="state", origin="gazetteer", mentions=_mentions(words))
              for i, (name, words) in ACTORS.items()]
    return Document(id="0" * 16, source="t.txt", format="text", pipeline="test", text=TEXT, actors=actors,
                    relations=relations, **layers).dump()


def test_the_line_reads_who_did_what_to_whom_with_its_trigger_voice_and_confidence():
    document = _document([_relation(1, "state:rus", "MOBILIZE", "state:blr", "sent troops", 0.82)])
    (line,) = digest.document_lines(document)
    assert str(line) == "Russia MOBILIZE Belarus: 'sent troops' (author, 0.82)"
    assert TEXT[line.start:line.end] == "Russia sent troops to Belarus on Monday."
    negated = _document([_relation(1, "state:rus", "MOBILIZE", None, "sent troops", 0.5, negated=True,
                                   asserted_by=None)])
    assert str(digest.document_lines(negated)[0]) == "Russia NOT MOBILIZE: 'sent troops' (unknown speaker, 0.50)"


def test_the_lead_and_the_main_actors_outrank_a_later_relation_of_the_same_confidence():
    lead = _relation(1, "state:rus", "MOBILIZE", "state:blr", "sent troops", 0.6)
    later = _relation(2, "state:pol", "ACCUSE", "state:blr", "criticised", 0.6)
    assert [line.relation for line in digest.document_lines(_document([later, lead]))] == ["rel-1", "rel-2"]
    surer = _relation(2, "state:pol", "ACCUSE", "state:blr", "criticised", 0.95)
    assert digest.document_lines(_document([lead, surer]))[0].relation == "rel-2"  # confidence still counts most


def test_a_possible_event_counts_half_of_an_asserted_one():
    asserted = _relation(1, "state:pol", "ACCUSE", "state:blr", "criticised", 0.5)
    possible = _relation(2, "state:ltu", "REQUEST", "state:pol", "ask", 0.9, modality="possible")
    lines = digest.document_lines(_document([possible, asserted]))
    assert ontology.MODALITY_WEIGHT["possible"] == 0.5
    assert [line.relation for line in lines] == ["rel-1", "rel-2"]  # 0.9 x 0.5 is less than 0.5 x 1 here
    assert lines[0].score > lines[1].score


def test_one_line_per_event_and_at_most_the_limit():
    twice = [_relation(1, "state:rus", "MOBILIZE", "state:blr", "sent troops", 0.4),
             _relation(2, "state:rus", "MOBILIZE", "state:blr", "troops", 0.9),
             _relation(3, "state:pol", "AGREE", "state:ltu", "ask", 0.5),
             _relation(4, "state:ltu", "AGREE", "state:pol", "help", 0.6)]  # symmetric: the same event
    lines = digest.document_lines(_document(twice))
    assert [line.relation for line in lines] == ["rel-2", "rel-4"]
    many = [_relation(n, "state:pol", t, "state:blr", "criticised", 0.5) for n, t in
            enumerate(["ACCUSE", "REJECT", "THREATEN", "SANCTION", "COERCE"], 1)]
    assert len(digest.document_lines(_document(many))) == digest.LINES
    assert digest.document_lines(_document([])) == []


def test_the_actor_sentence_groups_by_phrase_with_the_most_relations_first():
    groups = [digest.Group("SANCTION", "in", False, "state:usa", 3, "2019", "2024", "d1", "rel-1"),
              digest.Group("SUPPORT", "in", False, "state:rus", 1, None, None, "d2", "rel-1"),
              digest.Group("SUPPORT", "in", False, "state:cub", 1, None, None, "d3", "rel-2"),
              digest.Group("AGREE", "in", False, "state:chn", 1, None, None, "d3", "rel-3"),
              digest.Group("ACCUSE", "out", True, "state:usa", 1, None, None, "d4", "rel-1"),
              digest.Group("MOBILIZE", "out", False, None, 1, None, None, "d5", "rel-1")]
    names = {"state:usa": "the United States", "state:rus": "Russia", "state:cub": "Cuba", "state:chn": "China"}
    sentence = digest.actor_sentence("Maduro", groups, names)
    assert sentence == ("Maduro: sanctioned by the United States (3); backed by Cuba, Russia; "
                        "agreed with China; mobilized; not accused the United States")
    assert digest.actor_sentence("Nobody", [], {}) == "Nobody: no relations"


def test_every_relation_type_has_both_phrases_and_a_missing_one_is_refused():
    words = datafiles.load("digest.yaml")
    assert set(words.phrases) == set(ontology.RELATION_TYPES)
    assert digest.phrase("SANCTION", "in", False) == "sanctioned by"
    assert digest.phrase("ALLY", "in", False) == digest.phrase("ALLY", "out", False)  # symmetric
    raw = {"version": 1, "negation": "not",
           "phrases": {t: {"does": "x", "done_to": "y"} for t in ontology.RELATION_TYPES if t != "AID"}}
    with pytest.raises(ValueError, match="no phrase for AID"):
        datafiles.DigestFile.model_validate(raw)


def test_rhetoric_and_stance_are_kept_apart_by_voice_author_first():
    start = TEXT.index("welcomed")
    welcomed = Span.of(TEXT, start, start + len("welcomed"))
    rhetoric = [Technique.of(TEXT, start, start + 8, technique="loaded_language", target=None, confidence=0.7,
                             held_by="state:blr"),
                Technique.of(TEXT, 0, 6, technique="flag_waving", target="state:rus", confidence=0.6, held_by="author"),
                Technique.of(TEXT, 0, 6, technique="doubt", target=None, confidence=0.6, held_by=None)]
    stance = [Stance(actor="state:rus", held_by="state:blr", value=0.5, evidence=[welcomed])]
    document = _document([], rhetoric=rhetoric, stance=stance)
    voices = digest.voices(document, {a["id"]: a["name"] for a in document["actors"]})
    assert [v.holder for v in voices] == ["author", "Belarus", "unresolved speaker"]
    assert [t["technique"] for t in voices[0].techniques] == ["flag_waving"]
    assert [t["technique"] for t in voices[1].techniques] == ["loaded_language"]
    assert voices[1].stance[0]["value"] == 0.5 and voices[0].stance == []
