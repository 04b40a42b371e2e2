"""The morning check-in: prefilled with sensible defaults, saved in a few taps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.urls import reverse

from nightcramp.diary.models import Night
from nightcramp.diary.services import log_episode, save_night

NOW = datetime(2026, 3, 12, 7, 30, tzinfo=UTC)  # a London morning; last night is 11 March
LAST_NIGHT = date(2026, 3, 11)
URL = reverse("checkin")


def checked(body: str, name: str, value: str) -> bool:
    return f'name="{name}" value="{value}" id="id_{name}_' in body and \
        body.split(f'name="{name}" value="{value}"', 1)[1].split(">", 1)[0].endswith(" checked")


@time_machine.travel(NOW, tick=False)
def test_it_is_about_last_night_and_defaults_to_a_quiet_night(owner_client):
    response = owner_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and response.context["nav"] == "checkin"
    assert "night of Wednesday 11 March" in body
    assert "None logged that night" in body
    form = response.context["form"]
    assert form.initial["sleep_disruption"] == 0
    assert form.initial["alcohol_units"] == 0
    assert form.initial["cramps"] == 0
    assert form.initial["stretched"] is None
    assert checked(body, "sleep_disruption", "0")


@time_machine.travel(NOW, tick=False)
def test_it_takes_defaults_from_earlier_nights_and_leaves_disruption_open_after_cramps(owner, owner_client):
    save_night(owner, date(2026, 3, 9), checked_in=True, stretched=True, sitting_hours=Decimal("6.5"),
               exercise_minutes=30, alcohol_units=Decimal(2))
    save_night(owner, date(2026, 3, 10), stretched=None)
    log_episode(owner, started_at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC), severity=6)
    response = owner_client.get(URL)
    initial = response.context["form"].initial
    assert initial["stretched"] is True
    assert (initial["sitting_hours"], initial["exercise_minutes"]) == (Decimal("6.5"), 30)
    assert initial["alcohol_units"] == 0  # not carried over: each evening starts at none
    assert initial["sleep_disruption"] is None
    assert initial["cramps"] == 1 and initial["max_severity"] == 6
    body = response.content.decode()
    assert ">02:00</time>" in body and "severity 6/10" in body
    assert checked(body, "stretched", "True")


@time_machine.travel(NOW, tick=False)
def test_it_saves_the_check_in_and_shows_the_night(owner, owner_client):
    response = owner_client.post(URL, {"stretched": "True", "sleep_disruption": "0", "cramps": "0",
                                       "sitting_hours": "7.5", "exercise_minutes": "20", "alcohol_units": "1",
                                       "note": "slept well"})
    assert response.status_code == 302 and response["Location"] == reverse("night", args=[LAST_NIGHT])
    night = Night.objects.get(user=owner, date=LAST_NIGHT)
    assert night.checked_in_at == NOW
    assert (night.stretched, night.sleep_disruption, night.sitting_hours) == (True, 0, Decimal("7.5"))
    assert (night.exercise_minutes, night.alcohol_units, night.note) == (20, Decimal(1), "slept well")
    assert night.cramps_reported is None and night.cramps == 0
    page = owner_client.get(response["Location"]).content.decode()
    assert "Check-in saved for the night of Wednesday 11 March 2026." in page


@time_machine.travel(NOW, tick=False)
def test_it_stores_the_count_only_when_it_corrects_the_logged_one(owner, owner_client):
    log_episode(owner, started_at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC), severity=4)
    log_episode(owner, started_at=datetime(2026, 3, 12, 4, 0, tzinfo=UTC), severity=6)
    owner_client.post(URL, {"cramps": "2", "max_severity": "6", "sleep_disruption": "5"})
    night = Night.objects.get(user=owner, date=LAST_NIGHT)
    assert (night.cramps_reported, night.max_severity_reported) == (None, None)
    assert (night.cramps, night.max_severity) == (2, 6)
    owner_client.post(URL, {"cramps": "3", "max_severity": "8", "sleep_disruption": "5"})
    night.refresh_from_db()
    assert (night.cramps_reported, night.max_severity_reported) == (3, 8)
    assert (night.cramps, night.max_severity) == (3, 8)


@time_machine.travel(NOW, tick=False)
def test_it_shows_errors_next_to_the_field_and_saves_nothing(owner, owner_client):
    body = owner_client.post(URL, {"sitting_hours": "30", "cramps": "-1"}).content.decode()
    assert 'id="id_sitting_hours_error"' in body and "Hours sitting the day before:" in body
    assert 'id="id_cramps_error"' in body
    assert not Night.objects.filter(user=owner).exists()


@time_machine.travel(NOW, tick=False)
def test_it_checks_in_for_a_chosen_earlier_night(owner, owner_client):
    body = owner_client.get(URL, {"night": "2026-03-01"}).content.decode()
    assert "night of Sunday 1 March" in body
    owner_client.post(f"{URL}?night=2026-03-01", {"cramps": "2"})
    night = Night.objects.get(user=owner)
    assert (night.date, night.cramps_reported, night.cramps) == (date(2026, 3, 1), 2, 2)
    assert owner_client.get(URL, {"night": "2026-03-13"}).status_code == 404
    assert owner_client.get(URL, {"night": "yesterday"}).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_it_edits_an_existing_nights_check_in_by_date(owner, owner_client):
    save_night(owner, date(2026, 3, 5), checked_in=True, sleep_disruption=4, note="windy")
    url = reverse("checkin_night", args=[date(2026, 3, 5)])
    response = owner_client.get(url)
    assert response.context["form"].initial["sleep_disruption"] == 4
    assert "windy" in response.content.decode()
    owner_client.post(url, {"sleep_disruption": "2"})
    assert Night.objects.get(user=owner, date=date(2026, 3, 5)).sleep_disruption == 2


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_change_the_night(owner, other_client):
    save_night(owner, date(2026, 3, 5), checked_in=True, note="alice's night")
    url = reverse("checkin_night", args=[date(2026, 3, 5)])
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, {"note": "bob"}).status_code == 404
    assert Night.objects.get(user=owner, date=date(2026, 3, 5)).note == "alice's night"
    assert "alice's night" not in other_client.get(URL, {"night": "2026-03-05"}).content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client):
    response = anon_client.post(URL, {"cramps": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Night.objects.exists()
