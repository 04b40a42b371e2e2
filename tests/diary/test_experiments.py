"""Personal experiments in the diary: a plan made in the app, one imported from nights.csv, and the
nights table and export that carry each night's period and arm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from nightcramp.diary.csvio import ImportError_, export_files, import_data
from nightcramp.diary.models import Experiment
from nightcramp.diary.services import (
    current_experiment,
    nights_table,
    plan_of,
    save_night,
    start_experiment,
    stop_experiment,
)
from nightcramp.stats.experiment import plan_experiment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
START = date(2026, 4, 1)


@time_machine.travel(NOW, tick=False)
def test_an_experiment_stores_its_seed_and_reads_back_the_same_plan(owner):
    experiment = start_experiment(owner, start=date(2026, 6, 1), seed=42)
    again = plan_of(Experiment.objects.get(pk=experiment.pk))
    assert again == plan_experiment(date(2026, 6, 1), pairs=6, period_nights=7, seed=42)
    assert again.end == date(2026, 6, 1) + timedelta(days=83)
    unseeded = start_experiment(owner, start=again.end + timedelta(days=1))
    assert plan_of(unseeded) == plan_of(Experiment.objects.get(pk=unseeded.pk))  # a drawn seed is kept


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("changes", "field"), [
    ({"pairs": 4}, "pairs"),
    ({"period_nights": 2}, "period_nights"),
    ({"washout_nights": 7}, "washout_nights"),
    ({"start": date(2026, 5, 20)}, "start"),
])
def test_a_plan_that_cannot_work_is_refused_naming_the_field(owner, changes, field):
    with pytest.raises(ValidationError) as caught:
        start_experiment(owner, **{"start": date(2026, 6, 1), **changes})
    assert field in caught.value.message_dict
    assert not Experiment.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_two_experiments_may_not_overlap_but_may_follow_each_other(owner, other):
    first = start_experiment(owner, start=date(2026, 6, 1), seed=1)
    with pytest.raises(ValidationError, match="overlap"):
        start_experiment(owner, start=date(2026, 7, 1), seed=2)
    start_experiment(other, start=date(2026, 6, 1), seed=3)  # another person's plan is theirs
    stop_experiment(first, date(2026, 6, 20))
    assert start_experiment(owner, start=date(2026, 6, 21), seed=4).start == date(2026, 6, 21)


@time_machine.travel(NOW, tick=False)
def test_each_night_knows_its_period_and_arm_and_an_ended_experiment_stops_there(owner):
    experiment = start_experiment(owner, start=date(2026, 5, 30), seed=7)
    plan = plan_of(experiment)
    for day in (date(2026, 5, 29), date(2026, 5, 30), date(2026, 5, 31)):
        save_night(owner, day, checked_in=True)
    rows = {r.date: r for r in nights_table(owner)}
    assert (rows[date(2026, 5, 29)].experiment_period, rows[date(2026, 5, 29)].planned) == (None, "")
    assert rows[date(2026, 5, 30)].experiment_period == 1
    assert rows[date(2026, 5, 30)].planned == plan.arm_on(date(2026, 5, 30))
    assert current_experiment(owner, date(2026, 5, 31)) == experiment
    stop_experiment(experiment, date(2026, 5, 30))
    rows = {r.date: r for r in nights_table(owner)}
    assert rows[date(2026, 5, 31)].planned == "" and current_experiment(owner, date(2026, 5, 31)) is None


def plan_csv(plan_rows: list[dict[str, object]], cramps: int = 1) -> bytes:
    lines = ["date,cramps,stretched,experiment_period,planned"]
    for row in plan_rows:
        lines.append(f"{row['date']},{cramps},{'yes' if row['planned'] == 'stretch' else 'no'},"
                     f"{row['experiment_period']},{row['planned']}")
    return ("\n".join(lines) + "\n").encode()


@time_machine.travel(NOW, tick=False)
def test_an_experiment_made_in_the_app_exports_and_reimports_as_the_same_nights(owner):
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False):
        start_experiment(owner, start=START, seed=11, pairs=6, period_nights=7)
    for offset in range(0, 61, 5):  # the nights up to 31 May; the rest of the plan lies ahead
        save_night(owner, START + timedelta(days=offset), checked_in=True, stretched=offset % 2 == 0)
    exported = export_files(owner)["nights.csv"]
    text = exported.decode()
    assert text.splitlines()[0].endswith(",experiment_period,planned")
    assert text.splitlines()[1].endswith(f",1,{plan_experiment(START, seed=11).arm_on(START)}")
    copy = make_user("copy")
    import_data(copy, [("nights.csv", exported)])
    assert export_files(copy)["nights.csv"] == exported
    assert [(r.experiment_period, r.planned) for r in nights_table(copy)] == [
        (r.experiment_period, r.planned) for r in nights_table(owner)]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("edit", "expected"), [
    (lambda rows: rows[0].update(planned=""),
     "nights.csv:2: planned: experiment_period and planned go together: give both or neither"),
    (lambda rows: rows[1].update(planned="no_stretch" if rows[1]["planned"] == "stretch" else "stretch"),
     "nights.csv:3: planned: period 1 is"),
    (lambda rows: [r.update(planned=rows[0]["planned"]) for r in rows if r["experiment_period"] == 2],
     "planned: periods 1 and 2 form a pair, so they must differ"),
])
def test_an_imported_plan_that_does_not_make_sense_is_refused_with_its_line(owner, edit, expected):
    rows = [r for r in plan_experiment(START, seed=5).as_rows() if r["date"] < START + timedelta(days=28)]
    edit(rows)
    with pytest.raises(ImportError_) as caught:
        import_data(owner, [("nights.csv", plan_csv(rows))])
    messages = [str(p) for p in caught.value.problems]
    assert any(expected in m for m in messages), messages
    assert not nights_table(owner)  # all or nothing
