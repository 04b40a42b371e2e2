"""`nightcramp analyze FILE... --json` as a separate process: one JSON line per file with the documented
keys and the numbers of ``summary.analyse``, file:line problems and exit 2 for bad files, the hemisphere,
and hundreds of files in one call. It needs no account and no database (DATABASE_URL points nowhere)."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from nightcramp.stats.experiment import fit_dispersion_prior
from nightcramp.stats.summary import analyse, cohort_priors, experiment_dispersion, nights_from_rows
from tests.stats.test_summary import observational_rows, randomised_rows

COMMAND = Path(sys.executable).parent / "nightcramp"
COLUMNS = ("date", "cramps", "stretched", "sitting_hours", "exercise_minutes", "alcohol_units",
           "experiment_period", "planned")
TOP = ["file", "hemisphere", "first_night", "last_night", "nights", "cramps", "weekly", "stretching",
       "seasonality", "factors", "trend"]


def run(tmp_path: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    test_run = ("NIGHTCRAMP_", "DJANGO_", "DATABASE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(test_run)}
    env.update(NIGHTCRAMP_DATA_DIR=str(tmp_path / "data"), DATABASE_URL="postgres://nobody@127.0.0.1:1/never")
    command = [str(COMMAND)] if COMMAND.exists() else [sys.executable, "-m", "nightcramp"]
    return subprocess.run([*command, "analyze", *args], capture_output=True, text=True, env=env, check=False,
                          timeout=timeout)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([cell(row.get(column)) for column in COLUMNS] for row in rows)
    return path


def same(printed: Any, expected: Any) -> None:
    """Equal, floats to 12 significant digits (the child process does the same arithmetic)."""
    if isinstance(expected, dict):
        assert list(printed) == list(expected)
        for key in expected:
            same(printed[key], expected[key])
    elif isinstance(expected, list):
        assert len(printed) == len(expected)
        for a, b in zip(printed, expected, strict=True):
            same(a, b)
    elif isinstance(expected, float) and not isinstance(printed, bool):
        assert printed == pytest.approx(expected, rel=1e-12, abs=1e-300)
    else:
        assert printed == expected


def test_several_files_give_one_line_each_with_the_numbers_of_the_summary(tmp_path: Path) -> None:
    diaries = {"trial.csv": randomised_rows(), "daily.csv": observational_rows(), "short.csv":
               observational_rows(days=9)}
    paths = [write(tmp_path / name, rows) for name, rows in diaries.items()]
    done = run(tmp_path, *map(str, paths), "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    for line, path, rows in zip(lines, paths, diaries.values(), strict=True):
        printed = json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in the output"))
        assert list(printed) == TOP
        assert printed["file"] == str(path)
        assert {"rate_ratio", "ci95", "p_value", "prob_benefit", "design", "verdict",
                "nights_needed"} <= set(printed["stretching"])
        assert {"verdict", "p_value", "peak_month", "peak_to_trough"} <= set(printed["seasonality"])
        for item in printed["factors"]:
            assert {"name", "lag", "rate_ratio", "ci95", "q_value", "flagged"} <= set(item)
        same(printed, analyse(nights_from_rows(rows), file=str(path)))
    designs = [json.loads(line)["stretching"]["design"] for line in lines]
    assert designs == ["randomised", "observational", "observational"]
    assert json.loads(lines[2])["stretching"]["verdict"] == "not_enough_data"
    assert json.loads(lines[2])["stretching"]["rate_ratio"] is None


def test_bad_files_are_reported_by_line_and_column_after_the_good_ones_and_exit_2(tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", observational_rows(days=40))
    bad = tmp_path / "bad.csv"
    bad.write_text("date,cramps,stretched,sitting_hours,experiment_period,planned\n"
                   "2026-01-09,2,yes,abc,,\n"
                   "2026-01-10,lots,no,7,,\n"
                   "2026-01-11,1,no,7,1,\n"
                   "2026-01-11,0,no,7,,\n", encoding="utf-8")
    episodes = tmp_path / "episodes.csv"
    episodes.write_text("start,severity\n2026-01-10T03:00:00+00:00,5\n", encoding="utf-8")
    missing = tmp_path / "missing.csv"
    also_good = write(tmp_path / "also-good.csv", randomised_rows())
    done = run(tmp_path, str(good), str(bad), str(missing), str(episodes), str(also_good), "--json")
    assert done.returncode == 2
    assert [json.loads(line)["file"] for line in done.stdout.splitlines()] == [str(good), str(also_good)]
    assert done.stderr.splitlines() == [
        f"{bad}:2: sitting_hours: 'abc' is not a number",
        f"{bad}:3: cramps: 'lots' is not a whole number",
        f"{missing}: cannot be read (No such file or directory)",
        f"{episodes}: holds episodes, not nights; analyze reads nights.csv files",
    ]


def test_the_checks_across_rows_of_import_apply_too(tmp_path: Path) -> None:
    bad = tmp_path / "plan.csv"
    bad.write_text("date,cramps,experiment_period,planned\n"
                   "2026-01-05,1,1,stretch\n"
                   "2026-01-06,1,2,stretch\n"
                   "2026-01-07,1,3,\n"
                   "2026-01-07,0,,\n", encoding="utf-8")
    done = run(tmp_path, str(bad), "--json")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{bad}:3: planned: periods 1 and 2 form a pair, so they must differ "
        "(both are 'stretch'; see line 2)",
        f"{bad}:4: planned: experiment_period and planned go together: give both or neither",
        f"{bad}:5: date: 2026-01-07 appears more than once (first on line 4)",
    ]


def test_the_hemisphere_moves_the_population_season_but_not_the_persons_own_peak(tmp_path: Path) -> None:
    rows = observational_rows(days=430, peak_day=196.0)  # the person's cramps peak in mid-July
    path = write(tmp_path / "year.csv", rows)
    north, south = (json.loads(run(tmp_path, str(path), "--json", "--hemisphere", h).stdout)
                    for h in ("north", "south"))
    for printed in (north, south):
        assert printed["seasonality"]["verdict"] == "seasonal"
        assert printed["seasonality"]["peak_month"] in (6, 7, 8)
    assert north["hemisphere"] == "north" and south["hemisphere"] == "south"
    assert south["seasonality"]["peak_month"] == north["seasonality"]["peak_month"]
    months = north["seasonality"]["population_peak_month"], south["seasonality"]["population_peak_month"]
    assert months == (7, 1)
    assert (months[1] - months[0]) % 12 == 6
    same(south, analyse(nights_from_rows(rows, "south"), file=str(path)))
    # Under a year, the population season is the adjustment, so the hemisphere changes the estimates.
    short = write(tmp_path / "half.csv", observational_rows(days=150))
    a, b = (json.loads(run(tmp_path, str(short), "--json", "--hemisphere", h).stdout)
            for h in ("north", "south"))
    assert not math.isclose(a["trend"]["slope_per_year"], b["trend"]["slope_per_year"])


def test_without_json_it_prints_a_plain_summary_with_its_uncertainty(tmp_path: Path) -> None:
    path = write(tmp_path / "daily.csv", observational_rows())
    done = run(tmp_path, str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{path}: ")
    assert "suggestive" in done.stdout and "95% interval" in done.stdout
    assert "Seasons: not enough data yet" in done.stdout
    assert "cause" not in done.stdout


def test_two_hundred_files_in_one_call(tmp_path: Path) -> None:
    paths = [str(write(tmp_path / f"n{i:03d}.csv", observational_rows(days=35, seed=i))) for i in range(200)]
    done = run(tmp_path, *paths, "--json")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 200
    printed = [json.loads(line) for line in lines]
    assert [p["file"] for p in printed] == paths
    assert all(p["nights"] > 25 and len(p["factors"]) == 9 for p in printed)


def test_a_study_borrows_each_experiments_dispersion_from_the_other_files(tmp_path: Path) -> None:
    diaries = [randomised_rows(seed=s, rr=0.7, rate=1.5) for s in range(24)] + [observational_rows(days=60)]
    paths = [write(tmp_path / f"p{i:02d}.csv", rows) for i, rows in enumerate(diaries)]
    done = run(tmp_path, *map(str, paths), "--json", "--cohort-prior")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    nights = [nights_from_rows(rows) for rows in diaries]
    dispersions = [experiment_dispersion(n) for n in nights]
    priors = cohort_priors(dispersions)
    for i, (line, night) in enumerate(zip(printed, nights, strict=True)):
        same(line, analyse(night, file=str(paths[i]), prior=priors[i]))
    # leave one out: the first diary's prior is fitted to the 23 other experiments, not to its own
    others = [d for d in dispersions[1:] if d is not None]
    assert len(others) == 23
    by_hand = fit_dispersion_prior([d[0] for d in others], [d[1] for d in others], [d[2] for d in others])
    assert by_hand is not None and priors[0] == by_hand
    first = printed[0]["stretching"]["cohort_prior"]
    assert first["experiments"] == 23 and first["phi0"] == pytest.approx(by_hand.phi0(dispersions[0][2]))
    assert printed[-1]["stretching"]["design"] == "observational"
    assert printed[-1]["stretching"]["cohort_prior"] is None
    borrowed = [i for i, p in enumerate(printed[:-1]) if p["stretching"]["cohort_prior"]["borrowed"]]
    assert borrowed, "some of 24 similar experiments borrow"
    for i in borrowed:  # the dispersion is the weighted mean of the prior's and the person's own
        prior, (phi_hat, df, covariates) = printed[i]["stretching"]["cohort_prior"], dispersions[i]
        shrunk = (prior["nu0"] * prior["phi0"] + df * phi_hat) / (prior["nu0"] + df)
        assert prior["dispersion"] == pytest.approx(shrunk) and prior["phi0"] == pytest.approx(
            priors[i].phi0(covariates))
    plain = json.loads(run(tmp_path, str(paths[0]), "--json").stdout)
    assert plain["stretching"]["cohort_prior"] is None
    # in words, the reading says that the experiment was compared with the others
    text = run(tmp_path, *map(str, paths), "--cohort-prior").stdout
    starts = [text.index(f"{path}: ") for path in paths]
    readings = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    for i, reading in enumerate(readings[:-1]):
        said = ("its spread checked against 23 other experiments" if i in borrowed else
                "which varies more than 23 other experiments and so is judged on its own")
        assert said in " ".join(reading.split())
    assert "other experiment" not in readings[-1]


def test_a_cohort_prior_needs_twenty_other_experiments(tmp_path: Path) -> None:
    paths = [str(write(tmp_path / f"p{i}.csv", randomised_rows(seed=i))) for i in range(5)]
    done = run(tmp_path, *paths, "--json", "--cohort-prior")
    assert done.returncode == 0
    assert done.stderr.strip() == ("--cohort-prior: 5 of the files hold a randomised experiment; each needs "
                                   "20 others to borrow from, so none did")
    assert all(json.loads(line)["stretching"]["cohort_prior"] is None for line in done.stdout.splitlines())
