"""The shared token table reads what the Token attributes say, for every token, and is read once per Doc."""

from __future__ import annotations

import random

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from powermap import nlp
from powermap.tokens import TokenTable, sentence_starts, token_table
from tests.conftest import EXAMPLES

WRITTEN = ("Minister Tove Lindqvist said on Monday that Norland would not sign the accord.\n\n"
           "BRUSSELS (Wire) - Critics called it a “hollow promise”; 12,000 people marched.\n"
           "  Was it? Nobody   answered.\tThe council's vote is 3-2, and it's final!")


@pytest.fixture(scope="module")
def english() -> Language:
    return nlp.load()


def _generated(seed: int) -> str:
    """Words, numbers, punctuation, line breaks and runs of spaces in a random order."""
    rng = random.Random(seed)
    pieces = ["the", "Council", "said", "3.5", "—", "“", "”", "\n", "\n\n", "   ", "\t", "it's", "U.S.", "?", "!",
              "Ærø", "votes", "1,200", "(", ")", ",", "."]
    return " ".join(rng.choice(pieces) for _ in range(300))


def _expected(doc: Doc) -> list[tuple[object, ...]]:
    return [(t.text, t.lower_, t.lemma_.lower(), t.pos_, t.tag_, t.dep_, t.idx, t.is_alpha, t.is_space, t.is_punct,
             t.like_num) for t in doc]


def _read(table: TokenTable) -> list[tuple[object, ...]]:
    return list(zip(table.text, table.lower, table.lemma, table.pos, table.tag, table.dep, table.idx, table.is_alpha,
                    table.is_space, table.is_punct, table.like_num, strict=True))


@pytest.mark.parametrize("seed", range(3))
def test_the_table_says_what_each_token_says(english: Language, seed: int):
    texts = [WRITTEN, _generated(seed), *(p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))[:2])]
    for text in texts:
        doc = english(text)
        assert _read(token_table(doc)) == _expected(doc)
        assert sentence_starts(doc) == [t.sent.start for t in doc]


def test_the_table_is_read_once_per_doc(english: Language):
    doc = english(WRITTEN)
    assert token_table(doc) is token_table(doc)
    assert sentence_starts(doc) is sentence_starts(doc)
    assert token_table(english(WRITTEN)) is not token_table(doc)


def test_an_empty_doc_has_an_empty_table(english: Language):
    doc = english("")
    assert len(token_table(doc)) == 0
    assert sentence_starts(doc) == []
    assert len(TokenTable.empty()) == 0


@pytest.mark.parametrize("seed", range(3))
def test_a_line_break_starts_the_next_sentence(english: Language, seed: int):
    """Read token by token: every token after one whose text or whitespace holds a line break starts a sentence."""
    doc = english(_generated(seed) + "\n" + WRITTEN)
    breaks = [t.i + 1 for t in doc[:-1] if "\n" in t.text_with_ws]
    assert breaks
    assert all(doc[i].is_sent_start for i in breaks)
