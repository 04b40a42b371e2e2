"""The randomised personal experiment: the plan, the CPQ analysis against reference fits, the exact
randomisation test, the verdicts, and the nights-needed formulas of statistics.md §3.1."""

from __future__ import annotations

import doctest
import itertools
import json
import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest
from scipy import special, stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

from nightcramp.stats import experiment, power
from nightcramp.stats.base import Nights, Verdict
from nightcramp.stats.experiment import (
    PRIOR_CHECK,
    DispersionPrior,
    ExperimentError,
    analyse_experiment,
    fit_dispersion_prior,
    nightly_dispersion,
    pair_total_dispersion,
    pair_totals,
    plan_experiment,
    shrunk_dispersion,
    trigamma_inverse,
)

START = date(2026, 3, 2)
nan = math.nan

# Six pairs of seven nights, the order within pairs mixed, with unlogged nights (NaN) in several periods.
ARMS = ["stretch", "no_stretch", "no_stretch", "stretch", "stretch", "no_stretch",
        "no_stretch", "stretch", "no_stretch", "stretch", "stretch", "no_stretch"]
COUNTS: list[list[float]] = [
    [0, 1, nan, 0, 2, 0, 1], [1, 2, 0, 3, 1, nan, nan],
    [2, 0, 1, 1, 3, 0, 2], [0, 1, 0, nan, 1, 0, 0],
    [1, 0, 0, 1, nan, 0, 1], [2, 1, 3, 0, 1, 2, 1],
    [3, 1, 2, 0, 2, 4, 1], [1, 0, nan, nan, nan, 2, 0],
    [0, 2, 1, 1, 0, 3, 1], [1, 1, 0, 0, 0, 1, 2],
    [0, nan, 1, 0, 1, 0, 0], [2, 0, 1, 2, 1, 1, nan],
]


def experiment_nights(arms: Sequence[str], counts: Sequence[Sequence[float]],
                      stretched: Sequence[Sequence[float]] | None = None) -> Nights:
    """Consecutive periods, one per entry of ``arms``, with the given nightly counts (NaN = not logged)."""
    labels = [p + 1 for p, period in enumerate(counts) for _ in period]
    flat = [float(c) for period in counts for c in period]
    done = ([float(s) for period in stretched for s in period] if stretched is not None
            else [1.0 if arms[p - 1] == "stretch" else 0.0 for p in labels])
    return Nights(dates=tuple(START + timedelta(days=i) for i in range(len(flat))), cramps=np.array(flat),
                  stretched=np.array(done), planned=tuple(arms[p - 1] for p in labels),
                  experiment_period=np.array(labels, dtype=np.int64))


def period_totals(arms: Sequence[str], counts: Sequence[Sequence[float]]) -> tuple[np.ndarray, ...]:
    """Per period: cramps, logged nights, pair index and 1 for stretching, computed directly."""
    y = np.array([np.nansum(period) for period in counts])
    n = np.array([np.sum(~np.isnan(np.array(period, dtype=float))) for period in counts], dtype=float)
    pair = np.arange(len(counts)) // 2
    x = np.array([1.0 if arm == "stretch" else 0.0 for arm in arms])
    return y, n, pair, x


def simulated(rng: np.random.Generator, pairs: int, rate_a: float, rr: float, k_night: float | None = None,
              k_period: float | None = None, period_nights: int = 7) -> Nights:
    """A seeded diary: random order within pairs, optional weekly gamma frailty and nightly NB shape."""
    arms: list[str] = []
    for first_is_stretch in rng.integers(0, 2, size=pairs):
        arms += ["stretch", "no_stretch"] if first_is_stretch else ["no_stretch", "stretch"]
    counts = []
    for arm in arms:
        mean = rate_a * (rr if arm == "stretch" else 1.0)
        mean *= rng.gamma(k_period, 1 / k_period) if k_period else 1.0
        nightly = np.full(period_nights, mean)
        if k_night:
            nightly = nightly * rng.gamma(k_night, 1 / k_night, size=period_nights)
        counts.append(rng.poisson(nightly).astype(float).tolist())
    return experiment_nights(arms, counts)


# --- the plan -----------------------------------------------------------------------------------------


def test_it_plans_numbered_consecutive_periods_in_pairs_with_one_of_each_arm() -> None:
    plan = plan_experiment(START, pairs=6, period_nights=7, seed=11)
    assert [p.number for p in plan.periods] == list(range(1, 13))
    assert [p.pair for p in plan.periods] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert plan.periods[0].first == START and plan.end == START + timedelta(days=83) and plan.nights == 84
    for before, after in itertools.pairwise(plan.periods):
        assert after.first == before.last + timedelta(days=1)
    for first, second in zip(plan.periods[::2], plan.periods[1::2], strict=True):
        assert {first.arm, second.arm} == {"stretch", "no_stretch"}
        assert (first.last - first.first).days == 6


def test_it_randomises_the_order_within_pairs_reproducibly() -> None:
    def order(seed: int | None) -> tuple[str, ...]:
        return tuple(p.arm for p in plan_experiment(START, pairs=8, seed=seed).periods[::2])

    assert order(5) == order(5)
    orders = {order(seed) for seed in range(20)}
    assert len(orders) > 10  # different seeds give different schedules
    firsts = [arm for seed in range(200) for arm in order(seed)]
    assert 0.42 < firsts.count("stretch") / len(firsts) < 0.58  # a fair coin, pair by pair
    fresh = plan_experiment(START)
    assert plan_experiment(START, seed=fresh.seed) == fresh  # an unseeded plan keeps its seed


def test_it_marks_the_first_nights_of_each_period_as_washout() -> None:
    plan = plan_experiment(START, pairs=6, period_nights=7, washout_nights=2, seed=3)
    rows = plan.as_rows()
    washout = [r["date"] for r in rows if r["washout"]]
    assert len(washout) == 2 * 12
    assert washout == [p.first + timedelta(days=i) for p in plan.periods for i in range(2)]
    assert all(plan.periods[0].is_washout(d) for d in washout[:2])


def test_it_refuses_fewer_than_six_pairs_unless_asked() -> None:
    with pytest.raises(ExperimentError, match=r"2/2\^J = 0.0625"):
        plan_experiment(START, pairs=5)
    assert plan_experiment(START, pairs=2, seed=1, allow_few_pairs=True).pairs == 2
    with pytest.raises(ExperimentError, match="washout"):
        plan_experiment(START, period_nights=3, washout_nights=3)


def test_its_rows_align_with_the_dates_and_the_assignment() -> None:
    plan = plan_experiment(START, pairs=6, period_nights=5, seed=8)
    rows = plan.as_rows()
    assert [r["date"] for r in rows] == [START + timedelta(days=i) for i in range(60)]
    assert [r["experiment_period"] for r in rows] == [1 + i // 5 for i in range(60)]
    assert all(plan.arm_on(r["date"]) == r["planned"] for r in rows)
    assert plan.arm_on(START - timedelta(days=1)) is None
    assert plan.arm_on(plan.end + timedelta(days=1)) is None
    assert plan.period_on(START + timedelta(days=7)) == plan.periods[1]


def test_plan_rows_read_back_through_nights_give_the_planned_pairs() -> None:
    plan = plan_experiment(START, pairs=6, seed=2)
    rng = np.random.default_rng(2)
    rows = [{**r, "cramps": int(rng.poisson(1.0)), "stretched": r["planned"] == "stretch"}
            for r in plan.as_rows()]
    result = analyse_experiment(Nights.from_rows(rows))
    assert result.pairs_complete == 6 and result.nights == 84 and result.adherence == 1.0


# --- the analysis against reference values ------------------------------------------------------------


def test_estimate_and_standard_error_match_a_poisson_glm_with_pair_effects() -> None:
    result = analyse_experiment(experiment_nights(ARMS, COUNTS))
    y, n, pair, x = period_totals(ARMS, COUNTS)
    design = np.column_stack([(pair[:, None] == np.arange(6)).astype(float), x])
    glm = GLM(y, design, family=families.Poisson(), offset=np.log(n)).fit(scale="X2")
    assert result.log_rate_ratio == pytest.approx(glm.params[-1], rel=1e-8)
    assert result.nights == int(n.sum()) and result.cramps == int(y.sum())

    # The same fit as a binomial GLM of each pair's stretching cramps out of its cramps (the conditional
    # likelihood), whose sandwich (HC0) variance is Σ r_j² / I²; CR2 divides each r_j² by 1 − h_j, with
    # h_j statsmodels' leverage of the pair.
    stretch, plain = y[x == 1], y[x == 0]
    binomial = GLM(np.column_stack([stretch, plain]), np.ones((6, 1)), family=families.Binomial(),
                   offset=np.log(n[x == 1] / n[x == 0])).fit(cov_type="HC0")
    assert result.log_rate_ratio == pytest.approx(binomial.params[0], rel=1e-8)
    leverage = binomial.get_hat_matrix_diag()
    pi = binomial.predict()
    s = stretch + plain
    v = s * pi * (1 - pi)
    assert leverage == pytest.approx(v / v.sum(), rel=1e-8)
    information = v.sum()
    residual_sq = binomial.bse[0] ** 2 * information ** 2  # HC0: Σ r_j² / I²
    assert residual_sq == pytest.approx(np.sum((stretch - s * pi) ** 2), rel=1e-8)
    cr2 = np.sum((stretch - s * pi) ** 2 / (1 - leverage)) / information
    assert result.within_pair_dispersion == pytest.approx(cr2, rel=1e-8)
    df_within = information ** 2 / np.sum(v ** 2) * 5 / 6
    assert 4 < df_within < 5
    # pooled with the successive differences of the six pairs' rates, on 2·5²/14 degrees of freedom
    total, nights = y.reshape(6, 2).sum(axis=1), n.reshape(6, 2).sum(axis=1)
    rate = total.sum() / nights.sum()
    spread = np.mean(np.diff(total / nights) ** 2 / (rate * (1 / nights[1:] + 1 / nights[:-1])))
    assert result.pair_total_dispersion == pytest.approx(spread, rel=1e-10)
    df = df_within + 50 / 14
    pooled = (df_within * cr2 + 50 / 14 * spread) / df
    assert result.dispersion == pytest.approx(pooled, rel=1e-8) and result.df == pytest.approx(df, rel=1e-10)
    assert result.se_log_rate_ratio == pytest.approx(math.sqrt(pooled / information), rel=1e-8)
    low, high = np.exp(result.log_rate_ratio + np.array([-1, 1]) * stats.t.ppf(0.975, df)
                       * result.se_log_rate_ratio)
    assert result.ci95 == pytest.approx((low, high), rel=1e-8)
    assert result.p_value == pytest.approx(
        2 * stats.t.sf(abs(result.log_rate_ratio) / result.se_log_rate_ratio, df), rel=1e-8)

    # Night by night (no offset) the Poisson likelihood only sees the same totals: the same estimate.
    flat = np.array([c for period in COUNTS for c in period], dtype=float)
    labels = np.repeat(np.arange(12), 7)
    logged = ~np.isnan(flat)
    nightly = np.column_stack([(pair[labels][:, None] == np.arange(6)).astype(float), x[labels]])[logged]
    by_night = GLM(flat[logged], nightly, family=families.Poisson()).fit()
    assert result.log_rate_ratio == pytest.approx(by_night.params[-1], rel=1e-7)


def test_with_equal_nights_the_estimate_is_the_logit_of_the_pooled_share() -> None:
    counts = [[0.0 if math.isnan(c) else c for c in period] for period in COUNTS]
    result = analyse_experiment(experiment_nights(ARMS, counts))
    y, _, _, x = period_totals(ARMS, counts)
    y_b, s = y[x == 1], y.reshape(6, 2).sum(axis=1)
    pi = y_b.sum() / s.sum()
    v = s * pi * (1 - pi)
    phi = np.sum((y_b - s * pi) ** 2 / (1 - v / v.sum())) / v.sum()
    assert result.log_rate_ratio == pytest.approx(special.logit(pi), rel=1e-10)
    assert result.rate_ratio == pytest.approx(pi / (1 - pi), rel=1e-10)
    assert result.within_pair_dispersion == pytest.approx(phi, rel=1e-10)
    # equal nights: the pair-total dispersion is the mean squared difference of neighbouring totals over 2S̄
    spread = np.mean(np.diff(s) ** 2) / (2 * s.mean())
    df_within = v.sum() ** 2 / np.sum(v ** 2) * 5 / 6
    pooled = (df_within * phi + 50 / 14 * spread) / (df_within + 50 / 14)
    assert result.dispersion == pytest.approx(pooled, rel=1e-10)
    assert result.se_log_rate_ratio == pytest.approx(math.sqrt(pooled / (s.sum() * pi * (1 - pi))), rel=1e-10)
    assert result.rate_stretch == pytest.approx(y_b.sum() / 42)
    assert result.cramps_avoided_per_month == pytest.approx(30 * result.rate_no_stretch * (1 - pi / (1 - pi)))


def test_a_bad_period_in_a_big_pair_widens_the_interval_by_its_weight() -> None:
    """Per-period frailty makes a big pair's count vary with the square of its size. The Pearson
    dispersion averages the pairs' squared residuals as if each weighed the same, so one bad week in the
    pair that carries most cramps hardly moves it; the CR2 dispersion weighs it as the estimate does."""
    arms = ["stretch", "no_stretch"] * 6
    quiet = [[1, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0]]  # five pairs of one cramp a side
    bad = [[3, 3, 3, 3, 3, 3, 3], [1, 1, 1, 1, 0, 0, 0]]  # one pair with 25 cramps, 21 of them stretching
    result = analyse_experiment(experiment_nights(arms, quiet * 5 + bad))
    fit = experiment.conditional_fit(experiment.pair_totals(experiment_nights(arms, quiet * 5 + bad))[0])
    assert fit is not None
    assert result.within_pair_dispersion == pytest.approx(fit.dispersion)
    assert fit.dispersion > 3 * fit.pearson / 5  # 3.3 against 0.86
    assert fit.df < 2  # the big pair holds most of the information: few effective degrees of freedom
    assert result.dispersion > fit.dispersion  # the bad week shows in the pairs' totals too

    # When every pair weighs the same the two dispersions agree, and the t has J − 1 degrees of freedom.
    balanced = [[2, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]], [[1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0, 0]]
    even = analyse_experiment(experiment_nights(arms, [*balanced[0], *balanced[1]] * 3))
    fit = experiment.conditional_fit(experiment.pair_totals(
        experiment_nights(arms, [*balanced[0], *balanced[1]] * 3))[0])
    assert fit is not None
    assert even.within_pair_dispersion == pytest.approx(fit.pearson / 5, rel=1e-10)
    assert fit.df == pytest.approx(5) and even.df == pytest.approx(5 + 50 / 14)


def test_the_randomisation_p_value_matches_a_brute_force_enumeration() -> None:
    nights = experiment_nights(ARMS, COUNTS)
    flat = nights.cramps
    pair_of_night = (nights.experiment_period - 1) // 2

    def score(arms_of_periods: Sequence[str]) -> float:
        stretch = np.array([arms_of_periods[p - 1] == "stretch" for p in nights.experiment_period])
        total = 0.0
        for j in range(6):
            here = (pair_of_night == j) & nights.logged
            n_b, n_a = np.sum(here & stretch), np.sum(here & ~stretch)
            total += np.sum(flat[here & stretch]) - np.sum(flat[here]) * n_b / (n_a + n_b)
        return total

    observed = abs(score(ARMS))
    flipped = []
    for flips in itertools.product([False, True], repeat=6):
        arms = list(ARMS)
        for j, flip in enumerate(flips):
            if flip:
                arms[2 * j], arms[2 * j + 1] = arms[2 * j + 1], arms[2 * j]
        flipped.append(abs(score(arms)))
    expected = np.mean(np.array(flipped) >= observed - 1e-9)
    result = analyse_experiment(nights)
    assert result.randomisation_p_value == pytest.approx(expected, abs=1e-12)
    assert result.randomisation_exact and result.randomisation_allocations == 64
    assert result.randomisation_p_value >= 2 / 64


def test_beyond_sixteen_pairs_the_randomisation_test_samples_allocations() -> None:
    nights = simulated(np.random.default_rng(17), pairs=17, rate_a=1.0, rr=0.85)
    totals, _ = experiment.pair_totals(nights)
    u = totals.y_b - (totals.y_a + totals.y_b) * totals.n_b / (totals.n_a + totals.n_b)
    signs = 1 - 2 * ((np.arange(2 ** 17)[:, None] >> np.arange(17)) & 1)
    exact = np.mean(np.abs(signs @ u) >= abs(u.sum()) - 1e-9)
    result = analyse_experiment(nights, seed=4)
    assert not result.randomisation_exact and result.randomisation_allocations == 20_000
    assert abs(result.randomisation_p_value - exact) < 4 * math.sqrt(exact * (1 - exact) / 20_000) + 1e-4
    assert analyse_experiment(nights, seed=4).randomisation_p_value == result.randomisation_p_value


def test_a_cohort_dispersion_shrinks_the_personal_one() -> None:
    nights = experiment_nights(ARMS, COUNTS)
    alone = analyse_experiment(nights)
    shrunk = analyse_experiment(nights, phi0=1.4, nu0=20)
    expected = (20 * 1.4 + alone.df * alone.dispersion) / (20 + alone.df)
    assert shrunk.method == "cpq_eb" and alone.method == "cpq"
    assert shrunk.dispersion == pytest.approx(expected) and shrunk.df == pytest.approx(20 + alone.df)
    assert shrunk.log_rate_ratio == alone.log_rate_ratio
    assert shrunk.se_log_rate_ratio == pytest.approx(alone.se_log_rate_ratio
                                                     * math.sqrt(expected / alone.dispersion))
    t = stats.t(20 + alone.df)
    assert shrunk.ci95[1] == pytest.approx(math.exp(shrunk.log_rate_ratio
                                                    + t.ppf(0.975) * shrunk.se_log_rate_ratio))
    assert shrunk.prob_benefit == pytest.approx(t.cdf(-shrunk.log_rate_ratio / shrunk.se_log_rate_ratio))
    assert shrunk.prob_meaningful == pytest.approx(
        t.cdf((math.log(0.8) - shrunk.log_rate_ratio) / shrunk.se_log_rate_ratio))
    assert shrunk_dispersion(math.nan, 0, 1.4, 20) == (1.4, 20)  # one pair: the cohort value alone


def test_trigamma_inverse_inverts_the_trigamma_function() -> None:
    for y in (0.01, 0.3, 1.0, 2.5, 10.0, 60.0, 1e4):
        x = float(special.polygamma(1, y))
        assert trigamma_inverse(x) == pytest.approx(y, rel=1e-6)
    with pytest.raises(ExperimentError):
        trigamma_inverse(0.0)


def test_the_cohort_prior_is_smyths_moment_fit() -> None:
    rng = np.random.default_rng(8)
    d = rng.choice([4.0, 7.5, 11.0], size=40)
    phi = 1.5 * rng.f(d, 12.0)
    prior = fit_dispersion_prior(phi, d)
    # by hand (Smyth 2004, section 6.2): e = log s^2 - digamma(d/2) + log(d/2); trigamma(nu0/2) is the
    # variance of e less the mean trigamma(d/2); log s0^2 = mean(e) + digamma(nu0/2) - log(nu0/2)
    e = np.log(phi) - special.digamma(d / 2) + np.log(d / 2)
    target = np.var(e, ddof=1) - np.mean(special.polygamma(1, d / 2))
    assert prior is not None and prior.experiments == 40 and prior.slopes == ()
    assert float(special.polygamma(1, prior.nu0 / 2)) == pytest.approx(target, rel=1e-9)
    assert math.log(prior.phi0()) == pytest.approx(np.mean(e) + special.digamma(prior.nu0 / 2)
                                                   - math.log(prior.nu0 / 2), rel=1e-12)


def test_the_cohort_prior_recovers_known_values() -> None:
    rng = np.random.default_rng(3)
    d = rng.choice([5.0, 11.0, 15.0], size=20_000)
    prior = fit_dispersion_prior(1.7 * rng.f(d, 8.0), d, max_nu0=math.inf)
    assert prior is not None
    assert prior.phi0() == pytest.approx(1.7, rel=0.02) and prior.nu0 == pytest.approx(8.0, rel=0.1)
    # dispersions that vary only as much as their own degrees of freedom allow: nu0 is infinite, capped
    same = 1.3 * rng.chisquare(d) / d
    capped, free = fit_dispersion_prior(same, d), fit_dispersion_prior(same, d, max_nu0=math.inf)
    assert capped is not None and free is not None and free.nu0 == math.inf and capped.nu0 == 50
    assert capped.phi0() == free.phi0() == pytest.approx(1.3, rel=0.01)
    # with covariates: log phi0 follows the plane 0.5 log(size) + 0.8 log(nightly), and nu0 is found
    size, nightly = rng.uniform(1, 20, size=20_000), rng.uniform(0.8, 3, size=20_000)
    truth = 0.9 * size ** 0.5 * nightly ** 0.8
    trend = fit_dispersion_prior(truth * rng.f(d, 20.0), d, np.column_stack([size, nightly]),
                                 max_nu0=math.inf)
    assert trend is not None and trend.slopes == pytest.approx((0.5, 0.8), abs=0.03)
    assert trend.nu0 == pytest.approx(20, rel=0.25)
    assert trend.phi0((4.0, 2.0)) == pytest.approx(0.9 * 2 * 2 ** 0.8, rel=0.03)
    assert trend.phi0() == pytest.approx(math.exp(trend.log_phi0))


def test_the_cohort_prior_needs_enough_usable_experiments() -> None:
    d = np.full(25, 5.0)
    phi = np.linspace(0.5, 3.0, 25)
    assert fit_dispersion_prior(phi[:19], d[:19]) is None
    phi[:6] = [nan, 0.0, -1.0, math.inf, 1.0, 1.0]
    d[4:6] = [0.0, nan]
    assert fit_dispersion_prior(phi, d) is None  # 25 - 6 unusable = 19, fewer than 20
    lower = fit_dispersion_prior(phi, d, min_experiments=19)
    assert lower is not None and lower.experiments == 19
    with pytest.raises(ExperimentError):
        fit_dispersion_prior(phi, d[:-1])
    with pytest.raises(ExperimentError):
        fit_dispersion_prior(phi, d, np.ones((24, 2)))
    assert fit_dispersion_prior([], [], np.zeros((0, 2))) is None  # nobody else: no prior


def test_a_person_whose_nights_vary_more_than_the_cohorts_does_not_borrow() -> None:
    # phi_hat / phi0 ~ F(d, nu0) under the prior: inside its upper PRIOR_CHECK tail the prior is not used
    limit = float(stats.f(5, 20).isf(PRIOR_CHECK)) * 1.2
    shrunk = ((20 * 1.2 + 5 * limit * 0.99) / 25, 25)
    assert shrunk_dispersion(limit * 0.99, 5, 1.2, 20) == pytest.approx(shrunk)
    assert shrunk_dispersion(limit * 1.01, 5, 1.2, 20) == (limit * 1.01, 5)


def test_the_nightly_dispersion_is_pearsons_within_periods() -> None:
    chi2, df = 0.0, 0
    for period in COUNTS:
        y = np.array([c for c in period if not math.isnan(c)])
        if y.sum() > 0:
            chi2 += float(np.sum((y - y.mean()) ** 2 / y.mean()))
            df += len(y) - 1
    result = analyse_experiment(experiment_nights(ARMS, COUNTS))
    assert nightly_dispersion(experiment_nights(ARMS, COUNTS)) == pytest.approx(chi2 / df)
    assert result.nightly_dispersion == pytest.approx(chi2 / df)
    assert result.prior_covariates == pytest.approx((result.cramps / result.pairs_informative, chi2 / df))


def test_the_pair_total_dispersion_compares_neighbouring_pairs_rates() -> None:
    y, n, pair, _ = period_totals(ARMS, COUNTS)
    s, m = np.bincount(pair, weights=y), np.bincount(pair, weights=n)  # every pair is complete here
    rate = s.sum() / m.sum()
    by_hand = np.mean([(s[j + 1] / m[j + 1] - s[j] / m[j]) ** 2 / (rate * (1 / m[j] + 1 / m[j + 1]))
                       for j in range(len(s) - 1)])
    nights = experiment_nights(ARMS, COUNTS)
    assert pair_total_dispersion(pair_totals(nights)[0]) == pytest.approx(by_hand)
    assert analyse_experiment(nights).pair_total_dispersion == pytest.approx(by_hand)
    assert math.isnan(pair_total_dispersion(pair_totals(experiment_nights(ARMS[:2], COUNTS[:2]))[0]))
    assert math.isnan(pair_total_dispersion(pair_totals(experiment_nights(ARMS, [[0.0] * 7] * 12))[0]))


def test_the_pair_total_dispersion_sees_bad_weeks_but_not_a_slow_drift() -> None:
    rng = np.random.default_rng(5)
    poisson = [analyse_experiment(simulated(rng, pairs=24, rate_a=1.0, rr=0.6), build_up=False)
               for _ in range(200)]
    bad_weeks = [analyse_experiment(simulated(rng, pairs=24, rate_a=1.0, rr=0.6, k_period=4.0),
                                    build_up=False) for _ in range(200)]
    # E = 1 for Poisson nights; 1 + 7·λ/k_p (between 1 + 7·0.6/4 and 1 + 7/4) with weekly frailty
    assert np.mean([r.pair_total_dispersion for r in poisson]) == pytest.approx(1.0, abs=0.06)
    assert 2.0 < np.mean([r.pair_total_dispersion for r in bad_weeks]) < 2.8
    # the nightly dispersion cannot tell the two apart: bad weeks move whole periods
    assert np.mean([r.nightly_dispersion for r in bad_weeks]) == pytest.approx(1.0, abs=0.06)
    # a rate that triples over the 48 weeks moves the pairs' totals, not their neighbours' differences
    arms = ["stretch", "no_stretch"] * 24
    diaries = [experiment_nights(arms, [rng.poisson(3 ** (p / 47), 7).astype(float).tolist()
                                        for p in range(48)]) for _ in range(100)]
    drift = [analyse_experiment(diary, build_up=False) for diary in diaries]
    totals = [pair_totals(diary)[0] for diary in diaries]
    pooled = [float(np.var((t.y_a + t.y_b) / 14, ddof=1) / (np.sum(t.y_a + t.y_b) / np.sum(t.n_a + t.n_b)
                                                            / 14)) for t in totals]
    assert np.mean(pooled) > 2  # the plain spread of the totals would read the drift as bad weeks
    assert np.mean([r.pair_total_dispersion for r in drift]) == pytest.approx(1.0, abs=0.1)


def test_a_fitted_prior_is_read_at_the_persons_covariates() -> None:
    nights = experiment_nights(ARMS, COUNTS)
    alone = analyse_experiment(nights)
    prior = DispersionPrior(log_phi0=math.log(1.1), slopes=(0.3, 0.5), centres=(1.0, 0.0), nu0=15.0,
                            experiments=200)
    per_pair, nightly = alone.prior_covariates
    phi0 = 1.1 * math.exp(0.3 * (math.log(per_pair) - 1.0) + 0.5 * math.log(nightly))
    assert prior.phi0(alone.prior_covariates) == pytest.approx(phi0)
    with_prior = analyse_experiment(nights, prior=prior)
    by_hand = analyse_experiment(nights, phi0=phi0, nu0=15.0)
    assert with_prior.method == "cpq_eb" and with_prior.as_dict() == by_hand.as_dict()
    assert with_prior.dispersion == pytest.approx(shrunk_dispersion(alone.dispersion, alone.df, phi0, 15)[0])


def test_unlogged_nights_are_never_counted_as_nights_without_cramps() -> None:
    result = analyse_experiment(experiment_nights(ARMS, COUNTS))
    y, n, _, x = period_totals(ARMS, COUNTS)
    assert result.nights == n.sum() == 84 - 10
    assert result.rate_stretch == pytest.approx(y[x == 1].sum() / n[x == 1].sum())
    assert result.rate_no_stretch == pytest.approx(y[x == 0].sum() / n[x == 0].sum())
    as_zeros = analyse_experiment(experiment_nights(ARMS, [[0 if math.isnan(c) else c for c in period]
                                                           for period in COUNTS]))
    assert as_zeros.nights == 84 and as_zeros.rate_stretch < result.rate_stretch


def test_washout_nights_are_left_out_of_the_analysis() -> None:
    # The first two nights of every period carry a burst of cramps that washout must ignore.
    counts = [[9.0, 9.0, *period[2:]] for period in COUNTS]
    washed = analyse_experiment(experiment_nights(ARMS, counts), washout_nights=2)
    blanked = analyse_experiment(experiment_nights(ARMS, [[nan, nan, *period[2:]] for period in COUNTS]))
    kept = analyse_experiment(experiment_nights(ARMS, counts))
    assert washed.log_rate_ratio == blanked.log_rate_ratio and washed.nights == blanked.nights
    assert washed.cramps == blanked.cramps < kept.cramps
    assert washed.washout_nights == 2


def test_adherence_is_the_share_of_known_nights_that_followed_the_plan() -> None:
    stretched = [[1.0 if arm == "stretch" else 0.0] * 7 for arm in ARMS]
    stretched[0][:3] = [0.0, nan, 0.0]  # night 1 logged and missed; night 2 unknown; night 3 not logged
    stretched[1][0] = 1.0
    result = analyse_experiment(experiment_nights(ARMS, COUNTS, stretched))
    # every night with a known answer counts, logged or not (night 3 did not follow the plan either)
    assert result.nights_answered == 84 - 1 and result.deviations == 3
    assert result.adherence == pytest.approx(1 - 3 / (84 - 1))


def test_nights_off_plan_are_counted_by_kind_but_analysed_as_planned() -> None:
    """Intention to treat (statistics.md §2.1): a night that did not follow the plan is reported as a
    deviation and stays in its planned arm, so the estimate is the one of the plan as lived."""
    as_planned = analyse_experiment(experiment_nights(ARMS, COUNTS))
    planned = as_planned
    assert planned.deviations == planned.deviations_stretched == planned.deviations_not_stretched == 0
    stretched = [[1.0 if arm == "stretch" else 0.0] * 7 for arm in ARMS]
    stretched[1][3] = 1.0  # stretched anyway on a night planned without
    stretched[2][0] = 1.0
    stretched[3][4] = 0.0  # no stretch on a night planned with it
    stretched[4][0] = nan  # unanswered: neither followed nor not
    off_plan = analyse_experiment(experiment_nights(ARMS, COUNTS, stretched))
    assert off_plan.nights_answered == 83 and off_plan.deviations == 3
    assert (off_plan.deviations_stretched, off_plan.deviations_not_stretched) == (2, 1)
    assert off_plan.as_dict()["deviations"] == 3
    for name in ("rate_ratio", "ci95", "p_value", "randomisation_p_value", "nights_stretch",
                 "nights_no_stretch"):
        assert getattr(off_plan, name) == getattr(as_planned, name), name


def test_without_an_experiment_there_is_nothing_to_deviate_from() -> None:
    nights = Nights(dates=(START, START + timedelta(days=1)), cramps=np.array([1.0, 0.0]),
                    stretched=np.array([1.0, 0.0]))
    counted = experiment.plan_deviations(nights)
    assert (counted.answered, counted.total) == (0, 0) and math.isnan(counted.adherence)


# --- verdicts -----------------------------------------------------------------------------------------


def test_a_clear_benefit_says_helps_and_needs_no_more_nights() -> None:
    result = analyse_experiment(simulated(np.random.default_rng(1), pairs=8, rate_a=3.0, rr=0.33))
    assert result.ci95[1] < 1 and result.verdict == Verdict.HELPS and result.nights_needed is None
    assert result.prob_benefit > 0.99 and result.cramps_avoided_per_month > 0


def test_a_clear_harm_says_worse() -> None:
    result = analyse_experiment(simulated(np.random.default_rng(1), pairs=8, rate_a=1.0, rr=3.0))
    assert result.ci95[0] > 1 and result.verdict == Verdict.WORSE and result.nights_needed is None


def test_an_unclear_result_says_how_many_more_nights_would_settle_it() -> None:
    result = analyse_experiment(simulated(np.random.default_rng(2), pairs=6, rate_a=1.0, rr=1.0))
    assert result.ci95[0] < 1 < result.ci95[1] and result.verdict == Verdict.NO_CLEAR_EFFECT
    total = power.nights_needed_quasi(result.rate_no_stretch, 0.7, max(result.dispersion, 1.0))
    assert result.nights_needed == math.ceil(total - result.nights) > 0


@pytest.mark.parametrize("case", ["one pair", "no cramps", "all cramps without stretching", "no experiment"])
def test_too_little_data_withholds_the_verdict_and_invents_no_number(case: str) -> None:
    if case == "one pair":
        nights = experiment_nights(ARMS[:2], COUNTS[:2])
    elif case == "no cramps":
        nights = experiment_nights(ARMS, [[0.0] * 7 for _ in ARMS])
    elif case == "all cramps without stretching":
        nights = experiment_nights(ARMS, [[0.0] * 7 if arm == "stretch" else [1.0] * 7 for arm in ARMS])
    else:
        nights = Nights(dates=(START,), cramps=np.array([2.0]), stretched=np.array([1.0]))
    result = analyse_experiment(nights)
    assert result.verdict == Verdict.NOT_ENOUGH_DATA
    out = result.as_dict()
    assert out["ci95"] == [None, None] and out["p_value"] is None and out["prob_benefit"] is None
    json.dumps(out, allow_nan=False)  # JSON-ready: no NaN anywhere
    if case == "no cramps":
        assert result.nights_needed is None and out["rate_ratio"] is None
    if case == "all cramps without stretching":
        assert result.rate_stretch == 0 and out["rate_ratio"] is None
        assert result.randomisation_p_value == pytest.approx(2 / 64)  # the exact test still speaks


def test_contradictory_experiment_columns_are_refused() -> None:
    mixed = experiment_nights(ARMS, COUNTS)
    planned = list(mixed.planned)
    planned[3] = "no_stretch"  # inside period 1, planned as stretch
    with pytest.raises(ExperimentError, match="period 1"):
        analyse_experiment(Nights(dates=mixed.dates, cramps=mixed.cramps, stretched=mixed.stretched,
                                  planned=tuple(planned), experiment_period=mixed.experiment_period))
    with pytest.raises(ExperimentError, match="both planned"):
        analyse_experiment(experiment_nights(["stretch"] * 12, COUNTS))


def test_under_overdispersed_clustered_nights_the_tests_keep_their_size() -> None:
    """300 null diaries (8 pairs of 7 nights, 1 cramp a night, nightly NB k = 1, weekly frailty k = 4)."""
    rng = np.random.default_rng(20260302)
    results = [analyse_experiment(simulated(rng, pairs=8, rate_a=1.0, rr=1.0, k_night=1.0, k_period=4.0))
               for _ in range(300)]
    cpq = np.mean([r.p_value < 0.05 for r in results])
    randomisation = np.mean([r.randomisation_p_value < 0.05 for r in results])
    print(f"seed 20260302: CPQ rejects {cpq:.3f}, randomisation test {randomisation:.3f}")
    assert 0.01 <= cpq <= 0.09
    assert randomisation <= 0.09


# --- nights needed (statistics.md §3.1) ---------------------------------------------------------------


@pytest.mark.parametrize(("rate", "rr", "poisson", "k4", "k2", "k1"), [
    (0.3, 0.6, 535, 565, 595, 655),
    (0.3, 0.8, 2364, 2522, 2680, 2995),
    (1, 0.6, 160, 190, 221, 281),
    (1, 0.65, 215, 257, 299, 384),
    (1, 0.8, 709, 867, 1025, 1340),
    (3, 0.8, 236, 394, 552, 867),
])
def test_nights_needed_reproduce_the_published_table(rate: float, rr: float, poisson: int, k4: int, k2: int,
                                                     k1: int) -> None:
    assert round(power.nights_needed_poisson(rate, rr)) == poisson
    assert [round(power.nights_needed_nb(rate, rr, k)) for k in (4, 2, 1)] == [k4, k2, k1]


def test_power_constants_and_period_frailty() -> None:
    assert power.wald_constant() == pytest.approx(7.849, abs=5e-4)
    # Periods are the currency: with a frailty, longer periods cannot push the count below 2·c·2/k_p/ln²RR.
    floor = 2 * power.wald_constant() * 2 / 4 / math.log(0.6) ** 2
    assert power.periods_needed_frailty(1.0, 0.6, 7, 4.0) > power.periods_needed_frailty(1.0, 0.6, 70, 4.0)
    assert power.periods_needed_frailty(1.0, 0.6, 10_000, 4.0) == pytest.approx(floor, rel=1e-3)
    assert power.nights_needed_quasi(1.0, 1.0) == math.inf
    with pytest.raises(ValueError, match="rate"):
        power.nights_needed_poisson(0.0, 0.6)


def test_the_docstring_examples_run() -> None:
    for module in (power, experiment):
        assert doctest.testmod(module, extraglobs={"date": date}).failed == 0


def test_the_package_never_imports_django() -> None:
    import subprocess
    import sys

    code = ("import sys; import nightcramp.stats, nightcramp.stats.base, nightcramp.stats.experiment, "
            "nightcramp.stats.power; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_analyze_says_how_many_nights_did_not_follow_the_plan() -> None:
    from nightcramp.stats.summary import analyse, describe, nights_from_rows

    rows = [{"date": row["date"], "experiment_period": row["experiment_period"], "planned": row["planned"],
             "stretched": row["planned"] == "stretch", "cramps": 1 if row["planned"] == "stretch" else 2}
            for row in plan_experiment(START, seed=4).as_rows()]
    kept = describe(analyse(nights_from_rows(rows)))
    assert "did not follow the plan" not in kept
    off = [dict(row) for row in rows]
    off[0]["stretched"] = not off[0]["stretched"]
    off[9]["stretched"] = not off[9]["stretched"]
    summary = analyse(nights_from_rows(off))
    assert summary["stretching"]["deviations"] == 2 and summary["stretching"]["nights_answered"] == 84
    assert "2 of 84 nights did not follow the plan and count as planned" in describe(summary)
