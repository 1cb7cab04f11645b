"""The learned relation model: which of the 18 types (and which way) holds between two actors of a sentence.

One-vs-rest logistic regression over static embeddings and hashed parse features (`features.py`), with
a negation head and a modality head. Trained by `powermap train relations` on `training/relations/`
(sentences we wrote, docs/annotation.md); stored as plain numpy arrays, so analysis needs no scikit-learn.
"""

from __future__ import annotations

import json
import random
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from powermap.learn.corpus import SYMMETRIC, TrainingRecord, read_corpus
from powermap.learn.features import (
    DENSE_PARTS,
    HASH_BITS,
    Candidate,
    WordVectors,
    dense_features,
    hashed,
    sparse_features,
    word_vectors,
)
from powermap.learn.model_file import model_file

MODEL_PATH = resources.files("powermap") / "models" / "relations.npz"
MODALITIES = ("asserted", "possible", "intended", "demanded", "hypothetical")
SEED = 13
VETO = 0.1  # a relation the rules found is dropped only when the model gives it less than this


class ModelMissing(FileNotFoundError):
    """The trained model file is not where the package expects it."""


def label_of(type_: str, source_first: bool) -> str:
    """`T` for a symmetric type, `T>` when the source comes first in the text, `T<` when it comes second."""
    if type_ in SYMMETRIC:
        return type_
    return f"{type_}>" if source_first else f"{type_}<"


def split_label(label: str) -> tuple[str, bool]:
    """The type and whether the first mention is the source."""
    if label.endswith("<"):
        return label[:-1], False
    return label.rstrip(">"), True


@dataclass
class Prediction:
    label: str
    probability: float
    negated: bool
    modality: str


@dataclass
class RelationModel:
    """Arrays of the trained model; `predict` is a few matrix products."""

    labels: list[str]
    weights: np.ndarray  # labels x (dense + hashed)
    bias: np.ndarray
    threshold: float
    negation_weights: np.ndarray
    negation_bias: float
    modality_weights: np.ndarray  # modalities x (dense + hashed + labels)
    modality_bias: np.ndarray
    card: dict[str, Any] = field(default_factory=dict)
    _columns: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def _stacked(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """The label, negation and modality weights as two contiguous matrices (dense part, hashed part),
        made once per model: products with slices of the stored arrays are many times slower."""
        if self._columns is None:
            end = width + (1 << HASH_BITS)  # the heads' columns after this are the labels'
            rows = np.vstack([self.weights[:, :end], self.negation_weights[None, :end], self.modality_weights[:, :end]])
            self._columns = np.ascontiguousarray(rows[:, :width].T), np.ascontiguousarray(rows[:, width:].T)
        return self._columns

    @classmethod
    def load(cls, path: Path | None = None) -> RelationModel:
        with model_file(MODEL_PATH, path, "relation", ModelMissing, "`make train` (powermap train relations)") as real:
            arrays = np.load(real, allow_pickle=False)
            card = json.loads(str(arrays["card"]))
            return cls(
                labels=card["labels"],
                weights=arrays["weights"].astype(np.float32),
                bias=arrays["bias"].astype(np.float32),
                threshold=float(card["threshold"]),
                negation_weights=arrays["negation_weights"].astype(np.float32),
                negation_bias=float(arrays["negation_bias"]),
                modality_weights=arrays["modality_weights"].astype(np.float32),
                modality_bias=arrays["modality_bias"].astype(np.float32),
                card=card,
            )

    def save(self, path: Path) -> None:
        card = {**self.card, "labels": self.labels, "threshold": self.threshold}
        np.savez_compressed(
            path, weights=self.weights.astype(np.float16), bias=self.bias,
            negation_weights=self.negation_weights.astype(np.float16), negation_bias=np.float32(self.negation_bias),
            modality_weights=self.modality_weights.astype(np.float16), modality_bias=self.modality_bias,
            card=np.array(json.dumps(card, sort_keys=True)),
        )

    def predict(self, candidates: Sequence[Candidate], vectors: WordVectors | None = None) -> list[list[Prediction]]:
        """For each candidate, the labels above the threshold (most probable first), and the rule layer's labels
        unless the model all but rules them out (below `VETO`): the rules keep what they read exactly."""
        if not candidates:
            return []
        vectors = vectors or word_vectors()
        dense = np.vstack([dense_features(c, vectors) for c in candidates])
        parse = parse_matrix(candidates)

        labels_from = dense.shape[1] + (1 << HASH_BITS)
        stacked = self._stacked(dense.shape[1])
        # every pair under every row of weights at once; einsum, not BLAS: on a busy machine a threaded BLAS
        # call on matrices this small waits for its threads, and took 40 times longer
        products = np.einsum("ij,jk->ik", dense, stacked[0]) + parse @ stacked[1]
        scores = _sigmoid(products[:, :len(self.labels)] + self.bias)
        # the heads see the label as one more feature: a base score per pair plus the label's column
        negation = products[:, len(self.labels)] + self.negation_bias
        modality = products[:, len(self.labels) + 1:] + self.modality_bias
        out: list[list[Prediction]] = []
        for row, candidate in enumerate(candidates):
            chosen = [i for i in np.argsort(-scores[row]) if scores[row, i] >= self.threshold
                      or self.labels[i] in candidate.rule_labels and scores[row, i] >= VETO]
            predictions = []
            types_taken: set[str] = set()
            for i in chosen:  # most probable first: one direction per type and pair
                type_ = split_label(self.labels[i])[0]
                if type_ in types_taken:
                    continue
                types_taken.add(type_)
                negated = _sigmoid(negation[row] + self.negation_weights[labels_from + i]) >= 0.5
                mode = MODALITIES[int(np.argmax(modality[row] + self.modality_weights[:, labels_from + i]))]
                predictions.append(Prediction(self.labels[i], float(scores[row, i]), bool(negated), mode))
            out.append(predictions)
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def parse_matrix(candidates: Sequence[Candidate]):
    """The hashed parse features of the candidates as one sparse matrix (rows: candidates)."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, candidate in enumerate(candidates):
        for index, value in hashed(sparse_features(candidate)).items():
            rows.append(row)
            cols.append(index)
            values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(candidates), 1 << HASH_BITS), dtype=np.float32)


def sparse_matrix(candidates: Sequence[Candidate], vectors: WordVectors):
    """The same rows as a CSR matrix, which is what makes training fast."""
    from scipy.sparse import csr_matrix, hstack

    dense = np.vstack([dense_features(c, vectors) for c in candidates])
    return hstack([csr_matrix(dense), parse_matrix(candidates)], format="csr")


# -- training -----------------------------------------------------------------------------------------
@dataclass
class Example:
    candidate: Candidate
    labels: set[str]
    negated: dict[str, bool]
    modality: dict[str, str]
    record: str


def examples_from(records: Sequence[TrainingRecord], analyses: Iterable[Any]) -> list[Example]:
    """Every pair of annotated actors in one sentence, labelled; the rule layer's view of it as a feature."""
    out: list[Example] = []
    for record, analysis in zip(records, analyses, strict=True):
        doc = analysis.doc
        if doc is None:
            continue
        owners = analysis.mention_owners()
        rule_pairs = rule_labels(analysis.relations)
        spans = {}
        for actor in record.actors:
            start = record.actor_start(actor)
            span = doc.char_span(start, start + len(actor.text), alignment_mode="expand")
            if span is not None and len(span):
                spans[actor.text] = (span, actor.type)
        # a relation holds between actors, whichever of their mentions it was written on ("Kyiv", "Ukraine")
        by_text = {actor.text: actor for actor in record.actors}
        gold: dict[tuple[str, str], list[Any]] = {}
        for relation in record.relations:
            key = (by_text[relation.source].name, by_text[relation.target].name)
            gold.setdefault(key, []).append(relation)
        names = sorted(spans, key=lambda name: spans[name][0].start)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                span_a, type_a = spans[a]
                span_b, type_b = spans[b]
                same_actor = by_text[a].name == by_text[b].name
                if same_actor or span_a.sent.start != span_b.sent.start or span_a.end > span_b.start:
                    continue
                actor_a = owners.get(span_a.root.idx)
                actor_b = owners.get(span_b.root.idx)
                rules = ()
                if actor_a is not None and actor_b is not None:
                    rules = rule_pairs.get((span_a.sent.start_char, actor_a.id, actor_b.id), ())
                candidate = Candidate(span_a.sent, span_a, span_b, type_a, type_b, rules,
                                      inside_quote(analysis, span_a.start_char))
                example = Example(candidate, set(), {}, {}, record.id)
                name_a, name_b = by_text[a].name, by_text[b].name
                for (source, target), relations in gold.items():
                    if {source, target} != {name_a, name_b}:
                        continue
                    for relation in relations:
                        label = label_of(relation.type, source == name_a)
                        example.labels.add(label)
                        example.negated[label] = relation.negated
                        example.modality[label] = relation.modality
                out.append(example)
    return out


def rule_labels(relations: Sequence[Any]) -> dict[tuple[int, str, str], tuple[str, ...]]:
    """(sentence start offset, first actor id, second actor id) -> what the rule layer said of the pair in
    that sentence (its evidence), for both orders. Per sentence: a relation the rules read in one sentence
    says nothing of the same two actors elsewhere in a long article."""
    labels: dict[tuple[int, str, str], set[str]] = {}
    for relation in relations:
        if relation.target is None:
            continue
        sentence = relation.evidence.start
        labels.setdefault((sentence, relation.source, relation.target), set()).add(label_of(relation.type, True))
        labels.setdefault((sentence, relation.target, relation.source), set()).add(label_of(relation.type, False))
    return {key: tuple(sorted(found)) for key, found in labels.items()}


def inside_quote(analysis: Any, offset: int) -> bool:
    """Whether an offset lies inside one of the document's quotes (a feature of a pair)."""
    return any(q.start <= offset < q.end for q in analysis.quotes)


@dataclass
class TrainingData:
    """The corpus as a feature matrix: one row per annotated actor pair, one column of targets per label."""

    records: int
    examples: list[Example]
    matrix: Any  # scipy CSR
    labels: list[str]
    target: np.ndarray
    dim: int

    def held_out_rows(self, share: float) -> tuple[np.ndarray, int]:
        """Rows of a fixed random share of the records (whole records, so no sentence is on both sides)."""
        ids = sorted({e.record for e in self.examples})
        random.Random(SEED).shuffle(ids)
        held = set(ids[: int(len(ids) * share)])
        return np.array([e.record in held for e in self.examples]), len(held)


def training_data(paths: Sequence[Path], log: Callable[[str], None] = lambda line: None) -> TrainingData:
    """Parse the corpus with the rule pipeline and turn every annotated pair into features."""
    from powermap.analysis import Source
    from powermap.pipeline import Pipeline

    records = list(read_corpus(paths))
    pipeline = Pipeline(exclude=["relation-model"])
    sources = [Source(label=r.id, format="text", raw=r.text, body=r.text) for r in records]
    log(f"parsing {len(records)} records")
    examples = examples_from(records, pipeline.pipe(sources))
    vectors = word_vectors()
    log(f"features of {len(examples)} actor pairs")
    matrix = sparse_matrix([e.candidate for e in examples], vectors)
    labels = sorted({label for e in examples for label in e.labels})
    target = np.array([[label in e.labels for label in labels] for e in examples], dtype=np.int8)
    return TrainingData(len(records), examples, matrix, labels, target, vectors.dim)


def fit_labels(data: TrainingData, rows: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """One logistic model per label (stochastic gradient descent: seconds, where exact solvers took minutes)."""
    weights = np.zeros((len(data.labels), data.matrix.shape[1]), dtype=np.float32)
    bias = np.full(len(data.labels), -10.0, dtype=np.float32)
    for j in range(len(data.labels)):
        y = data.target[rows, j]
        if y.sum() < 2:
            continue
        model = _sgd(alpha).fit(data.matrix[rows], y)
        weights[j], bias[j] = model.coef_[0], model.intercept_[0]
    return weights, bias


def train(paths: Sequence[Path], output: Path, held_out: float = 0.15, alpha: float = 1e-4,
          log: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Fit on the corpus; the threshold is chosen on a held-out part of it, the final model on all of it."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # a fixed number of epochs is the design, not a failure to converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _train(paths, output, held_out, alpha, log)


def _train(paths: Sequence[Path], output: Path, held_out: float, alpha: float,
           log: Callable[[str], None]) -> dict[str, Any]:
    data = training_data(paths, log)
    test_rows, held = data.held_out_rows(held_out)
    log(f"fitting {len(data.labels)} labels on {int((~test_rows).sum())} pairs, {held} records held out")
    weights, bias = fit_labels(data, ~test_rows, alpha)
    scores = _sigmoid(data.matrix[test_rows] @ weights.T + bias)
    threshold, held_figures = _best_threshold(scores, data.target[test_rows])
    log(f"held out: {held_figures}; threshold {threshold}; refitting on all pairs")
    weights, bias = fit_labels(data, np.ones(len(data.examples), dtype=bool), alpha)
    negation_weights, negation_bias, modality_weights, modality_bias = _fit_heads(
        data.examples, data.matrix, data.labels, alpha)
    counts = Counter(label for e in data.examples for label in e.labels)
    card = {
        "trained_on": [p.name for p in paths],
        "records": data.records,
        "pairs": len(data.examples),
        "pairs_with_relation": int(data.target.any(axis=1).sum()),
        "label_counts": dict(sorted(counts.items())),
        "held_out_records": held,
        "held_out": held_figures,
        "seed": SEED,
        "alpha": alpha,
        "features": f"{DENSE_PARTS * data.dim} embedding + 2^{HASH_BITS} hashed parse features",
    }
    model = RelationModel(data.labels, weights, bias, threshold, negation_weights, negation_bias,
                          modality_weights, modality_bias, card)
    model.save(output)
    return card


def _best_threshold(scores: np.ndarray, target: np.ndarray) -> tuple[float, dict[str, Any]]:
    """The threshold with the best F1 on held-out pairs. (It was F0.5, precision first, while the corpus
    held only short clean sentences; with long, busy news records in it the held-out part is closer to
    real text, and F1 is what the relation targets ask.)"""
    best = (-1.0, 0.5, {})
    for threshold in np.arange(0.05, 0.96, 0.025):
        predicted = scores >= threshold
        tp = int((predicted & (target == 1)).sum())
        fp = int((predicted & (target == 0)).sum())
        fn = int((~predicted & (target == 1)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best[0]:
            best = (f1, float(threshold), {"precision": round(precision, 3), "recall": round(recall, 3),
                                           "f1": round(f1, 3), "labels_gold": int(target.sum())})
    return round(best[1], 3), best[2]


def _sgd(alpha: float) -> Any:
    """The one learner of every part of the model: logistic loss by stochastic gradient descent, fixed seed."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=50, tol=1e-4, random_state=SEED)


def _fit_heads(examples: list[Example], matrix: Any, labels: list[str], alpha: float):
    """Negation and modality, learnt over the gold relations, each with its label as an extra feature.

    A head whose training relations all agree (a small corpus) is a constant: that value, always."""
    from scipy.sparse import csr_matrix, hstack

    rows, label_columns, negated, modality = [], [], [], []
    for index, example in enumerate(examples):
        for label in sorted(example.labels):
            rows.append(index)
            label_columns.append(labels.index(label))
            negated.append(int(example.negated[label]))
            modality.append(MODALITIES.index(example.modality[label]))
    one_hot = csr_matrix((np.ones(len(rows)), (range(len(rows)), label_columns)), shape=(len(rows), len(labels)))
    x = hstack([matrix[rows], one_hot], format="csr")
    negation_weights = np.zeros(x.shape[1], dtype=np.float32)
    negation_bias = 30.0 if all(negated) else -30.0
    if len(set(negated)) > 1:
        negation = _sgd(alpha).fit(x, negated)
        negation_weights, negation_bias = negation.coef_[0].astype(np.float32), float(negation.intercept_[0])
    modality_weights = np.zeros((len(MODALITIES), x.shape[1]), dtype=np.float32)
    modality_bias = np.full(len(MODALITIES), -30.0, dtype=np.float32)
    classes = sorted(set(modality))
    if len(classes) == 1:
        modality_bias[classes[0]] = 30.0
    else:
        mod = _sgd(alpha).fit(x, modality)
        coef, intercept = mod.coef_, mod.intercept_
        if len(classes) == 2:  # a binary model has one row: the second class's score and its opposite
            coef, intercept = np.vstack([-coef[0], coef[0]]), np.array([-intercept[0], intercept[0]])
        for row, klass in enumerate(mod.classes_):
            modality_weights[klass], modality_bias[klass] = coef[row], intercept[row]
    return negation_weights, negation_bias, modality_weights, modality_bias
