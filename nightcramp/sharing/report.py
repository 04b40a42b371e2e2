"""The doctor report: everything it shows, gathered once into a frozen tree of plain values.

:func:`build_report` reads the diary, the latest health check and the diary notices and returns a
:class:`Report`; ``nightcramp.sharing.pdf.render_pdf`` prints it and a share link's page can show the same
object in a template (every field is a str, int, float, bool, date, None or a tuple of the small dataclasses
below). The numbers are the Insights page's: ``nightcramp.stats.summary.analyse`` on
``nightcramp.insights.data.nights_of`` for the period, and the medicine checks of
``nightcramp.insights.data.medicine_checks``. The questions worth asking come from the cited data file
``nightcramp/knowledge/report_questions.toml``.

The period. Without ``start`` and ``end`` the report covers the whole diary, from the first recorded
night to last night (the night that began the evening before ``today``; or tonight, when something is
already logged for it), exactly the nights the Insights page analyses, so both always show the same numbers.
It is not cut to the last 12 months: the seasons need at least a year of nights, and a long diary still
reads as one weekly chart. A share link (or anyone wanting a shorter report) passes ``start``/``end``.

The report is written for a clinician, in the third person ("stretched nights had ..."), with intervals
as "95% CI"; observational estimates carry the label "suggestive only". It never names the account: the
person's display name when they entered one, otherwise no name at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User

from nightcramp.care.services import ADHERENCE_WINDOWS
from nightcramp.diary.models import Medication
from nightcramp.diary.nights import localize
from nightcramp.diary.services import profile_of
from nightcramp.insights.words import change_words
from nightcramp.knowledge import load, match_medicine, schema
from nightcramp.knowledge.medicine_names import normalise
from nightcramp.knowledge.report_questions import QuestionFacts, applicable, load_questions
from nightcramp.screening import services as screening_services
from nightcramp.screening import watch
from nightcramp.screening.engine import Finding as EngineFinding
from nightcramp.stats.words import p_words
from nightcramp.stats.words import plural as _plural

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
TIER_LABELS = {"emergency": "EMERGENCY", "same_day": "SAME DAY", "soon": "WITHIN 2 WEEKS",
               "routine": "ROUTINE", "self_care": "SELF-CARE"}
"""The short tier label printed next to each finding (the tiers of ``nightcramp.knowledge.schema``)."""
RECENT_NIGHTS = max(ADHERENCE_WINDOWS)
"""The "last 6 weeks" of stretching: the same 42-night window that Tonight shows."""
POPULATION_SOURCE = "S1"


# ---- the tree ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Week:
    """One week of the diary (weeks counted from the first night of the period, as on Insights)."""

    start: date
    """The first night of the week."""
    logged_nights: int
    """Nights of the week with a known number of cramps (0 to 7)."""
    cramps: int
    counts: bool
    """At least 4 of its nights are logged (the rule of ``nightcramp.stats.weeks``): only then does the
    week have a rate and appear in the chart."""
    cramps_per_week: float | None
    """Cramps per 7 logged nights (None: the week does not count)."""
    cramps_per_night: float | None
    """Cramps per logged night (None: the week does not count)."""
    low: float | None
    high: float | None
    """Exact Poisson 95% range of ``cramps_per_week`` (a guide: it ignores bad-week clustering)."""
    worst_severity: int | None
    """The worst pain logged that week, 0-10 (None: none logged)."""
    stretched_nights: int
    """Nights of the week marked as stretched before bed."""


@dataclass(frozen=True)
class Stretching:
    """The bedtime stretch: the randomised experiment's result, or the observational estimate."""

    design: str
    """"randomised" (a personal experiment with at least one complete pair) or "observational"."""
    verdict: str
    """"helps", "no_clear_effect", "worse" or "not_enough_data"."""
    rate_ratio: float | None
    """Cramps on stretched nights over cramps on other nights (None when not estimated)."""
    ci_low: float | None
    ci_high: float | None
    """The 95% interval of ``rate_ratio`` (None when not estimated)."""
    nights_analysed: int
    pairs_complete: int | None
    """Complete pairs of periods (randomised only)."""
    nights_needed: int | None
    """About how many more nights would settle it (None when not estimated)."""
    label: str
    """"suggestive only" for an observational estimate; "" for a randomised one, or when nothing could be
    estimated."""
    sentence: str
    """The result in one or two plain sentences, with the interval."""


@dataclass(frozen=True)
class Seasons:
    verdict: str
    """"seasonal", "no_clear_pattern" or "not_enough_data"."""
    peak_month: int | None
    """1-12, the fitted peak (None without enough data)."""
    peak_month_name: str
    """"July", or "" without a fitted peak."""
    peak_to_trough: float | None
    """Cramps at the fitted peak over the low season (None without enough data)."""
    sentence: str
    """The pattern in words, or "Not enough data: ..." with the reason."""
    population_sentence: str
    """The population pattern as context (not the person's data; source S1)."""


@dataclass(frozen=True)
class Trend:
    rate_ratio_per_year: float | None
    ci_low: float | None
    ci_high: float | None
    sentence: str
    """Change in the cramp rate beyond the seasons, in words (or why it is not known yet)."""


@dataclass(frozen=True)
class MedicationLine:
    """A medicine on the diary's list, taken at some time during the period."""

    name: str
    dose: str
    started: date | None
    stopped: date | None
    """None: still taken (or never entered)."""
    linked_class: str
    """The class of medicines linked to cramps it belongs to (medicines.toml), "" when none."""
    rate_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    """Cramps on nights taking it over nights not taking it, allowing for season and trend (the Insights
    medicine check); None when its start or stop is not inside the period or there were too few nights."""
    compared: str
    """"compared" (on/off check done), "too_few_nights", or "not_in_period" (no start or stop between the
    first and the last logged night, so there are no nights both on and off it)."""
    rose_after_start: bool | None
    """True when cramps were clearly higher while taking it, or a screening rule names it as started in
    the year before the cramps began or got worse; False when the check shows no such rise; None when it
    could not be checked."""
    check_sentence: str
    """The check in words."""


@dataclass(frozen=True)
class FindingLine:
    """A screening finding: from the latest health check, or a notice the diary adds."""

    rule: str
    tier: str
    """One of ``nightcramp.knowledge.schema.TIERS``."""
    tier_label: str
    """"SAME DAY", "ROUTINE", ..."""
    tier_words: str
    """How soon, in words: "get medical advice today"."""
    title: str
    origin: str
    """"health check" or "diary"."""
    because: tuple[str, ...]
    """What made it fire, in plain words."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class QuestionLine:
    id: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SourceLine:
    id: str
    short: str
    """As printed: "NICE CKS, Leg cramps"."""


@dataclass(frozen=True)
class Report:
    """Everything the doctor report shows. Figures are over the logged nights of the period."""

    generated_on: date
    period_start: date
    period_end: date
    period_nights: int
    """Calendar nights in the period, both ends included."""
    name: str
    """The display name the person entered, or "" (never the account name)."""
    birth_year: int | None
    hemisphere: str
    nights_logged: int
    cramps: int
    cramps_per_night: float | None
    """Over every logged night of the period."""
    cramps_per_week: float | None
    """7 × cramps per logged night over the weeks that count (``nightcramp.stats.weeks``: at least 4 of
    a week's 7 nights logged); None when no week counts, so one night with two cramps is never "14 a
    week"."""
    full_weeks: int
    """Weeks of the period that count."""
    weekly_sentence: str
    """The weekly rate in words, as Insights and ``nightcramp analyze`` say it."""
    weekly_chart: bool
    """Enough weeks that count for a weekly chart (at least 2); otherwise ``chart_sentence`` says so."""
    chart_sentence: str
    """Why there is no weekly chart, or which partial weeks it leaves out ("" when none)."""
    nights_stretched: int
    """Logged nights marked as stretched."""
    stretched_share: float | None
    """``nights_stretched`` / ``nights_logged``."""
    stretched_recent: int | None
    """Nights marked as stretched in the last 42 nights of the period (None for a period under 42 nights)."""
    worst_severity: int | None
    """The worst pain logged in the period, 0-10."""
    weeks: tuple[Week, ...]
    stretching: Stretching
    seasons: Seasons
    trend: Trend
    medications: tuple[MedicationLine, ...]
    """Oldest start first (unknown starts first of all)."""
    findings: tuple[FindingLine, ...]
    """Most urgent first; the health check's before the diary's within a tier."""
    health_check_on: date | None
    """The day of the latest health check (None: never taken)."""
    not_checked: tuple[str, ...]
    """Titles of the health-check rules that could not be checked (questions left open), most urgent first."""
    questions: tuple[QuestionLine, ...]
    """The questions worth asking, most important first."""
    sources: tuple[SourceLine, ...]
    """Every source cited by the findings, the questions and the population context, in order of citation."""

    @property
    def empty(self) -> bool:
        """Nothing logged in the period."""
        return self.nights_logged == 0


# ---- building ---------------------------------------------------------------------------------------

def build_report(user: User, start: date | None = None, end: date | None = None,
                 today: date | None = None) -> Report:
    """The report of ``user``'s diary from ``start`` to ``end`` (see the module docstring for the default
    period). ``today`` is the person's local date (default: now, in their time zone). ValueError when
    ``end`` is before ``start``."""
    from nightcramp.insights.data import medicine_checks, nights_of
    from nightcramp.stats.summary import analyse
    from nightcramp.stats.weeks import left_out_words, too_few_words, weekly, weekly_words

    if start is not None and end is not None and end < start:
        raise ValueError("the period ends before it begins")
    profile = profile_of(user)
    today = today or profile.local_now().date()
    nights = nights_of(user, start, end)
    summary = analyse(nights)
    last_night = today - timedelta(days=1)
    period_end = end or (max(last_night, nights.dates[-1]) if len(nights) else last_night)
    period_start = start or (nights.dates[0] if len(nights) else period_end)
    logged = nights.logged
    nights_logged, cramps = summary["nights"], summary["cramps"]
    per_night = cramps / nights_logged if nights_logged else None
    stretched_logged = int((logged & (nights.stretched == 1)).sum())
    series = weekly(nights) if len(nights) else ()
    weeks = tuple(_week(w, nights) for w in series)
    rate = summary["weekly"]
    per_week = _number(rate["cramps_per_week"])
    medications = _medications(user, nights, medicine_checks(user, nights) if len(nights) else [],
                               period_start, period_end)
    found = _findings(user, min(period_end, today))
    findings = found.lines
    medications = tuple(_named_by_finding(m, found.medicines) for m in medications)
    stretching = _stretching(summary["stretching"], stretched_logged)
    seasons = _seasons(summary["seasonality"])
    facts = QuestionFacts(
        findings=frozenset(f.rule for f in findings), tiers=frozenset(f.tier for f in findings),
        medicine_linked=any(m.linked_class for m in medications),
        medicine_rose=any(m.rose_after_start for m in medications),
        quinine=found.quinine or any(_is_quinine(m.name) for m in medications
                                     if m.stopped is None or m.stopped >= period_end),
        cramps_per_week=per_week,
        stretching=stretching.verdict if stretched_logged else None,
    )
    catalogue = load_questions()
    questions = tuple(QuestionLine(q.id, q.text, q.sources) for q in applicable(catalogue, facts))
    cited = [*(s for f in findings for s in f.sources), *(s for q in questions for s in q.sources),
             POPULATION_SOURCE]
    sources = tuple(SourceLine(s, catalogue.sources[s].short) for s in dict.fromkeys(cited))
    severities = [w.worst_severity for w in weeks if w.worst_severity is not None]
    return Report(
        generated_on=today, period_start=period_start, period_end=period_end,
        period_nights=(period_end - period_start).days + 1, name=profile.display_name.strip(),
        birth_year=profile.birth_year, hemisphere=nights.hemisphere, nights_logged=nights_logged,
        cramps=cramps, cramps_per_night=per_night, cramps_per_week=per_week, full_weeks=rate["full_weeks"],
        weekly_sentence=weekly_words(rate), weekly_chart=rate["chart"],
        chart_sentence=left_out_words(series) if rate["chart"] else too_few_words(series),
        nights_stretched=stretched_logged,
        stretched_share=stretched_logged / nights_logged if nights_logged else None,
        stretched_recent=_stretched_recent(nights, period_start, period_end),
        worst_severity=max(severities) if severities else None, weeks=weeks, stretching=stretching,
        seasons=seasons, trend=_trend(summary["trend"]), medications=medications, findings=findings,
        health_check_on=found.checked_on, not_checked=found.not_checked, questions=questions, sources=sources,
    )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _week(week: Any, nights: Any) -> Week:
    rate = _number(week.rate)
    first = nights.dates.index(week.start)
    stretched = int((nights.stretched[first:first + 7] == 1).sum())
    low, high = week.ci95 or (None, None)
    worst = _number(week.worst_severity)
    return Week(start=week.start, logged_nights=week.logged_nights, cramps=int(week.cramps),
                counts=week.counts, cramps_per_week=rate,
                cramps_per_night=rate / 7 if rate is not None else None,
                low=_number(low), high=_number(high),
                worst_severity=int(worst) if worst is not None else None, stretched_nights=stretched)


def _stretched_recent(nights: Any, period_start: date, period_end: date) -> int | None:
    if (period_end - period_start).days + 1 < RECENT_NIGHTS:
        return None
    first = period_end - timedelta(days=RECENT_NIGHTS - 1)
    return sum(1 for d, s in zip(nights.dates, nights.stretched, strict=True) if first <= d <= period_end
               and s == 1)


# ---- sentences ----------------------------------------------------------------------------------------

def ratio_words(ratio: float, low: float | None, high: float | None) -> str:
    """"rate ratio 0.47 (95% CI 0.34–0.65)"."""
    ci = f" (95% CI {low:.2f}–{high:.2f})" if low is not None and high is not None else ""
    return f"rate ratio {ratio:.2f}{ci}"


def _stretching(s: dict[str, Any], stretched_nights: int) -> Stretching:
    randomised = s["design"] == "randomised"
    ratio, ci = _number(s["rate_ratio"]), s["ci95"]
    low, high = (ci[0], ci[1]) if ci else (None, None)
    nights = s["nights_analysed"] or 0
    if randomised:
        how = (f"Randomised personal experiment ({_plural(s['pairs_complete'] or 0, 'complete pair')} of "
               f"periods, {nights} nights)")
    else:
        how = f"Not randomised ({_plural(nights, 'night')} compared)" if nights else "Not randomised"
    verdict = s["verdict"]
    estimated = bool(stretched_nights) and verdict != "not_enough_data" and ratio is not None
    if not stretched_nights:
        sentence = "No logged night is marked as stretched, so the bedtime stretch cannot be assessed."
    elif verdict == "not_enough_data" or ratio is None:
        needed = s["nights_needed"]
        reason = (s["reason"] or "too few nights").rstrip(".")
        sentence = (f"{how}: not enough nights to tell yet. {reason[0].upper()}{reason[1:]}"
                    + (f"; about {_plural(needed, 'more night')} would be needed." if needed else "."))
    else:
        numbers = ratio_words(ratio, low, high)
        if verdict in ("helps", "worse"):
            head = f"{change_words(ratio)} cramps on stretched nights"
        else:
            head = "no clear effect so far (the interval includes no change)"
        sentence = f"{how}: {head}, {numbers}."
        if randomised and verdict in ("helps", "worse"):
            sentence += (" In this person's own randomised test, the stretch "
                         + ("helps." if verdict == "helps" else "goes with more cramps."))
        if not randomised:
            sentence += " Suggestive only: something else that changed at the same time could explain it."
    return Stretching(design=s["design"], verdict=verdict, rate_ratio=ratio, ci_low=low, ci_high=high,
                      nights_analysed=nights, pairs_complete=s["pairs_complete"],
                      nights_needed=s["nights_needed"],
                      label="suggestive only" if estimated and not randomised else "",
                      sentence=sentence)


def _month(number: int | None) -> str:
    return MONTHS[number - 1] if number else ""


def _seasons(s: dict[str, Any]) -> Seasons:
    verdict, ratio = s["verdict"], _number(s["peak_to_trough"])
    peak = _month(s["peak_month"])
    span = s["peak_month_ci95"]
    peak_words = f"peak around {peak}" + (f" (95% CI {_month(span[0])}–{_month(span[1])})" if span else "")
    ratio_ci = s["peak_to_trough_ci95"]
    ratio_words_ = (f"{ratio:.1f} times the low season" + (f" (95% CI {ratio_ci[0]:.1f}–{ratio_ci[1]:.1f})"
                                                            if ratio_ci else "")) if ratio else ""
    chance = p_words(_number(s["p_value"]))
    p_text = f" ({chance})" if chance else ""
    if verdict == "seasonal":
        sentence = f"Seasonal{p_text}: {peak_words}" + (f", {ratio_words_}." if ratio_words_ else ".")
    elif verdict == "no_clear_pattern":
        sentence = (f"No clear seasonal pattern{p_text}: the fitted {peak_words}"
                    + (f", {ratio_words_}" if ratio_words_ else "") + ", could be chance.")
    else:
        sentence = f"Not enough data: {s['reason']}."
    population = (f"Population pattern (context): a peak in {_month(s['population_peak_month'])}, about "
                  f"{s['population_peak_to_trough']:g} times the low season.")
    return Seasons(verdict=verdict, peak_month=s["peak_month"], peak_month_name=peak, peak_to_trough=ratio,
                   sentence=sentence, population_sentence=population)


def _trend(t: dict[str, Any]) -> Trend:
    ratio, ci = _number(t["rate_ratio_per_year"]), t["rate_ratio_per_year_ci95"]
    if ratio is None or not ci:
        return Trend(None, None, None, "Not enough logged nights yet to see a trend.")
    numbers = f"{ratio:.2f} times the cramps a year later (95% CI {ci[0]:.2f}–{ci[1]:.2f})"
    if ci[0] <= 1 <= ci[1]:
        sentence = f"No clear change beyond the seasons: {numbers}."
    else:
        sentence = f"{'Rising' if ratio > 1 else 'Falling'} beyond the seasons: {numbers}."
    return Trend(ratio, ci[0], ci[1], sentence)


# ---- medicines --------------------------------------------------------------------------------------

def _linked_class(name: str) -> str:
    knowledge = load()
    for medicine in match_medicine(knowledge, name):
        for cid in medicine.classes:
            if knowledge.classes[cid].review:
                return knowledge.classes[cid].title
    return ""


def _is_quinine(name: str) -> bool:
    return any("quinine" in m.classes for m in match_medicine(load(), name))


def _medications(user: User, nights: Any, checks: list[dict[str, Any]], period_start: date,
                 period_end: date) -> tuple[MedicationLine, ...]:
    by_name = {c["medicine"]: c for c in checks}
    lines = []
    rows = Medication.objects.filter(user=user).order_by("started", "name")
    for med in sorted(rows, key=lambda m: (m.started is not None, m.started or date.min, m.name)):
        if (med.started is not None and med.started > period_end) or (med.stopped is not None
                                                                       and med.stopped < period_start):
            continue
        check = by_name.get(med.name)
        ratio = low = high = None
        rose: bool | None = None
        compared = "compared"
        if check is None:
            compared = "not_in_period"
            sentence = "No on/off comparison: it did not start or stop between the logged nights."
        elif check["skipped"]:
            compared = "too_few_nights"
            sentence = "Too few nights on and off it to compare yet."
        else:
            ratio, ci = _number(check["rate_ratio"]), check["ci95"]
            low, high = (ci[0], ci[1]) if ci else (None, None)
            more = ratio is not None and ratio > 1
            rose = bool(check["flagged"] and more)
            numbers = ratio_words(ratio, low, high) if ratio is not None else "not estimated"
            if check["flagged"]:
                sentence = f"{'More' if more else 'Fewer'} cramps while taking it: {numbers}."
            else:
                sentence = f"No clear difference on and off it: {numbers}."
        lines.append(MedicationLine(name=med.name, dose=med.dose, started=med.started, stopped=med.stopped,
                                    linked_class=_linked_class(med.name), rate_ratio=ratio, ci_low=low,
                                    ci_high=high, compared=compared, rose_after_start=rose,
                                    check_sentence=sentence))
    return tuple(lines)


def _named_by_finding(line: MedicationLine, names: frozenset[str]) -> MedicationLine:
    if normalise(line.name) not in names or line.rose_after_start:
        return line
    return replace(line, rose_after_start=True, check_sentence=(
        line.check_sentence + " Started in the year before the cramps began or got worse."))


# ---- findings -----------------------------------------------------------------------------------------

def _line(finding: EngineFinding, origin: str, because: tuple[str, ...]) -> FindingLine:
    return FindingLine(rule=finding.rule, tier=finding.urgency, tier_label=TIER_LABELS[finding.urgency],
                       tier_words=schema.TIER_WORDS[finding.urgency], title=finding.title, origin=origin,
                       because=because, sources=tuple(s.id for s in finding.sources))


def _answer_words(finding: EngineFinding) -> tuple[str, ...]:
    """What the answers were, for the doctor: "not sure" where the person was not sure; a sign that only
    repeats the finding's own title is left out (the line would say it twice)."""
    medicines = {hit.name for hit in finding.medicines}
    title = finding.title.strip().lower()
    words = []
    for key in (k for k in finding.because if k in schema.KEYS):
        same = schema.label(key).strip().lower() == title
        if key in finding.unsure:
            words.append("answered not sure" if same else f"{schema.label(key)}: not sure")
        elif not same:
            words.append(schema.label(key))
    words += [k for k in finding.because if k not in schema.KEYS and k not in medicines]
    words += [hit.name for hit in finding.medicines]
    return tuple(dict.fromkeys(words))


@dataclass(frozen=True)
class _Found:
    lines: tuple[FindingLine, ...]
    checked_on: date | None
    not_checked: tuple[str, ...]
    quinine: bool
    """The latest health check says quinine is taken."""
    medicines: frozenset[str]
    """Normalised names of the medicines a finding names as started before the cramps began or worsened."""


def _findings(user: User, day: date) -> _Found:
    latest = screening_services.latest(user)
    found: list[tuple[EngineFinding, str, tuple[str, ...]]] = []
    not_checked: tuple[str, ...] = ()
    checked_on = None
    quinine = False
    if latest is not None:
        checked_on = localize(latest.created_at, profile_of(user).time_zone).date()
        try:
            result = screening_services.result_of(latest)
        except ValueError:  # answers the current vocabulary no longer accepts count as not given
            result = None
        if result is not None:
            found += [(f, "health check", _answer_words(f)) for f in result.findings
                      if f.urgency != "self_care"]
            not_checked = tuple(u.title for u in sorted(result.unanswered,
                                                        key=lambda u: schema.tier_rank(u.urgency)))
        quinine = (latest.answers.get("quinine") or {}).get("takes") is True
    found += [(n.finding, "diary", n.because) for n in watch.notices(user, day)]
    order = {"health check": 0, "diary": 1}
    found.sort(key=lambda item: (schema.tier_rank(item[0].urgency), order[item[1]]))
    return _Found(lines=tuple(_line(*item) for item in found), checked_on=checked_on, not_checked=not_checked,
                  quinine=quinine, medicines=frozenset(normalise(hit.name) for f, _, _ in found
                                                       for hit in f.medicines))


def weeks_with_data(report: Report) -> tuple[Week, ...]:
    """The weeks that count (at least 4 nights logged): what the weekly chart draws."""
    return tuple(w for w in report.weeks if w.counts)


def stats_weeks_of(report: Report) -> tuple[Any, ...]:
    """The report's weeks as ``nightcramp.stats.weeks.Week`` objects, for the page's charts."""
    from nightcramp.stats import weeks as stats_weeks

    nan = math.nan
    return tuple(stats_weeks.Week(
        start=w.start, logged_nights=w.logged_nights, cramps=float(w.cramps),
        rate=w.cramps_per_week if w.cramps_per_week is not None else nan,
        ci95=(w.low, w.high) if w.low is not None and w.high is not None else None,
        worst_severity=float(w.worst_severity) if w.worst_severity is not None else nan, counts=w.counts)
        for w in report.weeks)

