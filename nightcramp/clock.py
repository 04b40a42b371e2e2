"""The device's clock is not the truth: correcting the times a client sends by its clock's offset.

A phone's clock may be minutes fast or slow. Every request the app's own pages send through the outbox
carries the device's time at the moment of sending (``X-Client-Time``, ISO 8601 in UTC). The server
measures ``offset = server now - client now`` on each request (``ClockMiddleware``) and the API shifts
the times in that request's body by it (``corrected``), so a cramp logged at 03:16 on a phone 10 minutes
fast (which read 03:26) is stored at 03:16, even when it was queued offline and sent an hour later: the
offset is measured when the entry is sent, by the same clock that timed it.

No correction is made when the header is missing, cannot be read or gives an implausible offset (more
than ``MAX_OFFSET``); an offset below ``NEGLIGIBLE_OFFSET`` is the network's delay, not the clock's, and
is ignored. After correction a time at most ``FUTURE_TOLERANCE`` ahead of the server's clock is taken as
now (``not_future``); a time further ahead is refused. Every response names the server's time
(``X-Server-Time``), so a client can tell how far its own clock is off. Documented in docs/api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

CLIENT_TIME_HEADER = "X-Client-Time"
SERVER_TIME_HEADER = "X-Server-Time"
FUTURE_TOLERANCE = timedelta(minutes=5)
"""A time up to this far ahead of the server's clock is taken as now; further ahead is refused."""
NEGLIGIBLE_OFFSET = timedelta(seconds=5)
"""Smaller offsets are the time a request spends on the network, not a wrong clock."""
MAX_OFFSET = timedelta(days=1)
"""A larger offset is not believed (a garbled header, a clock set to another year): no correction."""
NO_OFFSET = timedelta(0)


def measure(client_time: str | None, now: datetime | None = None) -> timedelta:
    """``server now - client now`` from an ``X-Client-Time`` value; zero when it is missing, unreadable,
    without a UTC offset, negligible or implausible."""
    if not client_time:
        return NO_OFFSET
    try:
        client = datetime.fromisoformat(client_time.strip().replace("Z", "+00:00"))
    except ValueError:
        return NO_OFFSET
    if client.tzinfo is None or client.utcoffset() is None:
        return NO_OFFSET
    offset = (now or timezone.now()) - client
    if abs(offset) < NEGLIGIBLE_OFFSET or abs(offset) > MAX_OFFSET:
        return NO_OFFSET
    return offset


def offset_of(request: HttpRequest) -> timedelta:
    """The offset ClockMiddleware measured for this request (zero outside a request it saw)."""
    offset = getattr(request, "clock_offset", None)
    if offset is None:
        offset = measure(request.headers.get(CLIENT_TIME_HEADER))
    return offset if isinstance(offset, timedelta) else NO_OFFSET


def corrected(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    """The request body's values with every date-and-time moved onto the server's clock (in place).

    Only aware datetimes are moved: a naive one is refused later, and dates (a medicine's start, a
    night) are calendar days, not readings of the device's clock."""
    offset = offset_of(request)
    if offset:
        for name, value in data.items():
            if isinstance(value, datetime) and value.tzinfo is not None:
                data[name] = value + offset
    return data


def not_future(value: datetime, field: str, tz: tzinfo | None = None,
               now: datetime | None = None) -> datetime:
    """``value``, or now when it is ahead of now by at most FUTURE_TOLERANCE; ValidationError (on
    ``field``, in words for people) when it is further ahead. ``tz`` says the times in the person's zone."""
    now = now or timezone.now()
    if value <= now:
        return value
    if value - now <= FUTURE_TOLERANCE:
        return now.astimezone(value.tzinfo)
    shown = value.astimezone(tz) if tz is not None else value
    here = now.astimezone(shown.tzinfo)
    when = f"{shown:%H:%M}" if shown.date() == here.date() else f"{shown:%H:%M} on {shown.day} {shown:%B}"
    raise ValidationError({field: f"{when} is in the future: it is {here:%H:%M} now."})


class ClockMiddleware:
    """Measures each request's clock offset (``request.clock_offset``) and says the server's time in every
    response (``X-Server-Time``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.clock_offset = measure(request.headers.get(CLIENT_TIME_HEADER))  # type: ignore[attr-defined]
        response = self.get_response(request)
        now = timezone.now().astimezone(UTC)
        response[SERVER_TIME_HEADER] = now.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return response
