"""The Insights charts, drawn by matplotlib as inline SVG. No Django.

Each function takes plain numbers and returns a :class:`Chart`: the SVG and a text summary that says the
same in words (for screen readers, and for anyone who would rather read). With fewer nights than a chart
needs (the rules of ``nightcramp.stats.weeks``) there is no SVG, only a sentence saying so; axes span the
data drawn, never matplotlib's default margin around a lone point. Lines, text and axes are drawn
in the page's text colour (``currentColor``), so a chart reads on the dark night theme as on the light one.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
import numpy as np

matplotlib.use("Agg")  # no display; and the Figure API below never touches pyplot's global state

import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from nightcramp.stats.weeks import (  # noqa: E402
    MIN_CHART_WEEKS,
    MIN_COMPARE_NIGHTS,
    MIN_LOGGED,
    Week,
    left_out_words,
    plural,
    rate_words,
    shown,
    too_few_words,
)

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
    """"" when there is too little to draw: ``summary`` then says so."""
    summary: str
    limits: tuple[tuple[float, float], tuple[float, float]] | None = None
    """The x and y limits of the chart's axes as drawn (dates as matplotlib day numbers); None undrawn."""

    @property
    def drawn(self) -> bool:
        return bool(self.svg)


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


def _chart(fig: Figure, chart_id: str, title: str, summary: str) -> Chart:
    ax = fig.axes[0]
    x, y = ax.get_xlim(), ax.get_ylim()
    return Chart(chart_id, title, _svg(fig, chart_id), summary,
                 ((float(x[0]), float(x[1])), (float(y[0]), float(y[1]))))


def _none(chart_id: str, title: str, sentence: str) -> Chart:
    """No chart: too little to draw, said in one plain sentence instead."""
    return Chart(chart_id, title, "", sentence)


def _date_axis(ax, first: date, last: date) -> None:  # type: ignore[no-untyped-def]
    """An x axis of dates that spans exactly the weeks drawn (first night to the last week's end)."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last + timedelta(days=1), "D"))


def _drawn_span(weeks: Sequence[Week]) -> tuple[Week, ...]:
    """The weeks from the first to the last that counts (those between that do not count are gaps)."""
    drawn = [i for i, w in enumerate(weeks) if w.counts]
    return tuple(weeks[drawn[0]:drawn[-1] + 1]) if drawn else ()


def weekly_cramps(weeks: Sequence[Week]) -> Chart:
    """Cramps a week (per 7 logged nights) for the weeks that count (``nightcramp.stats.weeks``), with an
    exact Poisson range; a week that does not count is a gap, never a point, and a partial week at the end
    is left out and said so. Fewer than two weeks that count: a sentence instead of a chart."""
    title = "Cramps a week"
    drawn = shown(weeks)
    if len(drawn) < MIN_CHART_WEEKS:
        return _none("weekly", title, too_few_words(weeks))
    span = _drawn_span(weeks)
    mid = np.array([np.datetime64(w.start, "D") + np.timedelta64(12, "h") * 7 for w in span])
    rates = np.array([w.rate if w.counts else np.nan for w in span], dtype=float)
    low = np.array([w.ci95[0] if w.ci95 else np.nan for w in span], dtype=float)
    high = np.array([w.ci95[1] if w.ci95 else np.nan for w in span], dtype=float)
    fig = _figure()
    ax = fig.add_subplot()
    _style(ax)
    ax.fill_between(mid, low, high, color=BAND, alpha=0.18, linewidth=0)
    ax.plot(mid, rates, color=ACCENT, linewidth=2, marker="o", markersize=3)
    ax.set_ylabel("cramps a week")
    ax.set_ylim(0, max(1.0, float(np.nanmax(high))) * 1.05)
    _date_axis(ax, span[0].start, span[-1].end)
    worst = max(drawn, key=lambda w: w.rate)
    latest = drawn[-1]
    summary = (f"{plural(len(drawn), 'week')} with at least {MIN_LOGGED} nights logged, from the week of "
               f"{drawn[0].start:%-d %B %Y} to the week of {latest.start:%-d %B %Y}. Most recently "
               f"{rate_words(latest.rate)} cramps a week (per 7 logged nights); the worst week (from "
               f"{worst.start:%-d %B %Y}) had {rate_words(worst.rate)}.")
    note = left_out_words(weeks)
    return _chart(fig, "weekly", title, f"{summary} {note}".strip())


def severity(weeks: Sequence[Week]) -> Chart:
    """The worst cramp's pain (0-10) in each week that counts, one bar across each week."""
    title = "Worst pain, week by week"
    drawn = [w for w in shown(weeks) if not math.isnan(w.worst_severity)]
    if len(drawn) < MIN_CHART_WEEKS:
        if not any(not math.isnan(w.worst_severity) for w in weeks):
            return _none("severity", title, "No pain score logged yet.")
        return _none("severity", title, (
            f"Too few weeks with a pain score for a chart yet: it needs at least {MIN_CHART_WEEKS} weeks "
            f"with {MIN_LOGGED} or more nights logged and a pain score."))
    fig = _figure(2.2)
    ax = fig.add_subplot()
    _style(ax)
    ax.bar(np.array([w.start for w in drawn], dtype="datetime64[D]"), [w.worst_severity for w in drawn],
           width=6, align="edge", color=WARM, alpha=0.85)
    ax.set_ylim(0, 10)
    ax.set_yticks([0, 5, 10])
    ax.set_ylabel("worst pain (0-10)")
    _date_axis(ax, drawn[0].start, drawn[-1].end)
    values = [int(w.worst_severity) for w in drawn]
    summary = (f"Worst pain by week, over {plural(len(drawn), 'week')} with a pain score: from {min(values)} "
               f"to {max(values)} out of 10, most recently {values[-1]}.")
    note = left_out_words(weeks)
    return _chart(fig, "severity", title, f"{summary} {note}".strip())


def by_hour(counts: Sequence[tuple[int, int]]) -> Chart:
    """Cramps by the hour they began, in the night's order (evening first); ``counts`` = (hour, n)."""
    title = "When in the night cramps begin"
    total = sum(n for _, n in counts)
    if not total:
        return _none("hours", title, "No cramps with a time logged yet.")
    fig = _figure(2.2)
    ax = fig.add_subplot()
    _style(ax)
    labels = [f"{h:02d}" for h, _ in counts]
    ax.bar(range(len(counts)), [n for _, n in counts], color=ACCENT, alpha=0.85)
    ax.set_xticks(range(len(counts)), labels)
    ax.set_ylabel("cramps")
    ax.set_ylim(0, max(n for _, n in counts) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    peak = max(counts, key=lambda c: c[1])
    summary = (f"{plural(total, 'cramp')} with a time. Most began in the hour from {peak[0]:02d}:00 "
               f"({plural(peak[1], 'cramp')}).")
    return _chart(fig, "hours", title, summary)


def seasons(own: Sequence[float | None], population: Sequence[float], own_label: str) -> Chart:
    """Cramps a night by calendar month (the person's, where logged) against the population pattern
    (relative, scaled to the person's mean), both in the person's own calendar."""
    fig = _figure(2.4)
    ax = fig.add_subplot()
    _style(ax)
    known = [v for v in own if v is not None]
    scale = (sum(known) / len(known)) if known and sum(known) else 1.0
    ax.plot(range(12), [p * scale for p in population], color=INK, alpha=0.6, linestyle="--",
            linewidth=1.5, label="population pattern (context)")
    xs = [i for i, v in enumerate(own) if v is not None]
    if xs:
        ax.plot(xs, [v for v in own if v is not None], color=ACCENT, linewidth=2, marker="o", markersize=4,
                label=own_label)
    ax.set_xticks(range(12), MONTHS)
    ax.set_ylabel("cramps a night")
    ax.set_ylim(0, max([*(p * scale for p in population), *known, 0.1]) * 1.15)
    legend = ax.legend(frameon=False, fontsize=8, loc="upper left")
    for text in legend.get_texts():
        text.set_color(INK)
    peak = max(range(12), key=lambda i: population[i])
    mine = ", ".join(f"{MONTHS[i]} {own[i]:.1f}" for i in xs)
    summary = (f"The dashed line is the population pattern, highest in {MONTHS[peak]}: context, not your "
               "data. " + (f"Your months with logged nights: {mine}." if xs
                           else "You have no months with logged nights yet."))
    return _chart(fig, "seasons", "Cramps by month", summary)


def stretching(rate_no: float | None, rate_yes: float | None, nights_no: int, nights_yes: int) -> Chart:
    """Cramps a night on nights without and with the bedtime stretch (raw averages; the model's estimate
    with its uncertainty is said in words under "Does stretching help you?"). Drawn only with at least
    ``MIN_COMPARE_NIGHTS`` logged nights on each side."""
    title = "Nights with and without the stretch"
    if rate_no is None or rate_yes is None or min(nights_no, nights_yes) < MIN_COMPARE_NIGHTS:
        return _none("stretching", title, (
            f"Too few nights to compare in a chart yet: it needs at least {MIN_COMPARE_NIGHTS} logged nights "
            f"with the stretch and {MIN_COMPARE_NIGHTS} without; so far {plural(nights_yes, 'night')} with "
            f"and {plural(nights_no, 'night')} without."))
    fig = _figure(1.9)
    ax = fig.add_subplot()
    _style(ax)
    labels = [f"no stretch ({plural(nights_no, 'night')})", f"stretched ({plural(nights_yes, 'night')})"]
    ax.barh([1, 0], [rate_no, rate_yes], color=[WARM, ACCENT], alpha=0.9, height=0.6)
    ax.set_yticks([1, 0], labels)
    ax.set_xlabel("cramps a night (plain average)")
    ax.set_xlim(0, max(rate_no, rate_yes, 0.1) * 1.15)
    ax.grid(axis="x", color=INK, alpha=0.15, linewidth=0.6)
    ax.grid(axis="y", visible=False)
    summary = (f"Plain averages: {rate_no:.2f} cramps a night on {plural(nights_no, 'night')} without the "
               f"stretch, {rate_yes:.2f} on {plural(nights_yes, 'night')} with it. These raw numbers ignore "
               "season and bad spells; the estimate in words, under \"Does stretching help you?\", allows "
               "for them.")
    return _chart(fig, "stretching", title, summary)
