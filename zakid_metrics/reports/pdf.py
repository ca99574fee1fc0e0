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
from zakid_metrics.reports.builder import KpiFigure, PlanTable, Report

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
    story += _voucher_list(report)
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
    plan = report.plan_tables[-1].total
    financing, funds = report.financing[-1], report.funds[-1]
    idle = sum((row.idle_at_deadline_eur for row in report.idle), Decimal("0.00"))
    glance = [
        ["", "Betrag"],
        ["Ausgaben laut Finanzierungsplan (Soll, Berichtszeitraum)", texts.eur(plan.planned_eur)],
        ["Ausgaben laut Belegliste (Ist, Berichtszeitraum)", texts.eur(financing.eligible_eur)],
        ["Mittelausschöpfung (Ist/Soll)", texts.percent(plan.utilisation)],
        ["davon Zuwendungsanteil", texts.eur(financing.grant_share_eur)],
        ["davon Eigenanteil", texts.eur(financing.own_share_eur)],
        [f"Abgerufene Mittel bis {texts.day(report.as_of)}", texts.eur(funds.drawn_eur)],
        ["Zum Fristende nicht verwendete Mittel (Berichtszeitraum)", texts.eur(idle)],
        ["Belege im Berichtszeitraum", texts.number(report.voucher_count)],
    ]
    story.append(_table(glance, [WIDTH - 45 * mm, 45 * mm], right=[1]))
    if report.notes:
        story.append(Spacer(1, 5 * mm))
        story += [_p(f"Hinweis: {note}", "body") for note in report.notes]
    story.append(PageBreak())
    return story


# --- Sachbericht ------------------------------------------------------------------------------


def _narrative(report: Report) -> list[Flowable]:
    story: list[Flowable] = [
        _p("1 Sachbericht", "h1"),
        _p(
            "Der gemessene Teil ist aus dem Datenbestand ausgefüllt; die umrandeten Felder "
            "ergänzt der Zuwendungsempfänger. "
            + texts.PROGRAMME_SCOPE.format(as_of=texts.day(report.as_of)),
            "body",
        ),
    ]
    for section in report.sections:
        block: list[Flowable] = [_p(f"1.{section.number} {section.title}", "h2")]
        if section.figures:
            rows = [["Kennzahl", "Ist", "Ziel (fällig am)", "Abweichung", "Endziel (fällig am)"]]
            rows += [_figure_row(figure) for figure in section.figures]
            block.append(
                _table(
                    rows, [62 * mm, 22 * mm, 32 * mm, 24 * mm, WIDTH - 140 * mm], right=[1, 2, 3, 4]
                )
            )
            block.append(Spacer(1, 2 * mm))
        block.append(_field(section.prompt))
        story.append(KeepTogether(block))
    story.append(PageBreak())
    return story


def _figure_row(figure: KpiFigure) -> list[str]:
    def milestone(target: Any) -> str:
        if target is None:
            return "–"
        return f"{_kpi_number(figure, target.target_value)} ({texts.day(target.due_on)})"

    return [
        figure.label,
        _kpi_number(figure, figure.value),
        milestone(figure.target),
        _kpi_number(figure, figure.deviation, signed=True),
        milestone(figure.final_target),
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
    story: list[Flowable] = [
        _p("2 Zahlenmäßiger Nachweis", "h1"),
        _p("2.1 Soll-Ist-Vergleich nach Kostenarten", "h2"),
    ]
    for table in report.plan_tables:
        story.append(KeepTogether([_p(table.title, "h3"), _plan_table(table)]))
    story.append(_p(texts.FLAG_RULE, "note"))
    story.append(KeepTogether([_p("Soll und Ist im Berichtszeitraum", "h3"), _chart(report)]))
    if report.deviations:
        story.append(KeepTogether([_p("Positionen über Plan", "h3"), _deviations(report)]))
    story += _income(report)
    story += _drawdowns(report)
    story += _idle(report)
    return story


def _plan_table(table: PlanTable) -> Table:
    rows = [["Kostenart", "Soll", "Ist", "Abweichung", "Ist/Soll", "Markierung"]]
    totals, flagged = [], []
    for n, line in enumerate(table.rows, start=1):
        rows.append(
            [
                line.label,
                texts.eur(line.planned_eur),
                texts.eur(line.spent_eur),
                texts.eur(line.over_eur),
                texts.percent(line.utilisation),
                texts.FLAG if line.flagged else "",
            ]
        )
        if line.is_total:
            totals.append(n)
        if line.flagged:
            flagged.append(n)
    widths = _mm(52, 28, 28, 28, 18, 20)
    return _table(rows, widths, right=[1, 2, 3, 4], totals=totals, flagged=flagged)


def _deviations(report: Report) -> Table:
    several = len(report.grants) > 1
    rows = [["Kostenart", "Jahr", "Soll", "Ist", "Über Plan", "in %", "> 20 %"]]
    for item in report.deviations:
        rows.append(
            [
                texts.CATEGORY_NAMES.get(item.category, item.category),
                str(item.year),
                texts.eur(item.planned_eur),
                texts.eur(item.spent_eur),
                texts.eur(item.over_eur),
                texts.percent(item.share),
                texts.FLAG if item.flagged else "",
            ]
        )
    widths = _mm(52, 11, 25, 25, 25, 16, 20)
    if several:
        rows = [
            [name, *row]
            for name, row in zip(
                ["Förderkennz.", *(d.grant_id for d in report.deviations)], rows, strict=True
            )
        ]
        widths = _mm(22, 50, 10, 23, 23, 23, 12, 11)
    flagged = [n for n, item in enumerate(report.deviations, start=1) if item.flagged]
    return _table(
        rows, widths, right=list(range(len(widths) - 6, len(widths) - 1)), flagged=flagged
    )


def _chart(report: Report) -> Drawing:
    """Plan and actual per cost category as horizontal bars (vector, from the same figures)."""
    rows = [row for row in report.category_totals if row.planned_eur or row.spent_eur]
    rows = rows or list(report.category_totals)
    height = 22 * mm + len(rows) * 9 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 52 * mm, 14 * mm
    chart.width, chart.height = WIDTH - 60 * mm, height - 20 * mm
    # Bars are drawn bottom-up: reversed, so the first category is on top as in the tables.
    rows = rows[::-1]
    chart.data = [
        [float(row.planned_eur) for row in rows],
        [float(row.spent_eur) for row in rows],
    ]
    chart.categoryAxis.categoryNames = [row.label for row in rows]
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
        (ACTUAL_COLOUR, "Ist (Belegliste)"),
    ]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(
        String(0, height - 4, "in Tausend Euro", fontName=FONT, fontSize=6.5, fillColor=MUTED)
    )
    return drawing


def _own_or_all(items: Sequence[Any]) -> Sequence[Any]:
    """Rows per grant and their sum; of one grant only its row (the sum says the same)."""
    return items[:1] if len(items) == 2 else items


def _income(report: Report) -> list[Flowable]:
    rows = [
        [
            "Zeitraum",
            "Förderkennz.",
            "Quote",
            "Ausgaben (zuwendungsfähig)",
            "Zuwendungsanteil",
            "Eigenanteil",
        ]
    ]
    totals = []
    since = texts.period(min(g.starts_on for g in report.grants), report.period_to)
    for label, financing in (
        (
            f"Berichtszeitraum {texts.period(report.period_from, report.period_to)}",
            report.financing,
        ),
        (f"Kumuliert {since}", report.financing_cumulative),
    ):
        for item in _own_or_all(financing):
            rows.append(
                [
                    label,
                    item.grant_id or "Summe",
                    "" if item.funding_rate is None else texts.percent(item.funding_rate, 2),
                    texts.eur(item.eligible_eur),
                    texts.eur(item.grant_share_eur),
                    texts.eur(item.own_share_eur),
                ]
            )
            label = ""
            if item.grant_id is None:
                totals.append(len(rows) - 1)
    widths = _mm(40, 23, 16, 34, 30, 31)
    return [
        KeepTogether(
            [
                _p("2.2 Finanzierung: Zuwendung und Eigenanteil", "h2"),
                _table(rows, widths, right=[2, 3, 4, 5], totals=totals),
                _p(texts.ROUNDING_RULE, "note"),
            ]
        )
    ]


def _drawdowns(report: Report) -> list[Flowable]:
    rows = [
        [
            "Förderkennz.",
            "Bewilligt",
            "Abgerufen",
            "Angefordert, nicht eingegangen",
            "Zuwendungsanteil der Ausgaben",
            "Saldo: abgerufen − Zuwendungsanteil",
        ]
    ]
    totals = []
    for status in _own_or_all(report.funds):
        rows.append(
            [
                status.grant_id or "Summe",
                texts.eur(status.approved_eur),
                texts.eur(status.drawn_eur),
                texts.eur(status.pending_eur),
                texts.eur(status.funded_spending_eur),
                texts.eur(status.unspent_eur),
            ]
        )
        if status.grant_id is None:
            totals.append(len(rows) - 1)
    story: list[Flowable] = [
        KeepTogether(
            [
                _p(f"2.3 Mittelabrufe und Verwendung (Stand {texts.day(report.as_of)})", "h2"),
                _table(rows, _mm(23, 27, 27, 27, 32, 38), right=[1, 2, 3, 4, 5], totals=totals),
                _p(texts.BALANCE_RULE, "note"),
            ]
        )
    ]
    if not report.disbursements:
        return [*story, _p(texts.NO_DISBURSEMENTS, "body")]
    calls = [
        [
            "Förderkennz.",
            "Abruf-Nr.",
            "Angefordert am",
            "Eingegangen am",
            "Betrag",
            "Im Berichtszeitraum",
        ]
    ]
    calls += [
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
    story.append(_table(calls, _mm(26, 30, 25, 25, 30, 38), right=[4], long=True))
    return story


def _idle(report: Report) -> list[Flowable]:
    windows = texts.windows(g.drawdown_window for g in report.grants)
    story: list[Flowable] = [
        CondPageBreak(40 * mm),
        _p("2.4 Nicht fristgerecht verwendete Mittel", "h2"),
        _p(texts.IDLE_RULE.format(windows=windows), "note"),
    ]
    if not report.idle:
        return [*story, _p(texts.NO_IDLE, "body")]
    rows = [
        [
            "Förderkennz.",
            "Abruf-Nr.",
            "Eingang",
            "Frist bis",
            "Betrag",
            "Zum Fristende nicht verwendet",
            "Am Stand nicht verwendet",
            "Tage",
        ]
    ]
    rows += [
        [
            i.grant_id,
            i.disbursement_id,
            texts.day(i.received_on),
            texts.day(i.spend_by),
            texts.eur(i.amount_eur),
            texts.eur(i.idle_at_deadline_eur),
            texts.eur(i.idle_eur),
            texts.number(i.days_idle),
        ]
        for i in report.idle
    ]
    widths = _mm(22, 20, 19, 19, 23, 27, 27, 17)
    flagged = list(range(1, len(rows)))
    story.append(_table(rows, widths, right=[4, 5, 6, 7], flagged=flagged, long=True))
    return story


def _mm(*widths: float) -> list[float]:
    """Column widths given in millimetres; they add up to the text width."""
    return [width * mm for width in widths]


# --- Belegliste -------------------------------------------------------------------------------


def _voucher_list(report: Report) -> list[Flowable]:
    period = texts.period(report.period_from, report.period_to)
    story: list[Flowable] = [
        PageBreak(),
        _p("2.5 Belegliste", "h2"),
        _p(
            f"Alle Belege des Berichtszeitraums {period} "
            f"(gezahlt bis {texts.day(report.as_of)}), nach Kostenart gruppiert und nach Datum "
            "geordnet; Korrekturen negativ.",
            "body",
        ),
    ]
    if not report.voucher_groups:
        return [*story, _p(texts.NO_VOUCHERS, "body")]
    rows: list[list[Any]] = [
        ["Beleg-Nr.", "Datum", "Zahlungsempfänger", "Verwendungszweck", "Betrag"]
    ]
    groups, totals = [], []
    several = len(report.grants) > 1
    for group in report.voucher_groups:
        category = texts.CATEGORY_NAMES.get(group.category, group.category)
        heading = f"{group.grant_id} · {category}" if several else category
        rows.append([heading, "", "", "", ""])
        groups.append(len(rows) - 1)
        rows += [
            [
                v.expenditure_id,
                texts.day(v.paid_on),
                v.vendor or "",
                v.description,
                texts.eur(v.amount_eur),
            ]
            for v in group.vouchers
        ]
        rows.append(
            [
                f"Zwischensumme {category}",
                "",
                "",
                f"{texts.number(len(group.vouchers))} Belege",
                texts.eur(group.subtotal_eur),
            ]
        )
        totals.append(len(rows) - 1)
    rows.append(
        [
            "Summe",
            "",
            "",
            f"{texts.number(report.voucher_count)} Belege",
            texts.eur(report.voucher_total_eur),
        ]
    )
    totals.append(len(rows) - 1)
    widths = _mm(24, 19, 43, 63, 25)
    spans = [(row, 0, 4) for row in groups] + [(row, 0, 2) for row in totals]
    story.append(
        _table(rows, widths, right=[4], totals=totals, groups=groups, spans=spans, long=True)
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
