"""The in-app reminder in a real browser: set a bedtime reminder on the page, keep the app open, and
the banner appears when the time comes, links to the routine, and stays away once dismissed.

The server's clock is moved with time_machine; the browser's with Playwright's clock, set to the same
moment, so a reminder two minutes ahead is reached without waiting two real minutes.
`NIGHTCRAMP_SCREENSHOTS=docs/screenshots` keeps its screenshots of the page and the banner there.
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nightcramp.care.models import ReminderSettings
from tests.browser.conftest import open_menu_link
from tests.browser.test_diary_flow import SCREENSHOTS, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
def test_the_bedtime_reminder_shows_while_the_app_is_open(phone):
    page = phone
    errors: list[object] = []
    page.on("pageerror", lambda error: errors.append(error))  # no script may throw, with or without reminders
    start = datetime(2027, 1, 14, 22, 28, 30, tzinfo=LONDON)
    page.clock.install(time=start)
    with time_machine.travel(start, tick=True):
        sign_up(page, "rosa")
        open_menu_link(page, "Account")
        page.get_by_role("link", name="Set reminders").click()
        page.get_by_role("heading", name="Reminders", exact=True).wait_for()
        page.get_by_label("Remind me to stretch at bedtime").check()
        page.get_by_label("Bedtime reminder time").fill("22:30")
        page.get_by_role("button", name="Save reminders").click()
        page.get_by_text("Reminders saved.").wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "reminders-phone.png"), full_page=True)
        row = ReminderSettings.objects.get(user__username="rosa")
        assert (row.bedtime_enabled, row.bedtime_at, row.morning_enabled) == (True, time(22, 30), False)

        page.goto("/tonight/")
        banner = page.locator("[data-reminder='bedtime']")
        page.clock.run_for(30_000)  # 22:29: not yet
        assert banner.count() == 0
        page.clock.run_for(90_000)  # past 22:30; the page checks every 30 seconds
        banner.wait_for()
        status = page.get_by_role("status").filter(has=banner)
        assert "Bedtime stretch (3 minutes)" in status.inner_text()
        start_link = banner.get_by_role("link", name="Start the stretch")
        assert start_link.get_attribute("href") == "/routine/"
        assert banner.get_by_role("button", name="Dismiss").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "reminder-banner-phone.png"))

        # Not dismissed yet: another page shows it again at once.
        page.goto("/checkin/")
        banner.wait_for()
        banner.get_by_role("button", name="Dismiss").click()
        banner.wait_for(state="detached")

        # Dismissed: it does not come back that evening.
        page.goto("/tonight/")
        page.clock.run_for(120_000)
        assert banner.count() == 0
    assert errors == []
