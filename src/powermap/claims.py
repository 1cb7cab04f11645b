"""The claims stage: checkable statements with their quantities and dates, scored for fact-checkers.

Numbers are read with the rules in `data/quantities.yaml`; the check-worthiness score is the sum of
the feature weights in `data/checkworthiness.yaml` (docs/claims.md), so every score can be explained.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.tokens import Doc, Token
from spacy.tokens import Span as TokenSpan

from powermap import datafiles
from powermap.analysis import Analysis
from powermap.dates import RELATIVE_DATE, is_duration, is_month, looks_like_date, resolve
from powermap.offsets import Intervals, between
from powermap.schema import Actor, Claim, DateMention, Quantity, Quote, Span
from powermap.tokens import token_table

_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMERIC_DATE = re.compile(r"(?<![\d.])\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})(?![\d.])|\b\d{4}-\d{2}-\d{2}\b")
_BARE_YEAR = re.compile(r"(?<![\w\-–./:,])\d{4}(?![\w\-–]|[.,:]\d)")
_CLOCK = re.compile(r"\d{1,2}(?::\d{2}){1,2}")
_YEAR_RANGE = re.compile(r"(?<![\w\-–./:,])(\d{4})[-–](\d{4}|\d{2})(?![\w\-–]|[.,:]\d)")
_NOT_NAMED_BY_NUMBERS = {"GPE", "LOC", "NORP", "PERSON", "DATE", "TIME"}  # NER labels
_NUMBER_DEPS = {"nummod", "quantmod", "compound", "amod", "npadvmod", "appos", "nmod"}


@dataclass(frozen=True)
class NumberWords:
    words: dict[str, float]
    scales: dict[str, float]
    vague: dict[str, float]
    currencies: dict[str, str]
    qualifiers: dict[str, str]
    pattern: re.Pattern[str]
    vague_pattern: re.Pattern[str]
    frequency_pattern: re.Pattern[str]
    fraction_pattern: re.Pattern[str]
    fractions: dict[str, int]
    not_counted: list[re.Pattern[str]]
    frequency: dict[str, float]
    year_context: frozenset[str]
    article_numbers: frozenset[str]
    referring_words: frozenset[str]
    name_words: frozenset[str]
    name_entities: frozenset[str]
    time_units: frozenset[str]
    frequency_nouns: frozenset[str]
    clock_words: frozenset[str]
    period_words: frozenset[str]
    rate_words: frozenset[str]
    not_rates: frozenset[str]
    change_words: frozenset[str]
    compound_units: frozenset[str]
    defining_words: frozenset[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def load_numbers() -> NumberWords:
    data = datafiles.load("quantities.yaml").model_dump()
    words = {k: float(v) for k, v in data["number_words"].items()}
    scales = {k: float(v) for k, v in data["scales"].items()}
    long_scales = [s for s in scales if len(s) > 2]
    word = _alternation(list(words) + long_scales)
    word_run = rf"(?:{word})(?:(?:[\s-]+(?:and\s+(?:a\s+)?)?)(?:{word}))*"  # "two and a half million"
    symbols = [c for c in data["currencies"] if not c.isalpha()]
    names = [c for c in data["currencies"] if c.isalpha()]
    units = _alternation(data["time_units"] + data["compound_units"])
    pattern = re.compile(
        rf"(?:(?P<qual>{_alternation(list(data['qualifiers']) + ['between'])})\s+)?"
        rf"(?P<cur>{_alternation(symbols)})?\s?"
        rf"(?<![\w\-./:])(?P<num>{_DIGITS}|\b{word_run}\b)"
        rf"(?:\s?(?P<scale>{_alternation(list(scales))})\b)?"
        rf"(?:-(?P<compound>{units})s?(?:-(?:{_alternation(data['compound_endings'])}))?)?"
        rf"(?:\s*(?P<sep>-|–|to|and)\s*(?P<cur2>{_alternation(symbols)})?(?P<num2>{_DIGITS}|\b{word_run}\b)"
        rf"(?:\s?(?P<scale2>{_alternation(list(scales))})\b)?)?"
        rf"(?:\s?(?P<pct>{_alternation(data['percent'])})(?![\w]))?"
        rf"(?:\s(?P<curname>{_alternation(names)})\b)?"
        rf"(?![\w\-]|[.,:/]\d)",
        re.IGNORECASE,
    )
    fraction_pattern = re.compile(
        rf"(?<![\w\-./:])(?P<count>a|{_DIGITS}|{word})(?:-(?P<joined>{_alternation(list(data['fractions']))})"
        rf"|\s+(?P<spaced>{_alternation(list(data['fractions']))})(?=\s+of\b))\b",
        re.IGNORECASE,
    )
    vague_pattern = re.compile(rf"\b(?P<vague>{_alternation(list(data['vague']))})(?=\s+of\b)", re.IGNORECASE)
    frequency_pattern = re.compile(
        rf"\b(?P<times>{_alternation(list(data['frequency_words']))})\s+(?:{_alternation(data['rate_words'])})\s+"
        rf"(?P<per>{_alternation(data['time_units'])})\b(?!\s+(?:{_alternation(data['not_rates'])})\b)",
        re.IGNORECASE,
    )
    phrases = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in data["set_phrases"])
    not_counted = [re.compile(rf"\b(?:{phrases})\b", re.IGNORECASE), *map(re.compile, data["marks"].values())]
    return NumberWords(
        words=words, scales=scales, vague={k: float(v) for k, v in data["vague"].items()},
        currencies=data["currencies"], qualifiers=data["qualifiers"], pattern=pattern,
        vague_pattern=vague_pattern, frequency_pattern=frequency_pattern, not_counted=not_counted,
        fraction_pattern=fraction_pattern, fractions={k: int(v) for k, v in data["fractions"].items()},
        frequency={k: float(v) for k, v in data["frequency_words"].items()},
        **{name: frozenset(data[name]) for name in (
            "year_context", "article_numbers", "referring_words", "name_words", "name_entities", "time_units",
            "frequency_nouns", "clock_words", "period_words", "rate_words", "not_rates", "change_words",
            "defining_words", "compound_units")},
    )


def word_value(text: str, numbers: NumberWords) -> float | None:
    """`two hundred and fifty` -> 250, `one thousand` -> 1000, `twenty-five` -> 25, `two and a half` -> 2.5."""
    total, current = 0.0, 0.0
    halves = re.sub(r"\b(half|quarter) a\b|\ba (half|quarter)\b", lambda m: m.group(1) or m.group(2), text.lower())
    for word in re.split(r"[\s-]+", halves):
        if word == "and" or not word:
            continue
        if word in numbers.words:
            current += numbers.words[word]
        elif word in numbers.scales:
            scale = numbers.scales[word]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
    return total + current


def number_value(text: str, numbers: NumberWords) -> float | None:
    if re.fullmatch(_DIGITS, text):
        return float(text.replace(",", ""))
    return word_value(text, numbers)


@cache
def load_weights() -> dict[str, Any]:
    return datafiles.load("checkworthiness.yaml").model_dump()


class ExtractClaims:
    """Adds `analysis.claims`: one claim per checkable sentence."""

    name = "claims"
    requires = ("doc", "text", "actors", "quotes", "published", "wire_items")
    assigns = ("claims",)
    english_only = True
    fatal = False

    def __init__(self) -> None:
        self.numbers = load_numbers()
        self.weights = load_weights()

    def __call__(self, analysis: Analysis) -> None:
        doc = analysis.doc
        if doc is None:
            return
        text = analysis.text
        owners = analysis.mention_owners(pronouns=False)
        quantities = self.quantities(doc, text, owners)
        dates = self.dates(doc, text, analysis.published)
        wire = Intervals((w.start, w.end + 2, w) for w in analysis.wire_items)
        quotes = Intervals((q.start, q.end, q) for q in analysis.quotes)
        claims = []
        offsets = token_table(doc).idx
        for sentence in doc.sents:
            start, end = _trimmed(text, sentence.start_char, sentence.end_char)
            if end - start < 12 or any(w.start <= start and end <= w.end + 2 for w in wire.all_at(start)):
                continue
            found_quantities = list(between(quantities, start, end, key=_start))
            found_dates = list(between(dates, start, end, key=_start))
            actors = sorted({owners[at].id for at in offsets[sentence.start : sentence.end] if at in owners})
            claim = self._claim(analysis, sentence, start, end, found_quantities, found_dates, actors, quotes)
            if claim is not None:
                claims.append(claim.model_copy(update={"id": f"claim-{len(claims) + 1}"}))
        analysis.claims = claims

    # -- quantities -------------------------------------------------------------------------------
    def quantities(self, doc: Doc, text: str, owners: dict[int, Actor]) -> list[Quantity]:
        found: list[Quantity] = []
        position = 0
        timed_entities = [e for e in doc.ents if e.label_ in {"DATE", "TIME"}]
        fractions = [q for m in self.numbers.fraction_pattern.finditer(text) if (q := self._fraction(doc, text, m))]
        not_counted = Intervals([*((m.start(), m.end(), m.group()) for pattern in self.numbers.not_counted
                                   for m in pattern.finditer(text)), *((q.start, q.end, q.text) for q in fractions)])
        found.extend(fractions)
        while (match := self.numbers.pattern.search(text, position)) is not None:
            if not_counted.first_at(match.start("num")) is None:
                quantity = self._quantity(doc, text, match, owners, found, timed_entities)
                if quantity is not None:
                    found.append(quantity)
            listed = match.group("sep") == "and" and (match.group("qual") or "").lower() != "between"
            position = match.start("sep") if listed else max(match.end(), match.start() + 1)
        numbers = Intervals((q.start, q.end, q) for q in found)  # vague amounts never overlap each other
        for match in self.numbers.vague_pattern.finditer(text):
            if numbers.first_at(match.start()) is not None:
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            about = _after_of(span[-1]) if span is not None else None
            found.append(Quantity.of(
                text, match.start(), match.end(), value=self.numbers.vague[match.group("vague").lower()],
                unit=about.root.lemma_.lower() if about is not None else None,
                about=Span.of(text, about.start_char, about.end_char) if about is not None else None,
                qualifier="order of magnitude",
            ))
        for match in self.numbers.frequency_pattern.finditer(text):  # "twice a year"
            if numbers.first_at(match.start()) is None and not_counted.first_at(match.start()) is None:
                found.append(Quantity.of(text, match.start("times"), match.end("times"),
                                         value=self.numbers.frequency[match.group("times").lower()], unit="time",
                                         per=match.group("per").lower(), about=None))
        return sorted(found, key=lambda q: q.start)

    def _quantity(self, doc: Doc, text: str, match: re.Match[str], owners: dict[int, Actor],
                  found: list[Quantity], timed_entities: list[TokenSpan]) -> Quantity | None:
        groups = match.groupdict()
        start, end = match.span()
        number_start = match.start("num")
        span = doc.char_span(number_start, match.end("num"), alignment_mode="expand")
        if span is None or not len(span) or any(t.idx in owners for t in span):
            return None
        first, last = span[0], span[-1]
        if first.ent_type_ == "ORDINAL" or last.ent_type_ == "ORDINAL":
            return None
        entity = _entity_at(timed_entities, first.i)
        if entity is not None and (entity.label_ == "TIME" or looks_like_date(entity.text)) \
                and not is_duration(entity.text):
            return None  # a date or a time of day ("5 a.m."), not a quantity; "48 hours" is one
        is_word = not groups["num"][0].isdigit()
        if is_word and not (first.ent_type_ in {"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE"}
                            or {first.dep_, last.dep_} & {"nummod", "quantmod"}):
            return None  # "no one": a pronoun, not a number
        if self._names_or_places(first, groups):
            return None
        nearby = _NUMERIC_DATE.finditer(text, max(0, number_start - 10), min(len(text), end + 10))
        if any(m.start() <= number_start < m.end() for m in nearby):
            return None  # a part of 10.10.2022
        value = number_value(groups["num"], self.numbers)
        if value is None or (groups["compound"] and value < 1):
            return None  # "a quarter-century", "a half-hour": the name of a stretch of time, not a count
        if value < 1 and first.i > 0 and first.nbor(-1).lower_ in self.numbers.period_words:
            return None  # "the first quarter", "the second half": a part of a period, not an amount
        unit: str | None = None
        if groups["scale"]:
            value *= self.numbers.scales[groups["scale"].lower()]
        bare = not any(groups[g] for g in ("scale", "cur", "pct", "curname", "compound"))
        if groups["sep"] in {"-", "–"} and _is_year_range(groups["num"], groups["num2"]):
            return None  # "the 1983-85 famine": years, read by the dates
        if bare and _is_year(groups["num"], first, self.numbers):
            return None  # a year, read by the dates
        qualifier = self.numbers.qualifiers.get((groups["qual"] or "").lower())
        value_max, sides = None, None
        if groups["num2"] and (groups["sep"] != "and" or (groups["qual"] or "").lower() == "between"):
            value_max = number_value(groups["num2"], self.numbers)
            if value_max is not None and groups["scale2"]:
                value_max *= self.numbers.scales[groups["scale2"].lower()]
            elif value_max is not None and groups["scale"] and not groups["scale2"]:
                value_max *= self.numbers.scales[groups["scale"].lower()]
            qualifier = "range"
            if value_max is not None and value_max <= value and not self._change(first):
                value_max, sides, qualifier = None, [value, value_max], "tally"  # "217-212", "won 3-1"
        elif groups["num2"]:
            end = match.end("scale") if groups["scale"] else match.end("num")
        if bare and value_max is None and sides is None and self._not_a_count(groups, first, is_word):
            return None
        if groups["qual"] and (groups["qual"].lower() == "between") and value_max is None:
            start = number_start
        elif not qualifier:
            start = match.start("cur") if groups["cur"] else number_start
        currency = groups["cur"] or groups["curname"]
        if currency:
            unit = self.numbers.currencies.get(currency) or self.numbers.currencies.get(currency.lower())
        elif groups["pct"]:
            unit = "percent"
        elif groups["compound"]:
            unit = groups["compound"].lower()  # "a two-year transition": two years
        # A range's match may begin with the space before its number (`\s?` is there for `$ 5`): a
        # quantity starts at its first character, never on whitespace.
        start, end = _trimmed(text, start, end)
        tokens = doc.char_span(start, end, alignment_mode="expand")
        number = tokens if tokens is not None and len(tokens) else span
        closing = number[-1]
        about = _counted(number, unit)
        following = closing.nbor(1) if closing.i + 1 < len(doc) else None
        if about is None and following is not None and following.lemma_.lower() in self.numbers.frequency_nouns:
            about = doc[following.i : following.i + 1]  # "one to three times a year"
        elliptical = about is not None and len(about) == 1 and about[0].pos_ not in {"NOUN", "PROPN"}
        if elliptical and unit is None and found and found[-1].unit and _same_sentence(doc, found[-1].start, start):
            unit = found[-1].unit  # "26 protesters killed, 748 injured": the injured are protesters too
        if unit is None and about is not None and not elliptical:
            unit = next((t.lemma_.lower() for t in reversed(about) if t.pos_ in {"NOUN", "PROPN"}),
                        about.root.lemma_.lower())
        return Quantity.of(
            text, start, end, value=value, value_max=value_max, unit=unit, qualifier=qualifier, sides=sides,
            per=self._rate(about[-1] if about is not None else closing),
            about=Span.of(text, about.start_char, about.end_char) if about is not None else None,
        )

    def _fraction(self, doc: Doc, text: str, match: re.Match[str]) -> Quantity | None:
        """`two-thirds of voters` -> 2/3 (unit voter), `a third of the budget`, `a two-thirds majority`."""
        count = match.group("count").lower()
        value = 1.0 if count == "a" else number_value(count, self.numbers)
        if value is None:
            return None
        denominator = self.numbers.fractions[(match.group("joined") or match.group("spaced")).lower()]
        start = match.start("count") if count != "a" else match.start("joined") if match.group("joined") \
            else match.start("spaced")  # "a third": the article is not part of the number
        span = doc.char_span(start, match.end(), alignment_mode="expand")
        if span is None or not len(span):
            return None
        about = _counted(span, None)
        unit = about.root.lemma_.lower() if about is not None else None
        return Quantity.of(text, start, match.end(), value=round(value / denominator, 4), unit=unit,
                           about=Span.of(text, about.start_char, about.end_char) if about is not None else None)

    def _names_or_places(self, first: Token, groups: dict[str, str | None]) -> bool:
        """A number that is part of a name (`Article 5`, `the Group of 20`, `Nord Stream 2`, `Boeing 737`)
        or of a date (`Oct 5`)."""
        if first.ent_type_ in self.numbers.name_entities:
            return True
        if first.i == 0:
            return False
        previous = first.nbor(-1)
        digits = (groups["num"] or "").isdigit() and not any(groups[g] for g in ("scale", "cur", "pct", "curname"))
        after_name = previous.pos_ == "PROPN" and previous.text[:1].isupper() and not is_month(previous.text)
        if digits and after_name and previous.ent_type_ not in _NOT_NAMED_BY_NUMBERS and first.ent_type_ != "DATE":
            return True  # but "In Kharkiv 12 people were killed": a place or a person is not named by a number
        named = previous.lower_ in self.numbers.name_words and previous.text[:1].isupper()
        day = is_month(previous.text) and previous.text[:1].isupper() and (groups["num"] or "").isdigit()
        return named or (day and int(groups["num"] or 0) <= 31)

    def _not_a_count(self, groups: dict[str, str | None], first: Token, is_word: bool) -> bool:
        """`one day after` (the article "a"), `the two countries`, `between two giants` (things already
        named): a spelled-out number on its own that counts nothing new. Counted after all: "one" with
        what a factual verb acts on (`one soldier was killed`, `they arrested one man`; the verbs of
        checkworthiness.yaml), and a noun defined where it stands (`the six leaders of the alliance`)."""
        if not is_word:
            return False
        if (groups["num"] or "").lower() in self.numbers.article_numbers:
            noun = first.head
            acted_on = first.dep_ == "nummod" and noun.dep_ in {"nsubj", "nsubjpass", "dobj"} \
                and noun.head.lemma_.lower() in self.weights["factual_verbs"] \
                and noun.lemma_.lower() not in self.numbers.time_units
            return not acted_on
        before = first.nbor(-1).lower_ if first.i > 0 else ""
        defined = first.dep_ == "nummod" and first.head.i > first.i \
            and any(c.dep_ == "prep" and c.lower_ in self.numbers.defining_words for c in first.head.children)
        return before in self.numbers.referring_words and not defined

    def _change(self, first: Token) -> bool:
        """`fell from 20 to 10`: a change between two values, not a tally (kept as written, a range)."""
        return first.i > 0 and first.nbor(-1).lower_ in self.numbers.change_words

    def _rate(self, last: Token) -> str | None:
        """The unit of time after a count that makes it a rate: `three times a year`, `deaths per year`."""
        doc = last.doc
        if last.i + 2 >= len(doc):
            return None
        word, unit = doc[last.i + 1], doc[last.i + 2]
        if word.lower_ not in self.numbers.rate_words or unit.lemma_.lower() not in self.numbers.time_units:
            return None
        following = doc[unit.i + 1].lower_ if unit.i + 1 < len(doc) else ""
        return None if following in self.numbers.not_rates else unit.lemma_.lower()

    # -- dates ------------------------------------------------------------------------------------
    def dates(self, doc: Doc, text: str, published: str | None) -> list[DateMention]:
        found: list[DateMention] = []
        taken = _Taken()
        for match in _NUMERIC_DATE.finditer(text):
            iso, level = resolve(match.group(), published)
            found.append(DateMention.of(text, match.start(), match.end(), iso=iso, precision=level))
            taken.add(*match.span())
        spans = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "DATE"]
        spans += [m.span() for m in RELATIVE_DATE.finditer(text)]
        for ent_start, ent_end in sorted(spans, key=lambda s: (s[0], -s[1])):
            start, end = _trimmed(text, ent_start, ent_end)
            written = text[start:end]
            if is_duration(written) or not looks_like_date(written):
                continue
            if taken.overlaps(start, end):
                continue
            iso, level = resolve(written, published)
            found.append(DateMention.of(text, start, end, iso=iso, precision=level))
            taken.add(start, end)
        for match in _YEAR_RANGE.finditer(text):  # "the 1983-85 famine": dated by its first year
            if _is_year_range(match.group(1), match.group(2)) and not taken.overlaps(*match.span()):
                found.append(DateMention.of(text, *match.span(), iso=match.group(1), precision="year"))
                taken.add(*match.span())
        for match in _BARE_YEAR.finditer(text):  # years the NER model missed: "since 1994", "the 2015 deal"
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span and not taken.overlaps(*match.span()) and _is_year(match.group(), span[0], self.numbers):
                found.append(DateMention.of(text, match.start(), match.end(), iso=match.group(), precision="year"))
                taken.add(*match.span())
        return sorted(found, key=lambda d: d.start)

    # -- claims -----------------------------------------------------------------------------------
    def _claim(self, analysis: Analysis, sentence: TokenSpan, start: int, end: int, quantities: list[Quantity],
               dates: list[DateMention], actors: list[str], quotes: Intervals[Quote]) -> Claim | None:
        weights = self.weights["weights"]
        lowered = analysis.text[start:end].lower()
        words = set(re.findall(r"[\w']+", lowered))
        tokens = token_table(sentence.doc)
        lemmas = set(tokens.lemma[sentence.start : sentence.end])
        factual = bool(lemmas & set(self.weights["factual_verbs"]))
        past = any(tag in {"VBD", "VBN"} for tag in tokens.tag[sentence.start : sentence.end])
        if not quantities and not dates and not (actors and factual):
            return None
        if not quantities and all(_timestamp_part(t, self.numbers.clock_words) for t in sentence):
            return None  # "Oct 5, 2022 - 11:22 AM": when a page was posted, not a claim
        quote = _covering_quote(quotes, start, end)
        if quote is not None and quote.speaker_text is not None and quote.speaker_text.text.lower() in {"i", "we"}:
            quote = None  # "I think ...": the author's own view
        text = analysis.text[start:end].rstrip()
        features: dict[str, bool] = {
            "quantity": any(q.qualifier != "order of magnitude" for q in quantities),
            "vague_quantity": bool(quantities) and all(q.qualifier == "order of magnitude" for q in quantities),
            "date": bool(dates),
            "named_actor": bool(actors),
            "two_named_actors": len(actors) > 1,
            "factual_verb": factual,
            "attributed": quote is not None or "according to" in lowered,
            "past_tense": past,
            "opinion_marker": _has_any(lowered, words, self.weights["opinion_markers"]),
            "hedge": _has_any(lowered, words, self.weights["hedges"]),
            "first_person": bool(words & set(self.weights["first_person"])) and quote is None,
            "question": text.endswith("?"),
            "exclamation": text.endswith("!"),
            "verbless": not any(pos in {"VERB", "AUX"} for pos in tokens.pos[sentence.start : sentence.end]),
            "prediction": _has_any(lowered, words, self.weights["prediction_markers"]) and not past,
        }
        reasons = [name for name, present in features.items() if present]
        score = max(0.0, min(1.0, sum(weights[name] for name in reasons)))
        if quote is not None and quote.kind == "direct" and quote.start <= start + 2:
            kind = "quote"
        elif quantities:
            kind = "statistic"
        elif features["prediction"]:
            kind = "prediction"
        elif factual and past:
            kind = "event"
        else:
            kind = "other"
        return Claim.of(
            analysis.text, start, end, id="", kind=kind, quantities=quantities, dates=dates, actors=actors,
            predicate=_predicate(sentence),
            asserted_by=(quote.speaker if quote is not None else "author"),
            checkworthiness=round(score, 2), reasons=reasons,
        )


def _predicate(sentence: TokenSpan) -> str | None:
    """The main verb's lemma; for a copula or auxiliary, the word it links (`is indebted` -> indebted)."""
    root = sentence.root
    if root.lemma_ == "be":
        complement = next((c for c in root.children if c.dep_ in {"acomp", "attr", "oprd"}), None)
        return complement.lemma_.lower() if complement is not None else "be"
    return root.lemma_.lower() if root.pos_ in {"VERB", "AUX"} else None


def _timestamp_part(token: Token, clock_words: frozenset[str]) -> bool:
    """Whether a token can be part of a posting time (`Oct 5, 2022 - 11:22:42 AM`), which is no claim."""
    return token.is_punct or token.is_space or token.like_num or token.ent_type_ in {"DATE", "TIME"} \
        or is_month(token.text) or token.lower_ in clock_words or _CLOCK.fullmatch(token.text) is not None


def _has_any(lowered: str, words: set[str], markers: list[str]) -> bool:
    return any((m in lowered) if " " in m else (m in words) for m in markers)


def _is_year(number: str | None, first: Token, numbers: NumberWords) -> bool:
    """`in 2020`, `since 1994`, `the 2015 deal`: a bare four-digit number in a date's place, or before a
    singular noun (a count of 2015 would take a plural), is a year."""
    if number is None or re.fullmatch(r"\d{4}", number) is None or not 1600 <= int(number) <= 2100:
        return False
    previous = first.nbor(-1).lower_ if first.i > 0 else ""
    head = first.head
    units = numbers.time_units | numbers.compound_units  # "a 1800 km border" is no year
    singular = head.pos_ in {"NOUN", "PROPN"} and "Plur" not in head.morph.get("Number") \
        and head.lemma_.lower() not in units
    modifier = first.dep_ in {"nummod", "compound", "amod", "nmod"} and head.i > first.i and singular
    after_month = any(is_month(t.text) for t in first.doc[max(0, first.i - 3) : first.i])  # "Oct 5, 2022"
    return previous in numbers.year_context or first.ent_type_ == "DATE" or first.dep_ in {"pobj", "npadvmod"} \
        or modifier or after_month


def _is_year_range(number: str | None, second: str | None) -> bool:
    """`1983-85`, `2015-2020`: two years joined by a dash, the second after the first."""
    if number is None or second is None or re.fullmatch(r"\d{4}", number) is None:
        return False
    return re.fullmatch(r"\d{2}|\d{4}", second) is not None and 1600 <= int(number) <= 2100 \
        and _full_year(number, second) > int(number)


def _full_year(number: str, second: str) -> float:
    """The second year of a range written in full: `1983-85` -> 1985, `1998-02` -> 2002."""
    if len(second) == 4:
        return float(second)
    year = int(number[:2]) * 100 + int(second)
    return float(year if year > int(number) else year + 100)


def _counted(number: TokenSpan, unit: str | None) -> TokenSpan | None:
    """The thing counted: the noun the number modifies (with what qualifies it), or what follows `of`.
    Any word of the number may carry the link: in "two and a half million people" it is "two"."""
    doc, last = number.doc, number[-1]
    if unit == "percent" or last.lower_ in {"percent", "%"}:
        return _after_of(last)
    modifier = next((t for t in reversed(number) if t.dep_ in _NUMBER_DEPS and t.head.i > last.i
                     and t.head.pos_ in {"NOUN", "PROPN"}), None)
    if modifier is not None:
        head = modifier.head
        end = head.i + 1
        if end < len(doc) and doc[end].tag_ in {"VBN", "VBD"} and (doc[end].head.i == head.i or head.head.i == end):
            end += 1  # "26 protesters killed"
        return doc[last.i + 1 : end]
    following = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if following is not None and following.lower_ == "of":
        return _after_of(last)
    if following is not None and following.tag_ in {"VBN", "VBD", "JJ"}:
        return doc[following.i : following.i + 1]  # "748 injured", "3,000 detained"
    return None


def _after_of(token: Token) -> TokenSpan | None:
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "of":
        objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
        if objects:
            return doc[objects[0].left_edge.i : objects[0].i + 1]
    return None


def _same_sentence(doc: Doc, a: int, b: int) -> bool:
    """Whether two character offsets fall in one sentence; an offset on whitespace is in none (its
    expanded span is empty)."""
    first = doc.char_span(a, a + 1, alignment_mode="expand")
    second = doc.char_span(b, b + 1, alignment_mode="expand")
    return bool(first) and bool(second) and first[0].sent.start == second[0].sent.start


def _covering_quote(quotes: Intervals[Quote], start: int, end: int) -> Quote | None:
    for quote in quotes.overlapping(start, end):
        overlap = min(end, quote.end) - max(start, quote.start)
        if overlap * 2 > end - start:
            return quote
    return None


def _start(item: Quantity | DateMention) -> int:
    return item.start


def _entity_at(entities: list[TokenSpan], index: int) -> TokenSpan | None:
    """The entity (of a sorted, non-overlapping list) holding token `index`."""
    after = bisect_right(entities, index, key=lambda e: e.start)
    return entities[after - 1] if after and index < entities[after - 1].end else None


class _Taken:
    """Character ranges already read as dates: sorted and disjoint, so one bisection tells an overlap."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # ranges starting before `end`; the last ends the latest
        return before > 0 and self.ends[before - 1] > start

    def add(self, start: int, end: int) -> None:
        at = bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \n\t,;:":
        end -= 1
    return start, end
