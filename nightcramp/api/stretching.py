"""/api/v1/stretch-sessions and /api/v1/routines: the bedtime routine, and the sessions a person did."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from nightcramp import clock
from nightcramp.api.auth import caller
from nightcramp.api.schemas import (
    Invalid,
    NightRange,
    Page,
    Problem,
    RoutineOut,
    StretchSessionIn,
    StretchSessionOut,
)
from nightcramp.authz import owned
from nightcramp.care import services
from nightcramp.care.models import StretchSession
from nightcramp.knowledge.care import holds_in, load_care, plan, total_seconds

router = Router(tags=["stretching"])
routines_router = Router(tags=["stretching"])


@router.get("", response=Page[StretchSessionOut], summary="List my stretch sessions, newest first")
def list_sessions(request: HttpRequest, query: Query[NightRange]) -> dict[str, Any]:
    sessions = StretchSession.objects.filter(user=caller(request)).select_related("night")
    if query.since:
        sessions = sessions.filter(night__date__gte=query.since)
    if query.until:
        sessions = sessions.filter(night__date__lte=query.until)
    sessions = sessions.order_by("-started_at", "id")
    return {"items": list(sessions[query.offset : query.offset + query.limit]), "count": sessions.count()}


@router.post(
    "", response={200: StretchSessionOut, 201: StretchSessionOut, 409: Problem, 422: Invalid},
    summary="Record a bedtime routine (idempotent on a client-chosen id); marks its night as stretched",
)
def create_session(request: HttpRequest, payload: StretchSessionIn) -> Status:
    data = clock.corrected(request, payload.model_dump(exclude_none=True))
    data["extras"] = tuple(data.get("extras", ()))
    session, created = services.record_session(caller(request), **data)
    return Status(201 if created else 200, session)


@router.get("/{session_id}", response={200: StretchSessionOut, 404: Problem}, summary="One of my sessions")
def get_session(request: HttpRequest, session_id: UUID) -> StretchSession:
    return owned(StretchSession, request, pk=session_id)


@router.delete("/{session_id}", response={204: None, 404: Problem}, summary="Delete one of my sessions")
def delete_session(request: HttpRequest, session_id: UUID) -> HttpResponse:
    services.delete_session(owned(StretchSession, request, pk=session_id))
    return HttpResponse(status=204)


@routines_router.get("", response=list[RoutineOut], summary="The bedtime routines, step by step")
def list_routines(request: HttpRequest) -> list[dict[str, Any]]:
    care = load_care()
    found = []
    for routine in care.routines.values():
        steps = plan(care, routine)
        found.append({"id": routine.id, "title": routine.title, "summary": routine.summary,
                      "default": routine.default, "extras": [s.id for s in routine.extras],
                      "holds": holds_in(steps), "seconds": total_seconds(steps),
                      "steps": [s.as_dict() for s in steps]})
    return found
