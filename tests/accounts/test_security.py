"""Security settings: Argon2, `check --deploy`, CSRF, login throttling and deny-by-default views."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

import nightcramp.settings as production
from nightcramp.authz import access_of, public
from tests.conftest import PASSWORD

# --- Argon2 and check --deploy ---------------------------------------------------------------


def test_it_hashes_passwords_with_argon2_in_production() -> None:
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify(PASSWORD, encoded)
    assert not hasher.verify("wrong horse", encoded)


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # Only the machine's environment: no test-run settings (tests/browser sets DJANGO_ALLOW_ASYNC_UNSAFE).
    child = {k: v for k, v in os.environ.items() if not k.startswith(("NIGHTCRAMP_", "DJANGO_", "DATABASE_"))}
    child.update(DJANGO_SETTINGS_MODULE="nightcramp.settings", NIGHTCRAMP_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=child, capture_output=True, text=True, timeout=120, check=False,
    )


def test_it_passes_the_deployment_checks_behind_https(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, NIGHTCRAMP_HTTPS="true")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_warns_only_about_https_when_served_over_plain_http(tmp_path: Path) -> None:
    result = deploy_check(tmp_path, NIGHTCRAMP_HTTPS="false")

    assert result.returncode != 0
    expected = ["W004", "W008", "W012", "W016"]  # HSTS, SSL redirect, secure session and CSRF cookies
    reported = [code for code in expected if f"security.{code}" in result.stderr]
    assert reported == expected, result.stderr
    assert "System check identified 4 issues" in result.stderr


# --- CSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["signup", "login"])
def test_it_refuses_an_anonymous_post_without_a_csrf_token(db, name: str) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse(name), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["logout", "episode_now", "token_create"])
def test_it_refuses_a_signed_in_post_without_a_csrf_token(owner, name: str) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(reverse(name), {})

    assert response.status_code == 403
    assert client.get(reverse("account")).status_code == 200, "still signed in"


def test_it_accepts_a_post_that_carries_the_csrf_token(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]

    form = {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token}
    response = client.post(reverse("login"), form)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


# --- Login throttling -------------------------------------------------------------------------


def attempt(client: Client, password: str) -> Any:
    return client.post(reverse("login"), {"username": "alice", "password": password})


def test_it_locks_the_account_after_five_wrong_passwords(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        attempt(client, "not my password")

    response = attempt(client, PASSWORD)

    assert response.status_code in (403, 429)
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_lets_the_right_password_in_after_four_wrong_ones(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(4):
        assert attempt(client, "not my password").status_code == 200

    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_it_resets_the_count_after_a_successful_login(owner) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(4):
        attempt(client, "not my password")
    assert attempt(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    for _ in range(4):
        assert attempt(client, "not my password").status_code == 200
    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk


def test_it_does_not_lock_out_another_account(owner, other) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        attempt(client, "not my password")

    response = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == other.pk


# --- Deny by default --------------------------------------------------------------------------


def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_it_marks_every_view_with_who_may_use_it() -> None:
    routes = list(walk(get_resolver("nightcramp.urls").url_patterns))

    unmarked = [route for route, callback in routes if access_of(callback) is None]

    assert unmarked == []
    assert len(routes) >= 25, "the walk reached the accounts, diary and API routes"
    assert any(route.startswith("api/v1/") for route, _ in routes)


def unmarked_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret diary")


@public
def marked_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open page")


urlpatterns = [
    path("unmarked/", unmarked_view),
    path("marked/", marked_view),
]


@pytest.mark.urls(__name__)
def test_it_refuses_a_view_that_says_nothing_about_access(owner_client: Client, anon_client: Client) -> None:
    for client in (anon_client, owner_client):
        response = client.get("/unmarked/")
        assert response.status_code == 403
        assert b"secret diary" not in response.content


@pytest.mark.urls(__name__)
def test_it_serves_a_view_marked_public(anon_client: Client) -> None:
    response = anon_client.get("/marked/")

    assert response.status_code == 200
    assert response.content == b"open page"
