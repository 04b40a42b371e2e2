"""The summary object ``nightcramp analyze`` prints: its keys and types on generated diaries, nulls for
what cannot be estimated, and that it always passes ``json.dumps(..., allow_nan=False)``. No database."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from nightcramp.stats.base import Nights
from nightcramp.stats.experiment import analyse_experiment, plan_experiment
from nightcramp.stats.factors import analyse_factors
from nightcramp.stats.observational import analyse_observational
from nightcramp.stats.seasonality import analyse_seasonality
from nightcramp.stats.summary import FACTORS, analyse, describe, nights_from_rows

OMEGA = 2 * math.pi / 365.25
TOP = {"file", "hemisphere", "first_night", "last_night", "nights", "cramps", "weekly", "stretching",
       "seasonality", "factors", "trend"}
WEEKLY = {"min_logged_nights", "weeks", "full_weeks", "partial_weeks", "nights", "cramps", "cramps_per_week",
          "ci95", "chart"}
STRETCHING = {"design", "label", "verdict", "reason", "rate_ratio", "ci95", "p_value",
              "randomisation_p_value", "prob_benefit", "cramps_avoided_per_month", "nights_needed",
              "target_rate_ratio", "nights_analysed", "pairs_complete", "adherence", "nights_answered",
              "deviations", "build_up", "cohort_prior"}
BUILD_UP = {"rate_ratio", "ci95", "p_value", "prob_benefit", "build_up_nights"}
SEASONALITY = {"verdict", "reason", "p_value", "peak_month", "peak_month_ci95", "peak_to_trough",
               "peak_to_trough_ci95", "population_peak_month", "population_peak_to_trough"}
FACTOR = {"name", "lag", "rate_ratio", "ci95", "q_value", "flagged", "p_value", "scale", "sd", "nights",
          "skipped"}
TREND = {"slope_per_year", "ci95", "rate_ratio_per_year", "rate_ratio_per_year_ci95", "p_value",
         "seasonal_adjustment"}


def randomised_rows(seed: int = 3, rr: float = 0.6, rate: float = 1.2) -> list[dict[str, Any]]:
    """A 6-pair plan lived as planned, with Poisson cramps, a few unlogged nights and sitting hours."""
    rng = np.random.default_rng(seed)
    rows = []
    for row in plan_experiment(date(2025, 3, 3), seed=seed).as_rows():
        stretch = row["planned"] == "stretch"
        logged = rng.random() > 0.08
        rows.append({"date": row["date"], "experiment_period": row["experiment_period"],
                     "planned": row["planned"], "stretched": stretch,
                     "cramps": int(rng.poisson(rate * (rr if stretch else 1.0))) if logged else None,
                     "sitting_hours": float(rng.integers(2, 12))})
    return rows


def observational_rows(days: int = 200, seed: int = 5, first: date = date(2024, 1, 1),
                       peak_day: float = 196.0) -> list[dict[str, Any]]:
    """Stretching on alternate weeks (not randomised), a seasonal rate peaking on ``peak_day`` of the
    calendar year, and all three factors recorded."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(days):
        night = first + timedelta(days=i)
        doy = night.timetuple().tm_yday
        stretch = (i // 7) % 2 == 1
        mu = 0.9 * math.exp(0.6 * math.cos(OMEGA * (doy - peak_day))) * (0.8 if stretch else 1.0)
        rows.append({"date": night, "cramps": int(rng.poisson(mu)) if rng.random() > 0.05 else None,
                     "stretched": stretch if rng.random() > 0.05 else None,
                     "sitting_hours": float(rng.integers(0, 100)) / 10,
                     "exercise_minutes": int(rng.integers(0, 90)),
                     "alcohol_units": float(rng.integers(0, 5))})
    return rows


def check_shape(summary: dict[str, Any]) -> None:
    assert set(summary) == TOP
    assert isinstance(summary["nights"], int) and isinstance(summary["cramps"], int)
    assert set(summary["stretching"]) == STRETCHING
    assert set(summary["seasonality"]) == SEASONALITY
    assert set(summary["trend"]) == TREND
    assert set(summary["weekly"]) == WEEKLY
    w = summary["weekly"]
    assert w["min_logged_nights"] == 4 and w["full_weeks"] + w["partial_weeks"] <= w["weeks"]
    assert (w["cramps_per_week"] is None) == (w["full_weeks"] == 0) and w["nights"] <= summary["nights"]
    assert len(summary["factors"]) == len(FACTORS) * 3
    expected = [(name, lag) for name in FACTORS for lag in (0, 1, 2)]
    assert [(f["name"], f["lag"]) for f in summary["factors"]] == expected
    for item in summary["factors"]:
        assert set(item) == FACTOR
        assert isinstance(item["flagged"], bool)
        assert item["ci95"] is None or (len(item["ci95"]) == 2 and item["ci95"][0] < item["ci95"][1])
    for ci in (summary["stretching"]["ci95"], summary["trend"]["ci95"]):
        assert ci is None or (len(ci) == 2 and all(isinstance(v, float) for v in ci) and ci[0] < ci[1])
    text = json.dumps(summary, allow_nan=False)
    assert json.loads(text) == summary


def test_a_randomised_diary_uses_the_experiment_analysis_with_its_numbers() -> None:
    nights = nights_from_rows(randomised_rows())
    summary = analyse(nights, file="trial.csv")
    check_shape(summary)
    s = summary["stretching"]
    assert s["design"] == "randomised" and s["label"] is None
    reference = analyse_experiment(nights)
    assert s["rate_ratio"] == pytest.approx(reference.rate_ratio, rel=1e-12)
    assert s["ci95"] == pytest.approx(list(reference.ci95), rel=1e-12)
    assert s["p_value"] == pytest.approx(reference.p_value, rel=1e-12)
    assert s["prob_benefit"] == pytest.approx(reference.prob_benefit, rel=1e-12)
    assert s["verdict"] == reference.verdict.value
    assert s["pairs_complete"] == 6 and s["adherence"] == 1.0
    assert reference.build_up is not None and set(s["build_up"]) == BUILD_UP
    assert s["build_up"]["rate_ratio"] == pytest.approx(reference.build_up.rate_ratio, rel=1e-12)
    assert s["build_up"]["ci95"] == pytest.approx(list(reference.build_up.ci95), rel=1e-12)
    assert s["build_up"]["build_up_nights"] == pytest.approx(reference.build_up.build_up_nights, rel=1e-12)
    assert summary["file"] == "trial.csv"
    assert summary["nights"] == int(nights.logged.sum()) == s["nights_analysed"]
    assert summary["cramps"] == sum(r["cramps"] or 0 for r in randomised_rows())
    sitting = [f for f in summary["factors"] if f["name"] == "sitting_hours"]
    assert all(f["scale"] == "per_sd" and f["rate_ratio"] > 0 and f["q_value"] is not None for f in sitting)
    assert all(f["skipped"] for f in summary["factors"] if f["name"] != "sitting_hours")


def test_an_observational_diary_is_labelled_suggestive_and_matches_the_models() -> None:
    nights = nights_from_rows(observational_rows())
    summary = analyse(nights)
    check_shape(summary)
    s = summary["stretching"]
    reference = analyse_observational(nights)
    assert s["design"] == "observational" and s["label"] == "suggestive"
    assert s["verdict"] in {"helps", "no_clear_effect", "worse"}
    assert s["rate_ratio"] == pytest.approx(reference.rate_ratio, rel=1e-12)
    assert s["randomisation_p_value"] is None and s["pairs_complete"] is None and s["build_up"] is None
    factors = analyse_factors(nights, FACTORS)
    assert [f["q_value"] for f in summary["factors"]] == pytest.approx([i.q_value for i in factors.items])
    assert [f["flagged"] for f in summary["factors"]] == [i.flagged for i in factors.items]
    assert summary["seasonality"]["verdict"] == "not_enough_data"  # 200 nights: less than a year
    assert summary["seasonality"]["peak_month"] is None
    assert summary["seasonality"]["population_peak_month"] == 7
    assert summary["trend"]["seasonal_adjustment"] == "population"


def test_a_plan_without_a_complete_pair_is_analysed_as_observational() -> None:
    rows = [r for r in randomised_rows() if r["experiment_period"] == 1]  # one period of a pair only
    summary = analyse(nights_from_rows(rows))
    assert summary["stretching"]["design"] == "observational"


def test_a_short_diary_withholds_every_verdict_and_gives_nulls() -> None:
    summary = analyse(nights_from_rows(observational_rows(days=10)))
    check_shape(summary)
    s = summary["stretching"]
    assert s["verdict"] == "not_enough_data"
    assert s["rate_ratio"] is s["ci95"] is s["p_value"] is s["prob_benefit"] is None
    assert isinstance(s["nights_needed"], int) and s["nights_needed"] > 0
    assert summary["seasonality"]["verdict"] == "not_enough_data"
    assert summary["seasonality"]["p_value"] is summary["seasonality"]["peak_to_trough"] is None
    assert all(f["rate_ratio"] is None and f["q_value"] is None and not f["flagged"] and f["skipped"]
               for f in summary["factors"])
    assert summary["trend"]["slope_per_year"] is summary["trend"]["ci95"] is None


def test_an_empty_diary_still_gives_a_valid_object() -> None:
    summary = analyse(nights_from_rows([]), file="empty.csv")
    check_shape(summary)
    assert summary["nights"] == summary["cramps"] == 0
    assert summary["first_night"] is None
    assert summary["stretching"]["nights_needed"] is None  # no rate to plan from


def test_a_year_of_nights_finds_the_season_in_the_persons_own_calendar() -> None:
    rows = observational_rows(days=430, peak_day=15.0)  # a mid-January peak
    north, south = (analyse(nights_from_rows(rows, hemisphere)) for hemisphere in ("north", "south"))
    for summary in (north, south):
        check_shape(summary)
        assert summary["seasonality"]["verdict"] == "seasonal"
        assert summary["seasonality"]["peak_month"] in (12, 1, 2)
        assert summary["seasonality"]["peak_to_trough"] > 1
    # The fitted peak is the person's own; only the population context moves by half a year.
    assert south["seasonality"]["peak_month"] == north["seasonality"]["peak_month"]
    population = north["seasonality"]["population_peak_month"], south["seasonality"]["population_peak_month"]
    assert population == (7, 1)
    reference = analyse_seasonality(nights_from_rows(rows, "south"))
    assert south["seasonality"]["p_value"] == pytest.approx(reference.p_value, rel=1e-12)


def test_nights_from_rows_reads_missing_nights_as_not_logged_and_refuses_repeats() -> None:
    rows = [{"date": date(2026, 1, 1), "cramps": 2, "stretched": True},
            {"date": date(2026, 1, 3), "cramps": None, "stretched": None}]
    nights = nights_from_rows(rows)
    assert isinstance(nights, Nights) and len(nights) == 3
    assert nights.logged.tolist() == [True, False, False]
    assert np.isnan(nights.stretched[1:]).all()
    with pytest.raises(ValueError, match="more than once"):
        nights_from_rows(rows + [{"date": date(2026, 1, 1), "cramps": 0}])


def test_the_plain_reading_keeps_the_wording_rules() -> None:
    observational = describe(analyse(nights_from_rows(observational_rows()), file="a.csv"))
    assert observational.startswith("a.csv: ")
    assert "suggestive" in observational and "95% interval" in observational
    randomised = describe(analyse(nights_from_rows(randomised_rows())))
    assert "(randomised experiment, 6 complete pairs of periods)" in randomised
    short = describe(analyse(nights_from_rows(observational_rows(days=10))))
    assert "not enough data yet" in short and "more nights" in short
    for text in (observational, randomised, short):
        assert "cause" not in text.lower()
