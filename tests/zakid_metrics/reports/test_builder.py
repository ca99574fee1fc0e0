"""What the reports say, on the fixture delivery: every figure worked out by hand from its rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.zakid_metrics.reports.conftest import (
    GRANT_A,
    GRANT_B,
    GRANT_C,
    GRANT_D,
    load,
    write_delivery,
)
from zakid_metrics import funding
from zakid_metrics.errors import (
    BaseRateMissingError,
    ReportError,
    ReportPeriodError,
    UnknownGrantError,
    WarehouseError,
)
from zakid_metrics.kpis.forecast import Milestone
from zakid_metrics.reports import build_report, builder, last_completed_year, report_choices
from zakid_metrics.reports.sachbericht import partner_of
from zakid_metrics.warehouse import next_snapshot, read_snapshot

E = Decimal
D = dt.date


@pytest.fixture()
def rates(report_data: Path) -> funding.BaseRates:
    """The shipped base rates with the fixture's 2026 rate (DATA_DIR/reference)."""
    return funding.load_base_rates(report_data)


def test_interim_covers_the_calendar_year_clipped_to_the_grant(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2024)
    assert (report.period_from, report.period_to, report.as_of) == (
        D(2024, 4, 1),
        D(2024, 12, 31),
        D(2024, 12, 31),
    )
    assert (report.title, report.file_stem) == (
        "Zwischennachweis 2024",
        f"zwischennachweis_{GRANT_A}_2024",
    )
    assert not report.unfinished
    assert [rules.name for rules in report.regimes] == ["ANBest-P"]
    # the base rates in force up to the period's end, for the interest note
    assert [(r.valid_from, r.rate_percent) for r in report.base_rates] == [
        (D(2024, 1, 1), E("3.62")),
        (D(2024, 7, 1), E("3.37")),
    ]


def test_the_year_defaults_to_the_last_completed_one(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 31.12.2025 23:30 UTC is already 2026 in Berlin (ZAKID_TIMEZONE): 2025 is completed
    assert last_completed_year(dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)) == 2025
    assert last_completed_year(dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC)) == 2024
    monkeypatch.setattr(builder, "last_completed_year", lambda: 2024)
    report = build_report(con, "interim", grant_id=GRANT_A)
    assert (report.year, report.period_from, report.period_to) == (
        2024,
        D(2024, 4, 1),
        D(2024, 12, 31),
    )


def test_vouchers_gross_vat_and_eligible_net(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "final", grant_id=GRANT_B)
    assert [
        (g.category, [(v.expenditure_id, v.amount_eur, v.vat_eur, v.eligible_eur)
                      for v in g.vouchers])
        for g in report.voucher_groups
    ] == [
        ("personnel", [("B-01", E("4000.00"), E("0.00"), E("4000.00")),
                       ("B-02", E("5000.00"), E("0.00"), E("5000.00"))]),
        ("material", [("B-03", E("2380.00"), E("380.00"), E("2000.00")),
                      ("B-04", E("4760.00"), E("760.00"), E("4000.00"))]),
        ("investment", [("B-05", E("7735.00"), E("1235.00"), E("6500.00"))]),
        ("travel", [("B-06", E("1000.00"), E("0.00"), E("1000.00"))]),
    ]  # fmt: skip
    # 24 875 gross, 2 375 VAT in it, 22 500 eligible: the statement's period figure
    assert (report.voucher_total_eur, report.voucher_eligible_eur) == (E("24875.00"), E("22500.00"))
    assert report.statements[0].period_actual_eur == E("22500.00")


def test_without_the_vat_deduction_the_gross_amount_is_eligible(
    con: duckdb.DuckDBPyConnection,
) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2024)
    material = report.voucher_groups[1]
    first = material.vouchers[0]
    assert (first.expenditure_id, first.vat_eur, first.eligible_eur) == (
        "A-002",
        E("957.98"),
        E("6000.00"),
    )
    assert (material.subtotal_eur, material.subtotal_eligible_eur) == (
        E("10000.00"),
        E("10000.00"),
    )


def test_final_voucher_list_by_category_then_date(
    con: duckdb.DuckDBPyConnection, rates: funding.BaseRates
) -> None:
    report = build_report(con, "final", grant_id=GRANT_A, rates=rates)
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
    # the final report judges against the plan of all years, 143 000; 52 490,12 of it funded
    figures = report.statements[0].figures
    assert (figures.total_planned_eur, figures.total_actual_eur) == (
        E("143000.00"),
        E("104980.24"),
    )
    assert (funding.cents(figures.grant_share_eur), figures.received_eur) == (
        E("52490.12"),
        E("50000.00"),
    )
    # more called than used would be refunded; here 2 490,12 are still to be called
    assert figures.refund_due_eur == 0


def test_per_year_comparison_is_information_only(
    con: duckdb.DuckDBPyConnection, rates: funding.BaseRates
) -> None:
    report = build_report(con, "final", grant_id=GRANT_A, rates=rates)
    years = [(y.year, y.category, y.planned_eur, y.actual_eur) for y in report.statements[0].years]
    assert years == [
        (2024, "personnel", E("40000.00"), E("32345.67")),
        (2024, "material", E("8000.00"), E("10000.00")),
        (2024, "travel", E("2000.00"), E("2400.00")),
        (2025, "personnel", E("50000.00"), E("45000.00")),
        (2025, "material", E("10000.00"), E("4000.00")),
        (2025, "travel", E("10000.00"), E("1234.57")),
        (2026, "personnel", E("20000.00"), E("10000.00")),
        (2026, "material", E("2000.00"), E("0.00")),
        (2026, "travel", E("1000.00"), E("0.00")),
    ]
    # material is 25 % over in 2024 alone, yet within plan over the whole period: the status
    # is judged on the cumulative figures only
    lines = {line.category: line.status for line in report.statements[0].figures.lines}
    assert lines == {"personnel": "within_plan", "material": "within_plan",
                     "travel": "within_plan"}  # fmt: skip


def test_calls_as_they_stood_on_the_as_of_day(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    assert [(d.disbursement_id, d.received_on, d.amount_eur, d.in_period)
            for d in report.disbursements] == [
        ("D-A1", D(2024, 4, 10), E("10000.00"), False),
        ("D-A2", D(2024, 7, 5), E("15000.00"), False),
        ("D-A3", D(2025, 1, 10), E("20000.00"), True),
        ("D-A4", D(2025, 12, 5), E("5000.00"), True),
    ]  # fmt: skip
    assert report.inventory == ()  # the inventory list belongs to the final report


def test_partner_names_of_recipients() -> None:
    assert partner_of("Universität Duisburg-Essen") == "UDE"
    assert partner_of("UDE") == "UDE"
    assert partner_of("University of Duisburg-Essen") == "UDE"
    assert partner_of("Fraunhofer IMS") == "Fraunhofer IMS"
    assert (
        partner_of("Fraunhofer-Institut für Mikroelektronische Schaltungen und Systeme IMS")
        == "Fraunhofer IMS"
    )
    assert partner_of("KROHNE Messtechnik GmbH") == "Krohne"
    assert partner_of("Stadt Duisburg") is None
    # whole words only: "ude" inside a word is no partner
    assert partner_of("Gebäude- und Liegenschaftsamt Duisburg") is None


def test_own_figures_are_the_grants_own(con: duckdb.DuckDBPyConnection) -> None:
    own = build_report(con, "interim", grant_id=GRANT_A, year=2025).own
    assert own is not None and own.partner == "UDE"
    # J1 (since 2024) and J2 (created 2025, half time) are funded by A; J5 by B
    assert [(p.job_id, p.fte, p.exists_at_end, p.created_in_period) for p in own.positions] == [
        ("J1", 1.0, True, False),
        ("J2", 0.5, True, True),
    ]
    assert (own.positions_created, own.positions_existing, own.fte_existing) == (1, 2, 1.5)
    # the projects with UDE among their partners, and their external jobs (J3, J4)
    assert [(p.project_id, p.partner, p.external_jobs) for p in own.projects] == [
        ("P1", "UDE", 1),
        ("P2", "UDE;Fraunhofer IMS", 1),  # as the ingest normalises the list
    ]
    earlier = build_report(con, "interim", grant_id=GRANT_A, year=2024).own
    assert [p.job_id for p in earlier.positions] == ["J1"]
    assert [p.project_id for p in earlier.projects] == ["P1"]


def test_a_recipient_that_is_no_partner_has_no_projects(con: duckdb.DuckDBPyConnection) -> None:
    own = build_report(con, "final", grant_id=GRANT_B).own
    assert (own.partner, own.projects) == (None, ())
    # J5 ended on 30.09.2025: funded in the period, gone by its end
    assert [(p.job_id, p.exists_at_end, p.created_in_period) for p in own.positions] == [
        ("J5", False, True)
    ]
    krohne = build_report(con, "interim", grant_id=GRANT_D, year=2025).own
    assert (krohne.partner, [p.project_id for p in krohne.projects]) == ("Krohne", ["P3"])
    assert krohne.positions == ()


def test_targets_due_later_are_shown_not_compared(con: duckdb.DuckDBPyConnection) -> None:
    def figure(report: builder.Report, kpi_id: str) -> builder.KpiFigure:
        return next(f for s in report.sections for f in s.figures if f.kpi_id == kpi_id)

    early = figure(
        build_report(con, "interim", grant_id=GRANT_A, year=2024), "jobs_project_related_created"
    )
    # no target is due by 31.12.2024: nothing compared, no shortfall
    assert (early.value, early.target, early.deviation) == (1, None, None)
    assert early.later == (Milestone(D(2025, 12, 31), 5.0), Milestone(D(2026, 6, 30), 8.0))
    due = figure(
        build_report(con, "interim", grant_id=GRANT_A, year=2025), "jobs_project_related_created"
    )
    # J1, J2 and J5 created by 31.12.2025 in the joint project, against 5 due on that day
    assert (due.value, due.target, due.deviation) == (3, Milestone(D(2025, 12, 31), 5.0), -2.0)
    assert due.later == (Milestone(D(2026, 6, 30), 8.0),)


def test_grant_without_expenditures_gets_zeros_and_a_note(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "interim", grant_id=GRANT_C, year=2025)
    figures = report.statements[0].figures
    assert [(line.category, line.planned_eur, line.actual_eur, line.status)
            for line in figures.lines] == [
        ("personnel", E("25000.00"), E("0"), "within_plan")
    ]  # fmt: skip
    assert (figures.grant_share_eur, figures.received_eur, figures.premature_calls) == (0, 0, ())
    assert (report.voucher_groups, report.disbursements) == ((), ())
    assert report.notes == (
        "Im Berichtszeitraum wurden keine Ausgaben gebucht; alle Beträge sind 0,00 €.",
    )


def test_summary_states_every_grant_of_the_year(con: duckdb.DuckDBPyConnection) -> None:
    report = build_report(con, "summary", year=2025)
    assert report.grant is None and report.file_stem == "verbunduebersicht_2025"
    assert [
        (s.grant.grant_id, s.figures.kind, s.figures.period,
         funding.cents(s.figures.grant_share_eur))
        for s in report.statements
    ] == [
        (GRANT_A, "interim", (D(2025, 1, 1), D(2025, 12, 31)), E("25117.29")),
        (GRANT_B, "interim", (D(2025, 1, 1), D(2025, 12, 31)), E("16800.00")),
        (GRANT_C, "interim", (D(2025, 1, 1), D(2025, 12, 31)), E("0.00")),
        (GRANT_D, "interim", (D(2025, 1, 1), D(2025, 12, 31)), E("14500.00")),
    ]  # fmt: skip
    # 2025's share of A: 0,5 × 50 234,57 = 25 117,285, rounded half up once
    assert [r.name for r in report.regimes] == ["ANBest-P", "ANBest-Gk", "ANBest-P-Kosten", "NKBF"]
    assert report.own is None
    # 2024: only A had begun
    assert [g.grant_id for g in build_report(con, "summary", year=2024).grants] == [GRANT_A]


def test_provenance_names_the_files_and_their_hashes(
    con: duckdb.DuckDBPyConnection, delivery: Path
) -> None:
    report = build_report(con, "interim", grant_id=GRANT_A, year=2025)
    files = {(s.entity, s.file): s.sha256 for s in report.sources}
    # every file the report reads; the inventory only in the final report
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
            "revenues.csv",
            "targets.csv",
        )
    }
    assert files == expected
    assert [run.run_id for run in report.load_runs] == [report.snapshot.run_id] == [1]
    final = build_report(con, "final", grant_id=GRANT_B)
    assert ("inventory", "inventory.csv") in {(s.entity, s.file) for s in final.sources}


def test_choices_list_the_years_that_can_be_reported(con: duckdb.DuckDBPyConnection) -> None:
    choices = report_choices(con)
    assert [g.grant_id for g in choices.grants] == [GRANT_A, GRANT_B, GRANT_C, GRANT_D]
    # a grant's last, partial year is its final report's; B runs for 2025 only
    assert choices.interim_years == {
        GRANT_A: (2024, 2025),
        GRANT_B: (),
        GRANT_C: (2025,),
        GRANT_D: (2025,),
    }
    assert choices.summary_years[:3] == (2024, 2025, 2026)


def test_a_missing_base_rate_names_the_rate_and_where_to_add_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # A's D-A4 (received 05.12.2025) is used late on 15.02.2026: interest runs into 2026,
    # which the shipped base rates do not cover yet
    with pytest.raises(BaseRateMissingError) as raised:
        build_report(con, "final", grant_id=GRANT_A, rates=funding.load_base_rates(tmp_path))
    assert raised.value.message == "No base rate (Basiszinssatz) is known for 01.01.2026."
    assert raised.value.hint == (
        "Add the rate in force from that day (published by the Deutsche Bundesbank) as a line "
        f"`valid_from,rate_percent,source` to {tmp_path / 'reference' / 'base_rates.csv'}, "
        "then run again."
    )


def test_a_period_before_the_decision_has_no_figures_yet(tmp_path: Path) -> None:
    # A decided only in March 2025, with effect from 01.04.2024: its 2024 figures as of
    # 31.12.2024 do not exist yet, and the joint project had no decided grant in 2024
    delivery = write_delivery(tmp_path / "delivery")
    grants = (delivery / "grants.csv").read_bytes().replace(b"15.03.2024", b"15.03.2025")
    (delivery / "grants.csv").write_bytes(grants)
    with read_snapshot(load(delivery, tmp_path / "data")) as con:
        with pytest.raises(ReportError) as raised:
            build_report(con, "interim", grant_id=GRANT_A, year=2024)
        assert raised.value.message == (
            f"Grant {GRANT_A} was decided on 15.03.2025, after the report's as-of day 31.12.2024."
        )
        with pytest.raises(ReportError, match="No grant of the joint project was decided by"):
            build_report(con, "summary", year=2024)
        assert build_report(con, "interim", grant_id=GRANT_A, year=2025).grants[0].grant_id


def test_unknown_grant_lists_the_known_ones(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UnknownGrantError) as raised:
        build_report(con, "final", grant_id="01ZK9999")
    assert raised.value.message == "There is no grant '01ZK9999' in the published snapshot."
    assert raised.value.hint == (
        f"Known grants: {GRANT_A}, {GRANT_B}, {GRANT_C}, {GRANT_D}. Give one of them as --grant."
    )


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
