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

from tests.zakid_metrics.kpis.conftest import LOADED_AT, MOMENT, D
from zakid_metrics.contract import KPI_IDS
from zakid_metrics.errors import KpiParameterError
from zakid_metrics.kpis import KPIS, Milestone, compute, compute_all, source_rows
from zakid_metrics.telemetry import Window, load_window

WAGE = {"reference_wage": Decimal("48000.00"), "k_min": 3}  # independent of the settings


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
    # with a salary up to D: J1 60 000, J2 45 000, J5 52 000, J6 40 000, J8 48 000 (= wage)
    "jobs_well_paid_share": [
        Case(0.6, {"jobs_with_salary": 5, "well_paid": 3}, params=WAGE),
        # J8 (exactly the wage) no longer counts when the wage is a cent higher
        Case(0.4, {"jobs_with_salary": 5, "well_paid": 2},
             params={"reference_wage": Decimal("48000.01"), "k_min": 3}),
        # fewer than k jobs with a salary: not computable, nothing revealed
        Case(None, {"jobs_with_salary": 5, "well_paid": None},
             params={"reference_wage": Decimal("48000.00"), "k_min": 6}),
    ],
    "jobs_by_qualification": [
        Case(
            7, {"project_related": 3, "external": 4},
            ("qualification", "value", "project_related", "external"),
            [("academic", 3, 2, 1), ("other", 1, 0, 1), ("unknown", 1, 0, 1),
             ("vocational", 2, 1, 1)],
        ),
    ],
    # Linear trend through 12 monthly points (2025-07-30 ... 2026-06-30), horizon 915 days to
    # 2028-12-31; checked against numpy.polyfit and the textbook prediction interval
    # (t = 2.228 for 10 degrees of freedom). Target path: 0 on 2025-01-01, 15/200 on
    # 2026-12-31 (729 days): on D (545 days) 15 * 545 / 729 and 200 * 545 / 729.
    "jobs_forecast_end": [
        Case(
            None, {},
            ("kpi_id", "value", "lower", "upper", "current", "target", "target_on_as_of",
             "status", "observations", "period_end"),
            [("jobs_project_related_created", 3.456, 3.0, 5.323, 3, 30.0, 11.214, "off_track",
              12, dt.date(2028, 12, 31)),
             ("jobs_external_created", 11.561, 9.243, 13.878, 4, 500.0, 149.52, "off_track",
              12, dt.date(2028, 12, 31))],
        ),
    ],
    # engaged on D: C1, C2 (micro by headcount), C3 (stale, still counts), C4, C6 (project on
    # D); C5's project starts on D + 1
    "companies_engaged": [
        Case(5, {"by_headcount_only": 1}, ("size_class", "value", "by_headcount_only"),
             [("micro", 2, 1), ("small", 2, 0), ("large", 1, 0)]),
        Case(4, {"by_headcount_only": 1}, ("size_class", "value"),
             [("micro", 1), ("small", 2), ("large", 1)], as_of=dt.date(2026, 6, 29)),
    ],
    "sme_share": [Case(0.8, {"smes": 4, "engaged": 5})],
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
    # up to D: G1 personnel 2025 90 000 (E1, E4), material 2025 12 100 (E2 minus the
    # correction E3), travel 2025 6 000, personnel 2026 60 000 (E7 after D); G2 personnel
    # 50 000, travel 3 000, investment 1 000 without a plan line
    "budget_utilisation": [
        Case(222100 / 287000, {"planned_eur": E("287000.00"), "spent_eur": E("222100.00")},
             ("grant_id", "category", "year", "value", "planned_eur", "spent_eur"),
             [("G1", "material", 2025, 1.21, E("10000.00"), E("12100.00")),
              ("G1", "personnel", 2025, 0.9, E("100000.00"), E("90000.00")),
              ("G1", "travel", 2025, 1.2, E("5000.00"), E("6000.00")),
              ("G1", "personnel", 2026, 0.5, E("120000.00"), E("60000.00")),
              ("G2", "investment", 2025, None, E("0.00"), E("1000.00")),
              ("G2", "personnel", 2025, 1.0, E("50000.00"), E("50000.00")),
              ("G2", "travel", 2025, 1.5, E("2000.00"), E("3000.00"))]),
        # the 2025 period leaves out the 2026 line and its spending
        Case(162100 / 167000, {"planned_eur": E("167000.00"), "spent_eur": E("162100.00")},
             period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ],
    # G1 material 21 % over (flagged), travel exactly 20 % over (not flagged), G1 in plan
    # overall (168 100 of 235 000); G2 travel 50 % over and investment without a plan, G2
    # over plan overall (54 000 of 52 000)
    "budget_line_deviation": [
        Case(None, {},
             ("grant_id", "category", "year", "value", "over_eur", "flagged",
              "grant_within_plan"),
             [("G1", "material", 2025, 0.21, E("2100.00"), True, True),
              ("G1", "travel", 2025, 0.2, E("1000.00"), False, True),
              ("G2", "investment", 2025, None, E("1000.00"), True, False),
              ("G2", "travel", 2025, 0.5, E("1000.00"), True, False)]),
    ],
    # received by D: G1 DB1 + DB2 + DB3, DB4 pending; G2 DB5 + DB6; G3 decided after D
    "funds_drawn": [
        Case(E("205000.00"),
             {"approved_eur": E("700000.00"), "drawn_share": 205000 / 700000,
              "pending_eur": E("40000.00")},
             ("grant_id", "value", "approved_eur", "drawn_share", "pending_eur"),
             [("G1", E("180000.00"), E("500000.00"), 0.36, E("40000.00")),
              ("G2", E("25000.00"), E("200000.00"), 0.125, E("0.00"))]),
    ],
    # FIFO per grant. G1 (rate 1, 6 weeks): DB2 holds euros 50 000..110 000, spend by
    # 2025-06-21; spent by then 108 100 -> 1 900 idle, all spent by D (E6). DB3 holds
    # 110 000..180 000, spend by 2026-03-03; spent 168 100 by then and by D -> 11 900 idle,
    # 119 days. G2 (rate 0.5, 2 months): DB5 15 000, spend by 2025-08-01; funded share of
    # 24 000 spent = 12 000 -> 3 000 idle at the deadline, covered by D (E11).
    "idle_funds": [
        Case(E("11900.00"),
             {"received_on": dt.date(2025, 5, 10), "spend_by": dt.date(2025, 6, 21),
              "amount_eur": E("145000.00"), "idle_at_deadline_eur": E("16800.00"),
              "days_idle": 374},
             ("grant_id", "disbursement_id", "value", "spend_by", "idle_at_deadline_eur",
              "days_idle"),
             [("G1", "DB2", E("0.00"), dt.date(2025, 6, 21), E("1900.00"), 374),
              ("G1", "DB3", E("11900.00"), dt.date(2026, 3, 3), E("11900.00"), 119),
              ("G2", "DB5", E("0.00"), dt.date(2025, 8, 1), E("3000.00"), 333)]),
    ],
    # public funds spent: G1 168 100 * 1 + G2 54 000 * 0.5 = 195 100 over 4 external jobs
    "public_cost_per_external_job": [
        Case(E("48775.00"), {"public_spent_eur": E("195100.00"), "jobs_external_created": 4}),
    ],
    # due on the as-of date: 0 days left; due before: not listed
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
              ("G3", "final", dt.date(2028, 9, 30), 1065, dt.date(2029, 3, 30)),
              ("G1", "final", dt.date(2028, 12, 31), 1157, dt.date(2029, 6, 30))],
             as_of=dt.date(2026, 4, 30)),
        Case(None, {}, ("grant_id", "report_type", "value"),
             [("G1", "interim", 304), ("G2", "interim", 304), ("G3", "interim", 304),
              ("G1", "interim", 670), ("G3", "interim", 670), ("G2", "final", 731),
              ("G3", "final", 1004), ("G1", "final", 1096)]),
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
    assert funder["funds_drawn"].value == everything["funds_drawn"].value == E("205000.00")


@pytest.mark.parametrize(
    ("kpi_id", "ids"),
    [
        ("jobs_external_created", ["J5", "J6", "J7", "J8"]),
        ("jobs_project_related_fte", ["J1", "J3"]),
        ("companies_engaged", ["C1", "C2", "C3", "C4", "C6"]),
        ("budget_line_deviation", ["E2", "E3", "E5", "E9", "E10"]),
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
