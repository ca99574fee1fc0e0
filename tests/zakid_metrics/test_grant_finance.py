"""The Finanzen page's tables from a report's figures, and which reports a grant has when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from zakid_metrics.funding import (
    Call,
    FundingInputs,
    GrantFacts,
    PlanLine,
    Revenue,
    Voucher,
    load_base_rates,
    report_figures,
)
from zakid_metrics.grant_finance import (
    default_choice,
    idle_frame,
    joint_frame,
    lines_frame,
    report_choices,
    reports_due,
    revenues_frame,
    summary,
)

D = dt.date
E = Decimal


START, END = D(2024, 7, 1), D(2026, 6, 30)


def grant(grant_id: str = "G", starts: D = START, ends: D = END) -> GrantFacts:
    return GrantFacts(grant_id, "ANBest-P", E("0.5"), E("3000"), starts, ends)


# 2025: personnel 1 300 of 1 000 planned (30 % over), travel 150 of 200; 1 000 received on
# 1 March 2025, of which the use line (0.5 x eligible) reaches 650 on 10 March and 725 on
# 1 June (after the window of 42 days): 75 used 92 days after receipt, 275 not used by the end
# of 2025 (305 days).
INPUTS = FundingInputs(
    grant=grant(),
    plan=(PlanLine("personnel", 2025, E(1000)), PlanLine("travel", 2025, E(200))),
    vouchers=(
        Voucher("V1", "personnel", D(2025, 3, 10), E(1300)),
        Voucher("V2", "travel", D(2025, 6, 1), E(150)),
    ),
    calls=(Call("C1", D(2025, 3, 1), E(1000)),),
    revenues=(
        Revenue("own_funds", 2025, E(500), E("612.50")),
        Revenue("own_funds", 2026, E(500), None),
    ),
)
FIGURES = report_figures(INPUTS, "interim", (D(2025, 1, 1), D(2025, 12, 31)), load_base_rates())


def test_interim_years_begun_but_not_the_last_and_the_final_once_ended() -> None:
    g = grant()
    assert report_choices([g], D(2025, 6, 30)) == [("interim", 2024), ("interim", 2025)]
    assert report_choices([g], D(2026, 6, 30)) == [
        ("interim", 2024),
        ("interim", 2025),
        ("final", None),
    ]
    # not begun yet: no report
    assert report_choices([grant(starts=D(2026, 1, 1))], D(2025, 12, 31)) == []
    # the joint project: every grant's years, no final report
    both = [g, grant("H", D(2025, 1, 1), D(2027, 12, 31))]
    assert report_choices(both, D(2026, 8, 1)) == [
        ("interim", 2024),
        ("interim", 2025),
        ("interim", 2026),
    ]


def test_the_default_is_the_last_completed_year() -> None:
    choices = report_choices([grant()], D(2026, 6, 30))
    assert default_choice(choices, D(2026, 6, 30)) == ("interim", 2025)
    assert default_choice(choices, D(2027, 2, 1)) == ("final", None)
    assert default_choice([("interim", 2024)], D(2024, 8, 1)) == ("interim", 2024)
    assert default_choice([], D(2024, 8, 1)) is None


def test_lines_and_summary_to_the_cent() -> None:
    lines = lines_frame(FIGURES)
    assert lines["category"].tolist() == ["personnel", "travel"]
    assert lines["actual_eur"].tolist() == [E("1300.00"), E("150.00")]
    assert lines["deviation_percent"].tolist() == [30.0, -25.0]
    # 1 450 of 1 200 in all: personnel's overrun is not offset
    assert lines["status"].tolist() == ["over_20", "within_plan"]
    assert summary(FIGURES) == {
        "total_planned_eur": E("1200.00"),
        "total_actual_eur": E("1450.00"),
        "grant_share_eur": E("725.00"),
        "received_eur": E("1000.00"),
        "refund_due_eur": None,
        # 75 x 92 x 7.27 / 36 500 (2 March to 1 June, all at 2.27 + 5 %) = 1.374
        # + 275 x (121 x 7.27 + 184 x 6.27) / 36 500 (2 March to 31 December) = 15.320
        "interest_eur": E("16.69"),
    }


def test_idle_parts_and_revenues() -> None:
    idle = idle_frame(FIGURES)
    assert idle.values.tolist() == [
        ["C1", E("75.00"), D(2025, 3, 1), D(2025, 6, 1), 92, E("1.37")],
        ["C1", E("275.00"), D(2025, 3, 1), None, 305, E("15.32")],
    ]
    revenues = revenues_frame(FIGURES)
    assert revenues.values.tolist() == [["own_funds", E("500.00"), E("612.50")]]


def test_the_joint_project_sums_its_grants_reports() -> None:
    joint = joint_frame({"G": FIGURES, "H": FIGURES})
    assert joint["grant_id"].tolist()[:2] == ["G", "H"] and pd.isna(joint["grant_id"].iloc[2])
    assert joint["grant_share_eur"].tolist() == [E("725.00"), E("725.00"), E("1450.00")]
    assert joint["refund_due_eur"].tolist() == [None, None, None]
    assert joint["lines_over_20"].tolist() == [1, 1, 2]


def test_reports_due_from_the_as_of_date() -> None:
    due = reports_due(grant(), D(2025, 4, 30))
    # the 2024 report is due on the day itself; the final one on 31 December 2026
    assert due.values.tolist() == [
        ["interim", D(2024, 12, 31), D(2025, 4, 30), 0],
        ["interim", D(2025, 12, 31), D(2026, 4, 30), 365],
        ["final", D(2026, 6, 30), D(2026, 12, 31), 610],
    ]
