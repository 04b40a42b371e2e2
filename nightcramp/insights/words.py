"""The Insights page's sentences: numbers in plain words, always with how sure they are. No Django.

Rules (docs/analysis.md): an observational estimate is "suggestive", never proof; a factor "goes with
more cramps in your data", never "causes"; when a verdict is withheld, say so and how many more nights.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nightcramp.stats.words import plural

FACTOR_NAMES = {"sitting_hours": "hours sitting", "exercise_minutes": "minutes of exercise",
                "alcohol_units": "units of alcohol"}


def change_words(ratio: float | None) -> str:
    """A rate ratio as a change: 0.7 -> "30% fewer", 1.25 -> "25% more", 1.0 -> "no change"."""
    if ratio is None:
        return "not known"
    percent = round((ratio - 1) * 100)
    if percent == 0:
        return "about the same"
    return f"{abs(percent)}% {'more' if percent > 0 else 'fewer'}"


def percent(share: float | None) -> str:
    """A share as a percentage; never a false certainty of 0% or 100%."""
    if share is None:
        return "not known"
    if share > 0.99:
        return "more than 99%"
    if share < 0.01:
        return "less than 1%"
    return f"{round(share * 100)}%"


def about_percent(share: float | None) -> str:
    """A probability in words: "about 42%", but "more than 99%" (never "about more than 99%")."""
    words = percent(share)
    return words if share is None or share > 0.99 or share < 0.01 else f"about {words}"


def avoided_words(value: float | None) -> str:
    """Cramps avoided a month: "about 16.4", or "none: about 2.1 more" when stretching went with more."""
    if value is None:
        return "not known yet"
    if round(value, 1) == 0:
        return "about none"
    return f"about {value:.1f}" if value > 0 else f"none: about {-value:.1f} more"


def avoided_range(ci: Sequence[float] | None) -> str:
    """The interval of cramps avoided a month, both ends in words: "3.5 more to 28.0 fewer"."""
    if not ci:
        return ""

    def end(value: float) -> str:
        return f"{value:.1f} fewer" if value >= 0 else f"{-value:.1f} more"

    return f"{end(ci[0])} to {end(ci[1])}"


def share(value: float | None) -> str:
    """A plain share of nights (not a probability): 1.0 is "100%"."""
    return "not known" if value is None else f"{round(value * 100)}%"


def stretching_sentence(s: Mapping[str, Any]) -> str:
    verdict = s.get("verdict")
    ratio, ci = s.get("rate_ratio"), s.get("ci95")
    hedge = "" if s.get("design") == "randomised" else " (suggestive)"
    if verdict == "helps" and ci:
        return (f"Stretching goes with {change_words(ratio)} cramps{hedge}; even the cautious end of the "
                f"range is {change_words(ci[1])}.")
    if verdict == "worse" and ci:
        return (f"Nights with the stretch had {change_words(ratio)} cramps{hedge}, more than chance would "
                "give.")
    if verdict == "no_clear_effect":
        return ("No clear effect yet: the plausible range still includes no change"
                + (f" (from {change_words(ci[0])} to {change_words(ci[1])})." if ci else "."))
    needed = s.get("nights_needed")
    return "Not enough nights to tell yet" + (f": about {plural(needed, 'more night')} would settle it."
                                              if needed else ".")


def build_up_sentence(s: Mapping[str, Any]) -> str:
    """The randomised result allowing for a build-up over nights, beside the plain one."""
    b = s.get("build_up") or {}
    ratio, ci, nights = b.get("rate_ratio"), b.get("ci95"), b.get("build_up_nights")
    if ratio is None or not ci:
        return "Not enough nights yet to check whether the effect builds up over nights."
    speed = ""
    if nights is not None and nights < 1:
        speed = "; the fit suggests it works from the first night"
    elif nights is not None:
        whole = max(1, round(nights))
        speed = f"; the fit suggests it takes about {plural(whole, 'night')} to build up"
    return (f"If stretching takes a few nights to work and a few to wear off, stretching every night "
            f"goes with {change_words(ratio)} cramps (plausible range: {change_words(ci[0])} to "
            f"{change_words(ci[1])}){speed}. This range is wider because the speed of the build-up is "
            "estimated too.")


def month_name(months: Sequence[str], number: int | None) -> str:
    return months[number - 1] if number else "not known"


def season_sentence(season: Mapping[str, Any], months: Sequence[str]) -> str:
    verdict = season.get("verdict")
    if verdict == "seasonal":
        ratio = season.get("peak_to_trough")
        return (f"Yes: your cramps peak around {month_name(months, season.get('peak_month'))}, about "
                f"{ratio:.1f} times as many at the peak as at the low point." if ratio else
                f"Yes: your cramps peak around {month_name(months, season.get('peak_month'))}.")
    if verdict == "no_clear_pattern":
        return "No clear seasonal pattern in your diary so far."
    return ("It takes at least a year of logging to see your own seasons; until then, see the population "
            "pattern.")


def factor_name(name: str) -> str:
    return FACTOR_NAMES.get(name, name.replace("_", " "))


def lag_words(lag: int) -> str:
    return {0: "the same day", 1: "the day before", 2: "two days before"}.get(lag, f"{lag} days before")


def factor_sentence(f: Mapping[str, Any]) -> str:
    """A flagged factor: what goes with what, in the person's data. Never "causes"."""
    ratio = f.get("rate_ratio")
    direction = "more" if (ratio or 1) > 1 else "fewer"
    step = ("for a typical step up (one standard deviation)" if f.get("scale") == "per_sd"
            else "on nights with it")
    return (f"{factor_name(f['name']).capitalize()} ({lag_words(f['lag'])}) goes with {direction} cramps in "
            f"your data: {change_words(ratio)} cramps {step}.")


def trend_sentence(t: Mapping[str, Any]) -> str:
    ratio, ci = t.get("rate_ratio_per_year"), t.get("rate_ratio_per_year_ci95")
    if ratio is None or not ci:
        return "Not enough nights yet to see where your cramps are going."
    if ci[0] > 1 or ci[1] < 1:
        return (f"Allowing for the seasons, your cramps are changing by about {change_words(ratio)} a year "
                f"(plausible range {change_words(ci[0])} to {change_words(ci[1])}).")
    return ("No clear rise or fall beyond the seasons so far "
            f"(plausible range {change_words(ci[0])} to {change_words(ci[1])} a year).")


def medicine_sentence(item: Mapping[str, Any]) -> str:
    """A medicine period checked against the nights without it, in the person's data; never "causes",
    and never a hint to stop a prescribed medicine."""
    name = item["medicine"]
    if item.get("skipped"):
        return f"{name}: not enough nights on and off it to compare yet."
    ratio, ci = item.get("rate_ratio"), item.get("ci95")
    if item.get("flagged"):
        direction = "more" if (ratio or 1) > 1 else "fewer"
        return (f"Nights while taking {name} go with {direction} cramps in your data: {change_words(ratio)}"
                + (f" (plausible range {change_words(ci[0])} to {change_words(ci[1])})." if ci else ".")
                + (" Worth mentioning to your doctor or pharmacist; do not stop or change a prescribed "
                   "medicine on your own." if direction == "more" else ""))
    return (f"{name}: no clear difference between nights on and off it"
            + (f" (plausible range {change_words(ci[0])} to {change_words(ci[1])})." if ci else "."))
