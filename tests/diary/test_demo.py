"""The demo account: a clearly synthetic, realistic year of nights, made the same way from a seed."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from nightcramp.diary.csvio import export_files, export_to_dir, import_paths
from nightcramp.diary.demo import DISPLAY_NAME, create_demo, plan_year, season
from nightcramp.diary.models import Episode, Medication, Night
from nightcramp.diary.nights import localize
from tests.conftest import make_user

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LAST_NIGHT = date(2026, 11, 24)
FIRST_NIGHT = LAST_NIGHT - timedelta(days=364)
EPISODES_FROM = LAST_NIGHT - timedelta(days=121)
pytestmark = pytest.mark.django_db


def cramps_by_night(user) -> dict[date, int]:  # type: ignore[no-untyped-def]
    return {n.date: n.cramps for n in Night.objects.filter(user=user).prefetch_related("episodes")
            if n.cramps is not None}


def test_it_makes_a_clearly_synthetic_account_that_can_log_in(demo):
    profile = demo.profile
    assert (profile.display_name, profile.time_zone, profile.hemisphere) == (
        DISPLAY_NAME, "Europe/London", "north")
    assert demo.check_password("demo-nights")
    first = Night.objects.filter(user=demo).order_by("date").first()
    assert "Synthetic demo data" in first.note
    assert all("Synthetic demo entry" in m.note for m in Medication.objects.filter(user=demo))


def test_it_holds_a_year_ending_last_night_with_some_nights_not_recorded(demo):
    dates = set(Night.objects.filter(user=demo).values_list("date", flat=True))
    assert min(dates) >= FIRST_NIGHT and max(dates) == LAST_NIGHT
    missing = 365 - len(dates)
    assert 15 <= missing <= 50
    checked = Night.objects.filter(user=demo, sitting_hours__isnull=False, exercise_minutes__isnull=False,
                                   alcohol_units__isnull=False).count()
    assert checked / len(dates) > 0.7  # a check-in with sitting, exercise and alcohol on most nights


def test_it_logs_the_last_four_months_cramp_by_cramp_and_older_nights_as_summaries(demo):
    older = Night.objects.filter(user=demo, date__lt=EPISODES_FROM)
    assert not Episode.objects.filter(user=demo, night__date__lt=EPISODES_FROM).exists()
    assert all(n.cramps_reported is not None for n in older)
    recent = Night.objects.filter(user=demo, date__gte=EPISODES_FROM)
    assert all(n.cramps_reported is None and n.max_severity_reported is None for n in recent)
    assert Episode.objects.filter(user=demo).count() > 60


def test_its_episodes_happen_mostly_between_one_and_five_across_the_clock_change(demo):
    episodes = list(Episode.objects.filter(user=demo))
    local = [localize(e.started_at, e.tz) for e in episodes]
    assert sum(1 <= t.hour < 5 for t in local) / len(local) > 0.6
    assert {t.utcoffset() for t in local} == {timedelta(hours=1), timedelta(0)}  # summer time ended 25 Oct
    for episode, start in zip(episodes, local, strict=True):
        assert (episode.night.date, episode.daytime) == ((start - timedelta(hours=12)).date(), False)
    assert sum(e.muscle == "calf" for e in episodes) / len(episodes) > 0.6
    assert len({e.severity for e in episodes}) >= 5 and len({e.relief for e in episodes}) >= 3
    assert all(0 < e.duration_s <= 1500 for e in episodes)
    assert statistics.median(e.duration_s for e in episodes) < 600


def test_its_seasonal_rate_peaks_in_july_at_about_twice_the_winter_rate():
    assert season(date(2026, 7, 15)) / season(date(2026, 1, 14)) == pytest.approx(2.0, abs=0.05)
    assert season(date(2026, 1, 14), "south") == pytest.approx(season(date(2026, 7, 15)), abs=0.01)


def test_its_nights_vary_more_than_chance_and_follow_the_seasons(demo):
    counts = cramps_by_night(demo)
    values = list(counts.values())
    assert statistics.variance(values) / statistics.mean(values) > 1.2  # overdispersed
    summer = [c for d, c in counts.items() if d.month in (6, 7, 8)]
    winter = [c for d, c in counts.items() if d.month in (12, 1, 2)]
    assert statistics.mean(summer) > 1.5 * statistics.mean(winter)


def test_it_takes_up_stretching_partway_with_realistic_adherence(demo):
    nights = list(Night.objects.filter(user=demo, stretched__isnull=False).order_by("date"))
    early, late = nights[: len(nights) // 3], nights[-len(nights) // 3:]
    assert sum(n.stretched for n in early) / len(early) < 0.1
    assert 0.55 < sum(n.stretched for n in late) / len(late) < 0.85


def test_it_stores_the_medication_changes(demo):
    medications = {m.name.split(" ")[0]: m for m in Medication.objects.filter(user=demo)}
    statin, diuretic = medications["Atorvastatin"], medications["Indapamide"]
    magnesium = medications["Magnesium"]
    assert statin.started < FIRST_NIGHT and statin.stopped is None
    assert FIRST_NIGHT + timedelta(days=60) < diuretic.started < LAST_NIGHT - timedelta(days=60)
    assert "thiazide" in diuretic.name
    assert FIRST_NIGHT < magnesium.stopped < LAST_NIGHT


def test_the_same_seed_makes_the_same_year_and_another_seed_another():
    assert plan_year(7, LAST_NIGHT) == plan_year(7, LAST_NIGHT)
    assert plan_year(7, LAST_NIGHT) != plan_year(8, LAST_NIGHT)


@time_machine.travel(NOW, tick=False)
def test_it_refuses_to_replace_an_account_unless_asked_to(demo):
    with pytest.raises(ValueError, match="an account named 'demo' already exists"):
        create_demo("demo", "demo-nights")
    before = export_files(demo)
    started = time.monotonic()
    create_demo("demo", "other-pass-phrase", reset=True, seed=2026)
    assert time.monotonic() - started < 20
    again = get_user_model().objects.get(username="demo")
    assert again.pk != demo.pk and again.check_password("other-pass-phrase")
    assert export_files(again) == before
    assert Night.objects.filter(user_id=demo.pk).count() == 0


@time_machine.travel(NOW, tick=False)
def test_its_export_comes_back_byte_for_byte_after_import_into_an_empty_account(demo, tmp_path):
    first = export_to_dir(demo, tmp_path / "a")
    newcomer = make_user("newcomer")
    summary = import_paths(newcomer, first)
    assert summary.episodes_created == Episode.objects.filter(user=demo).count()
    second = export_to_dir(newcomer, tmp_path / "b")
    assert [p.name for p in second] == [p.name for p in first]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
