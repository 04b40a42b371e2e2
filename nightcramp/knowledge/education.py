"""Load and validate the "Understanding" pages (``education.toml``) against the bibliography. No Django.

Every claim on a page carries the ids of its sources, and a claim that states the advice of screening
rules names them (``rules``), so a test can hold the page and the rules to the same tiers. Texts may use
the placeholders of :mod:`nightcramp.knowledge.places` (``{emergency_number}``, ``{out_of_hours}``): each
text is kept as written (``template``) and filled with the generic words for display.

``load()`` reads the files shipped in this package once and caches the result; ``load_from(directory)``
reads ``education.toml`` and ``bibliography.toml`` from any directory (and ``screening_rules.toml`` with
its ``medicines.toml`` when a claim names rules; tests use it on deliberately broken copies). Every
problem raises :class:`KnowledgeError` naming the file, the page, the section, the claim and the field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nightcramp.knowledge import loader, places
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
    """The claim in plain words, its placeholders filled with the generic words (``places.fill``)."""
    sources: tuple[str, ...]
    rules: tuple[str, ...] = ()
    """The screening rules (ids in ``screening_rules.toml``) whose advice the claim states."""
    template: str = ""
    """The claim as written, with its placeholders, for words by country."""


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    """Filled like a claim's text; ``heading_template`` is the heading as written."""
    claims: tuple[Claim, ...]
    style: str = "paragraphs"
    popular: str = ""
    """What people often say; when set, the section contrasts it with what the evidence says (the claims)."""
    heading_template: str = ""


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    group: str
    summary: str
    """Filled like a claim's text; ``summary_template`` is the summary as written."""
    sections: tuple[Section, ...]
    action: str = ""
    summary_template: str = ""

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

    def placed(self, words: dict[str, str]) -> Education:
        """The same pages with every text filled in a place's words (``places.fill``)."""
        def fill(filled: str, template: str) -> str:
            return places.fill(template, words) if template else filled

        pages = tuple(replace(
            page, summary=fill(page.summary, page.summary_template),
            sections=tuple(replace(
                section, heading=fill(section.heading, section.heading_template),
                claims=tuple(replace(c, text=fill(c.text, c.template)) for c in section.claims))
                for section in page.sections))
            for page in self.pages)
        return replace(self, pages=pages)

    def page(self, slug: str) -> Page:
        for page in self.pages:
            if page.slug == slug:
                return page
        raise KeyError(slug)


def _text(entry: _Entry, field: str, required: bool = True) -> str:
    """A string field with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(entry.text(field, required=required).split())


def _placed(entry: _Entry, field: str, required: bool = True) -> tuple[str, str]:
    """A text field that may hold placeholders: (filled with the generic words, as written)."""
    raw = _text(entry, field, required=required)
    if places.problem(raw):
        raise entry.fail(field, places.problem(raw))
    return places.fill(raw), raw


def _list(entry: _Entry, field: str, table: str) -> list[Any]:
    value = entry.raw.get(field)
    if not isinstance(value, list) or not value:
        raise entry.fail(field, f"needs at least one [[{table}]] entry")
    return value


def _claim(entry: _Entry, sources: dict[str, Source]) -> Claim:
    entry.check_fields({"text", "sources", "rules"})
    text, template = _placed(entry, "text")
    if "sources" not in entry.raw or entry.raw["sources"] == []:
        raise entry.fail("sources", "every claim needs at least one source id from bibliography.toml")
    ids = entry.texts("sources")
    if len(set(ids)) != len(ids):
        raise entry.fail("sources", "lists the same source twice")
    _check_sources(entry, ids, sources)
    rules = entry.texts("rules", required=False)
    if "rules" in entry.raw and not rules:
        raise entry.fail("rules", "leave the field out rather than list no rules")
    if len(set(rules)) != len(rules):
        raise entry.fail("rules", "lists the same rule twice")
    return Claim(text=text, sources=ids, rules=rules, template=template)


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
    heading, heading_template = _placed(entry, "heading")
    popular, _ = _placed(entry, "popular", required=False)
    return Section(id=ident, heading=heading, claims=tuple(claims), style=style, popular=popular,
                   heading_template=heading_template)


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
    title, _ = _placed(entry, "title")
    summary, summary_template = _placed(entry, "summary")
    return Page(slug=slug, title=title, group=_text(entry, "group"), summary=summary,
                sections=tuple(sections), action=action, summary_template=summary_template)


def _check_rules(directory: Path, pages: list[Page]) -> None:
    """Every rule a claim names must be a screening rule (read only when some claim names one)."""
    named = [(page, section, i, claim) for page in pages for section in page.sections
             for i, claim in enumerate(section.claims) if claim.rules]
    if not named:
        return
    knowledge = loader.load() if directory == HERE else loader.load_from(directory)
    known = {rule.id for rule in knowledge.rules}
    for page, section, i, claim in named:
        for rule_id in claim.rules:
            if rule_id not in known:
                raise KnowledgeError(
                    f"{FILENAME}: page {page.slug!r}: section {section.id!r}: claim #{i + 1}: rules: "
                    f"unknown screening rule {rule_id!r} (not in screening_rules.toml)")


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
    _check_rules(directory, pages)
    return Education(pages=tuple(pages), sources=sources)


@functools.cache
def load() -> Education:
    """The education pages shipped with nightcramp, validated once per process."""
    return load_from(HERE)
