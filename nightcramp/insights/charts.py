"""The Insights charts, drawn by matplotlib as inline SVG. No Django.

Each function takes plain numbers and returns a :class:`Chart`: the SVG and a text summary that says the
same in words (for screen readers, and for anyone who would rather read). Lines, text and axes are drawn
in the page's text colour (``currentColor``), so a chart reads on the dark night theme as on the light one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display; and the Figure API below never touches pyplot's global state

from matplotlib.figure import Figure  # noqa: E402

INK = "#010203"  # drawn in this colour, then written as currentColor
ACCENT = "#2f7fd1"  # readable on both themes
WARM = "#d9822b"
BAND = "#2f7fd1"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    summary: str


def _figure(height: float = 2.6) -> Figure:
    fig = Figure(figsize=(4.6, height * 0.8), dpi=100)  # about phone width at 1:1, so the text stays legible
    fig.set_facecolor("none")
    return fig


def _style(ax) -> None:  # type: ignore[no-untyped-def]
    ax.set_facecolor("none")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(INK)
    ax.tick_params(colors=INK, labelsize=9)
    ax.yaxis.label.set_color(INK)
    ax.xaxis.label.set_color(INK)
    ax.grid(axis="y", color=INK, alpha=0.15, linewidth=0.6)


def _svg(fig: Figure, chart_id: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", transparent=True,
                metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="{chart_id}-title" focusable="false" ', text,
                  count=1)
    text = re.sub(r'\swidth="[^"]+"\sheight="[^"]+"', ' width="100%"', text, count=1)
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{chart_id}-{m.group(1)}"', text)
    text = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{chart_id}-{m.group(1)})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{chart_id}-{m.group(1)}"', text)
    return text.replace(INK, "currentColor")


def weekly_cramps(weeks: Sequence[tuple[date, float | None, float | None, float | None]],
                  stretched_share: Sequence[float | None] = ()) -> Chart:
    """Cramps a week (per 7 logged nights), week by week, with a plausible range; ``weeks`` = (first
    night, rate, low, high)."""
    shown = [(d, r, lo, hi) for d, r, lo, hi in weeks if r is not None]
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax)
    if shown:
        days = np.array([d for d, *_ in shown], dtype="datetime64[D]")
        ax.fill_between(days, [lo if lo is not None else r for _, r, lo, _ in shown],
                        [hi if hi is not None else r for _, r, _, hi in shown], color=BAND, alpha=0.18,
                        linewidth=0)
        ax.plot(days, [r for _, r, _, _ in shown], color=ACCENT, linewidth=2, marker="o", markersize=3)
    ax.set_ylabel("cramps a week")
    ax.set_ylim(bottom=0)
    fig.autofmt_xdate()
    if shown:
        worst = max(shown, key=lambda w: w[1] or 0)
        latest = shown[-1]
        summary = (f"{len(shown)} weeks with logged nights, from the week of {shown[0][0]:%-d %B %Y} to "
                   f"the week of {latest[0]:%-d %B %Y}. Most recently {latest[1]:.1f} cramps a week (per 7 "
                   f"logged nights); the worst week (from {worst[0]:%-d %B %Y}) had {worst[1]:.1f}.")
    else:
        summary = "No weeks with logged nights yet."
    return Chart("weekly", "Cramps a week", _svg(fig, "weekly"), summary)


def severity(weeks: Sequence[tuple[date, int | None]]) -> Chart:
    """The worst cramp's pain (0-10), week by week."""
    shown = [(d, s) for d, s in weeks if s is not None]
    fig = _figure(2.2)
    ax = fig.add_subplot()
    _style(ax)
    if shown:
        ax.bar(np.array([d for d, _ in shown], dtype="datetime64[D]"), [s for _, s in shown], width=5,
               color=WARM, alpha=0.85)
    ax.set_ylim(0, 10)
    ax.set_ylabel("worst pain (0-10)")
    fig.autofmt_xdate()
    if shown:
        values = [s for _, s in shown]
        summary = (f"Worst pain by week, over {len(shown)} weeks with a severity logged: from {min(values)} "
                   f"to {max(values)} out of 10, most recently {values[-1]}.")
    else:
        summary = "No severity logged yet."
    return Chart("severity", "Worst pain, week by week", _svg(fig, "severity"), summary)


def by_hour(counts: Sequence[tuple[int, int]]) -> Chart:
    """Cramps by the hour they began, in the night's order (evening first); ``counts`` = (hour, n)."""
    fig = _figure(2.2)
    ax = fig.add_subplot()
    _style(ax)
    labels = [f"{h:02d}" for h, _ in counts]
    ax.bar(range(len(counts)), [n for _, n in counts], color=ACCENT, alpha=0.85)
    ax.set_xticks(range(len(counts)), labels)
    ax.set_ylabel("cramps")
    total = sum(n for _, n in counts)
    if total:
        peak = max(counts, key=lambda c: c[1])
        summary = (f"{total} cramps with a time. Most began in the hour from {peak[0]:02d}:00 "
                   f"({peak[1]} cramps).")
    else:
        summary = "No cramps with a time logged yet."
    return Chart("hours", "When in the night cramps begin", _svg(fig, "hours"), summary)


def seasons(own: Sequence[float | None], population: Sequence[float], own_label: str) -> Chart:
    """Cramps a night by calendar month (the person's, where logged) against the population pattern
    (relative, scaled to the person's mean), both in the person's own calendar."""
    fig = _figure(2.4)
    ax = fig.add_subplot()
    _style(ax)
    known = [v for v in own if v is not None]
    scale = (sum(known) / len(known)) if known else 1.0
    ax.plot(range(12), [p * scale for p in population], color=INK, alpha=0.6, linestyle="--",
            linewidth=1.5, label="population pattern (context)")
    xs = [i for i, v in enumerate(own) if v is not None]
    if xs:
        ax.plot(xs, [v for v in own if v is not None], color=ACCENT, linewidth=2, marker="o", markersize=4,
                label=own_label)
    ax.set_xticks(range(12), MONTHS)
    ax.set_ylabel("cramps a night")
    ax.set_ylim(bottom=0)
    legend = ax.legend(frameon=False, fontsize=8, loc="upper left")
    for text in legend.get_texts():
        text.set_color(INK)
    peak = max(range(12), key=lambda i: population[i])
    mine = ", ".join(f"{MONTHS[i]} {own[i]:.1f}" for i in xs)
    summary = (f"The dashed line is the population pattern, highest in {MONTHS[peak]}: context, not your "
               "data. " + (f"Your months with logged nights: {mine}." if xs
                           else "You have no months with logged nights yet."))
    return Chart("seasons", "Cramps by month", _svg(fig, "seasons"), summary)


def stretching(rate_no: float | None, rate_yes: float | None, nights_no: int, nights_yes: int) -> Chart:
    """Cramps a night on nights without and with the bedtime stretch (raw averages; the model's estimate
    with its uncertainty is said in words next to the chart)."""
    fig = _figure(1.9)
    ax = fig.add_subplot()
    _style(ax)
    labels = [f"no stretch ({nights_no} nights)", f"stretched ({nights_yes} nights)"]
    values = [rate_no or 0.0, rate_yes or 0.0]
    ax.barh([1, 0], values, color=[WARM, ACCENT], alpha=0.9, height=0.6)
    ax.set_yticks([1, 0], labels)
    ax.set_xlabel("cramps a night (plain average)")
    ax.grid(axis="x", color=INK, alpha=0.15, linewidth=0.6)
    ax.grid(axis="y", visible=False)
    if rate_no is not None and rate_yes is not None:
        summary = (f"Plain averages: {rate_no:.2f} cramps a night on {nights_no} nights without the stretch, "
                   f"{rate_yes:.2f} on {nights_yes} nights with it. These raw numbers ignore season and bad "
                   f"spells; the estimate beside this chart allows for them.")
    else:
        summary = "Not enough nights with and without the stretch to compare yet."
    return Chart("stretching", "Nights with and without the stretch", _svg(fig, "stretching"), summary)
