"""A "yes" or a "not sure" to a warning sign always gives at least that sign's tier (issue 16).

The property runs over random answer sets (any mix of yes, no, not sure and unanswered, medicines and
quinine included): setting one warning sign to "yes" or "not sure" gives a headline at least as urgent as
the sign's own rule, and "not sure" gives exactly the headline "yes" gives. The emergency signs are named
explicitly, so a rule change that drops one fails here.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nightcramp.knowledge import load, schema
from nightcramp.knowledge.loader import Fact
from nightcramp.screening.engine import screen
from tests.screening.helpers import build
from tests.screening.test_unanswered import answers_strategy

SINGLE_SIGN_RULES = {rule.trigger.key: rule for rule in load().rules if isinstance(rule.trigger, Fact)}
"""Every rule that one yes/no answer fires on its own, by that answer's key."""
EMERGENCY_SIGNS = ("symptoms.breathless_or_chest_pain", "symptoms.dirty_wound_or_toxin_exposure")


def with_answer(answers: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(answers)
    section, _, name = key.partition(".")
    if name:
        out.setdefault(section, {})[name] = value
    else:
        out[section] = value
    return out


def test_the_emergency_signs_each_fire_an_emergency_rule_alone() -> None:
    for key in EMERGENCY_SIGNS:
        assert SINGLE_SIGN_RULES[key].tier == "emergency", key


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, key=st.sampled_from(sorted(k for k in SINGLE_SIGN_RULES
                                                           if not k.startswith("conditions."))),
       value=st.sampled_from([True, schema.NOT_SURE]))
def test_a_yes_or_not_sure_to_a_sign_never_gives_a_lower_tier(answers: dict[str, Any], key: str,
                                                               value: Any) -> None:
    rule = SINGLE_SIGN_RULES[key]
    result = screen(with_answer(answers, key, value))
    assert result.urgency is not None
    assert schema.tier_rank(result.urgency) <= schema.tier_rank(rule.tier)
    assert rule.id in {f.rule for f in result.findings}
    if value == schema.NOT_SURE:
        assert result.urgency == screen(with_answer(answers, key, True)).urgency


@settings(max_examples=200, deadline=None)
@given(answers=answers_strategy, key=st.sampled_from(EMERGENCY_SIGNS),
       value=st.sampled_from([True, schema.NOT_SURE]))
def test_any_answer_set_with_an_emergency_sign_is_an_emergency(answers: dict[str, Any], key: str,
                                                                value: Any) -> None:
    assert screen(with_answer(answers, key, value)).urgency == "emergency"


@pytest.mark.parametrize("history", [{}, {"conditions.clot_history": True},
                                     {"conditions.recent_surgery_or_immobility": True}])
def test_chest_pain_alone_is_an_emergency_with_or_without_a_clot_history(history: dict[str, Any]) -> None:
    answers, _ = build({**history, "symptoms.breathless_or_chest_pain": True})
    result = screen(answers)
    assert result.urgency == "emergency"
    assert [f.rule for f in result.findings] == ["chest_pain_or_breathlessness"]
    assert "self_care_routine" not in {f.rule for f in result.findings}


def test_a_not_sure_finding_says_which_answer_was_not_sure() -> None:
    answers, _ = build({"symptoms.breathless_or_chest_pain": schema.NOT_SURE})
    (finding,) = screen(answers).findings
    assert finding.rule == "chest_pain_or_breathlessness"
    assert finding.unsure == ("symptoms.breathless_or_chest_pain",)
    yes, _ = build({"symptoms.breathless_or_chest_pain": True})
    assert screen(yes).findings[0].unsure == ()


def test_a_sure_yes_outweighs_a_not_sure_in_the_same_rule() -> None:
    answers, _ = build({"quinine.takes": True, "quinine.palpitations_fainting_vision_or_hearing": True,
                        "quinine.confusion": schema.NOT_SURE})
    finding = next(f for f in screen(answers).findings if f.rule == "quinine_heart_vision_hearing")
    assert finding.unsure == ()
    unsure, _ = build({"quinine.takes": schema.NOT_SURE, "quinine.confusion": True})
    finding = next(f for f in screen(unsure).findings if f.rule == "quinine_heart_vision_hearing")
    assert finding.unsure == ("quinine.takes",)


def test_quinine_with_confusion_is_asked_and_fires_the_stop_and_ask_rule() -> None:
    answers, _ = build({"quinine.takes": True, "quinine.confusion": True})
    result = screen(answers)
    assert "quinine_heart_vision_hearing" in {f.rule for f in result.findings}
    assert result.urgency == "same_day"
    assert "confus" in load().rule("quinine_heart_vision_hearing").advice
