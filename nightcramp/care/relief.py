"""Relief during a cramp: which muscle, the stretch for it with a running clock, then stand and walk.

The flow runs in the browser (``static/nightcramp/js/relief.js``) and stores the episode through the JSON
API with a client-chosen id, through the offline outbox, so it works with no network: a new cramp is
logged when the person says where it is (or the episode from "Cramp now" is used), and when it is over
its duration, muscle and what helped are saved.

One event, one entry: opened on its own (``/relief/``), the page first looks for a cramp that may be
this one, a cramp that began within the last ``RECENT_MINUTES`` minutes and has no duration yet (it has
not been timed to its end). The server names the most recent such episode; the page also looks in the
device's outbox for one still waiting to be sent. If it finds one, it asks "Is this the cramp from
03:10?" and continues that entry, or logs a new one only when the person says it is a new cramp.

A cramp still not easing with stretching after 10 minutes shows the screening rule
``cramp_over_10_minutes`` (get medical advice the same day) with its reason; at the end the same advice
is repeated only when the cramp lasted more than 10 minutes and nothing eased it, as the rule says.
Without JavaScript the page shows the same guidance for every muscle.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.diary.models import Episode
from nightcramp.diary.services import profile_of
from nightcramp.knowledge import load
from nightcramp.knowledge.care import load_care
from nightcramp.knowledge.countries import knowledge_for

LONG_CRAMP_RULE = "cramp_over_10_minutes"
LONG_CRAMP_SECONDS = 10 * 60
RECENT_MINUTES = 30
"""A cramp that began less than this long ago and has no duration yet may be the one under way."""


def recent_episode(user: User, now: datetime | None = None) -> Episode | None:
    """The person's latest cramp begun within ``RECENT_MINUTES`` and not yet timed to its end, if any."""
    now = now or timezone.now()
    return (Episode.objects.filter(user=user, duration_s__isnull=True,
                                   started_at__gt=now - timedelta(minutes=RECENT_MINUTES))
            .order_by("-started_at").first())


def relief_context(episode: Episode | None, recent: Episode | None = None,
                   country: str = "") -> dict[str, Any]:
    care = load_care()
    rule = knowledge_for(country).rule(LONG_CRAMP_RULE)  # its advice in the words of the country
    knowledge = load()
    cited: dict[str, Any] = {}
    for ids in [r.sources for r in care.relief.values()] + [care.walk.sources, rule.sources]:
        for source_id in ids:
            cited.setdefault(source_id, knowledge.sources[source_id])
    return {
        "nav": "tonight", "episode": episode, "recent": recent, "recent_seconds": RECENT_MINUTES * 60,
        "started_iso": episode.started_at.isoformat() if episode else "",
        "relief": [(r, care.cited(r.sources)) for r in care.relief.values()],
        "walk": care.walk, "walk_sources": care.cited(care.walk.sources),
        "rule": rule, "rule_sources": [knowledge.sources[i] for i in rule.sources],
        "long_seconds": LONG_CRAMP_SECONDS, "sources": list(cited.values()),
    }


@person
@require_GET
def relief(request: PersonRequest) -> Any:
    """Open during a cramp: the page asks whether a recent cramp is this one, else logs a new one (with
    an id it chooses) once the person says where it is."""
    return render(request, "care/relief.html", relief_context(None, recent_episode(request.user),
                                                          country=profile_of(request.user).country))


@person
@require_GET
def relief_episode(request: PersonRequest, pk: uuid.UUID) -> Any:
    """The same flow for a cramp already logged with "Cramp now"."""
    return render(request, "care/relief.html", relief_context(owned(Episode, request, pk=pk),
                                                          country=profile_of(request.user).country))


urlpatterns = [
    path("", relief, name="relief"),
    path("<uuid:pk>/", relief_episode, name="relief_episode"),
]
