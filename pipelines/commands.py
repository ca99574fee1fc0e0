"""What the command line's modules share: the --data-dir option and the table printer's type."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PrintTable = Callable[[Sequence[Sequence[Any]], Sequence[str]], None]
"""Prints rows under a header as an aligned table (the CLI's _print_table)."""


def add_data_dir(parser: argparse.ArgumentParser, default: Any) -> None:
    """The option --data-dir on `parser`, `default` when it is not given (the settings' data
    directory, or argparse.SUPPRESS for an option a parent parser has as well)."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        help="data directory (default: ZAKID_DATA_DIR or data/)",
    )
