"""Words that depend on where the person lives, as placeholders in the knowledge texts. No Django.

Advice and Learn texts never name one country's numbers or services. Where they need them they write a
placeholder, and :func:`fill` puts in the words for the person's place:

``{emergency_number}``
    how to reach emergency help ("your local emergency number" when we hold no data for the place);
``{out_of_hours}``
    where to get urgent advice when the person's own doctor is closed ("your doctor's out-of-hours
    service" when we hold no data).

The defaults are the generic lines the project's evidence file asks for where a country is not listed
(evidence section 13). Country data, when it comes, passes its own words to :func:`fill`; the loaders
keep each raw text beside the filled one so that nothing has to be parsed twice.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Final

DEFAULT_WORDS: Final = {
    "emergency_number": "your local emergency number",
    "out_of_hours": "your doctor's out-of-hours service",
}
"""The words used when nothing is known of the person's place."""

PLACEHOLDERS: Final = frozenset(DEFAULT_WORDS)


def placeholders(text: str) -> set[str]:
    """The placeholder names a text uses (raises ``ValueError`` on a malformed brace)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def unknown_placeholders(text: str) -> list[str]:
    """Placeholders the text uses that :func:`fill` cannot fill, or ``["{"]`` for a malformed brace."""
    try:
        return sorted(placeholders(text) - PLACEHOLDERS)
    except ValueError:
        return ["{"]


def problem(text: str) -> str:
    """What is wrong with a text's placeholders, in words for the person editing the data ("" if nothing)."""
    unknown = unknown_placeholders(text)
    if not unknown:
        return ""
    what = "a lone brace" if unknown == ["{"] else f"unknown placeholder {unknown[0]!r}"
    known = ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS))
    return f"{what} (known: {known}; write a brace itself as {{{{ or }}}})"


def fill(text: str, words: Mapping[str, str] | None = None) -> str:
    """The text with each placeholder replaced by the place's words (the defaults for what is not given)."""
    return text.format_map({**DEFAULT_WORDS, **(words or {})})
