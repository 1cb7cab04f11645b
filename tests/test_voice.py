"""Whose voice each offset is: the author's, or the quoted speaker's (powermap.voice)."""

from __future__ import annotations

import random

from powermap.schema import Quote, Span
from powermap.voice import Voices


def quote(text: str, part: str, speaker: str | None, kind: str = "direct", after: int = 0) -> Quote:
    start = text.index(part, after)
    return Quote(**Span.of(text, start, start + len(part)).model_dump(), kind=kind, speaker=speaker,
                 speaker_text=None, cue=None, source=None, confidence=0.9)


def test_author_and_quoted_spans_on_a_sentence_we_wrote():
    text = 'The minister defended the plan. "It is a success," she said, "and the critics are wrong."'
    first = quote(text, "It is a success,", "person:minister")
    second = quote(text, "and the critics are wrong.", "person:minister")
    voices = Voices(len(text), [first, second])
    assert voices.holder_at(text.index("defended")) == "author"
    assert voices.holder_at(text.index("success")) == "person:minister"
    assert voices.holder_at(text.index("she said")) == "author"
    assert voices.holder_at(text.index("critics")) == "person:minister"
    assert [(s.start, s.end, s.holder) for s in voices.segments] == [
        (0, first.start, "author"), (first.start, first.end, "person:minister"),
        (first.end, second.start, "author"), (second.start, second.end, "person:minister"),
        (second.end, len(text), "author")]


def test_indirect_speech_stays_the_authors_unless_asked_for():
    text = "Officials said the talks had failed. Analysts called it a setback."
    reported = quote(text, "the talks had failed", None, kind="indirect")
    assert Voices(len(text), [reported]).is_author(text.index("failed"))
    with_indirect = Voices(len(text), [reported], kinds=("direct", "mixed", "indirect"))
    assert not with_indirect.is_author(text.index("failed"))
    assert with_indirect.holder_at(text.index("failed")) is None  # an unresolved speaker is nobody's


def test_the_innermost_quote_owns_nested_words():
    text = 'He said that the deal was "a betrayal" of voters and would fail.'
    outer = quote(text, 'the deal was "a betrayal" of voters and would fail', "person:a", kind="indirect")
    inner = quote(text, "a betrayal", "person:b", kind="mixed")
    voices = Voices(len(text), [outer, inner], kinds=("direct", "mixed", "indirect"))
    assert voices.holder_at(text.index("betrayal")) == "person:b"
    assert voices.holder_at(text.index("voters")) == "person:a"
    assert voices.holder_at(text.index("He")) == "author"


def test_segments_partition_the_text_and_agree_with_a_direct_lookup():
    rng = random.Random(5)
    for _ in range(50):
        length = rng.randint(1, 400)
        text = "x" * length
        quotes = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randrange(length)
            end = rng.randint(start + 1, length)
            quotes.append(Quote(**Span.of(text, start, end).model_dump(), kind=rng.choice(["direct", "mixed"]),
                                speaker=f"s{len(quotes)}", speaker_text=None, cue=None, source=None, confidence=1))
        voices = Voices(length, quotes)
        covered = [offset for s in voices.segments for offset in range(s.start, s.end)]
        assert covered == list(range(length))  # every character once, in order
        walked = list(voices.walk(range(length)))
        for offset in range(length):
            holding = [q for q in quotes if q.start <= offset < q.end]
            owner = max(holding, key=lambda q: (q.start, -q.end)) if holding else None  # the latest opened
            found = voices.at(offset).quote
            assert (found.start, found.end) == (owner.start, owner.end) if owner else found is None
            assert walked[offset] == voices.at(offset)
