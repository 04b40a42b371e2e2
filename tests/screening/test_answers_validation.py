"""An answers object of the wrong shape is refused with an error naming the key path."""

from __future__ import annotations

from typing import Any

import pytest

from nightcramp.screening.answers import AnswersError
from nightcramp.screening.engine import screen
from tests.screening.helpers import negative_answers


def _with(path: str, value: Any) -> dict[str, Any]:
    answers = negative_answers()
    *parents, last = path.split(".")
    target = answers
    for part in parents:
        target = target[part]
    target[last] = value
    return answers


@pytest.mark.parametrize(("path", "value", "named"), [
    ("age", "seventy", "answers.age"),
    ("age", 70.5, "answers.age"),
    ("age", True, "answers.age"),
    ("sex", "f", "answers.sex"),
    ("pregnant", "no", "answers.pregnant"),
    ("symptoms", [], "answers.symptoms"),
    ("symptoms.muscle_twitching", "yes", "answers.symptoms.muscle_twitching"),
    ("symptoms.muscle_twitching", 1, "answers.symptoms.muscle_twitching"),
    ("symptoms.leg_ache", True, "answers.symptoms.leg_ache"),
    ("conditions", "diabetes", "answers.conditions"),
    ("conditions", ["diabetes", "gout"], "answers.conditions[1]"),
    ("medications", [{"name": "x", "dose": "1 mg"}], "answers.medications[0].dose"),
    ("medications", [{"started": "2026-01-01"}], "answers.medications[0].name"),
    ("medications", [{"name": "x", "started": "01/02/2026"}], "answers.medications[0].started"),
    ("medications", [{"name": "x", "started": "2026-02-30"}], "answers.medications[0].started"),
    ("quinine.takes", "sometimes", "answers.quinine.takes"),
    ("quinine.months_since_last_break", -1, "answers.quinine.months_since_last_break"),
    ("quinine.dose_mg", 200, "answers.quinine.dose_mg"),
    ("cramps_began_or_worsened", 2026, "answers.cramps_began_or_worsened"),
    ("favourite_colour", "blue", "answers.favourite_colour"),
])
def test_it_names_the_key_of_a_wrong_answer(path: str, value: Any, named: str) -> None:
    with pytest.raises(AnswersError) as caught:
        screen(_with(path, value))
    assert caught.value.path == named
    assert str(caught.value).startswith(f"{named}: ")


@pytest.mark.parametrize("answers", [[], "{}", None, 3])
def test_it_refuses_anything_but_an_object(answers: Any) -> None:
    with pytest.raises(AnswersError, match=r"^answers: expected an object"):
        screen(answers)


@pytest.mark.parametrize(("diary", "named"), [
    ({"longest_episode_minutes": "long"}, "diary_facts.longest_episode_minutes"),
    ({"share_daytime": 1.5}, "diary_facts.share_daytime"),
    ({"mood": 3}, "diary_facts.mood"),
    ({"medications": [{"name": ""}]}, "diary_facts.medications[0].name"),
])
def test_it_names_the_key_of_a_wrong_diary_fact(diary: dict[str, Any], named: str) -> None:
    with pytest.raises(AnswersError) as caught:
        screen(negative_answers(), diary_facts=diary)
    assert caught.value.path == named


def test_it_accepts_null_as_not_answered_everywhere() -> None:
    answers = {"age": None, "sex": None, "pregnant": None, "symptoms": None, "conditions": None,
               "medications": None, "quinine": None, "cramps_began_or_worsened": None}
    assert screen(answers).as_dict() == screen({}).as_dict()
