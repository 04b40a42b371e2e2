"""Missing answers mean "not answered", never "no": they are reported as unchecked, beside the headline.

The headline (``urgency``) is the most urgent finding; ``unanswered_urgency`` is the most urgent rule that
could not be checked. Together they never drop when an answer is removed.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from nightcramp.knowledge import schema
from nightcramp.screening.engine import screen
from tests.screening.helpers import build

answer = st.one_of(st.booleans(), st.none(), st.just(schema.NOT_SURE))
day = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)).map(lambda d: d.isoformat())
medicine = st.fixed_dictionaries(
    {"name": st.sampled_from(["salmeterol", "Spironolactone 25 mg", "paracetamol", "quinine sulfate",
                              "atorvastatin", "fluticasone/salmeterol"])},
    optional={"started": st.one_of(st.none(), day)},
)
answers_strategy = st.fixed_dictionaries({}, optional={
    "age": st.one_of(st.none(), st.integers(18, 100)),
    "sex": st.sampled_from(["female", "male", "other", None]),
    "pregnant": answer,
    "symptoms": st.fixed_dictionaries({}, optional={k: answer for k in schema.SYMPTOMS}),
    "conditions": st.lists(st.sampled_from(list(schema.CONDITIONS)), unique=True),
    "medications": st.lists(medicine, max_size=3),
    "quinine": st.fixed_dictionaries({}, optional={
        "takes": answer, "bleeding_or_bruising": answer, "palpitations_fainting_vision_or_hearing": answer,
        "confusion": answer,
        "months_since_last_break": st.one_of(st.none(), st.integers(0, 24))}),
    "cramps_began_or_worsened": st.one_of(st.none(), day),
})


def overall(result: Any) -> int:
    """The rank of the most urgent tier among the findings and the rules left unchecked."""
    tiers = [t for t in (result.urgency, result.unanswered_urgency) if t is not None]
    return min(schema.tier_rank(t) for t in tiers)


def removable_paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every dict key path (a medicine's required name excepted)."""
    paths: list[tuple[Any, ...]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "name" and len(prefix) == 2 and prefix[0] == "medications":
                continue
            paths.append((*prefix, key))
            paths += removable_paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            paths += removable_paths(value, (*prefix, i))
    return paths


def without(obj: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    target: Any = out
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return out


@settings(max_examples=300, deadline=None)
@given(answers=answers_strategy, data=st.data())
def test_removing_any_answer_never_lowers_urgency(answers: dict[str, Any], data: st.DataObject) -> None:
    paths = removable_paths(answers)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    before, after = screen(answers), screen(without(answers, path))
    assert overall(after) <= overall(before)
    still_open = {f.rule for f in after.findings} | {u.rule for u in after.unanswered}
    assert {f.rule for f in before.findings} - {"self_care_routine"} <= still_open


def test_it_reports_an_unanswered_red_flag_without_inventing_it() -> None:
    answers, _ = build({})
    del answers["symptoms"]["breathless_or_chest_pain"]
    answers["symptoms"]["calf_swelling_warmth_or_redness"] = True
    result = screen(answers)
    assert [f.rule for f in result.findings] == ["calf_clot_signs"]
    assert result.urgency == "same_day"
    assert result.unanswered_urgency == "emergency"
    (open_rule,) = result.unanswered
    assert open_rule.rule == "chest_pain_or_breathlessness"
    assert open_rule.missing == ({"key": "symptoms.breathless_or_chest_pain",
                                  "question": "sudden breathlessness or chest pain"},)


def test_an_answered_no_rules_out_a_combination_with_a_missing_part() -> None:
    answers, _ = build({})
    del answers["quinine"]["bleeding_or_bruising"]
    result = screen(answers)
    assert result.unanswered == ()
    assert result.urgency == "self_care"


def test_one_answered_question_does_not_make_the_headline_an_emergency() -> None:
    result = screen({"symptoms": {"numbness_or_tingling": True}})
    assert result.urgency == "routine"
    assert result.unanswered_urgency == "emergency"
    assert {u.rule for u in result.unanswered} >= {"chest_pain_or_breathlessness", "wound_or_toxin_exposure"}
    data = result.as_dict()
    assert (data["urgency"], data["unanswered_urgency"]) == ("routine", "emergency")
    assert "confirmed_urgency" not in data


def test_an_empty_questionnaire_rules_nothing_out() -> None:
    result = screen({})
    assert result.findings == ()
    assert result.urgency is None
    assert result.unanswered_urgency == "emergency"
    assert "self_care_routine" not in {u.rule for u in result.unanswered}


def test_it_names_the_medicine_whose_start_date_is_missing() -> None:
    answers, _ = build({"medications": [{"name": "Indapamide 2.5mg"}]})
    result = screen(answers)
    (open_rule,) = result.unanswered
    assert open_rule.rule == "medicine_started_before_cramps"
    assert open_rule.missing == (
        {"key": "medications[0].started", "question": "when you started Indapamide 2.5mg"},)
    assert result.urgency is None and result.unanswered_urgency == "routine"
    assert result.findings == ()


def test_sex_does_not_answer_the_pregnancy_question() -> None:
    answers, _ = build({"sex": "male"})
    del answers["pregnant"]
    assert {u.rule for u in screen(answers).unanswered} == {"pregnancy"}
    assert (screen(answers).urgency, screen(answers).unanswered_urgency) == (None, "routine")


def test_quinine_on_the_list_outweighs_a_no_and_an_open_list_leaves_the_no_open() -> None:
    answers = {"quinine": {"takes": False, "months_since_last_break": 3},
               "medications": [{"name": "quinine sulfate", "started": None}]}
    assert "quinine_break_due" in {f.rule for f in screen(answers).findings}
    open_list = screen({"quinine": {"takes": False, "months_since_last_break": 3}})
    due = [u for u in open_list.unanswered if u.rule == "quinine_break_due"]
    assert [q["key"] for q in due[0].missing] == ["medications"]
    answered = screen({"quinine": {"takes": False, "months_since_last_break": 3}, "medications": []})
    ruled = {f.rule for f in answered.findings} | {u.rule for u in answered.unanswered}
    assert "quinine_break_due" not in ruled
