"""routines.toml: the tested bedtime routine, its seated form, the untested extra, and relief stretches.

Two questions are kept apart for each stretch: was it part of the trial's routine (``in_trial``), and are
its positions the trial's own (``positions_from_trial``; none could be confirmed, evidence.md section 4)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nightcramp.knowledge import KnowledgeError
from nightcramp.knowledge.care import HERE, holds_in, load_care, load_care_from, plan, total_seconds
from nightcramp.knowledge.loader import load


def test_the_default_routine_is_the_trials_calf_and_hamstring_stretch_on_each_leg() -> None:
    care = load_care()
    routine = care.default
    assert routine.id == "standing"
    assert [s.muscle for s in routine.stretches] == ["calf", "hamstring"]
    assert all(s.in_trial and s.position == "standing" for s in routine.stretches)
    steps = plan(care, routine)
    holds = [s for s in steps if s.kind == "hold"]
    # 2 stretches x 2 legs x 3 holds of 10 s, each followed by 10 s of rest except the last of each leg
    assert len(holds) == holds_in(steps) == 12
    assert {s.seconds for s in holds} == {10}
    assert [(s.stretch, s.side, s.hold) for s in holds] == [
        (stretch, side, hold) for stretch in ("calf_wall", "hamstring_standing") for side in ("left", "right")
        for hold in (1, 2, 3)]
    rests = [s for s in steps if s.kind == "rest"]
    assert len(rests) == 8 and {s.seconds for s in rests} == {10}
    assert [s.kind for s in steps[:6]] == ["ready", "hold", "rest", "hold", "rest", "hold"]
    assert steps[0].seconds == 5 and steps[0].say == "Get ready: wall calf stretch, left leg."
    # 120 s of holding and 80 s of rest, plus the get-ready and three changes of position
    assert total_seconds(steps) == 120 + 80 + 5 + 3 * 5


def test_each_step_names_the_side_and_tells_how_in_words_for_that_leg() -> None:
    steps = plan(load_care(), load_care().default)
    right = next(s for s in steps if s.side == "right" and s.stretch == "calf_wall")
    assert right.title == "Wall calf stretch, right leg"
    assert "Step your right leg back" in right.how and "{side}" not in right.how
    assert all(s.picture and s.say for s in steps)


def test_the_seated_routine_has_the_same_holds_sitting_down() -> None:
    care = load_care()
    seated = care.routines["seated"]
    assert [s.position for s in seated.stretches] == ["seated", "seated"]
    assert holds_in(plan(care, seated)) == 12
    hamstring = care.stretches["hamstring_seated"].how_for("left")
    assert "left leg out" in hamstring and "right foot flat" in hamstring


def test_the_thigh_stretch_is_only_an_optional_extra_labelled_as_untested() -> None:
    care = load_care()
    quad = care.stretches["quadriceps_standing"]
    assert not quad.in_trial and "Not part of the tested routine" in quad.note
    assert quad not in care.default.stretches and quad in care.default.extras
    with_quad = plan(care, care.default, ("quadriceps_standing",))
    assert holds_in(with_quad) == 18
    quad_steps = [s for s in with_quad if s.stretch == "quadriceps_standing"]
    assert sum(s.kind == "hold" for s in quad_steps) == 6 and not any(s.tested for s in quad_steps)
    with pytest.raises(ValueError, match="not an optional extra"):
        plan(care, care.routines["seated"], ("quadriceps_standing",))


def test_no_stretch_claims_the_trials_own_positions_and_each_says_so_in_words_for_people() -> None:
    """Only the opening of the trial's standing calf stretch could be read; its hamstring stretch and the
    seated versions it taught are unknown. So no stretch may claim the trial's positions (they were all
    `tested = true` before), and each says where its positions come from."""
    care = load_care()
    in_trial = [s for s in care.stretches.values() if s.in_trial]
    assert {s.id for s in in_trial} == {"calf_wall", "hamstring_standing", "calf_seated", "hamstring_seated"}
    for stretch in care.stretches.values():
        assert not stretch.positions_from_trial, stretch.id
    for stretch in in_trial:
        assert "not confirmed from the trial" in stretch.positions_note, stretch.id
    for seated in ("calf_seated", "hamstring_seated"):
        assert care.stretches[seated].positions_note.startswith("The trial taught a seated version")
    assert "palms on the wall at chest height" in care.stretches["calf_wall"].positions_note
    quad = care.stretches["quadriceps_standing"]
    # the thigh stretch's own note says it was not in the trial at all
    assert not quad.positions_from_trial and quad.positions_note == ""
    # every routine's own stretches were part of the trial; the extras never are
    for routine in care.routines.values():
        assert all(s.in_trial for s in routine.stretches) and not any(s.in_trial for s in routine.extras)


def test_a_step_is_marked_tested_when_its_stretch_was_part_of_the_trial() -> None:
    care = load_care()
    steps = plan(care, care.default, ("quadriceps_standing",))
    assert {s.stretch for s in steps if s.tested} == {"calf_wall", "hamstring_standing"}
    assert {s.stretch for s in plan(care, care.routines["seated"]) if s.tested} == {"calf_seated",
                                                                                   "hamstring_seated"}


def test_relief_covers_each_muscle_with_sourced_advice() -> None:
    care = load_care()
    assert list(care.relief) == ["calf", "foot", "hamstring", "quadriceps", "other"]
    calf = care.relief["calf"].how
    assert "Straighten your knee" in calf and "toes up towards your shin" in calf
    assert "walk" in care.walk.how
    for item in [*care.relief.values(), care.walk, *care.stretches.values(), *care.routines.values()]:
        statuses = {load().sources[s].status for s in item.sources}
        assert item.sources and statuses <= {"verified", "secondary"}


def test_nothing_suggests_quinine() -> None:
    text = (HERE / "routines.toml").read_text().lower()
    assert "quinine" not in text


# ---- the loader refuses bad data, naming the file, the entry and the field -------------------------

@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in ("bibliography.toml", "screening_rules.toml", "medicines.toml", "routines.toml"):
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def edit(directory: Path, old: str, new: str) -> None:
    path = directory / "routines.toml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("old", "new", "message"), [
    ('id = "calf_wall"\n', 'id = "calf_wall"\nextra = 1\n', "stretch 'calf_wall': extra: unknown field"),
    ('hold_s = 10 ', 'hold_s = 0 ', r"\[timing\]: hold_s: must be a whole number from 1 to 120"),
    ('muscle = "calf"\nposition = "standing"', 'muscle = "neck"\nposition = "standing"',
     "stretch 'calf_wall': muscle: 'neck' is not one of"),
    ('stretches = ["calf_wall", "hamstring_standing"]', 'stretches = ["calf_wall", "quadriceps_standing"]',
     "routine 'standing': stretches: 'quadriceps_standing' was not part of the trial's routine: offer it as"),
    ('in_trial = false\npositions_from_trial = false\n', 'in_trial = true\npositions_from_trial = false\n',
     "stretch 'quadriceps_standing': positions_note: positions that are not the trial's own must say so"),
    ('in_trial = false\npositions_from_trial = false\n', 'in_trial = false\npositions_from_trial = true\n',
     "stretch 'quadriceps_standing': positions_from_trial: cannot be true for a stretch that was not part"),
    ('in_trial = true\npositions_from_trial = false\npositions_note = """The trial\'s own',
     'in_trial = true\ntested = true\npositions_from_trial = false\npositions_note = """The trial\'s own',
     "stretch 'calf_wall': tested: unknown field"),
    ('positions_from_trial = false\npositions_note = """The trial\'s own words',
     'positions_from_trial = true\npositions_note = """The trial\'s own words',
     "stretch 'calf_wall': positions_note: only for positions that are not the trial's own"),
    ('in_trial = true\npositions_from_trial = false\npositions_note = """The trial had a standing',
     'in_trial = "yes"\npositions_from_trial = false\npositions_note = """The trial had a standing',
     "stretch 'hamstring_standing': in_trial: must be true or false"),
    ('stretches = ["calf_seated", "hamstring_seated"]', 'stretches = ["calf_seated", "toe_curl"]',
     "routine 'seated': stretches: 'toe_curl' is not a"),
    ('picture = "relief-calf"\nhow', 'picture = "../relief-calf"\nhow', "relief 'calf': picture: lower-case"),
    ('note = """Not part of', 'nope = """Not part of', "stretch 'quadriceps_standing': nope: unknown field"),
    ('note = """Not part of the tested routine: the trial did not include a thigh stretch, so we cannot '
     'say \\\nwhether it helps."""\n', '',
     "stretch 'quadriceps_standing': note: a stretch that was not part of the trial"),
    ('leg back. Keep', '{knee} leg back. Keep', "stretch 'calf_wall': how: only {side} and {other}"),
    ('default = true\n', '', "exactly one routine must be the default"),
])
def test_it_refuses_a_broken_file_with_a_message_naming_the_fault(copy: Path, old: str, new: str,
                                                                    message: str) -> None:
    edit(copy, old, new)
    with pytest.raises(KnowledgeError, match=message):
        load_care_from(copy)


def test_it_refuses_advice_that_rests_on_an_unverified_source(copy: Path) -> None:
    bib = copy / "bibliography.toml"
    text = bib.read_text()
    status = text.index('status = "secondary"', text.index('id = "S33"'))
    bib.write_text(text[:status] + 'status = "unverified"' + text[status + len('status = "secondary"'):])
    with pytest.raises(KnowledgeError, match="'S33' is unverified"):
        load_care_from(copy)


def test_the_unknown_source_error_names_it(copy: Path) -> None:
    edit(copy, 'sources = ["S6", "S33"]\n\n[walk]', 'sources = ["S6", "S404"]\n\n[walk]')
    with pytest.raises(KnowledgeError, match="relief 'other': sources: 'S404' is not in bibliography.toml"):
        load_care_from(copy)


def test_the_care_knowledge_never_imports_django() -> None:
    code = ("import sys; import nightcramp.knowledge.care as c; c.load_care(); "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
