"""/api/v1/episodes: cramps, each filed under the night it belongs to."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from nightcramp import clock
from nightcramp.api.auth import caller
from nightcramp.api.schemas import EpisodeIn, EpisodeOut, EpisodePatch, Invalid, NightRange, Page, Problem
from nightcramp.authz import owned
from nightcramp.diary import services
from nightcramp.diary.models import Episode

router = Router(tags=["episodes"])
BLANK_WHEN_NULL = ("leg", "muscle", "relief", "note")


def stored_values(data: dict[str, Any]) -> dict[str, Any]:
    """JSON null means "not recorded", which the diary stores as "" for text and choice fields."""
    for name in BLANK_WHEN_NULL:
        if name in data and data[name] is None:
            data[name] = ""
    return data


def episodes_of(request: HttpRequest, query: NightRange) -> QuerySet[Episode]:
    episodes = Episode.objects.filter(user=caller(request)).select_related("night")
    if query.since:
        episodes = episodes.filter(night__date__gte=query.since)
    if query.until:
        episodes = episodes.filter(night__date__lte=query.until)
    return episodes.order_by("-started_at", "-created_at", "id")


@router.get("", response=Page[EpisodeOut], summary="List my episodes, newest first")
def list_episodes(request: HttpRequest, query: Query[NightRange]) -> dict[str, Any]:
    episodes = episodes_of(request, query)
    return {"items": list(episodes[query.offset : query.offset + query.limit]), "count": episodes.count()}


@router.post(
    "", response={200: EpisodeOut, 201: EpisodeOut, 409: Problem, 422: Invalid},
    summary="Log an episode (idempotent on a client-chosen id)",
)
def create_episode(request: HttpRequest, payload: EpisodeIn) -> Status:
    data = clock.corrected(request, stored_values(payload.model_dump(exclude_none=True)))
    episode, created = services.log_episode(caller(request), **data)
    return Status(201 if created else 200, episode)


@router.get("/{episode_id}", response={200: EpisodeOut, 404: Problem}, summary="One of my episodes")
def get_episode(request: HttpRequest, episode_id: UUID) -> Episode:
    return owned(Episode, request, pk=episode_id)


@router.patch(
    "/{episode_id}", response={200: EpisodeOut, 404: Problem, 422: Invalid},
    summary="Change the fields given; a new time or zone files it under the right night",
)
def update_episode(request: HttpRequest, episode_id: UUID, payload: EpisodePatch) -> Episode:
    episode = owned(Episode, request, pk=episode_id)
    changes = clock.corrected(request, stored_values(payload.model_dump(exclude_unset=True)))
    for name in ("started_at", "tz"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: "This field cannot be null."})
    return services.update_episode(episode, **changes)


@router.delete("/{episode_id}", response={204: None, 404: Problem}, summary="Delete one of my episodes")
def delete_episode(request: HttpRequest, episode_id: UUID) -> HttpResponse:
    services.delete_episode(owned(Episode, request, pk=episode_id))
    return HttpResponse(status=204)
