"""Dates as written in news: resolved against the publication date, kept at their own precision."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

import dateparser

Precision = Literal["day", "month", "year"]

_YEAR = re.compile(r"\b(1[6-9]|20)\d{2}\b")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![a-z])", re.IGNORECASE)
_DAY = re.compile(r"\b([12]?\d|3[01])(st|nd|rd|th)?\b")
_NUMERIC = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](\d{4}|\d{2})\b|\b\d{4}-\d{2}-\d{2}\b")
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)
_RELATIVE_DAY = re.compile(r"\b(today|yesterday|tomorrow|tonight|ago)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(last|next|this|previous|coming|past)\s+(week|month|year|decade)\b", re.IGNORECASE)
_DURATION = re.compile(
    r"^(?:for\s+|some\s+|about\s+|over\s+|nearly\s+|almost\s+|more than\s+)?(?:the\s+)?"
    r"(?:\d[\d,.]*|[a-z]+(?:[- ][a-z]+)?)\s+(?:second|minute|hour|day|week|month|year|decade|centur)(?:y|ies|s)?$",
    re.IGNORECASE,
)


# Relative dates the NER model does not always tag: "last year", "next month", "two days ago", "Monday".
RELATIVE_DATE = re.compile(
    r"\b(?:(?:last|next|this|previous|coming|past)\s+(?:week|month|year|decade|winter|spring|summer|autumn)"
    r"|yesterday|today|tomorrow|tonight|(?:[a-z]+|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE,
)


def is_duration(text: str) -> bool:
    """`two days`, `15 years`: an amount of time, not a point in it (unless `ago`)."""
    return bool(_DURATION.match(text.strip())) and not _RELATIVE_DAY.search(text) and not _RELATIVE.search(text)


def looks_like_date(text: str) -> bool:
    """Whether a DATE entity names a point in time precise enough to place: a year, month, day or offset."""
    return bool(
        _YEAR.search(text) or _MONTH.search(text) or _NUMERIC.search(text) or _WEEKDAY.search(text)
        or _RELATIVE_DAY.search(text) or _RELATIVE.search(text)
    )


def precision(text: str) -> Precision:
    without_year = _YEAR.sub("", text)
    if _NUMERIC.search(text) or _WEEKDAY.search(text) or _RELATIVE_DAY.search(text):
        return "day"
    if _MONTH.search(text) and _DAY.search(without_year):
        return "day"
    if _MONTH.search(text) or re.search(r"\b(month|week)\b", text, re.IGNORECASE):
        return "month"
    return "year"


def base_of(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        return datetime.combine(date.fromisoformat(published[:10]), datetime.min.time())
    except ValueError:
        return None


def resolve(text: str, published: str | None) -> tuple[str | None, Precision]:
    """ISO date at the text's precision (`2022`, `2022-05`, `2022-05-16`), or None when it cannot be
    placed: no year in the text and no publication date to take one from."""
    level = precision(text)
    base = base_of(published)
    if not _YEAR.search(text) and not _NUMERIC.search(text) and base is None:
        return None, level
    settings: dict[str, object] = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = base
        settings["PREFER_DATES_FROM"] = "past"
    cleaned = re.sub(r"^(on|in|since|by|from|until|till|during|before|after|of)\s+", "", text.strip(),
                     flags=re.IGNORECASE)
    weekday = _WEEKDAY.fullmatch(cleaned)
    if weekday and base is not None:  # news convention: the latest such day on or before publication
        wanted = ["mon", "tues", "wednes", "thurs", "fri", "satur", "sun"].index(weekday.group(1).lower())
        day = base.date().toordinal() - (base.weekday() - wanted) % 7
        return date.fromordinal(day).isoformat(), "day"
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    if parsed is None:
        return None, level
    return parsed.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[level]), level
