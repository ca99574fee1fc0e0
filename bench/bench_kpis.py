"""Benchmark: every KPI for one as-of date on the sample delivery, as a dashboard page needs it."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from bench.common import Figure, median_seconds
from pipelines.ingest import ingest
from zakid_metrics.kpis import compute, compute_all
from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2026, 6, 30)


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as data:
        ingest([SAMPLE], Path(data))
        with read_snapshot(Path(data)) as con:
            reference = median_seconds(
                lambda: con.execute("SELECT count(*) FROM jobs").fetchall(), repeat=50, warmup=5
            )
            every_kpi = median_seconds(lambda: compute_all(con, as_of=AS_OF), repeat=15)
            one_kpi = median_seconds(
                lambda: compute(con, "jobs_external_created", as_of=AS_OF), repeat=50, warmup=5
            )
    trivial = "SELECT count(*) FROM jobs"
    return [
        Figure("compute_all: every KPI on the sample, one as-of date", every_kpi * 1000, "ms",
               200.0, trivial, reference * 1000),
        Figure("compute: one scalar KPI with targets and freshness", one_kpi * 1000, "ms",
               None, trivial, reference * 1000),
    ]  # fmt: skip
