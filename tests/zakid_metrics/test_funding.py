"""The funding rules of CONTRACT.md section 4 on cases worked out by hand (figures in comments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zakid_metrics.contract import final_report_due
from zakid_metrics.errors import BaseRateMissingError
from zakid_metrics.funding import (
    RULES,
    BaseRate,
    BaseRates,
    Call,
    GrantFacts,
    PlanLine,
    Revenue,
    Voucher,
    cents,
    cumulative_share,
    einzelansaetze,
    grant_share,
    idle_funds,
    interest,
    load_base_rates,
    premature_calls,
    received,
    refund_due,
    revenues,
)

D = Decimal
RATES = load_base_rates()
Y2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def grant(
    regime: str = "ANBest-P", rate: str = "0.5", approved: str = "100000", **kw
) -> GrantFacts:
    return GrantFacts(
        grant_id="G",
        regime=regime,
        funding_rate=D(rate),
        approved_eur=D(approved),
        starts_on=kw.pop("starts_on", dt.date(2024, 1, 1)),
        ends_on=kw.pop("ends_on", dt.date(2026, 12, 31)),
        **kw,
    )


def v(
    voucher_id: str, day: str, amount: str, category: str = "personnel", vat: str = "0"
) -> Voucher:
    return Voucher(voucher_id, category, dt.date.fromisoformat(day), D(amount), D(vat))


def call(call_id: str, day: str | None, amount: str) -> Call:
    return Call(call_id, dt.date.fromisoformat(day) if day else None, D(amount))


# --- Einzelansatz rule -------------------------------------------------------------------

PLAN = [
    PlanLine("personnel", 2025, D(10000)),
    PlanLine("personnel", 2026, D(10000)),
    PlanLine("material", 2025, D(5000)),
    PlanLine("material", 2026, D(5000)),
    PlanLine("travel", 2025, D(1000)),
    PlanLine("investment", 2025, D(2000)),
]
SPENT = [
    v("E1", "2025-03-01", "11500"),
    v("E2", "2025-04-01", "6100", "material"),
    v("E3", "2025-05-01", "900", "travel"),
    v("E4", "2026-02-01", "9000"),
    v("E5", "2026-03-01", "3000", "material"),
    v("E6", "2026-04-01", "500", "subcontracting"),
]


def test_interim_judges_the_plan_of_the_years_so_far() -> None:
    # 2025: plan 10 000 / 5 000 / 1 000 / 2 000 = 18 000; actual 11 500 / 6 100 / 900 / 0 =
    # 18 500 > 18 000. personnel 1.15 × plan with the total exceeded: over_not_offset;
    # material 1.22 × plan: over_20.
    lines = {line.category: line for line in einzelansaetze(grant(), PLAN, SPENT, Y2025, "interim")}
    assert [(c, lines[c].status) for c in lines] == [
        ("personnel", "over_not_offset"),
        ("material", "over_20"),
        ("investment", "within_plan"),
        ("travel", "within_plan"),
    ]
    assert lines["personnel"].planned_eur == D(10000)
    assert lines["personnel"].actual_eur == D(11500)
    assert lines["personnel"].deviation_share == D("0.15")
    assert lines["material"].deviation_share == D("0.22")
    assert lines["investment"].actual_eur == 0


def test_final_judges_cumulative_figures_so_moving_spending_between_years_is_no_flag() -> None:
    # All years: plan 20 000 / 10 000 / 1 000 / 2 000 (+ subcontracting 0) = 33 000;
    # actual 20 500 / 9 100 / 900 / 0 / 500 = 31 000 <= 33 000. personnel 1.025 × plan:
    # over_offset; material 2025 alone was 22 % over, cumulative 9 100 <= 10 000: within_plan;
    # subcontracting without plan: over_20, no deviation share.
    lines = {
        line.category: line
        for line in einzelansaetze(
            grant(), PLAN, SPENT, (dt.date(2024, 1, 1), dt.date(2026, 12, 31)), "final"
        )
    }
    assert {c: line.status for c, line in lines.items()} == {
        "personnel": "over_offset",
        "material": "within_plan",
        "investment": "within_plan",
        "subcontracting": "over_20",
        "travel": "within_plan",
    }
    assert lines["personnel"].deviation_share == D("0.025")
    assert lines["subcontracting"].deviation_share is None
    assert lines["subcontracting"].planned_eur == 0


def test_interim_2026_shows_the_periods_own_actuals_beside_the_cumulative_ones() -> None:
    lines = {line.category: line for line in einzelansaetze(grant(), PLAN, SPENT, Y2026, "interim")}
    assert (lines["personnel"].actual_eur, lines["personnel"].period_actual_eur) == (
        D(20500),
        D(9000),
    )
    assert (lines["material"].actual_eur, lines["material"].period_actual_eur) == (D(9100), D(3000))


def test_exactly_twenty_percent_over_is_still_offsettable() -> None:
    lines = einzelansaetze(
        grant(),
        [PlanLine("travel", 2025, D(1000)), PlanLine("material", 2025, D(1000))],
        [v("E1", "2025-01-02", "1200", "travel")],
        Y2025,
        "interim",
    )
    assert [(line.category, line.status) for line in lines] == [
        ("material", "within_plan"),
        ("travel", "over_offset"),
    ]


# --- Grant share, the cap, the refund, net amounts ---------------------------------------------


def test_grant_share_is_capped_at_the_approved_amount_and_the_refund_follows() -> None:
    # rate 0.8, approved 10 000: 2025 eligible 13 000 × 0.8 = 10 400 → capped at 10 000;
    # 2026 adds 2 000 × 0.8 but the cap holds: share 0. Received 11 000 → refund 1 000.
    g = grant(rate="0.8", approved="10000")
    spent = [
        v("E1", "2025-02-01", "8000"),
        v("E2", "2025-06-01", "5000"),
        v("E3", "2026-03-01", "2000"),
    ]
    assert grant_share(g, spent, Y2025) == D(10000)
    assert grant_share(g, spent, Y2026) == 0
    assert cumulative_share(g, spent, dt.date(2025, 5, 31)) == D("6400.0")
    calls = [
        call("K1", "2025-03-01", "6000"),
        call("K2", "2025-09-01", "5000"),
        call("K3", None, "1"),
    ]
    assert received(calls, dt.date(2026, 12, 31)) == D(11000)
    assert refund_due(g, spent, D(11000)) == D(1000)
    assert refund_due(g, spent, D(9000)) == 0


def test_only_net_amounts_are_eligible_when_input_vat_is_deductible() -> None:
    spent = [v("E1", "2025-02-01", "1190", vat="190"), v("E2", "2025-03-01", "-119", vat="-19")]
    assert grant_share(grant(vat_deductible=True), spent, Y2025) == D("450.0")  # 0.5 × 900
    assert grant_share(grant(vat_deductible=False), spent, Y2025) == D("535.5")  # 0.5 × 1 071


def test_a_share_is_rounded_half_up_once() -> None:
    g = grant(rate="0.333333")
    share = grant_share(g, [v("E1", "2025-02-01", "100.05")], Y2025)
    assert share == D("33.34996665") and cents(share) == D("33.35")


# --- Idle funds, interest ----------------------------------------------------------------------

IDLE_CALLS = [call("K1", "2024-06-01", "10000"), call("K2", "2024-11-25", "2000")]
IDLE_SPENT = [
    v("E1", "2024-05-20", "4000"),  # share 2 000, paid before the money came: used 01.06.
    v("E2", "2024-07-01", "6000"),  # share 3 000 up to 5 000: used 01.07., window ends 13.07.
    v("E3", "2024-08-20", "8000"),  # share 4 000 up to 9 000: used 20.08., 38 days late
]


def test_idle_parts_count_days_to_the_day_of_use_with_interest_across_a_rate_change() -> None:
    parts = idle_funds(grant(), IDLE_CALLS, IDLE_SPENT, dt.date(2024, 12, 31), RATES)
    # K1 4 000 used 20.08.2024: 80 days; 02.06.–30.06. 29 days at 3,62 + 5, 01.07.–20.08.
    # 51 days at 3,37 + 5: 4 000 / 36 500 × (8,62 × 29 + 8,37 × 51) = 74,1753… → 74,18.
    # K1 1 000 not used by 31.12.2024: 213 days; 29 days at 8,62 and 184 at 8,37:
    # 1 000 / 36 500 × 1 790,06 = 49,0427… → 49,04. K2: its window (until 06.01.2025) is
    # still open on 31.12.2024, so it is not idle.
    assert [
        (p.disbursement_id, p.amount_eur, p.used_on, p.days_idle, cents(p.interest_eur))
        for p in parts
    ] == [
        ("K1", D(4000), dt.date(2024, 8, 20), 80, D("74.18")),
        ("K1", D(1000), None, 213, D("49.04")),
    ]
    assert cents(sum(p.interest_eur for p in parts)) == D("123.22")


def test_idle_parts_after_the_window_of_a_later_call_ended() -> None:
    parts = idle_funds(grant(), IDLE_CALLS, IDLE_SPENT, dt.date(2025, 3, 31), RATES)
    # K1 1 000 unused to 31.03.2025: 303 days, + 90 days at 2,27 + 5: 1 000 / 36 500 ×
    # (249,98 + 1 540,08 + 654,3) = 66,9687… → 66,97. K2 2 000 unused since 25.11.2024: 126
    # days; 36 days at 8,37 and 90 at 7,27: 2 000 / 36 500 × 955,62 = 52,3627… → 52,36.
    assert [
        (p.disbursement_id, p.amount_eur, p.days_idle, cents(p.interest_eur)) for p in parts
    ] == [
        ("K1", D(4000), 80, D("74.18")),
        ("K1", D(1000), 303, D("66.97")),
        ("K2", D(2000), 126, D("52.36")),
    ]


def test_a_correction_voucher_sets_the_use_line_back() -> None:
    spent = [*IDLE_SPENT[:2], v("E4", "2024-07-05", "-2000"), IDLE_SPENT[2]]
    # After E2 the line is at 5 000, E4 takes it to 4 000, E3 to 8 000: only 5 000–8 000 is new
    # ground on 20.08.; 8 000–10 000 stays unused.
    parts = idle_funds(grant(), IDLE_CALLS, spent, dt.date(2024, 12, 31), RATES)
    assert [(p.amount_eur, p.used_on) for p in parts] == [
        (D(3000), dt.date(2024, 8, 20)),
        (D(2000), None),
    ]


@pytest.mark.parametrize(
    ("regime", "received_on", "paid_on", "idle"),
    [
        ("ANBest-P", "2025-01-10", "2025-02-21", False),  # day 42: in time
        ("ANBest-P", "2025-01-10", "2025-02-22", True),
        ("ANBest-Gk", "2025-12-31", "2026-02-28", False),  # two months, clipped to the month end
        ("ANBest-Gk", "2025-12-31", "2026-03-01", True),
        ("ANBest-Gk", "2025-01-15", "2025-03-15", False),
        ("ANBest-Gk", "2025-01-15", "2025-03-16", True),
    ],
)
def test_use_windows_per_regime(regime: str, received_on: str, paid_on: str, idle: bool) -> None:
    parts = idle_funds(
        grant(regime, rate="1"),
        [call("K", received_on, "1000")],
        [v("E", paid_on, "1000")],
        dt.date(2026, 6, 30),
        load_base_rates_extended(),
    )
    assert bool(parts) is idle


def load_base_rates_extended() -> BaseRates:
    return BaseRates([*RATES.rates, BaseRate(dt.date(2026, 1, 1), D("1.27"), "test")])


def test_cost_basis_has_no_use_window() -> None:
    assert idle_funds(grant("NKBF"), IDLE_CALLS, IDLE_SPENT, dt.date(2024, 12, 31), RATES) == []
    assert RULES["NKBF"].use_window_end(dt.date(2025, 1, 1)) is None


# --- Premature calls (cost basis) --------------------------------------------------------------

COSTS = [
    v("C1", "2025-01-15", "4000"),  # U = 2 000
    v("C2", "2025-03-10", "6000"),  # U = 5 000
    v("C3", "2025-04-20", "4000"),  # U = 7 000
]
COST_CALLS = [
    call("P1", "2025-02-01", "2000"),  # R = 2 000 = U: not premature
    call("P2", "2025-02-15", "4000"),  # R = 6 000 > U = 2 000: excess 4 000, covered 20.04.
    call("P3", "2025-05-01", "3000"),  # R = 9 000 > U = 7 000: excess 2 000, not covered
]


@pytest.mark.parametrize("regime", ["NKBF", "ANBest-P-Kosten"])
def test_premature_calls_on_cost_basis(regime: str) -> None:
    calls = premature_calls(grant(regime), COST_CALLS, COSTS, dt.date(2025, 12, 31), RATES)
    # P2: 64 days at 2,27 + 5: 4 000 × 7,27 × 64 / 36 500 = 50,9895… → 50,99.
    # P3: 02.05.–30.06. 60 days at 7,27, 01.07.–31.12. 184 days at 6,27:
    # 2 000 / 36 500 × (436,2 + 1 153,68) = 87,1167… → 87,12.
    assert [
        (c.disbursement_id, c.excess_eur, c.days_until_covered, cents(c.interest_eur))
        for c in calls
    ] == [("P2", D(4000), 64, D("50.99")), ("P3", D(2000), None, D("87.12"))]
    assert cents(sum(c.interest_eur for c in calls)) == D("138.11")


def test_expenditure_basis_has_no_premature_calls() -> None:
    assert premature_calls(grant(), COST_CALLS, COSTS, dt.date(2025, 12, 31), RATES) == []


# --- Base rates, revenues, due dates -----------------------------------------------------------


def test_a_day_without_a_known_base_rate_is_an_error_naming_the_rate() -> None:
    with pytest.raises(BaseRateMissingError) as caught:
        interest(D(1000), dt.date(2025, 12, 1), dt.date(2026, 1, 5), RATES)
    assert "01.01.2026" in str(caught.value) and "base_rates.csv" in str(caught.value)
    with pytest.raises(BaseRateMissingError, match=r"31\.12\.2023"):
        interest(D(1000), dt.date(2023, 12, 30), dt.date(2024, 1, 5), RATES)


def test_the_department_extends_the_base_rates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "base_rates.csv").write_text(
        "valid_from,rate_percent,source\n2026-01-01,1.50,Deutsche Bundesbank\n", encoding="utf-8"
    )
    rates = load_base_rates(tmp_path)
    # 01.01.–05.01.2026: 5 days at 1,50 + 5: 1 000 × 6,5 × 5 / 36 500 = 0,8904… → 0,89
    assert cents(interest(D(1000), dt.date(2025, 12, 31), dt.date(2026, 1, 5), rates)) == D("0.89")
    assert rates.valid_until == dt.date(2026, 6, 30)


def test_revenues_above_plan_are_flagged_with_the_excess() -> None:
    items = [
        Revenue("own_funds", 2025, D(10000), D(10000)),
        Revenue("third_party", 2025, D(5000), D(7500)),
        Revenue("project_revenue", 2026, D(1000), None),
    ]
    interim = revenues(items, 2025)
    assert [(r.kind, r.planned_eur, r.actual_eur) for r in interim.lines] == [
        ("own_funds", D(10000), D(10000)),
        ("third_party", D(5000), D(7500)),
    ]
    assert interim.excess_eur == D(2500) and interim.exceeds_plan
    final = revenues(items, None)
    assert final.lines[-1].actual_eur is None and final.excess_eur == D(2500)
    assert not revenues(items[:1], None).exceeds_plan


def test_final_report_due_on_the_last_day_of_the_sixth_month_after_the_end() -> None:
    assert final_report_due(dt.date(2028, 5, 31)) == dt.date(2028, 11, 30)
    assert final_report_due(dt.date(2028, 5, 15)) == dt.date(2028, 11, 30)
    assert final_report_due(dt.date(2028, 8, 31)) == dt.date(2029, 2, 28)


def test_every_regime_of_the_contract_has_its_rules() -> None:
    from zakid_metrics.contract import REGIMES

    assert sorted(RULES) == sorted(REGIMES)
    assert {name: rules.basis for name, rules in RULES.items()} == {
        "ANBest-P": "expenditure",
        "ANBest-Gk": "expenditure",
        "ANBest-P-Kosten": "cost",
        "NKBF": "cost",
    }
