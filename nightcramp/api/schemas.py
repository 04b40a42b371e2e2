"""The shapes the JSON API reads and writes. Allowed values come from the models' choices.

Choice fields the diary stores as "" (not recorded) are ``null`` in JSON, both ways.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode, Hemisphere, Leg, Muscle, Night, Profile, Relief, Sex, Theme

T = TypeVar("T")
MAX_LIMIT = 500
MAX_OFFSET = 1_000_000
"""A list's offset at most: a database refuses (with a 500) an offset past 2**63, and no diary holds more."""
DAY_SECONDS = 24 * 3600

# Shared field definitions, so input and output agree on ranges.
Severity = Field(None, ge=0, le=10, description="0 (none) to 10 (worst imaginable).")
Duration = Field(None, ge=0, le=DAY_SECONDS, description="How long it lasted, in seconds.")
ClientId = Field(None, description="Chosen by the client, so a retried request never duplicates.")
Zone = Field(None, max_length=64, description='An IANA zone ("Europe/London") or an offset ("+02:00").')


class Input(Schema):
    """Unknown fields are refused, so a misspelt field name is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int = Field(description="How many entries match, across all pages.")


class ListQuery(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET,
                        description=f"Entries to skip, at most {MAX_OFFSET:,} (more than any diary holds).")


class NightRange(ListQuery):
    since: date | None = Field(None, description="Only nights on or after this date.")
    until: date | None = Field(None, description="Only nights on or before this date.")


class Problem(Schema):
    detail: str


class FieldError(Schema):
    field: str | None = Field(description="The field at fault; null when the entry as a whole is.")
    message: str


class Invalid(Schema):
    detail: list[FieldError]


# --- Episodes --------------------------------------------------------------------------------
class EpisodeDetails(Input):
    duration_s: int | None = Duration
    leg: Leg | None = None
    muscle: Muscle | None = None
    severity: int | None = Severity
    woke: bool | None = Field(None, description="Did it wake you?")
    relief: Relief | None = None
    relief_helped: bool | None = None
    note: str | None = None


class EpisodeIn(EpisodeDetails):
    id: UUID | None = ClientId
    started_at: datetime | None = Field(None, description="ISO 8601 with a UTC offset; default now.")
    tz: str | None = Zone


class EpisodePatch(EpisodeDetails):
    started_at: datetime | None = Field(None, description="ISO 8601 with a UTC offset.")
    tz: str | None = Zone


class EpisodeOut(Schema):
    id: UUID
    started_at: datetime = Field(description="When it began, in the episode's own local offset.")
    tz: str
    night: date = Field(description="The night it belongs to, named by the evening it began.")
    daytime: bool
    duration_s: int | None
    leg: Leg | None
    muscle: Muscle | None
    severity: int | None
    woke: bool | None
    relief: Relief | None
    relief_helped: bool | None
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_started_at(obj: Episode) -> datetime:
        return obj.local_start

    @staticmethod
    def resolve_night(obj: Episode) -> date:
        return obj.night.date

    @staticmethod
    def resolve_leg(obj: Episode) -> str | None:
        return obj.leg or None

    @staticmethod
    def resolve_muscle(obj: Episode) -> str | None:
        return obj.muscle or None

    @staticmethod
    def resolve_relief(obj: Episode) -> str | None:
        return obj.relief or None


# --- Nights ----------------------------------------------------------------------------------
class NightIn(Input):
    stretched: bool | None = Field(None, description="Stretched before bed.")
    sleep_disruption: int | None = Field(None, ge=0, le=10, description="0 (slept well) to 10.")
    sitting_hours: float | None = Field(None, ge=0, le=24, description="Hours sitting the day before.")
    exercise_minutes: int | None = Field(None, ge=0, le=24 * 60)
    alcohol_units: float | None = Field(None, ge=0, le=100)
    note: str | None = None
    cramps_reported: int | None = Field(None, ge=0, le=100, description="A count entered directly.")
    max_severity_reported: int | None = Severity
    checked_in: bool = Field(True, description="Mark the morning check-in as done (it stays done).")


class NightOut(Schema):
    date: date
    cramps: int | None = Field(description="Reported count, else counted from episodes; null if unknown.")
    max_severity: int | None
    stretched: bool | None
    sleep_disruption: int | None
    sitting_hours: float | None
    exercise_minutes: int | None
    alcohol_units: float | None
    note: str
    cramps_reported: int | None
    max_severity_reported: int | None
    checked_in: bool
    episodes: list[UUID] = Field(description="Ids of the episodes filed under this night, oldest first.")

    @staticmethod
    def resolve_checked_in(obj: Night) -> bool:
        return obj.checked_in_at is not None

    @staticmethod
    def resolve_episodes(obj: Night) -> list[UUID]:
        return [e.id for e in obj.episodes.all()]


# --- Medications -----------------------------------------------------------------------------
class MedicationFields(Input):
    dose: str | None = Field(None, max_length=200, description="Free text, e.g. '2.5 mg each morning'.")
    started: date | None = None
    stopped: date | None = None
    note: str | None = None


class MedicationIn(MedicationFields):
    id: UUID | None = ClientId
    name: str = Field(min_length=1, max_length=200)


class MedicationPatch(MedicationFields):
    name: str | None = Field(None, min_length=1, max_length=200)


class MedicationOut(Schema):
    id: UUID
    name: str
    dose: str
    started: date | None
    stopped: date | None
    note: str
    created_at: datetime
    updated_at: datetime


# --- The person ------------------------------------------------------------------------------
class MeOut(Schema):
    username: str
    display_name: str
    birth_year: int | None
    sex: Sex | None
    time_zone: str
    hemisphere: Hemisphere
    country: str | None = Field(description="ISO 3166-1 alpha-2 code, or null when not known; it picks the "
                                            "emergency and out-of-hours words of the advice.")
    night_start_hour: int
    night_end_hour: int
    theme: Theme

    @staticmethod
    def resolve_username(obj: Profile) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_sex(obj: Profile) -> str | None:
        return obj.sex or None

    @staticmethod
    def resolve_country(obj: Profile) -> str | None:
        return obj.country or None


class Index(Schema):
    name: str
    version: str
    schema_url: str = Field(description="The OpenAPI schema of this API.")


# --- Stretch sessions ------------------------------------------------------------------------
class StretchSessionIn(Input):
    id: UUID | None = ClientId
    routine: str = Field(description='A routine id: "standing" or "seated" (see GET /routines).')
    extras: list[str] = Field([], description="Optional extra stretches of that routine that were done.")
    started_at: datetime = Field(description="When the routine began, ISO 8601 with a UTC offset.")
    ended_at: datetime = Field(description="When it finished or was stopped.")
    tz: str | None = Zone
    holds_done: int = Field(ge=1, le=100,
                            description="Holds completed (fewer than planned: stopped part-way).")


class StretchSessionOut(Schema):
    id: UUID
    night: date = Field(description="The night it belongs to (and marked as stretched).")
    routine: str
    extras: list[str]
    started_at: datetime
    ended_at: datetime
    tz: str
    holds_planned: int
    holds_done: int
    completed: bool
    created_at: datetime

    @staticmethod
    def resolve_night(obj: StretchSession) -> date:
        return obj.night.date

    @staticmethod
    def resolve_extras(obj: StretchSession) -> list[str]:
        return [e for e in obj.extras.split(",") if e]


class RoutineStepOut(Schema):
    kind: str
    seconds: int
    stretch: str
    side: str
    hold: int
    title: str
    say: str
    how: str
    picture: str
    tested: bool


class RoutineOut(Schema):
    id: str
    title: str
    summary: str
    default: bool
    extras: list[str]
    holds: int
    seconds: int
    steps: list[RoutineStepOut]
