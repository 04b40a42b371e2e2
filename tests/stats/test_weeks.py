"""The one weekly rule (nightcramp.stats.weeks): which weeks have a rate, when a headline "cramps a week"
and a weekly chart may be shown, and the words for numbers that every page shares."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from nightcramp.stats.base import Nights
from nightcramp.stats.summary import analyse, describe
from nightcramp.stats.weeks import (
    MIN_CHART_WEEKS,
    MIN_LOGGED,
    left_out,
    left_out_words,
    rate_sentence,
    shown,
    too_few_words,
    weekly,
    weekly_rate,
    weekly_words,
)
from nightcramp.stats.words import p_words, plural

FIRST = date(2026, 6, 1)


def diary(cramps: list[float | None]) -> Nights:
    values = np.array([math.nan if c is None else c for c in cramps], dtype=float)
    dates = tuple(FIRST + timedelta(days=i) for i in range(len(cramps)))
    return Nights(dates=dates, cramps=values, stretched=np.full(len(cramps), np.nan))


def test_one_night_with_two_cramps_has_no_weekly_rate_anywhere() -> None:
    nights = diary([2])
    (week,) = weekly(nights)
    assert week.logged_nights == 1 and not week.counts and math.isnan(week.rate) and week.ci95 is None
    rate = weekly_rate(weekly(nights))
    assert math.isnan(rate.cramps_per_week) and rate.full_weeks == 0 and rate.partial_weeks == 1
    assert not rate.chart
    summary = analyse(nights)
    assert summary["weekly"]["cramps_per_week"] is None and summary["weekly"]["chart"] is False
    sentence = rate_sentence(1, 2, summary["weekly"])
    assert sentence == ("2 cramps in 1 logged night. No weekly rate yet: a week counts when at least 4 of "
                        "its 7 nights are logged.")
    printed = describe(summary)
    assert sentence in printed and "14.0" not in printed and "1 nights" not in printed


def test_a_week_counts_from_four_logged_nights() -> None:
    three = weekly(diary([1, 1, 1, None, None, None, None]))[0]
    four = weekly(diary([1, 1, 1, 0, None, None, None]))[0]
    assert MIN_LOGGED == 4 and not three.counts and four.counts
    assert four.rate == pytest.approx(7 * 3 / 4)


def test_eight_nights_give_one_full_week_and_no_chart() -> None:
    nights = diary([2, 1, 0, 3, 1, 0, 0, 0])
    weeks = weekly(nights)
    assert [w.counts for w in weeks] == [True, False]
    rate = weekly_rate(weeks)
    # The eighth night (no cramps) does not pull the rate down: only the full week carries a rate.
    assert rate.full_weeks == 1 and rate.nights == 7 and rate.cramps_per_week == pytest.approx(7.0)
    assert not rate.chart and MIN_CHART_WEEKS == 2
    assert weekly_words(rate) == ("7.0 cramps a week, over the week with at least 4 nights logged; 1 week "
                                  "with fewer is not counted.")
    assert too_few_words(weeks) == (
        "Too few nights for a weekly chart yet: it needs at least 2 weeks with 4 or more nights logged, and "
        "the diary holds 8 logged nights so far.")


@pytest.mark.parametrize("tail", [[0], [0, 0], [None, 0, None]])
def test_a_last_week_with_one_or_two_logged_nights_is_left_out_and_said(tail: list[float | None]) -> None:
    nights = diary([2, 3, 1, 2, 2, 3, 1] * 3 + tail)
    weeks = weekly(nights)
    assert len(weeks) == 4 and [w.counts for w in weeks] == [True, True, True, False]
    assert shown(weeks) == weeks[:3] and left_out(weeks) == (weeks[3],)
    rate = weekly_rate(weeks)
    assert rate.chart and rate.full_weeks == 3 and rate.cramps_per_week == pytest.approx(14.0)
    logged = sum(c is not None for c in tail)
    assert left_out_words(weeks) == (
        f"The week from 22 June has {plural(logged, 'logged night')}, too few for a weekly rate, so it is "
        "not drawn.")


def test_weeks_between_that_do_not_count_are_left_out_of_the_rate() -> None:
    nights = diary([1] * 7 + [None] * 5 + [9, 9] + [1] * 7)
    weeks = weekly(nights)
    assert [w.counts for w in weeks] == [True, False, True]
    rate = weekly_rate(weeks)
    assert rate.cramps_per_week == pytest.approx(7.0) and rate.nights == 14
    assert left_out_words(weeks).startswith("The week from 8 June has 2 logged nights")


def test_an_empty_diary_has_no_weeks() -> None:
    rate = weekly_rate(())
    assert rate.weeks == 0 and math.isnan(rate.cramps_per_week) and not rate.chart
    assert left_out_words(()) == ""


def test_numbers_agree_with_their_nouns() -> None:
    assert plural(1, "week") == "1 week" and plural(2, "week") == "2 weeks"
    assert plural(0, "night") == "0 nights" and plural(1, "logged night") == "1 logged night"
    assert plural(1.0, "cramp") == "1 cramp" and plural(2.5, "unit") == "2.5 units"
    assert plural(3, "more medicine") == "3 more medicines" and plural(2, "query", "queries") == "2 queries"


def test_p_values_are_said_in_words() -> None:
    assert p_words(1.1e-05) == "very unlikely to be chance, p < 0.001"
    assert p_words(0.0043) == "unlikely to be chance, p = 0.004"
    assert p_words(0.0499) == "unlikely to be chance, p = 0.050"
    assert p_words(0.21) == "could well be chance, p = 0.21"
    assert p_words(None) == "" and p_words(math.nan) == ""
    assert "e-" not in p_words(1e-9)
