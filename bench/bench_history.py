"""Benchmark: telemetry history CSVs through `ingest`, against DuckDB's own read_csv.

Four shapes of 2 M readings (one day of many devices, many days of few devices, and between),
each measured against DuckDB's read_csv of the same file into a table in the same run; and
the peak memory (RSS) of a whole `ingest` process loading 10 M readings. The files are
generated once per day and kept in bench/results/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench.common import Figure
from pipelines.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / "results" / "history"
REPEAT = 5
MEMORY_BUDGET_MB = 2048


@dataclass(frozen=True)
class Shape:
    name: str
    rows: int
    devices: int
    days: int

    @property
    def step_s(self) -> int:
        """Seconds between two readings of a device, so that the file spans `days`."""
        return max(1, self.days * 86_400 * self.devices // self.rows)

    @property
    def start(self) -> dt.date:
        """The first day: the file ends yesterday, within the ts bounds of history files."""
        return dt.datetime.now(dt.UTC).date() - dt.timedelta(days=self.days + 1)

    @property
    def rejected(self) -> int:
        return self.rows // 10_000 + self.rows // 50_000


SHAPES = (
    Shape("2 M rows, 500 devices, 1 day", 2_000_000, 500, 1),
    Shape("2 M rows, 5 devices, 278 days", 2_000_000, 5, 278),
    Shape("2 M rows, 5 000 devices, 30 days", 2_000_000, 5_000, 30),
    Shape("2 M rows, 50 devices, 2 years", 2_000_000, 50, 730),
)
MEMORY_SHAPE = Shape("10 M rows, 500 devices, 30 days", 10_000_000, 500, 30)


def _delivery(folder: Path, devices: int) -> None:
    """A warehouse delivery with `devices` devices reporting every 10 s."""
    folder.mkdir(parents=True)
    (folder / "companies.csv").write_text(
        "company_id;name;employees;postal_code;joined_on\nC1;Bench GmbH;12;47051;01.01.2025\n"
    )
    (folder / "projects.csv").write_text(
        "project_id;title;company_id;partner;use_case;status;started_on\n"
        "P1;Bench;C1;UDE;other;pilot;01.02.2025\n"
    )
    (folder / "deployments.csv").write_text(
        "deployment_id;project_id;model_name;data_policy\nDEP1;P1;bench;on_device_only\n"
    )
    (folder / "devices.csv").write_text(
        "device_id;deployment_id;device_class;report_interval_s\n"
        + "".join(f"B{n:04d};DEP1;fpga;10\n" for n in range(devices))
    )


def _history(path: Path, shape: Shape) -> None:
    """The shape's readings, ordered by time as a device gateway exports them; one in 10 000
    breaks a rule (negative inferences), one in 50 000 another (p95 below the mean). (Cells
    that are no number at all make the file take the slower text path; the tests cover it.)"""
    d = shape.devices
    tmp = path.with_name(path.name + ".tmp")
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT 'B' || lpad(CAST(i % {d} AS VARCHAR), 4, '0') AS device_id,
                     i // {d} AS seq,
                     strftime(TIMESTAMP '{shape.start}' + to_seconds({shape.step_s} * (i // {d})),
                              '%Y-%m-%dT%H:%M:%SZ') AS ts,
                     10 AS interval_s,
                     CASE WHEN i % 10000 = 3 THEN -1 ELSE (i * 7) % 50 END AS inferences,
                     CASE WHEN i % 50000 = 7 THEN 9.5 ELSE round(1 + (i % 13) / 3.0, 2) END
                         AS latency_ms_mean,
                     round(2 + (i % 13) / 2.0, 2) AS latency_ms_p95,
                     round(3 + (i % 13), 2) AS latency_ms_max,
                     round((i % 17) / 100.0, 3) AS energy_mwh,
                     (i % 1000) * 100 AS bytes_on_device,
                     i % 7 AS bytes_uplinked,
                     30 + i % 20 AS temperature_c,
                     CASE WHEN i % 997 = 0 THEN 'degraded' ELSE 'ok' END AS status,
                     '1.2.3' AS model_version
              FROM range({shape.rows}) AS t(i)
            ) TO '{tmp}' (HEADER, DELIMITER ',')
            """
        )
    tmp.replace(path)


def _prepared(shape: Shape) -> tuple[Path, Path]:
    """The shape's history file and a data directory with its devices (cached)."""
    prefix = f"{shape.rows}-{shape.devices}-{shape.days}-"
    folder = CACHE / f"{prefix}{shape.start}"
    csv = folder / "telemetry_history.csv"
    template = folder / "template"
    if not csv.exists():
        for older in CACHE.glob(f"{prefix}*"):  # of earlier days
            shutil.rmtree(older)
        folder.mkdir(parents=True, exist_ok=True)
        _history(csv, shape)
    if not (template / "warehouse.duckdb").exists():
        shutil.rmtree(folder / "delivery", ignore_errors=True)
        shutil.rmtree(template, ignore_errors=True)
        _delivery(folder / "delivery", shape.devices)
        ingest([folder / "delivery"], template)
    return csv, template


def _read_csv_seconds(csv: Path, target: Path | None) -> float:
    started = time.perf_counter()
    with duckdb.connect(str(target) if target else ":memory:") as con:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
    elapsed = time.perf_counter() - started
    if target:
        target.unlink(missing_ok=True)
    return elapsed


def _ingest_seconds(csv: Path, template: Path, data: Path, shape: Shape) -> float:
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(template, data)
    started = time.perf_counter()
    (result,) = ingest([csv], data).files
    elapsed = time.perf_counter() - started
    assert (result.rows_read, result.rows_rejected, result.rows_duplicate) == (
        shape.rows,
        shape.rejected,
        0,
    ), result
    return elapsed


def measure(shape: Shape, repeat: int = REPEAT) -> tuple[float, float, float]:
    """Median seconds of read_csv into an in-memory table, into a database file's table, and
    of the ingest; interleaved, so that the machine's load weighs on all three alike."""
    csv, template = _prepared(shape)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _read_csv_seconds(csv, None)  # warm-up: the file in the page cache
        memory, table, ours = [], [], []
        for _ in range(repeat):
            memory.append(_read_csv_seconds(csv, None))
            table.append(_read_csv_seconds(csv, root / "ref.duckdb"))
            ours.append(_ingest_seconds(csv, template, root / "data", shape))
    return statistics.median(memory), statistics.median(table), statistics.median(ours)


_MEMORY_CHILD = """
import resource, sys
from pathlib import Path
from pipelines.ingest import ingest
(result,) = ingest([Path(sys.argv[1])], Path(sys.argv[2])).files
assert result.rows_read == int(sys.argv[3]), result
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_memory_mb(shape: Shape = MEMORY_SHAPE) -> float:
    """The whole ingest process's peak RSS (MB) loading the shape's file."""
    csv, template = _prepared(shape)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(template, data)
        done = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD, str(csv), str(data), str(shape.rows)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    return int(done.stdout.split()[-1]) / 1024  # ru_maxrss is in kB on Linux


def run() -> list[Figure]:
    figures = []
    loads = [os.getloadavg()[0]]
    for shape in SHAPES:
        memory, table, ours = measure(shape)
        loads.append(os.getloadavg()[0])
        rate = shape.rows / ours
        figures += [
            Figure(
                f"telemetry history through ingest ({shape.name})",
                rate,
                "rows/s",
                shape.rows / table / 2,
                "duckdb read_csv into a table of a database file",
                shape.rows / table,
                higher_is_better=True,
            ),
            Figure(
                f"the same ingest ({shape.name}), against read_csv into an in-memory table",
                rate,
                "rows/s",
                None,
                "duckdb read_csv into an in-memory table",
                shape.rows / memory,
                higher_is_better=True,
            ),
        ]
    figures.append(
        Figure(
            f"peak RSS of the ingest process ({MEMORY_SHAPE.name})",
            peak_memory_mb(),
            "MB",
            MEMORY_BUDGET_MB,
        )
    )
    loads.append(os.getloadavg()[0])
    figures.append(
        Figure("load average (1 min) during the history runs, median", statistics.median(loads), "")
    )
    return figures
