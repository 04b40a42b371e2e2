"""The diary as CSV files, out and back in: nights.csv, episodes.csv and medications.csv.

The formats are documented in docs/formats.md. Export then import into an empty account gives the
same files again, byte for byte. Import is all or nothing: every file is read and every row checked
first, every problem is reported (file, line, column, reason), and only a clean set of files is
written, in one transaction, through the diary services.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nightcramp.diary.models import Episode, Leg, Medication, Muscle, Night, Planned, Relief
from nightcramp.diary.nights import localize, offset_name
from nightcramp.diary.services import (
    FUTURE_TOLERANCE,
    log_episode,
    nights_with_episodes,
    plan_lookup,
    profile_of,
    save_medication,
    save_night,
)

NIGHTS = "nights"
EPISODES = "episodes"
MEDICATIONS = "medications"
NIGHT_COLUMNS = (
    "date", "cramps", "stretched", "max_severity", "sleep_disruption", "sitting_hours",
    "exercise_minutes", "alcohol_units", "note", "experiment_period", "planned",
)
EPISODE_COLUMNS = (
    "start", "duration_s", "leg", "muscle", "severity", "woke", "relief", "relief_helped", "note",
)
MEDICATION_COLUMNS = ("name", "dose", "started", "stopped", "note")
COLUMNS = {NIGHTS: NIGHT_COLUMNS, EPISODES: EPISODE_COLUMNS, MEDICATIONS: MEDICATION_COLUMNS}
REQUIRED = {NIGHTS: "date", EPISODES: "start", MEDICATIONS: "name"}
FILENAMES = {kind: f"{kind}.csv" for kind in COLUMNS}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}


# --- Problems ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file; ``line`` is 1-based and the header is line 1."""

    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


class ImportError_(Exception):  # noqa: N801 (trailing underscore: not the built-in ImportError)
    """The files were not imported; ``problems`` lists everything that is wrong with them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"nothing was imported: {len(self.problems)} problem(s), first: {self.problems[0]}")


class BadCell(ValueError):
    """A cell's text cannot be read; the message is the reason shown to the person."""


# --- Reading one cell ---------------------------------------------------------------------------

Parser = Callable[[str], Any]


def whole(low: int, high: int) -> Parser:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise BadCell(f"{text!r} is not a whole number")
        value = int(text)
        if not low <= value <= high:
            raise BadCell(f"{value} is out of range (allowed: {low} to {high})")
        return value

    return parse


def decimal(low: int, high: int) -> Parser:
    def parse(text: str) -> Decimal:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise BadCell(f"{text!r} is not a number") from None
        if not value.is_finite():
            raise BadCell(f"{text!r} is not a number")
        if not low <= value <= high:
            raise BadCell(f"{text} is out of range (allowed: {low} to {high})")
        if value != value.quantize(Decimal("0.1")):
            raise BadCell(f"{text} has more than one decimal place")
        return value.quantize(Decimal("0.1"))

    return parse


def yes_no(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise BadCell(f"{text!r} is not yes or no (allowed: yes, no, true, false, y, n, 1, 0)")


def choice(choices: type[Enum]) -> Parser:
    allowed = [str(c.value) for c in choices]  # type: ignore[attr-defined]

    def parse(text: str) -> str:
        if text.lower() not in allowed:
            raise BadCell(f"{text!r} is not one of the allowed values: {', '.join(allowed)}")
        return text.lower()

    return parse


def day(text: str) -> date:
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadCell(f"{text!r} is not a date written YYYY-MM-DD") from None


EXAMPLE_START = "2026-03-10T03:12:00+01:00"


def moment(text: str) -> datetime:
    try:
        if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", text):
            raise ValueError
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadCell(f"{text!r} is not an ISO 8601 date and time (like {EXAMPLE_START})") from None
    if value.tzinfo is None:
        raise BadCell(f"{text!r} has no UTC offset (write it like {text}+01:00)")
    return value.replace(microsecond=0)


def text(max_length: int | None = None) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise BadCell(f"is {len(value)} characters long (allowed: at most {max_length})")
        return value

    return parse


PARSERS: dict[str, dict[str, Parser]] = {
    NIGHTS: {
        "date": day, "cramps": whole(0, 100), "stretched": yes_no, "max_severity": whole(0, 10),
        "sleep_disruption": whole(0, 10), "sitting_hours": decimal(0, 24),
        "exercise_minutes": whole(0, 24 * 60), "alcohol_units": decimal(0, 100), "note": text(),
        "experiment_period": whole(1, 1000), "planned": choice(Planned),
    },
    EPISODES: {
        "start": moment, "duration_s": whole(0, 24 * 3600), "leg": choice(Leg), "muscle": choice(Muscle),
        "severity": whole(0, 10), "woke": yes_no, "relief": choice(Relief), "relief_helped": yes_no,
        "note": text(),
    },
    MEDICATIONS: {"name": text(200), "dose": text(200), "started": day, "stopped": day, "note": text()},
}
TEXT_COLUMNS = {"note", "name", "dose"}
CHOICE_COLUMNS = {"leg", "muscle", "relief", "planned"}


def read_cell(kind: str, column: str, raw: str) -> Any:
    """The value of one cell. Empty means not recorded: None, or '' for text and choice columns."""
    if "\x00" in raw:
        raise BadCell("contains a NUL character")
    if column in TEXT_COLUMNS:
        return PARSERS[kind][column](raw)
    stripped = raw.strip()
    if not stripped:
        return "" if column in CHOICE_COLUMNS else None
    return PARSERS[kind][column](stripped)


# --- Reading one file ----------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    values: dict[str, Any]


@dataclass
class ParsedFile:
    name: str
    kind: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def decode(name: str, data: bytes) -> str:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_([Problem(name, line, None, f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                                      "save the file as UTF-8 and try again")]) from None
    if not content.strip():
        raise ImportError_([Problem(name, None, None, "the file is empty (it needs at least a header row)")])
    return content


def kind_of(header: list[str]) -> str | None:
    """Which file this is, from its header: the kind whose key column is there, else the closest."""
    by_key = [kind for kind, key in REQUIRED.items() if key in header]
    if len(by_key) == 1:
        return by_key[0]
    overlap = {kind: len(set(header) & set(columns)) for kind, columns in COLUMNS.items()}
    best = max(overlap.values())
    leaders = [kind for kind, score in overlap.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None


def has(kind: str) -> str:
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind} file has the columns: {', '.join(COLUMNS[kind])}"


def header_problems(name: str, kind: str, header: list[str]) -> list[Problem]:
    problems = []
    known = COLUMNS[kind]
    for position, column in enumerate(header, start=1):
        if not column:
            problems.append(Problem(name, 1, None, f"column {position} of the header has no name"))
        elif column not in known:
            problems.append(Problem(name, 1, None, f"unknown column {column!r} ({has(kind)})"))
        elif header.index(column) != position - 1:
            problems.append(Problem(name, 1, None, f"column {column!r} appears more than once"))
    if REQUIRED[kind] not in header:
        reason = f"the required column {REQUIRED[kind]!r} is missing ({has(kind)})"
        problems.append(Problem(name, 1, None, reason))
    return problems


UNKNOWN_KIND = (
    "cannot tell what this file holds: a nights file needs a 'date' column, an episodes file a 'start' "
    "column and a medications file a 'name' column"
)


def parse_file(name: str, data: bytes) -> tuple[ParsedFile | None, list[Problem]]:
    """Read one file: its rows (None when its header is unusable) and every problem found in them."""
    try:
        reader = csv.reader(io.StringIO(decode(name, data), newline=""), strict=True)
    except ImportError_ as exc:
        return None, exc.problems
    try:
        header = [column.strip().lower() for column in next(reader)]
        kind = kind_of(header)
        if kind is None:
            return None, [Problem(name, 1, None, UNKNOWN_KIND)]
        problems = header_problems(name, kind, header)
        if problems:
            return None, problems
        parsed = ParsedFile(name, kind, header)
        problems = read_rows(parsed, reader)
    except csv.Error as exc:
        return None, [Problem(name, reader.line_num, None, f"is not valid CSV ({exc})")]
    return parsed, problems + check_required(parsed)


def read_rows(parsed: ParsedFile, reader: Any) -> list[Problem]:
    """Read the rows after the header from a csv.reader, keeping the line each row starts on."""
    problems = []
    line = 2
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells left by a spreadsheet
        if len(cells) != len(parsed.columns):
            problems.append(Problem(parsed.name, start, None, f"has {len(cells)} cells but the header has "
                                                               f"{len(parsed.columns)} columns"))
            continue
        values = {}
        for column, raw in zip(parsed.columns, cells, strict=True):
            try:
                values[column] = read_cell(parsed.kind, column, raw)
            except BadCell as exc:
                problems.append(Problem(parsed.name, start, column, str(exc)))
        parsed.rows.append(Row(start, values))
    return problems


def check_required(parsed: ParsedFile) -> list[Problem]:
    key = REQUIRED[parsed.kind]
    return [
        Problem(parsed.name, row.line, key, f"is empty; every row needs a {key}")
        for row in parsed.rows
        if key in row.values and (row.values[key] is None or not str(row.values[key]).strip())
    ]


# --- Checks across rows ---------------------------------------------------------------------------


def cross_problems(user: User, files: list[ParsedFile]) -> list[Problem]:
    """What only shows with a whole file (or the clock) in view: repeats, the future, stop before start."""
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for parsed in files:
        if parsed.kind in kinds:
            reason = f"holds {parsed.kind} like {kinds[parsed.kind]}; import one {parsed.kind} file at a time"
            problems.append(Problem(parsed.name, None, None, reason))
        kinds.setdefault(parsed.kind, parsed.name)
        problems += CROSS_CHECKS[parsed.kind](user, parsed)
    return problems


def night_problems(user: User, parsed: ParsedFile) -> list[Problem]:
    problems = []
    today = localize(timezone.now(), profile_of(user).time_zone).date()
    first_line: dict[date, int] = {}
    for row in parsed.rows:
        night = row.values.get("date")
        if not isinstance(night, date):
            continue
        if night in first_line:
            problems.append(Problem(parsed.name, row.line, "date", f"{night} appears more than once "
                                                                    f"(first on line {first_line[night]})"))
        first_line.setdefault(night, row.line)
        if night > today:
            problems.append(Problem(parsed.name, row.line, "date", f"the night of {night} has not begun yet"))
    return problems + plan_problems(parsed)


def plan_problems(parsed: ParsedFile) -> list[Problem]:
    """An imported experiment plan must make sense: a period and an arm together, one arm per period,
    and the two periods of each pair (1-2, 3-4, ...) on different arms."""
    problems = []
    arms: dict[int, tuple[str, int]] = {}
    for row in parsed.rows:
        period, planned = row.values.get("experiment_period"), row.values.get("planned") or ""
        if period is None and not planned:
            continue
        if period is None or not planned:
            missing = "experiment_period" if period is None else "planned"
            problems.append(Problem(parsed.name, row.line, missing,
                                    "experiment_period and planned go together: give both or neither"))
            continue
        first = arms.setdefault(period, (planned, row.line))
        if first[0] != planned:
            problems.append(Problem(parsed.name, row.line, "planned",
                                    f"period {period} is {first[0]!r} on line {first[1]}, so it cannot be "
                                    f"{planned!r} here"))
    for period, (arm, line) in sorted(arms.items()):
        partner = period + 1 if period % 2 else period - 1
        if partner in arms and arms[partner][0] == arm and period % 2:
            problems.append(Problem(parsed.name, arms[partner][1], "planned",
                                    f"periods {period} and {partner} form a pair, so they must differ "
                                    f"(both are {arm!r}; see line {line})"))
    return problems


def episode_problems(user: User, parsed: ParsedFile) -> list[Problem]:
    latest = timezone.now() + FUTURE_TOLERANCE
    return [
        Problem(parsed.name, row.line, "start", f"{row.values['start'].isoformat()} is in the future")
        for row in parsed.rows
        if isinstance(row.values.get("start"), datetime) and row.values["start"] > latest
    ]


def medication_problems(user: User, parsed: ParsedFile) -> list[Problem]:
    return [
        Problem(parsed.name, row.line, "stopped", f"{row.values['stopped']} is before the start date "
                                                  f"{row.values['started']}")
        for row in parsed.rows
        if row.values.get("started") and row.values.get("stopped")
        and row.values["stopped"] < row.values["started"]
    ]


CROSS_CHECKS = {NIGHTS: night_problems, EPISODES: episode_problems, MEDICATIONS: medication_problems}


# --- Writing ----------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    files: list[str] = field(default_factory=list)
    nights_created: int = 0
    nights_updated: int = 0
    episodes_created: int = 0
    episodes_skipped: int = 0
    medications_created: int = 0
    medications_skipped: int = 0

    def describe(self) -> str:
        parts = [
            _count(self.nights_created + self.nights_updated, "night", self.nights_updated, "updated"),
            _count(self.episodes_created, "episode", self.episodes_skipped, "skipped"),
            _count(self.medications_created, "medication", self.medications_skipped, "skipped"),
        ]
        return f"Imported from {', '.join(self.files)}: {', '.join(parts)}."


def _count(number: int, noun: str, already: int, done: str) -> str:
    text = f"{number} {noun}{'' if number == 1 else 's'}"
    return text + (f" ({already} already in the diary, {done})" if already else "")


def import_data(user: User, files: Sequence[tuple[str, bytes]]) -> ImportSummary:
    """Import named file contents, all or nothing. Raises ImportError_ listing every problem."""
    if not files:
        raise ImportError_([Problem("(no file)", None, None, "choose at least one CSV file")])
    parsed: list[ParsedFile] = []
    problems: list[Problem] = []
    for name, data in files:
        result, found = parse_file(name, data)
        problems += found
        if result is not None:
            parsed.append(result)
    problems += cross_problems(user, parsed)
    if problems:
        order = {name: index for index, (name, _) in enumerate(files)}
        raise ImportError_(sorted(problems, key=lambda p: (order.get(p.file, -1), p.line or 0)))
    return write(user, {p.kind: p for p in parsed})


def import_paths(user: User, paths: Sequence[Path]) -> ImportSummary:
    return import_data(user, [(path.name, path.read_bytes()) for path in paths])


class _RollBack(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def write(user: User, files: dict[str, ParsedFile]) -> ImportSummary:
    summary = ImportSummary(files=[f.name for f in files.values()])
    try:
        with transaction.atomic():
            problems = []
            dates = [row.values["date"] for row in files[NIGHTS].rows] if NIGHTS in files else []
            before = set(Night.objects.filter(user=user, date__in=dates).values_list("date", flat=True))
            if EPISODES in files:
                problems += write_episodes(user, files[EPISODES], summary)
            if NIGHTS in files:
                problems += write_nights(user, files[NIGHTS], before, summary)
            if MEDICATIONS in files:
                problems += write_medications(user, files[MEDICATIONS], summary)
            if problems:
                raise _RollBack(problems)
    except _RollBack as exc:
        raise ImportError_(exc.problems) from None
    return summary


def _refused(name: str, line: int, error: ValidationError) -> list[Problem]:
    if hasattr(error, "error_dict"):
        return [Problem(name, line, column, " ".join(messages))
                for column, messages in error.message_dict.items()]
    return [Problem(name, line, None, " ".join(error.messages))]


def write_episodes(user: User, parsed: ParsedFile, summary: ImportSummary) -> list[Problem]:
    stored = set(Episode.objects.filter(user=user).values_list("started_at", flat=True))
    problems = []
    for row in parsed.rows:
        start = row.values["start"]
        if start in stored:
            summary.episodes_skipped += 1
            continue
        details = {k: v for k, v in row.values.items() if k != "start"}
        try:
            log_episode(user, started_at=start, tz=offset_name(start.utcoffset()), **details)
        except ValidationError as exc:
            problems += _refused(parsed.name, row.line, exc)
            continue
        summary.episodes_created += 1
    return problems


def write_nights(user: User, parsed: ParsedFile, before: set[date], summary: ImportSummary) -> list[Problem]:
    """Each row sets the night's fields it has columns for; cramps and worst severity are stored as
    reported only where they differ from what the night's episodes give (``before``: the dates of
    nights that were in the diary before this import)."""
    dates = [row.values["date"] for row in parsed.rows]
    existing = {n.date: n for n in nights_with_episodes(user).filter(date__in=dates)}
    problems = []
    for row in parsed.rows:
        try:
            save_night(user, row.values["date"], **night_fields(row.values, existing.get(row.values["date"])))
        except ValidationError as exc:
            problems += _refused(parsed.name, row.line, exc)
            continue
        if row.values["date"] in before:
            summary.nights_updated += 1
        else:
            summary.nights_created += 1
    return problems


NIGHT_FIELD_OF = {
    "stretched": "stretched", "sleep_disruption": "sleep_disruption", "sitting_hours": "sitting_hours",
    "exercise_minutes": "exercise_minutes", "alcohol_units": "alcohol_units", "note": "note",
    "experiment_period": "experiment_period", "planned": "planned",
}


def night_fields(values: dict[str, Any], night: Night | None) -> dict[str, Any]:
    fields = {NIGHT_FIELD_OF[k]: v for k, v in values.items() if k in NIGHT_FIELD_OF}
    if "cramps" in values:
        derived = night.derived_cramps() if night is not None else None
        fields["cramps_reported"] = values["cramps"] if values["cramps"] != derived else None
    if "max_severity" in values:
        derived = night.derived_max_severity() if night is not None else None
        worst = values["max_severity"]
        fields["max_severity_reported"] = worst if worst != derived else None
    return fields


def write_medications(user: User, parsed: ParsedFile, summary: ImportSummary) -> list[Problem]:
    stored = set(Medication.objects.filter(user=user).values_list("name", "started"))
    problems = []
    for row in parsed.rows:
        fields = dict(row.values)
        if (fields["name"], fields.get("started")) in stored:
            summary.medications_skipped += 1
            continue
        try:
            save_medication(user, **fields)
        except ValidationError as exc:
            problems += _refused(parsed.name, row.line, exc)
            continue
        summary.medications_created += 1
    return problems


# --- Export -------------------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """A value as the export writes it: empty for not recorded, yes/no, decimals without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def night_rows(user: User) -> list[list[str]]:
    placed = plan_lookup(user)
    return [
        [cell(v) for v in (n.date, n.cramps, n.stretched, n.max_severity, n.sleep_disruption, n.sitting_hours,
                           n.exercise_minutes, n.alcohol_units, n.note, *placed(n))]
        for n in nights_with_episodes(user).order_by("date")
    ]


def episode_rows(user: User) -> list[list[str]]:
    episodes = Episode.objects.filter(user=user).order_by("started_at")
    rows = [
        (e.started_at, [localize(e.started_at, e.tz).isoformat(timespec="seconds")]
         + [cell(getattr(e, name)) for name in EPISODE_COLUMNS[1:]])
        for e in episodes
    ]
    return [row for _, row in sorted(rows, key=lambda pair: (pair[0], pair[1]))]


def medication_rows(user: User) -> list[list[str]]:
    medications = Medication.objects.filter(user=user)
    rows = [[cell(getattr(m, name)) for name in MEDICATION_COLUMNS] for m in medications]
    return sorted(rows, key=lambda r: (r[2], r[0], r[1], r[3], r[4]))  # by start date, then name


def to_csv(columns: Sequence[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def export_files(user: User) -> dict[str, bytes]:
    """The three files, by name, as bytes."""
    return {
        FILENAMES[NIGHTS]: to_csv(NIGHT_COLUMNS, night_rows(user)),
        FILENAMES[EPISODES]: to_csv(EPISODE_COLUMNS, episode_rows(user)),
        FILENAMES[MEDICATIONS]: to_csv(MEDICATION_COLUMNS, medication_rows(user)),
    }


def export_to_dir(user: User, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in export_files(user).items():
        path = out_dir / name
        path.write_bytes(content)
        written.append(path)
    return written


def export_zip(user: User, folder: str) -> bytes:
    """A zip holding the three files in one folder."""
    buffer = io.BytesIO()
    stamp = localize(timezone.now(), profile_of(user).time_zone).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_files(user).items():
            archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
