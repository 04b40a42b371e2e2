"""The optional details offered right after a cramp is logged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Episode
from nightcramp.diary.services import log_episode

NOW = datetime(2026, 3, 10, 3, 5, tzinfo=UTC)
DETAILS = {"leg": "left", "muscle": "calf", "severity": "7", "duration_quick": "180", "woke": "True",
           "relief": "stretch", "relief_helped": "True", "note": "after a long walk"}


@pytest.fixture
def episode(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return log_episode(owner)[0]


def url(episode: Episode) -> str:
    return reverse("episode_details", args=[episode.pk])


@time_machine.travel(NOW, tick=False)
def test_it_confirms_the_time_and_offers_big_labelled_choices(owner_client, episode):
    body = owner_client.get(url(episode)).content.decode()
    assert "Cramp logged at 03:05" in body
    assert "<legend>How bad (0 = barely, 10 = worst ever)</legend>" in body
    assert body.count('name="severity"') == 11
    for label in ("under 1 min", "1–5 min", "5–10 min", "over 10 min", "Left", "Right", "Both", "Calf",
                  "Stretched the muscle"):
        assert f"<span>{label}</span>" in body
    assert '<label for="id_duration_minutes">' in body


@time_machine.travel(NOW, tick=False)
def test_it_saves_the_details_and_goes_back_to_tonight(owner_client, episode):
    response = owner_client.post(url(episode), DETAILS)
    assert response.status_code == 302 and response["Location"] == reverse("tonight")
    episode.refresh_from_db()
    assert (episode.leg, episode.muscle, episode.severity, episode.duration_s) == ("left", "calf", 7, 180)
    assert (episode.woke, episode.relief, episode.relief_helped) == (True, "stretch", True)
    assert episode.note == "after a long walk"
    assert "Details saved for the cramp at 03:05" in owner_client.get(reverse("tonight")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_prefers_exact_minutes_over_the_quick_choice(owner_client, episode):
    owner_client.post(url(episode), {"duration_quick": "30", "duration_minutes": "2.5"})
    episode.refresh_from_db()
    assert episode.duration_s == 150


@time_machine.travel(NOW, tick=False)
def test_it_redirects_htmx_to_tonight_after_saving(owner_client, episode):
    response = owner_client.post(url(episode), DETAILS, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("tonight")


@time_machine.travel(NOW, tick=False)
def test_it_shows_errors_next_to_the_field_and_saves_nothing(owner_client, episode):
    response = owner_client.post(url(episode), {**DETAILS, "severity": "11"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="id_severity_error"' in body and "How bad" in body
    assert "<html" not in body
    episode.refresh_from_db()
    assert episode.severity is None and episode.leg == ""


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_change_it(other_client, episode):
    assert other_client.get(url(episode)).status_code == 404
    assert other_client.post(url(episode), DETAILS).status_code == 404
    episode.refresh_from_db()
    assert episode.leg == "" and episode.note == ""


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, episode):
    response = anon_client.post(url(episode), DETAILS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    episode.refresh_from_db()
    assert episode.leg == ""
