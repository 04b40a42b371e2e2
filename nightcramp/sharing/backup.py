"""A person's whole account as one JSON file, back in, and the account deleted for good.

``export_backup`` gives everything the person stored (the profile, reminder settings, nights, cramps,
medications, experiments, stretching sessions and health checks) as a JSON-ready dict; ``dumps`` makes
the file. ``restore_backup`` puts such a file into an empty account: all or nothing, every row checked
with its model's validation first and every problem reported with the path of the bad value
(``nights[3].sleep_disruption: 11 is more than 10``), then everything written in one transaction.
Exporting the restored account gives the same backup again (apart from ``exported_at``, ``account`` and
any ids that were already taken on this server). ``delete_account`` removes the person and every row
that was theirs, sessions and login-throttling records included.

Secrets are never in a backup: no password hash, no API token, no share link, no calendar feed address.
The format is documented in docs/formats.md ("Full backup (JSON)").
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from nightcramp.care.models import ReminderSettings, StretchSession
from nightcramp.diary.models import Episode, Experiment, Medication, Night, Profile
from nightcramp.screening.answers import AnswersError
from nightcramp.screening.answers import parse as parse_answers
from nightcramp.screening.models import Screening

FORMAT = "nightcramp-backup"
VERSION = 1
BATCH = 500


class BackupError(Exception):
    """Nothing was restored; ``problems`` lists everything wrong, each starting with the path of the value."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"nothing was restored: {len(self.problems)} problem(s), first: {self.problems[0]}")


class BadValue(ValueError):
    """A JSON value of the wrong shape; the message is the reason shown after the path."""


# --- Values: how each kind of column is written and read -------------------------------------------


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def _got(value: Any) -> str:
    plain = isinstance(value, str | int | float) and not isinstance(value, bool)
    return repr(value) if plain else _kind(value)


def write_moment(value: datetime) -> str:
    """An instant in UTC, ISO 8601 with "Z"; fractional seconds only when they are not zero."""
    return value.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


def read_moment(value: str) -> datetime:
    if not isinstance(value, str):
        raise BadValue(f"expected a date and time like 2026-03-10T02:12:00Z, got {_got(value)}")
    try:
        if not re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", value):
            raise ValueError
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} is not an ISO 8601 date and time (like 2026-03-10T02:12:00Z)") from None
    if moment.tzinfo is None:
        raise BadValue(f"{value!r} has no UTC offset (write it like {value}Z)")
    return moment.astimezone(UTC)


def read_date(value: Any) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise BadValue(f"expected a date written YYYY-MM-DD, got {_got(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a real date") from None


def read_time(value: Any) -> time:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}:[0-9]{2}(:[0-9]{2})?", value):
        raise BadValue(f"expected a time written HH:MM:SS, got {_got(value)}")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a real time") from None


def read_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise BadValue(f"expected an id (a UUID string), got {_got(value)}")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a UUID") from None


INT64 = range(-(2**63), 2**63)


def read_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"expected a whole number, got {_got(value)}")
    if value not in INT64:  # every database can store it (then the model's validators decide)
        raise BadValue(f"{value} is far out of range")
    return value


def read_big_int(value: Any) -> int:
    """A whole number that may not fit a double: written as a string of digits, read from either."""
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,19}", value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise BadValue(f"expected a whole number written as a string of digits, got {_got(value)}")


def read_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"expected true, false or null, got {_got(value)}")
    return value


def read_text(value: Any) -> str:
    if not isinstance(value, str):
        raise BadValue(f"expected a string, got {_got(value)}")
    if "\x00" in value:
        raise BadValue("contains a NUL character")
    return value


def write_decimal(value: Decimal) -> str:
    return format(value, "f")


def read_decimal(value: Any) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,10}(\.[0-9]{1,10})?", value):
        return Decimal(value)
    raise BadValue(f"expected a decimal number written as a string like \"7.5\", got {_got(value)}")


def _nul_in(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


def read_answers(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadValue(f"expected an object, got {_kind(value)}")
    if _nul_in(value):
        raise BadValue("contains a NUL character")
    return value


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Kind:
    write: Callable[[Any], Any]
    read: Callable[[Any], Any]


UUID = Kind(str, read_uuid)
DATE = Kind(date.isoformat, read_date)
MOMENT = Kind(write_moment, read_moment)
TIME = Kind(time.isoformat, read_time)
INT = Kind(_same, read_int)
BIG_INT = Kind(str, read_big_int)
BOOL = Kind(_same, read_bool)
TEXT = Kind(_same, read_text)
DECIMAL = Kind(write_decimal, read_decimal)
ANSWERS = Kind(_same, read_answers)
NIGHT_REF = "night"
"""A row's night, written as the night's date (the ``date`` of one of the backup's nights)."""


# --- What a backup holds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str
    noun: str
    model: type[models.Model]
    columns: tuple[tuple[str, Kind], ...]
    order: Callable[[Any], tuple[Any, ...]]
    """The first part of the sort key, from the model instance (then the rest of the row, then the id)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _min_date(value: date | None) -> date:
    return value if value is not None else date.min


PROFILE_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("display_name", TEXT), ("birth_year", INT), ("sex", TEXT), ("time_zone", TEXT), ("hemisphere", TEXT),
    ("night_start_hour", INT), ("night_end_hour", INT), ("theme", TEXT), ("country", TEXT),
)
ADDED_LATER: dict[tuple[str, str], Any] = {("profile", "country"): ""}
"""Keys added to version 1 after its first backups were written: a backup without one reads as this value."""
REMINDER_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("bedtime_enabled", BOOL), ("bedtime_at", TIME), ("morning_enabled", BOOL), ("morning_at", TIME),
    ("updated_at", MOMENT),
)
NIGHTS = Table("nights", "night", Night, (
    ("id", UUID), ("date", DATE), ("stretched", BOOL), ("sleep_disruption", INT), ("sitting_hours", DECIMAL),
    ("exercise_minutes", INT), ("alcohol_units", DECIMAL), ("note", TEXT), ("cramps_reported", INT),
    ("max_severity_reported", INT), ("checked_in_at", MOMENT), ("experiment_period", INT), ("planned", TEXT),
    ("created_at", MOMENT), ("updated_at", MOMENT),
), lambda n: (n.date,))
EPISODES = Table("episodes", "episode", Episode, (
    ("id", UUID), ("night", DATE), ("started_at", MOMENT), ("tz", TEXT), ("daytime", BOOL),
    ("duration_s", INT), ("leg", TEXT), ("muscle", TEXT), ("severity", INT), ("woke", BOOL),
    ("relief", TEXT), ("relief_helped", BOOL), ("note", TEXT), ("created_at", MOMENT), ("updated_at", MOMENT),
), lambda e: (e.started_at,))
MEDICATIONS = Table("medications", "medication", Medication, (
    ("id", UUID), ("name", TEXT), ("dose", TEXT), ("started", DATE), ("stopped", DATE), ("note", TEXT),
    ("created_at", MOMENT), ("updated_at", MOMENT),
), lambda m: (_min_date(m.started), m.name))
EXPERIMENTS = Table("experiments", "experiment", Experiment, (
    ("id", UUID), ("start", DATE), ("pairs", INT), ("period_nights", INT), ("washout_nights", INT),
    ("seed", BIG_INT), ("stopped", DATE), ("created_at", MOMENT),
), lambda x: (x.start,))
STRETCH_SESSIONS = Table("stretch_sessions", "stretch session", StretchSession, (
    ("id", UUID), ("night", DATE), ("routine", TEXT), ("extras", TEXT), ("started_at", MOMENT),
    ("ended_at", MOMENT), ("tz", TEXT), ("holds_planned", INT), ("holds_done", INT), ("created_at", MOMENT),
), lambda s: (s.started_at,))
SCREENINGS = Table("screenings", "screening", Screening, (
    ("id", UUID), ("answers", ANSWERS), ("created_at", MOMENT),
), lambda s: (s.created_at,))
TABLES = (NIGHTS, EPISODES, MEDICATIONS, EXPERIMENTS, STRETCH_SESSIONS, SCREENINGS)
"""The person's diary rows, in the order they are written back (nights before what refers to them)."""

LEFT_OUT: dict[type[models.Model], set[str]] = {
    Profile: {"id", "user"},
    ReminderSettings: {"id", "user", "feed_secret"},
    Night: {"user"}, Episode: {"user"}, Medication: {"user"}, Experiment: {"user"},
    StretchSession: {"user"}, Screening: {"user", "seen_at"},
}
"""Model fields a backup does not hold: the owner (the account it is restored into), the row number of
one-per-person rows, the calendar feed's secret, and when an urgent health-check result was marked seen
(a restored account shows it on Tonight again until it is marked seen there)."""

TOP_KEYS = ("format", "version", "exported_at", "account", "profile", "reminders",
            *(table.key for table in TABLES))
INFORMATIVE = ("exported_at", "account")
"""Top-level keys that restore does not need or read."""


def _write_row(obj: models.Model, columns: Iterable[tuple[str, Kind]]) -> dict[str, Any]:
    row = {}
    for name, kind in columns:
        if name == NIGHT_REF:
            row[name] = obj.night.date.isoformat()  # type: ignore[attr-defined]
            continue
        value = getattr(obj, name)
        row[name] = None if value is None else kind.write(value)
    return row


def _table_rows(user: User, table: Table) -> list[dict[str, Any]]:
    objects = table.model._default_manager.filter(user=user).order_by()
    if NIGHT_REF in table.names:
        objects = objects.select_related(NIGHT_REF)
    keyed = []
    for obj in objects:
        row = _write_row(obj, table.columns)
        rest = json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True, ensure_ascii=False)
        keyed.append(((*table.order(obj), rest, row["id"]), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


def export_backup(user: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything the person stored, as a JSON-ready dict (docs/formats.md, "Full backup (JSON)")."""
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    reminders = ReminderSettings.objects.filter(user=user).first()
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": write_moment(now or timezone.now()),
        "account": {"username": user.get_username(), "date_joined": write_moment(user.date_joined)},
        "profile": _write_row(profile, PROFILE_COLUMNS),
        "reminders": _write_row(reminders, REMINDER_COLUMNS) if reminders is not None else None,
    }
    for table in TABLES:
        data[table.key] = _table_rows(user, table)
    return data


def dumps(data: dict[str, Any]) -> bytes:
    """The backup file: UTF-8 JSON, indented by 2, keys sorted, ending with a newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# --- Restore: reading and checking ----------------------------------------------------------------------


@dataclass
class RestoreSummary:
    nights: int = 0
    episodes: int = 0
    medications: int = 0
    experiments: int = 0
    stretch_sessions: int = 0
    screenings: int = 0
    reminders: bool = False
    ids_renewed: int = 0
    """Rows whose id was already taken on this server and that were given a new one."""

    def describe(self) -> str:
        parts = [_count(getattr(self, table.key), table.noun) for table in TABLES]
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
        settings_part = "the profile and the reminder settings" if self.reminders else "the profile"
        text = f"Restored {listed}, with {settings_part}."
        if self.ids_renewed:
            text += (f" {_count(self.ids_renewed, 'entry', 'entries')} already in use on this server "
                     f"{'was' if self.ids_renewed == 1 else 'were'} given a new id.")
        return text


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_raw(raw: bytes | str | dict[str, Any]) -> Any:
    """The JSON value of a backup file; BackupError names the line and column of a syntax error."""
    if isinstance(raw, dict):
        return raw
    text = raw
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise BackupError([f"line {line}: the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})"]) \
                from None
    if not text.strip():
        raise BackupError(["the file is empty"])
    try:
        return json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BackupError([f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})"]) from None
    except ValueError as exc:
        raise BackupError([str(exc)]) from None


def _check_top(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BackupError([f"the file holds {_kind(data)}, not a nightcramp backup (a JSON object with "
                           f"\"format\": \"{FORMAT}\")"])
    if data.get("format") != FORMAT:
        found = _got(data["format"]) if "format" in data else "nothing"
        raise BackupError([f"format: expected {FORMAT!r}, got {found}; this is not a nightcramp backup"])
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        found = _got(version) if "version" in data else "nothing"
        raise BackupError([f"version: {found} is not a backup version this nightcramp can read "
                           f"(it reads version {VERSION})"])
    problems = [f"{key}: unknown key (a backup has the keys: {', '.join(TOP_KEYS)})"
                for key in data if key not in TOP_KEYS]
    for key in TOP_KEYS:
        if key in INFORMATIVE:
            continue
        if key not in data:
            problems.append(f"{key}: missing")
        elif key == "profile" and not isinstance(data[key], dict):
            problems.append(f"profile: expected an object, got {_kind(data[key])}")
        elif key == "reminders" and data[key] is not None and not isinstance(data[key], dict):
            problems.append(f"reminders: expected an object or null, got {_kind(data[key])}")
        elif key not in ("format", "version", "profile", "reminders") and not isinstance(data[key], list):
            problems.append(f"{key}: expected an array, got {_kind(data[key])}")
    if problems:
        raise BackupError(problems)
    return data


def _read_values(path: str, raw: Any, noun: str, model: type[models.Model],
                 columns: tuple[tuple[str, Kind], ...], problems: list[str]
                 ) -> tuple[dict[str, Any], set[str]] | None:
    """The values of one row by column, and the columns that are missing or unreadable."""
    if not isinstance(raw, dict):
        problems.append(f"{path}: expected an object, got {_kind(raw)}")
        return None
    names = [name for name, _ in columns]
    problems += [f"{path}.{key}: unknown key (a {noun} has the keys: {', '.join(names)})"
                 for key in raw if key not in names]
    values: dict[str, Any] = {}
    bad: set[str] = set()
    for name, kind in columns:
        if name not in raw and (path, name) in ADDED_LATER:
            values[name] = ADDED_LATER[path, name]
        elif name not in raw:
            problems.append(f"{path}.{name}: missing")
            bad.add(name)
        elif raw[name] is None:
            model_field = model._meta.get_field(name)
            if model_field.null:
                values[name] = None
            else:
                text = isinstance(model_field, models.CharField | models.TextField)
                problems.append(f"{path}.{name}: is null, but it needs a value"
                                + (' (write "" for no text)' if text else ""))
                bad.add(name)
        else:
            try:
                values[name] = kind.read(raw[name])
            except BadValue as exc:
                problems.append(f"{path}.{name}: {exc}")
                bad.add(name)
    return values, bad


def _reason(model_field: models.Field[Any, Any] | None, value: Any, error: ValidationError) -> str:
    code, params = error.code, error.params or {}
    shown = value if not isinstance(value, str) else repr(value)
    if code == "max_value":
        return f"{shown} is more than {params['limit_value']}"
    if code == "min_value":
        return f"{shown} is less than {params['limit_value']}"
    if code == "invalid_choice" and model_field is not None and model_field.choices:
        allowed = ", ".join(str(choice) for choice, _ in model_field.flatchoices)
        return f"{shown} is not one of the allowed values: {allowed}"
    if code == "max_length":
        return f"is {params['show_value']} characters long (allowed: at most {params['limit_value']})"
    if code == "null":
        return "is null, but it needs a value"
    if code == "blank":
        return "is empty, but it needs a value"
    message = " ".join(error.messages)
    if code in ("max_digits", "max_decimal_places", "max_whole_digits"):
        return f"{value}: {message}"
    return message


def _clean(path: str, obj: models.Model, values: dict[str, Any], exclude: set[str],
           problems: list[str]) -> bool:
    """Run the model's full validation; False (and the problems noted) when it refuses the row."""
    try:
        obj.full_clean(exclude=sorted(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, errors in exc.error_dict.items():
            model_field = None if name == NON_FIELD_ERRORS else obj._meta.get_field(name)
            where = path if name == NON_FIELD_ERRORS else f"{path}.{name}"
            # One reason per value (a value out of range is not also reported by the model's clean()).
            shown = errors[:1] if name != NON_FIELD_ERRORS else errors
            for error in shown:
                problems.append(f"{where}: {_reason(model_field, values.get(name), error)}")  # type: ignore[arg-type]
        return False
    return True


@dataclass
class Plan:
    """The rows to write, all checked."""

    profile: dict[str, Any]
    reminders: dict[str, Any] | None
    rows: dict[str, list[models.Model]]
    updated_at: dict[str, list[datetime]]


def _read_settings(user: User, data: dict[str, Any], problems: list[str]
                   ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    profile: dict[str, Any] = {}
    read = _read_values("profile", data["profile"], "profile", Profile, PROFILE_COLUMNS, problems)
    if read is not None:
        profile, bad = read
        _clean("profile", Profile(user=user, **profile), profile, bad | {"user"}, problems)
    reminders = None
    if data["reminders"] is not None:
        read = _read_values("reminders", data["reminders"], "reminder settings", ReminderSettings,
                            REMINDER_COLUMNS, problems)
        if read is not None:
            reminders, bad = read
            _clean("reminders", ReminderSettings(user=user, **reminders), reminders,
                   bad | {"user", "updated_at"}, problems)
    return profile, reminders


@dataclass
class NightIndex:
    """The backup's nights by date, for the rows that name their night."""

    by_date: dict[date, Night] = field(default_factory=dict)
    unreadable: bool = False
    """Some night's date could not be read: a missing night is then not reported (it may be that one)."""


def _read_table(user: User, table: Table, raws: list[Any], nights: NightIndex,
                problems: list[str]) -> tuple[list[models.Model], list[datetime]]:
    objs: list[models.Model] = []
    stamps: list[datetime] = []
    first_id: dict[uuid.UUID, str] = {}
    first_date: dict[date, str] = {}
    for index, raw in enumerate(raws):
        path = f"{table.key}[{index}]"
        read = _read_values(path, raw, table.noun, table.model, table.columns, problems)
        if read is None or (table is NIGHTS and "date" in read[1]):
            nights.unreadable = nights.unreadable or table is NIGHTS
        if read is None:
            continue
        values, bad = read
        ok = not bad
        row_id = values.get("id")
        if isinstance(row_id, uuid.UUID):
            if row_id in first_id:
                problems.append(f"{path}.id: {row_id} appears more than once (first at {first_id[row_id]})")
                ok = False
            first_id.setdefault(row_id, path)
        fields = {k: v for k, v in values.items() if k != NIGHT_REF}
        if NIGHT_REF in values:
            day = values[NIGHT_REF]
            if day not in nights.by_date:
                if not nights.unreadable:
                    problems.append(f"{path}.night: {day} is not among the nights")
                ok = False
            fields[NIGHT_REF] = nights.by_date.get(day)
        obj = table.model(user=user, **fields)
        ok = _clean(path, obj, values, bad | {"user", NIGHT_REF}, problems) and ok
        ok = _row_rules(table, path, obj, objs, problems) and ok
        if table is NIGHTS and isinstance(values.get("date"), date):
            day = values["date"]
            if day in first_date:
                problems.append(f"{path}.date: {day} appears more than once (first at {first_date[day]})")
                ok = False
            else:
                first_date[day] = path
                nights.by_date[day] = obj  # type: ignore[assignment]
        if ok:
            objs.append(obj)
            if "updated_at" in values:
                stamps.append(values["updated_at"])
    return objs, stamps


def _row_rules(table: Table, path: str, obj: Any, earlier: list[Any], problems: list[str]) -> bool:
    """The checks the services make beyond the model's own validation."""
    found = []
    if table is SCREENINGS and isinstance(obj.answers, dict):
        try:
            parse_answers(obj.answers)
        except AnswersError as error:
            found.append(f"{path}.{error}")
    if table is STRETCH_SESSIONS and isinstance(obj.started_at, datetime) \
            and isinstance(obj.ended_at, datetime) and obj.ended_at < obj.started_at:
        found.append(f"{path}.ended_at: {write_moment(obj.ended_at)} is before started_at")
    if table is EXPERIMENTS and isinstance(obj.washout_nights, int) and isinstance(obj.period_nights, int) \
            and obj.washout_nights >= obj.period_nights:
        found.append(f"{path}.washout_nights: {obj.washout_nights} leaves no nights in a period of "
                     f"{obj.period_nights}")
    if table is EXPERIMENTS and not found and not problems_for(path, problems):
        found += _overlaps(path, obj, earlier)
    problems += found
    return not found


def problems_for(path: str, problems: list[str]) -> bool:
    return any(p.startswith((path + ".", path + ":")) for p in problems)


def _overlaps(path: str, experiment: Experiment, earlier: list[Any]) -> list[str]:
    from nightcramp.diary.services import experiment_end

    end = experiment_end(experiment)
    return [f"{path}.start: the experiment from {experiment.start} overlaps the one from {other.start}"
            for other in earlier if other.start <= end and experiment.start <= experiment_end(other)]


def read_backup(user: User, data: dict[str, Any]) -> Plan:
    """Check every value of a backup (already past ``_check_top``); BackupError lists every problem."""
    problems: list[str] = []
    profile, reminders = _read_settings(user, data, problems)
    nights = NightIndex()
    rows: dict[str, list[models.Model]] = {}
    stamps: dict[str, list[datetime]] = {}
    for table in TABLES:
        rows[table.key], stamps[table.key] = _read_table(user, table, data[table.key], nights, problems)
    if problems:
        raise BackupError(problems)
    return Plan(profile, reminders, rows, stamps)


def diary_held(user: User) -> list[str]:
    """What the account already holds, e.g. ["3 nights", "1 screening"]; empty for an empty diary."""
    held = []
    for table in TABLES:
        count = table.model._default_manager.filter(user=user).count()
        if count:
            held.append(_count(count, table.noun))
    return held


def _refuse_if_held(user: User) -> None:
    held = diary_held(user)
    if held:
        raise BackupError([f"this account already holds diary data ({', '.join(held)}); a backup is "
                           "restored only into an account with an empty diary"])


# --- Restore: writing ---------------------------------------------------------------------------------


def _renew_taken_ids(table: Table, objs: list[models.Model]) -> int:
    """Give a new id to every row whose id is already used on this server; references go by date."""
    ids = [obj.pk for obj in objs]
    taken: set[Any] = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        taken.update(table.model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True))
    renewed = 0
    for obj in objs:
        if obj.pk in taken:
            obj.pk = uuid.uuid4()
            renewed += 1
    return renewed


def _write(user: User, plan: Plan) -> RestoreSummary:
    summary = RestoreSummary()
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    for name, value in plan.profile.items():
        setattr(profile, name, value)
    profile.save()
    user.profile = profile
    if plan.reminders is None:  # the backup had none: neither has the restored account
        ReminderSettings.objects.filter(user=user).delete()
    else:
        reminders = ReminderSettings.objects.filter(user=user).first() or ReminderSettings(user=user)
        for name, value in plan.reminders.items():
            setattr(reminders, name, value)
        reminders.save()  # feed_secret: the account's own calendar address, if it has one, stays
        ReminderSettings.objects.filter(pk=reminders.pk).update(updated_at=plan.reminders["updated_at"])
        summary.reminders = True
    for table in TABLES:
        objs = plan.rows[table.key]
        for obj in objs:
            if NIGHT_REF in table.names:
                obj.night_id = obj.night.pk  # type: ignore[attr-defined]
        summary.ids_renewed += _renew_taken_ids(table, objs)
        table.model._default_manager.bulk_create(objs, batch_size=BATCH)
        stamps = plan.updated_at[table.key]
        if stamps:  # auto_now stamped the rows with the time of the restore; put the backup's times back
            for obj, stamp in zip(objs, stamps, strict=True):
                obj.updated_at = stamp  # type: ignore[attr-defined]
            table.model._default_manager.bulk_update(objs, ["updated_at"], batch_size=BATCH)
        setattr(summary, table.key, len(objs))
    return summary


def restore_backup(user: User, raw: bytes | str | dict[str, Any]) -> RestoreSummary:
    """Put a backup into an account whose diary is empty: all or nothing (BackupError lists every
    problem and nothing is written). The profile and reminder settings are replaced by the file's."""
    data = _check_top(parse_raw(raw))
    _refuse_if_held(user)
    plan = read_backup(user, data)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()
        _refuse_if_held(user)
        return _write(user, plan)


# --- Deleting an account -------------------------------------------------------------------------------


def _delete_sessions(user: User) -> dict[str, int]:
    """End every session logged in as the person (read through the session engine, so its cache too)."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:  # cookie-based sessions: nothing is stored on the server
        return {}
    model = get_model()
    decoder = store_class()
    mine = str(user.pk)
    keys = [key for key, data in model.objects.values_list("session_key", "session_data").iterator()
            if str(decoder.decode(data).get(SESSION_KEY)) == mine]
    for key in keys:
        store_class(session_key=key).delete()
    return {model._meta.label: len(keys)}


def _delete_axes_records(user: User) -> dict[str, int]:
    """django-axes' login records for the person's username (failed attempts, logins, failures)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    counts: Counter[str] = Counter()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        _, per_model = model.objects.filter(username=user.get_username()).delete()
        counts.update(per_model)
    return dict(counts)


def delete_account(user: User) -> dict[str, int]:
    """Delete the person and every row that was theirs, in one transaction: the user and all that
    cascades from it (profile, diary, reminders, health checks, API tokens, share links), their sessions
    and their login-throttling records. Returns how many rows went, by model label (zeros left out)."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        counts.update(_delete_sessions(user))
        counts.update(_delete_axes_records(user))
        _, per_model = type(user)._default_manager.filter(pk=user.pk).delete()
        counts.update(per_model)
    return {label: number for label, number in sorted(counts.items()) if number}
