"""What goes with more cramps in my data? Factor × lag associations with false-discovery control (§5).

For each factor, one quasi-Poisson GLM of the night's cramps on the factor at every lag together (a
distributed-lag model; lag 0 = the same evening, 1 = the evening before, …), with a slow linear trend and
the seasonal adjustment of :func:`~nightcramp.stats.seasonality.seasonal_adjustment` (the population curve
while the nights span less than a year, the person's own cosinor after). Each lag's rate ratio is then
the one with the other lags held fixed, so an effect of yesterday's exercise is not also reported as one
of today's when people who exercise one day often do the next. Unlogged nights are left out, never read
as zero; so are nights where the factor was not recorded at one of the lags.

* A factor recorded only as 0/1 (alcohol yes/no, a medication period) is used as it is: the rate ratio
  compares nights with it to nights without.
* Any other factor (sitting hours, exercise minutes) is standardised over the nights used: the rate
  ratio is per standard deviation, and ``sd`` says how much one SD is in the factor's own units.
* A lag that is almost the same series as a shorter one (correlation ≥ 0.9: a medication taken for
  months is the same at lag 0 and lag 2 but for two nights) cannot be told apart from it; it is not
  tested, and says so.

One test per factor decides whether it is flagged: the F test of all its lags together. Those p-values
are adjusted across factors by Benjamini–Hochberg, and a factor is flagged when its q-value is at most
the threshold: ``Q`` (0.05), or ``FALSE_LEADS_PER_YEAR`` × the years of logged nights when that is
smaller (diaries under half a year), so that false leads stay well under 0.2 per year of diary
(statistics.md §8; 0.10 across nine separate factor × lag tests gave 0.5 to 0.9 a year, mostly the
neighbouring lags of a real effect, and short diaries gather false leads fastest). A flagged factor is
flagged at one lag only, the one with the strongest evidence. An association is a hypothesis, never a
cause: "goes with more cramps in your data (could be chance or a third factor)".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from nightcramp.stats.base import FloatArray, Nights, Result
from nightcramp.stats.model import fit_quasi_poisson, seasonal_adjustment, trend_years

MIN_NIGHTS = 28  # logged nights with the factor recorded at every lag
MIN_NIGHTS_PER_LEVEL = 7  # for 0/1 factors: nights with and without
SAME_SERIES = 0.9  # a lag this correlated with a shorter one is not told apart from it
Q = 0.05  # the q-value threshold (BH across factors)
FALSE_LEADS_PER_YEAR = 0.10  # the threshold for a diary of y years is min(Q, this × y)


@dataclass(frozen=True)
class FactorItem(Result):
    """One factor at one lag.

    * ``rate_ratio``: how many times as many cramps go with the factor (per SD when ``scale`` is
      "per_sd", yes-vs-no when it is "yes_vs_no") at this lag, with its other lags, season and trend
      held fixed; ``ci95`` its 95% interval; ``p_value`` the test of "no association at this lag".
    * ``q_value``: the factor's, all its lags together (Benjamini–Hochberg across factors), the same on
      each of its lags; ``flagged``: the factor's q-value is at most the threshold and this is the lag
      with the smallest p-value (so a factor is flagged once).
    * ``skipped``: why no test was run (too few nights, no variation, the same as a shorter lag); then
      the numbers are NaN/None.
    """

    name: str
    lag: int
    scale: str
    sd: float
    nights: int
    rate_ratio: float
    ci95: tuple[float, float] | None
    p_value: float
    q_value: float
    flagged: bool
    skipped: str


@dataclass(frozen=True)
class FactorsResult(Result):
    """All factor × lag associations; ``q`` the threshold used and ``tests`` how many factors it was
    applied to (one test per factor, all its lags together)."""

    q: float
    tests: int
    items: tuple[FactorItem, ...]


def threshold(nights: Nights, q: float = Q) -> float:
    """The q-value threshold for this diary: q, or FALSE_LEADS_PER_YEAR × its years when smaller."""
    years = int(nights.logged.sum()) / 365.25
    return min(q, FALSE_LEADS_PER_YEAR * years)


def analyse_factors(nights: Nights, names: Sequence[str], lags: Sequence[int] = (0, 1, 2),
                    q: float = Q) -> FactorsResult:
    """Test every factor in ``names`` (all ``lags`` in one model), then control the false-discovery rate
    across factors at :func:`threshold`."""
    lags = tuple(sorted(set(lags)))
    per_factor = [_factor(nights, name, lags) for name in names]
    tested = [i for i, (_, joint_p) in enumerate(per_factor) if not math.isnan(joint_p)]
    level = threshold(nights, q)
    qvalues = benjamini_hochberg(np.array([per_factor[i][1] for i in tested]))
    items: list[FactorItem] = []
    q_of = dict(zip(tested, qvalues, strict=True))
    for i, (factor_items, _) in enumerate(per_factor):
        if i not in q_of:
            items.extend(factor_items)
            continue
        qv = float(q_of[i])
        run = [it for it in factor_items if not it.skipped]
        best = min(run, key=lambda it: it.p_value)
        items.extend(replace(it, q_value=qv, flagged=bool(qv <= level and it is best)) if not it.skipped
                     else it for it in factor_items)
    return FactorsResult(q=level, tests=len(tested), items=tuple(items))


def benjamini_hochberg(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini–Hochberg q-values: q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1, in input order."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return np.zeros(0)
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    monotone = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(monotone, 1.0)
    return out


def describe(item: FactorItem) -> str:
    """One plain sentence for a result; associations only, never causes."""
    when = _when(item.lag)
    if item.skipped:
        return f"{item.name} ({when}): not tested, {item.skipped}."
    unit = "on nights with it" if item.scale == "yes_vs_no" else "per standard deviation more"
    assert item.ci95 is not None
    low, high = item.ci95
    numbers = f"{item.rate_ratio:.2f} times the cramps {unit} (95% interval {low:.2f} to {high:.2f})"
    if not item.flagged:
        return f"{item.name} ({when}): no clear link with your cramps so far; {numbers}."
    more = "more" if item.rate_ratio > 1 else "fewer"
    return (f"{item.name} ({when}) goes with {more} cramps in your data: {numbers}. This could be chance or "
            "a third factor; it is a lead to test, not a proven trigger.")


def lagged(values: FloatArray, lag: int) -> FloatArray:
    """The factor as it was ``lag`` calendar nights earlier (NaN where that night is before the diary)."""
    if lag == 0:
        return values.copy()
    return np.concatenate([np.full(min(lag, len(values)), np.nan), values[:-lag]])[:len(values)]


def _factor(nights: Nights, name: str, lags: tuple[int, ...]) -> tuple[list[FactorItem], float]:
    """The items of one factor (one per lag) and the p-value of all its tested lags together (NaN when
    none could be tested)."""
    values = nights.factors.get(name)
    if values is None:
        return [_skip(name, lag, "this factor was never recorded", "per_sd", 0) for lag in lags], math.nan
    series = {lag: lagged(np.asarray(values, dtype=float), lag) for lag in lags}
    rows = nights.logged.copy()
    for x in series.values():
        rows &= ~np.isnan(x)
    n = int(rows.sum())
    recorded = np.asarray(values, dtype=float)[~np.isnan(np.asarray(values, dtype=float))]
    binary = recorded.size > 0 and bool(np.isin(recorded, (0.0, 1.0)).all())  # no values: not "yes/no"
    scale = "yes_vs_no" if binary else "per_sd"
    reason = _too_little(series[lags[0]][rows], binary, float(nights.cramps[rows].sum()))
    if reason:
        return [_skip(name, lag, reason, scale, n) for lag in lags], math.nan
    sd = 1.0 if binary else float(np.std(series[lags[0]][rows], ddof=1))
    kept: list[int] = []
    same_as: dict[int, int] = {}
    for lag in lags:
        x = series[lag][rows]
        few = binary and min(int((x == 1).sum()), int((x == 0).sum())) < MIN_NIGHTS_PER_LEVEL
        if np.ptp(x) == 0 or few:
            same_as[lag] = -1
            continue
        twin = next((k for k in kept if abs(float(np.corrcoef(x, series[k][rows])[0, 1])) >= SAME_SERIES),
                    None)
        if twin is None:
            kept.append(lag)
        else:
            same_as[lag] = twin
    if not kept:
        return [_skip(name, lag, "it hardly varied", scale, n) for lag in lags], math.nan
    season = seasonal_adjustment(nights, rows)
    columns = {f"lag{lag}": _scaled(series[lag][rows], binary, sd)
               for lag in kept}
    columns["trend"] = trend_years(nights, rows)[rows]
    columns.update({k: v[rows] for k, v in season.columns.items()})
    fit = fit_quasi_poisson(nights.cramps[rows], columns, season.offset[rows])
    if fit is None:
        return [_skip(name, lag, "the model could not be fitted", scale, n) for lag in lags], math.nan
    items = []
    for lag in lags:
        if lag in same_as:
            twin = same_as[lag]
            why = ("it hardly varied at this lag" if twin < 0 else
                   f"at this lag it is almost the same series as {_when(twin)}, and cannot be told apart")
            items.append(_skip(name, lag, why, scale, n))
            continue
        key = f"lag{lag}"
        low, high = fit.ci95(key)
        items.append(FactorItem(name=name, lag=lag, scale=scale, sd=sd, nights=n,
                                rate_ratio=math.exp(fit.estimate(key)), ci95=(math.exp(low), math.exp(high)),
                                p_value=fit.p_value(key), q_value=math.nan, flagged=False, skipped=""))
    return items, fit.joint_f_test(tuple(f"lag{lag}" for lag in kept))


def _scaled(x: FloatArray, binary: bool, sd: float) -> FloatArray:
    return x if binary else (x - float(x.mean())) / sd


def _when(lag: int) -> str:
    return "the same evening" if lag == 0 else f"{lag} evening{'s' if lag > 1 else ''} before"


def _too_little(x: FloatArray, binary: bool, cramps: float) -> str:
    if x.size < MIN_NIGHTS:
        return f"only {x.size} logged nights with it recorded (at least {MIN_NIGHTS} needed)"
    if np.ptp(x) == 0:
        return "it never varied"
    if binary and min(int((x == 1).sum()), int((x == 0).sum())) < MIN_NIGHTS_PER_LEVEL:
        return f"fewer than {MIN_NIGHTS_PER_LEVEL} nights with or without it"
    if cramps <= 0:
        return "no cramps on those nights"
    return ""


def _skip(name: str, lag: int, reason: str, scale: str, n: int) -> FactorItem:
    return FactorItem(name=name, lag=lag, scale=scale, sd=math.nan, nights=n, rate_ratio=math.nan, ci95=None,
                      p_value=math.nan, q_value=math.nan, flagged=False, skipped=reason)
