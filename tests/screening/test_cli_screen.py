"""`nightcramp screen ANSWERS.json` prints the result JSON; bad input exits 2 naming the line or key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples" / "screening"
COMMAND = Path(sys.executable).parent / "nightcramp"


def run(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIGHTCRAMP_DATA_DIR": str(tmp_path / "data"),
           "DATABASE_URL": "postgres://nobody@127.0.0.1:1/never"}  # it must not need a database
    return subprocess.run([str(COMMAND), "screen", str(path)], capture_output=True, text=True, env=env,
                          check=False, timeout=60)


@pytest.mark.parametrize(("name", "urgency", "first"), [
    ("emergency.json", "emergency", "chest_pain_or_breathlessness"),
    ("chest-pain-alone.json", "emergency", "chest_pain_or_breathlessness"),
    ("same-day.json", "same_day", "quinine_bleeding"),
    ("routine.json", "routine", "thyroid_disease"),
    ("brand-names.json", "routine", "medicine_started_before_cramps"),
])
def test_it_prints_the_result_of_each_example(name: str, urgency: str, first: str, tmp_path: Path) -> None:
    done = run(EXAMPLES / name, tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["urgency"] == urgency
    assert result["findings"][0]["rule"] == first
    assert result["unanswered"] == []
    assert done.stdout.startswith('{\n  "urgency"')
    assert not (tmp_path / "data").exists()


def test_the_docs_summaries_match_the_command(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    shown = re.findall(r"\$ nightcramp screen (\S+).*\nurgency: (\S+)\s+findings: (.+)", text)
    assert len(shown) == 5
    for path, urgency, findings in shown:
        result = json.loads(run(ROOT / path, tmp_path).stdout)
        assert result["urgency"] == urgency
        assert [f["rule"] for f in result["findings"]] == findings.strip().split(", ")


def test_it_exits_2_naming_the_line_of_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{\n  "age": 70,\n}\n', encoding="utf-8")
    done = run(path, tmp_path)
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr and "line 3" in done.stderr
    assert done.stdout == ""


def test_it_exits_2_naming_the_key_of_a_bad_answer(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"symptoms": {"muscle_twitching": "often"}}), encoding="utf-8")
    done = run(path, tmp_path)
    assert done.returncode == 2
    assert ("answers.symptoms.muscle_twitching: expected true, false, \"not_sure\" or null, got 'often'"
            in done.stderr)


def test_chest_pain_alone_with_a_clot_history_is_an_emergency_on_the_command_line(tmp_path: Path) -> None:
    result = json.loads(run(EXAMPLES / "chest-pain-alone.json", tmp_path).stdout)
    assert (result["urgency"], result["unanswered_urgency"]) == ("emergency", None)
    assert [f["rule"] for f in result["findings"]] == ["chest_pain_or_breathlessness"]
    assert "self_care_routine" not in done_rules(result)


def test_brand_names_are_recognised_on_the_command_line(tmp_path: Path) -> None:
    result = json.loads(run(EXAMPLES / "brand-names.json", tmp_path).stdout)
    (review,) = [f for f in result["findings"] if f["rule"] == "medicine_started_before_cramps"]
    matched = {m["name"]: m["matched"] for m in review["medicines"]}
    assert matched == {"Lasix 40 mg tablets": "furosemide",
                       "Symbicort 200/6 Turbohaler": "budesonide+formoterol"}
    assert result["unrecognised_medicines"] == []


def test_one_answer_gives_its_own_headline_and_the_open_checks_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"symptoms": {"muscle_twitching": True}}), encoding="utf-8")
    result = json.loads(run(path, tmp_path).stdout)
    assert (result["urgency"], result["unanswered_urgency"]) == ("soon", "emergency")


def done_rules(result: dict[str, object]) -> set[str]:
    return {f["rule"] for f in result["findings"]}  # type: ignore[attr-defined]


def test_it_exits_2_on_a_missing_file(tmp_path: Path) -> None:
    done = run(tmp_path / "nope.json", tmp_path)
    assert done.returncode == 2 and "nope.json" in done.stderr
