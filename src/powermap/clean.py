"""The clean stage: page furniture out; headline, section, byline, signature, date and wire credits found.

Rules come from `data/boilerplate.yaml` and `data/wire.yaml`; the clean text starts with the headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import dateparser

from powermap import datafiles
from powermap.analysis import Analysis
from powermap.dates import publication_date
from powermap.gazetteer import Gazetteer, default_gazetteer
from powermap.schema import WireItem

_NAME_TOKEN = r"(?:[A-Z][\w'’.-]*|van|von|de|da|der|del|al|bin|la|le)"
_SIGNATURE_NAME = re.compile(rf"^[-–—]?\s*(?P<name>[A-Z][\w'’.-]+(?:\s+{_NAME_TOKEN}){{1,3}})$")
_PERSON_NAMES = re.compile(r"^[A-Z][\w'’.-]+(?:(?:\s+|\s*,\s*|\s+and\s+)[A-Z][\w'’.-]+){1,7}$")
_PLACE_LINE = re.compile(r"^[A-Z][\w'’.-]*(?:[\s,]+[A-Z][\w'’.-]*){0,4}$")
_DATE_SETTINGS = {"REQUIRE_PARTS": ["year", "month"], "PREFER_DAY_OF_MONTH": "first"}


@dataclass(frozen=True)
class Rules:
    cut_from: list[re.Pattern[str]]
    drop_lines: list[re.Pattern[str]]
    section: re.Pattern[str]
    bylines: list[re.Pattern[str]]
    date_lines: list[re.Pattern[str]]
    datelines: list[re.Pattern[str]]
    citations: list[re.Pattern[str]]
    inline: list[re.Pattern[str]]


@cache
def load_rules() -> Rules:
    """Read the rule files once per process."""
    furniture = datafiles.load("boilerplate.yaml")
    wire = datafiles.load("wire.yaml")
    credits = datafiles.load("furniture.yaml")
    labels = "|".join(re.escape(label) for label in furniture.section_labels)

    def compile_all(patterns: list[str], flags: int = re.IGNORECASE) -> list[re.Pattern[str]]:
        return [re.compile(p, flags) for p in patterns]

    return Rules(
        cut_from=compile_all(furniture.cut_from),
        drop_lines=compile_all(furniture.drop_lines + credits.drop_lines),
        section=re.compile(rf"^(?P<label>{labels})\s*[:|–—-]\s*(?P<rest>.+)$", re.IGNORECASE),
        bylines=compile_all(furniture.bylines + credits.bylines),
        date_lines=compile_all(furniture.date_lines),
        datelines=compile_all(wire.datelines, re.MULTILINE),
        citations=compile_all(wire.citations, 0),
        inline=compile_all(credits.strip_inline),
    )


def iso_date(text: str) -> str | None:
    """A full publication date as YYYY-MM-DD, or None when the text is not one."""
    parsed = dateparser.parse(text, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date().isoformat() if parsed else None


def _is_headline(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= 200
        and len(stripped.split()) <= 25
        and not stripped.endswith((".", ",", ";", ":"))
    )


class Clean:
    """Turns a source body into the clean text and the document's metadata."""

    name = "clean"
    requires = ("source",)
    assigns = ("text", "title", "section", "author", "published", "wire_items", "signed")
    english_only = False
    fatal = True

    def __init__(self, max_chars: int = 1_000_000, gazetteer: Gazetteer | None = None) -> None:
        self.rules = load_rules()
        iso_date("1 January 2020")  # dateparser loads its language data on first use: pay that at start-up
        self.max_chars = max_chars
        self.gazetteer = gazetteer or default_gazetteer()

    def __call__(self, analysis: Analysis) -> None:
        source = analysis.source
        body = source.body.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\xa0", " ")
        if len(body) > self.max_chars:
            analysis.fail(
                self.name,
                f"document too large: {len(body)} characters (limit {self.max_chars}; see --max-chars)",
            )
            return
        lines = self._without_furniture(body.split("\n"))
        analysis.author = source.author
        analysis.published, warning = publication_date(source.published)
        if warning:
            analysis.warnings.append(warning)
        lines = self._take_header(lines, analysis)
        lines = self._take_signature(lines, analysis)
        text = _without_truncated_word("\n".join(self._paragraphs(lines)).strip())
        if source.title and _first_line(text).strip() != source.title.strip():
            text = f"{source.title.strip()}\n\n{text}".strip()
        if not text.strip():
            analysis.fail(self.name, "empty: no text left after cleaning")
            return
        analysis.text = text
        self._take_title(analysis)
        analysis.wire_items = self._wire_items(text)

    def _without_furniture(self, lines: list[str]) -> list[str]:
        kept: list[str] = []
        for line in lines:
            stripped = line.strip()
            if any(p.match(stripped) for p in self.rules.cut_from):
                break
            if any(p.match(stripped) for p in self.rules.drop_lines):
                continue
            for pattern in self.rules.inline:
                line = pattern.sub("", line)
            kept.append(line.rstrip())
        return kept

    def _take_header(self, lines: list[str], analysis: Analysis) -> list[str]:
        """Byline and date lines among the first few lines are metadata, not article text."""
        kept: list[str] = []
        for index, line in enumerate(lines):
            stripped = line.strip()
            if index < 6 and stripped:
                byline = next((m for p in self.rules.bylines if (m := p.match(stripped))), None)
                if byline and _PERSON_NAMES.match(byline.group("name").strip()):
                    analysis.author = analysis.author or byline.group("name").strip()
                    continue
                dated = next((m for p in self.rules.date_lines if (m := p.match(stripped))), None)
                if dated and (day := iso_date(dated.group("date"))):
                    analysis.published = analysis.published or day
                    continue
            kept.append(line)
        return kept

    def _take_signature(self, lines: list[str], analysis: Analysis) -> list[str]:
        """A letter or op-ed signed `NAME` / `City` at its foot: the name is the author."""
        content = [i for i, line in enumerate(lines) if line.strip()]
        if len(content) < 3:
            return lines
        last, before = content[-1], content[-2]
        candidates = [(before, last), (last, None)]
        for name_at, place_at in candidates:
            name_line = lines[name_at].strip()
            if place_at is not None and not _PLACE_LINE.match(lines[place_at].strip()):
                continue
            match = _SIGNATURE_NAME.match(name_line)
            previous = content[content.index(name_at) - 1]
            if match and lines[previous].rstrip().endswith((".", "!", "?", "”", '"', "’", ")")):
                analysis.author = analysis.author or match.group("name")
                analysis.signed = True
                return lines[:name_at]
        return lines

    @staticmethod
    def _paragraphs(lines: list[str]) -> list[str]:
        """Collapse runs of blank lines to one, so paragraphs stay apart and offsets stay simple."""
        out: list[str] = []
        for line in lines:
            if not line.strip() and out and not out[-1].strip():
                continue
            out.append(line)
        return out

    def _take_title(self, analysis: Analysis) -> None:
        first = _first_line(analysis.text).strip()
        title = analysis.source.title
        if not title and _is_headline(first) and "\n" in analysis.text.strip():
            title = first
        if title:
            labelled = self.rules.section.match(title.strip())
            if labelled:
                analysis.section = labelled.group("label")
                title = labelled.group("rest").strip()
        analysis.title = " ".join(title.split()) if title else None

    def _wire_items(self, text: str) -> list[WireItem]:
        items: list[WireItem] = []
        for pattern in self.rules.datelines:
            for match in pattern.finditer(text):
                items.append(self._wire_item(text, match, match.groupdict().get("place")))
        for pattern in self.rules.citations:
            for match in pattern.finditer(text):
                if self.gazetteer.lookup(match.group("agency"), fuzzy=False):
                    items.append(self._wire_item(text, match, None))
        return sorted(items, key=lambda item: item.start)

    def _wire_item(self, text: str, match: re.Match[str], place: str | None) -> WireItem:
        agency_text = match.group("agency").strip()
        found = self.gazetteer.lookup(agency_text, fuzzy=False)
        agency = found[0].id if found and found[0].type == "media" else None
        return WireItem.of(
            text,
            match.start(),
            match.end(),
            agency=agency,
            agency_text=agency_text,
            place=place.strip().title() if place else None,
            date_text=(match.groupdict().get("date") or None),
        )


def _without_truncated_word(text: str) -> str:
    """A page cut off mid-word (`... talks with Chin`) loses the cut word, which would read as a name; a
    last paragraph counts as cut when it is prose (a full stop inside, eight words or more) and ends in
    a letter or digit."""
    last = text.rsplit("\n", 1)[-1]
    if len(last.split()) < 8 or ". " not in last or not last[-1:].isalnum():
        return text
    return text[: len(text) - len(last)] + last.rsplit(" ", 1)[0].rstrip(" ,;:–—-")


def _first_line(text: str) -> str:
    return text.lstrip("\n").split("\n", 1)[0]

