"""`nightcramp user add` and `nightcramp token create`.

Most tests drive the command in-process with click's CliRunner against the test database; the
no-echo test runs the real console script on a pseudo-terminal, as a person would type into it.
"""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from django.contrib.auth import get_user_model

from nightcramp.accounts.models import ApiToken
from nightcramp.cli import main
from tests.conftest import PASSWORD
from tests.ops.conftest import Backend, nightcramp_command


def nightcramp(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.mark.django_db
def test_it_adds_a_user_with_a_profile_in_the_given_time_zone() -> None:
    result = nightcramp("user", "add", "carol", "--password-stdin", "--time-zone", "Europe/Berlin",
                        input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert "created user 'carol'" in result.output
    user = get_user_model().objects.get(username="carol")
    assert user.check_password(PASSWORD)
    assert user.profile.time_zone == "Europe/Berlin"


@pytest.mark.django_db
def test_it_sets_the_hemisphere_from_the_time_zone() -> None:
    result = nightcramp("user", "add", "dana", "--password-stdin", "--time-zone", "Pacific/Auckland",
                        input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert get_user_model().objects.get(username="dana").profile.hemisphere == "south"


@pytest.mark.django_db
def test_it_defaults_the_time_zone_to_utc() -> None:
    result = nightcramp("user", "add", "carol", "--password-stdin", input=PASSWORD + "\n")

    assert result.exit_code == 0, result.output
    assert get_user_model().objects.get(username="carol").profile.time_zone == "UTC"


def test_it_refuses_a_name_that_is_taken(owner) -> None:  # type: ignore[no-untyped-def]
    result = nightcramp("user", "add", "alice", "--password-stdin", input="another fine passphrase\n")

    assert result.exit_code != 0
    assert "a user named 'alice' already exists" in result.output
    assert get_user_model().objects.filter(username="alice").count() == 1
    assert get_user_model().objects.get(username="alice").check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "too short"), ("password123", "too common"), ("8301947265", "entirely numeric")],
)
def test_it_refuses_a_weak_password_and_says_why(password: str, reason: str) -> None:
    result = nightcramp("user", "add", "carol", "--password-stdin", input=password + "\n")

    assert result.exit_code != 0
    assert "password:" in result.output
    assert reason in result.output
    assert not get_user_model().objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_refuses_an_unknown_time_zone() -> None:
    result = nightcramp("user", "add", "carol", "--password-stdin", "--time-zone", "Mars/Olympus",
                        input=PASSWORD + "\n")

    assert result.exit_code != 0
    assert "unknown time zone 'Mars/Olympus'" in result.output
    assert not get_user_model().objects.filter(username="carol").exists()


@pytest.mark.django_db
def test_it_asks_twice_for_the_password_without_stdin() -> None:
    result = nightcramp("user", "add", "carol", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    assert "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert get_user_model().objects.get(username="carol").check_password(PASSWORD)


def read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while wanted not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {wanted!r} on the terminal; it shows {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"the terminal closed before {wanted!r}; it shows {bytes(seen)!r}"
            seen += chunk


@pytest.mark.slow
def test_it_does_not_echo_the_password_typed_at_the_prompt(tmp_path: Path) -> None:
    backend = Backend("sqlite", tmp_path / "data")
    controller, terminal = pty.openpty()
    child = subprocess.Popen(
        [*nightcramp_command(), "user", "add", "dora"], env=backend.env(),
        stdin=terminal, stdout=terminal, stderr=terminal, start_new_session=True,
    )
    os.close(terminal)
    seen = bytearray()
    try:
        read_until(controller, b"Password:", seen)
        os.write(controller, PASSWORD.encode() + b"\n")
        read_until(controller, b"Repeat for confirmation:", seen)
        os.write(controller, PASSWORD.encode() + b"\n")
        read_until(controller, b"created user 'dora'", seen)
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=15)
        os.close(controller)

    assert PASSWORD.encode() not in seen
    with closing(sqlite3.connect(backend.data_dir / "nightcramp.sqlite3")) as conn:
        (stored,) = conn.execute("SELECT password FROM auth_user WHERE username = 'dora'").fetchone()
    assert stored.startswith("argon2$")


def test_it_prints_a_token_that_authenticates(owner) -> None:  # type: ignore[no-untyped-def]
    result = nightcramp("token", "create", "alice", "--label", "phone")

    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    token = ApiToken.authenticate(raw)
    assert token is not None
    assert token.user == owner
    assert token.name == "phone"


def test_it_prints_a_new_token_each_time(owner) -> None:  # type: ignore[no-untyped-def]
    first = nightcramp("token", "create", "alice").output.strip()
    second = nightcramp("token", "create", "alice").output.strip()

    assert first != second
    assert ApiToken.objects.filter(user=owner).count() == 2


@pytest.mark.django_db
def test_it_explains_that_a_token_needs_an_existing_user() -> None:
    result = nightcramp("token", "create", "nobody")

    assert result.exit_code != 0
    assert "no user named 'nobody'" in result.output
    assert not ApiToken.objects.exists()
