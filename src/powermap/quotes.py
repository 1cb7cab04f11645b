"""The quotes stage: direct and indirect quotations with speaker, cue verb and cited source.

Cue verbs live in `data/cues.yaml`. Speakers resolve through the actor stage's mentions (names, roles,
pronouns); a cited medium ("BelTA reported", "told Reuters", a wire dateline) becomes the `source`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Literal, NamedTuple

from spacy.tokens import Doc, Span, Token

from powermap import datafiles
from powermap.analysis import Analysis
from powermap.offsets import Intervals, between
from powermap.schema import Actor, Cue, Quote, WireItem
from powermap.schema import Span as TextSpan
from powermap.tokens import sentence_starts, token_table

# Opening mark -> closing marks it pairs with.
_PAIRS = {"“": "”\"", "«": "»", "„": "“”", '"': '"”', "‘": "’", "”": "”\""}
# Some writers open a paragraph's quote with a closing mark; only at a paragraph start does it open one.
_OPENER_MARKS = re.compile("|".join(re.escape(mark) for mark in _PAIRS))
_WORD = re.compile(r"\w+")
# `PENCE: Well, look, ...` or `Pat Caddell: Democrat voters worried`: a speaker label opening a paragraph.
_LABELLED = re.compile(
    r"^[\"“”]?(?P<speaker>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}):[ \t]+(?P<content>\S[^\n]*)$", re.M
)
_TRANSCRIPT_LABEL = re.compile(r"(?P<speaker>[A-Z]{2,}(?: [A-Z]{2,}){0,2}):\s+")
# `”...” ― Karen Bobadilla.`: a speaker signed after a dash that follows the closing mark.
_SIGNED = re.compile(r"\s*[―—–-]\s*(?P<speaker>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,4})")


@dataclass(frozen=True)
class Cues:
    speech: frozenset[str]
    belief: frozenset[str]
    beside_quotes: frozenset[str]
    object_is_content: frozenset[str]
    label_sources: frozenset[str]
    topic_verbs: frozenset[str]
    stance: frozenset[str]
    framing: frozenset[str]
    stance_adjectives: frozenset[str]
    title_minor_words: frozenset[str]
    stance_prepositions: frozenset[str]
    frame_prepositions: frozenset[str]
    topic_prepositions: frozenset[str]
    carried_pronouns: frozenset[str]
    according_to: tuple[tuple[str, ...], ...]  # each phrase as its lower-case words
    min_words: int
    min_single_words: int
    confidence: datafiles.QuoteConfidence

    # Unions are built once per Cues: they are looked up for every token of every document.
    @cached_property
    def all(self) -> frozenset[str]:
        return self.speech | self.belief

    @cached_property
    def reporting(self) -> frozenset[str]:
        """Every verb that may introduce reported content."""
        return self.all | self.stance | self.topic_verbs

    @cached_property
    def direct(self) -> frozenset[str]:
        """Every verb that may be the cue of words in quotation marks."""
        return self.all | self.beside_quotes


_WORD_LISTS = ("speech", "belief", "beside_quotes", "object_is_content", "label_sources", "topic_verbs",
               "stance", "framing", "stance_adjectives", "title_minor_words", "stance_prepositions",
               "frame_prepositions", "topic_prepositions", "carried_pronouns")


@cache
def load_cues() -> Cues:
    data = datafiles.load("cues.yaml")
    lists = {name: frozenset(getattr(data, name)) for name in _WORD_LISTS}
    return Cues(**lists, according_to=tuple(tuple(phrase.lower().split()) for phrase in data.according_to),
                min_words=data.min_quote_words, min_single_words=data.min_single_quote_words,
                confidence=data.confidence)


def quoted_spans(text: str, min_words: int, min_single_words: int) -> list[tuple[int, int]]:
    """(start, end) of speech inside quotation marks, joining paragraphs that reopen the quote.

    Short quoted words are scare quotes or titles, except the first half of a quote split by its cue
    (`"Our troops," he said, "will stay."`) and a question or exclamation (`"What curfew?"`).
    """
    pairs = _pairs(text)
    spans = []
    for index, (start, end, mark) in enumerate(pairs):
        words = len(_WORD.findall(text[start:end]))
        needed = min_single_words if mark == "‘" else min_words
        split_half = (
            text[start:end].rstrip().endswith(",")
            and index + 1 < len(pairs)
            and pairs[index + 1][0] - end < 40
        )
        exclaimed = text[start:end].rstrip()[-1:] in {"?", "!"}
        if words >= needed or (split_half or exclaimed) and words:
            spans.append((start, end))
    return spans


def _pairs(text: str) -> list[tuple[int, int, str]]:
    """Quote pairs; doubled apostrophes (''like this'') count as straight double quotes."""
    text = text.replace("''", '"\u0001').replace("``", '"\u0001')
    spans: list[tuple[int, int, str]] = []
    position = 0
    unclosed: dict[str, int] = {}  # mark -> where its last search for a closer ended without one
    for found in _OPENER_MARKS.finditer(text):
        opening = found.start()
        if opening < position:
            continue
        if text[opening] == "”" and opening > 0 and text[opening - 1] != "\n":
            continue
        mark = text[opening]
        if mark == "‘" and opening > 0 and text[opening - 1].isalnum():
            continue
        if opening < unclosed.get(mark, -1):
            continue  # a search from inside a stretch where this mark found no closer fails the same way
        end = _search_end(text, opening + 1, mark)
        if end >= len(text) or text[end] == "\n":
            unclosed[mark] = end
            continue
        start = opening + 1
        while start < end and text[start] in "\u0001 ":
            start += 1
        spans.append((start, end, mark))
        position = end + 1
    return spans


def _search_end(text: str, start: int, mark: str) -> int:
    """Where the search for `mark`'s closer stops: at the closer, at the line break where the quote
    ends unclosed, or at the end of the text."""
    closers = _PAIRS[mark]
    index = start
    while index < len(text):
        char = text[index]
        if char in closers and not (char == "’" and index + 1 < len(text) and text[index + 1].isalpha()):
            return index
        if char == "\n":
            # A multi-paragraph quote reopens with the same mark at the next paragraph's start.
            following = index
            while following < len(text) and text[following] == "\n":
                following += 1
            if not text.startswith(mark, following) \
                    or "\n\n" not in text[index : index + 3] and text[index + 1] != mark:
                return index
            index = following + 1
            continue
        index += 1
    return index


@dataclass
class _Document:
    """One document as the quote strategies see it, built once per call: its parse and text, who each
    mention names, where reported words come from besides their speaker, the quotes in marks, and which
    quoted fragments are claimed. A strategy takes the document plus only what is specific to its call.
    """

    cues: Cues
    doc: Doc
    text: str
    owners: dict[int, Actor]  # a mention's first character -> the actor it names
    origins: _Origins
    full: list[tuple[int, int]]  # words in marks that are sentences of their own: the direct quotes
    fragments: list[tuple[int, int]]  # quoted phrases inside someone's sentence
    cue_tokens: list[Token]  # verbs that may be the cue of words in marks, in text order
    sentence_start: list[int]  # token index -> the first token of its sentence
    marks: Intervals[tuple[int, int]] = field(init=False)
    _claimed: set[tuple[int, int]] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self.marks = Intervals((start, end, (start, end)) for start, end in self.full)

    @classmethod
    def of(cls, analysis: Analysis, doc: Doc, cues: Cues) -> _Document:
        text = analysis.text
        owners = analysis.mention_owners()
        origins = _Origins.of(analysis, owners)
        spans = [(start, end) for start, end in quoted_spans(text, cues.min_words, cues.min_single_words)
                 if origins.wire.first_at(start) is None]
        spans = [span for span in _split_at_labels(text, spans, cues.min_words)
                 if not _title(text[span[0] : span[1]], cues.title_minor_words)]
        full = [span for span in spans if not _fragment(text, *span)]
        full_set = set(full)
        table = token_table(doc)
        return cls(
            cues=cues, doc=doc, text=text, owners=owners, origins=origins, full=full,
            fragments=[span for span in spans if span not in full_set],
            cue_tokens=[doc[i] for i, (lemma, pos) in enumerate(zip(table.lemma, table.pos, strict=True))
                        if lemma in cues.direct and pos in {"VERB", "AUX"}],
            sentence_start=sentence_starts(doc),
        )

    # -- precedence -------------------------------------------------------------------------------
    def claim(self, span: tuple[int, int]) -> bool:
        """Take a quoted fragment for the strategy asking; False if an earlier one has taken it."""
        if span in self._claimed:
            return False
        self._claimed.add(span)
        return True

    def in_marks(self, start: int, end: int) -> bool:
        """Whether characters [start, end) touch a direct quote's words, which no other strategy reports."""
        return bool(self.marks.overlapping(start, end))

    def fragments_within(self, content: Span) -> list[tuple[int, int]]:
        """The quoted fragments inside reported content (the closing mark may follow its last word)."""
        return [f for f in between(self.fragments, content.start_char, content.end_char + 1, key=_first)
                if f[1] <= content.end_char + 1]

    # -- speakers and sources ---------------------------------------------------------------------
    def actor_of(self, span: Span) -> Actor | None:
        """The actor a speaker span names: through its head, else through any of its words."""
        owners = self.owners
        return owners.get(span.root.idx) or next((owners[t.idx] for t in span if t.idx in owners), None)

    def speaker_of(self, cue: Token) -> Span | None:
        """The cue's subject, or the actor named just before a cue the parse left without one."""
        return _subject(cue) or self.named_before(cue)

    def named_before(self, cue: Token) -> Span | None:
        """`Mirziyoyev squarely declared`: an actor named just before a cue the parse left without subject."""
        for token in reversed(self.doc[max(cue.sent.start, cue.i - 4) : cue.i]):
            if token.idx in self.owners:
                return self.doc[token.i : token.i + 1]
        return None

    def colon_speaker(self, start: int) -> Span | None:
        """`Putin: “...”` or `He asked Putin: “...”`: the actor named just before the colon."""
        preceding = self.doc.char_span(max(0, start - 60), max(0, start - 1), alignment_mode="contract")
        before = list(preceding)[-3:] if preceding is not None else []
        if len(before) >= 2 and before[-1].text == ":" and before[-2].idx in self.owners:
            return self.doc[before[-2].i : before[-2].i + 1]
        return None

    def cited_medium(self, cue: Token | Span | None) -> str | None:
        """`told Reuters`, or a second cue in the sentence whose subject is a medium (`BelTA reported`)."""
        if not isinstance(cue, Token):
            return None
        sentence = cue.sent
        for index in between(self.origins.media_tokens, sentence.start, sentence.end, key=int):
            token = self.doc[index]
            if token.head == cue and token.dep_ in {"dobj", "dative", "pobj"} or token.dep_ == "nsubj":
                return self.owners[token.idx].id
        return None

    def nearest_cue(self, start: int, end: int, inside: set[int]) -> Token | None:
        """The cue verb in the quote's sentences: just after the closing mark or before the opening one.
        A verb that is a cue only beside quotation marks (`continued`, `chanting`) must touch them."""
        doc, text, sentence_start = self.doc, self.text, self.sentence_start
        marks = [_token_at(doc, start - 1), _token_at(doc, end)]
        sentences = {sentence_start[i] for i in [*inside, *(t.i for t in marks if t is not None)]}
        last = _token_at(doc, end - 1)
        trailing = last is not None and last.text[end - 1 - last.idx] in {",", "!", "?"}
        best: tuple[int, Token] | None = None
        # Only cues within the distance limits below (120 characters before, 60 after) can be chosen.
        for token in between(self.cue_tokens, start - 120, end + 61, key=_offset):
            if token.i in inside:
                continue
            if token.lemma_.lower() not in self.cues.all and not _touches(text, token, start, end):
                continue
            after = token.idx >= end
            if sentence_start[token.i] not in sentences and not (after and trailing and token.idx - end < 25):
                continue
            distance = token.idx - end if token.idx >= end else start - token.idx
            limit = 60 if token.idx >= end else 120
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, token)
        return best[1] if best else None

    # -- output -----------------------------------------------------------------------------------
    def quote(self, start: int, end: int, kind: str, cue: Token | Span | None, speaker: Span | None,
              base: Literal["marks", "reported"]) -> Quote:
        """The quote of [start, end) (after any dateline), with its speaker's actor, cue, source and
        confidence (`base` says which starting confidence of `cues.yaml` applies)."""
        text, origins = self.text, self.origins
        start = origins.after_datelines(text, start, end)
        speaker_actor = self.actor_of(speaker) if speaker is not None else None
        source = None
        if speaker_actor is not None and speaker_actor.id in origins.media:
            source = speaker_actor.id
        source = source or self.cited_medium(cue) or origins.credits.first_at(start)
        if isinstance(cue, Token):
            cue_model = Cue.of(text, cue.idx, cue.idx + len(cue.text), lemma=cue.lemma_.lower())
        elif cue is not None:
            cue_model = Cue.of(text, cue.start_char, cue.end_char, lemma=cue.text.lower())
        else:
            cue_model = None
        sure = self.cues.confidence
        confidence = getattr(sure, base) + (sure.with_cue if cue_model else 0.0) + \
            (sure.with_speaker if speaker_actor else 0.0)
        return Quote.of(
            text, start, end, kind=kind,
            speaker=speaker_actor.id if speaker_actor else None,
            speaker_text=TextSpan.of(text, speaker.start_char, speaker.end_char) if speaker is not None else None,
            cue=cue_model, source=source, confidence=round(min(confidence, sure.most), 2),
        )


# -- the strategies, each a function of one document ---------------------------------------------
def _reported_speech(document: _Document) -> list[Quote]:
    """`X said that ...`, `The deal, he said, is dead`, `called the charges unsubstantiated`, `were
    frustrated that ...`, `spoke of ...`, and a speech verb's colon: one quote per cue word."""
    cues = document.cues
    found = []
    table = token_table(document.doc)
    for index, (lemma, pos, lower) in enumerate(zip(table.lemma, table.pos, table.lower, strict=True)):
        verb = lemma in cues.reporting and pos in {"VERB", "AUX"}
        if verb or lower in cues.stance_adjectives:
            quote = _reported(document, document.doc[index])
            if quote is not None:
                found.append(quote)
    return found


def _reported(document: _Document, cue: Token) -> Quote | None:
    """What one cue word reports, unless it stands inside a direct quote or its content overlaps one."""
    cues = document.cues
    if document.marks.first_at(cue.idx) is not None:
        return None
    lemma = cue.lemma_.lower()
    if lemma in cues.speech and (after_colon := _after_colon(document.text, cue)) is not None:
        speaker = document.speaker_of(cue)
        if speaker is not None and not document.in_marks(*after_colon):
            return document.quote(*after_colon, "direct", cue, speaker, base="reported")
    complements = _complements(cue, speech=lemma in cues.all)
    if cue.pos_ not in {"VERB", "AUX"} and not complements:
        return None  # "were frustrated that ...": only a clause makes a feeling a view
    if complements:
        content = _clause_content(cue, complements[0], cues.all)
    elif cue.dep_ == "parataxis" and lemma in cues.all:
        content = _around_parenthetical(cue)
    elif (lemma in cues.stance or lemma in cues.object_is_content) \
            and (objects := _stance_object(cue, lemma in cues.framing)) is not None:
        content = objects
    elif lemma in cues.topic_verbs and (topic := _topic(cue)) is not None:
        content = topic
    else:
        return None
    content = _within_paragraph(content, cue)
    while len(content) and content[-1].is_punct:
        content = content[:-1]
    if len(content) < 3 or document.in_marks(content.start_char, content.end_char):
        return None
    speaker = document.speaker_of(cue)
    if speaker is None:
        return None
    held = document.fragments_within(content)
    for fragment in held:
        document.claim(fragment)
    return document.quote(content.start_char, content.end_char, "mixed" if held else "indirect", cue, speaker,
                          base="reported")


def _according_to(document: _Document) -> list[Quote]:
    """`According to X, ...` or `..., according to X`: the phrases of `cues.yaml` `according_to`, whose
    last word's object is the speaker."""
    doc = document.doc
    lower = token_table(doc).lower
    first_words = {phrase[0] for phrase in document.cues.according_to if phrase}
    found = []
    for index in range(len(doc)):
        if lower[index] not in first_words:
            continue
        phrase = next((p for p in document.cues.according_to if index + len(p) < len(doc)
                       and all(lower[index + n] == word for n, word in enumerate(p))), None)
        if phrase is None:
            continue
        token = doc[index]
        after = token.i + len(phrase)
        objects = [c for c in doc[after - 1].children if c.dep_ in {"pobj", "pcomp"}]
        if not objects:
            continue
        source = _up_to_comma(doc[after : objects[0].right_edge.i + 1])
        if not len(source):
            continue
        sentence = token.sent
        if source.end < sentence.end - 2 and doc[source.end].is_punct:
            content = doc[source.end + 1 : sentence.end]
        else:
            content = doc[sentence.start : token.i]
        while len(content) and (content[-1].is_punct or content[-1].is_space):
            content = content[:-1]
        while len(content) and (content[0].is_punct or content[0].is_space):
            content = content[1:]
        if len(content) < 3 or document.in_marks(content.start_char, content.end_char):
            continue
        found.append(document.quote(content.start_char, content.end_char, "indirect", doc[token.i : after], source,
                                    base="reported"))
    return found


def _labelled(document: _Document) -> list[Quote]:
    """Transcript and headline labels: `PENCE: ...` (direct), `Pat Caddell: ...`, and in a headline
    also any actor or a source word (`Poll: ...`); a headline's words are a paraphrase, not direct."""
    doc, text = document.doc, document.text
    found = []
    title_end = text.find("\n")
    title_end = len(text) if title_end < 0 else title_end
    for match in _LABELLED.finditer(text):
        speaker = doc.char_span(match.start("speaker"), match.end("speaker"), alignment_mode="expand")
        if speaker is None:
            continue
        actor = document.actor_of(speaker)
        label = match.group("speaker")
        in_title = match.start() < title_end
        if not (label.isupper() or actor is not None and (actor.type == "person" or in_title)
                or in_title and label.lower() in document.cues.label_sources):
            continue
        start, end = match.start("content"), match.end("content")
        while end > start and text[end - 1] in " .\"”":
            end -= 1
        quoted = sum(min(e, end) - max(s, start) for s, e in document.marks.overlapping(start, end))
        if quoted * 2 > end - start or end - start < 10:
            continue  # `Lynch: 'Be the voice ...'`: the quotation marks' quote already says it
        colon = doc.char_span(match.end("speaker"), match.end("speaker") + 1, alignment_mode="expand")
        kind = "indirect" if in_title and not label.isupper() else "direct"
        found.append(document.quote(start, end, kind, colon, speaker, base="reported"))
    return found


def _in_marks(document: _Document) -> list[Quote]:
    """Words in quotation marks that are sentences of their own: the direct quotes."""
    return [_marked(document, start, end) for start, end in document.full]


def _fragments(document: _Document) -> list[Quote]:
    """Quoted phrases no reported quote holds: `mixed` when someone says them, else scare quotes."""
    found = []
    for fragment in document.fragments:
        if document.claim(fragment):
            quote = _marked(document, *fragment)
            if quote.cue is not None:
                found.append(quote.model_copy(update={"kind": "mixed"}))
    return found


def _marked(document: _Document, start: int, end: int) -> Quote:
    """The quote of words in marks, with its speaker: a transcript label inside (`PENCE: ...`), a
    signature after (`” ― Name`), the nearest cue's subject, or the actor named before a colon."""
    doc, text = document.doc, document.text
    label = _TRANSCRIPT_LABEL.match(text, start, end)
    if label:
        speaker = doc.char_span(label.start("speaker"), label.end("speaker"), alignment_mode="expand")
        colon = doc.char_span(label.end("speaker"), label.end("speaker") + 1, alignment_mode="expand")
        return document.quote(label.end(), end, "direct", colon, speaker, base="marks")
    signed = _SIGNED.match(text, end + 1)
    if signed:
        speaker = doc.char_span(signed.start("speaker"), signed.end("speaker"), alignment_mode="expand")
        dash = doc.char_span(signed.start(), signed.start("speaker"), alignment_mode="expand")
        if speaker is not None:
            return document.quote(start, end, "direct", _stripped(dash), speaker, base="marks")
    span = doc.char_span(start, end, alignment_mode="expand")
    inside = set(range(span.start, span.end)) if span is not None and len(span) else set()
    cue = document.nearest_cue(start, end, inside)
    speaker_span = _subject(cue) if cue is not None else None
    if cue is not None and speaker_span is None:
        speaker_span = document.named_before(cue)
    if speaker_span is None:
        speaker_span = document.colon_speaker(start)
    mixed = _tail_before(text, start - 1, 4).endswith(("that", " as")) and cue is not None
    return document.quote(start, end, "mixed" if mixed else "direct", cue, speaker_span, base="marks")


class Strategy(NamedTuple):
    """One way of finding quotes: its name and what it finds on one document."""

    name: str
    find: Callable[[_Document], list[Quote]]


# The strategies in the order they run; `ExtractQuotes` says what the order decides.
STRATEGIES: tuple[Strategy, ...] = (
    Strategy("reported speech", _reported_speech),
    Strategy("according to", _according_to),
    Strategy("labels", _labelled),
    Strategy("quotation marks", _in_marks),
    Strategy("quoted fragments", _fragments),
)


class ExtractQuotes:
    """Adds `analysis.quotes`: what each of `strategies` finds on the document's `_Document`.

    Precedence, stated here only. Words in full quotation marks belong to the quotation-marks strategy:
    they are found from the marks alone when the `_Document` is built, before any strategy runs, and the
    others leave them alone (`_Document.in_marks`: no reported content that overlaps them, no cue inside
    them; a label's words only if marks hold at most half of them). The strategies then run in the order
    of `STRATEGIES`. A quoted fragment (a phrase in marks inside someone's sentence) is claimed
    (`_Document.claim`) by every reported quote that holds it, which becomes `mixed`; the fragment
    strategy, last, reports only the fragments no earlier strategy claimed. Reported content itself is
    not claimed: two strategies may report overlapping words, and `_without_echoes` then drops a
    speaker's inner view. Quotes are ordered by start; at one start, in the order of the strategies.
    """

    name = "quotes"
    requires = ("doc", "text", "actors", "wire_items")
    assigns = ("quotes",)
    english_only = True
    fatal = False

    def __init__(self, strategies: tuple[Strategy, ...] = STRATEGIES) -> None:
        self.cues = load_cues()
        self.strategies = strategies

    def __call__(self, analysis: Analysis) -> None:
        if analysis.doc is None:
            return
        document = _Document.of(analysis, analysis.doc, self.cues)
        quotes = [quote for strategy in self.strategies for quote in strategy.find(document)]
        analysis.quotes = _without_echoes(_carry_speakers(sorted(quotes, key=lambda q: q.start)))


def _up_to_comma(span: Span) -> Span:
    """`According to host Rush Limbaugh, the move reeks`: a parse may hang the content on the source."""
    for token in span:
        if token.is_punct and token.text in {",", ";", ":", "—", "–"}:
            return span[: token.i - span.start]
    return span


_BESIDE_BEFORE = re.compile(r"^(?: \w+){0,2}[:,]?\s*$")  # `continued: "`, `went on about "`, `asking her, "`
_BESIDE_AFTER = re.compile(r"^\s*(?:\w+\s+){1,3}$")  # `," she continued`


def _touches(text: str, cue: Token, start: int, end: int) -> bool:
    if cue.i > 0 and cue.nbor(-1).text == "-" and not cue.nbor(-1).whitespace_:
        return False  # `so-called "..."` marks a scare quote
    if cue.idx < start:
        return bool(_BESIDE_BEFORE.match(text[cue.idx + len(cue.text) : start - 1]))
    return text[end - 1] in ",?!" and bool(_BESIDE_AFTER.match(text[end + 1 : cue.idx]))


_NEXT_LABEL = re.compile(r"\n+[\"“”]?(?=" + _TRANSCRIPT_LABEL.pattern + ")")


def _split_at_labels(text: str, spans: list[tuple[int, int]], min_words: int) -> list[tuple[int, int]]:
    """A quoted transcript reopens each paragraph at a new speaker's label (`"PENCE: ...`): one quote
    per turn, not one quote for the whole exchange."""
    pieces = []
    for start, end in spans:
        cuts = [(m.start(), m.end()) for m in _NEXT_LABEL.finditer(text, start, end)]
        if not cuts:
            pieces.append((start, end))
            continue
        bounds = [start] + [after for _, after in cuts]
        stops = [before for before, _ in cuts] + [end]
        for piece_start, piece_end in zip(bounds, stops, strict=True):
            piece = text[piece_start:piece_end].rstrip(" \n\"”")
            if len(_WORD.findall(piece)) >= min_words:
                pieces.append((piece_start, piece_start + len(piece)))
    return pieces


_COLON_WORDS = re.compile(r"[ \t]*:(?:[ \t]+|[ \t]*\n+)(?P<words>[A-Z][^\n]*)")


def _after_colon(text: str, cue: Token) -> tuple[int, int] | None:
    """`He added: It is typical of them.`: words after a speech verb's colon, to the paragraph's end,
    or the next paragraph when the colon ends one (a block quote), when no quotation mark opens them
    (a quote in marks is taken as a direct quote)."""
    match = _COLON_WORDS.match(text, cue.idx + len(cue.text))
    if match is None:
        return None
    start, end = match.start("words"), match.end("words")
    while end > start and text[end - 1] in " .":
        end -= 1
    return (start, end) if len(_WORD.findall(text[start:end])) >= 3 else None


def _stripped(span: Span | None) -> Span | None:
    while span is not None and len(span) and span[-1].is_space:
        span = span[:-1]
    return span if span is not None and len(span) else None


def _token_at(doc: Doc, offset: int) -> Token | None:
    """The token covering a character offset, if any."""
    if offset < 0:
        return None
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _complements(cue: Token, speech: bool) -> list[Token]:
    """Clauses a cue reports, the one after the cue first (`Friday: Republicans said they ...`).

    A speech verb's clause may come without "that"; the parser sometimes hangs it as an adverbial
    clause (`said after the convention he would not ...`), which counts when it has its own subject
    and no subordinating word. Other stance verbs report a clause when it is marked, or when it is a
    finding's content (`the video shows an officer aiming ...`)."""
    found = []
    for child in cue.children:
        marked = any(m.dep_ == "mark" for m in child.children)
        subject = any(s.dep_ in {"nsubj", "nsubjpass"} for s in child.children)
        if child.dep_ == "ccomp" and (speech or subject or marked) \
                or speech and child.dep_ == "advcl" and child.i > cue.i and subject and not marked:
            found.append(child)
    return sorted(found, key=lambda c: (c.i < cue.i, abs(c.i - cue.i)))


def _clause_content(cue: Token, clause: Token, cue_lemmas: frozenset[str]) -> Span:
    """The reported clause with its "that", without a coordinated clause that has a cue of its own
    (`She said X, and ... the mother replied`), and with a reason or condition the parser hung on
    the cue instead (`said that the claim smacked of hypocrisy, because ...`)."""
    doc = cue.doc
    start, end = clause.left_edge.i, clause.right_edge.i + 1
    subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if clause.i > cue.i and start == cue.i + 1 and subjects:
        # `said on Monday the troops would leave`: a time or place right after the cue is the cue's
        for adjunct in clause.children:
            if adjunct.dep_ in {"prep", "npadvmod"} and adjunct.left_edge.i == start and adjunct.i < subjects[0].i:
                start = adjunct.right_edge.i + 1
    if start > 0 and doc[start - 1].lower_ == "that" and doc[start - 1].head in {clause, cue}:
        start -= 1
    for conj in clause.children:
        if conj.dep_ == "conj" and conj.lemma_.lower() in cue_lemmas and conj.i > clause.i:
            end = min(end, conj.left_edge.i)
            while end > start and (doc[end - 1].is_punct or doc[end - 1].dep_ == "cc" or doc[end - 1].is_space):
                end -= 1
    if clause.i > cue.i:
        for extra in cue.children:
            if extra.dep_ == "advcl" and extra.left_edge.i >= end and extra.left_edge.i - end <= 1 \
                    and any(m.dep_ == "mark" for m in extra.children):
                end = extra.right_edge.i + 1
    return doc[start:end]


def _within_paragraph(content: Span, cue: Token) -> Span:
    """Parses sometimes run a clause across a paragraph break; reported speech does not."""
    breaks = [t for t in content if "\n" in t.text or "\n" in t.whitespace_]
    before = [t.i for t in breaks if t.i < cue.i]
    after = [t.i for t in breaks if t.i >= cue.i]
    first = max(before) + 1 if before else content.start
    last = min(after) + 1 if after else content.end
    tokens = [t for t in content[first - content.start : last - content.start] if not t.is_space]
    if not tokens:
        return content[0:0]
    return content.doc[tokens[0].i : tokens[-1].i + 1]


def _stance_object(cue: Token, framing: bool) -> Span | None:
    """What a stance verb takes: an infinitive clause, or an object with what it is called or seen as
    (`called the charges unsubstantiated`, `saw the comment as a dig`), or `for`/`to` + object.
    A framing verb (see, call, describe) says nothing without the frame: "we see Lukashenko" is no view."""
    after = [c for c in cue.children if c.i > cue.i]
    objects = [c for c in after if c.dep_ in {"xcomp", "dobj"}]
    if objects:
        frames = load_cues().frame_prepositions
        complements = [c for c in after if c.i > objects[0].i and (
            c.dep_ in {"oprd", "xcomp", "ccomp", "acomp"} or c.dep_ == "prep" and c.lower_ in frames)]
        if framing and not complements:
            return None
        last = complements[-1] if complements else objects[0]
        return cue.doc[objects[0].left_edge.i : last.right_edge.i + 1]
    return _prepositional_object(cue, load_cues().stance_prepositions)


def _topic(cue: Token) -> Span | None:
    """`spoke of a new era`, `pointed to the fees`: the object of the verb's about/of/on/to."""
    return _prepositional_object(cue, load_cues().topic_prepositions, following=True)


def _prepositional_object(cue: Token, prepositions: frozenset[str], following: bool = False) -> Span | None:
    """The object of the cue's first preposition in `prepositions` (after the cue, if `following`)."""
    for child in cue.children:
        if child.dep_ == "prep" and child.lower_ in prepositions and (child.i > cue.i or not following):
            objects = [c for c in child.children if c.dep_ in {"pobj", "pcomp"}]
            if objects:
                return cue.doc[objects[0].left_edge.i : objects[0].right_edge.i + 1]
    return None


def _around_parenthetical(cue: Token) -> Span:
    """`The deal, he said, is dead.`: the reported words are the sentence around the cue's clause."""
    sentence = cue.sent
    aside = {t.i for t in cue.subtree}
    words = [t for t in sentence if t.i not in aside and not t.is_punct and not t.is_space]
    if not words:
        return sentence[0:0]
    return cue.doc[words[0].i : words[-1].i + 1]


def _carry_speakers(quotes: list[Quote]) -> list[Quote]:
    """`..." he said` after a long quote: the pronoun is the previous nearby quote's speaker."""
    previous: Quote | None = None
    carried = []
    for quote in quotes:
        near = previous is not None and quote.start - previous.end < 600
        pronoun = quote.speaker_text is not None and quote.speaker_text.text.lower() in load_cues().carried_pronouns
        if near and quote.speaker is None and pronoun and previous.speaker \
                and previous.speaker.startswith("person:"):
            quote = quote.model_copy(update={"speaker": previous.speaker})
        elif near and quote.kind == "direct" and quote.cue is None and quote.speaker_text is None \
                and previous.speaker_text is not None:
            # A quote standing alone right after another continues the same speaker's words.
            quote = quote.model_copy(update={"speaker": previous.speaker, "speaker_text": previous.speaker_text,
                                             "confidence": load_cues().confidence.continued})
        carried.append(quote)
        previous = quote if quote.speaker_text is not None else previous
    return carried


def _without_echoes(quotes: list[Quote]) -> list[Quote]:
    """`Stein said she plans to join ...`: the inner view of the same speaker is part of what was said,
    not a second attribution."""
    kept = []
    spans = Intervals((quote.start, quote.end, quote) for quote in quotes)
    for quote in quotes:
        echo = quote.kind != "direct" and quote.cue is not None and quote.speaker is not None and any(
            other is not quote and other.speaker == quote.speaker for other in spans.all_at(quote.cue.start))
        if not echo:
            kept.append(quote)
    return kept


def _title(quoted: str, minor_words: frozenset[str]) -> bool:
    """`the "Justice Against Sponsors of Terrorism Act"`: a name of a law, book or show, not speech (every
    word capitalised but the `minor_words` of `cues.yaml` `title_minor_words`)."""
    words = quoted.strip(" ,.").split()
    return (
        len(words) >= 2
        and not quoted.rstrip().endswith((".", "!", "?", ","))
        and all(w[0].isupper() or w.lower() in minor_words for w in words if w[0].isalpha())
    )


def _fragment(text: str, start: int, end: int) -> bool:
    """A quoted phrase inside someone's reported sentence, not a quoted sentence of its own."""
    first = next((c for c in text[start:end] if c.isalpha()), "")
    introduced = _tail_before(text, start - 1, 1) in {":", ","} or start <= 1 or text[start - 2] == "\n"
    return first.islower() and not introduced


def _subject(cue: Token | Span | None) -> Span | None:
    if not isinstance(cue, Token):
        return None
    if cue.pos_ == "ADJ" and cue.dep_ == "acomp":
        return _subject(cue.head)  # "Protesters were frustrated that ...": the subject of "were"
    if not any(c.dep_ in {"nsubj", "nsubjpass"} for c in cue.children):
        if cue.dep_ == "acl" and cue.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return _noun_phrase(cue.head)  # "a judge saying ...": the noun the participle describes
        if cue.dep_ in {"advcl", "xcomp", "conj"} and cue.head.i != cue.i:
            return _subject(cue.head)  # "..., saying ...": the subject of the clause it hangs from
        if cue.dep_ == "pcomp" and cue.head.head.i != cue.head.i:
            return _subject(cue.head.head)  # "responded by saying ...": the one who responded
    for child in cue.children:
        if child.dep_ in {"nsubj", "nsubjpass"}:
            doc = cue.doc
            if child.lower_ in {"who", "that", "which"} and cue.dep_ == "relcl":
                child = cue.head  # "a spokesman who said": the speaker is the noun the clause describes
            start, end = child.left_edge.i, child.right_edge.i + 1
            if end - start > 8:  # a long subject: keep the noun and what directly names it
                start, end = _chunk_around(child) or (child.i, child.i + 1)
            return doc[start:end]
    return None


def _noun_phrase(token: Token) -> Span:
    start, end = _chunk_around(token) or (token.i, token.i + 1)
    return token.doc[start:end]


def _chunk_around(token: Token) -> tuple[int, int] | None:
    """The base noun phrase holding a token, looked for in its sentence only: `doc.noun_chunks` builds
    every chunk of the document on each call."""
    doc = token.doc
    sentence = token.sent
    for start, end, _ in doc.noun_chunks_iterator(doc[sentence.start : sentence.end]):
        if start <= token.i < end:
            return start, end
    return None


@dataclass(frozen=True)
class _Origins:
    """Where reported words come from besides their speaker, looked up for every quote: the media
    among the actors and the tokens naming them, and the wire items (datelines and agency credits)."""

    media: frozenset[str]
    media_tokens: list[int]
    wire: Intervals[tuple[int, WireItem]]
    credits: Intervals[str]

    @classmethod
    def of(cls, analysis: Analysis, owners: dict[int, Actor]) -> _Origins:
        text = analysis.text
        media = frozenset(a.id for a in analysis.actors if a.type == "media")
        named = [t.i for t in analysis.doc if t.idx in owners and owners[t.idx].id in media] if media else []
        breaks = [match.start() for match in re.finditer("\n", text)] if analysis.wire_items else []
        credits = []
        for item in analysis.wire_items:
            if item.agency:  # credits the words in its paragraph, whether it opens or closes it
                after = bisect_left(breaks, item.start)
                paragraph_start = breaks[after - 1] + 1 if after else 0
                paragraph_end = breaks[after] if after < len(breaks) else len(text)
                credits.append((paragraph_start, paragraph_end + 1, item.agency))
        return cls(media=media, media_tokens=named,
                   wire=Intervals((w.start, w.end, (n, w)) for n, w in enumerate(analysis.wire_items)),
                   credits=Intervals(credits))

    def after_datelines(self, text: str, start: int, end: int) -> int:
        """A dateline before reported words is not part of them: the words start after it (and after
        any dateline it runs into), the wire items taken in their order."""
        done = -1
        while (found := next(((n, w) for n, w in self.wire.all_at(start) if n > done and w.end < end), None)):
            done, item = found
            start = item.end + len(text[item.end : end]) - len(text[item.end : end].lstrip())
        return start


def _offset(token: Token) -> int:
    return token.idx


def _first(span: tuple[int, int]) -> int:
    return span[0]


def _tail_before(text: str, index: int, size: int) -> str:
    """`text[:index].rstrip()[-size:]` without copying the text before `index` (done for every quote)."""
    end = max(0, index)
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return text[max(0, end - size) : end]
