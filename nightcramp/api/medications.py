"""/api/v1/medications: what the person takes, with start and stop dates."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from nightcramp.api.auth import caller
from nightcramp.api.schemas import (
    Invalid,
    ListQuery,
    MedicationIn,
    MedicationOut,
    MedicationPatch,
    Page,
    Problem,
)
from nightcramp.authz import owned
from nightcramp.diary import services
from nightcramp.diary.models import Medication

router = Router(tags=["medications"])


def stored_values(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("dose", "note"):
        if name in data and data[name] is None:
            data[name] = ""
    return data


def medications_of(request: HttpRequest) -> QuerySet[Medication]:
    # Undated ones last on every database (PostgreSQL and SQLite sort NULL differently).
    newest = F("started").desc(nulls_last=True)
    return Medication.objects.filter(user=caller(request)).order_by(newest, "name", "id")


@router.get("", response=Page[MedicationOut], summary="List my medications, most recently started first")
def list_medications(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    medications = medications_of(request)
    items = list(medications[query.offset : query.offset + query.limit])
    return {"items": items, "count": medications.count()}


@router.post(
    "", response={200: MedicationOut, 201: MedicationOut, 409: Problem, 422: Invalid},
    summary="Add a medication (idempotent on a client-chosen id)",
)
def create_medication(request: HttpRequest, payload: MedicationIn) -> Status:
    data = stored_values(payload.model_dump(exclude_none=True))
    medication, created = services.save_medication(caller(request), **data)
    return Status(201 if created else 200, medication)


@router.get("/{medication_id}", response={200: MedicationOut, 404: Problem}, summary="One of my medications")
def get_medication(request: HttpRequest, medication_id: UUID) -> Medication:
    return owned(Medication, request, pk=medication_id)


@router.patch(
    "/{medication_id}", response={200: MedicationOut, 404: Problem, 422: Invalid},
    summary="Change the fields given",
)
def update_medication(request: HttpRequest, medication_id: UUID, payload: MedicationPatch) -> Medication:
    medication = owned(Medication, request, pk=medication_id)
    changes = stored_values(payload.model_dump(exclude_unset=True))
    if "name" in changes and changes["name"] is None:
        changes["name"] = ""  # the model refuses a blank name, naming the field
    medication, _ = services.save_medication(caller(request), medication, **changes)
    return medication


@router.delete("/{medication_id}", response={204: None, 404: Problem}, summary="Delete one of my medications")
def delete_medication(request: HttpRequest, medication_id: UUID) -> HttpResponse:
    services.delete_medication(owned(Medication, request, pk=medication_id))
    return HttpResponse(status=204)
