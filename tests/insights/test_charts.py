"""The charts draw only what the diary knows (nightcramp.stats.weeks): no chart from too few nights, axes
that span the data drawn, a partial last week left out (no fake drop), one bar per week."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import matplotlib.dates as mdates
import numpy as np
import pytest

from nightcramp.insights import charts
from nightcramp.stats.base import Nights
from nightcramp.stats.weeks import weekly

FIRST = date(2026, 6, 1)


def weeks_of(cramps: list[float | None], severity: list[float | None] | None = None):  # type: ignore[no-untyped-def]
    values = np.array([math.nan if c is None else c for c in cramps], dtype=float)
    factors = {}
    if severity is not None:
        factors["max_severity"] = np.array([math.nan if s is None else s for s in severity], dtype=float)
    dates = tuple(FIRST + timedelta(days=i) for i in range(len(cramps)))
    return weekly(Nights(dates=dates, cramps=values, stretched=np.full(len(cramps), np.nan), factors=factors))


def day_number(day: date) -> float:
    return float(mdates.date2num(day))


@pytest.mark.parametrize("cramps", [[2], [2, 1, 0, 3, 1, 0, 0, 0]])
def test_one_night_or_one_full_week_gives_a_sentence_not_a_chart(cramps: list[float | None]) -> None:
    pain = [5.0] * len(cramps)
    for chart in (charts.weekly_cramps(weeks_of(cramps)), charts.severity(weeks_of(cramps, pain))):
        assert not chart.drawn and chart.svg == "" and chart.limits is None
        assert chart.summary.startswith("Too few")
        assert "1 nights" not in chart.summary and "1 weeks" not in chart.summary


def test_the_weekly_axis_spans_the_weeks_drawn_and_leaves_out_a_partial_last_week() -> None:
    weeks = weeks_of([2, 3, 1, 2, 2, 3, 1] * 2 + [0])  # two full weeks, then one quiet night so far
    chart = charts.weekly_cramps(weeks)
    assert chart.drawn and chart.limits is not None
    (x0, x1), (y0, y1) = chart.limits
    # Exactly the two full weeks: 1 June to the end of 14 June, not years around them, not the 15th.
    assert (x0, x1) == (day_number(FIRST), day_number(FIRST + timedelta(days=14)))
    assert y0 == 0 and 14 < y1 < 40
    assert "2 weeks with at least 4 nights logged" in chart.summary
    assert "Most recently 14.0 cramps a week" in chart.summary  # not the 0.0 of the one quiet night
    assert "The week from 15 June has 1 logged night, too few for a weekly rate, so it is not drawn." in \
        chart.summary


def test_one_bar_per_week_across_its_own_seven_nights() -> None:
    weeks = weeks_of([1] * 21, [3] * 7 + [6] * 7 + [9] * 7)
    chart = charts.severity(weeks)
    assert chart.limits is not None
    (x0, x1), (y0, y1) = chart.limits
    assert (x0, x1) == (day_number(FIRST), day_number(FIRST + timedelta(days=21)))
    assert (y0, y1) == (0, 10)
    bars = re.findall(r'<g id="severity-patch_(\d+)">', chart.svg)
    assert len(bars) >= 3
    assert "over 3 weeks with a pain score: from 3 to 9 out of 10, most recently 9" in chart.summary


def test_an_empty_comparison_or_hour_chart_is_not_drawn() -> None:
    empty = charts.stretching(None, None, 0, 0)
    assert not empty.drawn and "so far 0 nights with and 0 nights without" in empty.summary
    few = charts.stretching(1.0, 0.5, 6, 30)
    assert not few.drawn and "6 nights without" in few.summary
    hours = charts.by_hour([(h, 0) for h in (18, 19, 20)])
    assert not hours.drawn and hours.summary == "No cramps with a time logged yet."


def test_a_drawn_comparison_has_an_axis_that_fits_and_says_where_the_estimate_is() -> None:
    chart = charts.stretching(1.2, 0.6, 10, 1)
    assert not chart.drawn  # one stretched night is not enough to compare
    chart = charts.stretching(1.2, 0.6, 10, 12)
    assert chart.drawn and chart.limits is not None
    (x0, x1), _ = chart.limits
    assert x0 == 0 and 1.2 < x1 < 1.5
    assert "beside this chart" not in chart.summary and "Does stretching help you?" in chart.summary
    assert "10 nights without" in chart.summary and "12 nights with it" in chart.summary


def test_the_hour_chart_counts_in_whole_cramps() -> None:
    chart = charts.by_hour([(18, 0), (3, 1)])
    assert chart.drawn and chart.limits is not None
    assert chart.limits[1][0] == 0 and chart.limits[1][1] >= 1
    assert chart.summary == "1 cramp with a time. Most began in the hour from 03:00 (1 cramp)."


def test_a_season_chart_of_no_cramps_keeps_a_positive_axis() -> None:
    chart = charts.seasons([0.0] + [None] * 11, [1.0] * 12, "your months")
    assert chart.limits is not None and chart.limits[1][0] == 0 and chart.limits[1][1] >= 1
