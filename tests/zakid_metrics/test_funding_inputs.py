"""funding.read_inputs: the rules' inputs of every grant, read set-wise from a snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import duckdb
import pytest

from zakid_metrics.funding import (
    Call,
    FundingInputs,
    GrantFacts,
    PlanLine,
    Revenue,
    Voucher,
    read_inputs,
)

D = Decimal
AS_OF = dt.date(2025, 6, 30)

# The columns read_inputs reads (CONTRACT.md section 2, version 2), with rows around AS_OF.
TABLES = {
    "grants": (
        "grant_id VARCHAR, regime VARCHAR, funding_rate DECIMAL(9,6), approved_eur DECIMAL(18,2), "
        "decided_on DATE, starts_on DATE, ends_on DATE, vat_deductible BOOLEAN",
        [
            ("G1", "ANBest-P", "0.900000", "1000.00", "2024-12-01", "2025-01-01", "2026-12-31",
             True),
            # decided after AS_OF: not a grant yet
            ("G2", "NKBF", "0.500000", "500.00", "2025-07-01", "2025-08-01", "2026-12-31", False),
            # decided exactly on AS_OF, nothing delivered for it
            ("G3", "ANBest-Gk", "1.000000", "300.00", "2025-06-30", "2025-07-01", "2027-06-30",
             False),
        ],
    ),
    "budget": (
        "budget_line_id VARCHAR, grant_id VARCHAR, category VARCHAR, year INTEGER, "
        "planned_eur DECIMAL(18,2)",
        [
            ("B2", "G1", "personnel", 2026, "400.00"),
            ("B1", "G1", "personnel", 2025, "300.00"),
            ("B3", "G1", "material", 2025, "100.00"),
            ("B4", "G2", "personnel", 2026, "1000.00"),
        ],
    ),
    "expenditures": (
        "expenditure_id VARCHAR, grant_id VARCHAR, category VARCHAR, paid_on DATE, "
        "amount_eur DECIMAL(18,2), vat_eur DECIMAL(18,2)",
        [
            ("E2", "G1", "material", "2025-03-01", "119.00", "19.00"),
            ("E1", "G1", "personnel", "2025-03-01", "250.00", "0.00"),
            # a correction with its input VAT, paid exactly on AS_OF
            ("E3", "G1", "material", "2025-06-30", "-11.90", "-1.90"),
            # paid after AS_OF
            ("E4", "G1", "personnel", "2025-07-01", "80.00", "0.00"),
            ("E5", "G2", "personnel", "2025-01-10", "10.00", "0.00"),
        ],
    ),
    "disbursements": (
        "disbursement_id VARCHAR, grant_id VARCHAR, requested_on DATE, received_on DATE, "
        "amount_eur DECIMAL(18,2)",
        [
            ("D1", "G1", "2025-02-01", "2025-02-10", "200.00"),
            # requested before AS_OF, received after it: in transit on AS_OF
            ("D2", "G1", "2025-06-20", "2025-07-02", "150.00"),
            ("D3", "G1", "2025-06-25", None, "50.00"),
            # requested after AS_OF
            ("D4", "G1", "2025-07-01", "2025-07-05", "70.00"),
        ],
    ),
    "revenues": (
        "revenue_id VARCHAR, grant_id VARCHAR, kind VARCHAR, year INTEGER, "
        "planned_eur DECIMAL(18,2), actual_eur DECIMAL(18,2)",
        [
            ("R2", "G1", "own_funds", 2026, "60.00", None),
            ("R1", "G1", "own_funds", 2025, "50.00", "55.00"),
            ("R3", "G1", "project_revenue", 2025, "10.00", None),
        ],
    ),
}  # fmt: skip


@pytest.fixture()
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        for table, (columns, rows) in TABLES.items():
            connection.execute(f"CREATE TABLE {table} ({columns})")
            marks = ", ".join("?" * len(rows[0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        yield connection


def test_every_grant_decided_by_the_as_of_date_with_its_inputs(
    con: duckdb.DuckDBPyConnection,
) -> None:
    inputs = read_inputs(con, AS_OF)
    assert list(inputs) == ["G1", "G3"]
    assert inputs["G1"] == FundingInputs(
        grant=GrantFacts(
            "G1", "ANBest-P", D("0.9"), D("1000"), dt.date(2025, 1, 1), dt.date(2026, 12, 31), True
        ),
        # every year of the plan: the rules choose the years they judge
        plan=(
            PlanLine("material", 2025, D("100")),
            PlanLine("personnel", 2025, D("300")),
            PlanLine("personnel", 2026, D("400")),
        ),
        # paid up to AS_OF, in the use line's order (paid_on, then voucher number)
        vouchers=(
            Voucher("E1", "personnel", dt.date(2025, 3, 1), D("250"), D("0")),
            Voucher("E2", "material", dt.date(2025, 3, 1), D("119"), D("19")),
            Voucher("E3", "material", dt.date(2025, 6, 30), D("-11.90"), D("-1.90")),
        ),
        calls=(
            Call("D1", dt.date(2025, 2, 10), D("200")),
            Call("D2", None, D("150")),
            Call("D3", None, D("50")),
        ),
        revenues=(
            Revenue("own_funds", 2025, D("50"), D("55")),
            Revenue("project_revenue", 2025, D("10"), None),
            Revenue("own_funds", 2026, D("60"), None),
        ),
    )
    assert inputs["G3"] == FundingInputs(
        grant=GrantFacts(
            "G3", "ANBest-Gk", D("1"), D("300"), dt.date(2025, 7, 1), dt.date(2027, 6, 30), False
        ),
        plan=(),
        vouchers=(),
        calls=(),
        revenues=(),
    )


def test_values_keep_their_exact_types(con: duckdb.DuckDBPyConnection) -> None:
    g1 = read_inputs(con, AS_OF)["G1"]
    values = [g1.grant.funding_rate, g1.grant.approved_eur, g1.vouchers[2].vat_eur]
    assert [type(value) for value in values] == [Decimal, Decimal, Decimal]
    assert type(g1.grant.vat_deductible) is bool


def test_a_day_earlier_the_voucher_and_call_of_that_day_are_not_known_yet(
    con: duckdb.DuckDBPyConnection,
) -> None:
    g1 = read_inputs(con, dt.date(2025, 6, 24))["G1"]
    assert [v.expenditure_id for v in g1.vouchers] == ["E1", "E2"]
    assert [(c.disbursement_id, c.received_on) for c in g1.calls] == [
        ("D1", dt.date(2025, 2, 10)),
        ("D2", None),
    ]
    assert list(read_inputs(con, dt.date(2025, 6, 29))) == ["G1"]
