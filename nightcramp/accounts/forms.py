from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm

from nightcramp.diary.models import Profile
from nightcramp.diary.nights import common_zones, is_valid_zone


class SignupForm(UserCreationForm):
    display_name = forms.CharField(max_length=100, required=False, help_text="What we call you. Optional.")
    time_zone = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def clean_time_zone(self) -> str:
        value: str = self.cleaned_data.get("time_zone") or "UTC"
        return value if is_valid_zone(value) else "UTC"


def hours(first: int, last: int) -> list[tuple[int, str]]:
    return [(h, f"{h:02d}:00") for h in range(first, last + 1)]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=[])

    class Meta:
        model = Profile
        fields = ["display_name", "birth_year", "sex", "time_zone", "hemisphere",
                  "night_start_hour", "night_end_hour", "theme"]
        help_texts = {
            "hemisphere": "Used only to line up the seasons; no location is asked for.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = common_zones()
        current = self.instance.time_zone
        if current and current not in zones:
            zones.insert(0, current)
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = [("UTC", "UTC")] + [(z, z.replace("_", " ")) for z in zones]
        self.fields["night_start_hour"].widget = forms.Select(choices=hours(12, 23))
        self.fields["night_end_hour"].widget = forms.Select(choices=hours(0, 12))


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, help_text="Where you will use it, e.g. 'phone'.")
