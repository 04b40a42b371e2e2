"""Cramps and severity over time: a weekly series for the chart and the slope of the cramp rate.

Weeks are counted from the first night of the diary (night 1-7 is week 1). A week's rate is its cramps
per logged night × 7, so a half-logged week is not read as a half-good one, and a week with no logged
night has no rate at all. The slope comes from a quasi-Poisson GLM of the nightly counts on time
(years), with the same seasonal adjustment as the other models (population curve under a year of data,
the person's own cosinor after), so it reads as change beyond the usual seasonal swing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats as sps

from nightcramp.stats.base import Nights, Result
from nightcramp.stats.model import fit_quasi_poisson, seasonal_adjustment, trend_years

SEVERITY = "max_severity"
MIN_NIGHTS = 28


@dataclass(frozen=True)
class Week(Result):
    """One week: ``rate`` is cramps per 7 logged nights, ``ci95`` an exact Poisson interval for it (it
    ignores bad-week clustering, so read it as a guide), ``worst_severity`` the highest severity logged
    that week (None without a severity column or entries)."""

    start: date
    logged_nights: int
    cramps: float
    rate: float
    ci95: tuple[float, float] | None
    worst_severity: float


@dataclass(frozen=True)
class TrendResult(Result):
    """``slope_per_year``: the change in the log cramp rate per year (0 = steady), ``slope_ci95`` its
    interval; ``rate_ratio_per_year`` = exp(slope), e.g. 0.8 = 20% fewer cramps a year later. NaN/None
    with fewer than 28 logged nights, no cramps, or a model that cannot be fitted."""

    nights: int
    cramps: float
    weeks: tuple[Week, ...]
    slope_per_year: float
    slope_ci95: tuple[float, float] | None
    rate_ratio_per_year: float
    p_value: float
    seasonal_adjustment: str


def analyse_trend(nights: Nights) -> TrendResult:
    """The weekly series and the yearly slope of the cramp rate."""
    rows = nights.logged
    season = seasonal_adjustment(nights, rows)
    fit = None
    if rows.sum() >= MIN_NIGHTS:
        columns = {"trend": trend_years(nights, rows)[rows]}
        columns.update({k: v[rows] for k, v in season.columns.items()})
        fit = fit_quasi_poisson(nights.cramps[rows], columns, season.offset[rows])
    slope, ci, p = math.nan, None, math.nan
    if fit:
        slope, ci, p = fit.estimate("trend"), fit.ci95("trend"), fit.p_value("trend")
    return TrendResult(nights=int(rows.sum()), cramps=float(nights.cramps[rows].sum()), weeks=weekly(nights),
                       slope_per_year=slope, slope_ci95=ci, rate_ratio_per_year=math.exp(slope), p_value=p,
                       seasonal_adjustment=season.kind)


def weekly(nights: Nights) -> tuple[Week, ...]:
    """Cramps per 7 logged nights for each week of the diary, with the worst severity of the week."""
    severity = nights.factors.get(SEVERITY)
    weeks = []
    for begin in range(0, len(nights), 7):
        span = slice(begin, begin + 7)
        logged = nights.logged[span]
        count, total = int(logged.sum()), float(nights.cramps[span][logged].sum())
        worst = math.nan
        if severity is not None:
            values = severity[span][logged]
            values = values[~np.isnan(values)]
            worst = float(values.max()) if values.size else math.nan
        rate = 7 * total / count if count else math.nan
        weeks.append(Week(start=nights.dates[begin], logged_nights=count, cramps=total, rate=rate,
                          ci95=_poisson_ci(total, count), worst_severity=worst))
    return tuple(weeks)


def _poisson_ci(total: float, count: int) -> tuple[float, float] | None:
    """Exact (Garwood) 95% interval for a Poisson count, scaled to cramps per 7 nights."""
    if count == 0:
        return None
    low = 0.0 if total == 0 else float(sps.chi2.ppf(0.025, 2 * total)) / 2
    high = float(sps.chi2.ppf(0.975, 2 * total + 2)) / 2
    return 7 * low / count, 7 * high / count
