"""Dates as written in news: resolved against the publication date, kept at their own precision."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

import dateparser

Precision = Literal["day", "month", "year"]

_YEAR = re.compile(r"\b(1[6-9]|20)\d{2}\b")
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![a-z])", re.IGNORECASE)
_MONTH_NAME = re.compile(
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?",
    re.IGNORECASE,
)
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


def is_month(word: str) -> bool:
    """`Oct`, `October`, `Sept.`: the name of a month, whole or abbreviated."""
    return _MONTH_NAME.fullmatch(word) is not None


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


@lru_cache(maxsize=16_384)
def resolve(text: str, published: str | None) -> tuple[str | None, Precision]:
    """ISO date at the text's precision (`2022`, `2022-05`, `2022-05-16`), or None when it cannot be
    placed: no year in the text and no publication date to take one from. Remembered per (text,
    publication date): a document's dates are resolved by claims, relations and the relation model
    alike, and dateparser takes a few milliseconds for each."""
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
        year = _YEAR.search(text)  # "late 2021", "the mid-1990s": placed at least in their year
        return (year.group(), "year") if year and level == "year" else (None, level)
    return parsed.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[level]), level


_ISO_PARTIAL = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_PUBLICATION_SETTINGS: dict[str, object] = {"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first",
                                            "PARSERS": ["custom-formats", "absolute-time"]}


def _iso(text: str) -> str | None:
    """The date of an ISO date or date-time (`2022`, `2022-05`, `2022-05-16`, `2022-05-16T10:00Z`)."""
    if _ISO_PARTIAL.match(text):
        return text
    try:
        return (date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()).isoformat()
    except ValueError:
        return None


def publication_date(value: str | None) -> tuple[str | None, str | None]:
    """A publication date as ISO, and a warning when it had to be dropped.

    Dates enter from metadata (JSONL fields, HTML meta, stored records) in any form; ISO ones are kept,
    others are read by dateparser when day-first and month-first readings agree (`10 October 2022`), and
    anything else (`unknown`, `03/04/2022`, `yesterday`) is left out rather than guessed."""
    text = (value or "").strip()
    if not text:
        return None, None
    iso = _iso(text)
    if iso:
        return iso, None
    readings = {dateparser.parse(text, settings={**_PUBLICATION_SETTINGS, "DATE_ORDER": order})
                for order in ("DMY", "MDY")}
    if len(readings) == 1 and None not in readings:
        return readings.pop().date().isoformat(), None  # type: ignore[union-attr]
    shown = text if len(text) <= 60 else text[:57] + "..."
    return None, f"publication date {shown!r} is not an unambiguous date; left out"


def bounds(text: str) -> tuple[date, date]:
    """The first and last day an ISO date at its precision covers (`2022-05` is May 1-31); ValueError for
    anything else (`2024-13`, `unknown`)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.group(1), match.group(2), match.group(3)
    try:
        if day:
            first = last = date(int(year), int(month), int(day))
        elif month:
            first = date(int(year), int(month), 1)
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        else:
            first, last = date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date ({exc})") from None
    return first, last


def readable(day: str | None) -> bool:
    """Whether a stored date is ISO at some precision (stores written before dates were checked may hold
    others, such as `unknown`)."""
    try:
        bounds(day or "")
    except ValueError:
        return False
    return True


def within(day: str | None, since: str | None, until: str | None) -> bool:
    """Whether a dated item falls in the period (overlaps it, at the item's precision); with a period
    given, undated and unreadable dates are outside it."""
    if since is None and until is None:
        return True
    if not readable(day):
        return False
    first, last = bounds(day or "")
    return (since is None or last >= bounds(since)[0]) and (until is None or first <= bounds(until)[1])
