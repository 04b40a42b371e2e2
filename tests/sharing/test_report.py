"""The doctor report: the same numbers as Insights, and a PDF that prints on one page (two at most), in black
and white, with its key text readable by poppler (Debian's poppler-utils, as in CI)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import time_machine
from django.test import Client
from PIL import Image

from nightcramp.diary.services import log_episode, save_medication, save_night
from nightcramp.insights.data import medicine_checks, nights_of
from nightcramp.knowledge import KnowledgeError
from nightcramp.knowledge.loader import HERE
from nightcramp.knowledge.report_questions import (
    QuestionFacts,
    applicable,
    load_questions,
    load_questions_from,
)
from nightcramp.screening.services import save_screening
from nightcramp.sharing.pdf import LEVELS, MAX_PAGES, render_pdf
from nightcramp.sharing.report import build_report
from nightcramp.stats.summary import analyse
from nightcramp.stats.trend import weekly
from tests.conftest import DEMO_MADE_AT, make_user

DEMO_TODAY = date(2026, 11, 25)
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
TODAY = date(2026, 7, 1)
POPPLER = ("pdfinfo", "pdftotext", "pdftoppm")
A4 = 297 / 210
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        message = f"the report tests read PDFs with poppler-utils ({', '.join(missing)} missing: apt-get " \
                  "install poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run them")
        pytest.skip(message)


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> int:
    info = run("pdfinfo", str(pdf))
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def text_of(pdf: Path, layout: bool = True) -> str:
    return run("pdftotext", *(("-layout",) if layout else ()), str(pdf), "-")


def flat(pdf: Path) -> str:
    """The text in reading order with all whitespace folded, for sentences that wrap."""
    return " ".join(text_of(pdf, layout=False).split())


def write(tmp_path: Path, data: bytes, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def images(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    run("pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page"))
    found = sorted(tmp_path.glob("page-*.png"))
    opened = []
    for path in found:
        with Image.open(path) as image:
            opened.append(image.convert("RGB"))
    return opened


def assert_black_and_white_a4(pdf: Path, tmp_path: Path) -> None:
    shown = images(pdf, tmp_path)
    assert len(shown) == pages(pdf)
    for image in shown:
        width, height = image.size
        assert abs(height / width - A4) < 0.01, image.size
        pixels = np.asarray(image).astype(int)
        assert int((pixels.max(axis=2) - pixels.min(axis=2)).max()) <= 6  # grey everywhere, no colour
        assert pixels.min() < 40  # and something printed in black


# ---- the demo account -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_report(demo, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), time_machine.travel(DEMO_MADE_AT, tick=False):
        return build_report(demo)


@pytest.fixture(scope="module")
def demo_pdf(demo_report, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return write(tmp_path_factory.mktemp("demo"), render_pdf(demo_report))


def test_the_report_numbers_are_the_insights_numbers(demo, demo_report):
    nights = nights_of(demo)
    summary = analyse(nights)
    report = demo_report
    assert (report.period_start, report.period_end) == (date(2025, 11, 25), date(2026, 11, 24))
    assert report.generated_on == DEMO_TODAY
    assert (report.nights_logged, report.cramps) == (summary["nights"], summary["cramps"])
    assert report.cramps_per_night == pytest.approx(summary["cramps"] / summary["nights"])
    s = summary["stretching"]
    assert (report.stretching.design, report.stretching.verdict) == (s["design"], s["verdict"])
    assert (report.stretching.rate_ratio, [report.stretching.ci_low, report.stretching.ci_high]) == (
        s["rate_ratio"], s["ci95"])
    assert report.stretching.label == ("suggestive only" if s["design"] == "observational" else "")
    season = summary["seasonality"]
    assert (report.seasons.verdict, report.seasons.peak_month) == (season["verdict"], season["peak_month"])
    assert report.seasons.peak_to_trough == season["peak_to_trough"]
    assert report.trend.rate_ratio_per_year == summary["trend"]["rate_ratio_per_year"]
    weeks = weekly(nights)
    assert [w.start for w in report.weeks] == [w.start for w in weeks]
    assert [w.cramps_per_week for w in report.weeks] == [
        None if math.isnan(w.rate) else w.rate for w in weeks]
    checks = {c["medicine"]: c for c in medicine_checks(demo, nights)}
    assert [m.name for m in report.medications] == [
        "Atorvastatin (statin)", "Magnesium citrate", "Indapamide (thiazide-like diuretic)"]
    for med in report.medications:
        if med.name in checks:
            assert med.rate_ratio == checks[med.name]["rate_ratio"]
        else:
            assert med.compared == "not_in_period" and med.rate_ratio is None
    logged = ~np.isnan(nights.cramps)
    assert report.nights_stretched == int((logged & (nights.stretched == 1)).sum())


def test_the_report_numbers_are_those_the_insights_page_shows(demo, demo_report):
    client = Client()
    client.force_login(demo)
    with time_machine.travel(DEMO_MADE_AT, tick=False):
        page = client.get("/insights/")
    shown = page.context["summary"]
    assert (shown["nights"], shown["cramps"]) == (demo_report.nights_logged, demo_report.cramps)
    assert shown["stretching"]["rate_ratio"] == demo_report.stretching.rate_ratio
    assert shown["seasonality"]["peak_month"] == demo_report.seasons.peak_month
    assert [m["rate_ratio"] for m in page.context["medicines"]] == [
        m.rate_ratio for m in demo_report.medications if m.compared == "compared"]


def test_the_demo_report_names_its_findings_and_questions(demo_report):
    findings = {f.rule: f for f in demo_report.findings}
    # The demo's latest long cramp that walking did not ease was in September: see a doctor soon, not today.
    assert findings["long_cramp_in_diary"].tier_label == "WITHIN 2 WEEKS"
    assert findings["long_cramp_in_diary"].origin == "diary"
    assert "cramp_over_10_minutes" not in findings
    assert demo_report.health_check_on is None
    ids = [q.id for q in demo_report.questions]
    assert ids[0] == "medicines_contributing"  # a statin and a thiazide-like diuretic are on the list
    assert "something_else" in ids and ids[-1] == "when_to_get_help"
    assert "quinine_review" not in ids
    cited = {s.id for s in demo_report.sources}
    assert {s for q in demo_report.questions for s in q.sources} <= cited


def test_the_demo_report_is_one_page_with_its_key_text(demo_report, demo_pdf, poppler):
    assert pages(demo_pdf) == 1
    text, reading = text_of(demo_pdf), flat(demo_pdf)
    assert "Demo (synthetic data)" in text and "demo-nights" not in text
    assert "25 Nov 2025 – 24 Nov 2026" in text
    assert f"{demo_report.cramps_per_night:.2f}" in text and f"{demo_report.nights_logged} of 365" in text
    assert demo_report.stretching.sentence in reading
    assert "SUGGESTIVE ONLY" in text
    assert demo_report.seasons.sentence in reading
    assert "e-0" not in reading and "chance, p " in demo_report.seasons.sentence  # p-values in words
    for med in demo_report.medications:
        assert med.name in text
    for finding in demo_report.findings:
        line = next(line for line in text.splitlines() if finding.title in line)
        assert finding.tier_label in line
    assert demo_report.questions[0].text in reading
    assert "page 1 of 1" in text


def test_the_demo_report_prints_in_black_and_white_on_a4(demo_pdf, poppler, tmp_path):
    assert_black_and_white_a4(demo_pdf, tmp_path)


def test_the_pdf_is_the_same_bytes_every_time(demo_report):
    assert render_pdf(demo_report) == render_pdf(demo_report)


# ---- small diaries ----------------------------------------------------------------------------------------

def nights(user, first: date, count: int, cramps=lambda i: i % 3, stretched=lambda i: None):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        for i in range(count):
            save_night(user, first + timedelta(days=i), cramps_reported=cramps(i), stretched=stretched(i),
                       max_severity_reported=4 + i % 5 if cramps(i) else None)


def report_of(user, **period):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return build_report(user, **period)


def test_an_empty_diary_still_renders_and_says_nothing_is_logged(poppler, tmp_path):
    user = make_user("newcomer")
    report = report_of(user)
    assert report.empty and report.weeks == () and report.medications == () and report.cramps == 0
    assert report.name == "" and [q.id for q in report.questions] == ["when_to_get_help"]
    pdf = write(tmp_path, render_pdf(report))
    assert pages(pdf) == 1
    text = text_of(pdf)
    assert "Nothing logged yet" in text and "newcomer" not in text
    assert report.questions[0].text in flat(pdf)
    assert_black_and_white_a4(pdf, tmp_path)


def test_it_never_prints_the_account_name_and_prints_a_name_in_any_script(poppler, tmp_path):
    plain = make_user("alice-account")
    nights(plain, date(2026, 6, 1), 20)
    text = text_of(write(tmp_path, render_pdf(report_of(plain)), "plain.pdf"))
    assert "alice-account" not in text and "Night cramp diary" in text
    named = make_user("bob-account", display_name="Ελένη Παπαδοπούλου · Анна Петрова · 李小龍",
                      birth_year=1951)
    nights(named, date(2026, 6, 1), 20)
    report = report_of(named)
    assert report.name.startswith("Ελένη") and report.birth_year == 1951
    text = text_of(write(tmp_path, render_pdf(report), "named.pdf"))
    assert "Ελένη Παπαδοπούλου" in text and "Анна Петрова" in text and "李小龍" in text
    assert "Born 1951" in text and "bob-account" not in text


def test_a_period_limits_the_numbers_to_its_nights(poppler, tmp_path):
    user = make_user("carol")
    nights(user, date(2026, 3, 1), 90, cramps=lambda i: 2 if i < 30 else 0)
    report = report_of(user, start=date(2026, 3, 1), end=date(2026, 3, 30))
    assert (report.period_start, report.period_end, report.period_nights) == (
        date(2026, 3, 1), date(2026, 3, 30), 30)
    assert (report.nights_logged, report.cramps) == (30, 60)
    whole = report_of(user)
    assert (whole.period_start, whole.period_end) == (date(2026, 3, 1), TODAY - timedelta(days=1))
    assert whole.cramps == 60 and whole.nights_logged == 90
    pdf = write(tmp_path, render_pdf(report))
    assert "1 Mar 2026 – 30 Mar 2026" in text_of(pdf)


def test_stretching_with_no_clear_effect_asks_what_else_to_try(poppler, tmp_path):
    user = make_user("dan")
    nights(user, date(2026, 2, 1), 140, cramps=lambda i: (i * 7) % 3, stretched=lambda i: i % 2 == 0)
    report = report_of(user)
    assert report.stretching.verdict == "no_clear_effect"
    assert "after_stretching" in [q.id for q in report.questions]
    assert "no clear effect" in report.stretching.sentence
    reading = flat(write(tmp_path, render_pdf(report)))
    assert report.stretching.sentence in reading
    assert next(q.text for q in report.questions if q.id == "after_stretching") in reading


def test_a_randomised_experiment_is_reported_as_such_without_the_suggestive_label(poppler, tmp_path):
    user = make_user("fay")
    first = date(2026, 2, 2)
    with time_machine.travel(NOW, tick=False):
        for i in range(84):  # 6 pairs of 7-night periods, stretch first in odd pairs
            period = i // 7 + 1
            stretch = (period % 2 == 1) == ((period + 1) // 2 % 2 == 1)
            save_night(user, first + timedelta(days=i), cramps_reported=(i % 2) if stretch else 1 + i % 2,
                       stretched=stretch, experiment_period=period,
                       planned="stretch" if stretch else "no_stretch")
    report = report_of(user)
    assert report.stretching.design == "randomised" and report.stretching.label == ""
    assert report.stretching.pairs_complete == 6
    assert report.stretching.sentence.startswith("Randomised personal experiment (6 complete pairs")
    pdf = write(tmp_path, render_pdf(report))
    assert report.stretching.sentence in flat(pdf) and "SUGGESTIVE ONLY" not in text_of(pdf)


def test_quinine_on_the_list_asks_for_a_review_and_a_finding_carries_its_tier(poppler, tmp_path):
    user = make_user("erin")
    nights(user, date(2026, 4, 1), 60)
    with time_machine.travel(NOW, tick=False):
        save_medication(user, name="Quinine sulfate", dose="200 mg at night", started=date(2026, 1, 5))
        save_screening(user, {"quinine": {"takes": True, "months_since_last_break": 6}, "medications": [
            {"name": "Quinine sulfate", "started": "2026-01-05"}]})
    report = report_of(user)
    ids = [q.id for q in report.questions]
    assert "quinine_review" in ids and "quinine_warning_signs" in ids
    found = {f.rule: f for f in report.findings}
    assert found["quinine_break_due"].tier_label == "ROUTINE" and found["quinine_break_due"].origin == \
        "health check"
    assert report.health_check_on == TODAY
    assert report.not_checked  # the questions the person left open are listed, most urgent first
    text = text_of(write(tmp_path, render_pdf(report)))
    line = next(line for line in text.splitlines() if found["quinine_break_due"].title in line)
    assert "ROUTINE" in line and "Quinine sulfate" in text


# ---- the two-page cap -------------------------------------------------------------------------------------

EVERYTHING = {
    "age": 71, "sex": "female", "pregnant": True,
    "symptoms": {key: True for key in (
        "cramp_over_10_min_despite_stretching", "calf_swelling_warmth_or_redness", "breathless_or_chest_pain",
        "muscle_weakness_or_wasting", "muscle_twitching", "numbness_or_tingling",
        "calf_pain_walking_eased_by_rest", "urge_to_move_eased_by_moving",
        "cramps_in_other_muscles_or_by_day", "dirty_wound_or_toxin_exposure", "sleep_disrupted_often")},
    "conditions": ["kidney_disease", "dialysis", "cirrhosis", "thyroid_disease", "diabetes",
                   "peripheral_arterial_disease", "recent_surgery_or_immobility", "clot_history"],
    "medications": [{"name": "Quinine sulfate", "started": "2026-01-10"},
                    {"name": "Bendroflumethiazide", "started": "2026-02-01"}],
    "quinine": {"takes": True, "bleeding_or_bruising": True, "palpitations_fainting_vision_or_hearing": True,
                "months_since_last_break": 14},
    "cramps_began_or_worsened": "2026-02-15",
}
MEDICINES = ("Bendroflumethiazide", "Atorvastatin", "Salbutamol inhaler", "Nifedipine", "Furosemide",
             "Raloxifene", "Naproxen", "Quinine sulfate", "Simvastatin", "Amiloride", "Teriparatide",
             "Indapamide", "Rosuvastatin", "Salmeterol", "Zolpidem", "Gabapentin", "Citalopram", "Lithium",
             "Prednisolone", "Morphine", "Celecoxib", "Clonazepam", "Conjugated oestrogens", "Formoterol",
             "Spironolactone", "Pravastatin")


@pytest.fixture
def maximal():  # type: ignore[no-untyped-def]
    """A diary with everything at once: 26 medicines with long names, started and stopped inside the period,
    every health-check rule answered yes, long thigh and daytime cramps, a sharp rise."""
    user = make_user("maximal", display_name="A very long display name " * 4, birth_year=1950)
    nights(user, date(2026, 1, 1), 150, cramps=lambda i: (i % 4) + (4 if i > 122 else 0),
           stretched=lambda i: i % 3 == 0)
    with time_machine.travel(NOW, tick=False):
        for i, name in enumerate(MEDICINES):
            save_medication(user, name=f"{name} (a long brand and strength description, tablets)",
                            dose="one tablet twice a day with food, and another at night if needed " * 2,
                            started=date(2026, 1, 1) + timedelta(days=5 * i),
                            stopped=date(2026, 5, 1) + timedelta(days=i) if i % 3 == 0 else None)
        for day in range(1, 29):
            night = date(2026, 6, day)
            log_episode(user, started_at=datetime(2026, 6, day + 1, 1, 30, tzinfo=UTC), duration_s=900,
                        muscle="hamstring", severity=9, note=f"night {night}")
            log_episode(user, started_at=datetime(2026, 6, day, 14, 0, tzinfo=UTC), duration_s=120,
                        muscle="quadriceps", severity=7)
        save_screening(user, EVERYTHING)
    return user


def test_a_maximal_diary_condenses_to_two_pages_at_most(maximal, poppler, tmp_path):
    report = report_of(maximal)
    assert len(report.medications) == len(MEDICINES) and len(report.findings) >= 20
    assert report.findings[0].tier == "emergency"
    pdf = write(tmp_path, render_pdf(report))
    assert pages(pdf) <= MAX_PAGES
    text = text_of(pdf)
    first = report.findings[0]
    assert "EMERGENCY" in next(line for line in text.splitlines() if first.title in line)
    assert report.questions[0].text in flat(pdf)
    assert "more medicine" in text  # the cut list says how many more the diary holds
    assert f"page {pages(pdf)} of {pages(pdf)}" in text
    assert "maximal" not in text.replace("A very long", "")
    assert_black_and_white_a4(pdf, tmp_path)


def test_the_most_condensed_level_fits_two_pages_whatever_the_lists(maximal, poppler, tmp_path):
    report = report_of(maximal)
    bigger = replace(report, medications=report.medications * 4, findings=report.findings * 3,
                     questions=report.questions * 3, not_checked=report.not_checked * 5)
    pdf = write(tmp_path, render_pdf(bigger))
    assert pages(pdf) <= MAX_PAGES
    assert LEVELS[-1].medicines is not None and LEVELS[-1].findings is not None


# ---- the questions file -----------------------------------------------------------------------------------

FILES = ("bibliography.toml", "screening_rules.toml", "medicines.toml", "report_questions.toml")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def edit(directory: Path, old: str, new: str) -> None:
    path = directory / "report_questions.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in the file"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_questions_are_cited_and_six_to_ten():
    questions = load_questions()
    assert 6 <= len(questions.questions) <= 10
    assert load_questions() is questions
    for question in questions.questions:
        assert question.sources and all(s in questions.sources for s in question.sources)
        assert "stop taking" not in question.text.lower()
    assert [q.id for q in applicable(questions, QuestionFacts())] == ["when_to_get_help"]
    everything = QuestionFacts(findings=frozenset({"medicine_started_before_cramps", "pregnancy",
                                                   "cramps_more_frequent", "cramp_over_10_minutes"}),
                               tiers=frozenset({"same_day"}), medicine_linked=True, quinine=True,
                               cramps_per_week=5, stretching="no_clear_effect")
    assert len(applicable(questions, everything)) == len(questions.questions)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('sources = ["S22", "S23"]', 'sources = ["S99"]', r"question 'quinine_warning_signs': sources: unknown"),
    ('{ finding = ["quinine_break_due"] }', '{ finding = ["no_such_rule"] }',
     r"question 'quinine_review': when: unknown screening rule 'no_such_rule'"),
    ('when = [{ tier_at_least = "soon" }', 'when = [{ tier_at_least = "urgent" }',
     r"question 'blood_tests': when: tier"),
    ('when = ["always"]', 'when = ["sometimes"]', r"question 'when_to_get_help': when: expected"),
    ('when = ["always"]', "when = []", r"question 'when_to_get_help': when: needs a non-empty list"),
    ('{ quinine = true }]\nsources = ["S22", "S23"]', '{ quinine = 1 }]\nsources = ["S22", "S23"]',
     r"question .*: when: quinine can only be true"),
    ('id = "pregnancy"', 'id = "blood_tests"', r"question 'blood_tests': id: duplicate"),
    ('text = "Which effects', 'colour = "red"\ntext = "Which effects', r"question .*: colour: unknown field"),
])
def test_a_broken_questions_file_is_refused_naming_the_entry(copy, old, new, message):
    edit(copy, old, new)
    with pytest.raises(KnowledgeError, match=rf"^report_questions.toml: {message}"):
        load_questions_from(copy)


def test_a_question_too_long_for_the_page_is_refused(copy):
    edit(copy, 'text = "Which effects of quinine', 'text = "' + "very " * 40 + 'Which effects of quinine')
    with pytest.raises(KnowledgeError, match=r"text: is \d+ characters; at most 200"):
        load_questions_from(copy)
