"""The screening answers vocabulary: every key a rule may test, its kind and the question behind it.

This is the single list that the answers validator (``nightcramp.screening.answers``), the rule loader
(trigger keys must be known) and the documentation table (triggers in words) all read. No Django.
"""

from __future__ import annotations

from typing import Final, Literal

Kind = Literal["bool", "number", "date", "choice"]

TIERS: Final = ("emergency", "same_day", "soon", "routine", "self_care")
"""Urgency tiers, most urgent first. A lower index is more urgent."""

NOT_SURE: Final = "not_sure"
"""The answer to a yes/no question that the person is not sure of. It is never read as "no": a rule it
could make fire is a *possible* finding (see docs/screening.md), so a warning sign answered "not sure"
counts as fully as a "yes" towards how soon to act."""

TIER_WORDS: Final = {
    "emergency": "call the emergency number now",
    "same_day": "get medical advice today",
    "soon": "see a doctor within about two weeks",
    "routine": "mention it at a routine appointment",
    "self_care": "self-care and the bedtime routine",
}

SYMPTOMS: Final = {
    "cramp_over_10_min_despite_stretching":
        "a cramp lasting more than 10 minutes that stretching does not ease",
    "calf_swelling_warmth_or_redness": "a calf that is swollen, warm or red",
    "breathless_or_chest_pain": "sudden breathlessness or chest pain",
    "muscle_weakness_or_wasting": "muscles getting weaker or smaller",
    "muscle_twitching": "muscle twitching",
    "numbness_or_tingling": "numbness or tingling in the legs",
    "calf_pain_walking_eased_by_rest": "calf pain on walking that eases with rest",
    "urge_to_move_eased_by_moving": "an urge to move the legs that eases by moving",
    "cramps_in_other_muscles_or_by_day": "cramps in other muscles or during the day",
    "dirty_wound_or_toxin_exposure": "a dirty wound or contact with toxins such as lead or mercury",
    "sleep_disrupted_often": "cramps that often disturb sleep",
}

CONDITIONS: Final = {
    "kidney_disease": "kidney disease",
    "dialysis": "dialysis",
    "cirrhosis": "cirrhosis of the liver",
    "thyroid_disease": "thyroid disease",
    "diabetes": "diabetes",
    "peripheral_arterial_disease": "peripheral arterial disease (poor leg circulation)",
    "recent_surgery_or_immobility": "recent surgery or a long time unable to move much",
    "clot_history": "a blood clot in the past",
}

QUININE: Final[dict[str, tuple[Kind, str]]] = {
    "takes": ("bool", "taking quinine"),
    "bleeding_or_bruising": ("bool", "unexplained bleeding or bruising while taking quinine"),
    "palpitations_fainting_vision_or_hearing": (
        "bool", "palpitations, fainting, or changes in vision or hearing while taking quinine"),
    "confusion": ("bool", "confusion while taking quinine"),
    "months_since_last_break": ("number", "months of quinine since the last break"),
}

SEXES: Final = ("female", "male", "other")

DIARY: Final[dict[str, tuple[Kind, str]]] = {
    "long_unrelieved_cramp_nights_ago": (
        "number", "nights since a cramp in the diary lasted more than 10 minutes and did not ease with "
                  "stretching or walking (0 is tonight)"),
    "share_outside_calf_foot": ("number", "the share of logged cramps outside the calf and foot"),
    "share_daytime": ("number", "the share of logged cramps during the day"),
    "clear_rise_ratio": ("number", "a clear rise in cramps a night in the diary, recent over earlier"),
}
"""Observations the diary layer can pass to ``screen(..., diary_facts=...)`` as ``diary.<name>``."""


def _answer_keys() -> dict[str, tuple[Kind, str]]:
    keys: dict[str, tuple[Kind, str]] = {
        "age": ("number", "age"),
        "sex": ("choice", "sex"),
        "pregnant": ("bool", "being pregnant"),
        "cramps_began_or_worsened": ("date", "when the cramps began or got worse"),
    }
    keys.update({f"symptoms.{k}": ("bool", v) for k, v in SYMPTOMS.items()})
    keys.update({f"conditions.{k}": ("bool", v) for k, v in CONDITIONS.items()})
    keys.update({f"quinine.{k}": v for k, v in QUININE.items()})
    keys.update({f"diary.{k}": v for k, v in DIARY.items()})
    return keys


KEYS: Final = _answer_keys()
"""Every fact a trigger may name, as ``dotted.path -> (kind, plain words)``."""


def label(key: str) -> str:
    """The plain words for a fact key (``symptoms.muscle_twitching`` -> ``muscle twitching``)."""
    return KEYS[key][1]


def tier_rank(tier: str) -> int:
    """0 for the most urgent tier; larger is less urgent."""
    return TIERS.index(tier)
