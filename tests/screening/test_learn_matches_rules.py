"""The Learn page "When cramps are a sign of something else" and the screening rules say the same thing.

Each tier section of the page (its id names the tier) lists the signs whose rules have that tier, and
every claim names the rules it states (``rules`` in education.toml). So a rule that moves tier, or a
warning sign a person can answer that the page leaves out, fails here instead of telling the person two
different things. The tiers and ids are the ones of issue 16.
"""

from __future__ import annotations

import re

import pytest

from nightcramp.knowledge import education, load, schema
from nightcramp.knowledge.loader import AllOf, AnyOf, Compare, Fact, MedicineBeforeCramps, Node, Rule

SIGNS = "signs-of-something-else"
TIER_OF_SECTION = {"emergency": "emergency", "same-day": "same_day", "soon": "soon", "routine": "routine"}
MUST_APPEAR = ("emergency", "same_day", "soon")
"""Tiers of which every rule a person can answer in the health check must be on the page."""

EXPECTED = {
    "emergency": {"chest_pain_or_breathlessness", "wound_or_toxin_exposure"},
    "same_day": {"calf_clot_signs", "cramp_over_10_minutes", "quinine_bleeding",
                 "quinine_heart_vision_hearing", "quinine_in_pregnancy"},
    "soon": {"weakness_or_wasting", "muscle_twitching", "cramps_elsewhere_or_by_day"},
}
"""The questionnaire rules of the three most urgent tiers (``long_cramp_in_diary`` comes from the diary)."""

TIER_WORDS = {
    "emergency": ("{emergency_number}",),
    "same_day": ("today", "the same day"),
    "soon": ("two weeks",),
}
"""Words that say how soon, one of which a claim (or its section heading) must use for its rules' tier."""
URGENT_WORDS = ("{emergency_number}", "today", "same day", "straight away")
"""Words a claim of a soon or routine rule must not use: it would sound more urgent than its rule."""


def page() -> education.Page:
    return education.load().page(SIGNS)


def rules() -> dict[str, Rule]:
    return {r.id: r for r in load().rules}


def keys(node: Node) -> set[str]:
    """The answer keys a trigger reads (``medicines`` for the medicine list)."""
    if isinstance(node, Fact | Compare):
        return {node.key}
    if isinstance(node, AllOf | AnyOf):
        return set().union(*(keys(part) for part in node.parts))
    if isinstance(node, MedicineBeforeCramps):
        return {"medicines"}
    return set()


def answerable(rule: Rule) -> bool:
    """A person can make the rule fire from the health check (a key that does not come from the diary)."""
    return any(not key.startswith("diary.") for key in keys(rule.trigger))


def tier_sections() -> list[education.Section]:
    return [s for s in page().sections if s.id in TIER_OF_SECTION]


# ---- the page has one section per tier, most urgent first ------------------------------------------

def test_the_page_has_a_section_for_each_tier_in_order_of_urgency() -> None:
    assert [s.id for s in tier_sections()] == ["emergency", "same-day", "soon", "routine"]
    headings = {s.id: s.heading_template for s in tier_sections()}
    assert headings["emergency"] == "Call {emergency_number} now if"
    assert headings["same-day"] == "Get medical advice today if"
    assert headings["soon"] == "See a doctor within about two weeks if"
    assert "next appointment" in headings["routine"]


def test_the_tier_words_used_here_are_those_of_the_screening_schema() -> None:
    assert set(TIER_OF_SECTION.values()) | {"self_care"} == set(schema.TIERS)


# ---- each claim states rules of its section's tier -------------------------------------------------

@pytest.mark.parametrize("section_id", list(TIER_OF_SECTION))
def test_every_claim_names_rules_of_exactly_its_sections_tier(section_id: str) -> None:
    known = rules()
    section = next(s for s in tier_sections() if s.id == section_id)
    assert section.claims
    for claim in section.claims:
        assert claim.rules, f"{section_id}: a claim names no rule: {claim.text}"
        for rule_id in claim.rules:
            assert rule_id in known, f"{rule_id!r} is not a screening rule"
            assert known[rule_id].tier == TIER_OF_SECTION[section_id], (
                f"{rule_id!r} is {known[rule_id].tier!r} but stated under {section_id!r}: {claim.text}")


@pytest.mark.parametrize("tier", MUST_APPEAR)
def test_every_urgent_rule_a_person_can_answer_is_on_the_page(tier: str) -> None:
    stated = {rid for s in tier_sections() for c in s.claims for rid in c.rules}
    wanted = {r.id for r in rules().values() if r.tier == tier and answerable(r)}
    assert wanted, tier
    assert wanted - stated == set(), f"{tier} rules missing from the Learn page"


@pytest.mark.parametrize("tier", MUST_APPEAR)
def test_the_urgent_tiers_hold_the_rules_of_issue_16(tier: str) -> None:
    section = next(s for s in tier_sections() if TIER_OF_SECTION[s.id] == tier)
    assert {rid for c in section.claims for rid in c.rules} == EXPECTED[tier]
    assert {r.id for r in rules().values() if r.tier == tier and answerable(r)} == EXPECTED[tier]


def test_the_diary_only_rules_are_not_counted_as_answerable() -> None:
    known = rules()
    assert not answerable(known["long_cramp_in_diary"]) and known["long_cramp_in_diary"].tier == "soon"
    assert answerable(known["cramps_elsewhere_or_by_day"])  # a question as well as the diary
    assert answerable(known["medicine_started_before_cramps"])  # the medicine list the person gives


def test_every_claim_that_names_rules_says_how_soon_in_the_words_of_their_tier() -> None:
    """On any Learn page: a claim stating a same-day rule says "today" or "the same day" (in itself or its
    section heading), an emergency one names the emergency number, a soon one "two weeks"; one of a soon
    or routine rule never sounds more urgent than that."""
    known = rules()
    checked = 0
    for shown in education.load().pages:
        for section in shown.sections:
            for claim in section.claims:
                said = f"{section.heading_template} {claim.template}".lower()
                for rule_id in claim.rules:
                    tier = known[rule_id].tier
                    if tier in TIER_WORDS:
                        assert any(w.lower() in said for w in TIER_WORDS[tier]), (shown.slug, rule_id,
                                                                                  claim.text)
                    else:
                        assert not any(w in said for w in URGENT_WORDS), (shown.slug, rule_id, claim.text)
                    checked += 1
    assert checked >= 25


# ---- what the page says, in the words of the rules -------------------------------------------------

def claim_of(rule_id: str) -> education.Claim:
    return next(c for s in tier_sections() for c in s.claims if rule_id in c.rules)


def test_chest_pain_or_breathlessness_alone_is_an_emergency_with_or_without_calf_signs() -> None:
    claim = claim_of("chest_pain_or_breathlessness")
    assert "sudden chest pain" in claim.text and "short of breath" in claim.text
    assert "whether or not your calf is swollen" in claim.text
    assert "heart attack" in claim.text
    assert claim_of("calf_clot_signs") is not claim


def test_the_wound_or_toxin_case_is_an_emergency_and_no_longer_same_day() -> None:
    same_day = next(s for s in tier_sections() if s.id == "same-day")
    assert not any("dirty wound" in c.text for c in same_day.claims)
    assert "dirty wound" in claim_of("wound_or_toxin_exposure").text


def test_the_long_cramp_needs_both_more_than_10_minutes_and_not_easing() -> None:
    text = claim_of("cramp_over_10_minutes").text
    assert "lasts more than 10 minutes and does not ease" in text
    assert not re.search(r"10 minutes,? or ", text)
    assert "NHS" not in text and "contact your doctor's out-of-hours service" in text
    assert "{out_of_hours}" in claim_of("cramp_over_10_minutes").template


def test_the_quinine_claim_says_stop_and_get_advice_today_on_every_warning_sign() -> None:
    claim = claim_of("quinine_heart_vision_hearing")
    assert claim is claim_of("quinine_bleeding")
    assert "Stop taking quinine and get medical advice today" in claim.text
    for sign in ("bruises", "bleeding", "racing or uneven heartbeat", "fainting", "sight or hearing",
                 "confusion"):
        assert sign in claim.text, sign
