"""Load and validate the knowledge files (bibliography, screening rules, medicines) into typed objects.

``load()`` reads the files shipped in this package once and caches the result; ``load_from(directory)``
reads any directory (tests use it on deliberately broken copies). Every problem raises
:class:`KnowledgeError` naming the file, the entry and the field. No Django.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from importlib import resources
from pathlib import Path
from typing import Any

from nightcramp.knowledge import places, schema
from nightcramp.knowledge.medicine_names import (
    closeness,
    find_phrases,
    name_parts,
    normalise,
    segments,
    sounds_like,
)
from nightcramp.knowledge.medicine_names import phrases as phrases_of

HERE = Path(__file__).resolve().parent
STATUSES = ("verified", "secondary", "unverified")
COMPARISONS = ("gt", "gte", "lt", "lte", "eq")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_ATC = re.compile(r"^[A-Z]\d{2}(?:[A-Z](?:[A-Z](?:\d{2})?)?)?$")


def _iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from the table the tzdata package ships (a dependency already)."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text(encoding="utf-8")
    rows = (line for line in table.splitlines() if line and not line.startswith("#"))
    return frozenset(row.split("\t", 1)[0] for row in rows)


COUNTRIES = _iso_countries()


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
    note: str = ""
    """How the source was read (through copies, version unknown, not read here): for the maintainers and the
    docs only. ``short`` and ``citation`` are the public reference that pages, PDFs and share pages print."""


INTERNAL = re.compile(r"mirror|version (?:date )?unknown|secondary (?:report|copy)|not read here|"
                      r"maintainers'|read (?:from|through|via|on)\b|records read|, read\b|\(read\)|"
                      r"hosted elsewhere|as reported by|studyres", re.I)
"""Words of our own verification notes, which belong in a source's ``note``, never in what people read."""


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
    """The advice in plain words, its placeholders filled with the generic words (``places.fill``)."""
    sources: tuple[str, ...]
    trigger: Node
    advice_template: str = ""
    """The advice as written, with its placeholders (``{emergency_number}``), for words by country."""
    title_template: str = ""

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
class Brand:
    """A name a medicine is sold under, where it is sold (ISO 3166 alpha-2 codes) and on what sources."""
    name: str
    countries: tuple[str, ...]
    sources: tuple[str, ...]
    also: tuple[str, ...] = ()
    """Other listed medicines in the product (Aldactazide: hydrochlorothiazide besides spironolactone)."""
    unlisted: tuple[str, ...] = ()
    """Other ingredients, not on the list (Caduet: amlodipine besides atorvastatin)."""
    note: str = ""


@dataclass(frozen=True)
class Medicine:
    name: str
    classes: tuple[str, ...]
    atc: str
    atc_confirmed: bool = True
    synonyms: tuple[str, ...] = ()
    note: str = ""
    brands: tuple[Brand, ...] = ()

    @property
    def ingredients(self) -> frozenset[str]:
        return frozenset(self.name.split("+"))

    @property
    def label(self) -> str:
        """The name as a person reads it ("budesonide + formoterol")."""
        return " + ".join(self.name.split("+"))


@dataclass(frozen=True)
class NameIndex:
    """What the matcher and the suggestions look names up in, built once from the medicines."""
    phrases: dict[tuple[str, ...], frozenset[str]]
    """The words of every name, synonym, brand and ingredient -> the listed ingredients they stand for."""
    longest: int
    """The most words in one phrase."""
    medicines: dict[frozenset[str], Medicine]
    """A medicine's ingredients -> the medicine."""
    suggestible: dict[str, tuple[str, frozenset[str]]]
    """Every generic name, synonym and brand in lowercase -> how a suggestion shows it, what it stands for."""
    unlisted: frozenset[str]
    """Ingredients known to be off the list (from the brands), never "corrected" to a listed name."""
    suggested: dict[tuple[str, int], tuple[str, ...]] = dataclass_field(
        default_factory=dict, compare=False, repr=False)
    """Suggestions already worked out, by typed name: the same names come back on every page and check
    (Tonight screens the diary's medicines on each visit), and each costs a pass of difflib over every
    name."""


@dataclass(frozen=True)
class Knowledge:
    sources: dict[str, Source]
    rules: tuple[Rule, ...]
    classes: dict[str, MedicineClass]
    medicines: tuple[Medicine, ...]
    index: NameIndex
    """Brands, synonyms and ingredients as words, so typed names can be matched in any order and form."""

    def placed(self, words: dict[str, str]) -> Knowledge:
        """The same knowledge with the rules' titles and advice in a place's words (``places.fill``)."""
        rules = tuple(replace(r, title=places.fill(r.title_template or r.title, words),
                              advice=places.fill(r.advice_template or r.advice, words)) for r in self.rules)
        return replace(self, rules=rules)

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
        self.within = ""
        """A table inside the entry (``brands[Lasix]``): its fields are named ``brands[Lasix].countries``."""

    def inner(self, raw: Any, within: str) -> _Entry:
        """The same reader for a table inside this entry; its errors name this entry and ``within``."""
        entry = _Entry(self.filename, self.kind, raw if isinstance(raw, dict) else {}, 0)
        entry.label, entry.within = self.label, within
        return entry

    def fail(self, field: str, message: str) -> KnowledgeError:
        return KnowledgeError(f"{self.filename}: {self.label}: {self.within}{field}: {message}")

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
    entry.check_fields({"id", "short", "citation", "status", "year", "doi", "pmid", "url", "note"})
    for field in ("short", "citation"):
        found = INTERNAL.search(entry.text(field))
        if found:
            raise entry.fail(field, f"{found.group(0)!r} is a verification note: people read this field, "
                                    "so put how the source was read in `note`")
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
        note=entry.text("note", required=False),
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


def _medicine(entry: _Entry, classes: dict[str, MedicineClass], sources: dict[str, Source]) -> Medicine:
    entry.check_fields({"name", "synonyms", "classes", "atc", "atc_confirmed", "note", "brands"})
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
    raw_brands = entry.raw.get("brands", [])
    if not isinstance(raw_brands, list):
        raise entry.fail("brands", "must be a list of tables")
    brands = tuple(_brand(entry, raw, i, sources) for i, raw in enumerate(raw_brands))
    return Medicine(name=name, classes=own, atc=atc, atc_confirmed=confirmed,
                    synonyms=entry.texts("synonyms", required=False), note=entry.text("note", required=False),
                    brands=brands)


def _brand(entry: _Entry, raw: Any, index: int, sources: dict[str, Source]) -> Brand:
    """One brand of a medicine; errors name the medicine and the brand ("brands[Lasix].countries")."""
    where = f"brands #{index + 1}"
    if not isinstance(raw, dict):
        raise entry.fail(where, "expected a table")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise entry.fail(f"{where}.name", "must be a non-empty string")
    brand = entry.inner(raw, f"brands[{name.strip()}].")
    brand.check_fields({"name", "countries", "sources", "also", "unlisted", "note"})
    if len(segments(name)) != 1:
        raise brand.fail("name", "must be one name, without brackets, separators or only a dose")
    countries = brand.texts("countries")
    for code in countries:
        if code not in COUNTRIES:
            hint = ' (the United Kingdom is "GB")' if code.upper() in ("UK", "GB") else ""
            raise brand.fail("countries", f"{code!r} is not an ISO 3166 alpha-2 code{hint}")
    ids = brand.texts("sources")
    _check_sources(brand, ids, sources)
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise brand.fail("note", "must be a string")
    return Brand(name=name.strip(), countries=countries, sources=ids,
                 also=brand.texts("also", required=False), unlisted=brand.texts("unlisted", required=False),
                 note=note.strip())


def _check_names(medicines: list[Medicine], filename: str) -> None:
    """Every name and synonym keeps a name once doses and forms are gone, and means one medicine only."""
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


def _synonym_parts(med: Medicine, spelling: str, filename: str) -> list[tuple[str, frozenset[str]]]:
    """Each part of a synonym with the ingredients it stands for: a one-part synonym stands for the whole
    medicine ("co-amilozide"); a combination may respell one part ("beclomethasone+formoterol")."""
    parts = name_parts(spelling)
    if len(parts) == 1:
        return [(parts[0], med.ingredients)]
    same = [p for p in parts if p in med.ingredients]
    other, missing = [p for p in parts if p not in med.ingredients], sorted(med.ingredients - set(parts))
    if len(parts) != len(med.ingredients) or len(other) > 1 or len(missing) != len(other):
        raise KnowledgeError(f"{filename}: medicine {med.name!r}: synonyms: {spelling!r} must respell "
                             "at most one part of the combination")
    respelt = [(o, frozenset({m})) for o, m in zip(other, missing, strict=True)]
    return [(p, frozenset({p})) for p in same] + respelt


def _medicine_words(med: Medicine, filename: str) -> list[tuple[str, str, frozenset[str]]]:
    """(field, written name, ingredients) of every name a medicine is known by, brands last."""
    words = [("name", part, frozenset({part})) for part in med.name.split("+")]
    words += [("synonyms", part, ingredients) for spelling in med.synonyms
              for part, ingredients in _synonym_parts(med, spelling, filename)]
    return words + [("brands", brand.name, med.ingredients | frozenset(brand.also)) for brand in med.brands]


def _phrase_index(medicines: list[Medicine], filename: str) -> NameIndex:
    """Every name as words -> the listed ingredients it stands for; a name meaning two things is refused."""
    by_name = {m.name: m for m in medicines}
    phrases: dict[tuple[str, ...], frozenset[str]] = {}
    owner: dict[tuple[str, ...], str] = {}
    for med in medicines:
        for brand in med.brands:
            for part in brand.also:
                if part not in by_name or part == med.name:
                    raise KnowledgeError(f"{filename}: medicine {med.name!r}: brands[{brand.name}].also: "
                                         f"{part!r} is not another listed medicine")
        for field, written, ingredients in _medicine_words(med, filename):
            for phrase in phrases_of(written):
                if phrase in phrases and phrases[phrase] != ingredients:
                    raise KnowledgeError(f"{filename}: medicine {med.name!r}: {field}: {written!r} is "
                                         f"already used by {owner[phrase]!r}")
                if field == "brands" and phrase in owner and owner[phrase] == med.name:
                    raise KnowledgeError(f"{filename}: medicine {med.name!r}: brands: {written!r} is listed "
                                         "twice")
                phrases[phrase], owner[phrase] = ingredients, med.name
    return NameIndex(phrases=phrases, longest=max(len(p) for p in phrases),
                     medicines={m.ingredients: m for m in medicines}, suggestible=_suggestible(medicines),
                     unlisted=frozenset(u.lower() for m in medicines for b in m.brands for u in b.unlisted))


def _suggestible(medicines: list[Medicine]) -> dict[str, tuple[str, frozenset[str]]]:
    by_name = {m.name: m for m in medicines}
    shown: dict[str, tuple[str, frozenset[str]]] = {}
    for med in medicines:
        shown[" ".join(med.name.split("+"))] = (med.label, med.ingredients)
        for spelling in med.synonyms:
            shown.setdefault(" ".join(name_parts(spelling)), (f"{spelling} ({med.label})", med.ingredients))
        for brand in med.brands:
            parts = [p for m in (med, *(by_name[a] for a in brand.also)) for p in m.name.split("+")]
            label = f"{brand.name} ({' + '.join([*parts, *brand.unlisted])})"
            shown.setdefault(brand.name.lower(), (label, med.ingredients | frozenset(brand.also)))
    return shown


def _medicines(
    directory: Path, sources: dict[str, Source]
) -> tuple[dict[str, MedicineClass], list[Medicine]]:
    name = "medicines.toml"
    data = _read(directory, name)
    class_list = [_medicine_class(_Entry(name, "class", raw, i), sources)
                  for i, raw in enumerate(_entries(data, name, "class"))]
    _unique(class_list, "id", name, "class")
    classes = {c.id: c for c in class_list}
    meds = [_medicine(_Entry(name, "medicine", raw, i), classes, sources)
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
    title, advice = entry.text("title"), " ".join(entry.text("advice").split())
    for field, text in (("title", title), ("advice", advice)):
        if places.problem(text):
            raise entry.fail(field, places.problem(text))
    return Rule(id=ident, tier=tier, title=places.fill(title), advice=places.fill(advice), sources=ids,
                trigger=trigger, advice_template=advice, title_template=title)


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
    _check_names(meds, "medicines.toml")
    index = _phrase_index(meds, "medicines.toml")
    return Knowledge(sources=sources, rules=tuple(rules), classes=classes, medicines=tuple(meds),
                     index=index)


@functools.cache
def load() -> Knowledge:
    """The knowledge shipped with nightcramp, validated once per process."""
    return load_from(HERE)


def match_medicine(knowledge: Knowledge, typed: str) -> list[Medicine]:
    """The listed medicines a typed name refers to; [] if none.

    Generic names, synonyms and brands are found among the typed words in any order and case, beside
    doses, forms and unknown words ("Lipitor (atorvastatin) 20mg", "salmeterol/fluticasone (Seretide)",
    "budesonide formoterol"). Their ingredients together name the medicines: one listed entry where one
    holds them all (fluticasone+salmeterol), else every listed part (Aldactazide: hydrochlorothiazide and
    spironolactone), in the order typed.
    """
    index = knowledge.index
    first: dict[str, int] = {}
    for position, ingredients in find_phrases(typed, index.phrases, index.longest):
        for ingredient in ingredients:
            first.setdefault(ingredient, position)
    found = set(first)
    candidates = [m for key, m in index.medicines.items() if key <= found]
    widest = sorted((m for m in candidates if not any(m.ingredients < o.ingredients for o in candidates)),
                    key=lambda m: (-len(m.ingredients), m.name))
    chosen: list[Medicine] = []
    covered: set[str] = set()
    for med in widest:
        if not med.ingredients <= covered:
            chosen.append(med)
            covered |= med.ingredients
    return sorted(chosen, key=lambda m: (min(first[i] for i in m.ingredients), m.name))


SUGGESTION_CUTOFF = 0.8
"""How alike (0 to 1, see ``medicine_names.closeness``) a typed word must be to a known name to be suggested.

"lasics" -> "lasix" is 1.0 by sound, "simvastin" -> "simvastatin" 0.9; "aspirin" -> "aprinox" 0.71 and
"bisoprolol" -> "oxprenolol" 0.70 stay below it, and so do "paracetamol" and "vitamin D" against every name.
"""
SUGGESTION_MARGIN = 0.1
"""Names more than this below the closest one are left out ("atorvastatine" gives atorvastatin, not also
lovastatin)."""


def suggest_medicines(knowledge: Knowledge, typed: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` known names close to a typed name that matched nothing ("Lasix (furosemide)").

    Nothing when the name matched, when a typed word is an ingredient known to be unlisted (amlodipine),
    or when nothing is at least ``SUGGESTION_CUTOFF`` alike. Worked out once per typed name.
    """
    cache = knowledge.index.suggested
    found = cache.get((typed, limit))
    if found is None:
        found = () if match_medicine(knowledge, typed) else _suggest(knowledge, typed, limit)
        if len(cache) >= SUGGESTIONS_KEPT:
            cache.clear()
        cache[(typed, limit)] = found
    return found


SUGGESTIONS_KEPT = 4096
"""How many typed names' suggestions are kept before the cache starts again (a bound on memory)."""


def _suggest(knowledge: Knowledge, typed: str, limit: int) -> tuple[str, ...]:
    words = [w for segment in segments(typed) for w in segment]
    if any(w in knowledge.index.unlisted for w in words):
        return ()
    spans = ((i, j) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 3) + 1))
    windows = {" ".join(words[i:j]) for i, j in spans if len("".join(words[i:j])) >= 4}
    best: dict[frozenset[str], tuple[float, str]] = {}
    for key, (label, meaning) in knowledge.index.suggestible.items():
        score = max((_likeness(w, key) for w in windows), default=0.0)
        if score >= SUGGESTION_CUTOFF and (meaning not in best or (-score, label) < (-best[meaning][0],
                                                                                    best[meaning][1])):
            best[meaning] = (score, label)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1]))
    return tuple(label for score, label in ranked if score >= ranked[0][0] - SUGGESTION_MARGIN)[:limit]


def _likeness(window: str, key: str) -> float:
    """How alike typed words and a known name are, as one word each; 0 unless they start alike, and 0 for a
    word that is only part of a longer name ("diovan" is valsartan, not "co-diovan")."""
    words = key.replace("-", " ").split()
    if len(words) > 1 and window in words:
        return 0.0
    typed, known = window.replace(" ", ""), "".join(words)
    if typed[0] != known[0] and sounds_like(typed)[0] != sounds_like(known)[0]:
        return 0.0
    return closeness(typed, known)


def recognised_as(knowledge: Knowledge, typed: str) -> str:
    """What a typed name was recognised as, in plain words ("" when nothing was):

    "Recognised as furosemide, a loop diuretic (water tablet)".
    """
    words = []
    for med in match_medicine(knowledge, typed):
        titles = [knowledge.classes[c].title for c in med.classes]
        if titles[0].startswith(med.label):
            words.append(" and ".join(titles))
        else:
            words.append(f"{med.label}, " + " and ".join(f"{'an' if t[:1] in 'aeiou' else 'a'} {t}"
                                                          for t in titles))
    return f"Recognised as {'; '.join(words)}" if words else ""
