"""The health check pages: questionnaire, result, earlier checks, download and delete."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from nightcramp.diary.services import save_medication
from nightcramp.screening.models import Screening
from nightcramp.screening.services import recheck_reason, save_screening
from tests.conftest import PASSWORD

ALL_NO = {f"symptom_{k}": "no" for k in (
    "cramp_over_10_min_despite_stretching", "calf_swelling_warmth_or_redness", "breathless_or_chest_pain",
    "muscle_weakness_or_wasting", "muscle_twitching", "numbness_or_tingling",
    "calf_pain_walking_eased_by_rest", "urge_to_move_eased_by_moving", "cramps_in_other_muscles_or_by_day",
    "dirty_wound_or_toxin_exposure", "sleep_disrupted_often")}
COMPLETE = {**ALL_NO, "age": "64", "sex": "female", "pregnant": "no", "conditions": ["none"],
            "medications_complete": "none", "quinine_takes": "no",
            "quinine_bleeding_or_bruising": "no", "quinine_palpitations_fainting_vision_or_hearing": "no",
            "quinine_confusion": "no",
            "quinine_months_since_last_break": "", "cramps_began_or_worsened": ""}


def text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's visible text, tags stripped and spaces squeezed."""
    body = html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))
    return re.sub(r"\s+", " ", body)


def submit(client, data):  # type: ignore[no-untyped-def]
    response = client.post(reverse("screening:questionnaire"), data)
    assert response.status_code == 302, text(response)[:2000]
    return client.get(response["Location"])


@pytest.mark.django_db
def test_all_clear_answers_give_self_care(owner_client, owner):
    page = text(submit(owner_client, COMPLETE))
    assert "Nothing points elsewhere" in page
    assert "Hallegraeff et al., J Physiother 2012" in page
    assert "We could not check these" not in page
    stored = Screening.objects.get(user=owner).answers
    assert stored["symptoms"]["muscle_twitching"] is False
    assert stored["conditions"] == [] and stored["medications"] == []
    assert stored["age"] == 64 and stored["sex"] == "female" and stored["pregnant"] is False
    assert "cramps_began_or_worsened" not in stored  # left open: not answered, not "no"


@pytest.mark.django_db
def test_a_same_day_finding_comes_first_with_why_and_sources(owner_client):
    data = {**COMPLETE, "symptom_calf_swelling_warmth_or_redness": "yes",
            "symptom_numbness_or_tingling": "yes"}
    response = submit(owner_client, data)
    page = text(response)
    assert "Get medical advice today" in page
    first_same_day = page.index("Swollen, warm or red calf")
    assert first_same_day < page.index("Numbness or tingling in the legs")
    assert "Why: a calf that is swollen, warm or red" in page
    assert "Sources:" in page
    assert "diagnos" in page  # the page says it is not a diagnosis


@pytest.mark.django_db
def test_not_sure_to_an_emergency_sign_is_stored_and_headlined_as_that_sign(owner_client, owner):
    data = {**COMPLETE, "symptom_breathless_or_chest_pain": "unsure",
            "symptom_calf_swelling_warmth_or_redness": "yes"}
    page = text(submit(owner_client, data))
    stored = Screening.objects.get(user=owner).answers
    assert stored["symptoms"]["breathless_or_chest_pain"] == "not_sure"
    headline = page.split("Sudden chest pain or sudden breathlessness")[0]
    assert "Call the emergency number now" in headline
    # The "not sure" comes first, saying what to check, then the calf answered "yes".
    unsure = page.index("You were not sure: check this first")
    check = page.index("What to check: Have you suddenly become short of breath, or do you have sudden pain "
                       "in your chest? You answered “Not sure”.")
    assert unsure < check < page.index("Swollen, warm or red calf")


@pytest.mark.django_db
def test_open_questions_are_named_and_never_read_as_no(owner_client, owner):
    data = {**COMPLETE, "symptom_calf_swelling_warmth_or_redness": "yes"}
    del data["symptom_breathless_or_chest_pain"]
    page = text(submit(owner_client, data))
    stored = Screening.objects.get(user=owner).answers
    assert "breathless_or_chest_pain" not in stored["symptoms"]
    # A swollen calf was found (same day), but the open breathlessness question could make it an emergency.
    assert "Get medical advice today" in page.split("We could not check these")[0]
    assert "We could not check these" in page
    assert "Sudden chest pain or sudden breathlessness" in page
    assert "sudden breathlessness or chest pain" in page


@pytest.mark.django_db
def test_a_not_sure_answer_comes_back_as_not_sure_on_the_next_check(owner_client, owner):
    submit(owner_client, {**COMPLETE, "symptom_muscle_twitching": "unsure", "quinine_confusion": "unsure"})
    page = owner_client.get(reverse("screening:questionnaire")).content.decode()
    for name in ("symptom_muscle_twitching", "quinine_confusion"):
        checked = re.search(rf'<input[^>]*name="{name}"[^>]*value="unsure"[^>]*checked', page)
        assert checked, name


@pytest.mark.django_db
def test_the_questionnaire_asks_about_confusion_on_quinine(owner_client):
    page = text(owner_client.get(reverse("screening:questionnaire")))
    assert "If you take quinine: have you felt confused" in page
    assert 'A warning sign you are not sure of is treated like a "yes"' in page


@pytest.mark.django_db
def test_an_empty_questionnaire_is_not_finished_rather_than_an_emergency(owner_client):
    page = text(submit(owner_client, {"age": ""}))  # an untouched form
    assert "We could not check enough yet" in page
    assert "Call the emergency number now" not in page.split("We could not check these")[0]
    assert "We could not check these" in page


@pytest.mark.django_db
def test_medicines_come_from_the_diary_and_are_reviewed(owner_client, owner):
    save_medication(owner, name="Atorvastatin", started=date(2026, 1, 10))
    save_medication(owner, name="Made-up-ol", started=date(2026, 1, 5))
    page = text(owner_client.get(reverse("screening:questionnaire")))
    assert "Atorvastatin, started 10 January 2026" in page
    data = {**COMPLETE, "medications_complete": "yes", "cramps_began_or_worsened": "2026-03-01"}
    page = text(submit(owner_client, data))
    stored = Screening.objects.get(user=owner).answers
    assert {"name": "Atorvastatin", "started": "2026-01-10"} in stored["medications"]
    assert "A medicine linked to cramps started before they began or got worse" in page
    assert "Do not stop or change a prescribed medicine on your own" in page
    assert "Medicines not on our list" in page and "Made-up-ol" in page


@pytest.mark.django_db
def test_a_misspelt_medicine_is_shown_back_with_a_suggestion(owner_client, owner):
    save_medication(owner, name="Lasics 40 mg", started=date(2026, 1, 10))
    page = text(submit(owner_client, {**COMPLETE, "medications_complete": "yes",
                                      "cramps_began_or_worsened": "2026-03-01"}))
    assert "Lasics 40 mg: did you mean Lasix (furosemide)?" in page
    assert "correct it on your medicines page" in page


@pytest.mark.django_db
def test_a_medicine_stopped_long_ago_is_not_offered(owner_client, owner):
    save_medication(owner, name="bendroflumethiazide", started=date(2020, 1, 1), stopped=date(2021, 1, 1))
    page = text(owner_client.get(reverse("screening:questionnaire")))
    assert "bendroflumethiazide" not in page
    assert "Do you take any medicines?" in page


@pytest.mark.django_db
def test_contradictions_are_named(owner_client, owner):
    data = {**COMPLETE, "sex": "male", "pregnant": "yes", "conditions": ["none", "diabetes"]}
    response = owner_client.post(reverse("screening:questionnaire"), data)
    assert response.status_code == 200
    page = text(response)
    assert "Are you pregnant?: You said your sex is male" in page
    assert "'None of these' together with a condition" in page
    assert not Screening.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_a_second_check_starts_from_the_first_answers(owner_client, owner):
    submit(owner_client, {**COMPLETE, "symptom_muscle_twitching": "yes", "conditions": ["diabetes"]})
    html = owner_client.get(reverse("screening:questionnaire")).content.decode()
    assert re.search(r'name="symptom_muscle_twitching" value="yes"[^>]*checked', html)
    assert re.search(r'name="conditions" value="diabetes"[^>]*checked', html)
    assert re.search(r'name="age" value="64"', html)


@pytest.mark.django_db
def test_men_are_not_asked_to_leave_pregnancy_open(owner_client, owner):
    submit(owner_client, {**COMPLETE, "sex": "male", "pregnant": ""})
    assert Screening.objects.get(user=owner).answers["pregnant"] is False


@pytest.mark.django_db
def test_latest_past_download_and_delete(owner_client, owner):
    assert owner_client.get(reverse("screening:latest"))["Location"] == reverse("screening:questionnaire")
    first = save_screening(owner, {"symptoms": {"muscle_twitching": True}})
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        second = save_screening(owner, {"age": 50})
    assert owner_client.get(reverse("screening:latest"))["Location"] == reverse("screening:result",
                                                                                 args=[second.pk])
    past = text(owner_client.get(reverse("screening:past")))
    assert past.count("Not finished") == 1 and "See a doctor within about two weeks" in past
    older = text(owner_client.get(reverse("screening:result", args=[first.pk])))
    assert "This is an earlier check" in older
    download = owner_client.get(reverse("screening:answers_json", args=[first.pk]))
    assert json.loads(download.content) == {"symptoms": {"muscle_twitching": True}}
    assert download["Content-Disposition"].startswith("attachment;")
    assert owner_client.post(reverse("screening:delete", args=[first.pk])).status_code == 302
    assert list(Screening.objects.filter(user=owner)) == [second]


@pytest.mark.django_db
def test_sign_up_offers_the_check(anon_client):
    response = anon_client.post(reverse("signup"), {
        "username": "carol", "display_name": "Carol", "password1": PASSWORD, "password2": PASSWORD,
        "time_zone": "Europe/Paris"})
    assert response["Location"] == reverse("screening:questionnaire") + "?welcome=1"
    page = text(anon_client.get(response["Location"]))
    assert "Skip for now" in page


@pytest.mark.django_db
def test_the_check_is_offered_again_when_answers_may_have_changed(owner):
    assert recheck_reason(owner) == "never"
    save_screening(owner, {"age": 70})
    assert recheck_reason(owner) is None
    save_medication(owner, name="furosemide")
    assert recheck_reason(owner) == "medicines"
    save_screening(owner, {"age": 70})
    assert recheck_reason(owner) is None
    assert recheck_reason(owner, now=timezone.now() + timedelta(days=200)) == "old"


@pytest.mark.django_db
def test_the_menu_links_to_the_check(owner_client):
    html = owner_client.get(reverse("tonight")).content.decode()
    assert f'href="{reverse("screening:latest")}"' in html
