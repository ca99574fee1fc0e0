"""Benchmark: a 2 M-row telemetry history CSV through `ingest`, against DuckDB's own read_csv."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from bench.common import Figure, median_seconds
from pipelines.ingest import ingest

ROWS = 2_000_000
DEVICES = 500
REPEAT = 3


def _delivery(folder: Path) -> None:
    """A warehouse delivery with DEVICES devices reporting every 10 s."""
    folder.mkdir()
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
        + "".join(f"B{n:04d};DEP1;fpga;10\n" for n in range(DEVICES))
    )


def _history(path: Path) -> None:
    """ROWS readings, ordered by time as a device gateway exports them; one in 10 000 breaks a
    rule (negative inferences), one in 50 000 another (p95 below the mean). (Cells that are no
    number at all make the file take the slower text path; the tests cover that path.)"""
    with duckdb.connect() as con:
        con.execute(
            f"""
            COPY (
              SELECT 'B' || lpad(CAST(i % {DEVICES} AS VARCHAR), 4, '0') AS device_id,
                     i // {DEVICES} AS seq,
                     strftime(TIMESTAMP '2026-11-01 00:00:00' + to_seconds(10 * (i // {DEVICES})),
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
              FROM range({ROWS}) AS t(i)
            ) TO '{path}' (HEADER, DELIMITER ',')
            """
        )


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv = root / "telemetry_history.csv"
        _history(csv)
        _delivery(root / "delivery")
        template = root / "template"
        ingest([root / "delivery"], template)

        def read_csv(target: str) -> None:
            with duckdb.connect(target) as con:
                con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
            Path(target).unlink(missing_ok=True)

        def load() -> None:
            data = root / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(template, data)
            (result,) = ingest([csv], data).files
            assert result.rows_read == ROWS and result.rows_rejected == ROWS // 10_000 + 40

        in_memory = median_seconds(lambda: read_csv(":memory:"), repeat=REPEAT)
        in_file = median_seconds(lambda: read_csv(str(root / "ref.duckdb")), repeat=REPEAT)
        history = median_seconds(load, repeat=REPEAT)
    rate = ROWS / history
    return [
        Figure(
            "telemetry history CSV through ingest (2 M rows, checked, stored)",
            rate,
            "rows/s",
            ROWS / in_file / 2,
            "duckdb read_csv into a table of a database file",
            ROWS / in_file,
            higher_is_better=True,
        ),
        Figure(
            "the same ingest, against read_csv into an in-memory table",
            rate,
            "rows/s",
            None,
            "duckdb read_csv into an in-memory table",
            ROWS / in_memory,
            higher_is_better=True,
        ),
    ]
