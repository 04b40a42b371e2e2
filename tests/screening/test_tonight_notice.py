"""An urgent health-check result stays on Tonight until marked seen or answered again; the first-night
guide shows until closed or the first check-in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from nightcramp.diary.models import Profile
from nightcramp.diary.services import save_night
from nightcramp.screening.models import Screening
from nightcramp.screening.services import save_screening
from tests.screening.helpers import build
from tests.screening.test_pages import text

NOW = datetime(2026, 7, 10, 21, 0, tzinfo=UTC)
CALF, _ = build({"symptoms.calf_swelling_warmth_or_redness": True})
CHEST_NOT_SURE, _ = build({"symptoms.breathless_or_chest_pain": "not_sure"})
WEAKNESS, _ = build({"symptoms.muscle_weakness_or_wasting": True})
ALL_NO, _ = build({})


def tonight(client: Client) -> str:
    return text(client.get(reverse("tonight")))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_same_day_result_stays_on_tonight_until_marked_seen(owner, owner_client):
    check = save_screening(owner, CALF)
    for _ in range(2):  # not just once: on every visit
        page = tonight(owner_client)
        assert "Your health check of 10 July Get medical advice today" in page
        assert "Swollen, warm or red calf: possible blood clot" in page
        assert "It can be a sign of a blood clot in a deep vein of the leg" in page  # the rule's advice
    response = owner_client.post(reverse("screening:seen", args=[check.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tonight")
    assert "Swollen, warm or red calf" not in tonight(owner_client)
    check.refresh_from_db()
    assert check.seen_at == NOW
    # The result page keeps it.
    assert "Swollen, warm or red calf" in text(owner_client.get(reverse("screening:result", args=[check.pk])))


@pytest.mark.django_db
def test_answering_again_replaces_it(owner, owner_client):
    with time_machine.travel(NOW, tick=False):
        save_screening(owner, CALF)
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        save_screening(owner, ALL_NO)
        assert "Swollen, warm or red calf" not in tonight(owner_client)
    with time_machine.travel(NOW.replace(minute=10), tick=False):
        first = Screening.objects.filter(user=owner).order_by("created_at").first()
        assert first is not None
        owner_client.post(reverse("screening:seen", args=[first.pk]))  # the old one: changes nothing new
        save_screening(owner, CALF)  # urgent again: shown afresh
        assert "Swollen, warm or red calf" in tonight(owner_client)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_emergency_from_not_sure_says_what_to_do_now(owner, owner_client):
    save_screening(owner, CHEST_NOT_SURE)
    page = tonight(owner_client)
    assert "Call the emergency number now" in page
    assert "Not sure: if it applies, or you cannot tell, call the emergency number now" in page
    assert "What to check: Have you suddenly become short of breath" in page
    assert "Call your local emergency number now, and do not wait to see if it passes." in page
    # Named above the big button too, in the person's country's words.
    assert "Health check: call your local emergency number now ↓ Cramp now" in page
    Profile.objects.filter(user=owner).update(country="AU")
    assert "Health check: call triple zero (000) now ↓ Cramp now" in tonight(owner_client)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_result_for_the_next_weeks_is_not_named_above_the_big_button(owner, owner_client):
    save_screening(owner, WEAKNESS)
    assert 'class="urgent-line' not in owner_client.get(reverse("tonight")).content.decode()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_result_for_the_next_weeks_is_not_a_tonight_notice(owner, owner_client):
    save_screening(owner, WEAKNESS)
    page = tonight(owner_client)
    assert "Muscles getting weaker" not in page and "Your health check of" not in page


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_nobody_else_sees_it_or_marks_it_seen(owner, other_client):
    check = save_screening(owner, CALF)
    assert "Swollen, warm or red calf" not in tonight(other_client)
    assert other_client.post(reverse("screening:seen", args=[check.pk])).status_code == 404
    check.refresh_from_db()
    assert check.seen_at is None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_marking_it_seen_takes_a_post_with_the_csrf_token(owner):
    check = save_screening(owner, CALF)
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    url = reverse("screening:seen", args=[check.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    page = client.get(reverse("tonight")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302
    check.refresh_from_db()
    assert check.seen_at is not None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_first_night_guide_shows_until_closed(owner, owner_client):
    page = tonight(owner_client)
    assert "Your first night" in page
    assert "If a cramp wakes you: tap Cramp now at the top of this page." in page
    assert owner_client.post(reverse("screening:close_first_night")).status_code == 302
    assert "Your first night" not in tonight(owner_client)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_first_night_guide_goes_after_the_first_check_in(owner, owner_client):
    assert "Your first night" in tonight(owner_client)
    save_night(owner, date(2026, 7, 9), stretched=True)  # a night's record, not yet a check-in
    assert "Your first night" in tonight(owner_client)
    save_night(owner, date(2026, 7, 9), checked_in=True, stretched=True)
    assert "Your first night" not in tonight(owner_client)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)  # 21:00 in UTC is 07:00 the next day in Sydney
def test_it_names_the_day_the_person_answered_in_their_own_time_zone(other, other_client):
    check = save_screening(other, CALF)
    assert "Your health check of 11 July" in tonight(other_client)
    result = text(other_client.get(reverse("screening:result", args=[check.pk])))
    assert "answers of 11 July 2026" in result


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_notice_says_how_soon_once_and_leaves_out_what_can_wait(owner, owner_client):
    answers, _ = build({"symptoms.calf_swelling_warmth_or_redness": True,
                        "symptoms.muscle_weakness_or_wasting": "not_sure"})
    save_screening(owner, answers)
    page = tonight(owner_client)
    notice = page[page.index("Your health check of"):page.index("The whole result")]
    assert notice.lower().count("get medical advice today") == 1
    assert "Muscles getting weaker" not in notice  # within two weeks: on the result page, not tonight
