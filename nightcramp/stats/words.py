"""Numbers in words for people, shared by every page, the PDF and ``nightcramp analyze``. Pure Python (no
numpy, no Django), so a page can import it without loading the statistics."""

from __future__ import annotations

import math


def plural(number: int | float, noun: str, many: str | None = None) -> str:
    """"1 night", "2 nights", "0 nights"; ``many`` for an irregular plural."""
    one = number == 1
    shown_number = f"{number:g}" if isinstance(number, float) else str(number)
    return f"{shown_number} {noun if one else (many or noun + 's')}"


def p_words(p: float | None) -> str:
    """A p-value for people: how likely chance is, in words, with the figure in the usual notation
    ("very unlikely to be chance, p < 0.001"); "" when not known."""
    if p is None or not math.isfinite(p):
        return ""
    if p < 0.001:
        return "very unlikely to be chance, p < 0.001"
    figure = f"p = {p:.3f}" if p < 0.05 else f"p = {p:.2f}"
    if p < 0.05:
        return f"unlikely to be chance, {figure}"
    return f"could well be chance, {figure}"
