"""What goes with more cramps in my data? Factor × lag associations with false-discovery control (§5).

For each factor and lag ℓ (0 = the same evening, 1 = the evening before, …) a separate quasi-Poisson
GLM of the night's cramps on the factor ℓ nights earlier, with a slow linear trend and the seasonal
adjustment of :func:`~nightcramp.stats.seasonality.seasonal_adjustment` (the population curve while the
nights span less than a year, the person's own cosinor after). Unlogged nights are left out, never read
as zero; so are nights where the lagged factor was not recorded.

* A factor recorded only as 0/1 (alcohol yes/no, a medication period) is used as it is: the rate ratio
  compares nights with it to nights without.
* Any other factor (sitting hours, exercise minutes) is standardised over the nights used: the rate
  ratio is per standard deviation, and ``sd`` says how much one SD is in the factor's own units.

The p-values of all factor × lag tests are adjusted together by Benjamini–Hochberg; a test is
``flagged`` when its q-value is at most ``q`` (0.10). An association is a hypothesis, never a cause:
"goes with more cramps in your data (could be chance or a third factor)".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from nightcramp.stats.base import FloatArray, Nights, Result
from nightcramp.stats.model import fit_quasi_poisson, seasonal_adjustment, trend_years

MIN_NIGHTS = 28  # logged nights with the lagged factor recorded
MIN_NIGHTS_PER_LEVEL = 7  # for 0/1 factors: nights with and without


@dataclass(frozen=True)
class FactorItem(Result):
    """One factor at one lag.

    * ``rate_ratio``: how many times as many cramps go with the factor (per SD when ``scale`` is
      "per_sd", yes-vs-no when it is "yes_vs_no"), after season and trend; ``ci95`` its 95% interval.
    * ``p_value``: the test of "no association"; ``q_value``: the Benjamini–Hochberg adjusted value
      across all tests that were run; ``flagged``: q_value ≤ the threshold.
    * ``skipped``: why no test was run (too few nights, no variation); then the numbers are NaN/None.
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
    """All factor × lag associations, with the q threshold used and how many tests it was applied to."""

    q: float
    tests: int
    items: tuple[FactorItem, ...]


def analyse_factors(nights: Nights, names: Sequence[str], lags: Sequence[int] = (0, 1, 2),
                    q: float = 0.10) -> FactorsResult:
    """Test every factor in ``names`` at every lag, then control the false-discovery rate at ``q``."""
    raw = [_one(nights, name, lag) for name in names for lag in lags]
    tested = [i for i, item in enumerate(raw) if not item.skipped]
    qvalues = benjamini_hochberg(np.array([raw[i].p_value for i in tested]))
    items = list(raw)
    for i, qv in zip(tested, qvalues, strict=True):
        items[i] = replace(raw[i], q_value=float(qv), flagged=bool(qv <= q))
    return FactorsResult(q=q, tests=len(tested), items=tuple(items))


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
    when = "the same evening" if item.lag == 0 else f"{item.lag} evening{'s' if item.lag > 1 else ''} before"
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


def _one(nights: Nights, name: str, lag: int) -> FactorItem:
    values = nights.factors.get(name)
    if values is None:
        return _skip(name, lag, "this factor was never recorded", "per_sd", 0)
    x = lagged(np.asarray(values, dtype=float), lag)
    rows = nights.logged & ~np.isnan(x)
    binary = bool(rows.any()) and bool(np.isin(x[rows], (0.0, 1.0)).all())  # no values: not "yes/no"
    scale = "yes_vs_no" if binary else "per_sd"
    n = int(rows.sum())
    reason = _too_little(x[rows], binary, float(nights.cramps[rows].sum()))
    if reason:
        return _skip(name, lag, reason, scale, n)
    sd = 1.0 if binary else float(np.std(x[rows], ddof=1))
    exposure = x[rows] if binary else (x[rows] - float(x[rows].mean())) / sd
    season = seasonal_adjustment(nights, rows)
    columns = {"factor": exposure, "trend": trend_years(nights, rows)[rows]}
    columns.update({k: v[rows] for k, v in season.columns.items()})
    fit = fit_quasi_poisson(nights.cramps[rows], columns, season.offset[rows])
    if fit is None:
        return _skip(name, lag, "the model could not be fitted", scale, n)
    low, high = fit.ci95("factor")
    return FactorItem(name=name, lag=lag, scale=scale, sd=sd, nights=n,
                      rate_ratio=math.exp(fit.estimate("factor")), ci95=(math.exp(low), math.exp(high)),
                      p_value=fit.p_value("factor"), q_value=math.nan, flagged=False, skipped="")


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
