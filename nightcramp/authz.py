"""Deny-by-default authorisation.

Every view must say who may use it, with one of the decorators below. A view that says nothing is
refused with 403 by DenyByDefaultMiddleware, so forgetting a decorator fails closed, never open.

- ``public``: anyone, signed in or not (log-in and sign-up pages, the OpenAPI schema).
- ``person``: a signed-in person, who then only ever sees their own rows: views fetch objects with
  ``owned(Model, request, ...)``, which answers 404 for a row that belongs to someone else.
- ``api``: the JSON API, whose routes authenticate by session or token inside django-ninja and
  filter every query by the authenticated person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404

Access = Literal["public", "person", "api"]
V = TypeVar("V", bound=Callable[..., Any])
M = TypeVar("M", bound=Model)

ATTRIBUTE = "nightcramp_access"


class PersonRequest(HttpRequest):
    """What a ``person`` view receives: the middleware has made sure someone is signed in."""

    user: User  # type: ignore[assignment]


def _mark(view: V, access: Access) -> V:
    setattr(view, ATTRIBUTE, access)
    return view


def public(view: V) -> V:
    return _mark(view, "public")


def person(view: V) -> V:
    return _mark(view, "person")


def api(view: V) -> V:
    return _mark(view, "api")


def access_of(view: Callable[..., Any]) -> Access | None:
    return getattr(view, ATTRIBUTE, None)


def owned(model: type[M], request: HttpRequest, **lookup: Any) -> M:
    """The row of ``model`` matching ``lookup`` that belongs to the signed-in person, or 404."""
    return get_object_or_404(model, user=request.user, **lookup)


class DenyByDefaultMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        access = access_of(view_func)
        if access in ("public", "api"):
            return None
        if access == "person":
            if request.user.is_authenticated:
                return None
            return redirect_to_login(request.get_full_path())
        return HttpResponseForbidden("This page has no access rule, so nobody may use it.")
