"""Two copies of one POST at the same moment (a phone retrying while the first is in flight).

On PostgreSQL both can miss the id and try to insert it; the loser must answer with the winner's
row, never a 500 and never a duplicate. SQLite takes the write lock at BEGIN (IMMEDIATE), so the
second request simply waits and then finds the row: the race cannot happen there.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.http import HttpResponse

from nightcramp.diary.models import Episode, Medication
from nightcramp.diary.services import night_for
from tests.api.conftest import NOW, Api

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the insert race needs PostgreSQL"),
]


def blocked_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def in_thread(work: Callable[[], object], results: list[object]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(insert_first: Callable[[], object], request: Callable[[], Response]) -> Response:
    """Hold an uncommitted insert of the id, send the request, let it block, then commit."""
    inserted, release = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            insert_first()
            inserted.set()
            assert release.wait(10)

    done: list[object] = []
    holder = in_thread(first, [])
    assert inserted.wait(10)
    requester = in_thread(request, done)
    for _ in range(200):
        if blocked_on_a_lock():
            break
        time.sleep(0.05)
    else:
        pytest.fail("the second request never reached the insert")
    release.set()
    holder.join(10)
    requester.join(10)
    (response,) = done
    assert isinstance(response, HttpResponse)
    return response  # type: ignore[return-value]


def test_the_slower_of_two_identical_episode_posts_answers_200(owner: User, how: str) -> None:
    alice = Api(owner, how)
    episode_id = uuid.uuid4()
    started = NOW - timedelta(hours=6)
    night = night_for(owner, started.date() - timedelta(days=1))

    def insert_first() -> Episode:
        return Episode.objects.create(id=episode_id, user=owner, night=night, started_at=started, tz="UTC")

    body = {"id": str(episode_id), "started_at": started.isoformat()}
    response = race(insert_first, lambda: alice.post("/episodes", body))
    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(episode_id)
    assert Episode.objects.filter(user=owner).count() == 1


def test_a_concurrent_post_of_someone_elses_medication_id_is_409(owner: User, other: User) -> None:
    alice = Api(owner, "token")
    medication_id = uuid.uuid4()

    def insert_first() -> Medication:
        return Medication.objects.create(id=medication_id, user=other, name="bob's")

    response = race(insert_first, lambda: alice.post("/medications", {"id": str(medication_id), "name": "x"}))
    assert response.status_code == 409
    assert Medication.objects.get(pk=medication_id).user == other
    assert not Medication.objects.filter(user=owner).exists()
