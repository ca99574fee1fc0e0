"""Benchmark: the jobs forecast backtested on simulated hiring histories, and its cost.

Each simulated history is a 48-month funding period of new jobs per month; the forecast is
made after 12, 24 and 36 months from the months so far and compared with the true count at
the end. Kinds: `constant` (Poisson at a constant rate), `lumpy` (hiring in batches: a
Poisson number of hiring rounds of 1 + Poisson(3) jobs each, variance 4.75 times the mean),
`ramp` (Poisson with a rate that grows linearly from 0.4 to 1.6 times its mean). Targets 500
and 30 jobs; each history's mean total is the target times a level drawn uniformly from 0.6
to 1.4, so that some reach the target and some do not.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import Figure, median_seconds
from pipelines.ingest import ingest
from zakid_metrics.kpis import compute
from zakid_metrics.kpis.forecast import predict_total
from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
AS_OF = dt.date(2026, 6, 30)
KINDS = ("constant", "lumpy", "ramp")
TARGETS = (500, 30)
FORECAST_AFTER = (12, 24, 36)  # months into the period
MONTHS = 48
HISTORIES = 200  # per kind, target and forecast month
SEED = 2026
COVERAGE_RANGE = (90.0, 97.0)  # per cent, for the nominal 95 % interval


@dataclass(frozen=True)
class Cell:
    """The backtest of one kind, target and forecast month over HISTORIES histories."""

    kind: str
    target: int
    after: int
    covered: list[bool]
    widths: list[int]
    squared_errors: list[float]  # (p_target - reached)^2

    @property
    def coverage(self) -> float:
        return 100 * sum(self.covered) / len(self.covered)

    @property
    def brier(self) -> float:
        return statistics.fmean(self.squared_errors)


def simulate(kind: str, target: int, rng: np.random.Generator) -> np.ndarray:
    """New jobs per month of one 48-month funding period."""
    mean = target * rng.uniform(0.6, 1.4) / MONTHS
    rate = np.full(MONTHS, mean)
    if kind == "ramp":
        rate = mean * (0.4 + 1.2 * (np.arange(MONTHS) + 0.5) / MONTHS)
    if kind == "lumpy":
        rounds = rng.poisson(rate / 4)
        return rounds + np.array([rng.poisson(3, size=n).sum() for n in rounds])
    return rng.poisson(rate)


def backtest(histories: int = HISTORIES) -> list[Cell]:
    """Every kind, target and forecast month, on the same seeded histories each run."""
    rng = np.random.default_rng(SEED)
    cells = []
    for kind in KINDS:
        for target in TARGETS:
            runs = [simulate(kind, target, rng) for _ in range(histories)]
            for after in FORECAST_AFTER:
                covered, widths, errors = [], [], []
                for jobs in runs:
                    final = int(jobs.sum())
                    forecast = predict_total(
                        jobs[:after].tolist(),
                        [1.0] * after,
                        [0.0] + [1.0] * (MONTHS - after),
                        int(jobs[:after].sum()),
                        target,
                    )
                    covered.append(forecast.low <= final <= forecast.high)
                    widths.append(forecast.high - forecast.low)
                    errors.append((forecast.p_target - (final >= target)) ** 2)
                cells.append(Cell(kind, target, after, covered, widths, errors))
    return cells


def print_backtest(cells: list[Cell]) -> None:
    header = ("kind", "target", "forecast after", "coverage", "median width", "Brier")
    rows = [header]
    for c in cells:
        rows.append(
            (c.kind, str(c.target), f"{c.after} months", f"{c.coverage:.1f} %",
             f"{statistics.median(c.widths):g}", f"{c.brier:.3f}")
        )  # fmt: skip
    for kind in KINDS:
        mine = [c for c in cells if c.kind == kind]
        covered = [hit for c in mine for hit in c.covered]
        errors = [e for c in mine for e in c.squared_errors]
        rows.append(
            (kind, "all", "all", f"{100 * sum(covered) / len(covered):.1f} %", "",
             f"{statistics.fmean(errors):.3f}")
        )  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print()


def run() -> list[Figure]:
    cells = backtest()
    print_backtest(cells)
    figures = []
    low, high = COVERAGE_RANGE
    for kind in KINDS:
        covered = [hit for c in cells if c.kind == kind for hit in c.covered]
        coverage = 100 * sum(covered) / len(covered)
        figures += [
            Figure(f"forecast backtest, {kind}: coverage of the 95 % interval (at least)",
                   coverage, "%", low, higher_is_better=True),
            Figure(f"forecast backtest, {kind}: coverage of the 95 % interval (at most)",
                   coverage, "%", high),
        ]  # fmt: skip
    with tempfile.TemporaryDirectory() as data:
        ingest([SAMPLE], Path(data))
        with read_snapshot(Path(data)) as con:
            reference = median_seconds(
                lambda: compute(con, "jobs_external_created", as_of=AS_OF), repeat=20, warmup=3
            )
            forecast = median_seconds(
                lambda: compute(con, "jobs_forecast_end", as_of=AS_OF), repeat=20, warmup=3
            )
    figures.append(
        Figure("jobs_forecast_end on the sample, one as-of date", forecast * 1000, "ms", 50.0,
               "one scalar KPI", reference * 1000)
    )  # fmt: skip
    return figures
