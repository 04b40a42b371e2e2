"""What the models share: the quasi-Poisson fit, the slow trend and the seasonal terms, and the
population seasonal curve used while a person has less than a year of nights. No Django.

Every model here fits a Poisson GLM on *logged* nights (unlogged nights are left out, never read as
zero) and scales its variance by the Pearson dispersion (quasi-Poisson), so overdispersed nights and bad
weeks widen the intervals instead of producing false findings.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import numpy.typing as npt
import statsmodels.api as sm
from scipy import stats as sps

from nightcramp.stats.base import FloatArray, Hemisphere, Nights

OMEGA = 2 * math.pi / 365.25
HALF_YEAR = 182.625
MIN_SPAN_NIGHTS = 365  # first to last logged night, inclusive: a full year (statistics.md §4.2)
MIN_NIGHTS_PER_QUARTER = 14  # logged nights in every quarter of the (aligned) year

# Population curve, evidence.md §2 (Garrison et al., CMAJ 2015): summer peak about twice the winter
# trough, peak in mid-July in the north (mid-January in the south). 15 July is day 196.
POPULATION_PEAK_TO_TROUGH = 2.0
POPULATION_AMPLITUDE = math.log(POPULATION_PEAK_TO_TROUGH) / 2  # log-scale amplitude A ≈ 0.347
POPULATION_PEAK_DAY = 196.0
POPULATION_SOURCE = "Garrison et al., CMAJ 2015;187:248, from quinine starts and 'leg cramps' searches"
WEEK_NIGHTS = 7
DISPERSION_ITERATIONS = 20  # the penalised fit and φ alternate; they settle in a handful of rounds


def successive_difference_df(pairs: int) -> float:
    """Degrees of freedom worth of :func:`nightcramp.stats.experiment.pair_total_dispersion` over ``pairs``
    complete pairs: its J − 1 squared differences share their neighbours, so for normal totals
    Var(mean) = (3J − 4)/(J − 1)² times the squared mean, and matching 2/ν gives ν = 2(J − 1)²/(3J − 4),
    about two thirds of J − 1 (von Neumann 1941)."""
    return 2 * (pairs - 1) ** 2 / (3 * pairs - 4) if pairs > 1 else 0.0


def pooled_dispersion(within: float, df_within: float, spread: float, pairs: int) -> tuple[float, float]:
    """The experiment's dispersion and its degrees of freedom: the within-pair CR2 dispersion φ̂_w (on
    ``df_within``) and the pair-total dispersion φ̂_s (on ν_s = :func:`successive_difference_df`), pooled
    by their degrees of freedom as a pooled variance is, φ̂ = (d_w φ̂_w + ν_s φ̂_s) / (d_w + ν_s) on
    d_w + ν_s degrees of freedom.

    Both measure the same thing when nights vary alike over time: a bad week raises a period's count,
    and so both the split of its pair and its pair's total, each by the factor 1 + μ/k_p of the period's
    mean μ, and overdispersed single nights raise both by 1 + λ/k. Where they differ, φ̂_s is the larger,
    so pooling errs on the safe side: a rate that wanders over weeks (a latent spell, a season) moves
    pairs further apart in time more than the two halves of one pair, and bad weeks that span both
    periods of a short pair do not show in its split at all. A person's own J pairs then give about
    1.7 (J − 1) degrees of freedom instead of J − 1: at the minimum of 6 pairs the t quantile falls from
    2.57 to 2.27 and the nights needed by about a fifth (benchmark cell A04), at 12 pairs by 6-10%
    (A01, A21). Without a within-pair dispersion (one informative pair) there is nothing to pool: NaN,
    as before; without a pair-total one (fewer than two complete pairs), φ̂_w alone.

    Only a rate that swings back and forth from one pair to the next would make φ̂_s the smaller, and
    nothing in a person's nights does that at a pace of one or two weeks. With 3-night periods and bad
    weeks, the pooled test is conservative (benchmark cell A20: 3.0% false findings at a 5% level)."""
    if not (math.isfinite(within) and df_within > 0):
        return math.nan, 0.0
    df_spread = successive_difference_df(pairs)
    if not (math.isfinite(spread) and df_spread > 0):
        return within, df_within
    return (df_within * within + df_spread * spread) / (df_within + df_spread), df_within + df_spread



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


def weeks_of(rows: npt.NDArray[np.bool_]) -> npt.NDArray[np.int_]:
    """The calendar week of each of the ``rows`` used, counted from the first of them (0, 1, 2, …): the
    groups whose totals show a bad spell (see :func:`fit_penalised_quasi_poisson`)."""
    index = np.flatnonzero(rows)
    return (index - index[0]) // WEEK_NIGHTS if index.size else index


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


def fit_penalised_quasi_poisson(y: FloatArray, columns: Mapping[str, FloatArray],
                                offset: FloatArray | None = None, *,
                                priors: Mapping[str, tuple[float, float]] | None = None,
                                groups: npt.NDArray[np.int_] | None = None,
                                max_iterations: int = 100) -> QuasiPoissonFit | None:
    """Quasi-Poisson fit with Gaussian priors on some coefficients and a dispersion that allows for bad
    weeks. Without ``priors`` and ``groups`` it is the same fit as :func:`fit_quasi_poisson`.

    * ``priors`` maps a column name to (mean, SD): the fit maximises the penalised quasi-likelihood
      ℓ(θ)/φ − ½ Σ_j (θ_j − m_j)²/s_j², the posterior mode of a Gaussian prior (a ridge penalty centred
      on the prior mean), by Newton–Raphson; cov = (XᵀWX/φ + P)⁻¹ (the inverse penalised information,
      a Laplace approximation of the posterior), P = diag(1/s_j²).
    * φ is the Pearson dispersion over the residual degrees of freedom n − p_eff, with
      p_eff = tr((XᵀWX + φP)⁻¹ XᵀWX) the effective number of parameters (p without priors).
    * ``groups`` (e.g. the calendar week of each night): φ is raised to the Pearson dispersion of the
      group totals, Σ_g (Y_g − M_g)²/M_g / (G − p_eff), when that is larger (and G − p_eff ≥ 1). Nights of
      a bad spell are positively correlated, which the nightly dispersion cannot see; the group totals do.
    * ``df_resid`` is n − p_eff, or G − p_eff whenever the group dispersion is the one used: the degrees of
      freedom that estimate really has (a slowly varying term such as the season or a before/after step
      can only be told apart from a run of bad weeks by the group totals).

    Returns None when the model cannot be estimated (no events, too few rows, unpenalised columns that
    are collinear, or numbers that are not finite).
    """
    names = ("intercept", *columns)
    n, p = len(y), len(names)
    X = np.column_stack([np.ones(n), *columns.values()]) if n else np.zeros((0, p))
    priors = priors or {}
    free = [j for j, name in enumerate(names) if name not in priors]
    if n <= p + 1 or float(np.sum(y)) <= 0 or np.linalg.matrix_rank(X[:, free]) < len(free):
        return None
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    mean = np.array([priors[name][0] if name in priors else 0.0 for name in names])
    precision = np.diag([1 / priors[name][1] ** 2 if name in priors else 0.0 for name in names])
    theta = mean.copy()
    theta[0] = math.log(float(np.sum(y)) / float(np.sum(np.exp(off))))
    phi, df = 1.0, float(n - p)
    with np.errstate(all="ignore"):
        try:
            for _ in range(DISPERSION_ITERATIONS):  # alternate: the penalised fit at φ, then φ at that fit
                theta = _penalised_newton(y, X, off, mean, precision * phi, theta, max_iterations)
                mu = np.exp(np.clip(off + X @ theta, -700, 700))
                info = X.T @ (mu[:, None] * X)
                p_eff = float(np.trace(np.linalg.solve(info + precision * phi, info)))
                new_phi, group_spare = _dispersion(y, mu, n - p_eff, groups, p_eff)
                if not math.isfinite(new_phi) or new_phi <= 0:
                    return None
                done = abs(new_phi - phi) <= 1e-10 * phi
                phi = new_phi
                df = group_spare or n - p_eff
                if done or not priors:
                    break
            cov = np.asarray(np.linalg.inv(info / phi + precision), dtype=float)
        except np.linalg.LinAlgError:
            return None
    if not (np.all(np.isfinite(theta)) and np.all(np.isfinite(cov))):
        return None
    return QuasiPoissonFit(names, theta, cov, phi, df)


def _penalised_newton(y: FloatArray, X: FloatArray, offset: FloatArray, mean: FloatArray,
                      precision: FloatArray, theta: FloatArray, max_iterations: int) -> FloatArray:
    """Newton–Raphson for max Σ(y·η − e^η) − ½(θ − m)ᵀP(θ − m), η = offset + Xθ (concave). Stops once the
    Newton decrement (the gain the step promises) is below 1e-10 of the objective, as IRLS stops on
    the deviance, so that an empty group ends at a large finite coefficient with a huge SE rather than
    running off to −∞."""
    for _ in range(max_iterations):
        eta = np.clip(offset + X @ theta, -700, 700)
        mu = np.exp(eta)
        objective = float(np.sum(y * eta - mu) - 0.5 * (theta - mean) @ precision @ (theta - mean))
        score = X.T @ (y - mu) - precision @ (theta - mean)
        step = np.linalg.solve(X.T @ (mu[:, None] * X) + precision, score)
        theta = theta + np.clip(step, -3.0, 3.0)
        if 0.5 * float(score @ step) <= 1e-10 * (abs(objective) + 1):
            break  # after this last step the estimate is exact to rounding where the maximum exists
    return theta


def _dispersion(y: FloatArray, mu: FloatArray, df: float, groups: npt.NDArray[np.int_] | None,
                p_eff: float) -> tuple[float, float]:
    """Nightly Pearson dispersion, raised to that of the group totals when larger (see above). Returns
    the dispersion and, when the group one is used, its degrees of freedom G − p_eff (else 0)."""
    phi = float(np.sum((y - mu) ** 2 / mu)) / df
    if groups is None:
        return phi, 0.0
    index = np.unique(groups, return_inverse=True)[1]
    spare = int(index.max()) + 1 - p_eff if index.size else 0.0
    if spare < 1:
        return phi, 0.0
    totals, expected = np.bincount(index, y - mu), np.bincount(index, mu)
    grouped = float(np.sum(totals ** 2 / expected)) / spare
    return (grouped, float(spare)) if grouped > phi else (phi, 0.0)
