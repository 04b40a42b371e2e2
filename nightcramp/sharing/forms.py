from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

from nightcramp.sharing.models import DEFAULT_DAYS, EXPIRY_CHOICES

MAX_SPAN_DAYS = 5 * 366


def _days(days: int) -> str:
    if days == 1:
        return "1 day"
    if days == 365:
        return "1 year"
    return f"{days} days"


class PeriodForm(forms.Form):
    """A period of nights, both ends included; either end may be left empty (from the first night logged,
    up to today)."""

    start = forms.DateField(required=False, label="From the night of",
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To the night of",
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The last night is before the first.")
            elif end - start > timedelta(days=MAX_SPAN_DAYS):
                self.add_error("end", "A period can be at most five years long.")
        return data


class ShareForm(PeriodForm):
    """A new share link: who it is for, which nights, and for how long."""

    label = forms.CharField(max_length=100, required=False, label="Who it is for",
                            help_text="Only you see this, e.g. your doctor's name. Optional.")
    start = forms.DateField(label="From the night of", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To the night of", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(label="Open for", coerce=int, initial=DEFAULT_DAYS,
                                  choices=[(d, _days(d)) for d in EXPIRY_CHOICES],
                                  help_text="After this the link opens nothing. You can withdraw it sooner.")
    include_notes = forms.BooleanField(required=False, label="Show my notes too",
                                       help_text="Notes you typed on nights and cramps. "
                                                 "Left out unless ticked.")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].initial = today - timedelta(days=90)
        self.fields["end"].initial = today
        self.order_fields(["label", "start", "end", "days", "include_notes"])


class RestoreForm(forms.Form):
    backup = forms.FileField(label="Backup file (.json)",
                             help_text="A file from 'Download a full backup' on the account page, "
                                       "here or elsewhere.")


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               label="Your password", help_text="To be sure it is you.")
    confirm = forms.BooleanField(label="I understand that everything is deleted for good")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
