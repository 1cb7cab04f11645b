"""The language stage: English text goes on to parsing; other languages are marked and left unparsed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from powermap import datafiles
from powermap.analysis import Analysis

MIN_LETTERS = 20
CONFIDENCE = 0.8
_WORDS = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class ShortText:
    """When a short text the model is unsure about is English, and when a text is not prose at all
    (data/language.yaml)."""

    short_letters: int
    ascii_share: float
    function_words: frozenset[str]
    min_letter_share: float
    letter_share_from: int


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def load_short_text() -> ShortText:
    data = datafiles.load("language.yaml")
    return ShortText(short_letters=data.short_letters, ascii_share=data.ascii_share,
                     function_words=frozenset(data.english_function_words),
                     min_letter_share=data.min_letter_share, letter_share_from=data.letter_share_from)


def detect(text: str) -> tuple[str | None, float]:
    """The language of `text` and the model's confidence; None when there is too little to tell."""
    sample = text[:3000]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, 0.0
    language, probability = _identifier().classify(sample)
    if language != "en" and probability < CONFIDENCE and _short_english(sample):
        return "en", float(dict(_identifier().rank(sample)).get("en", 0.0))
    return language, float(probability)


def _short_english(text: str) -> bool:
    """A short text in ASCII Latin letters with English function words: the model's guess of a
    neighbouring language (`Lukashenko met Putin in Sochi on Friday.` as Nigerian Pidgin) is noise."""
    rules = load_short_text()
    letters = [c for c in text if c.isalpha()]
    if len(letters) > rules.short_letters or sum(c.isascii() for c in letters) < rules.ascii_share * len(letters):
        return False
    return any(word in rules.function_words for word in _WORDS.findall(text.lower()))


def _mostly_non_latin(text: str) -> bool:
    letters = [c for c in text[:20000] if c.isalpha()]
    return sum(c < "\u0250" for c in letters) < len(letters) / 2


class DetectLanguage:
    name = "language"
    requires = ("text",)
    assigns = ("language", "english")
    english_only = False
    fatal = False

    def __call__(self, analysis: Analysis) -> None:
        rules = load_short_text()
        visible = len(analysis.text) - sum(map(str.isspace, analysis.text))
        letters = sum(map(str.isalpha, analysis.text))
        if visible > rules.letter_share_from and letters < rules.min_letter_share * visible:
            analysis.english = False
            analysis.warnings.append(f"hardly any letters ({letters} of {visible} characters): not prose, not parsed")
            return
        language, confidence = detect(analysis.text)
        analysis.language = language
        if language is None:
            analysis.warnings.append("too little text to tell the language; analysed as English")
        elif language != "en" and (confidence >= CONFIDENCE or _mostly_non_latin(analysis.text)):
            analysis.english = False
            analysis.warnings.append(
                f"language {language!r} detected (confidence {confidence:.2f}); "
                "not parsed: powermap analyses English text"
            )
