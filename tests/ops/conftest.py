"""Helpers for tests that run the real ``nightcramp`` command as a separate process.

Each test gets its own data directory and, for PostgreSQL, its own database (created here and
dropped afterwards), so server processes never share state with the pytest-django test database.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import CompletedProcess
from urllib.parse import urlsplit, urlunsplit

import pytest

READY = re.compile(r"running at (http://127\.0\.0\.1:\d+/)")
START_TIMEOUT = 90.0


def nightcramp_command() -> list[str]:
    """The installed console script next to this interpreter (a Python process, no shell wrapper)."""
    script = Path(sys.executable).parent / "nightcramp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "nightcramp"]


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Backend:
    """Where a child process keeps its data: a data directory and, optionally, a PostgreSQL URL."""

    name: str
    data_dir: Path
    database_url: str | None = None

    def env(self) -> dict[str, str]:
        # The machine's environment without test-run settings (tests/browser sets DJANGO_ALLOW_ASYNC_UNSAFE).
        test_run = ("NIGHTCRAMP_", "DJANGO_", "DATABASE_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(test_run)}
        env.update(NIGHTCRAMP_DATA_DIR=str(self.data_dir), PYTHONUNBUFFERED="1")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str, input: str | None = None, timeout: float = 120) -> CompletedProcess[str]:
        return subprocess.run(
            [*nightcramp_command(), *args], env=self.env(), input=input, capture_output=True, text=True,
            timeout=timeout, check=False,
        )


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database on the server DATABASE_URL names, dropped afterwards."""
    import psycopg

    base = postgres_url()
    if base is None:
        pytest.skip("the PostgreSQL variant runs with DATABASE_URL=postgres://... (scripts/test, 2nd run)")
    parts = urlsplit(base)
    name = f"nc_ops_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """The child's storage: SQLite in a temp data directory, or a dedicated PostgreSQL database."""
    data_dir = tmp_path / "data"
    if request.param == "postgres":
        return Backend("postgres", data_dir, request.getfixturevalue("pg_database"))
    return Backend("sqlite", data_dir)


@dataclass
class Server:
    """``nightcramp serve`` in a child process, stopped by ``stop()`` or killed by ``kill()``."""

    backend: Backend
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    url: str = ""
    ready_line: str = ""

    def start(self) -> Server:
        log = open(self.backend.data_dir.parent / f"server-{self.port}.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*nightcramp_command(), "serve", "--port", str(self.port)], env=self.backend.env(),
            stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
        )
        log.close()
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = self._wait_ready()
        self._wait_listening()
        return self

    def _pump(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.put(line)

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}: {self.stderr()}")
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            match = READY.search(line)
            if match:
                assert match.group(1) == f"http://127.0.0.1:{self.port}/", line
                self.ready_line = line
                return match.group(1)
        raise AssertionError(f"serve printed no address in {START_TIMEOUT}s: {self.stderr()}")

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nothing listens on port {self.port}")

    def stderr(self) -> str:
        path = self.backend.data_dir.parent / f"server-{self.port}.log"
        return path.read_text()[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def kill(self) -> None:
        """SIGKILL the server process itself: no shutdown code runs."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Collects every server a test starts and makes sure each is stopped at the end."""
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def start_server(servers: list[Server]):  # type: ignore[no-untyped-def]
    def start(backend: Backend) -> Server:
        server = Server(backend)
        servers.append(server)
        return server.start()

    return start
