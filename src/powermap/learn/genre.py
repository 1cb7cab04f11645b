"""Genre from features of the document's structure and of the author's own voice, by a small logistic model.

The features (`genre_features`) are counted in the author's voice only (`powermap.voice`): what quoted
people say tells us whom the text reports, not what kind of text it is. Word lists come from
`data/genre.yaml`. `powermap train genre` fits a multinomial logistic regression (scikit-learn, fixed
seed) on the documents we wrote in `training/genre/` (docs/genre.md) and stores it as JSON; analysis
reads it with numpy only and gives the features that pushed the verdict most as its reasons.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from powermap import datafiles
from powermap.learn import corpus
from powermap.learn.model_file import model_file
from powermap.lexicon import intense_words, load_stance_words
from powermap.tokens import TokenTable, token_table
from powermap.voice import Voices

MODEL_PATH = resources.files("powermap") / "models" / "genre.json"
SEED = 7
CLIP = 3.0  # standard deviations
C = 0.1  # inverse regularisation strength, chosen by cross-validation on the training documents
FEATURES: tuple[str, ...] = get_args(datafiles.GenreFeature)
_SECTION_GENRES = ("opinion", "analysis", "reporting", "satire", "press_release")
_FINITE_PRESENT = {"VBZ", "VBP"}


class GenreError(ValueError):
    """A training record or the model file is malformed; the message names the file and line."""


class ModelMissing(FileNotFoundError):
    """No trained genre model: the stage falls back to the rule weights of data/genre.yaml."""


class GenreRecord(BaseModel):
    """One document of training/genre/*.jsonl: the text as a reader would copy it, headline first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    genre: datafiles.GenreName
    text: str = Field(min_length=40)
    region: str | None = None
    note: str | None = None


@cache
def _config() -> dict[str, Any]:
    return datafiles.load("genre.yaml").model_dump()


@cache
def _cue_patterns() -> dict[str, re.Pattern[str]]:
    """One alternation per cue list, longest phrases first, on word boundaries."""
    patterns = {}
    for name, phrases in _config()["cues"].items():
        alternatives = "|".join(re.escape(p.lower()) for p in sorted(phrases, key=len, reverse=True))
        patterns[name] = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
    return patterns


@cache
def _evaluative_words() -> frozenset[str]:
    """Stance words (data/stance.yaml) and strongly valenced words of the VADER lexicon."""
    threshold = _config()["evaluative_intensity"]
    return frozenset(load_stance_words()) | intense_words(float(threshold))


def _rate(count: float, base: float, per: float = 100.0) -> float:
    return count / base * per if base else 0.0


def genre_features(analysis: Any) -> dict[str, float]:
    """Every feature of datafiles.GenreFeature for one analysed document (clean, parse and quotes done)."""
    config = _config()
    text: str = analysis.text
    doc = analysis.doc
    voices = Voices(len(text), analysis.quotes)
    author_text = "".join(" " * (s.end - s.start) if s.quote is not None else text[s.start : s.end]
                          for s in voices.segments).lower()
    table = token_table(doc) if doc is not None else TokenTable.empty()
    lower, pos, tag = table.lower, table.pos, table.tag
    tokens = [i for i, space in enumerate(table.is_space) if not space]
    own = [i for i, segment in zip(tokens, voices.walk(table.idx[i] for i in tokens), strict=True)
           if segment.quote is None]
    words = [i for i in own if table.is_alpha[i]]
    n_words = max(1, len(words))
    sentences = list(doc.sents) if doc is not None else []
    own_sentences = [s for s in sentences if voices.is_author(s.start_char) and voices.is_author(s.end_char - 1)]
    n_sentences = max(1, len(sentences))
    cues = {name: len(pattern.findall(author_text)) for name, pattern in _cue_patterns().items()}
    pronouns = config["pronouns"]
    countries = set(pronouns["countries"])  # "US" is the country, never the pronoun
    first_singular = sum(1 for i in words if lower[i] in pronouns["first_singular"] and table.text[i] not in countries)
    first_plural = sum(1 for i in words if lower[i] in pronouns["first_plural"] and table.text[i] not in countries
                       and pos[i] in {"PRON", "DET"})
    second = sum(1 for i in words if lower[i] in pronouns["second"])
    past = sum(1 for i in own if tag[i] == "VBD")
    present = sum(1 for i in own if tag[i] in _FINITE_PRESENT)
    evaluative = _evaluative_words()
    labelled = _labelled_genres(analysis, config["section_labels"])
    lowered = text.lower()
    tail = author_text[-500:]
    title = (analysis.title or "").strip()
    features = {
        **{f"section_{genre}": float(genre in labelled) for genre in _SECTION_GENRES},
        "dateline_or_wire_credit": float(any(item.start < 300 for item in analysis.wire_items)),
        "wire_credit_anywhere": float(bool(analysis.wire_items)),
        "byline": float(bool(analysis.author) and not analysis.signed),
        "signature": float(bool(analysis.signed)),
        "author_bio": float(bool(_cue_patterns()["author_bio"].search(tail))),
        "quoted_share": 1.0 - voices.author_share(),
        "quotes_per_sentence": len(analysis.quotes) / n_sentences,
        "attribution_cues": _rate(cues["attribution"], n_sentences, 1.0),
        "first_person_singular": _rate(first_singular, n_words),
        "first_person_plural": _rate(first_plural, n_words),
        "second_person": _rate(second, n_words),
        "imperatives": _rate(sum(1 for s in own_sentences if _imperative(s, table.is_alpha)),
                             max(1, len(own_sentences)), 1.0),
        "questions": _rate(sum(1 for s in own_sentences if text[s.start_char : s.end_char].rstrip().endswith("?")),
                           max(1, len(own_sentences)), 1.0),
        "headline_question": float(title.endswith("?")),
        "past_tense": past / (past + present) if past + present else 0.0,
        "forecast_cues": _rate(cues["forecast"], n_words),
        "analytic_cues": _rate(cues["analytic"], n_words),
        "opinion_cues": _rate(cues["opinion"], n_words),
        "evaluative_words": _rate(sum(1 for i in words if lower[i] in evaluative and pos[i] in {"ADJ", "ADV"}),
                                  n_words),
        "time_words": _rate(cues["time"], n_sentences, 1.0),
        "numbers": _rate(sum(1 for i in own if table.like_num[i]), n_words),
        "author_techniques": _rate(sum(1 for t in analysis.rhetoric if t.confidence >= config["technique_confidence"]
                                       and voices.is_author(t.start)), n_words),
        "satire_marker": float(any(m in lowered for m in config["satire_markers"])),
        "press_release_marker": float(any(m in lowered for m in config["press_release_markers"])),
    }
    missing = set(FEATURES) - set(features)
    if missing:
        raise GenreError(f"genre features not computed: {', '.join(sorted(missing))}")
    return {name: float(features[name]) for name in FEATURES}


def _labelled_genres(analysis: Any, section_labels: dict[str, list[str]]) -> set[str]:
    """Genres named by the section label (`Opinion: ...`), by a label closing the headline (`... - editorial`,
    `... | Analysis`) or by a kicker line of its own near the top (`LETTERS.`, `ANALYSIS`)."""
    names = {(analysis.section or "").strip().lower()}
    trailing = re.search(r"\s[-–—|]\s*([\w -]{3,30})\s*$", analysis.title or _first_line(analysis.text))
    if trailing:
        names.add(trailing.group(1).strip().lower())
    head = [line.strip() for line in analysis.text[:600].split("\n") if line.strip()][:4]
    names.update(re.sub(r"[^\w -]", "", line).strip().lower() for line in head if len(line) <= 30)
    return {genre for genre, labels in section_labels.items() if names & set(labels)}


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0] if text.strip() else ""


def _imperative(sentence: Any, is_alpha: list[bool]) -> bool:
    """A sentence led by a bare verb with no subject: "Stop pretending", "Let us be clear"."""
    root = sentence.root
    return (root.tag_ == "VB" and root.i == next((i for i in range(sentence.start, sentence.end) if is_alpha[i]), -1)
            and not any(c.dep_ in {"nsubj", "nsubjpass", "expl"} for c in root.children))


@dataclass
class GenreModel:
    """Standardised features times one weight row per genre; `decide` gives the label, its share, reasons."""

    classes: list[str]
    features: list[str]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # classes x features
    bias: np.ndarray
    card: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> GenreModel:
        with model_file(MODEL_PATH, path, "genre", ModelMissing, "`powermap train genre`") as real:
            try:
                data = json.loads(Path(real).read_text(encoding="utf-8"))
                model = cls(classes=data["classes"], features=data["features"], mean=np.array(data["mean"]),
                            scale=np.array(data["scale"]), weights=np.array(data["weights"]),
                            bias=np.array(data["bias"]), card=data.get("card", {}))
            except (ValueError, KeyError, TypeError) as exc:
                raise GenreError(f"{real}: not a genre model ({exc}); retrain with `powermap train genre`") from None
        if model.features != list(FEATURES):
            raise GenreError(f"{real}: trained on other features than this powermap computes; "
                             "retrain with `powermap train genre`")
        return model

    def to_json(self) -> dict[str, Any]:
        def rounded(values: np.ndarray) -> list[Any]:
            return np.round(values, 6).tolist()

        return {"classes": self.classes, "features": self.features, "mean": rounded(self.mean),
                "scale": rounded(self.scale), "weights": rounded(self.weights), "bias": rounded(self.bias),
                "card": self.card}

    def standardised(self, features: dict[str, float]) -> np.ndarray:
        """Features as z-scores of the training documents, clipped: a value far outside what the model saw
        (a text that is nearly all quotation) must not outvote every other feature."""
        return standardise(np.array([features[name] for name in self.features]), self.mean, self.scale)

    def probabilities(self, features: dict[str, float]) -> np.ndarray:
        z = self.standardised(features)
        logits = self.weights @ z + self.bias
        exp = np.exp(logits - logits.max())
        return exp / exp.sum()

    def decide(self, features: dict[str, float], reasons: int = 4) -> tuple[str, float, list[str]]:
        """The genre, its probability, and the features that pushed most toward it (`name=value (+push)`).

        A section label naming one genre (`Opinion:`, `... - editorial`) is taken at its word. A genre rare
        in news (satire, press releases, other) wins only with its marker or a clear majority of the
        probability, else the likeliest common genre does: precision first where a mistake is costly."""
        declared = [genre for genre in _SECTION_GENRES if features[f"section_{genre}"] > 0]
        if len(declared) == 1 and declared[0] in self.classes:  # the publisher's own label decides
            return declared[0], 1.0, [f"section_{declared[0]}=1.00 (the page's own label)"]
        z = self.standardised(features)
        probabilities = self.probabilities(features)
        rare, needed = set(_config()["rare_genres"]), _config()["rare_min_probability"]
        best = next(i for i in np.argsort(-probabilities)  # a rare genre needs its marker or a clear majority
                    if self.classes[i] not in rare or probabilities[i] >= needed
                    or features.get(f"{self.classes[i]}_marker", 0.0) > 0)
        others = np.delete(self.weights, best, axis=0).mean(axis=0)
        push = (self.weights[best] - others) * z  # how much each feature favours this genre over the rest
        order = [i for i in np.argsort(-push) if push[i] > 0][:reasons]
        why = [f"{self.features[i]}={features[self.features[i]]:.2f} (+{push[i]:.2f})" for i in order]
        return self.classes[best], float(probabilities[best]), why


def standardise(values: np.ndarray, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.clip((values - mean) / scale, -CLIP, CLIP)


# -- training ---------------------------------------------------------------------------------------
def read_records(paths: Sequence[Path]) -> list[GenreRecord]:
    """Every training document of the given files; a broken record is named with its file and line."""
    try:
        records = [record for _, record in corpus.read_records(paths, GenreRecord)]
    except corpus.CorpusError as exc:
        raise GenreError(str(exc)) from None
    if not records:
        raise GenreError("no genre training records found")
    return records


def feature_matrix(records: Sequence[GenreRecord], pipeline: Any = None) -> np.ndarray:
    """Run the stages genre reads (clean to quotes, and the techniques of the rhetoric stage) over each record
    and compute its features."""
    from powermap.analysis import Source
    from powermap.pipeline import Pipeline

    pipeline = pipeline or Pipeline(exclude=["relations", "relation-model", "claims"])
    sources = [Source(label=r.id, format="text", raw=r.text, body=r.text) for r in records]
    rows = []
    for record, analysis in zip(records, pipeline.pipe(sources), strict=True):
        if analysis.failed or analysis.doc is None:
            raise GenreError(f"{record.id}: could not be analysed ({analysis.problem})")
        features = genre_features(analysis)
        rows.append([features[name] for name in FEATURES])
    return np.array(rows, dtype=float)


def fit(matrix: np.ndarray, labels: Sequence[str], c: float) -> GenreModel:
    from sklearn.linear_model import LogisticRegression

    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    classifier = LogisticRegression(C=c, max_iter=2000, random_state=SEED)
    classifier.fit(standardise(matrix, mean, scale), list(labels))
    return GenreModel(classes=[str(c) for c in classifier.classes_], features=list(FEATURES), mean=mean,
                      scale=scale, weights=classifier.coef_, bias=classifier.intercept_)


def cross_validated(matrix: np.ndarray, labels: Sequence[str], c: float, folds: int = 5) -> dict[str, Any]:
    """Accuracy over stratified folds (fixed seed): how the model does on documents it did not see."""
    from sklearn.model_selection import StratifiedKFold

    target = np.array(labels)
    folds = min(folds, min(list(labels).count(g) for g in set(labels)))  # every fold sees every genre
    if folds < 2:
        return {"folds": 0, "accuracy": None, "recall_by_genre": {}}
    predicted = np.empty(len(target), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train_rows, test_rows in splitter.split(matrix, target):
        model = fit(matrix[train_rows], target[train_rows], c)
        for row in test_rows:
            predicted[row] = model.decide(dict(zip(FEATURES, matrix[row], strict=True)))[0]
    per_genre = {g: round(float((predicted[target == g] == g).mean()), 3) for g in sorted(set(labels))}
    return {"folds": folds, "accuracy": round(float((predicted == target).mean()), 3), "recall_by_genre": per_genre}


def train(paths: Sequence[Path], output: Path, c: float = C, pipeline: Any = None,
          log: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Fit on every record, after measuring by cross-validation; write the model and return its card."""
    records = read_records(paths)
    labels = [r.genre for r in records]
    log(f"analysing {len(records)} documents")
    matrix = feature_matrix(records, pipeline)
    held = cross_validated(matrix, labels, c)
    log(f"cross-validated: {held}")
    model = fit(matrix, labels, c)
    model.card = {
        "trained_on": [p.name for p in paths],
        "documents": len(records),
        "genre_counts": {g: labels.count(g) for g in sorted(set(labels))},
        "cross_validated": held,
        "seed": SEED,
        "C": c,
        "features": len(FEATURES),
    }
    output.write_text(json.dumps(model.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return model.card

