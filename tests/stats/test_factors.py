"""Factor associations: statsmodels formula fits, Benjamini–Hochberg, skipping, and careful wording."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.multitest import multipletests

from nightcramp.stats.base import Nights
from nightcramp.stats.factors import analyse_factors, benjamini_hochberg, describe, lagged

OMEGA = 2 * math.pi / 365.25


def diary(days: int = 300, seed: int = 1) -> Nights:
    """Alcohol (0/1, 30% of evenings) raises the *next* night's rate 2.5-fold; sitting hours do nothing."""
    rng = np.random.default_rng(seed)
    dates = tuple(date(2024, 2, 1) + timedelta(days=i) for i in range(days))
    alcohol = (rng.random(days) < 0.3).astype(float)
    sitting = rng.normal(6, 2, days)
    mu = 0.6 * np.exp(math.log(2.5) * lagged(alcohol, 1))
    cramps = rng.poisson(np.nan_to_num(mu, nan=0.6)).astype(float)
    cramps[rng.random(days) < 0.1] = np.nan
    sitting[rng.random(days) < 0.2] = np.nan
    return Nights(dates=dates, cramps=cramps, stretched=np.full(days, np.nan),
                  factors={"alcohol": alcohol, "sitting_hours": sitting, "constant": np.ones(days),
                           "rare": np.where(np.arange(days) < 20, 1.0, np.nan)})


def test_benjamini_hochberg_matches_statsmodels() -> None:
    p = np.random.default_rng(2).random(17) ** 3
    assert np.allclose(benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_each_factor_is_one_distributed_lag_fit_matching_statsmodels_and_q_values_match() -> None:
    nights = diary()
    result = analyse_factors(nights, ["alcohol", "sitting_hours"])
    items = {(i.name, i.lag): i for i in result.items}
    assert result.tests == 2  # one test per factor, all its lags together
    joint = []
    for name in ("alcohol", "sitting_hours"):
        x = {lag: lagged(nights.factors[name], lag) for lag in (0, 1, 2)}
        rows = nights.logged & ~np.isnan(x[0]) & ~np.isnan(x[1]) & ~np.isnan(x[2])
        sd = 1.0 if name == "alcohol" else x[0][rows].std(ddof=1)
        t = np.arange(len(nights))[rows] / 365.25
        centre = {lag: 0.0 if name == "alcohol" else x[lag][rows].mean() for lag in (0, 1, 2)}
        frame = pd.DataFrame({"y": nights.cramps[rows], "t": t - t.mean(),
                              **{f"a{lag}": (x[lag][rows] - centre[lag]) / sd for lag in (0, 1, 2)}})
        offset = math.log(2) / 2 * np.cos(OMEGA * (nights.day_of_year[rows] - 196))
        ref = smf.glm("y ~ a0 + a1 + a2 + t", frame, offset=offset, family=sm.families.Poisson()).fit(
            scale="X2", use_t=True)
        for lag in (0, 1, 2):
            item = items[(name, lag)]
            assert math.isclose(item.rate_ratio, math.exp(ref.params[f"a{lag}"]), rel_tol=1e-6)
            assert item.ci95 is not None
            assert np.allclose(item.ci95, np.exp(ref.conf_int().loc[f"a{lag}"]), rtol=1e-6)
            assert math.isclose(item.p_value, ref.pvalues[f"a{lag}"], rel_tol=1e-6)
        joint.append(float(ref.f_test("a0 = 0, a1 = 0, a2 = 0").pvalue))
    assert items[("alcohol", 0)].scale == "yes_vs_no" and items[("sitting_hours", 0)].scale == "per_sd"
    q = multipletests(joint, method="fdr_bh")[1]
    for name, qv in zip(("alcohol", "sitting_hours"), q, strict=True):
        assert all(math.isclose(items[(name, lag)].q_value, qv, rel_tol=1e-6) for lag in (0, 1, 2))
    assert result.q == 0.05
    # Flagged once, at the lag with the strongest evidence: alcohol the evening before.
    assert [(i.name, i.lag) for i in result.items if i.flagged] == [("alcohol", 1)]
    assert items[("alcohol", 1)].rate_ratio > 1.8


def test_a_lag_that_is_the_same_series_as_a_shorter_one_is_not_told_apart() -> None:
    """A medicine taken for months is the same at lag 0 and lag 2 but for two nights."""
    nights = diary()
    period = np.where(np.arange(len(nights)) >= 150, 1.0, 0.0)
    with_period = Nights(dates=nights.dates, cramps=nights.cramps, stretched=nights.stretched,
                         factors={"medicine": period})
    items = {i.lag: i for i in analyse_factors(with_period, ["medicine"]).items}
    assert not items[0].skipped
    assert "almost the same series as the same evening" in items[1].skipped
    assert "almost the same series as the same evening" in items[2].skipped


def test_short_diaries_get_a_stricter_threshold() -> None:
    short = diary(days=120)
    result = analyse_factors(short, ["alcohol"])
    logged = int(short.logged.sum())
    assert math.isclose(result.q, 0.10 * logged / 365.25) and result.q < 0.05
    assert all(i.flagged == (i.q_value <= result.q and i.p_value == min(j.p_value for j in result.items))
               for i in result.items)


def test_it_skips_factors_it_cannot_test_and_leaves_them_out_of_the_correction() -> None:
    result = analyse_factors(diary(), ["constant", "rare", "never_recorded", "alcohol"], lags=(0,))
    skipped = {i.name: i for i in result.items if i.skipped}
    assert set(skipped) == {"constant", "rare", "never_recorded"}
    assert "never varied" in skipped["constant"].skipped and "28" in skipped["rare"].skipped
    assert result.tests == 1
    alcohol = next(i for i in result.items if i.name == "alcohol")
    assert alcohol.q_value == alcohol.p_value
    assert skipped["rare"].as_dict()["rate_ratio"] is None and not skipped["rare"].flagged


def test_lags_move_by_calendar_nights() -> None:
    values = np.array([1.0, 2.0, np.nan, 4.0])
    assert np.array_equal(lagged(values, 1), [np.nan, 1.0, 2.0, np.nan], equal_nan=True)
    assert np.array_equal(lagged(values, 0), values, equal_nan=True)


def test_the_wording_speaks_of_association_never_cause() -> None:
    result = analyse_factors(diary(), ["alcohol", "sitting_hours", "constant"])
    texts = [describe(i) for i in result.items]
    flagged = [t for t, i in zip(texts, result.items, strict=True) if i.flagged]
    assert flagged and all("goes with more cramps in your data" in t for t in flagged)
    assert not any("caus" in t.lower() for t in texts)


def test_a_factor_never_recorded_is_skipped_without_pretending_to_be_yes_or_no() -> None:
    nights = diary(days=60)
    empty = Nights(dates=nights.dates, cramps=nights.cramps, stretched=nights.stretched,
                   factors={"sitting_hours": np.full(len(nights), np.nan)})
    (item,) = analyse_factors(empty, ["sitting_hours"], lags=(0,)).items
    assert item.skipped and item.scale == "per_sd" and item.rate_ratio != item.rate_ratio
