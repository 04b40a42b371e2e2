"""Country data (places.toml): every country's words rest on a source, the loader refuses a broken file,
a time zone gives its country, and no source prints our own verification notes (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nightcramp.knowledge import countries, load, places
from nightcramp.knowledge.loader import HERE, INTERNAL, KnowledgeError
from nightcramp.knowledge.loader import load_from as load_knowledge_from

TESTED = ("GB", "IE", "US", "CA", "AU", "NZ", "NL", "DE", "FR", "ES")


def test_the_ten_countries_are_held_each_on_sources_that_are_not_unverified() -> None:
    data = countries.load()
    assert set(TESTED) <= set(data.countries)
    for code in TESTED:
        country = data.countries[code]
        assert country.words["emergency_number"]
        assert {data.sources[s].status for s in country.sources} <= {"verified", "secondary"}


@pytest.mark.parametrize(("code", "emergency"), [
    ("GB", "999"), ("IE", "112 or 999"), ("US", "911"), ("CA", "911"), ("AU", "triple zero (000)"),
    ("NZ", "111"), ("NL", "112"), ("DE", "112"), ("FR", "15 (SAMU) or 112"), ("ES", "112"), ("de", "112"),
])
def test_words_for_a_country_fill_the_emergency_placeholder(code: str, emergency: str) -> None:
    assert places.fill("Call {emergency_number} now.", countries.words_for(code)) == f"Call {emergency} now."


def test_only_the_uk_is_told_of_nhs_111() -> None:
    for code in countries.load().countries:
        said = " ".join(countries.words_for(code).values())
        assert ("NHS 111" in said) == (code == "GB"), code


@pytest.mark.parametrize("code", ["AS", "", None, "XX", "JP"])
def test_an_unlisted_country_gets_the_generic_words(code: str | None) -> None:
    assert countries.words_for(code) == places.DEFAULT_WORDS


@pytest.mark.parametrize(("zone", "country"), [
    ("Europe/Berlin", "DE"), ("Europe/London", "GB"), ("Pacific/Pago_Pago", "AS"),
    ("America/Toronto", "CA"),
    ("Australia/Sydney", "AU"), ("Pacific/Auckland", "NZ"), ("Europe/Madrid", "ES"),
    ("America/New_York", "US"),
    ("UTC", ""), ("", ""), (None, ""), ("Atlantis/Lost_City", ""),
])
def test_a_time_zone_gives_its_country(zone: str | None, country: str) -> None:
    assert countries.guess_from_zone(zone) == country


def test_the_rules_and_learn_pages_are_placed_in_a_country_words() -> None:
    advice = countries.knowledge_for("NZ").rule("cramp_over_10_minutes").advice
    assert "Healthline on 0800 611 116" in advice
    assert "your doctor's out-of-hours service" in load().rule("cramp_over_10_minutes").advice
    said = " ".join(c.text for p in countries.education_for("DE").pages for c in p.claims)
    assert "116117" in said and "{" not in said


def _copy(tmp_path: Path) -> Path:
    for name in ("bibliography.toml", "places.toml"):
        shutil.copy(HERE / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('code = "DE"', 'code = "XY"', "'XY' is not an ISO 3166-1 alpha-2 country code"),
    ('sources = ["P12", "P14"]', 'sources = ["P99"]', "unknown source id 'P99'"),
    ('emergency_number = "911"\nsources = ["P6"]',
     'emergency_number = "{emergency_number}"\nsources = ["P6"]', "no braces"),
    ('code = "NZ"', 'code = "NZ"\nphone = "111"', "phone: unknown field"),
    ('code = "ES"', 'code = "DE"', "'DE': code: duplicate"),
])
def test_the_loader_refuses_a_broken_places_file(tmp_path: Path, old: str, new: str, message: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "places.toml", old, new)
    with pytest.raises(KnowledgeError, match="places.toml") as error:
        countries.load_from(directory)
    assert message in str(error.value)


def test_the_loader_refuses_a_verification_note_in_what_people_read(tmp_path: Path) -> None:
    for name in ("bibliography.toml", "medicines.toml", "screening_rules.toml"):
        shutil.copy(HERE / name, tmp_path / name)
    _edit(tmp_path / "bibliography.toml", 'citation = "NHS (nhs.uk). Leg cramps."',
          'citation = "NHS (nhs.uk). Leg cramps, read through mirrors."')
    with pytest.raises(KnowledgeError, match=r"source 'S33': citation: .* is a verification note"):
        load_knowledge_from(tmp_path)


def test_no_source_shows_its_verification_note_in_its_public_fields() -> None:
    for source in load().sources.values():
        for text in (source.short, source.citation):
            assert not INTERNAL.search(text), (source.id, text)
            assert not source.note or source.note not in text


@pytest.mark.django_db
def test_no_rendered_page_shows_a_verification_note_of_any_source(owner, owner_client) -> None:  # type: ignore[no-untyped-def]
    """The Learn pages and a health-check result citing every rule's sources print public citations only."""
    from django.urls import reverse

    from nightcramp.knowledge import education, schema
    from nightcramp.screening.models import Screening
    from tests.screening.helpers import build

    bodies = [owner_client.get(reverse("learn_page", args=[p.slug])).content.decode()
              for p in education.load().pages]
    answers, _ = build({f"symptoms.{key}": True for key in schema.SYMPTOMS})
    screening = Screening.objects.create(user=owner, answers=answers)
    bodies.append(owner_client.get(reverse("screening:result", args=[screening.pk])).content.decode())
    said = "\n".join(bodies)
    for source in load().sources.values():
        if source.note:
            assert source.note not in said, source.id
    for phrase in ("read through mirrors", "Version date unknown", "known from a secondary report",
                   "not read here", "secondary copy"):
        assert phrase not in said
