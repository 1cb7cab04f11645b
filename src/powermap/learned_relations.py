"""The learned relation stage: the trained model decides the type and direction of each actor pair.

The rule stage before it has already read the parse; its relations are one of the model's features, its
structure (trigger, mode, negation, modality) is kept where the model agrees on the type, and relations it
found without a second actor in the sentence (targetless ones, pairs across sentences) pass through.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from powermap.analysis import Analysis
from powermap.evidence import Asserters, SentenceDates, evidence_span
from powermap.learn.features import Candidate, dependency_path, word_vectors
from powermap.learn.relations import Prediction, RelationModel, inside_quote, rule_labels, split_label
from powermap.schema import ANAPHORIC_KINDS, ANNOTATED_TYPES, Actor, Relation, Span


class ClassifyRelations:
    """Replaces the relations between actors of one sentence by the model's; adds `confidence` from it."""

    name = "relation-model"
    requires = ("doc", "text", "actors", "quotes", "relations", "published")
    assigns = ("relations",)
    english_only = True
    fatal = False

    def __init__(self, model: RelationModel | None = None) -> None:
        self.model = model or RelationModel.load()
        self.vectors = word_vectors()  # loaded with the pipeline, not on the first document

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        rules = analysis.relations
        pairs = _candidates(analysis, doc)
        rule_index = rule_labels(rules)
        candidates = [
            Candidate(sent, first, second, ANNOTATED_TYPES[a.type], ANNOTATED_TYPES[b.type],
                      rule_index.get((sent.start_char, a.id, b.id), ()), inside_quote(analysis, first.start_char))
            for sent, first, a, second, b in pairs
        ]
        # the model decides a pair in the sentence where it met it; the rules' other relations pass through
        decided = {(sent.start_char, frozenset((a.id, b.id))) for sent, _, a, _, b in pairs}
        kept = [r for r in rules
                if r.target is None or (r.evidence.start, frozenset((r.source, r.target))) not in decided]
        learned: list[Relation] = []
        same_sentence = _by_sentence(rules)
        context = _Context(analysis, Asserters(analysis.quotes), SentenceDates(doc, analysis.published),
                           self.model.threshold)
        predicted = self.model.predict(candidates, self.vectors)
        for (sent, first, a, second, b), predictions in zip(pairs, predicted, strict=True):
            word = _trigger(first, second) if predictions else None
            for prediction in predictions:
                type_, first_is_source = split_label(prediction.label)
                source, target = (a, b) if first_is_source else (b, a)
                rule = same_sentence.get((sent.start_char, type_, frozenset((source.id, target.id))))
                if rule is not None or word is not None:
                    learned.append(_relation(context, sent, word, source, target, type_, prediction, rule))
        relations = kept + learned
        analysis.relations = [r.model_copy(update={"id": f"rel-{n}"}) for n, r in enumerate(relations, 1)]


def _candidates(analysis: Analysis, doc: Doc) -> list[tuple[TokenSpan, TokenSpan, Actor, TokenSpan, Actor]]:
    """Per sentence, each pair of different actors through their two closest mentions, in text order. The
    model learnt on names and role phrases (docs/annotation.md), so a pair goes through a pronoun or a
    description ("its", "the bloc") only where an actor has no other mention in the sentence; a plural
    mention of several actors ("the two countries", "they") is no side of a pair."""
    plural = analysis.plural_mentions()
    anaphoric = {(m.start, m.end) for actor in analysis.actors for m in actor.mentions if m.kind in ANAPHORIC_KINDS}
    by_sentence: dict[int, list[tuple[TokenSpan, Actor]]] = {}
    for actor in analysis.actors:
        if actor.type == "media":  # a medium reports the power map; it is not a side in it
            continue
        for mention in actor.mentions:
            if (mention.start, mention.end) in plural:
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            by_sentence.setdefault(span.sent.start, []).append((span, actor))
    out = []
    for mentions in by_sentence.values():
        best: dict[frozenset[str], tuple[tuple[int, int], TokenSpan, Actor, TokenSpan, Actor]] = {}
        for (span_x, x), (span_y, y) in combinations(mentions, 2):
            if x.id == y.id:
                continue
            (first, a), (second, b) = sorted([(span_x, x), (span_y, y)], key=lambda item: item[0].start)
            if first.end > second.start:
                continue
            through = sum((span.start_char, span.end_char) in anaphoric and span.root.dep_ == "poss"
                          for span in (first, second))
            distance = (through, second.start - first.end)
            key = frozenset((a.id, b.id))
            if key not in best or distance < best[key][0]:
                best[key] = (distance, first, a, second, b)
        for _, first, a, second, b in sorted(best.values(), key=lambda item: item[1].start):
            out.append((first.sent, first, a, second, b))
    return out


def _by_sentence(rules: list[Relation]) -> dict[tuple[int, str, frozenset[str]], Relation]:
    """Rule relations by (sentence start, type, the two actors), so each prediction finds its own in one step."""
    index: dict[tuple[int, str, frozenset[str]], Relation] = {}
    for relation in rules:
        if relation.target is not None:
            index.setdefault((relation.evidence.start, relation.type, frozenset((relation.source, relation.target))),
                             relation)
    return index


def _trigger(first: TokenSpan, second: TokenSpan) -> Token | None:
    """The word that carries a learned relation: where the two mentions' paths meet, else a content word
    between them; None when one name only modifies the other (`Russian-Belorussian`): no predicate links them."""
    _, meeting, _ = dependency_path(first.root, second.root)
    inside = set(range(first.start, first.end)) | set(range(second.start, second.end))
    if meeting is not None and meeting.i not in inside:
        return meeting
    between = [t for t in first.doc[first.end:second.start] if t.pos_ in {"VERB", "NOUN", "ADJ"}]
    return between[0] if between else None


@dataclass
class _Context:
    analysis: Analysis
    asserters: Asserters
    dates: SentenceDates
    threshold: float  # the model's own decision threshold: below it a relation stands on its rule


def _relation(context: _Context, sent: TokenSpan, word: Token | None, source: Actor,
              target: Actor, type_: str, prediction: Prediction, rule: Relation | None) -> Relation:
    text = context.analysis.text
    if rule is not None:
        trigger, mode, negated, modality = rule.trigger, rule.mode, rule.negated, rule.modality
    else:
        assert word is not None  # the caller keeps a learned relation only with a word that carries it
        trigger = Span.of(text, word.idx, word.idx + len(word.text))
        mode, negated, modality = None, prediction.negated, prediction.modality
    day, day_source = context.dates.of(sent)
    confident = prediction.probability >= context.threshold
    made_by = "model" if rule is None else "rules and model" if confident else "rules"
    return Relation(
        id="rel", source=source.id, target=target.id, type=type_, mode=mode, negated=negated, modality=modality,
        asserted_by=context.asserters.at(trigger.start), date=day, date_source=day_source, trigger=trigger,
        evidence=evidence_span(text, sent), confidence=round(prediction.probability, 3), made_by=made_by,
    )
