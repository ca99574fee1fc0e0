"""The `report` subcommands of `python -m pipelines`: funder reports as XLSX, PDF and manifest."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from pathlib import Path

from pipelines.commands import add_data_dir
from zakid_metrics.settings import get_settings

EXIT_OK = 0
AddCommand = Callable[..., argparse.ArgumentParser]
"""The CLI's add(name, handler, help, data_dir=...) that creates a subcommand."""

KINDS = {
    "interim": "An interim report (Zwischennachweis) of one grant for one calendar year "
    "(default: the last completed year).",
    "final": "The final report (Verwendungsnachweis) of one grant over its whole period.",
    "summary": "The joint project over all grants, for one calendar year or the whole span.",
}


def cmd_report(args: argparse.Namespace) -> int:
    """Build the report from the published snapshot and write its three files; print their
    paths, or with --json the report's figures (CONTRACT.md section 4) as one object."""
    from zakid_metrics.reports import generate_report

    generated = generate_report(
        args.kind,
        grant_id=getattr(args, "grant", None),
        year=getattr(args, "year", None),
        data_dir=args.data_dir,
        out_dir=args.out,
        user=f"cli:{_os_user()}",
    )
    if getattr(args, "json", False):
        print(json.dumps(generated.report.figures_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    for path in generated.paths:
        print(path)
    return EXIT_OK


def add_commands(add: AddCommand) -> None:
    """Register `report interim|final|summary` on the CLI's parser."""
    settings = get_settings()
    report = add(
        "report",
        cmd_report,
        "Write a funder report (XLSX, PDF, manifest JSON) from the published snapshot.",
        data_dir=False,
    )
    kinds = report.add_subparsers(dest="kind", required=True, metavar="KIND")
    for kind, text in KINDS.items():
        sub = kinds.add_parser(kind, help=text, description=text)
        if kind != "summary":
            sub.add_argument("--grant", required=True, help="the grant id (Förderkennzeichen)")
        if kind == "interim":
            sub.add_argument(
                "--year",
                type=int,
                help="the calendar year (default: the last completed one in ZAKID_TIMEZONE)",
            )
        if kind == "summary":
            sub.add_argument("--year", type=int, help="a calendar year (default: the whole span)")
        if kind != "summary":
            sub.add_argument(
                "--json",
                action="store_true",
                help="print the report's figures as one JSON object instead of the paths",
            )
        sub.add_argument(
            "--out",
            type=Path,
            help="output folder (default: DATA_DIR/reports/)",
        )
        add_data_dir(sub, settings.data_dir)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
