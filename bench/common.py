"""Shared timing and reporting for the benchmarks: medians of repeats, budgets, ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure, its budget and the reference measured in the same run."""

    name: str
    value: float
    unit: str
    budget: float | None = None
    reference_name: str = ""
    reference: float | None = None
    higher_is_better: bool = False

    @property
    def meets_budget(self) -> bool | None:
        if self.budget is None:
            return None
        return self.value >= self.budget if self.higher_is_better else self.value <= self.budget


def median_seconds(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """The median wall time of `fn` over `repeat` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def print_table(figures: list[Figure]) -> None:
    header = ("benchmark", "value", "budget", "ok", "reference", "ratio")
    rows = [header]
    for f in figures:
        ratio = f"{f.value / f.reference:.2f}x" if f.reference else ""
        reference = f"{f.reference_name} {f.reference:.3f} {f.unit}" if f.reference else ""
        budget = "" if f.budget is None else f"{f.budget:g} {f.unit}"
        ok = {None: "", True: "yes", False: "NO"}[f.meets_budget]
        rows.append((f.name, f"{f.value:.3f} {f.unit}", budget, ok, reference, ratio))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
