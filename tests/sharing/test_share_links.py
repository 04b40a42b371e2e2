"""Share links: made on the sharing page, shown once, opening the report and the nights of one period to
anyone holding them and nothing else; an expired, withdrawn, unknown or orphaned link opens nothing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client

from nightcramp.diary.services import log_episode, save_medication, save_night
from nightcramp.sharing.models import DEFAULT_DAYS, ShareLink, hash_secret

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
INSIDE_NOTE = "NOTE-INSIDE-THE-PERIOD"
OUTSIDE_NOTE = "NOTE-OUTSIDE-THE-PERIOD"
BOB_NOTE = "BOBS-OWN-NOTE"


@pytest.fixture
def diary(owner, other):  # type: ignore[no-untyped-def]
    """Alice's nights from 1 to 10 March 2026 (a cramp on the 5th with a note) and one on 1 January,
    outside any shared period below; Bob has his own night."""
    with time_machine.travel(NOW, tick=False):
        log_episode(owner, started_at=datetime(2026, 3, 6, 2, 0, tzinfo=UTC), severity=7, note=INSIDE_NOTE)
        for day in range(1, 11):
            save_night(owner, date(2026, 3, day), checked_in=True, stretched=day % 2 == 0)
        save_night(owner, date(2026, 1, 1), checked_in=True, note=OUTSIDE_NOTE, cramps_reported=9)
        log_episode(owner, started_at=datetime(2026, 1, 2, 3, 0, tzinfo=UTC), note=OUTSIDE_NOTE)
        save_medication(owner, name="amlodipine", dose="5 mg", started=date(2026, 2, 1))
        log_episode(other, started_at=datetime(2026, 3, 6, 3, 0, tzinfo=UTC), note=BOB_NOTE)
    return owner


def make_link(owner_client: Client, **fields: object) -> str:
    """Make a link through the page and return the address it shows once."""
    data = {"label": "Dr Okafor", "start": "2026-03-01", "end": "2026-03-10", "days": str(DEFAULT_DAYS)}
    data.update({k: str(v) for k, v in fields.items()})
    with time_machine.travel(NOW, tick=False):
        response = owner_client.post("/sharing/", data)
    assert response.status_code == 200, response.content.decode()[:2000]
    found = re.search(r'readonly spellcheck="false">(http://testserver/shared/([^/<]+)/)</textarea>',
                      response.content.decode())
    assert found, "the page shows the new address"
    return found.group(1).removeprefix("http://testserver")


def open_as_visitor(path: str, at: datetime = NOW):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        return Client().get(path)


def test_a_link_made_on_the_page_opens_the_report_and_nights_of_its_period_only(diary, owner_client):
    path = make_link(owner_client)
    response = open_as_visitor(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dr Okafor" not in body  # the label is for the person who shares, not shown to the visitor
    for day in ("Thu 5 Mar 2026", "Tue 10 Mar 2026", "Sun 1 Mar 2026"):
        assert day in body
    assert "Thu 1 Jan 2026" not in body and OUTSIDE_NOTE not in body
    assert INSIDE_NOTE not in body  # notes were not ticked
    assert BOB_NOTE not in body
    assert "amlodipine" in body  # the report's medicines
    assert 'href="' + path + 'report.pdf"' in body
    # Nothing to act on: no form, no edit links into the owner's diary, no cookies set.
    assert "<form" not in body and "/night/" not in body and "/episodes/" not in body
    assert not response.cookies
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_notes_are_shown_only_when_the_person_ticked_them(diary, owner_client):
    body = open_as_visitor(make_link(owner_client, include_notes="on")).content.decode()
    assert INSIDE_NOTE in body and OUTSIDE_NOTE not in body and BOB_NOTE not in body


def test_the_pdf_of_a_link_is_the_report_of_its_period(diary, owner_client):
    path = make_link(owner_client)
    response = open_as_visitor(path + "report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="nightcramp-report-2026-03-01-to-2026-03-10.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"


def test_only_the_hash_of_the_secret_is_stored(diary, owner_client):
    path = make_link(owner_client)
    secret = path.split("/")[2]
    link = ShareLink.objects.get()
    assert link.secret_hash == hash_secret(secret) and link.hint == secret[:6]
    assert len(secret) >= 40
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sharing_sharelink")
        assert not any(secret in str(value) for row in cursor.fetchall() for value in row)


def gone(response) -> bool:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return (response.status_code == 404 and "This link shows nothing" in body
            and "amlodipine" not in body and "Mar 2026" not in body and "worst" not in body)


def test_a_link_opens_until_it_expires_and_then_shows_nothing(diary, owner_client):
    path = make_link(owner_client, days=7)
    expires = NOW + timedelta(days=7)
    assert ShareLink.objects.get().expires_at == expires
    assert open_as_visitor(path, expires - timedelta(seconds=1)).status_code == 200
    assert gone(open_as_visitor(path, expires))
    assert gone(open_as_visitor(path + "report.pdf", expires))
    assert gone(open_as_visitor(path, expires + timedelta(days=400)))


def test_a_withdrawn_link_shows_nothing_at_once(diary, owner_client):
    path = make_link(owner_client)
    assert open_as_visitor(path).status_code == 200
    link = ShareLink.objects.get()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = owner_client.post(f"/sharing/{link.pk}/withdraw/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == NOW + timedelta(hours=1)
    assert link.status(NOW + timedelta(hours=2)) == "withdrawn"
    assert gone(open_as_visitor(path, NOW + timedelta(hours=1)))
    assert gone(open_as_visitor(path + "report.pdf", NOW + timedelta(hours=1)))


def test_an_unknown_or_mangled_secret_looks_exactly_like_an_ended_link(diary, owner_client):
    path = make_link(owner_client, days=1)
    expired = open_as_visitor(path, NOW + timedelta(days=2))
    for wrong in ("/shared/nope/", path[:-2] + "x/", "/shared/" + "a" * 300 + "/"):
        response = open_as_visitor(wrong)
        assert gone(response), wrong
        assert response.content == expired.content


def test_a_link_of_a_deactivated_or_deleted_account_opens_nothing(diary, owner_client):
    path = make_link(owner_client)
    diary.is_active = False
    diary.save()
    assert gone(open_as_visitor(path))
    diary.is_active = True
    diary.save()
    assert open_as_visitor(path).status_code == 200
    diary.delete()
    assert gone(open_as_visitor(path))


def test_opening_is_counted_and_listed_for_the_owner(diary, owner_client):
    path = make_link(owner_client)
    open_as_visitor(path, NOW + timedelta(minutes=5))
    open_as_visitor(path + "report.pdf", NOW + timedelta(minutes=6))
    link = ShareLink.objects.get()
    assert link.times_opened == 2 and link.last_opened_at == NOW + timedelta(minutes=6)
    with time_machine.travel(NOW, tick=False):
        body = owner_client.get("/sharing/").content.decode()
    assert "Dr Okafor" in body and "Opened 2 times" in body and link.hint in body
    assert path not in body  # the address itself is never shown again


def test_ended_links_are_listed_apart_and_can_be_removed_but_open_ones_only_withdrawn(diary, owner_client):
    make_link(owner_client, label="first")
    make_link(owner_client, label="second", days=1)
    first = ShareLink.objects.get(label="first")
    second = ShareLink.objects.get(label="second")
    later = NOW + timedelta(days=2)
    with time_machine.travel(later, tick=False):
        body = owner_client.get("/sharing/").content.decode()
        open_part, ended_part = body.split('id="ended-title"')
        assert "first" in open_part and "second" in ended_part and "expired" in ended_part
        assert owner_client.post(f"/sharing/{first.pk}/forget/").status_code == 302
        assert ShareLink.objects.filter(pk=first.pk).exists()  # an open link is withdrawn first
        assert owner_client.post(f"/sharing/{second.pk}/forget/").status_code == 302
    assert not ShareLink.objects.filter(pk=second.pk).exists()


def test_nobody_else_can_withdraw_or_remove_a_link(diary, owner_client, other_client):
    path = make_link(owner_client)
    link = ShareLink.objects.get()
    for action in ("withdraw", "forget"):
        assert other_client.post(f"/sharing/{link.pk}/{action}/").status_code == 404
    assert Client().post(f"/sharing/{link.pk}/withdraw/").status_code == 302  # to the log-in page
    link.refresh_from_db()
    assert link.revoked_at is None
    assert open_as_visitor(path).status_code == 200
    assert "Dr Okafor" not in other_client.get("/sharing/").content.decode()


def test_the_form_defaults_to_30_days_and_names_the_bad_field(diary, owner_client):
    with time_machine.travel(NOW, tick=False):
        page = owner_client.get("/sharing/").content.decode()
        assert re.search(r'<option value="30" selected>30 days</option>', page)
        assert 'value="2026-03-12"' in page  # the period ends today by default
        bad = owner_client.post("/sharing/", {"start": "2026-03-10", "end": "2026-03-01", "days": "30"})
        assert bad.status_code == 400 and "The last night is before the first." in bad.content.decode()
        odd = owner_client.post("/sharing/", {"start": "2026-03-01", "end": "2026-03-10", "days": "45"})
        assert odd.status_code == 400 and "Select a valid choice" in odd.content.decode()
    assert not ShareLink.objects.exists()


def test_issue_refuses_an_expiry_outside_the_choices(owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="days"):
        ShareLink.issue(owner, start=date(2026, 1, 1), end=date(2026, 1, 2), days=3650)
    assert not ShareLink.objects.exists()


def test_a_long_period_is_shown_in_pages_of_60_nights(owner, owner_client):
    with time_machine.travel(NOW, tick=False):
        for offset in range(70):
            save_night(owner, date(2025, 12, 1) + timedelta(days=offset), checked_in=True)
    path = make_link(owner_client, start="2025-12-01", end="2026-03-10")
    first = open_as_visitor(path).content.decode()
    assert first.count('class="night-date"') == 60 and "Page 1 of 2" in first
    assert "Sun 8 Feb 2026" in first and "Wed 10 Dec 2025" not in first and 'href="?page=2"' in first
    second = open_as_visitor(path + "?page=2").content.decode()
    assert second.count('class="night-date"') == 10 and "Mon 1 Dec 2025" in second
    assert "Wed 10 Dec 2025" in second
