"""The diary end to end in a real browser on a phone-sized screen, over real HTTP.

Sign up, tap "Cramp now" at 3 a.m., add details, check in the next morning, see the night in the
history and the calendar, and export. The screenshots in docs/screenshots/ are taken here:
`NIGHTCRAMP_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser` refreshes them.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nightcramp.diary.models import Episode, Night
from tests.browser.conftest import enhanced, open_menu_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
PASSWORD = "a long night of cramps"
SCREENSHOTS = Path(os.environ.get("NIGHTCRAMP_SCREENSHOTS") or tempfile.mkdtemp(prefix="nightcramp-shots-"))


def chip(page, legend: str, text: str):  # type: ignore[no-untyped-def]
    """The big radio chip labelled `text` in the group whose legend starts with `legend`."""
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    return group.locator("label", has=page.locator("span", has_text=text)).filter(
        has=page.get_by_text(text, exact=True))


def sign_up(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/screening/?welcome=1")  # the health check is offered first, and can wait
    page.get_by_role("link", name="Skip for now").click()
    page.wait_for_url("**/tonight/")
    enhanced(page)


def test_a_person_logs_a_cramp_at_night_checks_in_and_exports(phone):
    page = phone
    with time_machine.travel(datetime(2027, 1, 14, 3, 5, tzinfo=LONDON), tick=True):
        sign_up(page, "nora")
        assert page.locator("html").get_attribute("data-theme") == "dark"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "tonight-phone-night.png"))

        page.get_by_role("button", name="Cramp now").click()
        heading = page.get_by_role("heading", name="Cramp logged at 03:05")
        heading.wait_for()
        episode = Episode.objects.get(user__username="nora")
        assert episode.night.date == date(2027, 1, 13)
        assert episode.tz == "Europe/London"

        chip(page, "Which leg", "Left").click()
        chip(page, "Which muscle", "Calf").click()
        chip(page, "How bad", "7").click()
        chip(page, "Did it wake you", "Yes").click()
        chip(page, "What did you do for it", "Stretched the muscle").click()
        page.get_by_role("button", name="Save details").click()
        page.get_by_text("Details saved for the cramp at 03:05").wait_for()
        episode.refresh_from_db()
        assert (episode.leg, episode.muscle, episode.severity, episode.woke, episode.relief) == (
            "left", "calf", 7, True, "stretch")
        page.screenshot(path=str(SCREENSHOTS / "tonight-phone-after-cramp.png"))

    with time_machine.travel(datetime(2027, 1, 14, 7, 40, tzinfo=LONDON), tick=True):
        page.goto("/checkin/")
        page.get_by_role("heading", name="Morning check-in").wait_for()
        chip(page, "Did you stretch", "No").click()
        chip(page, "How much did cramps disturb", "4").click()
        page.get_by_label("Hours sitting the day before").fill("9")
        page.get_by_role("button", name="Save check-in").click()
        page.wait_for_url("**/nights/2027-01-13/")
        night = Night.objects.get(user__username="nora", date=date(2027, 1, 13))
        assert night.checked_in_at is not None
        recorded = (night.stretched, night.sleep_disruption, night.sitting_hours, night.cramps)
        assert recorded == (False, 4, 9, 1)

        open_menu_link(page, "History")
        row = page.locator(".nights li").first
        assert "13" in row.inner_text() and "1" in row.inner_text()
        page.get_by_role("link", name="Month calendar").click()
        page.locator("table.calendar").wait_for()
        assert page.locator("table.calendar td.has-cramps").count() == 1

        page.goto("/account/")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download my diary (CSV, zip)").click()
        data = Path(download_info.value.path()).read_bytes()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {Path(name).name: name for name in archive.namelist()}
            nights = archive.read(members["nights.csv"]).decode()
            episodes = archive.read(members["episodes.csv"]).decode()
        assert "2027-01-13,1,no,7,4,9," in nights
        assert "2027-01-14T03:05" in episodes and ",left,calf,7,yes,stretch," in episodes


def test_the_history_page_on_a_phone_shows_a_month_of_nights(phone, django_user_model):
    from nightcramp.diary.demo import create_demo

    with time_machine.travel(datetime(2027, 1, 14, 14, 0, tzinfo=LONDON), tick=True):
        create_demo(username="demo", password="demo-nights", reset=False, seed=2026)
        page = phone
        page.goto("/login/")
        page.get_by_label("Username").fill("demo")
        page.get_by_label("Password").fill("demo-nights")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/tonight/")
        page.goto("/history/")
        assert page.locator(".nights li").count() >= 20
        page.screenshot(path=str(SCREENSHOTS / "history-phone.png"), full_page=False)
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto("/history/2027/1/")
        page.screenshot(path=str(SCREENSHOTS / "calendar-desktop.png"))


def test_cramp_now_works_before_htmx_has_started(browser, live_server):
    """Tonight fetches HTMX only after the page has loaded, so the big button must work without it: the
    form is sent as a plain form, the cramp is stored once, and the details page follows."""
    from tests.browser.conftest import phone_page
    from tests.browser.test_accessibility import sign_in
    from tests.conftest import make_user

    # No service worker: it would fetch HTMX itself, past the page's request routing.
    page = phone_page(browser, live_server.url, service_workers="block")
    try:
        user = make_user("hana", time_zone="America/New_York")  # at home in New York, tonight in London
        sign_in(page.context, user, live_server.url)
        page.route("**/htmx-*.js", lambda route: route.abort())  # HTMX never arrives
        with page.expect_event("requestfailed", lambda r: "htmx" in r.url):
            page.goto("/tonight/")
        assert page.evaluate("() => typeof window.htmx") == "undefined"
        page.get_by_role("button", name="Cramp now").click()
        page.wait_for_url("**/episodes/*/details/")
        (episode,) = Episode.objects.filter(user=user)
        assert page.url.endswith(f"/episodes/{episode.pk}/details/")
        assert episode.tz == "Europe/London"  # the device's zone, filled in as the form was sent
        page.get_by_role("button", name="Save details").wait_for()
    finally:
        page.context.close()
