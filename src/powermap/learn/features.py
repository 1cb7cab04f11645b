"""Features of a candidate actor pair in one sentence: static embeddings of its context plus parse facts.

The same code makes the features when training (gold actor spans from the corpus) and when analysing
(the actor stage's mentions), so what the model learnt is what it sees.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import NamedTuple

import numpy as np
from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from powermap.tokens import token_table

EMBEDDINGS = resources.files("powermap") / "models" / "embeddings"
HASH_BITS = 14
DENSE_PARTS = 6  # embeddings per pair: between, path, meeting word, left, right, sentence
_NEGATION_WORDS = {"not", "n't", "never", "no", "neither", "nor", "without"}
_MODAL_WORDS = {"could", "may", "might", "would", "will", "shall", "should", "can", "must"}
_CONTEXT = 3  # tokens of context on each side of the pair


@cache
def word_vectors() -> WordVectors:
    """One copy of the embeddings per process; loading takes about half a second."""
    return WordVectors(str(EMBEDDINGS))


class WordVectors:
    """Static vectors by lower-cased word, cached, so a document's words are encoded once each."""

    def __init__(self, path: str) -> None:
        from model2vec import StaticModel

        self.model = StaticModel.from_pretrained(path)
        self.dim = int(self.model.dim)
        self.cache: dict[str, np.ndarray] = {}
        self._doc: DocVectors | None = None

    def prepare(self, words: Iterable[str]) -> None:
        missing = sorted({w for w in words if w not in self.cache})
        if len(self.cache) + len(missing) > 200_000:  # memory stays flat over a long batch
            self.cache.clear()
            missing = sorted(set(words))
        if missing:
            vectors = self.model.encode(missing).astype(np.float32)
            self.cache.update(zip(missing, vectors, strict=True))

    def of_doc(self, doc: Doc) -> DocVectors:
        """The document's word vectors, made once per document: its pairs are featurised together."""
        if self._doc is None or self._doc.doc is not doc:
            tokens = token_table(doc)
            words = tokens.lower
            self.prepare(words)
            table = np.vstack([self.cache[w] for w in words]) if words else np.zeros((0, self.dim), np.float32)
            is_word = [not punct and not space for punct, space in zip(tokens.is_punct, tokens.is_space, strict=True)]
            self._doc = DocVectors(doc, table, is_word)
        return self._doc


class DocVectors:
    """Sums of word vectors over any token range in constant time (prefix sums over the words, not
    punctuation or space), so the six means of a pair cost the same in a long sentence as in a short one."""

    def __init__(self, doc: Doc, table: np.ndarray, is_word: list[bool]) -> None:
        self.doc = doc
        self.table = table
        self.is_word = is_word
        words = table * np.array(is_word, dtype=np.float32)[:, None] if len(is_word) else table
        self.sums = np.vstack([np.zeros((1, table.shape[1]), np.float32), np.cumsum(words, axis=0)])
        self.counts = np.concatenate([[0], np.cumsum(is_word)])

    def total(self, start: int, end: int) -> tuple[np.ndarray, int]:
        """The sum of the word vectors of tokens start..end-1 and how many words that is."""
        end = max(start, end)
        return self.sums[end] - self.sums[start], int(self.counts[end] - self.counts[start])

    def mean(self, start: int, end: int) -> np.ndarray:
        vector, count = self.total(start, end)
        return vector / count if count else np.zeros(self.table.shape[1], dtype=np.float32)

    def mean_of(self, positions: Iterable[int]) -> np.ndarray:
        chosen = [i for i in positions if self.is_word[i]]
        return self.table[chosen].mean(axis=0) if chosen else np.zeros(self.table.shape[1], dtype=np.float32)


@dataclass(frozen=True)
class Candidate:
    """Two actor mentions in one sentence, in text order (`first` starts before `second`)."""

    sentence: TokenSpan
    first: TokenSpan
    second: TokenSpan
    first_type: str
    second_type: str
    rule_labels: tuple[str, ...] = ()  # what the rule layer said of this pair, as labels ("SANCTION>")
    in_quote: bool = False

    @cached_property
    def tree(self) -> PairPath:
        """The pair's roots and the dependency path between them, found once for both kinds of feature."""
        first, second, notes = pair_roots(self)
        path, lca, shape = dependency_path(first, second)
        return PairPath(first, second, notes, path, lca, shape)


class PairPath(NamedTuple):
    first: Token
    second: Token
    notes: list[str]  # which mention was lifted to the head of its coordination
    path: list[Token]
    lca: Token | None
    shape: str


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def dependency_path(a: Token, b: Token) -> tuple[list[Token], Token | None, str]:
    """Tokens between a and b in the tree (without them), their lowest common ancestor, and the path's shape."""
    up_a, up_b = _ancestors(a), _ancestors(b)
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, token in enumerate(up_a):
        if token.i in index_b:
            m = index_b[token.i]
            left, right = up_a[:n], up_b[:m]
            shape = "<".join(t.dep_ for t in left) + "^" + ">".join(t.dep_ for t in reversed(right))
            inner = [t for t in left[1:]] + ([token] if token.i not in {a.i, b.i} else []) + right[1:]
            return inner, token, shape
    return [], None, "none"


def coordination_head(token: Token) -> Token:
    """The first conjunct of the coordination a token stands in ("Iran" in "Egypt, Iran and Turkey sent
    arms"), so each conjunct is seen in the role of the whole coordination."""
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token


def pair_roots(candidate: Candidate) -> tuple[Token, Token, list[str]]:
    """The tokens that stand for the two mentions in the parse: each mention's root, lifted to the head of
    its coordination unless both mentions are conjuncts of one coordination ("Egypt and Iran")."""
    first, second = candidate.first.root, candidate.second.root
    lifted_first, lifted_second = coordination_head(first), coordination_head(second)
    if lifted_first.i == lifted_second.i:
        return first, second, []
    notes = [name for name, raw, lifted in (("conj1", first, lifted_first), ("conj2", second, lifted_second))
             if raw.i != lifted.i]
    return lifted_first, lifted_second, notes


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def sparse_features(candidate: Candidate) -> list[str]:
    """Parse facts as strings; hashed into the model's sparse part."""
    first, second, notes, path, lca, shape = candidate.tree
    between = [t for t in candidate.sentence.doc[candidate.first.end:candidate.second.start] if not t.is_punct]
    features = notes + [
        f"path={shape}",
        f"pathlen={_bucket(len(path))}",
        f"dist={_bucket(len(between))}",
        f"t1={candidate.first_type}",
        f"t2={candidate.second_type}",
        f"t12={candidate.first_type}|{candidate.second_type}",
        f"dep1={first.dep_}",
        f"dep2={second.dep_}",
        f"dep12={first.dep_}|{second.dep_}",
    ]
    for name, root in (("gov1", first), ("gov2", second)):
        features.append(f"{name}={root.head.lemma_.lower()}|{root.dep_}")
        if root.dep_ == "pobj":  # the word the preposition attaches to: "support to X", "sanctions on X"
            features.append(f"{name}={root.head.head.lemma_.lower()}|{root.head.lower_}")
    if lca is not None:
        features += [f"lca={lca.lemma_.lower()}", f"lcapos={lca.pos_}", f"lca_path={lca.lemma_.lower()}|{shape}"]
        children = list(lca.children)
        if any(c.dep_ == "neg" or c.lower_ in _NEGATION_WORDS for c in children):
            features.append("neg_lca")
        for child in children:
            if child.dep_ == "aux" and child.lower_ in _MODAL_WORDS:
                features.append(f"modal={child.lower_}")
            if child.dep_ in {"auxpass", "nsubjpass"}:
                features.append("passive")
            if child.dep_ == "mark" and child.lower_ in {"if", "unless"}:
                features.append(f"mark={child.lower_}")
    for token in path:
        features.append(f"plemma={token.lemma_.lower()}")
        if token.dep_ == "neg" or token.lower_ in _NEGATION_WORDS:
            features.append("neg_path")
    for token in between[:10]:
        features.append(f"blemma={token.lemma_.lower()}")
    if len(between) <= 4:
        features.append("bseq=" + "_".join(t.lemma_.lower() for t in between))
    for name, span in (("poss1", candidate.first), ("poss2", candidate.second)):
        if any(t.tag_ == "POS" for t in span) or span.end < len(span.doc) and span.doc[span.end].tag_ == "POS":
            features.append(name)
    features += [f"rule={label}" for label in candidate.rule_labels] or ["rule=none"]
    if candidate.in_quote:
        features.append("in_quote")
    return features


class HashedColumns(dict[str, int]):
    """Feature string -> its column among 2^bits, stable across processes and Python versions (crc32, not
    hash()); each string is hashed once, and the memory stays flat over a long batch."""

    def __init__(self, bits: int, most: int = 500_000) -> None:
        super().__init__()
        self.size, self.most = 1 << bits, most

    def __missing__(self, feature: str) -> int:
        if len(self) >= self.most:
            self.clear()
        column = self[feature] = zlib.crc32(feature.encode("utf-8")) % self.size
        return column


_PAIR_COLUMNS = HashedColumns(HASH_BITS)


def hashed(features: Iterable[str]) -> dict[int, float]:
    """The pair's features as column -> count."""
    out: dict[int, float] = {}
    for feature in features:
        index = _PAIR_COLUMNS[feature]
        out[index] = out.get(index, 0.0) + 1.0
    return out


def dense_features(candidate: Candidate, vectors: WordVectors) -> np.ndarray:
    """Embeddings of what lies between, on the path, around the pair and in the whole sentence."""
    table = vectors.of_doc(candidate.sentence.doc)
    first_span, second_span, sentence = candidate.first, candidate.second, candidate.sentence
    path, lca = candidate.tree.path, candidate.tree.lca
    # the sentence without the two mentions (they do not overlap: the first ends before the second starts)
    rest, count = table.total(sentence.start, sentence.end)
    for span in (first_span, second_span):
        inside, words = table.total(max(span.start, sentence.start), min(span.end, sentence.end))
        rest, count = rest - inside, count - words
    parts = [
        table.mean(first_span.end, second_span.start),
        table.mean_of(t.i for t in path),
        table.mean_of([lca.i] if lca is not None else []),
        table.mean(max(sentence.start, first_span.start - _CONTEXT), first_span.start),
        table.mean(second_span.end, min(sentence.end, second_span.end + _CONTEXT)),
        rest / count if count > 0 else np.zeros(vectors.dim, dtype=np.float32),
    ]
    return np.concatenate(parts).astype(np.float32)
