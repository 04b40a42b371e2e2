"""The export page: the signed-in person's whole diary as a zip of three CSV files."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from nightcramp.diary.csvio import export_files
from nightcramp.diary.services import log_episode, save_medication, save_night

NOW = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already 26 November in Sydney
SECRET = "ALICE-PRIVATE-NOTE"


def unzip(response) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def owner_diary(owner) -> None:  # type: ignore[no-untyped-def]
    save_night(owner, date(2026, 11, 20), stretched=True, note=SECRET)
    log_episode(owner, started_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC), severity=6, note=SECRET)
    save_medication(owner, name="Indapamide", note=SECRET)


@time_machine.travel(NOW, tick=False)
def test_it_downloads_the_owners_three_files_as_a_dated_zip(owner, owner_client):
    owner_diary(owner)
    response = owner_client.get(reverse("export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="nightcramp-export-2026-11-25.zip"'
    assert "no-store" in response["Cache-Control"]
    folder = "nightcramp-export-2026-11-25/"
    assert unzip(response) == {folder + name: content for name, content in export_files(owner).items()}
    assert SECRET.encode() in unzip(response)[folder + "episodes.csv"]


@time_machine.travel(NOW, tick=False)
def test_another_person_gets_only_their_own_diary(owner, other, other_client):
    owner_diary(owner)
    save_night(other, date(2026, 11, 25), note="bob's own night")
    response = other_client.get(reverse("export"))
    assert response["Content-Disposition"] == 'attachment; filename="nightcramp-export-2026-11-26.zip"'
    files = unzip(response)
    assert all(SECRET.encode() not in content for content in files.values())
    nights = files["nightcramp-export-2026-11-26/nights.csv"]
    assert nights.endswith(b"\n2026-11-25,,,,,,,,bob's own night,,\n")
    assert files["nightcramp-export-2026-11-26/medications.csv"] == b"name,dose,started,stopped,note\n"


def test_a_visitor_is_sent_to_log_in(anon_client):
    response = anon_client.get(reverse("export"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('export')}"


def test_it_only_answers_get(owner_client):
    assert owner_client.post(reverse("export")).status_code == 405
