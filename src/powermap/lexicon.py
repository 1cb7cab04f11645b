"""Word lists that more than one part of powermap reads: evaluative words for techniques, stance and genre."""

from __future__ import annotations

from functools import cache
from importlib import resources

from powermap import datafiles


@cache
def valences() -> dict[str, float]:
    """Mean valence (-4..4) of English words in the VADER lexicon shipped in the vaderSentiment package."""
    lexicon = resources.files("vaderSentiment") / "vader_lexicon.txt"
    found = {}
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha() and len(parts[0]) >= 4:
            found[parts[0].lower()] = float(parts[1])
    return found


@cache
def intense_words(threshold: float) -> frozenset[str]:
    """Strongly valenced words: those whose VADER valence is at least `threshold` either way."""
    return frozenset(word for word, value in valences().items() if abs(value) >= threshold)


@cache
def load_stance_words() -> dict[str, float]:
    data = datafiles.load("stance.yaml")
    return {**data.positive, **data.negative}
