"""The health check pages: the questionnaire, its result, earlier checks.

The result is never a diagnosis. It shows the most urgent finding first with what to do and how soon,
why (the answers or medicines behind it) and its sources, then what could not be checked. A question
left open is never read as "no": when an open question could point to something more urgent than what
was found, the page says so near the top instead of hiding it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.diary.services import profile_of
from nightcramp.knowledge import schema
from nightcramp.screening import services
from nightcramp.screening.engine import Finding, Result, Unanswered
from nightcramp.screening.forms import QuestionnaireForm, diary_medicines
from nightcramp.screening.models import Screening

GET_OR_POST = require_http_methods(["GET", "POST"])

HEADLINES = {
    "emergency": "Call the emergency number now",  # the advice below names the number (places.fill)
    "same_day": "Get medical advice today",
    "soon": "See a doctor within about two weeks",
    "routine": "Mention it at your next routine appointment",
    "self_care": "Nothing points elsewhere: self-care and the bedtime stretches",
}


def tier_label(tier: str) -> str:
    return HEADLINES[tier]


def because_words(keys: tuple[str, ...]) -> list[str]:
    """The answers behind a finding in plain words; medicine names stay as typed."""
    return [schema.label(k) if k in schema.KEYS else k for k in keys]


@dataclass
class ShownFinding:
    finding: Finding
    label: str
    because: list[str]
    unsure: list[str]
    """The questions behind it that were answered "not sure", in plain words (empty: a definite finding)."""


@dataclass
class OpenCheck:
    item: Unanswered
    label: str


@dataclass
class Shown:
    """A result arranged for the page."""

    result: Result
    headline: str | None
    headline_tier: str | None
    findings: list[ShownFinding]
    open_urgent: list[OpenCheck]
    """Questions left open that could point to something more urgent than anything found."""
    open_other: list[OpenCheck]


def arrange(result: Result) -> Shown:
    findings = sorted(result.findings, key=lambda f: schema.tier_rank(f.urgency))
    confirmed = result.urgency
    limit = schema.tier_rank(confirmed) if confirmed else len(schema.TIERS)
    open_items = sorted(result.unanswered, key=lambda u: schema.tier_rank(u.urgency))
    return Shown(
        result=result,
        headline=tier_label(confirmed) if confirmed else None,
        headline_tier=confirmed,
        findings=[ShownFinding(f, tier_label(f.urgency),
                               because_words(tuple(k for k in f.because if k not in f.unsure)),
                               because_words(f.unsure))
                  for f in findings],
        open_urgent=[OpenCheck(u, tier_label(u.urgency)) for u in open_items
                     if schema.tier_rank(u.urgency) < limit],
        open_other=[OpenCheck(u, tier_label(u.urgency)) for u in open_items
                    if schema.tier_rank(u.urgency) >= limit],
    )


@person
@GET_OR_POST
def questionnaire(request: PersonRequest) -> HttpResponse:
    profile = profile_of(request.user)
    today = profile.local_now().date()
    medicines = diary_medicines(request.user, today)
    previous = services.latest(request.user)
    initial = QuestionnaireForm.initial_from(previous.answers if previous else {}, profile, today)
    form = QuestionnaireForm(request.POST or None, initial=initial, medicines=medicines)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            saved = services.save_screening(request.user, answers)
        except ValidationError as error:  # the form only builds valid answers; kept as a safety net
            form.add_error(None, error)
        else:
            if form.cleaned_data.get("medications_complete") == "add":
                messages.info(request, "Add your medicines here, then take the check again so they "
                                       "are part of it.")
            return redirect("screening:result", pk=saved.pk)
    return render(request, "screening/questionnaire.html", {
        "form": form, "medicines": medicines, "previous": previous, "nav": "screening",
        "welcome": request.GET.get("welcome") == "1",
    })


@person
@require_http_methods(["GET"])
def result(request: PersonRequest, pk: str) -> HttpResponse:
    screening = owned(Screening, request, pk=pk)
    newest = services.latest(request.user)
    is_latest = newest is not None and newest.pk == screening.pk
    shown = arrange(services.result_of(screening))
    return render(request, "screening/result.html", {
        "screening": screening, "shown": shown, "is_latest": is_latest, "nav": "screening",
        "tier_words": schema.TIER_WORDS,
    })


@person
@require_http_methods(["GET"])
def latest(request: PersonRequest) -> HttpResponse:
    newest = services.latest(request.user)
    if newest is None:
        return redirect("screening:questionnaire")
    return redirect("screening:result", pk=newest.pk)


@person
@require_http_methods(["GET"])
def past(request: PersonRequest) -> HttpResponse:
    rows = [(s, arrange(services.result_of(s))) for s in services.all_of(request.user)]
    return render(request, "screening/past.html", {"rows": rows, "nav": "screening"})


@person
@require_http_methods(["GET"])
def answers_json(request: PersonRequest, pk: str) -> HttpResponse:
    """The stored answers as a file, to keep or to run through ``nightcramp screen``."""
    screening = owned(Screening, request, pk=pk)
    response = HttpResponse(json.dumps(screening.answers, indent=2, ensure_ascii=False) + "\n",
                            content_type="application/json; charset=utf-8")
    name = f"nightcramp-answers-{screening.created_at:%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@person
@GET_OR_POST
def delete(request: PersonRequest, pk: str) -> HttpResponse:
    screening = owned(Screening, request, pk=pk)
    if request.method == "POST":
        services.delete_screening(screening)
        messages.success(request, "That health check and its answers are deleted.")
        return redirect(reverse("screening:past"))
    return render(request, "screening/delete.html", {"screening": screening, "nav": "screening"})
