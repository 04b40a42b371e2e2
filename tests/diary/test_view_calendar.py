"""The month calendar: Monday first, each night's cramp count, links to nights and other months."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from nightcramp.diary.services import log_episode, save_night

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def cell(response, day: date):  # type: ignore[no-untyped-def]
    return next(c for week in response.context["weeks"] for c in week if c["day"] == day)


def link_text(body: str, day: date) -> str:
    """The text of the link to a night, as a screen reader reads it (tags dropped, spaces collapsed)."""
    link = re.search(rf'<a href="{reverse("night", args=[day])}">(.*?)</a>', body, re.S)
    assert link, day
    return " ".join(re.sub(r"<[^>]+>", "", link.group(1)).split())


@time_machine.travel(NOW, tick=False)
def test_it_draws_the_month_monday_first_with_each_nights_count(owner, owner_client):
    log_episode(owner, started_at=datetime(2026, 3, 4, 2, 0, tzinfo=UTC))
    log_episode(owner, started_at=datetime(2026, 3, 4, 3, 0, tzinfo=UTC))
    log_episode(owner, started_at=datetime(2026, 3, 4, 4, 0, tzinfo=UTC))
    save_night(owner, date(2026, 3, 7), checked_in=True)
    response = owner_client.get(reverse("calendar", args=[2026, 3]))
    body = response.content.decode()
    weeks = response.context["weeks"]
    assert weeks[0][0]["day"] == date(2026, 2, 23)  # 1 March 2026 is a Sunday
    assert weeks[-1][-1]["day"] == date(2026, 4, 5)
    assert "<h1>March 2026</h1>" in body and '<abbr title="Monday">Mon</abbr>' in body
    assert cell(response, date(2026, 3, 3))["night"].cramps == 3
    assert cell(response, date(2026, 3, 7))["night"].cramps == 0
    assert cell(response, date(2026, 3, 8))["night"] is None
    # Each night's link reads as a sentence; the visible day and count are part of it (WCAG 2.5.3).
    assert link_text(body, date(2026, 3, 3)) == "Tuesday 3 March: 3 cramps"
    assert link_text(body, date(2026, 3, 7)) == "Saturday 7 March: 0 cramps"
    assert reverse("night", args=[date(2026, 3, 3)]) in body
    assert f'{reverse("checkin")}?night=2026-03-08' in body
    assert "?night=2026-03-20" not in body  # the future has no link
    assert reverse("calendar", args=[2026, 2]) in body and reverse("calendar", args=[2026, 4]) in body


@time_machine.travel(NOW, tick=False)
def test_it_links_across_the_turn_of_the_year(owner_client):
    body = owner_client.get(reverse("calendar", args=[2026, 1])).content.decode()
    assert reverse("calendar", args=[2025, 12]) in body and reverse("calendar", args=[2026, 2]) in body


def test_it_is_404_for_a_month_that_does_not_exist(owner_client):
    assert owner_client.get(reverse("calendar", args=[2026, 13])).status_code == 404
    assert owner_client.get(reverse("calendar", args=[2026, 0])).status_code == 404
    assert owner_client.get(reverse("calendar", args=[99999, 1])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_it_never_shows_another_persons_nights(owner, other_client):
    log_episode(owner, started_at=datetime(2026, 3, 4, 2, 0, tzinfo=UTC))
    response = other_client.get(reverse("calendar", args=[2026, 3]))
    assert cell(response, date(2026, 3, 3))["night"] is None
    assert reverse("night", args=[date(2026, 3, 3)]) not in response.content.decode()


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client):
    response = anon_client.get(reverse("calendar", args=[2026, 3]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
