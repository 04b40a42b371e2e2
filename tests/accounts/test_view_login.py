"""Log in and log out."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def test_it_shows_the_login_form(anon_client: Client) -> None:
    response = anon_client.get(reverse("login"))

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_it_signs_in_with_the_right_password(owner, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = anon_client.post(reverse("login"), {"username": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")
    assert int(anon_client.session["_auth_user_id"]) == owner.pk


def test_it_refuses_a_wrong_password_with_a_message(owner, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = anon_client.post(reverse("login"), {"username": "alice", "password": "not my password"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_it_refuses_an_unknown_name(db, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = anon_client.post(reverse("login"), {"username": "nobody", "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in anon_client.session


def test_it_returns_to_the_page_asked_for(owner, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    asked = anon_client.get(reverse("account"))
    assert asked.status_code == 302
    assert asked["Location"] == f"{reverse('login')}?next={reverse('account')}"

    response = anon_client.post(asked["Location"], {"username": "alice", "password": PASSWORD})

    assert response["Location"] == reverse("account")


def test_it_ignores_a_next_address_on_another_site(owner, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    form = {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"}

    response = anon_client.post(reverse("login"), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")


def test_it_sends_a_signed_in_person_on(owner_client: Client) -> None:
    response = owner_client.get(reverse("login"))

    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")


def test_it_logs_out_on_post(owner_client: Client) -> None:
    response = owner_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in owner_client.session
    assert owner_client.get(reverse("account")).status_code == 302


def test_it_does_not_log_out_on_get(owner_client: Client) -> None:
    response = owner_client.get(reverse("logout"))

    assert response.status_code == 405
    assert owner_client.get(reverse("account")).status_code == 200
