"""The questions worth asking a doctor (``report_questions.toml``): loaded, validated and matched. No Django.

Each question says, in the person's voice and our own words, something worth asking at the appointment,
when it applies (a small condition language, documented at the top of the TOML file) and the sources
behind it. ``load_questions()`` reads the files shipped in this package once and caches the result;
``load_questions_from(directory)`` reads ``report_questions.toml`` with ``bibliography.toml``,
``screening_rules.toml`` and ``medicines.toml`` from any directory (tests use it on broken copies). Every
problem raises :class:`KnowledgeError` naming the file, the question and the field.
:func:`applicable` picks the questions that apply to one report's :class:`QuestionFacts`, in file order.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nightcramp.knowledge import schema
from nightcramp.knowledge.loader import (
    HERE,
    KnowledgeError,
    Source,
    _check_sources,
    _entries,
    _Entry,
    _read,
    _unique,
    load_from,
)

FILENAME = "report_questions.toml"
MAX_TEXT = 200
"""Characters a question may have: the report prints each one on a line or two."""
VERDICTS = ("helps", "no_clear_effect", "worse", "not_enough_data")
CONDITIONS = ("always", "finding", "tier_at_least", "medicine_linked", "medicine_rose", "quinine",
              "cramps_per_week_at_least", "stretching")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Condition:
    """One ``when`` entry: ``kind`` is one of :data:`CONDITIONS`; ``value`` its argument (rule ids or
    verdicts as a tuple, a tier, a number; ``True`` for the yes/no kinds and for "always")."""

    kind: str
    value: Any


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    when: tuple[Condition, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Questions:
    questions: tuple[Question, ...]
    sources: dict[str, Source]


@dataclass(frozen=True)
class QuestionFacts:
    """What the conditions read from one report (see the header of ``report_questions.toml``)."""

    findings: frozenset[str] = frozenset()
    """Ids of the screening rules that fired (health check or diary notice)."""
    tiers: frozenset[str] = frozenset()
    """The tiers of those findings."""
    medicine_linked: bool = False
    medicine_rose: bool = False
    quinine: bool = False
    cramps_per_week: float | None = None
    stretching: str | None = None
    """The stretching verdict, or None when no night was stretched."""


def holds(condition: Condition, facts: QuestionFacts) -> bool:
    kind, value = condition.kind, condition.value
    if kind == "always":
        return True
    if kind == "finding":
        return bool(facts.findings & set(value))
    if kind == "tier_at_least":
        return any(schema.tier_rank(t) <= schema.tier_rank(value) for t in facts.tiers)
    if kind in ("medicine_linked", "medicine_rose", "quinine"):
        return bool(getattr(facts, kind))
    if kind == "cramps_per_week_at_least":
        return facts.cramps_per_week is not None and facts.cramps_per_week >= value
    if kind == "stretching":
        return facts.stretching in value
    raise ValueError(f"unknown condition {kind!r}")


def applicable(questions: Questions, facts: QuestionFacts) -> tuple[Question, ...]:
    """The questions that apply, in the file's order (its order of importance)."""
    return tuple(q for q in questions.questions if any(holds(c, facts) for c in q.when))


# ---- reading --------------------------------------------------------------------------------------

def _condition(entry: _Entry, raw: Any, rules: set[str]) -> Condition:
    if raw == "always":
        return Condition("always", True)
    if not isinstance(raw, dict) or len(raw) != 1:
        raise entry.fail("when", f"expected \"always\" or a table with one key, got {raw!r}")
    (kind, value), = raw.items()
    if kind not in CONDITIONS or kind == "always":
        raise entry.fail("when", f"unknown condition {kind!r} (allowed: {', '.join(CONDITIONS)})")
    if kind == "finding":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise entry.fail("when", "finding needs a non-empty list of screening rule ids")
        for rule in value:
            if rule not in rules:
                raise entry.fail("when", f"unknown screening rule {rule!r} (not in screening_rules.toml)")
        return Condition(kind, tuple(value))
    if kind == "tier_at_least":
        if value not in schema.TIERS:
            raise entry.fail("when", f"tier {value!r} is not one of {', '.join(schema.TIERS)}")
        return Condition(kind, value)
    if kind == "cramps_per_week_at_least":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise entry.fail("when", "cramps_per_week_at_least needs a positive number")
        return Condition(kind, float(value))
    if kind == "stretching":
        if not isinstance(value, list) or not value or not all(v in VERDICTS for v in value):
            raise entry.fail("when", f"stretching needs a list of verdicts from {', '.join(VERDICTS)}")
        return Condition(kind, tuple(value))
    if value is not True:
        raise entry.fail("when", f"{kind} can only be true")
    return Condition(kind, True)


def _question(entry: _Entry, sources: dict[str, Source], rules: set[str]) -> Question:
    entry.check_fields({"id", "text", "when", "sources"})
    ident = entry.text("id")
    if not _ID.match(ident):
        raise entry.fail("id", "must be lowercase letters, digits and underscores")
    text = " ".join(entry.text("text").split())
    if len(text) > MAX_TEXT:
        raise entry.fail("text", f"is {len(text)} characters; at most {MAX_TEXT} fit the report")
    when = entry.raw.get("when")
    if not isinstance(when, list) or not when:
        raise entry.fail("when", "needs a non-empty list of conditions")
    ids = entry.texts("sources")
    if len(set(ids)) != len(ids):
        raise entry.fail("sources", "lists the same source twice")
    _check_sources(entry, ids, sources)
    return Question(id=ident, text=text, when=tuple(_condition(entry, c, rules) for c in when), sources=ids)


def load_questions_from(directory: Path) -> Questions:
    """Read and validate ``report_questions.toml`` against the other knowledge files in ``directory``."""
    knowledge = load_from(directory)
    data = _read(directory, FILENAME)
    extra = sorted(set(data) - {"question"})
    if extra:
        raise KnowledgeError(f"{FILENAME}: unknown top-level table {extra[0]!r} (allowed: question)")
    rules = {r.id for r in knowledge.rules}
    questions = [_question(_Entry(FILENAME, "question", raw, i), knowledge.sources, rules)
                 for i, raw in enumerate(_entries(data, FILENAME, "question"))]
    _unique(questions, "id", FILENAME, "question")
    return Questions(questions=tuple(questions), sources=knowledge.sources)


@functools.cache
def load_questions() -> Questions:
    """The questions shipped with nightcramp, validated once per process."""
    return load_questions_from(HERE)
