"""How many nights a stretching comparison needs: the closed forms of statistics.md section 3.1.

Each function answers "how many nights (or periods) in all, split equally between stretching and not
stretching, would give a two-sided test at level ``alpha`` the chance ``power`` of showing a true rate
ratio ``rr``", from a Wald test on the log rate ratio. They are planning figures, not guarantees: they
take the current cramp rate as known.

>>> round(nights_needed_poisson(1.0, 0.6))
160
>>> round(nights_needed_nb(1.0, 0.6, k=1.0))
281
"""

from __future__ import annotations

import math

from scipy import special


def wald_constant(alpha: float = 0.05, power: float = 0.8) -> float:
    """c = (z_{1-alpha/2} + z_{power})², 7.849 for a two-sided 5% test with 80% power."""
    if not (0 < alpha < 1 and 0 < power < 1):
        raise ValueError("alpha and power must lie strictly between 0 and 1")
    return float((special.ndtri(1 - alpha / 2) + special.ndtri(power)) ** 2)


def nights_needed_quasi(rate_a: float, rr: float, dispersion: float = 1.0, *, alpha: float = 0.05,
                        power: float = 0.8) -> float:
    """Total nights N = 2n when the variance of a count is ``dispersion`` times its mean (quasi-Poisson):
    n = c · φ · (1/λ_A + 1/λ_B) / (ln RR)², with λ_B = RR·λ_A; ``rate_a`` is λ_A, cramps per night
    without stretching. ``dispersion`` 1 is the Poisson case. Infinite when there is nothing to detect."""
    _check(rate_a, rr)
    if not dispersion > 0:
        raise ValueError("dispersion must be positive")
    if rr == 1:
        return math.inf
    n = wald_constant(alpha, power) * dispersion * (1 / rate_a + 1 / (rr * rate_a)) / math.log(rr) ** 2
    return 2 * n


def nights_needed_poisson(rate_a: float, rr: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Total nights for independent Poisson nights: 2 · c · (1/λ_A + 1/λ_B) / (ln RR)²."""
    return nights_needed_quasi(rate_a, rr, 1.0, alpha=alpha, power=power)


def nights_needed_nb(rate_a: float, rr: float, k: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Total nights when nights are negative binomial with shape ``k`` (Var = μ + μ²/k):
    2 · c · (1/λ_A + 1/λ_B + 2/k) / (ln RR)²."""
    _check(rate_a, rr)
    if not k > 0:
        raise ValueError("k must be positive")
    if rr == 1:
        return math.inf
    n = wald_constant(alpha, power) * (1 / rate_a + 1 / (rr * rate_a) + 2 / k) / math.log(rr) ** 2
    return 2 * n


def periods_needed_frailty(rate_a: float, rr: float, period_nights: int, k_period: float, *,
                           alpha: float = 0.05, power: float = 0.8) -> float:
    """Total periods (both arms) when each period of ``period_nights`` nights shares a gamma frailty of
    shape ``k_period``: 2 · c · (1/(Lλ_A) + 1/(Lλ_B) + 2/k_p) / (ln RR)². The 2/k_p term does not shrink
    with longer periods: once nights in a period go together, periods are the currency."""
    _check(rate_a, rr)
    if period_nights < 1 or not k_period > 0:
        raise ValueError("period_nights must be at least 1 and k_period positive")
    if rr == 1:
        return math.inf
    length = float(period_nights)
    per_arm = wald_constant(alpha, power) * (1 / (length * rate_a) + 1 / (length * rr * rate_a)
                                             + 2 / k_period) / math.log(rr) ** 2
    return 2 * per_arm


def _check(rate_a: float, rr: float) -> None:
    if not (rate_a > 0 and math.isfinite(rate_a)):
        raise ValueError("the cramp rate must be a positive number of cramps per night")
    if not (rr > 0 and math.isfinite(rr)):
        raise ValueError("the rate ratio must be a positive number")
