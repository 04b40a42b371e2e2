"""How much a diary knows, week by week: the one rule every weekly number and chart follows. No Django.

Insights, the doctor report (page and PDF) and ``nightcramp analyze`` all read their weekly figures
from here, so they print the same numbers and hold back the same ones (docs/analysis.md, "Weeks").

- **Weeks** are counted from the first night of the diary (or of the report's period): nights 1-7 are
  week 1. The last week may be short (the diary ends) or not over yet.
- **A week counts** (is *full enough*) when at least :data:`MIN_LOGGED` (4) of its 7 nights are logged.
  Only such a week has a rate: its cramps per logged night × 7, so a half-logged week is not read as
  a half-good one. A week with 1-3 logged nights is *partial*: it has no rate and is never drawn, so a
  chart cannot end in a fake drop when the current week holds one quiet night so far; the chart says
  in words that it is left out. The unfinished current week counts once 4 of its nights are logged.
- **The headline rate** ("cramps a week") is 7 × the cramps per logged night over the weeks that
  count, and is given only when at least one week counts. After one night with two cramps there is no
  weekly rate, only "2 cramps in 1 logged night".
- **A weekly chart** (cramps a week, worst pain) is drawn when at least :data:`MIN_CHART_WEEKS` (2)
  weeks count; below that, a plain sentence stands in its place.
- **Comparing nights** with and without the stretch in a chart needs at least
  :data:`MIN_COMPARE_NIGHTS` (7) logged nights on each side.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from nightcramp.stats.base import Nights, Result
from nightcramp.stats.words import plural

WEEK = 7
MIN_LOGGED = 4
"""A week counts (has a rate, is drawn) when at least this many of its 7 nights are logged."""
MIN_CHART_WEEKS = 2
"""A weekly chart needs at least this many weeks that count."""
MIN_COMPARE_NIGHTS = 7
"""A chart of nights with and without the stretch needs at least this many logged nights on each side."""
SEVERITY = "max_severity"
RULE = f"a week counts when at least {MIN_LOGGED} of its {WEEK} nights are logged"


@dataclass(frozen=True)
class Week(Result):
    """One week: ``rate`` is cramps per 7 logged nights (NaN unless the week ``counts``), ``ci95`` an
    exact Poisson interval for it (it ignores bad-week clustering, so read it as a guide; None unless the
    week counts), ``worst_severity`` the highest severity logged that week (NaN without one)."""

    start: date
    logged_nights: int
    cramps: float
    rate: float
    ci95: tuple[float, float] | None
    worst_severity: float
    counts: bool

    @property
    def end(self) -> date:
        """The last night of the week (seven nights on, whether or not the diary reaches it)."""
        return self.start + timedelta(days=WEEK - 1)


@dataclass(frozen=True)
class WeeklyRate(Result):
    """The diary's weekly figures under the rule above. ``cramps_per_week`` is NaN (``None`` in JSON)
    when no week counts; ``nights`` and ``cramps`` are those of the weeks that count."""

    min_logged_nights: int
    weeks: int
    full_weeks: int
    partial_weeks: int
    nights: int
    cramps: float
    cramps_per_week: float
    ci95: tuple[float, float] | None
    chart: bool


def counts(logged_nights: int) -> bool:
    return logged_nights >= MIN_LOGGED


def weekly(nights: Nights) -> tuple[Week, ...]:
    """Each week of the diary with its rate (weeks that count only) and its worst severity."""
    severity = nights.factors.get(SEVERITY)
    weeks = []
    for begin in range(0, len(nights), WEEK):
        span = slice(begin, begin + WEEK)
        logged = nights.logged[span]
        count, total = int(logged.sum()), float(nights.cramps[span][logged].sum())
        worst = math.nan
        if severity is not None:
            values = severity[span][logged]
            values = values[~np.isnan(values)]
            worst = float(values.max()) if values.size else math.nan
        full = counts(count)
        weeks.append(Week(start=nights.dates[begin], logged_nights=count, cramps=total,
                          rate=WEEK * total / count if full else math.nan,
                          ci95=poisson_ci(total, count) if full else None, worst_severity=worst, counts=full))
    return tuple(weeks)


def weekly_rate(weeks: Sequence[Week]) -> WeeklyRate:
    """The headline rate over the weeks that count, and whether a weekly chart may be drawn."""
    full = [w for w in weeks if w.counts]
    nights = sum(w.logged_nights for w in full)
    cramps = float(sum(w.cramps for w in full))
    return WeeklyRate(min_logged_nights=MIN_LOGGED, weeks=len(weeks), full_weeks=len(full),
                      partial_weeks=sum(1 for w in weeks if 0 < w.logged_nights < MIN_LOGGED), nights=nights,
                      cramps=cramps, cramps_per_week=WEEK * cramps / nights if nights else math.nan,
                      ci95=poisson_ci(cramps, nights) if nights else None,
                      chart=len(full) >= MIN_CHART_WEEKS)


def shown(weeks: Sequence[Week]) -> tuple[Week, ...]:
    """The weeks a weekly chart draws: those that count."""
    return tuple(w for w in weeks if w.counts)


def left_out(weeks: Sequence[Week]) -> tuple[Week, ...]:
    """Weeks with some logged nights that are too few to count (never drawn, said in words)."""
    return tuple(w for w in weeks if 0 < w.logged_nights < MIN_LOGGED)


def poisson_ci(total: float, count: int) -> tuple[float, float] | None:
    """Exact (Garwood) 95% interval for a Poisson count, scaled to cramps per 7 nights."""
    from scipy import stats as sps  # loaded on first use: the pages import this module at start

    if count == 0:
        return None
    low = 0.0 if total == 0 else float(sps.chi2.ppf(0.025, 2 * total)) / 2
    high = float(sps.chi2.ppf(0.975, 2 * total + 2)) / 2
    return WEEK * low / count, WEEK * high / count


# --- words ----------------------------------------------------------------------------------------------

def rate_words(rate: float) -> str:
    """A weekly rate as printed everywhere: one decimal."""
    return f"{rate:.1f}"


def weekly_words(rate: WeeklyRate | Mapping[str, Any]) -> str:
    """The weekly rate in one sentence, the same on every page: a rate only when a week counts.

    "5.3 cramps a week, over the 5 weeks with at least 4 nights logged; 1 week with fewer is not counted."
    or "No weekly rate yet: a week
    counts when at least 4 of its 7 nights are logged."
    """
    values = rate.as_dict() if isinstance(rate, WeeklyRate) else rate
    per_week = values.get("cramps_per_week")
    if not isinstance(per_week, int | float) or not math.isfinite(per_week):
        return f"No weekly rate yet: {RULE}."
    full = int(values.get("full_weeks") or 0)
    weeks = "the week" if full == 1 else f"the {full} weeks"
    partial = int(values.get("partial_weeks") or 0)
    # A partial week (the one under way, say) is named, so that nobody reads its nights into the rate.
    fewer = (f"; {plural(partial, 'week')} with fewer {'is' if partial == 1 else 'are'} not counted"
             if partial else "")
    return (f"{rate_words(per_week)} cramps a week, over {weeks} with at least {MIN_LOGGED} nights "
            f"logged{fewer}.")


def rate_sentence(nights: int, cramps: int, rate: WeeklyRate | Mapping[str, Any]) -> str:
    """"2 cramps in 1 logged night. No weekly rate yet: ..." (the headline of ``nightcramp analyze``)."""
    return f"{plural(cramps, 'cramp')} in {plural(nights, 'logged night')}. {weekly_words(rate)}"


def left_out_words(weeks: Sequence[Week]) -> str:
    """Why the chart stops short of the partial weeks, or "" when none is left out."""
    missing = left_out(weeks)
    if not missing:
        return ""
    if len(missing) == 1:
        week = missing[0]
        return (f"The week from {week.start.day} {week.start:%B} has "
                f"{plural(week.logged_nights, 'logged night')}, too few for a weekly rate, so it is not "
                "drawn.")
    return (f"{plural(len(missing), 'week')} with fewer than {MIN_LOGGED} logged nights "
            "are not drawn: too few nights for a weekly rate.")


def too_few_words(weeks: Sequence[Week]) -> str:
    """The sentence that stands in for a weekly chart with too few weeks that count."""
    nights = sum(w.logged_nights for w in weeks)
    return (f"Too few nights for a weekly chart yet: it needs at least {MIN_CHART_WEEKS} weeks with "
            f"{MIN_LOGGED} or more nights logged, and the diary holds {plural(nights, 'logged night')} "
            "so far.")
