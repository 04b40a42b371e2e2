"""/api/v1/me: the authenticated person's profile (read-only here; edit it on the Account page)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from nightcramp.api.auth import caller
from nightcramp.api.schemas import MeOut
from nightcramp.diary.models import Profile
from nightcramp.diary.services import profile_of

router = Router(tags=["me"])


@router.get("", response=MeOut, summary="My profile")
def me(request: HttpRequest) -> Profile:
    return profile_of(caller(request))
