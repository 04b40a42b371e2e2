"""The medication review flags listed medicines started in the year up to the day cramps began or worsened."""

from __future__ import annotations

from nightcramp.screening.engine import screen
from tests.screening.helpers import build


def _review(medications: list[dict[str, object]], began: str | None = "2026-03-01"):  # type: ignore[no-untyped-def]
    answers, _ = build({"medications": medications, "cramps_began_or_worsened": began})
    return screen(answers)


def test_it_names_several_medicines_with_their_class_strength() -> None:
    result = _review([{"name": "Salmeterol/Fluticasone 50/500", "started": "2025-10-01"},
                      {"name": "Indapamide 1.5mg MR", "started": "2026-03-01"},
                      {"name": "Ramipril 5 mg", "started": "2026-01-01"}])
    (finding,) = result.findings
    assert finding.rule == "medicine_started_before_cramps" and finding.urgency == "routine"
    assert finding.because == ("Salmeterol/Fluticasone 50/500", "Indapamide 1.5mg MR")
    by_name = {m.matched: m for m in finding.medicines}
    assert by_name["fluticasone+salmeterol"].atc == "R03AK06"
    assert "2.55 (95% CI 2.06-3.12)" in by_name["fluticasone+salmeterol"].classes[0]["association"]
    assert "1.48 (95% CI 1.29-1.68)" in by_name["indapamide"].classes[0]["association"]
    assert [m.name for m in result.unrecognised_medicines] == ["Ramipril 5 mg"]


def test_the_advice_never_says_stop() -> None:
    (finding,) = _review([{"name": "atorvastatin", "started": "2026-02-01"}]).findings
    assert "Do not stop or change a prescribed medicine on your own" in finding.advice


def test_a_medicine_started_after_the_cramps_began_is_not_flagged() -> None:
    assert _review([{"name": "atorvastatin", "started": "2026-03-02"}]).urgency == "self_care"


def test_the_window_is_one_year_before_the_cramps() -> None:
    assert _review([{"name": "raloxifene", "started": "2025-03-01"}]).urgency == "routine"
    assert _review([{"name": "raloxifene", "started": "2025-02-28"}]).urgency == "self_care"


def test_an_unknown_cramps_date_leaves_the_review_open() -> None:
    result = _review([{"name": "nifedipine", "started": "2026-01-01"}], began=None)
    assert result.findings == ()
    assert [u.rule for u in result.unanswered] == ["medicine_started_before_cramps"]
    assert result.unanswered[0].missing[0]["key"] == "cramps_began_or_worsened"


def test_listing_quinine_counts_as_taking_it() -> None:
    answers, _ = build({"medications": [{"name": "quinine sulfate 200mg", "started": "2024-01-01"}],
                        "quinine.months_since_last_break": 6})
    del answers["quinine"]["takes"]
    assert [f.rule for f in screen(answers).findings] == ["quinine_break_due"]


def test_quinine_is_never_suggested_as_treatment() -> None:
    from nightcramp.knowledge import load

    for rule in load().rules:
        if not rule.id.startswith("quinine") and rule.id != "pregnancy":
            assert "quinine" not in rule.advice.lower(), rule.id
