"""Do my cramps follow the seasons? A quasi-Poisson cosinor over at least a year of logged nights.

The model (statistics.md §4.1) is, for each *logged* night t (unlogged nights are left out, never read
as zero, so the exposure is the logged nights only)::

    log E[cramps_t] = α + a·cos(ω·d_t) + b·sin(ω·d_t) + g·years_t ,   ω = 2π / 365.25

with d_t the hemisphere-aligned day of the year and ``years_t`` a linear trend (leaving the trend out
calls a steady improvement "seasonal" about half the time, §0 and §4.2). The variance is φ·mean with
φ the Pearson dispersion (quasi-Poisson), so bad weeks and overdispersed nights widen the intervals
instead of producing false seasons. Season is tested with the F test of a = b = 0 jointly (2 df).

This module also holds the pieces the other models share: the population seasonal curve
(:func:`population_season`), the seasonal adjustment to use for a given stretch of nights
(:func:`seasonal_adjustment`) and the quasi-Poisson fit (:func:`fit_quasi_poisson`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import stats as sps

from nightcramp.stats.base import FloatArray, Hemisphere, Nights, Result, SeasonVerdict

OMEGA = 2 * math.pi / 365.25
HALF_YEAR = 182.625

# Population curve, evidence.md §2 (Garrison et al., CMAJ 2015): summer peak about twice the winter
# trough, peak in mid-July in the north (mid-January in the south). 15 July is day 196.
POPULATION_PEAK_TO_TROUGH = 2.0
POPULATION_AMPLITUDE = math.log(POPULATION_PEAK_TO_TROUGH) / 2  # log-scale amplitude A ≈ 0.347
POPULATION_PEAK_DAY = 196.0
POPULATION_SOURCE = "Garrison et al., CMAJ 2015;187:248 (quinine starts and 'leg cramps' searches)"

MIN_SPAN_NIGHTS = 365  # first to last logged night, inclusive: a full year (statistics.md §4.2)
MIN_NIGHTS_PER_QUARTER = 14  # logged nights in every quarter of the (aligned) year
# 19.3 / A² cramps give 80% power on the 2-df test (§4.2). Below the number needed for a fourfold swing
# (A = ln 4 / 2, about 40 cramps) even a very strong season would usually be missed: not enough data.
CRAMPS_PER_A2 = 19.3
MIN_CRAMPS = math.ceil(CRAMPS_PER_A2 / (math.log(4.0) / 2) ** 2)
ALPHA = 0.05
BOOTSTRAP_DRAWS = 4000
BOOTSTRAP_SEED = 20150126  # Garrison et al. were published on 26 January 2015
PEAK_CI_MAX_DAYS = 365.25 * 11 / 12  # a wider interval says "any time of year": no interval


# --------------------------------------------------------------------------------------------------
# Shared pieces
# --------------------------------------------------------------------------------------------------

def population_season(day_of_year: npt.ArrayLike) -> FloatArray:
    """The population's relative cramp rate on a (northern-aligned) day of the year; 1 = the yearly mean.

    A smooth approximation of the cited figures, not a fit to their data: a one-harmonic log-linear
    cosinor, rate ∝ exp(A·cos(ω·(d − 196))), with the peak on 15 July (day 196) and A = ln(2)/2 so that
    the peak is exactly twice the trough. Its peak-to-trough difference is then about 0.69 of the mean,
    matching "about two-thirds of the mean". Divided by the Bessel function I0(A) so that it averages 1
    over the year. For the southern hemisphere pass ``Nights.day_of_year``, which is already aligned.
    """
    d = np.asarray(day_of_year, dtype=float)
    return np.exp(POPULATION_AMPLITUDE * np.cos(OMEGA * (d - POPULATION_PEAK_DAY))) / float(
        np.i0(POPULATION_AMPLITUDE))


def calendar_day(aligned_day: float, hemisphere: Hemisphere) -> float:
    """Undo the hemisphere alignment of :attr:`Nights.day_of_year`: the day of the person's own year."""
    if hemisphere == "south":
        return (aligned_day - 1 - HALF_YEAR) % 365.25 + 1
    return aligned_day


def month_of_day(day: float) -> int:
    """Calendar month (1-12) of a day of the year (1 to 366.25; values below 1 wrap to 31 December)."""
    whole = math.floor(day)
    if whole < 1:
        whole += 365
    return (date(2001, 1, 1) + timedelta(days=min(whole, 365) - 1)).month


def trend_years(nights: Nights, rows: npt.NDArray[np.bool_]) -> FloatArray:
    """Years since the first night, centred on the mean of the ``rows`` used (a slow linear trend)."""
    t = np.arange(len(nights), dtype=float) / 365.25
    return t - float(t[rows].mean()) if rows.any() else t


def covers_a_year(nights: Nights, rows: npt.NDArray[np.bool_]) -> bool:
    """True when the ``rows`` span a full year and every quarter of the year has enough of them."""
    idx = np.flatnonzero(rows)
    if idx.size == 0 or idx[-1] - idx[0] + 1 < MIN_SPAN_NIGHTS:
        return False
    quarter = ((nights.day_of_year[idx] - 1) // (365.25 / 4)).astype(int).clip(0, 3)
    return bool(np.all(np.bincount(quarter, minlength=4) >= MIN_NIGHTS_PER_QUARTER))


@dataclass(frozen=True)
class SeasonalAdjustment:
    """How a model allows for the season: the person's own cosinor terms after a year of data
    (``kind="own"``), the population curve as a fixed offset before that (``kind="population"``)."""

    kind: Literal["own", "population"]
    columns: Mapping[str, FloatArray]
    offset: FloatArray


def seasonal_adjustment(nights: Nights, rows: npt.NDArray[np.bool_]) -> SeasonalAdjustment:
    """The seasonal adjustment for a model fitted on ``rows`` (full-length arrays; index them yourself)."""
    d = nights.day_of_year
    if covers_a_year(nights, rows):
        return SeasonalAdjustment("own", {"season_cos": np.cos(OMEGA * d), "season_sin": np.sin(OMEGA * d)},
                                  np.zeros(len(nights)))
    return SeasonalAdjustment("population", {}, np.log(population_season(d)))


@dataclass(frozen=True)
class QuasiPoissonFit:
    """A fitted quasi-Poisson log-linear model: coefficients, their covariance already multiplied by the
    Pearson dispersion, and the residual degrees of freedom used for t-based intervals and tests."""

    names: tuple[str, ...]
    params: FloatArray
    cov: FloatArray
    dispersion: float
    df_resid: float

    def index(self, name: str) -> int:
        return self.names.index(name)

    def estimate(self, name: str) -> float:
        return float(self.params[self.index(name)])

    def se(self, name: str) -> float:
        i = self.index(name)
        return math.sqrt(float(self.cov[i, i]))

    def ci95(self, name: str) -> tuple[float, float]:
        """95% interval of a coefficient on the log scale (t with the residual df)."""
        half = float(sps.t.ppf(0.975, self.df_resid)) * self.se(name)
        return self.estimate(name) - half, self.estimate(name) + half

    def p_value(self, name: str) -> float:
        """Two-sided t-test p-value of one coefficient."""
        return float(2 * sps.t.sf(abs(self.estimate(name)) / self.se(name), self.df_resid))

    def joint_f_test(self, names: tuple[str, ...]) -> float:
        """p-value of the Wald F test that all ``names`` are zero together (quasi-likelihood F)."""
        i = [self.index(n) for n in names]
        b = self.params[i]
        stat = float(b @ np.linalg.solve(self.cov[np.ix_(i, i)], b)) / len(i)
        return float(sps.f.sf(stat, len(i), self.df_resid))


def fit_quasi_poisson(y: FloatArray, columns: Mapping[str, FloatArray],
                      offset: FloatArray | None = None) -> QuasiPoissonFit | None:
    """Fit log E[y] = intercept + Σ columns (+ offset) with Pearson-scaled (quasi-Poisson) errors.

    Returns None when the model cannot be estimated: no events, no residual degrees of freedom,
    collinear columns, or a fit that does not converge to finite numbers.
    """
    names = ("intercept", *columns)
    X = np.column_stack([np.ones(len(y)), *columns.values()]) if len(y) else np.zeros((0, len(names)))
    if len(y) <= len(names) + 1 or float(np.sum(y)) <= 0 or np.linalg.matrix_rank(X) < len(names):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
        except (ValueError, np.linalg.LinAlgError):
            return None
    params, cov = np.asarray(res.params, dtype=float), np.asarray(res.cov_params(), dtype=float)
    scale = float(res.scale)
    if not (np.all(np.isfinite(params)) and np.all(np.isfinite(cov)) and math.isfinite(scale) and scale > 0):
        return None
    return QuasiPoissonFit(names, params, cov, scale, float(res.df_resid))


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
        return f"seasons need at least 12 months of logging; this diary covers {span} nights"
    if not covers_a_year(nights, rows):
        return f"every quarter of the year needs at least {MIN_NIGHTS_PER_QUARTER} logged nights"
    if cramps < MIN_CRAMPS:
        return f"{cramps:.0f} cramps logged; at least {MIN_CRAMPS} are needed to see even a strong season"
    return ""


def _cosinor(nights: Nights, rows: npt.NDArray[np.bool_]) -> QuasiPoissonFit | None:
    d = nights.day_of_year[rows]
    columns = {"season_cos": np.cos(OMEGA * d), "season_sin": np.sin(OMEGA * d),
               "trend": trend_years(nights, rows)[rows]}
    return fit_quasi_poisson(nights.cramps[rows], columns)


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
