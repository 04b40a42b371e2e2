"""The full JSON backup, restore into an empty account, and account deletion (nightcramp.sharing.backup).

A backup restored into an empty account and exported again gives the same backup; a broken file is
refused with the path of every bad value and writes nothing; deleting an account leaves no row that
pointed at the person, and touches nobody else's.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.urls import reverse

from nightcramp.accounts.models import ApiToken
from nightcramp.care.models import ReminderSettings, StretchSession
from nightcramp.care.services import record_session
from nightcramp.care.services_reminders import renew_feed_secret, save_reminders
from nightcramp.diary.models import Episode, Night, Profile
from nightcramp.diary.services import (
    log_episode,
    profile_of,
    save_medication,
    save_night,
    start_experiment,
    update_episode,
    update_profile,
)
from nightcramp.screening.services import save_screening
from nightcramp.sharing.backup import (
    FORMAT,
    LEFT_OUT,
    PROFILE_COLUMNS,
    REMINDER_COLUMNS,
    TABLES,
    VERSION,
    BackupError,
    delete_account,
    dumps,
    export_backup,
    restore_backup,
)
from nightcramp.sharing.models import ShareLink
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NOTE = "Krämpfe – 夜中に 🦵 \"quoted\"\nsecond line"
BIG_SEED = 2**61 + 12345  # more than a double holds exactly
User = get_user_model()


def fill(user: Any, tag: str) -> dict[str, Any]:
    """A person with at least one row in every table, written through the services."""
    with time_machine.travel(NOW, tick=False):
        update_profile(profile_of(user), display_name=f"Zoë {tag} 🌙", birth_year=1958, sex="female",
                       night_start_hour=19, night_end_hour=11)
        first, _ = log_episode(user, started_at=datetime(2026, 11, 17, 2, 30, tzinfo=UTC),
                               tz="Europe/London", duration_s=95, leg="left", muscle="calf", severity=7,
                               woke=True, relief="stretch", relief_helped=True, note=NOTE)
        log_episode(user, started_at=datetime(2026, 11, 17, 22, 15, tzinfo=UTC), tz="+05:30", severity=4)
        log_episode(user, started_at=datetime(2026, 11, 18, 14, 0, tzinfo=UTC), tz="Europe/London",
                    muscle="foot", woke=False)
        save_night(user, date(2026, 11, 16), checked_in=True, stretched=False, sleep_disruption=6,
                   sitting_hours=Decimal("7.5"), exercise_minutes=30, alcohol_units=Decimal("2"), note=NOTE)
        save_night(user, date(2026, 11, 1), cramps_reported=3, max_severity_reported=8, note="paper diary")
        save_night(user, date(2026, 11, 2), experiment_period=1, planned="stretch", stretched=True)
        save_medication(user, name="Bendroflumethiazide", dose="2.5 mg each morning",
                        started=date(2026, 9, 1), stopped=date(2026, 11, 5), note="für den Blutdruck")
        save_medication(user, name="Magnesium")
        start_experiment(user, start=date(2026, 11, 15), pairs=6, period_nights=7, washout_nights=1,
                         seed=BIG_SEED)
        record_session(user, routine="standing", extras=("quadriceps_standing",), holds_done=12,
                       started_at=datetime(2026, 11, 17, 21, 0, tzinfo=UTC),
                       ended_at=datetime(2026, 11, 17, 21, 6, 30, tzinfo=UTC))
        save_screening(user, {"age": 67, "symptoms": {"muscle_twitching": True},
                              "medications": [{"name": "Indapamid ü", "started": "2026-01-01"}]})
        save_reminders(user, bedtime_enabled=True, bedtime_at=time(22, 15), morning_enabled=False,
                       morning_at=time(7, 45))
        feed = renew_feed_secret(user).feed_secret
        _, raw_token = ApiToken.issue(user, "phone")
        _, share_secret = ShareLink.issue(user, start=date(2026, 11, 1), end=date(2026, 11, 18))
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        update_episode(first, severity=8)  # updated_at differs from created_at
        save_screening(user, {"age": 67})
    return {"feed": feed, "token": raw_token, "share": share_secret}


def comparable(data: dict[str, Any], ids: bool = True) -> dict[str, Any]:
    """A backup without what may differ between two exports of the same diary."""
    data = {k: v for k, v in data.items() if k not in ("exported_at", "account")}
    if not ids:
        data = {k: [{c: v for c, v in row.items() if c != "id"} for row in v] if isinstance(v, list) else v
                for k, v in data.items()}
    return data


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models(include_auto_created=True)}


@pytest.fixture
def alice(owner):  # type: ignore[no-untyped-def]
    secrets = fill(owner, "A")
    owner.secrets = secrets
    return owner


@pytest.fixture
def carol(db):  # type: ignore[no-untyped-def]
    """A fresh account (with the profile that signing up makes) to restore into."""
    return make_user("carol", time_zone="America/New_York")


# --- Export ---------------------------------------------------------------------------------------------


def test_a_backup_has_a_key_for_every_field_of_every_model_it_covers():
    covered = {table.model: set(table.names) for table in TABLES}
    covered[Profile] = {name for name, _ in PROFILE_COLUMNS}
    covered[ReminderSettings] = {name for name, _ in REMINDER_COLUMNS}
    for model, names in covered.items():
        fields = {f.name for f in model._meta.concrete_fields}
        assert fields == names | LEFT_OUT[model], model._meta.label


def test_the_export_holds_everything_the_person_stored_in_documented_forms(alice):
    data = export_backup(alice, now=datetime(2026, 12, 1, 8, 0, 0, 250000, tzinfo=UTC))
    assert (data["format"], data["version"], data["exported_at"]) == (FORMAT, VERSION,
                                                                      "2026-12-01T08:00:00.250000Z")
    assert data["account"] == {"username": "alice", "date_joined": data["account"]["date_joined"]}
    assert data["profile"] == {"display_name": "Zoë A 🌙", "birth_year": 1958, "sex": "female",
                               "time_zone": "Europe/London", "hemisphere": "north", "night_start_hour": 19,
                               "night_end_hour": 11, "theme": "auto", "country": ""}
    assert data["reminders"] == {"bedtime_enabled": True, "bedtime_at": "22:15:00", "morning_enabled": False,
                                 "morning_at": "07:45:00", "updated_at": "2026-11-20T09:00:00Z"}
    assert [n["date"] for n in data["nights"]] == ["2026-11-01", "2026-11-02", "2026-11-16", "2026-11-17",
                                                   "2026-11-18"]
    summary, planned, checked = data["nights"][:3]
    assert (summary["cramps_reported"], summary["max_severity_reported"]) == (3, 8)
    assert (planned["experiment_period"], planned["planned"]) == (1, "stretch")
    assert checked == {
        "id": checked["id"], "date": "2026-11-16", "stretched": False, "sleep_disruption": 6,
        "sitting_hours": "7.5", "exercise_minutes": 30, "alcohol_units": "2.0", "note": NOTE,
        "cramps_reported": None, "max_severity_reported": None, "checked_in_at": "2026-11-20T09:00:00Z",
        "experiment_period": None, "planned": "", "created_at": "2026-11-20T09:00:00Z",
        "updated_at": "2026-11-20T09:00:00Z",
    }
    assert str(uuid.UUID(checked["id"])) == checked["id"]
    first, fixed, daytime = data["episodes"]
    assert first == {
        "id": first["id"], "night": "2026-11-16", "started_at": "2026-11-17T02:30:00Z", "tz": "Europe/London",
        "daytime": False, "duration_s": 95, "leg": "left", "muscle": "calf", "severity": 8, "woke": True,
        "relief": "stretch", "relief_helped": True, "note": NOTE, "created_at": "2026-11-20T09:00:00Z",
        "updated_at": "2026-11-20T12:00:00Z",
    }
    assert (fixed["tz"], fixed["night"], fixed["started_at"]) == (
        "+05:30", "2026-11-17", "2026-11-17T22:15:00Z")
    assert (daytime["daytime"], daytime["night"]) == (True, "2026-11-18")
    assert [m["name"] for m in data["medications"]] == ["Magnesium", "Bendroflumethiazide"]
    assert data["medications"][1]["started"] == "2026-09-01"
    assert data["medications"][1]["stopped"] == "2026-11-05"
    [experiment] = data["experiments"]
    assert (experiment["seed"], experiment["start"], experiment["washout_nights"]) == (
        str(BIG_SEED), "2026-11-15", 1)
    [session] = data["stretch_sessions"]
    assert (session["night"], session["extras"], session["ended_at"]) == (
        "2026-11-17", "quadriceps_standing", "2026-11-17T21:06:30Z")
    assert [s["answers"] for s in data["screenings"]] == [
        {"age": 67, "symptoms": {"muscle_twitching": True},
         "medications": [{"name": "Indapamid ü", "started": "2026-01-01"}]},
        {"age": 67},
    ]
    assert json.loads(dumps(data)) == data


def test_secrets_are_not_in_the_backup(alice):
    text = dumps(export_backup(alice)).decode("utf-8")
    user = User.objects.get(pk=alice.pk)
    token = ApiToken.objects.get(user=alice)
    link = ShareLink.objects.get(user=alice)
    for secret in (user.password, alice.secrets["feed"], alice.secrets["token"], token.key_hash,
                   alice.secrets["share"], link.secret_hash, str(link.pk)):
        assert secret not in text
    assert '"password"' not in text and "feed_secret" not in text and "token" not in text


def test_an_account_with_nothing_stored_exports_the_default_profile_and_empty_lists(db):
    user = User.objects.create_user("nobody", password=PASSWORD)
    data = export_backup(user)
    assert data["profile"]["time_zone"] == "UTC" and data["reminders"] is None
    assert all(data[table.key] == [] for table in TABLES)
    assert not Profile.objects.filter(user=user).exists()  # exporting writes nothing


# --- Restore ---------------------------------------------------------------------------------------------


def test_restoring_into_an_empty_account_gives_the_same_backup_ids_included(alice, carol):
    original = export_backup(alice)
    delete_account(alice)  # e.g. moving to another server: the ids are free
    summary = restore_backup(carol, original)
    assert comparable(export_backup(carol)) == comparable(original)
    assert export_backup(carol)["account"]["username"] == "carol"
    assert (summary.nights, summary.episodes, summary.medications, summary.experiments,
            summary.stretch_sessions, summary.screenings, summary.reminders, summary.ids_renewed) == (
        5, 3, 2, 1, 1, 2, True, 0)
    assert summary.describe() == (
        "Restored 5 nights, 3 episodes, 2 medications, 1 experiment, 1 stretch session and 2 screenings, "
        "with the profile and the reminder settings.")
    assert carol.profile.display_name == "Zoë A 🌙"  # the caller's user object sees the new profile
    assert {e.night.user_id for e in Episode.objects.filter(user=carol).select_related("night")} == {carol.pk}
    assert ReminderSettings.objects.get(user=carol).feed_secret == ""  # no calendar address in a backup


def test_the_json_file_round_trips_as_bytes_and_as_text(alice, carol):
    original = export_backup(alice)
    delete_account(alice)
    raw = dumps(original)
    text = raw.decode("utf-8")
    assert text.startswith('{\n  "account": {') and "Krämpfe – 夜中に 🦵" in text  # not \\u escapes
    restore_backup(carol, b"\xef\xbb\xbf" + raw)  # a byte-order mark from an editor is fine
    assert comparable(json.loads(dumps(export_backup(carol)))) == comparable(original)
    dave = make_user("dave")
    restore_backup(dave, raw.decode("utf-8"))
    assert comparable(export_backup(dave), ids=False) == comparable(original, ids=False)


def test_restoring_while_the_original_account_exists_gives_taken_ids_new_ones(alice, carol):
    original = export_backup(alice)
    before = comparable(original)
    summary = restore_backup(carol, original)
    rows = sum(len(original[table.key]) for table in TABLES)
    assert summary.ids_renewed == rows == 14
    assert summary.describe().endswith(" 14 entries already in use on this server were given a new id.")
    copy_ = export_backup(carol)
    assert comparable(copy_, ids=False) == comparable(original, ids=False)
    theirs = {row["id"] for table in TABLES for row in original[table.key]}
    assert not theirs & {row["id"] for table in TABLES for row in copy_[table.key]}
    assert comparable(export_backup(alice)) == before  # the original is untouched
    for episode in Episode.objects.filter(user=carol).select_related("night"):
        assert episode.night.user_id == carol.pk
    for session in StretchSession.objects.filter(user=carol).select_related("night"):
        assert (session.night.user_id, session.night.date) == (carol.pk, date(2026, 11, 17))


def test_only_the_ids_already_taken_are_renewed_and_references_follow(alice, carol):
    data = export_backup(alice)
    for table in TABLES:
        for row in data[table.key]:
            row["id"] = str(uuid.uuid4())
    kept_night = next(n for n in data["nights"] if n["date"] == "2026-11-17")
    kept_night["id"] = str(Night.objects.get(user=alice, date=date(2026, 11, 17)).pk)  # taken by alice
    summary = restore_backup(carol, data)
    assert summary.ids_renewed == 1
    restored = export_backup(carol)
    assert comparable(restored, ids=False) == comparable(data, ids=False)
    ids = {n["date"]: n["id"] for n in restored["nights"]}
    assert ids.pop("2026-11-17") != kept_night["id"]
    assert ids == {n["date"]: n["id"] for n in data["nights"] if n["date"] != "2026-11-17"}
    night = Night.objects.get(user=carol, date=date(2026, 11, 17))
    assert night.episodes.count() == 1 and night.stretch_sessions.count() == 1


def test_the_profile_and_reminders_of_the_account_are_replaced(alice, carol):
    save_reminders(carol, bedtime_enabled=False, bedtime_at=time(21, 0), morning_enabled=True,
                   morning_at=time(6, 0))
    carol_feed = renew_feed_secret(carol).feed_secret
    data = export_backup(alice)
    restore_backup(carol, data)
    assert export_backup(carol)["profile"] == data["profile"]
    assert export_backup(carol)["reminders"] == data["reminders"]
    assert ReminderSettings.objects.get(user=carol).feed_secret == carol_feed  # its own address stays
    assert Profile.objects.filter(user=carol).count() == 1


def test_a_backup_made_before_the_country_was_kept_restores_with_the_country_not_known(alice, carol):
    Profile.objects.filter(user=carol).update(country="DE")
    Profile.objects.filter(user=alice).update(country="AU")
    data = export_backup(alice)
    assert data["profile"]["country"] == "AU"
    restore_backup(carol, data)
    assert Profile.objects.get(user=carol).country == "AU"
    del data["profile"]["country"]  # as written before the country was added to version 1
    older = User.objects.create_user("older", password=PASSWORD)
    restore_backup(older, data)
    assert Profile.objects.get(user=older).country == ""


def test_a_backup_without_reminders_or_profile_row_restores_into_a_bare_account(alice, db):
    ReminderSettings.objects.filter(user=alice).delete()
    data = export_backup(alice)
    assert data["reminders"] is None
    bare = User.objects.create_user("bare", password=PASSWORD)  # no profile yet
    summary = restore_backup(bare, data)
    assert not summary.reminders and not ReminderSettings.objects.filter(user=bare).exists()
    assert Profile.objects.get(user=bare).display_name == "Zoë A 🌙"
    assert "with the profile." in summary.describe()


def _at(key: str, index: int, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key][index][field] = value
    return change


def _without(key: str, index: int | None = None, field: str = "") -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        if index is None:
            del data[key]
        else:
            del data[key][index][field]
    return change


def _same_id(data: dict[str, Any]) -> None:
    data["nights"][1]["id"] = data["nights"][0]["id"]


def _same_date(data: dict[str, Any]) -> None:
    data["nights"][1]["date"] = data["nights"][0]["date"]


def _answers(data: dict[str, Any]) -> None:
    data["screenings"][0]["answers"]["symptoms"]["muscle_twitching"] = "yes"


def _profile(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["profile"][field] = value
    return change


def _top(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value
    return change


BROKEN: list[tuple[str, Any, str]] = [
    ("bad json", b'{\n  "format": "nightcramp-backup",\n  "version": 1,,\n}',
     "line 3, column 16: not valid JSON (Expecting property name enclosed in double quotes)"),
    ("not utf-8", b'{"format": "nightcramp-backup", "note": "\xff"}', "line 1: the file is not UTF-8 text"),
    ("empty", b"  \n", "the file is empty"),
    ("not an object", b"[1, 2]", "the file holds an array, not a nightcramp backup"),
    ("repeated key", b'{"format": "x", "format": "y"}', "the key 'format' appears twice"),
    ("wrong format", _top("format", "fhir-bundle"),
     "format: expected 'nightcramp-backup', got 'fhir-bundle'; this is not a nightcramp backup"),
    ("version 2", _top("version", 2),
     "version: 2 is not a backup version this nightcramp can read (it reads version 1)"),
    ("version true", _top("version", True), "version: true is not a backup version"),
    ("unknown top key", _top("extra", 1), "extra: unknown key"),
    ("missing list", _without("episodes"), "episodes: missing"),
    ("bad severity", _at("episodes", 0, "severity", 11), "episodes[0].severity: 11 is more than 10"),
    ("bad sleep disruption", _at("nights", 2, "sleep_disruption", 11),
     "nights[2].sleep_disruption: 11 is more than 10"),
    ("episode without its night", _at("episodes", 1, "night", "2001-01-01"),
     "episodes[1].night: 2001-01-01 is not among the nights"),
    ("session without its night", _at("stretch_sessions", 0, "night", "2001-01-01"),
     "stretch_sessions[0].night: 2001-01-01 is not among the nights"),
    ("bad time zone", _at("episodes", 1, "tz", "Mars/Olympus_Mons"),
     "episodes[1].tz: 'Mars/Olympus_Mons' is not a known time zone"),
    ("bad profile zone", _profile("time_zone", "Europe/Atlantis"),
     "profile.time_zone: 'Europe/Atlantis' is not a known time zone"),
    ("missing key", _without("nights", 0, "date"), "nights[0].date: missing"),
    ("unknown key", _at("nights", 0, "mood", 3),
     "nights[0].mood: unknown key (a night has the keys: id, date,"),
    ("wrong type", _at("nights", 0, "stretched", "yes"), "nights[0].stretched: expected true, false or null, "
                                                          "got 'yes'"),
    ("null text", _at("nights", 0, "note", None),
     'nights[0].note: is null, but it needs a value (write "" for no text)'),
    ("null id", _at("nights", 0, "id", None), "nights[0].id: is null, but it needs a value"),
    ("null updated_at", _at("episodes", 0, "updated_at", None), "episodes[0].updated_at: is null"),
    ("bad id", _at("medications", 0, "id", "42"), "medications[0].id: '42' is not a UUID"),
    ("huge number", _at("nights", 1, "experiment_period", 10**30),
     "nights[1].experiment_period: 1000000000000000000000000000000 is far out of range"),
    ("no offset", _at("episodes", 0, "started_at", "2026-11-17T02:30:00"),
     "episodes[0].started_at: '2026-11-17T02:30:00' has no UTC offset"),
    ("bad date", _at("nights", 0, "date", "2026-02-30"), "nights[0].date: '2026-02-30' is not a real date"),
    ("two decimal places", _at("nights", 2, "sitting_hours", "7.25"),
     "nights[2].sitting_hours: 7.25: Ensure that there are no more than 1 decimal place."),
    ("float decimal", _at("nights", 2, "alcohol_units", 1.5),
     "nights[2].alcohol_units: expected a decimal number written as a string like \"7.5\", got 1.5"),
    ("bad choice", _at("episodes", 0, "leg", "middle"),
     "episodes[0].leg: 'middle' is not one of the allowed values: left, right, both"),
    ("too long", _at("medications", 0, "name", "x" * 201),
     "medications[0].name: is 201 characters long (allowed: at most 200)"),
    ("stop before start", _at("medications", 1, "stopped", "2026-08-01"),
     "medications[1].stopped: The stop date is before the start date."),
    ("bad night hours", _profile("night_end_hour", 20), "profile.night_end_hour: 20 is more than 12"),
    ("bad answers", _answers,
     "screenings[0].answers.symptoms.muscle_twitching: expected true, false, \"not_sure\" or null"),
    ("repeated id", _same_id, "nights[1].id: "),
    ("repeated date", _same_date, "nights[1].date: 2026-11-01 appears more than once (first at nights[0])"),
    ("bad washout", _at("experiments", 0, "washout_nights", 7),
     "experiments[0].washout_nights: 7 leaves no nights in a period of 7"),
    ("big seed", _at("experiments", 0, "seed", "12345678901234567890123"),
     "experiments[0].seed: expected a whole number written as a string of digits"),
    ("session ends first", _at("stretch_sessions", 0, "ended_at", "2026-11-17T20:00:00Z"),
     "stretch_sessions[0].ended_at: 2026-11-17T20:00:00Z is before started_at"),
    ("nul", _at("episodes", 0, "note", "a\x00b"), "episodes[0].note: contains a NUL character"),
    ("row not an object", _top("nights", [1]), "nights[0]: expected an object, got a number"),
    ("reminders not an object", _top("reminders", []), "reminders: expected an object or null, got an array"),
]


def _file(good: dict[str, Any], change: Any) -> Any:
    if isinstance(change, bytes):
        return change
    data = copy.deepcopy(good)
    change(data)
    return data


@pytest.mark.parametrize(("change", "expected"), [(c, e) for _, c, e in BROKEN],
                         ids=[n for n, _, _ in BROKEN])
def test_a_broken_file_is_refused_naming_the_path_and_nothing_is_written(alice, carol, change, expected):
    raw = _file(export_backup(alice), change)
    before = row_counts()
    profile = list(Profile.objects.filter(user=carol).values())
    with pytest.raises(BackupError) as caught:
        restore_backup(carol, raw)
    assert any(problem.startswith(expected) for problem in caught.value.problems), caught.value.problems
    assert len(caught.value.problems) == 1, caught.value.problems
    assert row_counts() == before
    assert list(Profile.objects.filter(user=carol).values()) == profile
    assert str(caught.value).startswith("nothing was restored: 1 problem(s), first: ")


def test_every_problem_in_a_file_is_reported_at_once(alice, carol):
    data = export_backup(alice)
    data["nights"][2]["sleep_disruption"] = 11
    data["episodes"][0]["night"] = "2001-01-01"
    data["episodes"][2]["tz"] = "Nowhere/At_All"
    data["profile"]["theme"] = "purple"
    before = row_counts()
    with pytest.raises(BackupError) as caught:
        restore_backup(carol, dumps(data))
    assert caught.value.problems == [
        "profile.theme: 'purple' is not one of the allowed values: auto, dark, light",
        "nights[2].sleep_disruption: 11 is more than 10",
        "episodes[0].night: 2001-01-01 is not among the nights",
        "episodes[2].tz: 'Nowhere/At_All' is not a known time zone",
    ]
    assert row_counts() == before


def test_an_account_that_already_holds_diary_data_is_refused(alice, carol):
    data = export_backup(alice)
    with time_machine.travel(NOW, tick=False):
        save_night(carol, date(2026, 11, 10), stretched=True)
        save_screening(carol, {"age": 50})
    before = row_counts()
    with pytest.raises(BackupError) as caught:
        restore_backup(carol, data)
    assert caught.value.problems == [
        "this account already holds diary data (1 night, 1 screening); a backup is restored only into an "
        "account with an empty diary"]
    assert row_counts() == before
    assert Profile.objects.get(user=carol).time_zone == "America/New_York"


def test_the_demo_year_round_trips(demo):
    original = export_backup(demo)
    assert len(original["nights"]) > 300 and len(original["episodes"]) > 100
    fresh = make_user("demo-copy")
    summary = restore_backup(fresh, dumps(original))
    assert summary.nights == len(original["nights"])
    assert summary.ids_renewed == sum(len(original[t.key]) for t in TABLES)  # the demo account is still here
    assert comparable(export_backup(fresh), ids=False) == comparable(original, ids=False)


# --- Deleting an account ------------------------------------------------------------------------------------


def user_links() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every model field (foreign key or one-to-one, auto-created many-to-many tables too) that points
    at the user model."""
    return [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]


def rows_of(user_pk: int) -> dict[str, int]:
    return {f"{model._meta.label}.{field.name}":
            model._default_manager.filter(**{field.name: user_pk}).count()
            for model, field in user_links()}


def sessions_of(user_pk: int) -> int:
    decoder = SessionStore()
    return sum(1 for data in Session.objects.values_list("session_data", flat=True)
               if decoder.decode(data).get(SESSION_KEY) == str(user_pk))


def axes_rows(username: str) -> dict[str, int]:
    return {m._meta.label: m.objects.filter(username=username).count()
            for m in (AccessAttempt, AccessLog, AccessFailureLog)}


def give_login_traces(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    common = {"username": user.username, "ip_address": "192.0.2.7", "user_agent": "pytest",
              "http_accept": "text/html", "path_info": "/login/"}
    AccessAttempt.objects.create(**common, get_data="", post_data="username=" + user.username,
                                 failures_since_start=2)
    AccessLog.objects.create(**common)
    AccessFailureLog.objects.create(**common)
    group, _ = Group.objects.get_or_create(name="carers")
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="view_night"))
    return client


def test_deleting_an_account_removes_every_row_of_the_person_and_nothing_of_anyone_else(alice, other):
    fill(other, "B")
    alice_client, bob_client = give_login_traces(alice), give_login_traces(other)
    alice_pk = alice.pk
    links = user_links()
    assert len(links) >= 12
    for model, field in links:  # a new table that points at a person must go with the person
        assert field.remote_field.on_delete is models.CASCADE, f"{model._meta.label}.{field.name}"
    alice_before, bob_before = rows_of(alice_pk), rows_of(other.pk)
    missing = [name for name, count in alice_before.items() if count == 0]
    assert not missing, f"give the person a row in {missing} so that this test covers it"
    totals = {model._meta.label: model._default_manager.count() for model, _ in links}
    bob_axes = axes_rows("bob")
    assert sessions_of(alice_pk) == 1 and sessions_of(other.pk) == 1
    assert alice_client.get(reverse("tonight")).status_code == 200

    counts = delete_account(alice)

    assert not User.objects.filter(pk=alice_pk).exists()
    assert all(count == 0 for count in rows_of(alice_pk).values()), rows_of(alice_pk)
    assert rows_of(other.pk) == bob_before
    for model, field in links:  # gone, not just let go of (which SET_NULL would do)
        label = model._meta.label
        assert model._default_manager.count() == totals[label] - alice_before[f"{label}.{field.name}"], label
    assert sessions_of(alice_pk) == 0 and sessions_of(other.pk) == 1
    assert axes_rows("alice") == dict.fromkeys(axes_rows("alice"), 0)
    assert axes_rows("bob") == bob_axes and bob_axes["axes.AccessAttempt"] == 1
    assert alice_client.get(reverse("tonight")).status_code == 302  # logged out everywhere
    assert bob_client.get(reverse("tonight")).status_code == 200
    assert counts["auth.User"] == 1 and counts["sessions.Session"] == 1
    assert counts["axes.AccessAttempt"] == 1 and counts["axes.AccessFailureLog"] == 1
    for name, count in alice_before.items():
        assert counts[name.rsplit(".", 1)[0]] == count, name
    assert Group.objects.filter(name="carers").exists()  # shared rows stay


def test_deleting_an_account_without_anything_stored_deletes_just_the_user(db):
    user = User.objects.create_user("brief", password=PASSWORD)
    assert delete_account(user) == {"auth.User": 1}
