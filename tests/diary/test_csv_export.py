"""Export: the diary as nights.csv, episodes.csv and medications.csv (docs/formats.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from nightcramp.diary.csvio import export_files, export_to_dir
from nightcramp.diary.services import log_episode, save_medication, save_night

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NIGHTS_HEADER = (
    "date,cramps,stretched,max_severity,sleep_disruption,sitting_hours,exercise_minutes,alcohol_units,note,"
    "experiment_period,planned"
)
EPISODES_HEADER = "start,duration_s,leg,muscle,severity,woke,relief,relief_helped,note"


def lines(user, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return export_files(user)[name].decode("utf-8").split("\n")


def test_it_writes_only_the_headers_for_an_empty_diary(owner):
    files = export_files(owner)
    assert files == {
        "nights.csv": (NIGHTS_HEADER + "\n").encode(),
        "episodes.csv": (EPISODES_HEADER + "\n").encode(),
        "medications.csv": b"name,dose,started,stopped,note\n",
    }


@time_machine.travel(NOW, tick=False)
def test_it_writes_nights_with_their_derived_counts_yes_no_and_plain_decimals(owner):
    log_episode(owner, started_at=datetime(2026, 11, 11, 3, 0, tzinfo=UTC), severity=4)
    log_episode(owner, started_at=datetime(2026, 11, 11, 4, 0, tzinfo=UTC), severity=7)
    save_night(owner, date(2026, 11, 10), stretched=True, sitting_hours=Decimal("8.0"),
               alcohol_units=Decimal("1.5"), exercise_minutes=30, sleep_disruption=6)
    save_night(owner, date(2026, 11, 11), checked_in=True, stretched=False, sitting_hours=Decimal("10"))
    save_night(owner, date(2026, 11, 12), cramps_reported=3, max_severity_reported=8, note="paper diary")
    assert lines(owner, "nights.csv") == [
        NIGHTS_HEADER,
        "2026-11-10,2,yes,7,6,8,30,1.5,,,",
        "2026-11-11,0,no,,,10,,,,,",
        "2026-11-12,3,,8,,,,,paper diary,,",
        "",
    ]


@time_machine.travel(NOW, tick=False)
def test_it_writes_each_start_in_the_local_time_of_the_zone_it_happened_in(owner):
    log_episode(owner, started_at=datetime(2026, 7, 2, 2, 12, tzinfo=UTC), tz="Europe/London",
                duration_s=90, leg="left", muscle="calf", severity=6, woke=True, relief="stretch",
                relief_helped=True)
    log_episode(owner, started_at=datetime(2026, 11, 3, 3, 5, 30, tzinfo=UTC), tz="Europe/London")
    log_episode(owner, started_at=datetime(2026, 11, 4, 22, 0, tzinfo=UTC), tz="+05:30", woke=False)
    assert lines(owner, "episodes.csv") == [
        EPISODES_HEADER,
        "2026-07-02T03:12:00+01:00,90,left,calf,6,yes,stretch,yes,",
        "2026-11-03T03:05:30+00:00,,,,,,,,",
        "2026-11-05T03:30:00+05:30,,,,,no,,,",
        "",
    ]


@time_machine.travel(NOW, tick=False)
def test_it_quotes_notes_that_hold_commas_quotes_and_line_breaks(owner):
    save_night(owner, date(2026, 11, 1), note='woke twice, "bad" one\r\nthen slept')
    assert export_files(owner)["nights.csv"].decode().endswith(',"woke twice, ""bad"" one\r\nthen slept",,\n')


@time_machine.travel(NOW, tick=False)
def test_it_lists_medications_by_start_date_then_name(owner):
    save_medication(owner, name="Indapamide", dose="1.5 mg", started=date(2026, 4, 14))
    save_medication(owner, name="Atorvastatin", dose="20 mg", started=date(2022, 5, 14))
    save_medication(owner, name="Aspirin", note="no start date known")
    save_medication(owner, name="Magnesium", started=date(2025, 9, 1), stopped=date(2026, 8, 2))
    assert lines(owner, "medications.csv") == [
        "name,dose,started,stopped,note",
        "Aspirin,,,,no start date known",
        "Atorvastatin,20 mg,2022-05-14,,",
        "Magnesium,,2025-09-01,2026-08-02,",
        "Indapamide,1.5 mg,2026-04-14,,",
        "",
    ]


@time_machine.travel(NOW, tick=False)
def test_it_never_includes_another_persons_entries(owner, other):
    save_night(owner, date(2026, 11, 1), note="ALICE-PRIVATE")
    log_episode(owner, started_at=datetime(2026, 11, 2, 3, 0, tzinfo=UTC), note="ALICE-PRIVATE")
    save_medication(owner, name="ALICE-PRIVATE")
    save_night(other, date(2026, 11, 1), note="bob's night")
    files = export_files(other)
    assert all(b"ALICE" not in content for content in files.values())
    assert b"bob's night" in files["nights.csv"]


@time_machine.travel(NOW, tick=False)
def test_it_writes_the_files_into_a_directory_it_creates(owner, tmp_path):
    save_night(owner, date(2026, 11, 1), stretched=True)
    written = export_to_dir(owner, tmp_path / "out" / "deeper")
    assert [p.name for p in written] == ["nights.csv", "episodes.csv", "medications.csv"]
    assert (tmp_path / "out" / "deeper" / "nights.csv").read_bytes() == export_files(owner)["nights.csv"]
