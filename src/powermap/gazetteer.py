"""The gazetteer: known actors, their names, offices and metonyms, read from `data/gazetteer/*.yaml`.

Language knowledge lives in those files; this module only reads them. Users extend them by adding
their own YAML directory (`--data-dir DIR` with `DIR/gazetteer/`, `POWERMAP_GAZETTEER` or
`Gazetteer.load(extra=...)`); every file is validated by `datafiles`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process

from powermap import datafiles


def slug(name: str) -> str:
    """Ids stay readable and stable: `Alexander Lukashenko` -> `alexander-lukashenko`.

    A name in another script is transliterated for reading and keeps a short hash of its NFC form (case
    and spacing aside), so that no two names share a slug (`Кузнецов` -> `kuznetsov-...`, never the empty
    `person:`)."""
    folded = fold(name)
    readable = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if folded.isascii() and readable:
        return readable
    readable = re.sub(r"[^a-z0-9]+", "-", anyascii(folded).lower()).strip("-")
    written = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    digest = hashlib.sha256(written.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else digest


def fold(text: str) -> str:
    """Lower case without accents or curly apostrophes, for comparing names."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


_TRANSLITERATION = [
    (re.compile(r"ks"), "x"),
    (re.compile(r"(?<=[aeiou])kh"), "h"),
    (re.compile(r"(yy|iy|yi|ii)\b"), "y"),
    (re.compile(r"\bzh"), "j"),
    (re.compile(r"enka\b"), "enko"),
    (re.compile(r"dr\b"), "der"),
]


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """Fold spelling variants of one name together: Aleksandr/Alexander, Zelenskyy/Zelensky (remembered: the
    stages ask for the same names over and over)."""
    key = fold(name)
    if not key.isascii():  # other scripts compare by their transliteration (Кузнецов ~ Kuznetsov)
        key = anyascii(key).lower()
    key = re.sub(r"^the\s+", "", key)
    key = re.sub(r"[^a-z0-9 ]+", " ", key)
    for pattern, replacement in _TRANSLITERATION:
        key = pattern.sub(replacement, key)
    return " ".join(key.split()) or fold(name)  # never empty: an empty key would match every other


@dataclass(frozen=True)
class Office:
    title: str
    office: str
    holder: str
    start: date | None
    end: date | None

    def held_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass
class Entry:
    """One known actor and every form of its name, each with the mention kind it makes."""

    id: str
    name: str
    type: str
    country: str | None = None
    qid: str | None = None
    gender: str | None = None
    leader: str = "head_of_state"
    forms: dict[str, str] = field(default_factory=dict)
    capitals: list[str] = field(default_factory=list)
    ambiguous: bool = False
    armed_forces: bool = False


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@dataclass
class Gazetteer:
    entries: dict[str, Entry] = field(default_factory=dict)
    offices: list[Office] = field(default_factory=list)
    place_forms: list[str] = field(default_factory=list)
    roles: dict[str, dict[str, str]] = field(default_factory=dict)
    role_modifiers: set[str] = field(default_factory=set)
    not_current: set[str] = field(default_factory=set)
    _keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    _capitals: dict[str, str] = field(default_factory=dict)
    _place_keys: set[str] = field(default_factory=set)
    _fuzzy: dict[str, tuple[str, str] | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, extra: Path | None = None) -> Gazetteer:
        """The packaged gazetteer plus the user's folders (`--data-dir`, `POWERMAP_GAZETTEER`, `extra`), each
        file validated by the data loader."""
        gazetteer = cls()
        folders = datafiles.gazetteer_dirs() + ([extra] if extra else [])
        for data in datafiles.gazetteer(folders=folders):
            gazetteer._add(data.model_dump())
        roles = datafiles.load("roles.yaml")
        gazetteer.roles = {role: spec.model_dump(exclude_none=True) for role, spec in roles.roles.items()}
        gazetteer.role_modifiers = set(roles.modifiers)
        gazetteer.not_current = set(roles.not_current)
        return gazetteer

    def _add(self, data: dict[str, Any]) -> None:
        for state in data.get("states", []):
            entry = Entry(
                id=f"state:{state['iso3']}",
                name=state["name"],
                type="state",
                country=state["iso3"],
                qid=state.get("qid"),
                leader=state.get("leader", "head_of_state"),
                ambiguous=bool(state.get("ambiguous")),
            )
            entry.forms[state["name"]] = "name"
            for alias in state.get("aliases", []):
                entry.forms[alias] = "alias"
            for demonym in state.get("demonyms", []):
                entry.forms.setdefault(demonym, "demonym")
                if not demonym.endswith(("s", "sh", "ch", "ese")):  # "the Palestinians", "Israelis"
                    entry.forms.setdefault(f"{demonym}s", "demonym")
            for seat in state.get("seats", []):
                entry.forms[seat] = "metonym"
            entry.capitals = [c for c in [state.get("capital"), *state.get("capital_aliases", [])] if c]
            self._register(entry)
        for person in data.get("people", []):
            entry = Entry(
                id=f"person:{slug(person['name'])}",
                name=person["name"],
                type="person",
                country=person.get("country"),
                qid=person.get("qid"),
                gender=person.get("gender"),
            )
            entry.forms[person["name"]] = "name"
            for alias in person.get("aliases", []):
                entry.forms[alias] = "alias"
            surnames = person.get("surnames") or [person["name"].split()[-1]]
            for surname in surnames:
                entry.forms.setdefault(surname, "name")
            owner = (
                f"organization:{person['organization']}"
                if person.get("organization")
                else f"state:{person.get('country')}"
            )
            for office in person.get("offices", []):
                self.offices.append(
                    Office(
                        title=office["title"],
                        office=f"{owner}/{office['office']}",
                        holder=entry.id,
                        start=_as_date(office.get("start")),
                        end=_as_date(office.get("end")),
                    )
                )
            self._register(entry)
        for kind, type_ in (("organizations", "organization"), ("media", "media"), ("groups", "group")):
            for item in data.get(kind, []):
                entry = Entry(
                    id=f"{type_}:{item['key']}",
                    name=item["name"],
                    type=type_,
                    country=item.get("country"),
                    qid=item.get("qid"),
                    armed_forces=bool(item.get("armed_forces")),
                )
                entry.forms[item["name"]] = "name"
                for alias in item.get("aliases", []):
                    entry.forms[alias] = "alias"
                self._register(entry)
        self.place_forms.extend(data.get("places", []))
        self._place_keys.update(name_key(place) for place in data.get("places", []))

    def _register(self, entry: Entry) -> None:
        self._fuzzy.clear()
        self.entries[entry.id] = entry
        for form, kind in entry.forms.items():
            self._keys.setdefault(name_key(form), (entry.id, kind))
        for capital in entry.capitals:
            self._capitals.setdefault(name_key(capital), entry.id)

    def lookup(self, text: str, fuzzy: bool = True) -> tuple[Entry, str] | None:
        """The known actor a name refers to, with the kind of name it is; fuzzy for spelling variants."""
        key = name_key(text)
        if not key:
            return None
        found = self._keys.get(key)
        if found is None and fuzzy and len(key) >= 6:
            found = self._fuzzy_match(key)
        if found is None:
            return None
        return self.entries[found[0]], found[1]

    def _fuzzy_match(self, key: str) -> tuple[str, str] | None:
        """The (actor id, kind) of the known name nearest the key, if near enough; remembered per key, since
        each search compares the key with every known name."""
        if key not in self._fuzzy:
            if len(self._fuzzy) >= 100_000:  # memory stays flat over a long batch
                self._fuzzy.clear()
            best = process.extractOne(key, self._keys.keys(), scorer=fuzz.ratio, score_cutoff=92)
            if best is None:
                self._fuzzy[key] = None
            else:
                actor_id, kind = self._keys[best[0]]
                self._fuzzy[key] = (actor_id, "alias" if kind == "name" else kind)
        return self._fuzzy[key]

    def is_place(self, text: str) -> bool:
        return name_key(text) in self._place_keys

    def capital_of(self, text: str) -> Entry | None:
        found = self._capitals.get(name_key(text))
        return self.entries[found] if found else None

    def holder(self, owner: Entry, role: str, day: date | None) -> Entry | None:
        """Who held the office a role noun names, for this state or organisation, on `day`."""
        spec = self.roles.get(role)
        if spec is None:
            return None
        if "title" in spec:
            candidates = [o for o in self.offices if o.office.startswith(owner.id + "/") and o.title == spec["title"]]
        else:
            office = owner.leader if spec["office"] == "leader" else spec["office"]
            if owner.type != "state" and spec["office"] == "leader":
                office = "secretary_general"
            candidates = [o for o in self.offices if o.office == f"{owner.id}/{office}"]
        if day is not None:
            held = [o for o in candidates if o.held_on(day)]
        else:
            held = [o for o in candidates if o.end is None]
        holders = {o.holder for o in held}
        return self.entries[holders.pop()] if len(holders) == 1 else None

    def ruler_patterns(self) -> list[dict[str, Any]]:
        """EntityRuler patterns for every name form and capital; `id` carries `actor|kind`."""
        labels = {"person": "PERSON", "state": "GPE", "organization": "ORG", "media": "ORG", "group": "ORG"}
        patterns = []
        for entry in self.entries.values():
            for form, kind in entry.forms.items():
                if entry.ambiguous and kind in ("name", "alias"):
                    continue
                label = "NORP" if kind == "demonym" else "ORG" if kind == "metonym" else labels[entry.type]
                patterns.append({"label": label, "pattern": form, "id": f"{entry.id}|{kind}"})
            for capital in entry.capitals:
                patterns.append({"label": "GPE", "pattern": capital, "id": f"{entry.id}|capital"})
        patterns.extend(
            {"label": "GPE", "pattern": place, "id": "place|place"} for place in self.place_forms
        )
        return patterns


@cache
def default_gazetteer() -> Gazetteer:
    """Loaded once per process: the data files do not change while we run."""
    return Gazetteer.load()
