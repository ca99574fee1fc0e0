"""Idle funds: FIFO matching of disbursements and expenditures, on hand-made deliveries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from zakid_metrics.kpis import compute

E = Decimal


def grant(grant_id: str = "G1", regime: str = "ANBest-P", rate: str = "1") -> dict[str, Any]:
    return {
        "grant_id": grant_id,
        "recipient": "Stadt Duisburg",
        "sub_project": "Zentrum",
        "programme": "STARK",
        "regime": regime,
        "funding_rate": rate,
        "approved_eur": "100000.00",
        "decided_on": "2024-12-01",
        "starts_on": "2025-01-01",
        "ends_on": "2026-12-31",
    }


def drawn(
    disbursement_id: str, received_on: str | None, amount: str, grant_id: str = "G1"
) -> dict[str, Any]:
    return {
        "disbursement_id": disbursement_id,
        "grant_id": grant_id,
        "requested_on": "2025-01-02",
        "received_on": received_on,
        "amount_eur": amount,
    }


def paid(expenditure_id: str, paid_on: str, amount: str, grant_id: str = "G1") -> dict[str, Any]:
    return {
        "expenditure_id": expenditure_id,
        "grant_id": grant_id,
        "category": "material",
        "paid_on": paid_on,
        "amount_eur": amount,
        "description": "Beleg",
    }


@dataclass(frozen=True)
class IdleCase:
    """A delivery, an as-of date and the expected rows (grant, disbursement, idle now,
    idle at the window's end, days since the window's end) and total idle now."""

    grants: list[dict[str, Any]]
    disbursements: list[dict[str, Any]]
    expenditures: list[dict[str, Any]]
    as_of: dt.date
    rows: list[tuple[str, str, Decimal, Decimal, int]]
    total: Decimal


# fmt: off
CASES = {
    # 1 000 received 10 Jan, spend by 21 Feb (6 weeks): 600 spent in time, 300 late
    "partly_spent_in_time": IdleCase(
        [grant()], [drawn("D1", "2025-01-10", "1000.00")],
        [paid("X1", "2025-01-20", "600.00"), paid("X2", "2025-03-01", "300.00")],
        dt.date(2025, 3, 31), [("G1", "D1", E("100.00"), E("400.00"), 38)], E("100.00"),
    ),
    # FIFO: the 700 paid on 15 Jan (before D2 arrived) covers D1's 500 and 200 of D2
    "first_in_first_out": IdleCase(
        [grant()], [drawn("D1", "2025-01-10", "500.00"), drawn("D2", "2025-02-01", "500.00")],
        [paid("X1", "2025-01-15", "700.00")],
        dt.date(2025, 4, 1), [("G1", "D2", E("300.00"), E("300.00"), 17)], E("300.00"),
    ),
    # a correction of -300 uncovers the money drawn last: D1 stays covered, D2 keeps 300 idle
    "negative_correction": IdleCase(
        [grant()], [drawn("D1", "2025-01-10", "500.00"), drawn("D2", "2025-01-12", "500.00")],
        [paid("X1", "2025-01-15", "1000.00"), paid("X2", "2025-02-01", "-300.00")],
        dt.date(2025, 3, 1), [("G1", "D2", E("300.00"), E("300.00"), 6)], E("300.00"),
    ),
    # ANBest-Gk: 2 months from 31 Jan is 31 Mar; spending on that day is in time
    "two_months_in_time_on_the_last_day": IdleCase(
        [grant(regime="ANBest-Gk")], [drawn("D1", "2025-01-31", "1000.00")],
        [paid("X1", "2025-03-31", "1000.00")], dt.date(2025, 6, 1), [], E("0.00"),
    ),
    # the window ends on 31 Mar: idle from 1 Apr, not on 31 Mar itself
    "window_not_over_on_its_last_day": IdleCase(
        [grant(regime="ANBest-Gk")], [drawn("D1", "2025-01-31", "1000.00")], [],
        dt.date(2025, 3, 31), [], E("0.00"),
    ),
    "idle_from_the_day_after": IdleCase(
        [grant(regime="ANBest-Gk")], [drawn("D1", "2025-01-31", "1000.00")], [],
        dt.date(2025, 4, 1), [("G1", "D1", E("1000.00"), E("1000.00"), 1)], E("1000.00"),
    ),
    # funding rate 0.5: 1 500.01 paid needs 750.01 (750.005 rounded) of the grant's money
    "funded_share_of_each_payment": IdleCase(
        [grant(rate="0.5")], [drawn("D1", "2025-01-10", "1000.00")],
        [paid("X1", "2025-01-20", "1500.01")],
        dt.date(2025, 3, 1), [("G1", "D1", E("249.99"), E("249.99"), 8)], E("249.99"),
    ),
    # requested but not received, or received after the as-of date: nothing drawn is idle
    "not_received": IdleCase(
        [grant()], [drawn("D1", None, "1000.00"), drawn("D2", "2025-06-01", "1000.00")], [],
        dt.date(2025, 5, 31), [], E("0.00"),
    ),
    # spending of another grant does not cover this grant's money
    "grants_are_separate": IdleCase(
        [grant("G1"), grant("G2")], [drawn("D1", "2025-01-10", "1000.00", "G1")],
        [paid("X1", "2025-01-20", "1000.00", "G2")],
        dt.date(2025, 3, 1), [("G1", "D1", E("1000.00"), E("1000.00"), 8)], E("1000.00"),
    ),
}
# fmt: on


@pytest.mark.parametrize("case", CASES.values(), ids=CASES)
def test_idle_funds(
    warehouse: Callable[[dict[str, list[dict[str, Any]]]], duckdb.DuckDBPyConnection],
    case: IdleCase,
) -> None:
    con = warehouse(
        {
            "grants": case.grants,
            "disbursements": case.disbursements,
            "expenditures": case.expenditures,
        }
    )
    result = compute(con, "idle_funds", as_of=case.as_of)
    columns = ["grant_id", "disbursement_id", "value", "idle_at_deadline_eur", "days_idle"]
    rows = [tuple(row) for row in result.breakdown[columns].itertuples(index=False)]
    assert rows == case.rows
    assert result.value == case.total
