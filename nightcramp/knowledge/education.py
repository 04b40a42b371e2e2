"""Load and validate the "Understanding" pages (``education.toml``) against the bibliography. No Django.

Every claim on a page carries the ids of its sources. ``load()`` reads the files shipped in this package
once and caches the result; ``load_from(directory)`` reads ``education.toml`` and ``bibliography.toml`` from
any directory (tests use it on deliberately broken copies). Every problem raises :class:`KnowledgeError`
naming the file, the page, the section, the claim and the field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nightcramp.knowledge.loader import (
    HERE,
    KnowledgeError,
    Source,
    _bibliography,
    _check_sources,
    _entries,
    _Entry,
    _read,
)

FILENAME = "education.toml"
STYLES = ("paragraphs", "list")
ACTIONS = ("health_check",)
"""Links a page may ask for; the template knows where each one goes."""
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Claim:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    claims: tuple[Claim, ...]
    style: str = "paragraphs"
    popular: str = ""
    """What people often say; when set, the section contrasts it with what the evidence says (the claims)."""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    group: str
    summary: str
    sections: tuple[Section, ...]
    action: str = ""

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(c for s in self.sections for c in s.claims)

    def source_ids(self) -> tuple[str, ...]:
        """Every source the page cites, in order of first citation (the numbering of its references)."""
        seen: dict[str, None] = {}
        for claim in self.claims:
            for sid in claim.sources:
                seen.setdefault(sid, None)
        return tuple(seen)


@dataclass(frozen=True)
class Education:
    pages: tuple[Page, ...]
    sources: dict[str, Source]

    def page(self, slug: str) -> Page:
        for page in self.pages:
            if page.slug == slug:
                return page
        raise KeyError(slug)


def _text(entry: _Entry, field: str, required: bool = True) -> str:
    """A string field with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(entry.text(field, required=required).split())


def _list(entry: _Entry, field: str, table: str) -> list[Any]:
    value = entry.raw.get(field)
    if not isinstance(value, list) or not value:
        raise entry.fail(field, f"needs at least one [[{table}]] entry")
    return value


def _claim(entry: _Entry, sources: dict[str, Source]) -> Claim:
    entry.check_fields({"text", "sources"})
    text = _text(entry, "text")
    if "sources" not in entry.raw or entry.raw["sources"] == []:
        raise entry.fail("sources", "every claim needs at least one source id from bibliography.toml")
    ids = entry.texts("sources")
    if len(set(ids)) != len(ids):
        raise entry.fail("sources", "lists the same source twice")
    _check_sources(entry, ids, sources)
    return Claim(text=text, sources=ids)


def _section(entry: _Entry, sources: dict[str, Source]) -> Section:
    entry.check_fields({"id", "heading", "style", "popular", "claim"})
    ident = entry.text("id")
    if not _SLUG.match(ident):
        raise entry.fail("id", "must be lowercase letters and digits joined by hyphens")
    style = entry.raw.get("style", "paragraphs")
    if style not in STYLES:
        raise entry.fail("style", f"{style!r} is not one of {', '.join(STYLES)}")
    claims = []
    for i, raw in enumerate(_list(entry, "claim", "page.section.claim")):
        claim_entry = _Entry(FILENAME, "claim", raw, i)
        claim_entry.label = f"{entry.label}: claim #{i + 1}"
        claims.append(_claim(claim_entry, sources))
    return Section(id=ident, heading=_text(entry, "heading"), claims=tuple(claims), style=style,
                   popular=_text(entry, "popular", required=False))


def _page(entry: _Entry, sources: dict[str, Source]) -> Page:
    entry.check_fields({"slug", "title", "group", "summary", "action", "section"})
    slug = entry.text("slug")
    entry.label = f"page {slug!r}"
    if not _SLUG.match(slug):
        raise entry.fail("slug", "must be lowercase letters and digits joined by hyphens")
    action = entry.raw.get("action", "")
    if action and action not in ACTIONS:
        raise entry.fail("action", f"{action!r} is not one of {', '.join(ACTIONS)}")
    sections = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(entry, "section", "page.section")):
        section_entry = _Entry(FILENAME, "section", raw, i)
        if isinstance(raw.get("id"), str):
            section_entry.label = f"{entry.label}: section {raw['id']!r}"
        else:
            section_entry.label = f"{entry.label}: section #{i + 1}"
        section = _section(section_entry, sources)
        if section.id in seen:
            raise section_entry.fail("id", "duplicate (section ids must be unique within a page)")
        seen.add(section.id)
        sections.append(section)
    return Page(slug=slug, title=_text(entry, "title"), group=_text(entry, "group"),
                summary=_text(entry, "summary"), sections=tuple(sections), action=action)


def load_from(directory: Path) -> Education:
    """Read and validate ``education.toml`` against ``bibliography.toml`` in ``directory`` (no caching)."""
    sources = _bibliography(directory)
    data = _read(directory, FILENAME)
    extra = sorted(set(data) - {"page"})
    if extra:
        raise KnowledgeError(f"{FILENAME}: unknown top-level table {extra[0]!r} (allowed: page)")
    pages = []
    seen: set[str] = set()
    for i, raw in enumerate(_entries(data, FILENAME, "page")):
        page = _page(_Entry(FILENAME, "page", raw, i), sources)
        if page.slug in seen:
            raise KnowledgeError(f"{FILENAME}: page {page.slug!r}: slug: duplicate")
        seen.add(page.slug)
        pages.append(page)
    return Education(pages=tuple(pages), sources=sources)


@functools.cache
def load() -> Education:
    """The education pages shipped with nightcramp, validated once per process."""
    return load_from(HERE)
