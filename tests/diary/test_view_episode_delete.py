"""Deleting a cramp: confirm first (works without JavaScript), then delete on POST."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def episode(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return log_episode(owner, started_at=datetime(2026, 3, 11, 3, 10, tzinfo=UTC))[0]


def url(episode: Episode) -> str:
    return reverse("episode_delete", args=[episode.pk])


@time_machine.travel(NOW, tick=False)
def test_it_asks_before_deleting(owner_client, episode):
    response = owner_client.get(url(episode))
    assert response.status_code == 200
    assert "Delete this cramp?" in response.content.decode()
    assert Episode.objects.filter(pk=episode.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_it_deletes_and_goes_to_history_when_the_night_is_left_empty(owner, owner_client, episode):
    response = owner_client.post(url(episode), follow=True)
    assert response.redirect_chain[-1][0] == reverse("history")
    assert "The cramp at 03:10 on 11 March was deleted." in response.content.decode()
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert not Night.objects.filter(user=owner).exists()


@time_machine.travel(NOW, tick=False)
def test_it_goes_back_to_the_night_when_it_still_holds_something(owner, owner_client, episode):
    log_episode(owner, started_at=datetime(2026, 3, 11, 4, 0, tzinfo=UTC))
    response = owner_client.post(url(episode))
    assert response["Location"] == reverse("night", args=[date(2026, 3, 10)])
    assert Episode.objects.filter(user=owner).count() == 1


@time_machine.travel(NOW, tick=False)
def test_it_is_404_for_another_person_who_cannot_delete_it(other_client, episode):
    assert other_client.get(url(episode)).status_code == 404
    assert other_client.post(url(episode)).status_code == 404
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_it_sends_an_anonymous_visitor_to_log_in(anon_client, episode):
    response = anon_client.post(url(episode))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Episode.objects.filter(pk=episode.pk).exists()
