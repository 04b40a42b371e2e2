"""The plan and the page agree, and the stretch player fits one phone screen, in a real browser at 390x844.

On a night the personal experiment plans without the stretch, Tonight shows that plan and no big start
button; stretching anyway is a small labelled link, and the night then shows as not following the plan on
Tonight and on the experiment's pages. The player shows a relax picture and words between holds, and its
main action lies inside the first 844 px at every phase (Start, Pause, Skip, Stop, Back to Tonight).
Screenshots go to NIGHTCRAMP_SCREENSHOTS (a temporary directory unless set).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User

from nightcramp.diary.models import Night
from nightcramp.diary.services import profile_of, save_night, start_experiment
from nightcramp.insights.data import nights_of
from nightcramp.stats.experiment import analyse_experiment, plan_experiment
from tests.browser.conftest import PHONE
from tests.browser.test_diary_flow import SCREENSHOTS, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bottom(page, selector: str) -> float:  # type: ignore[no-untyped-def]
    """Where the first visible element matching ``selector`` ends, in CSS px from the top of the page."""
    box = page.locator(selector).locator("visible=true").first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"] + page.evaluate("window.scrollY")  # type: ignore[no-any-return]


def on_first_screen(page, *selectors: str) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.scrollTo(0, 0)")
    for selector in selectors:
        assert bottom(page, selector) <= PHONE["height"], selector


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def test_on_a_no_stretch_night_stretching_anyway_is_explicit_and_counted_as_off_plan(phone):
    page = phone
    page.clock.install(time=datetime.now() - timedelta(minutes=10))
    sign_up(page, "olga")
    user = User.objects.get(username="olga")
    profile = profile_of(user)
    tonight = profile.window.current_night(profile.local_now())
    start = tonight - timedelta(days=2)
    seed = next(s for s in range(100) if plan_experiment(start, seed=s).arm_on(tonight) == "no_stretch")
    experiment = start_experiment(user, start=start, seed=seed)
    for back in (2, 1):
        save_night(user, tonight - timedelta(days=back), checked_in=True, stretched=False)

    page.goto("/tonight/")
    card = page.locator(".stretch-tonight")
    assert "Your experiment tonight: no stretch" in card.inner_text()
    assert page.get_by_role("link", name="Start the bedtime stretch").count() == 0
    anyway = page.get_by_role("link", name="Stretch anyway")
    assert anyway.is_visible() and "recorded as not following the plan" in card.inner_text()
    card.scroll_into_view_if_needed()
    shoot(page, "tonight-experiment-rest-night-phone.png")

    anyway.click()
    page.wait_for_url("**/routine/")
    assert "If you stretch anyway, tonight is recorded as not following the plan." in page.locator(
        "[data-off-plan-notice]").inner_text()
    on_first_screen(page, "[data-start]")
    shoot(page, "routine-experiment-rest-night-phone.png")
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 1))
    page.get_by_role("button", name="Stretch anyway").click()
    page.clock.run_for(300_000)
    page.get_by_role("heading", name="Well done").wait_for()
    assert page.locator("[data-off-plan-done]").is_visible()
    page.wait_for_function("() => window.nightcrampOutbox.pending().length === 0")
    assert Night.objects.get(user=user, date=tonight).stretched is True

    page.goto("/tonight/")
    text = page.locator(".stretch-tonight").inner_text()
    assert "You stretched tonight, so this night is recorded as not following the plan." in text
    assert page.get_by_role("link", name="Start the bedtime stretch").count() == 0
    page.goto(f"/insights/experiment/{experiment.pk}/")
    deviations = page.locator(".deviations")
    assert "1 of 3 nights did not follow the plan" in deviations.inner_text()
    assert f"{tonight:%A} {tonight.day} {tonight:%B}: stretched on a night planned without the stretch" in (
        deviations.inner_text())
    result = analyse_experiment(nights_of(user, experiment.start, tonight))
    assert result.deviations == int(deviations.get_attribute("data-deviations") or -1) == 1


PHASES = {"ready": "Get ready", "hold": "Hold 1 of 3", "rest": "Relax", "switch": "Change position"}


def test_the_player_shows_how_to_relax_and_keeps_its_controls_on_the_first_screen(phone):
    page = phone
    page.clock.install(time=datetime.now() - timedelta(minutes=10))
    sign_up(page, "pavel")
    page.goto("/routine/")
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 1))
    on_first_screen(page, "[data-start]")
    shoot(page, "routine-phone.png")
    page.get_by_role("button", name="Start the routine").click()
    seen: dict[str, str] = {}
    nexts: dict[str, str] = {}
    for _ in range(40):  # through the first stretch's holds and rests to the change of leg
        kind = page.locator("[data-player]").get_attribute("data-kind") or ""
        if kind not in seen:
            assert page.locator("[data-phase]").inner_text() == PHASES[kind]
            on_first_screen(page, "[data-pause]", "[data-skip]", "[data-stop]")
            seen[kind] = page.locator("[data-how]").inner_text()
            nexts[kind] = page.locator("[data-next]").inner_text()
            shoot(page, f"routine-player-{kind}-phone.png")
            if kind == "rest":
                assert page.locator("[data-picture] svg title").text_content().startswith("Relax")
        if set(seen) == set(PHASES):
            break
        page.get_by_role("button", name="Skip").click()
    assert set(seen) == set(PHASES)
    assert "lean towards the wall" in seen["hold"]
    assert "lean" not in seen["rest"] and "let your left leg go loose" in seen["rest"]
    assert nexts["rest"] == "Next: hold 2 of 3"

    page.get_by_role("button", name="Pause").click()
    assert page.locator("[data-phase]").inner_text() == "Paused"
    on_first_screen(page, "[data-pause]")
    page.get_by_role("button", name="Stop").click()
    page.get_by_role("heading", name="Stopped", exact=True).wait_for()  # no hold was held to its end
    on_first_screen(page, "[data-done] a.button")
