"""What the diary offers the rest of nightcramp: every write goes through here, in a transaction.

Pages, the JSON API, the CSV import and the demo all call these functions, so the rules (night
attribution, idempotent client ids, validation, tidying nights left empty) live in one place.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from nightcramp.diary.models import Episode, Medication, Night, Profile
from nightcramp.diary.nights import NightWindow, is_valid_zone, localize

FUTURE_TOLERANCE = timedelta(minutes=5)
EPISODE_FIELDS = ("duration_s", "leg", "muscle", "severity", "woke", "relief", "relief_helped", "note")
CHECKIN_FIELDS = (
    "stretched", "sleep_disruption", "sitting_hours", "exercise_minutes", "alcohol_units", "note",
    "cramps_reported", "max_severity_reported",
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
    if started_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"started_at": "The time is in the future."})
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


def nights_table(user: User, start: date | None = None, end: date | None = None) -> list[NightRow]:
    """The person's nights in date order (oldest first), one row per recorded night."""
    nights = nights_with_episodes(user).order_by("date")
    if start:
        nights = nights.filter(date__gte=start)
    if end:
        nights = nights.filter(date__lte=end)
    return [
        NightRow(
            date=n.date, cramps=n.cramps, stretched=n.stretched, max_severity=n.max_severity,
            sleep_disruption=n.sleep_disruption,
            sitting_hours=float(n.sitting_hours) if n.sitting_hours is not None else None,
            exercise_minutes=n.exercise_minutes,
            alcohol_units=float(n.alcohol_units) if n.alcohol_units is not None else None,
        )
        for n in nights
    ]
