"""A funder report as an Excel workbook: typed cells, German formats, byte for byte reproducible."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from zakid_metrics.files import normalised_zip
from zakid_metrics.reports import texts
from zakid_metrics.reports.builder import KpiFigure, Report

Kind = Literal["text", "eur", "date", "int", "share", "rate", "number"]
NUMBER_FORMATS: dict[str, str] = {
    "eur": '#,##0.00 "€"',
    "date": "dd.mm.yyyy",
    "int": "#,##0",
    "share": "0.0 %",
    "rate": "0.00 %",
    "number": "#,##0.0",
}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SHEETS = ("Übersicht", "Soll-Ist", "Belegliste", "Mittelabrufe", "Kennzahlen")
MAX_WIDTH = 70
# The Übersicht's values span the columns of its tables and wrap at about this many characters.
COVER_COLUMNS, WRAP_CHARS = 5, 110


class _Sheet:
    """One worksheet that writes typed cells and remembers the widest text of each column."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, formats: _Formats) -> None:
        self.ws: Worksheet = book.add_worksheet(name)
        self.formats = formats
        self.widths: dict[int, int] = {}

    def write(
        self, row: int, col: int, value: Any, kind: Kind = "text", bold: bool = False
    ) -> None:
        """One cell: numbers as numbers, dates as dates, texts as texts (never formulas)."""
        shown = _shown(value, kind)
        self.widths[col] = max(self.widths.get(col, 0), len(shown))
        if value is None:
            if bold:
                self.ws.write_blank(row, col, None, self.formats.get("text", bold))
            return
        if kind == "text" or isinstance(value, str):
            text = str(value)
            quoted = text.startswith(FORMULA_PREFIXES)
            self.ws.write_string(row, col, text, self.formats.get("text", bold, quoted))
        elif kind == "date":
            self.ws.write_datetime(row, col, value, self.formats.get(kind, bold))
        else:
            self.ws.write_number(row, col, float(value), self.formats.get(kind, bold))

    def row(self, row: int, values: Sequence[tuple[Any, Kind]], bold: bool = False) -> None:
        for col, (value, kind) in enumerate(values):
            self.write(row, col, value, kind, bold)

    def header(self, row: int, names: Sequence[str]) -> None:
        for col, name in enumerate(names):
            self.widths[col] = max(self.widths.get(col, 0), len(name))
            self.ws.write_string(row, col, name, self.formats.header)

    def fit_columns(self, minimum: int = 8) -> None:
        for col, width in sorted(self.widths.items()):
            self.ws.set_column(col, col, min(max(width, minimum) + 2, MAX_WIDTH))


class _Formats:
    """The workbook's cell formats, made once per combination."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.cache: dict[tuple[str, bool, bool], Any] = {}
        self.header = book.add_format(
            {"bold": True, "bottom": 1, "bg_color": "#E8ECF0", "text_wrap": True, "valign": "top"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.heading = book.add_format({"bold": True, "font_size": 11})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def get(self, kind: str, bold: bool = False, quoted: bool = False) -> Any:
        key = (kind, bold, quoted)
        if key not in self.cache:
            spec: dict[str, Any] = {"valign": "top"}
            if kind in NUMBER_FORMATS:
                spec["num_format"] = NUMBER_FORMATS[kind]
            if bold:
                spec.update(bold=True, top=1)
            if quoted:
                spec["quote_prefix"] = True
            self.cache[key] = self.book.add_format(spec)
        return self.cache[key]


def render_xlsx(report: Report) -> bytes:
    """The report as XLSX bytes; the same report gives the same bytes."""
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    grant = report.grant
    book.set_properties(
        {
            "title": f"{report.title} – {grant.grant_id if grant else 'Verbund'}",
            "subject": texts.KIND_SUBTITLES[report.kind],
            "author": grant.recipient if grant else texts.PROJECT_NAME,
            "company": texts.PROJECT_NAME,
            "comments": f"Snapshot {report.snapshot.id}",
            "created": report.snapshot.published_at,
        }
    )
    formats = _Formats(book)
    _overview(_Sheet(book, SHEETS[0], formats), report)
    _plan(_Sheet(book, SHEETS[1], formats), report)
    _vouchers(_Sheet(book, SHEETS[2], formats), report)
    _disbursements(_Sheet(book, SHEETS[3], formats), report)
    _kpis(_Sheet(book, SHEETS[4], formats), report)
    book.close()
    return normalised_zip(buffer.getvalue())


def _overview(sheet: _Sheet, report: Report) -> None:
    ws, f = sheet.ws, sheet.formats
    ws.write_string(0, 0, f"{report.title} – {texts.PROJECT_NAME}", f.title)
    ws.freeze_panes(1, 0)
    row = 2
    facts = report.cover_facts()
    for label, text in facts:
        sheet.write(row, 0, label, bold=False)
        # A long value (a sub-project's title) wraps over the width of the tables below.
        ws.merge_range(row, 1, row, COVER_COLUMNS, "", f.wrap)
        ws.write_string(row, 1, text, f.wrap)
        ws.set_row(row, 15 * (1 + len(text) // WRAP_CHARS))
        row += 1
    row += 1
    for title, financing in (
        (f"Finanzierung im Berichtszeitraum ({texts.period(report.period_from, report.period_to)})",
         report.financing),
        ("Finanzierung kumuliert seit Beginn bis zum Ende des Berichtszeitraums",
         report.financing_cumulative),
    ):  # fmt: skip
        ws.write_string(row, 0, title, f.heading)
        sheet.header(
            row + 1,
            (
                "Förderkennzeichen",
                "Förderquote",
                "Zuwendungsfähige Ausgaben",
                "Zuwendungsanteil",
                "Eigenanteil",
            ),
        )
        row += 2
        for item in financing:
            total = item.grant_id is None
            sheet.row(
                row,
                (
                    ("Summe" if total else item.grant_id, "text"),
                    (item.funding_rate, "rate"),
                    (item.eligible_eur, "eur"),
                    (item.grant_share_eur, "eur"),
                    (item.own_share_eur, "eur"),
                ),
                bold=total,
            )
            row += 1
        row += 1
    ws.write_string(row, 0, texts.ROUNDING_RULE, f.note)
    row += 2
    ws.write_string(
        row, 0, f"Mittelabruf und Verwendung (Stand {texts.day(report.as_of)})", f.heading
    )
    sheet.header(
        row + 1,
        (
            "Förderkennzeichen",
            "Bewilligt",
            "Abgerufen",
            "Angefordert, nicht eingegangen",
            "Zuwendungsanteil der Ausgaben",
            "Abgerufen, nicht verwendet",
        ),
    )
    row += 2
    for status in report.funds:
        total = status.grant_id is None
        sheet.row(
            row,
            (
                ("Summe" if total else status.grant_id, "text"),
                (status.approved_eur, "eur"),
                (status.drawn_eur, "eur"),
                (status.pending_eur, "eur"),
                (status.funded_spending_eur, "eur"),
                (status.unspent_eur, "eur"),
            ),
            bold=total,
        )
        row += 1
    row += 1
    for note in report.notes:
        ws.write_string(row, 0, note, f.note)
        row += 1
    sheet.widths[0] = max(len(label) for label, _ in facts)
    sheet.fit_columns(minimum=14)


def _plan(sheet: _Sheet, report: Report) -> None:
    names = (
        "Tabelle",
        "Förderkennzeichen",
        "Kostenart",
        "Jahr",
        "Soll",
        "Ist",
        "Abweichung (Ist − Soll)",
        "Ist/Soll",
        "> 20 % über Plan",
    )
    sheet.header(0, names)
    row = 1
    for table in report.plan_tables:
        for line in table.rows:
            sheet.row(
                row,
                (
                    (table.title, "text"),
                    (line.grant_id, "text"),
                    (line.label, "text"),
                    (line.year, "int"),
                    (line.planned_eur, "eur"),
                    (line.spent_eur, "eur"),
                    (line.over_eur, "eur"),
                    (line.utilisation, "share"),
                    (texts.FLAG if line.flagged else None, "text"),
                ),
                bold=line.is_total,
            )
            row += 1
    _list_frame(sheet, row - 1, len(names))
    sheet.ws.write_string(row + 1, 0, texts.FLAG_RULE, sheet.formats.note)
    sheet.widths[0] = min(sheet.widths.get(0, 0), 45)
    sheet.fit_columns()


def _vouchers(sheet: _Sheet, report: Report) -> None:
    names = (
        "Förderkennzeichen",
        "Kostenart",
        "Beleg-Nr.",
        "Datum",
        "Zahlungsempfänger",
        "Verwendungszweck",
        "Betrag",
    )
    sheet.header(0, names)
    row = 1
    for group in report.voucher_groups:
        category = texts.CATEGORY_NAMES.get(group.category, group.category)
        for voucher in group.vouchers:
            sheet.row(
                row,
                (
                    (voucher.grant_id, "text"),
                    (category, "text"),
                    (voucher.expenditure_id, "text"),
                    (voucher.paid_on, "date"),
                    (voucher.vendor, "text"),
                    (voucher.description, "text"),
                    (voucher.amount_eur, "eur"),
                ),
            )
            row += 1
        sheet.row(
            row,
            (
                (group.grant_id, "text"),
                (category, "text"),
                ("Zwischensumme", "text"),
                (None, "date"),
                (None, "text"),
                (f"{len(group.vouchers)} Belege", "text"),
                (group.subtotal_eur, "eur"),
            ),
            bold=True,
        )
        row += 1
    sheet.row(
        row,
        (
            ("Summe", "text"),
            (None, "text"),
            (None, "text"),
            (None, "date"),
            (None, "text"),
            (f"{report.voucher_count} Belege", "text"),
            (report.voucher_total_eur, "eur"),
        ),
        bold=True,
    )
    _list_frame(sheet, row, len(names))
    if not report.voucher_groups:
        sheet.ws.write_string(row + 2, 0, texts.NO_VOUCHERS, sheet.formats.note)
    sheet.fit_columns()


def _disbursements(sheet: _Sheet, report: Report) -> None:
    names = (
        "Förderkennzeichen",
        "Abruf-Nr.",
        "Angefordert am",
        "Eingegangen am",
        "Betrag",
        "Im Berichtszeitraum",
    )
    sheet.header(0, names)
    row = 1
    for call in report.disbursements:
        sheet.row(
            row,
            (
                (call.grant_id, "text"),
                (call.disbursement_id, "text"),
                (call.requested_on, "date"),
                (call.received_on, "date"),
                (call.amount_eur, "eur"),
                (texts.YES if call.in_period else texts.NO, "text"),
            ),
        )
        row += 1
    _list_frame(sheet, row - 1, len(names))
    if not report.disbursements:
        sheet.ws.write_string(row, 0, texts.NO_DISBURSEMENTS, sheet.formats.note)
    row += 2
    windows = texts.windows(g.drawdown_window for g in report.grants)
    sheet.ws.write_string(row, 0, "Nicht fristgerecht verwendete Mittel", sheet.formats.heading)
    sheet.ws.write_string(row + 1, 0, texts.IDLE_RULE.format(windows=windows), sheet.formats.note)
    sheet.header(
        row + 2,
        (
            "Förderkennzeichen",
            "Abruf-Nr.",
            "Eingegangen am",
            "Zu verwenden bis",
            "Betrag",
            "Zum Fristende nicht verwendet",
            "Am Stand nicht verwendet",
            "Tage seit Fristende",
        ),
    )
    row += 3
    for idle in report.idle:
        sheet.row(
            row,
            (
                (idle.grant_id, "text"),
                (idle.disbursement_id, "text"),
                (idle.received_on, "date"),
                (idle.spend_by, "date"),
                (idle.amount_eur, "eur"),
                (idle.idle_at_deadline_eur, "eur"),
                (idle.idle_eur, "eur"),
                (idle.days_idle, "int"),
            ),
        )
        row += 1
    if not report.idle:
        sheet.ws.write_string(row, 0, texts.NO_IDLE, sheet.formats.note)
    sheet.widths[0] = min(sheet.widths.get(0, 0), 24)
    sheet.fit_columns(minimum=12)


def _kpis(sheet: _Sheet, report: Report) -> None:
    names = (
        "Abschnitt",
        "Kennzahl",
        "Ist",
        "Ziel",
        "Ziel fällig am",
        "Abweichung",
        "Endziel",
        "Endziel fällig am",
        "Stand",
        "KPI-ID",
    )
    sheet.header(0, names)
    row = 1
    for section in report.sections:
        for figure in section.figures:
            kind = _figure_kind(figure)
            sheet.row(
                row,
                (
                    (f"{section.number} {section.title}", "text"),
                    (figure.label, "text"),
                    (figure.value, kind),
                    (figure.target.target_value if figure.target else None, kind),
                    (figure.target.due_on if figure.target else None, "date"),
                    (figure.deviation, kind),
                    (figure.final_target.target_value if figure.final_target else None, kind),
                    (figure.final_target.due_on if figure.final_target else None, "date"),
                    (report.as_of, "date"),
                    (figure.kpi_id, "text"),
                ),
            )
            row += 1
    for value in report.kpi_values:
        if value.kpi_id not in ("funds_drawn", "idle_funds"):
            continue
        sheet.row(
            row,
            (
                ("Zahlenmäßiger Nachweis", "text"),
                (texts.KPI_LABELS[value.kpi_id], "text"),
                (value.value, "eur"),
                (None, "eur"),
                (None, "date"),
                (None, "eur"),
                (None, "eur"),
                (None, "date"),
                (value.as_of, "date"),
                (value.kpi_id, "text"),
            ),
        )
        row += 1
    _list_frame(sheet, row - 1, len(names))
    sheet.widths[0] = min(sheet.widths.get(0, 0), 40)
    sheet.fit_columns()


def _list_frame(sheet: _Sheet, last_row: int, columns: int) -> None:
    """A list sheet's frozen header row and autofilter."""
    sheet.ws.freeze_panes(1, 0)
    sheet.ws.autofilter(0, 0, max(last_row, 1), columns - 1)


def _figure_kind(figure: KpiFigure) -> Kind:
    if figure.unit == "share":
        return "share"
    if figure.unit == "count":
        return "int"
    return "number"


def _shown(value: Any, kind: Kind) -> str:
    """The text a cell shows, for the column width."""
    if value is None:
        return ""
    if kind == "eur":
        return texts.eur(Decimal(str(value)))
    if kind == "date" and isinstance(value, dt.date):
        return texts.day(value)
    if kind in ("share", "rate"):
        return texts.percent(value)
    if kind in ("int", "number") and not isinstance(value, str):
        return texts.number(value, 0 if kind == "int" else 1)
    return str(value)
