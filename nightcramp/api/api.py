"""The versioned JSON API (django-ninja), mounted at /api/v1/.

Deny by default: every operation needs a bearer token or a signed-in session (with CSRF on unsafe
methods); only the OpenAPI schema is public. Every write goes through ``nightcramp.diary.services``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import ValidationError as RequestInvalid

from nightcramp.api import episodes, me, medications, nights, stretching
from nightcramp.api.auth import session_auth, token_auth
from nightcramp.api.schemas import Index
from nightcramp.diary.services import IdConflict

api = NinjaAPI(
    title="nightcramp API",
    version="1",
    description="Your night diary: episodes, nights, medications and stretch sessions. Authenticate with "
    "`Authorization: Bearer <token>` (create one on the Account page) or a signed-in session.",
    urls_namespace="api-v1",
    auth=[token_auth, session_auth],
    docs_url=None,  # the interactive docs page loads assets from a CDN; the app must work offline
)
api.add_router("/episodes", episodes.router)
api.add_router("/nights", nights.router)
api.add_router("/medications", medications.router)
api.add_router("/stretch-sessions", stretching.router)
api.add_router("/routines", stretching.routines_router)
api.add_router("/me", me.router)


@api.get("/", response=Index, url_name="index", summary="What this API is", tags=["about"])
def index(request: HttpRequest) -> dict[str, str]:
    return {"name": api.title, "version": api.version, "schema_url": reverse("api-v1:openapi-json")}


def field_errors(errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {"field": None if field == "__all__" else field, "message": message}
        for field, messages in errors.items()
        for message in messages
    ]


def request_field(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """("body", "payload", "severity") -> "severity"; ("query", "limit") -> "limit"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # drop the source and the name of the view's body parameter
    elif parts:
        parts = parts[1:]
    return ".".join(parts) or None


@api.exception_handler(ValidationError)
def invalid_entry(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": field_errors(errors)}, status=422)


@api.exception_handler(RequestInvalid)
def invalid_request(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    detail = [{"field": request_field(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(IdConflict)
def id_in_use(request: HttpRequest, exc: IdConflict) -> HttpResponse:
    # Say nothing about the other entry, not even that it exists for someone else.
    return api.create_response(request, {"detail": "that id is already in use"}, status=409)
