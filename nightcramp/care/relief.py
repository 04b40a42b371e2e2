"""Relief during a cramp: which muscle, the stretch for it with a running clock, then stand and walk.

The flow runs in the browser (``static/nightcramp/js/relief.js``) and stores the episode through the JSON
API with a client-chosen id, through the offline outbox, so it works with no network: a new cramp is
logged the moment the page opens (or the episode from "Cramp now" is used), and when it is over its
duration, muscle and what helped are saved. A cramp that lasts more than 10 minutes despite stretching
shows the screening rule ``cramp_over_10_minutes`` (get medical advice the same day) with its reason.
Without JavaScript the page shows the same guidance for every muscle.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from nightcramp.authz import PersonRequest, owned, person
from nightcramp.diary.models import Episode
from nightcramp.knowledge import load
from nightcramp.knowledge.care import load_care

LONG_CRAMP_RULE = "cramp_over_10_minutes"
LONG_CRAMP_SECONDS = 10 * 60


def relief_context(episode: Episode | None) -> dict[str, Any]:
    care = load_care()
    rule = load().rule(LONG_CRAMP_RULE)
    knowledge = load()
    cited: dict[str, Any] = {}
    for ids in [r.sources for r in care.relief.values()] + [care.walk.sources, rule.sources]:
        for source_id in ids:
            cited.setdefault(source_id, knowledge.sources[source_id])
    return {
        "nav": "tonight", "episode": episode, "new_id": uuid.uuid4(),
        "started_iso": episode.started_at.isoformat() if episode else "",
        "relief": [(r, care.cited(r.sources)) for r in care.relief.values()],
        "walk": care.walk, "walk_sources": care.cited(care.walk.sources),
        "rule": rule, "rule_sources": [knowledge.sources[i] for i in rule.sources],
        "long_seconds": LONG_CRAMP_SECONDS, "sources": list(cited.values()),
    }


@person
@require_GET
def relief(request: PersonRequest) -> Any:
    """Open during a cramp: the cramp is logged now (by the page, with an id it chooses)."""
    return render(request, "care/relief.html", relief_context(None))


@person
@require_GET
def relief_episode(request: PersonRequest, pk: uuid.UUID) -> Any:
    """The same flow for a cramp already logged with "Cramp now"."""
    return render(request, "care/relief.html", relief_context(owned(Episode, request, pk=pk)))


urlpatterns = [
    path("", relief, name="relief"),
    path("<uuid:pk>/", relief_episode, name="relief_episode"),
]
