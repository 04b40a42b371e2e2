"""Seasonality: the cosinor against statsmodels formula fits and closed forms, hemispheres, honesty."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from nightcramp.stats.base import Nights, SeasonVerdict
from nightcramp.stats.model import population_season
from nightcramp.stats.seasonality import analyse_seasonality, population_context

OMEGA = 2 * math.pi / 365.25


def diary(days: int, rate: float, log_amplitude: float, peak_day: float = 196.0, trend: float = 0.0,
          logged_share: float = 0.85, seed: int = 1, first: date = date(2023, 1, 1)) -> Nights:
    """Simulated nightly Poisson counts with a cosinor season and a log-linear trend (per year)."""
    rng = np.random.default_rng(seed)
    dates = tuple(first + timedelta(days=i) for i in range(days))
    doy = np.array([d.timetuple().tm_yday for d in dates], dtype=float)
    mu = rate * np.exp(log_amplitude * np.cos(OMEGA * (doy - peak_day)) + trend * np.arange(days) / 365.25)
    cramps = rng.poisson(mu).astype(float)
    cramps[rng.random(days) > logged_share] = np.nan
    return Nights(dates=dates, cramps=cramps, stretched=np.full(days, np.nan))


def reference_fit(nights: Nights, trend: bool = True):  # type: ignore[no-untyped-def]
    rows = nights.logged
    t = np.arange(len(nights))[rows] / 365.25
    frame = pd.DataFrame({"y": nights.cramps[rows], "c": np.cos(OMEGA * nights.day_of_year[rows]),
                          "s": np.sin(OMEGA * nights.day_of_year[rows]), "t": t - t.mean()})
    formula = "y ~ c + s + t" if trend else "y ~ c + s"
    return smf.glm(formula, frame, family=sm.families.Poisson()).fit(scale="X2")


def test_it_matches_a_statsmodels_formula_fit_and_the_closed_forms() -> None:
    nights = diary(730, 0.8, 0.35, seed=1)
    result = analyse_seasonality(nights)
    ref = reference_fit(nights)
    a, b = ref.params["c"], ref.params["s"]
    amplitude = math.hypot(a, b)
    assert result.verdict is SeasonVerdict.SEASONAL
    assert result.nights == int(nights.logged.sum())
    assert math.isclose(result.p_value, float(ref.wald_test("c = 0, s = 0", use_f=True, scalar=True).pvalue),
                        rel_tol=1e-6)
    assert math.isclose(result.peak_day, (math.atan2(b, a) / OMEGA) % 365.25, rel_tol=1e-6)
    assert math.isclose(result.peak_to_trough, math.exp(2 * amplitude), rel_tol=1e-6)
    assert math.isclose(result.dispersion, ref.scale, rel_tol=1e-6)
    assert math.isclose(result.trend_per_year, math.exp(ref.params["t"]), rel_tol=1e-6)
    cov = ref.cov_params().loc[["c", "s"], ["c", "s"]].to_numpy()
    gradient = np.array([a, b]) / amplitude
    se = math.sqrt(gradient @ cov @ gradient)
    assert result.peak_to_trough_ci is not None
    assert np.allclose(result.peak_to_trough_ci, [math.exp(2 * (amplitude - 1.959964 * se)),
                                                  math.exp(2 * (amplitude + 1.959964 * se))], rtol=1e-5)
    assert result.peak_month == (date(2001, 1, 1) + timedelta(days=int(result.peak_day) - 1)).month


def test_bad_weeks_widen_the_test_by_the_weekly_dispersion_and_its_degrees_of_freedom() -> None:
    """Nights of a bad week go together: the nightly dispersion cannot see it, the weekly totals can.
    The fit is statsmodels' quasi-Poisson fit, its variance scaled by the Pearson dispersion of the
    weekly totals (weeks from the first logged night) and the F test referred to the weeks' df."""
    plain = diary(730, 1.0, 0.0, seed=3)
    rng = np.random.default_rng(4)
    bad_weeks = np.repeat(rng.gamma(2.0, 1 / 2.0, size=105), 7)[:730]
    cramps = np.where(plain.logged, rng.poisson(bad_weeks).astype(float), np.nan)
    nights = Nights(dates=plain.dates, cramps=cramps, stretched=plain.stretched)
    result = analyse_seasonality(nights)
    ref = reference_fit(nights)
    rows = np.flatnonzero(nights.logged)
    weeks = (rows - rows[0]) // 7
    residual, expected = nights.cramps[rows] - ref.mu, ref.mu
    groups = len(np.unique(weeks))
    weekly = float(np.sum(np.bincount(weeks, residual) ** 2 / np.bincount(weeks, expected))) / (groups - 4)
    assert weekly > 1.5 * ref.scale  # bad weeks, invisible night by night
    assert math.isclose(result.dispersion, weekly, rel_tol=1e-6)
    cov = ref.cov_params().loc[["c", "s"], ["c", "s"]].to_numpy() / ref.scale * weekly
    b = ref.params[["c", "s"]].to_numpy()
    f = float(b @ np.linalg.solve(cov, b)) / 2
    assert math.isclose(result.p_value, float(stats.f.sf(f, 2, groups - 4)), rel_tol=1e-5)
    assert result.p_value > float(ref.wald_test("c = 0, s = 0", use_f=True, scalar=True).pvalue)


def test_the_bootstrap_peak_interval_agrees_with_the_delta_method_when_the_season_is_clear() -> None:
    nights = diary(730, 2.0, 0.35, peak_day=150, seed=2)
    result = analyse_seasonality(nights)
    ref = reference_fit(nights)
    a, b = ref.params["c"], ref.params["s"]
    cov = ref.cov_params()
    var = (b**2 * cov.loc["c", "c"] + a**2 * cov.loc["s", "s"] - 2 * a * b * cov.loc["c", "s"]) / (
        a**2 + b**2)**2
    half_width_days = 1.959964 * math.sqrt(var) / OMEGA
    assert result.peak_day_ci is not None
    low, high = result.peak_day_ci
    assert low < result.peak_day < high
    assert math.isclose((high - low) / 2, half_width_days, rel_tol=0.1)
    assert analyse_seasonality(nights).peak_day_ci == result.peak_day_ci  # seeded: the same every time


def test_the_same_diary_half_a_year_later_in_the_south_gives_the_same_aligned_estimate() -> None:
    north = diary(730, 1.0, 0.35, seed=3)
    shifted = tuple(d + timedelta(days=183) for d in north.dates)
    south = Nights(dates=shifted, cramps=north.cramps, stretched=north.stretched, hemisphere="south")
    rn, rs = analyse_seasonality(north), analyse_seasonality(south)
    assert math.isclose(rn.peak_to_trough, rs.peak_to_trough, rel_tol=0.02)
    assert math.isclose(rn.p_value, rs.p_value, rel_tol=0.2)
    assert rn.peak_month is not None and rs.peak_month is not None
    assert (rs.peak_month - rn.peak_month) % 12 == 6
    gap = (rs.peak_day - rn.peak_day) % 365.25
    assert abs(gap - 183) < 3
    assert population_context("north").peak_month == 7 and population_context("south").peak_month == 1
    assert rs.population_prior.peak_month == 1


def test_less_than_twelve_months_is_not_enough_data_however_strong_the_season() -> None:
    result = analyse_seasonality(diary(330, 3.0, 0.7, seed=4))
    assert result.verdict is SeasonVerdict.NOT_ENOUGH_DATA
    assert "12 months" in result.reason
    out = result.as_dict()
    assert out["p_value"] is None and out["peak_month"] is None and out["peak_to_trough"] is None
    assert out["population_prior"]["label"].startswith("Population pattern")


def test_a_year_with_too_few_cramps_is_not_enough_data() -> None:
    nights = diary(400, 0.05, 0.35, seed=5)
    assert np.nansum(nights.cramps) < 40
    assert analyse_seasonality(nights).verdict is SeasonVerdict.NOT_ENOUGH_DATA


def test_a_trend_without_season_is_not_called_seasonal() -> None:
    nights = diary(366, 1.0, 0.0, trend=-0.9, logged_share=1.0, seed=6)
    result = analyse_seasonality(nights)
    assert result.verdict is SeasonVerdict.NO_CLEAR_PATTERN
    assert result.trend_per_year < 0.6
    # The same diary without the trend term would have been called seasonal: the case discriminates.
    assert reference_fit(nights, trend=False).wald_test("c = 0, s = 0", use_f=True, scalar=True).pvalue < 0.05


def test_missing_nights_never_count_as_zero() -> None:
    nights = diary(500, 1.0, 0.35, logged_share=0.6, seed=7)
    rows = [{"date": d, "cramps": c} for d, c in zip(nights.dates, nights.cramps, strict=True)
            if not math.isnan(c)]
    rebuilt = Nights.from_rows(rows)
    zeroed = Nights(dates=nights.dates, cramps=np.nan_to_num(nights.cramps), stretched=nights.stretched)
    result = analyse_seasonality(nights)
    assert result.nights == len(rows)
    assert analyse_seasonality(rebuilt).p_value == result.p_value
    assert analyse_seasonality(zeroed).nights == len(nights)
    assert not math.isclose(analyse_seasonality(zeroed).peak_to_trough, result.peak_to_trough, rel_tol=1e-3)


def test_the_population_curve_doubles_from_trough_to_peak_in_mid_july() -> None:
    days = np.arange(1, 366, dtype=float)
    curve = population_season(days)
    assert int(days[np.argmax(curve)]) == 196
    assert math.isclose(curve.max() / curve.min(), 2.0, rel_tol=1e-3)
    assert math.isclose(curve.mean(), 1.0, rel_tol=1e-3)
    assert abs((curve.max() - curve.min()) / curve.mean() - 2 / 3) < 0.05
    assert np.argmax(population_context("north").monthly) == 6
    assert np.argmax(population_context("south").monthly) == 0


def test_the_package_never_imports_django() -> None:
    code = ("import sys; import nightcramp.stats.seasonality, nightcramp.stats.observational, "
            "nightcramp.stats.factors, nightcramp.stats.trend; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
