"""What the welcome and the health check add to Tonight: an urgent result not yet marked seen, and the
first-night guide.

- An urgent result (act today, or now) of the latest health check stays on Tonight until the person
  marks it seen or answers the check again (a new check replaces it, and is shown afresh if urgent).
- The first-night guide (the bedtime stretch, "Cramp now" at night, the morning check-in) shows until
  the person closes it (remembered for the session on that device) or the first morning check-in is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from nightcramp.authz import PersonRequest
from nightcramp.diary.models import Night
from nightcramp.diary.nights import localize
from nightcramp.diary.services import profile_of
from nightcramp.screening import services
from nightcramp.screening.models import Screening
from nightcramp.screening.shown import Shown, ShownFinding, arrange

GUIDE_CLOSED = "nightcramp_first_night_guide_closed"
"""Session key: the person closed the first-night guide."""


@dataclass(frozen=True)
class CheckNotice:
    screening: Screening
    answered: datetime
    """When it was answered, in the person's time zone."""
    shown: Shown
    """The result arranged as on its page."""
    findings: list[ShownFinding]
    """The findings that say act today or now, "not sure" ones first, as on the result page."""


def check_notice(user: Any) -> CheckNotice | None:
    found = services.urgent_unseen(user)
    if found is None:
        return None
    screening, result = found
    shown = arrange(result)
    urgent = [f for f in shown.findings if f.finding.urgency in services.URGENT]
    if urgent and not urgent[0].unsure and urgent[0].finding.urgency == shown.headline_tier:
        urgent[0] = replace(urgent[0], label=None)  # right under the headline, which says how soon
    return CheckNotice(screening, localize(screening.created_at, profile_of(user).time_zone), shown, urgent)


def show_guide(request: PersonRequest) -> bool:
    if request.session.get(GUIDE_CLOSED):
        return False
    return not Night.objects.filter(user=request.user, checked_in_at__isnull=False).exists()


def close_guide(request: PersonRequest) -> None:
    request.session[GUIDE_CLOSED] = True


def context(request: PersonRequest) -> dict[str, Any]:
    """Tonight's context from the health check and the welcome: ``check_notice`` and ``first_night``."""
    return {"check_notice": check_notice(request.user), "first_night": show_guide(request)}
