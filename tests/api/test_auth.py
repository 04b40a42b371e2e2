"""Who may call the API: a live bearer token or a signed-in session with its CSRF token; nobody else.

Every route is walked from the URL configuration, so a route added later is covered too.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from nightcramp.accounts.models import ApiToken
from nightcramp.authz import access_of
from nightcramp.care.models import StretchSession
from nightcramp.care.services import record_session
from nightcramp.diary.models import Episode, Medication, Night
from nightcramp.diary.services import log_episode, save_medication, save_night
from tests.api.conftest import CSRF_SECRET, NOW, Api

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


def api_patterns() -> list[URLPattern]:
    (resolver,) = [p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "api-v1"]
    assert isinstance(resolver, URLResolver)
    return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]


def owners_world(owner: User) -> dict[str, str]:
    episode, _ = log_episode(owner, started_at=NOW - timedelta(hours=6), note="private")
    medication, _ = save_medication(owner, name="private")
    night = save_night(owner, episode.night.date, note="private")
    stretch, _ = record_session(owner, routine="standing", started_at=NOW - timedelta(hours=7),
                                ended_at=NOW - timedelta(hours=7) + timedelta(minutes=4), holds_done=12)
    return {"episode_id": str(episode.id), "medication_id": str(medication.id), "day": night.date.isoformat(),
            "session_id": str(stretch.id)}


def url_of(pattern: URLPattern, ids: dict[str, str]) -> str:
    return "/api/v1/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], str(pattern.pattern))


def snapshot(owner: User) -> tuple[list[Any], ...]:
    models = (Episode, Night, Medication, StretchSession)
    return tuple(list(model.objects.filter(user=owner).order_by("pk").values()) for model in models)


def test_every_api_url_is_marked_for_the_deny_by_default_middleware() -> None:
    marks = {p.name: access_of(p.callback) for p in api_patterns()}
    assert marks.pop("openapi-json") == "public"
    assert len(marks) >= 16
    assert set(marks.values()) == {"api"}, marks


@pytest.mark.parametrize("csrf", [False, True], ids=["plain", "csrf-checks"])
def test_anonymous_visitors_get_401_on_every_route_and_method(owner: User, csrf: bool) -> None:
    ids = owners_world(owner)
    before = snapshot(owner)
    client = Client(enforce_csrf_checks=csrf)
    for pattern in api_patterns():
        if pattern.name == "openapi-json":
            continue
        url = url_of(pattern, ids)
        for method in METHODS:
            body = None if method == "get" else "{}"
            response = getattr(client, method)(url, body, content_type="application/json")
            assert response.status_code in (401, 405), (method, url, response.status_code)
            assert "private" not in response.content.decode()
    assert snapshot(owner) == before


def test_a_deleted_token_no_longer_authenticates(owner: User) -> None:
    token, raw = ApiToken.issue(owner, "phone")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert client.get("/api/v1/me").status_code == 200
    token.delete()
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/api/v1/episodes", "{}", content_type="application/json").status_code == 401
    assert not Episode.objects.exists()


@pytest.mark.parametrize("header", ["Bearer nc_not-a-real-token", "Bearer ", "Token abc", "nc_abc"])
def test_a_wrong_or_malformed_token_is_401(owner: User, header: str) -> None:
    ApiToken.issue(owner, "phone")
    assert Client(headers={"Authorization": header}).get("/api/v1/me").status_code == 401


def test_a_token_of_a_deactivated_person_is_401(owner: User) -> None:
    _, raw = ApiToken.issue(owner)
    owner.is_active = False
    owner.save()
    assert Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/me").status_code == 401


def test_a_token_of_one_person_never_reaches_anothers_data(owner: User, other: User) -> None:
    ids = owners_world(owner)
    before = snapshot(owner)
    _, raw = ApiToken.issue(other, "bob's phone")
    bob = Api(other, "none")
    bob.headers["Authorization"] = f"Bearer {raw}"
    for resource, key in (("episodes", "episode_id"), ("medications", "medication_id"), ("nights", "day")):
        assert bob.get(f"/{resource}/{ids[key]}").status_code == 404
        assert bob.get(f"/{resource}").json() == {"items": [], "count": 0}
        assert bob.delete(f"/{resource}/{ids[key]}").status_code == 404
    assert bob.patch(f"/episodes/{ids['episode_id']}", {"note": "bob"}).status_code == 404
    assert bob.patch(f"/medications/{ids['medication_id']}", {"note": "bob"}).status_code == 404
    assert bob.get("/me").json()["username"] == "bob"
    assert snapshot(owner) == before


def test_a_token_wins_over_a_session_of_someone_else(owner: User, other: User) -> None:
    _, raw = ApiToken.issue(owner)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.force_login(other)
    assert client.get("/api/v1/me").json()["username"] == "alice"


def session_client(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


@pytest.mark.parametrize(("method", "path"), [
    ("post", "episodes"), ("patch", "episodes/{episode_id}"), ("delete", "episodes/{episode_id}"),
    ("put", "nights/{day}"), ("delete", "nights/{day}"), ("post", "medications"),
    ("patch", "medications/{medication_id}"), ("delete", "medications/{medication_id}"),
])
def test_a_session_must_send_the_csrf_token_on_every_write(owner: User, method: str, path: str) -> None:
    ids = owners_world(owner)
    before = snapshot(owner)
    url = "/api/v1/" + path.format(**ids)
    body = json.dumps({"name": "forged"} if path == "medications" else {"note": "forged"})
    client = session_client(owner)
    forged = getattr(client, method)(url, body, content_type="application/json")
    assert forged.status_code == 403
    assert snapshot(owner) == before
    genuine = getattr(client, method)(url, body, content_type="application/json",
                                      headers={"X-CSRFToken": CSRF_SECRET})
    assert genuine.status_code in (200, 201, 204), genuine.content


def test_a_session_reads_without_a_csrf_token(owner: User) -> None:
    owners_world(owner)
    response = session_client(owner).get("/api/v1/episodes")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_token_needs_no_csrf_token(owner: User) -> None:
    _, raw = ApiToken.issue(owner)
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post("/api/v1/episodes", "{}", content_type="application/json")
    assert response.status_code == 201


def test_the_index_needs_authentication(owner: User) -> None:
    assert Client().get("/api/v1/").status_code == 401
    _, raw = ApiToken.issue(owner)
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/v1/")
    assert response.json() == {"name": "nightcramp API", "version": "1", "schema_url": "/api/v1/openapi.json"}
