"""Apply the screening rules in ``nightcramp.knowledge`` to an answers object (and diary facts). No Django.

Rules are evaluated in three-valued logic: a fact that was not answered is *unknown*, never "no".
``all`` is false as soon as one part is false, ``any`` is true as soon as one part is true; otherwise an
unknown part leaves the rule unknown. A true rule is a finding; an unknown rule is listed as unanswered
("we could not check ...") with the most urgent tier among them beside the headline
(``unanswered_urgency``), so leaving a question out never hides what it could mean. The headline
``urgency`` is the most urgent *finding*.

A yes/no question answered "not sure" (``"not_sure"``) is never read as "no" either: it counts as a yes
for the rule, and the finding carries the keys in ``unsure`` (a *possible* finding, which the pages word
as "you were not sure whether ..."). So a "not sure" to a warning sign gives that sign's tier, exactly as
a "yes" does. Facts from the diary (``diary.*``) are observations: one that is absent simply did not
happen, so it never leaves a rule unknown.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from nightcramp.knowledge import Knowledge, load, match_medicine, schema, suggest_medicines
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
from nightcramp.screening.answers import Facts, MedicationAnswer, parse

MEDICINE_WINDOW = timedelta(days=365)
"""A medicine counts when it started on, or in the 365 days before, the day cramps began or worsened:
the window of the sequence symmetry analysis in Garrison et al. 2012 [S2], which compared quinine starts
in the year after a new medicine with those in the year before it."""


@dataclass(frozen=True)
class SourceRef:
    id: str
    citation: str
    status: str


@dataclass(frozen=True)
class MedicineHit:
    name: str
    matched: str
    atc: str
    started: str | None
    classes: tuple[dict[str, Any], ...]
    origin: str


@dataclass(frozen=True)
class Finding:
    rule: str
    urgency: str
    title: str
    advice: str
    sources: tuple[SourceRef, ...]
    because: tuple[str, ...]
    medicines: tuple[MedicineHit, ...] = ()
    unsure: tuple[str, ...] = ()
    """The answer keys behind the finding that were answered "not sure" (empty: a definite finding)."""


@dataclass(frozen=True)
class UnrecognisedMedicine:
    name: str
    """As the person typed it."""
    did_you_mean: tuple[str, ...]
    """Close names from the medicine list, for a typo; empty when nothing is close."""


@dataclass(frozen=True)
class Unanswered:
    rule: str
    urgency: str
    title: str
    missing: tuple[dict[str, str], ...]
    advice: str


@dataclass(frozen=True)
class Result:
    urgency: str | None
    """The most urgent tier among the findings (possible ones included); None when nothing was found
    because questions were left open (the self-care rule only fires when everything was checked)."""
    unanswered_urgency: str | None
    """The most urgent tier among the rules that could not be checked (None when every rule was)."""
    findings: tuple[Finding, ...]
    unanswered: tuple[Unanswered, ...]
    unrecognised_medicines: tuple[UnrecognisedMedicine, ...]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for finding in data["findings"]:
            if not finding["medicines"]:
                del finding["medicines"]
        return data

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)


@dataclass(frozen=True)
class _Eval:
    value: bool | None
    because: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    medicines: tuple[MedicineHit, ...] = ()
    unsure: tuple[str, ...] = ()


_UNKNOWN_WORDS = {
    "medications": "which medicines you take",
    "cramps_began_or_worsened": schema.label("cramps_began_or_worsened"),
}


def _question(key: str, facts: Facts) -> dict[str, str]:
    if key in schema.KEYS:
        return {"key": key, "question": schema.label(key)}
    if key.endswith(".started"):
        name = _medication_at(facts, key.removesuffix(".started"))
        return {"key": key, "question": f"when you started {name}"}
    return {"key": key, "question": _UNKNOWN_WORDS.get(key, key)}


def _medication_at(facts: Facts, path: str) -> str:
    for med in (*(facts.medications or ()), *facts.diary_medications):
        if med.path.removeprefix("answers.") == path:
            return med.name
    return path


# ---- evaluation -----------------------------------------------------------------------------------

def _fact(node: Fact, facts: Facts) -> _Eval:
    value = facts.values.get(node.key)
    if value is None:
        return _Eval(None, missing=(facts.reported_as.get(node.key, node.key),))
    if value == schema.NOT_SURE:
        return _Eval(True, because=(node.key,), unsure=(node.key,))
    return _Eval(True, because=(node.key,)) if value else _Eval(False)


def _compare(node: Compare, facts: Facts) -> _Eval:
    diary = node.key.startswith("diary.")
    value = facts.diary.get(node.key) if diary else facts.values.get(node.key)
    if value is None:
        return _Eval(False) if diary else _Eval(None, missing=(node.key,))
    holds = {"gt": value > node.value, "gte": value >= node.value, "lt": value < node.value,
             "lte": value <= node.value, "eq": value == node.value}[node.op]
    return _Eval(True, because=(node.key,)) if holds else _Eval(False)


def _combine(parts: list[_Eval], need_all: bool) -> _Eval:
    decisive = [p for p in parts if p.value is (not need_all)]
    if decisive:
        if need_all:
            return _Eval(False)
        sure = [p for p in decisive if not p.unsure]
        return _true(sure or decisive)
    unknown = [p for p in parts if p.value is None]
    if unknown:
        return _Eval(None, missing=_join(p.missing for p in unknown))
    return _true(parts) if need_all else _Eval(False)


def _true(parts: list[_Eval]) -> _Eval:
    """A true result that holds because of all ``parts`` (possible if any of them is)."""
    return _Eval(True, because=_join(p.because for p in parts),
                 medicines=tuple(m for p in parts for m in p.medicines),
                 unsure=_join(p.unsure for p in parts))


def _join(groups: Any) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        out.extend(k for k in group if k not in out)
    return tuple(out)


def _evaluate(node: Node, facts: Facts, knowledge: Knowledge) -> _Eval:
    if isinstance(node, Fact):
        return _fact(node, facts)
    if isinstance(node, Compare):
        return _compare(node, facts)
    if isinstance(node, AllOf | AnyOf):
        return _combine([_evaluate(p, facts, knowledge) for p in node.parts], isinstance(node, AllOf))
    if isinstance(node, MedicineBeforeCramps):
        return _medicines(node, facts, knowledge)
    raise TypeError(f"cannot evaluate {node!r} here")  # Otherwise is decided after all other rules


# ---- the medication review ------------------------------------------------------------------------

def _hit(med: MedicationAnswer, node: MedicineBeforeCramps, knowledge: Knowledge) -> MedicineHit | None:
    """The listed medicine a typed name refers to, if any of its classes is one the rule looks at."""
    for known in match_medicine(knowledge, med.name):
        classes = [knowledge.classes[c] for c in known.classes
                   if (c in node.classes if node.classes is not None else knowledge.classes[c].review)]
        if classes:
            return MedicineHit(
                name=med.name, matched=known.name, atc=known.atc,
                started=med.started.isoformat() if med.started else None,
                classes=tuple({"id": c.id, "title": c.title, "association": c.association,
                               "sources": list(c.sources)} for c in classes),
                origin="diary" if med.path.startswith("diary_facts") else "answers",
            )
    return None


def _timing(med: MedicationAnswer, began: list[tuple[date | None, str]]) -> _Eval:
    parts = []
    for day, key in began:
        if med.started is None or day is None:
            missing = (f"{med.path.removeprefix('answers.')}.started",) if med.started is None else (key,)
            parts.append(_Eval(None, missing=missing))
        else:
            parts.append(_Eval(day - MEDICINE_WINDOW <= med.started <= day, because=(med.name,)))
    return _combine(parts, need_all=False)


def _medicines(node: MedicineBeforeCramps, facts: Facts, knowledge: Knowledge) -> _Eval:
    began: list[tuple[date | None, str]] = [(facts.values.get("cramps_began_or_worsened"),
                                             "cramps_began_or_worsened")]
    if facts.diary_began is not None:
        began.append((facts.diary_began, "diary_facts.cramps_began_or_worsened"))
    parts = [] if facts.medications is not None else [_Eval(None, missing=("medications",))]
    for med in (*(facts.medications or ()), *facts.diary_medications):
        hit = _hit(med, node, knowledge)
        if hit is not None:
            timing = _timing(med, began)
            parts.append(_Eval(timing.value, timing.because, timing.missing, (hit,) if timing.value else ()))
    return _combine(parts, need_all=False) if parts else _Eval(False)


def _with_listed_quinine(facts: Facts, knowledge: Knowledge) -> Facts:
    """Whether quinine is taken is the answer to that question *or* quinine on a medicines list.

    In three-valued logic: quinine on a list makes it yes whatever was answered (the conservative
    reading of a contradiction); an answered "no" only stands when the medicines were answered too,
    since a medicines list left open could still hold quinine. The open part is then reported as
    "which medicines you take", not as the quinine question that was answered.
    """
    listed = any(known.classes == ("quinine",)
                 for med in (*(facts.medications or ()), *facts.diary_medications)
                 for known in match_medicine(knowledge, med.name))
    answered = facts.values.get("quinine.takes")
    if answered is True or (not listed and (answered in (None, schema.NOT_SURE)
                                            or facts.medications is not None)):
        return facts
    takes = True if listed else None
    return Facts({**facts.values, "quinine.takes": takes}, facts.medications, facts.diary,
                 facts.diary_medications, facts.diary_began,
                 reported_as={} if listed else {"quinine.takes": "medications"})


# ---- the result -----------------------------------------------------------------------------------

def _sources(rule: Rule, knowledge: Knowledge) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(s, knowledge.sources[s].short, knowledge.sources[s].status) for s in rule.sources)


def _finding(rule: Rule, outcome: _Eval, knowledge: Knowledge) -> Finding:
    return Finding(rule=rule.id, urgency=rule.tier, title=rule.title, advice=rule.advice,
                   sources=_sources(rule, knowledge), because=outcome.because, medicines=outcome.medicines,
                   unsure=outcome.unsure)


def _unrecognised(facts: Facts, knowledge: Knowledge) -> tuple[UnrecognisedMedicine, ...]:
    meds = (*(facts.medications or ()), *facts.diary_medications)
    names = dict.fromkeys(m.name for m in meds if not match_medicine(knowledge, m.name))
    return tuple(UnrecognisedMedicine(name, suggest_medicines(knowledge, name)) for name in names)


def _most_urgent(tiers: list[str]) -> str | None:
    return min(tiers, key=schema.tier_rank) if tiers else None


def screen(answers: Any, diary_facts: Any = None, knowledge: Knowledge | None = None) -> Result:
    """Screen an answers object (see docs/screening.md), optionally with facts derived from the diary.

    ``diary_facts`` may hold ``long_unrelieved_cramp_nights_ago``, ``share_outside_calf_foot``,
    ``share_daytime`` (0 to 1), ``cramps_began_or_worsened`` (a date the diary shows a clear rise from)
    and ``medications`` (the diary's medicine list, same shape as in the answers). Raises
    ``AnswersError`` on a bad shape.
    """
    knowledge = knowledge or load()
    facts = _with_listed_quinine(parse(answers, diary_facts), knowledge)
    findings: list[Finding] = []
    unanswered: list[Unanswered] = []
    fallback = None
    for rule in knowledge.rules:
        if isinstance(rule.trigger, Otherwise):
            fallback = fallback or rule
            continue
        outcome = _evaluate(rule.trigger, facts, knowledge)
        if outcome.value:
            findings.append(_finding(rule, outcome, knowledge))
        elif outcome.value is None:
            unanswered.append(Unanswered(rule.id, rule.tier, rule.title,
                                         tuple(_question(k, facts) for k in outcome.missing), rule.advice))
    if fallback is not None and not findings and not unanswered:
        findings.append(_finding(fallback, _Eval(True), knowledge))
    return Result(urgency=_most_urgent([f.urgency for f in findings]),
                  unanswered_urgency=_most_urgent([u.urgency for u in unanswered]), findings=tuple(findings),
                  unanswered=tuple(unanswered), unrecognised_medicines=_unrecognised(facts, knowledge))
