"""/api/v1/medications: the owner (by token and by session), another person, an anonymous visitor."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from nightcramp.diary.models import Medication
from nightcramp.diary.services import save_medication
from tests.api.conftest import Api, field_names

pytestmark = pytest.mark.django_db


def medication_of(user: User, name: str = "bendroflumethiazide", **fields: Any) -> Medication:
    medication, _ = save_medication(user, name=name, **fields)
    return medication


def rows(user: User) -> list[Any]:
    return list(Medication.objects.filter(user=user).order_by("pk").values())


# --- POST /medications -----------------------------------------------------------------------
def test_it_adds_a_medication(alice: Api, owner: User) -> None:
    body = {"name": "amlodipine", "dose": "5 mg each morning", "started": "2026-01-10", "stopped": None,
            "note": "from the GP"}
    response = alice.post("/medications", body)
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in body} == body
    assert data["id"] == str(Medication.objects.get(user=owner).id)


def test_a_retried_post_with_the_same_id_answers_200_and_stores_one_row(alice: Api, owner: User) -> None:
    body = {"id": str(uuid.uuid4()), "name": "magnesium"}
    assert alice.post("/medications", body).status_code == 201
    again = alice.post("/medications", body)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Medication.objects.filter(user=owner).count() == 1


def test_an_id_of_another_persons_medication_is_409_and_changes_nothing(
    alice: Api, owner: User, other: User
) -> None:
    bobs = medication_of(other, dose="bob's dose")
    before = rows(other)
    response = alice.post("/medications", {"id": str(bobs.id), "name": "quinine"})
    assert response.status_code == 409
    assert response.json() == {"detail": "that id is already in use"}
    assert rows(other) == before
    assert not Medication.objects.filter(user=owner).exists()


@pytest.mark.parametrize(("body", "field"), [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 201}, "name"),
    ({"name": "x", "started": "2026-03-10", "stopped": "2026-03-01"}, "stopped"),
    ({"name": "x", "started": "yesterday"}, "started"), ({"name": "x", "strength": "5 mg"}, "strength"),
])
def test_a_bad_medication_names_the_field(
    alice: Api, owner: User, body: dict[str, object], field: str
) -> None:
    assert field_names(alice.post("/medications", body)) == [field]
    assert not Medication.objects.filter(user=owner).exists()


def test_anonymous_visitors_cannot_add_a_medication(anon: Api) -> None:
    assert anon.post("/medications", {"name": "x"}).status_code == 401
    assert not Medication.objects.exists()


# --- GET /medications ------------------------------------------------------------------------
def test_it_lists_only_my_medications_latest_started_first(
    alice: Api, bob: Api, owner: User, other: User
) -> None:
    medication_of(owner, "undated")
    medication_of(owner, "old", started=date(2025, 1, 1))
    medication_of(owner, "new", started=date(2026, 2, 1))
    medication_of(other, "bob's")
    mine = alice.get("/medications").json()
    assert [m["name"] for m in mine["items"]] == ["new", "old", "undated"]
    assert mine["count"] == 3
    assert [m["name"] for m in bob.get("/medications").json()["items"]] == ["bob's"]
    assert [m["name"] for m in alice.get("/medications", limit=1, offset=1).json()["items"]] == ["old"]


def test_anonymous_visitors_cannot_list_medications(anon: Api, owner: User) -> None:
    medication_of(owner)
    assert anon.get("/medications").status_code == 401


# --- GET /medications/{id} -------------------------------------------------------------------
def test_the_owner_reads_a_medication_and_others_get_404(alice: Api, bob: Api, owner: User) -> None:
    medication = medication_of(owner, dose="private dose")
    assert alice.get(f"/medications/{medication.id}").json()["dose"] == "private dose"
    response = bob.get(f"/medications/{medication.id}")
    assert response.status_code == 404
    assert "private" not in response.content.decode()
    assert alice.get(f"/medications/{uuid.uuid4()}").status_code == 404


def test_anonymous_visitors_cannot_read_a_medication(anon: Api, owner: User) -> None:
    medication = medication_of(owner)
    assert anon.get(f"/medications/{medication.id}").status_code == 401


# --- PATCH /medications/{id} -----------------------------------------------------------------
def test_a_patch_changes_only_the_fields_given(alice: Api, owner: User) -> None:
    medication = medication_of(owner, dose="2.5 mg", started=date(2026, 1, 1))
    response = alice.patch(f"/medications/{medication.id}", {"stopped": "2026-03-01"})
    assert response.status_code == 200
    medication.refresh_from_db()
    assert (medication.dose, medication.started, medication.stopped) == (
        "2.5 mg", date(2026, 1, 1), date(2026, 3, 1))


@pytest.mark.parametrize(("body", "field"), [
    ({"stopped": "2025-12-01"}, "stopped"), ({"name": None}, "name"), ({"name": ""}, "name"),
])
def test_a_bad_patch_names_the_field_and_changes_nothing(
    alice: Api, owner: User, body: dict[str, object], field: str
) -> None:
    medication = medication_of(owner, started=date(2026, 1, 1))
    before = rows(owner)
    assert field_names(alice.patch(f"/medications/{medication.id}", body)) == [field]
    assert rows(owner) == before


def test_others_cannot_patch_my_medication(bob: Api, anon: Api, owner: User) -> None:
    medication = medication_of(owner)
    before = rows(owner)
    assert bob.patch(f"/medications/{medication.id}", {"dose": "99 mg"}).status_code == 404
    assert anon.patch(f"/medications/{medication.id}", {"dose": "99 mg"}).status_code == 401
    assert rows(owner) == before


# --- DELETE /medications/{id} ----------------------------------------------------------------
def test_the_owner_deletes_a_medication_and_others_cannot(
    alice: Api, bob: Api, anon: Api, owner: User
) -> None:
    medication = medication_of(owner)
    assert bob.delete(f"/medications/{medication.id}").status_code == 404
    assert anon.delete(f"/medications/{medication.id}").status_code == 401
    assert Medication.objects.filter(pk=medication.pk).exists()
    assert alice.delete(f"/medications/{medication.id}").status_code == 204
    assert not Medication.objects.filter(pk=medication.pk).exists()
