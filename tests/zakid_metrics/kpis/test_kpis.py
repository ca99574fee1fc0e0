"""Every KPI on the fixture delivery (conftest.DELIVERY) against hand-computed values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.zakid_metrics.kpis.conftest import LOADED_AT, MOMENT, RATES_2026, D
from zakid_metrics.contract import KPI_IDS
from zakid_metrics.errors import KpiParameterError
from zakid_metrics.kpis import KPIS, Milestone, compute, compute_all, source_rows
from zakid_metrics.telemetry import Window, load_window

# independent of the shipped reference data and the settings
WAGES = {2025: Decimal("48000.00"), 2026: Decimal("48000.00")}
WAGE = {"reference_wages": WAGES, "k_min": 3}


# The hour up to conftest.MOMENT (12:00:30 UTC on D): 11:01 to 12:01
HOUR = Window.last(dt.timedelta(hours=1), MOMENT)


@dataclass(frozen=True)
class Case:
    """A KPI at an as-of date: its headline value and details, and its breakdown rows.

    `rows` lists the breakdown's `columns` in order, one tuple per row (None for NULL).
    """

    value: Any
    details: dict[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    rows: list[tuple[Any, ...]] | None = None
    as_of: dt.date = D
    period: tuple[dt.date, dt.date] | None = None
    params: dict[str, Any] = field(default_factory=dict)
    # telemetry KPIs: the window loaded first
    window: Window = HOUR


# The day before D, 11:00 to 12:01 UTC: its moment is the end, 12:01
DAY_BEFORE = Window.between(
    dt.datetime(2026, 6, 29, 11, 0, tzinfo=dt.UTC), dt.datetime(2026, 6, 29, 12, 1, tzinfo=dt.UTC)
)


E = Decimal  # money in the expected values
# fmt: off
CASES: dict[str, list[Case]] = {
    # J1, J2 (ended on D: still created) and J3 (created on D); J4 is created after D
    "jobs_project_related_created": [
        Case(3),
        Case(1, as_of=dt.date(2025, 3, 31)),
    ],
    # J1 (1.0) and J3 (0.75, created on D); J2 ended on D and no longer exists
    "jobs_project_related_fte": [
        Case(1.75, {"jobs": 2}),
        Case(1.5, {"jobs": 2}, as_of=dt.date(2026, 6, 29)),
    ],
    "jobs_external_created": [Case(4), Case(3, as_of=dt.date(2026, 6, 29))],
    # J5 (1.0), J7 (0.5), J8 (0.25); J6 ended before D
    "jobs_external_existing": [
        Case(3, {"fte": 1.75}),
        # J6 ended on 31 March: it exists the day before, not on the day
        Case(3, {"fte": 2.5}, as_of=dt.date(2026, 3, 30)),
        Case(2, {"fte": 1.5}, as_of=dt.date(2026, 3, 31)),
    ],
    # with a salary up to D, full-time equivalent (salary / fte): J1 60 000, J2 90 000 (45 000
    # for half time), J5 52 000, J6 40 000, J8 48 000 (12 000 for a quarter: exactly the wage)
    "jobs_well_paid_share": [
        Case(0.8, {"jobs_with_salary": 5, "well_paid": 4, "without_reference_wage": 0,
                   "reference_wage_eur": E("48000.00")}, params=WAGE),
        # J8 (exactly the wage) no longer counts when the wage is a cent higher
        Case(0.6, {"jobs_with_salary": 5, "well_paid": 3, "without_reference_wage": 0,
                   "reference_wage_eur": E("48000.01")},
             params={"reference_wages": {2025: "48000.00", 2026: "48000.01"}, "k_min": 3}),
        # each job against the wage of the year it was created: 55 000 in 2025 leaves J5
        # (2025, 52 000) below it; J8 (2026) still meets 2026's 48 000
        Case(0.6, {"jobs_with_salary": 5, "well_paid": 3, "without_reference_wage": 0,
                   "reference_wage_eur": E("48000.00")},
             params={"reference_wages": {2025: "55000.00", 2026: "48000.00"}, "k_min": 3}),
        # a job of a year before the first reference year (J1, J2, J5, J6 of 2025) does not
        # count; J8 alone is fewer than k: not computable, nothing revealed
        Case(None, {"jobs_with_salary": 1, "well_paid": None, "without_reference_wage": 4,
                    "reference_wage_eur": E("48000.00")},
             params={"reference_wages": {2026: "48000.00"}, "k_min": 3}),
        # fewer than k jobs with a salary: not computable, nothing revealed
        Case(None, {"jobs_with_salary": 5, "well_paid": None, "without_reference_wage": 0,
                    "reference_wage_eur": E("48000.00")},
             params={**WAGE, "k_min": 6}),
    ],
    # created up to D: J1 1.0, J2 0.5 (ended on D), J3 0.75 (created on D); J5 1.0, J6 1.0
    # (ended before D), J7 0.5, J8 0.25 (on D); J4 and J9 come after D
    "jobs_created_fte": [
        Case(5.0, {"jobs": 7}, ("category", "value", "jobs"),
             [("project_related", 2.25, 3), ("external", 2.75, 4)]),
        Case(4.0, {"jobs": 5}, ("category", "value", "jobs"),
             [("project_related", 1.5, 2), ("external", 2.5, 3)], as_of=dt.date(2026, 6, 29)),
    ],
    # external up to D without a project: J8 (created on D) of J5..J8
    "jobs_unattributed": [
        Case(1, {"share": 0.25}),
        Case(0, {"share": 0.0}, as_of=dt.date(2026, 6, 29)),
        Case(0, {"share": None}, as_of=dt.date(2025, 1, 31)),
    ],
    # headcount now minus baseline over the engaged companies: C1 12 - 10, C2 4 - 4, C3 300 -
    # 310 (stale, counts), C4 40 - 35, C6 8 - 8 (no baseline delivered: its first headcount)
    "jobs_net_effect": [
        Case(-3, {"employees": 364, "baseline_employees": 367, "companies": 5},
             ("company_id", "value"), [("C1", 2), ("C2", 0), ("C3", -10), ("C4", 5), ("C6", 0)]),
        # C5 (100 - 90) is engaged from D + 1
        Case(7, {"employees": 464, "baseline_employees": 457, "companies": 6},
             as_of=dt.date(2026, 10, 1)),
    ],
    # 12 months on D: J1 (2025-01-15, confirmed 2026-03-01) kept; J2 (2025-04-01, confirmed
    # exactly on 2026-04-01, ended only later) kept; J5 (2025-06-01, confirmed a day before
    # 2026-06-01) unconfirmed; J6 (2025-10-01) is not 12 months old. Nothing is 36 or 60.
    "jobs_permanence": [
        Case(None, {}, ("months", "value", "positions", "kept", "unconfirmed", "ended"),
             [(12, 2 / 3, 3, 2, 1, 0), (36, None, 0, 0, 0, 0), (60, None, 0, 0, 0, 0)]),
        # on 2026-10-01 J6 (ended 2026-03-31) is 12 months old: ended, not kept
        Case(None, {}, ("months", "value", "positions", "kept", "unconfirmed", "ended"),
             [(12, 0.5, 4, 2, 1, 1), (36, None, 0, 0, 0, 0), (60, None, 0, 0, 0, 0)],
             as_of=dt.date(2026, 10, 1)),
        # fewer than k positions: no share, nothing revealed
        Case(None, {}, ("months", "value", "positions"),
             [(12, None, 3), (36, None, 0), (60, None, 0)], params={"k_min": 4}),
    ],
    # created up to D: J1, J2 (the centre's 47057 by default), J5 (C1's 47051), J8 (47057
    # although C4 is in Essen) in Duisburg; J3 (44135), J6 (45127), J7 (C3's 46045) elsewhere
    "jobs_in_duisburg_share": [
        Case(4 / 7, {"in_duisburg": 4, "elsewhere": 3}),
        # J4 (the centre) and J9 (C5's 47198) come in
        Case(6 / 9, {"in_duisburg": 6, "elsewhere": 3}, as_of=dt.date(2026, 10, 1)),
        Case(None, {"in_duisburg": 0, "elsewhere": 0}, as_of=dt.date(2025, 1, 1)),
    ],
    "jobs_by_qualification": [
        Case(
            7, {"project_related": 3, "external": 4},
            ("qualification", "value", "project_related", "external"),
            [("academic", 3, 2, 1), ("other", 1, 0, 1), ("unknown", 1, 0, 1),
             ("vocational", 2, 1, 1)],
        ),
    ],
    # New jobs per month since the funding start (2025-01-01; grants end 2028-12-31, 30
    # months ahead): project-related J1 (Jan 2025), J2 (Apr 2025), J3 (on D); external J5, J6,
    # J7, J8 (on D). Targets due on the end: 30 and 500, needing (30 - 3) / 30 = 0.9 and
    # (500 - 4) / 30 = 16.533 a month; a few jobs in 18 months reach neither. The interval
    # values are the seeded simulation's (tests/zakid_metrics/kpis/test_forecast.py).
    # Target path: 0 on 2025-01-01, 15/200 on 2026-12-31 (729 days): on D (545 days)
    # 15 * 545 / 729 and 200 * 545 / 729.
    "jobs_forecast_end": [
        Case(
            None, {},
            ("kpi_id", "end_on", "value", "low", "high", "p_target", "pace_required",
             "status", "current", "target", "target_on_as_of", "months_observed"),
            [("jobs_project_related_created", dt.date(2028, 12, 31), 6, 3, 32, 0.032, 0.9,
              "off_track", 3, 30.0, 11.214, 18),
             ("jobs_external_created", dt.date(2028, 12, 31), 14, 4, 52, 0.0, 16.533,
              "off_track", 4, 500.0, 149.52, 18)],
        ),
    ],
    # engaged on D: C1 (small), C2 (micro by headcount), C3 (stale, still counts), C4 (large
    # with its group), C6 (project on D; large: public control); C5's project starts on D + 1
    "companies_engaged": [
        Case(5, {"by_headcount_only": 1, "from_group": 1, "public_control": 1},
             ("size_class", "value", "by_headcount_only", "from_group", "public_control"),
             [("micro", 1, 1, 0, 0), ("small", 1, 0, 0, 0), ("large", 3, 0, 1, 1)]),
        Case(4, {"by_headcount_only": 1, "from_group": 1, "public_control": 0},
             ("size_class", "value"), [("micro", 1), ("small", 1), ("large", 2)],
             as_of=dt.date(2026, 6, 29)),
    ],
    # C1 and C2; C4 is no SME with its group, C6 none under public control
    "sme_share": [Case(0.4, {"smes": 2, "engaged": 5})],
    "crafts_engaged": [Case(1)],
    "startups_engaged": [Case(2, {"ude_spinoffs": 1})],
    # C1 47051, C2 47279 (the last Duisburg code), C6 47057 of five
    "companies_in_duisburg_share": [Case(0.6, {"in_duisburg": 3, "engaged": 5})],
    "projects_by_status": [
        Case(6, {}, ("status", "value"),
             [("inquiry", 1), ("feasibility", 1), ("pilot", 1), ("production", 1),
              ("completed", 1), ("cancelled", 1)]),
    ],
    # reached pilot: P1 production, P2 pilot, P3 completed; of those P1 and P3 further
    "pilot_to_production_rate": [
        Case(2 / 3, {"reached_pilot": 3, "reached_production": 2}),
        Case(None, {"reached_pilot": 0, "reached_production": 0}, as_of=dt.date(2025, 1, 31)),
    ],
    # P1 184 days (2025-03-01 to DP1 2025-09-01), P3 120, P4 288 (DP6 live on D)
    "time_to_production_days": [
        Case(184.0, {"projects": 3}),
        Case(152.0, {"projects": 2}, as_of=dt.date(2026, 6, 29)),
    ],
    "ude_research_transfer": [Case(3, {"projects": 6})],
    # own 150 000 / public 170 000 over P1..P6
    "private_leverage": [
        Case(150000 / 170000,
             {"own_contribution_eur": E("150000.00"), "public_funding_eur": E("170000.00")}),
    ],
    # live on D: DP1 (microcontroller, edge_soc; its edge_gpu was removed on D), DP3 (fpga,
    # microcontroller; its industrial_pc comes after D), DP6 (live from D, no devices);
    # DP2 was decommissioned on D
    "deployments_live": [
        Case(3, {}, ("device_class", "value"),
             [("edge_soc", 1), ("fpga", 1), ("microcontroller", 2)]),
        Case(3, {}, ("device_class", "value"),
             [("edge_gpu", 1), ("edge_soc", 1), ("fpga", 1), ("microcontroller", 2),
              ("smart_sensor", 1)], as_of=dt.date(2026, 6, 29)),
    ],
    # DP1 on_device_only, DP3 aggregates_only, DP6 raw_upload
    "privacy_policy_share": [Case(2 / 3, {"privacy_preserving": 2, "live": 3})],
    # Telemetry (conftest.TELEMETRY_FILES and TELEMETRY_LOG), the hour 11:01 to 12:01 on D.
    # Online from 11:57:30: DV1 (12:00), DV4 (11:57:30, from the log), DV7 (11:59); offline:
    # DV2 (11:57), DV5 (never), DV6 (the day before). On the day before, at 12:01, only DV6
    # (12:00; its 12:30 lies after the end) of seven (DV3 was not yet removed).
    "devices_online": [
        Case(3, {"devices_offline": 3, "devices_in_fleet": 6}),
        Case(1, {"devices_offline": 6, "devices_in_fleet": 7}, window=DAY_BEFORE),
    ],
    # DV1 100 + 300 + 100 (its log copy of seq 1 counts once), DV2 200 (10:30 is before the
    # window), DV4 100 + 100, DV7 0 (error), DV3 50 (degraded; removed, but it reported)
    "inferences_24h": [
        Case(950, {"readings": 8, "readings_degraded": 1, "readings_error": 1}),
        Case(10, {"readings": 1, "readings_degraded": 0, "readings_error": 0},
             window=DAY_BEFORE),
    ],
    # p95 x inferences: DV1 1 000 + 3 600 + 1 400, DV2 6 000, DV4 4 000 + 6 000, DV3 400 =
    # 22 400 over 950; mean: DV1 3 000, DV2 2 000, DV4 5 000, DV3 200 = 10 200 over 950
    "latency_p95_fleet": [
        Case(22400 / 950,
             {"latency_ms_mean": 10200 / 950, "latency_ms_p95_worst": 60.0, "inferences": 950}),
    ],
    # DP1 (DV1, DV2, DV3, DV7): 120 ms / (5 200 / 750 ms); DP3 (DV4): 250 ms / 25 ms
    "speedup_vs_cloud": [Case((120 / (5200 / 750) + 250 / 25) / 2, {"deployments": 2})],
    # kept 5 000 + 2 000 + 2 000 + 500, sent 50 + 2 000 + 0 + 5
    "data_kept_on_device_share": [
        Case(9500 / 11555, {"bytes_on_device": 9500, "bytes_uplinked": 2055}),
    ],
    # 2.5 + 2.0 + 2.0 + 0.1 (DV7, no inferences) + 0.25 mWh over 950 inferences
    "energy_per_inference_mwh": [
        Case(6.85 / 950, {"energy_mwh": 6.85, "inferences": 950}),
    ],
    # DP1: 12 400 / 750 = 16.5 ms within 20 ms; DP3: 50 ms over 40 ms
    "slo_breaches": [Case(1, {"deployments_measured": 2})],
    # verified up to D: goals 9, 13 (S2 on D), 7, 8; goal 12 only unverified
    "sdg_goals_covered": [
        Case(4, {"goals_reported": 5}),
        Case(3, {"goals_reported": 4}, as_of=dt.date(2026, 6, 29)),
    ],
    "sdg_contributions": [
        Case(6, {"verified": 4, "unverified": 2}, ("sdg_goal", "value", "verified", "unverified"),
             [(7, 2, 1, 1), (8, 1, 1, 0), (9, 1, 1, 0), (12, 1, 0, 1), (13, 1, 1, 0)]),
    ],
    # S1 12.5 + S2 3.25; S5 unverified, S6 spelled "t CO2e / a", S7 after D
    "co2e_avoided_t_per_year": [Case(15.75, {"contributions": 2})],
    "energy_saved_mwh_per_year": [Case(40.0, {"contributions": 1})],
    # begun by D: SS 2025 (K6), WS 2025/26 (K1, K3), SS 2026 (K2); K4 is no embedded-AI
    # course, K5's semester begins on 1 October 2026
    "courses_offered": [
        Case(4, {"semester_starts_on": dt.date(2025, 4, 1), "enrolled": 100, "completed": 65},
             ("semester", "value", "semester_starts_on", "enrolled", "completed"),
             [("SS 2025", 1, dt.date(2025, 4, 1), 15, 15),
              ("WS 2025/26", 2, dt.date(2025, 10, 1), 60, 50),
              ("SS 2026", 1, dt.date(2026, 4, 1), 25, 0)]),
        Case(3, {"semester_starts_on": dt.date(2025, 4, 1), "enrolled": 75, "completed": 65},
             ("semester", "value"), [("SS 2025", 1), ("WS 2025/26", 2)],
             as_of=dt.date(2026, 3, 31)),
    ],
    "students_enrolled": [Case(100, {"courses": 4})],
    "students_completed": [Case(65, {"courses_reported": 3})],
    # up to D, eligible: G1 personnel 2025 90 000 (E1, E4), material 2025 12 100 (E2 minus the
    # correction E3), travel 2025 6 000, personnel 2026 60 000 (E7 after D); G2 (net of input
    # VAT) personnel 50 000, travel 2 856 - 456 = 2 400, investment 1 190 - 190 = 1 000
    # without a plan line; G4 personnel 20 000 of 18 000, material 2 000 of 2 000
    "budget_utilisation": [
        Case(243500 / 307000, {"planned_eur": E("307000.00"), "spent_eur": E("243500.00")},
             ("grant_id", "category", "year", "value", "planned_eur", "spent_eur"),
             [("G1", "material", 2025, 1.21, E("10000.00"), E("12100.00")),
              ("G1", "personnel", 2025, 0.9, E("100000.00"), E("90000.00")),
              ("G1", "travel", 2025, 1.2, E("5000.00"), E("6000.00")),
              ("G1", "personnel", 2026, 0.5, E("120000.00"), E("60000.00")),
              ("G2", "investment", 2025, None, E("0.00"), E("1000.00")),
              ("G2", "personnel", 2025, 1.0, E("50000.00"), E("50000.00")),
              ("G2", "travel", 2025, 1.2, E("2000.00"), E("2400.00")),
              ("G4", "material", 2025, 1.0, E("2000.00"), E("2000.00")),
              ("G4", "personnel", 2025, 20000 / 18000, E("18000.00"), E("20000.00"))]),
        # the 2025 period leaves out the 2026 line and its spending
        Case(183500 / 187000, {"planned_eur": E("187000.00"), "spent_eur": E("183500.00")},
             period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ],
    # Einzelansätze on D, cumulative from each grant's start, against the plan of the years up
    # to 2026. G1: plan 235 000 in all, actual 168 100; personnel 150 000 of 220 000, material
    # 12 100 of 10 000 (21 % over), travel 6 000 of 5 000 (exactly 20 %, offset). G2, net:
    # plan 52 000, actual 53 400; travel 2 400 of 2 000 (20 %, not offset), investment 1 000
    # without a plan. G4 (ended): plan 20 000, actual 22 000; personnel 20 000 of 18 000.
    "budget_line_deviation": [
        Case(None, {},
             ("grant_id", "category", "value", "planned_eur", "actual_eur",
              "period_actual_eur", "status"),
             [("G1", "personnel", -7 / 22, E("220000.00"), E("150000.00"), E("150000.00"),
               "within_plan"),
              ("G1", "material", 0.21, E("10000.00"), E("12100.00"), E("12100.00"), "over_20"),
              ("G1", "travel", 0.2, E("5000.00"), E("6000.00"), E("6000.00"), "over_offset"),
              ("G2", "personnel", 0.0, E("50000.00"), E("50000.00"), E("50000.00"),
               "within_plan"),
              ("G2", "investment", None, E("0.00"), E("1000.00"), E("1000.00"), "over_20"),
              ("G2", "travel", 0.2, E("2000.00"), E("2400.00"), E("2400.00"),
               "over_not_offset"),
              ("G4", "personnel", 1 / 9, E("18000.00"), E("20000.00"), E("20000.00"),
               "over_not_offset"),
              ("G4", "material", 0.0, E("2000.00"), E("2000.00"), E("2000.00"), "within_plan")]),
        # the interim view of 2025: G1 judged against the plan of 2025 only (115 000, actual
        # 108 100): personnel 90 000 of 100 000; the others as on D
        Case(None, {}, ("grant_id", "category", "value", "planned_eur", "actual_eur", "status"),
             [("G1", "personnel", -0.1, E("100000.00"), E("90000.00"), "within_plan"),
              ("G1", "material", 0.21, E("10000.00"), E("12100.00"), "over_20"),
              ("G1", "travel", 0.2, E("5000.00"), E("6000.00"), "over_offset"),
              ("G2", "personnel", 0.0, E("50000.00"), E("50000.00"), "within_plan"),
              ("G2", "investment", None, E("0.00"), E("1000.00"), "over_20"),
              ("G2", "travel", 0.2, E("2000.00"), E("2400.00"), "over_not_offset"),
              ("G4", "personnel", 1 / 9, E("18000.00"), E("20000.00"), "over_not_offset"),
              ("G4", "material", 0.0, E("2000.00"), E("2000.00"), "within_plan")],
             period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
        # the period of 2026 as of 31 March 2026: G1's personnel counts E6 of 1 February 2026
        # in the period's actuals; G4 ended in 2025 and has no Einzelansatz in the period
        Case(None, {}, ("grant_id", "category", "actual_eur", "period_actual_eur", "status"),
             [("G1", "personnel", E("150000.00"), E("60000.00"), "within_plan"),
              ("G1", "material", E("12100.00"), E("0.00"), "over_20"),
              ("G1", "travel", E("6000.00"), E("0.00"), "over_offset"),
              ("G2", "personnel", E("50000.00"), E("0.00"), "within_plan"),
              ("G2", "investment", E("1000.00"), E("0.00"), "over_20"),
              ("G2", "travel", E("2400.00"), E("0.00"), "over_not_offset")],
             as_of=dt.date(2026, 3, 31), period=(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ],
    # received by D: G1 DB1 + DB2 + DB3, DB4 pending; G2 DB5 + DB6; G4 DB7 + DB8 + DB9; G3
    # decided after D. Grant share C(D): G1 1 × 168 100; G2 0.5 × 53 400 (net) = 26 700; G4
    # 0.5 × 22 000 = 11 000, capped at 10 000. G4 has ended: refund 11 500 - 10 000 = 1 500.
    "funds_drawn": [
        Case(E("216500.00"),
             {"approved_eur": E("710000.00"), "drawn_share": 216500 / 710000,
              "pending_eur": E("40000.00"), "grant_share_eur": E("204800.00"),
              "refund_due_eur": E("1500.00")},
             ("grant_id", "value", "approved_eur", "drawn_share", "pending_eur",
              "grant_share_eur", "refund_due_eur"),
             [("G1", E("180000.00"), E("500000.00"), 0.36, E("40000.00"), E("168100.00"), None),
              ("G2", E("25000.00"), E("200000.00"), 0.125, E("0.00"), E("26700.00"), None),
              ("G4", E("11500.00"), E("10000.00"), 1.15, E("0.00"), E("10000.00"),
               E("1500.00"))]),
        # on 31 August 2025, before G4's end: no refund yet. Received G1 DB1 + DB2 = 110 000,
        # G2 DB5 15 000, G4 DB7 + DB8 9 000; DB9 (requested 25 August, received 1 September)
        # pending. C: G1 108 100 (E1..E5), G2 0.5 × 23 400 (E8, E9, E10 net) = 11 700, G4
        # 0.5 × 20 000 (E12..E14) = 10 000
        Case(E("134000.00"),
             {"approved_eur": E("710000.00"), "drawn_share": 134000 / 710000,
              "pending_eur": E("2500.00"), "grant_share_eur": E("129800.00"),
              "refund_due_eur": None},
             as_of=dt.date(2025, 8, 31)),
    ],
    # As of 31 December 2025 (interest at 2.27 + 5 % until 30 June 2025, 1.27 + 5 % after).
    # G1 (rate 1, 42 days): DB2 holds euros 50 000..110 000; the use line reaches 108 100 on
    # 1 June 2025, so 1 900 is still unused, 235 days after receipt on 10 May: interest
    # 1 900 × (51 × 7.27 + 184 × 6.27) / 36 500 = 79.35. G2 (rate 0.5, 2 months, net): DB5
    # holds 0..15 000; the use line reaches 11 700 on 1 August (in time), 26 700 on 30 November:
    # 3 300 used 182 days after 1 June, 3 300 × (29 × 7.27 + 153 × 6.27) / 36 500 = 105.79.
    # G4 (cost basis, rate 0.5): DB7 3 000 before any cost, covered on 15 February (U = 4 000):
    # 3 000 × 14 × 7.27 / 36 500 = 8.37; DB8 takes R to 9 000 with U = 8 000, excess 1 000
    # covered on 20 August (U = 10 000): 1 000 × (20 × 7.27 + 51 × 6.27) / 36 500 = 12.74;
    # DB9 takes R to 11 500 with U = 10 000, excess 1 500 never covered (U ends at 11 000):
    # 1 500 × 121 × 6.27 / 36 500 = 31.18. Interest in all from the exact figures: 237.44.
    "idle_funds": [
        Case(E("10700.00"),
             {"idle_eur": E("5200.00"), "premature_eur": E("5500.00"),
              "base_rate_missing_on": None, "received_on": None, "days_idle": None,
              "days_until_covered": None, "interest_eur": E("237.44")},
             ("grant_id", "disbursement_id", "kind", "used_on", "value", "received_on",
              "days_idle", "days_until_covered", "interest_eur"),
             [("G1", "DB2", "idle", None, E("1900.00"), dt.date(2025, 5, 10), 235, None,
               E("79.35")),
              ("G2", "DB5", "idle", dt.date(2025, 11, 30), E("3300.00"), dt.date(2025, 6, 1),
               182, None, E("105.79")),
              ("G4", "DB7", "premature", dt.date(2025, 2, 15), E("3000.00"),
               dt.date(2025, 2, 1), None, 14, E("8.37")),
              ("G4", "DB8", "premature", dt.date(2025, 8, 20), E("1000.00"),
               dt.date(2025, 6, 10), None, 71, E("12.74")),
              ("G4", "DB9", "premature", None, E("1500.00"), dt.date(2025, 9, 1), None, None,
               E("31.18"))],
             as_of=dt.date(2025, 12, 31)),
        # On D the interest needs the base rate from 1 January 2026, which is not shipped
        Case(None,
             {"idle_eur": None, "premature_eur": None,
              "base_rate_missing_on": dt.date(2026, 1, 1), "received_on": None,
              "days_idle": None, "days_until_covered": None, "interest_eur": None},
             ("grant_id",), []),
        # ... with it (1.27 % from 1 January 2026, given by the test): G1's 1 900 used on
        # 1 February 2026 (267 days; + 32 × 6.27: 89.80), DB3 holds 110 000..180 000 and
        # 11 900 of it is unused on D (window ended 3 March; 161 days, 11 900 × 161 × 6.27 /
        # 36 500 = 329.11); G2's DB6 is still within its window; G4's DB9 accrues to D
        # (302 days: 77.82). Interest in all: 623.63.
        Case(E("22600.00"),
             {"idle_eur": E("17100.00"), "premature_eur": E("5500.00"),
              "base_rate_missing_on": None, "received_on": None, "days_idle": None,
              "days_until_covered": None, "interest_eur": E("623.63")},
             ("grant_id", "disbursement_id", "used_on", "value", "days_idle", "interest_eur"),
             [("G1", "DB2", dt.date(2026, 2, 1), E("1900.00"), 267, E("89.80")),
              ("G1", "DB3", None, E("11900.00"), 161, E("329.11")),
              ("G2", "DB5", dt.date(2025, 11, 30), E("3300.00"), 182, E("105.79")),
              ("G4", "DB7", dt.date(2025, 2, 15), E("3000.00"), None, E("8.37")),
              ("G4", "DB8", dt.date(2025, 8, 20), E("1000.00"), None, E("12.74")),
              ("G4", "DB9", None, E("1500.00"), None, E("77.82"))],
             params={"base_rates": RATES_2026}),
    ],
    # public funds spent: the grant shares C(D), 168 100 + 26 700 + 10 000 (capped) = 204 800,
    # over 4 external jobs
    "public_cost_per_external_job": [
        Case(E("51200.00"), {"public_spent_eur": E("204800.00"), "jobs_external_created": 4}),
        # before any external job (J5 comes on 1 June): no value. Spent by 31 May 2025: G1
        # 102 100 (E1..E4), G2 0.5 × 20 000 (E8 of that day), G4 0.5 × 16 000 (E12, E13)
        Case(None, {"public_spent_eur": E("120100.00"), "jobs_external_created": 0},
             as_of=dt.date(2025, 5, 31)),
    ],
    # due on the as-of date: 0 days left; due before: not listed; a final report is due on the
    # last day of the sixth month after the end month (30.09.2028 → 31.03.2029)
    "reports_due": [
        Case(None, {}, ("grant_id", "report_type", "period_to", "value", "due_on"),
             [("G1", "interim", dt.date(2025, 12, 31), 0, dt.date(2026, 4, 30)),
              ("G2", "interim", dt.date(2025, 12, 31), 0, dt.date(2026, 4, 30)),
              ("G1", "interim", dt.date(2026, 12, 31), 365, dt.date(2027, 4, 30)),
              ("G2", "interim", dt.date(2026, 12, 31), 365, dt.date(2027, 4, 30)),
              ("G3", "interim", dt.date(2026, 12, 31), 365, dt.date(2027, 4, 30)),
              ("G1", "interim", dt.date(2027, 12, 31), 731, dt.date(2028, 4, 30)),
              ("G3", "interim", dt.date(2027, 12, 31), 731, dt.date(2028, 4, 30)),
              ("G2", "final", dt.date(2027, 12, 31), 792, dt.date(2028, 6, 30)),
              ("G3", "final", dt.date(2028, 9, 30), 1066, dt.date(2029, 3, 31)),
              ("G1", "final", dt.date(2028, 12, 31), 1157, dt.date(2029, 6, 30))],
             as_of=dt.date(2026, 4, 30)),
        Case(None, {}, ("grant_id", "report_type", "value"),
             [("G1", "interim", 304), ("G2", "interim", 304), ("G3", "interim", 304),
              ("G1", "interim", 670), ("G3", "interim", 670), ("G2", "final", 731),
              ("G3", "final", 1005), ("G1", "final", 1096)]),
    ],
}
# fmt: on


def records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The frame's rows as tuples of plain values, NULL as None."""
    cells = frame[list(columns)].astype(object)
    return [
        tuple(v.item() if hasattr(v, "item") else v for v in row)
        for row in cells.where(cells.notna(), None).itertuples(index=False)
    ]


@pytest.mark.parametrize(
    ("kpi_id", "case"),
    [(kpi_id, case) for kpi_id, cases in CASES.items() for case in cases],
    ids=[f"{kpi_id}-{n}" for kpi_id, cases in CASES.items() for n in range(len(cases))],
)
def test_kpi_case(
    fixture_con: duckdb.DuckDBPyConnection, request: pytest.FixtureRequest, kpi_id: str, case: Case
) -> None:
    con = fixture_con
    if KPIS[kpi_id].reads_telemetry:
        data_dir = request.getfixturevalue("telemetry_data_dir")
        con = request.getfixturevalue("telemetry_con")
        load_window(con, data_dir, case.window)
    result = compute(con, kpi_id, as_of=case.as_of, period=case.period, **case.params)
    assert result.value == case.value
    assert type(result.value) is type(case.value)
    assert result.details == case.details
    if case.rows is not None:
        assert records(result.breakdown, case.columns) == case.rows
    assert (result.breakdown is None) == (KPIS[kpi_id].shape == "scalar")


def test_every_kpi_has_a_case() -> None:
    assert set(CASES) == set(KPIS)


def test_registry_and_contract_name_the_same_kpis() -> None:
    assert set(KPIS) == set(KPI_IDS)


def test_targets_give_next_and_final_milestone_and_progress(
    fixture_con: duckdb.DuckDBPyConnection,
) -> None:
    result = compute(fixture_con, "jobs_external_created", as_of=D)
    first, final = Milestone(dt.date(2026, 12, 31), 200.0), Milestone(dt.date(2028, 12, 31), 500.0)
    assert result.milestones == (first, final)
    assert (result.target, result.final_target, result.progress) == (first, final, 4 / 500)

    # a milestone due on the as-of date is still the next one; after it, the following one
    def target_on(day: dt.date) -> Milestone | None:
        return compute(fixture_con, "jobs_external_created", as_of=day).target

    assert target_on(dt.date(2026, 12, 31)) == first
    assert target_on(dt.date(2027, 1, 1)) == final
    # after the last milestone it stays the target
    assert target_on(dt.date(2029, 1, 1)) == final
    engaged = compute(fixture_con, "companies_engaged", as_of=D)
    assert (engaged.value, engaged.progress) == (5, 5 / 40)
    sme = compute(fixture_con, "sme_share", as_of=D)
    assert (sme.milestones, sme.target, sme.progress) == ((), None, None)


def test_stale_rows_and_freshness_of_the_sources(fixture_con: duckdb.DuckDBPyConnection) -> None:
    # C3 is a kept previous version: it counts, and the result says so.
    engaged = compute(fixture_con, "companies_engaged", as_of=D)
    assert (engaged.stale_rows, engaged.loaded_at) == (1, LOADED_AT[1])
    jobs = compute(fixture_con, "jobs_external_created", as_of=D)
    assert (jobs.stale_rows, jobs.loaded_at) == (0, LOADED_AT[2])


def test_compute_all_by_audience(fixture_con: duckdb.DuckDBPyConnection) -> None:
    everything = compute_all(fixture_con, as_of=D, **WAGE)
    assert set(everything) == set(KPIS)
    funder = compute_all(fixture_con, as_of=D, audience="funder")
    assert set(funder) == {
        "budget_utilisation",
        "budget_line_deviation",
        "funds_drawn",
        "idle_funds",
    }
    assert funder["funds_drawn"].value == everything["funds_drawn"].value == E("216500.00")


@pytest.mark.parametrize(
    ("kpi_id", "ids"),
    [
        ("jobs_external_created", ["J5", "J6", "J7", "J8"]),
        ("jobs_project_related_fte", ["J1", "J3"]),
        ("companies_engaged", ["C1", "C2", "C3", "C4", "C6"]),
        # every voucher the Einzelansätze are judged on: from each grant's start up to D
        (
            "budget_line_deviation",
            [
                "E1",
                "E2",
                "E3",
                "E4",
                "E5",
                "E6",
                "E8",
                "E9",
                "E10",
                "E11",
                "E12",
                "E13",
                "E14",
                "E15",
            ],
        ),
        ("deployments_live", ["DP1", "DP3", "DP6"]),
    ],
)
def test_source_rows_are_the_rows_counted(
    fixture_con: duckdb.DuckDBPyConnection, kpi_id: str, ids: list[str]
) -> None:
    rows = source_rows(fixture_con, kpi_id, as_of=D)
    assert list(rows.iloc[:, 0]) == ids
    assert {"_file", "_line", "_stale"} <= set(rows.columns)


def test_source_rows_carry_provenance(fixture_con: duckdb.DuckDBPyConnection) -> None:
    rows = source_rows(fixture_con, "companies_engaged", as_of=D)
    stale = rows.loc[rows["company_id"] == "C3", ["_file", "_line", "_stale"]]
    assert stale.values.tolist() == [["companies.csv", 4, True]]


@pytest.mark.parametrize(
    ("kpi_id", "ids"),
    [
        # online first: DV1, DV4, DV7; then the offline DV2, DV5, DV6
        ("devices_online", ["DV1", "DV4", "DV7", "DV2", "DV5", "DV6"]),
        # by inferences: DV1 500, DV2 200, DV4 200, DV3 50, DV7 0
        ("inferences_24h", ["DV1", "DV2", "DV4", "DV3", "DV7"]),
        ("slo_breaches", ["DP3", "DP1"]),
        ("speedup_vs_cloud", ["DP1", "DP3"]),
    ],
)
def test_telemetry_source_rows_are_the_rows_counted(
    telemetry_data_dir: Path,
    telemetry_con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    ids: list[str],
) -> None:
    load_window(telemetry_con, telemetry_data_dir, HOUR)
    rows = source_rows(telemetry_con, kpi_id, as_of=D)
    assert list(rows.iloc[:, 0]) == ids
    assert {"_file", "_line", "_stale"} <= set(rows.columns)


def test_telemetry_kpis_without_a_window_are_none_and_their_rows_a_clear_error(
    fixture_con: duckdb.DuckDBPyConnection,
) -> None:
    results = compute_all(fixture_con, as_of=D, kpi_ids=["devices_online", "slo_breaches"])
    assert [(r.value, r.details, r.loaded_at) for r in results.values()] == [
        (None, {}, None),
        (None, {}, None),
    ]
    with pytest.raises(KpiParameterError, match="no telemetry window is loaded"):
        source_rows(fixture_con, "devices_online", as_of=D)
