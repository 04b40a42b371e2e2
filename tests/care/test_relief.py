"""The relief page as the server sends it: guidance for every muscle (readable without JavaScript), the
same-day rule for a cramp over 10 minutes, the cramp from "Cramp now" when it is given, and the recent
cramp the page asks about when it is opened on its own.

The flow itself (timing, escalation, saving what helped, one entry per cramp, one screen per step) runs
in tests/browser/test_care_flow.py and tests/browser/test_relief_flow.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from nightcramp.care.relief import RECENT_MINUTES
from nightcramp.diary.services import log_episode, update_episode
from nightcramp.knowledge import load
from nightcramp.knowledge.care import load_care

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 7, 10, 2, 5, tzinfo=UTC)


def test_every_muscle_has_its_stretch_and_the_walk_with_sources(owner_client):
    body = owner_client.get(reverse("relief")).content.decode()
    care = load_care()
    for relief in care.relief.values():
        assert f'data-muscle="{relief.muscle}"' in body and escape(relief.how) in body
    assert escape(care.walk.how) in body and "NICE CKS, Leg cramps" in body
    assert body.count("<svg") == 4  # calf, foot, back and front of the thigh, drawn inline
    assert 'data-episode=""' in body  # the page logs a new cramp itself


def test_the_long_cramp_warning_is_the_screening_rule_with_its_sources(owner_client):
    body = owner_client.get(reverse("relief")).content.decode()
    rule = load().rule("cramp_over_10_minutes")
    assert rule.tier == "same_day" and escape(rule.title) in body and escape(rule.advice) in body
    for source_id in rule.sources:
        assert escape(load().sources[source_id].citation) in body
    assert 'data-long-seconds="600"' in body


@time_machine.travel(NOW, tick=False)
def test_a_cramp_from_cramp_now_is_carried_into_the_flow(owner, owner_client, other_client):
    episode, _ = log_episode(owner, started_at=datetime(2026, 7, 10, 2, 1, tzinfo=UTC))
    body = owner_client.get(reverse("relief_episode", args=[episode.pk])).content.decode()
    assert f'data-episode="{episode.pk}"' in body and 'data-started="2026-07-10T02:01:00+00:00"' in body
    assert "since the cramp began <span data-began>(03:01)</span>" in body
    assert other_client.get(reverse("relief_episode", args=[episode.pk])).status_code == 404
    details = owner_client.post(reverse("episode_now"), {"id": str(episode.pk)}, HTTP_HX_REQUEST="true")
    assert reverse("relief_episode", args=[episode.pk]) in details.content.decode()


def attr(body: str, name: str) -> str:
    return body.split(f'{name}="', 1)[1].split('"', 1)[0]


@time_machine.travel(NOW, tick=False)
def test_opened_on_its_own_it_names_the_latest_cramp_begun_within_the_window_and_not_yet_timed(
        owner, owner_client, other):
    assert RECENT_MINUTES == 30
    log_episode(other, started_at=NOW - timedelta(minutes=1))  # someone else's: never offered
    assert attr(owner_client.get(reverse("relief")).content.decode(), "data-recent") == ""
    log_episode(owner, started_at=NOW - timedelta(minutes=31))  # too long ago
    assert attr(owner_client.get(reverse("relief")).content.decode(), "data-recent") == ""
    older, _ = log_episode(owner, started_at=NOW - timedelta(minutes=20))
    latest, _ = log_episode(owner, started_at=NOW - timedelta(minutes=4))
    body = owner_client.get(reverse("relief")).content.decode()
    assert attr(body, "data-recent") == str(latest.pk)
    assert attr(body, "data-recent-started") == "2026-07-10T02:01:00+00:00"
    assert attr(body, "data-recent-seconds") == "1800"
    update_episode(latest, duration_s=90)  # timed to its end: over, so not this one
    assert attr(owner_client.get(reverse("relief")).content.decode(), "data-recent") == str(older.pk)


def test_the_end_repeats_the_rules_own_advice_and_only_where_the_page_shows_it_when_nothing_eased(
        owner_client):
    body = owner_client.get(reverse("relief")).content.decode()
    rule = load().rule("cramp_over_10_minutes")
    end = body.split("data-saved-advice", 1)[1].split("</div>", 1)[0]
    assert " hidden>" in end.split("\n", 1)[0] and escape(rule.advice) in end
    script = (Path(__file__).parents[2] / "nightcramp/static/nightcramp/js/relief.js").read_text()
    strings = re.findall(r'"[^"\n]*"', script)
    assert not [t for t in strings if "medical" in t]  # the words come from the rule, not from the script
