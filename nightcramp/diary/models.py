"""The diary: a person's profile, nights, cramp episodes and medications.

Times are stored in UTC. Each episode keeps the time zone in force when it happened (an IANA name,
or a fixed offset such as "+02:00" for imported entries), and the night it belongs to is worked out
from that local time by ``nightcramp.diary.nights`` and stored, so queries by night stay simple.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from nightcramp.diary.nights import NightWindow, is_valid_zone, localize

SEVERITY = [MinValueValidator(0), MaxValueValidator(10)]


def validate_zone(value: str) -> None:
    if not is_valid_zone(value):
        raise ValidationError(f"{value!r} is not a known time zone")


class Hemisphere(models.TextChoices):
    NORTH = "north", "Northern"
    SOUTH = "south", "Southern"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"


class Theme(models.TextChoices):
    AUTO = "auto", "Dark at night, light by day"
    DARK = "dark", "Always dark"
    LIGHT = "light", "Always light"


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_zone])
    hemisphere = models.CharField(max_length=5, choices=Hemisphere.choices, default=Hemisphere.NORTH)
    night_start_hour = models.PositiveSmallIntegerField(
        default=18, validators=[MinValueValidator(12), MaxValueValidator(23)],
        help_text="A new night begins at this hour (evening).",
    )
    night_end_hour = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(0), MaxValueValidator(12)],
        help_text="The night ends at this hour the next day.",
    )
    theme = models.CharField(max_length=5, choices=Theme.choices, default=Theme.AUTO)
    country = models.CharField(
        max_length=2, blank=True,
        help_text="ISO 3166-1 alpha-2 code; blank when unknown. Chooses the emergency and out-of-hours "
                  "words.",
    )

    def __str__(self) -> str:
        return self.display_name or self.user.get_username()

    @property
    def place_words(self) -> dict[str, str]:
        """The words for the knowledge texts' placeholders in this person's country (generic when unknown)."""
        from nightcramp.knowledge.countries import words_for

        return words_for(self.country)

    @property
    def window(self) -> NightWindow:
        return NightWindow(self.night_start_hour, self.night_end_hour)

    def local_now(self) -> datetime:
        return localize(timezone.now(), self.time_zone)

    def clean(self) -> None:
        if self.night_end_hour > self.night_start_hour:
            raise ValidationError({"night_end_hour": "The night must end before the hour it begins."})


class Planned(models.TextChoices):
    """A night's arm in a randomised personal experiment."""

    STRETCH = "stretch", "Stretch"
    NO_STRETCH = "no_stretch", "No stretch"


class Night(models.Model):
    """One night, named by the date of the evening it began, and its morning check-in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nights")
    date = models.DateField(help_text="The date of the evening the night began.")
    stretched = models.BooleanField(null=True, blank=True, help_text="Stretched before bed.")
    sleep_disruption = models.PositiveSmallIntegerField(null=True, blank=True, validators=SEVERITY)
    sitting_hours = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    exercise_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    alcohol_units = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    note = models.TextField(blank=True)
    # A night logged only as a summary (paper diary, import, or a corrected count at check-in).
    cramps_reported = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    max_severity_reported = models.PositiveSmallIntegerField(null=True, blank=True, validators=SEVERITY)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # A night's place in a randomised personal experiment that came from a file (nights.csv). A plan
    # made in the app is an Experiment row instead, and its nights read their arm from it.
    experiment_period = models.PositiveSmallIntegerField(null=True, blank=True,
                                                         validators=[MinValueValidator(1)])
    planned = models.CharField(max_length=10, choices=Planned.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="one_night_per_date")]

    def __str__(self) -> str:
        return f"night of {self.date.isoformat()}"

    def night_episodes(self) -> list[Episode]:
        return [e for e in self.episodes.all() if not e.daytime]

    def derived_cramps(self) -> int | None:
        """Cramps counted from logged episodes, or None when nothing says how many there were."""
        episodes = self.night_episodes()
        if episodes or self.checked_in_at is not None:
            return len(episodes)
        return None

    def derived_max_severity(self) -> int | None:
        severities = [e.severity for e in self.night_episodes() if e.severity is not None]
        return max(severities) if severities else None

    @property
    def cramps(self) -> int | None:
        return self.cramps_reported if self.cramps_reported is not None else self.derived_cramps()

    @property
    def max_severity(self) -> int | None:
        if self.max_severity_reported is not None:
            return self.max_severity_reported
        return self.derived_max_severity()

    def is_empty(self) -> bool:
        """Nothing recorded: no episodes, no check-in, no field set."""
        return (
            not self.episodes.exists()
            and self.checked_in_at is None
            and self.stretched is None
            and self.sleep_disruption is None
            and self.sitting_hours is None
            and self.exercise_minutes is None
            and self.alcohol_units is None
            and not self.note
            and self.cramps_reported is None
            and self.max_severity_reported is None
            and self.experiment_period is None
            and not self.planned
        )


class Leg(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both"


class Muscle(models.TextChoices):
    CALF = "calf", "Calf"
    FOOT = "foot", "Foot"
    HAMSTRING = "hamstring", "Hamstring (back of thigh)"
    QUADRICEPS = "quadriceps", "Quadriceps (front of thigh)"
    OTHER = "other", "Other"


class Relief(models.TextChoices):
    STRETCH = "stretch", "Stretched the muscle"
    WALK = "walk", "Stood up and walked"
    MASSAGE = "massage", "Massage"
    HEAT = "heat", "Heat"
    COLD = "cold", "Cold"
    MEDICINE = "medicine", "A medicine"
    OTHER = "other", "Something else"
    NONE = "none", "Nothing"


class Episode(models.Model):
    """One cramp. ``id`` may be chosen by the client, so a retried request never duplicates it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="episodes")
    night = models.ForeignKey(Night, on_delete=models.CASCADE, related_name="episodes")
    started_at = models.DateTimeField(db_index=True)
    tz = models.CharField(
        max_length=64, validators=[validate_zone],
        help_text="The time zone in force when it happened: an IANA name or a fixed offset.",
    )
    daytime = models.BooleanField(default=False, help_text="Happened outside the night's hours.")
    duration_s = models.PositiveIntegerField(null=True, blank=True, validators=[MaxValueValidator(24 * 3600)])
    leg = models.CharField(max_length=5, choices=Leg.choices, blank=True)
    muscle = models.CharField(max_length=10, choices=Muscle.choices, blank=True)
    severity = models.PositiveSmallIntegerField(null=True, blank=True, validators=SEVERITY)
    woke = models.BooleanField(null=True, blank=True, help_text="Woke me up.")
    relief = models.CharField(max_length=10, choices=Relief.choices, blank=True)
    relief_helped = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"cramp at {self.local_start:%Y-%m-%d %H:%M}"

    @property
    def local_start(self) -> datetime:
        return localize(self.started_at, self.tz)

    @property
    def night_date(self) -> date:
        return self.night.date


class Medication(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=200)
    dose = models.CharField(max_length=200, blank=True, help_text="Free text, e.g. '2.5 mg each morning'.")
    started = models.DateField(null=True, blank=True)
    stopped = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.started and self.stopped and self.stopped < self.started:
            raise ValidationError({"stopped": "The stop date is before the start date."})

    def active_on(self, day: date) -> bool:
        return (self.started is None or self.started <= day) and (self.stopped is None or day <= self.stopped)


class Experiment(models.Model):
    """A randomised personal experiment made in the app: stretch or not in periods of ``period_nights``,
    in pairs whose order is drawn at random. The plan is ``nightcramp.stats.experiment.plan_experiment``
    with these parameters and ``seed``, so it is stored once and read back the same every time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experiments")
    start = models.DateField(help_text="The first night of the first period.")
    pairs = models.PositiveSmallIntegerField(validators=[MinValueValidator(6), MaxValueValidator(26)])
    period_nights = models.PositiveSmallIntegerField(validators=[MinValueValidator(3), MaxValueValidator(28)])
    washout_nights = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(7)])
    seed = models.BigIntegerField()
    stopped = models.DateField(null=True, blank=True, help_text="The last night, when ended early.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return f"experiment from {self.start.isoformat()}"
