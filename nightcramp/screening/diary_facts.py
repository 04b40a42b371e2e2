"""What the diary shows, as facts the screening rules read (``screen(answers, diary_facts=...)``). No Django.

The caller (``nightcramp.screening.watch``) reads the diary and hands over plain records; :func:`derive`
turns them into the ``diary_facts`` object documented in docs/screening.md. Every window and minimum
below is our own choice, not a figure from the sources. They exist so that one odd entry, or a diary
kept for only a few nights, never raises a notice, and so that a notice goes away on its own once the
entries behind it are old. ``today`` is the person's local date; a night is named by the evening it
began, as everywhere in the diary.

A long cramp that did not ease (``long_unrelieved_cramp_nights_ago``)
    A cramp (night or day) of the last :data:`SHAPE_DAYS` (90) nights that lasted more than 10 minutes
    *and* was logged as not eased by stretching or by standing and walking (what helped: "stretched the
    muscle" or "stood up and walked", with "did that help?" answered no; the relief flow stores "nothing
    helped" that way). The evidence file's red flag is a cramp of more than 10 minutes that does not ease
    with stretching or exercise (section 5.4), and the mean cramp lasts 9 minutes, so a long cramp alone
    is not one. 600 s stays silent; 601 s, or the "over 10 min" chip (stored as 900 s), counts. The fact
    is how many nights ago the latest such cramp was: 0 for tonight, 1 for last night. The rules give
    same-day advice for 0 or 1 and "see a doctor soon" for an older one, so that the advice fits when the
    cramp happened.

Cramps elsewhere (``share_outside_calf_foot``)
    Of the cramps in the last 90 nights whose muscle was noted, the share that was not the calf or the
    foot. Given only when at least :data:`MIN_SHARE_BASE` (4) cramps have a muscle noted and at least
    :data:`MIN_SHARE_HITS` (2) of them were elsewhere: one thigh cramp is not "often".

Cramps by day (``share_daytime``)
    Of all cramps logged in the last 90 nights, the share logged outside the person's night hours. Given
    only with at least 4 cramps, at least 2 of them by day.

A clear rise in frequency (``cramps_began_or_worsened``, ``clear_rise_ratio``)
    Only nights the person logged count: a night with cramps logged, a checked-in night (0 when nothing
    was logged), or a summary-only night with its reported count. Of the logged nights in the last
    :data:`RISE_HORIZON_DAYS` (182), the latest :data:`RECENT_NIGHTS` (28) are compared with the
    :data:`EARLIER_NIGHTS` (56) logged before them. A rise is clear when all of these hold:

    - there are 84 such nights, and the first of the recent 28 is at most :data:`RECENT_SPAN_DAYS` (56)
      days old, so a rise is only reported while it is recent and the person is still logging;
    - the recent 28 nights hold at least :data:`MIN_RECENT_CRAMPS` (8) cramps;
    - cramps per logged night rose at least :data:`MIN_RATIO` (2) fold (when the earlier nights had no
      cramps at all, they count as half a cramp, so the ratio stays finite);
    - an exact conditional binomial test says a split at least this lopsided would happen with
      probability below :data:`ALPHA` (0.01) if the rate had not changed: given the n cramps of all 84
      nights, the count in the recent 28 is Binomial(n, 28/84) under "no change".

    Then ``cramps_began_or_worsened`` is the first night of the recent 28 and ``clear_rise_ratio`` the
    rise (rounded to 2 decimals); both are absent otherwise. Across large populations, new quinine
    prescriptions and searches for leg cramps (proxies for cramps, not counted cramps) about double from
    midwinter to midsummer (evidence section 2), so a rise in spring or early summer may be the season;
    the rule's advice says so.

Medicines (``medications``)
    The diary's medicines taken now (not stopped, or stopped today or later), and, when the diary shows
    a clear rise, those stopped since its first night, because they were taken while the cramps rose.
    A quinine course that has already been stopped is left out: the engine reads a listed quinine as
    "taking quinine now".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nightcramp.knowledge import load, match_medicine

SHAPE_DAYS = 90
"""The longest cramp and the two shares look at the nights of the last 90 days, today included."""
MIN_SHARE_BASE = 4
"""A share needs at least this many cramps behind it (with a muscle noted, for the muscle share)."""
MIN_SHARE_HITS = 2
"""... and at least this many cramps elsewhere / by day."""
CALF_AND_FOOT = frozenset({"calf", "foot"})

RISE_HORIZON_DAYS = 182
"""Logged nights older than this never enter the frequency comparison."""
RECENT_NIGHTS = 28
EARLIER_NIGHTS = 56
RECENT_SPAN_DAYS = 56
"""The first of the recent 28 logged nights must be at most this many days before today."""
MIN_RECENT_CRAMPS = 8
MIN_RATIO = 2.0
ALPHA = 0.01
EMPTY_BASELINE = 0.5
"""Cramps the earlier nights count as when they had none, so that the ratio stays finite."""

OVER_TEN_CHIP_S = 900
"""The "over 10 min" duration chip of the episode form stores this many seconds."""
LONG_CRAMP_S = 600
"""A cramp counts as long when it lasted more than this many seconds (evidence section 5.4)."""
EASING_TRIED = frozenset({"stretch", "walk"})
"""What was tried, for "did not ease with stretching or exercise": stretching, or standing and walking."""


@dataclass(frozen=True)
class EpisodeFact:
    night: date
    """The night the cramp is filed under (named by its evening)."""
    duration_s: int | None
    muscle: str
    """A muscle choice of the diary (``calf``, ``foot``, ``hamstring``, ...); ``""`` when not noted."""
    daytime: bool
    day: date | None = None
    """The local calendar day the cramp began, for the wording; the night's date when not given."""
    relief: str = ""
    """What helped most, as the diary stores it (``stretch``, ``walk``, ...); ``""`` when not noted."""
    relief_helped: bool | None = None

    @property
    def long_and_unrelieved(self) -> bool:
        """Longer than 10 minutes, and stretching or walking was tried and did not help."""
        return ((self.duration_s or 0) > LONG_CRAMP_S and self.relief in EASING_TRIED
                and self.relief_helped is False)


@dataclass(frozen=True)
class NightFact:
    date: date
    cramps: int | None
    """Night cramps of that night as the diary counts them (``Night.cramps``); None: not logged."""


@dataclass(frozen=True)
class MedicationFact:
    name: str
    started: date | None
    stopped: date | None = None


@dataclass(frozen=True)
class Rise:
    began: date
    """The first night of the recent window."""
    ratio: float
    p_value: float
    recent_cramps: int
    earlier_cramps: int
    earlier_from: date


@dataclass(frozen=True)
class Derivation:
    facts: dict[str, Any]
    """The ``diary_facts`` object for ``screen``."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Plain words for each number in ``facts``, keyed like the rules name them (``diary.<key>``)."""
    rise: Rise | None = None


# ---- wording -------------------------------------------------------------------------------------

def day_words(day: date, today: date) -> str:
    """'3 March', with the year when it is not this year."""
    return f"{day.day} {day:%B}" if day.year == today.year else f"{day.day} {day:%B %Y}"


def duration_words(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} minutes" if not rest else f"{minutes} min {rest} s"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


# ---- the exact test ------------------------------------------------------------------------------

def upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed exactly term by term (in logs, so large n is safe)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
             for i in range(k, n + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms))


def rise_ratio(recent: int, earlier: int, recent_nights: int = RECENT_NIGHTS,
               earlier_nights: int = EARLIER_NIGHTS) -> float:
    """Cramps per logged night, recent over earlier (an empty baseline counts as half a cramp)."""
    return (recent / recent_nights) / (max(earlier, EMPTY_BASELINE) / earlier_nights)


def rise_p_value(recent: int, earlier: int, recent_nights: int = RECENT_NIGHTS,
                 earlier_nights: int = EARLIER_NIGHTS) -> float:
    """One-sided exact conditional test: how likely a split at least this lopsided is without a change."""
    return upper_tail(recent, recent + earlier, recent_nights / (recent_nights + earlier_nights))


def clear_rise(nights: Iterable[NightFact], today: date) -> Rise | None:
    """The clear rise in cramps per logged night that the diary shows, or None (see the module text)."""
    first = today - timedelta(days=RISE_HORIZON_DAYS - 1)
    logged = sorted((n for n in nights if n.cramps is not None and first <= n.date <= today),
                    key=lambda n: n.date)
    if len(logged) < RECENT_NIGHTS + EARLIER_NIGHTS:
        return None
    recent = logged[-RECENT_NIGHTS:]
    earlier = logged[-(RECENT_NIGHTS + EARLIER_NIGHTS):-RECENT_NIGHTS]
    if recent[0].date < today - timedelta(days=RECENT_SPAN_DAYS):
        return None
    x_recent = sum(n.cramps or 0 for n in recent)
    x_earlier = sum(n.cramps or 0 for n in earlier)
    if x_recent < MIN_RECENT_CRAMPS:
        return None
    ratio = rise_ratio(x_recent, x_earlier)
    if ratio < MIN_RATIO:
        return None
    p_value = rise_p_value(x_recent, x_earlier)
    if p_value >= ALPHA:
        return None
    return Rise(began=recent[0].date, ratio=round(ratio, 2), p_value=p_value, recent_cramps=x_recent,
                earlier_cramps=x_earlier, earlier_from=earlier[0].date)


# ---- the facts -----------------------------------------------------------------------------------

def _long_unrelieved(episodes: list[EpisodeFact], today: date) -> tuple[dict[str, Any], dict[str, str]]:
    long = [e for e in episodes if e.long_and_unrelieved]
    if not long:
        return {}, {}
    latest = max(long, key=lambda e: (e.night, e.day or e.night, e.duration_s or 0))
    seconds = latest.duration_s or 0
    when = day_words(latest.day or latest.night, today)
    length = ("logged as lasting over 10 minutes" if seconds == OVER_TEN_CHIP_S
              else f"of {duration_words(seconds)}")
    tried = "stretching" if latest.relief == "stretch" else "standing and walking"
    words = f"a cramp {length} on {when} that did not ease with {tried}"
    return ({"long_unrelieved_cramp_nights_ago": (today - latest.night).days},
            {"diary.long_unrelieved_cramp_nights_ago": words})


def _shares(episodes: list[EpisodeFact]) -> tuple[dict[str, Any], dict[str, str]]:
    facts: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    noted = [e for e in episodes if e.muscle]
    elsewhere = [e for e in noted if e.muscle not in CALF_AND_FOOT]
    if len(noted) >= MIN_SHARE_BASE and len(elsewhere) >= MIN_SHARE_HITS:
        share = len(elsewhere) / len(noted)
        facts["share_outside_calf_foot"] = round(share, 4)
        reasons["diary.share_outside_calf_foot"] = (
            f"{_percent(share)} of cramps outside the calf and foot in the last {SHAPE_DAYS} days "
            f"({len(elsewhere)} of the {len(noted)} with a muscle noted)")
    by_day = [e for e in episodes if e.daytime]
    if len(episodes) >= MIN_SHARE_BASE and len(by_day) >= MIN_SHARE_HITS:
        share = len(by_day) / len(episodes)
        facts["share_daytime"] = round(share, 4)
        reasons["diary.share_daytime"] = (
            f"{_percent(share)} of cramps during the day in the last {SHAPE_DAYS} days "
            f"({len(by_day)} of {len(episodes)})")
    return facts, reasons


def _is_quinine(name: str) -> bool:
    return any(known.classes == ("quinine",) for known in match_medicine(load(), name))


def _medications(medications: Iterable[MedicationFact], rise: Rise | None,
                 today: date) -> list[dict[str, Any]]:
    listed = []
    for med in medications:
        name = med.name.strip()
        if not name:
            continue
        taken_now = med.stopped is None or med.stopped >= today
        during_rise = (rise is not None and med.stopped is not None and med.stopped >= rise.began
                       and not _is_quinine(name))
        if taken_now or during_rise:
            listed.append({"name": name, "started": med.started.isoformat() if med.started else None})
    return listed


def examine(episodes: Iterable[EpisodeFact], nights: Iterable[NightFact],
            medications: Iterable[MedicationFact], today: date) -> Derivation:
    """The diary facts with plain words for each (see the module text for every window and minimum)."""
    since = today - timedelta(days=SHAPE_DAYS - 1)
    recent = [e for e in episodes if since <= e.night <= today]
    facts: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for part_facts, part_reasons in (_long_unrelieved(recent, today), _shares(recent)):
        facts.update(part_facts)
        reasons.update(part_reasons)
    rise = clear_rise(nights, today)
    if rise is not None:
        facts["cramps_began_or_worsened"] = rise.began.isoformat()
        facts["clear_rise_ratio"] = rise.ratio
        ratio = f"{rise.ratio:g}" if rise.ratio < 10 else f"{rise.ratio:.0f}"
        reasons["diary.clear_rise_ratio"] = (
            f"{ratio} times as many cramps a night in your last {RECENT_NIGHTS} logged nights "
            f"(from {day_words(rise.began, today)}: {rise.recent_cramps} cramps) as in the "
            f"{EARLIER_NIGHTS} logged nights before them ({rise.earlier_cramps} cramps)")
    meds = _medications(medications, rise, today)
    if meds:
        facts["medications"] = meds
    return Derivation(facts=facts, reasons=reasons, rise=rise)


def derive(episodes: Iterable[EpisodeFact], nights: Iterable[NightFact],
           medications: Iterable[MedicationFact], today: date) -> dict[str, Any]:
    """The ``diary_facts`` object for ``screen``: only the facts the diary clearly shows."""
    return examine(episodes, nights, medications, today).facts
