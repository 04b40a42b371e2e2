"""How a medicine name as a person types it becomes a lookup key: lowercase, no doses, no forms or salts.

``"Bendroflumethiazide 2.5 mg tablets"`` -> ``"bendroflumethiazide"``;
``"Salmeterol/Fluticasone 50/250 inhaler"`` -> ``"fluticasone+salmeterol"`` (parts sorted, joined by "+").
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"\s*(?:/|\+|&|,|;|\band\b|\bwith\b)\s*")
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|micrograms?|milligrams?|g|grams?|ml|units?|iu|%|mmol)?(?=\s|$)"
)
_NOISE = """
    tablet tablets tab tabs capsule capsules caps inhaler inhalers inhalation inhaled injection injections
    infusion infusions oral solution suspension syrup liquid cream gel patch patches spray evohaler
    accuhaler turbohaler diskus easyhaler ellipta mr sr xl er la cr modified prolonged release retard
    once twice daily a day at night morning evening nightly weekly bd od tds qds prn as needed puff puffs
    dose doses each every
    sodium calcium hydrochloride hcl sulfate sulphate bisulfate bisulphate propionate furoate xinafoate
    fumarate dihydrate monohydrate maleate besilate besylate bromide tartrate succinate mesilate mesylate
    carbonate citrate phosphate acetate
"""
_NOISE_WORDS = frozenset(_NOISE.split())


def _clean_part(part: str) -> str:
    part = _DOSE.sub(" ", part)
    words = [w for w in re.split(r"\s+", part.strip()) if w and w not in _NOISE_WORDS and not w.isdigit()]
    return " ".join(words)


def name_parts(text: str) -> list[str]:
    """The cleaned, sorted, de-duplicated ingredient parts of a typed medicine name."""
    text = text.lower().replace("(", " ").replace(")", " ")
    parts = {_clean_part(p) for p in _SEPARATORS.split(text)}
    return sorted(p for p in parts if p)


def normalise(text: str) -> str:
    """The lookup key for a typed medicine name ("" when nothing is left, e.g. "20 mg")."""
    return "+".join(name_parts(text))
