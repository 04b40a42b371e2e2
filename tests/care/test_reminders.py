"""Reminders: the settings page, the private calendar feed (parsed with icalendar) and the in-app data.

The feed is read back as a calendar app would: parsed by icalendar, its daily rule expanded with
dateutil, its VTIMEZONE turned into a tzinfo of its own, so the times are checked from what the feed
says and not from what the server meant.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil.rrule import rrulestr
from django.conf import settings
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from nightcramp.care.models import ReminderSettings
from nightcramp.care.services_reminders import renew_feed_secret, save_reminders, settings_for_secret
from nightcramp.diary.services import log_episode, save_night

pytestmark = pytest.mark.django_db

URL = reverse("reminders")
WINTER = datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
SUMMER = datetime(2027, 7, 14, 12, 0, tzinfo=UTC)
SECRET_NOTE = "ALICE-PRIVATE-NOTE-about-her-calves"
BOTH_ON = {"bedtime_enabled": "on", "bedtime_at": "22:30", "morning_enabled": "on", "morning_at": "07:30"}


def post(client: Client, **data: str):  # type: ignore[no-untyped-def]
    return client.post(URL, {"action": "save", **data})


def feed_url(row: ReminderSettings) -> str:
    return reverse("reminders_feed", args=[row.feed_secret])


def fetch(client: Client, row: ReminderSettings) -> tuple[Calendar, str]:
    response = client.get(feed_url(row))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    return Calendar.from_ical(response.content), body


def events(cal: Calendar) -> dict[str, object]:
    found = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert len(found) == len(cal.walk("VEVENT")), "two events with one summary"
    return found


def occurrence(event, on: date) -> datetime:  # type: ignore[no-untyped-def]
    """The event's occurrence on the local day ``on``, expanded from its DTSTART and RRULE."""
    start = event.decoded("DTSTART")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    day_start = datetime.combine(on, time(0), tzinfo=start.tzinfo)
    found = rule.after(day_start, inc=True)
    assert found is not None and found.date() == on
    return found


def set_zone(user, zone: str) -> None:  # type: ignore[no-untyped-def]
    user.profile.time_zone = zone
    user.profile.save()


# --- the page ---------------------------------------------------------------------------------------

def test_it_sends_a_visitor_to_log_in(anon_client):
    response = anon_client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_offers_both_reminders_at_their_default_times(owner_client):
    response = owner_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    form = response.context["form"]
    assert (form["bedtime_at"].value(), form["morning_at"].value()) == (time(22, 30), time(7, 30))
    assert 'value="22:30"' in body and 'value="07:30"' in body
    assert "just before you go to sleep" in body
    assert "Europe/London" in body  # the zone the times are in
    assert "Create my calendar address" in body and "/reminders/feed/" not in body
    assert not ReminderSettings.objects.exists()  # looking changes nothing


def test_saving_the_form_stores_both_reminders(owner, owner_client):
    response = post(owner_client, **{**BOTH_ON, "bedtime_at": "23:05"})
    assert response.status_code == 302 and response["Location"] == URL
    row = ReminderSettings.objects.get(user=owner)
    assert (row.bedtime_enabled, row.bedtime_at, row.morning_enabled, row.morning_at) == (
        True, time(23, 5), True, time(7, 30))
    assert row.feed_secret == ""  # saving times makes no calendar address
    page = owner_client.get(URL).content.decode()
    assert "Reminders saved." in page and 'value="23:05"' in page


def test_turning_a_reminder_off_keeps_its_time(owner, owner_client):
    post(owner_client, **{**BOTH_ON, "bedtime_at": "21:45"})
    post(owner_client, bedtime_at="21:45", morning_enabled="on", morning_at="06:00")
    row = ReminderSettings.objects.get(user=owner)
    assert (row.bedtime_enabled, row.bedtime_at, row.morning_enabled, row.morning_at) == (
        False, time(21, 45), True, time(6, 0))


@pytest.mark.parametrize("bad", ["25:99", "half past ten", "22:30:99"])
def test_a_bad_time_is_refused_and_names_the_field(owner, owner_client, bad):
    response = post(owner_client, **{**BOTH_ON, "bedtime_at": bad})
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["bedtime_at"]
    assert "Bedtime reminder time: Enter a valid time." in response.content.decode()
    assert not ReminderSettings.objects.filter(user=owner).exists()


def test_an_enabled_reminder_needs_a_time(owner, owner_client):
    response = post(owner_client, **{**BOTH_ON, "morning_at": ""})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["morning_at"]
    message = "Morning check-in reminder time: Give a time, or turn this reminder off."
    assert message in response.content.decode()
    assert not ReminderSettings.objects.filter(user=owner).exists()


def test_creating_the_calendar_address_shows_it_in_full(owner, owner_client):
    response = owner_client.post(URL, {"action": "new-feed"})
    assert response.status_code == 302
    row = ReminderSettings.objects.get(user=owner)
    assert len(row.feed_secret) == 43  # secrets.token_urlsafe(32)
    body = owner_client.get(URL).content.decode()
    address = f"http://testserver/reminders/feed/{row.feed_secret}.ics"
    assert re.search(rf'<input type="text" id="feed-url" value="{re.escape(address)}" readonly', body)
    assert f'href="webcal://testserver/reminders/feed/{row.feed_secret}.ics"' in body
    assert "Subscribe in your calendar app by URL" in body
    assert "only your reminder times, never your diary" in body
    assert "Make a new address (the old one stops working)" in body


def test_the_account_page_links_to_the_reminders(owner_client):
    body = owner_client.get(reverse("account")).content.decode()
    assert f'href="{URL}"' in body and "Set reminders" in body


# --- the feed ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("zone", "saved_at", "winter_utc", "summer_utc"), [
    # Europe/London: GMT in January, BST (+1) in July.
    ("Europe/London", WINTER, time(22, 30), time(21, 30)),
    ("Europe/London", SUMMER, time(22, 30), time(21, 30)),
    # Australia/Sydney: daylight time (+11) in January, standard time (+10) in July.
    ("Australia/Sydney", WINTER, time(11, 30), time(12, 30)),
    ("Australia/Sydney", SUMMER, time(11, 30), time(12, 30)),
])
def test_the_feed_has_a_daily_event_and_alarm_per_reminder_at_local_time(
        owner, anon_client, zone, saved_at, winter_utc, summer_utc):
    set_zone(owner, zone)
    with time_machine.travel(saved_at, tick=False):
        save_reminders(owner, bedtime_enabled=True, bedtime_at=time(22, 30),
                       morning_enabled=True, morning_at=time(7, 30))
        row = renew_feed_secret(owner)
    cal, body = fetch(anon_client, row)

    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//nightcramp//")
    assert str(cal["X-WR-CALNAME"]) == "nightcramp reminders"
    timezones = cal.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == [zone]
    found = events(cal)
    assert set(found) == {"Bedtime stretch (3 minutes)", "Morning check-in"}
    bedtime, morning = found["Bedtime stretch (3 minutes)"], found["Morning check-in"]
    for event in (bedtime, morning):
        assert f"DTSTART;TZID={zone}:" in event.to_ical().decode()
        assert event["RRULE"]["FREQ"] == ["DAILY"]
        assert event.decoded("DTSTAMP").tzinfo is not None and event["UID"]
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert str(alarms[0]["ACTION"]) == "DISPLAY"
        assert alarms[0].decoded("TRIGGER") == timedelta(0)
    assert "http://testserver/routine/" in str(bedtime["DESCRIPTION"])
    assert f"http://testserver{reverse('checkin')}" in str(morning["DESCRIPTION"])
    assert str(bedtime["UID"]) != str(morning["UID"])

    # Every day at the same wall-clock time in the person's zone, whatever the season.
    for day, utc in ((date(2028, 1, 20), winter_utc), (date(2028, 7, 20), summer_utc)):
        local = occurrence(bedtime, day)
        assert local.time() == time(22, 30)
        assert local.astimezone(UTC).time() == utc
        assert occurrence(morning, day).time() == time(7, 30)
    # The VTIMEZONE alone (without the tz database) gives the same instants.
    own = timezones[0].to_tz()
    assert datetime(2028, 1, 20, 22, 30, tzinfo=own).astimezone(UTC).time() == winter_utc
    assert datetime(2028, 7, 20, 22, 30, tzinfo=own).astimezone(UTC).time() == summer_utc


def test_the_feed_is_the_same_on_every_fetch(owner, anon_client):
    with time_machine.travel(WINTER, tick=False):
        save_reminders(owner, bedtime_enabled=True, bedtime_at=time(22, 30),
                       morning_enabled=False, morning_at=time(7, 30))
        row = renew_feed_secret(owner)
    with time_machine.travel(WINTER + timedelta(hours=5), tick=False):
        _, first = fetch(anon_client, row)
    with time_machine.travel(SUMMER, tick=False):
        _, later = fetch(anon_client, row)
    assert first == later  # stable UIDs and stamps: calendar apps do not see new events


def test_only_enabled_reminders_are_in_the_feed(owner, anon_client):
    save_reminders(owner, bedtime_enabled=False, bedtime_at=time(22, 30),
                   morning_enabled=True, morning_at=time(6, 45))
    row = renew_feed_secret(owner)
    cal, _ = fetch(anon_client, row)
    found = events(cal)
    assert list(found) == ["Morning check-in"]
    assert found["Morning check-in"].decoded("DTSTART").time() == time(6, 45)

    save_reminders(owner, bedtime_enabled=False, bedtime_at=time(22, 30),
                   morning_enabled=False, morning_at=time(6, 45))
    cal, _ = fetch(anon_client, row)
    assert cal.walk("VEVENT") == [] and str(cal["X-WR-CALNAME"]) == "nightcramp reminders"


def test_a_fixed_offset_zone_gives_utc_times(owner, anon_client):
    set_zone(owner, "+05:30")
    with time_machine.travel(WINTER, tick=False):
        save_reminders(owner, bedtime_enabled=True, bedtime_at=time(22, 30),
                       morning_enabled=False, morning_at=time(7, 30))
        row = renew_feed_secret(owner)
    cal, _ = fetch(anon_client, row)
    start = events(cal)["Bedtime stretch (3 minutes)"].decoded("DTSTART")
    assert start == datetime(2027, 1, 14, 17, 0, tzinfo=UTC)


def test_the_feed_holds_no_diary_data(owner, anon_client):
    owner.profile.display_name = "Alice Quietly-Private"
    owner.profile.save()
    with time_machine.travel(WINTER, tick=False):
        log_episode(owner, started_at=WINTER - timedelta(hours=9), note=SECRET_NOTE, severity=7)
        save_night(owner, date(2027, 1, 13), checked_in=True, note=SECRET_NOTE, stretched=True)
        save_reminders(owner, bedtime_enabled=True, bedtime_at=time(22, 30),
                       morning_enabled=True, morning_at=time(7, 30))
        row = renew_feed_secret(owner)
    _, body = fetch(anon_client, row)
    unfolded = body.replace("\r\n ", "")
    assert "BEGIN:VEVENT" in unfolded
    for private in (SECRET_NOTE, "Alice Quietly-Private", owner.username, "severity"):
        assert private not in unfolded


def test_unknown_empty_malformed_and_near_miss_secrets_get_404(owner, anon_client):
    save_reminders(owner, bedtime_enabled=True, bedtime_at=time(22, 30),
                   morning_enabled=False, morning_at=time(7, 30))
    row = renew_feed_secret(owner)
    secret = row.feed_secret
    for url in ("/reminders/feed/.ics", "/reminders/feed/x.ics",
                f"/reminders/feed/{secret.swapcase()}.ics", f"/reminders/feed/{secret[:-1]}.ics",
                f"/reminders/feed/{secret}%20.ics", f"/reminders/feed/{secret}x.ics",
                "/reminders/feed/" + "A" * 43 + ".ics"):
        response = anon_client.get(url)
        assert response.status_code == 404, url
        assert b"BEGIN:VCALENDAR" not in response.content and secret.encode() not in response.content
    # Someone who never made an address has an empty secret, which nothing matches.
    ReminderSettings.objects.create(user=owner.__class__.objects.create_user("carol"), bedtime_enabled=True)
    assert settings_for_secret("") is None


def test_a_new_address_ends_the_old_one(owner, owner_client, anon_client):
    owner_client.post(URL, {"action": "new-feed"})
    old = ReminderSettings.objects.get(user=owner)
    old_url = feed_url(old)
    assert anon_client.get(old_url).status_code == 200

    response = owner_client.post(URL, {"action": "new-feed"})
    assert response.status_code == 302
    new = ReminderSettings.objects.get(user=owner)
    assert new.feed_secret != old.feed_secret
    assert anon_client.get(old_url).status_code == 404
    assert anon_client.get(feed_url(new)).status_code == 200
    page = owner_client.get(URL).content.decode()
    assert "The old one no longer works." in page
    assert new.feed_secret in page and old.feed_secret not in page


def test_turning_the_address_off_ends_it(owner, owner_client, anon_client):
    owner_client.post(URL, {"action": "new-feed"})
    url = feed_url(ReminderSettings.objects.get(user=owner))
    owner_client.post(URL, {"action": "end-feed"})
    assert ReminderSettings.objects.get(user=owner).feed_secret == ""
    assert anon_client.get(url).status_code == 404
    assert "Create my calendar address" in owner_client.get(URL).content.decode()


def test_one_persons_feed_never_shows_anothers_reminders(owner, other, owner_client, other_client,
                                                         anon_client):
    post(owner_client, bedtime_enabled="on", bedtime_at="22:30", morning_at="07:30")
    post(other_client, bedtime_at="21:00", morning_enabled="on", morning_at="06:15")
    owner_client.post(URL, {"action": "new-feed"})
    other_client.post(URL, {"action": "new-feed"})
    alice, bob = ReminderSettings.objects.get(user=owner), ReminderSettings.objects.get(user=other)

    alice_cal, alice_body = fetch(anon_client, alice)
    bob_cal, bob_body = fetch(anon_client, bob)
    assert list(events(alice_cal)) == ["Bedtime stretch (3 minutes)"]
    assert list(events(bob_cal)) == ["Morning check-in"]
    alice_start = events(alice_cal)["Bedtime stretch (3 minutes)"].decoded("DTSTART")
    assert (alice_start.tzinfo, alice_start.time()) == (ZoneInfo("Europe/London"), time(22, 30))
    assert events(bob_cal)["Morning check-in"].decoded("DTSTART").time() == time(6, 15)
    assert "Australia/Sydney" in bob_body and "Australia/Sydney" not in alice_body
    alice_uids = {str(e["UID"]) for e in alice_cal.walk("VEVENT")}
    assert alice_uids.isdisjoint(str(e["UID"]) for e in bob_cal.walk("VEVENT"))
    # Each page shows its own address only.
    assert bob.feed_secret not in owner_client.get(URL).content.decode()
    assert alice.feed_secret not in other_client.get(URL).content.decode()


def test_the_feed_only_answers_to_reading(owner, anon_client, owner_client):
    row = renew_feed_secret(owner)
    before = ReminderSettings.objects.filter(pk=row.pk).values().get()
    for method in ("post", "put", "patch", "delete"):
        assert getattr(anon_client, method)(feed_url(row)).status_code == 405
        assert getattr(owner_client, method)(feed_url(row)).status_code == 405
    assert anon_client.head(feed_url(row)).status_code == 200
    assert ReminderSettings.objects.filter(pk=row.pk).values().get() == before


# --- the in-app reminder ----------------------------------------------------------------------------

def body_data(client: Client, url: str = "/tonight/") -> dict[str, object] | None:
    page = client.get(url).content.decode()
    tag = re.search(r"<body[^>]*>", page)
    assert tag is not None
    found = re.search(r'data-reminders="([^"]*)"', tag.group(0))
    return json.loads(html.unescape(found.group(1))) if found else None


def test_signed_in_pages_carry_the_enabled_reminders(owner, owner_client):
    assert body_data(owner_client) is None  # nothing set yet
    post(owner_client, bedtime_enabled="on", bedtime_at="22:10", morning_at="07:30")
    data = body_data(owner_client)
    assert data == {"zone": "Europe/London", "items": [{
        "key": "bedtime", "at": "22:10", "title": "Bedtime stretch (3 minutes)",
        "text": data["items"][0]["text"], "action": "Start the stretch", "url": "/routine/"}]}  # type: ignore[index]
    assert body_data(owner_client, reverse("account")) == data

    post(owner_client, bedtime_enabled="on", bedtime_at="22:10", morning_enabled="on", morning_at="07:05")
    data = body_data(owner_client)
    assert data is not None
    assert [(i["key"], i["at"], i["url"]) for i in data["items"]] == [  # type: ignore[attr-defined]
        ("bedtime", "22:10", "/routine/"), ("morning", "07:05", reverse("checkin"))]

    post(owner_client, bedtime_at="22:10", morning_at="07:05")  # both off
    assert body_data(owner_client) is None


def test_nobody_else_gets_a_persons_reminders_on_their_pages(owner, owner_client, other_client, anon_client):
    post(owner_client, **BOTH_ON)
    assert body_data(owner_client) is not None
    assert body_data(other_client) is None
    assert body_data(anon_client, reverse("login")) is None


def test_every_page_loads_the_reminder_script(anon_client, owner_client):
    """Linked, or written into the page for the pages that open offline (see tests/care/test_offline.py)."""
    source = (settings.BASE_DIR / "static/nightcramp/js/reminder.js").read_text()
    page = anon_client.get(reverse("login")).content.decode()
    assert re.search(r'<script src="/static/nightcramp/js/reminder\.js" defer></script>', page)
    page = owner_client.get("/tonight/").content.decode()
    assert f"<script>{source}</script>" in page
