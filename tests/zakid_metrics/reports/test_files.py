"""The rendered files: PDF text and pages, XLSX read back, manifest, byte-identical re-runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from pipelines.ingest import ingest
from tests.zakid_metrics.reports.conftest import GRANT_A, GRANT_B, write
from zakid_metrics.audit import read_audit
from zakid_metrics.reports import GeneratedReport, generate_report, list_generated
from zakid_metrics.reports.xlsx import SHEETS

MONEY = '#,##0.00 "€"'


def pdf_text(path: Path, page: int | None = None) -> str:
    """`pdftotext -layout` of the whole file or one page."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def lines(text: str) -> list[str]:
    """The text's lines with runs of spaces (pdftotext's column layout) made single."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def page_count(path: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


@pytest.fixture(scope="module")
def interim(report_data: Path, tmp_path_factory: pytest.TempPathFactory) -> GeneratedReport:
    out = tmp_path_factory.mktemp("interim")
    return generate_report(
        "interim", grant_id=GRANT_A, year=2024, data_dir=report_data, out_dir=out, user="test"
    )


def test_files_are_named_predictably(interim: GeneratedReport) -> None:
    stem = f"zwischennachweis_{GRANT_A}_2024"
    assert [path.name for path in interim.paths] == [
        f"{stem}.xlsx",
        f"{stem}.pdf",
        f"{stem}.manifest.json",
    ]
    # written atomically: no temporary file is left beside them
    assert sorted(path.name for path in interim.xlsx.parent.iterdir()) == sorted(
        path.name for path in interim.paths
    )


def test_pdf_shows_the_exact_german_figures(interim: GeneratedReport) -> None:
    text = pdf_text(interim.pdf)
    shown = lines(text)
    pages = page_count(interim.pdf)
    for expected in (
        f"Förderkennzeichen {GRANT_A}",
        "Berichtszeitraum 01.04.2024 – 31.12.2024",
        "Stand 31.12.2024",
        "Nebenbestimmungen ANBest-P",
        "Förderquote 50,00 %",
    ):
        assert expected in shown, expected
    for expected in (
        "Zwischennachweis 2024",
        "12.345,67 €",  # voucher A-001
        "-200,00 €",  # the correction
        "44.745,67 €",  # actual 2024
        "22.372,84 €",  # grant share, rounded half up on the total
        "22.372,83 €",  # own share
        "827,16 €",  # D-A1 idle at the end of its window
        "2.627,16 €",  # D-A2 still idle on the as-of day
        "Vom Zuwendungsempfänger auszufüllen",
        "ROUND_HALF_UP",
        "Rechtsverbindliche Unterschrift",
        f"Seite 1 von {pages}",
        f"Seite {pages} von {pages}",
    ):
        assert expected in text, expected
    # the plan-versus-actual line of 2024: material flagged, travel (exactly 20 % over) not
    assert "Sachausgaben 8.000,00 € 10.000,00 € 2.000,00 € 125,0 % > 20 %" in shown
    assert "Reisen 2.000,00 € 2.400,00 € 400,00 € 120,0 %" in shown
    assert "Summe 50.000,00 € 44.745,67 € -5.254,33 € 89,5 %" in shown


def test_pdf_is_dated_by_its_snapshot(interim: GeneratedReport) -> None:
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(interim.pdf)], capture_output=True, text=True, check=True
    ).stdout
    published = interim.report.snapshot.published_at.strftime("%Y-%m-%dT%H:%M:%S")
    assert f"CreationDate: {published}Z" in lines(info)
    assert "Title: Zwischennachweis 2024 – 01ZK2401A" in lines(info)


def test_xlsx_holds_numbers_dates_and_text_never_formulas(interim: GeneratedReport) -> None:
    book = openpyxl.load_workbook(interim.xlsx)
    assert book.sheetnames == list(SHEETS)
    vouchers = book["Belegliste"]
    assert vouchers.freeze_panes == "A2"
    assert vouchers.auto_filter.ref == "A1:G11"
    rows = list(vouchers.iter_rows(min_row=2, values_only=True))
    assert rows[0] == (
        GRANT_A,
        "Personalausgaben",
        "A-001",
        dt.datetime(2024, 4, 15),
        "Stadt Duisburg Personalamt",
        "Gehälter April 2024",
        12345.67,
    )
    assert rows[2] == (
        GRANT_A, "Personalausgaben", "Zwischensumme", None, None, "2 Belege", 32345.67,
    )  # fmt: skip
    assert rows[-1][0::6] == ("Summe", 44745.67)
    assert (vouchers["G2"].number_format, vouchers["D2"].number_format) == (MONEY, "dd.mm.yyyy")
    assert vouchers["G2"].data_type == "n"
    # texts that a spreadsheet would run are text, marked so they stay text when edited
    formula_like = vouchers["F6"]
    assert (formula_like.value, formula_like.data_type) == ("=SUMME(A1:A9) Sensorik-Kit", "s")
    assert formula_like.quotePrefix
    assert (vouchers["E6"].value, vouchers["E6"].quotePrefix) == ("@Sensor Distribution GmbH", True)
    assert vouchers.column_dimensions["F"].width >= len("=SUMME(A1:A9) Sensorik-Kit")

    plan = book["Soll-Ist"]
    assert plan.freeze_panes == "A2"
    material = next(row for row in plan.iter_rows(min_row=2) if row[2].value == "Sachausgaben")
    assert [cell.value for cell in material[3:]] == [2024, 8000, 10000, 2000, 1.25, "> 20 %"]
    assert (material[4].number_format, material[7].number_format) == (MONEY, "0.0 %")

    overview: dict[str, object] = {}
    for label, value, *_ in book["Übersicht"].iter_rows(values_only=True):
        overview.setdefault(label, value)
    assert overview["Förderkennzeichen"] == GRANT_A
    assert overview["Stand"] == "31.12.2024"
    assert overview["Snapshot-ID"].startswith(interim.report.snapshot.id)

    calls = list(book["Mittelabrufe"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert calls[0][:6] == (GRANT_A, "D-A1", dt.datetime(2024, 4, 2), dt.datetime(2024, 4, 10),
                        10000, "ja")  # fmt: skip
    kpis = {row[9]: row for row in book["Kennzahlen"].iter_rows(min_row=2, values_only=True)}
    assert kpis["jobs_project_related_created"][2:6] == (1, 5, dt.datetime(2025, 12, 31), -4)
    assert kpis["idle_funds"][2] == 2627.16


def test_manifest_records_inputs_figures_and_outputs(
    interim: GeneratedReport, delivery: Path
) -> None:
    manifest = json.loads(interim.manifest.read_text(encoding="utf-8"))
    snapshot = interim.report.snapshot
    assert manifest["report"] | {"rounding": ""} == {
        "kind": "interim",
        "title": "Zwischennachweis 2024",
        "grant_ids": [GRANT_A],
        "year": 2024,
        "period": {"from": "2024-04-01", "to": "2024-12-31"},
        "as_of": "2024-12-31",
        "rounding": "",
    }
    assert manifest["snapshot"] == {
        "id": snapshot.id,
        "run_id": 1,
        "published_at": snapshot.published_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    files = {item["file"]: item["sha256"] for item in manifest["source_files"]}
    assert (
        files["expenditures.csv"]
        == hashlib.sha256((delivery / "expenditures.csv").read_bytes()).hexdigest()
    )
    for kind, path in (("xlsx", interim.xlsx), ("pdf", interim.pdf)):
        assert manifest["outputs"][kind] == {
            "file": path.name,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "size_bytes": path.stat().st_size,
        }
    idle = next(k for k in manifest["kpis"] if k["kpi_id"] == "idle_funds")
    assert [(r["disbursement_id"], r["value"], r["days_idle"]) for r in idle["rows"]] == [
        ("D-A1", "0.00", 223),
        ("D-A2", "2627.16", 137),
    ]
    assert manifest["totals"]["grant_share_eur"] == "22372.84"
    assert manifest["libraries"]["reportlab"] == "5.1.0"


def test_report_is_audited(interim: GeneratedReport, report_data: Path) -> None:
    records = [r for r in read_audit(data_dir=report_data) if r.event == "report"]
    made = [r for r in records if r.details["files"][0] == interim.xlsx.name]
    assert made and made[-1].user == "test"
    assert made[-1].details["snapshot"] == interim.report.snapshot.id


def test_listed_with_the_snapshot_it_came_from(interim: GeneratedReport) -> None:
    (listed,) = list_generated(interim.xlsx.parent)
    assert (listed.kind, listed.grant_ids, listed.year, listed.snapshot_id) == (
        "interim",
        (GRANT_A,),
        2024,
        interim.report.snapshot.id,
    )
    assert listed.files == {"xlsx": interim.xlsx, "pdf": interim.pdf}


@pytest.mark.parametrize(
    ("kind", "grant_id", "year"),
    [("final", GRANT_A, None), ("interim", GRANT_B, 2025), ("summary", None, 2025)],
)
def test_same_snapshot_same_bytes(
    report_data: Path, tmp_path: Path, kind: str, grant_id: str | None, year: int | None
) -> None:
    made = [
        generate_report(
            kind, grant_id=grant_id, year=year, data_dir=report_data, out_dir=tmp_path / n,
            user="test",
        )
        for n in ("first", "second")
    ]  # fmt: skip
    for first, second in zip(made[0].paths, made[1].paths, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_grant_without_expenditures_says_so(report_data: Path, tmp_path: Path) -> None:
    made = generate_report(
        "interim", grant_id=GRANT_B, year=2025, data_dir=report_data, out_dir=tmp_path, user="t"
    )
    text = pdf_text(made.pdf)
    assert "Im Berichtszeitraum wurden keine Ausgaben gebucht; alle Beträge sind 0,00 €." in text
    assert "Bis zum Stand wurden keine Mittel abgerufen." in text
    assert "Personalausgaben 15.000,00 € 0,00 € -15.000,00 € 0,0 %" in lines(text)


# --- A long voucher list --------------------------------------------------------------------

VOUCHERS = 2000
LONG_GRANT = "01ZK2499X"


@pytest.fixture(scope="module")
def long_list(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedReport]:
    """An interim report over 2 000 vouchers, some with descriptions that wrap."""
    folder = tmp_path_factory.mktemp("long") / "delivery"
    write(
        folder / "grants.csv",
        [
            "grant_id,recipient,sub_project,programme,regime,funding_rate,approved_eur,"
            "decided_on,starts_on,ends_on",
            f"{LONG_GRANT},Fraunhofer IMS,TinyML,STARK,ANBest-P,1,900000.00,2024-12-01,"
            "2025-01-01,2026-12-31",
        ],
        german=False,
    )
    categories = ("personnel", "material", "travel", "overhead")
    write(
        folder / "budget.csv",
        ["budget_line_id,grant_id,category,year,planned_eur"]
        + [f"L{n},{LONG_GRANT},{c},2025,100000.00" for n, c in enumerate(categories)],
        german=False,
    )
    start = dt.date(2025, 1, 1)
    rows = ["expenditure_id,grant_id,category,paid_on,amount_eur,vendor,description"]
    for n in range(VOUCHERS):
        description = f"Beleg {n}" + (" mit einer langen Beschreibung" * 3 if n % 7 == 0 else "")
        rows.append(
            f"V{n:05d},{LONG_GRANT},{categories[n % 4]},{start + dt.timedelta(days=n % 365)},"
            f"{(n % 97) + 1}.25,Lieferant {n % 13},{description}"
        )
    write(folder / "expenditures.csv", rows, german=False)
    data_dir = folder.parent / "data"
    assert not ingest([folder], data_dir).any_failed
    yield generate_report(
        "interim", grant_id=LONG_GRANT, year=2025, data_dir=data_dir, out_dir=folder.parent / "out",
        user="test",
    )  # fmt: skip


def test_long_voucher_list_repeats_its_header_on_every_page(long_list: GeneratedReport) -> None:
    pages = page_count(long_list.pdf)
    texts = [pdf_text(long_list.pdf, page) for page in range(1, pages + 1)]
    first = next(n for n, text in enumerate(texts) if "2.5 Belegliste" in text)
    last = next(n for n, text in enumerate(texts) if "2.000 Belege" in text)  # the total row
    assert last - first >= 30, "2 000 vouchers fill dozens of pages"
    for n in range(first, last + 1):
        header = next(line for line in texts[n].splitlines() if "Beleg-Nr." in line)
        assert header.split() == ["Beleg-Nr.", "Datum", "Zahlungsempfänger", "Verwendungszweck",
                                  "Betrag"], n + 1  # fmt: skip
        assert f"Seite {n + 1} von {pages}" in texts[n]
    assert "Seite 1 von" in texts[0]
    listed = {word for text in texts for word in text.split() if word.startswith("V0")}
    assert len(listed) == VOUCHERS
    assert long_list.report.voucher_count == VOUCHERS
