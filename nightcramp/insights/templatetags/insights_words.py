"""Template filters for the Insights page: the sentences of ``nightcramp.insights.words``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import template

from nightcramp.insights import words
from nightcramp.stats import words as number_words

register = template.Library()

register.filter("change_words", words.change_words)
register.filter("percent", words.percent)
register.filter("about_percent", words.about_percent)
register.filter("avoided_words", words.avoided_words)
register.filter("avoided_range", words.avoided_range)
register.filter("share", words.share)
register.filter("stretching_sentence", words.stretching_sentence)
register.filter("build_up_sentence", words.build_up_sentence)
register.filter("factor_sentence", words.factor_sentence)
register.filter("factor_name", words.factor_name)
register.filter("lag_words", words.lag_words)
register.filter("trend_sentence", words.trend_sentence)
register.filter("medicine_sentence", words.medicine_sentence)
register.filter("p_words", number_words.p_words)


@register.filter
def plural(number: int, noun: str) -> str:
    """``{{ n|plural:"night" }}``: "1 night", "2 nights" (``nightcramp.stats.words``)."""
    return number_words.plural(number, noun)


@register.filter
def season_sentence(season: Mapping[str, Any], months: Sequence[str]) -> str:
    return words.season_sentence(season, months)


@register.filter
def month_name(months: Sequence[str], number: int | None) -> str:
    return words.month_name(months, number)


@register.filter
def isodate(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
