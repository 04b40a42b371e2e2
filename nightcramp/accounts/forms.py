from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm

from nightcramp.diary.models import Hemisphere, Profile
from nightcramp.diary.nights import common_zones, hemisphere_of_zone, is_valid_zone
from nightcramp.knowledge import countries

GUESS = ""
"""The blank choice of the hemisphere and country selects: "work it out from my time zone"."""


def zone_choices(current: str = "") -> list[tuple[str, str]]:
    zones = common_zones()
    if current and current not in zones and current != "UTC":
        zones.insert(0, current)
    return [("UTC", "UTC")] + [(z, z.replace("_", " ")) for z in zones]


def country_choices(blank: str) -> list[tuple[str, str]]:
    return [(GUESS, blank)] + countries.names()


def zone_guesses() -> str:
    """{zone: [hemisphere, country]} for the page's script, which fills in the guesses as the zone changes."""
    found = {}
    for zone in common_zones():
        hemisphere, country = hemisphere_of_zone(zone) or "", countries.guess_from_zone(zone)
        if hemisphere or country:
            found[zone] = [hemisphere, country]
    return json.dumps(found, separators=(",", ":"))


def guessed(zone: str, hemisphere: str, country: str) -> tuple[str, str]:
    """The hemisphere and country chosen, each worked out from the zone where it was left to the guess."""
    return (hemisphere or hemisphere_of_zone(zone) or Hemisphere.NORTH,
            country or countries.guess_from_zone(zone))


class SignupForm(UserCreationForm):
    display_name = forms.CharField(max_length=100, required=False, help_text="What we call you. Optional.")
    time_zone = forms.CharField(
        max_length=64, required=False, label="Time zone", widget=forms.Select,
        help_text="Nights and times are worked out in it.")
    """A select of the zones; any other value (an old browser's name) falls back to UTC, never an error."""
    hemisphere = forms.ChoiceField(
        choices=[(GUESS, "From my time zone"), *Hemisphere.choices], required=False, label="Hemisphere",
        help_text="Lines up the seasons.")
    country = forms.ChoiceField(
        choices=[], required=False, label="Country",
        help_text="Chooses the emergency and out-of-hours numbers the advice gives.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        typed = str(self.data.get("time_zone", "")) if self.is_bound else ""
        widget = self.fields["time_zone"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = zone_choices(typed if is_valid_zone(typed) else "")
        widget.attrs.update({"data-zone-guess": "", "autocomplete": "off"})
        country_field = self.fields["country"]
        assert isinstance(country_field, forms.ChoiceField)
        country_field.choices = country_choices("From my time zone")

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data.get("time_zone") or "UTC"
        return value if is_valid_zone(value) else "UTC"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        zone = data.get("time_zone") or "UTC"
        chosen = data.get("hemisphere", ""), data.get("country", "")
        data["hemisphere"], data["country"] = guessed(zone, *chosen)
        return data


def hours(first: int, last: int) -> list[tuple[int, str]]:
    return [(h, f"{h:02d}:00") for h in range(first, last + 1)]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[])
    country = forms.ChoiceField(
        choices=[], required=False,
        help_text="Chooses the emergency and out-of-hours numbers the advice gives. "
                  "Where we hold none, the advice says \u201cyour local emergency number\u201d.")

    class Meta:
        model = Profile
        fields = ["display_name", "birth_year", "sex", "time_zone", "hemisphere", "country",
                  "night_start_hour", "night_end_hour", "theme"]
        help_texts = {
            "hemisphere": "Used only to line up the seasons; no location is asked for.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = zone_choices(self.instance.time_zone)
        country_field = self.fields["country"]
        assert isinstance(country_field, forms.ChoiceField)
        country_field.choices = country_choices("Not set")
        self.fields["night_start_hour"].widget = forms.Select(choices=hours(12, 23))
        self.fields["night_end_hour"].widget = forms.Select(choices=hours(0, 12))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="Where you will use it, e.g. 'phone'.")
