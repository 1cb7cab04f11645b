"""The language stage: English text goes on to parsing; other languages are marked and left unparsed."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from powermap.analysis import Analysis

MIN_LETTERS = 20
CONFIDENCE = 0.8


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float]:
    """The language of `text` and the model's confidence; None when there is too little to tell."""
    sample = text[:3000]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None, 0.0
    language, probability = _identifier().classify(sample)
    return language, float(probability)


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
