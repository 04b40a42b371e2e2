"""The real ``nightcramp`` command: demo, export, user add, import, as separate processes.

Each test runs the console script against its own data directory (SQLite) or its own PostgreSQL
database (when DATABASE_URL names a server), never the pytest database; see tests/ops/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.conftest import Backend

pytestmark = pytest.mark.slow
PASSWORD = "a long pass phrase for bob\n"


def ok(backend: Backend, *args: str, input: str | None = None) -> str:
    result = backend.run(*args, input=input)
    assert result.returncode == 0, f"nightcramp {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def test_demo_export_then_import_into_a_new_account_gives_the_same_files(backend: Backend, tmp_path: Path):
    assert "All of it is made up." in ok(backend, "demo")
    ok(backend, "export", "--user", "demo", "--out", str(tmp_path / "a"))
    ok(backend, "user", "add", "bob", "--password-stdin", input=PASSWORD)
    files = [str(tmp_path / "a" / name) for name in ("nights.csv", "episodes.csv", "medications.csv")]
    summary = ok(backend, "import", "--user", "bob", *files)
    assert summary.startswith("Imported from nights.csv, episodes.csv, medications.csv: ")
    assert "3 medications" in summary
    ok(backend, "export", "--user", "bob", "--out", str(tmp_path / "b"))
    for name in ("nights.csv", "episodes.csv", "medications.csv"):
        exported, reimported = (tmp_path / "a" / name).read_bytes(), (tmp_path / "b" / name).read_bytes()
        assert exported.count(b"\n") > 3
        assert exported == reimported, name
    again = ok(backend, "import", "--user", "bob", *files)
    assert "0 episodes (" in again and "already in the diary, skipped" in again


def test_a_bad_file_fails_lists_every_problem_and_imports_nothing(backend: Backend, tmp_path: Path):
    ok(backend, "user", "add", "bob", "--password-stdin", input=PASSWORD)
    good = tmp_path / "episodes.csv"
    good.write_text("start,severity\n2026-01-10T03:00:00+00:00,5\n")
    bad = tmp_path / "nights.csv"
    bad.write_text("date,cramps,sitting_hours\n2026-01-09,2,abc\n2026-01-10,lots,7\n")
    result = backend.run("import", "--user", "bob", str(good), str(bad))
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "nights.csv:2: sitting_hours: 'abc' is not a number",
        "nights.csv:3: cramps: 'lots' is not a whole number",
        "Error: nothing was imported: 2 problem(s) found",
    ]
    ok(backend, "export", "--user", "bob", "--out", str(tmp_path / "out"))
    assert (tmp_path / "out" / "episodes.csv").read_text() == (
        "start,duration_s,leg,muscle,severity,woke,relief,relief_helped,note\n")
    assert (tmp_path / "out" / "nights.csv").read_text().count("\n") == 1


def test_demo_refuses_to_replace_an_existing_account_without_reset(backend: Backend):
    ok(backend, "demo", "--username", "trial")
    result = backend.run("demo", "--username", "trial")
    assert result.returncode != 0
    assert "an account named 'trial' already exists (use --reset to recreate it)" in result.stderr
    assert "Created the demo account 'trial'" in ok(backend, "demo", "--username", "trial", "--reset")
