"""A report's figures (the `report --json` object) for one grant of each basis, by hand.

Each expected object is worked out from the rows of conftest.py in the comments above it:
interest is § 49a VwVfG, amount × (base rate + 5) / 100 / 365 per day after receipt, with the
shipped base rates 3,62 % (H1 2024), 3,37 % (H2 2024), 2,27 % (H1 2025), 1,27 % (H2 2025).
"""

from __future__ import annotations

import duckdb

from tests.zakid_metrics.reports.conftest import GRANT_A, GRANT_B, GRANT_D
from zakid_metrics.reports import build_report


def line(category: str, planned: str, actual: str, share: float, status: str) -> dict:
    """An Einzelansatz whose actual lies wholly in the reporting period."""
    return {
        "category": category,
        "planned_eur": planned,
        "actual_eur": actual,
        "period_actual_eur": actual,
        "deviation_share": share,
        "status": status,
    }


def test_expenditure_basis_interim_report_of_grant_a(con: duckdb.DuckDBPyConnection) -> None:
    # Lines: the plan of 2024 (the years up to the period's end) against the eligible vouchers
    # (gross: A may not deduct input VAT). personnel 12 345,67 + 20 000 = 32 345,67 of 40 000;
    # material 6 000 + 4 200 − 200 = 10 000 of 8 000: 25 % over, over 20 %; travel 2 400 of
    # 2 000: exactly 20 % over, and the total 44 745,67 stays within 50 000: offset.
    # Grant share: C(31.12.2024) − C(31.03.2024) = 0,5 × 44 745,67 = 22 372,835 → 22 372,84.
    #
    # Idle funds, first in, first out; the use line adds half of each voucher:
    # 15.04. 6 172,835 · 02.05. 9 172,835 · 20.06. 10 372,835 · 31.07. 20 372,835 ·
    # 10.09. 22 472,835 · 01.10. 22 372,835 (the correction falls back; nothing new reached).
    # D-A1 (0 – 10 000, received 10.04., window 42 days to 22.05.): 9 172,835 used in time;
    # 827,165 used on 20.06.: idle 71 days; interest 827,165 × 8,62 × 71 / 36 500
    # = 13,8696 → 13,87.
    # D-A2 (10 000 – 25 000, received 05.07., window to 16.08.): up to 20 372,835 in time
    # (10 372,835 were reached before it arrived: used on arrival); 2 100 used on 10.09.:
    # 67 days, 2 100 × 8,37 × 67 / 36 500 = 32,2646 → 32,26; 2 527,165 not used by
    # 31.12.2024 although its window ended: 179 days, 2 527,165 × 8,37 × 179 / 36 500
    # = 103,7335 → 103,73. Interest together 13,8696 + 32,2646 + 103,7335 = 149,8678 → 149,87.
    report = build_report(con, "interim", grant_id=GRANT_A, year=2024)
    assert report.figures_json() == {
        "grant_id": GRANT_A,
        "kind": "interim",
        "period_from": "2024-04-01",
        "period_to": "2024-12-31",
        "regime": "ANBest-P",
        "basis": "expenditure",
        "lines": [
            line("personnel", "40000.00", "32345.67", -0.191358, "within_plan"),
            line("material", "8000.00", "10000.00", 0.25, "over_20"),
            line("travel", "2000.00", "2400.00", 0.2, "over_offset"),
        ],
        "total_planned_eur": "50000.00",
        "total_actual_eur": "44745.67",
        "grant_share_eur": "22372.84",
        "received_eur": "25000.00",
        "refund_due_eur": None,
        "idle_funds": [
            {"disbursement_id": "D-A1", "amount_eur": "827.17", "received_on": "2024-04-10",
             "used_on": "2024-06-20", "days_idle": 71, "interest_eur": "13.87"},
            {"disbursement_id": "D-A2", "amount_eur": "2100.00", "received_on": "2024-07-05",
             "used_on": "2024-09-10", "days_idle": 67, "interest_eur": "32.26"},
            {"disbursement_id": "D-A2", "amount_eur": "2527.17", "received_on": "2024-07-05",
             "used_on": None, "days_idle": 179, "interest_eur": "103.73"},
        ],
        "interest_eur": "149.87",
        "premature_calls": [],
        "revenues": [],
    }  # fmt: skip


def test_expenditure_basis_final_report_of_grant_b(con: duckdb.DuckDBPyConnection) -> None:
    # B deducts input VAT: eligible = amount − VAT. personnel 4 000 + 5 000 = 9 000 of 10 000;
    # material 2 000 + 4 000 = 6 000 of 5 000 (20 % over); investment 6 500 of 5 000 (30 %
    # over: over 20 %); travel 1 000 of 1 000. The total 22 500 exceeds the plan of 21 000,
    # so material's overrun is not offset.
    # Grant share: min(0,8 × 22 500 = 18 000; Höchstbetrag 16 800) = 16 800 (the cap binds);
    # received 5 000 + 10 000 + 2 500 = 17 500; refund 17 500 − 16 800 = 700.
    #
    # Idle funds (ANBest-Gk: 2 calendar months); the use line adds 80 % of each net amount:
    # 01.02. 3 200 · 10.03. 4 800 · 01.04. 8 800 · 15.05. 12 000 · 15.07. 17 200 · 10.09. 18 000.
    # D-B1 (0 – 5 000, received 15.01., window to 15.03.): 4 800 in time; 200 used on 01.04.:
    # 76 days at 2,27 %: 200 × 7,27 × 76 / 36 500 = 3,0275 → 3,03.
    # D-B2 (5 000 – 15 000, received 01.04., window to 01.06.): up to 12 000 in time; 3 000 used
    # on 15.07.: 105 days across the rate change, 90 days (02.04. – 30.06.) at 2,27 % and 15
    # days at 1,27 %: 3 000 × (7,27 × 90 + 6,27 × 15) / 36 500 = 53,7781 + 7,7301 = 61,5082
    # → 61,51.
    # D-B3 (15 000 – 17 500, received 01.08.): reached before it arrived (used on arrival) and
    # on 10.09.: in time. Interest together 3,0275 + 61,5082 = 64,5357 → 64,54.
    # Revenues: third parties 1 800 instead of 1 000 (the flag, with an excess of 800).
    report = build_report(con, "final", grant_id=GRANT_B)
    assert report.figures_json() == {
        "grant_id": GRANT_B,
        "kind": "final",
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "regime": "ANBest-Gk",
        "basis": "expenditure",
        "lines": [
            line("personnel", "10000.00", "9000.00", -0.1, "within_plan"),
            line("material", "5000.00", "6000.00", 0.2, "over_not_offset"),
            line("investment", "5000.00", "6500.00", 0.3, "over_20"),
            line("travel", "1000.00", "1000.00", 0.0, "within_plan"),
        ],
        "total_planned_eur": "21000.00",
        "total_actual_eur": "22500.00",
        "grant_share_eur": "16800.00",
        "received_eur": "17500.00",
        "refund_due_eur": "700.00",
        "idle_funds": [
            {"disbursement_id": "D-B1", "amount_eur": "200.00", "received_on": "2025-01-15",
             "used_on": "2025-04-01", "days_idle": 76, "interest_eur": "3.03"},
            {"disbursement_id": "D-B2", "amount_eur": "3000.00", "received_on": "2025-04-01",
             "used_on": "2025-07-15", "days_idle": 105, "interest_eur": "61.51"},
        ],
        "interest_eur": "64.54",
        "premature_calls": [],
        "revenues": [
            {"kind": "own_funds", "planned_eur": "4200.00", "actual_eur": "4200.00"},
            {"kind": "third_party", "planned_eur": "1000.00", "actual_eur": "1800.00"},
        ],
    }  # fmt: skip
    revenues = report.statements[0].figures.revenues
    assert (revenues.exceeds_plan, revenues.excess_eur) == (True, 800)
    # the inventory list: the items over 800 EUR net on B's own vouchers
    assert [(i.item_id, i.expenditure_id, i.net_eur) for i in report.inventory] == [
        ("INV-B-01", "B-03", 1200),
        ("INV-B-02", "B-05", 6500),
    ]


def test_cost_basis_interim_report_of_grant_d(con: duckdb.DuckDBPyConnection) -> None:
    # Lines (plan of 2025): personnel 5 000 + 5 000 + 5 000 + 2 000 = 17 000 of 20 000;
    # subcontracting 12 000 of 10 000, 20 % over and offset (29 000 ≤ 30 000).
    # Grant share 0,5 × 29 000 = 14 500; received 2 500 + 6 000 + 7 000 = 15 500.
    #
    # Premature calls: U(d) = 0,5 × costs booked up to d: 31.01. 2 500 · 28.02. 5 000 ·
    # 15.04. 11 000 · 31.05. 13 500 · 30.09. 14 500.
    # K-D1 (01.02.): R = 2 500 = U(01.02.): in time.
    # K-D2 (01.03.): R = 8 500 > U = 5 000: excess min(6 000; 3 500) = 3 500, covered on 15.04.
    # (U = 11 000 ≥ 8 500): 45 days; 3 500 × 7,27 × 45 / 36 500 = 31,3705 → 31,37.
    # K-D3 (01.06.): R = 15 500 > U = 13 500: excess min(7 000; 2 000) = 2 000, not covered by
    # 31.12.2025 (U stays at 14 500); interest to the end date: 29 days (02.06. – 30.06.) at
    # 2,27 % and 184 days at 1,27 %: 2 000 × (7,27 × 29 + 6,27 × 184) / 36 500 = 11,5523
    # + 63,2153 = 74,7677 → 74,77. Interest together 31,3705 + 74,7677 = 106,1382 → 106,14.
    # Revenues: those of 2025 only (the interim report's years).
    report = build_report(con, "interim", grant_id=GRANT_D, year=2025)
    assert report.figures_json() == {
        "grant_id": GRANT_D,
        "kind": "interim",
        "period_from": "2025-01-01",
        "period_to": "2025-12-31",
        "regime": "NKBF",
        "basis": "cost",
        "lines": [
            line("personnel", "20000.00", "17000.00", -0.15, "within_plan"),
            line("subcontracting", "10000.00", "12000.00", 0.2, "over_offset"),
        ],
        "total_planned_eur": "30000.00",
        "total_actual_eur": "29000.00",
        "grant_share_eur": "14500.00",
        "received_eur": "15500.00",
        "refund_due_eur": None,
        "idle_funds": [],
        "interest_eur": "106.14",
        "premature_calls": [
            {"disbursement_id": "K-D2", "excess_eur": "3500.00", "days_until_covered": 45,
             "interest_eur": "31.37"},
            {"disbursement_id": "K-D3", "excess_eur": "2000.00", "days_until_covered": None,
             "interest_eur": "74.77"},
        ],
        "revenues": [{"kind": "own_funds", "planned_eur": "14500.00", "actual_eur": "14500.00"}],
    }  # fmt: skip
