"""Typed medicine names are matched as people type them: generic or brand, in any case and order, with doses,
forms and unknown words around them; combinations resolve to every listed part; typos get suggestions."""

from __future__ import annotations

import pytest

from nightcramp.knowledge import load, match_medicine, recognised_as, suggest_medicines
from nightcramp.knowledge.loader import COUNTRIES, SUGGESTION_CUTOFF
from nightcramp.knowledge.medicine_names import closeness, normalise


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
    ("co amilozide", "amiloride+hydrochlorothiazide"),
    ("Quinine sulphate 200 mg at night", "quinine"),
    ("chlorthalidone", "chlortalidone"),
    ("budesonide/eformoterol", "budesonide+formoterol"),
    ("beclomethasone/formoterol", "beclometasone+formoterol"),
])
def test_it_matches_typed_names_to_the_generic(typed: str, generic: str) -> None:
    assert [m.name for m in match_medicine(load(), typed)] == [generic]


# brand, the generic as people write it (parts in any order, "/" or a space), a dose and form, and the
# listed medicine(s) it must give: a brand of parts that are not one listed entry gives every listed part.
BRANDS = [
    ("Aldactone", "spironolactone", "25 mg tablets", ["spironolactone"]),
    ("Lasix", "furosemide", "40mg tablet", ["furosemide"]),
    ("Lipitor", "atorvastatin", "20 mg at night", ["atorvastatin"]),
    ("Zocor", "simvastatin", "40mg", ["simvastatin"]),
    ("Advair", "fluticasone/salmeterol", "Diskus 250/50", ["fluticasone+salmeterol"]),
    ("Seretide", "salmeterol/fluticasone", "250 Accuhaler", ["fluticasone+salmeterol"]),
    ("Symbicort", "budesonide formoterol", "Turbuhaler 200/6", ["budesonide+formoterol"]),
    ("Evista", "raloxifene", "60 mg", ["raloxifene"]),
    ("Forteo", "teriparatide", "20 mcg pen", ["teriparatide"]),
    ("Adalat", "nifedipine", "LA 30 mg", ["nifedipine"]),
    ("Ventolin", "salbutamol", "100 micrograms inhaler", ["salbutamol"]),
    ("Premarin", "conjugated estrogens", "0.625 mg", ["conjugated oestrogens"]),
    ("Qualaquin", "quinine sulfate", "324 mg capsules", ["quinine"]),
    ("Moduretic", "amiloride/hydrochlorothiazide", "5/50", ["amiloride+hydrochlorothiazide"]),
    ("Frumil", "co-amilofruse", "5/40 tablets", ["amiloride+furosemide"]),
    ("Aldactazide", "spironolactone/HCTZ", "25/25", ["hydrochlorothiazide", "spironolactone"]),
    ("Dyazide", "triamterene/hydrochlorothiazide", "37.5/25", ["hydrochlorothiazide", "triamterene"]),
    ("Maxzide", "triamterene-hydrochlorothiazide", "75/50", ["hydrochlorothiazide", "triamterene"]),
    ("Lasilactone", "spironolactone/furosemide", "50/20 capsules", ["furosemide", "spironolactone"]),
    ("Vytorin", "ezetimibe/simvastatin", "10/40", ["simvastatin"]),
    ("Inegy", "ezetimibe and simvastatin", "10/20 mg", ["simvastatin"]),
    ("Caduet", "amlodipine/atorvastatin", "5/10", ["atorvastatin"]),
    ("Relvar", "fluticasone furoate/vilanterol", "Ellipta 92/22", ["fluticasone+vilanterol"]),
    ("Breo", "fluticasone vilanterol", "Ellipta 100/25", ["fluticasone+vilanterol"]),
    ("Trelegy", "fluticasone/umeclidinium/vilanterol", "Ellipta 92/55/22", ["fluticasone+vilanterol"]),
    ("Fostair", "beclometasone/formoterol", "100/6 NEXThaler", ["beclometasone+formoterol"]),
    ("Trimbow", "beclometasone/formoterol/glycopyrronium", "87/5/9", ["beclometasone+formoterol"]),
    ("Flutiform", "fluticasone/formoterol", "125/5 inhaler", ["fluticasone+formoterol"]),
    ("Dulera", "mometasone/formoterol", "200/5 inhaler", ["formoterol+mometasone"]),
    ("Zenhale", "mometasone formoterol", "100/5", ["formoterol+mometasone"]),
    ("Crestor", "rosuvastatin", "10 mg", ["rosuvastatin"]),
    ("Pravachol", "pravastatin", "40 mg", ["pravastatin"]),
    ("Lipostat", "pravastatin sodium", "20 mg", ["pravastatin"]),
    ("Serevent", "salmeterol", "Accuhaler 50", ["salmeterol"]),
    ("Oxis", "eformoterol", "Turbuhaler 12", ["formoterol"]),
    ("Onbrez", "indacaterol", "Breezhaler 150", ["indacaterol"]),
    ("Striverdi", "olodaterol", "Respimat 2.5", ["olodaterol"]),
    ("Anoro", "umeclidinium/vilanterol", "Ellipta 55/22", ["vilanterol"]),
    ("Spiolto", "tiotropium/olodaterol", "Respimat 2.5/2.5", ["olodaterol"]),
    ("Bricanyl", "terbutaline", "Turbohaler 500", ["terbutaline"]),
    ("Venofer", "iron sucrose", "200 mg infusion", ["iron sucrose"]),
    ("Naprosyn", "naproxen", "500 mg", ["naproxen"]),
    ("Procardia", "nifedipine", "XL 30 mg", ["nifedipine"]),
    ("Inspra", "eplerenone", "25 mg", ["eplerenone"]),
    ("Natrilix", "indapamide", "SR 1.5 mg", ["indapamide"]),
    ("Celebrex", "celecoxib", "200 mg capsules", ["celecoxib"]),
    ("Neurontin", "gabapentin", "300 mg", ["gabapentin"]),
    ("Stilnox", "zolpidem tartrate", "10 mg at night", ["zolpidem"]),
    ("Rivotril", "clonazepam", "0.5 mg", ["clonazepam"]),
    ("Glivec", "imatinib", "400 mg", ["imatinib"]),
    ("Sortis", "atorvastatin", "40 mg", ["atorvastatin"]),
    ("Viani", "salmeterol/fluticasone", "50/250", ["fluticasone+salmeterol"]),
    ("Sultanol", "salbutamol", "Dosieraerosol 100", ["salbutamol"]),
    ("Combivent", "ipratropium/salbutamol", "Respimat", ["salbutamol"]),
    ("Priadel", "lithium carbonate", "400 mg", ["lithium"]),
    ("Forsteo", "teriparatide", "20 micrograms", ["teriparatide"]),
    ("Tenoretic", "atenolol/chlortalidone", "50/12.5", ["chlortalidone"]),
    ("Hyzaar", "losartan/hydrochlorothiazide", "50/12.5", ["hydrochlorothiazide"]),
    ("MS Contin", "morphine sulfate", "30 mg", ["morphine"]),
    ("Breztri", "budesonide/glycopyrronium/formoterol", "Aerosphere 160/9/4.8", ["budesonide+formoterol"]),
]


def _five_ways(brand: str, generic: str, dose: str) -> list[str]:
    return [brand, f"  {brand.upper()}   {dose.upper()} ", f"{brand} {dose}", f"{brand} ({generic}) {dose}",
            f"{generic} ({brand})"]


@pytest.mark.parametrize(("brand", "generic", "dose", "expected"), BRANDS, ids=[row[0] for row in BRANDS])
def test_a_brand_typed_five_ways_gives_its_generics(brand: str, generic: str, dose: str,
                                                     expected: list[str]) -> None:
    knowledge = load()
    for typed in _five_ways(brand, generic, dose):
        assert sorted(m.name for m in match_medicine(knowledge, typed)) == expected, typed


def test_the_parts_of_a_brand_that_is_no_one_entry_come_in_the_order_typed() -> None:
    names = [m.name for m in match_medicine(load(), "spironolactone/furosemide (Lasilactone)")]
    assert names == ["spironolactone", "furosemide"]


def test_the_table_holds_every_brand_the_review_named_and_at_least_40() -> None:
    named = {"Aldactone", "Lasix", "Lipitor", "Zocor", "Advair", "Seretide", "Symbicort", "Evista", "Forteo",
             "Adalat", "Ventolin", "Premarin", "Qualaquin"}
    brands = {row[0] for row in BRANDS}
    assert named <= brands and len(brands) >= 40


@pytest.mark.parametrize(("typed", "expected"), [
    ("Lipitor (atorvastatin)", ["atorvastatin"]),
    ("atorvastatin (Lipitor)", ["atorvastatin"]),
    ("salmeterol/fluticasone (Seretide)", ["fluticasone+salmeterol"]),
    ("budesonide formoterol", ["budesonide+formoterol"]),
    ("SYMBICORT", ["budesonide+formoterol"]),
    ("symbicort  turbuhaler 200/6", ["budesonide+formoterol"]),
    (" lasix ", ["furosemide"]),
    ("Lasix-40", ["furosemide"]),
    ("coamilofruse", ["amiloride+furosemide"]),
    ("Decortin H 5 mg", ["prednisolone"]),
    ("Decortin 20 mg", ["prednisone"]),
    ("Solu-Decortin H", ["prednisolone"]),
    ("amiloride/bumetanide", ["amiloride", "bumetanide"]),
])
def test_the_forms_the_review_found_failing_now_match(typed: str, expected: list[str]) -> None:
    assert [m.name for m in match_medicine(load(), typed)] == expected


@pytest.mark.parametrize("typed", [
    "salmeterol/fluticasone (Seretide)", "Seretide salmeterol", "salmeterol seretide fluticasone",
    "fluticasone + salmeterol (Seretide Evohaler, brown)", "salmeterol/fluticasone (seretid)",
])
def test_unknown_words_beside_known_names_do_not_change_the_match(typed: str) -> None:
    assert [m.name for m in match_medicine(load(), typed)] == ["fluticasone+salmeterol"]


def test_it_matches_each_known_part_of_an_unlisted_combination() -> None:
    names = [m.name for m in match_medicine(load(), "losartan/hydrochlorothiazide 50/12.5")]
    assert names == ["hydrochlorothiazide"]


@pytest.mark.parametrize("typed", ["paracetamol", "20 mg", "vitamin D", "amlodipine 5mg", "budesonide",
                                   "Pulmicort", "Diovan 80 mg", "iron", "Micardis", ""])
def test_it_does_not_match_unlisted_names(typed: str) -> None:
    assert match_medicine(load(), typed) == []


def test_it_normalises_combinations_in_a_fixed_order() -> None:
    assert normalise("Salmeterol + Fluticasone") == "fluticasone+salmeterol"
    assert normalise("fluticasone/salmeterol") == "fluticasone+salmeterol"


# ---- what a name was recognised as ---------------------------------------------------------------

@pytest.mark.parametrize(("typed", "words"), [
    ("Lasix", "Recognised as furosemide, a loop diuretic (water tablet)"),
    ("Symbicort", "Recognised as budesonide + formoterol, a long-acting beta-agonist with an inhaled "
                  "steroid"),
    ("Adalat LA", "Recognised as nifedipine (calcium-channel blocker)"),
    ("Qualaquin", "Recognised as quinine"),
    ("Frumil", "Recognised as amiloride + furosemide, a potassium-sparing diuretic (water tablet) and a loop "
               "diuretic (water tablet)"),
    ("paracetamol", ""),
])
def test_it_says_in_words_what_a_name_was_recognised_as(typed: str, words: str) -> None:
    assert recognised_as(load(), typed) == words


# ---- did you mean --------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "first"), [
    ("Lasics", "Lasix (furosemide)"),
    ("lasics 40 mg tablets", "Lasix (furosemide)"),
    ("atorvastatine", "atorvastatin"),
    ("simvastin", "simvastatin"),
    ("Symbicourt", "Symbicort (budesonide + formoterol)"),
    ("Simbicort 200/6", "Symbicort (budesonide + formoterol)"),
    ("Seretid", "Seretide (fluticasone + salmeterol)"),
    ("Ventalin", "Ventolin (salbutamol)"),
    ("Zokor", "Zocor (simvastatin)"),
    ("spirolactone", "spironolactone"),
    ("frusemid", "frusemide (furosemide)"),
    ("Caduit", "Caduet (atorvastatin + amlodipine)"),
])
def test_a_typo_suggests_the_name_meant(typed: str, first: str) -> None:
    suggestions = suggest_medicines(load(), typed)
    assert suggestions[:1] == (first,) and len(suggestions) <= 3


@pytest.mark.parametrize("typed", [
    "paracetamol", "acetaminophen", "vitamin D", "vitamin", "amlodipine", "ibuprofen", "aspirin", "metformin",
    "omeprazole", "bisoprolol", "levothyroxine", "ramipril", "sertraline", "Cipralex", "Diovan", "magnesium",
    "20 mg", "",
])
def test_names_far_from_every_known_one_get_no_suggestion(typed: str) -> None:
    assert suggest_medicines(load(), typed) == ()


def test_a_recognised_name_gets_no_suggestion() -> None:
    assert suggest_medicines(load(), "Lasix") == ()


def test_one_suggestion_per_medicine_and_only_the_closest() -> None:
    suggestions = suggest_medicines(load(), "atorvastatine")
    assert suggestions == ("atorvastatin",)  # lovastatin is close too, but far behind


def test_the_cutoff_sits_between_real_typos_and_different_medicines() -> None:
    assert closeness("lasics", "lasix") >= SUGGESTION_CUTOFF
    assert closeness("simvastin", "simvastatin") >= SUGGESTION_CUTOFF
    assert closeness("aspirin", "aprinox") < SUGGESTION_CUTOFF
    assert closeness("bisoprolol", "oxprenolol") < SUGGESTION_CUTOFF
    assert closeness("amlodipine", "amiloride") < SUGGESTION_CUTOFF


# ---- the brand data ------------------------------------------------------------------------------

def test_every_medicine_has_brands_or_a_note_saying_why_not() -> None:
    for med in load().medicines:
        assert med.brands or "brand" in med.note or "generic" in med.note, med.name


def test_every_brand_names_countries_and_sources_that_exist() -> None:
    knowledge = load()
    for med in knowledge.medicines:
        for brand in med.brands:
            assert brand.countries and set(brand.countries) <= COUNTRIES, (med.name, brand.name)
            assert brand.sources, (med.name, brand.name)
            for sid in brand.sources:
                assert knowledge.sources[sid].status in ("verified", "secondary"), (brand.name, sid)


def test_the_brand_sources_use_their_own_ids_and_public_urls() -> None:
    knowledge = load()
    used = {sid for med in knowledge.medicines for brand in med.brands for sid in brand.sources}
    assert used <= {f"S{n}" for n in range(50, 70)}
    assert all((knowledge.sources[sid].url or "").startswith("http") for sid in used)


def test_every_country_the_issue_asks_for_has_brands() -> None:
    countries = {c for med in load().medicines for brand in med.brands for c in brand.countries}
    assert {"GB", "US", "AU", "CA", "DE"} <= countries


def test_every_brand_matches_its_own_medicine() -> None:
    knowledge = load()
    by_name = {m.name: m for m in knowledge.medicines}
    for med in knowledge.medicines:
        for brand in med.brands:
            parts = med.ingredients.union(*(by_name[a].ingredients for a in brand.also))
            matched = match_medicine(knowledge, brand.name)
            assert frozenset().union(*(m.ingredients for m in matched)) == parts, brand.name
