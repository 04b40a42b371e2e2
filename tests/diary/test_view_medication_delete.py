"""Deleting a medicine: confirm first, then delete on POST."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from nightcramp.diary.models import Medication
from nightcramp.diary.services import save_medication


@pytest.fixture
def medication(owner) -> Medication:  # type: ignore[no-untyped-def]
    return save_medication(owner, name="furosemide", started=date(2026, 2, 1))[0]


def url(medication: Medication) -> str:
    return reverse("medication_delete", args=[medication.pk])


def test_it_asks_before_deleting(owner_client, medication):
    assert "Delete furosemide?" in owner_client.get(url(medication)).content.decode()
    assert Medication.objects.filter(pk=medication.pk).exists()


def test_it_deletes_on_post(owner_client, medication):
    response = owner_client.post(url(medication), follow=True)
    assert response.redirect_chain[-1][0] == reverse("medications")
    assert "furosemide was deleted." in response.content.decode()
    assert not Medication.objects.filter(pk=medication.pk).exists()


def test_it_is_404_for_another_person_who_cannot_delete_it(other_client, medication):
    assert other_client.get(url(medication)).status_code == 404
    assert other_client.post(url(medication)).status_code == 404
    assert Medication.objects.filter(pk=medication.pk).exists()


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, medication):
    response = anon_client.post(url(medication))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Medication.objects.filter(pk=medication.pk).exists()
