"""Context for every page: the in-app reminder (signed-in pages carry the person's enabled reminders for
js/reminder.js), and whether the page carries its own CSS and JavaScript (the pages that open offline)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from nightcramp.care.offline import OFFLINE_PAGES
from nightcramp.care.reminders import enabled_kinds
from nightcramp.care.services_reminders import reminders_of
from nightcramp.diary.services import profile_of


def reminder_data(request: HttpRequest) -> str:
    """JSON for ``<body data-reminders>``: the zone the times are in, and each enabled reminder."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    row = reminders_of(user)
    kinds = enabled_kinds(row)
    if not kinds:
        return ""
    items = [{"key": k.key, "at": k.at(row).strftime("%H:%M"), "title": k.summary, "text": k.text,
              "action": k.action, "url": k.url()} for k in kinds]
    return json.dumps({"zone": profile_of(user).time_zone, "items": items}, separators=(",", ":"))


def reminders(request: HttpRequest) -> dict[str, Any]:
    # Lazy: fragments that never render base.html (HTMX swaps) never query the settings.
    return {"reminders_data": SimpleLazyObject(lambda: reminder_data(request))}


INLINE_PAGES = frozenset({*OFFLINE_PAGES, "offline"})
"""The pages that carry their CSS and scripts inside the HTML (templatetags/assets.py): the ones that open
with no network, and the page shown offline for any other."""


def assets(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    return {"inline_assets": match is not None and match.view_name in INLINE_PAGES}
