"""The shared base of the statistics package: the nights table and JSON-ready results."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest

from nightcramp.stats.base import Nights, Result, Verdict, plain


def test_rows_become_one_entry_per_calendar_night_and_gaps_stay_unlogged() -> None:
    rows = [{"date": date(2026, 1, 1), "cramps": 2, "stretched": True, "sitting_hours": 8},
            {"date": date(2026, 1, 4), "cramps": 0, "stretched": False, "planned": "stretch",
             "experiment_period": 1}]
    nights = Nights.from_rows(rows, factor_names=["sitting_hours"])
    assert nights.dates == tuple(date(2026, 1, d) for d in (1, 2, 3, 4))
    assert list(nights.logged) == [True, False, False, True]
    assert nights.cramps[3] == 0.0 and math.isnan(nights.cramps[1])  # a gap is not a night without cramps
    assert list(nights.stretched[[0, 3]]) == [1.0, 0.0]
    assert nights.planned == ("", "", "", "stretch") and list(nights.experiment_period) == [0, 0, 0, 1]
    assert nights.factors["sitting_hours"][0] == 8 and math.isnan(nights.factors["sitting_hours"][3])
    assert nights.span_days == 4 and len(nights) == 4


def test_the_southern_hemisphere_is_aligned_half_a_year_on() -> None:
    days = (date(2026, 1, 15), date(2026, 7, 16))
    north = Nights(dates=days, cramps=np.zeros(2), stretched=np.zeros(2))
    south = Nights(dates=days, cramps=np.zeros(2), stretched=np.zeros(2), hemisphere="south")
    assert list(north.day_of_year) == [15.0, 197.0]
    assert south.day_of_year[0] == pytest.approx(15 + 182.625)
    assert south.day_of_year[1] == pytest.approx(14.375)


@pytest.mark.parametrize(("change", "message"), [
    ({"dates": (date(2026, 1, 2), date(2026, 1, 1))}, "strictly increasing"),
    ({"cramps": np.zeros(3)}, "one value per date"),
    ({"planned": ("stretch",)}, "planned"),
    ({"hemisphere": "east"}, "hemisphere"),
])
def test_a_malformed_table_is_refused(change: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"dates": (date(2026, 1, 1), date(2026, 1, 2)), "cramps": np.zeros(2),
                                 "stretched": np.zeros(2), **change}
    with pytest.raises(ValueError, match=message):
        Nights(**values)  # type: ignore[arg-type]


def test_results_are_json_ready_and_never_invent_a_number() -> None:
    @dataclass(frozen=True)
    class Example(Result):
        ratio: float
        ci95: tuple[float, float]
        verdict: Verdict
        when: date
        count: np.int64

    out = Example(ratio=math.nan, ci95=(0.5, math.inf), verdict=Verdict.HELPS, when=date(2026, 2, 1),
                  count=np.int64(3)).as_dict()
    assert out == {"ratio": None, "ci95": [0.5, None], "verdict": "helps", "when": "2026-02-01", "count": 3}
    assert plain({"a": np.float64(0.25)}) == {"a": 0.25}


def test_a_night_given_twice_is_refused_rather_than_one_row_silently_winning() -> None:
    rows = [{"date": date(2026, 1, 1), "cramps": 5}, {"date": date(2026, 1, 1), "cramps": 0}]
    with pytest.raises(ValueError, match="2026-01-01 appears more than once"):
        Nights.from_rows(rows)
