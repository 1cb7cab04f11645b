"""Floors: every `powermap eval` figure as measured (README), so that a change that lowers one fails here.

A ratio (precision, recall, F1, accuracy) may rise but not fall below its floor; a gold count is pinned
exactly, since it changes only when the gold data does. Raise a floor when a change raises the figure.
The quotes and events figures need ../shared (skipped without it) and take a minute or two: they are
marked `slow` (`make test` runs them; `pytest -m "not slow"` leaves them out).
"""

from __future__ import annotations

from typing import Any

import pytest

from powermap.eval import articles, claims, coref, events, genre, quotes, rhetoric
from powermap.pipeline import Pipeline
from tests.conftest import SHARED

CLAIMS = {"items": 44, "gold_quantities": 39, "gold_dates": 29, "quantity_precision": 1.0, "quantity_recall": 1.0,
          "quantity_f1": 1.0, "unit_accuracy": 1.0, "date_accuracy": 1.0}
_TECHNIQUES = {  # name: (gold, precision, recall, f1) on our 32 passages (the learned layer; the rules were tuned here)
    "appeal_to_authority": (4, 0.0, 0.0, 0.0), "appeal_to_fear": (3, 1.0, 0.667, 0.8),
    "black_and_white_fallacy": (3, 0.75, 1.0, 0.857), "causal_oversimplification": (4, 0.6, 0.75, 0.667),
    "doubt": (3, 0.25, 0.333, 0.286), "exaggeration": (6, 0.0, 0.0, 0.0), "flag_waving": (2, 0.182, 1.0, 0.308),
    "loaded_language": (6, 0.316, 1.0, 0.48), "name_calling": (8, 0.348, 1.0, 0.516),
    "repetition": (3, 0.0, 0.0, 0.0), "slogans": (4, 0.16, 1.0, 0.276),
    "thought_terminating_cliche": (2, 0.0, 0.0, 0.0), "whataboutism": (3, 1.0, 0.667, 0.8),
    "all": (51, 0.27, 0.608, 0.373),
}
PTC = {"all": {"gold": 4125, "precision": 0.106, "recall": 0.136, "f1": 0.12},
       "loaded_language": {"gold": 1464, "precision": 0.153, "recall": 0.156, "f1": 0.154},
       "name_calling": {"gold": 711, "precision": 0.09, "recall": 0.198, "f1": 0.124},
       "doubt": {"gold": 301, "precision": 0.145, "recall": 0.289, "f1": 0.193}}
RHETORIC = {"passages": 32, "genre_accuracy": 0.969, "techniques": {
    name: {"gold": gold, "precision": p, "recall": r, "f1": f} for name, (gold, p, r, f) in _TECHNIQUES.items()}}
QUOTES = {"texts": 84, "files": 94,
          "direct quotes": {"gold": 435.0, "precision": 0.906, "recall": 0.908, "f1": 0.907,
                            "speaker_accuracy": 0.916, "cue_accuracy": 0.934},
          "all attributions": {"gold": 2189.8, "precision": 0.823, "recall": 0.62, "f1": 0.707,
                               "speaker_accuracy": 0.911, "cue_accuracy": 0.934}}
# With the learned relation layer (2026-12-01): lower than the rules alone (0.525 / 0.904), which were
# tuned on these records; the layer is measured by whole real articles (ARTICLES below).
# Re-trained with the long news records, the threshold at best held-out F1 and rule labels per sentence,
# with the coreference stage (2026-12-01): precision 0.431 -> 0.392 for recall 0.402 -> 0.450; F1 0.416 ->
# 0.419, type accuracy 0.862 -> 0.828 (the trade was taken for whole real articles, ARTICLES below).
EVENTS = {"records": 321, "gold_triples": 249, "precision": 0.392, "recall": 0.45, "f1": 0.419,
          "type_accuracy": 0.828}
ARTICLES = {"articles": 24,
            "actors": {"gold": 209, "precision": 0.789, "recall": 0.895, "f1": 0.839},
            # precision traded for recall by the threshold at best held-out F1 (was 0.388 / 0.166 / 0.232)
            "relations": {"gold": 199, "precision": 0.351, "recall": 0.196, "f1": 0.252},
            "actor_pairs": {"gold": 147, "precision": 0.465, "recall": 0.272, "f1": 0.343},
            "quotes": {"gold": 47, "precision": 0.938, "recall": 0.638, "f1": 0.759},
            # measured 0.879 / 0.951 / 0.913 (2026-12-01); a small margin for the other layers' changes
            "numbers": {"gold": 61, "precision": 0.86, "recall": 0.93, "f1": 0.89},
            # speakers: the coreference stage (was 0.833); genre: the learned model (was 0.5)
            "quote_speaker_accuracy": 0.867, "genre_accuracy": 0.708}
POLNEAR_GENRE = {"texts": 84, "accuracy": 0.798}  # the genre model retrained on the learned techniques
# Coreference on our passages (training/coref/): `test` is the held-out split (files heldout-*), `dev` the
# passages the rules were written on.
COREF = {"passages": 109, "links": 372,
         "test": {"links": 94, "accuracy": 0.904, "pronoun_accuracy": 0.886, "possessive_accuracy": 0.957,
                  "role_noun_accuracy": 0.842, "description_accuracy": 1.0},
         "dev": {"links": 278, "accuracy": 0.863, "pronoun_accuracy": 0.804, "possessive_accuracy": 0.93,
                 "role_noun_accuracy": 0.896, "description_accuracy": 0.943}}
_RATIOS = ("precision", "recall", "f1", "accuracy")


def _below(floors: dict[str, Any], measured: dict[str, Any], tolerance: float, where: str = "") -> list[str]:
    """Every figure under its floor (or a count that moved), as `where: measured < floor`."""
    problems = []
    for name, floor in floors.items():
        place = f"{where}{name}"
        if name not in measured:
            problems.append(f"{place}: no longer measured")
        elif isinstance(floor, dict):
            problems.extend(_below(floor, measured[name], tolerance, f"{place}."))
        elif name.endswith(_RATIOS):
            if measured[name] < floor - tolerance:
                problems.append(f"{place}: {measured[name]} < floor {floor}")
        elif measured[name] != floor:
            problems.append(f"{place}: {measured[name]} != {floor} (the gold data changed? update the pin)")
    return problems


def test_claims_floors(pipeline: Pipeline):
    assert _below(CLAIMS, claims.evaluate(pipeline=pipeline).scores(), 0.0) == []


def test_rhetoric_floors(pipeline: Pipeline):
    assert _below(RHETORIC, rhetoric.evaluate_own(pipeline=pipeline).scores(), 0.0) == []


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "ptc-dev").is_dir(), reason="needs ../shared/eval/ptc-dev")
def test_ptc_floors(pipeline: Pipeline):
    assert _below(PTC, rhetoric.evaluate_ptc(SHARED / "eval" / "ptc-dev", pipeline).table(), 0.0) == []


def test_coref_floors(pipeline: Pipeline):
    assert _below(COREF, coref.evaluate(pipeline=pipeline).scores(), 0.0) == []


def test_floors_catch_a_lower_figure():
    measured = {"f1": 0.7, "gold": 10, "inner": {"type_accuracy": 0.9}}
    assert _below({"f1": 0.705, "gold": 10, "inner": {"type_accuracy": 0.9}}, measured, 0.0) == [
        "f1: 0.7 < floor 0.705"]
    assert _below({"gold": 11, "recall": 0.1}, measured, 0.0) == [
        "gold: 10 != 11 (the gold data changed? update the pin)", "recall: no longer measured"]


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "polnear-dev").is_dir(), reason="../shared/eval/polnear-dev is absent")
def test_quotes_floors(pipeline: Pipeline):
    report = quotes.evaluate(SHARED / "eval" / "polnear-dev", pipeline)
    measured = {"texts": report.texts, "files": report.files, "direct quotes": report.direct.scores(),
                "all attributions": report.all.scores()}  # as `powermap eval quotes --json` prints them
    assert _below(QUOTES, measured, 0.002) == []


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "plover-gsr" / "PLOVER_GSR_CAMEO.json").is_file(),
                    reason="../shared/eval/plover-gsr is absent")
def test_events_floors(pipeline: Pipeline):
    report = events.evaluate(SHARED / "eval" / "plover-gsr" / "PLOVER_GSR_CAMEO.json", pipeline)
    assert _below(EVENTS, report.scores(), 0.002) == []


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "articles-dev").is_dir(), reason="../shared/eval/articles-dev is absent")
def test_whole_article_floors(pipeline: Pipeline):
    report = articles.evaluate(SHARED / "eval" / "articles-dev", pipeline).to_json()
    assert _below(ARTICLES, report, 0.002) == []


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "eval" / "polnear-dev").is_dir(), reason="../shared/eval/polnear-dev is absent")
def test_polnear_genre_floor(pipeline: Pipeline):
    """PolNeAR's texts, mostly news reports (a few are letters, editorials and columns): the share called reporting."""
    report = genre.evaluate_folder(SHARED / "eval" / "polnear-dev" / "text", "reporting", pipeline)
    assert _below(POLNEAR_GENRE, report.scores(), 0.002) == []
