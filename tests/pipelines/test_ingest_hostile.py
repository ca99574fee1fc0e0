"""One hostile delivery file per test, written into tmp_path: what a careless partner or an
adversary sends is read right, rejected row by row with a reason, or flagged, never a crash."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from bench.bench_ingest import write_expenditures
from pipelines.ingest import FileResult, RunResult, ingest
from tests.pipelines.helpers import GRANT_G1, GRANTS, rejects, run_cli, table

COMPANIES = "company_id;name;employees;annual_turnover_eur;postal_code;joined_on"
EXPENDITURES = ("expenditure_id", "grant_id", "category", "paid_on", "amount_eur", "description")


def write(path: Path, lines: list[str], encoding: str = "cp1252", delimiter: str = ";") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def workbook(path: Path, rows: list[list[object]], title: str = "Daten") -> openpyxl.Workbook:
    """A workbook whose first sheet holds `rows` from A1; the caller adds its quirk and saves."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    return book


def only(run: RunResult, name: str) -> FileResult:
    (found,) = [f for f in run.files if f.file == name]
    return found


def counts(result: FileResult) -> tuple[str, int, int, int]:
    return (result.status, result.rows_read, result.rows_loaded, result.rows_rejected)


def with_grant(folder: Path) -> Path:
    write(folder / "grants.csv", [GRANTS, GRANT_G1])
    return folder


# --- Values that cannot be stored: a rejected row each, never a failed run ----------------------


def test_a_20_digit_amount_is_a_rejected_row_and_the_delivery_loads(tmp_path: Path) -> None:
    folder = with_grant(tmp_path / "d")
    write(
        folder / "expenditures.csv",
        [
            ";".join(EXPENDITURES),
            "E1;G1;travel;03.06.2024;12345678901234567890,00;Dienstreise",
            "E2;G1;travel;03.06.2024;9.999.999.999.999.999,99;Höchstbetrag",
            "E3;G1;travel;03.06.2024;10.000.000.000.000.000,00;Eins zu viel",
        ],
    )
    run = ingest([folder], tmp_path / "data")
    assert run.status == "ok"
    assert counts(only(run, "expenditures.csv")) == ("loaded", 3, 1, 2)
    assert rejects(tmp_path / "data", 1) == [
        ("expenditures.csv", 2, "amount_eur", "12345678901234567890,00", "out_of_range"),
        ("expenditures.csv", 4, "amount_eur", "10.000.000.000.000.000,00", "out_of_range"),
    ]
    assert table(tmp_path / "data", "SELECT amount_eur FROM expenditures") == [
        (Decimal("9999999999999999.99"),)
    ]
    assert table(
        tmp_path / "data", "SELECT reason, reason_de FROM rejected_rows WHERE line = 2"
    ) == [
        (
            "'12345678901234567890,00' in 'amount_eur' is too large to be stored (allowed: "
            "±9999999999999999.99). Check the cell; perhaps digits were duplicated or an "
            "exponent was exported.",
            "„12345678901234567890,00“ in „amount_eur“ ist zu groß, um gespeichert zu werden "
            "(zulässig: ±9999999999999999.99). Bitte die Zelle prüfen; vielleicht wurden "
            "Ziffern verdoppelt oder ein Exponent exportiert.",
        )
    ]


def test_an_integer_over_2_63_is_a_rejected_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d" / "companies.csv",
        [
            COMPANIES,
            "C1;Groß GmbH;9223372036854775808;;47051;01.07.2024",
            "C2;Klein KG;9223372036854775807;;47051;01.07.2024",
        ],
    )
    run = ingest([path], tmp_path / "data")
    assert counts(only(run, "companies.csv")) == ("loaded", 2, 1, 1)
    assert rejects(tmp_path / "data", 1) == [
        ("companies.csv", 2, "employees", "9223372036854775808", "out_of_range")
    ]
    assert table(tmp_path / "data", "SELECT employees FROM companies") == [(2**63 - 1,)]


def test_1e300_in_xlsx_number_cells_is_a_rejected_row(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["company_id", "name", "employees", "annual_turnover_eur", "postal_code", "joined_on"],
            ["C1", "Riesig AG", 1e300, None, "47051", dt.date(2024, 7, 1)],
            ["C2", "Reich AG", 3, 1e300, "47051", dt.date(2024, 7, 1)],
            ["C3", "Normal GmbH", 3, 1_500_000.5, "47051", dt.date(2024, 7, 1)],
        ],
    )
    book.save(path)
    run = ingest([path], tmp_path / "data")
    assert counts(only(run, "companies.xlsx")) == ("loaded", 3, 1, 2)
    assert rejects(tmp_path / "data", 1) == [
        ("companies.xlsx", 2, "employees", "1e+300", "out_of_range"),
        ("companies.xlsx", 3, "annual_turnover_eur", "1e+300", "out_of_range"),
    ]


# --- German grouped numbers: read right by the file's evidence, or rejected as ambiguous -------


def test_grouped_amount_in_a_tab_export_follows_the_decimal_commas_of_the_file(
    tmp_path: Path,
) -> None:
    folder = with_grant(tmp_path / "d")
    write(
        folder / "expenditures.csv",
        [
            ";".join(EXPENDITURES),
            "E1;G1;travel;03.06.2024;12.500;Messe",
            "E2;G1;travel;03.06.2024;1.234,56;Hotel",
        ],
        delimiter="\t",
    )
    run = ingest([folder], tmp_path / "data")
    assert counts(only(run, "expenditures.csv")) == ("loaded", 2, 2, 0)
    assert table(tmp_path / "data", "SELECT amount_eur FROM expenditures ORDER BY 1") == [
        (Decimal("1234.56"),),
        (Decimal("12500.00"),),
    ]


def test_grouped_amount_in_a_tab_export_without_evidence_is_ambiguous(tmp_path: Path) -> None:
    folder = with_grant(tmp_path / "d")
    write(
        folder / "expenditures.csv",
        [";".join(EXPENDITURES), "E1;G1;travel;03.06.2024;12.500;Messe"],
        delimiter="\t",
    )
    run = ingest([folder], tmp_path / "data")
    assert counts(only(run, "expenditures.csv")) == ("loaded", 1, 0, 1)
    assert table(tmp_path / "data", "SELECT value, code, reason, reason_de FROM rejected_rows") == [
        (
            "12.500",
            "ambiguous_number",
            "'12.500' in 'amount_eur' is ambiguous: it can be 12500 (with a thousands "
            "separator) or a number with decimals, and no other number of the file shows "
            "whether it writes decimals with a comma or a point. Write 12500 without a "
            "thousands separator, or the decimal number with its decimals in full.",
            "„12.500“ in „amount_eur“ ist mehrdeutig: gemeint sein kann 12500 (mit "
            "Tausendertrennzeichen) oder eine Zahl mit Nachkommastellen, und keine andere Zahl "
            "der Datei zeigt, ob Nachkommastellen mit Komma oder Punkt geschrieben werden. "
            "Bitte 12500 ohne Tausendertrennzeichen schreiben oder die Dezimalzahl mit allen "
            "Nachkommastellen.",
        )
    ]


def test_grouped_amounts_in_xlsx_text_cells(tmp_path: Path) -> None:
    folder = with_grant(tmp_path / "d")
    path = folder / "expenditures.xlsx"
    book = workbook(
        path,
        [
            list(EXPENDITURES),
            ["E1", "G1", "travel", dt.date(2024, 6, 3), "2.000 €", "Messe"],
            ["E2", "G1", "travel", dt.date(2024, 6, 3), "1.500,50 €", "Hotel"],
            ["E3", "G1", "travel", dt.date(2024, 6, 3), 300, "Bahn"],
        ],
    )
    book.save(path)
    run = ingest([folder], tmp_path / "data")
    assert counts(only(run, "expenditures.xlsx")) == ("loaded", 3, 3, 0)
    assert table(
        tmp_path / "data", "SELECT expenditure_id, amount_eur FROM expenditures ORDER BY 1"
    ) == [("E1", Decimal("2000.00")), ("E2", Decimal("1500.50")), ("E3", Decimal("300.00"))]
    # The same text cell without a decimal comma anywhere in the file: ambiguous.
    book = workbook(
        path, [list(EXPENDITURES), ["E1", "G1", "travel", dt.date(2024, 6, 3), "2.000 €", "M"]]
    )
    book.save(path)
    run = ingest([folder], tmp_path / "data")
    assert counts(only(run, "expenditures.xlsx")) == ("loaded", 1, 0, 1)
    assert rejects(tmp_path / "data", 2) == [
        ("expenditures.xlsx", 2, "amount_eur", "2.000 €", "ambiguous_number")
    ]


def test_grouped_amount_in_a_semicolon_file_with_decimal_points_is_ambiguous(
    tmp_path: Path,
) -> None:
    folder = with_grant(tmp_path / "d")
    # A `;` file implies a decimal comma, but another column proves a point: `1.500` is then
    # read by neither, it is rejected.
    write(
        folder / "expenditures.csv",
        [
            "expenditure_id;grant_id;category;paid_on;amount_eur;description;project_id",
            "E1;G1;travel;03.06.2024;1.500;Messe;",
        ],
    )
    write(
        folder / "courses.csv",
        [
            "course_id;title;institution;semester;ects;enrolled",
            "K1;Embedded KI;UDE;WS 2025/26;7.5;1.200",
        ],
    )
    run = ingest([folder], tmp_path / "data")
    assert counts(only(run, "courses.csv")) == ("loaded", 1, 0, 1)
    assert rejects(tmp_path / "data", 1)[0] == (
        "courses.csv",
        2,
        "enrolled",
        "1.200",
        "ambiguous_number",
    )
    assert counts(only(run, "expenditures.csv")) == ("loaded", 1, 1, 0)
    assert table(tmp_path / "data", "SELECT amount_eur FROM expenditures") == [
        (Decimal("1500.00"),)
    ]


# --- XLSX quirks: read right or flagged ---------------------------------------------------------


def test_formulas_without_a_calculated_value_are_flagged(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["company_id", "name", "employees", "annual_turnover_eur", "postal_code", "joined_on"],
            ["C1", "Eins GmbH", 4, "=2*500000", "47051", "01.07.2024"],
            ["C2", "Zwei GmbH", "=2+3", None, "47051", "01.07.2024"],
        ],
    )
    book.save(path)  # openpyxl stores formulas without their results, as some generators do
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert counts(result) == ("loaded", 2, 1, 1)
    assert [w.en for w in result.warnings] == [
        "companies.xlsx: 2 cell(s) of sheet 'Daten' hold formulas whose result was not "
        "calculated when the file was saved (e.g. D2, C3); they were read as empty or as the "
        "stored placeholder (often 0). Open the file in Excel and save it again, so that the "
        "results are stored."
    ]
    assert result.warnings[0].de.startswith("companies.xlsx: 2 Zelle(n) des Blatts „Daten“")
    assert rejects(tmp_path / "data", 1) == [("companies.xlsx", 3, "employees", None, "missing")]
    assert json.loads(run.to_json())["files"][0]["warnings"] == [result.warnings[0].en]


def test_vertically_merged_cells_give_every_row_the_value(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["company_id", "name", "employees", "postal_code", "joined_on"],
            ["C1", "Eins GmbH", 4, "47051", "01.07.2024"],
            ["C2", "Zwei GmbH", 5, None, None],
            ["C3", "Drei GmbH", 6, None, None],
        ],
    )
    book.active.merge_cells("D2:D4")
    book.active.merge_cells("E2:E4")
    book.save(path)
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert counts(result) == ("loaded", 3, 3, 0)
    assert table(
        tmp_path / "data", "SELECT company_id, postal_code, joined_on FROM companies ORDER BY 1"
    ) == [(f"C{n}", "47051", dt.date(2024, 7, 1)) for n in (1, 2, 3)]
    assert [w.en for w in result.warnings] == [
        "companies.xlsx: 2 range(s) of sheet 'Daten' are merged over several rows (D2:D4, "
        "E2:E4); each row of a range was given the range's value, as Excel shows it. Check "
        "these rows."
    ]


def test_a_hidden_first_sheet_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["company_id", "name", "employees", "postal_code", "joined_on"],
            ["C1", "Sichtbar GmbH", 4, "47051", "01.07.2024"],
        ],
    )
    old = book.create_sheet("Alt", 0)
    old.append(["company_id", "name", "employees", "postal_code", "joined_on"])
    old.append(["C9", "Veraltet GmbH", 4, "47051", "01.07.2020"])
    old.sheet_state = "hidden"
    book.active = 1
    book.save(path)
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert counts(result) == ("loaded", 1, 1, 0)
    assert table(tmp_path / "data", "SELECT company_id FROM companies") == [("C1",)]
    assert [(w.en, w.de) for w in result.warnings] == [
        (
            "companies.xlsx: the hidden sheet(s) 'Alt' were not read; the data comes from the "
            "first visible sheet, 'Daten'.",
            "companies.xlsx: Ausgeblendete Blätter ('Alt') wurden nicht gelesen; die Daten "
            "stammen aus dem ersten sichtbaren Blatt „Daten“.",
        )
    ]


def test_hidden_and_filtered_rows_are_loaded_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [["company_id", "name", "employees", "postal_code", "joined_on"]]
        + [[f"C{n}", f"Firma {n}", n, "47051", "01.07.2024"] for n in range(1, 7)],
    )
    sheet = book.active
    sheet.auto_filter.ref = "A1:E7"
    for row in (3, 5, 6):
        sheet.row_dimensions[row].hidden = True
    book.save(path)
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert counts(result) == ("loaded", 6, 6, 0)
    assert [w.en for w in result.warnings] == [
        "companies.xlsx: 3 row(s) of sheet 'Daten' are hidden or filtered out in Excel (rows "
        "3, 5–6) and were loaded all the same. If they should not be delivered, delete them."
    ]


def test_a_1904_date_workbook_reads_its_dates_right(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["company_id", "name", "employees", "postal_code", "joined_on", "founded_on"],
            # A date cell, and the same day as a plain serial number of the 1904 system.
            ["C1", "Mac GmbH", 4, "47051", dt.date(2024, 7, 1), 44012],
        ],
    )
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    run = ingest([path], tmp_path / "data")
    assert counts(only(run, "companies.xlsx")) == ("loaded", 1, 1, 0)
    assert table(tmp_path / "data", "SELECT joined_on, founded_on FROM companies") == [
        (dt.date(2024, 7, 1), dt.date(2024, 7, 1))
    ]


# --- Single-byte encodings other than Windows-1252 ----------------------------------------------


def test_iso_8859_15_reads_the_euro_sign_and_says_so(tmp_path: Path) -> None:
    folder = with_grant(tmp_path / "d")
    write(
        folder / "expenditures.csv",
        [";".join(EXPENDITURES), "E1;G1;travel;03.06.2024;1.250,00 €;Büromaterial für Köln"],
        encoding="iso8859_15",
    )
    run = ingest([folder], tmp_path / "data")
    result = only(run, "expenditures.csv")
    assert (result.encoding, *counts(result)) == ("iso8859_15", "loaded", 1, 1, 0)
    assert table(tmp_path / "data", "SELECT amount_eur, description FROM expenditures") == [
        (Decimal("1250.00"), "Büromaterial für Köln")
    ]
    assert [w.en for w in result.warnings] == [
        "expenditures.csv is not UTF-8; it was read as ISO-8859-15, judging by its special "
        "characters (e.g. '€;Büromaterial'). If umlauts look wrong in the loaded data, save "
        "the file as CSV UTF-8."
    ]


def test_cp850_reads_the_umlauts(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d" / "companies.csv",
        [COMPANIES, "C1;Größe & Söhne Bäckerei;4;;47051;01.07.2024"],
        encoding="cp850",
    )
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.csv")
    assert (result.encoding, *counts(result)) == ("cp850", "loaded", 1, 1, 0)
    assert table(tmp_path / "data", "SELECT name FROM companies") == [("Größe & Söhne Bäckerei",)]
    assert "it was read as DOS cp850" in result.warnings[0].en


# --- Every entry of a delivery folder gets a line -----------------------------------------------


def test_subfolders_and_dot_files_are_listed_as_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    write(folder / "companies.csv", [COMPANIES, "C1;Eins GmbH;4;;47051;01.07.2024"])
    write(folder / "alt" / "companies.csv", [COMPANIES])
    write(folder / ".companies.csv", [COMPANIES])
    write(folder / "~$companies.xlsx", ["lock"])
    run = ingest([folder], tmp_path / "data")
    assert [(f.file, f.entity, f.status, [m.en for m in f.errors]) for f in run.files] == [
        (
            ".companies.csv",
            None,
            "skipped",
            [".companies.csv: a hidden file (its name starts with a dot); skipped."],
        ),
        (
            "alt",
            None,
            "skipped",
            [
                "alt: a folder inside the delivery; its files are not read and it is skipped. "
                "Put the files into the delivery folder itself."
            ],
        ),
        ("companies.csv", "companies", "loaded", []),
        (
            "~$companies.xlsx",
            None,
            "skipped",
            ["~$companies.xlsx: an Office lock file (the workbook is open in Excel); skipped."],
        ),
    ]
    assert run.status == "ok"
    assert table(tmp_path / "data", "SELECT file, status FROM load_files ORDER BY file") == [
        (".companies.csv", "skipped"),
        ("alt", "skipped"),
        ("companies.csv", "loaded"),
        ("~$companies.xlsx", "skipped"),
    ]


# --- An empty snapshot deletes nothing unless confirmed -----------------------------------------


def test_a_header_only_snapshot_deletes_nothing_unless_confirmed(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    full = write(
        tmp_path / "d1" / "companies.csv",
        [COMPANIES, "C1;Eins GmbH;4;;47051;01.07.2024", "C2;Zwei KG;5;;47051;01.07.2024"],
    )
    assert run_cli("ingest", str(full), "--data-dir", data).returncode == 0
    empty = write(tmp_path / "d2" / "companies.csv", [COMPANIES])
    held = run_cli("ingest", str(empty), "--data-dir", data, "--json")
    assert held.returncode == 1, held.stderr
    report = json.loads(held.stdout)
    assert report["status"] == "failed"
    assert report["empty_snapshots"] == [
        {"file": "companies.csv", "entity": "companies", "rows": 2}
    ]
    assert report["files"][0]["errors"] == [
        "companies.csv has no rows: as a full snapshot it would delete all 2 rows of companies, "
        "so it was not applied and they stay as they are. If they are really all gone, load it "
        "again with --allow-empty companies (in the app: confirm it on the upload page)."
    ]
    assert table(Path(data), "SELECT company_id FROM companies ORDER BY 1") == [("C1",), ("C2",)]
    wrong = run_cli("ingest", str(empty), "--data-dir", data, "--allow-empty", "firmen")
    assert wrong.returncode == 2 and "--allow-empty names no entity: firmen" in wrong.stderr
    confirmed = run_cli(
        "ingest", str(empty), "--data-dir", data, "--allow-empty", "companies", "--json"
    )
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["empty_snapshots"] == []
    assert table(Path(data), "SELECT count(*) FROM companies") == [(0,)]


def test_an_empty_snapshot_of_an_empty_entity_just_loads(tmp_path: Path) -> None:
    run = ingest([write(tmp_path / "d" / "companies.csv", [COMPANIES])], tmp_path / "data")
    assert (run.status, counts(only(run, "companies.csv"))) == ("ok", ("loaded", 0, 0, 0))
    assert run.empty_snapshots == []


# --- Size guard ---------------------------------------------------------------------------------


def test_a_file_over_the_size_guard_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    rows = [f"C{n};Firma {n} GmbH;4;;47051;01.07.2024" for n in range(40_000)]
    path = write(tmp_path / "d" / "companies.csv", [COMPANIES, *rows])
    assert 1_000_000 < path.stat().st_size < 2_000_000
    done = run_cli(
        "ingest", str(path), "--data-dir", str(tmp_path / "data"), "--json",
        env={"ZAKID_MAX_FILE_MB": "1"},
    )  # fmt: skip
    assert done.returncode == 1
    (result,) = json.loads(done.stdout)["files"]
    assert (result["status"], result["rows_read"]) == ("failed", 0)
    assert result["errors"] == [
        "companies.csv has 2 MB, more than the 1 MB a delivery file may have (setting "
        "ZAKID_MAX_FILE_MB); it is not read. Split it into smaller files, or raise the setting "
        "if the machine has the memory (about 4 times the file size)."
    ]


# --- Messages that say where the header and the data are ---------------------------------------


def test_a_title_row_above_the_header_is_pointed_out(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d" / "companies.csv",
        ["Unternehmen Stand 11/2026", "", COMPANIES, "C1;Eins GmbH;4;;47051;01.07.2024"],
    )
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.csv")
    assert result.status == "failed"
    assert [m.en for m in result.errors][1:] == [
        "companies.csv: the required columns (company_id, name, employees, postal_code, "
        "joined_on) stand in line 3; the header must be the first non-empty line. Delete the "
        "lines above line 3 (e.g. a title)."
    ]
    assert result.errors[1].de.startswith("companies.csv: Die Pflichtspalten (company_id,")


def test_a_merged_group_header_row_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(
        path,
        [
            ["Stammdaten", None, None, "Standort", None],
            ["company_id", "name", "employees", "postal_code", "joined_on"],
            ["C1", "Eins GmbH", 4, "47051", "01.07.2024"],
        ],
    )
    book.active.merge_cells("A1:C1")
    book.active.merge_cells("D1:E1")
    book.save(path)
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert result.status == "failed"
    assert [m.en for m in result.errors] == [
        "companies.xlsx: required column(s) company_id, name, employees, postal_code, "
        "joined_on missing (found: stammdaten, standort). Add the column(s) to the header row. "
        "The columns of companies are listed in docs/CONTRACT.md.",
        "companies.xlsx: sheet 'Daten' was read, the first visible sheet of the workbook "
        "('Daten'); the header is its first non-empty row.",
        "companies.xlsx: the required columns (company_id, name, employees, postal_code, "
        "joined_on) stand in row 2 of sheet 'Daten'; the header must be the first non-empty "
        "row. Delete the rows above row 2 (e.g. a title or merged group headings).",
    ]


def test_a_notes_sheet_placed_first_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "d" / "companies.xlsx"
    book = workbook(path, [["Hinweise zur Lieferung"], ["Bitte Blatt 2 beachten."]], "Hinweise")
    data = book.create_sheet("Unternehmen")
    data.append(["company_id", "name", "employees", "postal_code", "joined_on"])
    data.append(["C1", "Eins GmbH", 4, "47051", "01.07.2024"])
    book.save(path)
    run = ingest([path], tmp_path / "data")
    result = only(run, "companies.xlsx")
    assert result.status == "failed"
    assert [m.en for m in result.errors][1:] == [
        "companies.xlsx: sheet 'Hinweise' was read, the first visible sheet of the workbook "
        "('Hinweise', 'Unternehmen'); the header is its first non-empty row.",
        "companies.xlsx: the required columns (company_id, name, employees, postal_code, "
        "joined_on) stand in row 1 of sheet 'Unternehmen', but only the first visible sheet, "
        "'Hinweise', is read. Move sheet 'Unternehmen' to the front, or delete the sheets "
        "before it.",
    ]
    assert [m.de for m in result.errors][2] == (
        "companies.xlsx: Die Pflichtspalten (company_id, name, employees, postal_code, "
        "joined_on) stehen in Zeile 1 des Blatts „Unternehmen“, gelesen wird aber nur das "
        "erste sichtbare Blatt, „Hinweise“. Verschieben Sie das Blatt „Unternehmen“ nach vorn "
        "oder löschen Sie die Blätter davor."
    )


# --- A file broken far down undoes its first rows -----------------------------------------------


def test_a_file_broken_after_its_first_chunk_loads_nothing(tmp_path: Path) -> None:
    rows = [f"C{n};Firma {n};4;;47051;01.07.2024" for n in range(25_000)]
    path = write(tmp_path / "d" / "companies.csv", [COMPANIES, *rows, 'C9;"offen;1;;47051;x'])
    before = write(tmp_path / "d0" / "companies.csv", [COMPANIES, "C1;Eins;4;;47051;01.07.2024"])
    ingest([before], tmp_path / "data")
    run = ingest([path], tmp_path / "data")
    assert counts(only(run, "companies.csv")) == ("failed", 0, 0, 0)
    assert (
        only(run, "companies.csv")
        .errors[0]
        .en.startswith(
            "companies.csv is not valid CSV from line 25002 on: a quoted field is never closed."
        )
    )
    assert table(tmp_path / "data", "SELECT company_id FROM companies") == [("C1",)]
    assert table(tmp_path / "data", "SELECT count(*) FROM rejected_rows WHERE run_id = 2") == [(0,)]


@pytest.mark.parametrize("rows", [0, 10_001])
def test_duplicates_are_found_across_chunks(tmp_path: Path, rows: int) -> None:
    lines = [f"D{n};Firma {n};4;;47051;01.07.2024" for n in range(rows)]
    path = write(
        tmp_path / "d" / "companies.csv",
        [COMPANIES, "C0;Erste;4;;47051;01.07.2024", *lines, "C0;Letzte;4;;47051;01.07.2024"],
    )
    run = ingest([path], tmp_path / "data")
    assert counts(only(run, "companies.csv")) == ("loaded", rows + 2, rows + 1, 1)
    assert rejects(tmp_path / "data", 1) == [
        ("companies.csv", rows + 3, "company_id", "C0", "duplicate_key")
    ]
    assert table(tmp_path / "data", "SELECT name FROM companies WHERE company_id = 'C0'") == [
        ("Erste",)
    ]


# --- Memory: a load streams its file --------------------------------------------------------------


def test_a_load_streams_its_file(tmp_path: Path) -> None:
    """The memory Python allocates for a load does not grow with the file: a load that holds
    the file and its rows at once (7.9 GB for 200 MB) needs dozens of times the file's size.
    The whole process's peak on a 200 MB file is a figure of bench/bench_ingest.py."""
    peaks = {}
    for megabytes in (2, 7):
        folder = tmp_path / f"d{megabytes}"
        size = write_expenditures(folder, megabytes).stat().st_size
        tracemalloc.start()
        try:
            run = ingest([folder], tmp_path / f"data{megabytes}", max_file_mb=100)
            peaks[megabytes] = (size, tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert only(run, "expenditures.csv").status == "loaded"
    (small_size, small_peak), (large_size, large_peak) = peaks[2], peaks[7]
    # Flat: 0.8 MB more for 5 MB more file, from caches that fill up, not from the rows.
    assert large_peak - small_peak < (large_size - small_size) / 2
