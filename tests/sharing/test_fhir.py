"""The FHIR R4 export (docs/fhir.md): one person's diary as a Bundle that fhirclient's R4 models accept."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from fhirclient.models.bundle import Bundle  # type: ignore[import-untyped]
from fhirclient.models.condition import Condition  # type: ignore[import-untyped]
from fhirclient.models.medicationstatement import MedicationStatement  # type: ignore[import-untyped]
from fhirclient.models.observation import Observation  # type: ignore[import-untyped]
from fhirclient.models.patient import Patient  # type: ignore[import-untyped]

from nightcramp.diary.models import Medication
from nightcramp.diary.services import (
    log_episode,
    nights_table,
    profile_of,
    save_medication,
    save_night,
    update_profile,
)
from nightcramp.screening.engine import screen
from nightcramp.screening.services import save_screening
from nightcramp.sharing import fhir
from tests.conftest import DEMO_MADE_AT
from tests.screening.helpers import negative_answers

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CLASSES = {"Patient": Patient, "Condition": Condition, "Observation": Observation,
           "MedicationStatement": MedicationStatement}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "fhir.md"
pytestmark = pytest.mark.django_db


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def has_code(concept: dict[str, Any], code: tuple[str, str, str]) -> bool:
    return any((c["system"], c["code"]) == code[:2] for c in concept.get("coding", []))


def nights(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation") if has_code(r["code"], fhir.NIGHT)]


def checks(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in resources(bundle, "Observation") if has_code(r["code"], fhir.HEALTH_CHECK)]


def the(resource_list: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(resource_list) == 1
    return resource_list[0]


def component(observation: dict[str, Any], code: tuple[str, str, str]) -> dict[str, Any] | None:
    found = [c for c in observation.get("component", []) if has_code(c["code"], code)]
    assert len(found) <= 1
    return found[0] if found else None


def night_date(observation: dict[str, Any]) -> date:
    return date.fromisoformat(observation["effectivePeriod"]["start"][:10])


def walk(node: Any) -> list[dict[str, Any]]:
    """Every JSON object inside ``node``, itself included."""
    if isinstance(node, dict):
        return [node] + [d for value in node.values() for d in walk(value)]
    if isinstance(node, list):
        return [d for value in node for d in walk(value)]
    return []


def answers_with_a_finding_and_an_open_question() -> dict[str, Any]:
    answers = negative_answers()
    answers["symptoms"]["numbness_or_tingling"] = True  # a routine finding
    del answers["symptoms"]["muscle_twitching"]  # left open: a "soon" rule cannot be checked
    return answers


# --- The whole export of the demo year --------------------------------------------------------------------

@pytest.fixture
def demo_bundle(demo) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return fhir.bundle(demo, now=DEMO_MADE_AT)


def test_every_entry_and_the_whole_bundle_parse_strictly_with_the_fhirclient_r4_models(demo, demo_bundle):
    for entry in demo_bundle["entry"]:
        resource = entry["resource"]
        parsed = CLASSES[resource["resourceType"]](resource, strict=True)
        assert parsed.as_json() == resource
    assert Bundle(demo_bundle, strict=True).as_json() == demo_bundle
    assert demo_bundle["type"] == "collection"
    assert demo_bundle["identifier"]["system"] == "urn:ietf:rfc:3986"
    assert demo_bundle["identifier"]["value"].startswith("urn:uuid:")
    assert demo_bundle["timestamp"] == "2026-11-25T10:00:00+00:00"
    counts = {kind: len(resources(demo_bundle, kind)) for kind in CLASSES}
    logged = nights_table(demo)
    assert len(logged) > 300
    assert counts == {"Patient": 1, "Condition": 1, "MedicationStatement": Medication.objects.filter(
        user=demo).count(), "Observation": len(logged)}
    assert counts["MedicationStatement"] == 3
    assert len(nights(demo_bundle)) == len(logged)
    assert checks(demo_bundle) == []  # the demo never took the health check


def test_the_condition_carries_exactly_the_snomed_and_icd10cm_codes_and_says_it_is_self_reported(
        demo, demo_bundle):
    condition = the(resources(demo_bundle, "Condition"))
    assert sorted((c["system"], c["code"]) for c in condition["code"]["coding"]) == [
        ("http://hl7.org/fhir/sid/icd-10-cm", "G47.62"), ("http://snomed.info/sct", "449918009")]
    assert condition["clinicalStatus"]["coding"][0]["code"] == "active"
    assert condition["verificationStatus"]["coding"][0]["code"] == "unconfirmed"
    assert condition["category"][0]["coding"][0]["code"] == "problem-list-item"
    first = next(r.date for r in nights_table(demo) if r.cramps)
    assert condition["onsetDateTime"] == first.isoformat()
    assert "Self-reported" in condition["note"][0]["text"]
    patient = the(resources(demo_bundle, "Patient"))
    assert condition["subject"] == condition["asserter"] == {"reference": f"urn:uuid:{patient['id']}"}


def test_each_night_carries_its_cramp_count_and_worst_severity_as_in_the_nights_table(demo, demo_bundle):
    by_date = {r.date: r for r in nights_table(demo)}
    observations = nights(demo_bundle)
    assert [night_date(o) for o in observations] == sorted(by_date)
    severities = 0
    for observation in observations:
        row = by_date[night_date(observation)]
        count = component(observation, fhir.CRAMP_COUNT)
        assert count is not None
        if row.cramps is None:
            assert "valueQuantity" not in count
            assert count["dataAbsentReason"]["coding"][0]["code"] == "unknown"
        else:
            assert count["valueQuantity"] == {"value": row.cramps, "unit": "cramps",
                                              "system": "http://unitsofmeasure.org", "code": "{#}"}
        severity = component(observation, fhir.PAIN_SEVERITY)
        if row.max_severity is None:
            assert severity is None
        else:
            assert severity is not None
            assert severity["code"]["coding"][0]["system"] == "http://loinc.org"
            assert severity["code"]["coding"][0]["code"] == "72514-3"
            assert 0 <= severity["valueInteger"] <= 10
            assert severity["valueInteger"] == row.max_severity
            severities += 1
        stretched = component(observation, fhir.STRETCHED)
        assert (stretched["valueBoolean"] if stretched else None) == row.stretched
        # The last night (24 November) ends at noon, after the export at 10:00.
        ended = row.date < date(2026, 11, 24)
        assert observation["status"] == ("final" if ended else "preliminary")
        assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert severities > 100
    loinc = [c for o in observations for c in o["component"]
             if any(x["system"] == "http://loinc.org" for x in c["code"]["coding"])]
    assert loinc and all(c["code"]["coding"][0]["code"] == "72514-3" and 0 <= c["valueInteger"] <= 10
                         for c in loinc)


def test_every_reference_resolves_to_a_full_url_in_the_bundle(demo_bundle):
    full_urls = [e["fullUrl"] for e in demo_bundle["entry"]]
    assert len(set(full_urls)) == len(full_urls)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in demo_bundle["entry"])
    references = [d["reference"] for d in walk(demo_bundle) if "reference" in d]
    assert len(references) >= 2 * len(nights(demo_bundle)) + 2  # subject and performer; the condition
    assert set(references) <= set(full_urls)


def test_start_and_end_limit_the_nights_but_not_the_condition_or_the_medicines(demo, demo_bundle):
    start, end = date(2026, 9, 1), date(2026, 9, 30)
    limited = fhir.bundle(demo, start=start, end=end, now=DEMO_MADE_AT)
    dates = [night_date(o) for o in nights(limited)]
    assert dates == [r.date for r in nights_table(demo, start, end)]
    assert len(dates) > 20 and start <= dates[0] and dates[-1] <= end
    assert len(nights(demo_bundle)) > len(dates)
    assert len(resources(limited, "MedicationStatement")) == 3
    assert the(resources(limited, "Condition"))["onsetDateTime"] == the(
        resources(demo_bundle, "Condition"))["onsetDateTime"] < start.isoformat()
    since = date(2026, 11, 1)
    only_start = fhir.bundle(demo, start=since, now=DEMO_MADE_AT)
    assert [night_date(o) for o in nights(only_start)] == [r.date for r in nights_table(demo, since)]
    until = date(2026, 1, 31)
    only_end = fhir.bundle(demo, end=until, now=DEMO_MADE_AT)
    assert [night_date(o) for o in nights(only_end)] == [r.date for r in nights_table(demo, end=until)]
    assert nights(only_start) and nights(only_end)


def test_the_json_passes_r4_rules_fhirclient_does_not_check_and_round_trips(demo_bundle):
    """Checks fhirclient does not make: known resource types only, one choice of each value[x] (and
    effective[x], onset[x], medication[x]), a component holds a value or a reason it has none, never
    both, and every coding names its system. ``dumps`` round-trips."""
    assert {e["resource"]["resourceType"] for e in demo_bundle["entry"]} == set(CLASSES)
    for node in walk(demo_bundle):
        for choice in ("value", "effective", "onset", "medication"):
            chosen = [k for k in node if k.startswith(choice) and k[len(choice):][:1].isupper()]
            assert len(chosen) <= 1, node
        if "coding" in node:
            assert all(c.get("system") and c.get("code") for c in node["coding"]), node
    for observation in resources(demo_bundle, "Observation"):
        for part in observation.get("component", []):
            assert ("dataAbsentReason" in part) != any(k.startswith("value") for k in part), part
    raw = fhir.dumps(demo_bundle)
    assert json.loads(raw.decode("utf-8")) == demo_bundle
    assert raw.startswith(b'{\n  "resourceType": "Bundle",') and raw.endswith(b"}\n")
    assert all(list(e["resource"])[:2] == ["resourceType", "id"] for e in demo_bundle["entry"])
    assert "Demo (synthetic data)" in raw.decode("utf-8")


# --- What goes in, person by person ----------------------------------------------------------------------

def test_a_patient_with_an_empty_profile_gets_no_name_birth_date_or_gender(owner):
    exported = fhir.bundle(owner, now=NOW)
    patient = the(resources(exported, "Patient"))
    assert set(patient) == {"resourceType", "id"}
    raw = fhir.dumps(exported)
    assert b"alice" not in raw.lower()
    assert the(resources(exported, "Condition")).get("onsetDateTime") is None
    assert nights(exported) == [] and checks(exported) == []
    assert len(exported["entry"]) == 2


def test_the_patient_holds_the_name_birth_year_and_sex_the_person_entered(owner):
    update_profile(profile_of(owner), display_name="Ann Example", birth_year=1956, sex="female")
    patient = the(resources(fhir.bundle(owner, now=NOW), "Patient"))
    assert {k: v for k, v in patient.items() if k != "id"} == {
        "resourceType": "Patient", "name": [{"text": "Ann Example"}], "birthDate": "1956", "gender": "female"}
    update_profile(profile_of(owner), display_name="", birth_year=None, sex="other")
    patient = the(resources(fhir.bundle(owner, now=NOW), "Patient"))
    assert set(patient) == {"resourceType", "id", "gender"} and patient["gender"] == "other"
    assert b"alice" not in fhir.dumps(fhir.bundle(owner, now=NOW)).lower()


@time_machine.travel(NOW, tick=False)
def test_a_night_is_the_profile_hours_in_its_time_zone_with_offsets_across_a_clock_change(owner):
    save_night(owner, date(2026, 7, 1), cramps_reported=1)
    save_night(owner, date(2026, 10, 24), cramps_reported=2)  # British Summer Time ends on 25 October
    periods = {night_date(o): o["effectivePeriod"] for o in nights(fhir.bundle(owner))}
    assert periods == {
        date(2026, 7, 1): {"start": "2026-07-01T18:00:00+01:00", "end": "2026-07-02T12:00:00+01:00"},
        date(2026, 10, 24): {"start": "2026-10-24T18:00:00+01:00", "end": "2026-10-25T12:00:00+00:00"},
    }
    update_profile(profile_of(owner), night_start_hour=21, night_end_hour=9)
    periods = {night_date(o): o["effectivePeriod"] for o in nights(fhir.bundle(owner))}
    assert periods[date(2026, 7, 1)] == {"start": "2026-07-01T21:00:00+01:00",
                                         "end": "2026-07-02T09:00:00+01:00"}


@time_machine.travel(NOW, tick=False)
def test_a_night_without_a_count_says_so_and_keeps_what_was_recorded(owner):
    save_night(owner, date(2026, 11, 20), stretched=True, sleep_disruption=3, note="private words")
    save_night(owner, date(2026, 11, 21), checked_in=True, stretched=False)
    log_episode(owner, started_at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC), severity=9)
    exported = fhir.bundle(owner)
    by_date = {night_date(o): o for o in nights(exported)}
    assert sorted(by_date) == [date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)]
    unknown = by_date[date(2026, 11, 20)]
    assert component(unknown, fhir.CRAMP_COUNT) == {
        "code": {"coding": [{"system": fhir.CONCEPTS, "code": "cramp-count",
                             "display": "Number of cramps in the night"}],
                 "text": "Number of cramps in the night"},
        "dataAbsentReason": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                         "code": "unknown", "display": "Unknown"}]}}
    assert component(unknown, fhir.STRETCHED)["valueBoolean"] is True  # type: ignore[index]
    assert component(unknown, fhir.SLEEP_DISRUPTION)["valueInteger"] == 3  # type: ignore[index]
    assert component(unknown, fhir.PAIN_SEVERITY) is None
    none = by_date[date(2026, 11, 21)]
    assert component(none, fhir.CRAMP_COUNT)["valueQuantity"]["value"] == 0  # type: ignore[index]
    assert component(none, fhir.STRETCHED)["valueBoolean"] is False  # type: ignore[index]
    one = by_date[date(2026, 11, 22)]
    assert component(one, fhir.CRAMP_COUNT)["valueQuantity"]["value"] == 1  # type: ignore[index]
    assert component(one, fhir.PAIN_SEVERITY)["valueInteger"] == 9  # type: ignore[index]
    assert the(resources(exported, "Condition"))["onsetDateTime"] == "2026-11-22"
    assert b"private words" not in fhir.dumps(exported)


@time_machine.travel(NOW, tick=False)
def test_a_night_not_over_when_exported_is_preliminary(owner):
    save_night(owner, date(2026, 11, 23), cramps_reported=1)
    save_night(owner, date(2026, 11, 24), cramps_reported=2)  # ends at noon; it is 09:00 in London
    statuses = {night_date(o): o["status"] for o in nights(fhir.bundle(owner))}
    assert statuses == {date(2026, 11, 23): "final", date(2026, 11, 24): "preliminary"}
    later = fhir.bundle(owner, now=datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    assert {o["status"] for o in nights(later)} == {"final"}


@time_machine.travel(NOW, tick=False)
def test_the_condition_begins_on_the_first_night_with_a_cramp(owner):
    save_night(owner, date(2026, 11, 1), checked_in=True)  # no cramps that night
    save_night(owner, date(2026, 11, 3), cramps_reported=2)
    save_night(owner, date(2026, 11, 9), cramps_reported=1)
    exported = fhir.bundle(owner, start=date(2026, 11, 5))
    assert the(resources(exported, "Condition"))["onsetDateTime"] == "2026-11-03"
    assert [night_date(o) for o in nights(exported)] == [date(2026, 11, 9)]


@time_machine.travel(NOW, tick=False)
def test_each_medicine_is_a_statement_active_completed_or_intended_by_its_dates(owner):
    save_medication(owner, name="Atorvastatin", dose="20 mg each evening", started=date(2022, 5, 14),
                    note="private note")
    save_medication(owner, name="Magnesium citrate", started=date(2026, 1, 5), stopped=date(2026, 11, 25))
    save_medication(owner, name="Indapamide", started=date(2026, 12, 1))
    save_medication(owner, name="Aspirin")
    exported = fhir.bundle(owner)
    statements = {s["medicationCodeableConcept"]["text"]: s
                  for s in resources(exported, "MedicationStatement")}
    patient = {"reference": f"urn:uuid:{the(resources(exported, 'Patient'))['id']}"}
    assert {name: s["status"] for name, s in statements.items()} == {
        "Atorvastatin": "active", "Magnesium citrate": "completed", "Indapamide": "intended",
        "Aspirin": "active"}
    assert statements["Atorvastatin"]["effectivePeriod"] == {"start": "2022-05-14"}
    assert statements["Atorvastatin"]["dosage"] == [{"text": "20 mg each evening"}]
    assert statements["Magnesium citrate"]["effectivePeriod"] == {"start": "2026-01-05", "end": "2026-11-25"}
    assert "dosage" not in statements["Magnesium citrate"]
    assert "effectivePeriod" not in statements["Aspirin"]
    assert all(s["subject"] == s["informationSource"] == patient for s in statements.values())
    assert b"private note" not in fhir.dumps(exported)
    later = fhir.bundle(owner, now=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    assert {s["medicationCodeableConcept"]["text"]: s["status"]
            for s in resources(later, "MedicationStatement")}["Indapamide"] == "active"


def test_the_latest_health_check_is_an_observation_of_its_tier_findings_and_open_checks(owner):
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        save_screening(owner, negative_answers())
    answers = answers_with_a_finding_and_an_open_question()
    with time_machine.travel(datetime(2026, 7, 2, 19, 30, tzinfo=UTC), tick=False):
        save_screening(owner, answers)
    exported = fhir.bundle(owner, now=NOW)
    check = the(checks(exported))
    result = screen(answers)
    assert (result.urgency, result.unanswered_urgency) == ("routine", "soon")
    assert check["effectiveDateTime"] == "2026-07-02T20:30:00+01:00"
    # The value is the most urgent finding; what could not be checked is a component beside it.
    assert check["valueCodeableConcept"]["coding"] == [
        {"system": fhir.URGENCY_TIERS, "code": "routine", "display": "mention it at a routine appointment"}]
    parts = [(c["code"]["coding"][0]["system"], c["code"]["coding"][0]["code"],
              c["valueCodeableConcept"]["coding"][0]["code"], c["interpretation"][0]["coding"][0]["code"])
             for c in check["component"]]
    assert parts == [(fhir.SCREENING_RULES, "numbness_or_tingling", "routine", "POS"),
                     (fhir.SCREENING_RULES, "muscle_twitching", "soon", "IND")]
    assert check["component"][0]["code"]["coding"][0]["display"] == "Numbness or tingling in the legs"
    assert "not a diagnosis" in check["note"][0]["text"]
    assert len(resources(exported, "Observation")) == 1
    Bundle(exported, strict=True)


def test_a_check_with_nothing_found_and_questions_open_has_no_value_but_its_open_checks(owner):
    save_screening(owner, {"symptoms": {"numbness_or_tingling": False}})
    check = the(checks(fhir.bundle(owner, now=NOW)))
    assert "valueCodeableConcept" not in check
    assert check["dataAbsentReason"]["coding"][0]["code"] == "asked-unknown"
    interpretations = {c["interpretation"][0]["coding"][0]["code"] for c in check["component"]}
    assert interpretations == {"IND"}
    assert "chest_pain_or_breathlessness" in {c["code"]["coding"][0]["code"] for c in check["component"]}


def test_a_finding_from_a_not_sure_answer_is_marked_possible(owner):
    answers = negative_answers()
    answers["symptoms"]["muscle_twitching"] = "not_sure"
    save_screening(owner, answers)
    check = the(checks(fhir.bundle(owner, now=NOW)))
    assert check["valueCodeableConcept"]["coding"][0]["code"] == "soon"
    (part,) = check["component"]
    assert part["code"]["text"] == "Possible finding (answered not sure): Muscle twitching as well as cramps"


def test_a_check_with_nothing_to_flag_is_self_care_with_the_fallback_finding(owner):
    save_screening(owner, negative_answers())
    check = the(checks(fhir.bundle(owner, now=NOW)))
    assert check["valueCodeableConcept"]["coding"][0]["code"] == "self_care"
    assert [(c["code"]["coding"][0]["code"], c["valueCodeableConcept"]["coding"][0]["code"])
            for c in check["component"]] == [("self_care_routine", "self_care")]


@time_machine.travel(NOW, tick=False)
def test_one_persons_export_never_holds_another_persons_entries(owner, other):
    save_night(owner, date(2026, 11, 10), cramps_reported=2)
    save_medication(owner, name="Atorvastatin")
    save_night(other, date(2026, 11, 12), cramps_reported=7, max_severity_reported=8)
    save_night(other, date(2026, 11, 13), checked_in=True)
    save_medication(other, name="Quinine sulfate")
    save_screening(other, answers_with_a_finding_and_an_open_question())
    mine = fhir.bundle(owner)
    assert [night_date(o) for o in nights(mine)] == [date(2026, 11, 10)]
    assert [s["medicationCodeableConcept"]["text"] for s in resources(mine, "MedicationStatement")] == [
        "Atorvastatin"]
    assert checks(mine) == []
    assert b"Quinine" not in fhir.dumps(mine) and b"bob" not in fhir.dumps(mine)
    theirs = fhir.bundle(other)
    assert [night_date(o) for o in nights(theirs)] == [date(2026, 11, 12), date(2026, 11, 13)]
    assert nights(theirs)[0]["effectivePeriod"]["start"] == "2026-11-12T18:00:00+11:00"
    assert len(checks(theirs)) == 1
    ids = {e["fullUrl"] for e in mine["entry"]} & {e["fullUrl"] for e in theirs["entry"]}
    assert ids == set()


def test_two_exports_of_the_same_diary_share_no_ids(owner):
    first, second = fhir.bundle(owner, now=NOW), fhir.bundle(owner, now=NOW)
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in second["entry"])
    assert first["identifier"] != second["identifier"]


def test_the_docs_name_the_local_code_systems_and_the_standard_codes():
    text = DOCS.read_text(encoding="utf-8")
    for needle in (fhir.CONCEPTS, fhir.SCREENING_RULES, fhir.URGENCY_TIERS, "449918009", "G47.62", "72514-3",
                   *(code for _, code, _ in (fhir.NIGHT, fhir.CRAMP_COUNT, fhir.STRETCHED,
                                               fhir.SLEEP_DISRUPTION, fhir.HEALTH_CHECK))):
        assert needle in text, needle
