"""Answers builders shared by the screening tests: a fully answered "all no" object and ways to change it."""

from __future__ import annotations

import copy
from typing import Any

from nightcramp.knowledge import schema

BEGAN = "2026-03-01"


def negative_answers() -> dict[str, Any]:
    """Every question answered, every answer "no": nothing to flag."""
    return {
        "age": 70,
        "sex": "female",
        "pregnant": False,
        "symptoms": {name: False for name in schema.SYMPTOMS},
        "conditions": [],
        "medications": [],
        "quinine": {"takes": False, "bleeding_or_bruising": False,
                    "palpitations_fainting_vision_or_hearing": False, "confusion": False,
                    "months_since_last_break": 0},
        "cramps_began_or_worsened": BEGAN,
    }


def build(overrides: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Negative answers with ``overrides`` applied.

    Keys are dotted facts: ``{"symptoms.x": True, "diary.y": 12, "medications": [...]}``.
    """
    answers = copy.deepcopy(negative_answers())
    diary: dict[str, Any] = {}
    for key, value in overrides.items():
        section, _, name = key.partition(".")
        if section == "diary":
            diary[name] = value
        elif section == "conditions":
            kept = [c for c in answers["conditions"] if c != name]
            answers["conditions"] = kept + ([name] if value else [])
        elif name:
            answers[section][name] = value
        else:
            answers[section] = value
    return answers, (diary or None)
