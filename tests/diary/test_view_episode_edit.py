"""Editing a cramp: its time in the zone it happened in, and every detail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode

NOW = datetime(2026, 7, 12, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def episode(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        started = datetime(2026, 7, 11, 3, 10, tzinfo=LONDON)
        return log_episode(owner, started_at=started, tz="Europe/London", severity=5, duration_s=450,
                           leg="right")[0]


def url(episode: Episode) -> str:
    return reverse("episode_edit", args=[episode.pk])


def form_data(**changes: str) -> dict[str, str]:
    return {"started_at": "2026-07-11T03:10", "tz": "Europe/London", "severity": "5", "duration_quick": "450",
            "leg": "right", **changes}


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_time_in_the_episodes_own_zone(owner_client, episode):
    body = owner_client.get(url(episode)).content.decode()
    assert 'value="2026-07-11T03:10"' in body  # 02:10 UTC, shown as London summer time
    assert 'type="datetime-local"' in body
    assert 'value="450" id="id_duration_quick_2" checked' in body


@time_machine.travel(NOW, tick=False)
def test_it_saves_changed_details(owner_client, episode):
    response = owner_client.post(url(episode), form_data(severity="8", muscle="foot", note="cold feet"))
    assert response.status_code == 302
    assert response["Location"] == reverse("night", args=[date(2026, 7, 10)])
    episode.refresh_from_db()
    assert (episode.severity, episode.muscle, episode.note) == (8, "foot", "cold feet")
    assert episode.duration_s == 450


@time_machine.travel(NOW, tick=False)
def test_it_moves_the_cramp_to_the_night_its_new_time_belongs_to(owner, owner_client, episode):
    response = owner_client.post(url(episode), form_data(started_at="2026-07-11T23:30"), follow=True)
    episode.refresh_from_db()
    assert episode.started_at == datetime(2026, 7, 11, 22, 30, tzinfo=UTC)
    assert episode.night.date == date(2026, 7, 11)
    assert not Night.objects.filter(user=owner, date=date(2026, 7, 10)).exists()  # left empty, tidied away
    assert "It now belongs to the night of Saturday 11 July 2026" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_reads_the_time_in_a_changed_zone(owner_client, episode):
    owner_client.post(url(episode), form_data(started_at="2026-07-11T03:10", tz="Asia/Tokyo"))
    episode.refresh_from_db()
    assert episode.tz == "Asia/Tokyo"
    assert episode.started_at == datetime(2026, 7, 10, 18, 10, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_future_time_or_unknown_zone_and_changes_nothing(owner_client, episode):
    body = owner_client.post(url(episode), form_data(started_at="2026-07-13T03:00")).content.decode()
    assert 'id="id_started_at_error"' in body and "in the future" in body
    body = owner_client.post(url(episode), form_data(tz="Nowhere/Land")).content.decode()
    assert 'id="id_tz_error"' in body and "not a known time zone" in body
    episode.refresh_from_db()
    assert episode.started_at == datetime(2026, 7, 11, 2, 10, tzinfo=UTC) and episode.tz == "Europe/London"


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_change_it(other_client, episode):
    assert other_client.get(url(episode)).status_code == 404
    assert other_client.post(url(episode), form_data(severity="1")).status_code == 404
    episode.refresh_from_db()
    assert episode.severity == 5


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, episode):
    response = anon_client.post(url(episode), form_data(severity="1"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    episode.refresh_from_db()
    assert episode.severity == 5
