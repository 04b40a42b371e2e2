"""The "Understanding" pages: short, cited pages about night cramps, at /learn/.

The content is data (``nightcramp/knowledge/education.toml``, validated by
``nightcramp.knowledge.education``). Each claim shows its sources as numbered links to the references at
the bottom of its page. A section whose every claim states screening rules of one tier is shown in that
tier's colours with its name in words, as the health check shows its findings. The pages hold no personal
data, so anyone may read them, signed in or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from nightcramp.authz import public
from nightcramp.knowledge import countries, load
from nightcramp.knowledge.education import Claim, Page, Section
from nightcramp.knowledge.loader import Source

TIER_NAMES = {"emergency": "Emergency", "same_day": "Today", "soon": "Within about two weeks",
              "routine": "At your next appointment"}
"""The tier in words above a section (the same words as the health check's result)."""


@dataclass(frozen=True)
class Reference:
    number: int
    source: Source


@dataclass(frozen=True)
class ShownClaim:
    claim: Claim
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class ShownSection:
    section: Section
    claims: tuple[ShownClaim, ...]
    tier: str = ""
    """The one tier of the rules every claim states; empty when a claim states none or tiers differ."""

    @property
    def tier_name(self) -> str:
        return TIER_NAMES.get(self.tier, "")


def section_tier(section: Section, tiers: dict[str, str]) -> str:
    """The tier of a section whose claims all state rules of that one tier (``tiers``: rule id -> tier)."""
    found = {tiers[rule_id] for claim in section.claims for rule_id in claim.rules}
    if len(found) != 1 or not all(claim.rules for claim in section.claims):
        return ""
    (tier,) = found
    return tier if tier in TIER_NAMES else ""


def arrange(page: Page, sources: dict[str, Source],
            tiers: dict[str, str] | None = None) -> tuple[list[ShownSection], list[Reference]]:
    """The page's sections with each claim's numbered references (and the tier of a section that states
    rules of one tier, given ``tiers``: rule id -> tier), and the reference list in that order."""
    numbers = {sid: n for n, sid in enumerate(page.source_ids(), start=1)}
    references = [Reference(n, sources[sid]) for sid, n in numbers.items()]
    by_id = {r.source.id: r for r in references}
    sections = [
        ShownSection(section=s, claims=tuple(
            ShownClaim(claim=c, references=tuple(sorted((by_id[sid] for sid in c.sources),
                                                        key=lambda r: r.number)))
            for c in s.claims), tier=section_tier(s, tiers or {}))
        for s in page.sections
    ]
    return sections, references


def country_of(request: HttpRequest) -> str:
    """The signed-in person's country (its words fill the pages' placeholders); "" for a visitor."""
    from nightcramp.diary.models import Profile

    if not request.user.is_authenticated:
        return ""
    return Profile.objects.filter(user=request.user).values_list("country", flat=True).first() or ""


@public
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    pages = countries.education_for(country_of(request)).pages
    return render(request, "care/learn/index.html", {"pages": pages, "nav": "learn"})


@public
@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    knowledge = countries.education_for(country_of(request))
    try:
        shown = knowledge.page(slug)
    except KeyError:
        raise Http404("No such page") from None
    sections, references = arrange(shown, knowledge.sources, {r.id: r.tier for r in load().rules})
    pages = knowledge.pages
    at = pages.index(shown)
    return render(request, "care/learn/page.html", {
        "page": shown, "sections": sections, "references": references, "nav": "learn",
        "previous": pages[at - 1] if at > 0 else None,
        "next": pages[at + 1] if at + 1 < len(pages) else None,
    })


urlpatterns = [
    path("", index, name="learn"),
    path("<slug:slug>/", page, name="learn_page"),
]
