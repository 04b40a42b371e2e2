"""Every rule in the data fires on each way its trigger can be met, and stays silent when it is not met."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest

from nightcramp.knowledge import load, schema
from nightcramp.knowledge.loader import (
    AllOf,
    AnyOf,
    Compare,
    Fact,
    MedicineBeforeCramps,
    Node,
    Otherwise,
    Rule,
)
from nightcramp.screening.engine import screen
from tests.screening.helpers import BEGAN, build

KNOWLEDGE = load()
Way = dict[str, Any]


def _medicine_of(classes: tuple[str, ...] | None, days_before: int) -> Way:
    wanted = classes or tuple(c.id for c in KNOWLEDGE.classes.values() if c.review)
    med = next(m for m in KNOWLEDGE.medicines if set(m.classes) & set(wanted))
    started = date.fromisoformat(BEGAN) - timedelta(days=days_before)
    return {"medications": [{"name": f"{med.name.title()} 10 mg", "started": started.isoformat()}]}


def _merge(ways: tuple[Way, ...]) -> Way:
    merged: Way = {}
    for way in ways:
        merged.update(way)
    return merged


def satisfying(node: Node) -> list[Way]:
    """Every distinct way (set of answers) that makes ``node`` true."""
    if isinstance(node, Fact):
        return [{node.key: True}]
    if isinstance(node, Compare):
        value = {"gt": node.value + 1, "gte": node.value, "lt": node.value - 1, "lte": node.value,
                 "eq": node.value}[node.op]
        return [{node.key: value}]
    if isinstance(node, MedicineBeforeCramps):
        return [_medicine_of(node.classes, days) for days in (0, 30, 365)]
    if isinstance(node, AnyOf):
        return [way for part in node.parts for way in satisfying(part)]
    if isinstance(node, AllOf):
        return [_merge(combo) for combo in itertools.product(*(satisfying(p) for p in node.parts))]
    raise TypeError(node)


def falsifying(node: Node) -> list[Way]:
    """Ways that make ``node`` false while answering every fact it reads."""
    if isinstance(node, Fact):
        return [{node.key: False}]
    if isinstance(node, Compare):
        value = {"gt": node.value, "gte": node.value / 2, "lt": node.value, "lte": node.value + 1,
                 "eq": node.value + 1}[node.op]
        return [{node.key: value}]
    if isinstance(node, MedicineBeforeCramps):
        return [_medicine_of(node.classes, 366), _medicine_of(node.classes, -1), {"medications": []}]
    if isinstance(node, AnyOf):
        return [_merge(tuple(falsifying(p)[0] for p in node.parts))]
    if isinstance(node, AllOf):
        ways = []
        for i, part in enumerate(node.parts):
            others = tuple(satisfying(p)[0] for j, p in enumerate(node.parts) if j != i)
            ways += [_merge((*others, bad)) for bad in falsifying(part)]
        return ways
    raise TypeError(node)


def _cases(kind: str) -> list[Any]:
    cases = []
    for rule in KNOWLEDGE.rules:
        if isinstance(rule.trigger, Otherwise):
            continue
        ways = satisfying(rule.trigger) if kind == "fire" else falsifying(rule.trigger)
        cases += [pytest.param(rule, way, id=f"{rule.id}-{n}") for n, way in enumerate(ways)]
    return cases


def _fired(way: Way) -> set[str]:
    answers, diary = build(way)
    return {f.rule for f in screen(answers, diary_facts=diary).findings}


@pytest.mark.parametrize(("rule", "way"), _cases("fire"))
def test_it_fires_the_rule_on_its_trigger(rule: Rule, way: Way) -> None:
    answers, diary = build(way)
    result = screen(answers, diary_facts=diary)
    finding = next(f for f in result.findings if f.rule == rule.id)
    assert finding.urgency == rule.tier and finding.because
    assert finding.advice == rule.advice and [s.id for s in finding.sources] == list(rule.sources)
    assert result.urgency in {"emergency", "same_day", "soon", "routine"}
    assert "self_care_routine" not in {f.rule for f in result.findings}


def _unsure(way: Way) -> Way:
    """The same way with every yes to a question (not a condition or a diary fact) answered "not sure"."""
    return {k: (schema.NOT_SURE if v is True and not k.startswith(("conditions.", "diary.")) else v)
            for k, v in way.items()}


@pytest.mark.parametrize(("rule", "way"), [c for c in _cases("fire") if _unsure(c.values[1]) != c.values[1]])
def test_a_not_sure_fires_the_rule_as_a_possible_finding(rule: Rule, way: Way) -> None:
    answers, diary = build(_unsure(way))
    finding = next(f for f in screen(answers, diary_facts=diary).findings if f.rule == rule.id)
    assert finding.urgency == rule.tier
    assert finding.unsure and set(finding.unsure) <= set(finding.because)


@pytest.mark.parametrize(("rule", "way"), _cases("silent"))
def test_it_stays_silent_without_the_trigger(rule: Rule, way: Way) -> None:
    answers, diary = build(way)
    result = screen(answers, diary_facts=diary)
    assert rule.id not in {f.rule for f in result.findings}
    assert rule.id not in {u.rule for u in result.unanswered}


def test_every_rule_is_silent_on_an_all_no_questionnaire_except_self_care() -> None:
    result = screen(build({})[0])
    assert [f.rule for f in result.findings] == ["self_care_routine"]
    assert result.urgency == "self_care" and result.unanswered_urgency is None
    assert result.unanswered == ()


def test_it_lists_findings_most_urgent_first() -> None:
    answers, _ = build({"symptoms.calf_swelling_warmth_or_redness": True,
                        "symptoms.breathless_or_chest_pain": True,
                        "symptoms.muscle_twitching": True, "conditions.diabetes": True})
    tiers = [f.urgency for f in screen(answers).findings]
    assert tiers == ["emergency", "same_day", "soon", "routine"]
