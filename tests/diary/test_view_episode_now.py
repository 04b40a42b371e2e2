"""Tapping "Cramp now" (or a back-dating button) stores the cramp at once, exactly once."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from nightcramp.diary.models import Episode
from nightcramp.diary.services import log_episode

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 10, 3, 5, tzinfo=LONDON)
URL = reverse("episode_now")


def only_episode(user) -> Episode:  # type: ignore[no-untyped-def]
    return Episode.objects.select_related("night").get(user=user)


@time_machine.travel(NOW, tick=False)
def test_it_stores_the_cramp_the_moment_it_is_tapped(owner, owner_client):
    response = owner_client.post(URL, {"tz": "Europe/London"})
    episode = only_episode(owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("episode_details", args=[episode.pk])
    assert episode.started_at == NOW
    assert episode.tz == "Europe/London"
    assert episode.night.date == date(2026, 3, 9)


@time_machine.travel(NOW, tick=False)
def test_it_stores_one_cramp_when_the_same_id_arrives_twice(owner, owner_client):
    client_id = str(uuid.uuid4())
    first = owner_client.post(URL, {"id": client_id, "tz": "Europe/London"})
    second = owner_client.post(URL, {"id": client_id, "tz": "Europe/London"})
    assert Episode.objects.filter(user=owner).count() == 1
    assert str(only_episode(owner).pk) == client_id
    assert first["Location"] == second["Location"]


@time_machine.travel(NOW, tick=False)
def test_it_stores_a_new_cramp_for_each_tap_without_javascript(owner, owner_client):
    owner_client.post(URL, {"id": "", "tz": ""})
    owner_client.post(URL, {"id": "not-a-uuid", "tz": ""})
    assert Episode.objects.filter(user=owner).count() == 2


@time_machine.travel(NOW, tick=False)
def test_it_answers_htmx_with_the_confirmation_and_the_details_form(owner, owner_client):
    response = owner_client.post(URL, {"tz": "Europe/London"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    episode = only_episode(owner)
    assert response.status_code == 200
    assert "Cramp logged at 03:05" in body
    assert f'hx-post="{reverse("episode_details", args=[episode.pk])}"' in body
    for name in ("leg", "muscle", "severity", "duration_quick", "duration_minutes", "woke", "relief",
                 "relief_helped", "note"):
        assert f'name="{name}"' in body
    assert "<html" not in body


@time_machine.travel(NOW, tick=False)
def test_its_htmx_answer_brings_tonights_list_up_to_date_with_the_new_cramp(owner, owner_client):
    """Right after "Cramp logged at 03:05", "So far tonight" must not still say that none is logged."""
    log_episode(owner, started_at=datetime(2026, 3, 10, 1, 40, tzinfo=LONDON))
    body = owner_client.post(URL, {"tz": "Europe/London"}, HTTP_HX_REQUEST="true").content.decode()
    so_far = body.split('<section id="so-far"', 1)[1].split("</section>", 1)[0]
    assert 'hx-swap-oob="true"' in so_far
    assert "No cramps logged tonight" not in so_far
    assert so_far.count("<li>") == 2 and "01:40" in so_far and "03:05" in so_far


@time_machine.travel(NOW, tick=False)
def test_it_says_so_when_an_htmx_retry_finds_the_cramp_already_logged(owner, owner_client):
    client_id = str(uuid.uuid4())
    owner_client.post(URL, {"id": client_id}, HTTP_HX_REQUEST="true")
    body = owner_client.post(URL, {"id": client_id}, HTTP_HX_REQUEST="true").content.decode()
    assert "already logged at 03:05" in body
    assert Episode.objects.filter(user=owner).count() == 1


@time_machine.travel(NOW, tick=False)
def test_it_back_dates_thirty_minutes_to_the_right_time_and_night(owner, owner_client):
    owner_client.post(URL, {"ago": "30", "tz": "Europe/London"})
    episode = only_episode(owner)
    assert episode.local_start.strftime("%H:%M") == "02:35"
    assert episode.night.date == date(2026, 3, 9)


@time_machine.travel(datetime(2026, 3, 10, 18, 5, tzinfo=LONDON), tick=False)
def test_it_back_dates_ten_minutes_across_the_start_of_a_night(owner, owner_client):
    owner_client.post(URL, {"ago": "10", "tz": "Europe/London"})
    episode = only_episode(owner)
    assert episode.local_start == datetime(2026, 3, 10, 17, 55, tzinfo=LONDON)
    assert episode.night.date == date(2026, 3, 10)
    assert episode.daytime is True


@time_machine.travel(NOW, tick=False)
def test_it_reads_a_picked_time_later_than_now_as_yesterday(owner, owner_client):
    owner_client.post(URL, {"at": "23:50", "tz": "Europe/London"})
    episode = only_episode(owner)
    assert episode.local_start == datetime(2026, 3, 9, 23, 50, tzinfo=LONDON)
    assert episode.night.date == date(2026, 3, 9)


@time_machine.travel(NOW, tick=False)
def test_it_reads_a_picked_time_earlier_than_now_as_today(owner, owner_client):
    owner_client.post(URL, {"at": "01:15", "tz": "Europe/London"})
    assert only_episode(owner).local_start == datetime(2026, 3, 10, 1, 15, tzinfo=LONDON)


@time_machine.travel(NOW, tick=False)
def test_it_uses_the_zone_the_browser_sends(owner, owner_client):
    owner_client.post(URL, {"at": "04:00", "tz": "America/New_York"})
    episode = only_episode(owner)
    # 03:05 in London is 23:05 on 9 March in New York (summer time from 8 March): 04:00 was that morning.
    assert episode.tz == "America/New_York"
    assert episode.local_start == datetime(2026, 3, 9, 4, 0, tzinfo=ZoneInfo("America/New_York"))


@time_machine.travel(NOW, tick=False)
def test_it_falls_back_to_the_profile_zone_for_an_unknown_zone(owner, owner_client):
    owner_client.post(URL, {"tz": "Mars/Olympus"})
    assert only_episode(owner).tz == "Europe/London"


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_bad_time_and_stores_nothing(owner, owner_client):
    response = owner_client.post(URL, {"at": "25:99"}, follow=True)
    assert Episode.objects.filter(user=owner).count() == 0
    assert "Nothing was logged" in response.content.decode() and "25:99" in response.content.decode()
    response = owner_client.post(URL, {"ago": "-5"}, follow=True)
    assert Episode.objects.filter(user=owner).count() == 0
    assert "minutes from 0 to 1440" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_it_refuses_an_id_that_belongs_to_another_persons_cramp(owner, other_client):
    theirs, _ = log_episode(owner, started_at=datetime(2026, 3, 10, 1, 0, tzinfo=UTC), note="alice")
    response = other_client.post(URL, {"id": str(theirs.pk), "tz": "Europe/London"})
    assert response.status_code == 409
    assert "alice" not in response.content.decode()
    assert Episode.objects.count() == 1
    assert Episode.objects.get().user == owner


def test_it_only_accepts_posts(owner_client):
    assert owner_client.get(URL).status_code == 405


def test_it_sends_an_anonymous_visitor_to_log_in_and_stores_nothing(anon_client):
    response = anon_client.post(URL, {"tz": "Europe/London"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Episode.objects.count() == 0
