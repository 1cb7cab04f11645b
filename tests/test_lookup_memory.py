"""What the gazetteer and the date resolver remember gives the answers they would give afresh."""

from __future__ import annotations

from powermap.dates import resolve
from powermap.gazetteer import Gazetteer

PEOPLE = {"people": [{"name": "Aleksandra Verhovenska", "country": "XLA", "gender": "female"}]}
LATER = {"people": [{"name": "Aleksandra Verhovensky", "country": "XLB", "gender": "female"}]}


def test_a_fuzzy_match_is_remembered_and_forgotten_when_a_name_is_added():
    gazetteer = Gazetteer()
    gazetteer._add(PEOPLE)
    variant = "Aleksandra Verhovenskyx"  # near enough to the first name for a fuzzy match, nearer the later one
    first = gazetteer.lookup(variant)
    assert first is not None and first[0].name == "Aleksandra Verhovenska" and first[1] == "alias"
    assert gazetteer.lookup(variant) == first
    assert gazetteer.lookup("Zygmunt Oberlander") is None and gazetteer.lookup("Zygmunt Oberlander") is None
    gazetteer._add(LATER)  # a nearer name now exists: the remembered answer must not hide it
    assert gazetteer.lookup(variant)[0].name == "Aleksandra Verhovensky"


def test_a_remembered_date_is_the_date_resolved_afresh():
    phrases = ["on Monday", "last year", "May 16", "10.10.2022", "the 1990s", "in March 2021", "yesterday"]
    for published in (None, "2022-06-01", "bad-date"):
        for phrase in phrases:
            fresh = resolve.__wrapped__(phrase, published)
            assert resolve(phrase, published) == fresh
            assert resolve(phrase, published) == fresh
