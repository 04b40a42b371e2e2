"""docs/screening.md shows the rules, medicines and sources exactly as the data holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from nightcramp.knowledge import load, schema
from nightcramp.knowledge.tables import render, rules_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "screening.md"


def test_the_generated_tables_in_the_docs_match_the_data() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text, load()) == text, "run: python -m nightcramp.knowledge.tables docs/screening.md"


def test_the_rules_table_lists_every_rule_with_its_sources() -> None:
    table = rules_table(load())
    for rule in load().rules:
        row = next(line for line in table.splitlines() if line.startswith(f"| `{rule.id}` |"))
        assert f"| {rule.tier} |" in row
        assert all(f"[{s}]" in row for s in rule.sources)


def test_a_changed_rule_makes_the_docs_stale() -> None:
    knowledge = load()
    text = DOC.read_text(encoding="utf-8")
    stale = text.replace("| `cirrhosis` | routine |", "| `cirrhosis` | soon |")
    assert stale != text
    assert render(stale, knowledge) == text


def test_it_refuses_a_doc_without_markers() -> None:
    with pytest.raises(ValueError, match="generated:rules"):
        render("# nothing here\n", load())


def test_the_docs_describe_every_answer_key() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in schema.KEYS:
        if key.startswith("conditions."):
            assert f"`{key.removeprefix('conditions.')}`" in text
        elif key.startswith("diary."):
            assert f"`{key.removeprefix('diary.')}`" in text
        else:
            assert f"`{key}`" in text, key
