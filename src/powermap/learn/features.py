"""Features of a candidate actor pair in one sentence: static embeddings of its context plus parse facts.

The same code makes the features when training (gold actor spans from the corpus) and when analysing
(the actor stage's mentions), so what the model learnt is what it sees.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

EMBEDDINGS = resources.files("powermap") / "models" / "embeddings"
HASH_BITS = 14
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

    def prepare(self, words: Iterable[str]) -> None:
        missing = sorted({w for w in words if w not in self.cache})
        if missing:
            vectors = self.model.encode(missing).astype(np.float32)
            self.cache.update(zip(missing, vectors, strict=True))
        if len(self.cache) > 200_000:  # memory stays flat over a long batch
            self.cache.clear()

    def mean(self, words: Sequence[str]) -> np.ndarray:
        if not words:
            return np.zeros(self.dim, dtype=np.float32)
        self.prepare(words)
        return np.mean([self.cache[w] for w in words], axis=0)


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


def _root(span: TokenSpan) -> Token:
    return span.root


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


def _words(tokens: Iterable[Token]) -> list[str]:
    return [t.lower_ for t in tokens if not t.is_punct and not t.is_space]


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def sparse_features(candidate: Candidate) -> list[str]:
    """Parse facts as strings; hashed into the model's sparse part."""
    first, second = _root(candidate.first), _root(candidate.second)
    path, lca, shape = dependency_path(first, second)
    between = [t for t in candidate.sentence.doc[candidate.first.end:candidate.second.start] if not t.is_punct]
    features = [
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


def hashed(features: Iterable[str]) -> dict[int, float]:
    """Stable across processes and Python versions (crc32, not hash())."""
    out: dict[int, float] = {}
    size = 1 << HASH_BITS
    for feature in features:
        index = zlib.crc32(feature.encode("utf-8")) % size
        out[index] = out.get(index, 0.0) + 1.0
    return out


def dense_features(candidate: Candidate, vectors: WordVectors) -> np.ndarray:
    """Embeddings of what lies between, on the path, around the pair and in the whole sentence."""
    doc: Doc = candidate.sentence.doc
    first, second = _root(candidate.first), _root(candidate.second)
    path, lca, _ = dependency_path(first, second)
    sentence = candidate.sentence
    inside = set(range(candidate.first.start, candidate.first.end)) | set(
        range(candidate.second.start, candidate.second.end))
    left = doc[max(sentence.start, candidate.first.start - _CONTEXT):candidate.first.start]
    right = doc[candidate.second.end:min(sentence.end, candidate.second.end + _CONTEXT)]
    parts = [
        vectors.mean(_words(doc[candidate.first.end:candidate.second.start])),
        vectors.mean(_words(path)),
        vectors.mean(_words([lca])) if lca is not None else vectors.mean([]),
        vectors.mean(_words(left)),
        vectors.mean(_words(right)),
        vectors.mean(_words(t for t in sentence if t.i not in inside)),
    ]
    return np.concatenate(parts).astype(np.float32)


DENSE_PARTS = 6
