"""/api/v1/me: the authenticated person's own profile, never anyone else's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_it_answers_with_my_profile(alice: Api, owner: User) -> None:
    owner.profile.display_name = "Alice"
    owner.profile.save()
    response = alice.get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice", "display_name": "Alice", "birth_year": None, "sex": None,
        "time_zone": "Europe/London", "hemisphere": "north", "country": None, "night_start_hour": 18,
        "night_end_hour": 12, "theme": "auto",
    }
    owner.profile.country = "GB"
    owner.profile.save()
    assert alice.get("/me").json()["country"] == "GB"


def test_another_person_sees_their_own_profile(bob: Api, owner: User) -> None:
    data = bob.get("/me").json()
    assert (data["username"], data["time_zone"], data["hemisphere"]) == ("bob", "Australia/Sydney", "south")


def test_anonymous_visitors_get_401(anon: Api, owner: User) -> None:
    response = anon.get("/me")
    assert response.status_code == 401
    assert "alice" not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_profile_is_read_only_here(alice: Api, owner: User, method: str) -> None:
    response = alice.call(method, "/me", {"display_name": "Mallory"})
    assert response.status_code == 405
    owner.profile.refresh_from_db()
    assert owner.profile.display_name == ""
