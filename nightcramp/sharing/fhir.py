"""One person's diary as a FHIR R4 ``Bundle`` of type "collection" (docs/fhir.md).

Every resource is built with the FHIR R4 (4.0.1) model classes of ``fhirclient`` from a plain dict, in
strict mode, so a misspelt element, a wrong type, a missing required element or a malformed date fails
here rather than in the recipient's system; ``as_json()`` checks each resource again when the Bundle is
serialised. The Bundle holds:

- one ``Patient`` with only what the person entered in their profile (never the username);
- one ``Condition``: sleep-related leg cramps, self-reported and unconfirmed (SNOMED CT and ICD-10-CM);
- one ``MedicationStatement`` per entry of the medicines list;
- the latest health check, if any, as an ``Observation`` of its urgency tier and findings;
- one ``Observation`` per recorded night (oldest first), with the night's hours as its period.

Every entry's ``fullUrl`` is a fresh ``urn:uuid:`` (also the resource's ``id``), made anew for each
export: ids never carry the database's numbering, and two installations never produce the same one.
Free-text notes are left out. Nothing here writes to the database.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone
from fhirclient.models.bundle import Bundle, BundleEntry  # type: ignore[import-untyped]
from fhirclient.models.condition import Condition  # type: ignore[import-untyped]
from fhirclient.models.fhirinstant import FHIRInstant  # type: ignore[import-untyped]
from fhirclient.models.identifier import Identifier  # type: ignore[import-untyped]
from fhirclient.models.medicationstatement import MedicationStatement  # type: ignore[import-untyped]
from fhirclient.models.observation import Observation  # type: ignore[import-untyped]
from fhirclient.models.patient import Patient  # type: ignore[import-untyped]

from nightcramp.diary.models import Medication, Profile, Sex
from nightcramp.diary.nights import localize, zone
from nightcramp.diary.services import NightRow, nights_table, profile_of
from nightcramp.knowledge import schema
from nightcramp.screening.engine import Result
from nightcramp.screening.models import Screening
from nightcramp.screening.services import latest, result_of

# --- Code systems --------------------------------------------------------------------------------------

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
MEDICATION_STATEMENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/medication-statement-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
URI_IDENTIFIER = "urn:ietf:rfc:3986"

# nightcramp's own codes, for what no standard code system names. nightcramp has no web address of its
# own, so each system is named by a fixed UUID (as FHIR allows), made once as
# uuid5(NAMESPACE_URL, "nightcramp:fhir:<name>") and written out here so that it never changes.
CONCEPTS = "urn:uuid:7d302731-e3dd-5f60-923c-c2cfcc4e0986"
"""nightcramp concepts: the night's observation and its components, the health check."""
SCREENING_RULES = "urn:uuid:60ea9115-7209-5dbe-9715-31af76245c75"
"""The health check's rule ids (nightcramp/knowledge/screening_rules.toml); they may change by release."""
URGENCY_TIERS = "urn:uuid:1a4a7556-7aec-5d9d-9fb6-9bf3333c63bb"
"""The health check's urgency tiers (``schema.TIERS``), most urgent first."""

# evidence.md section 8: ICD-10-CM G47.62 [S36] ✅; SNOMED CT 449918009 [S38] ⚠️ (seen in a published
# implementation guide, not yet checked in a SNOMED browser); LOINC 72514-3 [S39] ✅. There is no LOINC
# code for leg cramps, so the night's observation carries a nightcramp code.
CONDITION_CODES = (
    (SNOMED, "449918009", "Cramp in lower leg"),
    (ICD10CM, "G47.62", "Sleep related leg cramps"),
)
PAIN_SEVERITY = (LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")

NIGHT = (CONCEPTS, "night-leg-cramps", "Night-time leg cramps")
CRAMP_COUNT = (CONCEPTS, "cramp-count", "Number of cramps in the night")
STRETCHED = (CONCEPTS, "stretched-before-bed", "Stretched before bed")
SLEEP_DISRUPTION = (CONCEPTS, "sleep-disruption", "How much the cramps disturbed sleep (0-10)")
HEALTH_CHECK = (CONCEPTS, "health-check", "nightcramp health check: how soon to seek medical advice")

GENDERS = {Sex.FEMALE.value: "female", Sex.MALE.value: "male", Sex.OTHER.value: "other"}
"""Profile.sex to Patient.gender (administrative gender); an empty choice gives no gender."""

SELF_REPORTED = (
    "Self-reported: the person keeps a diary of night-time leg cramps in nightcramp. This is not a "
    "diagnosis made by a clinician."
)
HEALTH_CHECK_NOTE = (
    "Worked out by nightcramp from the person's own answers to its health check, with the rules of this "
    "release. It says how soon to seek medical advice; it is not a diagnosis. The value is the tier of the "
    "most urgent finding (interpretation 'POS'; a finding whose answer was 'not sure' is marked so in its "
    "text). Checks that could not be made because a question was left open are listed with the tier they "
    "would have (interpretation 'IND'); with nothing found and questions open, the value is absent."
)


# --- Small builders ------------------------------------------------------------------------------------

def _coding(code: tuple[str, str, str]) -> dict[str, str]:
    system, value, display = code
    return {"system": system, "code": value, "display": display}


def _concept(*codes: tuple[str, str, str], text: str | None = None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [_coding(c) for c in codes]}
    if text is not None:
        concept["text"] = text
    return concept


def _named(code: tuple[str, str, str]) -> dict[str, Any]:
    """A concept with one coding, its display repeated as the text a person reads."""
    return _concept(code, text=code[2])


def _stamp(moment: datetime) -> str:
    """A FHIR dateTime/instant to the second, with its UTC offset."""
    return moment.replace(microsecond=0).isoformat()


def _tier(tier: str) -> dict[str, Any]:
    return _named((URGENCY_TIERS, tier, schema.TIER_WORDS[tier]))


def _interpretation(code: str, display: str) -> list[dict[str, Any]]:
    return [_concept((INTERPRETATION, code, display))]


class _Export:
    """The resources of one export, each checked by its fhirclient class as it is made."""

    def __init__(self, profile: Profile, now: datetime) -> None:
        self.profile = profile
        self.zone = zone(profile.time_zone)
        self.now = now
        self.today = localize(now, profile.time_zone).date()
        self.resources: list[Any] = []
        self.patient = self._add(Patient, self._patient())

    def _add(self, cls: Any, data: dict[str, Any]) -> dict[str, str]:
        """Check ``data`` with ``cls`` (strict), keep it, and return a reference to it."""
        resource_id = str(uuid.uuid4())
        self.resources.append(cls({"id": resource_id, **data}, strict=True))
        return {"reference": f"urn:uuid:{resource_id}"}

    def _patient(self) -> dict[str, Any]:
        profile = self.profile
        data: dict[str, Any] = {}
        if profile.display_name.strip():
            data["name"] = [{"text": profile.display_name.strip()}]
        if profile.sex in GENDERS:
            data["gender"] = GENDERS[profile.sex]
        if profile.birth_year is not None:
            data["birthDate"] = f"{profile.birth_year:04d}"
        return data

    # --- The condition ---------------------------------------------------------------------------------

    def condition(self, first_cramp_night: date | None) -> None:
        data: dict[str, Any] = {
            "clinicalStatus": _concept((CONDITION_CLINICAL, "active", "Active")),
            "verificationStatus": _concept((CONDITION_VERIFICATION, "unconfirmed", "Unconfirmed")),
            "category": [_concept((CONDITION_CATEGORY, "problem-list-item", "Problem List Item"))],
            "code": _concept(*CONDITION_CODES, text="Sleep-related (night-time) leg cramps"),
            "subject": self.patient,
            "asserter": self.patient,
            "note": [{"text": SELF_REPORTED}],
        }
        if first_cramp_night is not None:
            data["onsetDateTime"] = first_cramp_night.isoformat()
        self._add(Condition, data)

    # --- Medicines -------------------------------------------------------------------------------------

    def _medication_status(self, medication: Medication) -> str:
        if medication.started is not None and medication.started > self.today:
            return "intended"
        if medication.stopped is not None and medication.stopped <= self.today:
            return "completed"
        return "active"

    def medication(self, medication: Medication) -> None:
        data: dict[str, Any] = {
            "status": self._medication_status(medication),
            "category": _concept((MEDICATION_STATEMENT_CATEGORY, "patientspecified", "Patient Specified")),
            "medicationCodeableConcept": {"text": medication.name},
            "subject": self.patient,
            "informationSource": self.patient,
        }
        period = {k: v.isoformat() for k, v in (("start", medication.started), ("end", medication.stopped))
                  if v is not None}
        if period:
            data["effectivePeriod"] = period
        if medication.dose.strip():
            data["dosage"] = [{"text": medication.dose.strip()}]
        self._add(MedicationStatement, data)

    # --- The health check ------------------------------------------------------------------------------

    def screening(self, screening: Screening, result: Result) -> None:
        components = [
            {"code": _concept((SCREENING_RULES, f.rule, f.title),
                              text=f"{'Possible finding (answered not sure)' if f.unsure else 'Finding'}: "
                                   f"{f.title}"),
             "valueCodeableConcept": _tier(f.urgency),
             "interpretation": _interpretation("POS", "Positive")}
            for f in sorted(result.findings, key=lambda f: schema.tier_rank(f.urgency))
        ] + [
            {"code": _concept((SCREENING_RULES, u.rule, u.title), text=f"Could not be checked: {u.title}"),
             "valueCodeableConcept": _tier(u.urgency),
             "interpretation": _interpretation("IND", "Indeterminate")}
            for u in sorted(result.unanswered, key=lambda u: schema.tier_rank(u.urgency))
        ]
        data: dict[str, Any] = {
            "status": "final",
            "category": [_concept((OBSERVATION_CATEGORY, "survey", "Survey"))],
            "code": _named(HEALTH_CHECK),
            "subject": self.patient,
            "effectiveDateTime": _stamp(localize(screening.created_at, self.profile.time_zone)),
            "note": [{"text": HEALTH_CHECK_NOTE}],
        }
        if result.urgency is None:
            data["dataAbsentReason"] = _concept((DATA_ABSENT_REASON, "asked-unknown", "Asked But Unknown"))
        else:
            data["valueCodeableConcept"] = _tier(result.urgency)
        if components:
            data["component"] = components
        self._add(Observation, data)

    # --- Nights ----------------------------------------------------------------------------------------

    def night_hours(self, day: date) -> tuple[datetime, datetime]:
        """The night's hours (evening start to the end hour next day), in the profile's time zone."""
        start = datetime.combine(day, time(self.profile.night_start_hour), tzinfo=self.zone)
        end = datetime.combine(day + timedelta(days=1), time(self.profile.night_end_hour), tzinfo=self.zone)
        return start, end

    def night(self, row: NightRow) -> None:
        count: dict[str, Any] = {"code": _named(CRAMP_COUNT)}
        if row.cramps is None:
            count["dataAbsentReason"] = _concept((DATA_ABSENT_REASON, "unknown", "Unknown"))
        else:
            count["valueQuantity"] = {"value": row.cramps, "unit": "cramps", "system": UCUM, "code": "{#}"}
        components = [count]
        if row.max_severity is not None:
            components.append({"code": _concept(PAIN_SEVERITY, text="The worst cramp's pain (0-10)"),
                               "valueInteger": row.max_severity})
        if row.stretched is not None:
            components.append({"code": _named(STRETCHED), "valueBoolean": row.stretched})
        if row.sleep_disruption is not None:
            components.append({"code": _named(SLEEP_DISRUPTION), "valueInteger": row.sleep_disruption})
        start, end = self.night_hours(row.date)
        self._add(Observation, {
            # A night not over yet when the export is made may still gain cramps.
            "status": "final" if end <= self.now else "preliminary",
            "category": [_concept((OBSERVATION_CATEGORY, "survey", "Survey"))],
            "code": _named(NIGHT),
            "subject": self.patient,
            "performer": [self.patient],
            "effectivePeriod": {"start": _stamp(start), "end": _stamp(end)},
            "component": components,
        })

    # --- The Bundle ------------------------------------------------------------------------------------

    def as_bundle(self) -> dict[str, Any]:
        collection = Bundle()
        collection.type = "collection"
        collection.identifier = Identifier({"system": URI_IDENTIFIER, "value": f"urn:uuid:{uuid.uuid4()}"})
        collection.timestamp = FHIRInstant(_stamp(localize(self.now, self.profile.time_zone)))
        collection.entry = []
        for resource in self.resources:
            entry = BundleEntry()
            entry.fullUrl = f"urn:uuid:{resource.id}"
            entry.resource = resource
            collection.entry.append(entry)
        result: dict[str, Any] = collection.as_json()
        for entry in result["entry"]:
            entry["resource"] = _type_first(entry["resource"])
        entries = result.pop("entry")
        return {**_type_first(result), "entry": entries}


def _type_first(resource: dict[str, Any]) -> dict[str, Any]:
    """The same resource with ``resourceType`` and ``id`` as its first keys, as people expect to read it."""
    head: dict[str, Any] = {k: resource[k] for k in ("resourceType", "id") if k in resource}
    return {**head, **{k: v for k, v in resource.items() if k not in head}}


def _within(rows: Iterable[NightRow], start: date | None, end: date | None) -> list[NightRow]:
    return [r for r in rows if (start is None or r.date >= start) and (end is None or r.date <= end)]


def bundle(user: User, start: date | None = None, end: date | None = None,
           now: datetime | None = None) -> dict[str, Any]:
    """The person's diary as a JSON-ready FHIR R4 Bundle (type "collection").

    ``start`` and ``end`` (nights, inclusive) limit the nights exported; the condition (whose onset is
    the first night with a cramp ever logged), the medicines and the latest health check are always
    included. ``now`` (default: the current time) stamps the Bundle and decides which medicines are
    still taken.
    """
    now = now or timezone.now()
    export = _Export(profile_of(user), now)
    rows = nights_table(user)
    export.condition(next((r.date for r in rows if r.cramps), None))
    medicines = Medication.objects.filter(user=user).order_by(F("started").asc(nulls_first=True), "name")
    for medication in medicines:
        export.medication(medication)
    screening = latest(user)
    if screening is not None:
        export.screening(screening, result_of(screening))
    for row in _within(rows, start, end):
        export.night(row)
    return export.as_bundle()


def dumps(bundle: dict[str, Any]) -> bytes:
    """The Bundle as UTF-8 JSON, indented by two spaces, ending with a newline."""
    return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
