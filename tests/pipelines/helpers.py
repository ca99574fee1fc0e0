"""What the pipelines' tests share: the CLI run as an operator runs it, and reads of the
published snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parents[2]
# A grants file's header and its grant G1, as a German Excel delivers them.
GRANTS = (
    "grant_id;recipient;sub_project;programme;regime;funding_rate;approved_eur;decided_on;"
    "starts_on;ends_on"
)
GRANT_G1 = (
    "G1;Stadt Duisburg;Koordination;STARK;ANBest-Gk;0,9;1.000.000,00;01.04.2024;01.06.2024;"
    "31.05.2028"
)


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m pipelines *args` from the project's root, with `env` added to our variables."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def table(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of `sql` on the snapshot published in `data_dir`."""
    with read_snapshot(data_dir) as con:
        return con.execute(sql, params or []).fetchall()


def rejects(data_dir: Path, run_id: int) -> list[tuple]:
    """The rows load run `run_id` rejected: (file, line, column, value, code)."""
    return table(
        data_dir,
        'SELECT file, line, "column", value, code FROM rejected_rows WHERE run_id = ? '
        "ORDER BY file, line",
        [run_id],
    )
