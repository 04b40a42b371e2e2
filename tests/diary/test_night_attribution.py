"""Night attribution: which night an episode belongs to, at the edges of the clock and the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.nights import NightWindow, localize, offset_name, zone
from nightcramp.diary.services import delete_episode, log_episode, update_episode, update_profile

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
WINDOW = NightWindow()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "night", "night_time"),
    [
        (datetime(2026, 3, 9, 17, 59, 59), date(2026, 3, 9), False),
        (datetime(2026, 3, 9, 18, 0, 0), date(2026, 3, 9), True),
        (datetime(2026, 3, 9, 23, 59, 59), date(2026, 3, 9), True),
        (datetime(2026, 3, 10, 0, 0, 0), date(2026, 3, 9), True),
        (datetime(2026, 3, 10, 3, 12, 0), date(2026, 3, 9), True),
        (datetime(2026, 3, 10, 11, 59, 59), date(2026, 3, 9), True),
        (datetime(2026, 3, 10, 12, 0, 0), date(2026, 3, 10), False),
        (datetime(2026, 1, 1, 2, 0, 0), date(2025, 12, 31), True),
        (datetime(2028, 3, 1, 1, 0, 0), date(2028, 2, 29), True),
    ],
)
def test_it_files_a_local_time_under_the_night_that_began_the_evening_before(local, night, night_time):
    assert WINDOW.night_of(local) == night
    assert WINDOW.is_night_time(local) is night_time


def test_it_honours_a_custom_window():
    window = NightWindow(start_hour=21, end_hour=9)
    assert window.night_of(datetime(2026, 5, 2, 8, 59)) == date(2026, 5, 1)
    assert window.night_of(datetime(2026, 5, 2, 9, 0)) == date(2026, 5, 2)
    assert not window.is_night_time(datetime(2026, 5, 2, 20, 59))
    assert window.is_night_time(datetime(2026, 5, 2, 21, 0))


def test_it_rejects_a_window_that_ends_after_it_begins():
    with pytest.raises(ValueError, match="no later than it begins"):
        NightWindow(start_hour=10, end_hour=14)


@pytest.mark.parametrize(
    ("instant", "zone_name", "night"),
    [
        # Europe/London springs forward at 01:00 UTC on 29 March 2026 (01:00 GMT -> 02:00 BST).
        (utc(2026, 3, 29, 0, 59, 59), "Europe/London", date(2026, 3, 28)),
        (utc(2026, 3, 29, 1, 30), "Europe/London", date(2026, 3, 28)),
        (utc(2026, 3, 29, 10, 59, 59), "Europe/London", date(2026, 3, 28)),  # 11:59:59 BST
        (utc(2026, 3, 29, 11, 0), "Europe/London", date(2026, 3, 29)),  # 12:00 BST: the night is over
        # It falls back at 01:00 UTC on 25 October 2026: 01:30 happens twice, both in one night.
        (utc(2026, 10, 25, 0, 30), "Europe/London", date(2026, 10, 24)),  # 01:30 BST
        (utc(2026, 10, 25, 1, 30), "Europe/London", date(2026, 10, 24)),  # 01:30 GMT
        (utc(2026, 10, 25, 11, 59, 59), "Europe/London", date(2026, 10, 24)),  # 11:59:59 GMT
        # Australia/Sydney (southern hemisphere): clocks go back on 5 April, forward on 4 October 2026.
        (utc(2026, 4, 4, 15, 30), "Australia/Sydney", date(2026, 4, 4)),  # 02:30 AEDT, first time
        (utc(2026, 4, 4, 16, 30), "Australia/Sydney", date(2026, 4, 4)),  # 02:30 AEST, second time
        (utc(2026, 4, 5, 1, 59, 59), "Australia/Sydney", date(2026, 4, 4)),  # 11:59:59 AEST
        (utc(2026, 10, 3, 16, 30), "Australia/Sydney", date(2026, 10, 3)),  # 03:30 AEDT, just after the gap
        (utc(2026, 10, 4, 0, 59, 59), "Australia/Sydney", date(2026, 10, 3)),  # 11:59:59 AEDT
        (utc(2026, 10, 4, 1, 0), "Australia/Sydney", date(2026, 10, 4)),  # 12:00 AEDT
        # A fixed offset, as imported from a file.
        (utc(2026, 7, 1, 22, 30), "+02:00", date(2026, 7, 1)),  # 00:30 on 2 July local
        (utc(2026, 7, 1, 22, 30), "-05:00", date(2026, 7, 1)),  # 17:30 on 1 July: daytime, that evening
    ],
)
def test_it_uses_local_wall_time_across_daylight_saving_in_both_hemispheres(instant, zone_name, night):
    assert WINDOW.night_of(localize(instant, zone_name)) == night


def test_it_reads_fixed_offsets_and_names_them_back():
    assert offset_name(timedelta(hours=-3, minutes=-30)) == "-03:30"
    assert localize(utc(2026, 1, 1, 12), "+05:45").hour == 17
    with pytest.raises(ValueError, match="unknown time zone"):
        zone("Mars/Olympus_Mons")


@given(
    instant=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    zone_name=st.sampled_from(["Europe/London", "Australia/Sydney", "America/New_York", "Asia/Kolkata",
                               "Pacific/Chatham", "America/St_Johns", "+13:00", "-11:00"]),
    hours=st.tuples(st.integers(12, 23), st.integers(0, 12)),
)
def test_it_always_files_an_instant_under_its_own_date_or_the_one_before(instant, zone_name, hours):
    window = NightWindow(*hours)
    local = localize(instant, zone_name)
    night = window.night_of(local)
    if night == local.date():
        assert local.hour >= window.end_hour
    else:
        assert night == local.date() - timedelta(days=1)
        assert local.hour < window.end_hour
        assert window.is_night_time(local)


# --- Through the diary service, with frozen clocks ----------------------------------------------

@pytest.mark.parametrize(
    ("now", "night", "daytime"),
    [
        (datetime(2026, 3, 9, 23, 59, 59, tzinfo=LONDON), date(2026, 3, 9), False),
        (datetime(2026, 3, 10, 0, 0, 0, tzinfo=LONDON), date(2026, 3, 9), False),
        (datetime(2026, 3, 10, 11, 59, 59, tzinfo=LONDON), date(2026, 3, 9), False),
        (datetime(2026, 3, 10, 12, 0, 0, tzinfo=LONDON), date(2026, 3, 10), True),
    ],
)
def test_it_files_a_cramp_logged_now_under_the_right_night(owner, now, night, daytime):
    with time_machine.travel(now, tick=False):
        episode, created = log_episode(owner)
    assert created
    episode.refresh_from_db()
    assert episode.night.date == night
    assert episode.daytime is daytime
    assert episode.started_at == now.astimezone(UTC)
    assert episode.tz == "Europe/London"


def test_it_uses_the_time_zone_in_force_when_travelling(owner):
    """Profile says London; the phone says New York. 15:30 UTC is 11:30 in New York: still last night."""
    with time_machine.travel(utc(2026, 6, 10, 16), tick=False):
        abroad, _ = log_episode(owner, started_at=utc(2026, 6, 10, 15, 30), tz="America/New_York")
        home, _ = log_episode(owner, started_at=utc(2026, 6, 10, 15, 30))
    assert (abroad.night.date, abroad.daytime) == (date(2026, 6, 9), False)
    assert (home.night.date, home.daytime) == (date(2026, 6, 10), True)
    assert abroad.local_start.hour == 11


def test_it_files_back_dated_entries_by_when_they_happened(owner):
    with time_machine.travel(datetime(2026, 3, 12, 9, 0, tzinfo=LONDON), tick=False):
        episode, _ = log_episode(owner, started_at=datetime(2026, 3, 10, 2, 0, tzinfo=LONDON))
    assert episode.night.date == date(2026, 3, 9)


def test_it_refuses_future_and_naive_times_and_writes_nothing(owner):
    with time_machine.travel(utc(2026, 3, 10, 3), tick=False):
        with pytest.raises(ValidationError, match="future"):
            log_episode(owner, started_at=utc(2026, 3, 10, 4))
        with pytest.raises(ValidationError, match="offset"):
            log_episode(owner, started_at=datetime(2026, 3, 10, 2))  # noqa: DTZ001
        with pytest.raises(ValidationError, match="time zone"):
            log_episode(owner, started_at=utc(2026, 3, 10, 2), tz="Nowhere/Special")
    assert not Episode.objects.exists()
    assert not Night.objects.exists()


def test_it_moves_an_episode_to_another_night_and_drops_the_empty_one(owner):
    with time_machine.travel(utc(2026, 3, 12, 9), tick=False):
        episode, _ = log_episode(owner, started_at=utc(2026, 3, 10, 2))
        update_episode(episode, started_at=utc(2026, 3, 11, 3))
    episode.refresh_from_db()
    assert episode.night.date == date(2026, 3, 10)
    assert list(Night.objects.values_list("date", flat=True)) == [date(2026, 3, 10)]


def test_it_keeps_a_night_that_has_a_check_in_when_its_last_episode_goes(owner):
    with time_machine.travel(utc(2026, 3, 12, 9), tick=False):
        episode, _ = log_episode(owner, started_at=utc(2026, 3, 10, 2))
        Night.objects.filter(pk=episode.night_id).update(stretched=True)
        delete_episode(episode)
    assert Night.objects.get().stretched is True


def test_it_files_episodes_again_when_the_night_hours_change(owner):
    with time_machine.travel(utc(2026, 3, 12, 9), tick=False):
        episode, _ = log_episode(owner, started_at=utc(2026, 3, 10, 10, 30))  # 10:30 GMT
        assert episode.night.date == date(2026, 3, 9)
        update_profile(owner.profile, night_start_hour=21, night_end_hour=9)
    episode.refresh_from_db()
    assert (episode.night.date, episode.daytime) == (date(2026, 3, 10), True)
    assert not Night.objects.filter(date=date(2026, 3, 9)).exists()


def test_it_returns_the_stored_episode_for_a_repeated_client_id(owner):
    with time_machine.travel(utc(2026, 3, 10, 3), tick=False):
        first, created = log_episode(owner, id=None)
        again, created_again = log_episode(owner, id=first.id, severity=9)
    assert created and not created_again
    assert again.pk == first.pk
    assert Episode.objects.count() == 1
    assert Episode.objects.get().severity is None
