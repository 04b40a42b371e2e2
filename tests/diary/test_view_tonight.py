"""The Tonight page: the big button, back-dating, and the cramps logged so far tonight."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from nightcramp.diary.services import log_episode

# 03:05 on a July night in London is 02:05 UTC: times must show in the person's zone.
NOW = datetime(2026, 7, 10, 2, 5, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_it_offers_the_button_and_the_ways_to_back_date(owner_client):
    response = owner_client.get(reverse("tonight"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="cramp-now"' in body and "Cramp now" in body
    assert f'action="{reverse("episode_now")}"' in body and 'hx-post="' in body
    assert 'name="ago" value="10"' in body and 'name="ago" value="30"' in body
    assert 'type="time"' in body and 'name="at"' in body and 'name="tz"' in body and 'name="id"' in body
    assert "night of Thursday 9 July" in body
    assert reverse("checkin") in body
    assert response.context["nav"] == "tonight"


@time_machine.travel(NOW, tick=False)
def test_it_lists_tonights_cramps_in_local_time_with_links_to_edit(owner, owner_client):
    earlier, _ = log_episode(owner, started_at=datetime(2026, 7, 9, 23, 40, tzinfo=UTC), severity=6)
    log_episode(owner, started_at=datetime(2026, 7, 9, 9, 0, tzinfo=UTC))  # the night before: not shown
    body = owner_client.get(reverse("tonight")).content.decode()
    assert ">00:40</time>" in body  # 23:40 UTC is 00:40 in London in summer
    assert "severity 6/10" in body
    assert reverse("episode_edit", args=[earlier.pk]) in body
    assert "10:00" not in body


@time_machine.travel(NOW, tick=False)
def test_it_lists_tonights_cramps_without_a_query_per_cramp(owner, owner_client,
                                                            django_assert_max_num_queries):
    for minute in range(5):
        log_episode(owner, started_at=datetime(2026, 7, 9, 23, minute, tzinfo=UTC))
    owner_client.get(reverse("tonight"))  # warm the session
    with django_assert_max_num_queries(11):  # a fixed number, whatever the count of cramps
        body = owner_client.get(reverse("tonight")).content.decode()
    assert body.count('href="/episodes/') == 5


@time_machine.travel(NOW, tick=False)
def test_it_never_shows_another_persons_cramps(owner, other_client, other):
    log_episode(owner, started_at=datetime(2026, 7, 10, 1, 0, tzinfo=UTC), note="alice's")
    body = other_client.get(reverse("tonight")).content.decode()
    assert "No cramps logged tonight" in body
    assert "alice's" not in body


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client):
    response = anon_client.get(reverse("tonight"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_reads_the_profile_once_per_request(owner_client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    # session, user, profile (shared by the page and the theme), tonight's episodes; then the diary
    # notices (nightcramp.screening.watch): the last 182 nights with their cramps, the medicines, and
    # the latest health-check answers (read only when the diary shows something); the nights stretched
    # lately (nightcramp.care.services.adherence); the reminder settings (nightcramp.care.context); a
    # running personal experiment (tonight's assignment); the latest health check (an urgent result not
    # yet marked seen) and whether a check-in was ever saved (the first-night guide; screening.tonight)
    with django_assert_max_num_queries(11):
        assert owner_client.get(reverse("tonight")).status_code == 200
