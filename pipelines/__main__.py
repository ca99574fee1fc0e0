"""The command line: one entry point with subcommands; errors become a message and an exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipelines.commands import add_data_dir
from zakid_metrics.errors import UsageError, ZakidError
from zakid_metrics.files import private_by_default
from zakid_metrics.settings import get_settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _print_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    cells = [[str(h) for h in header]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.ingest import ingest

    run = ingest(
        [Path(p) for p in args.paths],
        args.data_dir,
        allow_empty=args.allow_empty,
        triggered_by=args.triggered_by,
    )
    if args.json:
        print(run.to_json())
        return EXIT_FAILED if run.any_failed else EXIT_OK
    _print_table(
        [
            (
                f.file,
                f.entity or "-",
                f.status,
                f.rows_read,
                f.rows_loaded,
                f.rows_rejected,
                f.rows_duplicate,
            )
            for f in run.files
        ],
        ("file", "entity", "status", "read", "loaded", "rejected", "duplicate"),
    )
    for f in run.files:
        for message in f.errors:
            print(f"\n{'SKIPPED' if f.status == 'skipped' else 'ERROR'} {message.en}")
        for message in f.warnings:
            print(f"note  {message.en}")
    for held in run.empty_snapshots:
        print(
            f"\nHELD  {held.file} has no rows; {held.entity} keep their {held.rows} row(s). "
            f"If they are really all gone: add --allow-empty {held.entity}"
        )
    rejected = sum(f.rows_rejected for f in run.files)
    print(f"\nRun {run.run_id}: {run.status}; published to {args.data_dir / 'warehouse.duckdb'}.")
    if rejected:
        print(f"{rejected} row(s) rejected: python -m pipelines rejects --run {run.run_id}")
    return EXIT_FAILED if run.any_failed else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from zakid_metrics.warehouse import read_snapshot

    with read_snapshot(args.data_dir) as con:
        runs = con.execute(
            "SELECT run_id, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_utc, status, "
            "files, rows_read, rows_loaded, rows_rejected FROM load_runs "
            "ORDER BY run_id DESC LIMIT ?",
            [args.runs],
        ).fetchall()
        entities = con.execute(
            "SELECT entity, rows, stale_rows, last_file, last_run_id, "
            "strftime(last_loaded_at, '%Y-%m-%d %H:%M:%S') AS last_loaded_utc, "
            "date_diff('day', last_loaded_at, now()::TIMESTAMP) AS age_days "
            "FROM entity_status ORDER BY entity"
        ).fetchall()
    run_cols = ("run_id", "finished_utc", "status", "files", "read", "loaded", "rejected")
    entity_cols = ("entity", "rows", "stale", "last_file", "run", "loaded_utc", "age_days")
    if args.json:
        print(
            json.dumps(
                {
                    "runs": [dict(zip(run_cols, r, strict=True)) for r in runs],
                    "entities": [dict(zip(entity_cols, r, strict=True)) for r in entities],
                },
                indent=2,
                default=str,
            )
        )
        return EXIT_OK
    print("Last load runs")
    _print_table(runs, run_cols)
    print("\nEntities (freshness = days since the last delivery that set the state)")
    _print_table(entities, entity_cols)
    return EXIT_OK


def cmd_rejects(args: argparse.Namespace) -> int:
    from zakid_metrics.warehouse import read_snapshot

    with read_snapshot(args.data_dir) as con:
        run_id = args.run or con.execute("SELECT max(run_id) FROM load_runs").fetchone()[0]
        rows = con.execute(
            'SELECT file, line, "column", value, reason FROM rejected_rows WHERE run_id = ? '
            'ORDER BY file, line, "column"',
            [run_id],
        ).fetchall()
    if args.json:
        cols = ("file", "line", "column", "value", "reason")
        print(
            json.dumps(
                {
                    "run_id": run_id,
                    "rejected_rows": [dict(zip(cols, r, strict=True)) for r in rows],
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(f"Rejected rows of run {run_id}: {len(rows)}")
    if rows:
        _print_table(rows, ("file", "line", "column", "value", "reason"))
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from pipelines.sample import write_sample

    for path in write_sample(args.out):
        print(path)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from pipelines.export import export

    if args.command == "publish":
        print("note: `publish` is now called `export`: python -m pipelines export", file=sys.stderr)
    result = export(args.data_dir, args.as_of)
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(result.path),
                    "as_of": result.as_of.isoformat(),
                    "run_id": result.run_id,
                    "datasets": [
                        {"name": d.name, "rows": d.rows, "suppressed": d.suppressed}
                        for d in result.datasets
                    ],
                },
                indent=2,
            )
        )
        return EXIT_OK
    _print_table(
        [(d.name, d.rows, d.suppressed) for d in result.datasets],
        ("dataset", "rows", "suppressed cells"),
    )
    print(
        f"\nPublished the open data as of {result.as_of} from load run {result.run_id} "
        f"to {result.path} (CSV, JSON, Parquet and metadata.json)."
    )
    return EXIT_OK


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


def cmd_users(args: argparse.Namespace) -> int:
    from pipelines.users import run

    return run(args, _print_table)


def build_parser() -> argparse.ArgumentParser:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        prog="python -m pipelines", description="ZaKI.D data pipelines."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        text: str,
        data_dir: bool = True,
        aliases: Sequence[str] = (),
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, aliases=list(aliases))
        sub.set_defaults(handler=handler)
        if data_dir:
            add_data_dir(sub, settings.data_dir)
        return sub

    ingest = add("ingest", cmd_ingest, "Load delivery files or folders into the warehouse.")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="file or folder")
    ingest.add_argument("--json", action="store_true", help="print one JSON object")
    ingest.add_argument(
        "--allow-empty",
        action="append",
        default=[],
        metavar="ENTITY",
        help="confirm that a file of ENTITY without rows deletes all of its rows "
        "(otherwise such a file is held back and the rows stay); repeat for several entities",
    )
    ingest.add_argument(
        "--triggered-by",
        default="cli",
        metavar="WHO",
        help="who started the load, as recorded in load_runs (default: cli; the app's uploads "
        "say upload:<user>)",
    )
    status = add("status", cmd_status, "Show the last load runs and per-entity freshness.")
    status.add_argument("--runs", type=int, default=10, help="how many runs to list")
    status.add_argument("--json", action="store_true", help="print one JSON object")
    rejects = add("rejects", cmd_rejects, "List the rejected rows of a load run.")
    rejects.add_argument("--run", type=int, help="run id (default: the last run)")
    rejects.add_argument("--json", action="store_true", help="print one JSON object")
    sample = add("sample", cmd_sample, "Write the deterministic sample delivery.", data_dir=False)
    sample.add_argument("--out", type=Path, default=settings.sample_dir, help="output folder")
    export = add(
        "export",
        cmd_export,
        "Write the disclosure-controlled open data (CSV, JSON, Parquet, DCAT-AP.de metadata) "
        "to DATA_DIR/public/, replacing the previous export atomically (formerly `publish`).",
        aliases=("publish",),
    )
    export.add_argument(
        "--as-of", type=_date, help="the day whose state is published (default: today)"
    )
    export.add_argument("--json", action="store_true", help="print one JSON object")
    from zakid_metrics.auth import ROLES

    users = add("users", cmd_users, "Manage the app's local user accounts.", data_dir=False)
    user_actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, text in (
        (
            "add",
            "Add a user; the password comes as one line on standard input or from "
            "ZAKID_NEW_PASSWORD, never as an argument.",
        ),
        ("remove", "Remove a user."),
        ("disable", "Disable a user without removing the account."),
        ("enable", "Enable a disabled user again."),
        ("list", "List the users (never their password hashes)."),
    ):
        sub = user_actions.add_parser(action, help=text, description=text)
        add_data_dir(sub, settings.data_dir)
        if action == "list":
            sub.add_argument("--json", action="store_true", help="print one JSON array")
        else:
            sub.add_argument("name", metavar="NAME", help="user name, e.g. anna.schmidt")
        if action == "add":
            sub.add_argument("--role", required=True, choices=ROLES, help="what the user may do")
    from pipelines.collector.cli import add_commands as add_collector_commands

    add_collector_commands(add, _print_table)
    from pipelines.serve import add_command as add_serve_command
    from pipelines.simulate import add_command as add_simulate_command

    add_simulate_command(add)
    add_serve_command(add)
    from pipelines.reports_cli import add_commands as add_report_commands

    add_report_commands(add)
    from pipelines.scheduler import add_command as add_alerts_command

    add_alerts_command(add, _print_table)
    from pipelines.kpis_cli import add_command as add_kpis_command

    add_kpis_command(add, _date, _print_table)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    private_by_default()  # the warehouse, uploads, reports and telemetry are the owner's only
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return args.handler(args)
    except UsageError as error:
        print(f"error: {error.message}\n{error.hint}", file=sys.stderr)
        return EXIT_USAGE
    except ZakidError as error:
        print(f"error: {error.message}\n{error.hint}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; the published warehouse is unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
