"""The cable the offline tests pull out really cuts the browser off the server, and plugging it back in
really restores it (else those tests could pass while the server was reachable all along)."""

from __future__ import annotations

import http.client
import socket

import pytest

pytestmark = pytest.mark.django_db(transaction=True)  # the live server answers from the database
FIRST_REQUEST_S = 60  # the live server's first request imports the whole app


def status_through(cable, path: str = "/login/") -> int:  # type: ignore[no-untyped-def]
    connection = http.client.HTTPConnection("127.0.0.1", cable.port, timeout=FIRST_REQUEST_S)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_pulled_out_refuses_new_and_drops_open_connections_and_plugged_in_restores(cable):
    assert status_through(cable) == 200
    held = http.client.HTTPConnection("127.0.0.1", cable.port, timeout=FIRST_REQUEST_S)
    held.request("GET", "/login/")  # a kept-alive connection, open when the cable is pulled
    response = held.getresponse()
    response.read()
    assert response.status == 200

    cable.pull_out()
    assert not cable.plugged_in
    with pytest.raises(OSError):
        status_through(cable)
    with pytest.raises((OSError, http.client.HTTPException)):
        held.request("GET", "/login/")
        held.getresponse()
    held.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", cable.port), timeout=2).close()

    cable.plug_in()
    assert cable.plugged_in
    assert status_through(cable) == 200
