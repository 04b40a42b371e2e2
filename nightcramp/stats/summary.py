"""One diary's statistics as one JSON-ready object: what ``nightcramp analyze`` prints (docs/analysis.md).

No Django. :func:`analyse` runs each model exactly as it is (the randomised experiment when the nights
carry a plan with at least one complete pair, the observational estimate otherwise; seasonality;
factors at lags 0-2; trend) and maps their ``as_dict()`` fields to the documented names. Anything a
model could not estimate is ``None``, never invented, so the object always passes
``json.dumps(..., allow_nan=False)``.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nightcramp.stats import observational
from nightcramp.stats.base import Hemisphere, Nights
from nightcramp.stats.experiment import TARGET_RATE_RATIO as EXPERIMENT_TARGET_RATE_RATIO
from nightcramp.stats.experiment import (
    DispersionPrior,
    analyse_experiment,
    fit_dispersion_prior,
    pair_totals,
)
from nightcramp.stats.factors import analyse_factors
from nightcramp.stats.observational import analyse_observational
from nightcramp.stats.seasonality import analyse_seasonality
from nightcramp.stats.trend import analyse_trend
from nightcramp.stats.weeks import rate_sentence, weekly_rate
from nightcramp.stats.weeks import weekly as weekly_series
from nightcramp.stats.words import plural as _plural

FACTORS = ("sitting_hours", "exercise_minutes", "alcohol_units")
LAGS = (0, 1, 2)


def nights_from_rows(rows: Sequence[Mapping[str, Any]], hemisphere: Hemisphere = "north") -> Nights:
    """The nights table from parsed nights.csv rows (``csvio`` values: ``cramps`` None = not logged,
    ``stretched`` True/False/None, ``planned`` "stretch"/"no_stretch"/"", ``experiment_period`` a number
    or None, and the factor columns). Calendar nights missing from the file are not logged.
    Raises ValueError when a date appears twice (the file must be checked first)."""
    seen: set[Any] = set()
    for row in rows:
        if row["date"] in seen:
            raise ValueError(f"the night of {row['date']} appears more than once")
        seen.add(row["date"])
    return Nights.from_rows(rows, hemisphere=hemisphere, factor_names=FACTORS)


def analyse(nights: Nights, *, file: str | None = None,
            prior: DispersionPrior | None = None) -> dict[str, Any]:
    """The documented summary object of one diary (docs/analysis.md, key by key). ``prior``: a cohort
    dispersion for a randomised experiment (:func:`cohort_priors`)."""
    logged = nights.logged
    return {
        "file": file,
        "hemisphere": nights.hemisphere,
        "first_night": nights.dates[0].isoformat() if nights.dates else None,
        "last_night": nights.dates[-1].isoformat() if nights.dates else None,
        "nights": int(logged.sum()),
        "cramps": int(nights.cramps[logged].sum()),
        "weekly": weekly(nights),
        "stretching": stretching(nights, prior),
        "seasonality": seasonality(nights),
        "factors": factors(nights),
        "trend": trend(nights),
    }


def is_randomised(nights: Nights) -> bool:
    """True when the nights carry an experiment plan with at least one complete pair (logged nights in
    both of its periods)."""
    totals, _ = pair_totals(nights)
    return len(totals) > 0


Dispersion = tuple[float, float, tuple[float, float]]  # φ̂, its df, the prior covariates


def experiment_dispersion(nights: Nights) -> Dispersion | None:
    """What a randomised experiment gives a cohort prior: its own dispersion, that dispersion's degrees
    of freedom and its covariates (None without an experiment)."""
    if not is_randomised(nights):
        return None
    r = analyse_experiment(nights, build_up=False)
    return r.dispersion, r.df, r.prior_covariates


def cohort_priors(dispersions: Sequence[Dispersion | None]) -> list[DispersionPrior | None]:
    """For each diary, the dispersion prior fitted to every *other* diary's experiment (leave one out, so
    that nobody's own pairs count twice); None where fewer than 20 others have one."""
    rows = [(i, d) for i, d in enumerate(dispersions) if d is not None]
    priors: list[DispersionPrior | None] = []
    for index in range(len(dispersions)):
        others = [d for i, d in rows if i != index]
        priors.append(fit_dispersion_prior([d[0] for d in others], [d[1] for d in others],
                                           np.array([d[2] for d in others], dtype=float).reshape(-1, 2))
                      if others else None)
    return priors


def stretching(nights: Nights, prior: DispersionPrior | None = None) -> dict[str, Any]:
    if is_randomised(nights):
        result = analyse_experiment(nights, prior=prior)
        r = result.as_dict()
        return {
            "design": "randomised", "label": None, "verdict": r["verdict"], "reason": None,
            "rate_ratio": r["rate_ratio"], "ci95": interval(r["ci95"]), "p_value": r["p_value"],
            "randomisation_p_value": r["randomisation_p_value"], "prob_benefit": r["prob_benefit"],
            "cramps_avoided_per_month": r["cramps_avoided_per_month"],
            "nights_needed": r["nights_needed"], "target_rate_ratio": EXPERIMENT_TARGET_RATE_RATIO,
            "nights_analysed": r["nights"], "pairs_complete": r["pairs_complete"],
            "adherence": r["adherence"], "nights_answered": r["nights_answered"],
            "deviations": r["deviations"], "build_up": build_up(r["build_up"]),
            "cohort_prior": None if prior is None else {
                "phi0": prior.phi0(result.prior_covariates), "nu0": _finite(prior.nu0),
                "experiments": prior.experiments, "borrowed": result.method == "cpq_eb",
                "dispersion": _finite(result.dispersion)},
        }
    o = analyse_observational(nights).as_dict()
    return {
        "design": "observational", "label": o["label"], "verdict": o["verdict"], "reason": o["reason"],
        "rate_ratio": o["rate_ratio"], "ci95": interval(o["ci95"]), "p_value": o["p_value"],
        "randomisation_p_value": None, "prob_benefit": o["prob_benefit"],
        "cramps_avoided_per_month": o["cramps_avoided_per_month"],
        "nights_needed": o["nights_needed"], "target_rate_ratio": observational.TARGET_RATE_RATIO,
        "nights_analysed": o["nights"], "pairs_complete": None, "adherence": None, "nights_answered": None,
        "deviations": None, "build_up": None,
        "cohort_prior": None,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def build_up(b: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The randomised result allowing for an effect that builds up over nights (carryover.py)."""
    if b is None:
        return None
    return {"rate_ratio": b["rate_ratio"], "ci95": interval(b["ci95"]), "p_value": b["p_value"],
            "prob_benefit": b["prob_benefit"], "build_up_nights": b["build_up_nights"]}


def seasonality(nights: Nights) -> dict[str, Any]:
    s = analyse_seasonality(nights).as_dict()
    return {
        "verdict": s["verdict"], "reason": s["reason"], "p_value": s["p_value"],
        "peak_month": s["peak_month"], "peak_month_ci95": interval(s["peak_month_ci"]),
        "peak_to_trough": s["peak_to_trough"], "peak_to_trough_ci95": interval(s["peak_to_trough_ci"]),
        "population_peak_month": s["population_prior"]["peak_month"],
        "population_peak_to_trough": s["population_prior"]["peak_to_trough"],
    }


def factors(nights: Nights) -> list[dict[str, Any]]:
    result = analyse_factors(nights, FACTORS, LAGS).as_dict()
    return [
        {"name": item["name"], "lag": item["lag"], "rate_ratio": item["rate_ratio"],
         "ci95": interval(item["ci95"]), "q_value": item["q_value"], "flagged": item["flagged"],
         "p_value": item["p_value"], "scale": None if item["skipped"] else item["scale"], "sd": item["sd"],
         "nights": item["nights"], "skipped": item["skipped"] or None}
        for item in result["items"]
    ]


def weekly(nights: Nights) -> dict[str, Any]:
    """The headline weekly rate under the one rule of ``nightcramp.stats.weeks`` (a week counts when at
    least 4 of its 7 nights are logged), with how many weeks count and whether a weekly chart is drawn."""
    w = weekly_rate(weekly_series(nights)).as_dict()
    return {"min_logged_nights": w["min_logged_nights"], "weeks": w["weeks"], "full_weeks": w["full_weeks"],
            "partial_weeks": w["partial_weeks"], "nights": w["nights"], "cramps": int(w["cramps"]),
            "cramps_per_week": w["cramps_per_week"], "ci95": interval(w["ci95"]), "chart": w["chart"]}


def trend(nights: Nights) -> dict[str, Any]:
    t = analyse_trend(nights).as_dict()
    ci = interval(t["slope_ci95"])
    ratio_ci = interval([_exp(ci[0]), _exp(ci[1])]) if ci else None
    return {
        "slope_per_year": t["slope_per_year"], "ci95": ci,
        "rate_ratio_per_year": t["rate_ratio_per_year"],
        "rate_ratio_per_year_ci95": ratio_ci,
        "p_value": t["p_value"], "seasonal_adjustment": t["seasonal_adjustment"],
    }


def interval(value: Any) -> list[Any] | None:
    """``[low, high]`` when both ends are finite numbers (or whole months), else None."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value):
        return None
    return list(value)


def _exp(value: float) -> float:
    return math.exp(value) if value < 700 else math.inf


# --- plain words ------------------------------------------------------------------------------------

UNITS = {"sitting_hours": "hours", "exercise_minutes": "minutes", "alcohol_units": "units"}
LABELS = {"sitting_hours": "Sitting", "exercise_minutes": "Exercise", "alcohol_units": "Alcohol"}


def describe(summary: Mapping[str, Any]) -> str:
    """A short plain-language reading of an :func:`analyse` object, uncertainty in words. Observational
    findings are called suggestive; factors "go with" cramps, never cause them."""
    name = summary["file"] or "this diary"
    lines = [f"{name}: {rate_sentence(summary['nights'], summary['cramps'], summary['weekly'])}"]
    lines.append("  Stretching: " + _describe_stretching(summary["stretching"]))
    lines.append("  Seasons: " + _describe_seasons(summary["seasonality"]))
    lines.append("  Factors: " + _describe_factors(summary["factors"]))
    lines.append("  Trend: " + _describe_trend(summary["trend"]))
    return "\n".join(lines)


def _month(number: int) -> str:
    return calendar.month_name[number]


def _describe_stretching(s: Mapping[str, Any]) -> str:
    randomised = s["design"] == "randomised"
    how = (f"randomised experiment, {_plural(s['pairs_complete'], 'complete pair')} of periods" if randomised
           else "ordinary nights, not a randomised experiment: suggestive at best")
    if randomised and s.get("deviations"):
        how += (f"; {s['deviations']} of {_plural(s['nights_answered'], 'night')} did not follow the plan "
                "and count as planned")
    prior = s.get("cohort_prior")
    if prior and prior["borrowed"]:
        how += f", its spread checked against {_plural(prior['experiments'], 'other experiment')}"
    elif prior:
        how += (f", which varies more than {_plural(prior['experiments'], 'other experiment')} and so is "
                "judged on its own")
    verdict = s["verdict"]
    if verdict == "not_enough_data":
        more = s["nights_needed"]
        text = f"not enough data yet to tell ({how})"
        if more:
            text += (f"; about {more} more nights would give a good chance (80%) of seeing a "
                     f"{round(100 * (1 - s['target_rate_ratio']))}% cut in cramps if there is one")
        return text + "."
    rr, ci = s["rate_ratio"], s["ci95"]
    numbers = f"cramps with stretching were {rr:.2f} times those without"
    if ci:
        numbers += (f" (95% interval {ci[0]:.2f} to {ci[1]:.2f}: anything from "
                    f"{_change(ci[0])} to {_change(ci[1])} fits your nights)")
    if s["prob_benefit"] is not None:
        numbers += f"; chance that it helps at all: {_percent(s['prob_benefit'])}"
    if verdict == "no_clear_effect":
        head = "no clear effect so far"
    elif randomised:
        head = "stretching helps you" if verdict == "helps" else "stretching goes with more cramps for you"
    else:
        head = (f"{'fewer' if verdict == 'helps' else 'more'} cramps on stretched nights than chance would "
                "explain, but something that changed at the same time could be the reason")
    return f"{head} ({how}); {numbers}."


def _percent(probability: float) -> str:
    """A probability in words that never rounds to certainty."""
    if probability > 0.99:
        return "more than 99%"
    if probability < 0.01:
        return "less than 1%"
    return f"{round(100 * probability)}%"


def _change(ratio: float) -> str:
    if ratio < 1:
        return f"{round(100 * (1 - ratio))}% fewer"
    if ratio > 1:
        return f"{round(100 * (ratio - 1))}% more"
    return "no change"


def _describe_seasons(s: Mapping[str, Any]) -> str:
    context = (f"In the population cramps peak in {_month(s['population_peak_month'])}, about "
               f"{s['population_peak_to_trough']:g} times the low season (context, not your data).")
    if s["verdict"] == "not_enough_data":
        return f"not enough data yet ({s['reason']}). {context}"
    peak = f"your fitted peak is in {_month(s['peak_month'])}"
    if s["peak_month_ci95"]:
        low, high = s["peak_month_ci95"]
        peak += f" (95% interval {_month(low)} to {_month(high)})"
    if s["peak_to_trough"] is not None:
        peak += f", {s['peak_to_trough']:.1f} times the low season"
    if s["verdict"] == "seasonal":
        return f"your cramps follow the seasons; {peak}."
    return f"no clear seasonal pattern in your nights so far ({peak}, which chance could explain)."


def _describe_factors(items: Sequence[Mapping[str, Any]]) -> str:
    tested = [i for i in items if not i["skipped"]]
    if not tested:
        return "not enough recorded yet to look at sitting, exercise or alcohol."
    flagged = [i for i in tested if i["flagged"]]
    if not flagged:
        return (f"nothing stands out in {_plural(len(tested), 'test')} of sitting, exercise and alcohol "
                "(after allowing for testing many at once).")
    parts = []
    for i in flagged:
        when = "on the day itself" if i["lag"] == 0 else f"{_plural(i['lag'], 'day')} earlier"
        more = "more" if i["rate_ratio"] > 1 else "fewer"
        unit = ("on days with it" if i["scale"] == "yes_vs_no"
                else f"per {i['sd']:.2g} {UNITS.get(i['name'], '')} more".replace("  ", " "))
        ci = f", 95% interval {i['ci95'][0]:.2f} to {i['ci95'][1]:.2f}" if i["ci95"] else ""
        parts.append(f"{LABELS.get(i['name'], i['name'])} ({when}) goes with {more} cramps in your data "
                     f"({i['rate_ratio']:.2f} times {unit}{ci})")
    return ("; ".join(parts) + ". This could be chance or a third factor: a lead to test, not a proven "
            "trigger.")


def _describe_trend(t: Mapping[str, Any]) -> str:
    ratio, ci = t["rate_ratio_per_year"], t["rate_ratio_per_year_ci95"]
    if ratio is None or ci is None:
        return "not enough logged nights yet to see a trend."
    numbers = f"{ratio:.2f} times the cramps a year later (95% interval {ci[0]:.2f} to {ci[1]:.2f})"
    if ci[0] <= 1 <= ci[1]:
        return f"no clear change over time; {numbers}."
    direction = "fewer" if ratio < 1 else "more"
    return f"{direction} cramps over time, beyond the usual seasons; {numbers}."
