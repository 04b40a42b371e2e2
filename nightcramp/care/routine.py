"""The bedtime routine: the step-by-step player, the record of sessions, and adherence at a glance.

The player runs in the browser (``static/nightcramp/js/routine.js``) from the steps that
``nightcramp.knowledge.care.plan`` computes here, and records the session through the JSON API with a
client-chosen id (through the offline outbox when there is no network). Without JavaScript the page
lists the same steps and a form records the routine as done.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.care import services
from nightcramp.care.models import StretchSession
from nightcramp.diary.services import planned_arm, profile_of
from nightcramp.knowledge.care import Care, Routine, Step, holds_in, load_care, plan, total_seconds

RECENT_SESSIONS = 10


def minutes_words(seconds: int) -> str:
    minutes = round(seconds / 60 * 2) / 2
    return f"about {minutes:g} minutes"


def plans(care: Care) -> dict[str, Any]:
    """Every routine with and without its extras, keyed ``routine`` or ``routine+extra``, for the player.

    Each step names its stretch and side; the words and picture of each (stretch, side) are given once,
    under ``texts``, so the page stays small."""
    found: dict[str, Any] = {}
    texts: dict[str, dict[str, Any]] = {}
    for routine in care.routines.values():
        choices: list[tuple[str, ...]] = [()] + [(extra.id,) for extra in routine.extras]
        for extras in choices:
            steps = plan(care, routine, extras)
            for step in steps:
                texts.setdefault(text_key(step), {
                    "title": step.title, "how": step.how, "picture": step.picture, "tested": step.tested})
            key = "+".join((routine.id, *extras))
            found[key] = {"routine": routine.id, "extras": list(extras), "holds": holds_in(steps),
                          "seconds": total_seconds(steps),
                          "steps": [{"kind": s.kind, "seconds": s.seconds, "hold": s.hold, "say": s.say,
                                     "text": text_key(s), "side": s.side} for s in steps]}
    return {"plans": found, "texts": texts}


def text_key(step: Step) -> str:
    """Steps sharing words and picture: a stretch on one side, or the rest between its holds."""
    return f"{step.stretch}:{step.side}{':rest' if step.kind == 'rest' else ''}"


def routine_cards(care: Care) -> list[dict[str, Any]]:
    cards = []
    for routine in care.routines.values():
        steps = plan(care, routine)
        cards.append({"routine": routine, "length": minutes_words(total_seconds(steps)),
                      "holds": holds_in(steps), "sources": care.cited(routine.sources)})
    return cards


def _chosen(request: PersonRequest, care: Care) -> Routine:
    wanted = request.GET.get("routine") or request.POST.get("routine") or ""
    return care.routines.get(wanted, care.default)


@person
@require_GET
def routine_page(request: PersonRequest) -> Any:
    care = load_care()
    chosen = _chosen(request, care)
    sessions = (StretchSession.objects.filter(user=request.user).select_related("night")
                .order_by("-started_at")[:RECENT_SESSIONS])
    extras = [(s, care.cited(s.sources)) for s in chosen.extras]
    profile = profile_of(request.user)
    return render(request, "care/routine.html", {
        "experiment_arm": planned_arm(request.user, profile.window.current_night(profile.local_now())),
        "nav": "routine", "care": care, "chosen": chosen, "cards": routine_cards(care),
        "plans": plans(care), "extras": extras,
        "timing": care.timing, "timing_sources": care.cited(care.timing.sources),
        "chosen_steps": [(s, s.how_for("left")) for s in chosen.stretches],
        "pictures": sorted({s.picture for r in care.routines.values() for s in (*r.stretches, *r.extras)}
                           | {r.picture for r in care.rests.values()}),
        "adherence": services.adherence(request.user),
        "sessions": [(s, care.routines[s.routine].title if s.routine in care.routines else s.routine)
                     for s in sessions],
        "new_id": uuid.uuid4(), "time_zone": profile.time_zone,
    })


@person
@require_POST
def routine_done(request: PersonRequest) -> Any:
    """Without the player (no JavaScript, or stretching without the app): record the routine as done now."""
    care = load_care()
    chosen = _chosen(request, care)
    extras = tuple(e for e in request.POST.getlist("extras") if e)
    try:
        client_id = uuid.UUID(request.POST["id"]) if request.POST.get("id") else None
        steps = plan(care, chosen, extras)
        ended = timezone.now()
        services.record_session(request.user, id=client_id, routine=chosen.id, extras=extras,
                                started_at=ended - timedelta(seconds=total_seconds(steps)), ended_at=ended,
                                holds_done=holds_in(steps))
    except (ValueError, ValidationError) as error:
        messages.error(request, f"Could not record the routine: {'; '.join(_messages(error))}")
    else:
        messages.success(request, "Well done: tonight is marked as stretched.")
    return redirect("routine")


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms] \
            if hasattr(error, "error_dict") else list(error.messages)
    return [str(error)]


@person
@require_POST
def session_delete(request: PersonRequest, pk: uuid.UUID) -> Any:
    services.delete_session(owned(StretchSession, request, pk=pk))
    messages.success(request, "Session deleted. The night stays marked as stretched; change that at "
                              "the check-in if it was a mistake.")
    return redirect("routine")


urlpatterns = [
    path("", routine_page, name="routine"),
    path("done/", routine_done, name="routine_done"),
    path("sessions/<uuid:pk>/delete/", session_delete, name="stretch_session_delete"),
]
