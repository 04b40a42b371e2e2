"""The device's clock is not the truth, and an entry made on the device is never dropped: in a real browser
on a phone, with the page's clock set wrong (Playwright's ``page.clock``) and the network cut and back.

A clock 10 minutes fast is corrected by the server (X-Client-Time); a clock two days fast is past what the
server believes, so its entries are really refused (422 from the real server), which is how these tests
make a refusal: the entry then stays on the device with the reason in words, and is corrected and sent
again, or discarded on purpose. The routine card says "marked as stretched" only once the server has it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode
from tests.browser.test_diary_flow import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = "[data-outbox-refused]"


def log_offline(page) -> None:  # type: ignore[no-untyped-def]
    """Tap Cramp now with the network gone (the page stays open, as at the bedside)."""
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.get_by_role("button", name="Cramp now").click()
    page.locator("[data-offline-note] h2").wait_for()


def test_a_cramp_logged_offline_ten_minutes_fast_is_stored_once_at_the_true_time(phone):
    page = phone
    page.clock.install(time=datetime.now() + timedelta(minutes=10))
    sign_up(page, "tomas")
    log_offline(page)
    tapped = timezone.now()
    note = page.locator("[data-offline-note]")
    # One box says it once: the cramp, and that it waits on this device.
    assert page.locator("[data-offline-note] [data-outbox-status]").inner_text() == (
        "Saved on this device, not yet sent. It will be sent when the network is back.")
    assert page.locator("p.outbox-status[data-outbox-status]").is_hidden()
    assert note.get_by_role("link", name="Still cramping? Guide me through it").is_visible()
    assert not Episode.objects.filter(user__username="tomas").exists()

    page.context.set_offline(False)
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    (episode,) = Episode.objects.filter(user__username="tomas")
    # Before the correction this was 10 minutes in the future: refused, and the entry dropped.
    assert abs(episode.started_at - tapped) < timedelta(seconds=30)
    assert page.evaluate("window.nightcrampOutbox.failed().length") == 0
    assert page.locator("[data-offline-note] [data-outbox-status]").is_hidden()  # nothing waits any more


def test_a_refused_cramp_stays_with_its_reason_and_is_corrected_and_sent_once(phone):
    page = phone
    page.clock.install(time=datetime.now() + timedelta(days=2))  # too far off for the server to believe
    sign_up(page, "wen")
    log_offline(page)
    page.context.set_offline(False)
    box = page.locator(REFUSED)
    box.get_by_role("heading", name="Not saved: 1 entry needs you").wait_for()
    text = box.inner_text()
    assert "is later than now on the server" in text
    assert "started_at" not in text and "future" not in text  # words for people, not the API's
    assert page.evaluate("window.nightcrampOutbox.pending().length") == 0
    assert len(page.evaluate("window.nightcrampOutbox.failed()")) == 1  # kept on the device
    assert not Episode.objects.filter(user__username="wen").exists()

    # Sending it again as it is gets the same answer: still kept, still visible, nothing stored.
    box.get_by_role("button", name="Send again as it is").click()
    page.wait_for_function("() => window.nightcrampOutbox.failed().length === 1 && "
                           "window.nightcrampOutbox.pending().length === 0")
    box.get_by_role("heading", name="Not saved: 1 entry needs you").wait_for()

    # A reload does not lose it either.
    page.reload()
    box.get_by_role("heading", name="Not saved: 1 entry needs you").wait_for()
    entry_id = page.evaluate("window.nightcrampOutbox.failed()[0].body.id")

    # Corrected: the time it really began, as the diary will show it.
    london = (timezone.now() - timedelta(minutes=20)).astimezone(ZoneInfo("Europe/London"))
    box.get_by_label("When it started").fill(f"{london:%H:%M}")
    box.get_by_role("button", name="Send with this time").click()
    box.wait_for(state="hidden")
    # The box goes as soon as the entry is back in the queue; it is stored once the queue is empty.
    page.wait_for_function("() => nightcrampOutbox.failed().length + nightcrampOutbox.pending().length === 0")
    (episode,) = Episode.objects.filter(user__username="wen")
    assert str(episode.pk) == entry_id  # the same entry, stored once
    assert episode.started_at.astimezone(london.tzinfo).strftime("%H:%M") == f"{london:%H:%M}"
    assert page.evaluate("nightcrampOutbox.failed().length + nightcrampOutbox.pending().length") == 0


def test_a_refused_entry_is_discarded_only_on_purpose(phone):
    page = phone
    page.clock.install(time=datetime.now() + timedelta(days=2))
    sign_up(page, "ola")
    log_offline(page)
    page.context.set_offline(False)
    box = page.locator(REFUSED)
    box.get_by_role("button", name="Discard…").click()
    assert "It will not be in your diary, and this cannot be undone." in box.inner_text()
    box.get_by_role("button", name="Keep it").click()
    assert page.evaluate("window.nightcrampOutbox.failed().length") == 1  # changed its mind: still there
    box.get_by_role("button", name="Discard…").click()
    box.get_by_role("button", name="Yes, discard it").click()
    box.wait_for(state="hidden")
    assert page.evaluate("window.nightcrampOutbox.failed().length") == 0
    assert not Episode.objects.filter(user__username="ola").exists()


def finish_routine(page) -> str:  # type: ignore[no-untyped-def]
    page.goto("/routine/")
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 1))
    page.get_by_role("button", name="Start the routine").click()
    page.clock.run_for(225_000)
    page.get_by_role("heading", name="Well done").wait_for()
    page.wait_for_function("() => !/Saving/.test(document.querySelector('[data-done-text]').textContent)")
    return page.locator("[data-done-text]").inner_text()  # type: ignore[no-any-return]


def test_the_routine_card_never_claims_a_save_the_server_refused(phone):
    page = phone
    page.clock.install(time=datetime.now() + timedelta(days=2))
    sign_up(page, "pia")
    done = finish_routine(page)
    assert "marked as stretched" not in done
    assert "It is not saved: the server did not accept it" in done
    assert "is later than now on the server" in page.locator(REFUSED).inner_text()
    assert not StretchSession.objects.filter(user__username="pia").exists()


def test_the_routine_card_says_it_waits_offline_and_marked_only_once_stored(phone):
    page = phone
    page.clock.install(time=datetime.now() + timedelta(minutes=10))  # fast, but corrected
    sign_up(page, "ravi")
    page.goto("/routine/")
    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    done = finish_routine(page)
    assert done == "All 12 holds done. Tonight will count as stretched once it is sent."
    assert "saved on this device, not yet sent: bedtime stretch" in page.locator(
        "[data-done] [data-outbox-status]").inner_text()
    page.context.set_offline(False)
    page.get_by_text("All 12 holds done. Tonight is marked as stretched.").wait_for()
    (stored,) = StretchSession.objects.filter(user__username="ravi")
    assert stored.ended_at <= timezone.now()  # 10 minutes fast, stored at the server's time
