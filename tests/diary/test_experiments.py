"""Personal experiments in the diary: a plan made in the app, one imported from nights.csv, and the
nights table and export that carry each night's period and arm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from nightcramp.care.services import record_session
from nightcramp.diary.csvio import ImportError_, export_files, import_data
from nightcramp.diary.models import Experiment, Night
from nightcramp.diary.services import (
    current_experiment,
    nights_table,
    plan_of,
    save_night,
    start_experiment,
    stop_experiment,
)
from nightcramp.insights.data import nights_of
from nightcramp.stats.experiment import analyse_experiment, plan_experiment
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


# --- the plan and the page agree -----------------------------------------------------------------------
# 22:00 in London (BST) on 1 June 2026: the night of Monday 1 June is under way.
EVENING = datetime(2026, 6, 1, 21, 0, tzinfo=UTC)
TONIGHT = date(2026, 6, 1)


def seed_for(first_arm: str) -> int:
    """A seed whose plan from TONIGHT - 2 puts the first period (and so tonight) in ``first_arm``."""
    return next(s for s in range(100) if plan_experiment(TONIGHT - timedelta(days=2), seed=s).arm_on(TONIGHT)
                == first_arm)


def experiment_tonight(owner, arm: str):  # type: ignore[no-untyped-def]
    """An experiment whose period 1 began two evenings ago in ``arm``, both nights so far as planned."""
    experiment = start_experiment(owner, start=TONIGHT - timedelta(days=2), seed=seed_for(arm))
    for back in (2, 1):
        save_night(owner, TONIGHT - timedelta(days=back), checked_in=True, stretched=arm == "stretch")
    return experiment


def stretch_card(body: str) -> str:
    """Tonight's one stretch card (the page has no other)."""
    assert body.count('<section class="card stretch-tonight') == 1, body
    start = body.index('<section class="card stretch-tonight')
    return body[start:body.index("</section>", start)]


@time_machine.travel(EVENING, tick=False)
def test_on_a_no_stretch_night_tonight_shows_the_assignment_and_no_start_button(owner, owner_client):
    experiment_tonight(owner, "no_stretch")
    body = owner_client.get(reverse("tonight")).content.decode()
    card = stretch_card(body)
    assert "experiment-tonight" in card and "Your experiment tonight: no stretch" in card
    assert "Start the bedtime stretch" not in body and "Skip the stretch" not in body
    assert "Stretch anyway" in card and "Tonight will then be recorded as not following the plan." in card
    assert f'href="{reverse("relief")}"' in card  # help during a cramp stays on every night


@time_machine.travel(EVENING, tick=False)
def test_on_a_stretch_night_the_card_is_the_assignment_with_the_start_button(owner, owner_client):
    experiment_tonight(owner, "stretch")
    card = stretch_card(owner_client.get(reverse("tonight")).content.decode())
    assert "experiment-tonight" in card and "Your experiment tonight: stretch" in card
    assert "Start the bedtime stretch" in card and "Stretch anyway" not in card
    record_session(owner, routine="standing", started_at=EVENING - timedelta(minutes=4), ended_at=EVENING,
                   holds_done=12)
    card = stretch_card(owner_client.get(reverse("tonight")).content.decode())
    assert "Stretched tonight, as planned." in card and "not following the plan" not in card


@time_machine.travel(EVENING, tick=False)
def test_without_an_experiment_tonight_offers_the_ordinary_stretch(owner_client):
    card = stretch_card(owner_client.get(reverse("tonight")).content.decode())
    assert "experiment-tonight" not in card and "Start the bedtime stretch" in card
    assert "Stretched on 0 of the last 7 nights" in card


@time_machine.travel(EVENING, tick=False)
def test_stretching_anyway_is_a_deviation_that_the_pages_and_the_analysis_count(owner, owner_client):
    experiment = experiment_tonight(owner, "no_stretch")
    routine = owner_client.get(reverse("routine")).content.decode()
    assert "If you stretch anyway, tonight is recorded as not following the plan." in routine
    assert ">Stretch anyway</button>" in routine and ">I stretched anyway</button>" in routine
    owner_client.post(reverse("routine_done"), {"routine": "standing"})
    assert Night.objects.get(user=owner, date=TONIGHT).stretched is True

    card = stretch_card(owner_client.get(reverse("tonight")).content.decode())
    assert "You stretched tonight, so this night is recorded as not following the plan." in card
    assert "Start the bedtime stretch" not in card and "Stretch anyway" not in card
    plan_page = owner_client.get(reverse("experiment")).content.decode()
    assert "1 of 3 nights did not follow the plan" in plan_page
    assert "Monday 1 June: stretched on a night planned without the stretch" in plan_page
    detail = owner_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()
    assert "1 of 3 nights did not follow the plan" in detail and "(1 of 3 nights did not)" in detail
    result = analyse_experiment(nights_of(owner, experiment.start, TONIGHT))
    assert (result.deviations, result.deviations_stretched, result.nights_answered) == (1, 1, 3)


@time_machine.travel(EVENING + timedelta(hours=11), tick=False)
def test_not_stretching_on_a_stretch_night_at_the_check_in_is_a_deviation_too(owner, owner_client):
    with time_machine.travel(EVENING, tick=False):
        experiment = experiment_tonight(owner, "stretch")
    response = owner_client.post(reverse("checkin"), {"stretched": "False", "sleep_disruption": "0",
                                                      "cramps": "0", "alcohol_units": "0"})
    assert response.status_code == 302
    assert Night.objects.get(user=owner, date=TONIGHT).stretched is False
    detail = owner_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()
    assert "1 of 3 nights did not follow the plan" in detail
    assert "Monday 1 June: no stretch on a night planned with it" in detail
    result = analyse_experiment(nights_of(owner, experiment.start, TONIGHT))
    assert (result.deviations, result.deviations_not_stretched) == (1, 1)


@time_machine.travel(EVENING, tick=False)
def test_before_any_cramp_the_result_page_invents_no_range(owner, owner_client):
    experiment = experiment_tonight(owner, "no_stretch")
    detail = owner_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()
    assert "not known to not known" not in detail and "plausible range" not in detail
    assert "You followed the plan on both nights you said whether you stretched." in detail
