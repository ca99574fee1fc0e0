"""Benchmark: the open-data export of the sample delivery, against computing its KPIs alone."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Figure, median_seconds
from pipelines.export import export
from zakid_metrics import kpis
from zakid_metrics.open_data.build import public_state

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2026, 11, 24)


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "data"
        subprocess.run(
            [sys.executable, "-m", "pipelines", "ingest", str(SAMPLE), "--data-dir", str(data_dir)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )

        def public_kpis() -> None:
            with public_state(data_dir) as con:
                kpis.compute_all(con, as_of=AS_OF, audience="public")

        reference = median_seconds(public_kpis, repeat=5)
        exporting = median_seconds(lambda: export(data_dir, AS_OF, by="bench"), repeat=5)
    return [
        Figure(
            "export the sample's open data (build, protect, write, swap)",
            exporting,
            "s",
            2.0,
            "the public KPIs alone",
            reference,
        )
    ]
