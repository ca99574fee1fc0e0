"""Benchmark: evaluating every alert rule on the sample with 100 M telemetry readings stored.

The sample delivery is loaded into a temporary data directory, and beside it the live bench's
telemetry store (bench_live: 1 000 devices every 6 s for 7 days, one rollup file per day, plus
a log tail). One evaluation reads the snapshot's KPIs the rules need (compute_all), the fleet
of the last hour through the rollups (never raw history), and runs every rule: what the
scheduler does on each run. The first evaluation of a process is cold (the rollup summaries
are read once per file and cached), the later ones warm.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_live import READINGS_PER_MINUTE, write_rollups, write_tail
from bench.common import Figure
from pipelines.ingest import ingest
from zakid_metrics.alerts import RULES, evaluate, read_facts
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import read_snapshot

REPEATS = 7
BUDGET_MS = 1000.0


def evaluate_all(data_dir: Path) -> float:
    """One evaluation of every rule, in milliseconds."""
    started = time.perf_counter()
    with read_snapshot(data_dir) as con:
        found = evaluate(read_facts(con, data_dir, dt.datetime.now(dt.UTC)))
    assert set(found) == set(RULES)
    return (time.perf_counter() - started) * 1000


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        ingest([get_settings().sample_dir], data_dir)
        now = dt.datetime.now(dt.UTC)
        minutes = write_rollups(data_dir, now)
        write_tail(data_dir, now)
        print(
            f"  sample + store of {minutes * READINGS_PER_MINUTE:,} readings in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        cold = evaluate_all(data_dir)
        warm = statistics.median(evaluate_all(data_dir) for _ in range(REPEATS))
    return [
        Figure("every alert rule, sample + 100 M readings (warm)", warm, "ms", BUDGET_MS),
        Figure("every alert rule, first run of a process (cold)", cold, "ms"),
    ]
