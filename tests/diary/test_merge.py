"""One cramp logged twice: the check-in points out two cramps begun minutes apart, and joining them keeps
what both entries say (services.merge_episodes), atomically and only for the person's own entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from nightcramp.diary import services
from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import MERGE_WINDOW, close_pairs, log_episode, merge_episodes

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 10, 6, 30, tzinfo=UTC)  # 07:30 in London, the morning after
AT_0310 = datetime(2026, 7, 10, 2, 10, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return AT_0310 + timedelta(minutes=minutes)


@time_machine.travel(NOW, tick=False)
def test_joining_keeps_the_details_of_both_and_the_earliest_start(owner):
    first, _ = log_episode(owner, started_at=at(0), leg="left", severity=4, woke=True, note="Woke me.")
    second, _ = log_episode(owner, started_at=at(2), duration_s=5 * 60, leg="right", muscle="calf",
                            severity=7, relief="stretch", relief_helped=True, note="Stretched it.")
    merged = merge_episodes(owner, second.pk, first.pk)  # either order
    assert merged.pk == first.pk and merged.started_at == at(0)
    assert not Episode.objects.filter(pk=second.pk).exists()
    merged.refresh_from_db()
    assert merged.duration_s == 7 * 60  # from 03:10 to the end of the second entry, 03:17
    assert (merged.leg, merged.muscle, merged.severity, merged.woke) == ("both", "calf", 7, True)
    assert (merged.relief, merged.relief_helped) == ("stretch", True)
    assert merged.note == "Woke me.\n\nStretched it."
    assert Episode.objects.filter(user=owner).count() == 1


@time_machine.travel(NOW, tick=False)
def test_what_does_not_fit_one_field_is_written_into_the_note(owner):
    first, _ = log_episode(owner, started_at=at(0), duration_s=3 * 60, muscle="calf", relief="walk",
                           relief_helped=True)
    second, _ = log_episode(owner, started_at=at(1), duration_s=60, muscle="foot", relief="massage",
                            relief_helped=False)
    merged = merge_episodes(owner, first.pk, second.pk)
    assert merged.duration_s == 3 * 60  # the first ends later (03:13) than the second (03:12)
    assert (merged.muscle, merged.relief, merged.relief_helped) == ("calf", "walk", True)
    assert merged.note == "Joined with the entry at 03:11: also the foot; massage, it did not help."


@time_machine.travel(NOW, tick=False)
def test_without_any_duration_the_joined_entry_has_none_and_the_later_relief_is_kept(owner):
    first, _ = log_episode(owner, started_at=at(0), relief="stretch", relief_helped=False)
    second, _ = log_episode(owner, started_at=at(4), relief="walk", relief_helped=False)
    merged = merge_episodes(owner, first.pk, second.pk)
    assert merged.duration_s is None and (merged.relief, merged.relief_helped) == ("walk", False)
    assert "stretched the muscle, it did not help" in merged.note


@time_machine.travel(NOW, tick=False)
def test_only_the_persons_own_entries_within_the_window_can_be_joined(owner, other):
    mine, _ = log_episode(owner, started_at=at(0))
    theirs, _ = log_episode(other, started_at=at(1))
    with pytest.raises(Episode.DoesNotExist):
        merge_episodes(owner, mine.pk, theirs.pk)
    with pytest.raises(Episode.DoesNotExist):
        merge_episodes(owner, mine.pk, mine.pk)
    later, _ = log_episode(owner, started_at=at(16))
    with pytest.raises(ValidationError):
        merge_episodes(owner, mine.pk, later.pk)
    assert Episode.objects.filter(user=owner).count() == 2 and Episode.objects.filter(user=other).count() == 1


@time_machine.travel(NOW, tick=False)
def test_joining_is_all_or_nothing(owner):
    first, _ = log_episode(owner, started_at=at(0), severity=3)
    second, _ = log_episode(owner, started_at=at(2), severity=8)
    # A row that no longer passes validation (written around the services): the join fails at its last
    # step, after the second entry was deleted, and must leave both as they were.
    Episode.objects.filter(pk=first.pk).update(tz="Nowhere/Atlantis")
    with pytest.raises(ValidationError):
        merge_episodes(owner, first.pk, second.pk)
    assert Episode.objects.filter(user=owner).count() == 2
    first.refresh_from_db()
    assert first.severity == 3


def test_close_pairs_are_neighbours_within_the_window_each_cramp_in_one_pair(owner):
    with time_machine.travel(NOW, tick=False):
        a, _ = log_episode(owner, started_at=at(0))
        b, _ = log_episode(owner, started_at=at(3))
        c, _ = log_episode(owner, started_at=at(6))
        d, _ = log_episode(owner, started_at=at(6) + MERGE_WINDOW + timedelta(seconds=1))
    assert close_pairs([d, c, b, a]) == [(a, b)]
    assert close_pairs([b, c]) == [(b, c)]
    assert close_pairs([c, d]) == []


@time_machine.travel(NOW, tick=False)
def test_the_checkin_offers_to_join_two_cramps_minutes_apart_and_does_it(owner, owner_client, other_client):
    first, _ = log_episode(owner, started_at=at(0))
    second, _ = log_episode(owner, started_at=at(2), muscle="calf", duration_s=120)
    log_episode(owner, started_at=at(90))  # an hour and a half later: another cramp
    page = owner_client.get(reverse("checkin")).content.decode()
    assert "The cramps at 03:10 and\n      03:12 were logged 2 minutes apart." in page
    assert page.count("Make them one entry") == 1
    url = reverse("checkin_merge", args=[first.night.date])

    data = {"first": str(first.pk), "second": str(second.pk)}
    assert other_client.post(url, data).status_code == 404  # not theirs
    assert owner_client.post(url, {"first": "nonsense", "second": str(second.pk)}).status_code == 404
    assert owner_client.get(url).status_code == 405

    response = owner_client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('checkin')}?night=2026-07-09"
    body = response.content.decode()
    assert "The cramps at 03:10 and 03:12 are now one entry, from 03:10." in body
    assert "Make them one entry" not in body
    assert Episode.objects.filter(user=owner).count() == 2
    merged = Episode.objects.get(pk=first.pk)
    assert (merged.muscle, merged.duration_s) == ("calf", 240)
    assert Night.objects.get(user=owner).derived_cramps() == 2
    assert services.close_pairs(list(Episode.objects.filter(user=owner))) == []
