"""What a medicine typed into the diary was recognised as, for the medicines page.

``{% recognise_medicine m.name as seen %}`` gives ``seen.recognised`` ("Recognised as furosemide, a loop
diuretic (water tablet)", or "") and ``seen.question`` ("Did you mean Lasix (furosemide)?", or "").
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from nightcramp.knowledge import load, recognised_as, suggest_medicines

register = template.Library()


@dataclass(frozen=True)
class Recognition:
    recognised: str
    suggestions: tuple[str, ...]

    @property
    def question(self) -> str:
        if not self.suggestions:
            return ""
        *first, last = self.suggestions
        return f"Did you mean {', '.join(first) + ' or ' if first else ''}{last}?"


@register.simple_tag
def recognise_medicine(name: str) -> Recognition:
    knowledge = load()
    recognised = recognised_as(knowledge, name)
    return Recognition(recognised, () if recognised else suggest_medicines(knowledge, name))
