"""Observational stretching estimate: against statsmodels formula fits, RTM exclusion, withheld verdicts."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats as sps

from nightcramp.stats.base import Nights, Verdict
from nightcramp.stats.observational import analyse_observational

OMEGA = 2 * math.pi / 365.25


def diary(days: int, start: int, rate: float = 1.0, rr: float = 0.7, seed: int = 1,
          first: date = date(2024, 3, 1), mixed: bool = False) -> Nights:
    """Stretching from night ``start`` on (every other week when ``mixed``), population-shaped season,
    10% of nights unlogged."""
    rng = np.random.default_rng(seed)
    dates = tuple(first + timedelta(days=i) for i in range(days))
    doy = np.array([d.timetuple().tm_yday for d in dates], dtype=float)
    stretched = (np.arange(days) >= start).astype(float)
    if mixed:
        stretched *= (np.arange(days) // 7) % 2
    mu = rate * np.exp(0.35 * np.cos(OMEGA * (doy - 196))) * rr**stretched
    cramps = rng.poisson(mu).astype(float)
    cramps[rng.random(days) < 0.1] = np.nan
    return Nights(dates=dates, cramps=cramps, stretched=stretched)


def reference(nights: Nights, keep: np.ndarray, own_season: bool):  # type: ignore[no-untyped-def]
    rows = nights.logged & ~np.isnan(nights.stretched) & keep
    t = np.arange(len(nights))[rows] / 365.25
    d = nights.day_of_year[rows]
    frame = pd.DataFrame({"y": nights.cramps[rows], "x": nights.stretched[rows], "t": t - t.mean(),
                          "c": np.cos(OMEGA * d), "s": np.sin(OMEGA * d)})
    if own_season:
        return smf.glm("y ~ x + t + c + s", frame, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    offset = math.log(2) / 2 * np.cos(OMEGA * (d - 196))  # the population curve up to a constant
    model = smf.glm("y ~ x + t", frame, offset=offset, family=sm.families.Poisson())
    return model.fit(scale="X2", use_t=True)


def rtm_keep(days: int, start: int) -> np.ndarray:
    keep = np.ones(days, dtype=bool)
    keep[:7] = keep[start:start + 7] = False
    return keep


def test_under_a_year_it_matches_a_formula_fit_with_the_population_offset() -> None:
    nights = diary(200, 70, seed=1)
    result = analyse_observational(nights)
    ref = reference(nights, rtm_keep(200, 70), own_season=False)
    low, high = ref.conf_int().loc["x"]
    assert result.design == "observational" and result.label == "suggestive"
    assert result.seasonal_adjustment == "population"
    assert result.start == nights.dates[70]
    assert math.isclose(result.rate_ratio, math.exp(ref.params["x"]), rel_tol=1e-6)
    assert result.ci95 is not None
    assert np.allclose(result.ci95, [math.exp(low), math.exp(high)], rtol=1e-6)
    assert math.isclose(result.p_value, ref.pvalues["x"], rel_tol=1e-6)
    assert math.isclose(result.prob_benefit, sps.t.cdf(-ref.params["x"] / ref.bse["x"], ref.df_resid),
                        rel_tol=1e-6)
    assert result.nights == int(ref.nobs) and result.cramps == ref.model.endog.sum()
    unstretched = nights.cramps[rtm_keep(200, 70) & nights.logged & (nights.stretched == 0)].mean()
    assert math.isclose(result.cramps_avoided_per_month,
                        unstretched * (1 - result.rate_ratio) * 365.25 / 12, rel_tol=1e-9)


def test_after_a_year_it_uses_the_persons_own_season() -> None:
    nights = diary(450, 21, seed=2, mixed=True)
    result = analyse_observational(nights)
    ref = reference(nights, rtm_keep(450, 21), own_season=True)
    assert result.seasonal_adjustment == "own"
    assert math.isclose(result.rate_ratio, math.exp(ref.params["x"]), rel_tol=1e-6)
    assert math.isclose(result.p_value, ref.pvalues["x"], rel_tol=1e-6)
    assert result.verdict is Verdict.HELPS


def test_the_weeks_after_logging_began_and_after_the_start_are_left_out() -> None:
    nights = diary(200, 70, seed=3)
    spiked = nights.cramps.copy()
    spiked[:7] = 40.0
    spiked[70:77] = 0.0
    other = Nights(dates=nights.dates, cramps=spiked, stretched=nights.stretched)
    a, b = analyse_observational(nights), analyse_observational(other)
    assert a.excluded_nights == int((~rtm_keep(200, 70) & nights.logged).sum())
    assert a.rate_ratio == b.rate_ratio and a.ci95 == b.ci95
    explicit = analyse_observational(nights, start=nights.dates[100])
    assert explicit.start == nights.dates[100] and explicit.rate_ratio != a.rate_ratio


def test_unknown_stretching_is_dropped_and_unlogged_nights_never_count_as_zero() -> None:
    nights = diary(200, 70, seed=4)
    stretched = nights.stretched.copy()
    stretched[120:140] = np.nan
    partly = Nights(dates=nights.dates, cramps=nights.cramps, stretched=stretched)
    keep = rtm_keep(200, 70)
    keep[120:140] = False
    result = analyse_observational(partly)
    assert result.nights == int((keep & nights.logged).sum())
    assert math.isclose(result.rate_ratio, math.exp(reference(partly, keep, False).params["x"]), rel_tol=1e-6)
    zeroed = Nights(dates=nights.dates, cramps=np.nan_to_num(nights.cramps), stretched=nights.stretched)
    assert analyse_observational(zeroed).nights > analyse_observational(nights).nights


def test_it_withholds_a_verdict_with_too_few_nights_and_says_how_many_more() -> None:
    nights = diary(40, 28, seed=5)  # 21 baseline nights after the first week, 5 stretched after the washout
    result = analyse_observational(nights)
    assert result.verdict is Verdict.NOT_ENOUGH_DATA
    assert result.nights_needed is not None
    rate_a = nights.cramps[7:28][nights.logged[7:28]].mean()
    n_a, n_b = result.nights_unstretched, result.nights_stretched
    f = n_b / (n_a + n_b)
    c = (sps.norm.ppf(0.975) + sps.norm.ppf(0.8)) ** 2
    phi = max(1.0, result.dispersion) if math.isfinite(result.dispersion) else 1.0
    total = c * phi * (1 / (f * 0.6 * rate_a) + 1 / ((1 - f) * rate_a)) / math.log(0.6) ** 2
    assert result.nights_needed == math.ceil(max(total, 14 / min(f, 1 - f)) - (n_a + n_b))


def test_no_cramps_or_a_single_group_gives_no_numbers() -> None:
    days = 120
    dates = tuple(date(2024, 1, 1) + timedelta(days=i) for i in range(days))
    stretched = (np.arange(days) >= 50).astype(float)
    quiet = analyse_observational(Nights(dates=dates, cramps=np.zeros(days), stretched=stretched))
    assert quiet.verdict is Verdict.NOT_ENOUGH_DATA and quiet.nights_needed is None
    assert quiet.as_dict()["rate_ratio"] is None and quiet.as_dict()["ci95"] is None
    only = analyse_observational(Nights(dates=dates, cramps=np.ones(days), stretched=np.ones(days)))
    assert only.verdict is Verdict.NOT_ENOUGH_DATA and only.nights_unstretched == 0
    assert math.isnan(only.rate_ratio) and only.nights_needed is not None and only.nights_needed > 0
