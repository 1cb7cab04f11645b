"""Word lists that more than one part of powermap reads: evaluative words for techniques, stance and genre."""

from __future__ import annotations

from functools import cache
from importlib import resources

from powermap import datafiles


@cache
def intense_words(threshold: float) -> frozenset[str]:
    """Strongly valenced English words from the VADER lexicon shipped in the vaderSentiment package."""
    lexicon = resources.files("vaderSentiment") / "vader_lexicon.txt"
    words = set()
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha() and len(parts[0]) >= 4 and abs(float(parts[1])) >= threshold:
            words.add(parts[0].lower())
    return frozenset(words)


@cache
def load_stance_words() -> dict[str, float]:
    data = datafiles.load("stance.yaml")
    return {**data.positive, **data.negative}
