"""How the JSON API knows who is calling: a bearer token, or the signed-in session (with CSRF).

Both hand ninja the user, and both leave it on ``request.user`` as well, so route code can use
``nightcramp.authz.owned`` exactly as the pages do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from nightcramp.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer nc_...``: a token issued with ``nightcramp token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.authenticate(token)
        if found is None:
            return None
        request.user = found.user
        return found.user


class SignedInSession(SessionAuth):
    """The browser's session cookie. Unsafe methods must carry the CSRF token (``X-CSRFToken``).

    A caller who is not signed in is simply not authenticated (401), whatever their CSRF token:
    there is nothing to protect for them, and a CSRF failure would hide the real problem.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = SignedInSession()


def caller(request: HttpRequest) -> User:
    """The authenticated person; every route runs behind auth, so there always is one."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User) and user.is_authenticated
    return user
