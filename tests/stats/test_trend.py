"""Trend: weekly rates over logged nights only, worst severity, and the slope against a formula fit."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats as sps

from nightcramp.stats.base import Nights
from nightcramp.stats.trend import analyse_trend, weekly

OMEGA = 2 * math.pi / 365.25


def test_a_week_rate_counts_logged_nights_only() -> None:
    dates = tuple(date(2024, 5, 6) + timedelta(days=i) for i in range(10))
    cramps = np.array([1, 2, 0, np.nan, 0, np.nan, np.nan, 3, np.nan, 1], dtype=float)
    severity = np.array([4, 7, np.nan, 9, np.nan, np.nan, np.nan, 2, 8, np.nan], dtype=float)
    nights = Nights(dates=dates, cramps=cramps, stretched=np.full(10, np.nan),
                    factors={"max_severity": severity})
    first, second = weekly(nights)
    assert first.start == dates[0] and first.logged_nights == 4 and first.rate == 7 * 3 / 4
    assert first.counts and first.worst_severity == 7  # the 9 was on a night that was not logged
    # Two logged nights are too few for a weekly rate (nightcramp.stats.weeks): no rate, no interval.
    assert second.logged_nights == 2 and not second.counts and math.isnan(second.rate)
    assert second.ci95 is None and second.worst_severity == 2
    assert first.ci95 is not None
    low, high = (v * 4 / 7 for v in first.ci95)  # back to a count over the logged nights
    assert math.isclose(sps.poisson.cdf(3, high), 0.025, rel_tol=1e-6)
    assert math.isclose(sps.poisson.sf(2, low), 0.025, rel_tol=1e-6)


def test_a_week_with_nothing_logged_has_no_rate() -> None:
    dates = tuple(date(2024, 5, 6) + timedelta(days=i) for i in range(7))
    (week,) = weekly(Nights(dates=dates, cramps=np.full(7, np.nan), stretched=np.full(7, np.nan)))
    assert week.as_dict()["rate"] is None and week.ci95 is None and week.as_dict()["worst_severity"] is None


def test_the_slope_matches_a_formula_fit() -> None:
    rng = np.random.default_rng(3)
    days = 240
    dates = tuple(date(2024, 1, 1) + timedelta(days=i) for i in range(days))
    cramps = rng.poisson(1.5 * np.exp(-0.8 * np.arange(days) / 365.25)).astype(float)
    cramps[rng.random(days) < 0.2] = np.nan
    nights = Nights(dates=dates, cramps=cramps, stretched=np.full(days, np.nan))
    result = analyse_trend(nights)
    rows = nights.logged
    t = np.arange(days)[rows] / 365.25
    frame = pd.DataFrame({"y": cramps[rows], "t": t - t.mean()})
    offset = math.log(2) / 2 * np.cos(OMEGA * (nights.day_of_year[rows] - 196))
    ref = smf.glm("y ~ t", frame, offset=offset, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    assert result.seasonal_adjustment == "population"
    assert math.isclose(result.slope_per_year, ref.params["t"], rel_tol=1e-6)
    assert result.slope_ci95 is not None
    assert np.allclose(result.slope_ci95, ref.conf_int().loc["t"], rtol=1e-6)
    assert math.isclose(result.rate_ratio_per_year, math.exp(ref.params["t"]), rel_tol=1e-9)
    assert len(result.weeks) == math.ceil(days / 7)


def test_too_few_nights_give_no_slope() -> None:
    dates = tuple(date(2024, 1, 1) + timedelta(days=i) for i in range(20))
    result = analyse_trend(Nights(dates=dates, cramps=np.ones(20), stretched=np.full(20, np.nan)))
    assert result.as_dict()["slope_per_year"] is None and result.slope_ci95 is None
