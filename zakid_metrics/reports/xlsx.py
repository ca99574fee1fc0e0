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
from zakid_metrics.funding import cents
from zakid_metrics.reports import texts
from zakid_metrics.reports.builder import ZERO, Report, Statement
from zakid_metrics.reports.sachbericht import PARTNER_SPELLINGS, KpiFigure

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
SHEETS = (
    "Übersicht",
    "Einzelansätze",
    "Nachweis",
    "Belegliste",
    "Mittelabrufe",
    "Inventar",
    "Sachbericht",
)
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
        elif kind == "eur":
            # An exact amount is rounded half up to the cent once, here, as in the PDF.
            amount = cents(value if isinstance(value, Decimal) else Decimal(str(value)))
            self.ws.write_number(row, col, float(amount), self.formats.get(kind, bold))
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
    writers = (_overview, _lines, _statement, _vouchers, _disbursements, _inventory, _sachbericht)
    for name, writer in zip(SHEETS, writers, strict=True):
        writer(_Sheet(book, name, formats), report)
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
    ws.write_string(row, 0, "Rechtsgrundlagen der Berechnung", f.heading)
    row += 1
    for rules in report.regimes:
        ws.write_string(row, 0, rules.title, f.note)
        row += 1
        for source in rules.sources():
            sheet.write(row, 0, source)
            row += 1
    ws.write_string(row, 0, texts.ROUNDING_RULE, f.note)
    row += 2
    for note in report.notes:
        ws.write_string(row, 0, note, f.note)
        row += 1
    sheet.widths[0] = max(len(label) for label, _ in facts)
    sheet.fit_columns(minimum=14)


def _lines(sheet: _Sheet, report: Report) -> None:
    """Every Einzelansatz with its status (cumulative), then the per-year information."""
    names = (
        "Förderkennzeichen",
        "Kostenart",
        "Soll",
        "Ist (zuwendungsfähig)",
        "davon im Berichtszeitraum",
        "Abweichung (Ist/Soll − 1)",
        "Status",
        "Status-Code",
    )
    sheet.header(0, names)
    row = 1
    for statement in report.statements:
        figures = statement.figures
        for line in figures.lines:
            sheet.row(
                row,
                (
                    (statement.grant.grant_id, "text"),
                    (texts.CATEGORY_NAMES.get(line.category, line.category), "text"),
                    (line.planned_eur, "eur"),
                    (line.actual_eur, "eur"),
                    (line.period_actual_eur, "eur"),
                    (line.deviation_share, "share"),
                    (texts.LINE_STATUS_NAMES[line.status], "text"),
                    (line.status, "text"),
                ),
            )
            row += 1
        sheet.row(
            row,
            (
                (statement.grant.grant_id, "text"),
                ("Summe", "text"),
                (figures.total_planned_eur, "eur"),
                (figures.total_actual_eur, "eur"),
                (statement.period_actual_eur, "eur"),
                (None, "share"),
                (None, "text"),
                (None, "text"),
            ),
            bold=True,
        )
        row += 1
    _list_frame(sheet, row - 1, len(names))
    rules = report.regimes[0]
    plan_note = texts.LINES_RULE.format(
        plan_years=texts.PLAN_YEARS[report.kind], source=rules.source_plan
    )
    sheet.ws.write_string(row + 1, 0, plan_note, sheet.formats.note)
    row += 3
    sheet.ws.write_string(
        row, 0, "Information: Soll und Ist je Kalenderjahr", sheet.formats.heading
    )
    sheet.ws.write_string(row + 1, 0, texts.YEARS_INFO, sheet.formats.note)
    sheet.header(
        row + 2, ("Förderkennzeichen", "Jahr", "Kostenart", "Soll des Jahres", "Ist des Jahres")
    )
    row += 3
    for statement in report.statements:
        for line in statement.years:
            sheet.row(
                row,
                (
                    (statement.grant.grant_id, "text"),
                    (line.year, "int"),
                    (texts.CATEGORY_NAMES.get(line.category, line.category), "text"),
                    (line.planned_eur, "eur"),
                    (line.actual_eur, "eur"),
                ),
            )
            row += 1
    sheet.widths[0] = min(sheet.widths.get(0, 0), 24)
    sheet.fit_columns()


def _statement(sheet: _Sheet, report: Report) -> None:
    """Per grant: amounts and VAT, Deckungsmittel, grant share, received, refund, interest."""
    ws, f = sheet.ws, sheet.formats
    row = 0
    for statement in report.statements:
        grant, figures = statement.grant, statement.figures
        rules = grant.rules
        ws.write_string(row, 0, f"{grant.grant_id} – {grant.recipient} ({grant.regime})", f.title)
        row += 2
        vouchers = [g for g in report.voucher_groups if g.grant_id == grant.grant_id]
        gross = sum((g.subtotal_eur for g in vouchers), ZERO)
        vat = sum((g.subtotal_vat_eur for g in vouchers), ZERO)
        amounts: list[tuple[str, Any, Kind]] = [
            ("Ausgaben laut Belegliste im Berichtszeitraum (brutto)", gross, "eur"),
            ("darin Umsatzsteuer", vat, "eur"),
            ("davon zuwendungsfähig", statement.period_actual_eur, "eur"),
            ("Vorsteuerabzugsberechtigt", texts.YES if grant.vat_deductible else texts.NO, "text"),
            ("Bewilligte Zuwendung (Höchstbetrag)", grant.approved_eur, "eur"),
            ("Förderquote", grant.funding_rate, "rate"),
            ("Zuwendungsfähige Ausgaben kumuliert", figures.total_actual_eur, "eur"),
            ("Zuwendungsanteil des Berichtszeitraums", figures.grant_share_eur, "eur"),
            (f"Erhaltene Mittel bis {texts.day(figures.period[1])}", figures.received_eur, "eur"),
            ("Erstattungsbetrag", figures.refund_due_eur, "eur"),
            ("Zinsen nach § 49a VwVfG", figures.interest_eur, "eur"),
        ]
        if figures.refund_due_eur is None:
            amounts.pop(9)
        for label, value, kind in amounts:
            sheet.write(row, 0, label)
            sheet.write(row, 1, value, kind)
            row += 1
        declaration = (
            texts.VAT_DEDUCTIBLE.format(source=rules.source_net)
            if grant.vat_deductible
            else texts.VAT_NOT_DEDUCTIBLE
        )
        for note in (declaration, texts.SHARE_RULE):
            ws.write_string(row, 0, note, f.note)
            row += 1
        row += 1
        ws.write_string(row, 0, "Deckungsmittel: Plan und Ist", f.heading)
        sheet.header(row + 1, ("Art", "Plan", "Ist"))
        row += 2
        for line in figures.revenues.lines:
            sheet.row(
                row,
                (
                    (texts.REVENUE_KIND_NAMES.get(line.kind, line.kind), "text"),
                    (line.planned_eur, "eur"),
                    (line.actual_eur, "eur"),
                ),
            )
            row += 1
        if not figures.revenues.lines:
            revenue_note = texts.NO_REVENUES
        elif figures.revenues.exceeds_plan:
            revenue_note = texts.REVENUES_EXCESS.format(
                excess=texts.eur(figures.revenues.excess_eur), source=rules.source_revenues
            )
        else:
            revenue_note = texts.REVENUES_WITHIN
        sheet.write(row, 0, "Mehr Deckungsmittel als geplant")
        sheet.write(row, 1, figures.revenues.excess_eur, "eur")
        ws.write_string(row + 1, 0, revenue_note, f.note)
        row += 3
        row = _idle_rows(sheet, row, report, statement)
        row = _premature_rows(sheet, row, statement)
        row += 1
    sheet.widths[0] = min(sheet.widths.get(0, 0), 55)
    sheet.fit_columns(minimum=14)


def _idle_rows(sheet: _Sheet, row: int, report: Report, statement: Statement) -> int:
    ws, f = sheet.ws, sheet.formats
    rules, figures = statement.grant.rules, statement.figures
    ws.write_string(row, 0, "Nicht fristgerecht verwendete Mittel", f.heading)
    if rules.basis != "expenditure":
        ws.write_string(row + 1, 0, texts.NOT_APPLICABLE_IDLE, f.note)
        return row + 3
    end = texts.day(min(figures.period[1], report.as_of))
    rule = texts.IDLE_RULE.format(window=texts.window(rules), source=rules.source_calls, end=end)
    ws.write_string(row + 1, 0, rule, f.note)
    sheet.header(
        row + 2, ("Abruf-Nr.", "Betrag", "Eingegangen am", "Verwendet am", "Tage", "Zinsen")
    )
    row += 3
    for part in figures.idle_funds:
        sheet.row(
            row,
            (
                (part.disbursement_id, "text"),
                (part.amount_eur, "eur"),
                (part.received_on, "date"),
                (part.used_on, "date"),
                (part.days_idle, "int"),
                (part.interest_eur, "eur"),
            ),
        )
        row += 1
    if not figures.idle_funds:
        ws.write_string(row, 0, texts.NO_IDLE, f.note)
        row += 1
    return row + 1


def _premature_rows(sheet: _Sheet, row: int, statement: Statement) -> int:
    ws, f = sheet.ws, sheet.formats
    rules, figures = statement.grant.rules, statement.figures
    ws.write_string(row, 0, "Vorzeitige Mittelabrufe", f.heading)
    if rules.basis != "cost":
        ws.write_string(row + 1, 0, texts.NOT_APPLICABLE_PREMATURE, f.note)
        return row + 3
    ws.write_string(row + 1, 0, texts.PREMATURE_RULE.format(source=rules.source_calls), f.note)
    sheet.header(
        row + 2,
        ("Abruf-Nr.", "Überschuss", "Eingegangen am", "Gedeckt am", "Tage bis Deckung", "Zinsen"),
    )
    row += 3
    for call in figures.premature_calls:
        sheet.row(
            row,
            (
                (call.disbursement_id, "text"),
                (call.excess_eur, "eur"),
                (call.received_on, "date"),
                (call.covered_on, "date"),
                (call.days_until_covered, "int"),
                (call.interest_eur, "eur"),
            ),
        )
        row += 1
    if not figures.premature_calls:
        ws.write_string(row, 0, texts.NO_PREMATURE, f.note)
        row += 1
    return row + 1


def _vouchers(sheet: _Sheet, report: Report) -> None:
    names = (
        "Förderkennzeichen",
        "Kostenart",
        "Beleg-Nr.",
        "Datum",
        "Zahlungsempfänger",
        "Verwendungszweck",
        "Betrag (brutto)",
        "darin Umsatzsteuer",
        "Zuwendungsfähig",
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
                    (voucher.vat_eur, "eur"),
                    (voucher.eligible_eur, "eur"),
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
                (None, "eur"),
                (group.subtotal_eligible_eur, "eur"),
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
            (None, "eur"),
            (report.voucher_eligible_eur, "eur"),
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
    sheet.fit_columns(minimum=12)


def _inventory(sheet: _Sheet, report: Report) -> None:
    names = (
        "Förderkennzeichen",
        "Inventar-Nr.",
        "Gegenstand",
        "Beleg-Nr.",
        "Beschafft am",
        "Netto",
        "Standort",
    )
    sheet.header(0, names)
    row = 1
    for item in report.inventory:
        sheet.row(
            row,
            (
                (item.grant_id, "text"),
                (item.item_id, "text"),
                (item.description, "text"),
                (item.expenditure_id, "text"),
                (item.acquired_on, "date"),
                (item.net_eur, "eur"),
                (item.location, "text"),
            ),
        )
        row += 1
    _list_frame(sheet, row - 1, len(names))
    if report.kind != "final":
        note = "Das Inventarverzeichnis gehört zum Verwendungsnachweis."
    elif report.inventory:
        note = texts.INVENTORY_RULE.format(source=report.grants[0].rules.source_inventory)
    else:
        note = texts.NO_INVENTORY
    sheet.ws.write_string(row + 1, 0, note, sheet.formats.note)
    sheet.fit_columns()


def _sachbericht(sheet: _Sheet, report: Report) -> None:
    """The grant's own figures (positions, partner projects), then the joint KPIs as context."""
    ws, f = sheet.ws, sheet.formats
    row = 0
    own = report.own
    if own is not None:
        ws.write_string(row, 0, f"Eigene Zahlen des Teilvorhabens {own.grant_id}", f.heading)
        ws.write_string(row + 1, 0, texts.OWN_SCOPE.format(grant_id=own.grant_id), f.note)
        sheet.header(row + 2, ("Stelle", "Geschaffen am", "Beendet am", "VZÄ", "Qualifikation",
                               "Besteht am Stand"))  # fmt: skip
        row += 3
        for p in own.positions:
            sheet.row(
                row,
                (
                    (p.job_id, "text"),
                    (p.created_on, "date"),
                    (p.ended_on, "date"),
                    (p.fte, "number"),
                    (texts.QUALIFICATION_NAMES.get(p.qualification, p.qualification), "text"),
                    (texts.YES if p.exists_at_end else texts.NO, "text"),
                ),
            )
            row += 1
        if not own.positions:
            ws.write_string(row, 0, texts.NO_POSITIONS, f.note)
            row += 1
        row += 1
        if own.partner is None:
            mapping = texts.NO_PARTNER.format(
                recipient=own.recipient, partners=", ".join(PARTNER_SPELLINGS)
            )
        else:
            mapping = texts.PARTNER_MAPPING.format(recipient=own.recipient, partner=own.partner)
        ws.write_string(row, 0, mapping, f.note)
        sheet.header(row + 1, ("Projekt", "Titel", "Partner", "Status", "Beginn",
                               "Externe Arbeitsplätze", "KI-Einsätze live"))  # fmt: skip
        row += 2
        for project in own.projects:
            sheet.row(
                row,
                (
                    (project.project_id, "text"),
                    (project.title, "text"),
                    (project.partner, "text"),
                    (texts.PROJECT_STATUS_NAMES.get(project.status, project.status), "text"),
                    (project.started_on, "date"),
                    (project.external_jobs, "int"),
                    (project.deployments_live, "int"),
                ),
            )
            row += 1
        row += 1
        scope = texts.CONTEXT_SCOPE.format(
            as_of=texts.day(report.as_of), end=texts.day(report.period_to)
        )
        ws.write_string(row, 0, "Verbundvorhaben insgesamt (nur Kontext)", f.heading)
    else:
        scope = texts.PROGRAMME_SCOPE.format(as_of=texts.day(report.as_of))
        ws.write_string(row, 0, "Verbundvorhaben", f.heading)
    ws.write_string(row + 1, 0, scope, f.note)
    sheet.header(
        row + 2,
        (
            "Abschnitt",
            "Kennzahl (Verbund)",
            "Ist",
            "Ziel",
            "Ziel fällig am",
            "Abweichung",
            "Spätere Ziele",
            "Stand",
            "KPI-ID",
        ),
    )
    row += 3
    for section in report.sections:
        for figure in section.figures:
            kind = _figure_kind(figure)
            later = "; ".join(
                f"{_shown(m.target_value, kind)} "
                f"({texts.DUE_LATER.format(day=texts.day(m.due_on))})"
                for m in figure.later
            )
            sheet.row(
                row,
                (
                    (f"{section.number} {section.title}", "text"),
                    (figure.label, "text"),
                    (figure.value, kind),
                    (figure.target.target_value if figure.target else None, kind),
                    (figure.target.due_on if figure.target else None, "date"),
                    (figure.deviation, kind),
                    (later or None, "text"),
                    (report.as_of, "date"),
                    (figure.kpi_id, "text"),
                ),
            )
            row += 1
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
