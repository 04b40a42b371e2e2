"""Deleting a night and every cramp filed under it: confirm first, then delete on POST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode, save_night

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)
URL = reverse("night_delete", args=[DAY])


@pytest.fixture
def night(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        log_episode(owner, started_at=datetime(2026, 3, 11, 2, 0, tzinfo=UTC))
        log_episode(owner, started_at=datetime(2026, 3, 11, 3, 0, tzinfo=UTC))
        return save_night(owner, DAY, checked_in=True)


@time_machine.travel(NOW, tick=False)
def test_it_asks_first_and_says_what_goes(owner_client, night):
    body = owner_client.get(URL).content.decode()
    assert "Delete the night of Tuesday 10 March 2026?" in body and "2 logged cramps" in body
    assert Night.objects.filter(pk=night.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_it_deletes_the_night_and_its_cramps(owner, owner_client, night):
    response = owner_client.post(URL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("history")
    message = "The night of Tuesday 10 March 2026 and its 2 logged cramps were deleted."
    assert message in response.content.decode()
    assert not Night.objects.filter(user=owner).exists()
    assert not Episode.objects.filter(user=owner).exists()


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_delete_it(owner, other_client, night):
    assert other_client.get(URL).status_code == 404
    assert other_client.post(URL).status_code == 404
    assert Night.objects.filter(pk=night.pk).exists() and Episode.objects.filter(user=owner).count() == 2


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, night):
    response = anon_client.post(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Night.objects.filter(pk=night.pk).exists()
