"""Benchmark: the whole sample delivery loaded end to end, interpreter start included."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Figure, median_seconds

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def _run(*args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True)


READ_ALL_CSV = """
import duckdb, pathlib
con = duckdb.connect()
for path in sorted(pathlib.Path("{sample}").glob("*.csv")):
    for encoding in ("utf-8", "latin-1"):
        try:
            sql = f"SELECT count(*) FROM read_csv('{{path}}', encoding='{{encoding}}')"
            con.sql(sql).fetchall()
            break
        except duckdb.Error:
            continue
"""


def run() -> list[Figure]:
    def ingest_fresh() -> None:
        with tempfile.TemporaryDirectory() as data:
            _run("-m", "pipelines", "ingest", str(SAMPLE), "--data-dir", data)

    def duckdb_read_csv() -> None:
        # The floor: start Python, import DuckDB and let it read every CSV of the sample
        # (UTF-8 first, the German Excel files as Latin-1).
        _run("-c", READ_ALL_CSV.format(sample=SAMPLE))

    reference = median_seconds(duckdb_read_csv, repeat=5)
    fresh = median_seconds(ingest_fresh, repeat=5)
    with tempfile.TemporaryDirectory() as data:
        _run("-m", "pipelines", "ingest", str(SAMPLE), "--data-dir", data)
        again = median_seconds(
            lambda: _run("-m", "pipelines", "ingest", str(SAMPLE), "--data-dir", data), repeat=5
        )
    return [
        Figure(
            "ingest sample delivery into empty data dir",
            fresh,
            "s",
            3.0,
            "python + duckdb read_csv of the sample",
            reference,
        ),
        Figure(
            "ingest sample delivery again (all unchanged)",
            again,
            "s",
            3.0,
            "python + duckdb read_csv of the sample",
            reference,
        ),
    ]
