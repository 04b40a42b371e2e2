"""Check a screening answers object (and optional diary facts) and turn it into flat facts for the rules.

The shape is documented in docs/screening.md. A key that is absent, or null, means "not answered"; it is
never read as "no". Wrong types and unknown keys raise :class:`AnswersError` naming the key path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nightcramp.knowledge import schema

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TOP_KEYS = ("age", "sex", "pregnant", "symptoms", "conditions", "medications", "quinine",
            "cramps_began_or_worsened")
DIARY_KEYS = (*schema.DIARY, "cramps_began_or_worsened", "medications")


class AnswersError(ValueError):
    """The answers object does not have the documented shape; ``path`` names the offending key."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass(frozen=True)
class MedicationAnswer:
    name: str
    started: date | None
    """None: not answered or not known."""
    path: str
    """Where it came from, e.g. ``medications[0]`` or ``diary_facts.medications[2]``."""


@dataclass(frozen=True)
class Facts:
    values: dict[str, Any]
    """Answered questions by dotted key (``symptoms.muscle_twitching``); absent or None: not answered;
    ``"not_sure"`` (:data:`schema.NOT_SURE`): answered, but the person is not sure."""
    medications: tuple[MedicationAnswer, ...] | None
    """None when the medicines question was not answered."""
    diary: dict[str, float] = field(default_factory=dict)
    diary_medications: tuple[MedicationAnswer, ...] = ()
    diary_began: date | None = None
    reported_as: dict[str, str] = field(default_factory=dict)
    """A fact that is open because of another, open answer: report that answer instead."""


def _check_keys(obj: Any, path: str, allowed: tuple[str, ...] | dict[str, Any]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise AnswersError(path, f"expected an object, got {_kind(obj)}")
    for key in obj:
        if key not in allowed:
            raise AnswersError(f"{path}.{key}", f"unknown key (expected one of: {', '.join(allowed)})")
    return obj


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return type(value).__name__.replace("dict", "object").replace("list", "array")


def _bool(value: Any, path: str) -> bool | str | None:
    """True, False, ``"not_sure"`` (kept as it is: never read as "no") or None (not answered)."""
    if value is not None and not isinstance(value, bool) and value != schema.NOT_SURE:
        raise AnswersError(path, f"expected true, false, \"{schema.NOT_SURE}\" or null, got {value!r}")
    return value


def _number(value: Any, path: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise AnswersError(path, f"expected a number from {low:g} to {high:g} or null, got {value!r}")
    return float(value)


def _date(value: Any, path: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise AnswersError(path, f"expected a date YYYY-MM-DD or null, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AnswersError(path, f"not a real date: {value!r}") from None


def _medications(value: Any, path: str) -> tuple[MedicationAnswer, ...]:
    if not isinstance(value, list):
        raise AnswersError(path, f"expected an array, got {_kind(value)}")
    meds = []
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        _check_keys(item, where, ("name", "started"))
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise AnswersError(f"{where}.name", "expected the medicine's name (a non-empty string)")
        meds.append(MedicationAnswer(name.strip(), _date(item.get("started"), f"{where}.started"), where))
    return tuple(meds)


def _conditions(value: Any, path: str) -> dict[str, bool]:
    if not isinstance(value, list):
        raise AnswersError(path, f"expected an array, got {_kind(value)}")
    for i, item in enumerate(value):
        if item not in schema.CONDITIONS:
            raise AnswersError(f"{path}[{i}]", f"unknown condition {item!r} "
                                               f"(expected one of: {', '.join(schema.CONDITIONS)})")
    return {f"conditions.{c}": c in value for c in schema.CONDITIONS}


def _section(obj: dict[str, Any], name: str, spec: dict[str, Any], values: dict[str, Any]) -> None:
    if name not in obj or obj[name] is None:
        return
    section = _check_keys(obj[name], f"answers.{name}", spec)
    for key, raw in section.items():
        path = f"answers.{name}.{key}"
        kind = schema.KEYS[f"{name}.{key}"][0]
        values[f"{name}.{key}"] = _bool(raw, path) if kind == "bool" else _number(raw, path, 0, 1200)


def _top_values(obj: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "age" in obj:
        age = _number(obj["age"], "answers.age", 0, 130)
        if age is not None and age != int(age):
            raise AnswersError("answers.age", f"expected whole years, got {obj['age']!r}")
        values["age"] = age
    if "sex" in obj:
        if obj["sex"] is not None and obj["sex"] not in schema.SEXES:
            raise AnswersError("answers.sex", f"expected one of {', '.join(schema.SEXES)} or null, "
                                              f"got {obj['sex']!r}")
        values["sex"] = obj["sex"]
    if "pregnant" in obj:
        values["pregnant"] = _bool(obj["pregnant"], "answers.pregnant")
    if "cramps_began_or_worsened" in obj:
        values["cramps_began_or_worsened"] = _date(obj["cramps_began_or_worsened"],
                                                   "answers.cramps_began_or_worsened")
    if obj.get("conditions") is not None:
        values.update(_conditions(obj["conditions"], "answers.conditions"))
    return values


def _diary(raw: Any) -> tuple[dict[str, float], tuple[MedicationAnswer, ...], date | None]:
    if raw is None:
        return {}, (), None
    obj = _check_keys(raw, "diary_facts", DIARY_KEYS)
    numbers: dict[str, float] = {}
    for key in schema.DIARY:
        high = 1.0 if key.startswith("share_") else 1e6
        value = _number(obj.get(key), f"diary_facts.{key}", 0, high)
        if value is not None:
            numbers[f"diary.{key}"] = value
    meds = _medications(obj["medications"], "diary_facts.medications") if "medications" in obj else ()
    return numbers, meds, _date(obj.get("cramps_began_or_worsened"), "diary_facts.cramps_began_or_worsened")


def parse(answers: Any, diary_facts: Any = None) -> Facts:
    """Validate ``answers`` (and ``diary_facts``) and return the facts the rules read."""
    obj = _check_keys(answers, "answers", TOP_KEYS)
    values = _top_values(obj)
    _section(obj, "symptoms", schema.SYMPTOMS, values)
    _section(obj, "quinine", schema.QUININE, values)
    meds = None
    if obj.get("medications") is not None:
        meds = _medications(obj["medications"], "answers.medications")
    numbers, diary_meds, diary_began = _diary(diary_facts)
    return Facts(values=values, medications=meds, diary=numbers, diary_medications=diary_meds,
                 diary_began=diary_began)
