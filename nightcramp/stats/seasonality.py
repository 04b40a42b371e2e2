"""Do my cramps follow the seasons? A quasi-Poisson cosinor over at least a year of logged nights.

The model (statistics.md §4.1) is, for each *logged* night t (unlogged nights are left out, never read
as zero, so the exposure is the logged nights only)::

    log E[cramps_t] = α + a·cos(ω·d_t) + b·sin(ω·d_t) + g·years_t ,   ω = 2π / 365.25

with d_t the hemisphere-aligned day of the year and ``years_t`` a linear trend (leaving the trend out
calls a steady improvement "seasonal" about half the time, §0 and §4.2). The variance is φ·mean with
φ the Pearson dispersion (quasi-Poisson) of the nights or, when larger, of the weekly totals, so bad
weeks and overdispersed nights widen the intervals instead of producing false seasons. Season is
tested with the F test of a = b = 0 jointly (2 df), against the degrees of freedom of the dispersion
used (weeks or nights).

The pieces the models share (the quasi-Poisson fit, the seasonal adjustment, the population curve)
are in :mod:`nightcramp.stats.model`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from nightcramp.stats.base import Hemisphere, Nights, Result, SeasonVerdict
from nightcramp.stats.model import (
    HALF_YEAR,
    MIN_NIGHTS_PER_QUARTER,
    MIN_SPAN_NIGHTS,
    OMEGA,
    POPULATION_AMPLITUDE,
    POPULATION_PEAK_DAY,
    POPULATION_PEAK_TO_TROUGH,
    POPULATION_SOURCE,
    QuasiPoissonFit,
    calendar_day,
    covers_a_year,
    fit_penalised_quasi_poisson,
    month_of_day,
    population_season,
    trend_years,
    weeks_of,
)
from nightcramp.stats.words import plural

# 19.3 / A² cramps give 80% power on the 2-df test (§4.2). Below the number needed for a fourfold swing
# (A = ln 4 / 2, about 40 cramps) even a very strong season would usually be missed: not enough data.
CRAMPS_PER_A2 = 19.3
MIN_CRAMPS = math.ceil(CRAMPS_PER_A2 / (math.log(4.0) / 2) ** 2)
ALPHA = 0.05
BOOTSTRAP_DRAWS = 4000
BOOTSTRAP_SEED = 20150126  # Garrison et al. were published on 26 January 2015
PEAK_CI_MAX_DAYS = 365.25 * 11 / 12  # a wider interval says "any time of year": no interval


# --------------------------------------------------------------------------------------------------
# The seasonality model
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PopulationSeason(Result):
    """Population context, not the person's data: the seasonal pattern of leg cramps in the population
    (:func:`population_season`), expressed in the person's own calendar."""

    label: str
    source: str
    peak_month: int
    peak_to_trough: float
    monthly: tuple[float, ...]  # relative rate in the middle of each calendar month, January first


def population_context(hemisphere: Hemisphere) -> PopulationSeason:
    """The population pattern for a hemisphere (peak July in the north, January in the south)."""
    mid_month = [date(2001, m, 15).timetuple().tm_yday for m in range(1, 13)]
    shift = HALF_YEAR if hemisphere == "south" else 0.0
    monthly = tuple(round(float(population_season((d - 1 + shift) % 365.25 + 1)), 3) for d in mid_month)
    peak = month_of_day(calendar_day(POPULATION_PEAK_DAY, hemisphere))
    return PopulationSeason(label="Population pattern (context, not your data)", source=POPULATION_SOURCE,
                            peak_month=peak, peak_to_trough=POPULATION_PEAK_TO_TROUGH, monthly=monthly)


@dataclass(frozen=True)
class SeasonalityResult(Result):
    """What a year or more of nights says about the person's own seasonal pattern.

    * ``verdict``: "seasonal" when the joint test gives p < 0.05, "no_clear_pattern" otherwise,
      "not_enough_data" with less than a year of logging or too few cramps (``reason`` says which).
    * ``p_value``: the F test of the two seasonal terms together, allowing for trend and overdispersion.
    * ``peak_month`` / ``peak_day``: the month (1-12) and day of the year of the fitted peak, in the
      person's own calendar; ``*_ci``: 95% intervals from a seeded parametric bootstrap (they can wrap
      the year end, e.g. (11, 2) is November to February; None when they cover nearly the whole year).
    * ``peak_to_trough``: how many times higher the fitted rate is at the peak than at the trough,
      exp(2A); its 95% interval comes from the delta method on A and never goes below 1 (a flat year).
    * ``trend_per_year``: the rate ratio per year of the linear trend fitted alongside.
    * ``dispersion``: the Pearson dispersion φ (1 = Poisson-like nights; 2 = twice as variable).
    * ``cramps_needed``: roughly how many cramps in total (over at least a year) give an 80% chance of
      detecting a season the size of the population's, 19.3/A² × φ (§4.2).
    * ``population_prior``: the population pattern, as labelled context only.
    """

    verdict: SeasonVerdict
    reason: str
    nights: int
    cramps: float
    span_days: int
    p_value: float
    peak_month: int | None
    peak_month_ci: tuple[int, int] | None
    peak_day: float
    peak_day_ci: tuple[float, float] | None
    peak_to_trough: float
    peak_to_trough_ci: tuple[float, float] | None
    trend_per_year: float
    dispersion: float
    cramps_needed: float
    population_prior: PopulationSeason


def analyse_seasonality(nights: Nights, *, seed: int = BOOTSTRAP_SEED) -> SeasonalityResult:
    """Fit the cosinor to the logged nights and say whether, when and how strongly cramps peak."""
    rows = nights.logged
    idx = np.flatnonzero(rows)
    span = int(idx[-1] - idx[0] + 1) if idx.size else 0
    cramps = float(nights.cramps[rows].sum())
    reason = _not_enough(nights, rows, span, cramps)
    fit = None if reason else _cosinor(nights, rows)
    withheld = _withheld(reason or "the seasonal model could not be estimated from these nights",
                         int(idx.size), cramps, span, population_context(nights.hemisphere))
    if fit is None:
        return withheld
    a, b = fit.estimate("season_cos"), fit.estimate("season_sin")
    amplitude = math.hypot(a, b)
    p = fit.joint_f_test(("season_cos", "season_sin"))
    aligned_peak = (math.atan2(b, a) / OMEGA) % 365.25
    peak_day = calendar_day(aligned_peak, nights.hemisphere)
    day_ci = _peak_ci(fit, aligned_peak, nights.hemisphere, seed)
    verdict = SeasonVerdict.SEASONAL if p < ALPHA else SeasonVerdict.NO_CLEAR_PATTERN
    return replace(
        withheld, verdict=verdict, reason=_verdict_reason(verdict), p_value=p,
        peak_month=month_of_day(peak_day),
        peak_month_ci=(month_of_day(day_ci[0]), month_of_day(day_ci[1])) if day_ci else None,
        peak_day=peak_day, peak_day_ci=day_ci, peak_to_trough=math.exp(2 * amplitude),
        peak_to_trough_ci=_ratio_ci(fit, a, b, amplitude), trend_per_year=math.exp(fit.estimate("trend")),
        dispersion=fit.dispersion,
        cramps_needed=CRAMPS_PER_A2 / POPULATION_AMPLITUDE**2 * max(1.0, fit.dispersion))


def _not_enough(nights: Nights, rows: npt.NDArray[np.bool_], span: int, cramps: float) -> str:
    if span < MIN_SPAN_NIGHTS:
        return f"seasons need at least 12 months of logging; this diary covers {plural(span, 'night')}"
    if not covers_a_year(nights, rows):
        return f"every quarter of the year needs at least {MIN_NIGHTS_PER_QUARTER} logged nights"
    if cramps < MIN_CRAMPS:
        return (f"{plural(int(cramps), 'cramp')} logged; at least {MIN_CRAMPS} are needed to see even a "
                "strong season")
    return ""


def _cosinor(nights: Nights, rows: npt.NDArray[np.bool_]) -> QuasiPoissonFit | None:
    """The cosinor with a trend. Its dispersion is that of the nights or, when larger, that of the
    calendar weeks (counted from the first logged night), with the weeks' degrees of freedom: a season
    is a slow rise and fall, which only the weekly totals can tell apart from a run of bad weeks. With
    the nightly dispersion alone, weekly bad spells were called seasons in about 19% of diaries without
    any season (bench/, cell C03, among the diaries long enough to be analysed)."""
    d = nights.day_of_year[rows]
    columns = {"season_cos": np.cos(OMEGA * d), "season_sin": np.sin(OMEGA * d),
               "trend": trend_years(nights, rows)[rows]}
    return fit_penalised_quasi_poisson(nights.cramps[rows], columns, groups=weeks_of(rows))


def _peak_ci(fit: QuasiPoissonFit, aligned_peak: float, hemisphere: Hemisphere,
             seed: int) -> tuple[float, float] | None:
    """Percentile interval of the peak day from draws of (a, b) around the fit, measured as the wrapped
    distance from the estimated peak so that an interval across New Year stays one interval."""
    i = [fit.index("season_cos"), fit.index("season_sin")]
    draws = np.random.default_rng(seed).multivariate_normal(fit.params[i], fit.cov[np.ix_(i, i)],
                                                            BOOTSTRAP_DRAWS)
    angles = np.arctan2(draws[:, 1], draws[:, 0])
    deviation = (angles - aligned_peak * OMEGA + math.pi) % (2 * math.pi) - math.pi
    low, high = (float(v) / OMEGA for v in np.percentile(deviation, [2.5, 97.5]))
    if high - low > PEAK_CI_MAX_DAYS:
        return None
    return (calendar_day((aligned_peak + low) % 365.25, hemisphere),
            calendar_day((aligned_peak + high) % 365.25, hemisphere))


def _ratio_ci(fit: QuasiPoissonFit, a: float, b: float, amplitude: float) -> tuple[float, float] | None:
    """exp(2·(A ± 1.96·se(A))) with se(A) by the delta method, the lower end held at a flat year (1)."""
    if amplitude <= 0:
        return None
    i = [fit.index("season_cos"), fit.index("season_sin")]
    gradient = np.array([a, b]) / amplitude
    se = math.sqrt(float(gradient @ fit.cov[np.ix_(i, i)] @ gradient))
    z = float(sps.norm.ppf(0.975))
    return math.exp(2 * max(0.0, amplitude - z * se)), math.exp(2 * (amplitude + z * se))


def _verdict_reason(verdict: SeasonVerdict) -> str:
    if verdict is SeasonVerdict.SEASONAL:
        return "your cramps rise and fall with the seasons more than chance, a trend or bad weeks explain"
    return "no seasonal pattern stands out from chance, trend and bad weeks in your nights so far"


def _withheld(reason: str, nights: int, cramps: float, span: int,
              prior: PopulationSeason) -> SeasonalityResult:
    nan = math.nan
    return SeasonalityResult(verdict=SeasonVerdict.NOT_ENOUGH_DATA, reason=reason, nights=nights,
                             cramps=cramps,
                             span_days=span, population_prior=prior, p_value=nan,
                             peak_month=None, peak_month_ci=None, peak_day=nan, peak_day_ci=None,
                             peak_to_trough=nan, peak_to_trough_ci=None, trend_per_year=nan, dispersion=nan,
                             cramps_needed=CRAMPS_PER_A2 / POPULATION_AMPLITUDE**2)
