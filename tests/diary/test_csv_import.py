"""Import: nights.csv, episodes.csv and medications.csv, checked first and written all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from nightcramp.diary.csvio import ImportError_, export_files, import_data, import_paths
from nightcramp.diary.models import Episode, Medication, Night
from nightcramp.diary.services import log_episode, save_night

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("frozen")

NIGHTS = (
    "date,cramps,stretched,max_severity,sleep_disruption,sitting_hours,exercise_minutes,alcohol_units,note\n"
    "2026-11-01,2,yes,,6,8,30,1.5,\n"
    "2026-11-02,1,no,5,2,7.5,,0,paper diary\n"
)
EPISODES = (
    "start,duration_s,leg,muscle,severity,woke,relief,relief_helped,note\n"
    "2026-11-02T03:12:00+00:00,90,left,calf,6,yes,stretch,yes,\n"
    "2026-11-02T04:40:00+00:00,30,right,foot,3,no,,,\"short, sharp\"\n"
)
MEDICATIONS = (
    "name,dose,started,stopped,note\n"
    "Indapamide,1.5 mg each morning,2026-04-14,,for blood pressure\n"
)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def problems_of(user, files: list[tuple[str, bytes]]) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_) as caught:
        import_data(user, files)
    return [str(p) for p in caught.value.problems]


def stored(user) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (Night.objects.filter(user=user).count(), Episode.objects.filter(user=user).count(),
            Medication.objects.filter(user=user).count())


def test_it_imports_nights_episodes_and_medications(owner):
    summary = import_data(owner, [("nights.csv", NIGHTS.encode()), ("episodes.csv", EPISODES.encode()),
                                  ("medications.csv", MEDICATIONS.encode())])
    assert summary.describe() == (
        "Imported from nights.csv, episodes.csv, medications.csv: 2 nights, 2 episodes, 1 medication."
    )
    first = Night.objects.get(user=owner, date=date(2026, 11, 1))
    assert (first.cramps, first.stretched, first.sleep_disruption, first.sitting_hours,
            first.exercise_minutes, first.alcohol_units) == (2, True, 6, Decimal("8.0"), 30, Decimal("1.5"))
    assert (first.cramps_reported, first.episodes.count()) == (None, 2)  # the file agrees with its episodes
    assert Night.objects.get(user=owner, date=date(2026, 11, 2)).cramps_reported == 1  # a summary
    short = Episode.objects.get(user=owner, duration_s=30)
    assert (short.leg, short.muscle, short.severity, short.woke, short.relief, short.relief_helped,
            short.note) == ("right", "foot", 3, False, "", None, "short, sharp")
    medication = Medication.objects.get(user=owner)
    assert (medication.name, medication.dose, medication.started, medication.stopped) == (
        "Indapamide", "1.5 mg each morning", date(2026, 4, 14), None)


def test_it_files_episodes_under_the_night_of_the_files_own_local_time(owner):
    import_data(owner, [("episodes.csv", b"start\n2026-11-11T05:00:00-08:00\n2026-11-11T14:00:00+02:00\n")])
    east, west = Episode.objects.filter(user=owner).order_by("started_at")
    # 05:00 in UTC-8 is 13:00 in London, but it was before the night's end where it happened.
    assert (west.night.date, west.daytime, west.tz) == (date(2026, 11, 10), False, "-08:00")
    assert (east.night.date, east.daytime, east.tz) == (date(2026, 11, 11), True, "+02:00")
    assert east.started_at == datetime(2026, 11, 11, 12, 0, tzinfo=UTC)


def test_it_stores_counts_only_where_they_differ_from_the_episodes(owner):
    log_episode(owner, started_at=datetime(2026, 11, 4, 2, 0, tzinfo=UTC), severity=4)  # already stored
    episodes = (
        "start,severity\n2026-11-02T03:00:00+00:00,7\n2026-11-02T04:00:00+00:00,5\n2026-11-03T03:00:00Z,2\n"
    )
    nights = "date,cramps,max_severity\n2026-11-01,2,7\n2026-11-02,3,\n2026-11-03,1,4\n2026-11-05,0,\n"
    import_data(owner, [("nights.csv", nights.encode()), ("episodes.csv", episodes.encode())])
    reported = {n.date.day: (n.cramps_reported, n.max_severity_reported, n.cramps, n.max_severity)
                for n in Night.objects.filter(user=owner)}
    assert reported == {
        1: (None, None, 2, 7),  # the file agrees with the episodes: counted from them
        2: (3, None, 3, 2),  # a corrected count, worst severity from the episodes
        3: (None, None, 1, 4),  # agrees with the episode stored before the import
        5: (0, None, 0, None),  # a summary: no cramps that night
    }
    log_episode(owner, started_at=datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    assert Night.objects.get(user=owner, date=date(2026, 11, 1)).cramps == 3  # keeps counting episodes


def test_it_reads_columns_in_any_order_a_byte_order_mark_crlf_lines_and_yes_no_words(owner):
    nights = "\ufeffNote,Stretched,DATE\r\nhi,TRUE,2026-11-01\r\n,n,2026-11-02\r\n,1,2026-11-03\r\n\r\n,,\r\n"
    import_data(owner, [("my diary.csv", nights.encode("utf-8"))])
    assert [(n.date.day, n.stretched, n.note) for n in Night.objects.filter(user=owner).order_by("date")] == [
        (1, True, "hi"), (2, False, ""), (3, True, "")]


def test_it_lists_every_bad_row_with_its_line_column_and_reason_and_changes_nothing(owner):
    nights = (
        "date,cramps,stretched,sitting_hours,max_severity,note\n"
        "2026-11-01,2,yes,abc,11,\n"
        '2026-11-02,-1,maybe,7.25,3,"two\nlines"\n'
        "2026-02-30,1,no,25,,\n"
        "2026-11-01,,,,,\n"
        "2026-11-26,,,,,\n"
        ",1,,,,\n"
        "2026-11-07,1,yes\n"
    )
    episodes = (
        "start,leg,muscle,severity,duration_s,woke\n"
        "2026-11-02T03:12:00,left,knee,4,60,yes\n"
        "2026-11-02 03:12:00+01:00,middle,calf,4.5,-3,sometimes\n"
        "2026-11-25T09:30:00+00:00,,,,,\n"
        "yesterday,,,,,\n"
    )
    medications = "name,dose,started,stopped\n,1 mg,2026-01-01,\nStatin,,2026-05-01,2026-04-01\n"
    assert problems_of(owner, [("nights.csv", nights.encode()), ("episodes.csv", episodes.encode()),
                               ("medications.csv", medications.encode())]) == [
        "nights.csv:2: sitting_hours: 'abc' is not a number",
        "nights.csv:2: max_severity: 11 is out of range (allowed: 0 to 10)",
        "nights.csv:3: cramps: -1 is out of range (allowed: 0 to 100)",
        "nights.csv:3: stretched: 'maybe' is not yes or no (allowed: yes, no, true, false, y, n, 1, 0)",
        "nights.csv:3: sitting_hours: 7.25 has more than one decimal place",
        "nights.csv:5: date: '2026-02-30' is not a date written YYYY-MM-DD",
        "nights.csv:5: sitting_hours: 25 is out of range (allowed: 0 to 24)",
        "nights.csv:6: date: 2026-11-01 appears more than once (first on line 2)",
        "nights.csv:7: date: the night of 2026-11-26 has not begun yet",
        "nights.csv:8: date: is empty; every row needs a date",
        "nights.csv:9: has 3 cells but the header has 6 columns",
        "episodes.csv:2: start: '2026-11-02T03:12:00' has no UTC offset "
        "(write it like 2026-11-02T03:12:00+01:00)",
        "episodes.csv:2: muscle: 'knee' is not one of the allowed values: "
        "calf, foot, hamstring, quadriceps, other",
        "episodes.csv:3: leg: 'middle' is not one of the allowed values: left, right, both",
        "episodes.csv:3: severity: '4.5' is not a whole number",
        "episodes.csv:3: duration_s: -3 is out of range (allowed: 0 to 86400)",
        "episodes.csv:3: woke: 'sometimes' is not yes or no (allowed: yes, no, true, false, y, n, 1, 0)",
        "episodes.csv:4: start: 2026-11-25T09:30:00+00:00 is in the future",
        "episodes.csv:5: start: 'yesterday' is not an ISO 8601 date and time "
        "(like 2026-03-10T03:12:00+01:00)",
        "medications.csv:2: name: is empty; every row needs a name",
        "medications.csv:3: stopped: 2026-04-01 is before the start date 2026-05-01",
    ]
    assert stored(owner) == (0, 0, 0)


def test_it_changes_nothing_when_only_one_of_the_files_is_bad(owner):
    bad_nights = "date,cramps\n2026-11-01,lots\n"
    assert problems_of(owner, [("episodes.csv", EPISODES.encode()), ("nights.csv", bad_nights.encode())]) == [
        "nights.csv:2: cramps: 'lots' is not a whole number"]
    assert stored(owner) == (0, 0, 0)


def test_it_rejects_unknown_missing_and_repeated_columns(owner):
    assert problems_of(owner, [
        ("a.csv", b"date,cramps,mood\n2026-11-01,1,good\n"),
        ("b.csv", b"leg,muscle,severity\nleft,calf,5\n"),
        ("c.csv", b"name,dose,dose\nStatin,1,2\n"),
        ("d.csv", b"when,what\n1,2\n"),
    ]) == [
        "a.csv:1: unknown column 'mood' (a nights file has the columns: date, cramps, stretched, "
        "max_severity, sleep_disruption, sitting_hours, exercise_minutes, alcohol_units, note, "
        "experiment_period, planned)",
        "b.csv:1: the required column 'start' is missing (an episodes file has the columns: start, "
        "duration_s, leg, muscle, severity, woke, relief, relief_helped, note)",
        "c.csv:1: column 'dose' appears more than once",
        "d.csv:1: cannot tell what this file holds: a nights file needs a 'date' column, an episodes file a "
        "'start' column and a medications file a 'name' column",
    ]


def test_it_rejects_files_that_are_empty_not_utf8_or_not_csv(owner):
    assert problems_of(owner, [
        ("empty.csv", b""),
        ("blank.csv", b"\n\n"),
        ("latin1.csv", "date,note\n2026-11-01,caf\u00e9\n".encode("latin-1")),
        ("quote.csv", b'date,note\n2026-11-01,"never closed\n'),
    ]) == [
        "empty.csv: the file is empty (it needs at least a header row)",
        "blank.csv: the file is empty (it needs at least a header row)",
        "latin1.csv:2: is not UTF-8 text (byte 0xe9); save the file as UTF-8 and try again",
        "quote.csv:2: is not valid CSV (unexpected end of data)",
    ]


def test_it_takes_one_file_of_each_kind_at_a_time(owner):
    assert problems_of(owner, [("a.csv", b"date\n2026-11-01\n"), ("b.csv", b"date\n2026-11-02\n")]) == [
        "b.csv: holds nights like a.csv; import one nights file at a time"]
    assert problems_of(owner, []) == ["(no file): choose at least one CSV file"]


def test_it_counts_lines_across_notes_that_span_lines(owner):
    nights = 'date,note,cramps\n2026-11-01,"one\ntwo\nthree",1\n2026-11-02,,x\n'
    assert problems_of(owner, [("nights.csv", nights.encode())]) == [
        "nights.csv:5: cramps: 'x' is not a whole number"]


def test_it_skips_episodes_already_in_the_diary_so_a_second_import_adds_nothing(owner):
    log_episode(owner, started_at=datetime(2026, 11, 2, 3, 12, tzinfo=UTC), tz="Europe/London", severity=9)
    first = import_data(owner, [("episodes.csv", EPISODES.encode())])
    # The same instant written with another offset is the same episode.
    again = import_data(owner, [("e.csv", b"start\n2026-11-02T05:40:00+01:00\n2026-11-02T05:12:00+02:00\n")])
    assert (first.episodes_created, first.episodes_skipped) == (1, 1)
    assert (again.episodes_created, again.episodes_skipped) == (0, 2)
    assert again.describe() == (
        "Imported from e.csv: 0 nights, 0 episodes (2 already in the diary, skipped), 0 medications."
    )
    assert Episode.objects.filter(user=owner).count() == 2
    assert Episode.objects.get(user=owner, started_at=datetime(2026, 11, 2, 3, 12, tzinfo=UTC)).severity == 9


def test_it_updates_nights_already_in_the_diary_with_the_files_values(owner):
    save_night(owner, date(2026, 11, 1), stretched=False, note="old", sitting_hours=Decimal(9))
    nights = b"date,stretched,note\n2026-11-01,yes,\n2026-11-03,no,new\n"
    summary = import_data(owner, [("nights.csv", nights)])
    assert summary.describe() == (
        "Imported from nights.csv: 2 nights (1 already in the diary, updated), 0 episodes, 0 medications."
    )
    night = Night.objects.get(user=owner, date=date(2026, 11, 1))
    assert (night.stretched, night.note, night.sitting_hours) == (True, "", Decimal("9.0"))  # no column: kept


def test_it_skips_medications_already_in_the_diary(owner):
    import_data(owner, [("medications.csv", MEDICATIONS.encode())])
    summary = import_data(owner, [("medications.csv", MEDICATIONS.encode())])
    assert (summary.medications_created, summary.medications_skipped) == (0, 1)
    assert Medication.objects.filter(user=owner).count() == 1


def test_it_writes_only_into_the_importing_persons_diary(owner, other):
    import_data(other, [("nights.csv", NIGHTS.encode()), ("episodes.csv", EPISODES.encode())])
    assert stored(owner) == (0, 0, 0)
    assert stored(other) == (2, 2, 0)
    # The other person's episodes do not count as duplicates of the owner's.
    import_data(owner, [("episodes.csv", EPISODES.encode())])
    assert stored(owner)[1] == 2


def test_it_reads_files_from_paths_and_gives_back_what_it_exported(owner, other, tmp_path):
    import_data(owner, [("nights.csv", NIGHTS.encode()), ("episodes.csv", EPISODES.encode()),
                        ("medications.csv", MEDICATIONS.encode())])
    exported = export_files(owner)
    for name, content in exported.items():
        (tmp_path / name).write_bytes(content)
    import_paths(other, sorted(tmp_path.iterdir()))
    assert export_files(other) == exported
