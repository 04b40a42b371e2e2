"""/api/v1/nights: the owner (by token and by session), another person, an anonymous visitor."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode, save_night
from tests.api.conftest import Api, field_names

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 28)


def rows(user: User) -> list[Any]:
    return list(Night.objects.filter(user=user).order_by("pk").values())


def night_with_cramps(user: User) -> Night:
    """The night of 28 March with two cramps (severity 4 and 7) and a check-in."""
    log_episode(user, started_at=datetime(2026, 3, 29, 1, 30, tzinfo=UTC), tz="Europe/London", severity=4)
    log_episode(user, started_at=datetime(2026, 3, 29, 4, 0, tzinfo=UTC), tz="Europe/London", severity=7)
    hours = Decimal("9.5")
    return save_night(user, DAY, checked_in=True, stretched=False, note="private", sitting_hours=hours)


# --- GET /nights/{date} ----------------------------------------------------------------------
def test_the_owner_reads_a_night_with_its_derived_counts(alice: Api, owner: User) -> None:
    night = night_with_cramps(owner)
    response = alice.get(f"/nights/{DAY}")
    assert response.status_code == 200
    data = response.json()
    first, second = night.episodes.order_by("started_at")
    assert data == {
        "date": "2026-03-28", "cramps": 2, "max_severity": 7, "stretched": False, "sleep_disruption": None,
        "sitting_hours": 9.5, "exercise_minutes": None, "alcohol_units": None, "note": "private",
        "cramps_reported": None, "max_severity_reported": None, "checked_in": True,
        "episodes": [str(first.id), str(second.id)],
    }


def test_another_person_gets_404_for_my_night_even_on_a_date_they_use_too(
    bob: Api, owner: User, other: User
) -> None:
    night_with_cramps(owner)
    assert bob.get(f"/nights/{DAY}").status_code == 404
    save_night(other, DAY, note="bob's own")
    response = bob.get(f"/nights/{DAY}")
    assert response.json()["note"] == "bob's own"
    assert response.json()["episodes"] == []


def test_a_night_never_recorded_is_404_and_a_bad_date_names_the_field(alice: Api) -> None:
    assert alice.get("/nights/2026-03-01").status_code == 404
    assert field_names(alice.get("/nights/2026-02-30")) == ["day"]


def test_anonymous_visitors_cannot_read_a_night(anon: Api, owner: User) -> None:
    night_with_cramps(owner)
    response = anon.get(f"/nights/{DAY}")
    assert response.status_code == 401
    assert "private" not in response.content.decode()


# --- GET /nights -----------------------------------------------------------------------------
def test_it_lists_only_my_nights_newest_first(alice: Api, bob: Api, owner: User, other: User) -> None:
    for day in (date(2026, 3, 1), date(2026, 3, 20), date(2026, 3, 10)):
        save_night(owner, day, checked_in=True)
    save_night(other, date(2026, 3, 5), note="bob's")
    mine = alice.get("/nights").json()
    assert [n["date"] for n in mine["items"]] == ["2026-03-20", "2026-03-10", "2026-03-01"]
    assert mine["count"] == 3
    theirs = bob.get("/nights").json()
    assert [n["date"] for n in theirs["items"]] == ["2026-03-05"]


def test_it_filters_nights_by_date_and_pages(alice: Api, owner: User) -> None:
    for day in range(1, 11):
        save_night(owner, date(2026, 3, day), cramps_reported=day)
    between = alice.get("/nights", since="2026-03-03", until="2026-03-05").json()
    assert [n["cramps"] for n in between["items"]] == [5, 4, 3]
    assert between["count"] == 3
    page = alice.get("/nights", limit=3, offset=3).json()
    assert [n["date"] for n in page["items"]] == ["2026-03-07", "2026-03-06", "2026-03-05"]
    assert page["count"] == 10
    assert field_names(alice.get("/nights", limit=1000)) == ["limit"]


def test_anonymous_visitors_cannot_list_nights(anon: Api, owner: User) -> None:
    night_with_cramps(owner)
    assert anon.get("/nights").status_code == 401


# --- PUT /nights/{date} ----------------------------------------------------------------------
def test_a_put_creates_the_check_in(alice: Api, owner: User) -> None:
    body = {"stretched": True, "sleep_disruption": 3, "sitting_hours": 7.5, "exercise_minutes": 40,
            "alcohol_units": 1.5, "note": "fine", "cramps_reported": 0}
    response = alice.put("/nights/2026-03-29", body)
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in body} == body
    assert (data["cramps"], data["checked_in"]) == (0, True)
    night = Night.objects.get(user=owner, date=date(2026, 3, 29))
    assert (night.sitting_hours, night.alcohol_units) == (Decimal("7.5"), Decimal("1.5"))
    assert night.checked_in_at is not None


def test_a_put_keeps_the_fields_left_out_and_reported_counts_win(alice: Api, owner: User) -> None:
    night_with_cramps(owner)
    response = alice.put(f"/nights/{DAY}", {"sleep_disruption": 6, "cramps_reported": 3})
    data = response.json()
    assert (data["sleep_disruption"], data["note"], data["sitting_hours"]) == (6, "private", 9.5)
    assert (data["cramps"], data["max_severity"]) == (3, 7)
    assert len(data["episodes"]) == 2


def test_a_put_can_save_fields_without_checking_in(alice: Api) -> None:
    response = alice.put("/nights/2026-03-29", {"stretched": True, "checked_in": False})
    assert (response.json()["checked_in"], response.json()["cramps"]) == (False, None)


@pytest.mark.parametrize(("body", "field"), [
    ({"sleep_disruption": 11}, "sleep_disruption"), ({"max_severity_reported": -1}, "max_severity_reported"),
    ({"sitting_hours": 25}, "sitting_hours"), ({"sitting_hours": 7.25}, "sitting_hours"),
    ({"exercise_minutes": "lots"}, "exercise_minutes"), ({"cramps": 4}, "cramps"),
])
def test_a_bad_check_in_names_the_field_and_changes_nothing(
    alice: Api, owner: User, body: dict[str, object], field: str
) -> None:
    night_with_cramps(owner)
    before = rows(owner)
    assert field_names(alice.put(f"/nights/{DAY}", body)) == [field]
    assert rows(owner) == before


def test_a_night_that_has_not_begun_cannot_be_checked_in(alice: Api, owner: User) -> None:
    assert field_names(alice.put("/nights/2026-03-31", {"stretched": True})) == ["date"]
    assert not Night.objects.filter(user=owner).exists()


def test_another_persons_put_on_my_date_touches_only_their_own_night(
    bob: Api, owner: User, other: User
) -> None:
    night_with_cramps(owner)
    before = rows(owner)
    response = bob.put(f"/nights/{DAY}", {"note": "bob's", "stretched": True})
    assert response.status_code == 200
    assert (response.json()["note"], response.json()["episodes"]) == ("bob's", [])
    assert rows(owner) == before
    assert Night.objects.get(user=other, date=DAY).note == "bob's"


def test_anonymous_visitors_cannot_put_a_night(anon: Api, owner: User) -> None:
    night_with_cramps(owner)
    before = rows(owner)
    assert anon.put(f"/nights/{DAY}", {"note": "x"}).status_code == 401
    assert rows(owner) == before
    assert Night.objects.count() == 1


# --- DELETE /nights/{date} -------------------------------------------------------------------
def test_the_owner_deletes_a_night_with_its_episodes(alice: Api, owner: User) -> None:
    night_with_cramps(owner)
    assert alice.delete(f"/nights/{DAY}").status_code == 204
    assert not Night.objects.filter(user=owner).exists()
    assert not Episode.objects.filter(user=owner).exists()


def test_another_person_gets_404_deleting_my_night(bob: Api, owner: User) -> None:
    night_with_cramps(owner)
    assert bob.delete(f"/nights/{DAY}").status_code == 404
    assert Night.objects.filter(user=owner).count() == 1
    assert Episode.objects.filter(user=owner).count() == 2


def test_anonymous_visitors_cannot_delete_a_night(anon: Api, owner: User) -> None:
    night_with_cramps(owner)
    assert anon.delete(f"/nights/{DAY}").status_code == 401
    assert Episode.objects.filter(user=owner).count() == 2
