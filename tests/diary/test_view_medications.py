"""The medicines page: current ones first, then past ones, and a form to add one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from nightcramp.diary.models import Medication
from nightcramp.diary.services import save_medication

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
URL = reverse("medications")


@time_machine.travel(NOW, tick=False)
def test_it_lists_current_medicines_before_past_ones(owner, owner_client):
    save_medication(owner, name="quinine", started=date(2025, 1, 1), stopped=date(2025, 4, 1))
    save_medication(owner, name="furosemide", dose="40 mg", started=date(2026, 2, 1))
    save_medication(owner, name="ending today", started=date(2026, 1, 1), stopped=date(2026, 3, 12))
    response = owner_client.get(URL)
    body = response.content.decode()
    assert response.context["nav"] == "medications"
    assert [m.name for m in response.context["current"]] == ["furosemide", "ending today"]
    assert [m.name for m in response.context["past"]] == ["quinine"]
    assert body.index("furosemide") < body.index("Stopped") < body.index("quinine")
    assert "40 mg" in body and "from 1 Feb 2026" in body


@time_machine.travel(NOW, tick=False)
def test_it_adds_a_medicine(owner, owner_client):
    response = owner_client.post(URL, {"name": "amlodipine", "dose": "5 mg", "started": "2026-03-01",
                                       "stopped": "", "note": "new from the GP"}, follow=True)
    assert "amlodipine was added." in response.content.decode()
    medication = Medication.objects.get(user=owner)
    assert (medication.name, medication.dose, medication.started) == ("amlodipine", "5 mg", date(2026, 3, 1))
    assert medication.stopped is None and medication.note == "new from the GP"


@time_machine.travel(NOW, tick=False)
def test_it_names_the_field_when_the_stop_is_before_the_start_and_saves_nothing(owner, owner_client):
    data = {"name": "amlodipine", "started": "2026-03-01", "stopped": "2026-02-01"}
    response = owner_client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    error = body.split('id="id_stopped_error"', 1)[1].split("</ul>", 1)[0]
    assert "Stopped on: The stop date is before the start date." in error
    assert not Medication.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_requires_a_name(owner_client):
    body = owner_client.post(URL, {"name": "", "dose": "5 mg"}).content.decode()
    assert 'id="id_name_error"' in body and "Medicine: This field is required." in body
    assert not Medication.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_it_never_lists_another_persons_medicines(owner, other_client):
    save_medication(owner, name="alice's pills")
    response = other_client.get(URL)
    assert response.context["current"] == [] and "alice's pills" not in response.content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in_and_saves_nothing(anon_client):
    response = anon_client.post(URL, {"name": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Medication.objects.exists()


def _item(body: str, name: str) -> str:
    """The list item of one medicine on the page."""
    start = body.index(f"<strong>{name}</strong>")
    return body[body.rindex("<li", 0, start):body.index("</li>", start)]


@time_machine.travel(NOW, tick=False)
def test_it_says_what_each_medicine_was_recognised_as(owner, owner_client):
    save_medication(owner, name="Lasix", dose="40 mg", started=date(2026, 2, 1))
    save_medication(owner, name="Symbicort 200/6", started=date(2026, 2, 1))
    body = owner_client.get(URL).content.decode()
    assert "Recognised as furosemide, a loop diuretic (water tablet)." in _item(body, "Lasix")
    assert ("Recognised as budesonide + formoterol, a long-acting beta-agonist with an inhaled steroid."
            in _item(body, "Symbicort 200/6"))
    assert "Not on our list" not in body


@time_machine.travel(NOW, tick=False)
def test_it_shows_back_a_name_it_did_not_recognise_with_a_suggestion(owner, owner_client):
    save_medication(owner, name="Lasics", started=date(2026, 2, 1))
    save_medication(owner, name="paracetamol", started=date(2026, 2, 1))
    body = owner_client.get(URL).content.decode()
    typo, unlisted = _item(body, "Lasics"), _item(body, "paracetamol")
    assert ("Not on our list</strong> of medicines linked to cramps. Did you mean Lasix (furosemide)? If so, "
            "correct the name." in typo)
    assert "Not on our list</strong> of medicines linked to cramps." in unlisted
    assert "Did you mean" not in unlisted
    for item in (typo, unlisted):
        assert "If it is spelled right, the health check has nothing to say about it." in item
        assert "It stays in your diary and on your doctor report." in item
        assert "Recognised as" not in item


@time_machine.travel(NOW, tick=False)
def test_it_saves_an_unrecognised_name_as_typed(owner, owner_client):
    data = {"name": "Lasics", "dose": "40 mg", "started": "2026-03-01"}
    response = owner_client.post(URL, data, follow=True)
    body = response.content.decode()
    assert "Lasics was added." in body and "Did you mean Lasix (furosemide)?" in body
    assert Medication.objects.get(user=owner).name == "Lasics"
