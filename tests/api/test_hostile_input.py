"""Input that gave a 500 is refused in words (issue 18).

A time zone that is no zone: a tzdata folder ("America"), a name of 300 characters, a path, a NUL byte,
or a fixed offset no place on Earth uses ("+18:00", which PostgreSQL will not store either); each raised
an OSError (or a database error) before. A list offset past what a database takes (2**63)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode, Profile
from nightcramp.diary.nights import is_valid_zone, zone
from tests.api.conftest import NOW, Api, field_names
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NOT_ZONES = ["America", "Europe", "Etc", "x" * 300, "Europe/" + "y" * 250, "../etc/passwd", "UTC\x00",
             "+18:00", "-13:00", "+02:75", "+ab:cd"]


def iso(moment: Any) -> str:
    return str(moment.isoformat())


@pytest.mark.parametrize("name", NOT_ZONES)
def test_what_is_no_zone_is_refused_with_a_value_error(name: str) -> None:
    assert not is_valid_zone(name)
    with pytest.raises(ValueError, match="unknown time zone"):
        zone(name)


@pytest.mark.parametrize("name", ["UTC", "Europe/London", "US/Eastern", "Etc/GMT+5", "+14:00", "-12:00",
                                  "+05:45", "Pacific/Pago_Pago"])
def test_zones_and_offsets_in_use_are_accepted(name: str) -> None:
    assert is_valid_zone(name)


@pytest.mark.parametrize("name", NOT_ZONES)
def test_the_api_names_the_tz_field_and_stores_nothing(alice: Api, owner: User, name: str) -> None:
    assert field_names(alice.post("/episodes", {"started_at": iso(NOW), "tz": name})) == ["tz"]
    body = {"routine": "standing", "started_at": iso(NOW), "ended_at": iso(NOW), "tz": name, "holds_done": 1}
    assert field_names(alice.post("/stretch-sessions", body)) == ["tz"]
    assert not Episode.objects.filter(user=owner).exists()
    assert not StretchSession.objects.filter(user=owner).exists()


@pytest.mark.parametrize("name", ["America", "x" * 300, "+18:00"])
def test_sign_up_and_the_cramp_button_fall_back_to_a_zone_they_know(anon_client: Client, name: str) -> None:
    response = anon_client.post(reverse("signup"), {
        "username": "carol", "password1": PASSWORD, "password2": PASSWORD, "time_zone": name})
    assert response.status_code in (200, 302)
    profile = Profile.objects.filter(user__username="carol").first()
    assert profile is None or is_valid_zone(profile.time_zone)
    if profile is not None:
        assert anon_client.post(reverse("episode_now"), {"tz": name}).status_code == 302
        assert Episode.objects.get(user=profile.user).tz == profile.time_zone


@pytest.mark.parametrize("path", ["/episodes", "/nights", "/medications", "/stretch-sessions"])
@pytest.mark.parametrize("offset", ["9223372036854775808", "1000001", "-1"])
def test_a_list_offset_past_what_a_database_takes_is_refused_in_words(alice: Api, path: str,
                                                                      offset: str) -> None:
    response = alice.get(path, offset=offset)
    assert response.status_code == 422, (path, offset, response.status_code)
    assert field_names(response) == ["offset"]
    assert alice.get(path, offset="1000000").status_code == 200
