"""The bedtime routines and relief stretches (``routines.toml``): loaded, validated and planned. No Django.

``load_care()`` gives the validated, cached :class:`Care`; ``load_care_from(directory)`` reads any
directory (tests use it on broken copies). Every problem raises :class:`KnowledgeError` naming the file,
the entry and the field. :func:`plan` turns a routine into the timed steps the player runs, so the page,
the tests and the stored session all count holds the same way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nightcramp.knowledge.loader import (
    HERE,
    KnowledgeError,
    Source,
    _entries,
    _Entry,
    _read,
    _unique,
    load_from,
)

FILENAME = "routines.toml"
SIDES = ("left", "right")
POSITIONS = ("standing", "seated")
MUSCLES = ("calf", "foot", "hamstring", "quadriceps")
"""The muscles the relief flow knows; the same values as the diary's episode muscle choices."""
PICTURE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True)
class Timing:
    get_ready_s: int
    hold_s: int
    rest_s: int
    holds: int
    switch_s: int
    sources: tuple[str, ...]


def for_side(how: str, side: str) -> str:
    """A text with ``{side}`` and ``{other}`` filled for one side ("left" / "right")."""
    return how.format(side=side, other=SIDES[1 - SIDES.index(side)])


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    muscle: str
    position: str
    picture: str
    how: str
    in_trial: bool
    """The stretch was part of the trial's routine (standing, or the seated version the trial taught)."""
    positions_from_trial: bool
    """The positions in ``how`` are the trial's own (not one stretch could be confirmed so far)."""
    sources: tuple[str, ...]
    note: str = ""
    """Why a stretch that was not in the trial is offered (required when ``in_trial`` is false)."""
    positions_note: str = ""
    """Where the positions come from, in words for people (required when they are not the trial's)."""

    def how_for(self, side: str) -> str:
        return for_side(self.how, side)


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    summary: str
    stretches: tuple[Stretch, ...]
    extras: tuple[Stretch, ...]
    default: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Relief:
    muscle: str
    title: str
    picture: str
    how: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Rest:
    """What the player shows between holds for a position: come out of the stretch and relax."""

    position: str
    picture: str
    how: str
    sources: tuple[str, ...]

    def how_for(self, side: str) -> str:
        return for_side(self.how, side)


@dataclass(frozen=True)
class Walk:
    how: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Care:
    timing: Timing
    stretches: dict[str, Stretch]
    routines: dict[str, Routine]
    relief: dict[str, Relief]
    walk: Walk
    sources: dict[str, Source]
    rests: dict[str, Rest]
    """By position ("standing", "seated"): the words and picture of the rest between holds."""

    @property
    def default(self) -> Routine:
        return next(r for r in self.routines.values() if r.default)

    def cited(self, ids: tuple[str, ...]) -> list[Source]:
        return [self.sources[i] for i in ids]


@dataclass(frozen=True)
class Step:
    """One timed step of the player: get ready, hold, rest, or change to the next stretch."""

    kind: str
    """``ready``, ``hold``, ``rest`` or ``switch``."""
    seconds: int
    stretch: str
    side: str
    hold: int
    """1..holds for a hold (and the rest after it); 0 for get ready and switch."""
    title: str
    say: str
    """What the player speaks when the step begins."""
    how: str
    picture: str
    tested: bool
    """The stretch was part of the trial's routine (``Stretch.in_trial``); false for an optional extra."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# ---- reading ---------------------------------------------------------------------------------------

def _seconds(raw: dict[str, Any], field: str, low: int, high: int) -> int:
    value = raw.get(field)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise KnowledgeError(f"{FILENAME}: [timing]: {field}: must be a whole number from {low} to {high}")
    return value


def _cites(entry: _Entry, sources: dict[str, Source]) -> tuple[str, ...]:
    ids = entry.texts("sources")
    for source_id in ids:
        if source_id not in sources:
            raise entry.fail("sources", f"{source_id!r} is not in bibliography.toml")
        if sources[source_id].status == "unverified":
            raise entry.fail("sources", f"{source_id!r} is unverified: nothing may rest on it")
    return ids


def _picture(entry: _Entry, required: bool = True) -> str:
    picture = entry.text("picture", required=required)
    if not set(picture) <= PICTURE_CHARS:
        raise entry.fail("picture", "lower-case letters, digits and dashes (static/nightcramp/care/NAME.svg)")
    return picture


def _timing(data: dict[str, Any], sources: dict[str, Source]) -> Timing:
    raw = data.get("timing")
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{FILENAME}: expected a [timing] table")
    entry = _Entry(FILENAME, "timing", raw, 0)
    entry.check_fields({"get_ready_s", "hold_s", "rest_s", "holds", "switch_s", "sources"})
    return Timing(get_ready_s=_seconds(raw, "get_ready_s", 0, 60), hold_s=_seconds(raw, "hold_s", 1, 120),
                  rest_s=_seconds(raw, "rest_s", 0, 120), holds=_seconds(raw, "holds", 1, 10),
                  switch_s=_seconds(raw, "switch_s", 0, 60), sources=_cites(entry, sources))


def _stretch(entry: _Entry, sources: dict[str, Source]) -> Stretch:
    entry.check_fields({"id", "name", "muscle", "position", "picture", "how", "in_trial",
                        "positions_from_trial", "note", "positions_note", "sources"})
    muscle, position = entry.text("muscle"), entry.text("position")
    if muscle not in MUSCLES:
        raise entry.fail("muscle", f"{muscle!r} is not one of {', '.join(MUSCLES)}")
    if position not in POSITIONS:
        raise entry.fail("position", f"{position!r} is not one of {', '.join(POSITIONS)}")
    how = _how(entry)
    in_trial = entry.flag("in_trial", False)
    from_trial = entry.flag("positions_from_trial", False)
    note = entry.text("note", required=False)
    positions_note = entry.text("positions_note", required=False)
    if not in_trial and not note:
        raise entry.fail("note", "a stretch that was not part of the trial must say so in a note")
    if not in_trial and from_trial:
        raise entry.fail("positions_from_trial",
                         "cannot be true for a stretch that was not part of the trial")
    if in_trial and not from_trial and not positions_note:
        raise entry.fail("positions_note", "positions that are not the trial's own must say so in a note")
    if from_trial and positions_note:
        raise entry.fail("positions_note", "only for positions that are not the trial's own")
    return Stretch(id=entry.text("id"), name=entry.text("name"), muscle=muscle, position=position,
                   picture=_picture(entry), how=how, in_trial=in_trial, positions_from_trial=from_trial,
                   note=note, positions_note=positions_note, sources=_cites(entry, sources))


def _routine(entry: _Entry, stretches: dict[str, Stretch], sources: dict[str, Source]) -> Routine:
    entry.check_fields({"id", "title", "summary", "stretches", "extras", "default", "sources"})

    def named(field: str, required: bool) -> tuple[Stretch, ...]:
        found = []
        for stretch_id in entry.texts(field, required=required):
            if stretch_id not in stretches:
                raise entry.fail(field, f"{stretch_id!r} is not a [[stretch]] id")
            found.append(stretches[stretch_id])
        return tuple(found)

    main, extras = named("stretches", True), named("extras", False)
    for stretch in main:
        if not stretch.in_trial:
            raise entry.fail("stretches",
                             f"{stretch.id!r} was not part of the trial's routine: offer it as an extra")
    return Routine(id=entry.text("id"), title=entry.text("title"), summary=entry.text("summary"),
                   stretches=main, extras=extras, default=entry.flag("default", False),
                   sources=_cites(entry, sources))


def _how(entry: _Entry) -> str:
    how = entry.text("how")
    try:
        how.format(side="left", other="right")
    except (KeyError, IndexError, ValueError) as exc:
        raise entry.fail("how", f"only {{side}} and {{other}} may stand in braces ({exc})") from None
    return how


def _rest(entry: _Entry, sources: dict[str, Source]) -> Rest:
    entry.check_fields({"position", "picture", "how", "sources"})
    position = entry.text("position")
    if position not in POSITIONS:
        raise entry.fail("position", f"{position!r} is not one of {', '.join(POSITIONS)}")
    return Rest(position=position, picture=_picture(entry), how=_how(entry), sources=_cites(entry, sources))


def _relief(entry: _Entry, sources: dict[str, Source]) -> Relief:
    """A relief stretch; ``other`` (a muscle the flow does not list) has general advice and no picture."""
    entry.check_fields({"muscle", "title", "picture", "how", "sources"})
    muscle = entry.text("muscle")
    if muscle not in (*MUSCLES, "other"):
        raise entry.fail("muscle", f"{muscle!r} is not one of {', '.join(MUSCLES)}, other")
    picture = _picture(entry, required=muscle != "other")
    return Relief(muscle=muscle, title=entry.text("title"), picture=picture, how=entry.text("how"),
                  sources=_cites(entry, sources))


def _relief_entry(raw: Any, index: int) -> _Entry:
    entry = _Entry(FILENAME, "relief", raw, index)
    if isinstance(raw.get("muscle"), str):
        entry.label = f"relief {raw['muscle']!r}"  # relief entries are named by their muscle
    return entry


def load_care_from(directory: Path) -> Care:
    """Read and validate ``routines.toml`` in ``directory`` against the bibliography there."""
    sources = load_from(directory).sources
    data = _read(directory, FILENAME)
    extra = sorted(set(data) - {"timing", "stretch", "routine", "rest", "relief", "walk"})
    if extra:
        raise KnowledgeError(f"{FILENAME}: {extra[0]}: unknown table")
    timing = _timing(data, sources)
    stretch_list = [_stretch(_Entry(FILENAME, "stretch", raw, i), sources)
                    for i, raw in enumerate(_entries(data, FILENAME, "stretch"))]
    _unique(stretch_list, "id", FILENAME, "stretch")
    stretches = {s.id: s for s in stretch_list}
    routine_list = [_routine(_Entry(FILENAME, "routine", raw, i), stretches, sources)
                    for i, raw in enumerate(_entries(data, FILENAME, "routine"))]
    _unique(routine_list, "id", FILENAME, "routine")
    defaults = [r.id for r in routine_list if r.default]
    if len(defaults) != 1:
        raise KnowledgeError(f"{FILENAME}: exactly one routine must be the default (found {len(defaults)})")
    rest_list = [_rest(_Entry(FILENAME, "rest", raw, i), sources)
                 for i, raw in enumerate(_entries(data, FILENAME, "rest"))]
    _unique(rest_list, "position", FILENAME, "rest")
    rests = {r.position: r for r in rest_list}
    for stretch in stretch_list:
        if stretch.position not in rests:
            raise KnowledgeError(f"{FILENAME}: stretch {stretch.id!r}: no [[rest]] for the "
                                 f"{stretch.position} position, which the player shows between its holds")
    relief_list = [_relief(_relief_entry(raw, i), sources)
                   for i, raw in enumerate(_entries(data, FILENAME, "relief"))]
    _unique(relief_list, "muscle", FILENAME, "relief")
    raw_walk = data.get("walk")
    if not isinstance(raw_walk, dict):
        raise KnowledgeError(f"{FILENAME}: expected a [walk] table")
    walk_entry = _Entry(FILENAME, "walk", raw_walk, 0)
    walk_entry.check_fields({"how", "sources"})
    walk = Walk(how=walk_entry.text("how"), sources=_cites(walk_entry, sources))
    return Care(timing=timing, stretches=stretches, routines={r.id: r for r in routine_list},
                relief={r.muscle: r for r in relief_list}, walk=walk, sources=sources, rests=rests)


@functools.cache
def load_care() -> Care:
    """The routines shipped with nightcramp, validated once per process."""
    return load_care_from(HERE)


# ---- planning --------------------------------------------------------------------------------------

def plan(care: Care, routine: Routine, extras: tuple[str, ...] = ()) -> list[Step]:
    """The timed steps of ``routine`` (with the chosen optional extras): get ready, then for each
    stretch and each leg ``holds`` holds with a rest between them, and a short change between stretches.
    A rest shows the words and picture of coming out of the stretch (the position's ``[[rest]]``), not the
    stretch it follows."""
    timing = care.timing
    unknown = [e for e in extras if e not in {s.id for s in routine.extras}]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not an optional extra of the {routine.id!r} routine")
    chosen = list(routine.stretches) + [s for s in routine.extras if s.id in extras]
    steps: list[Step] = []
    for number, (stretch, side) in enumerate((s, side) for s in chosen for side in SIDES):
        title = f"{stretch.name}, {side} leg"
        how = stretch.how_for(side)
        first = number == 0
        steps.append(Step(kind="ready" if first else "switch",
                          seconds=timing.get_ready_s if first else timing.switch_s, stretch=stretch.id,
                          side=side, hold=0, title=title,
                          say=f"{'Get ready' if first else 'Next'}: {stretch.name.lower()}, {side} leg.",
                          how=how, picture=stretch.picture, tested=stretch.in_trial))
        for hold in range(1, timing.holds + 1):
            steps.append(Step(kind="hold", seconds=timing.hold_s, stretch=stretch.id, side=side, hold=hold,
                              title=title, say=f"Hold. {hold} of {timing.holds}.", how=how,
                              picture=stretch.picture, tested=stretch.in_trial))
            if hold < timing.holds:
                rest = care.rests[stretch.position]
                steps.append(Step(kind="rest", seconds=timing.rest_s, stretch=stretch.id, side=side,
                                  hold=hold, title=title, say="And relax.", how=rest.how_for(side),
                                  picture=rest.picture, tested=stretch.in_trial))
    return [s for s in steps if s.seconds > 0]


def holds_in(steps: list[Step]) -> int:
    return sum(1 for s in steps if s.kind == "hold")


def total_seconds(steps: list[Step]) -> int:
    return sum(s.seconds for s in steps)
