"""Watching the diary: the notices on Tonight and History, read from a real database.

The sums are tested without Django in test_diary_derive.py; these tests cover the glue: the diary slice
that nightcramp.screening.watch reads, the notices the two pages show, and that one person's diary
never raises or shows a notice for another.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from nightcramp.diary.services import log_episode, nights_with_episodes, save_medication, save_night
from nightcramp.screening import watch
from nightcramp.screening.services import save_screening
from tests.conftest import make_user
from tests.screening.helpers import negative_answers

# 03:05 on a July night in London (02:05 UTC); the night is that of Thursday 9 July 2026.
NOW = datetime(2026, 7, 10, 2, 5, tzinfo=UTC)
TODAY = date(2026, 7, 10)
pytestmark = pytest.mark.django_db


def at_night(day: date, hour: int = 1) -> datetime:
    """01:00 UTC the morning after ``day``'s evening: inside the night of ``day`` in London."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) + timedelta(days=1)


def pages(client) -> list[str]:  # type: ignore[no-untyped-def]
    return [client.get(reverse(name)).content.decode() for name in ("tonight", "history")]


def a_rise(user, last: date) -> None:  # type: ignore[no-untyped-def]
    """84 checked-in nights up to ``last``: 56 with 4 cramps between them, then 28 with 14."""
    days = [last - timedelta(days=83 - i) for i in range(84)]
    for i, day in enumerate(days):
        save_night(user, day, checked_in=True)
        recent = i >= 56
        if (recent and i % 2 == 0) or (not recent and i % 14 == 0):
            log_episode(user, started_at=at_night(day), muscle="calf")


NOT_EASED = {"relief": "stretch", "relief_helped": False}
"""What the relief flow stores for "nothing helped: it stopped by itself"."""


@time_machine.travel(NOW, tick=False)
def test_last_nights_long_unrelieved_cramp_raises_a_same_day_notice_on_both_pages(owner, owner_client):
    log_episode(owner, started_at=at_night(date(2026, 7, 9)), duration_s=12 * 60, muscle="calf", **NOT_EASED)
    for body in pages(owner_client):
        assert "Your diary shows something to check" in body
        assert "Get medical advice today" in body
        assert "A cramp that lasts more than 10 minutes and does not ease" in body
        assert "a cramp of 12 minutes on 10 July that did not ease with stretching" in body
        assert "<strong>Sources:</strong> <cite>" in body
    (notice,) = watch.notices(owner, TODAY)
    assert notice.finding.rule == "cramp_over_10_minutes" and notice.finding.urgency == "same_day"
    assert notice.because == ("a cramp of 12 minutes on 10 July that did not ease with stretching",)


@time_machine.travel(NOW, tick=False)
def test_an_older_long_cramp_says_see_a_doctor_soon_not_today(owner, owner_client):
    log_episode(owner, started_at=at_night(date(2026, 7, 6)), duration_s=12 * 60, muscle="calf", **NOT_EASED)
    (notice,) = watch.notices(owner, TODAY)
    assert (notice.finding.rule, notice.finding.urgency) == ("long_cramp_in_diary", "soon")
    assert notice.because == ("a cramp of 12 minutes on 7 July that did not ease with stretching",)
    for body in pages(owner_client):
        assert "See a doctor within about two weeks" in body
        assert "Get medical advice today" not in body


@time_machine.travel(NOW, tick=False)
def test_a_ten_minute_cramp_an_eased_long_one_or_an_empty_diary_shows_no_notice(owner, owner_client):
    for body in pages(owner_client):
        assert "Your diary shows something to check" not in body
    log_episode(owner, started_at=at_night(date(2026, 7, 9)), duration_s=600, **NOT_EASED)
    log_episode(owner, started_at=at_night(date(2026, 7, 8)), duration_s=25 * 60, relief="stretch",
                relief_helped=True)
    log_episode(owner, started_at=at_night(date(2026, 7, 7)), duration_s=25 * 60)
    for body in pages(owner_client):
        assert "Your diary shows something to check" not in body
    assert watch.notices(owner, TODAY) == []


@time_machine.travel(NOW, tick=False)
def test_a_notice_goes_away_once_the_cramp_is_older_than_ninety_nights(owner):
    log_episode(owner, started_at=at_night(TODAY - timedelta(days=90)), duration_s=900, **NOT_EASED)
    assert watch.notices(owner, TODAY) == []
    log_episode(owner, started_at=at_night(TODAY - timedelta(days=89)), duration_s=900, relief="walk",
                relief_helped=False)
    (notice,) = watch.notices(owner, TODAY)
    # filed under the night of 12 April, and named by the day it happened (02:00 on the 13th)
    assert notice.because == ("a cramp logged as lasting over 10 minutes on 13 April that did not ease with "
                              "standing and walking",)


@time_machine.travel(NOW, tick=False)
def test_what_the_health_check_already_said_is_not_repeated(owner, owner_client):
    log_episode(owner, started_at=at_night(date(2026, 7, 9)), duration_s=15 * 60, **NOT_EASED)
    answers = negative_answers()
    answers["symptoms"]["cramp_over_10_min_despite_stretching"] = True
    save_screening(owner, answers)
    assert watch.notices(owner, TODAY) == []
    for body in pages(owner_client):
        assert "Your diary shows something to check" not in body


@time_machine.travel(NOW, tick=False)
def test_cramps_often_outside_the_calf_and_foot_raise_a_soon_notice(owner, owner_client):
    for days_ago, muscle in ((3, "calf"), (5, "hamstring"), (8, "quadriceps"), (12, "foot")):
        log_episode(owner, started_at=at_night(TODAY - timedelta(days=days_ago)), muscle=muscle)
    (notice,) = watch.notices(owner, TODAY)
    assert notice.finding.rule == "cramps_elsewhere_or_by_day" and notice.finding.urgency == "soon"
    assert notice.because == (
        "50% of cramps outside the calf and foot in the last 90 days (2 of the 4 with a muscle noted)",)
    body = owner_client.get(reverse("tonight")).content.decode()
    assert "See a doctor within about two weeks" in body
    assert "Cramps in other muscles or during the day" in body


@time_machine.travel(NOW, tick=False)
def test_a_clear_rise_after_a_new_medicine_raises_both_notices(owner, owner_client):
    a_rise(owner, date(2026, 7, 8))
    save_medication(owner, name="Bendroflumethiazide 2.5 mg", started=date(2026, 3, 2))
    save_medication(owner, name="Paracetamol", started=date(2026, 1, 1))
    rules = {n.finding.rule: n for n in watch.notices(owner, TODAY)}
    assert set(rules) == {"medicine_started_before_cramps", "cramps_more_frequent"}
    (rise_why,) = rules["cramps_more_frequent"].because
    assert rise_why == (
        "7 times as many cramps a night in your last 28 logged nights (from 11 June: 14 cramps) as in the 56 "
        "logged nights before them (4 cramps)")
    med_why = rules["medicine_started_before_cramps"].because
    assert med_why == ("Bendroflumethiazide 2.5 mg (on your medicines list), started 2 March, in the year "
                       "before your cramps became more frequent (from 11 June)",)
    assert not any("Paracetamol" in w for w in med_why)
    body = owner_client.get(reverse("history")).content.decode()
    assert "Bendroflumethiazide" in body and "Do not stop or change a prescribed medicine" in body


@time_machine.travel(NOW, tick=False)
def test_one_persons_diary_never_raises_or_shows_a_notice_for_another(  # type: ignore[no-untyped-def]
        owner, other, owner_client, other_client):
    a_rise(other, date(2026, 7, 8))
    log_episode(other, started_at=at_night(date(2026, 7, 9)), duration_s=20 * 60, muscle="hamstring",
                **NOT_EASED)
    save_medication(other, name="Salmeterol secret-inhaler", started=date(2026, 4, 1))
    assert watch.notices(owner, TODAY) == []
    for body in pages(owner_client):
        assert "Your diary shows something to check" not in body and "secret-inhaler" not in body
    assert {n.finding.rule for n in watch.notices(other, TODAY)} >= {"cramp_over_10_minutes"}
    log_episode(owner, started_at=at_night(date(2026, 7, 7)), duration_s=11 * 60, **NOT_EASED)
    for body in pages(owner_client):
        assert "a cramp of 11 minutes on 8 July that did not ease with stretching" in body
        assert "20 minutes" not in body and "secret-inhaler" not in body and "hamstring" not in body.lower()


@time_machine.travel(NOW, tick=False)
def test_the_notices_read_a_fixed_number_of_queries_however_long_the_diary(  # type: ignore[no-untyped-def]
        owner, django_assert_max_num_queries):
    a_rise(owner, date(2026, 7, 8))
    save_medication(owner, name="Salmeterol", started=date(2026, 4, 1))
    # The diary's nights, its medicines, the latest answers, and the person's country (for the words).
    with django_assert_max_num_queries(4):
        assert watch.notices(owner, TODAY)


class TestTheWatchCountsNightsAsTheDiaryDoes(HypothesisTestCase):
    """watch._cramps must count a night exactly as Night.cramps does, or a rise could appear that the
    diary does not show."""

    @settings(max_examples=40, deadline=None)
    @given(nights=st.lists(st.tuples(
        st.integers(0, 5),                       # night cramps logged one by one
        st.integers(0, 2),                       # cramps by day, filed under the night
        st.one_of(st.none(), st.integers(0, 9)),  # a summary count
        st.booleans(),                           # checked in
    ), min_size=1, max_size=6))
    def test_every_kind_of_night(self, nights: list[tuple[int, int, int | None, bool]]) -> None:
        with time_machine.travel(NOW, tick=False):
            user = make_user(f"h-{uuid.uuid4().hex[:12]}")
            for offset, (at_night_count, by_day, reported, checked_in) in enumerate(nights):
                day = TODAY - timedelta(days=offset + 2)
                for i in range(at_night_count):
                    log_episode(user, started_at=at_night(day) + timedelta(minutes=i))
                for i in range(by_day):  # 14:00 local (13:00 UTC) the day after: outside the night hours
                    log_episode(user, started_at=at_night(day) + timedelta(hours=12, minutes=i))
                if reported is not None or checked_in:
                    save_night(user, day, checked_in=checked_in, cramps_reported=reported)
            _, facts, _ = watch.diary_records(user, TODAY)
            counted = {f.date: f.cramps for f in facts}
            stored = {n.date: n.cramps for n in nights_with_episodes(user)}
            assert counted == stored
