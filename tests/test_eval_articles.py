"""The whole-article scorer: each matching rule of the articles-dev README on small gold and system
examples we wrote, and the command on the shared set when it is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from powermap.cli import app
from powermap.eval.articles import (
    ActorView,
    classify_miss,
    confusion,
    evaluate,
    match_actors,
    match_numbers,
    match_quotes,
    normalise,
    number_value,
    quote_overlap,
    relation_key,
    score_article,
    shared_strings,
    shares_evidence,
    system_numbers,
)
from powermap.schema import Actor, Claim, DateMention, Document, Genre, Mention, Quantity, Quote, Relation, Span

ARTICLES_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "articles-dev"

TEXT = ("Norland accused Vesta of shelling the border town. Vesta did not agree to talks with Norland. "
        "Prime Minister Ilse Marr said: “We will answer every provocation with calm resolve.” "
        "About 2,500 soldiers crossed the river in May 2019, and 18% of the voters fled.")


# -- builders of a system document (our schema) over TEXT -------------------------------------------

def _span(cls, part: str, occurrence: int = 0, **fields):
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(part, start + 1)
    return cls.of(TEXT, start, start + len(part), **fields)


def _actor(id_: str, name: str, type_: str, *mentions: str) -> Actor:
    return Actor(id=id_, name=name, type=type_, origin="ner",
                 mentions=[_span(Mention, m, kind="name") for m in mentions])


def _relation(source: str, type_: str, target: str | None, negated: bool, evidence: str) -> Relation:
    return Relation(id=f"{source}-{type_}-{target}", source=source, target=target, type=type_, negated=negated,
                    modality="asserted", asserted_by="author", date=None, date_source=None,
                    trigger=_span(Span, evidence.split()[1]), evidence=_span(Span, evidence), confidence=0.8)


def _document(actors: list[Actor], relations: list[Relation] = (), quotes: list[Quote] = (),
              claims: list[Claim] = (), genre: str = "reporting") -> Document:
    return Document(id="0" * 16, source="test", format="text", pipeline="test", text=TEXT, actors=actors,
                    relations=list(relations), quotes=list(quotes), claims=list(claims),
                    genre=Genre(label=genre, score=1.0, reasons=[]))


def _gold(**layers) -> dict:
    return {"id": "t1", "text": TEXT, "genre": "reporting", "actors": [], "relations": [], "quotes": [],
            "numbers": [], **layers}


NORLAND = {"name": "Norland", "type": "country", "mentions": ["Norland"]}
VESTA = {"name": "Vesta", "type": "country", "mentions": ["Vesta"]}
MARR = {"name": "Ilse Marr", "type": "person", "mentions": ["Prime Minister Ilse Marr"]}


def _our_states() -> list[Actor]:
    return [_actor("state:nor", "Norland", "state", "Norland"), _actor("state:ves", "Vesta", "state", "Vesta")]


# -- normalisation ----------------------------------------------------------------------------------

def test_normalise_folds_lowers_drops_a_leading_the_and_collapses_other_characters():
    assert normalise("The Kremlin’s “special” operation") == "kremlin s special operation"
    assert normalise("  THE   West!! ") == "west"
    assert normalise("Türkiye's São Tomé") == "turkiye s sao tome"
    assert normalise("18 %, up—from 12%") == "18 % up from 12%"
    assert normalise("Theodore and the others") == "theodore and the others"  # only a leading word "the"


# -- actors -----------------------------------------------------------------------------------------

def test_family_name_counts_between_people_only():
    gold = ActorView.of("Ilse Marr", "person", ["Prime Minister Ilse Marr"])
    ours = ActorView.of("Marr", "person", ["Ms. Marr"])
    assert shared_strings(gold, ours) == 1
    place = ActorView.of("Marr", "organization", ["Marr"])
    assert shared_strings(gold, place) == 0  # "marr" is the family name of a person, not of an organisation


def test_our_types_are_read_in_the_gold_vocabulary():
    assert ActorView.of("Norland", "state", []).type == "country"
    assert ActorView.of("Daily Lantern", "media", []).type == "organization"
    assert ActorView.of("Ilse Marr", "person", []).type == "person"


def test_actors_are_matched_one_to_one_most_shared_strings_first():
    anna = ActorView.of("Anna Berg", "person", ["Berg"])
    carl = ActorView.of("Carl Berg", "person", ["Carl Berg"])
    ours_carl = ActorView.of("Carl Berg", "person", ["Berg", "Carl Berg"])
    # Both gold people share "berg" with our one actor; Carl shares two strings and wins; Anna stays missed.
    assert match_actors([anna, carl], [ours_carl]) == {1: 0}
    ours_anna = ActorView.of("Anna Berg", "person", ["Anna Berg"])
    assert match_actors([anna, carl], [ours_carl, ours_anna]) == {1: 0, 0: 1}


def test_actor_precision_is_over_every_actor_we_report():
    ours = [*_our_states(), _actor("group:border", "border town", "group", "border town")]
    score = score_article(_gold(actors=[NORLAND, VESTA, MARR]), _document(ours))
    actors = score.layers["actors"].scores()
    assert (actors["gold"], actors["predicted"], actors["matched"]) == (3, 3, 2)
    assert actors["precision"] == actors["recall"] == 0.667
    assert score.actor_types_right == 2  # state read as country


# -- relations --------------------------------------------------------------------------------------

def test_symmetric_types_are_unordered_and_directed_ones_are_not():
    assert relation_key("Vesta", "AGREE", "Norland", False) == relation_key("Norland", "AGREE", "Vesta", False)
    assert relation_key("Vesta", "ALLY", "Norland", False) == relation_key("Norland", "ALLY", "Vesta", False)
    assert relation_key("Vesta", "ACCUSE", "Norland", False) != relation_key("Norland", "ACCUSE", "Vesta", False)


def test_relations_match_through_the_actor_matching_with_type_direction_and_negation():
    gold = _gold(actors=[NORLAND, VESTA], relations=[
        {"source": "Norland", "type": "ACCUSE", "target": "Vesta", "negated": False, "evidence": "x"},
        {"source": "Norland", "type": "AGREE", "target": "Vesta", "negated": True, "evidence": "x"},
    ])
    ours = [
        _relation("state:nor", "ACCUSE", "state:ves", False, "Norland accused Vesta of shelling the border town."),
        _relation("state:ves", "AGREE", "state:nor", False, "Vesta did not agree to talks with Norland."),
        _relation("state:ves", "ASSAULT", None, False, "Norland accused Vesta of shelling the border town."),
    ]
    score = score_article(gold, _document(_our_states(), ours))
    relations = score.layers["relations"].scores()
    # The accusation matches; the talks miss on polarity; the relation with no target counts against precision.
    assert (relations["gold"], relations["predicted"], relations["matched"]) == (2, 3, 1)
    assert score.misses == {"negation": 1}
    pairs = score.layers["actor_pairs"].scores()
    assert (pairs["gold"], pairs["predicted"], pairs["matched"]) == (1, 2, 1)


def test_negation_must_agree():
    negated = relation_key("Vesta", "AID", "Norland", True)
    assert negated != relation_key("Vesta", "AID", "Norland", False)
    assert classify_miss(negated, {relation_key("Vesta", "AID", "Norland", False)}, {"Vesta", "Norland"}) == "negation"


def test_missed_relations_are_classified_by_what_went_wrong():
    key = relation_key("Vesta", "ACCUSE", "Norland", False)
    found = {"Vesta", "Norland"}
    assert classify_miss(key, set(), {"Vesta"}) == "actor missing"
    assert classify_miss(key, set(), found) == "no trigger"
    elsewhere = {relation_key("Vesta", "ACCUSE", "Ostra", False)}
    assert classify_miss(key, elsewhere, found, read_from_evidence=True) == "other actors in its evidence"
    assert classify_miss(key, {relation_key("Norland", "ACCUSE", "Vesta", False)}, found) == "direction"
    assert classify_miss(key, {relation_key("Vesta", "THREATEN", "Norland", False)}, found) == "type wrong"


def test_evidence_is_shared_when_one_normalised_text_holds_the_other():
    ours = ["Vesta did not agree to talks with Norland.", "Norland accused Vesta of shelling the border town."]
    assert shares_evidence("Vesta did not agree to talks", ours)
    assert shares_evidence("In March, Norland accused Vesta of shelling the border town, and more.", ours)
    assert not shares_evidence("Ostra sent aid to Vesta.", ours)
    assert not shares_evidence("", ours)


def test_confusion_counts_types_on_matched_pairs_missed_and_spurious():
    gold = {relation_key("Vesta", "ACCUSE", "Norland", False), relation_key("Vesta", "AID", "Ostra", False)}
    ours = {relation_key("Vesta", "THREATEN", "Norland", False), relation_key("Ostra", "SANCTION", "Norland", False)}
    assert confusion(gold, ours) == {("ACCUSE", "THREATEN"): 1, ("AID", "missed"): 1, ("spurious", "SANCTION"): 1}


# -- quotes -----------------------------------------------------------------------------------------

def test_quote_overlap_is_a_share_of_the_smaller_side():
    assert quote_overlap("answer every provocation", "“We will answer every provocation with calm resolve.”") == 1.0
    assert quote_overlap("we will answer", "we stay calm") == pytest.approx(1 / 3)
    assert quote_overlap("calm resolve", "resolve is firm") == 0.5
    assert match_quotes(["calm resolve"], ["resolve is firm"]) == {0: 0}
    assert match_quotes(["we will answer"], ["we stay calm"]) == {}
    # one-to-one: the better of two overlapping quotes of ours is taken, the other stays spurious
    assert match_quotes(["we will answer every provocation"], ["we will", "we will answer every provocation"]) == {0: 1}


def test_quote_speakers_right_when_ours_is_the_matched_actor_or_none_for_unknown():
    ours = [*_our_states(), _actor("person:marr", "Ilse Marr", "person", "Prime Minister Ilse Marr")]
    content = "We will answer every provocation with calm resolve."
    quote = _span(Quote, content, kind="direct", speaker="person:marr", speaker_text=None, cue=None, source=None,
                  confidence=0.9)
    unnamed = quote.model_copy(update={"speaker": None})
    indirect = _span(Quote, "of shelling the border town", kind="indirect", speaker=None, speaker_text=None,
                     cue=None, source=None, confidence=0.5)
    for speaker, our_quote, right in (("Ilse Marr", quote, 1), ("UNKNOWN", quote, 0), ("UNKNOWN", unnamed, 1),
                                      ("Vesta", quote, 0)):
        gold = _gold(actors=[NORLAND, VESTA, MARR], quotes=[{"speaker": speaker, "text": content}])
        score = score_article(gold, _document(ours, quotes=[our_quote, indirect]))
        quotes = score.layers["quotes"].scores()
        assert (quotes["predicted"], quotes["matched"]) == (1, 1)  # indirect speech is not scored
        assert score.speakers_right == right, speaker


# -- numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "value"), [
    ("2,500", 2500), ("18%", 18), ("one thousand", 1000), ("€59 billion", 59e9), ("$2.7 billion", 2.7e9),
    ("two and a half million", 2.5e6), ("31 percent", 31), ("two-year", 2), ("four months", 4),
    ("1990–94", 1990), ("12th", 12), ("forty-two", 42),
])
def test_number_values_are_normalised_to_digits(written, value):
    assert number_value(written) == pytest.approx(value)


def test_a_word_that_is_no_number_has_no_value():
    assert number_value("several") is None


def _claim(quantities: list[Quantity], dates: list[DateMention]) -> Claim:
    return _span(Claim, "About 2,500 soldiers crossed the river in May 2019, and 18% of the voters fled.",
                 id="c1", kind="statistic", quantities=quantities, dates=dates, actors=[], predicate="cross",
                 asserted_by="author", checkworthiness=0.5, reasons=[])


def test_years_of_claim_dates_count_as_numbers_and_other_dates_do_not():
    soldiers = _span(Quantity, "About 2,500", value=2500, unit="soldier", about=None)
    share = _span(Quantity, "18%", value=18, unit="percent", about=None)
    may = _span(DateMention, "May 2019", iso="2019-05", precision="month")
    unplaced = _span(DateMention, "the river", iso=None, precision="day")
    numbers = system_numbers(_document([], claims=[_claim([soldiers, share], [may, unplaced])]))
    assert [values for _, values in numbers] == [{2500.0}, {2019.0}, {18.0}]
    old = _span(DateMention, "May 2019", iso="1750-05", precision="month")
    assert system_numbers(_document([], claims=[_claim([], [old])])) == []


def test_numbers_match_one_to_one_by_value():
    ours = [{2500.0}, {2019.0}, {18.0}]
    assert match_numbers([2019.0, 2500.0, 2500.0, None], ours) == {0: 1, 1: 0}
    gold = _gold(numbers=[{"value": "2,500", "about": "x"}, {"value": "2019", "about": "x"},
                          {"value": "seven", "about": "x"}])
    soldiers = _span(Quantity, "About 2,500", value=2500, unit="soldier", about=None)
    may = _span(DateMention, "May 2019", iso="2019-05", precision="month")
    score = score_article(gold, _document([], claims=[_claim([soldiers], [may])]))
    assert score.layers["numbers"].scores()["matched"] == 2
    assert any("number missed: 'seven'" in line for line in score.errors)


# -- genre and the whole set ------------------------------------------------------------------------

def test_genre_is_right_per_article():
    assert score_article(_gold(), _document([], genre="reporting")).genre_predicted == "reporting"
    wrong = score_article(_gold(), _document([], genre="opinion"))
    assert any(line.startswith("genre: gold reporting, ours opinion") for line in wrong.errors)


def test_a_bad_gold_file_costs_only_itself(tmp_path: Path, pipeline):
    (tmp_path / "a1.json").write_text(json.dumps(_gold(actors=[NORLAND, VESTA])), encoding="utf-8")
    (tmp_path / "a2.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "a3.json").write_text(json.dumps({"id": "a3", "text": "Vesta said no."}), encoding="utf-8")
    (tmp_path / "a4.json").write_text(json.dumps({**_gold(), "id": "a4", "actors": "Vesta"}), encoding="utf-8")
    # An article we cannot analyse still counts: its gold is missed, not dropped.
    (tmp_path / "a5.json").write_text(json.dumps({**_gold(actors=[MARR]), "id": "a5", "text": "  \n "}),
                                      encoding="utf-8")
    report = evaluate(tmp_path, pipeline)
    assert [a.id for a in report.articles] == ["t1", "a5"]
    assert len(report.problems) == 4
    assert any("a3.json: missing genre" in p for p in report.problems)
    assert any(p.startswith("a5.json: analysis failed") for p in report.problems)
    assert (report.total("actors").gold, report.articles[1].layers["actors"].predicted) == (3, 0)


@pytest.mark.skipif(not ARTICLES_DEV.is_dir(), reason="../shared/eval/articles-dev is not here")
def test_the_command_on_articles_dev_prints_every_layer_with_figures_in_range():
    result = CliRunner().invoke(app, ["eval", "articles", str(ARTICLES_DEV), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    articles = len(list(ARTICLES_DEV.glob("*.json")))
    assert report["articles"] == articles and report["problems"] == []
    for layer in ("actors", "relations", "actor_pairs", "quotes", "numbers"):
        scores = report[layer]
        assert scores["gold"] > 0 and 0 <= scores["matched"] <= min(scores["gold"], scores["predicted"])
        assert all(0.0 <= scores[k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert all(0.0 <= report[k] <= 1.0 for k in ("actor_type_accuracy", "quote_speaker_accuracy", "genre_accuracy"))
    assert len(report["per_article"]) == articles
    for row in report["per_article"]:
        assert all(row[k] is None or 0.0 <= row[k] <= 1.0 for k in row if k.endswith("_f1"))
    gold_relations = report["relations"]["gold"]
    assert sum(c["count"] for c in report["relation_confusion"] if c["gold"] != "spurious") == gold_relations
    assert sum(report["relation_misses"].values()) == gold_relations - report["relations"]["matched"]
    table = CliRunner().invoke(app, ["eval", "articles", str(ARTICLES_DEV), "--errors"], env={"COLUMNS": "200"})
    assert table.exit_code == 0
    assert "per article" in table.stdout and "relations missed, by reason" in table.stdout
    assert "relation missed (" in table.stdout


def test_the_command_refuses_a_folder_without_articles(tmp_path: Path):
    result = CliRunner().invoke(app, ["eval", "articles", str(tmp_path)])
    assert result.exit_code == 2
