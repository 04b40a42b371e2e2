"""Words for people that work in every country the app is used in (issue 16).

No number or service of one country on its own (999, 911, NHS 111, A&E), "doctor" rather than "GP", "doctor's
practice" rather than "surgery", and both names of a medicine where countries differ. Numbers by country come
later, through the placeholders of nightcramp/knowledge/places.py. The screening rules, the medicine list and
the screening and diary templates are checked by their own owners' tests.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from nightcramp.knowledge import education
from nightcramp.knowledge.care import load_care

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "nightcramp" / "knowledge"
TEMPLATES = ROOT / "nightcramp" / "templates"
NOT_HERE = ("screening", "diary")
"""Template folders others edit; their texts are checked with their own work."""

ONE_COUNTRY = [
    (re.compile(r"\b(?:999|911|112|111|000)\b"), "an emergency or advice number of one country"),
    (re.compile(r"\bNHS\b"), "a service of one country"),
    (re.compile(r"\bA&(?:amp;)?E\b"), "a UK name for the emergency department"),
    (re.compile(r"\bGPs?\b"), "'GP' (say 'doctor')"),
    (re.compile(r"\bsurgery\b", re.I), "'surgery' (say 'doctor's practice', or 'operation')"),
    (re.compile(r"\bparacetamol\b(?! \(acetaminophen\))", re.I), "paracetamol without (acetaminophen)"),
    (re.compile(r"\bsalbutamol\b(?! \(albuterol\))", re.I), "salbutamol without (albuterol)"),
    (re.compile(r"\bmotor neurone? disease\b(?! \(ALS\))", re.I), "motor neuron(e) disease without (ALS)"),
]


def problems(text: str) -> list[str]:
    return [why for pattern, why in ONE_COUNTRY if pattern.search(text)]


@pytest.mark.parametrize(("text", "why"), [
    ("In the UK, you can call NHS 111 out of hours.", "a service of one country"),
    ("Call 999 now.", "an emergency or advice number of one country"),
    ("when your surgery is closed", "'surgery' (say 'doctor's practice', or 'operation')"),
    ("See your GP.", "'GP' (say 'doctor')"),
    ("such as salbutamol, nifedipine", "salbutamol without (albuterol)"),
    ("Painkillers such as paracetamol or ibuprofen", "paracetamol without (acetaminophen)"),
    ("or, rarely, motor neurone disease.", "motor neuron(e) disease without (ALS)"),
    ("Go to A&amp;E.", "a UK name for the emergency department"),
])
def test_the_check_catches_words_of_one_country(text: str, why: str) -> None:
    assert why in problems(text)


@pytest.mark.parametrize("text", [
    "If your doctor's practice is closed, contact {out_of_hours}.", "Call {emergency_number} now.",
    "salbutamol (albuterol)", "paracetamol (acetaminophen) or ibuprofen", "motor neurone disease (ALS)",
    "motor neuron disease (ALS)", "have just had an operation", "1 in 14 only by day",
])
def test_the_check_leaves_words_for_every_country_alone(text: str) -> None:
    assert problems(text) == []


def learn_texts() -> list[tuple[str, str]]:
    found = []
    for page in education.load().pages:
        found += [(page.slug, page.title), (page.slug, page.summary_template)]
        for section in page.sections:
            found += [(f"{page.slug}/{section.id}", section.heading_template),
                      (f"{page.slug}/{section.id}", section.popular)]
            found += [(f"{page.slug}/{section.id}", c.template) for c in section.claims]
    return found


def care_texts() -> list[tuple[str, str]]:
    care = load_care()
    found = []
    for s in care.stretches.values():
        found += [(s.id, s.name), (s.id, s.how), (s.id, s.note), (s.id, s.positions_note)]
    for r in care.routines.values():
        found += [(r.id, r.title), (r.id, r.summary)]
    for relief in care.relief.values():
        found += [(relief.muscle, relief.title), (relief.muscle, relief.how)]
    return [*found, ("walk", care.walk.how)]


def question_texts() -> list[tuple[str, str]]:
    data = tomllib.loads((KNOWLEDGE / "report_questions.toml").read_text(encoding="utf-8"))
    return [(q["id"], q["text"]) for q in data["question"]]


def test_the_learn_pages_use_words_for_every_country() -> None:
    found = [(where, problems(text)) for where, text in learn_texts() if problems(text)]
    assert found == []


def test_the_routines_and_the_report_questions_use_words_for_every_country() -> None:
    found = [(where, problems(text)) for where, text in care_texts() + question_texts() if problems(text)]
    assert found == []


def test_the_templates_use_words_for_every_country() -> None:
    checked, found = 0, []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] in NOT_HERE:
            continue
        text = re.sub(r"{%.*?%}|{{.*?}}", " ", path.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<(?:style|script)\b.*?</(?:style|script)>|<[^>]+>", " ", text, flags=re.S)
        checked += 1
        found += [(str(path.relative_to(TEMPLATES)), why) for why in problems(text)]
    assert checked >= 20 and found == []


def test_the_learn_pages_give_both_names_of_the_medicines_and_of_the_disease() -> None:
    said = " ".join(text for _, text in learn_texts())
    assert "salbutamol (albuterol)" in said
    assert "paracetamol (acetaminophen)" in said
    assert "motor neurone disease (ALS)" in said


# ---- words by country (issue 17): the person's country fills the placeholders ----------------------------

COUNTRY_WORDS = {
    "GB": ("999", "NHS 111"), "IE": ("112 or 999", "GP out-of-hours service"), "US": ("911", None),
    "CA": ("911", "811"), "AU": ("triple zero (000)", "healthdirect on 1800 022 222"),
    "NZ": ("111", "Healthline on 0800 611 116"), "NL": ("112", "huisartsenpost"),
    "DE": ("112", "116117"), "FR": ("15 (SAMU) or 112", "médecin de garde"), "ES": ("112", None),
}
"""What a person in each country must read (None: no official page confirmed it, so the generic line)."""


def _signed_in(username: str, country: str):  # type: ignore[no-untyped-def]
    from django.test import Client

    from tests.conftest import make_user

    client = Client()
    client.force_login(make_user(username, country=country))
    return client


def _emergency_result(client) -> str:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from nightcramp.screening.models import Screening
    from tests.screening.helpers import build

    answers, _ = build({"symptoms.breathless_or_chest_pain": True})
    user = client.session["_auth_user_id"]
    screening = Screening.objects.create(user_id=user, answers=answers)
    response = client.get(reverse("screening:result", args=[screening.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _learn(client) -> str:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    response = client.get(reverse("learn_page", args=["signs-of-something-else"]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(COUNTRY_WORDS))
def test_a_person_in_each_country_reads_its_numbers_in_the_advice_and_on_learn(code: str) -> None:
    from django.utils.html import escape

    emergency, out_of_hours = COUNTRY_WORDS[code]
    client = _signed_in(f"p{code.lower()}", code)
    result, learn = _emergency_result(client), _learn(client)
    assert f"Call {escape(emergency)} now" in result
    assert f"Call {escape(emergency)}" in learn
    if out_of_hours:
        assert escape(out_of_hours) in learn
    else:
        assert "your doctor&#x27;s out-of-hours service" in learn
    assert "your local emergency number" not in result + learn
    if code != "GB":
        told = re.sub(r"<cite>.*?</cite>", "", result + learn)  # a source's name may be the NHS's
        assert "NHS" not in told and "999" not in told.replace("112 or 999", "")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["AS", "", "JP"])
def test_a_person_in_a_country_we_hold_nothing_for_gets_the_generic_line(code: str) -> None:
    client = _signed_in("somewhere", code)
    result, learn = _emergency_result(client), _learn(client)
    assert "Call your local emergency number now" in result
    assert "your doctor&#x27;s out-of-hours service" in learn
    told = re.sub(r"<cite>.*?</cite>", "", result + learn)
    for word in ("NHS", "999", "911", "116117"):
        assert word not in told
