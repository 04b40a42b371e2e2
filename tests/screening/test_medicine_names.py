"""Typed medicine names are matched after lowercasing and removing doses, forms and salts."""

from __future__ import annotations

import pytest

from nightcramp.knowledge import load, match_medicine
from nightcramp.knowledge.medicine_names import normalise


@pytest.mark.parametrize(("typed", "generic"), [
    ("Bendroflumethiazide 2.5 mg tablets", "bendroflumethiazide"),
    ("FRUSEMIDE 40MG", "furosemide"),
    ("Albuterol inhaler", "salbutamol"),
    ("Atorvastatin calcium 20mg once daily", "atorvastatin"),
    ("Salmeterol/Fluticasone 50/250 inhaler", "fluticasone+salmeterol"),
    ("fluticasone propionate + salmeterol", "fluticasone+salmeterol"),
    ("Symbicort 200/6 (budesonide/formoterol)", "budesonide+formoterol"),
    ("Nifedipine MR 30 mg", "nifedipine"),
    ("IV iron sucrose", "iron sucrose"),
    ("Conjugated estrogens 0.625 mg", "conjugated oestrogens"),
    ("co-amilozide", "amiloride+hydrochlorothiazide"),
    ("Quinine sulphate 200 mg at night", "quinine"),
    ("chlorthalidone", "chlortalidone"),
])
def test_it_matches_typed_names_to_the_generic(typed: str, generic: str) -> None:
    assert [m.name for m in match_medicine(load(), typed)] == [generic]


def test_it_matches_each_known_part_of_an_unlisted_combination() -> None:
    names = [m.name for m in match_medicine(load(), "losartan/hydrochlorothiazide 50/12.5")]
    assert names == ["hydrochlorothiazide"]


@pytest.mark.parametrize("typed", ["paracetamol", "20 mg", "vitamin D", "amlodipine 5mg"])
def test_it_does_not_match_unlisted_names(typed: str) -> None:
    assert match_medicine(load(), typed) == []


def test_it_normalises_combinations_in_a_fixed_order() -> None:
    assert normalise("Salmeterol + Fluticasone") == "fluticasone+salmeterol"
    assert normalise("fluticasone/salmeterol") == "fluticasone+salmeterol"
