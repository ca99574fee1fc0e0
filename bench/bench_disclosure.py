"""Benchmark: disclosure control of a large public table, and the login path over a long log."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

import pandas as pd

from bench.common import Figure, median_seconds
from zakid_metrics import disclosure
from zakid_metrics.audit import format_ts, read_audit
from zakid_metrics.auth import add_user, login
from zakid_metrics.disclosure import TOTAL, AuditCell, Relation, cells_from_units, protect


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


def _audit_inputs(
    cells: pd.DataFrame, protected: pd.DataFrame, dims: list[str]
) -> tuple[list[AuditCell], list[Relation]]:
    """The protected table as the export's audit sees it: every cell with its suppression and
    the lines of both dimensions (each district's and each sector's cells sum to its total)."""
    merged = cells.merge(protected[[*dims, "suppressed", "reason"]], on=dims)
    found = [
        AuditCell(
            key=(row.district, row.sector),
            value=float(row.salary_eur),
            units=int(row.units),
            suppressed=bool(row.suppressed),
            sensitive=row.reason is not None,
            magnitude=True,
            decimals=0,
            total=TOTAL in (row.district, row.sector),
        )
        for row in merged.itertuples()
    ]
    present = {cell.key for cell in found}
    districts = sorted(set(merged["district"]) - {TOTAL})
    sectors = sorted(set(merged["sector"]) - {TOTAL})
    relations = [
        disclosure.line_relation([(d, s) for s in sectors if (d, s) in present], (d, TOTAL))
        for d in [*districts, TOTAL]
    ] + [
        disclosure.line_relation([(d, s) for d in districts if (d, s) in present], (TOTAL, s))
        for s in [*sectors, TOTAL]
    ]
    return found, relations


def run() -> list[Figure]:
    dims = ["district", "sector"]
    units = _units(20_000, districts=40, sectors=30)
    cells = cells_from_units(units, dims, unit="company_id", value="salary_eur")
    build = median_seconds(
        lambda: cells_from_units(units, dims, unit="company_id", value="salary_eur"), repeat=3
    )
    protecting = median_seconds(lambda: protect(cells, dims, value="salary_eur"), repeat=3)
    suppressed = int(protect(cells, dims, value="salary_eur")["suppressed"].sum())

    audited, relations = _audit_inputs(cells, protect(cells, dims, value="salary_eur"), dims)
    rules = disclosure.Rules.from_settings()
    auditing = median_seconds(lambda: disclosure.audit(audited, relations, rules=rules), repeat=3)

    figures = [
        Figure(f"cells_from_units: 20 000 units -> {len(cells)} cells", build, "s", 0.5),
        Figure(f"protect: {len(cells)} cells ({suppressed} suppressed)", protecting, "s", 0.25),
        Figure(
            f"disclosure audit of the same table: the interval of each of the {suppressed} "
            "suppressed cells by linear programming",
            auditing,
            "s",
            None,
            "protect",
            protecting,
        ),
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
