"""The bundled sample delivery loads end to end with exactly its planted errors rejected."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.collector.segments import device_stats
from pipelines.ingest import RunResult, ingest
from pipelines.readers import read_table
from pipelines.sample import PLANTED_ERRORS, SAMPLE_AS_OF
from pipelines.sample.companies import GROUP_MEMBERS, PUBLICLY_CONTROLLED
from zakid_metrics.contract import entity_for_file
from zakid_metrics.funding import (
    FundingFigures,
    FundingInputs,
    cents,
    load_base_rates,
    read_inputs,
    report_figures,
    report_period,
)
from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

# Every entity must be loaded from the sample: the completeness test looks for each name here.
ENTITIES_IN_SAMPLE = (
    "companies",
    "grants",
    "projects",
    "jobs",
    "deployments",
    "devices",
    "sdg_contributions",
    "budget",
    "expenditures",
    "disbursements",
    "courses",
    "targets",
    "revenues",
    "inventory",
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    data = tmp_path_factory.mktemp("sample-data")
    return data, ingest([SAMPLE], data)


def test_no_file_fails_and_nothing_is_lost(loaded: tuple[Path, RunResult]) -> None:
    _, run = loaded
    assert run.status == "ok"
    for f in run.files:
        if f.entity == "telemetry":
            continue
        assert f.status == "loaded", (f.file, f.errors)
        assert f.rows_read == f.rows_loaded + f.rows_rejected
        assert f.rows_read == len(read_table(SAMPLE / f.file).rows)


def test_exactly_the_planted_errors_are_rejected(loaded: tuple[Path, RunResult]) -> None:
    data, run = loaded
    with read_snapshot(data) as con:
        rejected = con.execute(
            'SELECT DISTINCT file, line, "column" FROM rejected_rows WHERE run_id = ? '
            "ORDER BY 1, 2, 3",
            [run.run_id],
        ).fetchall()
    planted = sorted({(e.file, e.line, e.column) for e in PLANTED_ERRORS})
    assert rejected == planted
    per_file = Counter(e.file for e in PLANTED_ERRORS)
    assert {f.file: f.rows_rejected for f in run.files if f.rows_rejected} == dict(per_file)


@pytest.mark.parametrize("entity", ENTITIES_IN_SAMPLE)
def test_every_entity_is_loaded(loaded: tuple[Path, RunResult], entity: str) -> None:
    data, run = loaded
    (result,) = [f for f in run.files if f.entity == entity]
    with read_snapshot(data) as con:
        count = con.execute(f"SELECT count(*) FROM {entity}").fetchone()[0]
    assert count == result.rows_loaded > 0


def test_extra_column_of_the_sdg_file_is_reported(loaded: tuple[Path, RunResult]) -> None:
    _, run = loaded
    (sdg,) = [f for f in run.files if f.entity == "sdg_contributions"]
    assert [w.en for w in sdg.warnings] == [
        f"{sdg.file}: columns bemerkung_intern are not part of the data contract and are ignored."
    ]


def test_umlauts_survive_windows_1252(loaded: tuple[Path, RunResult]) -> None:
    data, _ = loaded
    raw = (SAMPLE / "companies.csv").read_bytes().decode("cp1252")
    names = {row[1] for row in csv.reader(io.StringIO(raw), delimiter=";") if row}
    with read_snapshot(data) as con:
        stored = {name for (name,) in con.execute("SELECT name FROM companies").fetchall()}
    with_umlauts = {n for n in stored if any(c in n for c in "äöüÄÖÜß")}
    assert with_umlauts and with_umlauts <= names


def test_the_job_ledger_and_sme_columns_of_contract_version_2(
    loaded: tuple[Path, RunResult],
) -> None:
    data, _ = loaded
    with read_snapshot(data) as con:

        def one(sql: str) -> tuple[object, ...]:
            return con.execute(sql).fetchall()[0]

        # every project-related position names the grant that pays it; no external one does
        assert one(
            "SELECT count(*) FILTER (WHERE grant_id IS NULL AND category = 'project_related'), "
            "count(*) FILTER (WHERE grant_id IS NOT NULL AND category = 'external') FROM jobs"
        ) == (0, 0)
        # every workplace is known after the load; some lie outside Duisburg, some differ from
        # the company's seat
        assert one(
            "SELECT count(*) FILTER (WHERE workplace_postal_code IS NULL), "
            "count(*) FILTER (WHERE NOT in_duisburg(workplace_postal_code)) > 0, "
            "count(*) FILTER (WHERE j.workplace_postal_code <> c.postal_code) > 0 "
            "FROM jobs j LEFT JOIN companies c USING (company_id)"
        ) == (0, True, True)
        # follow-ups confirmed part of the positions
        confirmed, positions = one("SELECT count(confirmed_on), count(*) FROM jobs")
        assert 0 < confirmed < positions
        # group figures and public control decide the class of a few companies
        assert one(
            "SELECT count(*) FILTER (WHERE size_class_from_group), "
            "count(*) FILTER (WHERE size_class_public_control), "
            "count(*) FILTER (WHERE baseline_employees IS NULL) FROM companies"
        ) == (GROUP_MEMBERS, PUBLICLY_CONTROLLED, 0)


def test_loading_the_sample_again_changes_nothing(loaded: tuple[Path, RunResult]) -> None:
    data, _ = loaded
    again = ingest([SAMPLE], data)
    assert {f.status for f in again.files if entity_for_file(f.file) != "telemetry"} == {
        "unchanged"
    }


def test_the_telemetry_history_loads_whole(loaded: tuple[Path, RunResult]) -> None:
    data, run = loaded
    (history,) = [f for f in run.files if f.entity == "telemetry"]
    rows = pq.ParquetFile(SAMPLE / history.file).metadata.num_rows
    assert (history.status, history.format, history.rows_read, history.rows_loaded) == (
        "loaded",
        "parquet",
        rows,
        rows,
    )
    stats = device_stats(data)
    assert (len(stats), sum(s.readings for s in stats)) == (130, rows)


# --- The funder reports: every rule of CONTRACT.md section 4 shows in the sample ---------------

CONCEPT, IMS, UDE, KRO = "03STK0186", "03STK0187B", "03STK0187C", "03STK0187D"


@pytest.fixture(scope="module")
def funding_inputs(loaded: tuple[Path, RunResult]) -> dict[str, FundingInputs]:
    with read_snapshot(loaded[0]) as con:
        return read_inputs(con, SAMPLE_AS_OF)


def figures(inputs: FundingInputs, kind: str, year: int | None = 2025) -> FundingFigures:
    """A report's figures for the default report year (2025), on the shipped base rates."""
    period = report_period(inputs.grant, kind, year if kind == "interim" else None)  # type: ignore[arg-type]
    return report_figures(inputs, kind, period, load_base_rates())  # type: ignore[arg-type]


def test_the_interim_reports_of_2025_compute_on_the_shipped_base_rates(
    funding_inputs: dict[str, FundingInputs],
) -> None:
    assert sorted(funding_inputs) == [CONCEPT, "03STK0187A", IMS, UDE, KRO]
    for inputs in funding_inputs.values():
        assert figures(inputs, "interim").period[1] <= dt.date(2025, 12, 31)


def test_the_concept_phase_ended_with_idle_funds_and_a_refund(
    funding_inputs: dict[str, FundingInputs],
) -> None:
    # All from the catalogue: salaries 12 x 8 100 = 97 200; material 3 480.50 + 6 212 +
    # 4 150.80 + 2 960 + 5 830.40 = 22 633.70; subcontracting 29 750 + 14 875 + 19 040 +
    # 7 735 = 71 400; eligible 191 233.70, grant share 0.9 x 191 233.70 = 172 110.33.
    final = figures(funding_inputs[CONCEPT], "final")
    assert [(line.category, cents(line.actual_eur), line.status) for line in final.lines] == [
        ("personnel", Decimal("97200.00"), "within_plan"),
        ("material", Decimal("22633.70"), "within_plan"),
        # 2 % over its plan of 70 000, offset by the savings on the others (200 000 planned)
        ("subcontracting", Decimal("71400.00"), "over_offset"),
    ]
    assert cents(final.grant_share_eur) == Decimal("172110.33")
    assert final.received_eur == Decimal("190000.00")
    assert cents(final.refund_due_eur) == Decimal("17889.67")  # type: ignore[arg-type]
    # ANBest-Gk, 2 months. The use line (0.9 x eligible) stands at 30 593.25 on 30 August 2024
    # and reaches 57 368.25 on 12 September: 19 406.75 of the first call (received 10 July,
    # window to 10 September) used 64 days after receipt; interest 19 406.75 x 64 x 8.37 /
    # 36 500. The second call (50 000..120 000, received 12 November, window to 12 January)
    # is used up to 103 651.47 by 31 December, then 2 664 on 22 January, 7 290 on 31 January
    # and 6 394.53 on 18 February: e.g. 2 664 x (49 x 8.37 + 22 x 7.27) / 36 500. The third
    # call's rest (17 889.67) was never used, but its window (to 9 June) outlasts the grant:
    # it is the refund, not idle.
    assert [
        (p.disbursement_id, cents(p.amount_eur), p.used_on, p.days_idle, cents(p.interest_eur))
        for p in final.idle_funds
    ] == [
        ("MA-SKP-01", Decimal("19406.75"), dt.date(2024, 9, 12), 64, Decimal("284.82")),
        ("MA-SKP-02", Decimal("2664.00"), dt.date(2025, 1, 22), 71, Decimal("41.61")),
        ("MA-SKP-02", Decimal("7290.00"), dt.date(2025, 1, 31), 80, Decimal("126.93")),
        ("MA-SKP-02", Decimal("6394.53"), dt.date(2025, 2, 18), 98, Decimal("134.26")),
    ]


def test_the_stories_of_the_interim_reports_2025(funding_inputs: dict[str, FundingInputs]) -> None:
    reports = {grant_id: figures(inputs, "interim") for grant_id, inputs in funding_inputs.items()}
    # One Einzelansatz over 20 %: Fraunhofer's investments, bought ahead of plan in 2025
    over = [
        (grant_id, line.category)
        for grant_id, report in reports.items()
        for line in report.lines
        if line.status == "over_20"
    ]
    assert over == [(IMS, "investment")]
    # The university's call of August 2025 asked for 45 % more than its window needed
    assert {part.disbursement_id for part in reports[UDE].idle_funds} == {"MA-UDE-07"}
    assert all(part.days_idle > 42 and part.interest_eur > 0 for part in reports[UDE].idle_funds)
    # Krohne (cost basis) called the costs of two months ahead in June 2025
    (premature,) = reports[KRO].premature_calls
    assert premature.disbursement_id == "MA-KRO-06"
    assert premature.days_until_covered is not None and premature.interest_eur > 0
    # Krohne may deduct input VAT: its Einzelansätze count net amounts
    assert funding_inputs[KRO].grant.vat_deductible
    # The university's fees: 3 100 + 9 800 against 3 500 + 6 000 planned, 3 400 above plan
    assert reports[UDE].revenues.excess_eur == Decimal("3400.00")
