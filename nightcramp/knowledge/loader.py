"""Load and validate the knowledge files (bibliography, screening rules, medicines) into typed objects.

``load()`` reads the files shipped in this package once and caches the result; ``load_from(directory)``
reads any directory (tests use it on deliberately broken copies). Every problem raises
:class:`KnowledgeError` naming the file, the entry and the field. No Django.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nightcramp.knowledge import schema
from nightcramp.knowledge.medicine_names import name_parts, normalise

HERE = Path(__file__).resolve().parent
STATUSES = ("verified", "secondary", "unverified")
COMPARISONS = ("gt", "gte", "lt", "lte", "eq")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ATC = re.compile(r"^[A-Z]\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?$")


class KnowledgeError(ValueError):
    """A knowledge file is missing, unreadable or breaks a rule of its format."""


# ---- typed results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    id: str
    short: str
    citation: str
    status: str
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Fact:
    """True when the yes/no fact ``key`` is answered yes."""
    key: str


@dataclass(frozen=True)
class Compare:
    """True when the number at ``key`` compares (``op``) to ``value``."""
    key: str
    op: str
    value: float


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class MedicineBeforeCramps:
    """True when a medicine of ``classes`` (None: every class marked review) started shortly before cramps."""
    classes: tuple[str, ...] | None


@dataclass(frozen=True)
class Otherwise:
    """True when no other rule fired and nothing was left unanswered."""


Node = Fact | Compare | AllOf | AnyOf | MedicineBeforeCramps | Otherwise


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str
    title: str
    advice: str
    sources: tuple[str, ...]
    trigger: Node

    @property
    def rank(self) -> int:
        return schema.tier_rank(self.tier)


@dataclass(frozen=True)
class MedicineClass:
    id: str
    title: str
    association: str
    sources: tuple[str, ...]
    review: bool


@dataclass(frozen=True)
class Medicine:
    name: str
    classes: tuple[str, ...]
    atc: str
    atc_confirmed: bool = True
    synonyms: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Knowledge:
    sources: dict[str, Source]
    rules: tuple[Rule, ...]
    classes: dict[str, MedicineClass]
    medicines: tuple[Medicine, ...]
    names: dict[str, Medicine]
    """Every normalised name and synonym -> its medicine."""
    parts: frozenset[str]
    """Every ingredient part of a known name, so unknown words (brands) can be dropped from combinations."""

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


# ---- reading --------------------------------------------------------------------------------------

def _read(directory: Path, filename: str) -> dict[str, Any]:
    path = directory / filename
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise KnowledgeError(f"{filename}: file not found in {directory}") from None
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{filename}: not valid TOML: {exc}") from None


class _Entry:
    """Reads fields of one table entry, raising errors that name file, entry and field."""

    def __init__(self, filename: str, kind: str, raw: Any, index: int) -> None:
        self.filename, self.kind = filename, kind
        if not isinstance(raw, dict):
            raise KnowledgeError(f"{filename}: {kind} #{index + 1}: expected a table")
        self.raw = raw
        ident = raw.get("id", raw.get("name"))
        self.label = f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} #{index + 1}"

    def fail(self, field: str, message: str) -> KnowledgeError:
        return KnowledgeError(f"{self.filename}: {self.label}: {field}: {message}")

    def check_fields(self, allowed: set[str]) -> None:
        extra = sorted(set(self.raw) - allowed)
        if extra:
            raise self.fail(extra[0], f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, field: str, required: bool = True) -> str:
        value = self.raw.get(field)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be a non-empty string")
        return value.strip()

    def texts(self, field: str, required: bool = True) -> tuple[str, ...]:
        value = self.raw.get(field, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "must be a list of non-empty strings")
        if required and not value:
            raise self.fail(field, "must not be empty")
        return tuple(v.strip() for v in value)

    def flag(self, field: str, default: bool) -> bool:
        value = self.raw.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value


def _entries(data: dict[str, Any], filename: str, table: str) -> list[Any]:
    entries = data.get(table)
    if not isinstance(entries, list) or not entries:
        raise KnowledgeError(f"{filename}: expected at least one [[{table}]] entry")
    return entries


def _unique(items: list[Any], key: str, filename: str, kind: str) -> None:
    seen: set[str] = set()
    for item in items:
        ident = getattr(item, key)
        if ident in seen:
            raise KnowledgeError(f"{filename}: {kind} {ident!r}: {key}: duplicate")
        seen.add(ident)


# ---- bibliography ---------------------------------------------------------------------------------

def _source(entry: _Entry) -> Source:
    entry.check_fields({"id", "short", "citation", "status", "year", "doi", "pmid", "url"})
    status = entry.text("status")
    if status not in STATUSES:
        raise entry.fail("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    year = entry.raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1900 < year < 2100):
        raise entry.fail("year", "must be a four-digit year")
    return Source(
        id=entry.text("id"), short=entry.text("short"), citation=entry.text("citation"), status=status,
        year=year, doi=entry.text("doi", required=False) or None,
        pmid=entry.text("pmid", required=False) or None, url=entry.text("url", required=False) or None,
    )


def _bibliography(directory: Path) -> dict[str, Source]:
    name = "bibliography.toml"
    data = _read(directory, name)
    items = [_source(_Entry(name, "source", raw, i)) for i, raw in enumerate(_entries(data, name, "source"))]
    _unique(items, "id", name, "source")
    return {s.id: s for s in items}


def _check_sources(entry: _Entry, ids: tuple[str, ...], sources: dict[str, Source]) -> None:
    for sid in ids:
        if sid not in sources:
            raise entry.fail("sources", f"unknown source id {sid!r} (not in bibliography.toml)")
        if sources[sid].status == "unverified":
            raise entry.fail("sources", f"{sid!r} is unverified and cannot be the basis of an entry")


# ---- medicines ------------------------------------------------------------------------------------

def _medicine_class(entry: _Entry, sources: dict[str, Source]) -> MedicineClass:
    entry.check_fields({"id", "title", "association", "sources", "review"})
    ident = entry.text("id")
    if not _ID.match(ident):
        raise entry.fail("id", "must be lowercase letters, digits and underscores")
    ids = entry.texts("sources")
    _check_sources(entry, ids, sources)
    return MedicineClass(id=ident, title=entry.text("title"), association=entry.text("association"),
                         sources=ids, review=entry.flag("review", True))


def _medicine(entry: _Entry, classes: dict[str, MedicineClass]) -> Medicine:
    entry.check_fields({"name", "synonyms", "classes", "atc", "atc_confirmed", "note"})
    name = entry.text("name")
    if normalise(name) != name:
        raise entry.fail("name", f"must be written in normal form {normalise(name)!r}")
    own = entry.texts("classes")
    for cid in own:
        if cid not in classes:
            raise entry.fail("classes", f"unknown class {cid!r} (no [[class]] with that id)")
    confirmed = entry.flag("atc_confirmed", True)
    atc = entry.raw.get("atc")
    if not isinstance(atc, str) or (atc and not _ATC.match(atc)) or (not atc and confirmed):
        raise entry.fail("atc", "must be an ATC code such as 'C03AA01' "
                                "(empty only with atc_confirmed = false)")
    return Medicine(name=name, classes=own, atc=atc, atc_confirmed=confirmed,
                    synonyms=entry.texts("synonyms", required=False), note=entry.text("note", required=False))


def _name_index(medicines: list[Medicine], filename: str) -> dict[str, Medicine]:
    names: dict[str, Medicine] = {}
    for med in medicines:
        for spelling in (med.name, *med.synonyms):
            key = normalise(spelling)
            if not key:
                raise KnowledgeError(
                    f"{filename}: medicine {med.name!r}: synonyms: {spelling!r} has no name left")
            if key in names and names[key] is not med:
                raise KnowledgeError(
                    f"{filename}: medicine {med.name!r}: synonyms: {spelling!r} is already used by "
                    f"{names[key].name!r}")
            names[key] = med
    return names


def _medicines(
    directory: Path, sources: dict[str, Source]
) -> tuple[dict[str, MedicineClass], list[Medicine]]:
    name = "medicines.toml"
    data = _read(directory, name)
    class_list = [_medicine_class(_Entry(name, "class", raw, i), sources)
                  for i, raw in enumerate(_entries(data, name, "class"))]
    _unique(class_list, "id", name, "class")
    classes = {c.id: c for c in class_list}
    meds = [_medicine(_Entry(name, "medicine", raw, i), classes)
            for i, raw in enumerate(_entries(data, name, "medicine"))]
    _unique(meds, "name", name, "medicine")
    return classes, meds


# ---- rules ----------------------------------------------------------------------------------------

def _known_key(entry: _Entry, key: Any, kinds: tuple[str, ...]) -> str:
    if not isinstance(key, str) or key not in schema.KEYS:
        raise entry.fail("trigger", f"unknown answer key {key!r}")
    if schema.KEYS[key][0] not in kinds:
        raise entry.fail("trigger", f"{key!r} is a {schema.KEYS[key][0]}, not {' or '.join(kinds)}")
    return key


def _node(entry: _Entry, raw: Any, classes: dict[str, MedicineClass], top: bool = False) -> Node:
    if raw == "otherwise":
        if not top:
            raise entry.fail("trigger", "'otherwise' can only be the whole trigger")
        return Otherwise()
    if isinstance(raw, str):
        return Fact(_known_key(entry, raw, ("bool",)))
    if not isinstance(raw, dict) or not raw:
        raise entry.fail("trigger", f"expected an answer key or a table, got {raw!r}")
    if set(raw) in ({"all"}, {"any"}):
        (word, parts), = raw.items()
        if not isinstance(parts, list) or not parts:
            raise entry.fail("trigger", f"'{word}' needs a non-empty list")
        nodes = tuple(_node(entry, p, classes) for p in parts)
        return AllOf(nodes) if word == "all" else AnyOf(nodes)
    if set(raw) == {"medicine_started_before_cramps"}:
        return MedicineBeforeCramps(_classes(entry, raw["medicine_started_before_cramps"], classes))
    if "key" in raw and len(raw) == 2:
        op = next(k for k in raw if k != "key")
        value = raw[op]
        if op not in COMPARISONS or isinstance(value, bool) or not isinstance(value, int | float):
            raise entry.fail("trigger", f"comparison needs one of {', '.join(COMPARISONS)} with a number")
        return Compare(_known_key(entry, raw["key"], ("number",)), op, float(value))
    raise entry.fail("trigger", f"unknown form {raw!r} (see the trigger language in docs/screening.md)")


def _classes(entry: _Entry, raw: Any, classes: dict[str, MedicineClass]) -> tuple[str, ...] | None:
    if raw == "listed":
        return None
    if not isinstance(raw, list) or not raw or not all(isinstance(c, str) and c in classes for c in raw):
        raise entry.fail("trigger",
                         f"medicine_started_before_cramps needs 'listed' or known class ids, got {raw!r}")
    return tuple(raw)


def _rule(entry: _Entry, sources: dict[str, Source], classes: dict[str, MedicineClass]) -> Rule:
    entry.check_fields({"id", "tier", "title", "advice", "sources", "trigger"})
    ident = entry.text("id")
    if not _ID.match(ident):
        raise entry.fail("id", "must be lowercase letters, digits and underscores")
    tier = entry.raw.get("tier")
    if tier not in schema.TIERS:
        raise entry.fail("tier", f"{tier!r} is not one of {', '.join(schema.TIERS)}")
    ids = entry.texts("sources")
    _check_sources(entry, ids, sources)
    if "trigger" not in entry.raw:
        raise entry.fail("trigger", "missing")
    trigger = _node(entry, entry.raw["trigger"], classes, top=True)
    return Rule(id=ident, tier=tier, title=entry.text("title"), advice=" ".join(entry.text("advice").split()),
                sources=ids, trigger=trigger)


def _rules(directory: Path, sources: dict[str, Source], classes: dict[str, MedicineClass]) -> list[Rule]:
    name = "screening_rules.toml"
    data = _read(directory, name)
    rules = [_rule(_Entry(name, "rule", raw, i), sources, classes)
             for i, raw in enumerate(_entries(data, name, "rule"))]
    _unique(rules, "id", name, "rule")
    if not any(isinstance(r.trigger, Otherwise) for r in rules):
        raise KnowledgeError(f"{name}: needs one rule with trigger = \"otherwise\" (the self-care default)")
    return sorted(rules, key=lambda r: r.rank)


# ---- entry points ---------------------------------------------------------------------------------

def load_from(directory: Path) -> Knowledge:
    """Read and validate the three knowledge files in ``directory`` (no caching)."""
    sources = _bibliography(directory)
    classes, meds = _medicines(directory, sources)
    rules = _rules(directory, sources, classes)
    names = _name_index(meds, "medicines.toml")
    parts = frozenset(p for key in names for p in key.split("+"))
    return Knowledge(sources=sources, rules=tuple(rules), classes=classes, medicines=tuple(meds),
                     names=names, parts=parts)


@functools.cache
def load() -> Knowledge:
    """The knowledge shipped with nightcramp, validated once per process."""
    return load_from(HERE)


def match_medicine(knowledge: Knowledge, typed: str) -> list[Medicine]:
    """The known medicines a typed name refers to (several for an unlisted combination); [] if none."""
    key = normalise(typed)
    if key in knowledge.names:
        return [knowledge.names[key]]
    parts = name_parts(typed)
    known = "+".join(p for p in parts if p in knowledge.parts)
    if known in knowledge.names:
        return [knowledge.names[known]]
    found: list[Medicine] = []
    for part in parts:
        med = _by_prefix(knowledge, part)
        if med is not None and med not in found:
            found.append(med)
    return found


def _by_prefix(knowledge: Knowledge, part: str) -> Medicine | None:
    """The longest leading run of words naming a medicine ("atorvastatin lipitor" -> atorvastatin)."""
    words = part.split()
    for end in range(len(words), 0, -1):
        med = knowledge.names.get(" ".join(words[:end]))
        if med is not None:
            return med
    return None
