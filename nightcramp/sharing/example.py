"""Make the example doctor report (docs/examples/report.pdf) from the demo account, at a fixed date.

``python -m nightcramp.sharing.example OUT.pdf`` creates the demo account (seed 2026) as it would have
been made on 25 November 2026 at 10:00 UTC, the moment the tests' ``demo`` fixture uses, and writes its
report for that day. Run it with ``NIGHTCRAMP_DATA_DIR`` pointing at a throwaway directory (the
``scripts/example-report`` wrapper does, and renders each page to a PNG): it writes a database there.
It needs ``time-machine`` (a test dependency) to hold the clock.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

MADE_AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
"""The same instant as ``tests/conftest.py``'s DEMO_MADE_AT, so the example matches the tested report."""


def write_example(out: Path, username: str = "demo") -> None:
    """Create the demo diary at :data:`MADE_AT` and write its report to ``out``."""
    import time_machine

    from nightcramp.cli import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from nightcramp.diary.demo import create_demo
    from nightcramp.sharing.pdf import render_pdf
    from nightcramp.sharing.report import build_report

    with time_machine.travel(MADE_AT, tick=False):
        create_demo(username, "demo-nights", reset=True, seed=2026)
        report = build_report(get_user_model().objects.get(username=username))
        data = render_pdf(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m nightcramp.sharing.example OUT.pdf", file=sys.stderr)
        return 2
    write_example(Path(args[0]))
    print(f"wrote {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
