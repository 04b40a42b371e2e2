"""The welcome in a real browser on a phone, outside the UK: sign-up, the health check, on to Tonight with the
first-night guide; a same-day result that stays on Tonight until marked seen; and forms that take what people
type and, sent with HTMX, show what is wrong next to the field.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nightcramp.diary.models import Episode, Night
from nightcramp.screening.models import Screening
from tests.browser.conftest import enhanced, phone_page
from tests.browser.test_diary_flow import PASSWORD, SCREENSHOTS, chip, sign_up
from tests.browser.test_screening_flow import NO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture
def toronto_phone(browser, live_server):  # type: ignore[no-untyped-def]
    page = phone_page(browser, live_server.url, zone="America/Toronto")
    yield page
    page.context.close()


def test_the_welcome_check_leads_to_tonight_with_the_guide_and_keeps_a_same_day_result(toronto_phone):
    page = toronto_phone
    with time_machine.travel(datetime(2027, 5, 3, 20, 30, tzinfo=TORONTO), tick=True):
        page.goto("/signup/", timeout=60_000)  # the first request loads the knowledge files
        page.get_by_label("Username").fill("mara")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url("**/screening/?welcome=1")

        chip(page, "Is one of your calves swollen", "Yes").click()
        for question in NO:
            chip(page, question, "No").click()
        chip(page, "Do you have numbness", "No").click()
        chip(page, "Do the cramps often wake you", "No").click()
        chip(page, "Do you take any medicines?", "No, none").click()
        page.get_by_role("button", name="See the result").click()

        page.get_by_role("heading", name="Get medical advice today").wait_for()
        main = page.locator("main").inner_text()
        assert main.lower().count("get medical advice today") == 2  # the verdict, and the quinine exception
        assert "then stop it and get medical advice today" in main
        page.screenshot(path=str(SCREENSHOTS / "screening-welcome-result-phone.png"), full_page=True)
        page.get_by_role("link", name="Go on to Tonight").click()
        page.wait_for_url("**/tonight/")
        enhanced(page)

        # The same-day result stays at the top of Tonight, below the Cramp now button, with its advice.
        notice = page.locator("section.check-notice")
        assert notice.get_by_role("heading", name="Get medical advice today").is_visible()
        assert "YOUR HEALTH CHECK OF 3 MAY" in notice.inner_text().upper()  # the day in Toronto, not UTC
        assert "It can be a sign of a blood clot" in notice.inner_text()
        guide = page.locator("section.first-night")
        assert guide.get_by_role("heading", name="Your first night").is_visible()
        assert "tap Cramp now at the top of this page" in guide.inner_text()
        # It is named in the first screen too, above the big button, and leads to the notice.
        line = page.get_by_role("link", name="Health check: get medical advice today")
        box = line.bounding_box()
        assert box and box["y"] + box["height"] <= 844 and box["height"] >= 44
        assert line.get_attribute("href") == "#check-notice"
        cramp = page.get_by_role("button", name="Cramp now").bounding_box()
        assert cramp and cramp["y"] + cramp["height"] <= 844  # the main action still on the first screen
        page.screenshot(path=str(SCREENSHOTS / "tonight-first-night-guide-phone.png"), full_page=True)

        page.reload()
        assert page.locator("section.check-notice").is_visible()  # until marked seen, not just once
        page.get_by_role("button", name="I have seen this: hide it").click()
        page.wait_for_url("**/tonight/")
        assert page.locator("section.check-notice").count() == 0
        assert Screening.objects.get(user__username="mara").seen_at is not None

        page.get_by_role("button", name="Got it: hide this").click()
        page.wait_for_url("**/tonight/")
        assert page.locator("section.first-night").count() == 0


def test_forms_take_12_minutes_and_show_htmx_errors_next_to_the_field(phone):
    page = phone
    london = ZoneInfo("Europe/London")
    with time_machine.travel(datetime(2027, 1, 14, 3, 5, tzinfo=london), tick=True):
        sign_up(page, "ada")

        # Tonight's "At a time" left empty: HTMX refuses to send it; the page says why, next to the field.
        page.get_by_role("button", name="Log at this time").click()
        error = page.locator("#cramp-at_error")
        error.wait_for()
        assert error.inner_text().startswith("At a time: ")
        assert page.get_by_label("At a time").get_attribute("aria-invalid") == "true"
        assert "cramp-at_error" in (page.get_by_label("At a time").get_attribute("aria-describedby") or "")
        page.screenshot(path=str(SCREENSHOTS / "tonight-htmx-error-phone.png"))
        assert Episode.objects.count() == 0
        page.get_by_label("At a time").fill("02:50")
        assert page.locator("#cramp-at_error").count() == 0  # it goes once the field is changed

        # The details form, sent with HTMX: a wrong number is named next to its field, nothing is saved.
        page.get_by_role("button", name="Cramp now").click()
        page.get_by_role("heading", name="Cramp logged at 03:05").wait_for()
        minutes = page.get_by_label("Or exact minutes")
        minutes.fill("2000")
        page.get_by_role("button", name="Save details").click()
        page.locator("#id_duration_minutes_error").wait_for()
        assert "Or exact minutes" in page.locator("#id_duration_minutes_error").inner_text()
        # And an error only the server finds (the page's limit taken off) comes back into the page too.
        minutes.evaluate("input => input.removeAttribute('max')")
        page.get_by_role("button", name="Save details").click()
        page.get_by_text("Ensure this value is less than or equal to 1440").wait_for()
        server_error = page.locator("#id_duration_minutes_error")
        assert "Or exact minutes: Ensure this value" in server_error.inner_text()
        assert page.get_by_label("Or exact minutes").get_attribute("aria-invalid") == "true"
        assert Episode.objects.get().duration_s is None

    with time_machine.travel(datetime(2027, 1, 14, 8, 0, tzinfo=london), tick=True):
        page.goto("/checkin/")
        page.get_by_label("Minutes of exercise the day before").fill("12")
        page.get_by_role("button", name="Save check-in").click()
        page.wait_for_url(lambda url: "/checkin/" not in url)
        assert Night.objects.get(date=date(2027, 1, 13)).exercise_minutes == 12
