"""/api/v1/episodes: the owner (by token and by session), another person, an anonymous visitor."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode
from tests.api.conftest import NOW, Api, field_names

pytestmark = pytest.mark.django_db


def episode_of(user: User, hours_ago: float = 6, **details: Any) -> Episode:
    episode, _ = log_episode(user, started_at=NOW - timedelta(hours=hours_ago), **details)
    return episode


def rows(user: User) -> list[Any]:
    return list(Episode.objects.filter(user=user).order_by("pk").values())


# --- POST /episodes --------------------------------------------------------------------------
def test_it_logs_an_episode_and_answers_with_the_stored_entry(alice: Api, owner: User) -> None:
    body = {"started_at": "2026-03-30T02:10:00+01:00", "tz": "Europe/London", "duration_s": 90,
            "leg": "left", "muscle": "calf", "severity": 7, "woke": True, "relief": "stretch",
            "relief_helped": True, "note": "after a long walk"}
    response = alice.post("/episodes", body)
    assert response.status_code == 201
    data = response.json()
    stored = Episode.objects.get(user=owner)
    assert data["id"] == str(stored.id)
    assert {k: data[k] for k in body} == body
    assert data["night"] == "2026-03-29"
    assert data["daytime"] is False
    assert data["created_at"] == data["updated_at"] == "2026-03-30T09:00:00Z"
    assert stored.started_at == datetime(2026, 3, 30, 1, 10, tzinfo=UTC)


def test_it_files_an_episode_at_0130_utc_after_the_clocks_change_under_the_night_before(alice: Api) -> None:
    response = alice.post("/episodes", {"started_at": "2026-03-29T01:30:00+00:00", "tz": "Europe/London"})
    assert response.status_code == 201
    assert response.json()["night"] == "2026-03-28"
    assert response.json()["started_at"] == "2026-03-29T02:30:00+01:00"  # in the episode's own offset


def test_it_defaults_to_now_in_the_profiles_zone(alice: Api) -> None:
    response = alice.post("/episodes", {})
    assert response.status_code == 201
    data = response.json()
    assert (data["tz"], data["started_at"], data["night"]) == (
        "Europe/London", "2026-03-30T10:00:00+01:00", "2026-03-29")
    assert data["leg"] is None and data["severity"] is None and data["note"] == ""


def test_it_keeps_a_fixed_offset_zone(alice: Api) -> None:
    response = alice.post("/episodes", {"started_at": "2026-03-30T03:00:00+05:30", "tz": "+05:30"})
    assert response.status_code == 201
    assert response.json()["started_at"] == "2026-03-30T03:00:00+05:30"
    assert response.json()["night"] == "2026-03-29"


def test_a_retried_post_with_the_same_id_answers_200_and_stores_one_row(alice: Api, owner: User) -> None:
    body = {"id": str(uuid.uuid4()), "started_at": "2026-03-30T03:00:00+01:00", "severity": 5}
    first = alice.post("/episodes", body)
    again = alice.post("/episodes", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Episode.objects.filter(user=owner).count() == 1


def test_an_id_of_another_persons_episode_is_409_and_changes_nothing(
    alice: Api, owner: User, other: User
) -> None:
    bobs = episode_of(other, note="bob's own")
    before = rows(other)
    response = alice.post("/episodes", {"id": str(bobs.id), "note": "alice's"})
    assert response.status_code == 409
    assert response.json() == {"detail": "that id is already in use"}
    assert rows(other) == before
    assert not Episode.objects.filter(user=owner).exists()
    assert not Night.objects.filter(user=owner).exists()


def test_it_refuses_a_time_without_an_offset_naming_started_at(alice: Api, owner: User) -> None:
    response = alice.post("/episodes", {"started_at": "2026-03-30T03:00:00"})
    assert field_names(response) == ["started_at"]
    assert "offset" in response.json()["detail"][0]["message"]
    assert not Episode.objects.filter(user=owner).exists()


def test_it_refuses_a_time_in_the_future_naming_started_at(alice: Api) -> None:
    response = alice.post("/episodes", {"started_at": "2026-03-30T10:30:00+00:00"})
    assert field_names(response) == ["started_at"]


@pytest.mark.parametrize(("field", "value"), [
    ("severity", 11), ("severity", -1), ("duration_s", 86401), ("leg", "up"), ("muscle", "neck"),
    ("relief", "prayer"), ("woke", "perhaps"), ("tz", "Mars/Olympus_Mons"), ("id", "not-a-uuid"),
    ("severty", 3),
])
def test_it_refuses_a_bad_value_naming_the_field(alice: Api, owner: User, field: str, value: object) -> None:
    response = alice.post("/episodes", {field: value})
    assert field_names(response) == [field]
    assert not Episode.objects.filter(user=owner).exists()


def test_anonymous_visitors_cannot_log_an_episode(anon: Api) -> None:
    assert anon.post("/episodes", {"note": "x"}).status_code == 401
    assert not Episode.objects.exists()


# --- GET /episodes ---------------------------------------------------------------------------
def test_it_lists_only_my_episodes_newest_first(alice: Api, bob: Api, owner: User, other: User) -> None:
    older, newer = episode_of(owner, hours_ago=30), episode_of(owner, hours_ago=7)
    bobs = episode_of(other, hours_ago=8)
    mine = alice.get("/episodes").json()
    assert [e["id"] for e in mine["items"]] == [str(newer.id), str(older.id)]
    assert mine["count"] == 2
    theirs = bob.get("/episodes").json()
    assert [e["id"] for e in theirs["items"]] == [str(bobs.id)]
    assert theirs["count"] == 1


def test_it_filters_by_night_and_pages(alice: Api, owner: User) -> None:
    for day in range(1, 6):  # one cramp at 03:00 UTC on 2..6 March: nights of 1..5 March
        log_episode(owner, started_at=datetime(2026, 3, day + 1, 3, 0, tzinfo=UTC))
    response = alice.get("/episodes", since="2026-03-02", until="2026-03-04")
    assert [e["night"] for e in response.json()["items"]] == ["2026-03-04", "2026-03-03", "2026-03-02"]
    page = alice.get("/episodes", limit=2, offset=1).json()
    assert [e["night"] for e in page["items"]] == ["2026-03-04", "2026-03-03"]
    assert page["count"] == 5


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 501}, "limit"), ({"limit": 0}, "limit"), ({"offset": -1}, "offset"),
    ({"since": "March"}, "since"), ({"until": "2026-02-30"}, "until"),
])
def test_it_refuses_bad_list_parameters_naming_them(alice: Api, query: dict[str, object], field: str) -> None:
    assert field_names(alice.get("/episodes", **query)) == [field]


def test_anonymous_visitors_cannot_list_episodes(anon: Api, owner: User) -> None:
    episode_of(owner)
    response = anon.get("/episodes")
    assert response.status_code == 401
    assert "items" not in response.json()


# --- GET /episodes/{id} ----------------------------------------------------------------------
def test_the_owner_reads_an_episode(alice: Api, owner: User) -> None:
    episode = episode_of(owner, severity=3, note="left calf")
    response = alice.get(f"/episodes/{episode.id}")
    assert response.status_code == 200
    assert (response.json()["severity"], response.json()["note"]) == (3, "left calf")


def test_another_person_gets_404_for_my_episode(bob: Api, owner: User) -> None:
    episode = episode_of(owner, note="private")
    response = bob.get(f"/episodes/{episode.id}")
    assert response.status_code == 404
    assert "private" not in response.content.decode()


def test_an_unknown_episode_is_404(alice: Api) -> None:
    assert alice.get(f"/episodes/{uuid.uuid4()}").status_code == 404


def test_anonymous_visitors_cannot_read_an_episode(anon: Api, owner: User) -> None:
    episode = episode_of(owner, note="private")
    response = anon.get(f"/episodes/{episode.id}")
    assert response.status_code == 401
    assert "private" not in response.content.decode()


# --- PATCH /episodes/{id} --------------------------------------------------------------------
def test_a_patch_changes_only_the_fields_given(alice: Api, owner: User) -> None:
    episode = episode_of(owner, severity=3, leg="left", note="keep me")
    response = alice.patch(f"/episodes/{episode.id}", {"severity": 8, "muscle": "foot"})
    assert response.status_code == 200
    episode.refresh_from_db()
    assert (episode.severity, episode.muscle, episode.leg, episode.note) == (8, "foot", "left", "keep me")


def test_a_patch_with_null_clears_a_detail(alice: Api, owner: User) -> None:
    episode = episode_of(owner, severity=3, leg="left")
    response = alice.patch(f"/episodes/{episode.id}", {"severity": None, "leg": None})
    assert (response.json()["severity"], response.json()["leg"]) == (None, None)
    episode.refresh_from_db()
    assert (episode.severity, episode.leg) == (None, "")


def test_a_new_time_refiles_the_episode_and_drops_the_night_left_empty(alice: Api, owner: User) -> None:
    episode = episode_of(owner, hours_ago=6)  # 03:00 UTC on 30 March: night of 29 March
    response = alice.patch(f"/episodes/{episode.id}", {"started_at": "2026-03-29T01:30:00+00:00"})
    assert response.status_code == 200
    assert response.json()["night"] == "2026-03-28"
    nights = Night.objects.filter(user=owner).values_list("date", flat=True)
    assert list(nights) == [date(2026, 3, 28)]


@pytest.mark.parametrize(("body", "field"), [
    ({"started_at": "2026-03-29T01:30:00"}, "started_at"), ({"started_at": None}, "started_at"),
    ({"tz": None}, "tz"), ({"tz": "Nowhere/Town"}, "tz"), ({"severity": 12}, "severity"),
])
def test_a_bad_patch_names_the_field_and_changes_nothing(
    alice: Api, owner: User, body: dict[str, object], field: str
) -> None:
    episode_of(owner, severity=2)
    before = rows(owner)
    assert field_names(alice.patch(f"/episodes/{before[0]['id']}", body)) == [field]
    assert rows(owner) == before


def test_another_person_gets_404_patching_my_episode_and_changes_nothing(bob: Api, owner: User) -> None:
    episode = episode_of(owner, severity=2)
    before = rows(owner)
    assert bob.patch(f"/episodes/{episode.id}", {"severity": 9}).status_code == 404
    assert rows(owner) == before


def test_anonymous_visitors_cannot_patch_an_episode(anon: Api, owner: User) -> None:
    episode = episode_of(owner, severity=2)
    before = rows(owner)
    assert anon.patch(f"/episodes/{episode.id}", {"severity": 9}).status_code == 401
    assert rows(owner) == before


# --- DELETE /episodes/{id} -------------------------------------------------------------------
def test_the_owner_deletes_an_episode_and_its_empty_night(alice: Api, owner: User) -> None:
    episode = episode_of(owner)
    response = alice.delete(f"/episodes/{episode.id}")
    assert response.status_code == 204
    assert not Episode.objects.filter(user=owner).exists()
    assert not Night.objects.filter(user=owner).exists()


def test_another_person_gets_404_deleting_my_episode(bob: Api, owner: User) -> None:
    episode = episode_of(owner)
    assert bob.delete(f"/episodes/{episode.id}").status_code == 404
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_anonymous_visitors_cannot_delete_an_episode(anon: Api, owner: User) -> None:
    episode = episode_of(owner)
    assert anon.delete(f"/episodes/{episode.id}").status_code == 401
    assert Episode.objects.filter(pk=episode.pk).exists()
