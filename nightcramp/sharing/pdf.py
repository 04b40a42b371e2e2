"""The doctor report as a PDF: A4 portrait, black and white, one page for a typical diary, two at most.

:func:`render_pdf` prints a :class:`~nightcramp.sharing.report.Report` with fpdf2 (pure Python: it installs
from wheels, with no system packages) in the DejaVu Sans shipped inside matplotlib, so a name in any
alphabet DejaVu covers prints; a character it lacks (Chinese, for one) prints as the Last Resort font's
placeholder for its script rather than vanishing, and still reads back as text. The chart is drawn by
matplotlib in black and greys only (a black line over a grey band, grey bars, black bars, dotted lines:
told apart by shape and place, never by colour) and embedded as SVG, so it stays sharp at any zoom and on
any printer. Nothing on the page is smaller than 8 pt.

The page, top to bottom: who and over what period; the key figures; cramps a week and the worst pain,
week by week, with the medicines and the stretched nights on the same time axis; the bedtime stretch and
the seasons, with their intervals; the medicines with their on/off check; the screening findings with
their tier; the questions worth asking; the sources. A footer on each page repeats who, the period and
"page x of y".

The two-page cap. The report is laid out at the fullest of :data:`LEVELS` first. If that takes more than
one page, the next level (no list of unanswered health-check questions, no population context or trend
line, at most two reasons a finding) is tried, and kept if it fits on one page; otherwise the full layout
is kept if it fits on two. Beyond two pages, ever more condensed levels follow, in a fixed order that
drops the least important parts first: reasons under the findings, then the tail of long lists, medicines
first, then questions, findings last (most urgent kept, since the list is most urgent first), each cut
list ending with a line saying how many more the diary holds; long free text (a medicine's name or dose)
is clipped. The first level that fits two pages is printed. The last level is bounded (every list and
every text has a maximum length), so it always fits; a test holds that with lists far longer than any
diary's. The sources printed are those of the findings and questions on the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from fpdf import FPDF, FontFace  # noqa: E402
from fpdf.enums import MethodReturnValue, XPos, YPos  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from nightcramp.sharing.report import (  # noqa: E402
    POPULATION_SOURCE,
    MedicationLine,
    Report,
    Week,
    weeks_with_data,
)
from nightcramp.stats.weeks import MIN_LOGGED  # noqa: E402

MAX_PAGES = 2
FONT = "DejaVu"
FALLBACK = "LastResort"
MM_PER_INCH = 25.4
PAGE_W, MARGIN, TOP, BOTTOM = 210.0, 15.0, 12.0, 16.0
WIDTH = PAGE_W - 2 * MARGIN
GREY = (95, 95, 95)
RULE = (150, 150, 150)
LIGHT = (232, 232, 232)
BODY, SMALL = 9.0, 8.0
"""Body and small text sizes in points; nothing on the page is smaller than 8 pt."""


@dataclass(frozen=True)
class Level:
    """How much of the report to print. ``None`` = no limit."""

    not_checked: bool = True
    context: bool = True
    """The population season pattern and the trend sentence."""
    reasons: int | None = None
    """Reasons shown under each finding."""
    medicines: int | None = None
    chart_medicines: int = 10
    findings: int | None = None
    questions: int | None = None
    text: int = 400
    """The longest free text (a medicine's name or dose, a reason) printed, in characters."""


LEVELS = (
    Level(),
    Level(not_checked=False, context=False, reasons=2),
    Level(not_checked=False, context=False, reasons=1, medicines=16, text=160),
    Level(not_checked=False, context=False, reasons=1, medicines=12, chart_medicines=8, questions=6,
          text=160),
    Level(not_checked=False, context=False, reasons=1, medicines=10, chart_medicines=8, findings=12,
          questions=5, text=120),
    Level(not_checked=False, context=False, reasons=0, medicines=8, chart_medicines=8, findings=10,
          questions=4, text=120),
    Level(not_checked=False, context=False, reasons=0, medicines=6, chart_medicines=6, findings=8,
          questions=4, text=80),
    Level(not_checked=False, context=False, reasons=0, medicines=5, chart_medicines=5, findings=6,
          questions=3, text=80),
)
"""From the fullest to the most condensed; see the module docstring for how one is chosen."""


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes: one page when it fits, never more than two."""
    return _output(_fit(report))


def _fit(report: Report) -> _Doc:
    """The layout to print, chosen as the module docstring says."""
    charts: dict[int, tuple[bytes, float]] = {}
    first = _render(report, LEVELS[0], charts)
    if first.pages_count == 1:
        return first
    fitted = _render(report, LEVELS[1], charts)
    if fitted.pages_count == 1:
        _close(first)
        return fitted
    _close(fitted)
    if first.pages_count <= MAX_PAGES:
        return first
    _close(first)
    for level in LEVELS[1:]:
        doc = _render(report, level, charts)
        if doc.pages_count <= MAX_PAGES:
            return doc
        _close(doc)
    raise RuntimeError("the most condensed report still takes more than two pages")  # bounded: never


def _output(doc: _Doc) -> bytes:
    try:
        return bytes(doc.output())
    finally:
        _close(doc)


def _close(doc: _Doc) -> None:
    """Close the font files fpdf2 keeps open (it closes only those it embedded, and only on output)."""
    for font in doc.fonts.values():
        close = getattr(font, "close", None)
        if close is not None:
            close()


# ---- text helpers ---------------------------------------------------------------------------------------

def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plural(number: int, noun: str, many: str | None = None) -> str:
    return f"{number} {noun if number == 1 else (many or noun + 's')}"


def period_words(report: Report) -> str:
    if report.period_start == report.period_end:
        return day(report.period_end)
    return f"{day(report.period_start)} – {day(report.period_end)}"


def who(report: Report, limit: int = 60) -> str:
    name = clip(report.name, limit)
    born = f"born {report.birth_year}" if report.birth_year else ""
    return ", ".join(p for p in (name, born) if p)


# ---- the document ---------------------------------------------------------------------------------------

FACES = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"))
LAST_RESORT = "LastResortHE-Regular.ttf"


@cache
def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@cache
def _covered() -> frozenset[int]:
    """The code points every DejaVu face used here can draw."""
    from fontTools.ttLib import TTFont

    sets = []
    for _, file in FACES:
        with TTFont(str(_font_dir() / file), lazy=True) as font:
            sets.append(frozenset(font.getBestCmap()))
    return frozenset.intersection(*sets)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _texts(getattr(value, item.name))


def needs_fallback(report: Report) -> bool:
    """True when some text of the report has a character DejaVu lacks (the Last Resort font, which takes
    about two seconds to load, is only added then)."""
    covered = _covered()
    return any(ord(c) not in covered for text in _texts(report) for c in text if not c.isspace())


class _Doc(FPDF):
    def __init__(self, report: Report, fallback: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        fonts = _font_dir()
        for style, file in FACES:
            self.add_font(FONT, style, str(fonts / file))
        if fallback:
            self.add_font(FALLBACK, "", str(fonts / LAST_RESORT))
            self.set_fallback_fonts([FALLBACK], exact_match=False)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title("Night cramp diary: report for a clinician")
        self.set_subject(f"Patient-kept diary, {period_words(report)}")
        self.set_creator("nightcramp")
        self.set_lang("en")
        made = report.generated_on
        self.set_creation_date(datetime(made.year, made.month, made.day, tzinfo=UTC))

    def multi_cell(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        """Left-aligned unless told otherwise: justified narrow columns open wide gaps between words."""
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut (with an ellipsis) to ``width`` mm in the current font."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def footer(self) -> None:
        self.set_y(-BOTTOM + 4)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, self.get_y(), PAGE_W - MARGIN, self.get_y())
        self.set_y(self.get_y() + 1.2)
        self.font(SMALL, "", GREY)
        left = "nightcramp · patient-kept diary, not a diagnosis"
        person = who(self.report, 40)
        left += f" · {person}" if person else ""
        left += f" · {period_words(self.report)}"
        self.cell(WIDTH * 0.84, 4, self.fit(left, WIDTH * 0.84 - 1))
        self.cell(WIDTH * 0.16, 4, f"page {self.page_no()} of {{nb}}", align="R")

    # -- small helpers --

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = (0, 0, 0)) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)

    def height_of(self, width: float, line: float, text: str, markdown: bool = False) -> float:
        return float(self.multi_cell(width, line, text, dry_run=True, output=MethodReturnValue.HEIGHT,
                                     markdown=markdown))

    def para(self, text: str, size: float = BODY, style: str = "", colour: tuple[int, int, int] = (0, 0, 0),
             width: float = WIDTH, line: float | None = None, markdown: bool = False, x: float | None = None,
             align: str = "L") -> None:
        self.font(size, style, colour)
        if x is not None:
            self.set_x(x)
        self.multi_cell(width, line or size * 0.47, text, markdown=markdown, align=align,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def room(self, needed: float) -> None:
        """Start a new page unless ``needed`` mm are left (keeps a heading with what follows)."""
        if self.get_y() + needed > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, after: float = 12, note: str = "") -> None:
        self.room(after + 7)
        self.ln(1.2)
        y = self.get_y()
        self.font(10.5, "B")
        self.cell(self.get_string_width(text) + 2, 5.5, text)
        if note:
            self.font(SMALL, "", GREY)
            room = WIDTH - (self.get_x() - MARGIN)
            self.cell(room, 5.5, self.fit(note, room - 1))
        self.set_draw_color(0, 0, 0)
        self.set_line_width(0.3)
        self.line(MARGIN, y + 5.8, PAGE_W - MARGIN, y + 5.8)
        self.set_xy(MARGIN, y + 6.8)


def _render(report: Report, level: Level, charts: dict[int, tuple[bytes, float]]) -> _Doc:
    doc = _Doc(report, needs_fallback(report))
    doc.add_page()
    _header(doc, report)
    if report.empty:
        _nothing_logged(doc, report)
    else:
        _figures(doc, report)
        _chart(doc, report, level, charts)
        _stretching_and_seasons(doc, report, level)
        _medicines(doc, report, level)
    cited = _findings(doc, report, level)
    cited += _questions(doc, report, level)
    if not report.empty and _shows_population(report, level):
        cited.append(POPULATION_SOURCE)
    _sources(doc, report, cited)
    return doc


# ---- sections -------------------------------------------------------------------------------------------

def _header(doc: _Doc, report: Report) -> None:
    doc.font(SMALL, "B", GREY)
    doc.cell(WIDTH * 0.6, 4, "NIGHT CRAMP DIARY · REPORT FOR A CLINICIAN")
    doc.font(SMALL, "", GREY)
    doc.cell(WIDTH * 0.4, 4, f"Generated {day(report.generated_on)}", align="R", new_x=XPos.LMARGIN,
             new_y=YPos.NEXT)
    y = doc.get_y() + 0.6
    right_w = 62.0
    title_w = WIDTH - right_w - 2
    doc.set_xy(MARGIN, y)
    name = clip(report.name, 100) or "Night cramp diary"
    for size in (15, 13.5, 12, 11):  # a long name is set smaller before it is cut
        doc.font(size, "B")
        if doc.get_string_width(name) <= title_w:
            break
    doc.cell(title_w, 7.5, doc.fit(name, title_w))
    doc.set_xy(MARGIN + title_w + 2, y)
    doc.font(11, "B")
    doc.cell(right_w, 7.5, period_words(report), align="R")
    doc.set_xy(MARGIN, y + 7.5)
    born_w = 0.0
    if report.birth_year:
        doc.font(BODY, "", (0, 0, 0))
        born = f"Born {report.birth_year} · "
        born_w = doc.get_string_width(born)
        doc.cell(born_w, 4.5, born)
    doc.font(SMALL + 0.5, "I", GREY)
    doc.cell(title_w - born_w, 4.5, "Patient-kept diary, not a diagnosis")
    doc.font(SMALL, "", GREY)
    nights = "" if report.empty else f"{plural(report.period_nights, 'night')} in the period"
    doc.cell(right_w + 2, 4.5, nights, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_draw_color(0, 0, 0)
    doc.set_line_width(0.7)
    doc.line(MARGIN, doc.get_y() + 1.2, PAGE_W - MARGIN, doc.get_y() + 1.2)
    doc.set_y(doc.get_y() + 2.4)


def _nothing_logged(doc: _Doc, report: Report) -> None:
    doc.ln(2)
    y = doc.get_y()
    doc.set_draw_color(*RULE)
    doc.set_line_width(0.3)
    doc.rect(MARGIN, y, WIDTH, 16)
    doc.set_xy(MARGIN + 4, y + 3)
    doc.para("Nothing logged yet", 12, "B", x=MARGIN + 4)
    when = (f"up to {day(report.period_end)}" if report.period_start == report.period_end
            else f"from {day(report.period_start)} to {day(report.period_end)}")
    doc.para(f"The diary holds no logged nights {when}, so there are no figures or charts to show.", BODY, "",
             GREY, width=WIDTH - 8, x=MARGIN + 4)
    doc.set_y(y + 18)


def _figures(doc: _Doc, report: Report) -> None:
    share = report.stretched_share or 0.0
    recent = f", {report.stretched_recent} of the last 42" if report.stretched_recent is not None else ""
    per_week = (f"({report.cramps_per_week:.1f} a week)" if report.cramps_per_week is not None
                else "(no weekly rate yet)")
    figures = [
        (f"{report.nights_logged}", f"of {report.period_nights}", "nights logged"),
        (f"{report.cramps}", "", "cramps"),
        (f"{report.cramps_per_night or 0:.2f}", per_week, "cramps a logged night"),
        (f"{report.nights_stretched}", f"({round(share * 100)}%)", f"nights stretched{recent}"),
        (f"{report.worst_severity}" if report.worst_severity is not None else "–",
         "of 10" if report.worst_severity is not None else "", "worst pain logged"),
    ]
    widths = (28, 22, 41, 56, 33)
    y = doc.get_y() + 0.8
    x = MARGIN
    doc.set_draw_color(*RULE)
    doc.set_line_width(0.25)
    for (big, unit, label), w in zip(figures, widths, strict=True):
        doc.rect(x, y, w - 2, 12.5)
        doc.set_xy(x + 1.8, y + 0.9)
        doc.font(14, "B")
        doc.cell(doc.get_string_width(big) + 1, 6.5, big)
        if unit:
            doc.font(SMALL, "", GREY)
            doc.cell(w - 5 - doc.get_string_width(big), 7, unit)
        doc.set_xy(x + 1.8, y + 7.6)
        doc.font(SMALL, "", (0, 0, 0))
        doc.cell(w - 4, 4, doc.fit(label, w - 4.5))
        x += w
    doc.set_xy(MARGIN, y + 13.5)


def _chart(doc: _Doc, report: Report, level: Level, charts: dict[int, tuple[bytes, float]]) -> None:
    meds = report.medications[: level.chart_medicines]
    hidden = len(report.medications) - len(meds)
    if not report.weekly_chart:
        doc.heading("Cramps week by week", after=8)
        doc.para(f"{report.weekly_sentence} {report.chart_sentence}", BODY)
        if level.context:
            doc.para(f"Trend: {report.trend.sentence[0].lower()}{report.trend.sentence[1:]}", SMALL, "",
                     GREY, line=3.6)
        return
    doc.heading("Cramps week by week", note=f"weeks with at least {MIN_LOGGED} of 7 nights logged, per 7 "
                                            "logged nights, with a 95% band · worst pain 0–10 · dotted: a "
                                            "medicine change")
    if len(meds) not in charts:
        charts[len(meds)] = chart_svg(report, meds, hidden)
    svg, height = charts[len(meds)]
    doc.room(height)
    doc.image(io.BytesIO(svg), x=MARGIN, y=doc.get_y(), w=WIDTH, h=height)
    doc.set_y(doc.get_y() + height + 0.6)
    # The rate of the key figures is over the weeks that count, so it is said here with the weeks it
    # leaves out (a partial week is never drawn), then the trend.
    words = [report.weekly_sentence, report.chart_sentence]
    if level.context:
        words.append(f"Trend: {report.trend.sentence[0].lower()}{report.trend.sentence[1:]}")
    doc.para(" ".join(w for w in words if w), SMALL, "", GREY, line=3.6)


def _label_box(doc: _Doc, text: str, solid: bool, width: float | None = None) -> None:
    doc.font(SMALL, "B", (255, 255, 255) if solid else (0, 0, 0))
    w = width or doc.get_string_width(text) + 3
    doc.set_draw_color(0, 0, 0)
    doc.set_fill_color(0, 0, 0)
    doc.set_line_width(0.35)
    x, y = doc.get_x(), doc.get_y()
    doc.rect(x, y + 0.3, w, 4.2, style="DF" if solid else "D")
    doc.set_xy(x, y + 0.3)
    doc.cell(w, 4.2, text, align="C")
    doc.set_xy(x + w + 2, y)


def _stretching_and_seasons(doc: _Doc, report: Report, level: Level) -> None:
    gap = 6
    col = (WIDTH - gap) / 2
    s, seasons = report.stretching, report.seasons
    season_text = seasons.sentence + (f" {seasons.population_sentence}" if _shows_population(report, level)
                                      else "")
    doc.font(BODY)
    need = max(doc.height_of(col, 4.3, s.sentence), doc.height_of(col, 4.3, season_text)) + 12
    doc.room(need)
    doc.ln(2.5)
    y = doc.get_y()
    for x, title, text, label in ((MARGIN, "Bedtime stretching", s.sentence, s.label.upper()),
                                  (MARGIN + col + gap, "Seasons", season_text, "")):
        doc.set_xy(x, y)
        doc.font(10.5, "B")
        doc.cell(doc.get_string_width(title) + 3, 5.5, title)
        if label:
            _label_box(doc, label, solid=False)
        doc.set_draw_color(0, 0, 0)
        doc.set_line_width(0.3)
        doc.line(x, y + 6, x + col, y + 6)
        doc.set_xy(x, y + 7.2)
        doc.font(BODY)
        doc.multi_cell(col, 4.3, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
    doc.set_xy(MARGIN, y + need - 2)


def _shows_population(report: Report, level: Level) -> bool:
    """The population pattern is context: printed when there is room, or when the diary has no own yet."""
    return level.context or report.seasons.verdict == "not_enough_data"


def _check_words(med: MedicationLine, report: Report) -> str:
    if med.compared == "not_in_period":
        changed = (med.started is not None and med.started > report.period_start) or (
            med.stopped is not None and med.stopped < report.period_end)
        text = "not compared: no logged nights on both sides" if changed else \
            "not compared: taken all through the period"
    elif med.compared == "too_few_nights" or med.rate_ratio is None:
        text = "too few nights on and off it"
    else:
        ci = f" ({med.ci_low:.2f}–{med.ci_high:.2f})" if med.ci_low is not None and med.ci_high is not None \
            else ""
        verdict = ("more cramps on it" if med.rose_after_start and med.rate_ratio > 1
                   else "fewer cramps on it" if med.ci_high is not None and med.ci_high < 1
                   else "no clear difference")
        text = f"{med.rate_ratio:.2f}{ci}: {verdict}"
    if med.rose_after_start and med.compared != "compared":
        text += "; started in the year before cramps rose"
    return text


def _started(med: MedicationLine) -> str:
    return day(med.started) if med.started else "not entered"


def _medicines(doc: _Doc, report: Report, level: Level) -> None:
    meds = report.medications
    if not meds:
        doc.heading("Medicines")
        doc.para("No medicines on the diary's list for this period.", BODY, "", GREY)
        return
    shown = meds if level.medicines is None else meds[: level.medicines]
    doc.heading("Medicines on the diary's list", note="last column: cramps on vs off it, allowing for "
                                                     "season and trend: rate ratio (95% CI)")
    doc.font(SMALL + 0.5)
    with doc.table(col_widths=(55, 22.5, 22.5, 42, 38), text_align="LEFT", line_height=3.7,
                   padding=(0.7, 1.2), borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD"), first_row_as_headings=True) as table:
        head = table.row()
        for title in ("Medicine and dose", "Started", "Stopped", "Linked to cramps", "Cramps on vs off it"):
            head.cell(title)
        for med in shown:
            row = table.row()
            dose = clip(med.dose, level.text // 2)
            row.cell(clip(med.name, level.text) + (f"\n{dose}" if dose else ""))
            row.cell(_started(med))
            row.cell(day(med.stopped) if med.stopped else "still taken")
            row.cell(med.linked_class or "–")
            row.cell(_check_words(med, report))
    if len(shown) < len(meds):
        more = plural(len(meds) - len(shown), "more medicine")
        doc.para(f"… and {more} on the diary's list for this period.", SMALL, "I", GREY)


TIER_SOLID = {"emergency", "same_day"}


def _findings(doc: _Doc, report: Report, level: Level) -> list[str]:
    """Prints the findings that fit the level; returns the sources they cite."""
    findings = report.findings if level.findings is None else report.findings[: level.findings]
    checked = (f"health check of {day(report.health_check_on)}" if report.health_check_on
               else "no health check taken")
    doc.heading("Screening findings", note=f"{checked}; diary watched by the same rules · never a diagnosis")
    if not report.findings:
        doc.para("None: nothing in the " + ("health check or the " if report.health_check_on else "")
                 + "diary points to a cause that needs a doctor's attention.", BODY)
    label_w = 29.0
    text_w = WIDTH - label_w - 2
    for finding in findings:
        reasons = finding.because if level.reasons is None else finding.because[: level.reasons]
        detail = "; ".join(clip(r, level.text) for r in reasons)
        origin = "from the diary" if finding.origin == "diary" else "from the health check"
        body = f"**{finding.title}**  ({origin}: {finding.tier_words})"
        doc.font(BODY)
        need = doc.height_of(text_w, 4.3, body, markdown=True) + (
            doc.height_of(text_w, 3.9, detail) if detail else 0) + 1.5
        doc.room(need)
        y = doc.get_y()
        _label_box(doc, finding.tier_label, finding.tier in TIER_SOLID, width=label_w)
        doc.set_xy(MARGIN + label_w + 2, y)
        doc.font(BODY)
        doc.multi_cell(text_w, 4.3, body, markdown=True, new_x=XPos.LEFT, new_y=YPos.NEXT)
        if detail:
            doc.font(SMALL, "", GREY)
            doc.multi_cell(text_w, 3.9, detail, new_x=XPos.LEFT, new_y=YPos.NEXT)
        doc.set_xy(MARGIN, max(doc.get_y(), y + 5) + 1.5)
    if len(findings) < len(report.findings):
        doc.para(f"… and {plural(len(report.findings) - len(findings), 'less urgent finding')} in the app.",
                 SMALL, "I", GREY)
    if level.not_checked and report.not_checked:
        doc.para("Left open in the health check (could not be checked): "
                 + "; ".join(report.not_checked) + ".", SMALL, "", GREY)
    return [s for f in findings for s in f.sources]


def _questions(doc: _Doc, report: Report, level: Level) -> list[str]:
    """Prints the questions that fit the level; returns the sources they cite."""
    questions = report.questions if level.questions is None else report.questions[: level.questions]
    if not questions:
        return []
    doc.heading("Questions worth asking", after=10)
    for number, question in enumerate(questions, 1):
        text = f"{question.text}  __[{', '.join(question.sources)}]__"
        doc.font(BODY)
        doc.room(doc.height_of(WIDTH - 6, 4.3, text, markdown=True) + 1)
        y = doc.get_y()
        doc.font(BODY, "B")
        doc.cell(6, 4.3, f"{number}.")
        doc.set_xy(MARGIN + 6, y)
        doc.font(BODY)
        doc.multi_cell(WIDTH - 6, 4.3, text, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.ln(0.7)
    if len(questions) < len(report.questions):
        doc.para(f"… and {plural(len(report.questions) - len(questions), 'more question')} in the app.",
                 SMALL, "I", GREY)
    return [s for q in questions for s in q.sources]


def _sources(doc: _Doc, report: Report, cited: list[str]) -> None:
    """The sources of what this page shows, in order of citation."""
    shorts = {s.id: s.short for s in report.sources}
    shown = [sid for sid in dict.fromkeys(cited) if sid in shorts]
    if not shown:
        return
    text = "Sources: " + " · ".join(f"{sid} {shorts[sid]}" for sid in shown) + "."
    doc.font(SMALL)
    doc.room(doc.height_of(WIDTH, 3.6, text) + 3)
    doc.ln(2)
    doc.para(text, SMALL, "", GREY, line=3.6)


# ---- the chart ------------------------------------------------------------------------------------------

CHART_PT = 8.0
CRAMPS_MM, PAIN_MM, ROW_MM, AXIS_MM, TOP_MM = 23.0, 10.0, 4.4, 6.0, 1.5


def chart_svg(report: Report, meds: tuple[MedicationLine, ...], hidden: int = 0) -> tuple[bytes, float]:
    """The weekly chart with its medicine strip as SVG bytes, and its height in mm (drawn at 1:1 for a
    width of :data:`WIDTH` mm, so its 8 pt text prints at 8 pt)."""
    import matplotlib.dates as mdates

    rows = len(meds) + 1 + (1 if hidden else 0)  # the medicines, the stretched nights, "and N more"
    strip = max(rows, 1.5) * ROW_MM
    height = TOP_MM + CRAMPS_MM + 2 + PAIN_MM + 2 + strip + AXIS_MM
    with matplotlib.rc_context({"svg.hashsalt": "nightcramp", "font.size": CHART_PT,
                                "font.family": "DejaVu Sans", "axes.linewidth": 0.6,
                                "xtick.major.width": 0.6, "ytick.major.width": 0.6,
                                "xtick.labelsize": CHART_PT, "ytick.labelsize": CHART_PT}):
        fig = Figure(figsize=(WIDTH / MM_PER_INCH, height / MM_PER_INCH))
        grid = fig.add_gridspec(3, 1, height_ratios=(CRAMPS_MM, PAIN_MM, strip), hspace=2 / 20,
                                left=16 / WIDTH, right=1 - 1.5 / WIDTH, top=1 - TOP_MM / height,
                                bottom=AXIS_MM / height)
        cramps_ax = fig.add_subplot(grid[0])
        pain_ax = fig.add_subplot(grid[1], sharex=cramps_ax)
        strip_ax = fig.add_subplot(grid[2], sharex=cramps_ax)
        weeks = _drawn_span(report)
        first, last = _x(report.period_start), _x(report.period_end) + 1
        mid = [_x(w.start) + 3.5 for w in weeks]
        nan = float("nan")
        rates = [w.cramps_per_week if w.cramps_per_week is not None else nan for w in weeks]
        top = max([*(r for r in rates if r == r), 1.0]) * 1.3
        cramps_ax.fill_between(mid, [w.low if w.low is not None else nan for w in weeks],
                               [min(w.high, top) if w.high is not None else nan for w in weeks],
                               color="0.86", linewidth=0)
        cramps_ax.plot(mid, rates, color="black", linewidth=1.1, marker="o", markersize=1.8)
        cramps_ax.set_ylim(0, top)
        cramps_ax.set_yticks([t for t in cramps_ax.get_yticks() if 0 < t < top])
        cramps_ax.set_ylabel("cramps a week")
        pain = [(_x(w.start), w.worst_severity) for w in weeks_with_data(report)
                if w.worst_severity is not None]
        pain_ax.bar([d for d, _ in pain], [s for _, s in pain], width=6, align="edge", color="0.55",
                    linewidth=0)
        pain_ax.set_ylim(0, 10)
        pain_ax.set_yticks([0, 5, 10])
        pain_ax.set_ylabel("worst\npain", linespacing=0.95)
        for ax in (cramps_ax, pain_ax):
            ax.grid(axis="y", color="0.8", linewidth=0.4)
            ax.set_axisbelow(True)
            for when in _changes(meds, first, last):
                ax.axvline(when, color="0.35", linewidth=0.6, linestyle=(0, (2, 2)))
        _strip(strip_ax, report, meds, hidden, first, last)
        for ax in (cramps_ax, pain_ax, strip_ax):
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.yaxis.set_label_coords(-11 / (WIDTH - 17.5), 0.5)
        for ax in (cramps_ax, pain_ax):
            ax.tick_params(axis="x", labelbottom=False, length=0)
        locator = mdates.AutoDateLocator(minticks=5, maxticks=14)
        strip_ax.xaxis.set_major_locator(locator)
        strip_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
        strip_ax.set_xlim(first, last)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None,
                                                    "Type": None})
    svg = re.sub(rb"<metadata>.*?</metadata>", b"", buffer.getvalue(), flags=re.S)
    return svg, height


def _drawn_span(report: Report) -> tuple[Week, ...]:
    """The weeks from the first to the last that counts; those between that do not count are gaps in the
    line (NaN), and a partial week at either end is left out, so the line never ends in a fake drop."""
    counted = [i for i, w in enumerate(report.weeks) if w.counts]
    return report.weeks[counted[0]:counted[-1] + 1] if counted else ()


def _x(day: date) -> float:
    """A date as matplotlib's day number (the x axis of the chart)."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))


def _span(med: MedicationLine, first: float, last: float) -> tuple[float, float]:
    """Where the medicine's bar begins and ends on the axis (a stop date is taken to its evening's end)."""
    begin = max(_x(med.started), first) if med.started else first
    end = min(_x(med.stopped) + 1, last) if med.stopped else last
    return begin, max(end, begin + 1)


def _changes(meds: tuple[MedicationLine, ...], first: float, last: float) -> list[float]:
    """Starts and stops inside the period (dotted lines across the cramp and pain panels)."""
    found = set()
    for med in meds:
        begin, end = _span(med, first, last)
        if med.started and first < begin:
            found.add(begin)
        if med.stopped and end < last:
            found.add(end)
    return sorted(found)


def _strip(ax, report: Report, meds: tuple[MedicationLine, ...], hidden: int,  # type: ignore[no-untyped-def]
           first: float, last: float) -> None:
    """A row of the nights stretched, week by week (black bars, height = share of the week), then one row
    per medicine: a grey bar while taken, a black tick at a start or stop inside the period, an arrow where
    it runs on past an edge, and its name beside the bar."""
    span = last - first
    axis_mm = WIDTH - 17.5
    rows = len(meds) + 1 + (1 if hidden else 0)
    top = rows - 1
    ax.bar([_x(w.start) for w in report.weeks], [0.72 * w.stretched_nights / 7 for w in report.weeks],
           bottom=top - 0.36, width=6, align="edge", color="black", linewidth=0)
    ax.plot([first, last], [top - 0.36, top - 0.36], color="0.6", linewidth=0.4)
    for i, med in enumerate(meds):
        y = top - 1 - i
        begin, end = _span(med, first, last)
        ax.barh(y, end - begin, left=begin, height=0.62, color="0.82", linewidth=0)
        if med.started and first < begin:
            ax.plot([begin, begin], [y - 0.4, y + 0.4], color="black", linewidth=1.3)
        if med.stopped and end < last:
            ax.plot([end, end], [y - 0.4, y + 0.4], color="black", linewidth=1.3)
        else:
            ax.plot([last], [y], marker=">", color="black", markersize=3, clip_on=False)
        if not med.started or _x(med.started) < first:
            ax.plot([first], [y], marker="<", color="black", markersize=3, clip_on=False)
        text = clip(med.name, 48)
        if med.started and first < begin:
            text += f", from {day(med.started)}"
        if med.stopped and end < last:
            text += f", stopped {day(med.stopped)}"
        room_left = (begin - first) / span * axis_mm
        pad = span * (0.012 if begin == first else 0.006)
        if room_left > len(text) * 1.5 + 2:
            ax.text(begin - pad, y, text, va="center", ha="right", fontsize=CHART_PT)
        else:
            ax.text(begin + pad, y, text, va="center", ha="left", fontsize=CHART_PT)
    if hidden:
        ax.text(first + span * 0.006, 0, f"… and {plural(hidden, 'more medicine')} (see the table)",
                va="center", ha="left", fontsize=CHART_PT, color="0.3")
    ax.set_ylim(-0.55, rows - 0.45)
    ax.set_yticks([top], ["stretched"])
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
