"""A health-check result arranged for people: each thing said once, "not sure" answers first.

Used by the result page, the list of earlier checks and Tonight's notice of an urgent result.
"""

from __future__ import annotations

from dataclasses import dataclass

from nightcramp.knowledge import schema
from nightcramp.screening.engine import Finding, Result, Unanswered
from nightcramp.screening.forms import SYMPTOM_QUESTIONS, QuestionnaireForm

HEADLINES = {
    "emergency": "Call the emergency number now",  # the advice below names the number (places.fill)
    "same_day": "Get medical advice today",
    "soon": "See a doctor within about two weeks",
    "routine": "Mention it at your next routine appointment",
    "self_care": "Nothing points elsewhere: self-care and the bedtime stretches",
}


def tier_label(tier: str) -> str:
    return HEADLINES[tier]


def because_words(keys: tuple[str, ...]) -> list[str]:
    """The answers behind a finding in plain words; medicine names stay as typed."""
    return [schema.label(k) if k in schema.KEYS else k for k in keys]


@dataclass
class ShownFinding:
    finding: Finding
    label: str | None
    """How soon, in words, on the card; None when the verdict right above it says the same."""
    advice: str
    """The rule's advice, less a first sentence that only repeats how soon (the label or verdict says it)."""
    because: list[str]
    unsure: list[str]
    """The questions behind it that were answered "not sure", in plain words (empty: a definite finding)."""
    checks: list[str]
    """Those questions as the questionnaire asked them: what to check."""


@dataclass
class OpenCheck:
    item: Unanswered
    label: str


@dataclass
class Shown:
    """A result arranged for the page: each thing said once, "not sure" answers first."""

    result: Result
    headline: str | None
    headline_tier: str | None
    findings: list[ShownFinding]
    """Every finding: first the warning signs answered "not sure" (to check now), then the rest, each part
    most urgent first."""
    open_urgent: list[OpenCheck]
    """Questions left open that could point to something more urgent than anything found."""
    open_other: list[OpenCheck]

    @property
    def check_first(self) -> list[ShownFinding]:
        """Warning signs answered "not sure": what to check now, listed before anything else."""
        return [f for f in self.findings if check_first(f.finding)]

    @property
    def rest(self) -> list[ShownFinding]:
        return [f for f in self.findings if not check_first(f.finding)]


WARNING_TIERS = ("emergency", "same_day", "soon")
"""A warning sign: a finding that needs a doctor sooner than a routine appointment."""


def check_first(finding: Finding) -> bool:
    return bool(finding.unsure) and finding.urgency in WARNING_TIERS


def question_for(key: str) -> str:
    """The question behind an answers key, as the questionnaire asks it."""
    section, _, name = key.partition(".")
    if section == "symptoms" and name in SYMPTOM_QUESTIONS:
        return SYMPTOM_QUESTIONS[name]
    field = QuestionnaireForm.base_fields.get(f"{section}_{name}" if name else section)
    if field is not None and field.label:
        return str(field.label)
    return schema.label(key)[0].upper() + schema.label(key)[1:] if key in schema.KEYS else key


def without_tier_sentence(advice: str, tier: str) -> str:
    """The advice without a first sentence that is only the tier's headline ("Get medical advice today.")."""
    head, dot, rest = advice.partition(". ")
    if dot and head.strip().rstrip(".").lower() == HEADLINES[tier].lower() and rest:
        return rest
    return advice


def arrange(result: Result) -> Shown:
    by_tier = sorted(result.findings, key=lambda f: schema.tier_rank(f.urgency))
    ordered = [f for f in by_tier if check_first(f)] + [f for f in by_tier if not check_first(f)]
    confirmed = result.urgency
    limit = schema.tier_rank(confirmed) if confirmed else len(schema.TIERS)
    open_items = sorted(result.unanswered, key=lambda u: schema.tier_rank(u.urgency))
    shown = []
    for place, f in enumerate(ordered):
        if f.unsure:
            label: str | None = f"Not sure: if it applies, or you cannot tell, {schema.TIER_WORDS[f.urgency]}"
        elif place == 0 and f.urgency == confirmed:
            label = None  # the verdict just above says how soon
        else:
            label = tier_label(f.urgency)
        shown.append(ShownFinding(
            f, label, without_tier_sentence(f.advice, f.urgency),
            because_words(tuple(k for k in f.because if k not in f.unsure)), because_words(f.unsure),
            [question_for(k) for k in f.unsure]))
    return Shown(
        result=result,
        headline=tier_label(confirmed) if confirmed else None,
        headline_tier=confirmed,
        findings=shown,
        open_urgent=[OpenCheck(u, tier_label(u.urgency)) for u in open_items
                     if schema.tier_rank(u.urgency) < limit],
        open_other=[OpenCheck(u, tier_label(u.urgency)) for u in open_items
                    if schema.tier_rank(u.urgency) >= limit],
    )
