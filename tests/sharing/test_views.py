"""The sharing pages of the signed-in person: the doctor report (page and PDF), the full backup and FHIR
downloads, restoring a backup, and deleting the account."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from nightcramp.diary.models import Episode, Night
from nightcramp.diary.services import log_episode, save_medication, save_night
from nightcramp.sharing.backup import export_backup
from nightcramp.sharing.models import ShareLink
from tests.conftest import PASSWORD, make_user

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


@pytest.fixture
def diary(owner):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        for day in range(1, 11):
            save_night(owner, date(2026, 3, day), checked_in=True, stretched=day > 5)
        log_episode(owner, started_at=datetime(2026, 3, 3, 2, 0, tzinfo=UTC), severity=6)
        log_episode(owner, started_at=datetime(2026, 3, 4, 2, 0, tzinfo=UTC), severity=8)
        save_medication(owner, name="simvastatin", dose="40 mg at night", started=date(2026, 2, 20))
    return owner


def get(client: Client, url: str, **params: str):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


def test_the_report_page_shows_the_period_figures_and_links_its_pdf(diary, owner_client):
    response = get(owner_client, "/report/")
    body = response.content.decode()
    assert response.status_code == 200
    # 09:00 on the 12th: the night of the 11th
    assert "Nights 1 Mar 2026 to 11 Mar 2026 (11 nights)" in re.sub(r"<[^>]+>", "", body)
    assert "simvastatin" in body and "40 mg at night" in body
    assert '<dt>Cramps</dt><dd>2</dd>' in body
    assert 'href="/report/report.pdf"' in body
    # One week with at least 4 nights logged (the second holds 3): a sentence, not a chart of one dot.
    assert body.count("<figure") == 0 and "Too few nights for a weekly chart yet" in body
    assert "<dt>Cramps a week</dt><dd>2.0</dd>" in body
    part = get(owner_client, "/report/", start="2026-03-05", end="2026-03-10").content.decode()
    assert "Nights 5 Mar 2026 to 10 Mar 2026" in re.sub(r"<[^>]+>", "", part)
    assert '<dt>Cramps</dt><dd>0</dd>' in part
    assert 'href="/report/report.pdf?start=2026-03-05&amp;end=2026-03-10"' in part


def test_the_report_pdf_downloads_for_the_chosen_period(diary, owner_client):
    response = get(owner_client, "/report/report.pdf", start="2026-03-02", end="2026-03-08")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == (
        'attachment; filename="nightcramp-report-2026-03-02-to-2026-03-08.pdf"')


def test_a_backwards_period_is_refused_naming_the_field(diary, owner_client):
    for url in ("/report/", "/report/report.pdf"):
        response = get(owner_client, url, start="2026-03-08", end="2026-03-02")
        assert response.status_code == 400
        assert "The last night is before the first." in response.content.decode()


def test_an_empty_diary_gets_a_report_that_says_so(owner_client):
    body = get(owner_client, "/report/").content.decode()
    assert "Nothing is logged in this period yet." in body


def test_the_backup_download_is_the_whole_backup(diary, owner_client):
    response = get(owner_client, "/account/backup.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="nightcramp-backup-2026-03-12.json"'
    assert response["Cache-Control"] == "no-store, private"
    data = json.loads(response.content)
    with time_machine.travel(NOW, tick=False):
        expected = export_backup(diary)
    assert data == json.loads(json.dumps(expected))
    assert len(data["nights"]) == 10 and len(data["episodes"]) == 2


def test_the_fhir_download_is_an_r4_bundle(diary, owner_client):
    response = get(owner_client, "/account/fhir.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    nights = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
              and "effectivePeriod" in e["resource"]]
    assert len(nights) == 10


def test_a_backup_restores_through_the_page_into_a_new_account(diary, owner_client):
    backup = get(owner_client, "/account/backup.json").content
    carol = make_user("carol")
    client = Client()
    client.force_login(carol)
    upload = SimpleUploadedFile("mine.json", backup, content_type="application/json")
    with time_machine.travel(NOW, tick=False):
        response = client.post("/account/restore/", {"backup": upload})
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert Night.objects.filter(user=carol).count() == 10 and Episode.objects.filter(user=carol).count() == 2
    again = SimpleUploadedFile("mine.json", backup, content_type="application/json")
    refused = client.post("/account/restore/", {"backup": again})
    assert refused.status_code == 400 and "Nothing was restored" in refused.content.decode()
    assert Night.objects.filter(user=carol).count() == 10


def test_a_broken_backup_lists_its_problems_and_changes_nothing(owner_client, owner):
    broken = b'{"format": "nightcramp-backup", "version": 1, '
    upload = SimpleUploadedFile("bad.json", broken, "application/json")
    response = owner_client.post("/account/restore/", {"backup": upload})
    body = response.content.decode()
    assert response.status_code == 400 and "Nothing was restored" in body and "bad.json: " in body
    assert not Night.objects.filter(user=owner).exists()


def test_deleting_needs_the_password_and_the_tick(diary, owner_client):
    wrong = owner_client.post("/account/delete/", {"password": "not it", "confirm": "on"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    unticked = owner_client.post("/account/delete/", {"password": PASSWORD})
    assert unticked.status_code == 400
    assert get_user_model().objects.filter(pk=diary.pk).exists()
    assert Night.objects.filter(user=diary).count() == 10


def test_deleting_the_account_removes_it_signs_out_and_ends_its_links(diary, owner_client, other):
    save_night(other, date(2026, 3, 1), checked_in=True)
    link, secret = ShareLink.issue(diary, start=date(2026, 3, 1), end=date(2026, 3, 10))
    assert Client().get(f"/shared/{secret}/").status_code == 200
    response = owner_client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200 and "Your account was deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=diary.pk).exists()
    assert not Night.objects.filter(user_id=diary.pk).exists()
    assert not ShareLink.objects.filter(pk=link.pk).exists()
    assert Client().get(f"/shared/{secret}/").status_code == 404
    assert owner_client.get("/tonight/").status_code == 302  # signed out
    assert Night.objects.filter(user=other).count() == 1


def test_the_account_page_offers_every_way_out(owner_client):
    body = owner_client.get("/account/").content.decode()
    for url in ("/report/", "/sharing/", "/export/", "/account/backup.json", "/account/fhir.json",
                "/account/restore/", "/account/delete/"):
        assert f'href="{url}"' in body, url
