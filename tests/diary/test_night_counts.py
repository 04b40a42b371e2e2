"""A night's cramp count and worst severity: derived from its episodes, or entered as a summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from nightcramp.diary.services import log_episode, nights_table, save_night

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_it_counts_night_time_episodes_and_their_worst_severity(owner):
    log_episode(owner, started_at=at(10, 2), severity=4)
    log_episode(owner, started_at=at(10, 4), severity=7)
    log_episode(owner, started_at=at(10, 14), severity=9)  # daytime: filed under 10 March, not counted
    nine, ten = nights_table(owner)
    assert (nine.date, nine.cramps, nine.max_severity) == (date(2026, 3, 9), 2, 7)
    assert (ten.date, ten.cramps, ten.max_severity) == (date(2026, 3, 10), None, None)


@time_machine.travel(NOW, tick=False)
def test_it_knows_a_checked_in_night_without_cramps_had_none(owner):
    save_night(owner, date(2026, 3, 10), checked_in=True, sleep_disruption=0)
    save_night(owner, date(2026, 3, 9), stretched=True)
    nine, ten = nights_table(owner)
    assert nine.cramps is None  # nothing says how many: not recorded
    assert ten.cramps == 0


@time_machine.travel(NOW, tick=False)
def test_it_prefers_a_reported_summary_over_the_logged_episodes(owner):
    log_episode(owner, started_at=at(10, 2), severity=5)
    save_night(owner, date(2026, 3, 9), cramps_reported=3, max_severity_reported=8)
    (row,) = nights_table(owner)
    assert (row.cramps, row.max_severity) == (3, 8)


@time_machine.travel(NOW, tick=False)
def test_it_only_returns_the_persons_own_nights_in_the_period(owner, other):
    save_night(owner, date(2026, 3, 1), checked_in=True)
    save_night(owner, date(2026, 3, 5), checked_in=True, sitting_hours=7.5)
    save_night(other, date(2026, 3, 5), checked_in=True)
    rows = nights_table(owner, start=date(2026, 3, 2), end=date(2026, 3, 31))
    assert [(r.date, r.sitting_hours) for r in rows] == [(date(2026, 3, 5), 7.5)]


@time_machine.travel(NOW, tick=False)
def test_deleting_a_person_removes_every_row_of_theirs_and_nobody_elses(owner, other):
    from nightcramp.diary.models import Episode, Medication, Night, Profile
    from nightcramp.diary.services import save_medication

    for person in (owner, other):
        log_episode(person, started_at=at(10, 2))
        save_night(person, date(2026, 3, 5), checked_in=True)
        save_medication(person, name="atorvastatin")
    owner.delete()
    for model in (Episode, Night, Medication, Profile):
        assert not model.objects.filter(user_id=owner.pk).exists()
        assert model.objects.filter(user=other).exists()
