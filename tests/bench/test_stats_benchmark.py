"""The statistics benchmark runs end to end on its tiny grid and writes the JSON and text report.

A functional test of the script, and of the one closed form its report uses (the RE ceiling of a t
reference): no timing and no assertion on the grid's results (the full grid is the benchmark's job, and
its committed output is in bench/results/).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "stats_benchmark.py"


def test_quick_grid_reports_every_cell_with_type_one_error(tmp_path: Path) -> None:
    out = tmp_path / "results" / "stats_benchmark.json"

    run = subprocess.run([sys.executable, str(BENCH), "--quick", "--workers", "1", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUMMARY" in run.stdout
    assert out.with_suffix(".txt").read_text() == run.stdout
    report = json.loads(out.read_text())
    assert {"generated_at", "command", "quick", "replicates", "workers", "base_seed", "goals", "our_methods",
            "wall_seconds", "cells", "summary"} <= set(report)
    assert report["quick"] is True
    assert str(tmp_path) not in out.read_text() and str(ROOT) not in out.read_text()
    assert {c["block"] for c in report["cells"]} == {"A", "B", "C", "D"}
    for cell in report["cells"]:
        assert {"name", "block", "note", "params", "nights", "replicates", "methods"} <= set(cell)
        ours = report["our_methods"][cell["block"]]
        assert any(name in cell["methods"] for name in ours), cell["name"]
        assert "oracle" in cell["methods"] or "oracle_bh" in cell["methods"], cell["name"]
        for name, metrics in cell["methods"].items():
            # every cell has a null (RR = 1, no season, no factor effect): its type-I error is reported
            assert isinstance(metrics["type_I"], float), (cell["name"], name)
            assert 0.0 <= metrics["type_I"] <= 1.0
            assert metrics["type_I_mcse"] is not None
            if cell["block"] == "D":
                assert metrics["false_flags_per_user_year"] is not None
    goals = report["summary"]["goals"]
    assert "type-I error <= 0.05 + 2 MCSE" in goals
    assert "false factor flags <= 0.2 per user-year" in goals
    assert isinstance(report["summary"]["misses"], list)


def test_the_t_reference_ceiling_matches_a_simulated_t_test() -> None:
    """The RE ceiling a t reference on d df allows: closed form against a seeded simulation of the
    noncentral t with the oracle's noncentrality scaled by the ceiling's nights."""
    import numpy as np
    from scipy import stats

    sys.path.insert(0, str(BENCH.parent))
    import stats_benchmark as sb

    assert sb.t_reference_ceiling(200) == pytest.approx(1.0, abs=0.01)  # many df: as good as knowing it
    assert sb.t_reference_ceiling(5) < sb.t_reference_ceiling(11) < sb.t_reference_ceiling(23) < 1
    # With the oracle's 80%-power noncentrality (2.80) stretched by 1/ceiling in nights, a t test on 5 df
    # has 80% power again.
    df, rng = 5, np.random.default_rng(8)
    delta = math.sqrt(sb.LAMBDA80[1] / sb.t_reference_ceiling(df))
    t = (rng.standard_normal(200_000) + delta) / np.sqrt(rng.chisquare(df, 200_000) / df)
    assert float(np.mean(np.abs(t) > stats.t.isf(0.025, df))) == pytest.approx(0.8, abs=0.005)
