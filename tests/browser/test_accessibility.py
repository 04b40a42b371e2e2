"""Accessibility in a real browser: axe-core on every page, the keyboard on Tonight, reduced motion.

Every page a person can open with GET is read from the URL configuration, so a page added later is
checked without editing this file. Each page is checked with a diary that holds realistic data, in the
light theme and in the dark night theme (colour contrast differs), and no axe-core violation of impact
"serious" or "critical" may remain. axe-core is vendored in tests/browser/vendor/ (see its README.txt);
the app never serves it.

Routes that are not pages are left out, each for a stated reason: the JSON API, logging out, routes that
answer GET with a redirect or 405 (POST only), and downloads (not HTML). A route whose URL needs a value
this file does not know fails and says where to add it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from nightcramp.accounts.models import ApiToken
from nightcramp.authz import access_of
from nightcramp.care.models import ReminderSettings, StretchSession
from nightcramp.diary.models import Profile
from nightcramp.diary.services import log_episode, night_for, save_medication, save_night, start_experiment
from nightcramp.screening.services import save_screening
from nightcramp.sharing.models import ShareLink
from tests.browser.conftest import PHONE, enhanced
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
LONDON = ZoneInfo("Europe/London")
# 03:30 on a March night in London: "tonight" is the night of 11 March and already holds two cramps.
NOW = datetime(2026, 3, 12, 3, 30, tzinfo=LONDON)
# The browser's own clock decides the theme of signed-out pages (theme.js): night, and afternoon.
BROWSER_CLOCK = {"dark": datetime(2026, 3, 12, 3, 30, tzinfo=LONDON),
                 "light": datetime(2026, 3, 12, 14, 30, tzinfo=LONDON)}
THEMES = ("light", "dark")
BLOCKING = ("serious", "critical")
SKIP_NAMES = {"logout": "logging out is an action, not a page"}
LIGHT_ONLY = {"shared": "a shared page is a document for someone else: always light, like paper, no script"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    access: str | None


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield Route(f"{namespace}{p.name}", prefix + str(p.pattern), access_of(p.callback))


ROUTES = sorted({r for r in walk(get_resolver().url_patterns) if r.access != "api"
                 and not r.name.startswith("api-v1:")}, key=lambda r: (r.pattern, r.name))


def value_for(route: Route, param: str, world: dict[str, Any]) -> str | None:
    """One URL parameter: an id of the signed-in person's own rows, or a date; None when unknown."""
    if param in ("day", "date", "night_date"):
        return str(world["day"].isoformat())
    if param == "year":
        return str(world["day"].year)
    if param == "month":
        return str(world["day"].month)
    if param == "secret" and "feed" in route.name:
        return str(world["reminders"].feed_secret)
    if param == "token" and route.name.startswith("shared"):
        return str(world["share_secret"])
    if param in ("pk", "id"):
        owners = (("screening:", "screening"), ("token", "token"), ("medication", "medication"),
                  ("episode", "episode"), ("stretch_session", "stretch_session"),
                  ("experiment", "experiment"), ("share_", "share_link"))
        for marker, key in owners:
            if marker in route.name:
                return str(world[key].pk)
    return None


PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


def linked_urls(route: Route, user: Any) -> list[str]:
    """Every URL of ``route`` that the app's own pages (those without parameters) link to."""
    client = Client()
    client.force_login(user)
    found: set[str] = set()
    for source in ROUTES:
        if "<" in source.pattern or source.name in SKIP_NAMES:
            continue
        response = client.get("/" + source.pattern)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        for href in re.findall(r'href="(/[^"#?]*)', response.content.decode()):
            try:
                match = resolve(href)
            except Resolver404:
                continue
            if match.view_name == route.name:
                found.add(href)
    return sorted(found)


def urls_of(route: Route, world: dict[str, Any]) -> list[str]:
    """The URLs to check for a route: its one URL with the test's own rows, or every URL the app links to."""
    params = PARAM.findall(route.pattern)
    values = {name: value_for(route, name, world) for name in params}
    if all(v is not None for v in values.values()):
        return ["/" + PARAM.sub(lambda m: str(values[m.group("name")]), route.pattern)]
    linked = linked_urls(route, world["user"])
    if linked:
        return linked
    unknown = [name for name, v in values.items() if v is None]
    needs = ", ".join(f"<{n}>" for n in unknown)
    pytest.fail(f"route {route.name!r} ({route.pattern}) needs a value for {needs} that the accessibility "
                f"test does not know, and no page links to it: add it to value_for() "
                f"(and the row to world()) in tests/browser/{Path(__file__).name}")


def world() -> dict[str, Any]:
    """Ada's diary: cramps with details tonight and before, a checked-in night, a medicine, a health check."""
    ada = make_user("ada", time_zone="Europe/London")
    long_one, _ = log_episode(ada, started_at=datetime(2026, 3, 12, 2, 10, tzinfo=LONDON), leg="left",
                              muscle="calf", severity=8, woke=True, relief="stretch", relief_helped=True,
                              duration_s=15 * 60, note="Woke me; stretching against the wall helped.")
    log_episode(ada, started_at=datetime(2026, 3, 12, 3, 5, tzinfo=LONDON))
    log_episode(ada, started_at=datetime(2026, 3, 11, 1, 40, tzinfo=LONDON), leg="right", muscle="foot",
                severity=5, woke=True, relief="walk", duration_s=120)
    log_episode(ada, started_at=datetime(2026, 3, 10, 15, 0, tzinfo=LONDON), leg="both", muscle="hamstring",
                severity=4, woke=False)
    night = save_night(ada, date(2026, 3, 10), checked_in=True, stretched=False, sleep_disruption=6,
                       sitting_hours=9, exercise_minutes=20, alcohol_units=2, note="Long day at the desk.")
    save_night(ada, date(2026, 3, 8), checked_in=True, stretched=True, sleep_disruption=0)
    medication, _ = save_medication(ada, name="bendroflumethiazide", dose="2.5 mg each morning",
                                    started=date(2026, 1, 10))
    token, _ = ApiToken.issue(ada, "phone")
    screening = save_screening(ada, {
        "age": 67, "sex": "female", "pregnant": False, "conditions": ["diabetes"],
        "symptoms": {"muscle_twitching": True, "sleep_disrupted_often": True,
                     "calf_swelling_warmth_or_redness": False},
        "medications": [{"name": "bendroflumethiazide", "started": "2026-01-10"}],
    })
    stretched = StretchSession.objects.create(
        user=ada, night=night_for(ada, date(2026, 3, 8)), routine="standing", tz="Europe/London",
        started_at=datetime(2026, 3, 8, 22, 40, tzinfo=LONDON),
        ended_at=datetime(2026, 3, 8, 22, 44, tzinfo=LONDON), holds_planned=12, holds_done=12)
    reminders = ReminderSettings.objects.create(user=ada, bedtime_enabled=True, morning_enabled=True,
                                                feed_secret="ada-feed-" + "7" * 32)
    experiment = start_experiment(ada, start=date(2026, 3, 8), seed=8)
    share_link, share_secret = ShareLink.issue(ada, start=date(2026, 2, 1), end=date(2026, 3, 11),
                                               label="Dr Okafor", include_notes=True)
    return {"share_link": share_link, "share_secret": share_secret,
            "user": ada, "episode": long_one, "day": night.date, "medication": medication, "token": token,
            "screening": screening, "stretch_session": stretched, "reminders": reminders,
            "experiment": experiment}


def sign_in(context: Any, user: Any, base_url: str) -> None:
    """Give the browser a real session of the user's (the log-in form itself is checked signed out)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}])


def kind_of(route: Route, url: str, user: Any) -> str | None:
    """None for a page; otherwise why the route is not a page (and so not checked here)."""
    if route.name in SKIP_NAMES:
        return SKIP_NAMES[route.name]
    client = Client()
    if route.access != "public":
        client.force_login(user)
    response = client.get(url)
    if response.status_code in (301, 302, 303, 307, 308):
        return f"GET {url} redirects to {response['Location']}"
    if response.status_code == 405:
        return f"GET {url} is not allowed (POST only)"
    assert response.status_code == 200, (
        f"GET {url} ({route.name}) answered {response.status_code}: a page must open with the test's data; "
        f"if it needs other rows, add them to world() in {Path(__file__).name}")
    if "attachment" in response.get("Content-Disposition", "") or \
            not response.get("Content-Type", "").startswith("text/html"):
        return f"GET {url} is not an HTML page ({response.get('Content-Type')})"
    return None


def run_axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}));
    }""")
    return list(result)


def describe(theme: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{theme}] {url}: {v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}\n      {(node['summary'] or '').replace(chr(10), ' / ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_page_has_no_serious_or_critical_axe_violation_in_either_theme(browser, live_server, route):
    assert AXE.exists(), f"axe-core is vendored at {AXE}"
    with time_machine.travel(NOW, tick=True):
        data = world()
        urls = urls_of(route, data)
        why_not = kind_of(route, urls[0], data["user"])
        if why_not:
            pytest.skip(f"{route.name}: {why_not}")
        user = None if route.access == "public" else data["user"]
        # No service worker: each page comes from the server as it is now, not from an offline copy.
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, service_workers="block",
                                      base_url=live_server.url, timezone_id="Europe/London")
        try:
            page = context.new_page()
            page.set_default_timeout(10_000)
            if user is not None:
                sign_in(context, user, live_server.url)
            themes = ("light",) if route.name in LIGHT_ONLY else THEMES
            failures = [failure for url in urls for theme in themes
                        for failure in check_page(page, url, theme, user)]
        finally:
            context.close()
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)


def check_page(page: Any, url: str, theme: str, user: Any) -> list[str]:
    """axe-core's serious and critical violations on one page in one theme (signed out when user is None)."""
    if user is not None:
        Profile.objects.filter(user=user).update(theme=theme)  # the server then sets data-theme
    else:
        page.clock.set_fixed_time(BROWSER_CLOCK[theme])  # theme.js decides by the browser's clock
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    assert page.locator("html").get_attribute("data-theme") == theme, (url, theme)
    # HTMX is loaded only where a page uses it: a page with hx- attributes and no HTMX would quietly fall
    # back to full-page forms.
    if page.evaluate("() => !!document.querySelector('[hx-get], [hx-post], [hx-patch], [hx-delete]')"):
        enhanced(page)
    else:
        assert page.evaluate("() => typeof window.htmx") == "undefined", f"{url} loads unused HTMX"
    blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
    failures = [describe(theme, url, blocking)] if blocking else []
    small = small_targets(page)
    if small:
        failures.append(f"[{theme}] {url}: touch targets smaller than {TARGET}x{TARGET} CSS px "
                        "(WCAG 2.5.5):\n    " + "\n    ".join(small))
    return failures


TARGET = 44
SMALL_TARGETS = r"""(target) => {
    // Every control a finger can reach on the page as drawn (open menus included), and its box: a radio or
    // checkbox counts with the label that holds it (tapping the label ticks it). WCAG 2.5.5's "inline"
    // exception: a link inside a sentence (its block holds other text) may be as tall as the line.
    const seen = new Set(), small = [];
    const closed = [...document.querySelectorAll("details:not([open])")];
    closed.forEach(d => { d.open = true; });
    const controls = document.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, summary");
    for (const el of controls) {
        const box = el.closest("label") && el.matches("input[type=checkbox], input[type=radio]")
            ? el.closest("label") : el;
        if (seen.has(box) || box.closest("[hidden], [inert]")) continue;
        seen.add(box);
        const style = getComputedStyle(box);
        const drawn = style.visibility !== "hidden" && style.display !== "none" && box.getClientRects()[0];
        if (!drawn) continue;
        // Chips: their span is the target; the skip link shows only while focused.
        if (el.matches(".chips input") || el.matches(".skip")) continue;
        const r = box.getBoundingClientRect();
        if (r.width >= target && r.height >= target) continue;
        if (el.tagName === "A") {
            let block = el.parentElement;
            while (block.parentElement && getComputedStyle(block).display === "inline") {
                block = block.parentElement;
            }
            const rest = block.textContent.replace(el.textContent, "").replace(/[\s.,;:()·—–-]+/g, "");
            if (rest.length > 0 && getComputedStyle(el).display === "inline") continue;
        }
        const name = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "")
            .trim().slice(0, 40);
        small.push(`${el.tagName.toLowerCase()} "${name}": ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    closed.forEach(d => { d.open = false; });
    return small;
}"""


def small_targets(page: Any) -> list[str]:
    """Controls on a phone page smaller than 44x44 CSS px, as "tag "name": WxH" lines."""
    return list(page.evaluate(SMALL_TARGETS, TARGET))


def test_the_page_list_covers_the_diary_and_the_signed_out_pages():
    """The enumeration itself: the pages every later check relies on are in it."""
    names = {r.name for r in ROUTES}
    assert {"tonight", "login", "signup", "history", "calendar", "night", "episode_edit",
            "medications", "account", "screening:questionnaire", "screening:result", "report", "sharing",
            "shared", "restore", "account_delete"} <= names
    assert not any(r.pattern.startswith("api/") for r in ROUTES)


# --- keyboard ---------------------------------------------------------------------------------

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), type: el.getAttribute("type") || "",
            name: el.getAttribute("name") || "", text: (el.innerText || el.value || "").trim(),
            href: el.getAttribute("href") || "", id: el.id};
}"""

CONTROLS = """() => Array.from(document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"])'))
    .filter(el => !el.disabled && !el.closest('[hidden], [inert]'))
    .filter(el => {
        const style = getComputedStyle(el);
        // Chips hide the radio itself (1px, transparent) and show its label: still a focusable control.
        // checkVisibility: not drawn inside a closed <details> (the "More" menu) either.
        return style.visibility !== "hidden" && style.display !== "none"
            && ((el.getClientRects().length > 0 && el.checkVisibility()) || el.matches('.chips input'));
    })
    .map(el => ({tag: el.tagName.toLowerCase(), type: el.getAttribute("type") || "",
                 name: el.getAttribute("name") || "", id: el.id, href: el.getAttribute("href") || "",
                 text: (el.innerText || el.value || "").trim()}))"""


def tab_through(page: Any, limit: int = 200) -> list[dict[str, str]]:
    """Press Tab from the top of the page until focus leaves the page; what was focused, in order."""
    # Focus the document itself for a moment, so that the next Tab starts from the top of the page.
    page.evaluate("""() => { const root = document.documentElement; root.tabIndex = -1; root.focus();
                              root.removeAttribute("tabindex"); window.scrollTo(0, 0); }""")
    seen: list[dict[str, str]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (seen and focused == seen[0]):
            break
        seen.append(focused)
    return seen


def unnamed_controls(page: Any) -> list[str]:
    """Form controls and links whose accessible name, as chromium computes it, is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    roles = {"button", "link", "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio",
             "spinbutton", "slider", "switch", "InputTime", "date", "DateTime", "textField"}
    missing = []
    for node in tree:
        role = (node.get("role") or {}).get("value")
        if node.get("ignored") or role not in roles:
            continue
        name = ((node.get("name") or {}).get("value") or "").strip()
        if not name:
            missing.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return missing


def reachable(controls: list[dict[str, str]], tabbed: list[dict[str, str]]) -> list[dict[str, str]]:
    """Controls that Tab never reached. A radio group is one tab stop: one radio of it is enough."""
    reached_groups = {c["name"] for c in tabbed if c["type"] == "radio"}
    missing = []
    for control in controls:
        if control["type"] == "radio":
            if control["name"] not in reached_groups:
                missing.append(control)
        elif not any(all(control[k] == t[k] for k in ("tag", "type", "name", "id", "href")) and
                     control["text"] == t["text"] for t in tabbed):
            missing.append(control)
    return missing


def test_tonight_works_from_the_keyboard_and_every_control_is_named(phone, live_server):
    page = phone
    with time_machine.travel(NOW, tick=True):
        data = world()
        sign_in(page.context, data["user"], live_server.url)
        # The browser's clock at the world's time too: at the real time of day a reminder of the world's
        # (bedtime, 22:30) may be due and put its banner first in the page.
        page.clock.set_fixed_time(NOW)
        page.goto("/tonight/")
        tabbed = tab_through(page)
        texts = [t["text"] for t in tabbed]
        assert tabbed and tabbed[0]["href"] == "#main" and texts[0] == "Skip to content", tabbed[:3]
        menu = page.get_by_role("navigation", name="Main")
        nav = [*menu.locator(":scope > a:visible").all_inner_texts(), "More"]
        assert nav == ["Tonight", "Stretch", "Check-in", "Insights", "More"], nav
        assert [t for t in texts if t in nav] == nav, f"every menu entry in order: {texts}"
        assert texts.index("Cramp now") > texts.index("More"), "the big button comes after the menu"
        # The rest of the menu opens from "More", with the keyboard too, and Escape closes it again.
        menu.locator("summary").focus()
        page.keyboard.press("Enter")
        more = menu.locator(".more-menu a:visible").all_inner_texts()
        assert more == ["History", "Medicines", "Health check", "Learn", "Account"], more
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "History"
        page.keyboard.press("Escape")
        assert not menu.locator(".more-menu a:visible").count(), "Escape closes the menu"
        missing = reachable(page.evaluate(CONTROLS), tabbed)
        assert not missing, f"not reachable with Tab: {missing}"
        assert not unnamed_controls(page), unnamed_controls(page)

        # The skip link moves focus past the menu; Enter on "Cramp now" logs a cramp.
        page.goto("/tonight/")
        enhanced(page)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("() => location.hash") == "#main"
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "Cramp now", \
            "after the skip link, the next Tab is the big button"
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.textContent.trim()") == "Cramp now":
                break
        page.keyboard.press("Enter")
        heading = page.get_by_role("heading", name=re.compile(r"Cramp logged at"))
        heading.wait_for()
        # The confirmation takes focus, so a screen reader announces it; the details form follows it.
        assert page.evaluate("() => document.activeElement.matches('[data-focus-on-load]')")
        tabbed = tab_through(page)
        missing = reachable(page.evaluate(CONTROLS), tabbed)
        assert not missing, f"not reachable with Tab after logging a cramp: {missing}"
        assert any(t["type"] == "radio" for t in tabbed), "the detail chips are reached with Tab"
        assert "Save details" in [t["text"] for t in tabbed]
        assert not unnamed_controls(page), unnamed_controls(page)


# --- reduced motion ---------------------------------------------------------------------------

DURATIONS = """() => {
    const seconds = v => v.split(",").map(s => s.trim()).map(s => s === "auto" ? 0
        : s.endsWith("ms") ? parseFloat(s) / 1000 : parseFloat(s) || 0);
    const out = [];
    for (const el of document.querySelectorAll("*")) {
        for (const pseudo of [null, "::before", "::after"]) {
            const style = getComputedStyle(el, pseudo);
            const longest = Math.max(...seconds(style.animationDuration),
                                     ...seconds(style.transitionDuration));
            const cls = typeof el.className === "string" && el.className
                ? "." + el.className.split(" ").join(".") : "";
            if (longest > 0.01) out.push({el: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls
                + (pseudo || ""), animation: style.animationName + " " + style.animationDuration,
                transition: style.transitionProperty + " " + style.transitionDuration});
        }
    }
    return out;
}"""

MOVING = """() => {
    const style = document.createElement("style");
    style.textContent = "@keyframes nc-test-pulse { from { opacity: 1 } to { opacity: .5 } }";
    document.head.append(style);
    const box = document.createElement("div");
    box.id = "nc-motion-probe";
    box.style.cssText = "animation: nc-test-pulse 2s infinite; transition: opacity 1.5s";
    box.setAttribute("aria-hidden", "true");
    document.body.append(box);
    const s = getComputedStyle(box);
    return [s.animationDuration, s.transitionDuration];
}"""


def motion_pages(user: Any) -> list[str]:
    """Tonight, and every page of the routine and of relief during a cramp (where things move)."""
    pages = ["/tonight/"]
    for route in ROUTES:
        if route.pattern.startswith(("routine/", "relief/")) and "<" not in route.pattern:
            url = "/" + route.pattern
            if kind_of(route, url, user) is None:
                pages.append(url)
    return pages


def test_motion_stops_when_the_person_asks_for_reduced_motion(browser, live_server):
    with time_machine.travel(NOW, tick=True):
        data = world()
        pages = motion_pages(data["user"])
        for motion, expected in (("no-preference", ["2s", "1.5s"]), ("reduce", ["0s", "0s"])):
            context = browser.new_context(viewport=PHONE, base_url=live_server.url, reduced_motion=motion,
                                          service_workers="block")
            try:
                sign_in(context, data["user"], live_server.url)
                page = context.new_page()
                for url in pages:
                    response = page.goto(url)
                    assert response is not None and response.status == 200, url
                    if motion == "reduce":
                        assert page.evaluate(DURATIONS) == [], f"{url} still moves with reduced motion"
                    # Anything that moves, now or added later, stops: the app's rule wins over inline styles.
                    durations = page.evaluate(MOVING)
                    normal = [d.replace("auto", "0s") for d in durations]
                    assert normal == expected, (url, motion, durations)
            finally:
                context.close()


def test_the_axe_check_itself_finds_a_real_violation(phone, live_server):
    """The vendored axe runs and reports: an image without alt text and an unlabelled field are caught."""
    page = phone
    with time_machine.travel(datetime(2026, 3, 12, 14, 30, tzinfo=UTC), tick=True):
        page.goto("/login/")
        page.evaluate("""() => {
            const img = document.createElement("img"); img.src = "/static/nightcramp/icon.svg";
            const field = document.createElement("input"); field.type = "text";
            document.querySelector("main").append(img, field);
        }""")
        ids = {v["id"] for v in run_axe(page) if v["impact"] in BLOCKING}
    assert {"image-alt", "label"} <= ids, ids
