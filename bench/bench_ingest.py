"""Benchmark: the whole sample delivery loaded end to end, interpreter start included; and
a 200 MB expenditures file, for time and peak memory against the file's size."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, median_seconds

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
LARGE_MB = 200
MEMORY_FACTOR = 4  # a load may need at most this many times its file's size
GRANTS = (
    "grant_id;recipient;sub_project;programme;regime;funding_rate;approved_eur;decided_on;"
    "starts_on;ends_on\r\n"
    "G1;Stadt Duisburg;Koordination;STARK;ANBest-Gk;0,9;1.000.000,00;01.04.2024;01.06.2024;"
    "31.05.2028\r\n"
)


def write_expenditures(folder: Path, megabytes: float) -> Path:
    """A delivery of one grant and an expenditures file of about `megabytes` MB, as German
    Excel writes it (`;`, decimal comma with thousands points, cp1252, CRLF)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "grants.csv").write_bytes(GRANTS.encode("cp1252"))
    path = folder / "expenditures.csv"
    header = "expenditure_id;grant_id;category;paid_on;amount_eur;vendor;description\r\n"
    with path.open("wb") as out:
        size = out.write(header.encode("cp1252"))
        number = 0
        while size < megabytes * 1_000_000:
            line = (
                f"E{number:08d};G1;travel;{1 + number % 28:02d}.0{1 + number % 9}.2025;"
                f"{number % 9000 + 1}.{number % 1000:03d},{number % 100:02d};"
                f"Deutsche Bahn Fernverkehr AG;Dienstreise Brüssel Nr. {number}\r\n"
            )
            size += out.write(line.encode("cp1252"))
            number += 1
    return path


def ingest_peak(folder: Path, data_dir: Path) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (bytes) of `python -m pipelines ingest` on
    `folder`, a process of its own (the size guard raised above the file)."""
    env = {**os.environ, "ZAKID_MAX_FILE_MB": "100000"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "ingest", str(folder), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"ingest of {folder} failed with exit code {process.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss * 1024


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
    with tempfile.TemporaryDirectory() as work:
        large = write_expenditures(Path(work) / "large", LARGE_MB)
        file_mb = large.stat().st_size / 1_000_000
        seconds, peak = ingest_peak(large.parent, Path(work) / "data")
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
        Figure(f"ingest a {LARGE_MB} MB expenditures CSV: time", seconds, "s"),
        Figure(
            f"ingest a {LARGE_MB} MB expenditures CSV: peak memory",
            peak / 1_000_000,
            "MB",
            MEMORY_FACTOR * file_mb,
            "the file's size",
            file_mb,
        ),
    ]
