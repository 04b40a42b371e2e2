"""A night's page: every fact of the night, its cramps, and an edit form."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Night
from nightcramp.diary.services import log_episode, save_medication, save_night

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)
URL = reverse("night", args=[DAY])


@pytest.fixture
def night(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        log_episode(owner, started_at=datetime(2026, 3, 11, 2, 15, tzinfo=UTC), severity=6, leg="left",
                    muscle="calf", note="woke at the worst moment")
        log_episode(owner, started_at=datetime(2026, 3, 11, 0, 5, tzinfo=UTC), tz="Europe/Berlin", severity=3)
        return save_night(owner, DAY, checked_in=True, stretched=False, sleep_disruption=6, note="restless")


@time_machine.travel(NOW, tick=False)
def test_it_shows_the_facts_and_the_cramps_in_their_own_zone(owner, owner_client, night):
    save_medication(owner, name="simvastatin", dose="20 mg", started=date(2026, 1, 1))
    save_medication(owner, name="old pills", started=date(2025, 1, 1), stopped=date(2025, 6, 1))
    response = owner_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and response.context["nav"] == "history"
    assert "Night of Tuesday 10 March 2026" in body
    assert "<dt>Cramps</dt><dd>2" in body and "6/10" in body and "restless" in body
    assert "<dt>Stretched before bed</dt><dd>no</dd>" in body
    assert ">01:05</time> <span class=\"muted\">(Europe/Berlin)</span>" in body
    assert ">02:15</time>" in body and "Left calf" in body and "woke at the worst moment" in body
    assert body.index(">01:05</time>") < body.index(">02:15</time>")
    assert "simvastatin (20 mg)" in body and "old pills" not in body
    assert "12 March, 09:00" in body  # checked in at, in London time
    assert reverse("night_delete", args=[DAY]) in body


@time_machine.travel(NOW, tick=False)
def test_it_loads_the_cramps_without_a_query_per_cramp(owner, owner_client, night,
                                                        django_assert_max_num_queries):
    for minute in range(6):
        log_episode(owner, started_at=datetime(2026, 3, 11, 3, minute, tzinfo=UTC))
    owner_client.get(URL)
    with django_assert_max_num_queries(10):
        body = owner_client.get(URL).content.decode()
    assert body.count("Edit the cramp at") == 8


@time_machine.travel(NOW, tick=False)
def test_it_saves_an_edit_of_the_night(owner, owner_client, night):
    response = owner_client.post(URL, {"stretched": "True", "sleep_disruption": "2", "cramps": "2",
                                       "max_severity": "6", "note": "better than I thought"})
    assert response.status_code == 302 and response["Location"] == URL
    night.refresh_from_db()
    assert (night.stretched, night.sleep_disruption, night.note) == (True, 2, "better than I thought")
    assert (night.cramps_reported, night.max_severity_reported) == (None, None)


@time_machine.travel(NOW, tick=False)
def test_it_keeps_a_zero_count_for_a_summary_night_without_a_check_in(owner, owner_client):
    save_night(owner, date(2026, 3, 1), stretched=True)
    owner_client.post(reverse("night", args=[date(2026, 3, 1)]), {"stretched": "True", "cramps": "0"})
    night = Night.objects.get(user=owner, date=date(2026, 3, 1))
    assert night.cramps_reported == 0 and night.cramps == 0


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_a_night_with_nothing_recorded(owner_client):
    assert owner_client.get(reverse("night", args=[date(2026, 3, 1)])).status_code == 404
    assert owner_client.get("/nights/2026-02-30/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_change_it(other, other_client, night):
    save_night(other, DAY, note="bob's own night")  # even with a night of their own on that date
    assert other_client.get(URL).status_code == 200
    assert "restless" not in other_client.get(URL).content.decode()
    Night.objects.filter(user=other).delete()
    assert other_client.get(URL).status_code == 404
    assert other_client.post(URL, {"note": "bob"}).status_code == 404
    night.refresh_from_db()
    assert night.note == "restless"


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, night):
    response = anon_client.post(URL, {"note": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    night.refresh_from_db()
    assert night.note == "restless"
