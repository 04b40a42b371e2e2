"""Editing a medicine."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Medication
from nightcramp.diary.services import save_medication

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def medication(owner) -> Medication:  # type: ignore[no-untyped-def]
    return save_medication(owner, name="furosemide", dose="40 mg", started=date(2026, 2, 1))[0]


def url(medication: Medication) -> str:
    return reverse("medication_edit", args=[medication.pk])


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_medicine_in_the_form(owner_client, medication):
    body = owner_client.get(url(medication)).content.decode()
    assert 'value="furosemide"' in body and 'value="2026-02-01"' in body and 'type="date"' in body


@time_machine.travel(NOW, tick=False)
def test_it_saves_a_stop_date(owner_client, medication):
    data = {"name": "furosemide", "dose": "40 mg", "started": "2026-02-01", "stopped": "2026-03-10"}
    response = owner_client.post(url(medication), data)
    assert response.status_code == 302 and response["Location"] == reverse("medications")
    medication.refresh_from_db()
    assert medication.stopped == date(2026, 3, 10)


@time_machine.travel(NOW, tick=False)
def test_it_names_the_field_when_the_stop_is_before_the_start_and_saves_nothing(owner_client, medication):
    body = owner_client.post(url(medication), {"name": "renamed", "started": "2026-02-01",
                                               "stopped": "2026-01-01"}).content.decode()
    assert "Stopped on: The stop date is before the start date." in body
    medication.refresh_from_db()
    assert (medication.name, medication.stopped) == ("furosemide", None)


def test_it_is_404_for_another_person_who_cannot_change_it(other_client, medication):
    assert other_client.get(url(medication)).status_code == 404
    assert other_client.post(url(medication), {"name": "bob's"}).status_code == 404
    medication.refresh_from_db()
    assert medication.name == "furosemide"


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, medication):
    response = anon_client.post(url(medication), {"name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    medication.refresh_from_db()
    assert medication.name == "furosemide"
