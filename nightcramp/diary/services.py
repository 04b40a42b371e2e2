"""What the diary offers the rest of nightcramp: every write goes through here, in a transaction.

Pages, the JSON API, the CSV import and the demo all call these functions, so the rules (night
attribution, idempotent client ids, validation, tidying nights left empty) live in one place.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from nightcramp import clock
from nightcramp.diary.models import Episode, Experiment, Medication, Night, Profile
from nightcramp.diary.nights import NightWindow, is_valid_zone, localize, zone

if TYPE_CHECKING:  # the statistics (numpy, scipy) load only when a plan is needed, not at every start-up
    from nightcramp.stats.experiment import ExperimentPlan

FUTURE_TOLERANCE = clock.FUTURE_TOLERANCE
EPISODE_FIELDS = ("duration_s", "leg", "muscle", "severity", "woke", "relief", "relief_helped", "note")
CHECKIN_FIELDS = (
    "stretched", "sleep_disruption", "sitting_hours", "exercise_minutes", "alcohol_units", "note",
    "cramps_reported", "max_severity_reported", "experiment_period", "planned",
)
MEDICATION_FIELDS = ("name", "dose", "started", "stopped", "note")


P = ParamSpec("P")
T = TypeVar("T")
M = TypeVar("M", bound=Model)


class IdConflict(Exception):
    """A client-chosen id is already used by a different entry."""


def create_once(create: Callable[P, T]) -> Callable[P, T]:
    """Make a create-by-client-id service safe when the same request arrives twice at once.

    The service looks the id up before inserting. Two copies of one request (a phone retrying while
    the first is still in flight) can both miss it; the second insert then fails on the primary key
    once the first commits. Running the service again (its own savepoint was rolled back) finds the
    row the first one stored, so the retry gets it back, or IdConflict if someone else owns the id.
    """

    @functools.wraps(create)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return create(*args, **kwargs)
        except IntegrityError:
            if kwargs.get("id") is None:
                raise
            return create(*args, **kwargs)

    return wrapper


def already_stored(model: type[M], id: uuid.UUID | None, user: User) -> M | None:
    """The row a client-chosen ``id`` already names (a retried request), or None; IdConflict when that
    id belongs to someone else's row (which must say nothing more about it)."""
    if id is None:
        return None
    existing = model._default_manager.filter(pk=id).first()
    if existing is not None and existing.user_id != user.pk:  # type: ignore[attr-defined]
        raise IdConflict(str(id))
    return existing


def profile_of(user: User) -> Profile:
    """The person's profile, created on first use; kept on the user object for the request."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


def attribute(window: NightWindow, started_at: datetime, tz: str) -> tuple[date, bool]:
    """The night an episode belongs to, and whether it happened outside the night's hours."""
    local = localize(started_at, tz)
    return window.night_of(local), not window.is_night_time(local)


def _check_start(started_at: datetime, tz: str) -> datetime:
    if timezone.is_naive(started_at):
        raise ValidationError({"started_at": "The time must carry its UTC offset or time zone."})
    if not is_valid_zone(tz):
        raise ValidationError({"tz": f"{tz!r} is not a known time zone."})
    started_at = clock.not_future(started_at, "started_at", zone(tz))  # a few minutes ahead is now
    return started_at.replace(microsecond=0)


def night_for(user: User, day: date) -> Night:
    night, _ = Night.objects.get_or_create(user=user, date=day)
    return night


def _drop_if_empty(night: Night) -> None:
    """Delete a night that no longer records anything (read afresh: the caller's copy may be stale)."""
    fresh = Night.objects.filter(pk=night.pk).first()
    if fresh is not None and fresh.is_empty():
        fresh.delete()


@create_once
@transaction.atomic
def log_episode(
    user: User,
    *,
    started_at: datetime | None = None,
    tz: str | None = None,
    id: uuid.UUID | None = None,
    **details: Any,
) -> tuple[Episode, bool]:
    """Store a cramp. Returns (episode, created); a repeated client id returns the stored one."""
    existing = already_stored(Episode, id, user)
    if existing is not None:
        return existing, False
    profile = profile_of(user)
    tz = tz or profile.time_zone
    started_at = _check_start(started_at or timezone.now(), tz)
    day, daytime = attribute(profile.window, started_at, tz)
    unknown = set(details) - set(EPISODE_FIELDS)
    if unknown:
        raise TypeError(f"unknown episode fields: {sorted(unknown)}")
    episode = Episode(
        id=id or uuid.uuid4(), user=user, night=night_for(user, day), started_at=started_at, tz=tz,
        daytime=daytime, **details,
    )
    episode.full_clean(exclude=["night", "user"])
    episode.save(force_insert=True)
    return episode, True


@transaction.atomic
def update_episode(episode: Episode, **changes: Any) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    moved = "started_at" in changes or "tz" in changes
    for name, value in changes.items():
        if name not in EPISODE_FIELDS and name not in ("started_at", "tz"):
            raise TypeError(f"unknown episode field {name!r}")
        setattr(episode, name, value)
    old_night = episode.night
    if moved:
        episode.started_at = _check_start(episode.started_at, episode.tz)
        day, episode.daytime = attribute(profile_of(episode.user).window, episode.started_at, episode.tz)
        if day != old_night.date:
            episode.night = night_for(episode.user, day)
    episode.full_clean(exclude=["night", "user"])
    episode.save()
    if episode.night_id != old_night.pk:
        _drop_if_empty(old_night)
    return episode


@transaction.atomic
def delete_episode(episode: Episode) -> None:
    night = episode.night
    episode.delete()
    _drop_if_empty(night)


# --- one cramp logged twice ---------------------------------------------------------------------

MERGE_WINDOW = timedelta(minutes=15)
"""Two cramps that began at most this far apart may be one cramp logged twice (a tap on "Cramp now" and
the relief flow, say): the check-in offers to make them one entry."""


def close_pairs(episodes: list[Episode]) -> list[tuple[Episode, Episode]]:
    """Cramps next to each other in time that began within ``MERGE_WINDOW``, earlier first. A cramp is in
    at most one pair (three in a row give one pair now and the next after joining it)."""
    ordered = sorted(episodes, key=lambda e: (e.started_at, e.created_at))
    pairs: list[tuple[Episode, Episode]] = []
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.started_at - a.started_at <= MERGE_WINDOW and not (pairs and pairs[-1][1] is a):
            pairs.append((a, b))
    return pairs


def _end(episode: Episode) -> datetime:
    """The latest moment the entry is known to have lasted to: its end, or its start without a duration."""
    return episode.started_at + timedelta(seconds=episode.duration_s or 0)


def _relief_of(first: Episode, second: Episode) -> tuple[Episode | None, Episode | None]:
    """(the entry whose relief is kept, the other one that records a relief too, or None)."""
    recorded = [e for e in (first, second) if e.relief or e.relief_helped is not None]
    if len(recorded) < 2:
        return (recorded[0] if recorded else None), None
    helped = [e for e in recorded if e.relief_helped is True]
    chosen = helped[0] if len(helped) == 1 else second  # where it helped; else the later entry
    return chosen, (first if chosen is second else second)


@transaction.atomic
def merge_episodes(user: User, first_id: uuid.UUID, second_id: uuid.UUID) -> Episode:
    """Make two entries of one person, begun at most ``MERGE_WINDOW`` apart, one entry that keeps what
    both say, and return it. The rule:

    - it keeps the earlier entry's id, start, time zone and night (the cramp began then);
    - duration: from that start to the latest moment either entry is known to have lasted to (its end,
      or its start when its duration is unknown); none when neither has a duration;
    - leg: the one given, or "both" when they differ; severity: the higher; woke: yes if either says yes;
    - muscle: the earlier entry's, else the later's;
    - what helped (relief and whether it helped, as a pair): from the entry that records it; when both
      do, from the one where it helped, else from the later one;
    - note: both notes, the earlier first; a muscle or relief of the other entry that could not be kept
      is written into the note ("Joined with the entry at 03:12: also the foot.").

    Both rows are locked, and all of it happens or nothing does. Another person's entry is not found
    (``Episode.DoesNotExist``), as if it did not exist.
    """
    rows = list(Episode.objects.select_for_update().filter(user=user, pk__in=[first_id, second_id]))
    if first_id == second_id or len(rows) != 2:
        raise Episode.DoesNotExist("both entries must be the person's own, and two")
    first, second = sorted(rows, key=lambda e: (e.started_at, e.created_at))
    if second.started_at - first.started_at > MERGE_WINDOW:
        minutes = int(MERGE_WINDOW.total_seconds() // 60)
        raise ValidationError(f"Only cramps that began at most {minutes} minutes apart can be joined.")
    kept, other = first, second
    known = [e for e in (first, second) if e.duration_s is not None]
    if known:
        span = max(_end(first), _end(second)) - first.started_at
        kept.duration_s = min(int(span.total_seconds()), 24 * 3600) or 1
    legs = {e.leg for e in (first, second) if e.leg}
    kept.leg = legs.pop() if len(legs) == 1 else ("both" if legs else "")
    severities = [e.severity for e in (first, second) if e.severity is not None]
    kept.severity = max(severities) if severities else None
    woke = [e.woke for e in (first, second) if e.woke is not None]
    kept.woke = any(woke) if woke else None
    also: list[str] = []
    if first.muscle and second.muscle and first.muscle != second.muscle:
        also.append(f"also the {second.get_muscle_display().lower()}")
    kept.muscle = first.muscle or second.muscle
    chosen, unkept = _relief_of(first, second)  # read both before the kept entry (the first) changes
    relief = (chosen.relief, chosen.relief_helped) if chosen else ("", None)
    if unkept is not None and (unkept.relief, unkept.relief_helped) != relief:
        helped = {True: ", it helped", False: ", it did not help", None: ""}[unkept.relief_helped]
        tried = unkept.get_relief_display().lower() if unkept.relief else "something"
        also.append(f"{tried}{helped}")
    kept.relief, kept.relief_helped = relief
    notes = [n for n in dict.fromkeys(e.note.strip() for e in (first, second)) if n]
    if also:
        notes.append(f"Joined with the entry at {other.local_start:%H:%M}: {'; '.join(also)}.")
    kept.note = "\n\n".join(notes)
    other_night = other.night
    other.delete()
    kept.full_clean(exclude=["night", "user"])
    kept.save()
    if other_night.pk != kept.night_id:
        _drop_if_empty(other_night)
    return kept


@transaction.atomic
def save_night(user: User, day: date, *, checked_in: bool = False, **fields: Any) -> Night:
    """Create or update a night's record (the morning check-in, a summary or an edit)."""
    unknown = set(fields) - set(CHECKIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown night fields: {sorted(unknown)}")
    if day > localize(timezone.now(), profile_of(user).time_zone).date():
        raise ValidationError({"date": "That night has not begun yet."})
    night, _ = Night.objects.select_for_update().get_or_create(user=user, date=day)
    for name, value in fields.items():
        setattr(night, name, value)
    if checked_in and night.checked_in_at is None:
        night.checked_in_at = timezone.now()
    night.full_clean(exclude=["user"])
    night.save()
    return night


@transaction.atomic
def delete_night(night: Night) -> None:
    """Delete a night and every episode filed under it."""
    night.episodes.all().delete()
    night.delete()


@transaction.atomic
def update_profile(profile: Profile, **fields: Any) -> Profile:
    """Save the profile; when the night hours change, every episode is filed again.

    The hours before the change are read from the database: the caller's copy may already carry
    the new values (a ModelForm writes them onto its instance while validating).
    """
    stored = Profile.objects.filter(pk=profile.pk).first()
    old_window = stored.window if stored is not None else profile.window
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if profile.window != old_window:
        reattribute(profile)
    return profile


def reattribute(profile: Profile) -> int:
    """File every episode of the person again under the right night; returns how many moved."""
    moved = 0
    old_nights: set[uuid.UUID] = set()
    for episode in Episode.objects.filter(user=profile.user).select_related("night"):
        day, daytime = attribute(profile.window, episode.started_at, episode.tz)
        if day != episode.night.date or daytime != episode.daytime:
            old_nights.add(episode.night_id)
            episode.night = night_for(profile.user, day)
            episode.daytime = daytime
            episode.save(update_fields=["night", "daytime"])
            moved += 1
    for night in Night.objects.filter(pk__in=old_nights):
        _drop_if_empty(night)
    return moved


@create_once
@transaction.atomic
def save_medication(user: User, medication: Medication | None = None, *,
                    id: uuid.UUID | None = None, **fields: Any) -> tuple[Medication, bool]:
    """Create (idempotently on a client id) or update a medication."""
    created = medication is None
    if medication is None:
        existing = already_stored(Medication, id, user)
        if existing is not None:
            return existing, False
        medication = Medication(id=id or uuid.uuid4(), user=user)
    for name, value in fields.items():
        if name not in MEDICATION_FIELDS:
            raise TypeError(f"unknown medication field {name!r}")
        setattr(medication, name, value)
    medication.full_clean(exclude=["user"])
    medication.save()
    return medication, created


@transaction.atomic
def delete_medication(medication: Medication) -> None:
    medication.delete()


def nights_with_episodes(user: User) -> QuerySet[Night]:
    """The person's nights, newest first, with their episodes loaded in one extra query."""
    return Night.objects.filter(user=user).prefetch_related(
        Prefetch("episodes", queryset=Episode.objects.order_by("started_at"))
    )


@dataclass(frozen=True)
class NightRow:
    """One row of the nights table that the statistics, reports and exports read."""

    date: date
    cramps: int | None
    stretched: bool | None
    max_severity: int | None
    sleep_disruption: int | None
    sitting_hours: float | None
    exercise_minutes: int | None
    alcohol_units: float | None
    experiment_period: int | None = None
    planned: str = ""


def nights_table(user: User, start: date | None = None, end: date | None = None) -> list[NightRow]:
    """The person's nights in date order (oldest first), one row per recorded night, each with its place
    in a personal experiment (from the file it was imported from, or from an experiment made here)."""
    nights = nights_with_episodes(user).order_by("date")
    if start:
        nights = nights.filter(date__gte=start)
    if end:
        nights = nights.filter(date__lte=end)
    placed = plan_lookup(user)
    rows = []
    for n in nights:
        period, planned = placed(n)
        rows.append(NightRow(
            date=n.date, cramps=n.cramps, stretched=n.stretched, max_severity=n.max_severity,
            sleep_disruption=n.sleep_disruption,
            sitting_hours=float(n.sitting_hours) if n.sitting_hours is not None else None,
            exercise_minutes=n.exercise_minutes,
            alcohol_units=float(n.alcohol_units) if n.alcohol_units is not None else None,
            experiment_period=period, planned=planned,
        ))
    return rows


# --- Personal experiments -----------------------------------------------------------------------------

def plan_of(experiment: Experiment) -> ExperimentPlan:
    """The experiment's schedule, rebuilt from its stored parameters and seed."""
    from nightcramp.stats.experiment import plan_experiment

    return plan_experiment(experiment.start, pairs=experiment.pairs, period_nights=experiment.period_nights,
                           washout_nights=experiment.washout_nights, seed=experiment.seed)


def place_in(experiment: Experiment, day: date, plan: ExperimentPlan | None = None) -> tuple[int | None, str]:
    """(period number, arm) of a night in an experiment; (None, "") outside it or after it was ended."""
    if experiment.stopped is not None and day > experiment.stopped:
        return None, ""
    period = (plan or plan_of(experiment)).period_on(day)
    return (period.number, period.arm) if period else (None, "")


def plan_lookup(user: User) -> Callable[[Night], tuple[int | None, str]]:
    """A function giving each of the person's nights its (period, arm): the night's own columns (an
    imported plan) when set, otherwise the experiment made in the app that covers it (each plan is
    built once, however many nights are placed)."""
    plans = [(e, plan_of(e)) for e in Experiment.objects.filter(user=user).order_by("start")]

    def placed(night: Night) -> tuple[int | None, str]:
        if night.experiment_period is not None or night.planned:
            return night.experiment_period, night.planned
        for experiment, plan in plans:
            period, arm = place_in(experiment, night.date, plan)
            if period is not None:
                return period, arm
        return None, ""

    return placed


def current_experiment(user: User, day: date) -> Experiment | None:
    """The experiment that tonight belongs to (started, not ended, not over), if any."""
    for experiment in Experiment.objects.filter(user=user, start__lte=day).order_by("-start"):
        if place_in(experiment, day)[0] is not None:
            return experiment
    return None


def planned_arm(user: User, day: date) -> str:
    """The night's assignment in a running personal experiment ("stretch", "no_stretch"), or "". Tonight
    and the routine page both show it, so they always agree with the plan."""
    experiment = current_experiment(user, day)
    return place_in(experiment, day)[1] if experiment else ""


def experiment_end(experiment: Experiment) -> date:
    """The last night of the experiment: as planned, or the night it was ended."""
    return experiment.stopped or plan_of(experiment).end


@transaction.atomic
def start_experiment(user: User, *, start: date, pairs: int = 6, period_nights: int = 7,
                     washout_nights: int = 0, seed: int | None = None) -> Experiment:
    """Plan a randomised personal experiment from the night of ``start``. It may not overlap another
    one, and may not begin more than a week back (the past nights could not have followed it)."""
    today = localize(timezone.now(), profile_of(user).time_zone).date()
    if start < today - timedelta(days=7):
        raise ValidationError({"start": "An experiment can begin at most a week back."})
    experiment = Experiment(user=user, start=start, pairs=pairs, period_nights=period_nights,
                            washout_nights=washout_nights,
                            seed=seed if seed is not None else secrets.randbits(62))
    experiment.full_clean(exclude=["user"])
    if washout_nights >= period_nights:
        raise ValidationError({"washout_nights": "The washout must leave some nights in every period."})
    plan = plan_of(experiment)
    for other in Experiment.objects.select_for_update().filter(user=user):
        if other.start <= plan.end and start <= experiment_end(other):
            raise ValidationError({"start": f"It would overlap the experiment that began on {other.start}."})
    experiment.save()
    return experiment


@transaction.atomic
def stop_experiment(experiment: Experiment, last_night: date) -> Experiment:
    """End an experiment early: ``last_night`` is the last night that counts."""
    if last_night < experiment.start - timedelta(days=1):
        raise ValidationError({"stopped": "That is before the experiment began."})
    experiment.stopped = min(last_night, plan_of(experiment).end)
    experiment.save(update_fields=["stopped"])
    return experiment


@transaction.atomic
def delete_experiment(experiment: Experiment) -> None:
    """Forget the plan (the nights themselves stay in the diary)."""
    experiment.delete()
