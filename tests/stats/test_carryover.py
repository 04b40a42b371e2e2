"""The build-up (carry-over) model of the randomised experiment: its exposure recursion in closed form,
the plain analysis as its special case, and a seeded diary with a slow build-up."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nightcramp.stats.carryover import analyse_carry_over, exposure
from nightcramp.stats.experiment import analyse_experiment
from tests.stats.test_experiment import ARMS, COUNTS, experiment_nights


def build_up_diary(seed: int, tau: float, rate: float = 3.0, rr: float = 0.5, pairs: int = 20):  # type: ignore[no-untyped-def]
    """Weekly periods in random order within pairs; the rate follows the exposure with time constant τ."""
    rng = np.random.default_rng(seed)
    arms: list[str] = []
    for first in rng.integers(0, 2, size=pairs):
        arms += ["stretch", "no_stretch"] if first else ["no_stretch", "stretch"]
    x = np.repeat([1.0 if a == "stretch" else 0.0 for a in arms], 7)
    e = exposure(x, np.array([math.exp(-1 / tau)]))[0]
    cramps = rng.poisson(rate * np.exp(math.log(rr) * e)).astype(float)
    return experiment_nights(arms, cramps.reshape(-1, 7).tolist())


def test_the_exposure_follows_its_recursion_in_closed_form() -> None:
    r = np.array([0.0, 0.5, 0.8])
    on = exposure(np.ones(6), r)
    assert on == pytest.approx(1 - r[:, None] ** np.arange(1, 7)[None, :])  # builds up: 1 − r^(t+1)
    off = exposure(np.r_[np.ones(40), np.zeros(3)], r)[:, 40:]
    reached = (1 - r ** 40)[:, None]
    assert off == pytest.approx(reached * r[:, None] ** np.arange(1, 4)[None, :])  # wears off: ·r^t
    assert exposure(np.array([1.0, 0.0, 1.0]), np.zeros(1))[0] == pytest.approx([1, 0, 1])  # r = 0: x


@pytest.mark.parametrize("washout", [0, 2])
def test_with_no_build_up_allowed_it_is_the_plain_analysis(washout: int) -> None:
    nights = experiment_nights(ARMS, COUNTS)
    plain = analyse_experiment(nights, washout_nights=washout)
    only_r0 = analyse_carry_over(nights, washout_nights=washout, points=1,
                                 pair_spread=(plain.pair_total_dispersion, plain.pairs_complete))
    assert only_r0.rate_ratio == pytest.approx(plain.rate_ratio, rel=1e-10)
    assert only_r0.ci95 == pytest.approx(plain.ci95, rel=1e-9)
    assert only_r0.p_value == pytest.approx(plain.p_value, rel=1e-9)
    assert only_r0.prob_benefit == pytest.approx(plain.prob_benefit, rel=1e-9)
    assert only_r0.build_up_nights == 0 and only_r0.pairs == plain.pairs_informative


def test_a_slow_build_up_dilutes_the_plain_estimate_and_the_model_recovers_it() -> None:
    nights = build_up_diary(seed=7, tau=3.0)
    plain = analyse_experiment(nights)
    model = analyse_carry_over(nights)
    assert not plain.ci95[0] <= 0.5 <= plain.ci95[1]  # the plain interval misses the steady-state 0.5
    assert plain.rate_ratio > 0.6
    assert model.ci95[0] <= 0.5 <= model.ci95[1]
    assert abs(math.log(model.rate_ratio / 0.5)) < 0.6 * abs(math.log(plain.rate_ratio / 0.5))
    assert 1.5 < model.build_up_nights < 7
    assert model.ci95[1] - model.ci95[0] > plain.ci95[1] - plain.ci95[0]  # not knowing τ costs width


def test_without_a_build_up_it_agrees_with_the_plain_analysis_within_its_wider_interval() -> None:
    nights = build_up_diary(seed=8, tau=1e-9)  # r = 0: no build-up at all
    plain = analyse_experiment(nights)
    model = analyse_carry_over(nights)
    assert model.ci95[0] <= plain.rate_ratio <= model.ci95[1]
    assert model.ci95[0] <= 0.5 <= model.ci95[1]
    assert model.build_up_nights < 2


def test_what_cannot_be_estimated_is_nan() -> None:
    nights = experiment_nights(ARMS, [[0.0] * 7 for _ in ARMS])  # no cramps at all
    result = analyse_carry_over(nights)
    assert math.isnan(result.rate_ratio) and math.isnan(result.p_value) and result.pairs == 0
    assert result.as_dict()["ci95"] == [None, None]
