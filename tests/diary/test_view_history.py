"""History: the person's nights, newest first, thirty to a page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.urls import reverse

from nightcramp.diary.services import log_episode, save_night

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
URL = reverse("history")


@time_machine.travel(NOW, tick=False)
def test_it_lists_nights_newest_first_with_their_facts(owner, owner_client):
    log_episode(owner, started_at=datetime(2026, 3, 11, 2, 0, tzinfo=UTC), severity=7)
    log_episode(owner, started_at=datetime(2026, 3, 11, 4, 0, tzinfo=UTC), severity=3)
    save_night(owner, date(2026, 3, 10), checked_in=True, stretched=True)
    save_night(owner, date(2026, 3, 2), cramps_reported=1)
    response = owner_client.get(URL)
    body = response.content.decode()
    assert response.context["nav"] == "history"
    assert [n.date.day for n in response.context["page"]] == [10, 2]
    assert body.index("Tue 10 Mar 2026") < body.index("Mon 2 Mar 2026")
    assert '<span class="badge some">2</span>' in body and "worst 7/10" in body
    assert "✓ stretched" in body and "☀ checked in" in body
    assert reverse("night", args=[date(2026, 3, 2)]) in body
    assert reverse("calendar", args=[2026, 3]) in body


@time_machine.travel(NOW, tick=False)
def test_it_pages_thirty_nights_at_a_time_without_a_query_per_night(owner, owner_client,
                                                                   django_assert_max_num_queries):
    for back in range(35):
        log_episode(owner, started_at=NOW - timedelta(days=back, hours=6))
    owner_client.get(URL)
    with django_assert_max_num_queries(9):  # the diary notices and the reminder settings among them
        first = owner_client.get(URL)
    assert len(first.context["page"]) == 30
    assert first.context["page"][0].date == date(2026, 3, 11)
    assert "Page 1 of 2" in first.content.decode() and "?page=2" in first.content.decode()
    second = owner_client.get(URL, {"page": "2"})
    expected = [date(2026, 2, 9) - timedelta(days=i) for i in range(5)]
    assert [n.date for n in second.context["page"]] == expected
    assert owner_client.get(URL, {"page": "junk"}).context["page"].number == 1


@time_machine.travel(NOW, tick=False)
def test_it_never_lists_another_persons_nights(owner, other_client):
    save_night(owner, date(2026, 3, 10), note="alice's")
    response = other_client.get(URL)
    assert len(response.context["page"]) == 0
    assert "Nothing logged yet" in response.content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
