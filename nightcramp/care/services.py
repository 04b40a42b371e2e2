"""Stretch sessions: every write in a transaction, idempotent on a client-chosen id (for offline use).

A session is filed under the night it began in, by the same night attribution as a cramp, and marks
that night as stretched, so the check-in, the history and the statistics read it from one place and
the person never says it twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nightcramp import clock
from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Night
from nightcramp.diary.nights import is_valid_zone, zone
from nightcramp.diary.services import (
    already_stored,
    attribute,
    create_once,
    night_for,
    profile_of,
)
from nightcramp.knowledge.care import Care, holds_in, load_care, plan

LONGEST_SESSION = timedelta(hours=2)
ADHERENCE_WINDOWS = (7, 42)
"""Nights stretched in the last 7 and the last 42 nights (the trial's 6 weeks), tonight included."""


def planned_holds(routine: str, extras: tuple[str, ...], care: Care | None = None) -> int:
    """How many holds the routine with these extras has; ValidationError names a bad routine or extra."""
    care = care or load_care()
    if routine not in care.routines:
        choices = ", ".join(care.routines)
        raise ValidationError({"routine": f"{routine!r} is not a routine (choose {choices})."})
    try:
        return holds_in(plan(care, care.routines[routine], extras))
    except ValueError as exc:
        raise ValidationError({"extras": str(exc)}) from None


def _check_times(started_at: datetime, ended_at: datetime, tz: str) -> tuple[datetime, datetime]:
    """The session's times, each taken as now when at most a few minutes ahead (clock.not_future)."""
    for name, value in (("started_at", started_at), ("ended_at", ended_at)):
        if timezone.is_naive(value):
            raise ValidationError({name: "The time must carry its UTC offset or time zone."})
    if not is_valid_zone(tz):
        raise ValidationError({"tz": f"{tz!r} is not a known time zone."})
    started_at = clock.not_future(started_at, "started_at", zone(tz))
    ended_at = clock.not_future(ended_at, "ended_at", zone(tz))
    if ended_at < started_at:
        raise ValidationError({"ended_at": "The session cannot end before it started."})
    if ended_at - started_at > LONGEST_SESSION:
        raise ValidationError({"ended_at": "A session longer than two hours is not a bedtime routine."})
    return started_at, ended_at


@create_once
@transaction.atomic
def record_session(user: User, *, routine: str, started_at: datetime, ended_at: datetime, holds_done: int,
                   extras: tuple[str, ...] = (), tz: str | None = None,
                   id: uuid.UUID | None = None) -> tuple[StretchSession, bool]:
    """Store a finished (or part-done) routine and mark its night as stretched. A repeated id returns
    the stored session: (session, created)."""
    existing = already_stored(StretchSession, id, user)
    if existing is not None:
        return existing, False
    extras = tuple(dict.fromkeys(e for e in extras if e))
    holds_planned = planned_holds(routine, extras)
    if not 1 <= holds_done <= holds_planned:
        raise ValidationError({"holds_done": f"Must be from 1 to {holds_planned} for this routine."})
    profile = profile_of(user)
    tz = tz or profile.time_zone
    started_at, ended_at = _check_times(started_at, ended_at, tz)
    day, _ = attribute(profile.window, started_at, tz)
    night = night_for(user, day)
    session = StretchSession(id=id or uuid.uuid4(), user=user, night=night, routine=routine,
                             extras=",".join(extras), started_at=started_at.replace(microsecond=0),
                             ended_at=ended_at.replace(microsecond=0), tz=tz, holds_planned=holds_planned,
                             holds_done=holds_done)
    session.full_clean(exclude=["night", "user"])
    session.save(force_insert=True)
    if night.stretched is not True:
        Night.objects.filter(pk=night.pk).update(stretched=True, updated_at=timezone.now())
    return session, True


@transaction.atomic
def delete_session(session: StretchSession) -> None:
    """Delete a session. Its night keeps its "stretched" mark, which the check-in may also have set
    and which the person changes there; the page says so."""
    session.delete()


@dataclass(frozen=True)
class Adherence:
    tonight: date
    stretched_tonight: bool
    counts: dict[int, int]
    """Window length in nights -> nights stretched in it."""

    def of(self, nights: int) -> int:
        return self.counts[nights]


def adherence(user: User, now: datetime | None = None) -> Adherence:
    """Nights marked as stretched (by a session or at check-in) in the last 7 and 42 nights."""
    profile = profile_of(user)
    local = profile.local_now() if now is None else now
    tonight = profile.window.current_night(local)
    longest = max(ADHERENCE_WINDOWS)
    stretched = set(Night.objects.filter(user=user, stretched=True,
                                         date__range=(tonight - timedelta(days=longest - 1), tonight))
                    .values_list("date", flat=True))
    counts = {n: sum(1 for d in stretched if d > tonight - timedelta(days=n)) for n in ADHERENCE_WINDOWS}
    return Adherence(tonight=tonight, stretched_tonight=tonight in stretched, counts=counts)
