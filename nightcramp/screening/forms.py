"""The screening questionnaire as a Django form that reads and writes the documented answers object.

Every question may be left open: a blank answer leaves the key out of the answers ("not answered"), and
"Not sure" stores ``"not_sure"``. Neither is ever read as "no": a "not sure" to a warning sign counts like
a "yes" towards how soon to act, and the result says the person was not sure. The medicines come from the
diary's medicines page, so nobody types them twice; the questionnaire only asks whether that list is
complete.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from nightcramp.diary.models import Medication, Profile
from nightcramp.knowledge import schema

YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]
TO_BOOL: dict[str, bool | str] = {"yes": True, "no": False, "unsure": schema.NOT_SURE}
"""Form choice -> answers value (``"not_sure"`` for "Not sure")."""
FROM_BOOL: dict[bool | str, str] = {value: choice for choice, value in TO_BOOL.items()}
MEDICINE_LOOKBACK_DAYS = 365
"""Medicines stopped within this many days still count: one may have started cramps that outlast it."""

# The questions in the order they are asked, grouped; each key is an answers key under ``symptoms``.
SYMPTOM_GROUPS: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    ("now", "Right now, or in the last few days", [
        ("calf_swelling_warmth_or_redness",
         "Is one of your calves swollen, warm, red or tender, or does the pain stay after the cramp has "
         "gone?",
         ""),
        ("breathless_or_chest_pain",
         "Have you suddenly become short of breath, or do you have sudden pain in your chest?",
         "With or without a painful or swollen leg."),
        ("cramp_over_10_min_despite_stretching",
         "Has a cramp lasted more than 10 minutes, even though you stretched the muscle?", ""),
        ("dirty_wound_or_toxin_exposure",
         "Before the cramps began, did you have a wound with soil or dirt in it, or contact with a poison "
         "such as lead or mercury?", ""),
    ]),
    ("muscles", "Your muscles and nerves", [
        ("muscle_weakness_or_wasting", "Are any of your muscles getting weaker or smaller?", ""),
        ("muscle_twitching",
         "Do you see or feel small twitches or flickers in your muscles when they are at rest?", ""),
        ("numbness_or_tingling", "Do you have numbness, tingling or pins and needles in your legs?", ""),
        ("cramps_in_other_muscles_or_by_day",
         "Do you often get cramps in muscles other than the calf or foot, or during the day?", ""),
    ]),
    ("pattern", "What it feels like", [
        ("calf_pain_walking_eased_by_rest",
         "Do your calves ache when you walk, and ease when you stop and stand still?", ""),
        ("urge_to_move_eased_by_moving",
         "Do you get an urge to move your legs, often with odd feelings in them, that goes when you move, "
         "without the muscle going hard?", ""),
        ("sleep_disrupted_often", "Do the cramps often wake you or spoil your sleep?", ""),
    ]),
]
SYMPTOM_QUESTIONS = {key: text for _, _, items in SYMPTOM_GROUPS for key, text, _ in items}
assert set(SYMPTOM_QUESTIONS) == set(schema.SYMPTOMS), "every symptom in the schema is asked, once"

CONDITION_CHOICES = [(key, words[0].upper() + words[1:]) for key, words in schema.CONDITIONS.items()]
NONE = "none"
MEDS_COMPLETE = [("yes", "Yes, that is all of them"), ("none", "I take no medicines"),
                 ("unsure", "Not sure")]


def _ternary(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(choices=YES_NO_UNSURE, required=False, widget=forms.RadioSelect,
                             label=label, help_text=help_text)


def diary_medicines(user: Any, today: date) -> list[Medication]:
    """The diary's medicines that are taken now or were stopped within the last year."""
    cutoff = date.fromordinal(today.toordinal() - MEDICINE_LOOKBACK_DAYS)
    return [m for m in Medication.objects.filter(user=user).order_by("started", "name")
            if m.stopped is None or m.stopped >= cutoff]


class QuestionnaireForm(forms.Form):
    age = forms.IntegerField(label="Your age", required=False, min_value=0, max_value=130,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    sex = forms.ChoiceField(label="Sex", required=False, widget=forms.RadioSelect,
                            choices=[("female", "Female"), ("male", "Male"), ("other", "Other"),
                                     ("", "Prefer not to say")])
    pregnant = _ternary("Are you pregnant?", "Leave it open if it does not apply to you.")
    conditions = forms.MultipleChoiceField(
        label="Has a doctor told you that you have any of these?", required=False,
        choices=[*CONDITION_CHOICES, (NONE, "None of these")], widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply. Leave them all open if you are not sure.")
    medications_complete = forms.ChoiceField(
        label="Is this list of your medicines complete?", required=False, widget=forms.RadioSelect,
        choices=MEDS_COMPLETE,
        help_text="Count medicines from a prescription, from the pharmacy, inhalers and injections.")
    quinine_takes = _ternary("Do you take quinine (for example quinine sulfate or bisulfate tablets)?")
    quinine_bleeding_or_bruising = _ternary(
        "If you take quinine: do you have bruises you cannot explain, tiny red or purple spots on the skin, "
        "nosebleeds, bleeding gums, or blood in your pee or poo?")
    quinine_palpitations_fainting_vision_or_hearing = _ternary(
        "If you take quinine: have you had a racing or fluttering heartbeat, fainting, changes in your "
        "eyesight, ringing in the ears or poorer hearing?")
    quinine_confusion = _ternary("If you take quinine: have you felt confused, or has anyone said you seem "
                                 "confused?")
    quinine_months_since_last_break = forms.IntegerField(
        label="If you take quinine: how many months since your last break from it?", required=False,
        min_value=0, max_value=1200, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Count from when you started if you have never had a break.")
    cramps_began_or_worsened = forms.DateField(
        label="When did the cramps begin, or last get clearly worse?", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A rough date is fine, for example the first of the month. "
                  "Leave it open if you do not know.")

    def __init__(self, *args: Any, medicines: list[Medication] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.medicines = medicines or []
        for _, _, items in SYMPTOM_GROUPS:
            for key, text, help_text in items:
                self.fields[f"symptom_{key}"] = _ternary(text, help_text)
        if not self.medicines:
            complete = self.fields["medications_complete"]
            assert isinstance(complete, forms.ChoiceField)
            complete.label = "Do you take any medicines?"
            complete.choices = [
                ("none", "No, none"), ("add", "Yes: I will add them on the medicines page"),
                ("unsure", "Not sure")]

    # -- groups for the template ----------------------------------------------------------------
    def symptom_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(slug, heading, [self[f"symptom_{key}"] for key, _, _ in items])
                for slug, heading, items in SYMPTOM_GROUPS]

    def quinine_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("quinine_")]

    # -- checks ---------------------------------------------------------------------------------
    def clean_conditions(self) -> list[str]:
        chosen: list[str] = self.cleaned_data["conditions"]
        if NONE in chosen and len(chosen) > 1:
            raise forms.ValidationError("You ticked 'None of these' together with a condition; "
                                        "untick one of them.")
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sex") == "male" and data.get("pregnant") == "yes":
            self.add_error("pregnant", "You said your sex is male; please check this answer.")
        return data

    # -- to and from the answers object -------------------------------------------------------------
    def answers(self) -> dict[str, Any]:
        """The documented answers object; unanswered questions are left out."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        if data.get("age") is not None:
            answers["age"] = data["age"]
        if data.get("sex"):
            answers["sex"] = data["sex"]
        if data.get("pregnant") in TO_BOOL:
            answers["pregnant"] = TO_BOOL[data["pregnant"]]
        elif data.get("sex") == "male":
            answers["pregnant"] = False
        symptoms = {key: TO_BOOL[data[f"symptom_{key}"]] for key in SYMPTOM_QUESTIONS
                    if data.get(f"symptom_{key}") in TO_BOOL}
        if symptoms:
            answers["symptoms"] = symptoms
        if data.get("conditions"):
            answers["conditions"] = [c for c in data["conditions"] if c != NONE]
        complete = data.get("medications_complete")
        if complete == "none":
            answers["medications"] = []
        elif complete == "yes":
            answers["medications"] = [
                {"name": m.name, "started": m.started.isoformat() if m.started else None}
                for m in self.medicines]
        quinine: dict[str, Any] = {}
        for key in ("takes", "bleeding_or_bruising", "palpitations_fainting_vision_or_hearing", "confusion"):
            if data.get(f"quinine_{key}") in TO_BOOL:
                quinine[key] = TO_BOOL[data[f"quinine_{key}"]]
        if data.get("quinine_months_since_last_break") is not None:
            quinine["months_since_last_break"] = data["quinine_months_since_last_break"]
        if quinine:
            answers["quinine"] = quinine
        if data.get("cramps_began_or_worsened"):
            answers["cramps_began_or_worsened"] = data["cramps_began_or_worsened"].isoformat()
        return answers

    @staticmethod
    def initial_from(answers: dict[str, Any], profile: Profile, today: date) -> dict[str, Any]:
        """Form values from earlier answers (so a re-check only changes what changed) and the profile."""
        initial: dict[str, Any] = {}
        age = answers.get("age")
        if age is None and profile.birth_year:
            age = today.year - profile.birth_year
        if age is not None:
            initial["age"] = int(age)
        initial["sex"] = answers.get("sex") or profile.sex or ""
        if "pregnant" in answers and answers["pregnant"] is not None and initial["sex"] != "male":
            initial["pregnant"] = FROM_BOOL[answers["pregnant"]]
        for key, value in (answers.get("symptoms") or {}).items():
            if value is not None:
                initial[f"symptom_{key}"] = FROM_BOOL[value]
        if answers.get("conditions") is not None:
            initial["conditions"] = list(answers["conditions"]) or [NONE]
        for key, value in (answers.get("quinine") or {}).items():
            if value is not None:
                initial[f"quinine_{key}"] = (FROM_BOOL[value] if isinstance(value, bool | str)
                                             else int(value))
        if answers.get("cramps_began_or_worsened"):
            initial["cramps_began_or_worsened"] = answers["cramps_began_or_worsened"]
        return initial
