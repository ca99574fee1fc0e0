"""What the reports say, on the fixture delivery: every figure computed by hand from its rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb
import pytest

from tests.zakid_metrics.reports.conftest import GRANT_A, GRANT_B
from zakid_metrics.errors import ReportPeriodError, UnknownGrantError, WarehouseError
from zakid_metrics.kpis import compute
from zakid_metrics.reports import build_report, report_choices
from zakid_metrics.reports.builder import PlanTable, Report
from zakid_metrics.warehouse import next_snapshot, read_snapshot

E = Decimal
D = dt.date


def plan(table: PlanTable) -> list[tuple[str, int | None, Decimal, Decimal, bool]]:
    """The table's rows with a plan or spending: (label, year, plan, actual, flagged)."""
    return [
        (row.label, row.year, row.planned_eur, row.spent_eur, row.flagged)
        for row in table.rows
        if row.planned_eur or row.spent_eur
    ]


def idle(report: Report) -> list[tuple[str, dt.date, Decimal, Decimal, int]]:
    return [
        (i.disbursement_id, i.spend_by, i.idle_at_deadline_eur, i.idle_eur, i.days_idle)
        for i in report.idle
    ]


def test_interim_covers_the_calendar_year_clipped_to_the_grant(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2024)
    assert (report.period_from, report.period_to, report.as_of) == (
        D(2024, 4, 1),
        D(2024, 12, 31),
        D(2024, 12, 31),
    )
    assert report.title == "Zwischennachweis 2024"
    assert report.file_stem == f"zwischennachweis_{GRANT_A}_2024"
    year, cumulative = report.plan_tables
    assert plan(year) == [
        ("Personalausgaben", 2024, E("40000.00"), E("32345.67"), False),
        # 10 000 against 8 000: 25 % over, flagged although the grant stays within plan
        ("Sachausgaben", 2024, E("8000.00"), E("10000.00"), True),
        # 2 400 against 2 000: exactly 20 % over, not flagged
        ("Reisen", 2024, E("2000.00"), E("2400.00"), False),
        ("Summe", None, E("50000.00"), E("44745.67"), False),
    ]
    # every cost category is listed, zeros included
    assert [row.category for row in year.rows[:-1]] == [
        "personnel",
        "material",
        "investment",
        "subcontracting",
        "travel",
        "overhead",
    ]
    assert (cumulative.total.planned_eur, cumulative.total.spent_eur) == (
        E("50000.00"),
        E("44745.67"),
    )
    assert [(d.category, d.over_eur, d.share, d.flagged, d.grant_within_plan) for d in
            report.deviations] == [
        ("material", E("2000.00"), 0.25, True, True),
        ("travel", E("400.00"), 0.2, False, True),
    ]  # fmt: skip


def test_interim_cumulates_from_the_grants_start(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    year, cumulative = report.plan_tables
    assert plan(year) == [
        ("Personalausgaben", 2025, E("50000.00"), E("45000.00"), False),
        ("Sachausgaben", 2025, E("10000.00"), E("4000.00"), False),
        ("Reisen", 2025, E("10000.00"), E("1234.57"), False),
        ("Summe", None, E("70000.00"), E("50234.57"), False),
    ]
    assert cumulative.title == "Kumuliert seit Beginn (01.04.2024 – 31.12.2025)"
    assert plan(cumulative) == [
        ("Personalausgaben", None, E("90000.00"), E("77345.67"), False),
        ("Sachausgaben", None, E("18000.00"), E("14000.00"), False),
        ("Reisen", None, E("12000.00"), E("3634.57"), False),
        ("Summe", None, E("120000.00"), E("94980.24"), False),
    ]
    assert report.deviations == ()


def test_grant_share_is_rounded_half_up_on_the_total(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    own, total = report.financing
    assert (own.grant_id, total.grant_id, own.eligible_eur) == (GRANT_A, None, total.eligible_eur)
    # 50 234,57 × 0,5 = 25 117,285: half up 25 117,29 (half even would give 25 117,28)
    assert (own.eligible_eur, own.grant_share_eur, own.own_share_eur) == (
        E("50234.57"),
        E("25117.29"),
        E("25117.28"),
    )
    assert (E("50234.57") * E("0.5")).quantize(E("0.01"), ROUND_HALF_EVEN) == E("25117.28")
    cumulative = report.financing_cumulative[-1]
    # 94 980,24 × 0,5 = 47 490,12 on the total; rounded per voucher it would be 47 490,13
    assert (cumulative.grant_share_eur, cumulative.own_share_eur) == (
        E("47490.12"),
        E("47490.12"),
    )


def test_funds_drawn_against_the_grants_share_of_spending(
    con: duckdb.DuckDBPyConnection,
) -> None:
    first = build_report(con, "interim", grant_id=GRANT_A, year=2024).funds[-1]
    assert (first.approved_eur, first.drawn_eur, first.pending_eur) == (
        E("71500.00"),
        E("25000.00"),
        E("0.00"),
    )
    assert (first.funded_spending_eur, first.unspent_eur) == (E("22372.84"), E("2627.16"))
    second = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    assert (second.funds[-1].drawn_eur, second.funds[-1].unspent_eur) == (
        E("50000.00"),
        E("2509.88"),
    )
    assert [(d.disbursement_id, d.received_on, d.in_period) for d in second.disbursements] == [
        ("D-A1", D(2024, 4, 10), False),
        ("D-A2", D(2024, 7, 5), False),
        ("D-A3", D(2025, 1, 10), True),
        ("D-A4", D(2025, 12, 5), True),
    ]


def test_idle_funds_matched_first_in_first_out(con: duckdb.DuckDBPyConnection) -> None:
    # D-A1: 10 000 received 10.04.2024, spend by 22.05.2024; by then 12 345,67 + 6 000 paid,
    # half of it funded: 9 172,84 covered, 827,16 idle; covered by 31.12.2024, 223 days later.
    # D-A2: 15 000 received 05.07.2024 on top of D-A1's 10 000, spend by 16.08.2024: funded
    # 20 372,84 − 10 000 = 10 372,84 covered, 4 627,16 idle; on 31.12.2024 still 2 627,16.
    assert idle(build_report(con, "interim", grant_id=GRANT_A, year=2024)) == [
        ("D-A1", D(2024, 5, 22), E("827.16"), E("0.00"), 223),
        ("D-A2", D(2024, 8, 16), E("4627.16"), E("2627.16"), 137),
    ]
    # 2025 lists only windows ending in 2025; D-A4's ends on 16.01.2026
    assert idle(build_report(con, "interim", grant_id=GRANT_A, year=2025)) == [
        ("D-A3", D(2025, 2, 21), E("8127.16"), E("0.00"), 313),
    ]
    assert idle(build_report(con, "final", grant_id=GRANT_A)) == [
        ("D-A1", D(2024, 5, 22), E("827.16"), E("0.00"), 769),
        ("D-A2", D(2024, 8, 16), E("4627.16"), E("0.00"), 683),
        ("D-A3", D(2025, 2, 21), E("8127.16"), E("0.00"), 494),
        ("D-A4", D(2026, 1, 16), E("2509.88"), E("0.00"), 165),
    ]


def test_voucher_list_by_category_then_date_with_subtotals(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = build_report(con, "final", grant_id=GRANT_A)
    groups = [
        (g.category, [v.expenditure_id for v in g.vouchers], g.subtotal_eur)
        for g in report.voucher_groups
    ]
    assert groups == [
        ("personnel", ["A-001", "A-004", "A-101", "A-102", "A-201"], E("87345.67")),
        ("material", ["A-002", "A-005", "A-006", "A-103"], E("14000.00")),
        ("travel", ["A-003", "A-104"], E("3634.57")),
    ]
    # A-202 was paid after the grant's end
    assert (report.voucher_count, report.voucher_total_eur) == (11, E("104980.24"))
    correction = report.voucher_groups[1].vouchers[2]
    assert (correction.paid_on, correction.amount_eur, correction.description) == (
        D(2024, 10, 1),
        E("-200.00"),
        "-Gutschrift Rücksendung",
    )


def test_final_report_by_year_and_over_the_whole_period(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "final", grant_id=GRANT_A)
    assert (report.period_from, report.period_to, report.as_of, report.year) == (
        D(2024, 4, 1),
        D(2026, 6, 30),
        D(2026, 6, 30),
        None,
    )
    assert [table.title for table in report.plan_tables] == [
        "Jahr 2024",
        "Jahr 2025",
        "Jahr 2026",
        "Gesamte Laufzeit (01.04.2024 – 30.06.2026)",
    ]
    assert [(t.total.planned_eur, t.total.spent_eur) for t in report.plan_tables] == [
        (E("50000.00"), E("44745.67")),
        (E("70000.00"), E("50234.57")),
        (E("23000.00"), E("10000.00")),
        (E("143000.00"), E("104980.24")),
    ]
    assert [row.flagged for row in report.plan_tables[0].rows if row.category == "material"] == [
        True
    ]
    # 104 980,24 × 0,5 = 52 490,12; drawn 50 000, so 2 490,12 are still to be called
    assert report.financing[-1].grant_share_eur == E("52490.12")
    assert report.funds[-1].unspent_eur == E("-2490.12")


def test_programme_kpis_with_target_and_deviation(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    figures = {f.kpi_id: f for section in report.sections for f in section.figures}
    jobs = figures["jobs_project_related_created"]
    assert (jobs.value, jobs.target, jobs.deviation, jobs.final_target.target_value) == (
        2,
        (D(2025, 12, 31), 5.0),
        -3.0,
        8.0,
    )
    assert (figures["jobs_external_created"].value, figures["jobs_external_created"].deviation) == (
        2,
        -8.0,
    )
    assert figures["companies_engaged"].value == 3
    assert figures["sme_share"].value == pytest.approx(2 / 3)
    assert figures["crafts_engaged"].value == 1
    assert figures["deployments_live"].value == 0
    assert figures["students_enrolled"].value == 30
    assert [s.title for s in report.sections][-2:] == [
        "Wesentliche Ergebnisse und Abweichungen vom Arbeits-, Zeit- und Ausgabenplan",
        "Verwertung und Transfer der Ergebnisse",
    ]


def test_grant_without_expenditures_gets_zeros_and_a_note(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_B, year=2025)
    assert plan(report.plan_tables[0]) == [
        ("Personalausgaben", 2025, E("15000.00"), E("0.00"), False),
        ("Summe", None, E("15000.00"), E("0.00"), False),
    ]
    assert report.financing[-1].grant_share_eur == E("0.00")
    assert (report.voucher_groups, report.disbursements, report.idle) == ((), (), ())
    assert report.notes == (
        "Im Berichtszeitraum wurden keine Ausgaben gebucht; alle Beträge sind 0,00 €.",
    )


def test_summary_adds_up_every_grant(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "summary", year=2025)
    assert report.grant is None and report.file_stem == "verbunduebersicht_2025"
    assert [(t.title, t.total.planned_eur, t.total.spent_eur) for t in report.plan_tables] == [
        (f"{GRANT_A} – Stadt Duisburg (01.01.2025 – 31.12.2025)", E("70000.00"), E("50234.57")),
        (
            f"{GRANT_B} – Universität Duisburg-Essen (01.01.2025 – 31.12.2025)",
            E("15000.00"),
            E("0.00"),
        ),
        ("Verbund gesamt (01.01.2025 – 31.12.2025)", E("85000.00"), E("50234.57")),
    ]
    assert [(f.grant_id, f.grant_share_eur) for f in report.financing] == [
        (GRANT_A, E("25117.29")),
        (GRANT_B, E("0.00")),
        (None, E("25117.29")),
    ]
    assert report.funds[-1].approved_eur == E("101500.00")
    # the registry's own joint total agrees with the sum of the grants' lines
    joint = compute(con, "budget_utilisation", as_of=report.as_of, period=(D(2025, 1, 1),
                    D(2025, 12, 31)))  # fmt: skip
    assert (joint.details["planned_eur"], joint.details["spent_eur"]) == (
        E("85000.00"),
        E("50234.57"),
    )


def test_provenance_names_the_files_and_their_hashes(
    con: duckdb.DuckDBPyConnection, delivery: Path
) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    files = {(s.entity, s.file): s.sha256 for s in report.sources}
    expected = {
        (name.removesuffix(".csv"), name): hashlib.sha256(
            (delivery / name).read_bytes()
        ).hexdigest()
        for name in (
            "budget.csv",
            "companies.csv",
            "courses.csv",
            "disbursements.csv",
            "expenditures.csv",
            "grants.csv",
            "jobs.csv",
            "projects.csv",
            "targets.csv",
        )
    }
    assert files == expected
    assert [run.run_id for run in report.load_runs] == [report.snapshot.run_id] == [1]


def test_choices_list_the_years_that_can_be_reported(con: duckdb.DuckDBPyConnection) -> None:
    choices = report_choices(con)
    assert [g.grant_id for g in choices.grants] == [GRANT_A, GRANT_B]
    # A ends 30.06.2026: its last year is the final report's; B ends 31.12.2026 likewise
    assert choices.interim_years == {GRANT_A: (2024, 2025), GRANT_B: (2025,)}
    assert choices.summary_years[:3] == (2024, 2025, 2026)


def test_unknown_grant_lists_the_known_ones(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UnknownGrantError) as raised:
        build_report(con, "final", grant_id="01ZK9999")
    assert raised.value.message == "There is no grant '01ZK9999' in the published snapshot."
    assert raised.value.hint == f"Known grants: {GRANT_A}, {GRANT_B}. Give one of them as --grant."


@pytest.mark.parametrize("year", [2023, 2026])
def test_year_outside_the_interim_years_says_which_are_valid(
    con: duckdb.DuckDBPyConnection, year: int
) -> None:
    with pytest.raises(ReportPeriodError) as raised:
        build_report(con, "interim", grant_id=GRANT_A, year=year)
    assert raised.value.message == f"Grant {GRANT_A} has no interim report for {year}."
    assert raised.value.hint.startswith("Valid years: 2024, 2025 (calendar years of the grant")
    assert raised.value.params["valid"] == "2024, 2025"


def test_summary_year_outside_the_span(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ReportPeriodError, match="no calendar year 2019"):
        build_report(con, "summary", year=2019)


def test_no_load_run_means_nothing_to_report(tmp_path: Path) -> None:
    with next_snapshot(tmp_path):
        pass
    with read_snapshot(tmp_path) as empty, pytest.raises(WarehouseError) as raised:
        build_report(empty, "summary")
    assert raised.value.hint == "Load a delivery first: python -m pipelines ingest data/sample"
