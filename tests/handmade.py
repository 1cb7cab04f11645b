"""Hand-built spaCy Docs (words, heads, deps, pos, lemmas, entities), as spaCy's own tests build them, so
the relation and quote rules can be tested on an exact parse without loading a model."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from powermap.analysis import Analysis, Source
from powermap.schema import Actor, Mention

_NO_SPACE_BEFORE = set(".,;:!?”’)")
_NO_SPACE_AFTER = set("“‘(")
_VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower case, like_num), no model


def doc(rows: list[tuple[str, ...]]) -> Doc:
    """One row per token: (word, head index, dep, pos[, lemma[, entity IOB label]]); heads are absolute,
    the root points at itself. Spaces follow English punctuation."""
    words = [row[0] for row in rows]
    spaces = [i + 1 < len(words) and words[i + 1][0] not in _NO_SPACE_BEFORE and words[i] not in _NO_SPACE_AFTER
              for i in range(len(words))]
    return Doc(
        _VOCAB, words=words, spaces=spaces,
        heads=[int(row[1]) for row in rows],
        deps=[row[2] for row in rows],
        pos=[row[3] for row in rows],
        lemmas=[row[4] if len(row) > 4 and row[4] else row[0].lower() for row in rows],
        ents=[row[5] if len(row) > 5 else "O" for row in rows],
    )


def actor(parsed: Doc, actor_id: str, name: str, *mentions: tuple[int, int, str]) -> Actor:
    """An actor with mentions over token ranges (start, end, kind), as the actor stage would give it."""
    type_ = actor_id.split(":")[0]
    return Actor(id=actor_id, name=name, type=type_, origin="gazetteer", mentions=[
        Mention.of(parsed.text, parsed[start:end].start_char, parsed[start:end].end_char, kind=kind)
        for start, end, kind in mentions
    ])


def analysis(parsed: Doc, *actors: Actor, published: str | None = None) -> Analysis:
    """The analysis a stage after the actor stage sees: text, parse and actors."""
    text = parsed.text
    source = Source(label="handmade", format="text", raw=text, body=text, published=published)
    return Analysis(source=source, text=text, doc=parsed, actors=list(actors), published=published)
