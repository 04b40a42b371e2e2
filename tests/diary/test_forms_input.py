"""Forms take what people type, and say what is wrong next to the field, for every reader.

Any whole number of minutes is accepted (the browser refused 12 minutes of exercise: the field had step 5).
An input with an error is aria-invalid and its aria-describedby names the error list, which exists; a
group of chips names its error list too. The shared mechanism: diary/_field.html, diary/_chips.html,
forms/form.html.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from nightcramp.diary.forms import EpisodeDetailsForm, NightForm
from nightcramp.diary.models import Night
from nightcramp.diary.services import log_episode

MORNING = datetime(2026, 3, 12, 7, 30, tzinfo=UTC)


def input_tag(body: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert found, name
    return found.group(0)


def test_every_minutes_and_number_field_takes_any_whole_number():
    for form, name in ((NightForm(), "exercise_minutes"), (EpisodeDetailsForm(), "duration_minutes"),
                       (NightForm(), "sitting_hours"), (NightForm(), "alcohol_units")):
        step = re.search(r'step="([^"]+)"', str(form[name]))
        # No step (the browser's 1) or a step that divides 1: every whole number is a valid value.
        assert step is None or (1 / float(step.group(1))).is_integer(), (name, step)
    assert NightForm({"exercise_minutes": "12"}).is_valid()


@time_machine.travel(MORNING, tick=False)
def test_the_check_in_stores_12_minutes_of_exercise(owner, owner_client):
    body = owner_client.get(reverse("checkin")).content.decode()
    assert 'step="5"' not in input_tag(body, "exercise_minutes")
    response = owner_client.post(reverse("checkin"), {"exercise_minutes": "12", "sleep_disruption": "0"})
    assert response.status_code == 302
    assert Night.objects.get(user=owner, date=date(2026, 3, 11)).exercise_minutes == 12


@time_machine.travel(MORNING, tick=False)
def test_an_invalid_field_is_marked_and_described_by_its_error(owner_client):
    response = owner_client.post(reverse("checkin"), {"exercise_minutes": "2000", "sleep_disruption": "0"})
    body = response.content.decode()
    tag = input_tag(body, "exercise_minutes")
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    assert described and "id_exercise_minutes_error" in described.group(1).split()
    assert re.search(r'<ul class="errorlist" id="id_exercise_minutes_error" role="alert">\s*<li>Minutes of '
                     r'exercise the day before: Ensure this value is less than or equal to 1440', body)


@time_machine.travel(MORNING, tick=False)
def test_a_group_of_chips_names_its_error(owner, owner_client):
    episode, _ = log_episode(owner)
    response = owner_client.post(reverse("episode_details", args=[episode.pk]), {"severity": "11"},
                                 HTTP_HX_REQUEST="true")
    body = response.content.decode()
    group = re.search(r'<fieldset[^>]*>\s*<legend>How bad', body)
    assert group and 'aria-describedby="id_severity_error"' in group.group(0)
    assert 'id="id_severity_error"' in body


def test_the_shared_form_template_gives_each_error_the_id_its_input_points_to(anon_client):
    response = anon_client.post(reverse("signup"), {
        "username": "carol", "password1": "a long night of cramps", "password2": "something else entirely"})
    body = response.content.decode()
    tag = input_tag(body, "password2")
    assert 'aria-invalid="true"' in tag
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    assert described
    for ident in described.group(1).split():  # every id it names is on the page
        assert f'id="{ident}"' in body, ident
    assert "id_password2_error" in described.group(1)
