"""From the diary to the statistics: the person's nights table as ``nightcramp.stats`` reads it.

The Insights page and ``nightcramp analyze`` print the same numbers because both call
``nightcramp.stats.summary.analyse`` on the same table: here it is built from the diary
(``nightcramp.diary.services.nights_table``), there from nights.csv, which export writes from the same rows.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
from django.contrib.auth.models import User

from nightcramp.diary.models import Episode, Medication
from nightcramp.diary.nights import localize
from nightcramp.diary.services import nights_table, profile_of
from nightcramp.stats.base import Nights
from nightcramp.stats.summary import FACTORS

SEVERITY = "max_severity"
NIGHT_ORDER = tuple(range(18, 24)) + tuple(range(0, 12))
"""Hours of the night, evening first, for the chart of when cramps begin."""


def nights_of(user: User, start: date | None = None, end: date | None = None) -> Nights:
    """The person's nights (oldest first), unlogged calendar nights included as not logged."""
    rows: list[dict[str, Any]] = []
    for row in nights_table(user, start, end):
        values = asdict(row)
        values["experiment_period"] = row.experiment_period or 0
        rows.append(values)
    return Nights.from_rows(rows, hemisphere=profile_of(user).hemisphere or "north",  # type: ignore[arg-type]
                            factor_names=(*FACTORS, SEVERITY))


def cramps_by_hour(user: User) -> list[tuple[int, int]]:
    """Night cramps by the local hour they began, in the night's order (18:00 first)."""
    counts: Counter[int] = Counter()
    for started_at, tz in Episode.objects.filter(user=user, daytime=False).values_list("started_at", "tz"):
        counts[localize(started_at, tz).hour] += 1
    return [(hour, counts.get(hour, 0)) for hour in NIGHT_ORDER]


def monthly_rates(nights: Nights) -> list[float | None]:
    """Cramps a night in each calendar month (January first), over every year logged; None for a month
    without logged nights."""
    totals = [0.0] * 12
    counts = [0] * 12
    for day, cramps in zip(nights.dates, nights.cramps, strict=True):
        if not math.isnan(cramps):
            totals[day.month - 1] += cramps
            counts[day.month - 1] += 1
    return [totals[m] / counts[m] if counts[m] else None for m in range(12)]


def stretching_rates(nights: Nights) -> tuple[float | None, float | None, int, int]:
    """Plain cramps-a-night averages on logged nights without and with the stretch, and their counts."""
    logged = ~np.isnan(nights.cramps)
    no = logged & (nights.stretched == 0)
    yes = logged & (nights.stretched == 1)
    n_no, n_yes = int(no.sum()), int(yes.sum())
    return (float(nights.cramps[no].mean()) if n_no else None,
            float(nights.cramps[yes].mean()) if n_yes else None, n_no, n_yes)


def with_medicine_periods(user: User, nights: Nights) -> tuple[Nights, dict[str, str]]:
    """The nights with one 0/1 factor per medicine the diary lists ("taking it that night"), for the
    medicines whose start or stop falls inside the logged span (only those have nights on and off
    them). Returns the table and each factor's medicine name."""
    if not len(nights):
        return nights, {}
    first, last = nights.dates[0], nights.dates[-1]
    factors = dict(nights.factors)
    names: dict[str, str] = {}
    for medication in Medication.objects.filter(user=user).order_by("started", "name"):
        changes = [d for d in (medication.started, medication.stopped) if d is not None]
        if not any(first < d <= last for d in changes):
            continue
        key = f"medicine_{len(names) + 1}"
        factors[key] = np.array([1.0 if medication.active_on(d) else 0.0 for d in nights.dates])
        names[key] = medication.name
    return dataclasses.replace(nights, factors=factors), names


def medicine_checks(user: User, nights: Nights) -> list[dict[str, Any]]:
    """Nights while taking each listed medicine against nights without it, as a family of their own (so
    the factor checks stay exactly those ``nightcramp analyze`` prints for nights.csv, which holds no
    medicines). Same model as the factors: season, trend, quasi-Poisson, Benjamini-Hochberg."""
    from nightcramp.stats.factors import analyse_factors

    table, names = with_medicine_periods(user, nights)
    if not names:
        return []
    items = analyse_factors(table, list(names), lags=(0,)).as_dict()["items"]
    return [{**item, "medicine": names[item["name"]]} for item in items]
