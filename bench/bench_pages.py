"""Benchmark: each dashboard page rendered cold (caches cleared) and warm, on the sample."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common import Figure
from pipelines.ingest import ingest
from tests.dashboard.page_timing import page_timings
from zakid_metrics.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
WARM_BUDGET_S, COLD_BUDGET_S = 1.5, 2.5


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as data:
        ingest([SAMPLE], Path(data))
        os.environ["ZAKID_DATA_DIR"] = data
        get_settings.cache_clear()
        timings = page_timings()
    get_settings.cache_clear()
    ref_cold, ref_warm = timings.pop("reference")
    figures = []
    for page, (cold, warm) in timings.items():
        figures += [
            Figure(f"page {page}: cold render (caches cleared)", cold, "s", COLD_BUDGET_S,
                   "st.write('x') cold", ref_cold),
            Figure(f"page {page}: warm rerun", warm, "s", WARM_BUDGET_S,
                   "st.write('x') warm", ref_warm),
        ]  # fmt: skip
    return figures
