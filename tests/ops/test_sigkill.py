"""Durability: SIGKILL the server in the middle of a stream of writes; every acknowledged write survives.

Three client threads POST episodes with ids they choose, as fast as the server answers, over real
HTTP. After enough acknowledgements the server process gets SIGKILL (no shutdown code runs), with
requests still in flight. A new server on the same data must then list every episode whose POST
was answered 201, and nothing that was never sent.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pytest

from tests.conftest import PASSWORD
from tests.ops.conftest import Backend

pytestmark = pytest.mark.slow

CLIENTS = 3
ACKNOWLEDGED_BEFORE_KILL = 150
TIME_BOUND_S = 60.0
MAX_REQUESTS = 5000
PAGE = 100


@dataclass
class Traffic:
    base: str
    token: str
    sent: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def request(self, path: str, body: dict[str, object] | None = None) -> Request:
        assert self.base.startswith("http://127.0.0.1:")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        return Request(self.base + path, data=data, headers=headers)  # noqa: S310 (checked above)

    def post_one(self, number: int) -> bool:
        """Send one episode; False once the server refuses or no longer answers."""
        episode_id = str(uuid.uuid4())
        with self.lock:
            self.sent.add(episode_id)
        body = {"id": episode_id, "severity": number % 11, "leg": "left", "note": f"stream write {number}"}
        try:
            with urlopen(self.request("api/v1/episodes", body), timeout=20) as response:  # noqa: S310
                status = response.status
        except HTTPError as error:
            error.close()
            with self.lock:
                self.refused.append(f"{error.code} for {episode_id}")
            return False
        except (URLError, HTTPException, OSError):
            return False  # the server is gone (or going): this write was never acknowledged
        if status == 201:
            with self.lock:
                self.acknowledged.add(episode_id)
        return True

    def client(self, first: int) -> None:
        deadline = time.monotonic() + TIME_BOUND_S
        for number in range(first, MAX_REQUESTS, CLIENTS):
            if self.stop.is_set() or time.monotonic() > deadline or not self.post_one(number):
                return

    def acknowledged_count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def stored_ids(base: str, token: str, most: int) -> set[str]:
    """Every episode id the API lists, page by page."""
    traffic = Traffic(base, token)
    found: list[str] = []
    for offset in range(0, most + PAGE, PAGE):
        with urlopen(traffic.request(f"api/v1/episodes?limit={PAGE}&offset={offset}"), timeout=20) as resp:  # noqa: S310
            page = json.load(resp)
        found += [item["id"] for item in page["items"]]
        if offset + PAGE >= page["count"]:
            assert len(found) == page["count"], "the pages add up to the count"
            return set(found)
    raise AssertionError(f"more episodes listed than the {most} sent")


def make_account(backend: Backend) -> str:
    added = backend.run("user", "add", "walker", "--password-stdin", input=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    issued = backend.run("token", "create", "walker")
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip()


def test_it_keeps_every_acknowledged_write_after_sigkill(
    backend: Backend, start_server, record_property
) -> None:
    token = make_account(backend)
    server = start_server(backend)
    traffic = Traffic(server.url, token)
    clients = [threading.Thread(target=traffic.client, args=(n,)) for n in range(CLIENTS)]
    for thread in clients:
        thread.start()
    deadline = time.monotonic() + TIME_BOUND_S
    while (traffic.acknowledged_count() < ACKNOWLEDGED_BEFORE_KILL and time.monotonic() < deadline
           and any(thread.is_alive() for thread in clients)):
        time.sleep(0.01)

    server.kill()
    killed_after = traffic.acknowledged_count()
    traffic.stop.set()
    for thread in clients:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in clients)
    said = f"server log: {server.stderr()}"
    assert traffic.refused == [], f"answers other than 201: {traffic.refused[:5]}; {said}"
    assert killed_after >= ACKNOWLEDGED_BEFORE_KILL, f"the stream stalled at {killed_after}; {said}"

    restarted = start_server(backend)
    stored = stored_ids(restarted.url, token, len(traffic.sent))

    counts = {"sent": len(traffic.sent), "acknowledged": len(traffic.acknowledged), "stored": len(stored)}
    print(f"\nSIGKILL [{backend.name}]: {counts['sent']} sent, {counts['acknowledged']} acknowledged "
          f"({killed_after} when the kill was sent), {counts['sent'] - counts['acknowledged']} in flight, "
          f"{counts['stored']} stored after restart")
    for name, value in counts.items():
        record_property(name, value)
    assert traffic.acknowledged - stored == set(), "acknowledged writes were lost"
    assert stored - traffic.sent == set(), "episodes appeared that were never sent"
