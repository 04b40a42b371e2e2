"""Changing the password: the old one is asked for, the new one works afterwards."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

NEW = "a brand new bedtime passphrase"


def change(client: Client, old: str = PASSWORD, new1: str = NEW, new2: str = NEW):  # type: ignore[no-untyped-def]
    return client.post(reverse("password_change"),
                       {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client: Client) -> None:
    response = anon_client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_form(owner_client: Client) -> None:
    response = owner_client.get(reverse("password_change"))

    assert response.status_code == 200
    assert b'name="old_password"' in response.content


def test_it_changes_the_password_and_keeps_the_person_signed_in(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = change(owner_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    done = owner_client.get(response["Location"], follow=True)
    assert done.redirect_chain[-1][0] == reverse("account")
    assert "Your password was changed." in done.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    assert not owner.check_password(PASSWORD)


def test_it_logs_in_with_the_new_password_afterwards(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    change(owner_client)
    owner_client.post(reverse("logout"))

    assert Client().post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 200
    fresh = Client()
    assert fresh.post(reverse("login"), {"username": "alice", "password": NEW}).status_code == 302
    assert int(fresh.session["_auth_user_id"]) == owner.pk


def test_it_requires_the_old_password(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = change(owner_client, old="not my password")

    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in response.content.decode()
    assert get_user_model().objects.get(pk=owner.pk).check_password(PASSWORD)


def test_it_rejects_new_passwords_that_differ(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = change(owner_client, new2=NEW + "!")

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert get_user_model().objects.get(pk=owner.pk).check_password(PASSWORD)


def test_it_rejects_a_weak_new_password(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = change(owner_client, new1="abc123", new2="abc123")

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert get_user_model().objects.get(pk=owner.pk).check_password(PASSWORD)
