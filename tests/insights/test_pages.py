"""The Insights page and the personal experiment pages, on a real database.

The page must show the numbers ``nightcramp analyze`` prints for the same nights: both call
``nightcramp.stats.summary.analyse``; here the diary's table and the exported nights.csv are compared.
"""

from __future__ import annotations

import json
import math
import re
import xml.dom.minidom
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from nightcramp.diary.csvio import export_files, parse_file
from nightcramp.diary.models import Experiment
from nightcramp.diary.services import plan_of, save_night
from nightcramp.insights import words
from nightcramp.insights.data import nights_of
from nightcramp.stats.experiment import analyse_experiment
from nightcramp.stats.summary import analyse, nights_from_rows

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def same(a: object, b: object) -> bool:
    """Equal, with numbers compared to 9 significant digits (the same code, the same data)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@time_machine.travel(NOW, tick=False)
def test_the_page_and_analyze_give_the_same_numbers_for_the_same_nights(demo):
    parsed, problems = parse_file("nights.csv", export_files(demo)["nights.csv"])
    assert not problems and parsed is not None
    from_file = analyse(nights_from_rows([row.values for row in parsed.rows], "north"), file="nights.csv")
    from_diary = analyse(nights_of(demo), file="nights.csv")
    assert same(from_file, from_diary), json.dumps([from_file, from_diary])[:2000]
    client = Client()
    client.force_login(demo)
    body = client.get(reverse("insights")).content.decode()
    s = from_diary["stretching"]
    assert f"{from_diary['nights']} nights logged" in body
    assert escape(words.stretching_sentence(s)) in body
    assert escape(words.change_words(s["rate_ratio"])) in body
    assert escape(words.season_sentence(from_diary["seasonality"], list(MONTHS))) in body
    assert escape(words.trend_sentence(from_diary["trend"])) in body
    for item in (f for f in from_diary["factors"] if f["flagged"]):
        assert escape(words.factor_sentence(item)) in body


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@time_machine.travel(NOW, tick=False)
def test_the_page_draws_five_charts_each_with_words_for_screen_readers(demo):
    client = Client()
    client.force_login(demo)
    body = client.get(reverse("insights")).content.decode()
    figures = re.findall(r'<figure class="chart" aria-labelledby="([a-z]+)-title">(.*?)</figure>', body, re.S)
    assert [name for name, _ in figures] == ["weekly", "stretching", "seasons", "hours", "severity"]
    for name, figure in figures:
        svg = figure[figure.index("<svg"):figure.index("</svg>") + 6]
        xml.dom.minidom.parseString(svg)  # noqa: S318 (our own chart) well-formed
        assert f'role="img" aria-labelledby="{name}-title"' in svg and "currentColor" in svg
        assert re.search(r'class="chart-summary">[^<]{20,}</span>', figure)
        ids = re.findall(r' id="([^"]+)"', svg)
        assert all(i.startswith(f"{name}-") for i in ids)  # no clashes between the charts on one page
    assert "suggestive only" in body  # the demo has no experiment: observational, and labelled so
    assert "cause" not in re.sub(r"<[^>]+>", " ", body).replace("because", "").lower().replace(
        '"goes with" is not "causes"', "")


def test_an_empty_diary_says_there_is_nothing_to_look_at_yet(owner_client):
    body = owner_client.get(reverse("insights")).content.decode()
    assert "Nothing to look at yet" in body and "<svg" not in body


def test_the_sentences_never_claim_more_than_the_numbers() -> None:
    assert words.change_words(0.7) == "30% fewer" and words.change_words(1.25) == "25% more"
    assert words.change_words(1.004) == "about the same" and words.change_words(None) == "not known"
    assert words.percent(0.999) == "more than 99%" and words.percent(0.004) == "less than 1%"
    assert words.percent(0.42) == "42%"
    assert words.about_percent(0.42) == "about 42%" and words.about_percent(0.999) == "more than 99%"
    assert words.avoided_words(16.43) == "about 16.4" and words.avoided_words(-2.1) == "none: about 2.1 more"
    assert words.avoided_words(0.01) == "about none" and words.avoided_words(None) == "not known yet"
    assert words.avoided_range([-3.5, 28.0]) == "3.5 more to 28.0 fewer" and words.avoided_range(None) == ""
    unclear = {"verdict": "no_clear_effect", "rate_ratio": 0.9, "ci95": [0.6, 1.3], "design": "randomised"}
    assert words.stretching_sentence(unclear).startswith("No clear effect yet")
    waiting = {"verdict": "not_enough_data", "nights_needed": 40}
    assert words.stretching_sentence(waiting) == (
        "Not enough nights to tell yet: about 40 more nights would settle it.")
    observed = {"verdict": "helps", "rate_ratio": 0.5, "ci95": [0.3, 0.8], "design": "observational"}
    assert "(suggestive)" in words.stretching_sentence(observed)
    factor = {"name": "alcohol_units", "lag": 1, "rate_ratio": 1.4, "scale": "per_sd", "flagged": True}
    sentence = words.factor_sentence(factor)
    assert sentence.startswith("Units of alcohol (the day before) goes with more cramps in your data")
    assert "caus" not in sentence
    built = {"build_up": {"rate_ratio": 0.6, "ci95": [0.4, 0.9], "build_up_nights": 2.4}}
    assert words.build_up_sentence(built) == (
        "If stretching takes a few nights to work and a few to wear off, stretching every night goes with "
        "40% fewer cramps (plausible range: 60% fewer to 10% fewer); the fit suggests it takes about 2 "
        "nights to build up. This range is wider because the speed of the build-up is estimated too.")
    at_once = {"build_up": {"rate_ratio": 0.6, "ci95": [0.4, 0.9], "build_up_nights": 0.3}}
    assert "it works from the first night" in words.build_up_sentence(at_once)
    assert words.build_up_sentence({"build_up": {"rate_ratio": None, "ci95": None}}).startswith(
        "Not enough nights yet")


# ---- the personal experiment -------------------------------------------------------------------

@time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False)
def test_planning_an_experiment_shows_tonights_assignment_everywhere(owner, owner_client):
    page = owner_client.get(reverse("experiment")).content.decode()
    assert "Plan my experiment" in page and 'value="2026-03-02"' in page
    response = owner_client.post(reverse("experiment"), {"start": "2026-03-02", "period_nights": "7",
                                                         "pairs": "6", "washout_nights": "1"})
    experiment = Experiment.objects.get(user=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("experiment_detail", args=[experiment.pk])
    arm = plan_of(experiment).arm_on(date(2026, 3, 2))
    words_for = "stretch" if arm == "stretch" else "no stretch"
    assert f"Your experiment tonight: {words_for}" in owner_client.get(reverse("tonight")).content.decode()
    plan_page = owner_client.get(reverse("experiment")).content.decode()
    assert f"Tonight: {words_for}" in plan_page and plan_page.count('class="arm-') == 12
    detail = owner_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()
    assert "this is an interim look" in detail and "Not enough nights to tell yet" in detail
    assert "the first night of each period left out" in detail


@time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False)
def test_a_plan_that_cannot_work_is_refused_with_the_reason(owner, owner_client):
    owner_client.post(reverse("experiment"), {"start": "2026-03-02", "period_nights": "7", "pairs": "6",
                                              "washout_nights": "0"})
    other_start = owner_client.post(reverse("experiment"), {"start": "2026-02-01", "period_nights": "7",
                                                            "pairs": "6", "washout_nights": "0"})
    assert other_start.status_code == 200  # one experiment at a time: the page shows the running one
    assert Experiment.objects.filter(user=owner).count() == 1
    Experiment.objects.all().delete()
    response = owner_client.post(reverse("experiment"), {"start": "2026-01-01", "period_nights": "7",
                                                         "pairs": "6", "washout_nights": "0"})
    assert "An experiment can begin at most a week back." in response.content.decode()
    assert not Experiment.objects.exists()


def test_a_finished_experiment_gives_its_result_with_its_uncertainty(owner, owner_client):
    with time_machine.travel(datetime(2026, 1, 5, 20, 0, tzinfo=UTC), tick=False):
        owner_client.post(reverse("experiment"), {"start": "2026-01-05", "period_nights": "7", "pairs": "6",
                                                  "washout_nights": "0"})
    experiment = Experiment.objects.get(user=owner)
    plan = plan_of(experiment)
    with time_machine.travel(datetime(2026, 4, 10, 9, 0, tzinfo=UTC), tick=False):
        day = experiment.start
        while day <= plan.end:
            arm = plan.arm_on(day)
            cramps = (1 if day.day % 3 == 0 else 0) if arm == "stretch" else (2 if day.day % 2 else 1)
            save_night(owner, day, cramps_reported=cramps, stretched=arm == "stretch")
            day += timedelta(days=1)
        body = owner_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()
    assert "The result" in body and "It ended on" in body
    assert "Stretching goes with" in body and "fewer cramps" in body and "plausible range" in body
    assert "Nights you followed the plan</dt><dd>100%" in body
    assert "6 of 6" in body and "of the 64 ways the periods could have been ordered" in body
    # beside the verdict, the same nights allowing for a build-up, with its own (wider) range
    result = analyse_experiment(nights_of(owner, experiment.start, plan.end))
    assert result.build_up is not None and math.isfinite(result.build_up.rate_ratio)
    assert "If the effect builds up over nights" in body
    assert (f"stretching every night goes with {words.change_words(result.build_up.rate_ratio)} cramps "
            f"(plausible range: {words.change_words(result.build_up.ci95[0])} to "
            f"{words.change_words(result.build_up.ci95[1])})") in body


@time_machine.travel(NOW, tick=False)
def test_medicines_started_in_the_diary_are_checked_as_their_own_family(demo):
    from nightcramp.diary.models import Medication
    from nightcramp.insights.data import medicine_checks

    nights = nights_of(demo)
    checks = medicine_checks(demo, nights)
    changed = [m for m in Medication.objects.filter(user=demo)
               if any(nights.dates[0] < d <= nights.dates[-1] for d in (m.started, m.stopped) if d)]
    expected = [m.name for m in sorted(changed, key=lambda m: (m.started, m.name))]
    assert [c["medicine"] for c in checks] == expected and expected
    assert all(c["lag"] == 0 for c in checks)
    client = Client()
    client.force_login(demo)
    body = client.get(reverse("insights")).content.decode()
    assert "Your medicines" in body
    for check in checks:
        assert escape(words.medicine_sentence(check)) in body
    # the summary's own factor checks stay exactly what analyze prints
    names = [f["name"] for f in analyse(nights)["factors"]]
    assert names == ["sitting_hours"] * 3 + ["exercise_minutes"] * 3 + ["alcohol_units"] * 3


def test_a_medicine_that_goes_with_more_cramps_is_never_a_hint_to_stop_it() -> None:
    more = {"medicine": "Bendroflumethiazide", "flagged": True, "rate_ratio": 1.6, "ci95": [1.2, 2.1],
            "skipped": None}
    sentence = words.medicine_sentence(more)
    assert sentence.startswith("Nights while taking Bendroflumethiazide go with more cramps in your data")
    assert "do not stop or change a prescribed medicine on your own" in sentence and "caus" not in sentence
    assert words.medicine_sentence({**more, "flagged": False}).startswith("Bendroflumethiazide: no clear")
