"""How a medicine name as a person types it becomes words to look up: lowercase, no doses, no forms or salts.

``normalise`` gives one key per typed name (used to tell typed names apart):
``"Bendroflumethiazide 2.5 mg tablets"`` -> ``"bendroflumethiazide"``;
``"Salmeterol/Fluticasone 50/250 inhaler"`` -> ``"fluticasone+salmeterol"`` (parts sorted, joined by "+").

``segments`` gives the words the matcher scans: brackets and separators ("/", "+", "and", "with", ...) end a
segment, hyphens split words, and doses, forms and salts are dropped, so ``"Lipitor (atorvastatin) 20mg"``
-> ``[["lipitor"], ["atorvastatin"]]`` and ``"co-amilofruse 5/40"`` -> ``[["co", "amilofruse"]]``.
``find_phrases`` then finds the known names among those words (longest first), skipping unknown words.

``sounds_like`` and ``closeness`` serve the "did you mean" suggestions (standard library difflib).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

_SEPARATORS = re.compile(r"\s*(?:/|\+|&|,|;|\band\b|\bwith\b)\s*")
_BOUNDARIES = re.compile(r"\s*(?:/|\+|&|,|;|\(|\)|\[|\]|\band\b|\bwith\b)\s*")
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|micrograms?|milligrams?|g|grams?|ml|units?|iu|%|mmol)?(?=\s|$)"
)
_NOISE = """
    tablet tablets tab tabs capsule capsules caps inhaler inhalers inhalation inhaled injection injections
    infusion infusions oral solution suspension syrup liquid cream gel patch patches spray evohaler
    accuhaler turbohaler turbuhaler diskus easyhaler ellipta mr sr xl er la cr modified prolonged release
    retard
    once twice daily a day at night morning evening nightly weekly bd od tds qds prn as needed puff puffs
    dose doses each every
    sodium calcium hydrochloride hcl sulfate sulphate bisulfate bisulphate propionate furoate xinafoate
    fumarate dihydrate monohydrate maleate besilate besylate bromide tartrate succinate mesilate mesylate
    carbonate citrate phosphate acetate
"""
_NOISE_WORDS = frozenset(_NOISE.split())
_WORD_SPLIT = re.compile(r"[\s\-‐‑–—.]+")


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


def _words(segment: str) -> list[str]:
    segment = _DOSE.sub(" ", segment)
    words = []
    for word in _WORD_SPLIT.split(segment):
        word = word.strip("'\"`*:!?")
        if word and word not in _NOISE_WORDS and not any(ch.isdigit() for ch in word):
            words.append(word)
    return words


def segments(text: str) -> list[list[str]]:
    """The cleaned words of a typed name, in order, split where a bracket or a separator stands."""
    found = (_words(part) for part in _BOUNDARIES.split(text.lower()))
    return [words for words in found if words]


def phrases(name: str) -> set[tuple[str, ...]]:
    """The word sequences under which a known name is looked up: its words, and hyphenated or spaced
    names also written as one word ("co-amilofruse" -> ("co", "amilofruse") and ("coamilofruse",))."""
    found: set[tuple[str, ...]] = set()
    for words in segments(name):
        found.add(tuple(words))
        if len(words) > 1:
            found.add(("".join(words),))
    return found


def find_phrases(
    text: str, index: Mapping[tuple[str, ...], frozenset[str]], longest: int
) -> list[tuple[int, frozenset[str]]]:
    """(word position, ingredients) of each known phrase in ``text``, longest first; unknown words skipped."""
    found: list[tuple[int, frozenset[str]]] = []
    position = 0
    for words in segments(text):
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + longest), start, -1):
                hit = index.get(tuple(words[start:end]))
                if hit is not None:
                    found.append((position + start, hit))
                    start = end
                    break
            else:
                start += 1
        position += len(words)
    return found


_SOUNDS = ((r"ph", "f"), (r"ck", "k"), (r"x", "ks"), (r"qu", "kw"), (r"c(?=[eiy])", "s"), (r"c", "k"),
           (r"y", "i"), (r"z", "s"), (r"th", "t"), (r"(.)\1+", r"\1"), (r"e$", ""))


def sounds_like(word: str) -> str:
    """A rough spelling of how a word sounds, so "lasics" and "lasix" compare equal ("lasiks")."""
    for pattern, replacement in _SOUNDS:
        word = re.sub(pattern, replacement, word)
    return word


def closeness(typed: str, known: str) -> float:
    """How alike two names are, 0 to 1: the better of difflib's ratio on the letters and on the sounds."""
    letters = difflib.SequenceMatcher(None, typed, known).ratio()
    sounds = difflib.SequenceMatcher(None, sounds_like(typed), sounds_like(known)).ratio()
    return max(letters, sounds)
