"""A funder report as a PDF to sign: reportlab platypus, vector charts, byte for byte reproducible.

The font is Bitstream Vera, shipped inside the pinned reportlab wheel: it has every German
glyph and €, is embedded (subset) in the file, and is the same on every machine, so the
bytes do not depend on the fonts a system happens to have installed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import reportlab
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from zakid_metrics.reports import texts
from zakid_metrics.reports.builder import ZERO, Report, Statement
from zakid_metrics.reports.sachbericht import PARTNER_SPELLINGS, KpiFigure, OwnFigures

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
FONT, BOLD, ITALIC = "Vera", "Vera-Bold", "Vera-Italic"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
WIDTH = PAGE_WIDTH - 2 * MARGIN
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B76")
RULE = colors.HexColor("#B8C0C8")
HEAD_FILL = colors.HexColor("#E6EBF0")
GROUP_FILL = colors.HexColor("#F3F5F7")
FLAG_FILL = colors.HexColor("#FBE4E1")
FIELD_FILL = colors.HexColor("#FAFAF6")
PLAN_COLOUR = colors.HexColor("#9AA5B1")
ACTUAL_COLOUR = colors.HexColor("#1F5A96")
CELL_SIZE, PADDING = 7.5, 3


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in (
        (FONT, "Vera.ttf"),
        (BOLD, "VeraBd.ttf"),
        (ITALIC, "VeraIt.ttf"),
        ("Vera-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic="Vera-BoldItalic"
    )


def _style(name: str, size: float, font: str = FONT, **extra: Any) -> ParagraphStyle:
    options: dict[str, Any] = {"leading": size * 1.3, "textColor": INK, **extra}
    return ParagraphStyle(name, fontName=font, fontSize=size, **options)


STYLES = {
    "kicker": _style("kicker", 9, textColor=MUTED),
    "title": _style("title", 22, BOLD, spaceBefore=4, spaceAfter=6, leading=26),
    "subtitle": _style("subtitle", 10.5, textColor=MUTED, spaceAfter=10),
    "h1": _style("h1", 14, BOLD, spaceBefore=4, spaceAfter=6),
    "h2": _style("h2", 11, BOLD, spaceBefore=10, spaceAfter=4),
    "h3": _style("h3", 9.5, BOLD, spaceBefore=8, spaceAfter=3),
    "body": _style("body", 9, spaceAfter=4),
    "note": _style("note", 7.5, ITALIC, textColor=MUTED, spaceBefore=2, spaceAfter=4),
    "cell": _style("cell", CELL_SIZE, leading=9),
    "cell_bold": _style("cell_bold", CELL_SIZE, BOLD, leading=9),
    "cell_right": _style("cell_right", CELL_SIZE, leading=9, alignment=TA_RIGHT),
    "head": _style("head", CELL_SIZE, BOLD, leading=9),
    "head_right": _style("head_right", CELL_SIZE, BOLD, leading=9, alignment=TA_RIGHT),
    "field": _style("field", 8, ITALIC, textColor=MUTED),
}


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(_escape(text), STYLES[style])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes; the same report gives the same bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    grant = report.grant
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 8 * mm,
        bottomMargin=MARGIN + 6 * mm,
        title=f"{report.title} – {grant.grant_id if grant else 'Verbund ZaKI.D'}",
        author=grant.recipient if grant else texts.PROJECT_NAME,
        subject=texts.KIND_SUBTITLES[report.kind],
        creator="ZaKI.D Wirkungsmonitor",
        keywords=f"Snapshot {report.snapshot.id}",
        invariant=1,
    )
    # No inner padding: tables of the full text width line up with the header's rule.
    frame = Frame(
        document.leftMargin,
        document.bottomMargin,
        document.width,
        document.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document.addPageTemplates(
        [PageTemplate("page", frames=[frame], onPage=lambda c, d: _header(c, report))]
    )
    story: list[Flowable] = []
    story += _cover(report)
    story += _narrative(report)
    story += _financial(report)
    story += _confirmation(report)
    document.build(story, canvasmaker=_canvas_maker(report))
    return buffer.getvalue()


# --- Page frame: header, footer, "Seite x von y" --------------------------------------------


def _header(canvas: Canvas, report: Report) -> None:
    grant = report.grant
    top = PAGE_HEIGHT - MARGIN
    canvas.saveState()
    canvas.setFillColor(MUTED)
    canvas.setFont(BOLD, 7.5)
    canvas.drawString(MARGIN, top, f"ZaKI.D · {report.title}")
    canvas.setFont(FONT, 7.5)
    scope = (
        f"{grant.grant_id} · {grant.recipient}" if grant else "Verbundvorhaben, alle Teilvorhaben"
    )
    canvas.drawRightString(PAGE_WIDTH - MARGIN, top, scope)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, top - 2.5 * mm, PAGE_WIDTH - MARGIN, top - 2.5 * mm)
    bottom = MARGIN
    canvas.line(MARGIN, bottom + 4 * mm, PAGE_WIDTH - MARGIN, bottom + 4 * mm)
    canvas.drawString(
        MARGIN,
        bottom,
        f"Stand {texts.day(report.as_of)} · Berichtszeitraum "
        f"{texts.period(report.period_from, report.period_to)} · Snapshot {report.snapshot.id}",
    )
    canvas.restoreState()


def _canvas_maker(report: Report) -> Callable[..., Canvas]:
    """A canvas that knows the page count at the end and dates the file by its snapshot."""
    created = report.snapshot.published_at.strftime("D:%Y%m%d%H%M%S+00'00'")

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setDateFormatter(lambda *_: created)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(BOLD, 7.5)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, f"Seite {number} von {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


# --- Tables -----------------------------------------------------------------------------------


def _table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    totals: Sequence[int] = (),
    flagged: Sequence[int] = (),
    groups: Sequence[int] = (),
    spans: Sequence[tuple[int, int, int]] = (),
    long: bool = False,
) -> Table:
    """A table with one header row (repeated on each page), numbers right, sums in bold.

    `spans` are (row, first column, last column) cells that run over several columns.
    """
    spanned = {(row, first): sum(widths[first : last + 1]) for row, first, last in spans}
    strong = {0, *totals, *groups}
    cells = [
        [
            _cell(value, row in strong, spanned.get((row, col), width), col in right, row == 0)
            for col, (value, width) in enumerate(zip(line, widths, strict=True))
        ]
        for row, line in enumerate(rows)
    ]
    kind = LongTable if long else Table
    table = kind(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("FONT", (0, 0), (-1, 0), BOLD, CELL_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    for col in right:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    for row in totals:
        style += [
            ("FONT", (0, row), (-1, row), BOLD, CELL_SIZE),
            ("LINEABOVE", (0, row), (-1, row), 0.8, INK),
        ]
    for row in flagged:
        style.append(("BACKGROUND", (0, row), (-1, row), FLAG_FILL))
    for row in groups:
        style += [
            ("BACKGROUND", (0, row), (-1, row), GROUP_FILL),
            ("FONT", (0, row), (-1, row), BOLD, CELL_SIZE),
        ]
    style += [("SPAN", (first, row), (last, row)) for row, first, last in spans]
    table.setStyle(TableStyle(style))
    return table


def _cell(value: Any, bold: bool, width: float, right: bool, header: bool) -> Any:
    """Texts that fit stay strings (fast for long lists); others become wrapping paragraphs."""
    if isinstance(value, Flowable) or value is None:
        return value
    text = str(value)
    font = BOLD if bold else FONT
    if not header and pdfmetrics.stringWidth(text, font, CELL_SIZE) <= width - 2 * PADDING:
        return text
    style = ("head" if bold else "cell") + ("_right" if right else "")
    return Paragraph(_escape(text), STYLES[style])


def render_table_pdf(
    title: str,
    subtitle: str,
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    *,
    right: Sequence[int] = (),
    notes: Sequence[str] = (),
) -> bytes:
    """A one-table document in the reports' look (fonts, table style): a title, a subtitle, the
    table (its first row the header) and notes; the same input gives the same bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=title, creator="ZaKI.D Wirkungsmonitor", invariant=1,
    )  # fmt: skip
    frame = Frame(
        document.leftMargin, document.bottomMargin, document.width, document.height,
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    document.addPageTemplates([PageTemplate("page", frames=[frame])])
    widths = [w * mm for w in widths_mm]
    story: list[Flowable] = [
        _p(texts.PROJECT_NAME, "kicker"),
        Paragraph(_escape(title), STYLES["title"]),
        _p(subtitle, "subtitle"),
        _table(rows, widths, right=right, long=True),
        *(_p(note, "note") for note in notes),
    ]
    document.build(story)
    return buffer.getvalue()


# --- Deckblatt --------------------------------------------------------------------------------


def _cover(report: Report) -> list[Flowable]:
    story: list[Flowable] = [
        _p(texts.PROJECT_NAME, "kicker"),
        Paragraph(_escape(report.title), STYLES["title"]),
        _p(texts.KIND_SUBTITLES[report.kind], "subtitle"),
    ]
    facts = [
        [Paragraph(_escape(label), STYLES["cell_bold"]), Paragraph(_escape(text), STYLES["cell"])]
        for label, text in report.cover_facts()
    ]
    cover = Table(facts, colWidths=[45 * mm, WIDTH - 45 * mm], hAlign="LEFT")
    cover.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, INK),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ]
        )
    )
    story += [cover, Spacer(1, 8 * mm), _p("Auf einen Blick", "h2")]
    if report.statement is not None:
        glance = [["", "Betrag"], *_glance(report, report.statement)]
        story.append(_table(glance, [WIDTH - 45 * mm, 45 * mm], right=[1]))
    else:
        story.append(_grants_overview(report))
    if report.notes:
        story.append(Spacer(1, 5 * mm))
        story += [_p(f"Hinweis: {note}", "body") for note in report.notes]
    story.append(PageBreak())
    return story


def _glance(report: Report, statement: Statement) -> list[list[str]]:
    figures = statement.figures
    rows = [
        ["Zuwendungsfähige Ausgaben im Berichtszeitraum", texts.eur(statement.period_actual_eur)],
        ["Zuwendungsfähige Ausgaben kumuliert (Ist)", texts.eur(figures.total_actual_eur)],
        ["Finanzierungsplan kumuliert (Soll)", texts.eur(figures.total_planned_eur)],
        ["Zuwendungsanteil des Berichtszeitraums", texts.eur(figures.grant_share_eur)],
        [f"Erhaltene Mittel bis {texts.day(report.period_to)}", texts.eur(figures.received_eur)],
    ]
    if figures.refund_due_eur is not None:
        rows.append(["Erstattungsbetrag", texts.eur(figures.refund_due_eur)])
    if statement.grant.rules.basis == "expenditure":
        idle = sum((part.amount_eur for part in figures.idle_funds), Decimal(0))
        rows.append(["Nicht fristgerecht verwendete Mittel", texts.eur(idle)])
    else:
        excess = sum((call.excess_eur for call in figures.premature_calls), Decimal(0))
        rows.append(["Vorzeitig abgerufene Mittel", texts.eur(excess)])
    rows += [
        ["Zinsen nach § 49a VwVfG", texts.eur(figures.interest_eur)],
        ["Belege im Berichtszeitraum", texts.number(report.voucher_count)],
    ]
    return rows


def _grants_overview(report: Report) -> Table:
    rows = [
        [
            "Förderkennz.",
            "Nebenbestimmungen",
            "Soll kumuliert",
            "Ist kumuliert",
            "Zuwendungsanteil",
            "Erhalten",
            "Zinsen",
        ]
    ]
    for statement in report.statements:
        figures = statement.figures
        rows.append(
            [
                statement.grant.grant_id,
                statement.grant.regime,
                texts.eur(figures.total_planned_eur),
                texts.eur(figures.total_actual_eur),
                texts.eur(figures.grant_share_eur),
                texts.eur(figures.received_eur),
                texts.eur(figures.interest_eur),
            ]
        )
    return _table(rows, _mm(21, 31, 24, 24, 27, 25, 22), right=[2, 3, 4, 5, 6])


# --- Sachbericht ------------------------------------------------------------------------------


def _narrative(report: Report) -> list[Flowable]:
    story: list[Flowable] = [
        _p("1 Sachbericht", "h1"),
        _p(
            "Der gemessene Teil ist aus dem Datenbestand ausgefüllt; die umrandeten Felder "
            "ergänzt der Zuwendungsempfänger.",
            "body",
        ),
    ]
    as_of = texts.day(report.as_of)
    if report.own is None:
        story.append(_p(texts.PROGRAMME_SCOPE.format(as_of=as_of), "body"))
        prefix = "1"
    else:
        story += _own(report, report.own)
        story += [
            _p("1.2 Verbundvorhaben insgesamt (nur Kontext)", "h2"),
            _p(texts.CONTEXT_SCOPE.format(as_of=as_of, end=texts.day(report.period_to)), "body"),
        ]
        prefix = "1.2"
    for section in report.sections:
        style = "h2" if report.own is None else "h3"
        block: list[Flowable] = [_p(f"{prefix}.{section.number} {section.title}", style)]
        if section.figures:
            rows = [
                ["Kennzahl (Verbund)", "Ist", "Ziel (fällig am)", "Abweichung", "Spätere Ziele"]
            ]
            rows += [_figure_row(figure) for figure in section.figures]
            block.append(
                _table(
                    rows, [62 * mm, 22 * mm, 32 * mm, 24 * mm, WIDTH - 140 * mm], right=[1, 2, 3]
                )
            )
            block.append(Spacer(1, 2 * mm))
        block.append(_field(section.prompt))
        story.append(KeepTogether(block))
    story.append(PageBreak())
    return story


def _own(report: Report, own: OwnFigures) -> list[Flowable]:
    statement = report.statements[0]
    received = [c for c in report.disbursements if c.in_period and c.received_on is not None]
    story: list[Flowable] = [
        _p(f"1.1 Eigene Zahlen des Teilvorhabens {own.grant_id}", "h2"),
        _p(texts.OWN_SCOPE.format(grant_id=own.grant_id), "body"),
    ]
    rows = [
        ["Kennzahl (dieses Teilvorhaben)", "Wert"],
        ["Belege im Berichtszeitraum", texts.number(report.voucher_count)],
        ["davon zuwendungsfähig", texts.eur(statement.period_actual_eur)],
        ["Mittelabrufe eingegangen im Berichtszeitraum", texts.number(len(received))],
        [
            "Betrag der eingegangenen Mittelabrufe",
            texts.eur(sum((c.amount_eur for c in received), ZERO)),
        ],
        ["Geförderte Stellen im Berichtszeitraum geschaffen", texts.number(own.positions_created)],
        [
            f"Geförderte Stellen am {texts.day(report.as_of)} (VZÄ)",
            f"{texts.number(own.positions_existing)} ({texts.number(own.fte_existing, 2)})",
        ],
        [
            "Transferprojekte mit Beteiligung des Zuwendungsempfängers",
            texts.number(len(own.projects)),
        ],
    ]
    story.append(_table(rows, [WIDTH - 45 * mm, 45 * mm], right=[1]))
    story.append(_p("Geförderte Stellen (jobs.grant_id)", "h3"))
    if own.positions:
        positions = [["Stelle", "Geschaffen am", "Beendet am", "VZÄ", "Qualifikation", "Besteht"]]
        positions += [
            [
                p.job_id,
                texts.day(p.created_on),
                texts.day(p.ended_on),
                texts.number(p.fte, 2),
                texts.QUALIFICATION_NAMES.get(p.qualification, p.qualification),
                texts.YES if p.exists_at_end else texts.NO,
            ]
            for p in own.positions
        ]
        story.append(_table(positions, _mm(34, 28, 28, 20, 36, 28), right=[3], long=True))
    else:
        story.append(_p(texts.NO_POSITIONS, "body"))
    story.append(_p("Transferprojekte mit Beteiligung des Zuwendungsempfängers", "h3"))
    if own.partner is None:
        partners = ", ".join(PARTNER_SPELLINGS)
        story.append(
            _p(texts.NO_PARTNER.format(recipient=own.recipient, partners=partners), "note")
        )
    else:
        story.append(
            _p(texts.PARTNER_MAPPING.format(recipient=own.recipient, partner=own.partner), "note")
        )
        if own.projects:
            projects = [
                ["Projekt", "Titel", "Partner", "Status", "Beginn", "Ext. Stellen", "KI live"]
            ]
            projects += [
                [
                    p.project_id,
                    p.title,
                    p.partner,
                    texts.PROJECT_STATUS_NAMES.get(p.status, p.status),
                    texts.day(p.started_on),
                    texts.number(p.external_jobs),
                    texts.number(p.deployments_live),
                ]
                for p in own.projects
            ]
            story.append(_table(projects, _mm(18, 52, 30, 22, 20, 16, 16), right=[5, 6], long=True))
        else:
            story.append(_p(texts.NO_PROJECTS, "body"))
    return story


def _figure_row(figure: KpiFigure) -> list[str]:
    target = figure.target
    later = "; ".join(
        f"{_kpi_number(figure, m.target_value)} ({texts.DUE_LATER.format(day=texts.day(m.due_on))})"
        for m in figure.later
    )
    return [
        figure.label,
        _kpi_number(figure, figure.value),
        "–"
        if target is None
        else f"{_kpi_number(figure, target.target_value)} ({texts.day(target.due_on)})",
        _kpi_number(figure, figure.deviation, signed=True),
        later or "–",
    ]


def _kpi_number(figure: KpiFigure, value: Any, signed: bool = False) -> str:
    if value is None:
        return "–"
    if figure.unit == "share":
        text = texts.percent(value)
        if signed:
            text = f"{texts.number(float(value) * 100, 1)} Pp."
    else:
        text = texts.number(value, 0 if figure.unit == "count" else 1)
    if signed and float(value) > 0:
        text = "+" + text
    return text


def _field(prompt: str) -> Table:
    """The empty, clearly marked field in which the recipient writes the narrative."""
    text = Paragraph(f"<b>{texts.NARRATIVE_MARK}:</b> {_escape(prompt)}", STYLES["field"])
    field = Table([[text]], colWidths=[WIDTH], rowHeights=[34 * mm])
    field.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, MUTED, None, (2, 2)),
                ("BACKGROUND", (0, 0), (-1, -1), FIELD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return field


# --- Zahlenmäßiger Nachweis -------------------------------------------------------------------


def _financial(report: Report) -> list[Flowable]:
    """The statement of the grant (2.1 – 2.6), or one numbered part per grant of the summary;
    then the calls, the inventory list (final report), the rule basis and the voucher list."""
    story: list[Flowable] = [_p("2 Zahlenmäßiger Nachweis", "h1")]
    if report.statement is not None:
        story += _statement(report, report.statement, "2")
        number = 7
    else:
        for number, statement in enumerate(report.statements, start=1):
            grant = statement.grant
            heading = f"2.{number} {grant.grant_id} – {grant.recipient} ({grant.regime})"
            story += [_p(heading, "h2"), *_statement(report, statement, f"2.{number}")]
        number = len(report.statements) + 1
    story += _calls(report, f"2.{number}")
    if report.kind == "final":
        number += 1
        story += _inventory(report, f"2.{number}")
    story += _rule_basis(report, f"2.{number + 1}")
    story += _voucher_list(report, f"2.{number + 2}")
    return story


def _statement(report: Report, statement: Statement, prefix: str) -> list[Flowable]:
    grant, figures = statement.grant, statement.figures
    rules = grant.rules
    heading = "h2" if report.statement is not None else "h3"
    period = texts.period(*figures.period)
    story: list[Flowable] = [
        KeepTogether(
            [
                _p(
                    f"{prefix}.1 Einzelansätze, kumuliert bis {texts.day(figures.period[1])}",
                    heading,
                ),
                _lines_table(figures),
                _p(
                    texts.LINES_RULE.format(
                        plan_years=texts.PLAN_YEARS[report.kind], source=rules.source_plan
                    ),
                    "note",
                ),
            ]
        ),
        KeepTogether([_p("Soll und Ist kumuliert", "h3"), _chart(figures)]),
    ]
    if statement.years:
        rows = [["Jahr", "Kostenart", "Soll des Jahres", "Ist des Jahres (zuwendungsfähig)"]]
        rows += [
            [
                str(line.year),
                texts.CATEGORY_NAMES.get(line.category, line.category),
                texts.eur(line.planned_eur),
                texts.eur(line.actual_eur),
            ]
            for line in statement.years
        ]
        story.append(
            KeepTogether(
                [
                    _p("Information: Soll und Ist je Kalenderjahr", "h3"),
                    _table(rows, _mm(16, 70, 44, 44), right=[2, 3]),
                    _p(texts.YEARS_INFO, "note"),
                ]
            )
        )
    vouchers = [g for g in report.voucher_groups if g.grant_id == grant.grant_id]
    gross = sum((g.subtotal_eur for g in vouchers), ZERO)
    vat = sum((g.subtotal_vat_eur for g in vouchers), ZERO)
    declaration = (
        texts.VAT_DEDUCTIBLE.format(source=rules.source_net)
        if grant.vat_deductible
        else texts.VAT_NOT_DEDUCTIBLE
    )
    amounts = [
        ["", "Betrag"],
        ["Ausgaben laut Belegliste (brutto)", texts.eur(gross)],
        ["darin Umsatzsteuer", texts.eur(vat)],
        ["davon zuwendungsfähig", texts.eur(statement.period_actual_eur)],
    ]
    story.append(
        KeepTogether(
            [
                _p(f"{prefix}.2 Ausgaben und zuwendungsfähige Beträge ({period})", heading),
                _table(
                    amounts,
                    [WIDTH - 45 * mm, 45 * mm],
                    right=[1],
                    totals=[3],
                ),
                _p(declaration, "body"),
            ]
        )
    )
    story += _revenues(report, statement, prefix, heading)
    story += _grant_share(statement, prefix, heading)
    story += _idle(report, statement, prefix, heading)
    story += _premature(report, statement, prefix, heading)
    return story


def _lines_table(figures: Any) -> Table:
    rows = [["Kostenart", "Soll", "Ist, zuwendungsfähig", "davon im Zeitraum", "Ist/Soll − 1",
             "Status"]]  # fmt: skip
    flagged = []
    for n, line in enumerate(figures.lines, start=1):
        share = line.deviation_share
        rows.append(
            [
                texts.CATEGORY_NAMES.get(line.category, line.category),
                texts.eur(line.planned_eur),
                texts.eur(line.actual_eur),
                texts.eur(line.period_actual_eur),
                "–" if share is None else texts.percent(share),
                texts.LINE_STATUS_NAMES[line.status],
            ]
        )
        if line.status in ("over_not_offset", "over_20"):
            flagged.append(n)
    rows.append(
        [
            "Summe",
            texts.eur(figures.total_planned_eur),
            texts.eur(figures.total_actual_eur),
            texts.eur(sum((line.period_actual_eur for line in figures.lines), ZERO)),
            "",
            "",
        ]
    )
    widths = _mm(34, 24, 28, 27, 19, 42)
    return _table(rows, widths, right=[1, 2, 3, 4], totals=[len(rows) - 1], flagged=flagged)


def _chart(figures: Any) -> Drawing:
    """Plan and actual per Einzelansatz as horizontal bars (vector, from the same figures)."""
    rows = list(figures.lines) or []
    height = 22 * mm + max(len(rows), 1) * 9 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 52 * mm, 14 * mm
    chart.width, chart.height = WIDTH - 60 * mm, height - 20 * mm
    # Bars are drawn bottom-up: reversed, so the first category is on top as in the tables.
    rows = rows[::-1]
    chart.data = [
        [float(row.planned_eur) for row in rows] or [0.0],
        [float(row.actual_eur) for row in rows] or [0.0],
    ]
    chart.categoryAxis.categoryNames = [
        texts.CATEGORY_NAMES.get(row.category, row.category) for row in rows
    ] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -3
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labelTextFormat = lambda value: f"{texts.number(value / 1000)} T€"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E7EB")
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.bars[0].fillColor = PLAN_COLOUR
    chart.bars[1].fillColor = ACTUAL_COLOUR
    chart.bars.strokeWidth = 0
    chart.barSpacing = 1
    chart.groupSpacing = 5
    legend = Legend()
    legend.x, legend.y = 52 * mm, 4 * mm
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 30 * mm
    legend.colorNamePairs = [
        (PLAN_COLOUR, "Soll (Finanzierungsplan)"),
        (ACTUAL_COLOUR, "Ist (zuwendungsfähig)"),
    ]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(
        String(0, height - 4, "in Tausend Euro", fontName=FONT, fontSize=6.5, fillColor=MUTED)
    )
    return drawing


def _revenues(report: Report, statement: Statement, prefix: str, heading: str) -> list[Flowable]:
    revenues = statement.figures.revenues
    rules = statement.grant.rules
    years = texts.PLAN_YEARS[report.kind]
    block: list[Flowable] = [
        _p(f"{prefix}.3 Deckungsmittel: Plan und Ist", heading),
        _p(texts.REVENUES_RULE.format(years=years), "note"),
    ]
    if not revenues.lines:
        return [KeepTogether([*block, _p(texts.NO_REVENUES, "body")])]
    rows = [["Art", "Plan", "Ist"]]
    rows += [
        [
            texts.REVENUE_KIND_NAMES.get(line.kind, line.kind),
            texts.eur(line.planned_eur),
            "noch nicht bekannt" if line.actual_eur is None else texts.eur(line.actual_eur),
        ]
        for line in revenues.lines
    ]
    block.append(_table(rows, _mm(84, 45, 45), right=[1, 2]))
    if revenues.exceeds_plan:
        text = texts.REVENUES_EXCESS.format(
            excess=texts.eur(revenues.excess_eur), source=rules.source_revenues
        )
        block.append(_table([[f"Markierung: {text}"]], [WIDTH], flagged=[0]))
    else:
        block.append(_p(texts.REVENUES_WITHIN, "body"))
    return [KeepTogether(block)]


def _grant_share(statement: Statement, prefix: str, heading: str) -> list[Flowable]:
    grant, figures = statement.grant, statement.figures
    rows = [
        ["", "Betrag"],
        ["Bewilligte Zuwendung (Höchstbetrag)", texts.eur(grant.approved_eur)],
        ["Förderquote", texts.percent(grant.funding_rate, 2)],
        ["Zuwendungsfähige Ausgaben kumuliert", texts.eur(figures.total_actual_eur)],
        [
            f"Zuwendungsanteil des Berichtszeitraums ({texts.period(*figures.period)})",
            texts.eur(figures.grant_share_eur),
        ],
        [f"Erhaltene Mittel bis {texts.day(figures.period[1])}", texts.eur(figures.received_eur)],
    ]
    notes = [texts.SHARE_RULE]
    if figures.refund_due_eur is not None:
        rows.append(["Erstattungsbetrag", texts.eur(figures.refund_due_eur)])
        notes.append(texts.REFUND_RULE)
    return [
        KeepTogether(
            [
                _p(f"{prefix}.4 Zuwendung: Anteil, erhaltene Mittel, Erstattung", heading),
                _table(rows, [WIDTH - 45 * mm, 45 * mm], right=[1]),
                *(_p(note, "note") for note in notes),
            ]
        )
    ]


def _interest_notes(report: Report, rules: Any) -> list[Flowable]:
    rates = "; ".join(
        f"ab {texts.day(rate.valid_from)} {texts.number(rate.rate_percent, 2)} %"
        for rate in report.base_rates
    )
    source = rules.sources()[-1]
    notes = [_p(texts.INTEREST_RULE.format(source=source, rates=rates), "note")]
    if rules.name == "ANBest-Gk":
        notes.append(_p(texts.GK_WAIVER, "note"))
    return notes


def _idle(report: Report, statement: Statement, prefix: str, heading: str) -> list[Flowable]:
    rules, figures = statement.grant.rules, statement.figures
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        _p(f"{prefix}.5 Nicht fristgerecht verwendete Mittel", heading),
    ]
    if rules.basis != "expenditure":
        return [*story, _p(texts.NOT_APPLICABLE_IDLE, "body")]
    story.append(
        _p(
            texts.IDLE_RULE.format(
                window=texts.window(rules),
                source=rules.source_calls,
                end=texts.day(min(figures.period[1], report.as_of)),
            ),
            "note",
        )
    )
    if not figures.idle_funds:
        return [*story, _p(texts.NO_IDLE, "body")]
    rows = [["Abruf-Nr.", "Betrag", "Eingang", "Verwendet am", "Tage", "Zinsen"]]
    rows += [
        [
            part.disbursement_id,
            texts.eur(part.amount_eur),
            texts.day(part.received_on),
            texts.day(part.used_on) if part.used_on else "noch nicht verwendet",
            texts.number(part.days_idle),
            texts.eur(part.interest_eur),
        ]
        for part in figures.idle_funds
    ]
    widths = _mm(30, 30, 24, 36, 24, 30)
    story.append(_interest_table(rows, widths, [1, 4, 5], figures.interest_eur))
    return [*story, *_interest_notes(report, rules)]


def _interest_table(
    rows: list[list[str]], widths: Sequence[float], right: Sequence[int], interest_eur: Decimal
) -> Table:
    """Parts of calls that owe interest (a header row, then each one flagged) and the total."""
    total = ["Zinsen insgesamt", *[""] * (len(rows[0]) - 2), texts.eur(interest_eur)]
    return _table(
        [*rows, total],
        widths,
        right=right,
        totals=[len(rows)],
        flagged=list(range(1, len(rows))),
        long=True,
    )


def _premature(report: Report, statement: Statement, prefix: str, heading: str) -> list[Flowable]:
    rules, figures = statement.grant.rules, statement.figures
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        _p(f"{prefix}.6 Vorzeitige Mittelabrufe", heading),
    ]
    if rules.basis != "cost":
        return [*story, _p(texts.NOT_APPLICABLE_PREMATURE, "body")]
    story.append(_p(texts.PREMATURE_RULE.format(source=rules.source_calls), "note"))
    if not figures.premature_calls:
        return [*story, _p(texts.NO_PREMATURE, "body")]
    rows = [["Abruf-Nr.", "Eingang", "Überschuss", "Gedeckt am", "Tage bis Deckung", "Zinsen"]]
    rows += [
        [
            call.disbursement_id,
            texts.day(call.received_on),
            texts.eur(call.excess_eur),
            texts.day(call.covered_on) if call.covered_on else "noch nicht gedeckt",
            texts.number(call.days_until_covered),
            texts.eur(call.interest_eur),
        ]
        for call in figures.premature_calls
    ]
    widths = _mm(30, 24, 30, 36, 24, 30)
    story.append(_interest_table(rows, widths, [2, 4, 5], figures.interest_eur))
    return [*story, *_interest_notes(report, rules)]


def _calls(report: Report, number: str) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        _p(f"{number} Mittelabrufe (Stand {texts.day(report.as_of)})", "h2"),
    ]
    if not report.disbursements:
        return [*story, _p(texts.NO_DISBURSEMENTS, "body")]
    rows = [
        [
            "Förderkennz.",
            "Abruf-Nr.",
            "Angefordert am",
            "Eingegangen am",
            "Betrag",
            "Im Berichtszeitraum",
        ]
    ]
    rows += [
        [
            c.grant_id,
            c.disbursement_id,
            texts.day(c.requested_on),
            texts.day(c.received_on) if c.received_on else "ausstehend",
            texts.eur(c.amount_eur),
            texts.YES if c.in_period else texts.NO,
        ]
        for c in report.disbursements
    ]
    story.append(_table(rows, _mm(26, 30, 25, 25, 30, 38), right=[4], long=True))
    return story


def _inventory(report: Report, number: str) -> list[Flowable]:
    grant = report.grants[0]
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        _p(f"{number} Inventarverzeichnis", "h2"),
        _p(texts.INVENTORY_RULE.format(source=grant.rules.source_inventory), "note"),
    ]
    if not report.inventory:
        return [*story, _p(texts.NO_INVENTORY, "body")]
    rows = [["Inventar-Nr.", "Gegenstand", "Beleg-Nr.", "Beschafft am", "Netto", "Standort"]]
    rows += [
        [
            item.item_id,
            item.description,
            item.expenditure_id,
            texts.day(item.acquired_on),
            texts.eur(item.net_eur),
            item.location or "",
        ]
        for item in report.inventory
    ]
    story.append(_table(rows, _mm(24, 50, 22, 22, 26, 30), right=[4], long=True))
    return story


def _rule_basis(report: Report, number: str) -> list[Flowable]:
    """The rules the figures follow, each with its source: the regime's own, never another's."""
    story: list[Flowable] = [
        CondPageBreak(50 * mm),
        _p(f"{number} Rechtsgrundlagen der Berechnung", "h2"),
    ]
    for rules in report.regimes:
        story.append(_p(rules.title, "h3"))
        story += [_p(f"• {source}", "body") for source in rules.sources()]
    story.append(_p(texts.ROUNDING_RULE, "note"))
    return story


def _mm(*widths: float) -> list[float]:
    """Column widths given in millimetres; they add up to the text width."""
    return [width * mm for width in widths]


# --- Belegliste -------------------------------------------------------------------------------


def _voucher_list(report: Report, number: str) -> list[Flowable]:
    period = texts.period(report.period_from, report.period_to)
    net = any(g.vat_deductible for g in report.grants)
    story: list[Flowable] = [
        PageBreak(),
        _p(f"{number} Belegliste", "h2"),
        _p(
            f"Alle Belege des Berichtszeitraums {period} "
            f"(gezahlt bis {texts.day(report.as_of)}), nach Kostenart gruppiert und nach Datum "
            "geordnet; Korrekturen negativ."
            + (" Zuwendungsfähig ist der Nettobetrag (ohne Vorsteuer)." if net else ""),
            "body",
        ),
    ]
    if not report.voucher_groups:
        return [*story, _p(texts.NO_VOUCHERS, "body")]
    header = ["Beleg-Nr.", "Datum", "Zahlungsempfänger", "Verwendungszweck", "Betrag"]
    widths = _mm(24, 19, 43, 63, 25)
    if net:
        header.append("Zuwendungsfähig")
        widths = _mm(21, 18, 34, 49, 25, 27)
    last = len(header) - 1
    rows: list[list[Any]] = [header]
    groups, totals = [], []
    several = len(report.grants) > 1

    def amounts(gross: Decimal, eligible: Decimal) -> list[str]:
        return [texts.eur(gross), texts.eur(eligible)] if net else [texts.eur(gross)]

    for group in report.voucher_groups:
        category = texts.CATEGORY_NAMES.get(group.category, group.category)
        heading = f"{group.grant_id} · {category}" if several else category
        rows.append([heading] + [""] * last)
        groups.append(len(rows) - 1)
        rows += [
            [
                v.expenditure_id,
                texts.day(v.paid_on),
                v.vendor or "",
                v.description,
                *amounts(v.amount_eur, v.eligible_eur),
            ]
            for v in group.vouchers
        ]
        rows.append(
            [
                f"Zwischensumme {category}",
                "",
                "",
                f"{texts.number(len(group.vouchers))} Belege",
                *amounts(group.subtotal_eur, group.subtotal_eligible_eur),
            ]
        )
        totals.append(len(rows) - 1)
    rows.append(
        [
            "Summe",
            "",
            "",
            f"{texts.number(report.voucher_count)} Belege",
            *amounts(report.voucher_total_eur, report.voucher_eligible_eur),
        ]
    )
    totals.append(len(rows) - 1)
    spans = [(row, 0, last) for row in groups] + [(row, 0, 2) for row in totals]
    right = [4, 5] if net else [4]
    story.append(
        _table(rows, widths, right=right, totals=totals, groups=groups, spans=spans, long=True)
    )
    return story


# --- Bestätigung ------------------------------------------------------------------------------


def _confirmation(report: Report) -> list[Flowable]:
    # Three signature fields with a gap between them, so their lines stay apart.
    gap = 6 * mm
    field = (WIDTH - 2 * gap) / 3
    labels = list(texts.SIGNATURE_FIELDS)
    lines = Table(
        [["", "", "", "", ""], [labels[0], "", labels[1], "", labels[2]]],
        colWidths=[field, gap, field, gap, field],
        rowHeights=[18 * mm, 6 * mm],
        hAlign="LEFT",
    )
    lines.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 7),
                ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
                *[("LINEBELOW", (col, 0), (col, 0), 0.6, INK) for col in (0, 2, 4)],
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    recipient = "; ".join(dict.fromkeys(g.recipient for g in report.grants))
    return [
        CondPageBreak(70 * mm),
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                _p("3 Bestätigung", "h1"),
                _p(texts.CONFIRMATION, "body"),
                _p(f"Zuwendungsempfänger: {recipient}", "body"),
                Spacer(1, 4 * mm),
                lines,
            ]
        ),
    ]
