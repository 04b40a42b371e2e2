"""The ``nightcramp`` command. Each subcommand is a thin face over the same functions the pages use."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from nightcramp.stats.base import Hemisphere


def setup_django(migrate: bool = True) -> None:
    """Configure Django; by default also bring the database schema up to date (quietly)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nightcramp.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)


def _user(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise click.ClickException(
            f"no user named {username!r} (create one with: nightcramp user add NAME)"
        ) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nightcramp")
def main() -> None:
    """nightcramp: a night diary for nocturnal leg cramps.

    Data lives in NIGHTCRAMP_DATA_DIR (default: the per-user data directory); set
    DATABASE_URL=postgres://... to use PostgreSQL instead of the embedded SQLite database.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for your network).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
def serve(host: str, port: int, threads: int) -> None:
    """Apply migrations and serve nightcramp with a production WSGI server (waitress)."""
    if host in ("0.0.0.0", "::") and "NIGHTCRAMP_ALLOWED_HOSTS" not in os.environ:  # noqa: S104
        os.environ["NIGHTCRAMP_ALLOWED_HOSTS"] = "*"
    elif "NIGHTCRAMP_ALLOWED_HOSTS" not in os.environ:
        os.environ["NIGHTCRAMP_ALLOWED_HOSTS"] = ",".join({host, "localhost", "127.0.0.1", "[::1]"})
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from waitress import serve as waitress_serve

    # Collect first: WhiteNoise indexes the static folder when the application is built.
    call_command("collectstatic", interactive=False, verbosity=0)
    from nightcramp.wsgi import application
    where = settings.DATABASES["default"]
    db = where["NAME"] if where["ENGINE"].endswith("sqlite3") else f"PostgreSQL database {where['NAME']!r}"
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"nightcramp is running at http://{shown}:{port}/  (data: {db}; Ctrl+C stops it)", err=False)
    sys.stdout.flush()
    waitress_serve(application, host=host, port=port, threads=threads, ident="nightcramp")


@main.group()
def user() -> None:
    """Manage accounts."""


@user.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--time-zone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/London.")
def user_add(name: str, password_stdin: bool, time_zone: str) -> None:
    """Create an account NAME. The password is asked for without echo."""
    setup_django()
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from nightcramp.diary.models import Profile
    from nightcramp.diary.nights import hemisphere_of_zone, is_valid_zone

    if get_user_model().objects.filter(username=name).exists():
        raise click.ClickException(f"a user named {name!r} already exists")
    if not is_valid_zone(time_zone):
        raise click.ClickException(f"unknown time zone {time_zone!r}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    candidate = get_user_model()(username=name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise click.ClickException("password: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        created = get_user_model().objects.create_user(username=name, password=password)
        hemisphere = hemisphere_of_zone(time_zone) or "north"
        Profile.objects.create(user=created, time_zone=time_zone, hemisphere=hemisphere)
    click.echo(f"created user {name!r}")


@user.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def user_delete(name: str, yes: bool) -> None:
    """Delete account NAME and every row that belonged to it, for good."""
    setup_django()
    from nightcramp.sharing.backup import delete_account

    account = _user(name)
    if not yes:
        click.confirm(f"Delete {name!r} and all of its diary for good?", abort=True)
    counts = delete_account(account)
    click.echo(f"deleted user {name!r} ({sum(counts.values())} rows)")


@main.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
def token_create(name: str, label: str) -> None:
    """Create an API token for user NAME and print it (shown only once)."""
    setup_django()
    from nightcramp.accounts.models import ApiToken

    _, raw = ApiToken.issue(_user(name), label)
    click.echo(raw)


@main.command("import")
@click.option("--user", "username", required=True, help="The account to import into.")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_cmd(username: str, files: tuple[Path, ...]) -> None:
    """Import nights.csv, episodes.csv and medications.csv files, or restore one full backup (.json, from
    `export --format json`) into an account with no diary yet. All or nothing."""
    setup_django()
    account = _user(username)
    if any(path.suffix.lower() == ".json" for path in files):
        if len(files) != 1:
            raise click.ClickException("a backup (.json) is restored on its own: give just that one file")
        from nightcramp.sharing.backup import BackupError, restore_backup

        path = files[0]
        try:
            restored = restore_backup(account, path.read_bytes())
        except BackupError as exc:
            for message in exc.problems:
                click.echo(f"{path}: {message}", err=True)
            raise click.ClickException(
                f"nothing was restored: {len(exc.problems)} problem(s) found") from None
        click.echo(restored.describe())
        return
    from nightcramp.diary.csvio import ImportError_, import_paths

    try:
        summary = import_paths(account, list(files))
    except ImportError_ as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"nothing was imported: {len(exc.problems)} problem(s) found") from None
    click.echo(summary.describe())


def _write_atomically(out: Path, content: bytes) -> None:
    """Write ``content`` to ``out`` whole or not at all ('-' is standard output)."""
    if str(out) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    if out.is_dir():
        raise click.ClickException(f"{out} is a directory; give a file name")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_bytes(content)
    partial.replace(out)
    click.echo(f"wrote {out}", err=True)


@main.command("export")
@click.option("--user", "username", required=True, help="The account to export.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "fhir"]), default="csv", show_default=True,
              help="csv: nights.csv, episodes.csv and medications.csv (docs/formats.md); json: a full backup "
                   "of everything stored (restore it with `nightcramp import`); fhir: a FHIR R4 Bundle "
                   "(docs/fhir.md).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="csv: the directory to write the three files into; json and fhir: the file to write "
                   "('-' for standard output).")
def export_cmd(username: str, fmt: str, out: Path) -> None:
    """Export an account's diary: CSV files, a full JSON backup, or FHIR R4."""
    setup_django()
    account = _user(username)
    if fmt == "csv":
        from nightcramp.diary.csvio import export_to_dir

        if out.exists() and not out.is_dir():
            raise click.ClickException(f"{out} is a file; csv export writes three files into a directory")
        for path in export_to_dir(account, out):
            click.echo(f"wrote {path}")
    elif fmt == "json":
        from nightcramp.sharing.backup import dumps, export_backup

        _write_atomically(out, dumps(export_backup(account)))
    else:
        from nightcramp.sharing import fhir

        _write_atomically(out, fhir.dumps(fhir.bundle(account)))


@main.command()
@click.option("--user", "username", required=True, help="The account to report on.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF file to write ('-' for standard output).")
@click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The first night (YYYY-MM-DD); default: the first night logged.")
@click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The last night (YYYY-MM-DD); default: today.")
def report(username: str, out: Path, start: Any, end: Any) -> None:
    """Write the one-page doctor report (PDF) of an account, as the Doctor report page does."""
    setup_django()
    from nightcramp.diary.services import profile_of
    from nightcramp.sharing.pdf import render_pdf
    from nightcramp.sharing.report import build_report

    account = _user(username)
    first, last = (start.date() if start else None), (end.date() if end else None)
    if first and last and last < first:
        raise click.BadParameter("the last night is before the first", param_hint="--to")
    built = build_report(account, first, last, today=profile_of(account).local_now().date())
    _write_atomically(out, render_pdf(built))


@main.command()
@click.option("--username", default="demo", show_default=True)
@click.option("--password", default="demo-nights", show_default=True)
@click.option("--reset", is_flag=True, help="Delete and recreate the demo account if it exists.")
@click.option("--seed", default=2026, show_default=True, type=int)
def demo(username: str, password: str, reset: bool, seed: int) -> None:
    """Create a demo account holding a clearly synthetic year of nights."""
    setup_django()
    from nightcramp.diary.demo import create_demo

    try:
        summary = create_demo(username=username, password=password, reset=reset, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary)
    click.echo(f"log in as {username!r} with password {password!r}")


@main.command()
@click.argument("answers_file", metavar="ANSWERS.json", type=click.File("r", encoding="utf-8"))
def screen(answers_file) -> None:  # type: ignore[no-untyped-def]
    """Screen a questionnaire answers file (format: docs/screening.md) and print the result as JSON."""
    import json

    from nightcramp.screening.answers import AnswersError
    from nightcramp.screening.engine import screen as run_screen

    try:
        answers = json.load(answers_file)
    except json.JSONDecodeError as exc:
        click.echo(f"error: {answers_file.name}: not valid JSON: {exc.msg} at line {exc.lineno} "
                   f"column {exc.colno}", err=True)
        sys.exit(2)
    try:
        result = run_screen(answers)
    except AnswersError as exc:
        click.echo(f"error: {answers_file.name}: {exc}", err=True)
        sys.exit(2)
    click.echo(result.to_json(indent=2))


@main.command()
@click.argument("files", metavar="FILE...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hemisphere", type=click.Choice(["north", "south"]), default="north", show_default=True,
              help="Where the diary was kept, for the seasons.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per file, one per line (docs/analysis.md).")
@click.option("--cohort-prior", is_flag=True,
              help="For a study: each randomised experiment borrows the dispersion of the other files' "
                   "experiments (CPQ-EB; needs 20 other files with one).")
def analyze(files: tuple[Path, ...], hemisphere: Hemisphere, as_json: bool, cohort_prior: bool) -> None:
    """Analyse nights.csv files: stretching, seasons, factors and trend (docs/analysis.md).

    Needs no account and no database. A file that cannot be read or checked is reported on stderr as
    FILE:LINE: column: reason; the other files are still analysed, and the exit code is then 2. With
    --cohort-prior every file is read first, and the results follow once all have been.
    """
    import json

    setup_django(migrate=False)  # csvio imports the diary models; nothing here touches the database
    from nightcramp.stats.base import Nights
    from nightcramp.stats.experiment import MIN_PRIOR_EXPERIMENTS
    from nightcramp.stats.summary import (
        Dispersion,
        analyse,
        cohort_priors,
        describe,
        experiment_dispersion,
        nights_from_rows,
    )

    def read(path: Path) -> tuple[Nights | None, Dispersion | None, list[str]]:
        """The file's nights, with --cohort-prior what its experiment gives the others, or its problems."""
        rows, problems = _night_rows(path)
        if rows is None:
            return None, None, problems
        try:
            nights = nights_from_rows(rows, hemisphere)
            return nights, experiment_dispersion(nights) if cohort_prior else None, []
        except ValueError as exc:  # a night twice, or a plan that contradicts itself
            return None, None, [f"{path}: cannot be analysed: {exc}"]

    failed = False
    if cohort_prior:
        diaries = [read(path) for path in files]
        priors = cohort_priors([dispersion for _, dispersion, _ in diaries])
        with_experiment = sum(dispersion is not None for _, dispersion, _ in diaries)
        if with_experiment and not any(priors):
            click.echo(f"--cohort-prior: {with_experiment} of the files hold a randomised experiment; each "
                       f"needs {MIN_PRIOR_EXPERIMENTS} others to borrow from, so none did", err=True)
    for index, path in enumerate(files):
        nights, _, problems = diaries[index] if cohort_prior else read(path)
        if nights is not None:
            try:
                summary = analyse(nights, file=str(path), prior=priors[index] if cohort_prior else None)
            except ValueError as exc:  # e.g. an experiment plan that contradicts itself
                problems = [f"{path}: cannot be analysed: {exc}"]
            else:
                click.echo(json.dumps(summary, allow_nan=False) if as_json else describe(summary))
                continue
        failed = True
        for problem in problems:
            click.echo(problem, err=True)
    if failed:
        sys.exit(2)


def _night_rows(path: Path) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """The parsed rows of a nights file, or None and every problem found, as FILE:LINE: column: reason."""
    from nightcramp.diary.csvio import NIGHTS, Problem, parse_file, plan_problems

    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [str(Problem(name, None, None, f"cannot be read ({exc.strerror or exc})"))]
    parsed, problems = parse_file(name, data)
    if parsed is not None and not problems:
        if parsed.kind != NIGHTS:
            problems = [Problem(name, None, None,
                                f"holds {parsed.kind}, not nights; analyze reads nights.csv files")]
        else:
            first_line: dict[Any, int] = {}
            for row in parsed.rows:
                night = row.values.get("date")
                if night in first_line:
                    problems.append(Problem(name, row.line, "date", f"{night} appears more than once "
                                                                    f"(first on line {first_line[night]})"))
                first_line.setdefault(night, row.line)
            problems += plan_problems(parsed)
    if parsed is None or problems:
        return None, [str(p) for p in sorted(problems, key=lambda p: p.line or 0)]
    return [row.values for row in parsed.rows], []


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. 'nightcramp manage migrate')."""
    setup_django(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["nightcramp manage", *args])


if __name__ == "__main__":
    main()
