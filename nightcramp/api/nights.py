"""/api/v1/nights: each night by the date of the evening it began, and its morning check-in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router

from nightcramp.api.auth import caller
from nightcramp.api.schemas import Invalid, NightIn, NightOut, NightRange, Page, Problem
from nightcramp.diary import services
from nightcramp.diary.models import Night

router = Router(tags=["nights"])
DECIMALS = ("sitting_hours", "alcohol_units")


def nights_of(request: HttpRequest) -> QuerySet[Night]:
    return services.nights_with_episodes(caller(request))


def night_on(request: HttpRequest, day: date) -> Night:
    night = nights_of(request).filter(date=day).first()
    if night is None:
        raise Http404("no such night")
    return night


def stored_values(data: dict[str, Any]) -> dict[str, Any]:
    """Numbers with a decimal part are stored exactly as written (7.5 hours, not 7.4999...)."""
    for name in DECIMALS:
        if data.get(name) is not None:
            data[name] = Decimal(str(data[name]))
    if "note" in data and data["note"] is None:
        data["note"] = ""
    return data


@router.get("", response=Page[NightOut], summary="List my nights, newest first")
def list_nights(request: HttpRequest, query: Query[NightRange]) -> dict[str, Any]:
    nights = nights_of(request).order_by("-date")
    if query.since:
        nights = nights.filter(date__gte=query.since)
    if query.until:
        nights = nights.filter(date__lte=query.until)
    return {"items": list(nights[query.offset : query.offset + query.limit]), "count": nights.count()}


@router.get("/{day}", response={200: NightOut, 404: Problem}, summary="One of my nights")
def get_night(request: HttpRequest, day: date) -> Night:
    return night_on(request, day)


@router.put(
    "/{day}", response={200: NightOut, 422: Invalid},
    summary="Create or update a night's check-in; fields left out keep their values",
)
def put_night(request: HttpRequest, day: date, payload: NightIn) -> Night:
    data = stored_values(payload.model_dump(exclude_unset=True))
    checked_in = data.pop("checked_in", True)
    services.save_night(caller(request), day, checked_in=checked_in, **data)
    return night_on(request, day)


@router.delete("/{day}", response={204: None, 404: Problem}, summary="Delete a night and all its episodes")
def delete_night(request: HttpRequest, day: date) -> HttpResponse:
    services.delete_night(night_on(request, day))
    return HttpResponse(status=204)
