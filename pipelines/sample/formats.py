"""How the delivery files are spelled: German Excel's CSVs, a tool's CSV, a hand-kept workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

import xlsxwriter

from pipelines.sample.planted import PLANTED
from pipelines.sample.rows import Eur, Row, delivered_columns
from zakid_metrics.files import normalised_zip

# The workbook's document properties would otherwise carry the time of generation.
_XLSX_CREATED = dt.datetime(2026, 11, 20, 7, 30, 0)
# Parts of a column name people write in capitals in a spreadsheet header.
_CAPITALISED = frozenset({"id", "eur", "fte", "sdg", "ude"})


def spreadsheet_header(column: str) -> str:
    """A header as typed into a spreadsheet: `approved_eur` becomes `Approved_EUR`."""
    return "_".join(
        part.upper() if part in _CAPITALISED else part.capitalize() for part in column.split("_")
    )


def contract_header(column: str) -> str:
    """A header as a tool exports it: the contract's column name."""
    return column


@dataclass(frozen=True)
class CellStyle:
    """How values are spelled as text: booleans, money, dates and decimal numbers."""

    bools: tuple[str, str]
    thousands: str
    decimal_point: str
    date: Callable[[dt.date], str]

    def text(self, value: object, bools: tuple[str, str] | None = None) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            yes, no = bools or self.bools
            return yes if value else no
        if isinstance(value, Eur):
            sign = "-" if value.cents < 0 else ""
            euros, rest = divmod(abs(value.cents), 100)
            grouped = f"{euros:,}".replace(",", self.thousands)
            return f"{sign}{grouped}{self.decimal_point}{rest:02d}"
        if isinstance(value, dt.date):
            return self.date(value)
        if isinstance(value, Decimal | int):
            return str(value).replace(".", self.decimal_point)
        raise TypeError(f"no spelling for {value!r}")


GERMAN = CellStyle(
    ("ja", "nein"), ".", ",", lambda day: f"{day.day:02d}.{day.month:02d}.{day.year}"
)
"""German Excel: ja/nein, 1.234,56, 24.11.2026."""
ISO = CellStyle(("true", "false"), "", ".", dt.date.isoformat)
"""A tool: true/false, 1234.56, 2026-11-24."""


@dataclass(frozen=True)
class CsvFile:
    """A CSV as one program writes it."""

    cells: CellStyle
    delimiter: str
    line_end: str
    encoding: str
    header: Callable[[str], str]
    start: str = ""
    """Written before the header (a byte order mark)."""
    tail: str = ""
    """Written after the last row (empty lines)."""
    suffix: ClassVar[str] = ".csv"
    first_line: ClassVar[int] = 2
    """Line of the first row: the header is line 1."""

    def cell(self, value: object, bools: tuple[str, str] | None = None) -> str:
        return self.cells.text(value, bools)

    def write(self, layout: Layout, rows: Sequence[Row]) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=self.delimiter,
            lineterminator=self.line_end,
            quoting=csv.QUOTE_MINIMAL,
        )
        writer.writerow(layout.headers)
        for row in rows:
            cells = [layout.cell_text(row, column) for column in layout.columns]
            if any("\n" in cell or "\r" in cell for cell in cells):
                raise ValueError(f"{layout.file}: a line break in a cell would shift line numbers")
            writer.writerow(cells)
        return (self.start + buffer.getvalue() + self.tail).encode(self.encoding)


GERMAN_EXCEL_CSV = CsvFile(GERMAN, ";", "\r\n", "cp1252", spreadsheet_header, tail="\r\n\r\n")
"""German Excel's 'CSV (Trennzeichen-getrennt)': Windows-1252, `;`, CRLF, blank tail lines."""
GERMAN_EXCEL_UTF8 = CsvFile(GERMAN, ";", "\r\n", "utf-8", spreadsheet_header, start="\ufeff")
"""German Excel's 'CSV UTF-8': as above, but UTF-8 with a byte order mark."""
TOOL_CSV = CsvFile(ISO, ",", "\n", "utf-8", contract_header)
"""Export of a tool: UTF-8 without BOM, `,`, ISO dates, decimal point, LF."""


def _typed(value: object) -> object:
    """A value as a workbook cell holds it."""
    if isinstance(value, Eur):
        return value.cents / 100
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass(frozen=True)
class Workbook:
    """A workbook as people keep it: row 1 left empty, the header in row 2, typed cells."""

    title: str
    author: str
    sheet: str
    suffix: ClassVar[str] = ".xlsx"
    first_line: ClassVar[int] = 3
    """Row of the first record: row 1 is empty, the header is row 2."""

    def header(self, column: str) -> str:
        return spreadsheet_header(column)

    def cell(self, value: object, bools: tuple[str, str] | None = None) -> str:
        """A cell as openpyxl reads it back."""
        return "" if value is None else str(_typed(value))

    def write(self, layout: Layout, rows: Sequence[Row]) -> bytes:
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        workbook.set_properties(
            {"title": self.title, "author": self.author, "created": _XLSX_CREATED}
        )
        sheet = workbook.add_worksheet(self.sheet)
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
        money_format = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write_row(1, 0, layout.headers, bold)
        for index, row in enumerate(rows, start=2):
            for position, column in enumerate(layout.columns):
                value = row[column]
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(index, position, value, date_format)
                elif isinstance(value, bool):
                    sheet.write_boolean(index, position, value)
                elif isinstance(value, Eur | Decimal | int):
                    number_format = money_format if isinstance(value, Eur) else None
                    sheet.write_number(index, position, _typed(value), number_format)
                else:
                    sheet.write_string(index, position, str(value))
        sheet.set_column(0, len(layout.columns) - 1, 16)
        workbook.close()
        return normalised_zip(buffer.getvalue())


@dataclass(frozen=True)
class Layout:
    """One delivery file: the entity it holds, its format and what its author did by hand.

    The columns are the entity's contract columns (then any `extra` ones), in contract order.
    """

    entity: str
    format: CsvFile | Workbook
    typed_headers: Mapping[str, str] = field(default_factory=dict)
    """Headers spelled otherwise than the format's own way: stray spaces, odd capitals."""
    bools: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Columns whose true and false are spelled otherwise than the format's."""
    extra: tuple[str, ...] = ()
    """Columns beyond the contract's, such as an internal remark."""

    @property
    def file(self) -> str:
        return self.entity + self.format.suffix

    @property
    def columns(self) -> tuple[str, ...]:
        return (*delivered_columns(self.entity), *self.extra)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(self.typed_headers.get(c, self.format.header(c)) for c in self.columns)

    def cell_text(self, row: Row, column: str) -> str:
        """A cell as it appears in the written file."""
        return self.format.cell(row[column], self.bools.get(column))

    def write(self, rows: Sequence[Row]) -> bytes:
        """The file's bytes; every row must have a value (None for empty) for every column."""
        columns = set(self.columns)
        for row in rows:
            missing, unknown = columns - set(row), set(row) - columns - {PLANTED}
            if missing or unknown:
                raise ValueError(
                    f"{self.file}: a row lacks the columns {sorted(missing)} "
                    f"and has the unknown {sorted(unknown)}"
                )
        return self.format.write(self, rows)
