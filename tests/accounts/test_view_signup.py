"""Sign-up: a new account with its profile, signed in straight away."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD


def sign_up(client: Client, **overrides: str):  # type: ignore[no-untyped-def]
    form = {"username": "carol", "password1": PASSWORD, "password2": PASSWORD,
            "display_name": "Carol", "time_zone": "America/New_York", **overrides}
    return client.post(reverse("signup"), form)


def test_it_shows_the_sign_up_form(anon_client: Client) -> None:
    response = anon_client.get(reverse("signup"))

    assert response.status_code == 200
    assert b"Create your account" in response.content
    assert b'name="password1"' in response.content
    assert b'name="time_zone"' in response.content


def test_it_creates_the_account_with_a_profile_in_the_posted_time_zone(anon_client: Client) -> None:
    response = sign_up(anon_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("screening:questionnaire") + "?welcome=1"
    user = get_user_model().objects.get(username="carol")
    assert user.check_password(PASSWORD)
    assert user.profile.time_zone == "America/New_York"
    assert user.profile.display_name == "Carol"


def test_it_signs_the_new_person_in(anon_client: Client) -> None:
    sign_up(anon_client)

    user = get_user_model().objects.get(username="carol")
    assert int(anon_client.session["_auth_user_id"]) == user.pk
    assert anon_client.get(reverse("account")).status_code == 200


@pytest.mark.parametrize("zone", ["", "Atlantis/Lost_City"])
def test_it_falls_back_to_utc_for_a_missing_or_unknown_time_zone(anon_client: Client, zone: str) -> None:
    assert sign_up(anon_client, time_zone=zone).status_code == 302

    assert get_user_model().objects.get(username="carol").profile.time_zone == "UTC"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("8301947265", "This password is entirely numeric."),
    ],
)
def test_it_rejects_a_weak_password_and_says_why(anon_client: Client, password: str, message: str) -> None:
    response = sign_up(anon_client, password1=password, password2=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()
    assert "_auth_user_id" not in anon_client.session


def test_it_rejects_passwords_that_do_not_match(anon_client: Client) -> None:
    response = sign_up(anon_client, password2=PASSWORD + "!")

    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_it_rejects_a_name_that_is_taken(owner, anon_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = sign_up(anon_client, username="alice")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert get_user_model().objects.filter(username="alice").count() == 1


def test_it_sends_a_signed_in_person_to_tonight(owner_client: Client) -> None:
    response = owner_client.get(reverse("signup"))

    assert response.status_code == 302
    assert response["Location"] == reverse("tonight")


@pytest.mark.parametrize(
    ("zone", "hemisphere"),
    [("Australia/Sydney", "south"), ("America/Sao_Paulo", "south"), ("Europe/Berlin", "north"),
     ("UTC", "north")],
)
def test_it_guesses_the_hemisphere_from_the_time_zone(anon_client: Client, zone: str, hemisphere: str):
    sign_up(anon_client, time_zone=zone)

    assert get_user_model().objects.get(username="carol").profile.hemisphere == hemisphere


# ---- sign-up confirms what it guessed (issue 17) ------------------------------------------------------

def test_the_form_shows_the_zone_hemisphere_and_country_as_fields_a_person_can_change(
        anon_client: Client) -> None:
    body = anon_client.get(reverse("signup")).content.decode()
    for name in ("time_zone", "hemisphere", "country"):
        assert f'<select name="{name}"' in body
    assert 'type="hidden" name="time_zone"' not in body
    assert '<option value="DE">Germany</option>' in body
    assert '"Europe/Berlin":["north","DE"]' in body  # the table the page's script guesses from


@pytest.mark.parametrize(("zone", "hemisphere", "country"), [
    ("Europe/Berlin", "north", "DE"), ("Australia/Sydney", "south", "AU"),
    ("Pacific/Pago_Pago", "south", "AS"),
    ("UTC", "north", ""),
])
def test_left_to_the_guess_the_hemisphere_and_country_follow_the_zone(
        anon_client: Client, zone: str, hemisphere: str, country: str) -> None:
    assert sign_up(anon_client, time_zone=zone, hemisphere="", country="").status_code == 302
    profile = get_user_model().objects.get(username="carol").profile
    assert (profile.time_zone, profile.hemisphere, profile.country) == (zone, hemisphere, country)


def test_a_country_and_hemisphere_the_person_chose_are_kept(anon_client: Client) -> None:
    sign_up(anon_client, time_zone="Europe/Berlin", hemisphere="south", country="NL")
    profile = get_user_model().objects.get(username="carol").profile
    assert (profile.hemisphere, profile.country) == ("south", "NL")


def test_the_country_can_be_changed_on_the_account_page(anon_client: Client) -> None:
    sign_up(anon_client, time_zone="Europe/Berlin")
    body = anon_client.get(reverse("account")).content.decode()
    assert '<option value="DE" selected>Germany</option>' in body
