"""One table of token attributes per parsed Doc, read by every stage that scans the whole document.

Each `doc[i]` or `for token in doc` makes a new Python `Token` object, and a stage that scans every
token for a few words paid that for each token, once per scan and stage. The table is read with one
`Doc.to_array` call and kept in the Doc's `user_data`, so the scans look at plain lists and build
`Token` objects only for the few tokens that matter. The values are the ones the `Token` attributes
give (`text`, `lower_`, `lemma_.lower()`, `pos_`, `tag_`, `dep_`, `idx`, `is_alpha`, `is_space`,
`is_punct`, `like_num`, `is_stop`, `shape_`, and `head.i`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_ALPHA,
    IS_PUNCT,
    IS_SPACE,
    IS_STOP,
    LEMMA,
    LIKE_NUM,
    LOWER,
    ORTH,
    POS,
    SHAPE,
    TAG,
)
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc

_TABLE_KEY = "powermap.tokens"
_STARTS_KEY = "powermap.sentence_starts"
_COLUMNS = (ORTH, LOWER, LEMMA, POS, TAG, DEP, IDX, IS_ALPHA, IS_SPACE, IS_PUNCT, LIKE_NUM, IS_STOP, SHAPE, HEAD)


@dataclass(frozen=True)
class TokenTable:
    """Per token index: its text, lower-cased form, lower-cased lemma, part of speech, tag, dependency
    label, character offset, word-class flags, shape and the index of its head."""

    text: list[str]
    lower: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    idx: list[int]
    is_alpha: list[bool]
    is_space: list[bool]
    is_punct: list[bool]
    like_num: list[bool]
    is_stop: list[bool]
    shape: list[str]
    head: list[int]

    def __len__(self) -> int:
        return len(self.lower)

    @classmethod
    def empty(cls) -> TokenTable:
        """The table of no tokens, for code that also runs without a parse."""
        return cls(*([] for _ in fields(cls)))


def token_table(doc: Doc) -> TokenTable:
    """The Doc's table, read on first use (the stages only read a parsed Doc, so it never goes stale)."""
    table = doc.user_data.get(_TABLE_KEY)
    if table is None:
        table = doc.user_data[_TABLE_KEY] = _read(doc)
    return table


def sentence_starts(doc: Doc) -> list[int]:
    """Per token index, the index of the first token of its sentence (`token.sent.start`)."""
    starts = doc.user_data.get(_STARTS_KEY)
    if starts is None:
        starts = [0] * len(doc)
        for sentence in doc.sents:
            starts[sentence.start : sentence.end] = [sentence.start] * len(sentence)
        doc.user_data[_STARTS_KEY] = starts
    return starts


def _names(hashes: list[int], name_of: Callable[[int], str]) -> list[str]:
    """Each hash as its string, looked up once per distinct value."""
    known = {value: name_of(value) for value in set(hashes)}
    return [known[value] for value in hashes]


def _read(doc: Doc) -> TokenTable:
    columns = doc.to_array(list(_COLUMNS)).T.tolist() if len(doc) else [[] for _ in _COLUMNS]
    text, lower, lemma, pos, tag, dep, idx, is_alpha, is_space, is_punct, like_num, is_stop, shape, head = columns
    strings = doc.vocab.strings
    return TokenTable(
        text=_names(text, strings.__getitem__), lower=_names(lower, strings.__getitem__),
        lemma=_names(lemma, lambda value: strings[value].lower()), pos=_names(pos, POS_NAMES.__getitem__),
        tag=_names(tag, strings.__getitem__), dep=_names(dep, strings.__getitem__), idx=idx,
        is_alpha=[bool(v) for v in is_alpha], is_space=[bool(v) for v in is_space],
        is_punct=[bool(v) for v in is_punct], like_num=[bool(v) for v in like_num],
        is_stop=[bool(v) for v in is_stop], shape=_names(shape, strings.__getitem__),
        head=[i + (offset if offset < 1 << 63 else offset - (1 << 64)) for i, offset in enumerate(head)],
    )
