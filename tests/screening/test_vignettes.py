"""Clinical vignettes written from the evidence file (sections 3, 5 and 9), each with its expected tier.

Every vignette starts from a fully answered "all no" questionnaire and changes only what it describes, so
the expected findings are exact.
"""

from __future__ import annotations

from typing import Any

import pytest

from nightcramp.screening.engine import screen
from tests.screening.helpers import build

VIGNETTES: list[tuple[str, dict[str, Any], str, set[str]]] = [
    ("72-year-old woman, calf cramps a few nights a week, nothing else",
     {}, "self_care", {"self_care_routine"}),
    ("Man ten days after knee surgery: swollen warm calf, then sudden breathlessness",
     {"conditions.recent_surgery_or_immobility": True, "symptoms.calf_swelling_warmth_or_redness": True,
      "symptoms.breathless_or_chest_pain": True},
     "emergency", {"chest_pain_or_breathlessness", "calf_clot_signs"}),
    ("Woman with sudden chest pain and no leg symptoms at all",
     {"symptoms.breathless_or_chest_pain": True}, "emergency", {"chest_pain_or_breathlessness"}),
    ("Man with a clot in the past, now suddenly breathless, calf looks normal",
     {"conditions.clot_history": True, "symptoms.breathless_or_chest_pain": True},
     "emergency", {"chest_pain_or_breathlessness"}),
    ("Woman three weeks after a hip operation, chest pain, calf normal",
     {"conditions.recent_surgery_or_immobility": True, "symptoms.breathless_or_chest_pain": True},
     "emergency", {"chest_pain_or_breathlessness"}),
    ("Not sure whether the chest tightness last night counts as chest pain",
     {"symptoms.breathless_or_chest_pain": "not_sure"}, "emergency", {"chest_pain_or_breathlessness"}),
    ("Pregnant woman in the third trimester with one swollen, red calf",
     {"pregnant": True, "symptoms.calf_swelling_warmth_or_redness": True},
     "same_day", {"calf_clot_signs", "pregnancy"}),
    ("Pregnant woman with ordinary night calf cramps",
     {"pregnant": True}, "routine", {"pregnancy"}),
    ("Calf cramp lasting 20 minutes that stretching and walking did not ease",
     {"symptoms.cramp_over_10_min_despite_stretching": True}, "same_day", {"cramp_over_10_minutes"}),
    ("Gardener with a soil-contaminated cut, then stiff muscles and cramps",
     {"symptoms.dirty_wound_or_toxin_exposure": True}, "emergency", {"wound_or_toxin_exposure"}),
    ("Man on quinine who has become confused in the evenings",
     {"quinine.takes": True, "quinine.confusion": True, "quinine.months_since_last_break": 1},
     "same_day", {"quinine_heart_vision_hearing"}),
    ("Not sure whether the muscles of the hand are getting weaker",
     {"symptoms.muscle_weakness_or_wasting": "not_sure"}, "soon", {"weakness_or_wasting"}),
    ("Last night's cramp lasted 14 minutes and stretching did not ease it (diary)",
     {"diary.long_unrelieved_cramp_nights_ago": 1}, "same_day", {"cramp_over_10_minutes"}),
    ("A cramp logged three weeks ago lasted 25 minutes and did not ease (diary)",
     {"diary.long_unrelieved_cramp_nights_ago": 21}, "soon", {"long_cramp_in_diary"}),
    ("Lasix started two months before the cramps began (a brand name)",
     {"medications": [{"name": "Lasix 40 mg", "started": "2026-01-01"}]},
     "routine", {"medicine_started_before_cramps"}),
    ("Symbicort inhaler started in the autumn before the cramps began (a combination brand)",
     {"medications": [{"name": "Symbicort Turbohaler 200/6", "started": "2025-10-01"}]},
     "routine", {"medicine_started_before_cramps"}),
    ("Woman on quinine for 5 months without a break, with nosebleeds and unexplained bruises",
     {"quinine.takes": True, "quinine.bleeding_or_bruising": True, "quinine.months_since_last_break": 5},
     "same_day", {"quinine_bleeding", "quinine_break_due"}),
    ("Man who started quinine last month and has palpitations and ringing in the ears",
     {"quinine.takes": True, "quinine.palpitations_fainting_vision_or_hearing": True,
      "quinine.months_since_last_break": 1},
     "same_day", {"quinine_heart_vision_hearing"}),
    ("Pregnant woman who was given quinine for cramps",
     {"pregnant": True, "quinine.takes": True}, "same_day", {"quinine_in_pregnancy", "pregnancy"}),
    ("58-year-old with cramps in the hands and thighs by day, twitching and a weaker grip",
     {"symptoms.cramps_in_other_muscles_or_by_day": True, "symptoms.muscle_twitching": True,
      "symptoms.muscle_weakness_or_wasting": True},
     "soon", {"cramps_elsewhere_or_by_day", "muscle_twitching", "weakness_or_wasting"}),
    ("Smoker whose calf hurts after 200 metres of walking and eases when he stops",
     {"symptoms.calf_pain_walking_eased_by_rest": True}, "routine", {"claudication_pattern"}),
    ("Evening urge to move the legs, eased by walking about, no hard knotted muscle",
     {"symptoms.urge_to_move_eased_by_moving": True}, "routine", {"restless_legs_pattern"}),
    ("Man on haemodialysis with cramps most nights",
     {"conditions.dialysis": True, "conditions.kidney_disease": True},
     "routine", {"kidney_disease_or_dialysis"}),
    ("Woman with cirrhosis and night cramps",
     {"conditions.cirrhosis": True}, "routine", {"cirrhosis"}),
    ("COPD: a salmeterol inhaler started two months before the cramps began",
     {"medications": [{"name": "Salmeterol 50 micrograms inhaler", "started": "2026-01-01"}]},
     "routine", {"medicine_started_before_cramps"}),
    ("Heart failure: spironolactone and furosemide started before the cramps worsened, a statin for years",
     {"medications": [{"name": "spironolactone 25 mg", "started": "2025-12-01"},
                      {"name": "Furosemide 40mg", "started": "2026-02-01"},
                      {"name": "simvastatin 40 mg", "started": "2012-05-01"}]},
     "routine", {"medicine_started_before_cramps"}),
    ("Person with diabetes and tingling, numb feet",
     {"conditions.diabetes": True, "symptoms.numbness_or_tingling": True},
     "routine", {"diabetes", "numbness_or_tingling"}),
    ("Woman with an underactive thyroid whose cramps wake her most nights",
     {"conditions.thyroid_disease": True, "symptoms.sleep_disrupted_often": True},
     "routine", {"thyroid_disease", "sleep_disrupted_often"}),
    ("Man with known peripheral arterial disease and night cramps",
     {"conditions.peripheral_arterial_disease": True}, "routine", {"peripheral_arterial_disease"}),
    ("Amlodipine and paracetamol, neither on the list: nothing to flag",
     {"medications": [{"name": "amlodipine 5 mg", "started": "2026-02-01"}, {"name": "paracetamol"}]},
     "self_care", {"self_care_routine"}),
    ("Bendroflumethiazide started three years before the cramps: outside the one-year window",
     {"medications": [{"name": "bendroflumethiazide", "started": "2023-01-01"}]},
     "self_care", {"self_care_routine"}),
]


@pytest.mark.parametrize(("story", "changes", "tier", "rules"), VIGNETTES, ids=[v[0][:40] for v in VIGNETTES])
def test_vignette_gets_the_expected_tier_and_rules(story: str, changes: dict[str, Any], tier: str,
                                                   rules: set[str]) -> None:
    answers, diary = build(changes)
    result = screen(answers, diary_facts=diary)
    assert result.urgency == tier, story
    assert {f.rule for f in result.findings} == rules, story
    assert result.unanswered == ()


def test_there_are_at_least_fifteen_vignettes_covering_every_tier() -> None:
    assert len(VIGNETTES) >= 15
    assert {v[2] for v in VIGNETTES} == {"emergency", "same_day", "soon", "routine", "self_care"}
