"""Short diaries: Insights, the report page, the PDF and ``nightcramp analyze`` print the same weekly
figures from one rule (nightcramp.stats.weeks), and none invents a weekly rate or draws a chart from too
few nights. After one night with two cramps nothing says "14.0 cramps a week"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from nightcramp.cli import main
from nightcramp.diary.csvio import export_files
from nightcramp.diary.services import save_medication, save_night
from nightcramp.sharing.pdf import render_pdf
from nightcramp.sharing.report import _seasons, build_report
from nightcramp.stats.weeks import rate_sentence
from tests.conftest import make_user
from tests.sharing.test_report import flat, poppler, text_of, write  # noqa: F401 (poppler is a fixture)

FIRST = date(2026, 6, 1)
WEEK = [2, 1, 0, 3, 1, 0, 0]  # 7 cramps a week
pytestmark = pytest.mark.django_db


def keep(user, cramps: list[int]) -> datetime:  # type: ignore[no-untyped-def]
    """The nights, and the morning after the last (when the person looks)."""
    now = datetime.combine(FIRST + timedelta(days=len(cramps)), datetime.min.time(), UTC) + timedelta(hours=9)
    with time_machine.travel(now, tick=False):
        for i, count in enumerate(cramps):
            save_night(user, FIRST + timedelta(days=i), cramps_reported=count,
                       max_severity_reported=5 if count else None)
    return now


def page(user, name: str, now: datetime) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    with time_machine.travel(now, tick=False):
        response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def analyzed(user, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    path = tmp_path / "nights.csv"
    path.write_bytes(export_files(user)["nights.csv"])
    result = CliRunner().invoke(main, ["analyze", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(("cramps", "headline", "per_week"), [
    ([2], "2 cramps in 1 logged night. No weekly rate yet: a week counts when at least 4 of its 7 nights "
          "are logged.", None),
    ([*WEEK, 0], "7 cramps in 8 logged nights. 7.0 cramps a week, over the week with at least 4 nights "
                 "logged; 1 week with fewer is not counted.", 7.0),
])
def test_one_and_eight_nights_give_the_same_words_and_no_invented_rate_or_chart(
        cramps, headline, per_week, poppler, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    user = make_user("newcomer", time_zone="America/Chicago")
    now = keep(user, cramps)
    with time_machine.travel(now, tick=False):
        report = build_report(user)
    assert report.cramps_per_week == per_week and not report.weekly_chart
    assert headline.endswith(" " + report.weekly_sentence)
    assert rate_sentence(report.nights_logged, report.cramps, {
        "cramps_per_week": report.cramps_per_week, "full_weeks": report.full_weeks}) == headline.replace(
        "; 1 week with fewer is not counted.", ".")
    # nightcramp analyze on the exported nights.csv: the same headline, the same rate.
    printed = analyzed(user, tmp_path)
    assert printed.splitlines()[0] == f"{tmp_path / 'nights.csv'}: {headline}"
    # Insights: the same sentence, no weekly chart, and no commands or doc paths.
    insights = text(page(user, "insights", now))
    assert headline.split(". ", 1)[1] in insights
    assert "Too few nights for a weekly chart yet" in insights
    assert "nightcramp analyze" not in insights and "docs/analysis.md" not in insights
    assert "14.0" not in insights and "1 nights" not in insights and "1 weeks" not in insights
    assert ("1 night logged on 1 June 2026" in insights) == (len(cramps) == 1)
    # The report page: no rate in the key figures without a week that counts, and no chart.
    html = page(user, "report", now)
    figures = re.search(r"<dt>Cramps a week</dt><dd>([^<]*)</dd>", html)
    assert figures is not None and figures.group(1) == (f"{per_week:.1f}" if per_week else "–")
    assert escape(report.weekly_sentence) in html and 'aria-labelledby="weekly-title"' not in html
    assert "14.0" not in text(html) and "(1 nights)" not in html
    # The PDF: the same sentence in words instead of a chart.
    pdf = write(tmp_path, render_pdf(report))
    reading = flat(pdf)
    assert report.weekly_sentence in reading and "Too few nights for a weekly chart yet" in reading
    assert "14.0" not in reading and "1 nights" not in reading
    assert ("(no weekly rate yet)" in text_of(pdf)) == (per_week is None)


def test_a_partial_last_week_is_left_out_of_every_chart_and_said_so(poppler, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    user = make_user("three-weeks")
    now = keep(user, [*WEEK, *WEEK, *WEEK, 0])  # three full weeks, then one quiet night so far
    with time_machine.travel(now, tick=False):
        report = build_report(user)
    assert report.weekly_chart and report.full_weeks == 3 and report.cramps_per_week == pytest.approx(7.0)
    note = "The week from 22 June has 1 logged night, too few for a weekly rate, so it is not drawn."
    assert report.chart_sentence == note
    assert [w.counts for w in report.weeks] == [True, True, True, False]
    for name in ("insights", "report"):
        body = text(page(user, name, now))
        assert "Most recently 7.0 cramps a week" in body and note in body
        assert "Most recently 0.0" not in body
    pdf = write(tmp_path, render_pdf(report))
    assert note in flat(pdf) and "(7.0 a week)" in text_of(pdf)


def test_the_report_says_p_values_in_words_and_keeps_dates_whole():  # type: ignore[no-untyped-def]
    user = make_user("medicines")
    now = keep(user, WEEK * 2)
    with time_machine.travel(now, tick=False):
        save_medication(user, name="simvastatin", dose="40 mg at night", started=date(2026, 5, 20))
    html = page(user, "report", now)
    assert '<td class="taken">from <span class="date">20 May 2026</span>, still taken</td>' in html
    season = {"verdict": "seasonal", "p_value": 1.1e-05, "peak_month": 7, "peak_month_ci95": [6, 8],
              "peak_to_trough": 2.4, "peak_to_trough_ci95": [1.6, 3.5], "population_peak_month": 7,
              "population_peak_to_trough": 2.0}
    sentence = _seasons(season).sentence
    assert sentence.startswith("Seasonal (very unlikely to be chance, p < 0.001): peak around July")
    assert "e-05" not in sentence
    unclear = _seasons({**season, "verdict": "no_clear_pattern", "p_value": 0.31}).sentence
    assert unclear.startswith("No clear seasonal pattern (could well be chance, p = 0.31)")
