"""The relief flow on a phone (390x844): one cramp is one entry whichever way the flow is opened, every step
fits one screen, and the end says what the rule says.

The page's clock is Playwright's (``page.clock``), so an 11-minute cramp runs in a moment; the server is the
real one over HTTP. People are signed in through a session cookie, so these tests do not depend on the
sign-up pages (tests/browser/test_diary_flow.py walks those).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client

from nightcramp.diary.models import Episode
from nightcramp.diary.services import log_episode
from nightcramp.knowledge import load
from tests.browser.conftest import PHONE, enhanced
from tests.browser.test_diary_flow import SCREENSHOTS
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = SCREENSHOTS

# The bottom edge of the first visible element matching a selector, with the page scrolled to the top.
BOTTOM = """(sel) => {
  window.scrollTo(0, 0);
  const el = [...document.querySelectorAll(sel)].find((e) => e.offsetParent !== null);
  return el ? el.getBoundingClientRect().bottom : null;
}"""


def signed_in(page, username: str, base_url: str):  # type: ignore[no-untyped-def]
    user = make_user(username)
    client = Client()
    client.force_login(user)
    client.get("/tonight/")  # its first request in a process loads the statistics, which can take seconds
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])
    return user


def sent(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")


def bottom(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    value = page.evaluate(BOTTOM, selector)
    assert value is not None, f"nothing visible matches {selector}"
    return float(value)


def in_first_screen(page, selector: str, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"relief-{name}.png"))
    assert bottom(page, selector) <= PHONE["height"], f"{name}: {selector} starts below the first screen"


def test_cramp_now_save_details_then_help_during_a_cramp_is_one_entry(phone, live_server):
    page = phone
    page.clock.install(time=datetime.now())
    signed_in(page, "ruth", live_server.url)
    page.goto("/tonight/")
    enhanced(page)
    page.get_by_role("button", name="Cramp now").click()
    page.get_by_role("heading", name="Cramp logged at").wait_for()
    page.locator("fieldset", has=page.locator("legend", has_text="Which leg")).get_by_text(
        "Left", exact=True).click()
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url("**/tonight/")
    (episode,) = Episode.objects.filter(user__username="ruth")
    at = episode.local_start.strftime("%H:%M")

    page.get_by_role("link", name="Help during a cramp").click()
    page.get_by_role("heading", name=f"Is this the cramp from {at}?").wait_for()
    assert page.locator("[data-clock]").is_hidden()  # no clock until it is known which cramp it times
    page.get_by_role("button", name="Yes, continue it").click()
    assert page.get_by_text(f"since the cramp began ({at})").is_visible()
    assert page.get_by_text("Choosing logs the cramp").is_hidden()  # it is logged already
    page.get_by_role("button", name="Calf").click()
    page.clock.run_for(90_000)
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Stretching").click()
    page.get_by_role("heading", name="Saved", exact=True).wait_for()
    sent(page)

    (stored,) = Episode.objects.filter(user__username="ruth")
    assert stored.pk == episode.pk
    assert (stored.leg, stored.muscle) == ("left", "calf")  # the details saved earlier, and the flow's
    assert (stored.relief, stored.relief_helped) == ("stretch", True)
    assert 85 <= (stored.duration_s or 0) <= 130  # from the cramp's own start

    page.goto("/relief/")  # that cramp is over now (it has a duration): nothing to continue
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    assert page.locator("[data-step='which']").is_hidden()


def test_saying_it_is_a_new_cramp_logs_a_second_one_on_purpose(phone, live_server):
    page = phone
    page.clock.install(time=datetime.now())
    user = signed_in(page, "sami", live_server.url)
    first, _ = log_episode(user, started_at=datetime.now().astimezone() - timedelta(minutes=12))
    page.goto("/relief/")
    page.get_by_role("heading", name=f"Is this the cramp from {first.local_start:%H:%M}?").wait_for()
    assert "12 minutes ago" in page.locator("[data-step='which']").inner_text()
    page.get_by_role("button", name="No, a new cramp").click()
    assert page.get_by_text("Choosing logs the cramp").is_visible()
    page.get_by_role("button", name="Foot").click()
    sent(page)
    assert Episode.objects.filter(user=user).count() == 2

    page.reload()  # during the same new cramp: no question again, the flow goes on
    page.get_by_role("heading", name="Cramp in the foot: stretch it").wait_for()
    assert Episode.objects.filter(user=user).count() == 2


def test_an_old_cramp_is_not_offered(phone, live_server):
    page = phone
    user = signed_in(page, "tove", live_server.url)
    log_episode(user, started_at=datetime.now().astimezone() - timedelta(minutes=31))
    page.goto("/relief/")
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    assert page.locator("[data-step='which']").is_hidden()


def test_with_no_network_the_cramp_waiting_on_the_device_is_continued_not_doubled(cabled_phone, cable):
    page = cabled_phone
    page.clock.install(time=datetime.now())
    signed_in(page, "umar", cable.url)
    page.goto("/tonight/")
    page.wait_for_function("async () => { await navigator.serviceWorker.ready; "
                           "const c = await caches.open('nightcramp-pages-v1'); "
                           "return (await c.keys()).length === 3; }")
    page.reload()  # now controlled by the worker
    cable.pull_out()
    page.context.set_offline(True)
    page.goto("/tonight/")
    enhanced(page)
    page.wait_for_function("() => !navigator.onLine")

    # The link under the cramp just kept on this device continues that cramp without asking.
    page.get_by_role("button", name="Cramp now").click()
    page.get_by_role("link", name="Still cramping? Guide me through it").click()
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    assert page.locator("[data-step='which']").is_hidden()
    page.get_by_role("button", name="Calf").click()
    page.clock.run_for(60_000)
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Rubbing the muscle").click()
    page.get_by_role("heading", name="Kept on this device").wait_for()
    assert "Saved" not in page.locator("[data-step='saved'] h2").inner_text()  # nothing reached the server
    assert page.evaluate("window.nightcrampOutbox.pending().length") == 2  # the cramp and its details

    # A second cramp logged offline, then "Help during a cramp" from Tonight: it is found in the outbox.
    page.goto("/tonight/")
    enhanced(page)
    page.get_by_role("button", name="Cramp now").click()
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 3")
    second = page.evaluate("window.nightcrampOutbox.pending().slice(-1)[0].body.id")
    page.get_by_role("link", name="Help during a cramp").click()
    page.get_by_role("heading", name="Is this the cramp from").wait_for()
    page.get_by_role("button", name="Yes, continue it").click()
    page.get_by_role("button", name="Foot").click()
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Stretching").click()
    page.get_by_role("heading", name="Kept on this device").wait_for()
    pending = page.evaluate("window.nightcrampOutbox.pending()")
    assert [e["method"] for e in pending] == ["POST", "PATCH", "POST", "PATCH"]
    assert pending[3]["url"].endswith(second)

    cable.plug_in()
    page.context.set_offline(False)
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0", timeout=15_000)
    page.get_by_role("heading", name="Saved", exact=True).wait_for()  # the end says so once it is sent
    assert "It is in your diary" in page.locator("[data-saved-text]").inner_text()
    episodes = Episode.objects.filter(user__username="umar").order_by("started_at")
    assert [(e.muscle, e.relief) for e in episodes] == [("calf", "massage"), ("foot", "stretch")]
    assert str(episodes[1].pk) == second


def test_every_step_fits_one_phone_screen_and_the_end_follows_the_rule(phone, live_server):
    page = phone
    page.clock.install(time=datetime.now())
    user = signed_in(page, "vera", live_server.url)
    log_episode(user, started_at=datetime.now().astimezone() - timedelta(minutes=2))
    page.goto("/relief/")
    page.get_by_role("heading", name="Is this the cramp from").wait_for()
    tops = page.evaluate("[...document.querySelectorAll("
                         "'header.top nav > a, header.top nav > details > summary')]"
                         ".filter(e => e.offsetParent)"
                         ".map(e => Math.round(e.getBoundingClientRect().top))")
    assert tops and len(set(tops)) == 1, "the navigation wraps to more than one row"
    in_first_screen(page, "[data-which='new']", "which")
    page.get_by_role("button", name="Yes, continue it").click()
    in_first_screen(page, "[data-muscle='other']", "muscle")
    page.get_by_role("button", name="Calf").click()
    in_first_screen(page, "[data-step='stretch'] [data-go='over']", "stretch")
    assert page.locator("[data-step='stretch']:visible summary").inner_text() == "Sources"  # folded away

    page.clock.run_for(9 * 60_000)
    alert = page.get_by_role("alert")
    assert alert.is_visible() and "this cramp has lasted 11 minutes" in alert.inner_text()
    in_first_screen(page, "[data-escalate] h2", "warning")
    in_first_screen(page, "[data-step='stretch'] [data-go='over']", "stretch-after-ten-minutes")
    page.get_by_role("button", name="It is easing: stand and walk").click()
    in_first_screen(page, "[data-step='walk'] [data-go='over']", "walk-after-ten-minutes")
    assert alert.is_visible()
    page.get_by_role("button", name="It is over").click()
    in_first_screen(page, "[data-helped='false']", "over")

    page.get_by_role("button", name="Nothing helped: it stopped by itself").click()
    page.get_by_role("heading", name="Saved", exact=True).wait_for()
    advice = page.locator("[data-saved-advice]")
    rule = load().rule("cramp_over_10_minutes")
    assert advice.is_visible() and rule.advice in advice.inner_text()  # the rule's own words
    in_first_screen(page, "[data-step='saved'] a.button", "saved")
    sent(page)
    (episode,) = Episode.objects.filter(user=user)
    assert (episode.relief, episode.relief_helped) == ("stretch", False) and (episode.duration_s or 0) > 600


def test_a_long_cramp_that_eased_with_stretching_gets_no_same_day_advice_at_the_end(phone, live_server):
    page = phone
    page.clock.install(time=datetime.now())
    signed_in(page, "wren", live_server.url)
    page.goto("/relief/")
    page.get_by_role("button", name="Calf").click()
    page.clock.run_for(11 * 60_000)
    assert page.get_by_role("alert").is_visible()  # while it does not ease, the warning shows
    page.get_by_role("button", name="It is over").click()
    assert page.get_by_role("alert").is_hidden()
    page.get_by_role("button", name="Stretching").click()
    page.get_by_role("heading", name="Saved", exact=True).wait_for()
    assert "The cramp lasted 11 minutes" in page.locator("[data-saved-text]").inner_text()
    assert page.locator("[data-saved-advice]").is_hidden()
    assert "medical advice" not in page.locator("[data-step='saved']").inner_text()


def test_on_a_desktop_the_stretch_step_shows_its_buttons_without_scrolling(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        signed_in(page, "xena", live_server.url)
        page.goto("/relief/")
        page.get_by_role("button", name="Back of the thigh").click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "relief-desktop-stretch.png"))
        assert bottom(page, "[data-step='stretch'] [data-go='over']") <= 800
    finally:
        context.close()


def test_an_entry_the_server_refuses_is_never_called_saved(phone, live_server):
    page = phone
    page.clock.install(time=datetime.now())
    user = signed_in(page, "yusuf", live_server.url)
    episode, _ = log_episode(user, started_at=datetime.now().astimezone() - timedelta(minutes=3))
    page.goto("/relief/")
    page.get_by_role("button", name="Yes, continue it").click()
    page.get_by_role("button", name="Calf").click()
    episode.delete()  # deleted elsewhere (on another device) while the cramp went on
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Stretching").click()
    page.get_by_role("heading", name="Not saved yet").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "relief-refused.png"), full_page=True)
    text = page.locator("[data-saved-text]").inner_text()
    assert "The server did not take it, so it is not in your diary yet" in text
    assert "no longer in your diary" in page.locator("[data-outbox-refused]").inner_text()  # the reason
    assert page.evaluate("window.nightcrampOutbox.failed().length") == 1  # kept, to correct or discard
    assert not Episode.objects.filter(user=user).exists()
