"""Reminders: a bedtime stretch reminder and a morning check-in reminder, at the person's local times.

Three ways to be reminded, all from the same two settings:
- the reminders page (``/reminders/``), where they are set and the calendar address is made;
- a private calendar feed (``/reminders/feed/<secret>.ics``), an iCalendar file with one daily
  event and alarm per reminder that any calendar app can subscribe to by URL. It is public (a
  calendar app cannot sign in) and answers only to the secret; it holds the reminder times and
  links into the app, never anything from the diary;
- a banner in the app while it is open (``nightcramp.care.context`` and ``js/reminder.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import Alarm, Calendar, Event

from nightcramp.authz import PersonRequest, person, public
from nightcramp.care import services_reminders as services
from nightcramp.care.models import ReminderSettings
from nightcramp.diary.nights import zone
from nightcramp.diary.services import profile_of

EVENT_LENGTH = timedelta(minutes=5)
REFRESH = timedelta(hours=6)  # how often calendar apps are asked to fetch the feed again
PRODID = "-//nightcramp//reminders//EN"


@dataclass(frozen=True)
class Kind:
    """One kind of reminder, as the feed and the in-app banner describe it."""

    key: str
    summary: str
    text: str
    action: str
    url: Callable[[], str]

    def enabled(self, row: ReminderSettings) -> bool:
        return bool(getattr(row, f"{self.key}_enabled"))

    def at(self, row: ReminderSettings) -> time:
        value: time = getattr(row, f"{self.key}_at")
        return value


KINDS = (
    Kind("bedtime", "Bedtime stretch (3 minutes)",
         "Time for your bedtime stretch: about 3 minutes of calf and hamstring stretches, just before sleep.",
         "Start the stretch", lambda: reverse("routine")),
    Kind("morning", "Morning check-in",
         "Time for your morning check-in: a few questions about the night and the day before.",
         "Check in", lambda: reverse("checkin")),
)


def enabled_kinds(row: ReminderSettings) -> list[Kind]:
    return [kind for kind in KINDS if kind.enabled(row)]


# --- the form -------------------------------------------------------------------------------------

def time_field(label: str, help_text: str) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=False, input_formats=["%H:%M", "%H:%M:%S"], help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class ReminderForm(forms.Form):
    bedtime_enabled = forms.BooleanField(label="Remind me to stretch at bedtime", required=False)
    bedtime_at = time_field(
        "Bedtime reminder time",
        "The stretches work best just before you go to sleep, so pick the time you usually go to bed.")
    morning_enabled = forms.BooleanField(label="Remind me to do the morning check-in", required=False)
    morning_at = time_field("Morning check-in reminder time", "A time when you are up and have a minute.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for kind in KINDS:
            name = f"{kind.key}_at"
            if data.get(f"{kind.key}_enabled") and data.get(name) is None and name not in self.errors:
                self.add_error(name, "Give a time, or turn this reminder off.")
        return data


# --- the page -------------------------------------------------------------------------------------

def feed_urls(request: HttpRequest, row: ReminderSettings) -> tuple[str, str] | tuple[None, None]:
    """The feed's absolute address, and the same with webcal:// (which calendar apps open directly)."""
    if not row.feed_secret:
        return None, None
    url = request.build_absolute_uri(reverse("reminders_feed", args=[row.feed_secret]))
    return url, "webcal://" + url.split("://", 1)[1]


@person
@require_http_methods(["GET", "POST"])
def reminders(request: PersonRequest) -> HttpResponse:
    row = services.reminders_of(request.user)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if action == "new-feed":
        had_one = bool(row.feed_secret)
        services.renew_feed_secret(request.user)
        messages.success(request, "Your new calendar address is below. The old one no longer works."
                         if had_one else "Your calendar address is ready below.")
        return redirect(reverse("reminders") + "#calendar")
    if action == "end-feed":
        services.end_feed(request.user)
        messages.success(request, "The calendar address was turned off. Nothing answers at it any more.")
        return redirect(reverse("reminders") + "#calendar")
    form = ReminderForm(request.POST if action == "save" else None, initial={
        "bedtime_enabled": row.bedtime_enabled, "bedtime_at": row.bedtime_at,
        "morning_enabled": row.morning_enabled, "morning_at": row.morning_at,
    })
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        services.save_reminders(
            request.user,
            bedtime_enabled=data["bedtime_enabled"], bedtime_at=data["bedtime_at"] or row.bedtime_at,
            morning_enabled=data["morning_enabled"], morning_at=data["morning_at"] or row.morning_at,
        )
        messages.success(request, "Reminders saved.")
        return redirect("reminders")
    feed_url, webcal_url = feed_urls(request, row)
    return render(request, "care/reminders.html", {
        "nav": "account", "form": form, "row": row, "feed_url": feed_url, "webcal_url": webcal_url,
        "time_zone": profile_of(request.user).time_zone,
    })


# --- the calendar feed ----------------------------------------------------------------------------

def first_day(row: ReminderSettings, tz_name: str) -> date:
    """The day the daily events start: the day the settings were last changed, in the person's zone."""
    return row.updated_at.astimezone(zone(tz_name)).date()


def calendar_for(row: ReminderSettings, tz_name: str, *,
                 absolute: Callable[[str], str], host: str) -> Calendar:
    """The person's reminders as an iCalendar: one daily event with an alarm per enabled reminder.

    Times are wall-clock times in the person's zone (TZID-qualified, with a VTIMEZONE), so the alarm
    stays at 22:30 across daylight-saving changes. A fixed-offset zone has no changes: its times are
    given in UTC. Nothing from the diary is read.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "nightcramp reminders")
    cal.add("x-wr-caldesc", "Reminders from nightcramp: the bedtime stretch and the morning check-in.")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")  # the same, as older calendar apps read it
    tz = zone(tz_name)
    named = isinstance(tz, ZoneInfo)
    if named:
        cal.add("x-wr-timezone", tz_name)
    day = first_day(row, tz_name)
    stamp = row.updated_at.astimezone(UTC).replace(microsecond=0)
    for kind in enabled_kinds(row):
        start = datetime.combine(day, kind.at(row), tzinfo=tz)
        link = absolute(kind.url())
        event = Event()
        event.add("uid", f"nightcramp-{kind.key}-{row.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start if named else start.astimezone(UTC))
        event.add("duration", EVENT_LENGTH)
        event.add("rrule", {"freq": "daily"})
        event.add("summary", kind.summary)
        event.add("description", f"{kind.text}\n{link}")
        event.add("url", link)
        event.add("class", "PRIVATE")
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", kind.summary)
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    if named:
        cal.add_missing_timezones(first_date=day - timedelta(days=1), last_date=date(day.year + 20, 1, 1))
    return cal


@public
@require_safe
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The private calendar feed. Anything but the current secret of someone's address is 404."""
    row = services.settings_for_secret(secret)
    if row is None:
        raise Http404()
    cal = calendar_for(row, profile_of(row.user).time_zone, absolute=request.build_absolute_uri,
                       host=split_domain_port(request.get_host())[0] or "nightcramp")
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nightcramp-reminders.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


urlpatterns: list[URLPattern] = [
    path("", reminders, name="reminders"),
    path("feed/<str:secret>.ics", feed, name="reminders_feed"),
]
