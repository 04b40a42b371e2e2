"""Insights: the person's statistics in words and charts, and the randomised personal experiment.

The numbers come from ``nightcramp.stats.summary.analyse`` on the diary's nights table, the same call
``nightcramp analyze`` makes on an exported nights.csv. Every write goes through the diary's services.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.diary import services
from nightcramp.diary.models import Experiment
from nightcramp.insights import charts
from nightcramp.insights.data import (
    cramps_by_hour,
    medicine_checks,
    monthly_rates,
    nights_of,
    stretching_rates,
)

GET_OR_POST = require_http_methods(["GET", "POST"])
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def tonight_of(request: PersonRequest) -> date:
    profile = services.profile_of(request.user)
    return profile.window.current_night(profile.local_now())


@person
@require_GET
def insights(request: PersonRequest) -> HttpResponse:
    from nightcramp.stats.seasonality import population_context
    from nightcramp.stats.summary import analyse
    from nightcramp.stats.weeks import weekly, weekly_words

    nights = nights_of(request.user)
    summary = analyse(nights)
    weeks = weekly(nights) if len(nights) else ()
    population = population_context(nights.hemisphere)
    rate_no, rate_yes, n_no, n_yes = stretching_rates(nights)
    chart_list = [
        charts.weekly_cramps(weeks),
        charts.stretching(rate_no, rate_yes, n_no, n_yes),
        charts.seasons(monthly_rates(nights), population.monthly, "your months"),
        charts.by_hour(cramps_by_hour(request.user)),
        charts.severity(weeks),
    ]
    medicines = medicine_checks(request.user, nights)
    flagged = [f for f in summary["factors"] if f["flagged"]]
    tested = [f for f in summary["factors"] if not f["skipped"]]
    return render(request, "insights/insights.html", {
        "nav": "insights", "summary": summary, "s": summary["stretching"],
        "weekly_words": weekly_words(summary["weekly"]), "season": summary["seasonality"],
        "trend": summary["trend"], "flagged": flagged, "tested": tested, "charts": chart_list,
        "population": population, "months": MONTHS, "medicines": medicines,
        "experiment": services.current_experiment(request.user, tonight_of(request)),
    })


# --- the personal experiment ------------------------------------------------------------------------

class ExperimentForm(forms.Form):
    start = forms.DateField(label="First night", widget=forms.DateInput(attrs={"type": "date"}),
                            help_text="The evening the first period begins.")
    period_nights = forms.TypedChoiceField(
        label="Nights in each period", coerce=int, initial=7,
        choices=[(7, "7 nights (recommended)"), (14, "14 nights"), (3, "3 nights")],
        help_text="A week each is a good balance: enough nights per period, and enough periods.")
    pairs = forms.TypedChoiceField(label="Number of pairs of periods", coerce=int, initial=6,
                                   choices=[(n, f"{n} pairs") for n in (6, 8, 10, 12)],
                                   help_text="At least 6: with fewer, chance alone could never be ruled out.")
    washout_nights = forms.TypedChoiceField(
        label="Nights to leave out at the start of each period", coerce=int, initial=0,
        choices=[(0, "None"), (1, "1 night"), (2, "2 nights")],
        help_text="If a stretch might help for a night or two after you stop, leave those nights out.")


def experiment_context(experiment: Experiment, today: date, user: Any) -> dict[str, Any]:
    plan = services.plan_of(experiment)
    end = services.experiment_end(experiment)
    table = {row.date: row for row in services.nights_table(user, experiment.start, end)}
    periods = []
    answered = [row for _, row in sorted(table.items()) if row.planned and row.stretched is not None]
    deviations = [{"date": row.date, "arm": row.planned, "stretched": row.stretched}
                  for row in answered if row.stretched != (row.planned == "stretch")]
    for period in plan.periods:
        if period.first > end:
            break
        days = (period.last - period.first).days + 1
        nights = [table.get(period.first + timedelta(days=i)) for i in range(days)]
        logged = [n for n in nights if n is not None and n.cramps is not None]
        followed = [n for n in nights if n is not None and n.stretched is not None]
        kept = sum(1 for n in followed if n.stretched == (period.arm == "stretch"))
        periods.append({"period": period, "now": period.first <= today <= period.last,
                        "past": period.last < today, "logged": len(logged), "followed": kept,
                        "answered": len(followed), "cramps": sum(n.cramps or 0 for n in logged)})
    return {"experiment": experiment, "plan": plan, "periods": periods, "end": end, "deviations": deviations,
            "answered": len(answered),
            "finished": end < today, "tonight_arm": services.place_in(experiment, today)[1],
            "nights_done": max(0, min((today - experiment.start).days, (end - experiment.start).days + 1))}


@person
@GET_OR_POST
def experiment(request: PersonRequest) -> HttpResponse:
    today = tonight_of(request)
    current = services.current_experiment(request.user, today)
    form = ExperimentForm(request.POST or None, initial={"start": today})
    if request.method == "POST" and current is None and form.is_valid():
        try:
            created = services.start_experiment(request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Your experiment is planned. Tonight's assignment is on Tonight.")
            return redirect("experiment_detail", pk=created.pk)
    past = [e for e in Experiment.objects.filter(user=request.user).order_by("-start") if e != current]
    return render(request, "insights/experiment.html", {
        "nav": "insights", "form": form, "current": current, "past": past, "today": today,
        **(experiment_context(current, today, request.user) if current else {}),
    })


@person
@require_GET
def experiment_detail(request: PersonRequest, pk: Any) -> HttpResponse:
    """The plan, the progress and the result of one experiment; a page made to be printed."""
    from nightcramp.stats.experiment import analyse_experiment

    found = owned(Experiment, request, pk=pk)
    today = tonight_of(request)
    context = experiment_context(found, today, request.user)
    nights = nights_of(request.user, found.start, context["end"])
    result = analyse_experiment(nights, washout_nights=found.washout_nights).as_dict()
    return render(request, "insights/experiment_detail.html", {
        "nav": "insights", "result": result, "today": today, **context})


@person
@require_POST
def experiment_stop(request: PersonRequest, pk: Any) -> HttpResponse:
    found = owned(Experiment, request, pk=pk)
    today = tonight_of(request)
    services.stop_experiment(found, today - timedelta(days=1))
    messages.success(request, "The experiment is ended. Its result uses the nights up to last night.")
    return redirect("experiment_detail", pk=found.pk)


@person
@require_POST
def experiment_delete(request: PersonRequest, pk: Any) -> HttpResponse:
    services.delete_experiment(owned(Experiment, request, pk=pk))
    messages.success(request, "The experiment's plan is deleted. Your nights stay in the diary.")
    return redirect("experiment")
