"""Observational stretching estimate: against statsmodels formula fits (after a year, and the penalised fit in
its limits), a generic optimiser on the written-out penalised quasi-likelihood (under a year), the weekly
dispersion, RTM exclusion, withheld verdicts."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import optimize
from scipy import stats as sps

from nightcramp.stats.base import Nights, Verdict
from nightcramp.stats.model import fit_penalised_quasi_poisson, fit_quasi_poisson
from nightcramp.stats.observational import analyse_observational

OMEGA = 2 * math.pi / 365.25
A_POP = math.log(2) / 2  # the population curve: peak twice the trough, on 15 July (day 196)


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


class Penalised:
    """The under-a-year model written out: maximise l(theta)/phi - 1/2 sum((theta_j - m_j)/s_j)^2 with a
    generic optimiser, the cosinor prior centred on the population curve (SD A_POP) and the trend prior
    N(0, 3^2) per year; phi = max(nightly Pearson / (n - p_eff), weekly Pearson / (G - p_eff)) at the fit,
    iterated to its fixed point; cov = (X'WX/phi + P)^-1, t with the df of the dispersion used (n - p_eff
    nightly, G - p_eff weekly)."""

    def __init__(self, nights: Nights, keep: np.ndarray) -> None:
        rows = nights.logged & ~np.isnan(nights.stretched) & keep
        idx = np.flatnonzero(rows)
        t = idx / 365.25
        d = nights.day_of_year[rows]
        X = np.column_stack([np.ones(idx.size), nights.stretched[rows], t - t.mean(), np.cos(OMEGA * d),
                             np.sin(OMEGA * d)])
        y = nights.cramps[rows]
        m = np.array([0, 0, 0, A_POP * math.cos(OMEGA * 196), A_POP * math.sin(OMEGA * 196)])
        P = np.diag([0, 0, 1 / 3.0**2, 1 / A_POP**2, 1 / A_POP**2])
        weeks = np.unique((idx - idx[0]) // 7, return_inverse=True)[1]  # the weeks with analysed nights
        theta, phi = np.r_[math.log(y.mean()), 0, 0, m[3:]], 1.0
        for _ in range(100):
            def negative(th: np.ndarray, phi: float = phi) -> float:
                eta = X @ th
                return float(-(np.sum(y * eta - np.exp(eta)) / phi - 0.5 * (th - m) @ P @ (th - m)))

            def gradient(th: np.ndarray, phi: float = phi) -> np.ndarray:
                return -(X.T @ (y - np.exp(X @ th)) / phi - P @ (th - m))

            theta = optimize.minimize(negative, theta, jac=gradient, method="BFGS", options={"gtol": 1e-11}).x
            mu = np.exp(X @ theta)
            W = X.T @ (mu[:, None] * X)
            p_eff = float(np.trace(np.linalg.solve(W + phi * P, W)))
            nightly = float(np.sum((y - mu) ** 2 / mu)) / (len(y) - p_eff)
            totals, expected = np.bincount(weeks, y - mu), np.bincount(weeks, mu)
            weekly = float(np.sum(totals**2 / expected)) / (weeks.max() + 1 - p_eff)
            new = max(nightly, weekly)
            if abs(new - phi) < 1e-12:
                break
            phi = new
        self.beta, self.phi, self.nightly, self.weekly = float(theta[1]), phi, nightly, weekly
        self.se = math.sqrt(float(np.linalg.inv(W / phi + P)[1, 1]))
        self.df = weeks.max() + 1 - p_eff if weekly > nightly else len(y) - p_eff
        half = sps.t.ppf(0.975, self.df) * self.se
        self.ci = (math.exp(self.beta - half), math.exp(self.beta + half))
        self.p = float(2 * sps.t.sf(abs(self.beta) / self.se, self.df))
        self.nobs, self.cramps = len(y), float(y.sum())


def rtm_keep(days: int, start: int) -> np.ndarray:
    keep = np.ones(days, dtype=bool)
    keep[:7] = keep[start:start + 7] = False
    return keep


def test_under_a_year_it_matches_the_written_out_penalised_fit() -> None:
    nights = diary(200, 70, seed=1)
    result = analyse_observational(nights)
    ref = Penalised(nights, rtm_keep(200, 70))
    assert result.design == "observational" and result.label == "suggestive"
    assert result.seasonal_adjustment == "population"
    assert result.start == nights.dates[70]
    assert math.isclose(result.rate_ratio, math.exp(ref.beta), rel_tol=1e-5)
    assert result.ci95 is not None
    assert np.allclose(result.ci95, ref.ci, rtol=1e-5)
    assert math.isclose(result.p_value, ref.p, rel_tol=1e-4)
    assert math.isclose(result.dispersion, ref.phi, rel_tol=1e-5)
    assert math.isclose(result.prob_benefit, sps.t.cdf(-ref.beta / ref.se, ref.df), rel_tol=1e-4)
    assert result.nights == ref.nobs and result.cramps == ref.cramps
    unstretched = nights.cramps[rtm_keep(200, 70) & nights.logged & (nights.stretched == 0)].mean()
    assert math.isclose(result.cramps_avoided_per_month,
                        unstretched * (1 - result.rate_ratio) * 365.25 / 12, rel_tol=1e-9)
    # the priors only add uncertainty to the fixed population offset: never a narrower interval than the
    # statsmodels fit with the population curve as an offset, far narrower than a free trend
    offset = reference(nights, rtm_keep(200, 70), own_season=False)
    assert ref.se >= offset.bse["x"] * math.sqrt(ref.phi / offset.scale) * 0.999


def test_bad_weeks_widen_the_interval_through_the_weekly_dispersion() -> None:
    rng = np.random.default_rng(11)
    days = 220
    dates = tuple(date(2024, 2, 1) + timedelta(days=i) for i in range(days))
    stretched = (np.arange(days) >= 90).astype(float)
    week_frailty = np.repeat(rng.gamma(2.0, 0.5, size=days // 7 + 1), 7)[:days]
    nights = Nights(dates=dates, cramps=rng.poisson(1.5 * week_frailty).astype(float), stretched=stretched)
    result = analyse_observational(nights)
    ref = Penalised(nights, rtm_keep(days, 90))
    assert ref.weekly > 1.5 * ref.nightly  # the weekly totals see the bad weeks; the nights hardly do
    assert math.isclose(result.dispersion, ref.weekly, rel_tol=1e-5)
    assert result.ci95 is not None and np.allclose(result.ci95, ref.ci, rtol=1e-5)
    # the weekly dispersion comes from about 30 weeks, not 200 nights: its t quantile is the weeks'
    assert ref.df < 32
    nights_t = sps.t.ppf(0.975, ref.nobs - 5) * ref.se
    assert math.log(result.ci95[1] / result.ci95[0]) > 2 * nights_t * 1.01


def test_the_penalised_fit_reduces_to_statsmodels_in_its_limits() -> None:
    rng = np.random.default_rng(12)
    n = 150
    d = np.arange(n) + 100.0
    columns = {"x": (np.arange(n) >= 60).astype(float), "t": (np.arange(n) - 75) / 365.25,
               "c": np.cos(OMEGA * d), "s": np.sin(OMEGA * d)}
    y = rng.poisson(np.exp(0.3 * columns["c"] - 0.2 * columns["x"])).astype(float)
    frame = pd.DataFrame({"y": y, **columns})
    free = fit_penalised_quasi_poisson(y, columns)
    plain = fit_quasi_poisson(y, columns)
    sm_free = smf.glm("y ~ x + t + c + s", frame, family=sm.families.Poisson()).fit(scale="X2")
    assert free is not None and plain is not None
    assert np.allclose(free.params, sm_free.params, rtol=1e-7, atol=1e-9)
    assert np.allclose(free.cov, sm_free.cov_params(), rtol=1e-6)
    assert math.isclose(free.df_resid, sm_free.df_resid) and np.allclose(plain.params, free.params)
    # a prior with a tiny SD pins the cosinor at its mean: the same as a statsmodels offset
    pinned = fit_penalised_quasi_poisson(y, columns, priors={"c": (0.25, 1e-7), "s": (-0.1, 1e-7)})
    sm_offset = smf.glm("y ~ x + t", frame, offset=0.25 * frame["c"] - 0.1 * frame["s"],
                        family=sm.families.Poisson()).fit(scale="X2")
    assert pinned is not None
    assert np.allclose(pinned.params[:3], sm_offset.params, rtol=1e-6, atol=1e-8)
    assert np.allclose(pinned.cov[:3, :3], sm_offset.cov_params(), rtol=1e-4)
    assert math.isclose(pinned.df_resid, sm_offset.df_resid, rel_tol=1e-6)
    # weekly groups: the dispersion is the larger of the nightly and the weekly Pearson dispersion
    weeks = np.arange(n) // 7
    grouped = fit_penalised_quasi_poisson(y, columns, groups=weeks)
    mu = sm_free.fittedvalues.to_numpy()
    weekly = float(np.sum(np.bincount(weeks, y - mu) ** 2 / np.bincount(weeks, mu))) / (weeks.max() + 1 - 5)
    assert grouped is not None
    assert math.isclose(grouped.dispersion, max(sm_free.scale, weekly), rel_tol=1e-7)
    assert np.allclose(grouped.cov, sm_free.cov_params() * grouped.dispersion / sm_free.scale, rtol=1e-6)
    # and the degrees of freedom are those of the dispersion used: the weeks' G - p or the nights' n - p
    spare = weeks.max() + 1 - 5 if weekly > sm_free.scale else n - 5
    assert math.isclose(grouped.df_resid, spare, rel_tol=1e-9)


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
    assert math.isclose(result.rate_ratio, math.exp(Penalised(partly, keep).beta), rel_tol=1e-5)
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
