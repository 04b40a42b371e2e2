"""Night attribution: which night an episode belongs to. Pure functions, no Django.

A night is named by the date of the evening it began. With the default window (18:00 to 12:00),
a cramp at 03:10 on 12 March belongs to the night of 11 March. The rule is applied to the local
wall-clock time in the time zone in force where and when the episode happened, so it holds across
midnight, both daylight-saving changes (in either hemisphere) and travel across time zones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_START_HOUR = 18
DEFAULT_END_HOUR = 12


@dataclass(frozen=True)
class NightWindow:
    """The hours at which a night begins (evening) and ends (next day). end_hour <= start_hour."""

    start_hour: int = DEFAULT_START_HOUR
    end_hour: int = DEFAULT_END_HOUR

    def __post_init__(self) -> None:
        if not (0 <= self.end_hour <= 23 and 0 <= self.start_hour <= 23):
            raise ValueError("night hours must be between 0 and 23")
        if self.end_hour > self.start_hour:
            raise ValueError("a night must end (next day) no later than it begins (evening)")

    def night_of(self, local: datetime) -> date:
        """The night (by its starting date) that a local wall-clock time belongs to.

        Before the end hour: the night that began the evening before. Otherwise: the night that
        begins this evening (a daytime episode is filed there and marked as daytime).
        """
        if local.hour < self.end_hour:
            return local.date() - timedelta(days=1)
        return local.date()

    def is_night_time(self, local: datetime) -> bool:
        return local.hour < self.end_hour or local.hour >= self.start_hour

    def current_night(self, local_now: datetime) -> date:
        """The night in progress or about to begin, for the Tonight page."""
        return self.night_of(local_now)

    def last_night(self, local_now: datetime) -> date:
        """The night a morning check-in is about: the one that began on the previous evening."""
        return local_now.date() - timedelta(days=1)


FIXED_OFFSETS = (timedelta(hours=-12), timedelta(hours=14))
"""The fixed offsets a zone may be ("-12:00" to "+14:00"): those in use on Earth, and within what both
databases store."""


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name of the tz database (tzdata): a name is looked up only if it is one of them, so a
    folder ("America"), a path or a 300-character name is refused in words, never an OSError."""
    return frozenset(available_timezones())


def zone(name: str | None) -> tzinfo:
    """A time zone from an IANA name ("Europe/Berlin") or a fixed offset ("+02:00"); UTC if empty.

    Raises ``ValueError`` for anything else."""
    if not name:
        return UTC
    if name[0] in "+-" and len(name) == 6 and name[3] == ":" and name[1:3].isdigit() and name[4:].isdigit():
        sign = 1 if name[0] == "+" else -1
        offset = sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6]))
        if int(name[4:6]) >= 60 or not FIXED_OFFSETS[0] <= offset <= FIXED_OFFSETS[1]:
            raise ValueError(f"unknown time zone {name!r}: a fixed offset runs from -12:00 to +14:00")
        return timezone(offset)
    if name not in known_zones():
        raise ValueError(f"unknown time zone {name[:80]!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name[:80]!r}") from exc


def is_valid_zone(name: str) -> bool:
    try:
        zone(name)
    except ValueError:
        return False
    return True


def offset_name(offset: timedelta) -> str:
    """'+02:00' for a UTC offset of two hours."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def localize(moment: datetime, tz_name: str | None) -> datetime:
    """An aware instant as wall-clock time in a zone (the zone in force when it happened)."""
    if moment.tzinfo is None:
        raise ValueError("the time must carry its UTC offset")
    return moment.astimezone(zone(tz_name))


def common_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


@cache
def _zone_latitudes() -> dict[str, float]:
    """Latitude of each zone's principal city, from the tz database's zone.tab (shipped by tzdata)."""
    latitudes: dict[str, float] = {}
    table = files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    for line in table.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        _, coordinates, name = line.split("\t")[:3]
        # ±DDMM±DDDMM or ±DDMMSS±DDDMMSS: the latitude is everything before the second sign.
        cut = max(coordinates.rfind("+"), coordinates.rfind("-"))
        latitude = coordinates[:cut]
        degrees, minutes = int(latitude[1:3]), int(latitude[3:5])
        latitudes[name] = (degrees + minutes / 60) * (1 if latitude[0] == "+" else -1)
    return latitudes


def hemisphere_of_zone(name: str) -> str | None:
    """'north' or 'south' for a geographic time zone (by its principal city), else None."""
    latitude = _zone_latitudes().get(name)
    if latitude is None:
        return None
    return "north" if latitude >= 0 else "south"
