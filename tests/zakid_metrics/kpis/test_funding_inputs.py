"""funding.read_inputs: the rules' inputs of every grant, read set-wise from a snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

import duckdb
import pytest

from tests.zakid_metrics.kpis.conftest import Rows
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
Build = Callable[[Mapping[str, Rows]], duckdb.DuckDBPyConnection]


def grant(grant_id: str, regime: str, rate: str, decided_on: str, **kw: object) -> dict:
    return {"grant_id": grant_id, "recipient": "Stadt Duisburg", "sub_project": "Zentrum",
            "programme": "STARK", "regime": regime, "funding_rate": rate,
            "approved_eur": "1000.00", "decided_on": decided_on, "starts_on": "2025-01-01",
            "ends_on": "2026-12-31", **kw}  # fmt: skip


# fmt: off
DELIVERY: dict[str, Rows] = {
    "grants": [
        grant("G1", "ANBest-P", "0.9", "2024-12-01", vat_deductible=True),
        # decided after AS_OF: not a grant yet
        grant("G2", "NKBF", "0.5", "2025-07-01"),
        # decided exactly on AS_OF, nothing delivered for it
        grant("G3", "ANBest-Gk", "1", "2025-06-30"),
    ],
    "budget": [
        {"budget_line_id": "B2", "grant_id": "G1", "category": "personnel", "year": 2026,
         "planned_eur": "400.00"},
        {"budget_line_id": "B1", "grant_id": "G1", "category": "personnel", "year": 2025,
         "planned_eur": "300.00"},
        {"budget_line_id": "B3", "grant_id": "G1", "category": "material", "year": 2025,
         "planned_eur": "100.00"},
        {"budget_line_id": "B4", "grant_id": "G2", "category": "personnel", "year": 2026,
         "planned_eur": "1000.00"},
    ],
    "expenditures": [
        {"expenditure_id": "E2", "grant_id": "G1", "category": "material",
         "paid_on": "2025-03-01", "amount_eur": "119.00", "vat_eur": "19.00",
         "description": "Boards"},
        {"expenditure_id": "E1", "grant_id": "G1", "category": "personnel",
         "paid_on": "2025-03-01", "amount_eur": "250.00", "description": "Gehälter"},
        # a correction with its input VAT, paid exactly on AS_OF
        {"expenditure_id": "E3", "grant_id": "G1", "category": "material",
         "paid_on": "2025-06-30", "amount_eur": "-11.90", "vat_eur": "-1.90",
         "description": "Gutschrift"},
        # paid after AS_OF
        {"expenditure_id": "E4", "grant_id": "G1", "category": "personnel",
         "paid_on": "2025-07-01", "amount_eur": "80.00", "description": "Gehälter"},
        {"expenditure_id": "E5", "grant_id": "G2", "category": "personnel",
         "paid_on": "2025-01-10", "amount_eur": "10.00", "description": "Gehälter"},
    ],
    "disbursements": [
        {"disbursement_id": "D1", "grant_id": "G1", "requested_on": "2025-02-01",
         "received_on": "2025-02-10", "amount_eur": "200.00"},
        # requested before AS_OF, received after it: in transit on AS_OF
        {"disbursement_id": "D2", "grant_id": "G1", "requested_on": "2025-06-20",
         "received_on": "2025-07-02", "amount_eur": "150.00"},
        {"disbursement_id": "D3", "grant_id": "G1", "requested_on": "2025-06-25",
         "amount_eur": "50.00"},
        # requested after AS_OF
        {"disbursement_id": "D4", "grant_id": "G1", "requested_on": "2025-07-01",
         "received_on": "2025-07-05", "amount_eur": "70.00"},
    ],
    "revenues": [
        {"revenue_id": "R2", "grant_id": "G1", "kind": "own_funds", "year": 2026,
         "planned_eur": "60.00"},
        {"revenue_id": "R1", "grant_id": "G1", "kind": "own_funds", "year": 2025,
         "planned_eur": "50.00", "actual_eur": "55.00"},
        {"revenue_id": "R3", "grant_id": "G1", "kind": "project_revenue", "year": 2025,
         "planned_eur": "10.00"},
    ],
}
# fmt: on


@pytest.fixture()
def con(warehouse: Build) -> duckdb.DuckDBPyConnection:
    return warehouse(DELIVERY)


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
            "G3", "ANBest-Gk", D("1"), D("1000"), dt.date(2025, 1, 1), dt.date(2026, 12, 31), False
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
