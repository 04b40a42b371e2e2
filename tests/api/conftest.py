"""API test helpers: JSON clients for the personas, each with CSRF checks switched on.

``how`` runs a test twice: once with every signed-in persona calling by bearer token, once by
session cookie (which must then send the CSRF token, as a browser does).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from nightcramp.accounts.models import ApiToken

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

NOW = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
CSRF_SECRET = "k" * 32
BASE = "/api/v1"


class Api:
    """A JSON client for /api/v1 that calls as one persona."""

    def __init__(self, user: User | None, how: str) -> None:
        self.user = user
        self.client = Client(enforce_csrf_checks=True)
        self.headers: dict[str, str] = {}
        if user is not None and how == "token":
            _, raw = ApiToken.issue(user, "tests")
            self.headers["Authorization"] = f"Bearer {raw}"
        elif user is not None:
            self.client.force_login(user)
            self.client.cookies["csrftoken"] = CSRF_SECRET
            self.headers["X-CSRFToken"] = CSRF_SECRET

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Response:
        url = BASE + path
        kwargs: dict[str, Any] = {"headers": self.headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        elif query:
            kwargs["data"] = query
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str, **query: Any) -> Response:
        return self.call("get", path, **query)

    def post(self, path: str, body: Any) -> Response:
        return self.call("post", path, body)

    def put(self, path: str, body: Any) -> Response:
        return self.call("put", path, body)

    def patch(self, path: str, body: Any) -> Response:
        return self.call("patch", path, body)

    def delete(self, path: str) -> Response:
        return self.call("delete", path)


@pytest.fixture(autouse=True)
def frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(params=["token", "session"])
def how(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def alice(owner: User, how: str) -> Api:
    return Api(owner, how)


@pytest.fixture
def bob(other: User, how: str) -> Api:
    return Api(other, how)


@pytest.fixture
def anon(db: None) -> Api:
    return Api(None, "none")


def field_names(response: Response) -> list[str | None]:
    """The fields a 422 response names."""
    assert response.status_code == 422, response.content
    return [error["field"] for error in response.json()["detail"]]
