"""The health check pages: the questionnaire, its result, earlier checks.

The result is never a diagnosis. It shows the most urgent finding first with what to do and how soon,
why (the answers or medicines behind it) and its sources, then what could not be checked. A question
left open is never read as "no": when an open question could point to something more urgent than what
was found, the page says so near the top instead of hiding it.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.diary.nights import localize
from nightcramp.diary.services import profile_of
from nightcramp.knowledge import schema
from nightcramp.screening import services, tonight
from nightcramp.screening.forms import QuestionnaireForm, diary_medicines
from nightcramp.screening.models import Screening
from nightcramp.screening.shown import arrange

GET_OR_POST = require_http_methods(["GET", "POST"])


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
            url = reverse("screening:result", kwargs={"pk": saved.pk})
            return redirect(url + "?welcome=1" if is_welcome(request) else url)
    return render(request, "screening/questionnaire.html", {
        "form": form, "medicines": medicines, "previous": previous, "nav": "screening",
        "welcome": is_welcome(request),
    })


def is_welcome(request: PersonRequest) -> bool:
    """The check offered right after sign-up (``?welcome=1``): its result leads on to Tonight."""
    return request.GET.get("welcome") == "1"


@person
@require_http_methods(["GET"])
def result(request: PersonRequest, pk: str) -> HttpResponse:
    screening = owned(Screening, request, pk=pk)
    newest = services.latest(request.user)
    is_latest = newest is not None and newest.pk == screening.pk
    shown = arrange(services.result_of(screening))
    return render(request, "screening/result.html", {
        "screening": screening, "shown": shown, "is_latest": is_latest, "nav": "screening",
        "tier_words": schema.TIER_WORDS, "welcome": is_welcome(request) and is_latest,
        "answered": localize(screening.created_at, profile_of(request.user).time_zone),
    })


@person
@require_POST
def seen(request: PersonRequest, pk: str) -> HttpResponse:
    """Tonight stops showing this check's urgent result (the result page keeps it)."""
    screening = owned(Screening, request, pk=pk)
    services.mark_seen(screening)
    return redirect("tonight")


@person
@require_POST
def close_first_night(request: PersonRequest) -> HttpResponse:
    """Tonight stops showing the first-night guide (on this device; it also goes after the first check-in)."""
    tonight.close_guide(request)
    return redirect("tonight")


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
    tz = profile_of(request.user).time_zone
    rows = [(s, arrange(services.result_of(s)), localize(s.created_at, tz))
            for s in services.all_of(request.user)]
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
