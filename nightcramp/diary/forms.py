"""Forms of the diary pages. They only read and check input; services.py does every write."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from nightcramp.diary.models import Episode, Leg, Medication, Muscle, Night, Relief
from nightcramp.diary.nights import is_valid_zone, zone

YES_NO = [("True", "Yes"), ("False", "No")]
SCALE = [(i, str(i)) for i in range(11)]
# Quick duration chips, stored as a representative number of seconds.
DURATIONS = [(30, "under 1 min"), (180, "1–5 min"), (450, "5–10 min"), (900, "over 10 min")]
DURATION_SECONDS = {seconds for seconds, _ in DURATIONS}


def chips(choices: Any, label: str, coerce: Any = str, help_text: str = "") -> forms.TypedChoiceField:
    """An optional choice shown as a row of big radio chips."""
    return forms.TypedChoiceField(
        choices=choices, coerce=coerce, empty_value=None if coerce is not str else "", required=False,
        widget=forms.RadioSelect, label=label, help_text=help_text,
    )


def yes_no(label: str) -> forms.TypedChoiceField:
    return chips(YES_NO, label, coerce=lambda v: v == "True")


def number(label: str, low: int, high: int, help_text: str = "") -> forms.DecimalField:
    """An optional number with at most one decimal: the browser takes what the server takes (step 0.1)."""
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(low), max_value=Decimal(high), decimal_places=1,
        help_text=help_text, widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )


def whole_minutes(label: str, help_text: str = "") -> forms.IntegerField:
    """An optional number of minutes: any whole number up to a day (no step beyond 1: 12 is as good as 10)."""
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=24 * 60,
                              help_text=help_text, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def note_field(label: str = "Note") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a ValidationError raised by a service next to the field it names."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class EpisodeDetailsForm(forms.Form):
    """The optional details of a cramp, offered right after it is logged."""

    leg = chips(Leg.choices, "Which leg")
    muscle = chips(Muscle.choices, "Which muscle")
    severity = chips(SCALE, "How bad (0 = barely, 10 = worst ever)", coerce=int)
    duration_quick = chips(DURATIONS, "How long", coerce=int)
    duration_minutes = number("Or exact minutes", 0, 24 * 60,
                              help_text="An exact number wins over the quick choice.")
    woke = yes_no("Did it wake you?")
    relief = chips(Relief.choices, "What did you do for it")
    relief_helped = yes_no("Did that help?")
    note = note_field()

    def __init__(self, *args: Any, episode: Episode | None = None, **kwargs: Any) -> None:
        if episode is not None:
            kwargs.setdefault("initial", self.initial_from(episode))
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(episode: Episode) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(episode, name) for name in ("leg", "muscle", "severity", "woke", "relief",
                                                      "relief_helped", "note")
        }
        seconds = episode.duration_s
        if seconds in DURATION_SECONDS:
            initial["duration_quick"] = seconds
        elif seconds is not None:
            initial["duration_minutes"] = round(Decimal(seconds) / 60, 1)
        return initial

    def changes(self) -> dict[str, Any]:
        """The cleaned details, named as services.update_episode expects them."""
        data = self.cleaned_data
        minutes = data["duration_minutes"]
        duration = round(minutes * 60) if minutes is not None else data["duration_quick"]
        details = ("leg", "muscle", "severity", "woke", "relief", "relief_helped", "note")
        return {"duration_s": duration, **{name: data[name] for name in details}}


class EpisodeEditForm(EpisodeDetailsForm):
    """Every detail of a cramp, and its time as wall-clock time in the zone where it happened."""

    started_at = forms.DateTimeField(
        label="When it started", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    tz = forms.CharField(
        label="Time zone", max_length=64,
        help_text="Where you were: a name such as Europe/London, or an offset such as +02:00.",
    )
    field_order = ["started_at", "tz"]

    @staticmethod
    def initial_from(episode: Episode) -> dict[str, Any]:
        initial = EpisodeDetailsForm.initial_from(episode)
        # Naive, so the widget shows the wall-clock time of the episode's own zone.
        initial["started_at"] = episode.local_start.replace(tzinfo=None)
        initial["tz"] = episode.tz
        return initial

    def clean_tz(self) -> str:
        value: str = self.cleaned_data["tz"].strip()
        if not is_valid_zone(value):
            raise ValidationError(f"{value!r} is not a known time zone.")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        started, tz = data.get("started_at"), data.get("tz")
        if isinstance(started, datetime) and tz:
            # The form field made the value aware in the server's zone; read it as the episode's wall clock.
            data["started_at"] = started.replace(tzinfo=zone(tz))
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {**super().changes(), "started_at": data["started_at"], "tz": data["tz"]}


class NightForm(forms.Form):
    """The morning check-in, also used to edit a night."""

    stretched = yes_no("Did you stretch your legs before bed?")
    sleep_disruption = chips(SCALE, "How much did cramps disturb your sleep? (0 = not at all, 10 = no sleep)",
                             coerce=int)
    cramps = forms.IntegerField(
        label="Cramps that night", required=False, min_value=0, max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    max_severity = chips(SCALE, "Worst cramp (0–10)", coerce=int)
    sitting_hours = number("Hours sitting the day before", 0, 24)
    exercise_minutes = whole_minutes("Minutes of exercise the day before")
    alcohol_units = number("Units of alcohol the day before", 0, 100,
                           help_text="One unit is about half a pint of beer or a small glass of wine.")
    note = note_field()

    def __init__(self, *args: Any, logged_cramps: int | None = None, logged_severity: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.logged_cramps = logged_cramps
        self.logged_severity = logged_severity
        if logged_cramps:
            self.fields["cramps"].help_text = (
                f"You logged {logged_cramps}. Change it if you missed some or tapped twice."
            )

    STORED = ("stretched", "sleep_disruption", "sitting_hours", "exercise_minutes", "alcohol_units", "note")

    @classmethod
    def initial_from(cls, night: Night) -> dict[str, Any]:
        initial = {name: getattr(night, name) for name in cls.STORED}
        return {**initial, "cramps": night.cramps, "max_severity": night.max_severity}

    def fields_for_save(self) -> dict[str, Any]:
        """The values for services.save_night; a count or severity is stored only as a correction."""
        data = self.cleaned_data
        cramps, severity = data["cramps"], data["max_severity"]
        return {
            **{name: data[name] for name in self.STORED},
            "cramps_reported": cramps if cramps is not None and cramps != self.logged_cramps else None,
            "max_severity_reported": (
                severity if severity is not None and severity != self.logged_severity else None
            ),
        }


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "started", "stopped", "note"]
        labels = {"name": "Medicine", "started": "Started on", "stopped": "Stopped on"}
        help_texts = {"stopped": "Leave empty while you still take it."}
        widgets = {
            "started": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stopped": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def fields_for_save(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
