"""Every quirk of real exports, written as real bytes on disk and read back exactly."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from string import Formatter

import openpyxl
import pytest

from pipelines.readers import (
    FILE_ERROR_KINDS,
    NOTE_CODES,
    RawRow,
    RawTable,
    read_table,
    sha256_of,
)
from zakid_metrics.errors import FileError
from zakid_metrics.i18n import CATALOGS, LANGUAGES


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_xlsx(tmp_path: Path, name: str, cells: dict[str, object]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for coordinate, value in cells.items():
        sheet[coordinate] = value
    path = tmp_path / name
    workbook.save(path)
    return path


def read_error(path: Path, kind: str, **kwargs: int) -> FileError:
    """The FileError reading `path` (its header, then its rows) raises, checked against its
    i18n texts in every language."""
    with pytest.raises(FileError) as info:
        list(read_table(path, **kwargs).iter_rows())
    error = info.value
    assert error.kind == kind
    assert error.params["file"] == path.name
    assert path.name in error.message
    assert error.hint
    for lang in LANGUAGES:
        template = CATALOGS[lang][f"file_error.{kind}"]
        placeholders = {field for _, field, _, _ in Formatter().parse(template) if field}
        assert placeholders == set(error.params), (lang, kind)
    return error


def test_every_file_error_kind_has_texts_in_every_language() -> None:
    for lang in LANGUAGES:
        assert {f"file_error.{kind}" for kind in FILE_ERROR_KINDS} <= set(CATALOGS[lang])


def test_every_read_note_has_texts_in_every_language() -> None:
    for lang in LANGUAGES:
        assert {f"read_note.{code}" for code in NOTE_CODES} <= set(CATALOGS[lang])


# CSV: encodings, delimiters, line ends


def test_cp1252_semicolon_crlf_with_umlauts_and_trailing_empty_lines(tmp_path: Path) -> None:
    text = (
        "company_id;name;street;turnover\r\n"
        "C1;Müller Präzisionstechnik GmbH;Königstraße 1;1.234,56 €\r\n"
        "C2;Bäckerei Groß;Straße 2;\r\n"
        "\r\n"
        "\r\n"
    )
    table = read_table(write(tmp_path, "companies.csv", text.encode("cp1252")))
    assert (table.format, table.encoding, table.delimiter, table.decimal) == (
        "csv",
        "cp1252",
        ";",
        ",",
    )
    assert table.header == ("company_id", "name", "street", "turnover")
    assert table.header_line == 1
    assert table.rows == [
        RawRow(2, ("C1", "Müller Präzisionstechnik GmbH", "Königstraße 1", "1.234,56 €")),
        RawRow(3, ("C2", "Bäckerei Groß", "Straße 2", None)),
    ]


def test_utf8_with_bom(tmp_path: Path) -> None:
    text = "company_id;name;street\r\nC1;Müller Präzisionstechnik GmbH;Straße 1 €\r\n"
    table = read_table(write(tmp_path, "companies.csv", text.encode("utf-8-sig")))
    assert table.encoding == "utf-8-sig"
    assert table.header == ("company_id", "name", "street")
    assert table.rows == [RawRow(2, ("C1", "Müller Präzisionstechnik GmbH", "Straße 1 €"))]


def test_utf8_without_bom_comma_lf(tmp_path: Path) -> None:
    text = "company_id,name,turnover\nC1,Müller Präzisionstechnik GmbH,1234.56\nC2,Straße €,\n"
    table = read_table(write(tmp_path, "companies.csv", text.encode("utf-8")))
    assert (table.encoding, table.delimiter, table.decimal) == ("utf-8", ",", ".")
    assert table.rows == [
        RawRow(2, ("C1", "Müller Präzisionstechnik GmbH", "1234.56")),
        RawRow(3, ("C2", "Straße €", None)),
    ]


def test_tab_delimited(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "jobs.csv", b"job_id\tfte\nJ1\t0.5\n"))
    # A TAB file implies no decimal separator: the file's cells decide (see test_ingest_hostile).
    assert (table.delimiter, table.decimal) == ("\t", None)
    assert table.header == ("job_id", "fte")
    assert table.rows == [RawRow(2, ("J1", "0.5"))]


def test_old_mac_cr_line_ends(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "jobs.csv", b"job_id;fte\rJ1;0,5\rJ2;1\r"))
    assert table.rows == [RawRow(2, ("J1", "0,5")), RawRow(3, ("J2", "1"))]


def test_single_column_file(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "companies.csv", b"company_id\r\nC1\r\nC2\r\n"))
    assert table.delimiter == ","
    assert table.header == ("company_id",)
    assert table.rows == [RawRow(2, ("C1",)), RawRow(3, ("C2",))]


# CSV: quoting and line numbers


def test_quoted_fields_with_delimiter_quotes_and_newlines(tmp_path: Path) -> None:
    text = (
        "project_id;title;partner\r\n"
        'P1;"Zeile eins\r\nZeile zwei; mit ""Zitat""";"UDE;Krohne"\r\n'
        'P2;"";Fraunhofer IMS\r\n'
    )
    table = read_table(write(tmp_path, "projects.csv", text.encode("cp1252")))
    assert table.rows == [
        RawRow(2, ("P1", 'Zeile eins\nZeile zwei; mit "Zitat"', "UDE;Krohne")),
        RawRow(4, ("P2", None, "Fraunhofer IMS")),
    ]


def test_space_before_quoted_field_after_comma(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "projects.csv", b'project_id, title\nP1, "a, b"\n'))
    assert table.header == ("project_id", "title")
    assert table.rows == [RawRow(2, ("P1", "a, b"))]


def test_delimiter_inside_quoted_header_name_does_not_count(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "x.csv", b'"a;b;c",d\n1,2\n'))
    assert table.delimiter == ","
    assert table.header == ("a;b;c", "d")


def test_empty_lines_skipped_and_later_line_numbers_right(tmp_path: Path) -> None:
    text = (
        "\r\n"  # 1
        ";;\r\n"  # 2
        "company_id;name;employees\r\n"  # 3
        ";;\r\n"  # 4
        "C1;A;1\r\n"  # 5
        "\r\n"  # 6
        ";  ; \xa0\r\n"  # 7
        "C2;B;2\r\n"  # 8
        '"";"";\r\n'  # 9
        'C3;"multi\r\nline";3\r\n'  # 10-11
        "C4;D;4\r\n"  # 12
        ";;;;\r\n"  # 13
        "\r\n"  # 14
    )
    table = read_table(write(tmp_path, "companies.csv", text.encode("utf-8")))
    assert table.header_line == 3
    assert [row.line for row in table.rows] == [5, 8, 10, 12]
    assert table.rows[2].values == ("C3", "multi\nline", "3")


def test_unclosed_quote_is_a_file_error_not_a_swallowed_file(tmp_path: Path) -> None:
    text = 'company_id;name\r\nC1;A\r\nC2;"B\r\nC3;C\r\nC4;D\r\n'
    error = read_error(write(tmp_path, "companies.csv", text.encode()), "broken_csv")
    assert error.params["line"] == 3


# CSV: header and cells


def test_header_names_trimmed_and_lower_cased(tmp_path: Path) -> None:
    text = " Company_ID ;\xa0Name\xa0;EMPLOYEES  ;\tJoined On\r\n C1 ;\xa0Straße\xa0; 3 ;x\r\n"
    table = read_table(write(tmp_path, "companies.csv", text.encode("cp1252")))
    assert table.header == ("company_id", "name", "employees", "joined on")
    assert table.rows == [RawRow(2, ("C1", "Straße", "3", "x"))]
    assert table.column_index() == {"company_id": 0, "name": 1, "employees": 2, "joined on": 3}


def test_extra_and_missing_cells(tmp_path: Path) -> None:
    text = "a;b;c\r\n1;2;3;4;;5\r\n1;2;3;;\r\n1\r\n"
    table = read_table(write(tmp_path, "x.csv", text.encode()))
    assert table.rows == [
        RawRow(2, ("1", "2", "3"), extra_cells=2),
        RawRow(3, ("1", "2", "3"), extra_cells=0),
        RawRow(4, ("1", None, None)),
    ]


def test_empty_header_columns_without_data_are_ignored(tmp_path: Path) -> None:
    text = "a;;b;;\r\n1;;2;;\r\n3; ;4;;\r\n"
    table = read_table(write(tmp_path, "x.csv", text.encode()))
    assert table.header == ("a", "b")
    assert table.rows == [RawRow(2, ("1", "2")), RawRow(3, ("3", "4"))]


def test_empty_header_cell_with_data_is_a_file_error(tmp_path: Path) -> None:
    text = "a;b;;\r\n1;2;;\r\n1;2;x;\r\n"
    error = read_error(write(tmp_path, "x.csv", text.encode()), "header")
    assert error.params == {"file": "x.csv", "line": 1, "column": "C", "name": ""}
    assert "line 3" in error.message


def test_duplicate_header_name_is_a_file_error(tmp_path: Path) -> None:
    text = "company_id;Name;employees; name \r\nC1;A;1;B\r\n"
    error = read_error(write(tmp_path, "companies.csv", text.encode()), "header")
    assert error.params == {"file": "companies.csv", "line": 1, "column": "D", "name": "name"}
    assert "'name'" in error.message


def test_header_only_file_is_an_empty_snapshot(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "jobs.csv", b"job_id;fte\r\n;\r\n\r\n"))
    assert table.header == ("job_id", "fte")
    assert table.rows == []


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n  \r\n", b";;;\r\n;;\r\n"])
def test_file_without_header_is_empty(tmp_path: Path, data: bytes) -> None:
    read_error(write(tmp_path, "jobs.csv", data), "empty")


# CSV: unreadable encodings


def test_utf16_is_an_encoding_error(tmp_path: Path) -> None:
    path = write(tmp_path, "jobs.csv", "job_id;fte\r\nJ1;1\r\n".encode("utf-16"))
    error = read_error(path, "encoding")
    assert error.params == {"file": "jobs.csv", "offset": 3, "line": 1}


def test_undefined_cp1252_byte_is_an_encoding_error(tmp_path: Path) -> None:
    path = write(tmp_path, "companies.csv", b"id;name\r\nA;M\xfcller\r\nB;M\x81ller\r\n")
    error = read_error(path, "encoding")
    assert error.params == {"file": "companies.csv", "offset": 22, "line": 3}
    assert "0x81" in error.message


def test_utf8_bom_with_invalid_utf8_is_an_encoding_error(tmp_path: Path) -> None:
    path = write(tmp_path, "companies.csv", b"\xef\xbb\xbfid;name\nA;M\xfcller\n")
    error = read_error(path, "encoding")
    assert error.params == {"file": "companies.csv", "offset": 14, "line": 2}


def test_xlsx_renamed_to_csv_is_an_encoding_error_with_a_hint(tmp_path: Path) -> None:
    xlsx = write_xlsx(tmp_path, "real.xlsx", {"A1": "job_id", "A2": "J1"})
    error = read_error(write(tmp_path, "jobs.csv", xlsx.read_bytes()), "encoding")
    assert "rename it to .xlsx" in error.hint


@pytest.mark.parametrize("name", ["jobs.xls", "jobs.ods", "jobs.txt", "jobs"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    error = read_error(write(tmp_path, name, b"job_id\nJ1\n"), "unsupported_format")
    assert error.params["extension"] == Path(name).suffix
    assert "CSV UTF-8" in error.hint


def test_upper_case_extension_is_accepted(tmp_path: Path) -> None:
    assert read_table(write(tmp_path, "JOBS.CSV", b"job_id\nJ1\n")).rows == [RawRow(2, ("J1",))]


# XLSX


def test_xlsx_header_in_row_3_with_typed_cells(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        "companies.xlsx",
        {
            "A3": " Company_ID ",
            "B3": "Joined On",
            "C3": "Employees",
            "D3": "Turnover",
            "E3": "Is Craft",
            "F3": "Name",
            "A4": "C1",
            "B4": dt.date(2026, 11, 24),
            "C4": 12,
            "D4": 1234.56,
            "E4": True,
            "F4": "Müller Präzisionstechnik GmbH",
            "A5": "   ",
            "A6": " C2 ",
            "B6": dt.datetime(2026, 1, 2, 3, 4),
            "C6": 0,
            "E6": False,
            "F6": "Zeile eins\nZeile zwei",
        },
    )
    table = read_table(path)
    assert (table.format, table.encoding, table.delimiter, table.decimal, table.sheet) == (
        "xlsx",
        None,
        None,
        None,
        "Sheet",
    )
    assert table.header == ("company_id", "joined on", "employees", "turnover", "is craft", "name")
    assert table.header_line == 3
    # openpyxl gives date-formatted cells as datetime at midnight; the contract layer decides.
    name = "Müller Präzisionstechnik GmbH"
    assert table.rows == [
        RawRow(4, ("C1", dt.datetime(2026, 11, 24), 12, 1234.56, True, name)),
        RawRow(6, ("C2", dt.datetime(2026, 1, 2, 3, 4), 0, None, False, "Zeile eins\nZeile zwei")),
    ]


def test_xlsx_reads_the_first_sheet_not_the_active_one(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "job_id"
    workbook.active["A2"] = "J1"
    other = workbook.create_sheet("Notes")
    other["A1"] = "note"
    workbook.active = 1
    workbook.save(tmp_path / "jobs.xlsx")
    table = read_table(tmp_path / "jobs.xlsx")
    assert table.header == ("job_id",)
    assert table.rows == [RawRow(2, ("J1",))]


def test_xlsx_with_a_wrong_stored_dimension_loses_nothing(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path, "jobs.xlsx", {"A1": "job_id", "B1": "fte", "A2": "J1", "B2": 1, "A9": "J2"}
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    assert b'<dimension ref="A1:B9" />' in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'ref="A1:B9"', b'ref="A1:A1"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    table = read_table(path)
    assert table.header == ("job_id", "fte")
    assert table.rows == [RawRow(2, ("J1", 1)), RawRow(9, ("J2", None))]


def test_xlsx_header_only_is_an_empty_snapshot(tmp_path: Path) -> None:
    table = read_table(write_xlsx(tmp_path, "jobs.xlsx", {"B2": "Job_ID", "C2": "FTE"}))
    assert table.header == ("job_id", "fte")
    assert table.header_line == 2
    assert table.rows == []


def test_xlsx_without_any_cell_is_empty(tmp_path: Path) -> None:
    read_error(write_xlsx(tmp_path, "jobs.xlsx", {"A3": "  "}), "empty")


def test_xlsx_data_right_of_the_header_is_extra_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, "jobs.xlsx", {"A1": "job_id", "A2": "J1", "C2": "stray"})
    assert read_table(path).rows == [RawRow(2, ("J1",), extra_cells=1)]


def test_xlsx_empty_header_cell_with_data_is_a_file_error(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, "jobs.xlsx", {"A1": "job_id", "C1": "fte", "A2": "J1", "B2": 7})
    error = read_error(path, "header")
    assert error.params == {"file": "jobs.xlsx", "line": 1, "column": "B", "name": ""}


def test_truncated_xlsx_is_broken(tmp_path: Path) -> None:
    data = write_xlsx(tmp_path, "real.xlsx", {"A1": "job_id", "A2": "J1"}).read_bytes()
    read_error(write(tmp_path, "jobs.xlsx", data[: len(data) // 2]), "broken_xlsx")


def test_zip_without_workbook_is_broken(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    read_error(write(tmp_path, "jobs.xlsx", buffer.getvalue()), "broken_xlsx")


def test_csv_renamed_to_xlsx_is_broken(tmp_path: Path) -> None:
    error = read_error(write(tmp_path, "jobs.xlsx", b"job_id;fte\r\nJ1;1\r\n"), "broken_xlsx")
    assert "rename it to .csv" in error.hint


def test_old_xls_renamed_to_xlsx_is_broken(tmp_path: Path) -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = read_error(write(tmp_path, "jobs.xlsx", data), "broken_xlsx")
    assert ".xls" in error.hint


def test_zip_bomb_refused_before_openpyxl_opens_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * 11_000_000)
    path = write(tmp_path, "jobs.xlsx", buffer.getvalue())
    assert path.stat().st_size < 100_000

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    error = read_error(path, "too_large")
    assert "xl/worksheets/sheet1.xml" in error.message


def test_xlsx_over_the_uncompressed_limit_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, "jobs.xlsx", {"A1": "job_id", "A2": "J1"})
    error = read_error(path, "too_large", max_xlsx_uncompressed_bytes=1000)
    assert error.params["limit_mb"] == 1


# Hashing


def test_sha256_of(tmp_path: Path) -> None:
    data = b"job_id;fte\r\n" + b"J1;1\r\n" * 300_000
    path = write(tmp_path, "jobs.csv", data)
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()


def test_raw_table_is_what_read_table_returns(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "jobs.csv", b"job_id\nJ1\n"))
    assert isinstance(table, RawTable)
    assert table.path == tmp_path / "jobs.csv"
