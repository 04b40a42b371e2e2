"""Reading and writing stored screenings; every write in a transaction. The engine itself
(``nightcramp.screening.engine``) stays free of Django; this module is the glue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nightcramp.knowledge import Knowledge
from nightcramp.knowledge.countries import knowledge_for
from nightcramp.screening.answers import AnswersError, parse
from nightcramp.screening.engine import Result, screen
from nightcramp.screening.models import Screening

URGENT = ("emergency", "same_day")
"""The tiers whose result stays on Tonight until the person marks it seen or answers again."""

RECHECK_AFTER = timedelta(days=182)
"""Answers older than about six months are offered again: symptoms, conditions and medicines change."""


@transaction.atomic
def save_screening(user: User, answers: dict[str, Any]) -> Screening:
    """Store a questionnaire's answers after checking their shape (ValidationError names the key)."""
    try:
        parse(answers)
    except AnswersError as error:
        raise ValidationError({error.path: str(error)}) from None
    return Screening.objects.create(user=user, answers=answers)


@transaction.atomic
def delete_screening(screening: Screening) -> None:
    screening.delete()


def latest(user: User) -> Screening | None:
    return Screening.objects.filter(user=user).order_by("-created_at").first()


def latest_answers(user: User) -> dict[str, Any]:
    """The person's most recent answers, or ``{}`` (nothing answered) when they never took the check."""
    found = latest(user)
    return dict(found.answers) if found else {}


def result_of(screening: Screening, diary_facts: dict[str, Any] | None = None) -> Result:
    """The result of stored answers under the current rule set, its advice in the words of the owner's
    country (the emergency and out-of-hours numbers)."""
    return screen(screening.answers, diary_facts, knowledge_of(screening.user_id))  # no fetch of the user


def knowledge_of(user: User | int) -> Knowledge:
    """The screening rules in the words of the person's country (generic where it is unknown); ``user`` is
    the person or their id."""
    from nightcramp.diary.models import Profile

    user_id = user if isinstance(user, int) else user.pk
    country = Profile.objects.filter(user_id=user_id).values_list("country", flat=True).first() or ""
    return knowledge_for(country)


def urgent_unseen(user: User) -> tuple[Screening, Result] | None:
    """The latest health check when its result says act today or now and it was not marked seen yet.

    Only the latest counts: answering again replaces it (a new screening, shown afresh if urgent)."""
    last = latest(user)
    if last is None or last.seen_at is not None:
        return None
    try:
        result = result_of(last)
    except AnswersError:  # answers the current vocabulary no longer reads; the result page says so
        return None
    return (last, result) if result.urgency in URGENT else None


@transaction.atomic
def mark_seen(screening: Screening, now: Any = None) -> None:
    """The person has seen the urgent result: Tonight stops showing it (the result page keeps it)."""
    screening.seen_at = now or timezone.now()
    screening.save(update_fields=["seen_at"])


def all_of(user: User) -> list[Screening]:
    return list(Screening.objects.filter(user=user).order_by("-created_at"))


def recheck_reason(user: User, now: Any = None) -> str | None:
    """Why the person should take the health check (again), or None.

    Offered when they never took it, when the answers are about six months old, and when the
    medicines list changed after the last check (a new medicine is the commonest reason answers change).
    """
    from nightcramp.diary.models import Medication

    now = now or timezone.now()
    last = latest(user)
    if last is None:
        return "never"
    if now - last.created_at > RECHECK_AFTER:
        return "old"
    if Medication.objects.filter(user=user, updated_at__gt=last.created_at).exists():
        return "medicines"
    return None
