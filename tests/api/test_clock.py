"""The device's clock is not the truth: the offset measured on each request, the correction of the times
it sends, the tolerance for a time a little ahead, and what happens with no usable X-Client-Time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from nightcramp import clock
from nightcramp.care.models import StretchSession
from nightcramp.diary.models import Episode
from nightcramp.diary.services import log_episode
from tests.api.conftest import NOW, Api

pytestmark = pytest.mark.django_db


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def fast(api: Api, by: timedelta) -> Api:
    """The same persona calling from a device whose clock is ``by`` ahead of the server's."""
    api.headers[clock.CLIENT_TIME_HEADER] = iso(NOW + by)
    return api


# --- measuring --------------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "offset"), [
    ("2026-03-30T09:10:00Z", -timedelta(minutes=10)),           # 10 minutes fast
    ("2026-03-30T08:57:00.250Z", timedelta(minutes=2, seconds=59.75)),  # slow, with milliseconds
    ("2026-03-30T11:10:00+02:00", -timedelta(minutes=10)),      # any UTC offset will do
    ("2026-03-30T09:00:04Z", timedelta(0)),                     # network delay, not a wrong clock
    ("2026-03-30T08:59:56Z", timedelta(0)),
    ("2026-04-01T09:00:00Z", timedelta(0)),                     # two days out: not believed
    ("2026-03-30T09:10:00", timedelta(0)),                      # no UTC offset
    ("yesterday at nine", timedelta(0)),
    ("", timedelta(0)),
    (None, timedelta(0)),
])
def test_the_offset_is_server_now_minus_client_now_when_plausible(header: str | None,
                                                                  offset: timedelta) -> None:
    assert clock.measure(header, NOW) == offset


def test_the_offset_just_inside_a_day_is_believed_and_just_outside_is_not() -> None:
    inside, outside = clock.MAX_OFFSET - timedelta(seconds=1), clock.MAX_OFFSET + timedelta(seconds=1)
    assert clock.measure(iso(NOW + inside), NOW) == -inside
    assert clock.measure(iso(NOW - outside), NOW) == timedelta(0)


def test_every_response_says_the_servers_time(alice: Api) -> None:
    response = alice.get("/me")
    assert response[clock.SERVER_TIME_HEADER] == "2026-03-30T09:00:00.000Z"


# --- correcting -------------------------------------------------------------------------------
def test_a_cramp_from_a_phone_ten_minutes_fast_is_stored_at_the_true_time(alice: Api, owner: User) -> None:
    # The phone read 03:26 (local) when the cramp began at 03:16; it sends the entry at 09:10 by its clock.
    body = {"id": str(uuid.uuid4()), "started_at": "2026-03-30T02:26:00+00:00", "tz": "Europe/London"}
    response = fast(alice, timedelta(minutes=10)).post("/episodes", body)
    assert response.status_code == 201, response.content
    assert Episode.objects.get(user=owner).started_at == datetime(2026, 3, 30, 2, 16, tzinfo=UTC)
    assert response.json()["started_at"] == "2026-03-30T03:16:00+01:00"


def test_a_cramp_sent_just_now_from_a_fast_clock_is_not_refused_as_future(alice: Api, owner: User) -> None:
    # 10 minutes fast: without the correction this is 10 minutes in the future and refused.
    body = {"started_at": iso(NOW + timedelta(minutes=10)), "tz": "Europe/London"}
    response = fast(alice, timedelta(minutes=10)).post("/episodes", body)
    assert response.status_code == 201, response.content
    assert Episode.objects.get(user=owner).started_at == NOW


def test_a_slow_clock_is_corrected_forwards(alice: Api, owner: User) -> None:
    body = {"started_at": "2026-03-30T02:00:00Z"}
    assert fast(alice, -timedelta(minutes=7)).post("/episodes", body).status_code == 201
    assert Episode.objects.get(user=owner).started_at == datetime(2026, 3, 30, 2, 7, tzinfo=UTC)


def test_without_the_header_nothing_is_corrected(alice: Api, owner: User) -> None:
    assert alice.post("/episodes", {"started_at": "2026-03-30T02:26:00Z"}).status_code == 201
    assert Episode.objects.get(user=owner).started_at == datetime(2026, 3, 30, 2, 26, tzinfo=UTC)


def test_a_garbled_header_is_ignored_and_the_time_judged_as_sent(alice: Api, owner: User) -> None:
    alice.headers[clock.CLIENT_TIME_HEADER] = "not a time"
    response = alice.post("/episodes", {"started_at": iso(NOW + timedelta(minutes=10))})
    assert response.status_code == 422
    assert not Episode.objects.filter(user=owner).exists()


def test_a_changed_time_is_corrected_too(alice: Api, owner: User) -> None:
    episode, _ = log_episode(owner, started_at=NOW - timedelta(hours=5))
    response = fast(alice, timedelta(minutes=10)).patch(f"/episodes/{episode.pk}",
                                                        {"started_at": "2026-03-30T05:10:00Z"})
    assert response.status_code == 200, response.content
    episode.refresh_from_db()
    assert episode.started_at == datetime(2026, 3, 30, 5, 0, tzinfo=UTC)


def test_details_without_a_time_are_not_touched(alice: Api, owner: User) -> None:
    episode, _ = log_episode(owner, started_at=NOW - timedelta(hours=5))
    response = fast(alice, timedelta(minutes=10)).patch(f"/episodes/{episode.pk}", {"duration_s": 90})
    assert response.status_code == 200
    episode.refresh_from_db()
    assert (episode.started_at, episode.duration_s) == (NOW - timedelta(hours=5), 90)


def test_a_stretch_session_from_a_fast_clock_is_stored_at_the_true_times(alice: Api, owner: User) -> None:
    body = {"routine": "standing", "started_at": iso(NOW + timedelta(minutes=6)),
            "ended_at": iso(NOW + timedelta(minutes=10)), "tz": "Europe/London", "holds_done": 12}
    response = fast(alice, timedelta(minutes=10)).post("/stretch-sessions", body)
    assert response.status_code == 201, response.content
    stored = StretchSession.objects.get(user=owner)
    assert (stored.started_at, stored.ended_at) == (NOW - timedelta(minutes=4), NOW)


# --- the tolerance ----------------------------------------------------------------------------
def test_a_time_up_to_five_minutes_ahead_is_taken_as_now(alice: Api, owner: User) -> None:
    body = {"started_at": iso(NOW + clock.FUTURE_TOLERANCE)}
    assert alice.post("/episodes", body).status_code == 201
    assert Episode.objects.get(user=owner).started_at == NOW  # not a moment in the future


def test_a_time_just_over_five_minutes_ahead_is_refused_in_words(alice: Api, owner: User) -> None:
    body = {"started_at": iso(NOW + clock.FUTURE_TOLERANCE + timedelta(seconds=1)), "tz": "Europe/London"}
    response = alice.post("/episodes", body)
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "started_at",
                                          "message": "10:05 is in the future: it is 10:00 now."}]
    assert not Episode.objects.filter(user=owner).exists()


def test_a_session_ending_a_minute_ahead_ends_now() -> None:
    assert clock.not_future(NOW + timedelta(minutes=1), "ended_at", now=NOW) == NOW
    assert clock.not_future(NOW - timedelta(minutes=1), "ended_at", now=NOW) == NOW - timedelta(minutes=1)


def test_a_refused_time_on_another_day_names_the_day() -> None:
    with pytest.raises(ValidationError) as raised:
        clock.not_future(NOW + timedelta(days=1, hours=2), "started_at", UTC, now=NOW)
    message = "11:00 on 31 March is in the future: it is 09:00 now."
    assert raised.value.message_dict == {"started_at": [message]}


def test_the_web_forms_take_a_time_a_little_ahead_as_now(owner: User) -> None:
    episode, created = log_episode(owner, started_at=NOW + timedelta(minutes=3))
    assert created and episode.started_at == NOW
