"""Does stretching go with fewer cramps, when the nights were not randomised? (statistics.md §2.4)

"I started stretching on 1 August", or a diary with some stretched and some unstretched nights, is
analysed as an interrupted time series: a quasi-Poisson GLM on the logged nights whose stretching is
known (unlogged nights are left out, never read as zero; nights with unknown stretching are dropped)::

    log E[cramps_t] = α + β·stretched_t + g·years_t + a·cos(ω·d_t) + b·sin(ω·d_t)

* ``years_t`` is a slow linear trend (natural improvement happens without treatment).
* Season: once the nights span a year, (a, b) are the person's own cosinor terms, estimated freely
  (see :func:`~nightcramp.stats.model.covers_a_year`). Before that the season cannot be
  estimated from the diary, and a person's own season is not the population's (statistics.md §4.1:
  the population curve is "the cohort prior, not a fact about the user"; §4.3: user-level random
  amplitudes). So (a, b) get a Gaussian prior centred on the population curve (peak 15 July, log
  amplitude A = ln 2 / 2, Garrison et al. 2015), SD A for each of a and b: a person with no season at
  all, or with a season as strong as the population's at any other phase, is about one SD away.
  The prior's uncertainty is carried into the interval (§2.4: "seasonal terms (a cohort prior on
  amplitude and phase)").
* Trend: while the nights span less than a year a free trend is nearly collinear with a before/after
  step and makes the interval several times wider. It gets a deliberately vague prior N(0, 3²) per year
  (a doubling or halving within about three months is one SD; the trends in statistics.md §4.2 and §8.2
  are −0.3 to −0.5 per year). A narrower prior (1 per year) let the decay of a bad spell before
  install (regression to the mean) pass as an effect of stretching in the benchmark (cell B04).
* Regression to the mean: people start logging, and start stretching, after a bad spell. The first
  7 nights after logging began and the first 7 nights after the stretching start are left out. That
  does not remove it (§2.4: nothing observational does): after a top-10% week the benchmark's estimate
  is still about −0.12 on the log scale too low (cell B04, as the oracle's), but its interval keeps the
  stated 5% error rate there.
* The variance is φ·mean, φ the Pearson dispersion of the nights or, when larger, of the weekly
  totals: nights within a bad spell are positively correlated (statistics.md §1, §2.4 "serial
  correlation, which makes naive SEs too small") and the nightly dispersion cannot see it. Intervals
  and tests use t with the degrees of freedom of the dispersion used: n − p_eff for the nightly one,
  G − p_eff for the weekly one (G weeks; p_eff: the effective number of parameters). A weekly
  dispersion is estimated from a handful of weeks, and referring it to the nights' n − p_eff let a
  long bad spell pass as an effect of stretching (benchmark cell B06: 6.4% false findings).

Whatever it finds is labelled "suggestive": without randomisation a habit started at the same time as
something else (a new mattress, a warmer month than usual) cannot be told apart from it. The randomised
personal experiment is the way to a firm answer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy import stats as sps

from nightcramp.stats.base import Nights, Result, Verdict
from nightcramp.stats.model import (
    OMEGA,
    POPULATION_AMPLITUDE,
    POPULATION_PEAK_DAY,
    QuasiPoissonFit,
    covers_a_year,
    fit_penalised_quasi_poisson,
    trend_years,
    weeks_of,
)

RTM_EXCLUDED_NIGHTS = 7
MIN_NIGHTS_PER_GROUP = 14
MAX_CI_RATIO = 16.0  # an interval whose upper end is more than 16 times its lower end says nothing yet
TARGET_RATE_RATIO = 0.6  # Hallegraeff et al. 2012: the trial's effect, the size worth being able to see
POWER = 0.80
ALPHA = 0.05
NIGHTS_PER_MONTH = 365.25 / 12
# Priors used while the nights span less than a year (see the module docstring).
SEASON_PRIOR_SD = POPULATION_AMPLITUDE  # per cosinor coefficient, around the population curve
TREND_PRIOR_SD = 3.0  # log rate per year


@dataclass(frozen=True)
class ObservationalResult(Result):
    """The stretching estimate from non-randomised nights (same field names as the experiment result).

    * ``rate_ratio``: cramps on a stretched night divided by cramps on an unstretched one, after allowing
      for season and trend (0.7 = 30% fewer); ``ci95`` its 95% interval; ``p_value`` the two-sided test
      of "no difference".
    * ``prob_benefit``: the probability that stretching goes with fewer cramps (rate ratio below 1),
      read from the t approximation of the estimate (a flat-prior posterior). It cannot account for
      anything that changed together with stretching.
    * ``cramps_avoided_per_month``: the unstretched cramp rate × (1 − rate ratio) × 30.4 nights;
      negative means more cramps on stretched nights.
    * ``verdict``: helps / worse when the interval excludes 1, no_clear_effect otherwise, and
      not_enough_data (withheld) with fewer than 14 analysable nights in either group, no cramps, a
      model that cannot be fitted, or an interval whose ends are more than 16-fold apart.
    * ``nights_needed``: about how many more analysable nights (at the current mix of stretched and
      unstretched nights, rate and dispersion) give an 80% chance of telling a 40% reduction
      (rate ratio 0.6) from none, by the §3.1 formula; 0 when there are already enough.
    * ``label`` is always "suggestive"; ``seasonal_adjustment`` says which season model was used:
      "population" (under a year: the prior centred on the population curve) or "own".
    """

    design: str
    label: str
    verdict: Verdict
    reason: str
    nights: int
    cramps: float
    nights_stretched: int
    nights_unstretched: int
    excluded_nights: int
    start: date | None
    rate_ratio: float
    ci95: tuple[float, float] | None
    p_value: float
    prob_benefit: float
    cramps_avoided_per_month: float
    nights_needed: int | None
    dispersion: float
    seasonal_adjustment: str


def analyse_observational(nights: Nights, *, start: date | None = None) -> ObservationalResult:
    """Estimate the stretching rate ratio from the diary's own stretched and unstretched nights.

    ``start`` is the day the person started stretching; without it the first stretched night that
    follows an unstretched logged night is taken as the start.
    """
    known = nights.logged & ~np.isnan(nights.stretched)
    start_index = _start_index(nights, known, start)
    excluded = _rtm_window(nights, start_index)
    rows = known & ~excluded
    x, y = nights.stretched[rows], nights.cramps[rows]
    own_season = covers_a_year(nights, rows)
    groups = int((x == 1).sum()), int((x == 0).sum())
    fit = _fit(nights, rows, own_season=own_season) if min(groups) > 0 else None
    rate_a = _unstretched_rate(nights, rows, known)
    dispersion = fit.dispersion if fit else math.nan
    needed = _nights_needed(rate_a, groups, dispersion)
    withheld = ObservationalResult(
        design="observational", label="suggestive", verdict=Verdict.NOT_ENOUGH_DATA,
        reason=_shortfall(groups, float(y.sum())) or "the model could not be fitted to these nights",
        nights=int(rows.sum()), cramps=float(y.sum()), nights_stretched=groups[0],
        nights_unstretched=groups[1],
        excluded_nights=int((known & excluded).sum()),
        start=nights.dates[start_index] if start_index is not None else start, rate_ratio=math.nan, ci95=None,
        p_value=math.nan, prob_benefit=math.nan, cramps_avoided_per_month=math.nan, nights_needed=needed,
        dispersion=math.nan, seasonal_adjustment="own" if own_season else "population")
    if fit is None:
        return withheld
    beta, se = fit.estimate("stretched"), fit.se("stretched")
    low, high = fit.ci95("stretched")
    p = fit.p_value("stretched")
    verdict, reason = _verdict(groups, float(y.sum()), low, high, p, beta)
    return replace(
        withheld, verdict=verdict, reason=reason,
        rate_ratio=_exp(beta), ci95=(_exp(low), _exp(high)), p_value=p,
        prob_benefit=float(sps.t.cdf(-beta / se, fit.df_resid)),
        cramps_avoided_per_month=rate_a * (1 - _exp(beta)) * NIGHTS_PER_MONTH,
        dispersion=dispersion)


def _fit(nights: Nights, rows: npt.NDArray[np.bool_], *, own_season: bool) -> QuasiPoissonFit | None:
    """The GLM of the module docstring on ``rows``: own cosinor and free trend after a year, the priors
    before; the dispersion allows for bad weeks (weeks counted from the first analysed night), with
    the degrees of freedom of the one used."""
    d = nights.day_of_year[rows]
    columns = {"stretched": nights.stretched[rows], "trend": trend_years(nights, rows)[rows],
               "season_cos": np.cos(OMEGA * d), "season_sin": np.sin(OMEGA * d)}
    priors = {} if own_season else {
        "trend": (0.0, TREND_PRIOR_SD),
        "season_cos": (POPULATION_AMPLITUDE * math.cos(OMEGA * POPULATION_PEAK_DAY), SEASON_PRIOR_SD),
        "season_sin": (POPULATION_AMPLITUDE * math.sin(OMEGA * POPULATION_PEAK_DAY), SEASON_PRIOR_SD)}
    return fit_penalised_quasi_poisson(nights.cramps[rows], columns, priors=priors, groups=weeks_of(rows))


def _exp(value: float) -> float:
    """exp that gives infinity rather than an error for the huge values of a nearly empty group."""
    return math.exp(value) if value < 700 else math.inf


def _start_index(nights: Nights, known: npt.NDArray[np.bool_], start: date | None) -> int | None:
    if start is not None:
        later = [i for i, d in enumerate(nights.dates) if d >= start]
        return later[0] if later and start >= nights.dates[0] else None
    unstretched = np.cumsum(known & (nights.stretched == 0))
    after_unstretched = np.concatenate([[False], unstretched[:-1] > 0])
    candidates = np.flatnonzero(known & (nights.stretched == 1) & after_unstretched)
    return int(candidates[0]) if candidates.size else None


def _rtm_window(nights: Nights, start_index: int | None) -> npt.NDArray[np.bool_]:
    """The first 7 calendar nights after logging began and after the stretching start."""
    excluded = np.zeros(len(nights), dtype=bool)
    logged = np.flatnonzero(nights.logged)
    begins = [int(logged[0])] if logged.size else []
    for begin in begins + ([start_index] if start_index is not None else []):
        excluded[begin:begin + RTM_EXCLUDED_NIGHTS] = True
    return excluded


def _unstretched_rate(nights: Nights, rows: npt.NDArray[np.bool_], known: npt.NDArray[np.bool_]) -> float:
    """Cramps per unstretched analysable night; the pooled rate of known nights when there are none."""
    for use in (rows & (nights.stretched == 0), known):
        if use.any():
            return float(nights.cramps[use].mean())
    return math.nan


def _nights_needed(rate_a: float, groups: tuple[int, int], dispersion: float) -> int | None:
    """§3.1 with unequal allocation and quasi-Poisson variance φ·μ:
    N = c·φ·(1/(f·λ_B) + 1/((1 − f)·λ_A)) / (ln RR)², λ_B = RR·λ_A, c = (z_{0.975} + z_{0.80})²,
    at the current stretched fraction f (one half while a group is still empty), and never fewer than
    14 nights in each group. Returns the shortfall against the nights analysed now."""
    if not (math.isfinite(rate_a) and rate_a > 0):
        return None
    n_now = sum(groups)
    f = groups[0] / n_now if min(groups) > 0 else 0.5
    c = (sps.norm.ppf(1 - ALPHA / 2) + sps.norm.ppf(POWER)) ** 2
    phi = max(1.0, dispersion) if math.isfinite(dispersion) else 1.0
    rate_b = TARGET_RATE_RATIO * rate_a
    total = c * phi * (1 / (f * rate_b) + 1 / ((1 - f) * rate_a)) / math.log(TARGET_RATE_RATIO) ** 2
    total = max(total, MIN_NIGHTS_PER_GROUP / min(f, 1 - f))
    return max(0, math.ceil(total - n_now))


def _shortfall(groups: tuple[int, int], cramps: float) -> str:
    if min(groups) < MIN_NIGHTS_PER_GROUP:
        return (f"needs at least {MIN_NIGHTS_PER_GROUP} analysable nights with and without stretching "
                f"(now {groups[0]} with, {groups[1]} without)")
    if cramps <= 0:
        return "no cramps on the analysable nights, so there is nothing to compare yet"
    return ""


def _verdict(groups: tuple[int, int], cramps: float, low: float, high: float, p: float,
             beta: float) -> tuple[Verdict, str]:
    shortfall = _shortfall(groups, cramps)
    if shortfall:
        return Verdict.NOT_ENOUGH_DATA, shortfall
    if high - low > math.log(MAX_CI_RATIO):
        return Verdict.NOT_ENOUGH_DATA, "the interval is still far too wide to say anything"
    if p < ALPHA:
        return ((Verdict.HELPS, "fewer cramps on stretched nights than chance would explain (suggestive)")
                if beta < 0 else
                (Verdict.WORSE, "more cramps on stretched nights than chance would explain (suggestive)"))
    return Verdict.NO_CLEAR_EFFECT, "no clear difference between stretched and unstretched nights so far"
