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
from tests.zakid_metrics.reports.conftest import (
    GRANT_A,
    GRANT_B,
    GRANT_C,
    GRANT_D,
    REGIME_GRANTS,
    write,
)
from zakid_metrics import funding
from zakid_metrics.audit import read_audit
from zakid_metrics.reports import GeneratedReport, generate_report, list_generated, texts
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
        "Nebenbestimmungen Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung "
        "(ANBest-P)",
        "Finanzierungsart Ausgabenbasis",
        "Förderquote 50,00 %",
        "Vorsteuerabzug nicht berechtigt: Bruttobeträge zuwendungsfähig",
        # the Einzelansätze, cumulative, with their status
        "Personalausgaben 40.000,00 € 32.345,67 € 32.345,67 € -19,1 % im Plan",
        "Sachausgaben 8.000,00 € 10.000,00 € 10.000,00 € 25,0 % mehr als 20 % über Plan:",
        "Reisen 2.000,00 € 2.400,00 € 2.400,00 € 20,0 % über Plan, ausgeglichen (≤",
        "Summe 50.000,00 € 44.745,67 € 44.745,67 €",
        "Zuwendungsanteil des Berichtszeitraums (01.04.2024 – 31.12.2024) 22.372,84 €",
        "Erhaltene Mittel bis 31.12.2024 25.000,00 €",
        # idle parts: to the day of use, or not used by the end date
        "D-A1 827,17 € 10.04.2024 20.06.2024 71 13,87 €",
        "D-A2 2.100,00 € 05.07.2024 10.09.2024 67 32,26 €",
        "D-A2 2.527,17 € 05.07.2024 noch nicht verwendet 179 103,73 €",
        "Zinsen insgesamt 149,87 €",
        "Entfällt: Zuwendung auf Ausgabenbasis (Verwendungsfrist siehe nicht fristgerecht "
        "verwendete Mittel).",
        # the grant's own figures: its position and its recipient's project
        "J1 01.05.2024 – 1,00 unbekannt ja",
        "P1 Lagerprognose UDE Pilot 01.05.2024 1 0",
        "1.2 Verbundvorhaben insgesamt (nur Kontext)",
    ):
        assert expected in shown, expected
    for expected in (
        "Zwischennachweis 2024",
        "12.345,67 €",  # voucher A-001
        "-200,00 €",  # the correction
        "Vom Zuwendungsempfänger auszufüllen",
        "ROUND_HALF_UP",
        "Rechtsverbindliche Unterschrift",
        f"Seite 1 von {pages}",
        f"Seite {pages} von {pages}",
    ):
        assert expected in text, expected
    # the targets are due in 2025 and 2026: shown with their day, never as a shortfall
    jobs = next(line for line in shown if line.startswith("Projektbezogene Arbeitsplätze"))
    assert jobs == "Projektbezogene Arbeitsplätze geschaffen 1 – – 5 (fällig am"
    # no inventory list in an interim report
    assert "Inventarverzeichnis" not in text


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
    assert vouchers.auto_filter.ref == "A1:I11"
    rows = list(vouchers.iter_rows(min_row=2, values_only=True))
    assert rows[0] == (
        GRANT_A,
        "Personalausgaben",
        "A-001",
        dt.datetime(2024, 4, 15),
        "UDE Personalabteilung",
        "Gehälter April 2024",
        12345.67,
        0,
        12345.67,
    )
    assert rows[2] == (
        GRANT_A, "Personalausgaben", "Zwischensumme", None, None, "2 Belege", 32345.67, None,
        32345.67,
    )  # fmt: skip
    # A may not deduct input VAT: the VAT in A-002 stays eligible
    assert (rows[3][2], rows[3][7], rows[3][8]) == ("A-002", 957.98, 6000)
    assert rows[-1][0::6] == ("Summe", 44745.67)
    assert (vouchers["G2"].number_format, vouchers["D2"].number_format) == (MONEY, "dd.mm.yyyy")
    assert vouchers["G2"].data_type == "n"
    # texts that a spreadsheet would run are text, marked so they stay text when edited
    formula_like = vouchers["F6"]
    assert (formula_like.value, formula_like.data_type) == ("=SUMME(A1:A9) Sensorik-Kit", "s")
    assert formula_like.quotePrefix
    assert (vouchers["E6"].value, vouchers["E6"].quotePrefix) == ("@Sensor Distribution GmbH", True)
    assert vouchers.column_dimensions["F"].width >= len("=SUMME(A1:A9) Sensorik-Kit")

    lines = book["Einzelansätze"]
    assert lines.freeze_panes == "A2"
    material = next(row for row in lines.iter_rows(min_row=2) if row[1].value == "Sachausgaben")
    assert [cell.value for cell in material[2:]] == [
        8000, 10000, 10000, 0.25, "mehr als 20 % über Plan: Zustimmung erforderlich", "over_20",
    ]  # fmt: skip
    assert (material[2].number_format, material[5].number_format) == (MONEY, "0.0 %")

    statement = {row[0]: row[1] for row in book["Nachweis"].iter_rows(values_only=True)}
    assert statement["Zuwendungsanteil des Berichtszeitraums"] == 22372.84
    assert statement["Zinsen nach § 49a VwVfG"] == 149.87
    assert statement["Vorsteuerabzugsberechtigt"] == "nein"
    idle = [row for row in book["Nachweis"].iter_rows(values_only=True) if row[0] == "D-A2"]
    assert idle == [
        ("D-A2", 2100, dt.datetime(2024, 7, 5), dt.datetime(2024, 9, 10), 67, 32.26),
        ("D-A2", 2527.17, dt.datetime(2024, 7, 5), None, 179, 103.73),
    ]

    overview: dict[str, object] = {}
    for label, value, *_ in book["Übersicht"].iter_rows(values_only=True):
        overview.setdefault(label, value)
    assert overview["Förderkennzeichen"] == GRANT_A
    assert overview["Stand"] == "31.12.2024"
    assert overview["Snapshot-ID"].startswith(interim.report.snapshot.id)
    assert "Nr. 1.4 ANBest-P (Verwendung binnen 6 Wochen nach Auszahlung)" in overview

    calls = list(book["Mittelabrufe"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert calls[0][:6] == (GRANT_A, "D-A1", dt.datetime(2024, 4, 2), dt.datetime(2024, 4, 10),
                        10000, "ja")  # fmt: skip
    kpis = {row[8]: row for row in book["Sachbericht"].iter_rows(values_only=True) if row[8]}
    # no target is due by 31.12.2024: not compared, the later ones named with their day
    assert kpis["jobs_project_related_created"][2:7] == (
        1, None, None, None, "5 (fällig am 31.12.2025); 8 (fällig am 30.06.2026)",
    )  # fmt: skip


def test_manifest_records_inputs_figures_and_outputs(
    interim: GeneratedReport, delivery: Path
) -> None:
    manifest = json.loads(interim.manifest.read_text(encoding="utf-8"))
    snapshot = interim.report.snapshot
    assert manifest["report"] | {"rounding": "", "rule_basis": []} == {
        "kind": "interim",
        "title": "Zwischennachweis 2024",
        "grant_ids": [GRANT_A],
        "year": 2024,
        "period": {"from": "2024-04-01", "to": "2024-12-31"},
        "as_of": "2024-12-31",
        "rounding": "",
        "rule_basis": [],
    }
    assert manifest["report"]["rule_basis"] == [
        {
            "regime": "ANBest-P",
            "title": funding.RULES["ANBest-P"].title,
            "sources": list(funding.RULES["ANBest-P"].sources()),
        }
    ]
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
    # the same figures as `report --json` (test_figures.py works them out)
    assert manifest["figures"] == interim.report.figures_json()
    assert (manifest["figures"]["grant_share_eur"], manifest["figures"]["interest_eur"]) == (
        "22372.84",
        "149.87",
    )
    assert manifest["vouchers"] == {"count": 6, "total_eur": "44745.67", "eligible_eur": "44745.67"}
    assert [r["valid_from"] for r in manifest["base_rates"]] == ["2024-01-01", "2024-07-01"]
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
    [
        ("final", GRANT_A, None),
        ("final", GRANT_B, None),
        ("interim", GRANT_C, 2025),
        ("interim", GRANT_D, 2025),
        ("summary", None, 2025),
    ],
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
        "interim", grant_id=GRANT_C, year=2025, data_dir=report_data, out_dir=tmp_path, user="t"
    )
    text = pdf_text(made.pdf)
    assert "Im Berichtszeitraum wurden keine Ausgaben gebucht; alle Beträge sind 0,00 €." in text
    assert "Bis zum Stand wurden keine Mittel abgerufen." in text
    assert "Personalausgaben 25.000,00 € 0,00 € 0,00 € -100,0 % im Plan" in lines(text)


# --- Each regime's own rule basis -------------------------------------------------------------

REPORTS = {
    "ANBest-P": ("interim", GRANT_A, 2024),
    "ANBest-Gk": ("final", GRANT_B, None),
    "ANBest-P-Kosten": ("interim", GRANT_C, 2025),
    "NKBF": ("interim", GRANT_D, 2025),
}


@pytest.mark.parametrize("regime", list(REPORTS))
def test_each_regime_cites_its_own_rules(report_data: Path, tmp_path: Path, regime: str) -> None:
    kind, grant_id, year = REPORTS[regime]
    assert REGIME_GRANTS[regime] == grant_id
    made = generate_report(
        kind, grant_id=grant_id, year=year, data_dir=report_data, out_dir=tmp_path, user="t"
    )
    # pdftotext wraps long lines: compare the text with runs of white space made one space
    text = " ".join(pdf_text(made.pdf).split())
    rules = funding.RULES[regime]
    assert f"Nebenbestimmungen {rules.title}" in text
    for source in rules.sources():
        assert f"• {source}" in text, source
    shared = set(rules.sources())
    for other in funding.RULES.values():
        if other.name == regime:
            continue
        assert other.title not in text, other.name
        for source in set(other.sources()) - shared:
            assert source not in text, source
    assert "Nr. 6 ANBest-P " not in text or regime == "ANBest-P"
    overview = [row[0] for row in openpyxl.load_workbook(made.xlsx)["Übersicht"].iter_rows(
        values_only=True)]  # fmt: skip
    assert rules.title in overview and set(rules.sources()) <= set(overview)
    # the window or the premature calls: only what the regime's basis knows
    if rules.basis == "cost":
        assert "Entfällt: Zuwendung auf Kostenbasis, ohne Verwendungsfrist" in text
    else:
        assert f"innerhalb von {texts.window(rules)} nach Eingang" in text


def test_final_report_lists_the_inventory_and_the_refund(report_data: Path, tmp_path: Path) -> None:
    made = generate_report("final", grant_id=GRANT_B, data_dir=report_data, out_dir=tmp_path,
                           user="t")  # fmt: skip
    shown = lines(pdf_text(made.pdf))
    for expected in (
        "INV-B-01 Oszilloskop RTB2004 B-03 10.03.2025 1.200,00 € Labor 2.14",
        "INV-B-02 Edge-Server B-05 15.07.2025 6.500,00 € Serverraum",
        "Erstattungsbetrag 700,00 €",
        "Bewilligte Zuwendung (Höchstbetrag) 16.800,00 €",
        "Leistungen Dritter 1.000,00 € 1.800,00 €",
        "Markierung: Die tatsächlichen Deckungsmittel übersteigen den Plan um 800,00 €: die "
        "Zuwendung kann sich",
        "Vorsteuerabzug berechtigt: nur Nettobeträge zuwendungsfähig",
        "darin Umsatzsteuer 2.375,00 €",
        "davon zuwendungsfähig 22.500,00 €",
        "B-05 15.07.2025 Thomas-Krenn AG Edge-Server 7.735,00 € 6.500,00 €",
        "D-B2 3.000,00 € 01.04.2025 15.07.2025 105 61,51 €",
        "Nach ANBest-Gk kann die Bewilligungsbehörde von der Zinsforderung absehen; der Betrag ist "
        "dennoch ausgewiesen.",
    ):
        assert expected in shown, expected
    inventory = list(openpyxl.load_workbook(made.xlsx)["Inventar"].iter_rows(values_only=True))
    assert inventory[1] == (GRANT_B, "INV-B-01", "Oszilloskop RTB2004", "B-03",
                            dt.datetime(2025, 3, 10), 1200, "Labor 2.14")  # fmt: skip


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
    first = next(n for n, text in enumerate(texts) if "2.9 Belegliste" in text)
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
