"""Markdown tables of the rules and medicines, generated from the data so docs/screening.md cannot drift.

``python -m nightcramp.knowledge.tables docs/screening.md`` rewrites the generated parts of that file
(between the ``<!-- generated:NAME -->`` and ``<!-- end:NAME -->`` markers); a test fails when they differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from nightcramp.knowledge import schema
from nightcramp.knowledge.loader import (
    AllOf,
    Compare,
    Fact,
    Knowledge,
    MedicineBeforeCramps,
    Node,
    Otherwise,
    load,
)

_OPS = {"gt": "more than", "gte": "at least", "lt": "less than", "lte": "at most", "eq": "exactly"}


def trigger_words(node: Node, nested: bool = False) -> str:
    """A trigger in plain words, e.g. "a calf that is swollen, warm or red AND sudden breathlessness..."."""
    if isinstance(node, Fact):
        return schema.label(node.key)
    if isinstance(node, Compare):
        return f"{schema.label(node.key)}: {_OPS[node.op]} {node.value:g}"
    if isinstance(node, MedicineBeforeCramps):
        which = ("a listed medicine" if node.classes is None
                 else "a medicine of class " + ", ".join(node.classes))
        return f"{which} started in the year up to when the cramps began or got worse"
    if isinstance(node, Otherwise):
        return "no other rule fired and no question was left unanswered"
    joiner = " AND " if isinstance(node, AllOf) else " OR "
    text = joiner.join(trigger_words(p, nested=True) for p in node.parts)
    return f"({text})" if nested else text


def rules_table(knowledge: Knowledge) -> str:
    lines = ["| id | tier | fires when | sources |", "|---|---|---|---|"]
    for rule in knowledge.rules:
        sources = ", ".join(f"[{s}]" for s in rule.sources)
        lines.append(f"| `{rule.id}` | {rule.tier} | {trigger_words(rule.trigger)} | {sources} |")
    return "\n".join(lines)


def medicines_table(knowledge: Knowledge) -> str:
    lines = ["| class | medicines (ATC) | association | sources |", "|---|---|---|---|"]
    for cls in knowledge.classes.values():
        meds = [m for m in knowledge.medicines if cls.id in m.classes]
        names = ", ".join(f"{m.name} ({m.atc or 'no code'}{'' if m.atc_confirmed else ', unconfirmed'})"
                          for m in meds)
        sources = ", ".join(f"[{s}]" for s in cls.sources)
        lines.append(f"| `{cls.id}`: {cls.title} | {names} | {cls.association} | {sources} |")
    return "\n".join(lines)


def sources_table(knowledge: Knowledge) -> str:
    lines = ["| id | status | reference |", "|---|---|---|"]
    for src in knowledge.sources.values():
        link = f" doi:{src.doi}" if src.doi else (f" PMID {src.pmid}" if src.pmid else "")
        link += f" <{src.url}>" if src.url else ""
        note = f" How it was read: {src.note}" if src.note else ""
        lines.append(f"| [{src.id}] | {src.status} | {src.citation}{link}{note} |")
    return "\n".join(lines)


def generated(knowledge: Knowledge) -> dict[str, str]:
    return {"rules": rules_table(knowledge), "medicines": medicines_table(knowledge),
            "sources": sources_table(knowledge)}


def render(text: str, knowledge: Knowledge) -> str:
    """``text`` with every generated block replaced by its current content."""
    for name, table in generated(knowledge).items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- end:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"missing the <!-- generated:{name} --> ... <!-- end:{name} --> markers")
        text = pattern.sub(lambda m, t=table: m.group(1) + t + "\n" + m.group(2), text)  # type: ignore[misc]
    return text


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else Path("docs/screening.md")
    path.write_text(render(path.read_text(encoding="utf-8"), load()), encoding="utf-8")
    print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
