"""Watching the diary: the screening rules run on what the diary shows, for notices on Tonight and History.

The Django glue around ``nightcramp.screening.diary_facts`` (which does the sums, without Django). It reads
one bounded slice of the diary in a fixed number of queries (the nights of the last 182 days with their
cramps in one query, the medicines in a second) and, only when the diary shows anything, the latest
health-check answers in a third. A notice is a finding that the diary adds: a rule that fires with the
diary facts and did not already fire on the answers alone (those are on the health-check result page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User

from nightcramp.diary.models import Medication, Night
from nightcramp.diary.nights import localize
from nightcramp.knowledge import schema
from nightcramp.screening.answers import AnswersError, parse
from nightcramp.screening.diary_facts import (
    RISE_HORIZON_DAYS,
    Derivation,
    EpisodeFact,
    MedicationFact,
    NightFact,
    day_words,
    examine,
)
from nightcramp.screening.engine import MEDICINE_WINDOW, Finding, MedicineHit, screen
from nightcramp.screening.services import knowledge_of, latest_answers


@dataclass(frozen=True)
class Notice:
    finding: Finding
    tier_words: str
    """How soon, in words: "get medical advice today"."""
    because: tuple[str, ...]
    """What in the diary made it fire, in plain words."""


def diary_records(user: User, today: date) -> tuple[list[EpisodeFact], list[NightFact], list[MedicationFact]]:
    """The diary slice the facts need: two queries, however long the diary is."""
    first = today - timedelta(days=RISE_HORIZON_DAYS - 1)
    rows = (Night.objects.filter(user=user, date__range=(first, today)).order_by()
            .values_list("date", "cramps_reported", "checked_in_at", "episodes__id", "episodes__daytime",
                         "episodes__duration_s", "episodes__muscle", "episodes__started_at", "episodes__tz",
                         "episodes__relief", "episodes__relief_helped"))
    nights: dict[date, dict[str, Any]] = {}
    episodes: list[EpisodeFact] = []
    for (day, reported, checked_in, episode_id, daytime, duration_s, muscle, started_at, tz,
         relief, relief_helped) in rows:
        night = nights.setdefault(day, {"reported": reported, "checked_in": checked_in is not None,
                                        "count": 0})
        if episode_id is None:
            continue
        night["count"] += 0 if daytime else 1
        episodes.append(EpisodeFact(night=day, duration_s=duration_s, muscle=muscle, daytime=daytime,
                                    day=localize(started_at, tz).date(), relief=relief,
                                    relief_helped=relief_helped))
    night_facts = [NightFact(day, _cramps(n)) for day, n in nights.items()]
    medications = [MedicationFact(name, started, stopped) for name, started, stopped
                   in Medication.objects.filter(user=user).values_list("name", "started", "stopped")]
    return episodes, night_facts, medications


def _cramps(night: dict[str, Any]) -> int | None:
    """The night's cramps exactly as ``Night.cramps`` counts them (a test holds the two together)."""
    if night["reported"] is not None:
        return int(night["reported"])
    return int(night["count"]) if night["count"] or night["checked_in"] else None


def examine_diary(user: User, today: date) -> Derivation:
    return examine(*diary_records(user, today), today)


def diary_facts_for(user: User, today: date) -> dict[str, Any]:
    """The ``diary_facts`` object of the person's diary as of their local date ``today``."""
    return examine_diary(user, today).facts


def _answers(user: User) -> dict[str, Any]:
    """The latest stored answers; answers the current vocabulary no longer accepts count as not given."""
    answers = latest_answers(user)
    try:
        parse(answers)
    except AnswersError:
        return {}
    return answers


def _added(user: User, derivation: Derivation) -> list[Finding]:
    if not derivation.facts:
        return []
    answers = _answers(user)
    knowledge = knowledge_of(user)
    already = {f.rule for f in screen(answers, knowledge=knowledge).findings}
    added = [f for f in screen(answers, derivation.facts, knowledge).findings if f.rule not in already]
    return sorted(added, key=lambda f: schema.tier_rank(f.urgency))


def diary_notices(user: User, today: date) -> list[Finding]:
    """The findings the diary adds to the person's latest health-check answers, most urgent first."""
    return _added(user, examine_diary(user, today))


def _medicine_words(hit: MedicineHit, derivation: Derivation, today: date) -> str:
    where = " (on your medicines list)" if hit.origin == "diary" else " (from your health check)"
    if hit.started is None:
        return f"{hit.name}{where}"
    started = date.fromisoformat(hit.started)
    words = f"{hit.name}{where}, started {day_words(started, today)}"
    rise = derivation.rise
    if rise is not None and rise.began - MEDICINE_WINDOW <= started <= rise.began:
        began = day_words(rise.began, today)
        return f"{words}, in the year before your cramps became more frequent (from {began})"
    return f"{words}, in the year before your cramps began or got worse (the date in your health check)"


def because_words(finding: Finding, derivation: Derivation, today: date) -> tuple[str, ...]:
    """Why a notice fired, in plain words: the diary numbers behind it, or the medicines and their dates."""
    medicines = {hit.name for hit in finding.medicines}
    words: list[str] = []
    for key in finding.because:
        if key in derivation.reasons:
            words.append(derivation.reasons[key])
        elif key in schema.KEYS:
            words.append(f"{schema.label(key)} (from your health check or your medicines list)")
        elif key not in medicines:
            words.append(key)
    words += [_medicine_words(hit, derivation, today) for hit in finding.medicines]
    return tuple(dict.fromkeys(words))


def notices(user: User, today: date) -> list[Notice]:
    """What Tonight and History show: each finding the diary adds, with how soon and why in words."""
    derivation = examine_diary(user, today)
    return [Notice(finding=f, tier_words=schema.TIER_WORDS[f.urgency],
                   because=because_words(f, derivation, today)) for f in _added(user, derivation)]
