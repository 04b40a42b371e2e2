"""Facts from the diary run through the same rules; an absent diary fact is not an unanswered question."""

from __future__ import annotations

from nightcramp.screening.engine import screen
from tests.screening.helpers import negative_answers


def test_a_logged_episode_over_ten_minutes_fires_the_same_day_rule() -> None:
    result = screen(negative_answers(), diary_facts={"longest_episode_minutes": 14})
    assert [f.rule for f in result.findings] == ["cramp_over_10_minutes"]
    assert result.findings[0].because == ("diary.longest_episode_minutes",)
    assert screen(negative_answers(), diary_facts={"longest_episode_minutes": 10}).urgency == "self_care"


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
