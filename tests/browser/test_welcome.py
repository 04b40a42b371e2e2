"""A visitor's first page says what nightcramp is, with Sign up and Log in in the first phone screen; sign-up
in Berlin shows the zone, hemisphere and country it guessed and stores them (issue 17)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import phone_page
from tests.browser.test_diary_flow import SCREENSHOTS
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREEN = 844


def berlin_phone(browser, base_url: str):  # type: ignore[no-untyped-def]
    return phone_page(browser, base_url, zone="Europe/Berlin")


def _inside_first_screen(locator) -> bool:  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN and box["height"] >= 44


def test_the_welcome_explains_and_offers_sign_up_and_log_in_in_the_first_screen(phone, live_server) -> None:  # type: ignore[no-untyped-def]
    phone.goto(live_server.url + "/")
    assert phone.url.rstrip("/") == live_server.url.rstrip("/")
    text = phone.locator("main").inner_text()
    assert "night" in text.lower() and "does not diagnose" in text
    assert "call your local emergency number" in text
    assert "delete your account" in text
    for name in ("Sign up", "Log in"):
        assert _inside_first_screen(phone.locator("main").get_by_role("link", name=name, exact=True)), name
    phone.screenshot(path=str(SCREENSHOTS / "welcome-phone.png"))
    phone.locator("main").get_by_role("link", name="Sign up", exact=True).click()
    phone.wait_for_url("**/signup/")


def test_sign_up_shows_and_stores_what_it_guessed_from_the_browser_zone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    page = berlin_phone(browser, live_server.url)
    try:
        page.goto("/signup/")
        guessed = page.locator("#zone-guessed")
        guessed.wait_for(state="visible")
        assert guessed.inner_text() == ("We guessed: Europe/Berlin, northern hemisphere, Germany. "
                                        "Change any that are wrong.")
        assert page.get_by_label("Country").input_value() == "DE"
        page.screenshot(path=str(SCREENSHOTS / "signup-phone.png"), full_page=True)
        page.get_by_label("Username").fill("lena")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url("**/screening/**")
    finally:
        page.context.close()
    profile = get_user_model().objects.get(username="lena").profile
    assert (profile.time_zone, profile.hemisphere, profile.country) == ("Europe/Berlin", "north", "DE")


def test_a_country_changed_by_hand_is_not_overwritten_by_the_zone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    page = berlin_phone(browser, live_server.url)
    try:
        page.goto("/signup/")
        page.locator("#zone-guessed").wait_for(state="visible")
        page.get_by_label("Country").select_option("NL")
        page.get_by_label("Time zone").select_option("Europe/Amsterdam")
        assert page.get_by_label("Country").input_value() == "NL"
        assert "Netherlands" in page.locator("#zone-guessed").inner_text()
    finally:
        page.context.close()
