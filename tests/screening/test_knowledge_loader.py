"""The knowledge loader reads the shipped files and refuses broken ones, naming file, entry and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nightcramp.knowledge import KnowledgeError, load, load_from, schema
from nightcramp.knowledge.loader import HERE

FILES = ("bibliography.toml", "screening_rules.toml", "medicines.toml")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_loads_the_shipped_knowledge_once() -> None:
    knowledge = load()
    assert load() is knowledge
    assert {r.tier for r in knowledge.rules} == set(schema.TIERS)
    assert all(r.advice and r.title and r.sources for r in knowledge.rules)


def test_it_loads_a_faithful_copy(copy: Path) -> None:
    assert [r.id for r in load_from(copy).rules] == [r.id for r in load().rules]


def test_every_rule_rests_on_verified_or_secondary_sources() -> None:
    knowledge = load()
    for rule in knowledge.rules:
        assert {knowledge.sources[s].status for s in rule.sources} <= {"verified", "secondary"}, rule.id


def test_the_issue_classes_are_covered_with_their_codes() -> None:
    names = {m.name: m for m in load().medicines}
    expected = {"bendroflumethiazide": "C03AA01", "hydrochlorothiazide": "C03AA03",
                "chlortalidone": "C03BA04",
                "indapamide": "C03BA11", "metolazone": "C03BA08", "spironolactone": "C03DA01",
                "eplerenone": "C03DA04", "amiloride": "C03DB01", "triamterene": "C03DB02",
                "furosemide": "C03CA01", "bumetanide": "C03CA02", "torasemide": "C03CA04",
                "salmeterol": "R03AC12", "formoterol": "R03AC13", "salbutamol": "R03AC02",
                "terbutaline": "R03AC03", "conjugated oestrogens": "G03CA57", "raloxifene": "G03XC01",
                "teriparatide": "H05AA02", "naproxen": "M01AE02", "nifedipine": "C08CA05",
                "fluticasone+salmeterol": "R03AK06", "budesonide+formoterol": "R03AK07"}
    assert {n: names[n].atc for n in expected} == expected
    assert names["iron sucrose"].atc.startswith("B03AC")
    assert any(m.atc.startswith("C10AA") for m in names.values())


def test_it_rejects_an_unknown_source_id(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", 'sources = ["S3", "S6"]', 'sources = ["S99"]')
    with pytest.raises(KnowledgeError, match=r"screening_rules.toml: rule 'self_care_routine': sources: "
                                             r"unknown source id 'S99'"):
        load_from(copy)


def test_it_rejects_a_bad_tier(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", 'tier = "emergency"', 'tier = "urgent"')
    with pytest.raises(KnowledgeError, match=r"'chest_pain_or_breathlessness': tier: 'urgent' is not one of"):
        load_from(copy)


def test_it_rejects_a_duplicate_rule_id(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", 'id = "muscle_twitching"', 'id = "weakness_or_wasting"')
    with pytest.raises(KnowledgeError, match=r"rule 'weakness_or_wasting': id: duplicate"):
        load_from(copy)


def test_it_rejects_an_unknown_answer_key(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", 'trigger = "symptoms.muscle_twitching"',
          'trigger = "symptoms.twitchy"')
    with pytest.raises(KnowledgeError, match=r"rule 'muscle_twitching': trigger: unknown answer key"):
        load_from(copy)


def test_it_rejects_a_comparison_on_a_yes_no_key(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", '{ key = "quinine.months_since_last_break", gte = 3 }] }',
          '{ key = "quinine.takes", gte = 3 }] }')
    with pytest.raises(KnowledgeError, match=r"rule 'quinine_break_due': trigger: 'quinine.takes' is a bool"):
        load_from(copy)


def test_it_rejects_empty_advice(copy: Path) -> None:
    path = copy / "screening_rules.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('advice = """Nothing in your answers')
    end = text.index('"""', start + 12) + 3
    path.write_text(text[:start] + 'advice = "  "' + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"rule 'self_care_routine': advice: must be a non-empty string"):
        load_from(copy)


def test_it_refuses_a_rule_resting_on_an_unverified_source(copy: Path) -> None:
    _edit(copy, "bibliography.toml", 'status = "secondary"\n\n[[source]]\nid = "S35"',
          'status = "unverified"\n\n[[source]]\nid = "S35"')
    with pytest.raises(KnowledgeError, match=r"'S33' is unverified"):
        load_from(copy)


def test_it_rejects_a_medicine_of_an_unknown_class(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'classes = ["statin"]', 'classes = ["statins"]')
    with pytest.raises(KnowledgeError, match=r"medicines.toml: medicine 'simvastatin': classes: unknown"):
        load_from(copy)


def test_it_rejects_an_invented_atc_code(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'atc = "C08CA05"', 'atc = "nifedipine"')
    with pytest.raises(KnowledgeError, match=r"medicine 'nifedipine': atc: must be an ATC code"):
        load_from(copy)


def test_it_rejects_a_synonym_claimed_twice(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'synonyms = ["frusemide"]', 'synonyms = ["bumetanide"]')
    with pytest.raises(KnowledgeError, match=r"synonyms: 'bumetanide' is already used by 'furosemide'"):
        load_from(copy)


def test_it_names_the_file_of_invalid_toml(copy: Path) -> None:
    (copy / "bibliography.toml").write_text("[[source]\nid = ", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"^bibliography.toml: not valid TOML"):
        load_from(copy)


def test_it_names_a_missing_file(copy: Path) -> None:
    (copy / "medicines.toml").unlink()
    with pytest.raises(KnowledgeError, match=r"^medicines.toml: file not found"):
        load_from(copy)


def test_the_package_never_imports_django() -> None:
    import subprocess
    import sys

    code = ("import sys; import nightcramp.knowledge, nightcramp.screening.engine, "
            "nightcramp.screening.diary_facts; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_it_rejects_an_unknown_placeholder_in_advice(copy: Path) -> None:
    _edit(copy, "screening_rules.toml", "Call {emergency_number} now", "Call {emergency_line} now")
    with pytest.raises(KnowledgeError, match=r"'chest_pain_or_breathlessness': advice: unknown placeholder "
                                             r"'emergency_line'"):
        load_from(copy)


def test_advice_names_no_one_countrys_numbers_and_fills_the_placeholders() -> None:
    from nightcramp.knowledge import load

    for rule in load().rules:
        for text in (rule.title, rule.advice):
            assert "{" not in text, rule.id
            for word in ("999", "911", "112", "NHS", "111", "surgery", " GP"):
                assert word not in text, (rule.id, word)
    assert "{emergency_number}" in load().rule("chest_pain_or_breathlessness").advice_template
    assert "your local emergency number" in load().rule("chest_pain_or_breathlessness").advice


# ---- medicine brands and names (issue 16) ---------------------------------------------------------

LASIX = 'name = "Lasix", countries = ["US", "AU", "CA", "DE"], sources = ["S51", "S52", "S54", "S56"]'


def test_co_amilofruse_is_amiloride_with_furosemide() -> None:
    from nightcramp.knowledge import load, match_medicine

    names = {m.name: m for m in load().medicines}
    assert "amiloride+bumetanide" not in names
    assert names["amiloride+furosemide"].atc == "C03EB01" and names["amiloride+furosemide"].atc_confirmed
    assert [m.name for m in match_medicine(load(), "co-amilofruse 5/40")] == ["amiloride+furosemide"]


def test_it_loads_brands_with_their_countries_and_sources() -> None:
    from nightcramp.knowledge import load

    lasix = next(b for m in load().medicines if m.name == "furosemide" for b in m.brands if b.name == "Lasix")
    assert lasix.countries == ("US", "AU", "CA", "DE") and "S52" in lasix.sources


def test_it_rejects_a_brand_naming_an_unknown_source(copy: Path) -> None:
    _edit(copy, "medicines.toml", LASIX, LASIX.replace('"S51", ', '"S99", '))
    with pytest.raises(KnowledgeError, match=r"medicines.toml: medicine 'furosemide': "
                                             r"brands\[Lasix\].sources: unknown source id 'S99'"):
        load_from(copy)


def test_it_refuses_a_brand_resting_on_an_unverified_source(copy: Path) -> None:
    _edit(copy, "bibliography.toml", 'short = "FDA Orange Book and DailyMed (US)"',
          'short = "FDA Orange Book and DailyMed (US)"\nstatus = "unverified"')
    path = copy / "bibliography.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index('short = "FDA Orange Book and DailyMed (US)"')
    end = text.index('status = "secondary"', start)
    path.write_text(text[:end] + text[end + len('status = "secondary"\n'):], encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"brands\[.*\].sources: 'S51' is unverified"):
        load_from(copy)


@pytest.mark.parametrize(("code", "message"), [
    ("UK", r"'UK' is not an ISO 3166 alpha-2 code \(the United Kingdom is \"GB\"\)"),
    ("XX", r"'XX' is not an ISO 3166 alpha-2 code"),
    ("us", r"'us' is not an ISO 3166 alpha-2 code"),
])
def test_it_rejects_an_unknown_country_code(copy: Path, code: str, message: str) -> None:
    _edit(copy, "medicines.toml", LASIX, LASIX.replace('countries = ["US"', f'countries = ["{code}"'))
    with pytest.raises(KnowledgeError, match=r"medicine 'furosemide': brands\[Lasix\].countries: " + message):
        load_from(copy)


def test_it_rejects_a_brand_used_by_two_medicines(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'name = "Inegy"', 'name = "Lasix"')
    with pytest.raises(KnowledgeError, match=r"medicine 'simvastatin': brands: 'Lasix' is already used by "
                                             r"'furosemide'"):
        load_from(copy)


def test_it_rejects_a_brand_that_is_another_medicines_generic_name(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'name = "Inegy"', 'name = "Furosemide"')
    with pytest.raises(KnowledgeError, match=r"medicine 'simvastatin': brands: 'Furosemide' is already used "
                                             r"by 'furosemide'"):
        load_from(copy)


def test_it_rejects_a_brand_listed_twice(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'name = "Uremide"', 'name = "LASIX"')
    with pytest.raises(KnowledgeError, match=r"medicine 'furosemide': brands: 'LASIX' is listed twice"):
        load_from(copy)


def test_it_rejects_a_brand_with_an_unknown_field(copy: Path) -> None:
    _edit(copy, "medicines.toml", LASIX, LASIX + ', country = "GB"')
    with pytest.raises(KnowledgeError, match=r"'furosemide': brands\[Lasix\].country: unknown field"):
        load_from(copy)


def test_it_rejects_a_brand_without_countries(copy: Path) -> None:
    _edit(copy, "medicines.toml", LASIX, LASIX.replace('["US", "AU", "CA", "DE"]', "[]"))
    with pytest.raises(KnowledgeError, match=r"brands\[Lasix\].countries: must not be empty"):
        load_from(copy)


def test_it_rejects_a_brand_whose_also_is_not_a_listed_medicine(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'also = ["furosemide"]', 'also = ["frusemide"]')
    with pytest.raises(KnowledgeError, match=r"medicine 'spironolactone': brands\[Lasilactone\].also: "
                                             r"'frusemide' is not another listed medicine"):
        load_from(copy)


def test_it_rejects_a_brand_name_with_a_bracket(copy: Path) -> None:
    _edit(copy, "medicines.toml", LASIX, LASIX.replace('"Lasix"', '"Lasix (furosemide)"'))
    with pytest.raises(KnowledgeError, match=r"brands\[Lasix \(furosemide\)\].name: must be one name"):
        load_from(copy)


def test_it_rejects_a_combination_synonym_that_respells_two_parts(copy: Path) -> None:
    _edit(copy, "medicines.toml", 'synonyms = ["beclomethasone+formoterol"]',
          'synonyms = ["beclomethasone+eformoterol"]')
    with pytest.raises(KnowledgeError, match=r"medicine 'beclometasone\+formoterol': synonyms: "
                                             r"'beclomethasone\+eformoterol' must respell at most one part"):
        load_from(copy)
