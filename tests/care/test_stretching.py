"""Stretch sessions: recorded once per client id, filed under their night, marking it stretched; adherence;
the JSON API and the routine page (the player itself runs in tests/browser/test_care_flow.py)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from nightcramp.care.models import StretchSession
from nightcramp.care.services import adherence, delete_session, record_session
from nightcramp.diary.models import Night
from nightcramp.diary.services import IdConflict, save_night
from nightcramp.knowledge.care import load_care

pytestmark = pytest.mark.django_db
# 22:40 on a winter evening in London (= UTC): the night of Tuesday 10 March 2026
NOW = datetime(2026, 3, 10, 22, 40, tzinfo=UTC)


def session(user, minutes_ago: int = 4, **changes):  # type: ignore[no-untyped-def]
    ended = NOW - timedelta(minutes=minutes_ago) + timedelta(minutes=4)
    values = {"routine": "standing", "started_at": ended - timedelta(seconds=220), "ended_at": ended,
              "holds_done": 12, **changes}
    return record_session(user, **values)


@time_machine.travel(NOW, tick=False)
def test_a_finished_routine_is_stored_under_tonight_and_marks_it_stretched(owner):
    stored, created = session(owner)
    assert created and stored.completed and stored.holds_planned == 12
    assert stored.night.date == date(2026, 3, 10) and stored.tz == "Europe/London"
    assert Night.objects.get(user=owner, date=date(2026, 3, 10)).stretched is True


@time_machine.travel(NOW + timedelta(hours=3), tick=False)
def test_a_routine_after_midnight_belongs_to_the_night_that_began_the_evening_before(owner):
    stored, _ = record_session(owner, routine="seated", started_at=NOW + timedelta(hours=2, minutes=50),
                               ended_at=NOW + timedelta(hours=2, minutes=54), holds_done=5)
    assert stored.night.date == date(2026, 3, 10) and not stored.completed
    assert Night.objects.get(user=owner, date=date(2026, 3, 10)).stretched is True


@time_machine.travel(NOW, tick=False)
def test_the_same_client_id_stores_one_session_and_another_persons_id_is_refused(owner, other):
    client_id = uuid.uuid4()
    first, created = session(owner, id=client_id)
    again, created_again = session(owner, id=client_id, holds_done=3)
    assert created and not created_again and again.pk == first.pk and again.holds_done == 12
    assert StretchSession.objects.count() == 1
    with pytest.raises(IdConflict):
        session(other, id=client_id)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("changes", "field"), [
    ({"routine": "yoga"}, "routine"),
    ({"extras": ("quadriceps_standing",), "routine": "seated"}, "extras"),
    ({"holds_done": 0}, "holds_done"),
    ({"holds_done": 13}, "holds_done"),
    ({"started_at": NOW + timedelta(hours=1), "ended_at": NOW + timedelta(hours=1)}, "started_at"),
    ({"ended_at": NOW - timedelta(hours=1)}, "ended_at"),
    ({"started_at": NOW - timedelta(hours=3), "ended_at": NOW}, "ended_at"),
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"started_at": datetime(2026, 3, 10, 22, 30), "ended_at": datetime(2026, 3, 10, 22, 34)}, "started_at"),
])
def test_a_bad_session_is_refused_naming_the_field_and_nothing_is_stored(owner, changes, field):
    with pytest.raises(ValidationError) as caught:
        session(owner, **changes)
    assert field in caught.value.message_dict
    assert not StretchSession.objects.exists() and not Night.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_extra_thigh_stretch_adds_six_holds(owner):
    stored, _ = session(owner, extras=("quadriceps_standing",), holds_done=18)
    assert stored.holds_planned == 18 and stored.completed and stored.extras == "quadriceps_standing"


@time_machine.travel(NOW, tick=False)
def test_deleting_a_session_leaves_the_nights_own_answer_alone(owner):
    stored, _ = session(owner)
    delete_session(stored)
    assert not StretchSession.objects.exists()
    assert Night.objects.get(user=owner, date=date(2026, 3, 10)).stretched is True


@time_machine.travel(NOW, tick=False)
def test_adherence_counts_nights_stretched_in_the_last_7_and_42_nights(owner):
    # the check-in's "yes" counts as well as a session; "no" and older nights do not
    for days_ago in (1, 3, 6, 7, 20, 41, 42):
        save_night(owner, date(2026, 3, 10) - timedelta(days=days_ago), stretched=True)
    save_night(owner, date(2026, 3, 8), stretched=False)
    seen = adherence(owner)
    assert seen.tonight == date(2026, 3, 10) and not seen.stretched_tonight
    assert seen.counts == {7: 3, 42: 6}
    session(owner)
    seen = adherence(owner)
    assert seen.stretched_tonight and seen.counts == {7: 4, 42: 7}


# ---- the JSON API ---------------------------------------------------------------------------------

def api_post(client, body):  # type: ignore[no-untyped-def]
    return client.post(reverse("api-v1:create_session"), json.dumps(body), content_type="application/json")


@time_machine.travel(NOW, tick=False)
def test_the_api_records_a_session_once_and_lists_it(owner_client, owner):
    body = {"id": str(uuid.uuid4()), "routine": "standing", "started_at": "2026-03-10T22:30:00Z",
            "ended_at": "2026-03-10T22:33:40Z", "tz": "Europe/London", "holds_done": 12}
    first = api_post(owner_client, body)
    assert first.status_code == 201, first.content
    again = api_post(owner_client, body)
    assert again.status_code == 200 and again.json() == first.json()
    data = first.json()
    assert data["night"] == "2026-03-10" and data["completed"] is True and data["holds_planned"] == 12
    assert data["extras"] == []
    listed = owner_client.get(reverse("api-v1:list_sessions")).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]


@time_machine.travel(NOW, tick=False)
def test_the_api_names_the_field_at_fault(owner_client):
    response = api_post(owner_client, {"routine": "standing", "started_at": "2026-03-10T22:30:00Z",
                                       "ended_at": "2026-03-10T22:33:40Z", "holds_done": 40})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "holds_done", "message": "Must be from 1 to 12 for this routine."}]
    response = api_post(owner_client, {"routine": "standing", "started_at": "2026-03-10T22:30:00Z",
                                       "ended_at": "2026-03-10T22:33:40Z", "holds_done": 1, "mood": "ok"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "mood"


@time_machine.travel(NOW, tick=False)
def test_one_person_never_sees_or_deletes_anothers_session(owner, other_client):
    stored, _ = session(owner)
    assert other_client.get(reverse("api-v1:get_session", args=[stored.pk])).status_code == 404
    assert other_client.delete(reverse("api-v1:delete_session", args=[stored.pk])).status_code == 404
    assert other_client.get(reverse("api-v1:list_sessions")).json()["count"] == 0
    assert other_client.post(reverse("stretch_session_delete", args=[stored.pk])).status_code == 404
    assert StretchSession.objects.filter(pk=stored.pk).exists()


def test_the_api_serves_the_routines_step_by_step(owner_client):
    routines = owner_client.get(reverse("api-v1:list_routines")).json()
    standing = next(r for r in routines if r["id"] == "standing")
    assert standing["default"] and standing["holds"] == 12 and standing["seconds"] == 220
    assert standing["extras"] == ["quadriceps_standing"]
    assert standing["steps"][1] == {**standing["steps"][1], "kind": "hold", "seconds": 10, "side": "left"}


# ---- the pages --------------------------------------------------------------------------------------

@time_machine.travel(NOW, tick=False)
def test_the_routine_page_offers_the_player_the_steps_and_the_evidence(owner_client):
    body = owner_client.get(reverse("routine")).content.decode()
    assert "Start the routine" in body and 'id="routine-plans"' in body
    assert "Wall calf stretch" in body and "Standing hamstring stretch" in body
    assert "Step your left leg back" in body
    assert "Not part of the tested routine" in body and "Add the standing thigh (quadriceps) stretch" in body
    assert "1.2 fewer cramps a night" in body and "Hallegraeff JM" in body
    assert "0 of the last 7 nights" in body and "Tonight: not yet" in body
    data = json.loads(body.split('id="routine-plans" type="application/json">')[1].split("</script>")[0])
    plans = data["plans"]
    assert set(plans) == {"standing", "standing+quadriceps_standing", "seated"}
    first_hold = plans["standing"]["steps"][1]
    assert first_hold == {"kind": "hold", "seconds": 10, "hold": 1, "say": "Hold. 1 of 3.",
                          "text": "calf_wall:left", "side": "left"}
    assert data["texts"]["calf_wall:left"]["title"] == "Wall calf stretch, left leg"
    assert data["texts"]["quadriceps_standing:right"]["tested"] is False
    assert plans["standing"]["holds"] == 12 and plans["standing+quadriceps_standing"]["holds"] == 18
    seated = owner_client.get(reverse("routine") + "?routine=seated").content.decode()
    assert "Seated calf stretch" in seated and 'name="routine" value="seated"' in seated


@time_machine.travel(NOW, tick=False)
def test_the_routine_page_says_the_positions_are_the_usual_form_not_the_trials(owner_client):
    """The trial's exact positions could not be checked (evidence.md section 4): the page says so, by each
    stretch in the steps, by the choice of routine, and in the player."""
    body = owner_client.get(reverse("routine")).content.decode()
    assert "the positions here are the usual form of each stretch, not confirmed from the trial" in " ".join(
        body.split())
    assert "The usual form of this stretch: the trial's exact position could not be checked." in body
    assert escape(load_care().stretches["calf_wall"].positions_note) in body
    assert escape(load_care().stretches["hamstring_standing"].positions_note) in body
    assert "did a calf stretch and a hamstring stretch every" in body
    seated = owner_client.get(reverse("routine") + "?routine=seated").content.decode()
    assert seated.count("The trial taught a seated version to people who found standing hard") == 2


@time_machine.travel(NOW, tick=False)
def test_without_the_player_the_routine_is_recorded_with_one_button(owner_client, owner):
    form = {"id": str(uuid.uuid4()), "routine": "seated"}
    response = owner_client.post(reverse("routine_done"), form, follow=True)
    assert "Well done: tonight is marked as stretched." in response.content.decode()
    owner_client.post(reverse("routine_done"), form)  # sent twice: stored once
    (stored,) = StretchSession.objects.filter(user=owner)
    assert stored.routine == "seated" and stored.completed and str(stored.pk) == form["id"]
    body = response.content.decode()
    assert "Tonight: stretched ✓" in body and "1 of the last 7 nights" in body
    assert "Night of Tuesday 10 March: seated routine at 22:36, finished" in body  # began 220 s before


@time_machine.travel(NOW, tick=False)
def test_a_bad_routine_form_says_why_and_stores_nothing(owner_client):
    response = owner_client.post(reverse("routine_done"), {"routine": "standing", "extras": "handstand"},
                                 follow=True)
    assert "Could not record the routine" in response.content.decode()
    assert not StretchSession.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_tonight_shows_adherence_and_the_way_to_the_routine_and_relief(owner_client, owner):
    body = owner_client.get(reverse("tonight")).content.decode()
    assert "Bedtime stretch" in body and "Stretched on 0 of the last 7 nights" in body
    assert f'href="{reverse("routine")}"' in body and f'href="{reverse("relief")}"' in body
    session(owner)
    body = owner_client.get(reverse("tonight")).content.decode()
    assert "Stretched tonight ✓" in body and "Stretched on 1 of the last 7 nights" in body


@time_machine.travel(NOW, tick=False)
def test_checking_in_after_the_routine_finds_the_night_already_stretched(owner_client, owner):
    with time_machine.travel(NOW + timedelta(hours=9), tick=False):
        before = owner_client.get(reverse("checkin")).content.decode()
    assert 'name="stretched" value="True" id="id_stretched_0" checked' not in before
    session(owner)
    with time_machine.travel(NOW + timedelta(hours=9), tick=False):
        page = owner_client.get(reverse("checkin")).content.decode()
    assert 'name="stretched" value="True" id="id_stretched_0" checked' in page


@time_machine.travel(NOW, tick=False)
def test_the_night_page_names_the_routine_done_that_night(owner_client, owner):
    session(owner, holds_done=7)
    body = owner_client.get(reverse("night", args=[date(2026, 3, 10)])).content.decode()
    assert "yes: the bedtime routine at 22:36, 7 of 12 holds</dd>" in body


def test_between_holds_the_player_shows_how_to_relax_not_the_stretch() -> None:
    """During "Relax" the words and picture are those of coming out of the stretch (issue 17: they still
    said "lean towards the wall")."""
    from nightcramp.knowledge.care import plan

    care = load_care()
    for routine in care.routines.values():
        steps = plan(care, routine, tuple(e.id for e in routine.extras))
        rests = [s for s in steps if s.kind == "rest"]
        assert rests
        for rest in rests:
            stretch = care.stretches[rest.stretch]
            assert rest.picture == care.rests[stretch.position].picture != stretch.picture
            assert rest.how == care.rests[stretch.position].how_for(rest.side)
            assert "lean" not in rest.how and f"your {rest.side} leg" in " ".join(rest.how.split())
        assert all(s.how == care.stretches[s.stretch].how_for(s.side) for s in steps if s.kind != "rest")
    pictures = {r.picture for r in care.rests.values()}
    assert pictures == {"rest-standing", "rest-seated"}
    assert all(care.sources[i].status != "unverified" for r in care.rests.values() for i in r.sources)


def test_a_position_without_its_rest_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from nightcramp.knowledge import KnowledgeError
    from nightcramp.knowledge.care import HERE, load_care_from

    for path in HERE.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / "routines.toml").read_text()
    start = text.index('[[rest]]\nposition = "seated"')
    end = text.index("# ---- during a cramp")
    (tmp_path / "routines.toml").write_text(text[:start] + text[end:])
    missing = "stretch 'calf_seated': no \\[\\[rest\\]\\] for the seated position"
    with pytest.raises(KnowledgeError, match=missing):
        load_care_from(tmp_path)


@time_machine.travel(NOW, tick=False)
def test_the_routine_page_gives_the_player_the_relax_words_and_pictures(owner_client):
    body = owner_client.get(reverse("routine")).content.decode()
    data = json.loads(body.split('id="routine-plans" type="application/json">')[1].split("</script>")[0])
    first_rest = data["plans"]["standing"]["steps"][2]
    assert first_rest["kind"] == "rest" and first_rest["text"] == "calf_wall:left:rest"
    words = data["texts"]["calf_wall:left:rest"]
    assert words["picture"] == "rest-standing" and "lean" not in words["how"]
    assert 'data-picture-name="rest-standing"' in body and 'data-picture-name="rest-seated"' in body
    assert "<summary" in body.split('class="sources-list"')[1][:80]  # the sources fold away
