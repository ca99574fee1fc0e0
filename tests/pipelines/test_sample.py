"""The sample delivery: reproducible to the byte, in each export's format, errors where planted."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines.sample import (
    OFFLINE_STORY,
    PLANTED_ERRORS,
    SLOW_STORY,
    TELEMETRY_END,
    TELEMETRY_FILE,
    write_sample,
)
from pipelines.sample.delivery import LAYOUTS
from pipelines.sample.formats import GERMAN_EXCEL_CSV, Layout, spreadsheet_header
from pipelines.sample.rows import delivered_columns, eur
from zakid_metrics.contract import ENTITIES, Entity, Grant, Text

COMMITTED = Path(__file__).resolve().parents[2] / "data" / "sample"

GERMAN_EXCEL = (
    "budget.csv", "companies.csv", "disbursements.csv", "expenditures.csv", "grants.csv",
    "inventory.csv", "projects.csv", "revenues.csv",
)  # fmt: skip
TOOL_EXPORTS = ("courses.csv", "deployments.csv", "devices.csv", "targets.csv")
TABLES = sorted((*GERMAN_EXCEL, *TOOL_EXPORTS, "jobs.xlsx", "sdg_contributions.csv"))
FILES = sorted((*TABLES, TELEMETRY_FILE))
# encoding, delimiter of each CSV
CSV_FORMATS = {
    **dict.fromkeys(GERMAN_EXCEL, ("cp1252", ";")),
    **dict.fromkeys(TOOL_EXPORTS, ("utf-8", ",")),
    "sdg_contributions.csv": ("utf-8-sig", ";"),
}

# Rows per file, from the generator's constants.
ROW_COUNTS = {
    "grants.csv": 5,  # one per recipient, and the city's concept phase
    "budget.csv": 126,  # 4 grants x 6 categories x 5 years + the concept phase's 6 lines
    "companies.csv": 150,  # sum of COMPANY_MIX, 2 of them planted errors
    "projects.csv": 120,  # STATUS_QUOTAS (118) + 2 planted
    # personnel 711 (months paid per STAFF member up to October 2026:
    #   SDU 172, IMS 207, UDE 226, KRO 106)
    # + overhead 40 (4 grants x 10 quarters Q2/2024..Q3/2026)
    # + material 25 a month x 29 months + 11 in November 2026 = 736
    # + travel 10 x 29 + 4 = 294, subcontracting 5 x 29 + 1 = 146
    # + investments 18 (INVESTMENTS up to October 2026)
    # + corrections 9 (4 credit notes, 2 reversed double bookings of 2 rows, 1 payroll)
    # + the concept phase: 12 salaries (June 2024 to May 2025) and 9 vouchers
    "expenditures.csv": 1_975,
    # every 2 months: SDU 14, IMS 15, UDE 14, KRO 13 (after the premature call of June 2025
    # there is nothing to call in August), + the concept phase's 3
    "disbursements.csv": 59,
    # own funds of the grants with a rate below 1, per year: SDU 5, KRO 5, concept phase 2;
    # project revenues IMS 5, UDE 5
    "revenues.csv": 22,
    "inventory.csv": 18,  # one per investment voucher (INVESTMENTS up to October 2026)
    "jobs.xlsx": 292,  # 22 STAFF positions + 268 external + 2 planted
    "deployments.csv": 40,  # 24 production + 4 second ones + 6 completed + 6 pilots
    "devices.csv": 150,  # DEVICES, one of them planted
    "sdg_contributions.csv": 45,  # sum of SDG_ROWS (44) + 1 planted
    "courses.csv": 28,  # COURSES_BY_SEMESTER: 5 + 3 + 7 + 6 + 7
    "targets.csv": 16,  # 2 job KPIs x 5 milestones + 6 others
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


def read_rows(folder: Path, name: str) -> tuple[list[str], dict[int, dict[str, str]]]:
    """Header (as written) and the non-empty rows by line or row number, keyed by column name."""
    if name.endswith(".xlsx"):
        sheet = openpyxl.load_workbook(folder / name).worksheets[0]
        header = [cell.value for cell in sheet[2]]
        columns = [str(value).strip().lower() for value in header]
        rows = {}
        for number, values in enumerate(sheet.iter_rows(min_row=3, values_only=True), start=3):
            texts = ["" if value is None else str(value) for value in values]
            rows[number] = dict(zip(columns, texts, strict=True))
        return [str(value) for value in header], rows
    encoding, delimiter = CSV_FORMATS[name]
    text = (folder / name).read_bytes().decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)
    columns = [name.strip().lower() for name in header]
    rows = {}
    for record in reader:
        if any(record):
            # No cell spans lines, so the reader's line count is the record's line.
            rows[reader.line_num] = dict(zip(columns, record, strict=True))
    return header, rows


def german_amount(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


# (1) Reproducible


def test_generating_twice_gives_the_same_bytes_as_the_committed_sample(tmp_path: Path) -> None:
    first = write_sample(tmp_path / "first")
    second = write_sample(tmp_path / "second")
    assert [path.name for path in first] == [path.name for path in second] == FILES
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        committed = COMMITTED / a.name
        assert committed.read_bytes() == a.read_bytes(), (
            f"data/sample/{a.name} differs from the generator's: run `python -m pipelines sample`"
        )


# (2) Columns from the contract


def test_every_entity_has_one_file() -> None:
    assert sorted(layout.entity for layout in LAYOUTS) == sorted(ENTITIES)
    assert sorted(layout.file for layout in LAYOUTS) == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_headers_are_the_contract_columns_as_typed(sample: Path, name: str) -> None:
    header, _ = read_rows(sample, name)
    extra = ["bemerkung_intern"] if name == "sdg_contributions.csv" else []
    entity = name.rsplit(".", 1)[0]
    assert [cell.strip().lower() for cell in header] == [*delivered_columns(entity), *extra]


def test_spreadsheet_headers_capitalise_words_and_abbreviations() -> None:
    assert spreadsheet_header("annual_gross_salary_eur") == "Annual_Gross_Salary_EUR"
    assert spreadsheet_header("builds_on_ude_research") == "Builds_On_UDE_Research"
    assert spreadsheet_header("sdg_goal") == "SDG_Goal"


class GrantWithCall(Grant):
    funding_call: Text | None = None


def test_a_new_contract_column_is_written_without_restating_the_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(ENTITIES, "grants", Entity("grants", GrantWithCall, ("grant_id",)))
    layout = Layout("grants", GERMAN_EXCEL_CSV, {"recipient": "Recipient "})
    row = {
        "grant_id": "G-1", "recipient": "Stadt", "sub_project": "Transfer", "programme": "STARK",
        "regime": "NKBF", "funding_rate": Decimal("0.5"), "vat_deductible": True,
        "approved_eur": eur(1_234.5), "decided_on": dt.date(2024, 5, 16),
        "starts_on": dt.date(2024, 6, 1), "ends_on": dt.date(2028, 5, 31),
        "funding_call": "KI-Transfer 2024",
    }  # fmt: skip
    assert layout.write([row]).decode("cp1252").split("\r\n")[:2] == [
        "Grant_ID;Recipient ;Sub_Project;Programme;Regime;Funding_Rate;Vat_Deductible;"
        "Approved_EUR;Decided_On;Starts_On;Ends_On;Funding_Call",
        "G-1;Stadt;Transfer;STARK;NKBF;0,5;ja;1.234,50;16.05.2024;01.06.2024;31.05.2028;"
        "KI-Transfer 2024",
    ]
    del row["funding_call"]
    with pytest.raises(ValueError, match="funding_call"):
        layout.write([row])


# (3) Formats as real deliveries come


@pytest.mark.parametrize("name", GERMAN_EXCEL)
def test_german_excel_csv(sample: Path, name: str) -> None:
    raw = (sample / name).read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("cp1252")
    if name in ("companies.csv", "expenditures.csv", "grants.csv", "projects.csv"):
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # umlauts are single Windows-1252 bytes
    assert raw.count(b"\n") == raw.count(b"\r\n"), "every line ends with CRLF"
    assert raw.endswith(b"\r\n\r\n\r\n") and not raw.endswith(b"\r\n" * 4), "2 empty tail lines"
    header = text.split("\r\n", 1)[0]
    assert ";" in header and "," not in header
    assert any(name != name.strip() for name in header.split(";")), "stray spaces in the header"
    if name not in ("budget.csv", "revenues.csv"):  # plans have years, no dates
        assert re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert re.search(r";-?\d{1,3}(\.\d{3})+,\d{2}(;|\r)", text), "amounts like 1.234,56"


def test_german_booleans(sample: Path) -> None:
    _, companies = read_rows(sample, "companies.csv")
    assert {row["public_name_consent"] for row in companies.values()} == {"ja", "nein"}
    assert {row["is_craft"] for row in companies.values()} == {"x", ""}
    _, projects = read_rows(sample, "projects.csv")
    assert {row["builds_on_ude_research"] for row in projects.values()} == {"ja", "nein"}


def test_utf8_bom_csv_with_an_extra_column(sample: Path) -> None:
    raw = (sample / "sdg_contributions.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    assert raw.count(b"\n") == raw.count(b"\r\n")
    header = text.split("\r\n", 1)[0].split(";")
    assert [name.strip().lower() for name in header] == [
        *delivered_columns("sdg_contributions"),
        "bemerkung_intern",
    ]
    assert re.search(r";\d+,\d;", text), "decimal comma"
    assert re.search(r";\d{2}\.\d{2}\.\d{4};", text)
    assert ";ja;" in text and ";nein;" in text


@pytest.mark.parametrize("name", TOOL_EXPORTS)
def test_tool_export_csv(sample: Path, name: str) -> None:
    raw = (sample / name).read_bytes()
    assert not raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8")
    assert b"\r" not in raw and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    header = text.split("\n", 1)[0]
    assert header.split(",") == list(delivered_columns(name.removesuffix(".csv")))
    if name != "courses.csv":  # courses have semesters, no dates
        assert re.search(r",\d{4}-\d{2}-\d{2}(,|\n)", text)
    assert not re.search(r"\b\d{2}\.\d{2}\.\d{4}\b", text)


def test_tool_export_decimals_and_booleans(sample: Path) -> None:
    _, courses = read_rows(sample, "courses.csv")
    assert {row["embedded_ai"] for row in courses.values()} == {"true", "false"}
    assert "2.5" in {row["ects"] for row in courses.values()}
    assert '"Sensorik, Signalverarbeitung und KI"' in (sample / "courses.csv").read_text("utf-8")
    _, targets = read_rows(sample, "targets.csv")
    assert "0.8" in {row["target_value"] for row in targets.values()}


def test_cells_with_the_delimiter_or_quotes_are_quoted(sample: Path) -> None:
    text = (sample / "expenditures.csv").read_bytes().decode("cp1252")
    assert '"Dienstreise Brüssel; Vernetzungstreffen EU-Projekte"' in text
    assert '"Raummiete Mercatorhalle, Transferforum ""KI im Mittelstand"""' in text
    assert '"UDE;Fraunhofer IMS"' in (sample / "projects.csv").read_bytes().decode("cp1252")


def test_xlsx_has_row_one_empty_the_header_in_row_two_and_typed_cells(sample: Path) -> None:
    workbook = openpyxl.load_workbook(sample / "jobs.xlsx")
    sheet = workbook.worksheets[0]
    assert all(cell.value is None for cell in sheet[1])
    header = [str(cell.value).lower() for cell in sheet[2]]
    assert header == list(delivered_columns("jobs"))
    created = header.index("created_on") + 1
    fte = header.index("fte") + 1
    salary = header.index("annual_gross_salary_eur") + 1
    for row in range(3, sheet.max_row + 1):
        assert sheet.cell(row, created).is_date
        assert isinstance(sheet.cell(row, created).value, dt.datetime)
        assert "yyyy" in sheet.cell(row, created).number_format
        assert isinstance(sheet.cell(row, fte).value, int | float)
        assert sheet.cell(row, salary).value is None or sheet.cell(row, salary).data_type == "n"
    assert workbook.properties.created == dt.datetime(2026, 11, 20, 7, 30)


def test_xlsx_container_carries_no_time_of_generation(sample: Path) -> None:
    with zipfile.ZipFile(sample / "jobs.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# (4) Planted errors


def test_planted_errors_point_at_the_stated_value(sample: Path) -> None:
    assert 8 <= len(PLANTED_ERRORS) <= 12
    assert len({error.file for error in PLANTED_ERRORS}) >= 5
    assert len({(e.file, e.line) for e in PLANTED_ERRORS}) == len(PLANTED_ERRORS)
    for error in PLANTED_ERRORS:
        _, rows = read_rows(sample, error.file)
        assert rows[error.line][error.column] == error.value, error
        # The line shows the raw value in an editor too.
        if error.file.endswith(".csv") and error.value:
            encoding, _ = CSV_FORMATS[error.file]
            text = (sample / error.file).read_bytes().decode(encoding)
            assert error.value in text.splitlines()[error.line - 1]


def test_planted_errors_as_listed() -> None:
    assert sorted(
        (e.file, e.column, e.value) for e in PLANTED_ERRORS if e.column != "postal_code"
    ) == [
        ("companies.csv", "joined_on", "31.02.2025"),
        ("courses.csv", "completed", "22"),
        ("devices.csv", "device_class", "raspberry"),
        ("expenditures.csv", "amount_eur", "0,00"),
        ("expenditures.csv", "expenditure_id", "IMS-25-0125"),
        ("jobs.xlsx", "company_id", ""),
        ("jobs.xlsx", "fte", "1.5"),
        ("projects.csv", "company_id", "UN-0415"),
        ("projects.csv", "ended_on", "08.02.2025"),
        ("sdg_contributions.csv", "sdg_target", "7.2"),
    ]
    (postal,) = [e for e in PLANTED_ERRORS if e.column == "postal_code"]
    assert re.fullmatch(r"\d{4}", postal.value)


def test_nothing_refers_to_a_planted_row(sample: Path) -> None:
    planted_lines = {(e.file, e.line) for e in PLANTED_ERRORS}

    def ids(name: str, column: str) -> set[str]:
        _, rows = read_rows(sample, name)
        return {row[column] for line, row in rows.items() if (name, line) in planted_lines}

    def refs(name: str, column: str) -> set[str]:
        _, rows = read_rows(sample, name)
        return {row[column] for line, row in rows.items() if (name, line) not in planted_lines}

    bad_companies = ids("companies.csv", "company_id")
    assert bad_companies.isdisjoint(
        refs("projects.csv", "company_id") | refs("jobs.xlsx", "company_id")
    )
    bad_projects = ids("projects.csv", "project_id")
    for name in ("jobs.xlsx", "deployments.csv", "sdg_contributions.csv", "expenditures.csv"):
        assert bad_projects.isdisjoint(refs(name, "project_id")), name
    assert ids("devices.csv", "deployment_id") <= refs("deployments.csv", "deployment_id")


# (5) Counts


@pytest.mark.parametrize("name", TABLES)
def test_row_counts(sample: Path, name: str) -> None:
    _, rows = read_rows(sample, name)
    assert len(rows) == ROW_COUNTS[name]


def test_planted_errors_per_file() -> None:
    assert Counter(e.file for e in PLANTED_ERRORS) == {
        "companies.csv": 2, "projects.csv": 2, "expenditures.csv": 2, "jobs.xlsx": 2,
        "devices.csv": 1, "sdg_contributions.csv": 1, "courses.csv": 1,
    }  # fmt: skip


# (6) The plan and the stories the funder view tells


def test_approved_total_is_about_18_million(sample: Path) -> None:
    _, grants = read_rows(sample, "grants.csv")
    total = sum(german_amount(row["approved_eur"]) for row in grants.values())
    assert Decimal(17_000_000) <= total <= Decimal(19_000_000)
    for row in grants.values():
        planned = sum(
            german_amount(line["planned_eur"])
            for line in read_rows(sample, "budget.csv")[1].values()
            if line["grant_id"] == row["grant_id"]
        )
        rate = Decimal(row["funding_rate"].replace(",", "."))
        assert german_amount(row["approved_eur"]) == planned * rate


def test_one_recent_call_is_not_yet_received(sample: Path) -> None:
    _, calls = read_rows(sample, "disbursements.csv")
    pending = [row["disbursement_id"] for row in calls.values() if not row["received_on"]]
    assert pending == ["MA-IMS-15"]


# (7) Telemetry history: what the live page shows as the past


def test_telemetry_history_covers_the_live_devices_for_a_week(sample: Path) -> None:
    path = sample / TELEMETRY_FILE
    assert path.stat().st_size < 3_000_000
    table = pq.read_table(path)
    assert table.schema.names == [
        "device_id", "seq", "ts", "interval_s", "inferences", "latency_ms_mean",
        "latency_ms_p95", "latency_ms_max", "energy_mwh", "bytes_on_device", "bytes_uplinked",
        "temperature_c", "status", "model_version",
    ]  # fmt: skip
    assert table.schema.field("ts").type == pa.timestamp("ms", tz="UTC")
    con = duckdb.connect()
    con.register("history", table)
    ((devices, rows, first, last, gaps),) = con.execute(
        "SELECT count(DISTINCT device_id), count(*), min(ts), max(ts), "
        "count(*) FILTER (WHERE seq <> prev + 1) FROM ("
        "  SELECT *, lag(seq, 1, -1) OVER (PARTITION BY device_id ORDER BY ts) AS prev "
        "  FROM history)"
    ).fetchall()
    # Every device of a deployment live on the export day, installed and not removed: 130,
    # each with a reading every 5 minutes of the 7 days (2 016), one of them 6 hours (72) less.
    assert (devices, rows) == (130, 130 * 2016 - 72)
    assert (last, first) == (TELEMETRY_END, TELEMETRY_END - dt.timedelta(days=7, minutes=-5))
    assert gaps == 0, "seq counts up per device without gaps"
    _, rows_by_device = _csv_rows(sample, "devices.csv")
    assert set(table.column("device_id").to_pylist()) <= rows_by_device


def test_telemetry_history_tells_its_stories(sample: Path) -> None:
    con = duckdb.connect()
    con.register("history", pq.read_table(sample / TELEMETRY_FILE))
    start, length = OFFLINE_STORY
    silent = con.execute(
        "SELECT device_id FROM history GROUP BY device_id "
        "HAVING count(*) FILTER (WHERE ts >= ? AND ts < ?) = 0",
        [start, start + length],
    ).fetchall()
    assert len(silent) == 1
    start, length = SLOW_STORY
    ((slow, slo_breaches),) = con.execute(
        "SELECT count(DISTINCT device_id), count(*) FILTER (WHERE ts >= ? AND ts < ?) "
        "FROM history WHERE status = 'degraded'",
        [start, start + length],
    ).fetchall()
    assert (slow, slo_breaches) == (1, 48)
    # Daily rhythm: a working hour in Duisburg sees several times the inferences of a night.
    ((day, night),) = con.execute(
        "SELECT sum(inferences) FILTER (WHERE hour(ts AT TIME ZONE 'Europe/Berlin') = 10), "
        "sum(inferences) FILTER (WHERE hour(ts AT TIME ZONE 'Europe/Berlin') = 3) "
        "FROM history WHERE dayofweek(ts AT TIME ZONE 'Europe/Berlin') BETWEEN 1 AND 5"
    ).fetchall()
    assert day > 5 * night


def _csv_rows(folder: Path, name: str) -> tuple[list[str], set[str]]:
    header, rows = read_rows(folder, name)
    planted = {e.line for e in PLANTED_ERRORS if e.file == name}
    return header, {row["device_id"] for line, row in rows.items() if line not in planted}
