"""The result page says each thing once, lists the warning signs answered "not sure" first with what to check,
and after the welcome check leads on to Tonight."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.screening.test_pages import COMPLETE, submit, text

SAME_DAY = {**COMPLETE, "symptom_calf_swelling_warmth_or_redness": "yes"}


def main_blocks(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The text of each heading, paragraph and list item in the page's main part, tags stripped."""
    body = response.content.decode()
    main = body[body.index("<main"):body.index("</main>")]
    blocks = re.findall(r"<(h[1-6]|p|li)\b[^>]*>(.*?)</\1>", main, flags=re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", inner))).strip() for _, inner in blocks]


def sentences(blocks: list[str]) -> list[str]:
    found = []
    for block in blocks:
        for part in re.split(r"(?<=[.!?])\s+", block):
            words = re.sub(r"[^\w\s]", "", part).lower().strip()
            if len(words.split()) >= 3:
                found.append(words)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("answers", [
    SAME_DAY,
    {**COMPLETE, "symptom_muscle_weakness_or_wasting": "unsure"},
    {**COMPLETE, "symptom_breathless_or_chest_pain": "unsure"},
    {**COMPLETE, "symptom_cramp_over_10_min_despite_stretching": "yes"},
    {**COMPLETE, "symptom_numbness_or_tingling": "yes"},
], ids=["same-day", "not-sure-weakness", "not-sure-emergency", "long-cramp", "routine"])
def test_the_result_says_each_sentence_once(owner_client, answers):
    said = sentences(main_blocks(submit(owner_client, answers)))
    repeated = {s for s in said if said.count(s) > 1}
    assert not repeated
    assert said  # the page did say something


@pytest.mark.django_db
def test_a_single_same_day_finding_says_get_medical_advice_today_once(owner_client):
    blocks = main_blocks(submit(owner_client, SAME_DAY))
    # Before, the verdict, the card's label and the advice each said it: three times.
    assert sum(b.lower().count("get medical advice today") for b in blocks) == 1 + sum(
        "stop it and get medical advice today" in b for b in blocks)  # the disclaimer's quinine exception
    assert "Get medical advice today" in blocks


@pytest.mark.django_db
def test_not_sure_warning_signs_come_first_saying_what_to_check_and_why(owner_client):
    body = submit(owner_client, {**SAME_DAY, "symptom_muscle_weakness_or_wasting": "unsure",
                                 "symptom_numbness_or_tingling": "unsure"}).content.decode()
    page = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    first = page.index("You were not sure: check this first")
    weakness = page.index("Muscles getting weaker or smaller")
    calf = page.index("Swollen, warm or red calf")
    assert first < weakness < calf
    checks = page[weakness:calf]
    label = "Not sure: if it applies, or you cannot tell, see a doctor within about two weeks"
    assert label in page[first:calf]
    assert "What to check: Are any of your muscles getting weaker or smaller?" in checks
    assert "This can be a sign of a problem in the nerves" in checks  # why, from the rule's advice
    section = body[body.index('class="unsure-checks"'):body.index("Swollen, warm or red calf")]
    assert "<details" not in section  # not folded away
    # Numbness is a routine point, not a warning sign: it keeps its place after the same-day calf.
    assert page.index("Numbness or tingling in the legs") > calf
    assert "What to check: Do you have numbness, tingling or pins and needles in your legs?" in page


@pytest.mark.django_db
def test_the_welcome_check_leads_on_to_tonight(owner_client):
    url = reverse("screening:questionnaire") + "?welcome=1"
    response = owner_client.post(url, COMPLETE)
    assert response.status_code == 302 and response["Location"].endswith("?welcome=1")
    page = owner_client.get(response["Location"])
    assert f'<a class="button" href="{reverse("tonight")}">Go on to Tonight</a>' in page.content.decode()
    assert "Next: your first night" in text(page)
    later = owner_client.get(reverse("screening:latest"), follow=True)
    assert "Go on to Tonight" not in text(later)  # only right after the welcome check
