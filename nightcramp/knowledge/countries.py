"""Emergency and out-of-hours words by country (``places.toml``); a country guessed from a time zone.
No Django.

``words_for(code)`` gives the words that fill the placeholders of :mod:`nightcramp.knowledge.places` for a
person in that country (ISO 3166-1 alpha-2, "" for unknown): the country's own where ``places.toml`` holds
them, the generic words (``places.DEFAULT_WORDS``) for anything it does not. ``knowledge_for(code)`` and
``education_for(code)`` are the screening rules and the Learn pages in those words, made once per country.

``guess_from_zone(zone)`` reads the tz database's ``zone.tab`` (shipped by tzdata), which names the one
country of each geographic zone: Europe/Berlin is DE, America/Pago_Pago is AS. Zones of no country (UTC) and
old aliases (US/Eastern) give "".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from nightcramp.knowledge import education, loader, places
from nightcramp.knowledge.loader import (
    COUNTRIES,
    HERE,
    KnowledgeError,
    Source,
    _bibliography,
    _check_sources,
    _entries,
    _Entry,
    _read,
)

FILENAME = "places.toml"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    words: dict[str, str]
    """Only the placeholders the file gives for this country; the rest stay generic."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Places:
    countries: dict[str, Country]
    sources: dict[str, Source]


def _country(entry: _Entry, sources: dict[str, Source]) -> Country:
    entry.check_fields({"code", "name", "sources", *places.PLACEHOLDERS})
    code = entry.text("code")
    if code not in COUNTRIES:
        raise entry.fail("code", f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    words = {}
    for name in sorted(places.PLACEHOLDERS):
        text = " ".join(entry.text(name, required=False).split())
        if not text:
            continue
        if text == places.DEFAULT_WORDS[name] or "{" in text or "}" in text:
            raise entry.fail(name, "must be the country's own words "
                                   "(no braces; leave it out for the generic line)")
        words[name] = text
    if not words:
        raise entry.fail("emergency_number", "a country needs at least one of "
                                             + ", ".join(sorted(places.PLACEHOLDERS)))
    ids = entry.texts("sources")
    _check_sources(entry, ids, sources)
    return Country(code=code, name=entry.text("name"), words=words, sources=ids)


def load_from(directory: Path) -> Places:
    """Read and validate ``places.toml`` against ``bibliography.toml`` in ``directory`` (no caching)."""
    sources = _bibliography(directory)
    data = _read(directory, FILENAME)
    extra = sorted(set(data) - {"country"})
    if extra:
        raise KnowledgeError(f"{FILENAME}: unknown top-level table {extra[0]!r} (allowed: country)")
    found: dict[str, Country] = {}
    for i, raw in enumerate(_entries(data, FILENAME, "country")):
        country = _country(_Entry(FILENAME, "country", raw, i), sources)
        if country.code in found:
            raise KnowledgeError(f"{FILENAME}: country {country.code!r}: code: duplicate")
        found[country.code] = country
    return Places(countries=found, sources=sources)


@functools.cache
def load() -> Places:
    """The country data shipped with nightcramp, validated once per process."""
    return load_from(HERE)


def words_for(code: str | None) -> dict[str, str]:
    """The words for every placeholder for a person in ``code`` (generic where we hold nothing)."""
    country = load().countries.get((code or "").upper())
    return {**places.DEFAULT_WORDS, **(country.words if country else {})}


@functools.cache
def knowledge_for(code: str | None) -> loader.Knowledge:
    """The screening rules with their advice in the words of ``code``."""
    return loader.load().placed(words_for(code))


@functools.cache
def education_for(code: str | None) -> education.Education:
    """The Learn pages in the words of ``code``."""
    return education.load().placed(words_for(code))


@functools.cache
def _zone_countries() -> dict[str, str]:
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line.strip() and not line.startswith("#"))
    return {row[2]: row[0] for row in rows if len(row) >= 3}


def guess_from_zone(zone: str | None) -> str:
    """The country of a geographic time zone (ISO 3166-1 alpha-2), or "" when the zone names none."""
    return _zone_countries().get(zone or "", "")


def names() -> list[tuple[str, str]]:
    """(code, name) of every country, by name, for a select (names from the tz database's iso3166.tab)."""
    table = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in table.splitlines() if line.strip() and not line.startswith("#"))
    return sorted(((row[0], row[1].strip()) for row in rows), key=lambda pair: pair[1])


def name_of(code: str | None) -> str:
    return dict(names()).get((code or "").upper(), "")
