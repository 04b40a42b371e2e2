"""Browser tests: Playwright for Python driving Debian's chromium (never a browser Playwright downloads).

Without /usr/bin/chromium the tests skip with a clear message, except in CI, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.cable import Cable

CHROMIUM = Path(os.environ.get("NIGHTCRAMP_CHROMIUM", "/usr/bin/chromium"))
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run them")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still talk to the database
    # synchronously (to set up and check rows), which Django allows only when told so. Only while
    # the browser tests run, so no other test or child process inherits it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


def enhanced(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until HTMX has started on a page that uses it (Tonight fetches it once the page has loaded;
    until then its forms are sent as plain forms, which is not what a test of the in-page flow wants)."""
    page.wait_for_function("() => window.htmx !== undefined")


def phone_page(browser, base_url: str, zone: str = "Europe/London", **options):  # type: ignore[no-untyped-def]
    """A phone-sized page whose clock is in ``zone`` (London unless a test says where the phone is)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, accept_downloads=True,
                                  base_url=base_url, timezone_id=zone, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def phone(browser, live_server):  # type: ignore[no-untyped-def]
    """A phone-sized page (touch, 390x844) pointed at a live server over real HTTP."""
    page = phone_page(browser, live_server.url)
    yield page
    page.context.close()


@pytest.fixture
def cable(live_server) -> Iterator[Cable]:
    """The network between the browser and the live server, which a test can pull out (see cable.py)."""
    relay = Cable(live_server.url)
    yield relay
    relay.pull_out()


@pytest.fixture
def cabled_phone(browser, cable):  # type: ignore[no-untyped-def]
    """A phone-sized page that reaches the live server only through ``cable``."""
    page = phone_page(browser, cable.url)
    yield page
    page.context.close()


def open_menu_link(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Follow a link of the main menu as a person does: through "More" when it is not on the top row."""
    nav = page.get_by_role("navigation", name="Main")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        nav.locator("summary").click()
    link.click()
