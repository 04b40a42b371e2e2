"""The account page: profile settings, night hours (which re-file episodes) and API tokens."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse

from nightcramp.accounts.models import ApiToken
from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode

SETTINGS = {
    "display_name": "Alice", "birth_year": "1961", "sex": "female", "time_zone": "Europe/London",
    "hemisphere": "north", "night_start_hour": "18", "night_end_hour": "12", "theme": "dark",
}


def save(client: Client, **changes: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account"), {**SETTINGS, **changes})


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client: Client) -> None:
    response = anon_client.get(reverse("account"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_person_their_own_settings(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    owner.profile.display_name = "Night Owl Alice"
    owner.profile.save()

    response = owner_client.get(reverse("account"))

    assert response.status_code == 200
    assert response.context["form"].instance == owner.profile
    assert "Night Owl Alice" in response.content.decode()


def test_it_saves_the_profile(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = save(owner_client, time_zone="Asia/Tokyo", night_start_hour="20", night_end_hour="10")

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    owner.profile.refresh_from_db()
    profile = owner.profile
    assert (profile.display_name, profile.birth_year, profile.sex) == ("Alice", 1961, "female")
    assert owner.profile.time_zone == "Asia/Tokyo"
    assert (owner.profile.night_start_hour, owner.profile.night_end_hour) == (20, 10)
    assert owner.profile.theme == "dark"


def test_it_refuses_a_night_that_ends_after_the_hour_it_begins(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = save(owner_client, night_start_hour="12", night_end_hour="13")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["night_end_hour"]
    assert "Ensure this value is less than or equal to 12." in errors["night_end_hour"][0]
    owner.profile.refresh_from_db()
    assert owner.profile.night_end_hour == 12


def test_it_refuses_an_unknown_time_zone_naming_the_field(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = save(owner_client, time_zone="Atlantis/Lost_City")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["time_zone"]
    owner.profile.refresh_from_db()
    assert owner.profile.time_zone == "Europe/London"


def test_it_files_episodes_again_when_the_night_hours_change(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    late_morning = datetime(2025, 6, 11, 11, 0, tzinfo=ZoneInfo("Europe/London"))
    episode, _ = log_episode(owner, started_at=late_morning, tz="Europe/London", severity=6)
    assert (episode.night.date, episode.daytime) == (date(2025, 6, 10), False)

    assert save(owner_client, night_end_hour="10").status_code == 302

    episode = Episode.objects.get(pk=episode.pk)
    assert (episode.night.date, episode.daytime) == (date(2025, 6, 11), True)
    assert not Night.objects.filter(user=owner, date=date(2025, 6, 10)).exists(), "the emptied night is gone"


def test_it_creates_a_token_shown_once(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    response = owner_client.post(reverse("token_create"), {"name": "phone"})

    assert response.status_code == 200
    raw = response.context["raw"]
    assert raw in response.content.decode()
    token = ApiToken.authenticate(raw)
    assert token is not None
    assert (token.user, token.name) == (owner, "phone")
    listed = owner_client.get(reverse("account")).content.decode()
    assert token.hint in listed
    assert raw not in listed


def test_it_revokes_a_token(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    token, raw = ApiToken.issue(owner, "laptop")

    response = owner_client.post(reverse("token_delete", args=[token.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert ApiToken.authenticate(raw) is None


def test_it_does_not_let_another_person_revoke_my_token(owner, other_client: Client) -> None:  # type: ignore[no-untyped-def]
    token, raw = ApiToken.issue(owner, "laptop")

    response = other_client.post(reverse("token_delete", args=[token.pk]))

    assert response.status_code == 404
    assert ApiToken.authenticate(raw) is not None


def test_it_revokes_only_on_post(owner, owner_client: Client) -> None:  # type: ignore[no-untyped-def]
    token, _ = ApiToken.issue(owner, "laptop")

    assert owner_client.get(reverse("token_delete", args=[token.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()
