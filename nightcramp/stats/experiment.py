"""The randomised personal experiment: a plan of paired periods, and the analysis of what happened.

**Plan.** Nights are grouped in periods of ``period_nights`` nights, numbered 1, 2, 3, …; periods 1-2,
3-4, … form pairs, and a fair coin (``numpy.random.default_rng(seed)``) decides, pair by pair, whether
stretching comes first or second. Each pair therefore compares a stretching period with a neighbouring
period without stretching, which keeps slow drifts and seasons out of the comparison (statistics.md
§2.1). The first ``washout_nights`` nights of each period can be set aside, so that the previous
period's habit has worn off before nights count.

**Analysis** (statistics.md §2.3, items 3, 4 and 7). Nights count by the *planned* arm, whatever was
done (intention to treat, as statistics.md §2.1 asks for first). Nights that did not follow the plan (a
stretch on a night planned without, none on a night planned with) are counted and reported beside the
result (:func:`plan_deviations`), never moved to the other arm. Only logged nights count, each as one
night of exposure: a night without an entry is unknown, never a night without cramps. Within pair j,
given the S_j cramps of the pair, the cramps of the stretching period are Binomial(S_j, π_j) with
π_j = n_Bj·RR / (n_Bj·RR + n_Aj), where n_Bj and n_Aj are the logged nights with and without stretching. The
rate ratio RR is estimated by maximising this conditional likelihood (the same estimate as a Poisson GLM
with one intercept per pair and an offset of log nights), and its standard error is widened by the
dispersion between the J pairs that hold any cramp ("CPQ"). That dispersion is the leverage-corrected
sandwich (CR2) one, φ̂ = Σ_j r_j²/(1 − h_j) / Σ_j v_j, with r_j = Y_Bj − S_j π_j,
v_j = S_j π_j (1 − π_j) and h_j = v_j / Σ v, referred to a t distribution with the Satterthwaite degrees
of freedom (Σ v)²/Σ v² · (J − 1)/J (J − 1 when the pairs weigh the same). Unlike the Pearson
dispersion (the mean of r_j²/v_j), it stays right when a bad period inflates the variance of a pair's
count with the square of its size rather than in proportion to it, as per-period frailty does
(statistics.md §2.3 item 4): pairs with many cramps weigh more in the estimate and also in the
dispersion. With a cohort dispersion
``phi0`` the dispersion is shrunk towards it ("CPQ-EB").
The pairs' totals say how much the person's nights vary too: the dispersion of neighbouring pairs'
rates (:func:`pair_total_dispersion`) is pooled with the within-pair one, which adds about two thirds
of J − 1 degrees of freedom (:func:`nightcramp.stats.model.pooled_dispersion`).
An exact randomisation test that flips the order within pairs is reported alongside: it needs no model
of the counts at all, only the coin flips of the plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from scipy import special

from nightcramp.stats.base import Arm, FloatArray, Nights, Result, Verdict
from nightcramp.stats.carryover import CarryOverResult, analyse_carry_over
from nightcramp.stats.model import pooled_dispersion
from nightcramp.stats.power import nights_needed_quasi

ARMS: tuple[Arm, Arm] = ("stretch", "no_stretch")
MIN_PAIRS = 6
TARGET_RATE_RATIO = 0.7  # the effect nights_needed plans for: 30% fewer cramps
MEANINGFUL_RATE_RATIO = 0.8  # "helps meaningfully": at least 20% fewer cramps
ENUMERATE_UP_TO = 16  # pairs; beyond this the randomisation test samples allocations
MONTE_CARLO_ALLOCATIONS = 20_000


class ExperimentError(ValueError):
    """A plan that cannot work, or experiment columns that contradict themselves."""


# --- the plan -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One period of the plan: every night from ``first`` to ``last`` (evenings) follows ``arm``; the
    first ``washout_nights`` of them are lived by the plan but left out of the analysis."""

    number: int
    arm: Arm
    first: date
    last: date
    washout_nights: int = 0

    @property
    def pair(self) -> int:
        """Pair number: periods 1-2 are pair 1, periods 3-4 pair 2, and so on."""
        return (self.number + 1) // 2

    @property
    def dates(self) -> tuple[date, ...]:
        return tuple(self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1))

    def is_washout(self, night: date) -> bool:
        """True for the first ``washout_nights`` nights of the period (excluded from analysis)."""
        return self.first <= night < self.first + timedelta(days=self.washout_nights)


@dataclass(frozen=True)
class ExperimentPlan:
    """A schedule of paired periods. ``seed`` reproduces it: ``plan_experiment(..., seed=plan.seed)``."""

    start: date
    period_nights: int
    washout_nights: int
    seed: int
    periods: tuple[Period, ...]

    @property
    def pairs(self) -> int:
        return len(self.periods) // 2

    @property
    def end(self) -> date:
        """The last night of the plan."""
        return self.periods[-1].last

    @property
    def nights(self) -> int:
        return len(self.periods) * self.period_nights

    def period_on(self, night: date) -> Period | None:
        """The period that holds this night, or None before the start or after the end."""
        index = (night - self.start).days // self.period_nights
        return self.periods[index] if 0 <= index < len(self.periods) else None

    def arm_on(self, night: date) -> Arm | None:
        """Tonight's assignment ("stretch" or "no_stretch"), or None outside the plan."""
        period = self.period_on(night)
        return period.arm if period else None

    def as_rows(self) -> list[dict[str, Any]]:
        """One row per night of the plan, in order: ``date``, ``experiment_period`` and ``planned`` (the
        nights.csv columns) and ``washout`` (whether the night is left out of the analysis)."""
        return [{"date": night, "experiment_period": period.number, "planned": period.arm,
                 "washout": period.is_washout(night)}
                for period in self.periods for night in period.dates]


def plan_experiment(start: date, pairs: int = 6, period_nights: int = 7, washout_nights: int = 0,
                    seed: int | None = None, *, allow_few_pairs: bool = False) -> ExperimentPlan:
    """Plan ``pairs`` pairs of ``period_nights``-night periods from the evening of ``start``, the order
    within each pair decided at random. Without a ``seed`` a fresh one is drawn and kept in the plan.

    Fewer than 6 pairs are refused unless ``allow_few_pairs``: the randomisation test over J pairs has
    2^J equally likely orders, so the smallest two-sided p it can reach is 2/2^J, which is below 0.05
    only from J = 6 (2/64 ≈ 0.031).

    >>> plan = plan_experiment(date(2026, 3, 1), seed=7)
    >>> plan.pairs, plan.nights, plan.end.isoformat()
    (6, 84, '2026-05-23')
    >>> sorted({plan.periods[0].arm, plan.periods[1].arm})
    ['no_stretch', 'stretch']
    """
    if pairs < 1 or period_nights < 1:
        raise ExperimentError("a plan needs at least one pair of periods of at least one night")
    if pairs < MIN_PAIRS and not allow_few_pairs:
        raise ExperimentError(
            f"{pairs} pairs are too few: with J pairs the smallest two-sided randomisation p-value is "
            f"2/2^J = {2 / 2 ** pairs:.3g}, so at least {MIN_PAIRS} pairs are needed to reach p < 0.05 "
            "(pass allow_few_pairs=True to plan fewer anyway)")
    if not 0 <= washout_nights < period_nights:
        raise ExperimentError("washout_nights must be at least 0 and leave at least one night per period")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    stretch_first = np.random.default_rng(seed).integers(0, 2, size=pairs).astype(bool)
    periods: list[Period] = []
    for pair, first_is_stretch in enumerate(stretch_first):
        order: tuple[Arm, Arm] = ARMS if first_is_stretch else (ARMS[1], ARMS[0])
        for k, arm in enumerate(order):
            number = 2 * pair + k + 1
            first = start + timedelta(days=(number - 1) * period_nights)
            periods.append(Period(number=number, arm=arm, first=first,
                                  last=first + timedelta(days=period_nights - 1),
                                  washout_nights=washout_nights))
    return ExperimentPlan(start=start, period_nights=period_nights, washout_nights=washout_nights,
                          seed=seed, periods=tuple(periods))


# --- the analysis -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StretchingResult(Result):
    """What the randomised experiment shows about stretching, in numbers a page can put into words.

    ``rate_ratio`` is cramps per night with stretching divided by cramps per night without (0.7 = 30%
    fewer), with ``ci95`` its 95% interval and ``p_value`` the CPQ test of "no difference".
    ``randomisation_p_value`` is the exact test that only assumes the plan's coin flips.
    ``prob_benefit`` is the probability that stretching helps at all (RR < 1) and ``prob_meaningful``
    that it cuts cramps by at least 20% (RR < 0.8); both read the estimate's t distribution as if it
    were a posterior under a flat prior on log RR, an approximation that matches the interval, not a
    full Bayesian model. ``cramps_avoided_per_month`` is 30 · (cramps per night without stretching) ·
    (1 − RR), with an interval from ``ci95`` that treats the no-stretching rate as known.
    ``nights_needed`` is about how many more logged nights of the experiment (washout nights included)
    would give 80% power to see a 30% cut at the current rate and dispersion (0 if there already are
    that many, so that any effect is likely smaller; None when the verdict is clear or the rate is
    unknown). ``build_up`` is the analysis of the same nights allowing for an effect that builds up and
    wears off over a few nights (a sensitivity check; the verdict is the plain analysis's).
    ``deviations`` counts the nights that did not follow the plan (of ``nights_answered`` with a known
    answer; ``deviations_stretched`` stretched on a night planned without, ``deviations_not_stretched``
    did not on a night planned with), which the analysis still counts as planned. Anything
    that cannot be estimated is NaN (``None`` in ``as_dict()``).
    """

    design: str
    method: str  # "cpq", or "cpq_eb" when the dispersion was shrunk towards a cohort value
    verdict: Verdict
    nights: int  # logged nights analysed: complete pairs, washout nights left out
    cramps: int  # cramps on those nights
    nights_no_stretch: int
    nights_stretch: int
    rate_no_stretch: float  # cramps per logged night, planned without stretching
    rate_stretch: float  # cramps per logged night, planned with stretching
    rate_ratio: float
    ci95: tuple[float, float]
    p_value: float
    randomisation_p_value: float
    randomisation_allocations: int  # orders compared: all 2^J, or a Monte Carlo sample
    randomisation_exact: bool
    prob_benefit: float
    prob_meaningful: float
    cramps_avoided_per_month: float
    cramps_avoided_ci95: tuple[float, float]
    log_rate_ratio: float
    se_log_rate_ratio: float
    dispersion: float  # variance of a pair's count over its Poisson variance (φ̂, or φ̃ when shrunk)
    within_pair_dispersion: float  # the CR2 dispersion of the split within pairs (φ̂_w)
    pair_total_dispersion: float  # dispersion of the pairs' cramp rates from one pair to the next (φ̂_s)
    nightly_dispersion: float  # Pearson dispersion of single nights around their period's mean
    df: float  # degrees of freedom of the t reference distribution (see model.pooled_dispersion)
    pairs_complete: int  # pairs with logged nights in both periods
    pairs_informative: int  # complete pairs with at least one cramp (the J of the formulas)
    adherence: float  # share of the nights_answered that followed the plan
    nights_answered: int  # the experiment's nights with a known answer to "did you stretch?"
    deviations: int  # of those, nights that did not follow the plan (still counted as planned)
    deviations_stretched: int  # stretched on a night planned without the stretch
    deviations_not_stretched: int  # did not stretch on a night planned with it
    washout_nights: int
    nights_needed: int | None
    target_rate_ratio: float = TARGET_RATE_RATIO
    build_up: CarryOverResult | None = None  # the same nights allowing for a build-up (carryover.py)

    @property
    def prior_covariates(self) -> tuple[float, float]:
        """What a cohort prior is matched on: cramps per informative pair and the nightly dispersion."""
        return _per_pair(self.cramps, self.pairs_informative), self.nightly_dispersion


def _per_pair(cramps: float, pairs: int) -> float:
    return cramps / pairs if pairs else math.nan


@dataclass(frozen=True)
class PairTotals:
    """Per complete pair: cramps (``y_*``) and logged, analysed nights (``n_*``) without (a) and with (b)
    stretching."""

    y_a: FloatArray
    y_b: FloatArray
    n_a: FloatArray
    n_b: FloatArray

    @property
    def informative(self) -> PairTotals:
        """The pairs holding at least one cramp; the others carry no information about the ratio."""
        keep = (self.y_a + self.y_b) > 0
        return PairTotals(self.y_a[keep], self.y_b[keep], self.n_a[keep], self.n_b[keep])

    def __len__(self) -> int:
        return len(self.y_a)


@dataclass(frozen=True)
class ConditionalFit:
    """The pair-stratified conditional Poisson fit: log RR, its Fisher information Σ v_j with
    v_j = S_j π_j(1−π_j), the CR2 dispersion Σ r_j²/(1 − h_j) / Σ v_j with r_j = Y_Bj − S_j π_j and
    h_j = v_j/Σ v (NaN with one pair), its Satterthwaite degrees of freedom (Σ v)²/Σ v² · (J−1)/J, and
    Pearson's X² = Σ r_j²/v_j for reference."""

    log_rr: float
    information: float
    dispersion: float
    df: float
    pearson: float


@dataclass(frozen=True)
class Deviations:
    """How the nights of an experiment followed its plan, over every night of it (logged or not, washout
    nights included, since they are lived by the plan too) whose answer to "did you stretch?" is known."""

    answered: int
    stretched: int  # stretched on a night planned without the stretch
    not_stretched: int  # did not stretch on a night planned with it

    @property
    def total(self) -> int:
        return self.stretched + self.not_stretched

    @property
    def adherence(self) -> float:
        """The share of answered nights that followed the plan; NaN when none is answered."""
        return 1 - self.total / self.answered if self.answered else math.nan


def plan_deviations(nights: Nights) -> Deviations:
    """Count the nights that did not follow the plan (see :class:`Deviations`). The analysis still counts
    each of them under its planned arm (intention to treat); these numbers say how far that is from what
    was done."""
    if not len(nights.experiment_period) or not nights.planned:
        return Deviations(0, 0, 0)
    arms = _period_arms(nights)
    planned_stretch = np.array([arms.get(int(p), "") == "stretch" for p in nights.experiment_period])
    known = (nights.experiment_period > 0) & ~np.isnan(nights.stretched)
    did = nights.stretched == 1.0
    return Deviations(answered=int(known.sum()), stretched=int(np.sum(known & did & ~planned_stretch)),
                      not_stretched=int(np.sum(known & ~did & planned_stretch)))


def pair_totals(nights: Nights, washout_nights: int = 0) -> tuple[PairTotals, float]:
    """Sum the experiment's nights into complete pairs, and measure adherence.

    A night's period is ``nights.experiment_period`` (0 = not in the experiment); its arm is the single
    ``planned`` value of its period. Washout nights are the first ``washout_nights`` calendar nights from
    the earliest night labelled with that period. Returns the totals and the adherence (NaN if unknown;
    see :func:`plan_deviations`).
    """
    if washout_nights < 0:
        raise ExperimentError("washout_nights must be at least 0")
    empty = np.zeros(0)
    if not len(nights.experiment_period) or not nights.planned:
        return PairTotals(empty, empty, empty, empty), math.nan
    labels = nights.experiment_period
    arms = _period_arms(nights)
    counted = counted_nights(nights, arms, washout_nights)
    rows: list[tuple[float, float, float, float]] = []
    for pair in sorted({(p + 1) // 2 for p in arms}):
        numbers = (2 * pair - 1, 2 * pair)
        if not all(p in arms for p in numbers):
            continue
        if arms[numbers[0]] == arms[numbers[1]]:
            raise ExperimentError(f"periods {numbers[0]} and {numbers[1]} form a pair but are both "
                                  f"planned as {arms[numbers[0]]!r}")
        totals = {}
        for number in numbers:
            use = counted & (labels == number)
            totals[arms[number]] = (float(nights.cramps[use].sum()), float(use.sum()))
        (y_b, n_b), (y_a, n_a) = totals["stretch"], totals["no_stretch"]
        if n_a > 0 and n_b > 0:
            rows.append((y_a, y_b, n_a, n_b))
    table = np.array(rows, dtype=float).reshape(-1, 4)
    return PairTotals(table[:, 0], table[:, 1], table[:, 2], table[:, 3]), plan_deviations(nights).adherence


def counted_nights(nights: Nights, arms: dict[int, str], washout_nights: int) -> np.ndarray:
    """Logged nights, less the first ``washout_nights`` calendar nights of every period in ``arms``
    (counted from the earliest night labelled with that period)."""
    labels = nights.experiment_period
    counted = nights.logged.copy()
    for number in arms:
        index = np.flatnonzero(labels == number)
        first = nights.dates[index[0]]
        counted[index[[(nights.dates[i] - first).days < washout_nights for i in index]]] = False
    return counted


def nightly_dispersion(nights: Nights, washout_nights: int = 0) -> float:
    """Pearson dispersion of the analysed nights around their period's mean: Σ (y − ȳ_p)²/ȳ_p over the
    nights of periods with any cramp, over Σ (n_p − 1). About 1 for Poisson nights, 1 + λ/k for
    negative-binomial ones; it does not see bad weeks, which move whole periods. NaN without two nights
    in such a period."""
    if not len(nights.experiment_period) or not nights.planned:
        return math.nan
    counted = counted_nights(nights, _period_arms(nights), washout_nights)
    labels = nights.experiment_period
    chi2, df = 0.0, 0
    for number in np.unique(labels[counted & (labels > 0)]):
        y = nights.cramps[counted & (labels == number)]
        if y.sum() > 0 and len(y) > 1:
            chi2 += float(np.sum((y - y.mean()) ** 2)) / float(y.mean())
            df += len(y) - 1
    return chi2 / df if df else math.nan


def pair_total_dispersion(totals: PairTotals) -> float:
    """How much more than Poisson counts would the pairs' cramp rates vary from one pair to the next:
    with S_j cramps on N_j analysed nights in complete pair j (both arms) and λ̂ = Σ S / Σ N,
    the mean over neighbouring pairs of (S_j+1/N_j+1 − S_j/N_j)² / (λ̂ (1/N_j + 1/N_j+1)).

    It is about 1 for Poisson nights and 1 + λ/k for negative-binomial ones, like the nightly dispersion,
    but unlike it, it also sees bad weeks, which move whole periods and so whole pairs' totals. Taking
    differences of neighbours (von Neumann's successive differences) keeps slow drifts, a season or a
    trend, out of it. It is a function of the pair totals alone, on which the pair-conditional analysis
    conditions, so it is a second estimate of the spread, apart from the one the split within pairs
    gives (:func:`nightcramp.stats.model.pooled_dispersion` pools the two). NaN with fewer than two
    pairs or no cramps."""
    s, n = totals.y_a + totals.y_b, totals.n_a + totals.n_b
    rate = float(s.sum() / n.sum()) if len(s) > 1 else math.nan
    if not (math.isfinite(rate) and rate > 0):
        return math.nan
    r = s / n
    return float(np.mean(np.diff(r) ** 2 / (rate * (1 / n[1:] + 1 / n[:-1]))))


def _period_arms(nights: Nights) -> dict[int, str]:
    arms: dict[int, str] = {}
    for number in sorted({int(p) for p in nights.experiment_period if p > 0}):
        values = {nights.planned[i] for i in np.flatnonzero(nights.experiment_period == number)} - {""}
        if len(values) != 1 or not values <= set(ARMS):
            raise ExperimentError(f"period {number} must have exactly one planned arm, 'stretch' or "
                                  f"'no_stretch'; it has {sorted(values)}")
        arms[number] = values.pop()
    return arms


def conditional_fit(totals: PairTotals) -> ConditionalFit | None:
    """Maximise the pair-conditional binomial likelihood in log RR by Newton's method (it is concave).
    None when the ratio has no finite estimate: no pairs, or every cramp in one arm."""
    t = totals.informative
    if not len(t) or t.y_a.sum() == 0 or t.y_b.sum() == 0:
        return None
    s, offset = t.y_a + t.y_b, np.log(t.n_b / t.n_a)

    def loglik(beta: float) -> float:
        return float(np.sum(t.y_b * (beta + offset) - s * np.logaddexp(0.0, beta + offset)))

    beta = math.log(t.y_b.sum() / t.n_b.sum()) - math.log(t.y_a.sum() / t.n_a.sum())
    for _ in range(100):
        pi = special.expit(beta + offset)
        step = float(np.sum(t.y_b - s * pi) / np.sum(s * pi * (1 - pi)))
        while abs(step) > 1e-14 and loglik(beta + step) < loglik(beta) - 1e-12:
            step /= 2
        beta += step
        if abs(step) < 1e-12:
            break
    pi = special.expit(beta + offset)
    variance = s * pi * (1 - pi)
    residual = t.y_b - s * pi
    information = float(variance.sum())
    j = len(t)
    leverage = variance / information
    dispersion = (float(np.sum(residual ** 2 / (1 - leverage))) / information if j > 1 else math.nan)
    df = information ** 2 / float(np.sum(variance ** 2)) * (j - 1) / j
    return ConditionalFit(log_rr=beta, information=information, dispersion=dispersion, df=df,
                          pearson=float(np.sum(residual ** 2 / variance)))


def randomisation_p_value(totals: PairTotals, seed: int = 0) -> tuple[float, int, bool]:
    """Two-sided exact randomisation test of "stretching changes nothing on any night".

    The statistic is the conditional score Σ_j U_j with U_j = Y_Bj − S_j·n_Bj/(n_Aj + n_Bj): stretching
    cramps minus what the pair would give them with no effect. Swapping the order of pair j turns U_j
    into −U_j, so the randomisation distribution is that of Σ ±U_j over all 2^J sign patterns (a seeded
    Monte Carlo sample of 20,000 beyond 16 pairs, with p = (1 + hits)/(1 + draws)). Returns the p-value,
    the number of allocations compared and whether the enumeration was exact.
    """
    t = totals.informative
    if not len(t):
        return (1.0 if len(totals) else math.nan), 2 ** len(totals), True
    u = t.y_b - (t.y_a + t.y_b) * t.n_b / (t.n_a + t.n_b)
    observed = abs(float(u.sum()))
    tolerance = 1e-9 * max(1.0, observed)
    j = len(u)
    if j <= ENUMERATE_UP_TO:
        bits = (np.arange(2 ** j)[:, None] >> np.arange(j)) & 1
        allocations = np.abs((1 - 2 * bits) @ u)
        return float(np.mean(allocations >= observed - tolerance)), 2 ** j, True
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(MONTE_CARLO_ALLOCATIONS, j))
    hits = int(np.sum(np.abs(signs @ u) >= observed - tolerance))
    return (1 + hits) / (1 + MONTE_CARLO_ALLOCATIONS), MONTE_CARLO_ALLOCATIONS, False


def shrunk_dispersion(phi_hat: float, df_hat: float, phi0: float, nu0: float) -> tuple[float, float]:
    """CPQ-EB: φ̃ = (ν0·φ0 + d·φ̂) / (ν0 + d), with ν0 + d degrees of freedom, where ``df_hat`` = d is the
    personal dispersion's degrees of freedom (see :func:`nightcramp.stats.model.pooled_dispersion`) and
    φ0 a dispersion learned from other people's experiments, worth ν0 pairs.

    Unless the person does not fit the prior: under it φ̂/φ0 follows F(d, ν0), and when φ̂ lies in that
    distribution's upper :data:`PRIOR_CHECK` tail (a quarter) the person's nights vary more than the
    cohort's (bad weeks that people like them mostly do not have), so φ̂ is used alone, with its own d
    degrees of freedom. With one cohort pooled from people of every kind (bench rows ``cpq_eb_mixed``),
    people with bad weeks were told about a non-existent effect in 11% of experiments without the check
    and in up to 7% with a check at the upper 10%; at the upper quarter, with the pooled dispersion's
    extra degrees of freedom, at most 5.4%."""
    if not (phi0 > 0 and nu0 > 0):
        raise ExperimentError("phi0 and nu0 must be positive")
    if df_hat <= 0:
        return phi0, float(nu0)
    if float(special.fdtrc(df_hat, nu0, phi_hat / phi0)) < PRIOR_CHECK:
        return phi_hat, float(df_hat)
    return (nu0 * phi0 + df_hat * phi_hat) / (nu0 + df_hat), float(nu0 + df_hat)


PRIOR_CHECK = 0.25  # a person whose dispersion is in the prior's upper quarter does not borrow from it
MIN_PRIOR_EXPERIMENTS = 20  # fewer others' dispersions say too little about how much they vary
MAX_PRIOR_DF = 50.0  # a cohort value never counts for more than this many pairs' degrees of freedom


COVARIATE_FLOOR = 0.05  # covariates are used on the log scale; smaller values are read as this


@dataclass(frozen=True)
class DispersionPrior(Result):
    """A dispersion learned from other people's experiments, for CPQ-EB (statistics.md §2.3 item 4).

    The dispersions φ̂_i, with d_i degrees of freedom, are taken as φ0_i times a scaled F(d_i, ν0)
    variable (Smyth 2004), where log φ0_i = ``log_phi0`` + Σ_k ``slopes``_k · (log z_ik − ``centres``_k)
    follows the person's covariates z_i (limma's "trend"; in the app
    :attr:`StretchingResult.prior_covariates`: cramps per informative pair, since a bad week adds more
    to the variance of a pair with many cramps, and the dispersion of single nights within periods,
    which has many degrees of freedom of its own). ``nu0``
    is the degrees of freedom the prior is worth: large when people like this one agree beyond what
    their own few pairs let them vary, small when they differ. ``experiments`` is how many dispersions
    it was fitted to."""

    log_phi0: float
    slopes: tuple[float, ...]
    centres: tuple[float, ...]
    nu0: float
    experiments: int

    def phi0(self, covariates: tuple[float, ...] | None = None) -> float:
        """The prior dispersion of a person with these covariates (the cohort's centre without)."""
        if not self.slopes or covariates is None:
            return math.exp(self.log_phi0)
        z = _log_covariates(np.asarray(covariates, dtype=float))
        return math.exp(self.log_phi0 + float(np.dot(self.slopes, z - np.asarray(self.centres))))


def _log_covariates(values: FloatArray) -> FloatArray:
    """Covariates on the log scale, unknown or tiny values read as :data:`COVARIATE_FLOOR`."""
    return np.log(np.maximum(np.nan_to_num(values, nan=0.0), COVARIATE_FLOOR))


def fit_dispersion_prior(dispersions: FloatArray | list[float], dfs: FloatArray | list[float],
                         covariates: FloatArray | None = None, *, max_nu0: float = MAX_PRIOR_DF,
                         min_experiments: int = MIN_PRIOR_EXPERIMENTS) -> DispersionPrior | None:
    """Fit the prior to other people's dispersions by Smyth's (2004) moments of log φ̂ (limma's
    ``fitFDist``). With e_i = log φ̂_i − ψ(d_i/2) + log(d_i/2), where ψ is the digamma function,
    E[e_i] = log φ0_i − ψ(ν0/2) + log(ν0/2) and Var[e_i] = ψ'(d_i/2) + ψ'(ν0/2), with ψ' the trigamma
    function. E[e_i] is the mean of e or, with ``covariates`` (one row per experiment, positive values,
    used as logs floored at :data:`COVARIATE_FLOOR`), its least-squares plane in them; ψ'(ν0/2) is the
    residual variance of e less the mean of ψ'(d_i/2). When that is not positive the dispersions agree
    entirely and ν0 is infinite. φ0 is located with that ν0, and ν0 is then capped at ``max_nu0`` so
    that a person's own pairs always count. Experiments without a finite positive dispersion or
    degrees of freedom are skipped; None with fewer than ``min_experiments`` left."""
    phi = np.asarray(dispersions, dtype=float)
    d = np.asarray(dfs, dtype=float)
    z = np.zeros((len(phi), 0)) if covariates is None else np.asarray(covariates, dtype=float)
    z = z[:, None] if z.ndim == 1 else z
    if not (phi.ndim == d.ndim == 1 and len(phi) == len(d) == len(z) and z.ndim == 2):
        raise ExperimentError("dispersions, dfs and covariates need one entry (row) per experiment")
    use = np.isfinite(phi) & (phi > 0) & np.isfinite(d) & (d > 0)
    q = z.shape[1]
    if int(use.sum()) < max(min_experiments, q + 3):
        return None
    phi, d = phi[use], d[use]
    x = _log_covariates(z[use])
    e = np.log(phi) - special.digamma(d / 2) + np.log(d / 2)
    centres = x.mean(axis=0)
    design = np.column_stack([np.ones(len(e)), x - centres])
    coef, *_ = np.linalg.lstsq(design, e, rcond=None)
    residual = e - design @ coef
    rank = int(np.linalg.matrix_rank(design))
    excess = float(np.sum(residual ** 2) / (len(e) - rank) - np.mean(special.polygamma(1, d / 2)))
    nu0 = 2 * trigamma_inverse(excess) if excess > 0 else math.inf
    shift = float(special.digamma(nu0 / 2)) - math.log(nu0 / 2) if math.isfinite(nu0) else 0.0
    # located with the fitted ν0; only its weight is capped
    return DispersionPrior(log_phi0=float(coef[0]) + shift, slopes=tuple(float(c) for c in coef[1:]),
                           centres=tuple(float(c) for c in centres), nu0=min(nu0, max_nu0),
                           experiments=int(use.sum()))


def trigamma_inverse(x: float) -> float:
    """The y > 0 with ψ'(y) = x (x > 0), by Newton's method on 1/ψ' as in limma's ``trigammaInverse``."""
    if not x > 0:
        raise ExperimentError("the trigamma function only takes positive values")
    if x > 1e7:
        return 1 / math.sqrt(x)
    if x < 1e-6:
        return 1 / x
    y = 0.5 + 1 / x
    for _ in range(50):
        tri = float(special.polygamma(1, y))
        step = tri * (1 - tri / x) / float(special.polygamma(2, y))
        y += step
        if -step / y < 1e-8:
            break
    return y


def quasi_t(log_rr: float, information: float, dispersion: float, df: float) -> tuple[float, float, float]:
    """The CPQ test and interval on the log scale: SE = √(dispersion / information), referred to t with
    ``df`` degrees of freedom. Returns (SE, the 97.5% t quantile, two-sided p); NaNs when the SE cannot
    be had."""
    if not (math.isfinite(log_rr) and information > 0 and df > 0 and dispersion > 0
            and math.isfinite(dispersion)):
        return math.nan, math.nan, math.nan
    se = math.sqrt(dispersion / information)
    return se, float(special.stdtrit(df, 0.975)), float(2 * special.stdtr(df, -abs(log_rr) / se))


def analyse_experiment(nights: Nights, *, washout_nights: int = 0, phi0: float | None = None,
                       nu0: float = 20, prior: DispersionPrior | None = None, seed: int = 0,
                       build_up: bool = True) -> StretchingResult:
    """Analyse a randomised stretching experiment from ``nights.experiment_period`` and ``nights.planned``
    (see the module docstring for the method). ``washout_nights`` leaves out the first nights of every
    period; ``phi0`` (with weight ``nu0``) shrinks the dispersion towards a cohort value, or ``prior``
    (from :func:`fit_dispersion_prior`) gives both for this person's covariates; ``seed`` only
    matters for the Monte Carlo randomisation test beyond 16 pairs. ``build_up`` adds the same nights'
    analysis allowing for an effect that builds up over nights (:mod:`nightcramp.stats.carryover`)."""
    totals, adherence = pair_totals(nights, washout_nights)
    deviated = plan_deviations(nights)
    informative = totals.informative
    nightly = nightly_dispersion(nights, washout_nights)
    spread = pair_total_dispersion(totals)
    if prior is not None:
        per_pair = _per_pair(float(informative.y_a.sum() + informative.y_b.sum()), len(informative))
        phi0, nu0 = prior.phi0((per_pair, nightly)), prior.nu0
    fit = conditional_fit(totals)
    phi_within = fit.dispersion if fit else math.nan  # NaN with one pair; pooled_dispersion then gives NaN
    phi_hat, df_hat = pooled_dispersion(phi_within, fit.df if fit else 0.0, spread, len(totals))
    dispersion, df = (phi_hat, float(df_hat)) if phi0 is None else shrunk_dispersion(phi_hat, df_hat,
                                                                                    phi0, nu0)
    log_rr = fit.log_rr if fit else math.nan
    se, quantile, p_value = quasi_t(log_rr, fit.information if fit else 0.0, dispersion, df)
    estimable = math.isfinite(se) and se > 0
    ci95 = (math.exp(log_rr - quantile * se), math.exp(log_rr + quantile * se)) if estimable else (
        math.nan, math.nan)

    def below(threshold: float) -> float:
        return float(special.stdtr(df, (math.log(threshold) - log_rr) / se)) if estimable else math.nan

    y_a, y_b, n_a, n_b = (float(v.sum()) for v in (totals.y_a, totals.y_b, totals.n_a, totals.n_b))
    rate_a = y_a / n_a if n_a else math.nan
    rate_b = y_b / n_b if n_b else math.nan
    rr = math.exp(log_rr) if fit else math.nan
    cramps = round(y_a + y_b)
    rand_p, allocations, exact = randomisation_p_value(totals, seed)
    verdict = _verdict(len(totals), cramps, ci95)
    return StretchingResult(
        design="randomised", method="cpq_eb" if phi0 is not None and df > df_hat else "cpq", verdict=verdict,
        nights=round(n_a + n_b), cramps=cramps, nights_no_stretch=round(n_a), nights_stretch=round(n_b),
        rate_no_stretch=rate_a, rate_stretch=rate_b, rate_ratio=rr, ci95=ci95,
        p_value=p_value,
        randomisation_p_value=rand_p, randomisation_allocations=allocations, randomisation_exact=exact,
        prob_benefit=below(1.0), prob_meaningful=below(MEANINGFUL_RATE_RATIO),
        cramps_avoided_per_month=30 * rate_a * (1 - rr),
        cramps_avoided_ci95=(30 * rate_a * (1 - ci95[1]), 30 * rate_a * (1 - ci95[0])),
        log_rate_ratio=log_rr, se_log_rate_ratio=se, dispersion=dispersion,
        within_pair_dispersion=phi_within, pair_total_dispersion=spread, nightly_dispersion=nightly, df=df,
        pairs_complete=len(totals), pairs_informative=len(informative), adherence=adherence,
        nights_answered=deviated.answered, deviations=deviated.total, deviations_stretched=deviated.stretched,
        deviations_not_stretched=deviated.not_stretched,
        washout_nights=washout_nights,
        nights_needed=_nights_needed(verdict, nights, totals, washout_nights, dispersion, phi0),
        build_up=analyse_carry_over(nights, washout_nights=washout_nights, pair_spread=(spread, len(totals)))
        if build_up else None)


def _verdict(pairs_complete: int, cramps: int, ci95: tuple[float, float]) -> Verdict:
    low, high = ci95
    if pairs_complete < 2 or cramps == 0 or not (math.isfinite(low) and math.isfinite(high)):
        return Verdict.NOT_ENOUGH_DATA
    if high < 1:
        return Verdict.HELPS
    if low > 1:
        return Verdict.WORSE
    return Verdict.NO_CLEAR_EFFECT


def _nights_needed(verdict: Verdict, nights: Nights, totals: PairTotals, washout_nights: int,
                   dispersion: float, phi0: float | None) -> int | None:
    """More logged nights (washout nights included, since they must be lived too) for 80% power against
    RR = 0.7 by statistics.md §3.1 with the variance inflated by the dispersion. The dispersion is floored
    at 1 (the Poisson case) so that a chance low estimate never promises a short experiment; before it
    can be estimated, ``phi0`` or else 1 is used, which makes the figure a lower bound."""
    if verdict in (Verdict.HELPS, Verdict.WORSE):
        return None
    analysed = float(totals.n_a.sum() + totals.n_b.sum())
    rate = float(totals.y_a.sum() / totals.n_a.sum()) if analysed else math.nan
    if not (math.isfinite(rate) and rate > 0):  # no cramps without stretching yet: use the overall rate
        in_experiment = nights.logged & (nights.experiment_period > 0) if len(nights.experiment_period) \
            else np.zeros(len(nights), dtype=bool)
        rate = float(nights.cramps[in_experiment].mean()) if in_experiment.any() else math.nan
    if not (math.isfinite(rate) and rate > 0):
        return None
    phi = dispersion if math.isfinite(dispersion) else (phi0 or 1.0)
    more = nights_needed_quasi(rate, TARGET_RATE_RATIO, max(phi, 1.0)) - analysed
    if more <= 0:
        return 0
    return math.ceil(more * _washout_factor(nights, washout_nights))


def _washout_factor(nights: Nights, washout_nights: int) -> float:
    """Calendar nights lived per analysed night, L / (L − w), with L the typical labelled period length."""
    if not washout_nights or not len(nights.experiment_period):
        return 1.0
    labels = nights.experiment_period[nights.experiment_period > 0]
    length = float(np.median(np.unique(labels, return_counts=True)[1]))
    return length / (length - washout_nights) if length > washout_nights else 1.0
