from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from nightcramp.diary.nights import NightWindow, localize
from nightcramp.diary.services import profile_of


def theme(request: HttpRequest) -> dict[str, Any]:
    """Dark between the night's hours (the person's own, in their zone), light by day."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"theme": "auto", "night_start_hour": 18, "night_end_hour": 12}
    profile = profile_of(user)
    if profile.theme != "auto":
        return {"theme": profile.theme, "profile": profile,
                "night_start_hour": profile.night_start_hour, "night_end_hour": profile.night_end_hour}
    local = localize(timezone.now(), profile.time_zone)
    dark = NightWindow(profile.night_start_hour, profile.night_end_hour).is_night_time(local)
    return {"theme": "dark" if dark else "light", "profile": profile,
            "night_start_hour": profile.night_start_hour, "night_end_hour": profile.night_end_hour}
