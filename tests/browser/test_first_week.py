"""A first week as a person lives it, end to end on a phone (390x844) in Sydney, over real HTTP.

The welcome, sign-up (which shows the zone, hemisphere and country it guessed), the welcome health check,
a bedtime stretch with the player, a cramp at 03:10 followed by the relief flow for that *same* cramp, the
morning check-in with 12 minutes of exercise, a cramp logged with no network on a phone whose clock runs
10 minutes fast, the network back, then Insights and the report after 1 night and after 8. It asserts one
entry per event, nothing lost on the device, and no rate the diary cannot support.

Two clocks move together: the server's (time_machine) and the page's (Playwright's ``page.clock``, set to
the same moment, or 10 minutes ahead where the phone is meant to be fast).
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import save_night
from tests.browser.conftest import PHONE, enhanced, phone_page
from tests.browser.test_diary_flow import PASSWORD, chip
from tests.browser.test_screening_flow import NO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYDNEY = ZoneInfo("Australia/Sydney")
SHOTS = Path(os.environ.get("NIGHTCRAMP_SCREENSHOTS") or tempfile.mkdtemp(prefix="nightcramp-week-"))
# Words no page may show for a diary this short (a rate made up from too few nights, a week that is not
# one, numbers that disagree with their nouns).
INVENTED = re.compile(r"\b1 (weeks|nights|cramps)\b|Most recently 0\.0|14\.0")


def at(page, moment: datetime) -> None:  # type: ignore[no-untyped-def]
    """Move the page's clock to ``moment`` (the server's is moved by time_machine around the step)."""
    page.clock.set_system_time(moment)


def one_row_menu(page) -> None:  # type: ignore[no-untyped-def]
    tops = page.evaluate("[...document.querySelectorAll('header.top nav > a, header.top nav summary')]"
                         ".filter(e => e.offsetParent !== null)"
                         ".map(e => Math.round(e.getBoundingClientRect().top))")
    assert len(tops) <= 5 and len(set(tops)) == 1, f"the menu is not one row of at most five: {tops}"


def below_the_fold(page, locator) -> bool:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, 0)")
    box = locator.bounding_box()
    return box is None or box["y"] + box["height"] > PHONE["height"]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@pytest.fixture
def sydney_phone(browser, live_server):  # type: ignore[no-untyped-def]
    page = phone_page(browser, live_server.url, zone="Australia/Sydney", color_scheme="dark")
    page.set_default_timeout(15_000)
    yield page
    page.context.close()


def test_a_first_week_in_sydney_keeps_one_entry_per_event_and_invents_no_rate(sydney_phone):
    page = sydney_phone
    evening = datetime(2027, 1, 11, 20, 30, tzinfo=SYDNEY)
    page.clock.install(time=evening)

    # --- Monday evening: the welcome, sign-up, the health check, on to Tonight --------------------------
    with time_machine.travel(evening, tick=True):
        page.goto("/", timeout=60_000)  # the first request of a process loads the knowledge files
        page.get_by_role("heading", name="A night diary for leg cramps").wait_for()
        page.locator("main").get_by_role("link", name="Sign up", exact=True).click()
        page.locator("#zone-guessed").wait_for(state="visible")
        assert page.locator("#zone-guessed").inner_text() == (
            "We guessed: Australia/Sydney, southern hemisphere, Australia. Change any that are wrong.")
        page.get_by_label("Username").fill("wren")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url("**/screening/?welcome=1")

        chip(page, "Is one of your calves swollen", "No").click()
        for question in NO:
            weaker = question.startswith("Are any of your muscles")
            chip(page, question, "Not sure" if weaker else "No").click()
        chip(page, "Do you have numbness", "No").click()
        chip(page, "Do the cramps often wake you", "No").click()
        chip(page, "Do you take any medicines?", "No, none").click()
        page.get_by_role("button", name="See the result").click()
        page.get_by_role("heading", name="You were not sure: check this first").wait_for()
        main = page.locator("main").inner_text()
        assert "What to check:" in main and "weaker" in main
        assert "111" not in main and "999" not in main  # no other country's numbers for someone in Sydney
        page.get_by_role("link", name="Go on to Tonight").click()
        page.wait_for_url("**/tonight/")
        enhanced(page)
        one_row_menu(page)
        assert not below_the_fold(page, page.get_by_role("button", name="Cramp now"))
        assert page.get_by_role("heading", name="Your first night").is_visible()
        shot(page, "first-week-tonight-first-evening")

    # --- 22:40: the bedtime stretch with the player -------------------------------------------------------
    bedtime = datetime(2027, 1, 11, 22, 40, tzinfo=SYDNEY)
    with time_machine.travel(bedtime, tick=True):
        at(page, bedtime)
        page.goto("/routine/")
        start = page.get_by_role("button", name="Start the routine")
        assert not below_the_fold(page, start)
        start.click()
        page.clock.run_for(225_000)
        page.get_by_role("heading", name="Well done").wait_for()
        page.get_by_text("Tonight is marked as stretched.").wait_for()  # said only once the server has it
        (session,) = StretchSession.objects.filter(user__username="wren")
        assert session.night.date == date(2027, 1, 11) and session.night.stretched is True

    # --- 03:10: a cramp, then the relief flow for the same cramp ------------------------------------------
    cramp = datetime(2027, 1, 12, 3, 10, tzinfo=SYDNEY)
    with time_machine.travel(cramp, tick=True):
        at(page, cramp)
        page.goto("/tonight/")
        enhanced(page)
        page.get_by_role("button", name="Cramp now").click()
        page.get_by_role("heading", name="Cramp logged at 03:10").wait_for()
        assert "No cramps logged tonight" not in page.locator("#so-far").inner_text()
        assert "03:10" in page.locator("#so-far").inner_text()
        page.goto("/tonight/")
        page.get_by_role("link", name="Help during a cramp").click()
        page.get_by_role("heading", name="Is this the cramp from 03:10?").wait_for()
        page.get_by_role("button", name="Yes, continue it").click()
        page.get_by_role("button", name="Calf").click()
        page.clock.run_for(120_000)
        over = page.get_by_role("button", name="It is over")
        assert not below_the_fold(page, over)
        over.click()
        page.get_by_role("button", name="Stretching").click()
        page.get_by_role("heading", name="Saved", exact=True).wait_for()
        page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
        (episode,) = Episode.objects.filter(user__username="wren")  # one cramp, one entry
        assert episode.local_start.strftime("%H:%M") == "03:10" and episode.muscle == "calf"
        assert (episode.relief, episode.relief_helped) == ("stretch", True) and episode.duration_s

    # --- 07:30: the morning check-in, 12 minutes of exercise -----------------------------------------------
    morning = datetime(2027, 1, 12, 7, 30, tzinfo=SYDNEY)
    with time_machine.travel(morning, tick=True):
        at(page, morning)
        page.goto("/checkin/")
        page.get_by_label("Minutes of exercise the day before").fill("12")
        page.get_by_role("button", name="Save check-in").click()
        page.wait_for_url(lambda url: "/checkin/" not in url)
        night = Night.objects.get(user__username="wren", date=date(2027, 1, 11))
        assert night.checked_in_at is not None and night.exercise_minutes == 12 and night.stretched is True

        # Insights and the report after one night: counts in words, no weekly rate, no chart.
        for url in ("/insights/", "/report/"):
            page.goto(url)
            text = page.locator("main").inner_text()
            assert "No weekly rate yet" in text, url
            assert ("with 1 cramp." if url == "/insights/" else "Cramps\n1\nCramps a week\n–") in text, url
            assert not INVENTED.search(text), (url, INVENTED.search(text))
            assert "nightcramp analyze" not in text and "docs/" not in text, url
            assert len(re.findall(r"\d+ more nights? (would|of)", text)) == 1, f"{url}: how many more, twice"
            assert not re.search(r"\([^()]*\(", text), f"{url}: brackets inside brackets"
            shot(page, f"first-week-{url.strip('/')}-after-one-night")
        # The doctor reads that the weak-muscle sign was a "not sure", said once.
        assert "Muscles getting weaker or smaller (health check: answered not sure)" in text

    # --- Tuesday 02:00, the phone 10 minutes fast, no network ----------------------------------------------
    second = datetime(2027, 1, 13, 2, 0, tzinfo=SYDNEY)
    with time_machine.travel(second, tick=True):
        at(page, second + timedelta(minutes=10))
        page.goto("/tonight/")
        enhanced(page)
        page.context.set_offline(True)
        page.wait_for_function("() => !navigator.onLine")
        page.get_by_role("button", name="Cramp now").click()
        page.locator("[data-offline-note] h2").wait_for()
        assert not Episode.objects.filter(user__username="wren", night__date=date(2027, 1, 12)).exists()
        page.context.set_offline(False)
        page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
        assert page.evaluate("window.nightcrampOutbox.failed().length") == 0  # nothing refused, nothing lost
        (offline,) = Episode.objects.filter(user__username="wren", night__date=date(2027, 1, 12))
        # Stored once, at the server's time (the phone said 02:10).
        assert abs(offline.started_at - second) < timedelta(minutes=2), offline.started_at

    # --- Six more nights, then Insights and the report after eight ----------------------------------------
    user = offline.user
    later = datetime(2027, 1, 19, 8, 0, tzinfo=SYDNEY)
    with time_machine.travel(later, tick=True):
        for day in range(12, 19):
            save_night(user, date(2027, 1, day), checked_in=True, stretched=day % 2 == 0, sleep_disruption=2)
        at(page, later)
        for url in ("/insights/", "/report/"):
            page.goto(url)
            text = page.locator("main").inner_text()
            assert not INVENTED.search(text), (url, INVENTED.search(text))
            # The first week (11-17 January) has a rate; the eighth night alone is a partial week, said so.
            assert ("with 2 cramps." if url == "/insights/" else "Cramps\n2\n") in text, url
            assert "No weekly rate yet" not in text, url
            assert ("2.0 cramps a week, over the week with at least 4 nights logged; 1 week with fewer is "
                    "not counted.") in text, url
            shot(page, f"first-week-{url.strip('/')}-after-eight-nights")
    assert Episode.objects.filter(user=user).count() == 2  # two cramps, two entries, none lost or doubled
