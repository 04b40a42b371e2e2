"""Sharing in a real browser: the demo year's doctor report page, making a share link on the sharing
page, opening it in another browser with no account, and withdrawing it.

Takes docs/screenshots/report-page.png, sharing-link-phone.png and shared-page.png
(`NIGHTCRAMP_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser` refreshes them).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from nightcramp.diary.demo import create_demo
from nightcramp.sharing.models import ShareLink
from tests.browser.test_diary_flow import SCREENSHOTS
from tests.browser.test_insights_flow import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=LONDON)
DESK = {"width": 1100, "height": 1400}


def test_a_share_link_opens_the_report_elsewhere_until_it_is_withdrawn(browser, phone, live_server):
    page = phone
    with time_machine.travel(NOW, tick=True):
        create_demo("demo", "demo-nights", seed=2026)
        signed_in(page, get_user_model().objects.get(username="demo"), live_server.url)

        page.goto("/account/")
        page.get_by_role("link", name="Share links").click()
        page.get_by_label("Who it is for").fill("Dr Okafor")
        page.get_by_label("From the night of").fill("2026-08-01")
        page.get_by_label("To the night of").fill("2026-11-24")
        assert page.get_by_label("Open for").input_value() == "30"
        page.get_by_role("button", name="Make the link").click()
        address = page.get_by_label("Share link").input_value()
        assert address.startswith(live_server.url + "/shared/")
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
        page.get_by_role("button", name="Copy the link").click()
        page.get_by_text("Copied.").wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == address
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "sharing-link-phone.png"))

        # Someone else, on another computer: no cookies, no account.
        doctor = browser.new_context(viewport=DESK, base_url=live_server.url, timezone_id="Europe/London")
        try:
            visit = doctor.new_page()
            response = visit.goto(address)
            assert response is not None and response.status == 200
            text = visit.locator("main").inner_text()
            assert "Night-time leg cramps: patient-kept diary" in text
            assert "Nights 1 Aug 2026 to 24 Nov 2026" in text
            assert "Questions worth asking" in text and "The nights, newest first" in text
            assert "Tue 24 Nov 2026" in text and "Fri 31 Jul 2026" not in text
            assert "Dr Okafor" not in text
            assert visit.evaluate("() => document.querySelectorAll('script, form').length") == 0
            assert doctor.cookies() == []
            visit.screenshot(path=str(SCREENSHOTS / "shared-page.png"), full_page=False)
            with visit.expect_download() as fetched:
                visit.evaluate("""href => { const a = document.createElement('a'); a.href = href;
                                            a.download = ''; document.body.append(a); a.click(); }""",
                               address + "report.pdf")
            assert fetched.value.path().read_bytes().startswith(b"%PDF-")

            page.goto("/sharing/")
            assert "Opened 2 times" in page.locator("main").inner_text()
            page.get_by_role("button", name="Withdraw the link").click()
            assert "was withdrawn" in page.locator(".messages").inner_text()
            assert ShareLink.objects.get().revoked_at is not None

            response = visit.goto(address)
            assert response is not None and response.status == 404
            assert visit.get_by_role("heading", name="This link shows nothing").is_visible()
            assert "Nov 2026" not in visit.locator("main").inner_text()
        finally:
            doctor.close()


def test_the_doctor_report_page_reads_as_one_page_on_a_desk(browser, live_server):
    context = browser.new_context(viewport=DESK, base_url=live_server.url, timezone_id="Europe/London")
    try:
        page = context.new_page()
        with time_machine.travel(NOW, tick=True):
            create_demo("demo", "demo-nights", seed=2026)
            signed_in(page, get_user_model().objects.get(username="demo"), live_server.url)
            page.goto("/report/")
            page.get_by_role("heading", name="Night-time leg cramps: patient-kept diary").wait_for()
            assert page.get_by_role("img").count() == 2
            download = page.get_by_role("link", name="Download the PDF")
            assert download.get_attribute("href") == "/report/report.pdf"
            page.screenshot(path=str(SCREENSHOTS / "report-page.png"))
            page.emulate_media(media="print")
            hidden = page.evaluate("() => getComputedStyle(document.querySelector('.top nav')).display")
            assert hidden == "none"
    finally:
        context.close()


def test_a_short_diary_report_on_a_phone_invents_no_rate_and_keeps_dates_whole(phone, live_server):
    """One night with two cramps: no "14.0 cramps a week", no chart from one dot, and at 390 px the
    medicines table keeps each date on one line (it was one word a line)."""
    from nightcramp.diary.services import save_medication, save_night
    from tests.conftest import make_user

    page = phone
    with time_machine.travel(NOW, tick=True):
        user = make_user("newcomer", time_zone="America/Chicago")
        save_night(user, date(2026, 11, 24), cramps_reported=2, max_severity_reported=6)
        save_medication(user, name="Atorvastatin (statin)", dose="20 mg at night", started=date(2026, 9, 14))
        save_medication(user, name="Indapamide (thiazide-like diuretic)", dose="2.5 mg in the morning",
                        started=date(2025, 12, 1))
        signed_in(page, user, live_server.url)
        page.goto("/report/")
        page.get_by_role("heading", name="Night-time leg cramps: patient-kept diary").wait_for()
        main = page.locator("main").inner_text()
        assert "14.0" not in main and "No weekly rate yet" in main
        assert "Too few nights for a weekly chart yet" in main and page.get_by_role("img").count() == 0
        figure = page.locator(".key-figures div", has_text="Cramps a week").locator("dd").inner_text()
        assert figure.strip() == "–"
        dates = page.locator(".report-table .date")
        assert dates.count() == 2
        for i in range(dates.count()):
            box = dates.nth(i).bounding_box()
            line = page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24",
                                 dates.nth(i).element_handle())
            assert box is not None and box["height"] < 1.5 * line, dates.nth(i).inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        page.locator(".report-table").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "report-short-phone.png"), full_page=True)
