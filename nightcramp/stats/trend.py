"""Cramps and severity over time: a weekly series for the chart and the slope of the cramp rate.

The weekly series and the rule for which weeks have a rate live in ``nightcramp.stats.weeks`` (a week
counts when at least 4 of its 7 nights are logged; only then does it have a rate). The slope comes from
a quasi-Poisson GLM of the nightly counts on time (years), with the same seasonal adjustment as the other
models (population curve under a year of data, the person's own cosinor after), so it reads as change
beyond the usual seasonal swing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nightcramp.stats.base import Nights, Result
from nightcramp.stats.model import fit_quasi_poisson, seasonal_adjustment, trend_years
from nightcramp.stats.weeks import Week, weekly

__all__ = ["MIN_NIGHTS", "TrendResult", "Week", "analyse_trend", "weekly"]
MIN_NIGHTS = 28


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
