"""What every statistical model here shares: the nights table it reads and the result objects it returns.

No Django and no database: the caller (the diary, ``nightcramp analyze``, the benchmark) builds a
:class:`Nights` from plain values. A night is named by the evening it began, as everywhere in nightcramp.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

Hemisphere = Literal["north", "south"]
Arm = Literal["stretch", "no_stretch"]
FloatArray = npt.NDArray[np.float64]


class Verdict(StrEnum):
    """What the stretching analysis may say; ``NOT_ENOUGH_DATA`` withholds a verdict."""

    HELPS = "helps"
    NO_CLEAR_EFFECT = "no_clear_effect"
    WORSE = "worse"
    NOT_ENOUGH_DATA = "not_enough_data"


class SeasonVerdict(StrEnum):
    SEASONAL = "seasonal"
    NO_CLEAR_PATTERN = "no_clear_pattern"
    NOT_ENOUGH_DATA = "not_enough_data"


@dataclass(frozen=True)
class Nights:
    """One person's logged nights, oldest first, as aligned arrays (one entry per calendar night).

    Nights that were not logged are present with ``cramps`` NaN (never read as zero). ``stretched`` is
    1.0 / 0.0 / NaN (unknown). ``planned`` and ``experiment_period`` describe a randomised personal
    experiment where there is one (``planned`` is "stretch", "no_stretch" or ""; period 0 = none).
    ``factors`` holds other nightly exposures by name (NaN = not recorded), e.g. "sitting_hours".
    """

    dates: tuple[date, ...]
    cramps: FloatArray
    stretched: FloatArray
    planned: tuple[str, ...] = ()
    experiment_period: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    factors: Mapping[str, FloatArray] = field(default_factory=dict)
    hemisphere: Hemisphere = "north"

    def __post_init__(self) -> None:
        n = len(self.dates)
        if any(b <= a for a, b in zip(self.dates, self.dates[1:], strict=False)):
            raise ValueError("dates must be strictly increasing")
        if len(self.cramps) != n or len(self.stretched) != n:
            raise ValueError("cramps and stretched must have one value per date")
        if self.planned and len(self.planned) != n:
            raise ValueError("planned must be empty or have one value per date")
        if len(self.experiment_period) not in (0, n):
            raise ValueError("experiment_period must be empty or have one value per date")
        for name, values in self.factors.items():
            if len(values) != n:
                raise ValueError(f"factor {name!r} must have one value per date")
        if self.hemisphere not in ("north", "south"):
            raise ValueError("hemisphere must be 'north' or 'south'")

    @classmethod
    def from_rows(cls, rows: Sequence[Mapping[str, Any]], hemisphere: Hemisphere = "north",
                  factor_names: Sequence[str] = ()) -> Nights:
        """Build from dict rows with ``date`` and optional ``cramps``, ``stretched``, ``planned``,
        ``experiment_period`` and factor columns; missing calendar nights are filled in as not logged."""
        by_day: dict[date, Mapping[str, Any]] = {}
        for row in rows:
            if row["date"] in by_day:
                raise ValueError(f"the night of {row['date']} appears more than once")
            by_day[row["date"]] = row
        if not by_day:
            return cls(dates=(), cramps=np.zeros(0), stretched=np.zeros(0), hemisphere=hemisphere)
        first, last = min(by_day), max(by_day)
        days = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))

        def column(name: str) -> FloatArray:
            return np.array([_number(by_day.get(d, {}).get(name)) for d in days], dtype=float)

        planned = tuple(str(by_day.get(d, {}).get("planned") or "") for d in days)
        periods = np.array([int(by_day.get(d, {}).get("experiment_period") or 0) for d in days],
                           dtype=np.int64)
        return cls(dates=days, cramps=column("cramps"), stretched=column("stretched"),
                   planned=planned if any(planned) else (), experiment_period=periods if periods.any()
                   else np.zeros(0, dtype=np.int64),
                   factors={name: column(name) for name in factor_names}, hemisphere=hemisphere)

    def __len__(self) -> int:
        return len(self.dates)

    @property
    def logged(self) -> npt.NDArray[np.bool_]:
        return ~np.isnan(self.cramps)

    @property
    def day_of_year(self) -> FloatArray:
        """Day of the year (1-366) of each night, shifted by half a year in the southern hemisphere, so
        that seasonal terms mean the same season everywhere."""
        doy = np.array([d.timetuple().tm_yday for d in self.dates], dtype=float)
        return (doy + 182.625 - 1) % 365.25 + 1 if self.hemisphere == "south" else doy

    @property
    def span_days(self) -> int:
        return (self.dates[-1] - self.dates[0]).days + 1 if self.dates else 0


def _number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return float(value)


def plain(value: Any) -> Any:
    """A result as JSON-ready values: NaN and infinities become None, enums their value, dates ISO."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Result:
    """Base of every result object: ``as_dict()`` gives the documented JSON shape."""

    def as_dict(self) -> dict[str, Any]:
        out = plain(self)
        assert isinstance(out, dict)
        return out
