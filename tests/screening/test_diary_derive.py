"""derive(): the diary facts the rules read, with their windows and minimums (no Django, no database)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from math import comb

import pytest

from nightcramp.screening.answers import parse
from nightcramp.screening.diary_facts import (
    EpisodeFact,
    MedicationFact,
    NightFact,
    derive,
    examine,
    rise_p_value,
    upper_tail,
)
from nightcramp.screening.engine import screen
from tests.screening.helpers import negative_answers

TODAY = date(2026, 7, 10)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def cramp(days_ago: int = 1, seconds: int | None = None, muscle: str = "calf", daytime: bool = False
          ) -> EpisodeFact:
    return EpisodeFact(night=ago(days_ago), duration_s=seconds, muscle=muscle, daytime=daytime)


def fired(facts: dict[str, object]) -> list[str]:
    return [f.rule for f in screen(negative_answers(), diary_facts=facts).findings]


def spread(total: int, nights: int) -> list[int]:
    """``total`` cramps over ``nights`` nights, as evenly as whole numbers allow."""
    return [total // nights + (1 if i < total % nights else 0) for i in range(nights)]


def diary(recent: int, earlier: int, newest: int = 0, gap: int = 0) -> list[NightFact]:
    """84 logged nights, one a night, the newest ``newest`` days ago: 56 holding ``earlier`` cramps,
    then 28 holding ``recent``. ``gap`` nights that were not logged sit between each logged night."""
    counts = spread(earlier, 56) + spread(recent, 28)
    step = gap + 1
    oldest = newest + step * (len(counts) - 1)
    nights = [NightFact(ago(oldest - i * step), c) for i, c in enumerate(counts)]
    unlogged = [NightFact(ago(oldest - i * step - g - 1), None) for i in range(len(counts) - 1)
                for g in range(gap)]
    return nights + unlogged


def exact_tail(k: int, n: int, p: Fraction) -> Fraction:
    return sum((comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)), Fraction(0))


# ---- a long cramp that did not ease -------------------------------------------------------------

def unrelieved(days_ago: int = 1, seconds: int = 1500, relief: str = "stretch",
               helped: bool | None = False, day: date | None = None) -> EpisodeFact:
    return EpisodeFact(night=ago(days_ago), duration_s=seconds, muscle="calf", daytime=False, day=day,
                       relief=relief, relief_helped=helped)


@pytest.mark.parametrize(("seconds", "fires"), [(600, False), (601, True), (660, True), (900, True)])
def test_a_cramp_fires_the_same_day_rule_only_when_longer_than_ten_minutes(seconds: int, fires: bool) -> None:
    facts = derive([unrelieved(seconds=seconds), cramp(seconds=30)], [], [], TODAY)
    assert ("cramp_over_10_minutes" in fired(facts)) is fires
    assert facts.get("long_unrelieved_cramp_nights_ago") == (1 if fires else None)


@pytest.mark.parametrize(("relief", "helped"), [
    ("", None), ("stretch", True), ("walk", True), ("stretch", None), ("massage", False), ("none", None),
    ("heat", False)])
def test_a_long_cramp_alone_is_not_a_red_flag(relief: str, helped: bool | None) -> None:
    """The red flag is more than 10 minutes *and* not easing with stretching or walking (evidence 5.4)."""
    assert derive([unrelieved(seconds=1500, relief=relief, helped=helped)], [], [], TODAY) == {}


@pytest.mark.parametrize("relief", ["stretch", "walk"])
def test_a_long_cramp_that_stretching_or_walking_did_not_ease_counts(relief: str) -> None:
    facts = derive([unrelieved(relief=relief, helped=False)], [], [], TODAY)
    assert facts == {"long_unrelieved_cramp_nights_ago": 1}


@pytest.mark.parametrize(("days_ago", "rule"), [
    (0, "cramp_over_10_minutes"), (1, "cramp_over_10_minutes"), (2, "long_cramp_in_diary"),
    (30, "long_cramp_in_diary"), (89, "long_cramp_in_diary")])
def test_the_advice_fits_when_the_long_cramp_happened(days_ago: int, rule: str) -> None:
    """Tonight or last night: get advice today. Older: see a doctor soon, never "today" about old news."""
    facts = derive([unrelieved(days_ago=days_ago)], [], [], TODAY)
    assert fired(facts) == [rule]
    tiers = {f.rule: f.urgency for f in screen(negative_answers(), diary_facts=facts).findings}
    assert tiers[rule] == ("same_day" if days_ago <= 1 else "soon")


def test_the_latest_long_cramp_decides_and_only_the_last_ninety_nights_count() -> None:
    both = derive([unrelieved(days_ago=40), unrelieved(days_ago=1)], [], [], TODAY)
    assert both == {"long_unrelieved_cramp_nights_ago": 1}
    assert derive([unrelieved(days_ago=90)], [], [], TODAY) == {}
    assert derive([unrelieved(days_ago=89)], [], [], TODAY) == {"long_unrelieved_cramp_nights_ago": 89}
    assert derive([unrelieved(days_ago=-1)], [], [], TODAY) == {}  # a night after today


def test_the_long_cramp_is_named_in_plain_words() -> None:
    long_one = EpisodeFact(night=date(2026, 3, 2), duration_s=1500, muscle="calf", daytime=False,
                           day=date(2026, 3, 3), relief="stretch", relief_helped=False)
    reasons = examine([long_one, cramp(seconds=60)], [], [], date(2026, 3, 20)).reasons
    assert reasons == {"diary.long_unrelieved_cramp_nights_ago":
                       "a cramp of 25 minutes on 3 March that did not ease with stretching"}
    new_year = EpisodeFact(night=date(2025, 12, 20), duration_s=900, muscle="", daytime=False, relief="walk",
                           relief_helped=False)
    chip = examine([new_year], [], [], date(2026, 1, 5)).reasons
    assert chip == {"diary.long_unrelieved_cramp_nights_ago": "a cramp logged as lasting over 10 minutes on "
                                                              "20 December 2025 that did not ease with "
                                                              "standing and walking"}
    odd = examine([unrelieved(seconds=601)], [], [], TODAY).reasons["diary.long_unrelieved_cramp_nights_ago"]
    assert odd == "a cramp of 10 min 1 s on 9 July that did not ease with stretching"


# ---- cramps elsewhere and by day -----------------------------------------------------------------

def test_the_muscle_share_needs_four_cramps_with_a_muscle_noted() -> None:
    three = [cramp(muscle="hamstring"), cramp(muscle="quadriceps"), cramp(muscle="calf"), cramp(muscle="")]
    assert "share_outside_calf_foot" not in derive(three, [], [], TODAY)
    four = [*three, cramp(muscle="foot")]
    facts = derive(four, [], [], TODAY)
    assert facts["share_outside_calf_foot"] == 0.5
    assert fired(facts) == ["cramps_elsewhere_or_by_day"]
    reason = examine(four, [], [], TODAY).reasons["diary.share_outside_calf_foot"]
    assert reason == ("50% of cramps outside the calf and foot in the last 90 days "
                      "(2 of the 4 with a muscle noted)")


def test_one_cramp_elsewhere_is_not_often() -> None:
    one_odd = [cramp(muscle="hamstring"), cramp(muscle="calf"), cramp(muscle="calf"), cramp(muscle="foot")]
    assert derive(one_odd, [], [], TODAY) == {}
    assert derive(one_odd + [cramp(muscle="other")], [], [], TODAY)["share_outside_calf_foot"] == 0.4


def test_the_daytime_share_needs_four_cramps_two_of_them_by_day() -> None:
    three = [cramp(daytime=True), cramp(daytime=True), cramp()]
    assert derive(three, [], [], TODAY) == {}
    facts = derive([*three, cramp()], [], [], TODAY)
    assert facts == {"share_daytime": 0.5}
    assert fired(facts) == ["cramps_elsewhere_or_by_day"]
    assert derive([cramp(daytime=True), cramp(), cramp(), cramp()], [], [], TODAY) == {}


def test_cramps_older_than_ninety_nights_do_not_count_towards_the_shares() -> None:
    old = [cramp(days_ago=95, muscle="hamstring", daytime=True) for _ in range(3)]
    recent = [cramp(days_ago=3) for _ in range(4)]
    assert derive(old + recent, [], [], TODAY) == {}


# ---- a clear rise --------------------------------------------------------------------------------

def test_a_clear_rise_reports_its_first_night_and_the_ratio() -> None:
    derivation = examine([], diary(recent=14, earlier=9), [], TODAY)
    assert derivation.facts == {"cramps_began_or_worsened": ago(27).isoformat(), "clear_rise_ratio": 3.11}
    assert derivation.rise is not None and derivation.rise.p_value == pytest.approx(0.0061927, rel=1e-4)
    assert fired(derivation.facts) == ["cramps_more_frequent"]
    assert derivation.reasons["diary.clear_rise_ratio"] == (
        "3.11 times as many cramps a night in your last 28 logged nights (from 13 June: 14 cramps) as in the "
        "56 logged nights before them (9 cramps)")


@pytest.mark.parametrize(("recent", "earlier", "clear"), [
    (14, 9, True),    # 3.1-fold, p = 0.0062
    (14, 10, False),  # 2.8-fold, p = 0.0103: could be chance
    (15, 11, True),   # p = 0.0092
    (15, 12, False),  # p = 0.0144
    (26, 26, True),   # exactly twice, p = 0.0095
    (25, 25, False),  # exactly twice, p = 0.0108
    (60, 61, False),  # p well below 0.01, but less than twice as many
    (7, 0, False),    # from none to 7: fewer than 8 cramps
    (8, 0, True),     # from none to 8
])
def test_a_rise_is_clear_only_when_twofold_unlikely_by_chance_and_large_enough(
        recent: int, earlier: int, clear: bool) -> None:
    facts = derive([], diary(recent, earlier), [], TODAY)
    assert ("clear_rise_ratio" in facts) is clear
    assert ("cramps_began_or_worsened" in facts) is clear
    p = exact_tail(recent, recent + earlier, Fraction(1, 3))
    assert rise_p_value(recent, earlier) == pytest.approx(float(p), rel=1e-9)
    if (recent, earlier) == (60, 61):
        assert p < Fraction(1, 100)


def test_an_empty_baseline_counts_as_half_a_cramp() -> None:
    assert derive([], diary(8, 0), [], TODAY)["clear_rise_ratio"] == 32


def test_nights_that_were_not_logged_do_not_count_as_nights_without_cramps() -> None:
    # Logged every other night: still 28 against 56 logged nights, the unlogged ones in between skipped.
    facts = derive([], diary(14, 9, gap=1), [], TODAY)
    assert facts["cramps_began_or_worsened"] == ago(54).isoformat()
    # Counting the unlogged nights as nights with no cramps would halve both rates alike.
    assert facts["clear_rise_ratio"] == 3.11


def test_a_rise_needs_eighty_four_logged_nights() -> None:
    nights = diary(14, 9)
    oldest = min(n.date for n in nights)
    assert "clear_rise_ratio" not in derive([], [n for n in nights if n.date != oldest], [], TODAY)


def test_a_rise_is_only_reported_while_it_is_recent() -> None:
    # The first of the recent 28 logged nights may be at most 56 days old.
    assert "clear_rise_ratio" in derive([], diary(14, 9, newest=29), [], TODAY)
    assert "clear_rise_ratio" not in derive([], diary(14, 9, newest=30), [], TODAY)


def test_nights_older_than_182_days_never_count() -> None:
    nights = diary(14, 9)
    oldest = min(nights, key=lambda n: n.date)
    for days, counted in ((181, True), (182, False)):
        moved = [NightFact(ago(days), n.cramps) if n == oldest else n for n in nights]
        assert ("clear_rise_ratio" in derive([], moved, [], TODAY)) is counted


def test_a_night_counts_every_cramp_it_holds() -> None:
    # One night of 8 (logged one by one or as a summary count) after 83 quiet nights is a clear rise.
    nights = [NightFact(ago(83 - i), 0) for i in range(56)] + [NightFact(ago(27 - i), 0) for i in range(28)]
    nights[60] = NightFact(nights[60].date, 8)
    assert derive([], nights, [], TODAY)["clear_rise_ratio"] == 32


def test_the_exact_tail_matches_exact_fractions() -> None:
    for k, n, p in [(1, 1, Fraction(1, 3)), (5, 9, Fraction(1, 3)), (30, 40, Fraction(1, 2)),
                    (0, 12, Fraction(1, 4)), (13, 12, Fraction(1, 3)), (200, 400, Fraction(1, 3))]:
        assert upper_tail(k, n, float(p)) == pytest.approx(float(exact_tail(k, n, p)), rel=1e-9, abs=1e-300)


# ---- medicines -----------------------------------------------------------------------------------

def test_medicines_taken_now_are_listed_with_their_start() -> None:
    meds = [MedicationFact("Eplerenone 25 mg", ago(100)), MedicationFact("Atorvastatin", None),
            MedicationFact("Furosemide", ago(300), stopped=ago(200)), MedicationFact("  ", ago(5)),
            MedicationFact("Salbutamol", ago(40), stopped=TODAY)]
    assert derive([], [], meds, TODAY) == {"medications": [
        {"name": "Eplerenone 25 mg", "started": ago(100).isoformat()},
        {"name": "Atorvastatin", "started": None},
        {"name": "Salbutamol", "started": ago(40).isoformat()},
    ]}


def test_during_a_rise_medicines_stopped_since_it_began_are_listed_too() -> None:
    began = ago(27)
    meds = [MedicationFact("Bendroflumethiazide", ago(60), stopped=began + timedelta(days=3)),
            MedicationFact("Simvastatin", ago(200), stopped=began - timedelta(days=1)),
            MedicationFact("Quinine sulfate 200 mg", ago(90), stopped=ago(2))]
    facts = derive([], diary(14, 9), meds, TODAY)
    assert facts["medications"] == [{"name": "Bendroflumethiazide", "started": ago(60).isoformat()}]
    assert "medications" not in derive([], diary(14, 10), meds, TODAY)


def test_a_medicine_started_before_the_rise_is_flagged_one_started_after_it_is_not() -> None:
    began = ago(27)
    before = derive([], diary(14, 9), [MedicationFact("Eplerenone", began - timedelta(days=20))], TODAY)
    assert fired(before) == ["medicine_started_before_cramps", "cramps_more_frequent"]
    after = derive([], diary(14, 9), [MedicationFact("Eplerenone", began + timedelta(days=1))], TODAY)
    assert fired(after) == ["cramps_more_frequent"]
    no_rise = derive([], diary(14, 10), [MedicationFact("Eplerenone", began - timedelta(days=20))], TODAY)
    assert fired(no_rise) == ["self_care_routine"]


def test_everything_derive_returns_has_the_documented_shape() -> None:
    facts = derive([EpisodeFact(night=ago(1), duration_s=1200, muscle="hamstring", daytime=True,
                                relief="stretch", relief_helped=False) for _ in range(4)],
                   diary(14, 9), [MedicationFact("Eplerenone", ago(50))], TODAY)
    assert set(facts) == {"long_unrelieved_cramp_nights_ago", "share_outside_calf_foot", "share_daytime",
                          "cramps_began_or_worsened", "clear_rise_ratio", "medications"}
    parse({}, facts)  # raises on a shape the engine does not accept
    assert derive([], [], [], TODAY) == {}
