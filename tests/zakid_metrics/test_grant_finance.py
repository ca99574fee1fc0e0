"""The finance figures of a grant and of the joint project, from the finance KPIs' rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from zakid_metrics.grant_finance import (
    GrantTotals,
    category_shares,
    flagged_lines,
    grant_totals,
    next_report,
    of_grant,
)

D = dt.date
E = Decimal
GRANTS = pd.DataFrame(
    {"grant_id": ["G1", "G2"], "ends_on": [pd.Timestamp("2027-12-31"), pd.Timestamp("2028-05-31")]}
).set_index("grant_id")
FUNDS = pd.DataFrame(
    {
        "grant_id": ["G1", "G2"],
        "approved_eur": [E("100000.00"), E("50000.50")],
        "value": [E("40000.00"), E("10000.25")],
        "pending_eur": [E("0.00"), E("5000.00")],
    }
)
LINES = pd.DataFrame(
    {
        "grant_id": ["G1", "G1", "G2", "G2"],
        "category": ["travel", "personnel", "personnel", "material"],
        "planned_eur": [E("1000.00"), E("80000.00"), E("30000.00"), E("0.00")],
        "spent_eur": [E("1500.00"), E("20000.00"), E("10000.00"), E("0.00")],
    }
)
IDLE = pd.DataFrame(
    {"grant_id": ["G2", "G2"], "value": [E("300.00"), E("200.10")], "days_idle": [12, 40]}
)


def test_totals_of_one_grant() -> None:
    grant = "G2"
    totals = grant_totals(
        of_grant(FUNDS, grant), of_grant(LINES, grant), of_grant(IDLE, grant), GRANTS, grant
    )
    assert totals == GrantTotals(
        approved=E("50000.50"),
        planned=E("30000.00"),
        spent=E("10000.00"),
        drawn=E("10000.25"),
        pending=E("5000.00"),
        idle=E("500.10"),
        idle_disbursements=2,
        idle_days=40,
        ends_on=D(2028, 5, 31),
    )


def test_totals_of_the_joint_project_end_with_the_last_grant() -> None:
    totals = grant_totals(FUNDS, LINES, IDLE.iloc[:0], GRANTS, None)
    assert (totals.approved, totals.spent, totals.drawn) == (
        E("150000.50"),
        E("31500.00"),
        E("50000.25"),
    )
    assert (totals.idle, totals.idle_disbursements, totals.idle_days) == (0, 0, 0)
    assert totals.ends_on == D(2028, 5, 31)


def test_category_shares_in_contract_order_without_empty_categories() -> None:
    frame = category_shares(LINES)
    assert frame["category"].tolist() == ["personnel", "travel"]  # material: no plan, no spending
    assert frame["planned_eur"].tolist() == [E("110000.00"), E("1000.00")]
    assert frame["spent_eur"].tolist() == [E("30000.00"), E("1500.00")]
    assert frame["share"].tolist() == [30000 / 110000, 1.5]


def test_next_report_is_the_first_due() -> None:
    due = pd.DataFrame(
        {"grant_id": ["G1", "G2"], "due_on": [D(2027, 4, 30), D(2026, 4, 30)], "value": [520, 155]}
    )
    assert next_report(due)["grant_id"] == "G2"
    assert next_report(due.iloc[:0]) is None


def test_flagged_lines_and_those_the_grant_offsets() -> None:
    deviation = pd.DataFrame(
        {
            "grant_id": ["G1", "G1", "G2"],
            "flagged": pd.array([True, None, True], dtype="boolean"),
            "grant_within_plan": pd.array([True, True, None], dtype="boolean"),
        }
    )
    flagged, offset = flagged_lines(deviation)
    assert flagged.index.tolist() == [0, 2]
    assert offset == 1
