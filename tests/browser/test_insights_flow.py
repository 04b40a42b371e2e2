"""Insights in a real browser on a phone: the demo year's statistics and charts, and planning a
personal experiment through the form, which then shows tonight's assignment on Tonight.

Takes docs/screenshots/insights-phone.png, insights-charts-phone.png, experiment-phone.png and
experiment-result-phone.png
(`NIGHTCRAMP_SCREENSHOTS=docs/screenshots .venv/bin/python -m pytest tests/browser` refreshes them).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from nightcramp.diary import services
from nightcramp.diary.demo import create_demo
from nightcramp.diary.models import Experiment
from nightcramp.diary.services import plan_of
from tests.browser.test_diary_flow import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 20, 30, tzinfo=LONDON)


def signed_in(page, user, base_url: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])


def test_the_demo_year_reads_as_statements_with_uncertainty_and_charts(phone, live_server):
    page = phone
    with time_machine.travel(NOW, tick=True):
        create_demo("demo", "demo-nights", seed=2026)
        signed_in(page, get_user_model().objects.get(username="demo"), live_server.url)
        page.goto("/insights/")
        page.get_by_role("heading", name="Does stretching help you?").wait_for()
        text = page.locator("main").inner_text()
        assert "suggestive only" in text and "plausible range" in text
        assert "Do your cramps follow the seasons?" in text and "What goes with bad nights?" in text
        charts = page.get_by_role("img")
        assert charts.count() >= 5
        assert page.locator("figure.chart").first.get_attribute("aria-labelledby") == "weekly-title"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "insights-phone.png"))
        page.locator("figure.chart").nth(2).scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "insights-charts-phone.png"))


def test_planning_an_experiment_in_the_browser_sets_tonights_assignment(phone, live_server):
    page = phone
    with time_machine.travel(NOW, tick=True):
        create_demo("demo", "demo-nights", seed=2026)
        user = get_user_model().objects.get(username="demo")
        signed_in(page, user, live_server.url)
        page.goto("/insights/")
        page.get_by_role("link", name="personal experiment").click()
        page.get_by_role("heading", name="Personal experiment").wait_for()
        page.get_by_label("Nights to leave out at the start of each period").select_option("1")
        page.get_by_role("button", name="Plan my experiment").click()
        page.get_by_role("heading", name="Does stretching help me?").wait_for()
        experiment = Experiment.objects.get(user=user)
        arm = plan_of(experiment).arm_on(NOW.date())
        assert experiment.washout_nights == 1 and experiment.pairs == 6 and experiment.period_nights == 7
        assert page.locator("ol.plan li").count() == 12
        page.goto("/insights/experiment/")
        page.screenshot(path=str(SCREENSHOTS / "experiment-phone.png"))
        page.goto("/tonight/")
        expected = "stretch" if arm == "stretch" else "no stretch"
        heading = page.get_by_role("heading", name=f"Your experiment tonight: {expected}", exact=True)
        assert heading.is_visible()


def test_a_finished_experiment_prints_its_result_and_the_build_up_check(phone, live_server):
    """A person who lived a 6-pair plan (their cramps easing over a few stretching nights) reads the
    result page: the verdict with its range, and beside it the same nights allowing for a build-up.
    Takes docs/screenshots/experiment-result-phone.png."""
    page = phone
    user = get_user_model().objects.create_user("lee", password="a long enough password")
    with time_machine.travel(datetime(2026, 8, 24, 20, 0, tzinfo=LONDON), tick=False):
        experiment = services.start_experiment(user, start=date(2026, 8, 24), seed=5)
    plan = plan_of(experiment)
    rng = np.random.default_rng(11)
    level = 0.0
    with time_machine.travel(NOW, tick=True):
        day = plan.periods[0].first
        while day <= plan.end:
            stretch = plan.arm_on(day) == "stretch"
            level = 0.6 * level + 0.4 * stretch  # the effect builds up over about two nights
            services.save_night(user, day, cramps_reported=int(rng.poisson(2.0 * 0.45 ** level)),
                                stretched=stretch)
            day += timedelta(days=1)
        signed_in(page, user, live_server.url)
        page.goto(f"/insights/experiment/{experiment.pk}/")
        page.get_by_role("heading", name="The result").wait_for()
        text = page.locator("main").inner_text()
        assert "It ended on" in text and "plausible range" in text
        assert page.get_by_role("heading", name="If the effect builds up over nights").is_visible()
        assert "stretching every night goes with" in text and "to build up" in text
        page.locator("section.insight").screenshot(path=str(SCREENSHOTS / "experiment-result-phone.png"))


def test_a_first_night_and_a_partial_week_read_as_words_not_invented_charts(phone, live_server):
    """After one night: sentences instead of charts, no weekly rate. After three full weeks and one more
    night: the weekly chart stops at the last full week (no fake drop) and says why."""
    from tests.conftest import make_user

    page = phone
    first = date(2026, 10, 27)
    with time_machine.travel(NOW, tick=True):
        user = make_user("newcomer", time_zone="America/Chicago")
        services.save_night(user, first, cramps_reported=2)
        signed_in(page, user, live_server.url)
        page.goto("/insights/")
        page.get_by_role("heading", name="Does stretching help you?").wait_for()
        text = page.locator("main").inner_text()
        assert "No weekly rate yet" in text and "14.0" not in text
        assert "Too few nights for a weekly chart yet" in text and page.locator("#weekly-title").count() == 0
        assert "nightcramp analyze" not in text and "docs/analysis.md" not in text
        page.screenshot(path=str(SCREENSHOTS / "insights-first-night-phone.png"), full_page=True)
        for i in range(1, 22):
            services.save_night(user, first + timedelta(days=i), cramps_reported=i % 3)
        page.goto("/insights/")
        weekly = page.locator("figure.chart").first
        assert weekly.get_attribute("aria-labelledby") == "weekly-title"
        summary = weekly.locator(".chart-summary").inner_text()
        assert "3 weeks with at least 4 nights logged" in summary and "Most recently 0.0" not in summary
        assert "too few for a weekly rate, so it is not drawn" in summary
        assert "beside this chart" not in page.locator("main").inner_text()
        weekly.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "insights-partial-week-phone.png"))
