"""Persuasion techniques by a learned token classifier: which words of a text carry which technique.

Every word is scored for each of the 13 techniques by one logistic model per technique over static
embeddings (the word, three words around it, its sentence) and hashed facts (lemma, part of speech,
neighbours, quotation, actor mention, how often the lemma recurs, and what the word lists of
`data/techniques.yaml` matched there: lexicon hits are features, not verdicts). Runs of words above a
technique's threshold become its spans; a span's confidence is calibrated on passages held out of
training. `powermap train techniques` fits it on the passages of `training/techniques/` (written and
annotated by us, docs/techniques-annotation.md); analysis reads the arrays with numpy only.
"""

from __future__ import annotations

import json
import random
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import numpy as np
from spacy.tokens import Doc

from powermap import datafiles
from powermap.learn.features import HashedColumns, WordVectors, word_vectors
from powermap.learn.model_file import model_file
from powermap.lexicon import intense_words, load_stance_words
from powermap.schema import TechniqueName
from powermap.tokens import TokenTable, token_table

MODEL_PATH = resources.files("powermap") / "models" / "techniques.npz"
TECHNIQUES: tuple[str, ...] = get_args(TechniqueName)
HASH_BITS = 16
SEED = 11
DENSE_PARTS = 4  # embeddings per word: itself, its neighbours, its sentence, the whole text
_WINDOW = 1  # words on each side in the context embedding
_GAP = 2  # a run of a technique's words goes on over at most one word or mark below its threshold
_SPAN_FLOOR = 0.05  # no threshold is chosen below this probability
_CLAUSE_WORDS = 3  # a clause technique needs this many of its words above the threshold in the sentence
_OFF = 2.0  # the threshold of a technique that is not reported (no probability reaches it)
PRECISION_FLOOR = 0.3  # held-out precision a technique's threshold must reach (precision first)


class ModelMissing(FileNotFoundError):
    """No trained technique model: the rhetoric stage reports its lexicon matches instead."""


@dataclass(frozen=True)
class Found:
    """A span the model found: token range [start, end) of the Doc, technique and calibrated confidence."""

    technique: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class View:
    """What the features read of one analysed document besides its parse."""

    doc: Doc
    hits: dict[int, frozenset[str]]  # token index -> techniques a word list matched on that token
    quoted: frozenset[int]  # token indexes inside quotations
    mentions: frozenset[int]  # token indexes inside actor mentions


def view_of(doc: Doc, hits: Iterable[tuple[str, int, int]], quotes: Iterable[tuple[int, int]],
            mention_offsets: Iterable[int]) -> View:
    """`hits` as (technique, start char, end char), quotes as character ranges, mentions as token offsets."""
    by_token: dict[int, set[str]] = {}
    for technique, start, end in hits:
        span = doc.char_span(start, end, alignment_mode="expand")
        for token in span or ():
            by_token.setdefault(token.i, set()).add(technique)
    quoted = set()
    for start, end in quotes:
        span = doc.char_span(start, end, alignment_mode="contract")
        quoted.update(range(span.start, span.end) if span is not None else ())
    offsets = set(mention_offsets)
    mentions = frozenset(i for i, offset in enumerate(token_table(doc).idx) if offset in offsets)
    return View(doc, {i: frozenset(v) for i, v in by_token.items()}, frozenset(quoted), mentions)


# -- features -------------------------------------------------------------------------------------
@dataclass
class Rows:
    """The scored words of a document: their token indexes, sentence numbers and feature matrices."""

    positions: np.ndarray
    sentences: np.ndarray
    dense: np.ndarray
    sparse: Any  # scipy CSR
    wording: np.ndarray  # whether the word can carry a word technique: a common noun, adjective, verb or adverb


def rows_of(view: View, vectors: WordVectors) -> Rows:
    from scipy.sparse import csr_matrix

    doc = view.doc
    words = token_table(doc)
    table = vectors.of_doc(doc)
    sentence_of = np.zeros(len(doc), dtype=np.int32)
    bounds = []
    for number, sentence in enumerate(doc.sents):
        sentence_of[sentence.start : sentence.end] = number
        bounds.append((sentence.start, sentence.end))
    positions = np.array([i for i in range(len(doc)) if not words.is_space[i] and not words.is_punct[i]],
                         dtype=np.int32)
    content = Counter(words.lemma[i] for i in positions if not words.is_stop[i])
    facts = _SentenceFacts(words, bounds, view)
    document = _document_facts(view, len(positions))
    columns: list[int] = []
    lengths = []
    for i in positions.tolist():
        strings = _token_strings(i, words, view, content, facts.of(int(sentence_of[i]))) + document
        columns.extend([_HASHES[string] for string in strings])
        lengths.append(len(strings))
    size = 1 << HASH_BITS
    rows = np.repeat(np.arange(len(positions)), lengths)
    sparse = csr_matrix((np.ones(len(columns), np.float32), (rows, np.array(columns, dtype=np.int64))),
                        shape=(len(positions), size), dtype=np.float32)  # a string said twice counts twice
    return Rows(
        positions=positions,
        sentences=sentence_of[positions],
        dense=_dense(table, positions, sentence_of, bounds, len(doc), vectors.dim),
        sparse=sparse,
        wording=np.array([words.pos[i] in _WORDING and i not in view.mentions for i in positions.tolist()], dtype=bool),
    )


def _document_facts(view: View, words: int) -> list[str]:
    """How polemical the whole text reads (lexicon matches per word) and how much of it is quotation:
    the same word is loaded in a rant and plain in a wire report."""
    per_hundred = 100 * len(view.hits) / max(1, words)
    quoted = len(view.quoted) / max(1, len(view.doc))
    return [f"doc_lex={_bucket(int(per_hundred))}", f"doc_quoted={int(quoted * 4)}"]


_HASHES = HashedColumns(HASH_BITS)  # feature string -> its column


def _dense(table: Any, positions: np.ndarray, sentence_of: np.ndarray, bounds: list[tuple[int, int]], length: int,
           dim: int) -> np.ndarray:
    """The word's vector and the means over its neighbours, its sentence and the whole text, from the
    document's prefix sums at once for every word."""
    if not len(positions):
        return np.zeros((0, DENSE_PARTS * dim), np.float32)
    starts = np.array([b[0] for b in bounds], dtype=np.int64)[sentence_of[positions]]
    ends = np.array([b[1] for b in bounds], dtype=np.int64)[sentence_of[positions]]

    def means(first: np.ndarray, last: np.ndarray) -> np.ndarray:
        last = np.maximum(first, last)
        totals = table.sums[last] - table.sums[first]
        counts = (table.counts[last] - table.counts[first]).astype(np.float32)
        out = np.zeros_like(totals)
        np.divide(totals, counts[:, None], out=out, where=counts[:, None] > 0)
        return out

    whole = np.broadcast_to(table.mean(0, length), (len(positions), dim))
    return np.hstack([
        table.table[positions],
        means(np.maximum(starts, positions - _WINDOW), np.minimum(ends, positions + _WINDOW + 1)),
        means(starts, ends),
        whole,
    ]).astype(np.float32)


class _SentenceFacts:
    """Facts of a sentence shared by its words (made once per sentence, when first asked)."""

    def __init__(self, words: TokenTable, bounds: list[tuple[int, int]], view: View) -> None:
        self.words, self.bounds, self.view = words, bounds, view
        self.known: dict[int, list[str]] = {}

    def of(self, number: int) -> list[str]:
        if number not in self.known:
            start, end = self.bounds[number]
            w = self.words
            inside = [i for i in range(start, end) if not w.is_space[i]]
            facts = [f"s_first={w.lower[inside[0]]}"] if inside else []
            last = next((w.text[i] for i in reversed(inside) if w.is_punct[i]), "")
            facts += [f"s_end={last}", f"s_len={_bucket(len(inside))}", f"s_place={_place(number, len(self.bounds))}"]
            facts += sorted({f"s_lex={name}" for i in range(start, end) for name in self.view.hits.get(i, ())})
            facts += sorted({f"s_word={w.lower[i]}" for i in inside if w.lower[i] in _SENTENCE_WORDS})
            if sum(i in self.view.quoted for i in range(start, end)) * 2 > end - start:
                facts.append("s_quoted")
            self.known[number] = facts
        return self.known[number]


_WORDING = frozenset({"NOUN", "ADJ", "VERB", "ADV"})  # a name alone is no label: "Pope Francis", "Republican"
_SENTENCE_WORDS = frozenset({
    "if", "unless", "either", "or", "only", "because", "why", "so-called", "whether", "we", "our", "us", "you",
    "they", "never", "always", "every", "all", "nothing", "everyone", "nobody", "must", "will", "could", "?", "!",
})


def _token_strings(i: int, w: TokenTable, view: View, content: Counter[str], sentence: list[str]) -> list[str]:
    lower, lemma, pos, dep = w.lower[i], w.lemma[i], w.pos[i], w.dep[i]
    head = w.head[i]
    strings = [
        f"w={lower}", f"l={lemma}", f"p={pos}", f"t={w.tag[i]}", f"d={dep}",
        f"h={w.lemma[head]}", f"hp={w.pos[head]}|{dep}",
        f"b={w.lower[i - 1] if i > 0 else '<s>'}", f"a={w.lower[i + 1] if i + 1 < len(w.lower) else '</s>'}",
        f"shape={w.shape[i][:4]}", *sentence,
    ]
    if w.is_stop[i]:
        strings.append("stop")
    elif content[lemma] >= 2:
        strings.append(f"rep={_bucket(content[lemma])}|{pos}")
    for name in view.hits.get(i, ()):
        strings += [f"lex={name}", f"lex={name}|{pos}"]
    for near in (i - 2, i - 1, i + 1, i + 2):
        strings += [f"near={name}" for name in view.hits.get(near, ())]
    if i in view.quoted:
        strings.append("quoted")
    if i in view.mentions:
        strings.append("mention")
    if lower in intense_words(2.5):
        strings.append("intense")
    elif lower in intense_words(1.5):
        strings.append("valenced")
    weight = load_stance_words().get(lemma)
    if weight is not None:
        strings.append("stance+" if weight > 0 else "stance-")
    return strings


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def _place(number: int, total: int) -> str:
    return "first" if number == 0 else "last" if number == total - 1 else "middle"


# -- the model ------------------------------------------------------------------------------------
def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


@dataclass
class TechniqueModel:
    """One logistic model per technique over the same rows, a threshold and a calibration for each."""

    dense_weights: np.ndarray  # dense width x techniques
    sparse_weights: np.ndarray  # 2^HASH_BITS x techniques
    bias: np.ndarray
    thresholds: np.ndarray
    calibration: np.ndarray  # techniques x (slope, intercept) over the logit of a span's best word
    clause: np.ndarray  # per technique, whether a span is a clause (else a run of words): data/techniques.yaml
    card: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> TechniqueModel:
        with model_file(MODEL_PATH, path, "technique", ModelMissing, "`powermap train techniques`") as real:
            arrays = np.load(real, allow_pickle=False)
            card = json.loads(str(arrays["card"]))
            if tuple(card["techniques"]) != TECHNIQUES:
                raise ModelMissing(f"{real} was trained for other techniques: retrain it (`powermap train techniques`)")
            return cls(
                dense_weights=np.ascontiguousarray(arrays["dense_weights"].astype(np.float32)),
                sparse_weights=np.ascontiguousarray(arrays["sparse_weights"].astype(np.float32)),
                bias=arrays["bias"].astype(np.float32),
                thresholds=arrays["thresholds"].astype(np.float32),
                calibration=arrays["calibration"].astype(np.float32),
                clause=np.array([card["extents"][t] == "clause" for t in TECHNIQUES]),
                card=card,
            )

    def save(self, path: Path) -> None:
        card = {**self.card, "techniques": list(TECHNIQUES),
                "extents": {t: "clause" if c else "words" for t, c in zip(TECHNIQUES, self.clause, strict=True)}}
        np.savez_compressed(
            path, dense_weights=self.dense_weights.astype(np.float16),
            sparse_weights=self.sparse_weights.astype(np.float16), bias=self.bias, thresholds=self.thresholds,
            calibration=self.calibration, card=np.array(json.dumps(card, sort_keys=True)),
        )

    def probabilities(self, rows: Rows) -> np.ndarray:
        """Rows x techniques: how likely each word is part of a span of each technique."""
        if not len(rows.positions):
            return np.zeros((0, len(TECHNIQUES)), dtype=np.float32)
        dense = np.einsum("ij,jk->ik", rows.dense, self.dense_weights)  # einsum: BLAS threads cost more here
        return _sigmoid(dense + rows.sparse @ self.sparse_weights + self.bias)

    def find(self, view: View, vectors: WordVectors | None = None) -> list[Found]:
        rows = rows_of(view, vectors or word_vectors())
        return spans_of(rows, self.probabilities(rows), self.thresholds, self.clause, self.calibration)


def spans_of(rows: Rows, probabilities: np.ndarray, thresholds: np.ndarray, clause: np.ndarray,
             calibration: np.ndarray | None = None) -> list[Found]:
    """Runs of words at or above each technique's threshold within one sentence, as spans; for a clause
    technique, all its words of one sentence are one span (if there are at least three). A word technique's
    run starts and ends on a word that can carry it (names and function words join a run only inside it)."""
    found = []
    for j, technique in enumerate(TECHNIQUES):
        above = probabilities[:, j] >= thresholds[j]
        on = np.flatnonzero(above if clause[j] else above & rows.wording)
        run: list[int] = []
        for row in [*on.tolist(), None]:
            if run and (row is None or rows.sentences[row] != rows.sentences[run[-1]]
                        or not clause[j] and rows.positions[row] - rows.positions[run[-1]] > _GAP):
                if not clause[j] or len(run) >= _CLAUSE_WORDS:
                    best = float(probabilities[run, j].max())
                    confidence = best if calibration is None else _calibrated(best, calibration[j])
                    found.append(Found(technique, int(rows.positions[run[0]]), int(rows.positions[run[-1]]) + 1,
                                       round(confidence, 3)))
                run = []
            if row is not None:
                run.append(row)
    return sorted(found, key=lambda f: (f.start, f.technique))


def _calibrated(probability: float, slope_intercept: np.ndarray) -> float:
    logit = np.log(max(probability, 1e-6) / max(1 - probability, 1e-6))
    return float(_sigmoid(np.array(slope_intercept[0] * logit + slope_intercept[1])))


# -- training -------------------------------------------------------------------------------------
@dataclass
class Passage:
    """One annotated passage as features: its rows, the gold spans (token ranges) and the target matrix."""

    id: str
    rows: Rows
    gold: list[tuple[str, int, int]]
    target: np.ndarray  # rows x techniques, 1 where the word lies inside a gold span of the technique


def passages_from(records: Sequence[Any], views: Iterable[View], vectors: WordVectors) -> list[Passage]:
    out = []
    for record, view in zip(records, views, strict=True):
        rows = rows_of(view, vectors)
        gold = []
        for technique, start, end in _in_clean_text(record, view.doc.text):
            span = view.doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                gold.append((technique, span.start, span.end))
        target = np.zeros((len(rows.positions), len(TECHNIQUES)), dtype=np.int8)
        for technique, start, end in gold:
            target[(rows.positions >= start) & (rows.positions < end), TECHNIQUES.index(technique)] = 1
        out.append(Passage(record.id, rows, gold, target))
    return out


def _in_clean_text(record: Any, clean: str) -> list[tuple[str, int, int]]:
    """The record's spans moved to the clean text, which may have lost a signature line or furniture: each to
    the nearest occurrence of its words (a span cleaned away is dropped)."""
    spans = []
    for technique, start, end in record.spans():
        words = record.text[start:end]
        if clean[start:end] == words:
            spans.append((technique, start, end))
            continue
        found = [m.start() for m in re.finditer(re.escape(words), clean)]
        if found:
            near = min(found, key=lambda i: abs(i - start))
            spans.append((technique, near, near + len(words)))
    return spans


def overlap_counts(found: Sequence[Found], gold: Sequence[tuple[str, int, int]], technique: str) -> tuple[int, ...]:
    """(predicted, predicted right, gold, gold found) for one technique, a span being right when it overlaps
    a gold span of the technique: the measure of the evaluation (`powermap eval rhetoric`)."""
    mine = [(f.start, f.end) for f in found if f.technique == technique]
    theirs = [(s, e) for t, s, e in gold if t == technique]
    right = sum(any(s < ge and gs < e for gs, ge in theirs) for s, e in mine)
    hit = sum(any(s < ge and gs < e for s, e in mine) for gs, ge in theirs)
    return len(mine), right, len(theirs), hit


def _fit(passages: Sequence[Passage], alpha: float) -> tuple[np.ndarray, np.ndarray]:
    from scipy.sparse import csr_matrix, hstack, vstack
    from sklearn.linear_model import SGDClassifier

    dense = np.vstack([p.rows.dense for p in passages])
    matrix = hstack([csr_matrix(dense), vstack([p.rows.sparse for p in passages])], format="csr")
    target = np.vstack([p.target for p in passages])
    weights = np.zeros((matrix.shape[1], len(TECHNIQUES)), dtype=np.float32)
    bias = np.full(len(TECHNIQUES), -10.0, dtype=np.float32)
    for j in range(len(TECHNIQUES)):
        if target[:, j].sum() < 2:
            continue
        model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=30, tol=1e-4, random_state=SEED)
        model.fit(matrix, target[:, j])
        weights[:, j], bias[j] = model.coef_[0], model.intercept_[0]
    return weights, bias


def _choose(passages: Sequence[Passage], probabilities: list[np.ndarray], clause: np.ndarray, floor: float
            ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Per technique, the threshold with the best F1 on the held-out passages among those whose precision
    reaches `floor` (precision first; a technique that never reaches it is not reported), and a Platt
    calibration of the spans it gives (the logit of a span's best word against whether the span is right)."""
    from sklearn.linear_model import LogisticRegression

    thresholds = np.full(len(TECHNIQUES), _OFF, dtype=np.float32)
    calibration = np.tile(np.array([1.0, 0.0], dtype=np.float32), (len(TECHNIQUES), 1))
    figures: dict[str, Any] = {}
    for j, technique in enumerate(TECHNIQUES):
        best: tuple[float, float, dict[str, Any]] = (-1.0, _OFF, {"gold": 0, "predicted": 0, "precision": 0.0,
                                                                    "recall": 0.0})
        for threshold in np.arange(_SPAN_FLOOR, 0.96, 0.025):
            predicted, right, gold, hit = _held_out_counts(passages, probabilities, clause, j, threshold)
            precision = right / predicted if predicted else 0.0
            recall = hit / gold if gold else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            if precision >= floor and f1 > best[0]:
                best = (f1, float(threshold), {"gold": gold, "predicted": predicted, "precision": round(precision, 3),
                                               "recall": round(recall, 3)})
        thresholds[j] = best[1]
        figures[technique] = {**best[2], "threshold": round(best[1], 3) if best[1] < _OFF else "not reported"}
        if best[1] >= _OFF:
            continue
        logits, right_or_not = [], []
        for passage, probability in zip(passages, probabilities, strict=True):
            for span in _spans_of_one(passage.rows, probability, clause, j, thresholds[j]):
                best_p = min(max(span.confidence, 1e-6), 1 - 1e-6)
                logits.append(np.log(best_p / (1 - best_p)))
                right_or_not.append(overlap_counts([span], passage.gold, technique)[1])
        if len(set(right_or_not)) == 2 and len(right_or_not) >= 8:
            platt = LogisticRegression(C=1.0).fit(np.array(logits)[:, None], right_or_not)
            calibration[j] = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    return thresholds, calibration, figures


def _spans_of_one(rows: Rows, probability: np.ndarray, clause: np.ndarray, j: int, threshold: float) -> list[Found]:
    cut = np.full(len(TECHNIQUES), _OFF, dtype=np.float32)
    cut[j] = threshold
    return spans_of(rows, probability, cut, clause)


def _held_out_counts(passages: Sequence[Passage], probabilities: list[np.ndarray], clause: np.ndarray, j: int,
                     threshold: float) -> tuple[int, int, int, int]:
    counts = np.zeros(4, dtype=int)
    for passage, probability in zip(passages, probabilities, strict=True):
        found = _spans_of_one(passage.rows, probability, clause, j, threshold)
        counts += overlap_counts(found, passage.gold, TECHNIQUES[j])
    predicted, right, gold, hit = (int(n) for n in counts)
    return predicted, right, gold, hit


def train(paths: Sequence[Path], output: Path, held_out: float = 0.2, alpha: float = 1e-4,
          floor: float = PRECISION_FLOOR,
          log: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Thresholds and calibration from a held-out share of the passages; the final weights from all of them."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # a fixed number of epochs is the design, not a failure to converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _train(paths, output, held_out, alpha, floor, log)


def analysed_views(records: Sequence[Any], log: Callable[[str], None]) -> list[View]:
    """Parse, actors and quotes of each passage, and the lexicon matches of the rhetoric stage's word lists."""
    from powermap.analysis import Source
    from powermap.pipeline import Pipeline
    from powermap.rhetoric import LexiconMatcher

    pipeline = Pipeline(exclude=["relations", "relation-model", "claims", "rhetoric"])
    finder = LexiconMatcher()
    sources = [Source(label=r.id, format="text", raw=r.text, body=r.text) for r in records]
    log(f"parsing {len(records)} passages")
    views = []
    for record, analysis in zip(records, pipeline.pipe(sources), strict=True):
        if analysis.doc is None:
            why = analysis.problem.message if analysis.problem else "no parse"
            raise ValueError(f"{record.id}: could not be analysed ({why})")
        views.append(finder.view(analysis))
    return views


def _train(paths: Sequence[Path], output: Path, held_out: float, alpha: float, floor: float,
           log: Callable[[str], None]) -> dict[str, Any]:
    from powermap.learn.corpus import corpus_files
    from powermap.learn.technique_corpus import read_passages

    files = corpus_files(paths)
    records = list(read_passages(files))
    vectors = word_vectors()
    passages = passages_from(records, analysed_views(records, log), vectors)
    ids = sorted(p.id for p in passages)
    random.Random(SEED).shuffle(ids)
    held = set(ids[: int(len(ids) * held_out)])
    train_part = [p for p in passages if p.id not in held]
    test_part = [p for p in passages if p.id in held]
    log(f"fitting {len(TECHNIQUES)} techniques on {len(train_part)} passages, {len(test_part)} held out")
    weights, bias = _fit(train_part, alpha)
    clause = np.array([spec.extent == "clause" for spec in (datafiles.load("techniques.yaml").techniques[t]
                                                            for t in TECHNIQUES)])
    model = TechniqueModel(weights[: DENSE_PARTS * vectors.dim], weights[DENSE_PARTS * vectors.dim :], bias,
                           np.zeros(len(TECHNIQUES), np.float32), np.zeros((len(TECHNIQUES), 2), np.float32), clause)
    probabilities = [model.probabilities(p.rows) for p in test_part]
    thresholds, calibration, figures = _choose(test_part, probabilities, clause, floor)
    log("held out: " + ", ".join(f"{t} P {f['precision']} R {f['recall']}" for t, f in figures.items()))
    weights, bias = _fit(passages, alpha)
    counts = Counter(t for p in passages for t, _, _ in p.gold)
    card = {
        "trained_on": [p.name for p in files],
        "passages": len(passages),
        "words": int(sum(len(p.rows.positions) for p in passages)),
        "span_counts": dict(sorted(counts.items())),
        "held_out_passages": len(test_part),
        "held_out": figures,
        "seed": SEED,
        "alpha": alpha,
        "precision_floor": floor,
        "features": f"{DENSE_PARTS * vectors.dim} embedding + 2^{HASH_BITS} hashed word features",
    }
    width = DENSE_PARTS * vectors.dim
    final = TechniqueModel(weights[:width], weights[width:], bias, thresholds, calibration, clause, card)
    final.save(output)
    return card
