"""Benchmark: funder reports on the sample delivery, built and rendered (XLSX and PDF)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from bench.common import Figure, median_seconds
from pipelines.ingest import ingest
from zakid_metrics.kpis import compute_all
from zakid_metrics.reports import build_report, generate_report
from zakid_metrics.reports.pdf import render_pdf
from zakid_metrics.reports.xlsx import render_xlsx
from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
GRANT = "03STK0187A"


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        ingest([SAMPLE], data_dir)
        out = Path(folder) / "reports"

        def registry() -> None:
            with read_snapshot(data_dir) as con:
                compute_all(con, as_of=dt.date(2025, 12, 31))

        def interim() -> None:
            generate_report(
                "interim", grant_id=GRANT, year=2025, data_dir=data_dir, out_dir=out, user="bench"
            )

        # The year 2025: the shipped base rates end with it, and interest on funds idle later
        # needs the rate the department adds (a clear error otherwise).
        with read_snapshot(data_dir) as con:
            summary = build_report(con, "summary", year=2025)

        def build_summary() -> None:
            with read_snapshot(data_dir) as con:
                build_report(con, "summary", year=2025)

        reference = median_seconds(registry, repeat=3)
        figures = [
            ("interim report, one grant-year: build, XLSX, PDF, manifest", interim, 3.0),
            ("summary over all grants, 2025: build", build_summary, 2.0),
            (
                f"summary: XLSX of {summary.voucher_count} vouchers",
                lambda: render_xlsx(summary),
                3.0,
            ),
            (f"summary: PDF of {summary.voucher_count} vouchers", lambda: render_pdf(summary), 5.0),
        ]
        return [
            Figure(name, median_seconds(fn, repeat=3), "s", budget, "compute_all KPIs", reference)
            for name, fn, budget in figures
        ]
