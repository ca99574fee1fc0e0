"""Benchmark: disclosure control of a large public table, and the login path over a long log."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import pandas as pd

from bench.common import Figure, median_seconds
from zakid_metrics.audit import format_ts, read_audit
from zakid_metrics.auth import add_user, login
from zakid_metrics.disclosure import cells_from_units, protect


def _units(n_units: int, districts: int, sectors: int) -> pd.DataFrame:
    """Jobs of companies: most cells well filled, a tail of small ones that need protection."""
    rng = random.Random(7)
    rows = []
    for unit in range(n_units):
        district = min(int(rng.expovariate(0.15)), districts - 1)
        sector = min(int(rng.expovariate(0.2)), sectors - 1)
        rows.append((f"d{district}", f"s{sector}", f"c{unit}", rng.randint(30_000, 90_000)))
    return pd.DataFrame(rows, columns=["district", "sector", "company_id", "salary_eur"])


def _write_log(path: Path, lines: int, now: dt.datetime) -> None:
    """A year of audit history, oldest first, written in one go."""
    step = dt.timedelta(days=365) / lines
    path.write_text(
        "".join(
            f'{{"ts": "{format_ts(now - (lines - i) * step)}", "user": "u{i % 40}", '
            f'"event": "login_ok", "details": {{"role": "viewer"}}}}\n'
            for i in range(lines)
        )
    )


def run() -> list[Figure]:
    dims = ["district", "sector"]
    units = _units(20_000, districts=40, sectors=30)
    cells = cells_from_units(units, dims, unit="company_id", value="salary_eur")
    build = median_seconds(
        lambda: cells_from_units(units, dims, unit="company_id", value="salary_eur"), repeat=3
    )
    protecting = median_seconds(lambda: protect(cells, dims, value="salary_eur"), repeat=3)
    suppressed = int(protect(cells, dims, value="salary_eur")["suppressed"].sum())

    figures = [
        Figure(f"cells_from_units: 20 000 units -> {len(cells)} cells", build, "s", 0.5),
        Figure(f"protect: {len(cells)} cells ({suppressed} suppressed)", protecting, "s", 0.25),
    ]
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        now = dt.datetime.now(dt.UTC)
        _write_log(data_dir / "audit.log", 200_000, now)
        add_user("anna", "viewer", "correct horse battery", by="bench", data_dir=data_dir)
        since = now - dt.timedelta(minutes=15)
        full = median_seconds(lambda: read_audit(data_dir=data_dir), repeat=3)
        tail = median_seconds(lambda: read_audit(data_dir=data_dir, since=since), repeat=5)
        logging_in = median_seconds(
            lambda: login("anna", "correct horse battery", data_dir=data_dir), repeat=5
        )
    figures += [
        Figure(
            "read_audit last 15 min of a 200 000-line log",
            tail,
            "s",
            0.05,
            "whole log",
            full,
        ),
        Figure("login (throttle check + scrypt + audit)", logging_in, "s", 0.5),
    ]
    return figures
