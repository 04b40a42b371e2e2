"""Guided care in a real browser on a phone: the routine player, the relief flow, and both with no network.

The page's clock is Playwright's (``page.clock``), so a 4-minute routine or an 11-minute cramp runs in a
moment; the server is the real one over HTTP. Spoken cues are read from the page's own calls to the
browser's speech synthesis. Takes docs/screenshots/routine-player-phone.png and relief-flow-phone.png
(`NIGHTCRAMP_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser` refreshes them).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode, Night
from tests.browser.conftest import enhanced
from tests.browser.test_diary_flow import SCREENSHOTS, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Record what the page asks the browser to say (the page still calls the real speechSynthesis).
LISTEN = """
window.__spoken = [];
if (window.speechSynthesis) {
  const speak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = (u) => { window.__spoken.push(u.text); try { speak(u); } catch (e) {} };
}
"""


def spoken(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.__spoken")  # type: ignore[no-any-return]


def timer(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("[data-timer]").inner_text()  # type: ignore[no-any-return]


def test_the_routine_player_guides_each_hold_and_records_the_session(phone):
    page = phone
    page.add_init_script(LISTEN)
    page.clock.install(time=datetime.now() - timedelta(minutes=10))
    sign_up(page, "ines")
    page.goto("/routine/")
    # From here the page's clock moves only when the test moves it (an installed clock also flows with
    # real time, which made the timer's reading depend on how busy the machine was).
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 1))
    page.get_by_role("button", name="Start the routine").click()
    assert page.locator("[data-phase]").inner_text() == "Get ready" and timer(page) == "5"
    assert spoken(page)[-1] == "Get ready: wall calf stretch, left leg."
    assert page.locator("[data-hide-while-running]").first.is_hidden()  # only the player shows

    page.clock.run_for(5_100)
    assert page.locator("[data-phase]").inner_text() == "Hold 1 of 3"
    assert page.locator("[data-title]").inner_text() == "Wall calf stretch, left leg"
    assert timer(page) == "10" and spoken(page)[-1] == "Hold. 1 of 3."
    assert page.locator("[data-picture] svg").count() == 1
    assert "Step your left leg back" in page.locator("[data-how]").inner_text()
    page.clock.run_for(7_500)
    assert timer(page) == "3" and "pulse" in (page.locator("[data-timer]").get_attribute("class") or "")
    page.screenshot(path=str(SCREENSHOTS / "routine-player-phone.png"))
    page.clock.run_for(2_600)
    assert page.locator("[data-phase]").inner_text() == "Relax" and spoken(page)[-1] == "And relax."

    page.get_by_role("button", name="Pause").click()
    paused_at = timer(page)
    page.clock.run_for(30_000)
    assert timer(page) == paused_at and page.locator("[data-phase]").inner_text() == "Paused"
    page.get_by_role("button", name="Resume").click()
    page.clock.run_for(10_100)  # the rest ends: hold 2
    assert page.locator("[data-phase]").inner_text() == "Hold 2 of 3"
    page.get_by_role("button", name="Skip").click()  # a skipped hold does not count
    assert page.locator("[data-phase]").inner_text() == "Relax"

    page.clock.run_for(240_000)
    page.get_by_role("heading", name="Stopped part-way").wait_for()  # 11 of the 12 holds
    # Said once the server has stored it (tests/browser/test_outbox.py: never before).
    page.get_by_text("11 of 12 holds done. Tonight is marked as stretched.").wait_for()
    assert "Well done. Sleep well." not in spoken(page) and spoken(page)[-1] == "Stopped."
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    (stored,) = StretchSession.objects.filter(user__username="ines")
    assert (stored.routine, stored.holds_planned, stored.holds_done) == ("standing", 12, 11)
    assert Night.objects.get(pk=stored.night_id).stretched is True

    page.goto("/tonight/")
    assert "Stretched tonight ✓" in page.locator(".stretch-tonight").inner_text()


def test_during_a_cramp_the_flow_times_it_escalates_after_ten_minutes_and_saves_what_helped(phone):
    page = phone
    page.clock.install(time=datetime.now())
    sign_up(page, "omar")
    page.get_by_role("button", name="Cramp now").click()
    page.get_by_role("link", name="Still cramping? Guide me through it").click()
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    assert page.locator("[data-escalate]").is_hidden()
    page.get_by_role("button", name="Calf").click()
    shown = page.locator("section:visible").first.inner_text()
    assert "pull your foot and toes up towards your shin" in shown
    page.clock.run_for(9 * 60_000)
    assert page.locator("[data-escalate]").is_hidden()
    page.clock.run_for(2 * 60_000 + 5_000)
    alert = page.get_by_role("alert")
    assert "A cramp that lasts more than 10 minutes" in alert.inner_text()
    assert "Get medical advice today" in alert.inner_text()
    assert "this cramp has lasted 11 minutes" in alert.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "relief-flow-phone.png"))

    page.get_by_role("button", name="It is easing: stand and walk").click()
    page.get_by_role("heading", name="Stand up and walk").wait_for()
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Standing and walking").click()
    page.get_by_role("heading", name="Saved").wait_for()
    # It eased with walking, so the rule (more than 10 minutes and not easing) does not apply at the end.
    assert page.locator("[data-saved-advice]").is_hidden()
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    (episode,) = Episode.objects.filter(user__username="omar")
    assert (episode.muscle, episode.relief, episode.relief_helped) == ("calf", "walk", True)
    assert 660 <= (episode.duration_s or 0) <= 680


def test_opened_on_its_own_the_flow_logs_the_cramp_only_once_the_muscle_is_chosen(phone):
    page = phone
    page.clock.install(time=datetime.now())
    sign_up(page, "lena")
    page.goto("/relief/")
    page.get_by_role("heading", name="Where is the cramp?").wait_for()
    page.clock.run_for(45_000)
    assert not Episode.objects.filter(user__username="lena").exists()  # reading the page logs nothing
    page.get_by_role("button", name="Foot").click()
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    (episode,) = Episode.objects.filter(user__username="lena")
    page.clock.run_for(60_000)
    page.get_by_role("button", name="It is over").click()
    page.get_by_role("button", name="Rubbing the muscle").click()
    page.get_by_role("heading", name="Saved").wait_for()
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    episode.refresh_from_db()
    assert (episode.muscle, episode.relief, episode.relief_helped) == ("foot", "massage", True)
    assert 100 <= (episode.duration_s or 0) <= 115  # from when the page opened
    assert Episode.objects.filter(user__username="lena").count() == 1


def test_with_no_network_two_cramps_and_a_routine_are_kept_and_sent_exactly_once(cabled_phone, cable):
    page = cabled_phone
    page.clock.install(time=datetime.now() - timedelta(minutes=10))
    sign_up(page, "kofi")
    page.goto("/tonight/")
    # The service worker keeps Tonight, the routine and the relief flow for the night without signal.
    page.wait_for_function("async () => { await navigator.serviceWorker.ready; "
                           "const c = await caches.open('nightcramp-pages-v1'); "
                           "return (await c.keys()).length === 3; }")
    page.reload()  # now controlled by the worker

    # No network: the cable to the server is pulled out (nothing the browser sends can reach it), and the
    # browser knows it is offline, as a phone without signal does.
    cable.pull_out()
    page.context.set_offline(True)
    page.goto("/tonight/")  # from the kept copy
    enhanced(page)  # HTMX, from the worker's cache too
    page.wait_for_function("() => !navigator.onLine")  # the page has heard that the network is gone
    page.get_by_role("button", name="Cramp now").click()
    page.locator("[data-offline-note] [data-outbox-status]", has_text="on this device").wait_for()
    page.get_by_role("button", name="Cramp now").click()
    assert page.evaluate("window.nightcrampOutbox.pending().length") == 2
    ids = page.evaluate("window.nightcrampOutbox.pending().map(e => e.body.id)")
    assert len(set(ids)) == 2
    status = page.locator("[data-outbox-status]").first.inner_text()
    assert "2 entries are saved on this device, not yet sent" in status

    page.goto("/routine/")
    page.get_by_role("button", name="Start the routine").click()
    page.clock.run_for(225_000)
    page.get_by_role("heading", name="Well done").wait_for()
    assert page.evaluate("window.nightcrampOutbox.pending().length") == 3
    assert not Episode.objects.filter(user__username="kofi").exists()  # nothing reached the server
    assert not StretchSession.objects.filter(user__username="kofi").exists()

    cable.plug_in()
    page.context.set_offline(False)
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0", timeout=15_000)
    episodes = Episode.objects.filter(user__username="kofi")
    assert sorted(str(e.pk) for e in episodes) == sorted(ids)
    (stored,) = StretchSession.objects.filter(user__username="kofi")
    assert stored.completed and Night.objects.get(pk=stored.night_id).stretched is True

    # Sending again (a retry after a lost answer) changes nothing: the ids make it exactly once.
    assert page.evaluate("""(id) => fetch('/api/v1/episodes', {method: 'POST', headers: {
          'Content-Type': 'application/json', 'X-CSRFToken': document.cookie.match(/csrftoken=([^;]+)/)[1]},
          body: JSON.stringify({id: id})}).then(r => r.status)""", ids[0]) == 200  # 200: already stored
    assert Episode.objects.filter(user__username="kofi").count() == 2
    assert StretchSession.objects.filter(user__username="kofi").count() == 1
