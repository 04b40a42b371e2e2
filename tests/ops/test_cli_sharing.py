"""The real ``nightcramp`` command for sharing: `report`, `export --format json|fhir`, restoring a backup
with `import`, and `user delete`, as separate processes on their own databases (tests/ops/conftest.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ops.conftest import Backend

pytestmark = pytest.mark.slow
PASSWORD = "a long pass phrase for bob\n"


def ok(backend: Backend, *args: str, input: str | None = None) -> str:
    result = backend.run(*args, input=input, timeout=300)
    assert result.returncode == 0, f"nightcramp {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def comparable(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("exported_at")
    data.pop("account")
    return data


def test_a_json_backup_restores_exactly_into_an_empty_account_elsewhere(backend: Backend, tmp_path: Path):
    ok(backend, "demo")
    ok(backend, "export", "--user", "demo", "--format", "json", "--out", str(tmp_path / "a.json"))
    original = comparable(tmp_path / "a.json")
    assert len(original["nights"]) > 300 and len(original["medications"]) == 3  # type: ignore[arg-type]

    elsewhere = Backend("sqlite", tmp_path / "elsewhere")  # another server: every id is free there
    ok(elsewhere, "user", "add", "bob", "--password-stdin", input=PASSWORD)
    restored = ok(elsewhere, "import", "--user", "bob", str(tmp_path / "a.json"))
    assert restored.strip()
    ok(elsewhere, "export", "--user", "bob", "--format", "json", "--out", str(tmp_path / "b.json"))
    assert comparable(tmp_path / "b.json") == original

    again = elsewhere.run("import", "--user", "bob", str(tmp_path / "a.json"))
    assert again.returncode != 0 and "nothing was restored" in again.stderr
    mixed = elsewhere.run("import", "--user", "bob", str(tmp_path / "a.json"), str(tmp_path / "a.json"))
    assert mixed.returncode != 0 and "on its own" in mixed.stderr


def test_a_broken_backup_names_the_problem_and_restores_nothing(backend: Backend, tmp_path: Path):
    ok(backend, "demo")
    ok(backend, "export", "--user", "demo", "--format", "json", "--out", str(tmp_path / "a.json"))
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    data["episodes"][2]["severity"] = 11
    (tmp_path / "bad.json").write_text(json.dumps(data), encoding="utf-8")
    ok(backend, "user", "add", "bob", "--password-stdin", input=PASSWORD)
    result = backend.run("import", "--user", "bob", str(tmp_path / "bad.json"))
    assert result.returncode != 0
    assert "episodes[2].severity" in result.stderr and "nothing was restored" in result.stderr
    ok(backend, "export", "--user", "bob", "--format", "json", "--out", str(tmp_path / "bob.json"))
    assert json.loads((tmp_path / "bob.json").read_text())["nights"] == []


def test_fhir_export_writes_an_r4_bundle(backend: Backend, tmp_path: Path):
    ok(backend, "demo")
    ok(backend, "export", "--user", "demo", "--format", "fhir", "--out", str(tmp_path / "fhir.json"))
    bundle = json.loads((tmp_path / "fhir.json").read_text(encoding="utf-8"))
    assert bundle["resourceType"] == "Bundle"
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"Patient", "Condition", "Observation", "MedicationStatement"} <= kinds
    to_stdout = backend.run("export", "--user", "demo", "--format", "fhir", "--out", "-")
    assert to_stdout.returncode == 0 and json.loads(to_stdout.stdout)["resourceType"] == "Bundle"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) is not installed")
def test_report_writes_the_one_page_pdf_and_checks_its_dates(backend: Backend, tmp_path: Path):
    ok(backend, "demo")
    out = tmp_path / "report.pdf"
    ok(backend, "report", "--user", "demo", "--out", str(out))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    part = tmp_path / "part.pdf"
    ok(backend, "report", "--user", "demo", "--out", str(part), "--from", "2026-01-01", "--to", "2026-01-31")
    text = subprocess.run(["pdftotext", "-layout", str(part), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "2026" in text and ("January" in text or "Jan" in text)
    backwards = backend.run("report", "--user", "demo", "--out", str(tmp_path / "x.pdf"),
                            "--from", "2026-02-01", "--to", "2026-01-01")
    assert backwards.returncode == 2 and "--to" in backwards.stderr
    assert not (tmp_path / "x.pdf").exists()
    nobody = backend.run("report", "--user", "nobody", "--out", str(tmp_path / "y.pdf"))
    assert nobody.returncode == 1 and "no user named 'nobody'" in nobody.stderr


def test_user_delete_removes_the_account_and_its_diary(backend: Backend, tmp_path: Path):
    ok(backend, "demo")
    refused = backend.run("user", "delete", "demo", input="n\n")
    assert refused.returncode != 0
    ok(backend, "export", "--user", "demo", "--format", "json", "--out", str(tmp_path / "still.json"))
    deleted = ok(backend, "user", "delete", "demo", "--yes")
    assert deleted.startswith("deleted user 'demo' (") and "rows)" in deleted
    gone = backend.run("export", "--user", "demo", "--format", "json", "--out", str(tmp_path / "gone.json"))
    assert gone.returncode == 1 and "no user named 'demo'" in gone.stderr
