"""A demo account holding a clearly synthetic year of nights, for trying nightcramp.

The year is made up, deterministically from a seed, by a small model that follows the published
patterns (docs: ../shared/knowledge/evidence.md sections 2-4 and 7):

- a seasonal rate, highest in mid-July and about twice the mid-winter rate (Garrison 2015);
- more variation from night to night than a Poisson count (a gamma-Poisson mixture), a few bad
  spells of one to three weeks, and a slow drift up and down;
- a thiazide-like diuretic started some months in (more cramps; Garrison 2012), a statin from before
  the year began, a magnesium supplement stopped without any change (Cochrane 2020);
- bedtime stretching taken up partway through, done on about 70% of nights, with a modest effect;
- a morning check-in (sitting hours, exercise, alcohol, sleep disruption) on most nights, some nights
  not recorded at all, a week away with no diary.

The last four months are logged cramp by cramp (mostly 01:00-05:00 local time, calves mostly);
older nights hold only the night's summary, as copied from a paper diary. Everything is written
through the diary services, in one transaction.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from nightcramp.diary.models import Profile
from nightcramp.diary.nights import localize
from nightcramp.diary.services import log_episode, save_medication, save_night

DISPLAY_NAME = "Demo (synthetic data)"
ZONE = "Europe/London"
DAYS = 365
EPISODE_DAYS = 122  # the last ~4 months are logged cramp by cramp
BASE_RATE = 0.55  # cramps per night before season, spells, drift and treatment
SEASON_AMPLITUDE = 0.33  # 1 ± 0.33: the summer peak is about twice the winter trough
PEAK_DAY_NORTH = 196  # mid-July
GAMMA_SHAPE = 1.5  # night-to-night overdispersion
SPELL_EFFECT = 2.0  # a bad spell doubles the rate
DIURETIC_DAY, DIURETIC_EFFECT = 140, 1.3
STRETCH_FROM_DAY, STRETCH_ADHERENCE, STRETCH_EFFECT = 215, 0.7, 0.7
SYNTHETIC_NOTE = "Synthetic demo data made up by nightcramp (seed {seed}); not a real person's diary."


@dataclass
class PlannedEpisode:
    local_start: datetime
    duration_s: int
    leg: str
    muscle: str
    severity: int
    woke: bool
    relief: str
    relief_helped: bool | None


@dataclass
class PlannedNight:
    date: date
    cramps: int
    max_severity: int | None
    checked_in: bool = True
    check_in: dict[str, Any] = field(default_factory=dict)
    episodes: list[PlannedEpisode] | None = None  # None: summary only (paper diary)


def season(day: date, hemisphere: str = "north") -> float:
    peak = PEAK_DAY_NORTH if hemisphere == "north" else (PEAK_DAY_NORTH + 182) % 365
    return 1 + SEASON_AMPLITUDE * math.cos(2 * math.pi * (day.timetuple().tm_yday - peak) / 365.25)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; fine for the small means here."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def bad_spells(rng: random.Random) -> list[tuple[int, int]]:
    """Three spells of 7 to 21 nights (first index, last index), spread over the year."""
    spells = []
    for third in range(3):
        length = rng.randint(7, 21)
        first = rng.randint(third * DAYS // 3, (third + 1) * DAYS // 3 - length - 1)
        spells.append((first, first + length - 1))
    return spells


def not_recorded(rng: random.Random) -> set[int]:
    """A week away from the diary in the older part, plus about one night in sixteen forgotten."""
    away = rng.randint(30, DAYS - EPISODE_DAYS - 20)
    missing = set(range(away, away + rng.randint(6, 10)))
    return missing | {i for i in range(DAYS - 1) if rng.random() < 1 / 16}


def half_steps(value: float) -> Decimal:
    return Decimal(str(round(value * 2) / 2))


def fives(minutes: float) -> int:
    return max(0, 5 * round(minutes / 5))


def check_in(rng: random.Random, day: date, stretched: bool | None) -> dict[str, Any]:
    """The morning check-in's answers: more sitting on weekdays, more walking and drinking at weekends."""
    weekend = day.weekday() >= 4
    drinks = rng.random() < (0.6 if weekend else 0.15)
    fields: dict[str, Any] = {
        "stretched": stretched,
        "sitting_hours": half_steps(min(16.0, max(1.0, rng.gauss(5.0 if weekend else 7.5, 1.8)))),
        "exercise_minutes": 0 if rng.random() < 0.3 else fives(rng.gauss(45 if weekend else 30, 15)),
        "alcohol_units": half_steps(rng.uniform(1, 5)) if drinks else Decimal(0),
    }
    for name in ("sitting_hours", "exercise_minutes", "alcohol_units"):
        if rng.random() < 0.08:
            fields[name] = None  # skipped that question
    return fields


def rate(drift: float, index: int, day: date, spells: list[tuple[int, int]], stretched: bool,
         sitting: Decimal | None) -> float:
    value = BASE_RATE * season(day) * math.exp(drift)
    if any(first <= index <= last for first, last in spells):
        value *= SPELL_EFFECT
    if index >= DIURETIC_DAY:
        value *= DIURETIC_EFFECT
    if stretched:
        value *= STRETCH_EFFECT
    if sitting is not None:
        value *= math.exp(0.06 * (float(sitting) - 6))
    return value


def episode_times(rng: random.Random, day: date, count: int) -> list[datetime]:
    """Local wall-clock starts: mostly 01:00-05:00, some late evening or early morning."""
    starts: set[datetime] = set()
    while len(starts) < count:
        pick = rng.random()
        if pick < 0.75:
            minutes = rng.randint(60, 5 * 60 - 1)
        elif pick < 0.88:
            minutes = rng.randint(-60, 59)
        else:
            minutes = rng.randint(5 * 60, 7 * 60 - 1)
        starts.add(datetime.combine(day + timedelta(days=1), time()) + timedelta(minutes=minutes))
    return sorted(starts)


def plan_episode(rng: random.Random, local_start: datetime, stretched: bool) -> PlannedEpisode:
    severity = round(rng.gauss(5.5 - (1.0 if stretched else 0.0), 1.8))
    relief = rng.choices(["stretch", "walk", "massage", "heat", "none"], [50, 25, 14, 4, 7])[0]
    helped = None if relief == "none" else rng.random() < (0.8 if relief in ("stretch", "walk") else 0.55)
    return PlannedEpisode(
        local_start=local_start.replace(tzinfo=ZoneInfo(ZONE)),
        duration_s=5 * round(min(1500.0, max(10.0, math.exp(rng.gauss(math.log(90), 0.8)))) / 5),
        leg=rng.choices(["left", "right", "both"], [45, 40, 15])[0],
        muscle=rng.choices(["calf", "foot", "hamstring", "other"], [80, 12, 5, 3])[0],
        severity=min(10, max(1, severity)),
        woke=rng.random() < 0.85,
        relief=relief,
        relief_helped=helped,
    )


def plan_year(seed: int, last_night: date) -> list[PlannedNight]:
    """The synthetic year, oldest night first: pure, so the same seed and date give the same year."""
    rng = random.Random(seed)
    first = last_night - timedelta(days=DAYS - 1)
    spells, missing, drift = bad_spells(rng), not_recorded(rng), rng.gauss(0, 0.15)
    nights = []
    for index in range(DAYS):
        day = first + timedelta(days=index)
        drift = 0.99 * drift + rng.gauss(0, 0.03)
        stretching = index >= STRETCH_FROM_DAY
        stretched = rng.random() < STRETCH_ADHERENCE if stretching else rng.random() < 0.03
        fields = check_in(rng, day, stretched)
        mean = rate(drift, index, day, spells, stretched, fields["sitting_hours"])
        count = min(8, poisson(rng, mean * rng.gammavariate(GAMMA_SHAPE, 1 / GAMMA_SHAPE)))
        if index in missing:
            continue
        nights.append(plan_night(rng, day, count, stretched, fields, logged=index >= DAYS - EPISODE_DAYS))
    nights[0].check_in["note"] = SYNTHETIC_NOTE.format(seed=seed)
    return nights


def plan_night(rng: random.Random, day: date, count: int, stretched: bool, fields: dict[str, Any],
               logged: bool) -> PlannedNight:
    if logged:
        episodes = [plan_episode(rng, start, stretched) for start in episode_times(rng, day, count)]
        worst = max((e.severity for e in episodes), default=None)
    else:
        episodes = None
        worst = min(10, max(1, round(rng.gauss(6, 1.8)) + count // 3)) if count else None
    disruption = min(10, max(1, round(1.5 * count + (worst or 5) * 0.4 + rng.gauss(0, 1)))) if count else 0
    fields["sleep_disruption"] = None if rng.random() < 0.05 else disruption
    if count >= 4 and rng.random() < 0.4:
        fields["note"] = rng.choice(["Bad night.", "Hot night, cramps again.", "Long drive the day before.",
                                     "Both calves sore in the morning."])
    # A few logged nights have their cramps tapped in but the morning check-in skipped.
    checked_in = not (logged and count and rng.random() < 0.05)
    return PlannedNight(day, count, worst, checked_in, fields if checked_in else {}, episodes)


# --- Writing ----------------------------------------------------------------------------------


def _fresh_account(username: str, password: str, reset: bool) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if not reset:
            raise ValueError(f"an account named {username!r} already exists (use --reset to recreate it)")
        existing.delete()
    user = User.objects.create_user(username=username, password=password)
    Profile.objects.create(user=user, display_name=DISPLAY_NAME, time_zone=ZONE, hemisphere="north")
    return user


def _write_medications(user: User, first: date) -> int:
    entries: list[dict[str, Any]] = [
        dict(name="Atorvastatin (statin)", dose="20 mg each evening", started=date(first.year - 3, 5, 14)),
        dict(name="Magnesium citrate", dose="300 mg at bedtime", started=first - timedelta(days=75),
             stopped=first + timedelta(days=250), note="Stopped: made no difference to the cramps."),
        dict(name="Indapamide (thiazide-like diuretic)", dose="1.5 mg each morning",
             started=first + timedelta(days=DIURETIC_DAY), note="For blood pressure."),
    ]
    for entry in entries:
        entry["note"] = (str(entry.get("note", "")) + " Synthetic demo entry.").strip()
        save_medication(user, **entry)
    return len(entries)


def _write_night(user: User, night: PlannedNight, latest: datetime) -> int:
    logged = 0
    for episode in night.episodes or []:
        if episode.local_start >= latest:
            continue  # last night is not over yet
        details = {k: v for k, v in vars(episode).items() if k != "local_start"}
        log_episode(user, started_at=episode.local_start, tz=ZONE, **details)
        logged += 1
    if night.episodes is None:
        summary: dict[str, Any] = {**night.check_in, "cramps_reported": night.cramps,
                                   "max_severity_reported": night.max_severity}
        save_night(user, night.date, **summary)
    elif night.checked_in:
        save_night(user, night.date, checked_in=True, **night.check_in)
    return logged


def create_demo(username: str, password: str, reset: bool = False, seed: int = 2026) -> str:
    """Create the demo account; returns a one-line summary. ValueError if it exists and not reset."""
    now = timezone.now()
    last_night = localize(now, ZONE).date() - timedelta(days=1)
    nights = plan_year(seed, last_night)
    with transaction.atomic():
        user = _fresh_account(username, password, reset)
        medications = _write_medications(user, last_night - timedelta(days=DAYS - 1))
        episodes = sum(_write_night(user, night, now - timedelta(minutes=1)) for night in nights)
    first_logged = last_night - timedelta(days=EPISODE_DAYS - 1)
    return (
        f"Created the demo account {username!r} ({DISPLAY_NAME}): {len(nights)} nights from "
        f"{nights[0].date} to {last_night}, {episodes} cramps logged one by one since {first_logged} "
        f"(older nights as summaries), {medications} medications. All of it is made up."
    )
