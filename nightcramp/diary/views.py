"""The diary pages: Tonight, the morning check-in, history, nights, episodes and medications.

Pages are server-rendered; HTMX only swaps fragments in where it saves a page load at 3 a.m., and
every form also works without JavaScript. Every write goes through ``nightcramp.diary.services``.
Times are shown in the zone they happened in (``episode.tz``) or in the person's zone, so the
templates render with ``{% localtime off %}`` and receive datetimes already localised here.
"""

from __future__ import annotations

import calendar as months
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from nightcramp.authz import PersonRequest, owned, person, public
from nightcramp.care import services as care_services
from nightcramp.diary import services
from nightcramp.diary.forms import (
    EpisodeDetailsForm,
    EpisodeEditForm,
    MedicationForm,
    NightForm,
    add_service_errors,
)
from nightcramp.diary.models import Episode, Medication, Night, Profile
from nightcramp.diary.nights import is_valid_zone, localize, zone
from nightcramp.screening import tonight as screening_tonight
from nightcramp.screening import watch

NIGHTS_PER_PAGE = 30
MAX_BACKDATE_MINUTES = 24 * 60
CALENDAR_YEARS = range(1900, 2201)
GET_OR_POST = require_http_methods(["GET", "POST"])


# --- small helpers ----------------------------------------------------------------------------

class Request(PersonRequest):
    """What a ``person`` view receives: a signed-in user, and django-htmx's details."""

    htmx: HtmxDetails


def night_name(day: date) -> str:
    """'Monday 9 March 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def go(request: Request, to: str, **kwargs: Any) -> HttpResponse:
    """Redirect; an HTMX request gets a full page load, so the messages and fresh ids show."""
    url = reverse(to, kwargs=kwargs or None)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def local_today(profile: Profile) -> date:
    return profile.local_now().date()


def owned_night(request: Request, day: date) -> Night:
    """The signed-in person's night of ``day`` with its episodes loaded, or 404 (like ``owned``)."""
    return get_object_or_404(services.nights_with_episodes(request.user), date=day)


def checked_in_local(night: Night | None, profile: Profile) -> datetime | None:
    if night is None or night.checked_in_at is None:
        return None
    return localize(night.checked_in_at, profile.time_zone)


def first_message(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- home and Tonight -------------------------------------------------------------------------

@public
def home(request: HttpRequest) -> HttpResponse:
    """Tonight for a signed-in person; for a visitor, a welcome that says what nightcramp is and is not."""
    if request.user.is_authenticated:
        return redirect("tonight")
    from nightcramp.knowledge.countries import words_for

    return render(request, "accounts/welcome.html", {"nav": "home", "place_words": words_for("")})


@person
def tonight(request: Request) -> HttpResponse:
    profile = services.profile_of(request.user)
    now = profile.local_now()
    day = profile.window.current_night(now)
    episodes = tonight_episodes(request.user, profile)
    return render(request, "diary/tonight.html", {
        "nav": "tonight", "day": day, "episodes": episodes,
        "last_night": profile.window.last_night(now),
        "notices": watch.notices(request.user, now.date()),
        "adherence": care_services.adherence(request.user, now),
        "experiment_arm": experiment_arm(request.user, day), "place_words": profile.place_words,
        **screening_tonight.context(request),  # an urgent health-check result, the first-night guide
    })


def tonight_episodes(user: Any, profile: Profile) -> list[Episode]:
    """The cramps of the night under way, first first (Tonight's "So far tonight")."""
    day = profile.window.current_night(profile.local_now())
    episodes = Episode.objects.filter(user=user, night__date=day).select_related("night")
    return list(episodes.order_by("started_at"))


def experiment_arm(user: Any, day: date) -> str:
    """Tonight's assignment in a running personal experiment ("stretch", "no_stretch"), or ""."""
    return services.planned_arm(user, day)


def client_id(value: str | None) -> uuid.UUID | None:
    """The id the browser chose for the entry; None (a fresh server id) when absent or malformed."""
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


def client_zone(value: str | None, fallback: str) -> str:
    return value if value and is_valid_zone(value) else fallback


def picked_moment(picked: time, tz: str) -> datetime:
    """Today at the picked wall-clock time in ``tz``; yesterday if that is still to come."""
    now = localize(timezone.now(), tz)
    moment = datetime.combine(now.date(), picked, tzinfo=zone(tz))
    if moment > now:
        moment = datetime.combine(now.date() - timedelta(days=1), picked, tzinfo=zone(tz))
    return moment


def requested_start(data: Mapping[str, str], tz: str) -> datetime | None:
    """When the cramp began: now (None), "ago" minutes back, or at the picked time "at" (HH:MM)."""
    if data.get("ago"):
        try:
            minutes = int(data["ago"])
        except ValueError:
            minutes = -1
        if not 0 <= minutes <= MAX_BACKDATE_MINUTES:
            limit = MAX_BACKDATE_MINUTES
            raise ValidationError({"ago": f"'ago' must be a number of minutes from 0 to {limit}."})
        return timezone.now() - timedelta(minutes=minutes)
    if data.get("at"):
        try:
            picked = time.fromisoformat(data["at"])
        except ValueError:
            raise ValidationError({"at": f"{data['at']!r} is not a time such as 03:10."}) from None
        return picked_moment(picked.replace(tzinfo=None), tz)
    return None


@person
@require_POST
def episode_now(request: Request) -> HttpResponse:
    """Store a cramp the moment the button is tapped; a repeated client id stores nothing new."""
    profile = services.profile_of(request.user)
    tz = client_zone(request.POST.get("tz"), profile.time_zone)
    try:
        episode, created = services.log_episode(
            request.user, started_at=requested_start(request.POST, tz), tz=tz,
            id=client_id(request.POST.get("id")),
        )
    except services.IdConflict:
        return HttpResponse("That entry id is already in use.", status=409, content_type="text/plain")
    except ValidationError as error:
        messages.error(request, f"Nothing was logged: {first_message(error)}")
        return go(request, "tonight")
    if request.htmx:  # the confirmation, and Tonight's list of cramps so far brought up to date with it
        so_far = tonight_episodes(request.user, profile)
        context = {**details_context(episode, already=not created), "so_far": so_far}
        return render(request, "diary/_episode_details.html", context)
    if not created:
        messages.info(request, "That cramp was already logged.")
    return redirect("episode_details", pk=episode.pk)


def details_context(episode: Episode, already: bool = False, form: EpisodeDetailsForm | None = None
                    ) -> dict[str, Any]:
    return {"nav": "tonight", "episode": episode, "already": already,
            "form": form or EpisodeDetailsForm(episode=episode)}


@person
@GET_OR_POST
def episode_details(request: Request, pk: uuid.UUID) -> HttpResponse:
    """The optional details offered right after a cramp is logged."""
    episode = owned(Episode, request, pk=pk)
    form = EpisodeDetailsForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_episode(episode, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Details saved for the cramp at {episode.local_start:%H:%M}.")
            return go(request, "tonight")
    context = details_context(episode, form=form)
    if request.htmx:
        return render(request, "diary/_episode_details.html", context)
    return render(request, "diary/episode_details.html", context)


# --- episodes ---------------------------------------------------------------------------------

@person
@GET_OR_POST
def episode_edit(request: Request, pk: uuid.UUID) -> HttpResponse:
    episode = owned(Episode, request, pk=pk)
    old_day = episode.night.date
    form = EpisodeEditForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.update_episode(episode, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            day = episode.night.date
            moved = f" It now belongs to the night of {night_name(day)}." if day != old_day else ""
            messages.success(request, f"Cramp saved.{moved}")
            return redirect("night", day=day)
    return render(request, "diary/episode_edit.html", {"nav": "history", "episode": episode, "form": form})


@person
@GET_OR_POST
def episode_delete(request: Request, pk: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST deletes. Back to the night, or history if it went too."""
    episode = owned(Episode, request, pk=pk)
    if request.method == "GET":
        return render(request, "diary/episode_delete.html", {"nav": "history", "episode": episode})
    day, at = episode.night.date, episode.local_start
    services.delete_episode(episode)
    messages.success(request, f"The cramp at {at:%H:%M} on {at.day} {at:%B} was deleted.")
    if Night.objects.filter(user=request.user, date=day).exists():
        return redirect("night", day=day)
    return redirect("history")


# --- morning check-in -------------------------------------------------------------------------

def requested_night(request: Request, profile: Profile) -> date:
    """The night named by ?night=YYYY-MM-DD (a past night with nothing logged yet), else last night."""
    value = request.GET.get("night")
    if not value:
        return profile.window.last_night(profile.local_now())
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Http404("not a date") from None
    if day > local_today(profile):
        raise Http404("that night has not begun")
    return day


def checkin_defaults(user: Any, day: date, night: Night | None, logged: int) -> dict[str, Any]:
    """What the check-in shows: the night's own values, else sensible defaults from earlier nights."""
    if night is not None and night.checked_in_at is not None:
        return NightForm.initial_from(night)
    initial = NightForm.initial_from(night) if night is not None else {}
    earlier = Night.objects.filter(user=user, date__lt=day).order_by("-date")
    last_stretched = earlier.filter(stretched__isnull=False).values_list("stretched", flat=True).first()
    last_checkin = earlier.filter(checked_in_at__isnull=False).first()
    defaults = {
        "stretched": last_stretched,
        "sleep_disruption": 0 if logged == 0 else None,
        "sitting_hours": last_checkin.sitting_hours if last_checkin else None,
        "exercise_minutes": last_checkin.exercise_minutes if last_checkin else None,
        "alcohol_units": Decimal(0),
        "cramps": logged,
    }
    for name, value in defaults.items():
        if initial.get(name) is None:
            initial[name] = value
    return initial


@person
@GET_OR_POST
def checkin(request: Request, day: date | None = None) -> HttpResponse:
    profile = services.profile_of(request.user)
    if day is not None:
        night: Night | None = owned_night(request, day)
    else:
        day = requested_night(request, profile)
        night = services.nights_with_episodes(request.user).filter(date=day).first()
    episodes = night.night_episodes() if night else []
    form = NightForm(
        request.POST or None, initial=checkin_defaults(request.user, day, night, len(episodes)),
        logged_cramps=len(episodes), logged_severity=night.derived_max_severity() if night else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_night(request.user, day, checked_in=True, **form.fields_for_save())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Check-in saved for the night of {night_name(day)}.")
            return redirect("night", day=day)
    return render(request, "diary/checkin.html", {
        "nav": "checkin", "day": day, "night": night, "episodes": episodes, "form": form,
        "checked_in_at": checked_in_local(night, profile), "earlier": day - timedelta(days=1),
        "merge_offers": merge_offers(episodes),
    })


def minutes_apart(first: Episode, second: Episode) -> str:
    minutes = int((second.started_at - first.started_at).total_seconds() // 60)
    return "less than a minute" if minutes < 1 else f"{minutes} minute{'s' if minutes != 1 else ''}"


def merge_offers(episodes: list[Episode]) -> list[dict[str, Any]]:
    """Cramps logged minutes apart (``services.MERGE_WINDOW``), which the check-in offers to join."""
    pairs = services.close_pairs(episodes)
    return [{"first": a, "second": b, "apart": minutes_apart(a, b)} for a, b in pairs]


@person
@require_POST
def checkin_merge(request: Request, day: date) -> HttpResponse:
    """Join two of the person's cramps logged minutes apart into one entry; back to the check-in."""
    first, second = (client_id(request.POST.get(name)) for name in ("first", "second"))
    if first is None or second is None:
        raise Http404("two entries are needed")
    at = [owned(Episode, request, pk=pk).local_start for pk in (first, second)]
    try:
        merged = services.merge_episodes(request.user, first, second)
    except ValidationError as error:
        messages.error(request, first_message(error))
    else:
        day = merged.night.date
        times = " and ".join(f"{t:%H:%M}" for t in sorted(at))
        start = f"{merged.local_start:%H:%M}"
        messages.success(request, f"The cramps at {times} are now one entry, from {start}.")
    return redirect(f"{reverse('checkin')}?night={day.isoformat()}")


# --- history and nights -----------------------------------------------------------------------

@person
def history(request: Request) -> HttpResponse:
    nights = services.nights_with_episodes(request.user).order_by("-date")
    page = Paginator(nights, NIGHTS_PER_PAGE).get_page(request.GET.get("page"))
    today = local_today(services.profile_of(request.user))
    return render(request, "diary/history.html", {"nav": "history", "page": page, "today": today,
                                                  "notices": watch.notices(request.user, today)})


def month_step(year: int, month: int, step: int) -> date:
    index = year * 12 + (month - 1) + step
    return date(index // 12, index % 12 + 1, 1)


@person
def calendar(request: Request, year: int, month: int) -> HttpResponse:
    """A month grid, Monday first; each day shows its cramp count and links to its night."""
    if year not in CALENDAR_YEARS or not 1 <= month <= 12:
        raise Http404("no such month")
    weeks = months.Calendar(firstweekday=0).monthdatescalendar(year, month)
    nights = {n.date: n for n in services.nights_with_episodes(request.user).filter(
        date__range=(weeks[0][0], weeks[-1][-1]))}
    today = local_today(services.profile_of(request.user))
    grid = [[{"day": d, "night": nights.get(d), "inside": d.month == month, "past": d <= today} for d in week]
            for week in weeks]
    return render(request, "diary/calendar.html", {
        "nav": "history", "weeks": grid, "month": date(year, month, 1), "today": today,
        "previous": month_step(year, month, -1), "next": month_step(year, month, 1),
        "weekdays": [months.day_abbr[i] for i in range(7)],
    })


@person
@GET_OR_POST
def night_detail(request: Request, day: date) -> HttpResponse:
    night = owned_night(request, day)
    form = NightForm(request.POST or None, initial=NightForm.initial_from(night),
                     logged_cramps=night.derived_cramps(), logged_severity=night.derived_max_severity())
    if request.method == "POST" and form.is_valid():
        try:
            services.save_night(request.user, day, **form.fields_for_save())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The night of {night_name(day)} was saved.")
            return redirect("night", day=day)
    profile = services.profile_of(request.user)
    medicines = [m for m in Medication.objects.filter(user=request.user) if m.active_on(day)]
    return render(request, "diary/night.html", {
        "nav": "history", "night": night, "episodes": list(night.episodes.all()), "form": form,
        "medicines": medicines,
        "checked_in_at": checked_in_local(night, profile),
    })


@person
@GET_OR_POST
def night_delete(request: Request, day: date) -> HttpResponse:
    """GET asks for confirmation; POST deletes the night and every cramp filed under it."""
    night = owned_night(request, day)
    if request.method == "GET":
        return render(request, "diary/night_delete.html",
                      {"nav": "history", "night": night, "episodes": list(night.episodes.all())})
    count = len(night.episodes.all())
    services.delete_night(night)
    cramps = f" and its {count} logged cramp{'s' if count != 1 else ''}" if count else ""
    messages.success(request, f"The night of {night_name(day)}{cramps} {'were' if count else 'was'} deleted.")
    return redirect("history")


# --- medications ------------------------------------------------------------------------------

def save_medication_form(request: Request, form: MedicationForm, medication: Medication | None) -> bool:
    if not form.is_valid():
        return False
    try:
        services.save_medication(request.user, medication, **form.fields_for_save())
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@person
@GET_OR_POST
def medications(request: Request) -> HttpResponse:
    form = MedicationForm(request.POST or None)
    if request.method == "POST" and save_medication_form(request, form, None):
        messages.success(request, f"{form.cleaned_data['name']} was added.")
        return redirect("medications")
    today = local_today(services.profile_of(request.user))
    rows = list(Medication.objects.filter(user=request.user))
    current = [m for m in rows if m.stopped is None or m.stopped >= today]
    past = sorted((m for m in rows if m.stopped is not None and m.stopped < today),
                  key=lambda m: m.stopped or today, reverse=True)
    return render(request, "diary/medications.html",
                  {"nav": "medications", "form": form, "current": current, "past": past})


@person
@GET_OR_POST
def medication_edit(request: Request, pk: uuid.UUID) -> HttpResponse:
    medication = owned(Medication, request, pk=pk)
    form = MedicationForm(request.POST or None, instance=medication)
    if request.method == "POST" and save_medication_form(request, form, medication):
        messages.success(request, f"{medication.name} was saved.")
        return redirect("medications")
    return render(request, "diary/medication_edit.html", {"nav": "medications", "form": form, "pk": pk})


@person
@GET_OR_POST
def medication_delete(request: Request, pk: uuid.UUID) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    medication = owned(Medication, request, pk=pk)
    if request.method == "GET":
        context = {"nav": "medications", "medication": medication}
        return render(request, "diary/medication_delete.html", context)
    services.delete_medication(medication)
    messages.success(request, f"{medication.name} was deleted.")
    return redirect("medications")
