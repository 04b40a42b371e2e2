"""`nightcramp serve` for real: a child process, a free port, plain HTTP from urllib."""

from __future__ import annotations

import re
import sqlite3
import stat
from http.client import HTTPMessage
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, OpenerDirector, Request, build_opener

import pytest

from tests.conftest import PASSWORD
from tests.ops.conftest import Backend

pytestmark = pytest.mark.slow


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def browser() -> OpenerDirector:
    """A cookie-keeping HTTP client that shows redirects instead of following them."""
    return build_opener(HTTPCookieProcessor(CookieJar()), NoRedirect())


Page = tuple[int, HTTPMessage, str]


def fetch(opener: OpenerDirector, url: str, form: dict[str, str] | None = None) -> Page:
    assert url.startswith("http://127.0.0.1:")
    data = urlencode(form).encode() if form is not None else None
    try:
        with opener.open(Request(url, data=data), timeout=15) as response:  # noqa: S310 (checked above)
            return response.status, response.headers, response.read().decode()
    except HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def log_in(opener: OpenerDirector, base: str, username: str, password: str) -> int:
    status, _, page = fetch(opener, base + "login/")
    assert status == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf, "the login page carries a CSRF token"
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf.group(1)}
    return fetch(opener, base + "login/", form)[0]


def test_it_serves_the_login_page_with_security_headers_via_waitress(backend: Backend, start_server) -> None:
    server = start_server(backend)

    status, headers, page = fetch(browser(), server.url + "login/")

    assert status == 200
    assert "<h1>Log in</h1>" in page
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # waitress names itself with the ident the CLI gives it; Django's dev server says "WSGIServer/...".
    assert headers["Server"] == "nightcramp"
    assert server.stderr() == "", "a clean start and a page view log nothing"


def test_it_says_which_database_it_serves(backend: Backend, start_server) -> None:
    server = start_server(backend)

    if backend.name == "sqlite":
        assert str(backend.data_dir / "nightcramp.sqlite3") in server.ready_line
    else:
        assert backend.database_url is not None
        name = backend.database_url.rsplit("/", 1)[1]
        assert f"PostgreSQL database {name!r}" in server.ready_line


def test_it_keeps_the_sqlite_database_in_wal_mode_in_the_data_dir(tmp_path: Path, start_server) -> None:
    backend = Backend("sqlite", tmp_path / "data")
    start_server(backend)

    database = backend.data_dir / "nightcramp.sqlite3"
    assert database.is_file()
    with sqlite3.connect(database) as conn:
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    conn.close()
    assert mode == "wal"


def test_it_creates_a_private_secret_key_and_reuses_it_after_a_restart(tmp_path: Path, start_server) -> None:
    backend = Backend("sqlite", tmp_path / "data")
    added = backend.run("user", "add", "nora", "--password-stdin", input=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    key_file = backend.data_dir / "secret_key"
    first = start_server(backend)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert len(key.strip()) >= 50
    opener = browser()
    assert log_in(opener, first.url, "nora", PASSWORD) == 302
    assert fetch(opener, first.url + "account/")[0] == 200
    first.stop()

    second = start_server(backend)

    assert key_file.read_text() == key
    # The session signed under the first run's key still holds on the second run.
    status, _, page = fetch(opener, second.url + "account/")
    assert status == 200
    assert "<h1>Account</h1>" in page


def test_it_signs_sessions_with_the_key_from_the_data_dir(tmp_path: Path, start_server) -> None:
    backend = Backend("sqlite", tmp_path / "data")
    assert backend.run("user", "add", "nora", "--password-stdin", input=PASSWORD + "\n").returncode == 0
    first = start_server(backend)
    opener = browser()
    assert log_in(opener, first.url, "nora", PASSWORD) == 302
    first.stop()
    (backend.data_dir / "secret_key").unlink()

    second = start_server(backend)

    # A new key makes the old session worthless: the account page sends the visitor to log in.
    status, headers, _ = fetch(opener, second.url + "account/")
    assert status == 302
    assert headers["Location"].startswith("/login/")


def test_it_serves_every_stylesheet_and_script_the_pages_ask_for(backend: Backend, start_server) -> None:
    server = start_server(backend)
    opener = browser()
    _, _, page = fetch(opener, server.url + "login/")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)

    for asset in assets:
        status, headers, body = fetch(opener, server.url.rstrip("/") + asset)
        assert status == 200, asset
        assert body.strip(), asset
        assert "max-age" in headers["Cache-Control"], asset
