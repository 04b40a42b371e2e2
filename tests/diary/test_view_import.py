"""The import page: upload CSV files; all are imported or, on any problem, none and every problem shown."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nightcramp.diary.models import Episode, Medication, Night
from nightcramp.diary.services import save_night

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("frozen")
NIGHTS = b"date,cramps,stretched,note\n2026-11-01,1,yes,from paper\n2026-11-02,0,no,\n"
EPISODES = b"start,leg,muscle,severity\n2026-11-02T03:10:00+00:00,left,calf,6\n"


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def counts(user) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (Night.objects.filter(user=user).count(), Episode.objects.filter(user=user).count(),
            Medication.objects.filter(user=user).count())


def test_it_shows_a_form_for_several_files(owner_client):
    response = owner_client.get(reverse("import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="files"' in html and "multiple" in html


def test_it_imports_the_files_and_shows_what_it_did(owner, owner_client):
    files = [upload("nights.csv", NIGHTS), upload("episodes.csv", EPISODES)]
    response = owner_client.post(reverse("import"), {"files": files}, follow=True)
    assert response.redirect_chain == [(reverse("import"), 302)]
    summary = "Imported from nights.csv, episodes.csv: 2 nights, 1 episode, 0 medications."
    assert summary in response.content.decode()
    assert counts(owner) == (2, 1, 0)
    assert Night.objects.get(user=owner, date=date(2026, 11, 1)).note == "from paper"


def test_it_lists_every_problem_and_imports_nothing(owner, owner_client):
    bad = b"date,cramps,stretched\n2026-11-01,many,yes\n2026-11-02,1,perhaps\n"
    response = owner_client.post(
        reverse("import"), {"files": [upload("episodes.csv", EPISODES), upload("../../nights.csv", bad)]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "<td>nights.csv</td><td>2</td><td>cramps</td><td>&#x27;many&#x27; is not a whole number" in html
    assert "<td>nights.csv</td><td>3</td><td>stretched</td><td>&#x27;perhaps&#x27; is not yes or no" in html
    assert counts(owner) == (0, 0, 0)


def test_it_asks_for_a_file_when_none_was_chosen(owner, owner_client):
    response = owner_client.post(reverse("import"), {})
    assert response.status_code == 400
    assert "choose at least one CSV file" in response.content.decode()


def test_another_person_imports_only_into_their_own_diary(owner, other, other_client):
    save_night(owner, date(2026, 11, 1), note="alice's night")
    response = other_client.post(reverse("import"), {"files": [upload("nights.csv", NIGHTS)]})
    assert response.status_code == 302
    assert Night.objects.get(user=owner, date=date(2026, 11, 1)).note == "alice's night"
    assert counts(owner) == (1, 0, 0)
    assert counts(other) == (2, 0, 0)


def test_a_visitor_is_sent_to_log_in_and_nothing_is_written(owner, anon_client):
    for response in (anon_client.get(reverse("import")),
                     anon_client.post(reverse("import"), {"files": [upload("nights.csv", NIGHTS)]})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Night.objects.count() == 0


def test_an_exported_zip_can_be_imported_into_another_account_unchanged(owner, owner_client, other_client):
    files = [upload("nights.csv", NIGHTS), upload("episodes.csv", EPISODES)]
    assert owner_client.post(reverse("import"), {"files": files}).status_code == 302
    exported = zipfile.ZipFile(io.BytesIO(owner_client.get(reverse("export")).content))
    files = [upload(info.filename.split("/")[-1], exported.read(info)) for info in exported.infolist()]
    assert other_client.post(reverse("import"), {"files": files}).status_code == 302
    again = zipfile.ZipFile(io.BytesIO(other_client.get(reverse("export")).content))
    assert [again.read(i) for i in again.infolist()] == [exported.read(i) for i in exported.infolist()]
