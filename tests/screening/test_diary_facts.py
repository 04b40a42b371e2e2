"""Facts from the diary run through the same rules; an absent diary fact is not an unanswered question."""

from __future__ import annotations

from nightcramp.screening.engine import screen
from tests.screening.helpers import negative_answers


def test_a_long_unrelieved_cramp_of_last_night_fires_the_same_day_rule_an_older_one_the_soon_rule() -> None:
    result = screen(negative_answers(), diary_facts={"long_unrelieved_cramp_nights_ago": 1})
    assert [f.rule for f in result.findings] == ["cramp_over_10_minutes"]
    assert result.findings[0].because == ("diary.long_unrelieved_cramp_nights_ago",)
    older = screen(negative_answers(), diary_facts={"long_unrelieved_cramp_nights_ago": 2})
    assert [(f.rule, f.urgency) for f in older.findings] == [("long_cramp_in_diary", "soon")]
    assert "today" not in older.findings[0].advice.split(".")[0]


def test_cramps_often_outside_the_calf_or_by_day_fire_the_soon_rule() -> None:
    for facts in ({"share_outside_calf_foot": 0.4}, {"share_daytime": 0.25}):
        result = screen(negative_answers(), diary_facts=facts)
        assert [f.rule for f in result.findings] == ["cramps_elsewhere_or_by_day"]
    assert screen(negative_answers(), diary_facts={"share_daytime": 0.1}).urgency == "self_care"


def test_a_rise_in_the_diary_checks_the_diary_medicines() -> None:
    facts = {"cramps_began_or_worsened": "2026-05-20",
             "medications": [{"name": "Eplerenone 25 mg", "started": "2026-04-02"}]}
    result = screen(negative_answers(), diary_facts=facts)
    (finding,) = result.findings
    assert finding.rule == "medicine_started_before_cramps"
    assert finding.medicines[0].origin == "diary" and finding.medicines[0].atc == "C03DA04"


def test_without_diary_facts_nothing_is_left_open() -> None:
    assert screen(negative_answers(), diary_facts={}).as_dict() == screen(negative_answers()).as_dict()
    assert screen(negative_answers()).unanswered == ()


def test_a_clear_rise_fires_the_routine_rule_and_nothing_else() -> None:
    result = screen(negative_answers(), diary_facts={"clear_rise_ratio": 2})
    (finding,) = result.findings
    assert finding.rule == "cramps_more_frequent" and finding.urgency == "routine" == result.urgency
    assert finding.because == ("diary.clear_rise_ratio",)
    assert {s.id for s in finding.sources} == {"S1", "S2", "S6", "S8"}
    assert "summer" in finding.advice and "Do not stop or change a prescribed medicine" in finding.advice


def test_without_a_clear_rise_the_rule_is_silent_and_never_left_open() -> None:
    for facts in ({"clear_rise_ratio": 1.99}, {}, None):
        result = screen(negative_answers(), diary_facts=facts)
        assert [f.rule for f in result.findings] == ["self_care_routine"]
        assert "cramps_more_frequent" not in {u.rule for u in result.unanswered}
    assert "cramps_more_frequent" not in {u.rule for u in screen({}).unanswered}


def test_a_clear_rise_fires_even_when_no_question_was_answered() -> None:
    result = screen({}, diary_facts={"clear_rise_ratio": 3.5})
    assert [f.rule for f in result.findings] == ["cramps_more_frequent"]


def test_a_rise_after_a_new_medicine_fires_both_rules_and_a_long_cramp_leads() -> None:
    facts = {"clear_rise_ratio": 2.4, "cramps_began_or_worsened": "2026-05-20",
             "long_unrelieved_cramp_nights_ago": 0,
             "medications": [{"name": "Salmeterol 50 micrograms inhaler", "started": "2026-04-30"}]}
    result = screen(negative_answers(), diary_facts=facts)
    assert [f.rule for f in result.findings] == ["cramp_over_10_minutes", "medicine_started_before_cramps",
                                                 "cramps_more_frequent"]
    assert result.urgency == "same_day"
    later = {**facts, "medications": [{"name": "Salmeterol", "started": "2026-05-21"}]}
    assert [f.rule for f in screen(negative_answers(), diary_facts=later).findings] == [
        "cramp_over_10_minutes", "cramps_more_frequent"]
