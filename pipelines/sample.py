"""The bundled sample delivery: deterministic, with real export quirks and a few planted errors."""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

from pipelines.fleet_model import DEVICE_PROFILES, UPLINK_SHARE, working_load

SAMPLE_AS_OF = dt.date(2026, 11, 20)
"""Export date of the sample delivery: everything is generated relative to it."""

SEED = 20_241_120
GRANT_START = dt.date(2024, 6, 1)
GRANT_END = dt.date(2028, 5, 31)
PROGRAMME = "STARK"
# The workbook's document properties would otherwise carry the time of generation.
_XLSX_CREATED = dt.datetime(2026, 11, 20, 7, 30, 0)
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PlantedError:
    """A deliberately broken cell of the sample, so the data-quality page has something to show."""

    file: str
    line: int
    """Line (CSV) or row (XLSX) number as an editor or spreadsheet shows it; the header is 1."""
    column: str
    """Contract column name."""
    value: str
    """The raw value as written ("" for an empty cell)."""
    rule: str


@dataclass(frozen=True)
class _Eur:
    cents: int


@dataclass
class _Table:
    file: str
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    """As written: original spelling, capitalisation and stray spaces."""
    rows: list[dict[str, object]]
    bools: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Per column: how true and false are spelled in German Excel files (default ja/nein)."""


# Row keys that are not written: the planted error of a row, and a link to its source object.
_PLANTED = "_planted"
_SOURCE = "_source"

_RULES = {
    ("companies", "postal_code"): "postal_code must have 5 digits",
    ("companies", "joined_on"): "joined_on must be a valid date (there is no 31 February)",
    ("projects", "company_id"): "company_id must name an existing company",
    ("projects", "ended_on"): "ended_on must not be before started_on",
    ("expenditures", "expenditure_id"): "expenditure_id must be unique (second occurrence)",
    ("expenditures", "amount_eur"): "amount_eur must not be 0",
    ("jobs", "fte"): "fte must be greater than 0 and at most 1",
    ("jobs", "company_id"): "company_id is required for external jobs",
    ("devices", "device_class"): "device_class must be one of the contract's device classes",
    ("sdg_contributions", "sdg_target"): "sdg_target must start with the goal number",
    ("courses", "completed"): "completed must not exceed enrolled",
}


def _plant(row: dict[str, object], entity: str, column: str, raw: object) -> None:
    row[column] = raw
    row[_PLANTED] = (column, _RULES[entity, column])


# --- Small helpers -------------------------------------------------------------------------


def _eur(euros: float) -> _Eur:
    return _Eur(round(euros * 100))


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(day: dt.date) -> dt.date:
    return _add_months(day, 1) - _days(1)


def _workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        first + _days(n) for n in range((last - first).days + 1) if (first + _days(n)).weekday() < 5
    ]


def _last_workday(month: dt.date) -> dt.date:
    return _workdays(month, _month_end(month))[-1]


def _workday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += _days(1)
    return day


def _pick(rng: random.Random, weighted: Sequence[tuple[object, float]]) -> object:
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


# --- Formats -------------------------------------------------------------------------------


def _de_money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def _de_cell(value: object, bools: tuple[str, str] = ("ja", "nein")) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return bools[0] if value else bools[1]
    if isinstance(value, _Eur):
        return _de_money(value.cents)
    if isinstance(value, dt.date):
        return f"{value.day:02d}.{value.month:02d}.{value.year}"
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    raise TypeError(f"no German format for {value!r}")


def _tool_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Eur):
        sign = "-" if value.cents < 0 else ""
        euros, rest = divmod(abs(value.cents), 100)
        return f"{sign}{euros}.{rest:02d}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | int):
        return str(value)
    raise TypeError(f"no tool-export format for {value!r}")


def _xlsx_value(value: object) -> object:
    if isinstance(value, _Eur):
        return value.cents / 100
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell_text(table: _Table, row: dict[str, object], column: str) -> str:
    """A cell as it appears in the written file (for the XLSX: as openpyxl reads it back)."""
    value = row.get(column)
    if table.file.endswith(".xlsx"):
        return "" if value is None else str(_xlsx_value(value))
    if _WRITERS[table.file] is _tool_csv:
        return _tool_cell(value)
    return _de_cell(value, table.bools.get(column, ("ja", "nein")))


def _csv_text(table: _Table, delimiter: str, terminator: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=terminator, quoting=csv.QUOTE_MINIMAL
    )
    writer.writerow(table.headers)
    for row in table.rows:
        cells = [_cell_text(table, row, column) for column in table.columns]
        if any("\n" in cell or "\r" in cell for cell in cells):
            raise ValueError(f"{table.file}: a line break in a cell would shift line numbers")
        writer.writerow(cells)
    return buffer.getvalue()


def _german_excel_csv(table: _Table) -> bytes:
    """German Excel's 'CSV (Trennzeichen-getrennt)': Windows-1252, `;`, CRLF, blank tail lines."""
    return (_csv_text(table, ";", "\r\n") + "\r\n\r\n").encode("cp1252")


def _german_utf8_csv(table: _Table) -> bytes:
    """German Excel's 'CSV UTF-8': as above, but UTF-8 with a byte order mark."""
    return ("\ufeff" + _csv_text(table, ";", "\r\n")).encode("utf-8")


def _tool_csv(table: _Table) -> bytes:
    """Export of a tool: UTF-8 without BOM, `,`, ISO dates, decimal point, LF."""
    return _csv_text(table, ",", "\n").encode("utf-8")


def _jobs_xlsx(table: _Table) -> bytes:
    """A workbook as people keep it: row 1 left empty, the header in row 2, typed cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {"title": "Stellenmeldungen ZaKI.D", "author": "Stadt Duisburg", "created": _XLSX_CREATED}
    )
    sheet = workbook.add_worksheet("Stellen")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    money_format = workbook.add_format({"num_format": "#,##0.00"})
    sheet.write_row(1, 0, table.headers, bold)
    for index, row in enumerate(table.rows, start=2):
        for position, column in enumerate(table.columns):
            value = _xlsx_value(row.get(column))
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(index, position, value, date_format)
            elif isinstance(value, float | int):
                number_format = money_format if column == "annual_gross_salary_eur" else None
                sheet.write_number(index, position, value, number_format)
            else:
                sheet.write_string(index, position, str(value))
    sheet.set_column(0, len(table.columns) - 1, 16)
    workbook.close()
    return _normalised_zip(buffer.getvalue())


def _normalised_zip(data: bytes) -> bytes:
    """The same archive with stored entries and fixed metadata, identical on every machine.

    Deflated bytes depend on the zlib build (zlib-ng differs), ZipInfo on the platform.
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, _ZIP_EPOCH)
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(member))
    return out.getvalue()


# --- Grants and budget ---------------------------------------------------------------------

CATEGORIES = ("personnel", "material", "investment", "subcontracting", "travel", "overhead")
YEARS = (2024, 2025, 2026, 2027, 2028)
# Split of a category over the years: running costs by grant months, investments early.
_YEAR_WEIGHTS = {category: (7, 12, 12, 12, 5) for category in CATEGORIES}
_YEAR_WEIGHTS["investment"] = (30, 40, 20, 10, 0)
_CATEGORY_CODES = {
    "personnel": "PERS", "material": "SACH", "investment": "INV",
    "subcontracting": "AUFTR", "travel": "REISE", "overhead": "GEMK",
}  # fmt: skip


@dataclass(frozen=True)
class _Grant:
    code: str
    grant_id: str
    recipient: str
    sub_project: str
    regime: str
    rate: Decimal
    eligible_eur: int
    """Eligible expenses of the financing plan; approved_eur = eligible_eur * rate."""
    decided_on: dt.date
    shares: tuple[float, ...]
    """Share of each cost category, in CATEGORIES order."""

    @property
    def window_days(self) -> int:
        """Called funds must be spent within 6 weeks (ANBest-P, NKBF) or 2 months (ANBest-Gk)."""
        return 61 if self.regime == "ANBest-Gk" else 42

    @property
    def approved_cents(self) -> int:
        return int((Decimal(self.eligible_eur * 100) * self.rate).to_integral_value())


# fmt: off
GRANTS = (
    _Grant("SDU", "03STK0187A", "Stadt Duisburg",
           "Koordination, Transferstelle und regionale Vernetzung des Zentrums für angewandte "
           "eingebettete KI Duisburg",
           "ANBest-Gk", Decimal("0.9"), 6_012_400, dt.date(2024, 4, 18),
           (0.42, 0.15, 0.04, 0.27, 0.02, 0.10)),
    _Grant("IMS", "03STK0187B", "Fraunhofer IMS",
           "Energieeffiziente KI-Hardware und TinyML-Plattformen für den Mittelstand",
           "ANBest-P", Decimal("1.0"), 5_587_300, dt.date(2024, 4, 25),
           (0.58, 0.12, 0.15, 0.05, 0.03, 0.07)),
    _Grant("UDE", "03STK0187C", "Universität Duisburg-Essen",
           "Forschungstransfer, Lehre und Qualifizierung in eingebetteter KI",
           "ANBest-P", Decimal("1.0"), 4_796_800, dt.date(2024, 5, 8),
           (0.66, 0.09, 0.10, 0.05, 0.04, 0.06)),
    _Grant("KRO", "03STK0187D", "KROHNE Messtechnik GmbH",
           "KI-gestützte Prozessmesstechnik und Zustandsüberwachung im Feld",
           "NKBF", Decimal("0.5"), 4_418_600, dt.date(2024, 5, 16),
           (0.45, 0.20, 0.12, 0.11, 0.02, 0.10)),
)
# fmt: on


def _plan(grant: _Grant) -> dict[tuple[str, int], int]:
    """Planned cents per (category, year), rounded to 100 EUR and adding up to eligible_eur."""
    plan: dict[tuple[str, int], int] = {}
    for category, share in zip(CATEGORIES, grant.shares, strict=True):
        weights = _YEAR_WEIGHTS[category]
        for year, weight in zip(YEARS, weights, strict=True):
            euros = grant.eligible_eur * share * weight / sum(weights)
            plan[category, year] = round(euros / 100) * 100 * 100
    # The rounding drift goes to the largest line.
    plan["personnel", 2026] += grant.eligible_eur * 100 - sum(plan.values())
    return plan


def _grants_table() -> _Table:
    columns = (
        "grant_id", "recipient", "sub_project", "programme", "regime", "funding_rate",
        "approved_eur", "decided_on", "starts_on", "ends_on",
    )  # fmt: skip
    headers = (
        "Grant_ID", "Recipient ", "Sub_Project", "Programme", "Regime", "Funding_Rate",
        "Approved_EUR", "Decided_On", "Starts_On", "Ends_On ",
    )  # fmt: skip
    rows: list[dict[str, object]] = [
        {
            "grant_id": grant.grant_id,
            "recipient": grant.recipient,
            "sub_project": grant.sub_project,
            "programme": PROGRAMME,
            "regime": grant.regime,
            "funding_rate": grant.rate,
            "approved_eur": _Eur(grant.approved_cents),
            "decided_on": grant.decided_on,
            "starts_on": GRANT_START,
            "ends_on": GRANT_END,
        }
        for grant in GRANTS
    ]
    return _Table("grants.csv", columns, headers, rows)


def _budget_table() -> _Table:
    rows: list[dict[str, object]] = []
    for grant in GRANTS:
        plan = _plan(grant)
        for category in CATEGORIES:
            for year in YEARS:
                rows.append(
                    {
                        "budget_line_id": f"{grant.grant_id}-{year}-{_CATEGORY_CODES[category]}",
                        "grant_id": grant.grant_id,
                        "category": category,
                        "year": year,
                        "planned_eur": _Eur(plan[category, year]),
                    }
                )
    columns = ("budget_line_id", "grant_id", "category", "year", "planned_eur")
    headers = ("Budget_Line_ID", "Grant_ID", "Category", "Year", " Planned_EUR")
    return _Table("budget.csv", columns, headers, rows)


# --- Companies -----------------------------------------------------------------------------

# fmt: off
_SURNAMES = (
    "Müller", "Schäfer", "Schröder", "Krüger", "Köhler", "Jäger", "Große", "Weiß", "Groß",
    "Günther", "Hölscher", "Brüggemann", "Thißen", "Dückers", "Kößler", "Sträter", "Lührmann",
    "Böhm", "Schütte", "Höfken", "Becker", "Hoffmann", "Wagner", "Schmitz", "Janssen",
    "Hendricks", "Terhorst", "Kaya", "Yilmaz", "Nowak", "Kowalski", "van den Berg", "Tenhaef",
    "Verhoeven", "Esser", "Peters", "Wienen", "Bongartz", "Overbeck", "Heßeling", "Düppe",
    "Kürten", "Spölgen", "Maaßen", "Rütten", "Götzen", "Nießen", "Hülsmann", "Tüllmann",
    "Öztürk", "Demir", "Sahin", "Budde", "Stöckmann", "Pöppinghaus",
)
_REGIONS = (
    "Rhein-Ruhr", "Niederrhein", "Ruhrorter", "Homberger", "Walsumer", "Rheinhausener",
    "Hochfelder", "Meidericher", "Hamborner", "Westdeutsche", "Duisburger",
)
# Trade of a company and its WZ 2008 code.
_FIELDS = (
    ("Präzisionstechnik", "C25.62"), ("Schweißtechnik", "C25.62"), ("Maschinenbau", "C28.99"),
    ("Antriebstechnik", "C28.15"), ("Sensorik", "C26.51"), ("Hydraulik", "C28.12"),
    ("Logistik", "H52.29"), ("Kunststofftechnik", "C22.29"), ("Oberflächentechnik", "C25.61"),
    ("Automatisierungstechnik", "C28.99"), ("Messtechnik", "C26.51"), ("Gießerei", "C24.51"),
    ("Verpackungstechnik", "C28.29"), ("Stahlhandel", "G46.72"), ("Anlagenbau", "C33.20"),
    ("Fördertechnik", "C28.22"), ("Elektronik", "C26.11"), ("Spedition", "H49.41"),
    ("Recycling", "E38.32"), ("Umwelttechnik", "M71.12"), ("Drahtwerk", "C24.34"),
    ("Armaturen", "C28.14"), ("Industrieservice", "C33.12"), ("Lebensmitteltechnik", "C28.93"),
    ("Ingenieurbüro", "M71.12"), ("Software", "J62.01"), ("Energietechnik", "D35.11"),
    ("Pumpentechnik", "C28.13"), ("Kranbau", "C28.22"), ("Schiffstechnik", "C30.11"),
    ("Containerservice", "H52.24"), ("Chemie", "C20.14"), ("Stahlbau", "C25.11"),
)
# Handwerk: trade, annex of the Handwerksordnung, WZ 2008 code.
_CRAFTS = (
    ("Elektrotechnik", "A", "F43.21"), ("Metallbau", "A", "C25.11"),
    ("Tischlerei", "A", "C16.23"), ("Bäckerei", "A", "C10.71"),
    ("Kfz-Meisterbetrieb", "A", "G45.20"), ("Feinwerkmechanik", "A", "C25.62"),
    ("Sanitär- und Heizungstechnik", "A", "F43.22"), ("Kälte- und Klimatechnik", "A", "F43.22"),
    ("Fleischerei", "A", "C10.13"), ("Dachdeckerei", "A", "F43.91"),
    ("Elektromaschinenbau", "A", "C33.14"), ("Informationstechnik", "A", "S95.11"),
    ("Landmaschinentechnik", "A", "C33.12"), ("Zweiradtechnik", "A", "G45.40"),
    ("Galvanik", "B1", "C25.61"), ("Metallschleiferei", "B1", "C25.61"),
    ("Modellbau", "B1", "C32.99"), ("Feinoptik", "B1", "C26.70"),
    ("Rohr- und Kanalreinigung", "B2", "E37.00"), ("Betonbohr- und Sägetechnik", "B2", "F43.99"),
)
# Start-ups: name, UDE spin-off, WZ 2008 code.
_STARTUPS = (
    ("Sensalyze GmbH", True, "J62.01"), ("Edgewerk GmbH", True, "C26.11"),
    ("Rheinbit Analytics UG (haftungsbeschränkt)", False, "J62.01"),
    ("Kognitiv Systems GmbH", True, "M72.19"), ("Tiny Vision Labs GmbH", False, "J62.01"),
    ("Neuronenwerk UG (haftungsbeschränkt)", True, "M72.19"),
    ("Hafenlogik GmbH", False, "J62.01"), ("Ruhrsense GmbH", True, "C26.51"),
    ("Schwingungsdetektiv GmbH", False, "J62.01"), ("Grünstrom Analytics GmbH", False, "J62.02"),
    ("Mikrowatt AI GmbH", True, "C26.11"), ("Datenkumpel UG (haftungsbeschränkt)", False, "J62.01"),
    ("Fluxmind GmbH", False, "J62.01"), ("Stahlblick GmbH", False, "J62.01"),
    ("Lötfrei Robotics GmbH", False, "C28.99"),
)
_FIXED_NAMES = (
    ("Müller Präzisionstechnik GmbH", "C25.62"), ("Schweißtechnik Große KG", "C25.62"),
)
_DUISBURG_CODES = (
    "47051", "47053", "47055", "47057", "47058", "47059", "47119", "47137", "47138", "47139",
    "47166", "47167", "47169", "47178", "47179", "47198", "47199", "47226", "47228", "47229",
    "47239", "47249", "47259", "47269", "47279",
)
_NEIGHBOUR_CODES = (
    "46045", "46047", "46049", "46117", "46119", "46145", "46149",  # Oberhausen
    "45468", "45470", "45472", "45473", "45476", "45478", "45479", "45481",  # Mülheim
    "47441", "47443", "47445", "47447",  # Moers
    "47798", "47799", "47803", "47805", "47807", "47809", "47829",  # Krefeld
    "45127", "45131", "45136", "45141", "45145", "45219", "45326", "45356",  # Essen
    "46535", "46537", "46539",  # Dinslaken
)
# Ranges per EU size class (Recommendation 2003/361/EC): employees, turnover, balance sheet.
_SIZE_RANGES = {
    "micro": ((1, 9), (120_000, 1_900_000), (60_000, 1_800_000)),
    "small": ((10, 49), (2_100_000, 9_600_000), (1_000_000, 8_500_000)),
    "medium": ((50, 249), (11_000_000, 48_000_000), (6_000_000, 40_000_000)),
    "large": ((250, 3_800), (60_000_000, 1_200_000_000), (45_000_000, 900_000_000)),
}
_LEGAL_FORMS = {
    "micro": ("e.K.", "GmbH", "GmbH", "GbR"),
    "small": ("GmbH", "GmbH", "GmbH & Co. KG", "KG", "OHG"),
    "medium": ("GmbH", "GmbH & Co. KG", "GmbH & Co. KG", "AG"),
    "large": ("AG", "GmbH", "SE", "GmbH & Co. KG"),
}
# (kind, size class, count): crafts and start-ups are mostly small businesses.
COMPANY_MIX = (
    ("craft", "micro", 8), ("craft", "small", 9), ("craft", "medium", 3),
    ("startup", "micro", 10), ("startup", "small", 5),
    ("other", "micro", 27), ("other", "small", 38), ("other", "medium", 35),
    ("other", "large", 15),
)
# Earliest founding year: old steel and port firms are large, young ones small.
_FOUNDED_FROM = {"micro": 1975, "small": 1955, "medium": 1920, "large": 1890}
# fmt: on
HEADCOUNT_ONLY = 14
"""Companies that report neither turnover nor balance sheet (size by headcount alone)."""
ENGAGED_COMPANIES = 104
"""Companies with at least one project; the other companies only joined events or talks."""


@dataclass(eq=False)
class _Company:
    kind: str
    size: str
    trade: str
    name: str
    employees: int
    turnover: int | None
    balance: int | None
    craft_annex: str | None
    spinoff: bool
    sector: str | None
    postal_code: str
    founded_on: dt.date | None
    consent: bool
    planted: tuple[str, str] | None = None
    """(column, raw value) of a planted error."""
    joined_on: dt.date = GRANT_START
    company_id: str = ""
    projects: list[_Project] = field(default_factory=list)


def _company_name(rng: random.Random, kind: str, size: str, trade: str, used: set[str]) -> str:
    for _ in range(100):
        surname = rng.choice(_SURNAMES)
        legal = rng.choice(_LEGAL_FORMS[size])
        pattern = rng.randrange(5) if size != "large" else 4
        if pattern == 4 and legal in ("e.K.", "GbR", "OHG", "KG"):
            pattern = 0
        if kind == "craft":
            name = f"{trade} {surname}" + (f" {legal}" if rng.random() < 0.6 else "")
        elif pattern in (0, 1):
            name = f"{surname} {trade} {legal}"
        elif pattern == 2:
            name = f"{trade} {surname} {legal}"
        elif pattern == 3:
            name = f"{surname} & {rng.choice(_SURNAMES)} {trade} {legal}"
        else:
            name = f"{rng.choice(_REGIONS)} {trade} {legal}"
        if name not in used and f"{surname} & {surname}" not in name:
            used.add(name)
            return name
    raise RuntimeError("no unique company name found")


def _make_companies(rng: random.Random) -> list[_Company]:
    kinds = [(kind, size) for kind, size, count in COMPANY_MIX for _ in range(count)]
    rng.shuffle(kinds)
    crafts = list(_CRAFTS)
    rng.shuffle(crafts)
    startups = list(_STARTUPS)
    fixed = list(_FIXED_NAMES)
    used = {name for name, _, _ in _STARTUPS} | {name for name, _ in _FIXED_NAMES}
    headcount_only = HEADCOUNT_ONLY
    companies = []
    for kind, size in kinds:
        staff, turnover_range, balance_range = _SIZE_RANGES[size]
        annex = None
        spinoff = False
        founded: dt.date | None
        trade = ""
        if kind == "craft":
            trade, annex, sector = crafts.pop()
            name = _company_name(rng, kind, size, trade, used)
            founded = dt.date(rng.randint(1925, 2015), rng.randint(1, 12), 1)
            if rng.random() < 0.3:
                founded = None
        elif kind == "startup":
            name, spinoff, sector = startups.pop()
            founded = dt.date(2018, 1, 1) + _days(rng.randint(0, 2_300))
            turnover_range, balance_range = _SIZE_RANGES["micro"][1:]
        else:
            if fixed and size in ("small", "medium"):
                name, sector = fixed.pop()
            else:
                trade, sector = rng.choice(_FIELDS)
                name = _company_name(rng, kind, size, trade, used)
            founded = None
            if rng.random() < 0.6:
                first_year = _FOUNDED_FROM[size]
                founded = dt.date(rng.randint(first_year, 2016), rng.randint(1, 12), 1)
        employees = rng.randint(*staff)
        if kind == "startup":
            employees = rng.randint(2, 9) if size == "micro" else rng.randint(10, 24)
        turnover: int | None = round(rng.randint(*turnover_range), -3)
        balance: int | None = round(rng.randint(*balance_range), -3)
        if headcount_only and size in ("micro", "small") and rng.random() < 0.25:
            turnover = balance = None
            headcount_only -= 1
        elif rng.random() < 0.13:
            balance = None
        postal = rng.choice(_DUISBURG_CODES if rng.random() < 0.7 else _NEIGHBOUR_CODES)
        companies.append(
            _Company(
                kind=kind,
                size=size,
                trade=trade,
                name=name,
                employees=employees,
                turnover=turnover,
                balance=balance,
                craft_annex=annex,
                spinoff=spinoff,
                sector=sector if rng.random() < 0.93 else None,
                postal_code=postal,
                founded_on=founded,
                consent=rng.random() < 0.7,
            )
        )
    return companies


def _companies_table(companies: list[_Company]) -> _Table:
    rows: list[dict[str, object]] = []
    for company in companies:
        row: dict[str, object] = {
            "company_id": company.company_id,
            "name": company.name,
            "public_name_consent": company.consent,
            "employees": company.employees,
            "annual_turnover_eur": None if company.turnover is None else _eur(company.turnover),
            "balance_sheet_eur": None if company.balance is None else _eur(company.balance),
            "is_craft": company.kind == "craft",
            "craft_annex": company.craft_annex,
            "is_startup": company.kind == "startup",
            "founded_on": company.founded_on,
            "ude_spinoff": company.spinoff,
            "sector_code": company.sector,
            "postal_code": company.postal_code,
            "joined_on": company.joined_on,
        }
        if company.planted:
            _plant(row, "companies", *company.planted)
        rows.append(row)
    columns = (
        "company_id", "name", "public_name_consent", "employees", "annual_turnover_eur",
        "balance_sheet_eur", "is_craft", "craft_annex", "is_startup", "founded_on",
        "ude_spinoff", "sector_code", "postal_code", "joined_on",
    )  # fmt: skip
    headers = (
        " Company_ID", "Name ", "Public_Name_Consent", "Employees", "annual_turnover_EUR",
        "Balance_Sheet_EUR ", "IS_CRAFT", "Craft_Annex", "is_startup", "Founded_On",
        " UDE_Spinoff", "Sector_Code", "Postal_Code", "joined_on ",
    )  # fmt: skip
    bools = {"is_craft": ("x", ""), "is_startup": ("x", "")}
    return _Table("companies.csv", columns, headers, rows, bools)


# --- Projects ------------------------------------------------------------------------------

# fmt: off
STATUS_QUOTAS = (
    ("inquiry", 14), ("feasibility", 24), ("pilot", 26), ("production", 24),
    ("completed", 20), ("cancelled", 10),
)
# Days before SAMPLE_AS_OF a project of that status started (inclusive range).
_STATUS_AGE = {
    "inquiry": (3, 75), "feasibility": (20, 330), "pilot": (80, 620),
    "production": (220, 880), "completed": (380, 885), "cancelled": (40, 850),
}
_USE_CASES = (
    ("predictive_maintenance", 22), ("quality_inspection", 22), ("process_optimization", 16),
    ("energy_management", 14), ("condition_monitoring", 14), ("logistics", 8), ("other", 4),
)
_PARTNERS = (
    ("UDE", 25), ("Fraunhofer IMS", 30), ("Krohne", 10), ("other", 8),
    ("UDE;Fraunhofer IMS", 12), ("Fraunhofer IMS;Krohne", 6), ("UDE;Krohne", 4),
    ("UDE;other", 3), ("Fraunhofer IMS;UDE;Krohne", 2),
)
_FUNDING = {
    "feasibility": (8_000, 25_000), "pilot": (40_000, 160_000), "production": (60_000, 250_000),
    "completed": (45_000, 240_000), "cancelled": (5_000, 60_000),
}
# Per use case: title templates and what they are about.
_TITLES = {
    "predictive_maintenance": (
        ("Vorausschauende Wartung von {}", "KI-basierte Ausfallprognose bei {}",
         "Restlebensdauerschätzung von {} mit TinyML"),
        ("Walzgerüsten", "Hydraulikpumpen", "Förderbändern", "Kranantrieben",
         "Druckluftkompressoren", "CNC-Frässpindeln", "Industrielüftern", "Kältemaschinen",
         "Schiffsdieselgeneratoren", "Stanzpressen"),
    ),
    "quality_inspection": (
        ("Kamerabasierte Qualitätsprüfung von {}", "Automatische Fehlererkennung an {}",
         "Eingebettete Bildverarbeitung zur Prüfung von {}"),
        ("Schweißnähten", "Drahtoberflächen", "Gussteilen", "Kunststoffspritzteilen",
         "Presswerkzeugen", "Leiterplatten", "Lackoberflächen", "Stahlcoils", "Dichtungen",
         "Holzfronten"),
    ),
    "process_optimization": (
        ("KI-gestützte Prozessoptimierung {}", "Softsensor zur Regelung {}",
         "Ausschussreduktion {} durch Edge AI"),
        ("in der Galvanik", "im Härteofen", "beim Spritzgießen", "in der Beizlinie",
         "beim Laserschneiden", "in der Lackieranlage", "in der Kunststoffextrusion",
         "beim Drahtziehen"),
    ),
    "energy_management": (
        ("Energiemonitoring {} mit eingebetteter KI", "Lastprognose und Lastverschiebung {}",
         "Druckluft- und Stromeinsparung {}"),
        ("in der Fertigungshalle", "im Kühlhaus", "im Verwaltungsgebäude", "im Bürogebäude",
         "im Hafenterminal", "in der Gießerei", "in der Werkstatt"),
    ),
    "condition_monitoring": (
        ("Zustandsüberwachung von {} per Schwingungsanalyse", "Akustisches Monitoring von {}",
         "Durchfluss- und Leckageüberwachung an {}"),
        ("Rohrleitungen", "Armaturen", "Pumpenstationen", "Getrieben",
         "Lagern von Förderanlagen", "Abwasserkanälen", "Kühlkreisläufen", "Dampfleitungen"),
    ),
    "logistics": (
        ("Edge-AI-Erkennung von {}", "Automatische Zählung und Verfolgung von {}",
         "Optimierte Disposition von {}"),
        ("Containern im Hafen", "Paletten im Lager", "Ladungsträgern", "Lkw-Anlieferungen",
         "Coils im Freilager"),
    ),
    "other": (
        ("Machbarkeitsstudie {}", "Prototyp {}"),
        ("Sprachassistenz in der Werkstatt", "KI-Assistenz für barrierefreie Arbeitsplätze",
         "Fledermausschutz an Windenergieanlagen", "Ertragsprognose für Stadtbäume"),
    ),
}
# A craft business's first project fits its trade.
_CRAFT_PROJECTS = {
    "Bäckerei": ("energy_management", "Energiemonitoring der Backöfen mit eingebetteter KI"),
    "Fleischerei": ("condition_monitoring", "Temperaturüberwachung der Kühlräume mit TinyML"),
    "Tischlerei": ("quality_inspection", "Kamerabasierte Qualitätsprüfung von Möbelfronten"),
    "Kfz-Meisterbetrieb": ("predictive_maintenance", "KI-Diagnose von Fahrzeuggeräuschen"),
    "Dachdeckerei": ("other", "Drohnengestützte Dachinspektion mit Edge AI"),
    "Sanitär- und Heizungstechnik": ("predictive_maintenance",
                                     "Vorausschauende Wartung von Heizungsanlagen bei Kunden"),
    "Kälte- und Klimatechnik": ("condition_monitoring", "Fernüberwachung von Kälteanlagen"),
    "Elektrotechnik": ("energy_management", "Lastmanagement für Ladepunkte mit eingebetteter KI"),
    "Galvanik": ("process_optimization", "Badüberwachung in der Galvanik mit Softsensoren"),
    "Rohr- und Kanalreinigung": ("condition_monitoring",
                                 "Automatische Schadenserkennung in Kanal-Inspektionsvideos"),
}
# fmt: on


@dataclass(eq=False)
class _Project:
    status: str
    use_case: str
    title: str
    partner: str
    started_on: dt.date
    ended_on: dt.date | None
    public_funding: _Eur | None
    own_contribution: _Eur | None
    builds_on_ude: bool
    company: _Company
    planted: tuple[str, str] | None = None
    project_id: str = ""


def _project_dates(rng: random.Random, status: str) -> tuple[dt.date, dt.date | None]:
    low, high = _STATUS_AGE[status]
    started = SAMPLE_AS_OF - _days(rng.randint(low, high))
    ended = None
    if status == "completed":
        ended = min(started + _days(rng.randint(150, 450)), SAMPLE_AS_OF - _days(10))
    elif status == "cancelled":
        ended = min(started + _days(rng.randint(30, 240)), SAMPLE_AS_OF - _days(3))
    return started, ended


def _funding(rng: random.Random, status: str) -> tuple[_Eur | None, _Eur | None]:
    if status not in _FUNDING:
        return None, None
    public = round(rng.randint(*_FUNDING[status]) / 50) * 50
    if rng.random() < 0.08:
        return _eur(public), None
    return _eur(public), _eur(round(public * rng.uniform(0.3, 1.2) / 50) * 50)


def _make_projects(rng: random.Random, engaged: list[_Company]) -> list[_Project]:
    """The valid projects: every engaged company has one, larger ones up to three."""
    statuses = [status for status, count in STATUS_QUOTAS for _ in range(count)]
    rng.shuffle(statuses)
    owners = list(engaged)
    size_weight = {"micro": 1, "small": 2, "medium": 4, "large": 6}
    while len(owners) < len(statuses):
        candidates = [c for c in engaged if owners.count(c) < 3]
        owners.append(rng.choices(candidates, [size_weight[c.size] for c in candidates])[0])
    rng.shuffle(owners)
    use_cases = [name for name, _ in _USE_CASES]
    used_titles: set[str] = set()
    projects = []
    for index, (status, company) in enumerate(zip(statuses, owners, strict=True)):
        # Every use case occurs at least once.
        use_case = use_cases[index] if index < len(use_cases) else str(_pick(rng, _USE_CASES))
        templates, topics = _TITLES[use_case]
        title = rng.choice(templates).format(rng.choice(topics))
        for _ in range(20):
            if title not in used_titles:
                break
            title = rng.choice(templates).format(rng.choice(topics))
        if index >= len(use_cases) and not company.projects and company.trade in _CRAFT_PROJECTS:
            use_case, title = _CRAFT_PROJECTS[company.trade]
        used_titles.add(title)
        partner = str(_pick(rng, _PARTNERS))
        started, ended = _project_dates(rng, status)
        public, own = _funding(rng, status)
        project = _Project(
            status=status,
            use_case=use_case,
            title=title,
            partner=partner,
            started_on=started,
            ended_on=ended,
            public_funding=public,
            own_contribution=own,
            builds_on_ude=rng.random() < (0.6 if "UDE" in partner else 0.05),
            company=company,
        )
        company.projects.append(project)
        projects.append(project)
    return projects


def _projects_table(projects: list[_Project]) -> _Table:
    rows: list[dict[str, object]] = []
    for project in projects:
        row: dict[str, object] = {
            "project_id": project.project_id,
            "title": project.title,
            "company_id": project.company.company_id,
            "partner": project.partner,
            "use_case": project.use_case,
            "status": project.status,
            "started_on": project.started_on,
            "ended_on": project.ended_on,
            "public_funding_eur": project.public_funding,
            "own_contribution_eur": project.own_contribution,
            "builds_on_ude_research": project.builds_on_ude,
        }
        if project.planted:
            _plant(row, "projects", *project.planted)
        rows.append(row)
    columns = (
        "project_id", "title", "company_id", "partner", "use_case", "status", "started_on",
        "ended_on", "public_funding_eur", "own_contribution_eur", "builds_on_ude_research",
    )  # fmt: skip
    headers = (
        "Project_ID", " Title", "Company_ID ", "Partner", "Use_Case", "Status", "Started_On",
        "Ended_On", "Public_Funding_EUR", "Own_Contribution_EUR ", "Builds_On_UDE_Research",
    )  # fmt: skip
    return _Table("projects.csv", columns, headers, rows)


def _companies_and_projects(
    rng: random.Random,
) -> tuple[list[_Company], list[_Project], list[_Project]]:
    """Companies (ids in joining order), all projects (ids by start) and the valid projects."""
    companies = _make_companies(rng)
    # Two companies carry a planted error, so nothing may refer to them.
    companies[17].planted = ("postal_code", companies[17].postal_code[:4])
    companies[88].planted = ("joined_on", "31.02.2025")
    valid = [company for company in companies if company.planted is None]
    projects = _make_projects(rng, rng.sample(valid, ENGAGED_COMPANIES))
    for company in companies:
        if company.projects:
            first = min(project.started_on for project in company.projects)
            company.joined_on = max(GRANT_START, first - _days(rng.randint(0, 40)))
        else:
            company.joined_on = GRANT_START + _days(
                rng.randint(0, (SAMPLE_AS_OF - GRANT_START).days)
            )
        if company.founded_on is not None and company.founded_on >= company.joined_on:
            company.founded_on = company.joined_on - _days(rng.randint(200, 900))
    companies.sort(key=lambda company: (company.joined_on, company.name))
    for number, company in enumerate(companies, start=1):
        company.company_id = f"UN-{number:04d}"

    # Two planted projects: one names an unknown company, one ends before it starts.
    unknown = _Company(
        kind="other", size="small", trade="", name="", employees=0, turnover=None, balance=None,
        craft_annex=None, spinoff=False, sector=None, postal_code="", founded_on=None,
        consent=False, company_id="UN-0415",
    )  # fmt: skip
    orphan = _Project(
        status="feasibility",
        use_case="quality_inspection",
        title="Kamerabasierte Qualitätsprüfung von Schraubverbindungen",
        partner="Fraunhofer IMS",
        started_on=dt.date(2026, 3, 9),
        ended_on=None,
        public_funding=_eur(14_500),
        own_contribution=_eur(6_000),
        builds_on_ude=False,
        company=unknown,
        planted=("company_id", unknown.company_id),
    )
    host = next(c for c in companies if c.size == "medium" and c.projects)
    started = max(host.joined_on, dt.date(2025, 3, 17))
    backwards = _Project(
        status="completed",
        use_case="energy_management",
        title="Energiemonitoring in der Druckerei mit eingebetteter KI",
        partner="UDE",
        started_on=started,
        ended_on=None,
        public_funding=_eur(62_000),
        own_contribution=_eur(31_500),
        builds_on_ude=True,
        company=host,
        planted=("ended_on", _de_cell(started - _days(37))),
    )
    everything = sorted([*projects, orphan, backwards], key=lambda p: (p.started_on, p.title))
    counters: dict[int, int] = {}
    for project in everything:
        year = project.started_on.year
        counters[year] = counters.get(year, 0) + 1
        project.project_id = f"P-{year}-{counters[year]:03d}"
    return companies, everything, projects


# --- Expenditures --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Staff:
    grant: str
    role: str
    pay: float
    """Relative monthly cost."""
    start: int
    """First month paid, as months after June 2024."""
    end: int | None
    """Last month paid, None while employed."""
    job: tuple[str, str, int] | None
    """A newly created position (fte, qualification, annual gross salary); None for staff
    who already worked there and for student assistants."""


# fmt: off
STAFF = (
    _Staff("SDU", "Projektleitung (EG 14 TVöD)", 1.3, 0, None, ("1", "academic", 76_400)),
    _Staff("SDU", "Transfermanagement (EG 12 TVöD)", 1.05, 0, None, ("1", "academic", 63_900)),
    _Staff("SDU", "Transfermanagement (EG 12 TVöD)", 1.05, 1, None, ("1", "academic", 61_200)),
    _Staff("SDU", "Netzwerk Handwerk (EG 11 TVöD)", 0.95, 1, None, ("1", "vocational", 56_800)),
    _Staff("SDU", "Öffentlichkeitsarbeit (EG 10 TVöD)", 0.6, 3, None, None),
    _Staff("SDU", "Sachbearbeitung Fördermittel (EG 9c TVöD)", 0.8, 4, None, None),
    _Staff("SDU", "Datenmanagement Wirkungsmonitoring (EG 11 TVöD)", 0.95, 22, None,
           ("1", "academic", 57_500)),
    _Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 0, None, ("1", "academic", 64_100)),
    _Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 0, None, ("1", "academic", 61_800)),
    _Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 1, None, ("1", "academic", 59_900)),
    _Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 0.75, 2, None, ("0.75", "academic", 46_300)),
    _Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 4, None, ("1", "academic", 58_700)),
    _Staff("IMS", "Gruppenleitung (TVöD E14)", 1.2, 0, None, None),
    _Staff("IMS", "Techniker:in (TVöD E9b)", 0.75, 2, None, ("1", "vocational", 47_200)),
    _Staff("IMS", "Techniker:in (TVöD E9b)", 0.75, 7, 19, ("1", "vocational", 45_900)),
    _Staff("UDE", "Postdoc (TV-L E14)", 1.2, 0, 21, ("1", "academic", 71_300)),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 1, None, ("1", "academic", 58_200)),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 1, None, ("1", "academic", 57_600)),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 0.5, 2, None, ("0.5", "academic", 29_100)),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 3, None, ("1", "academic", 56_900)),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 5, None, ("1", "academic", 56_900)),
    _Staff("UDE", "Technische:r Angestellte:r (TV-L E9)", 0.75, 4, None,
           ("1", "vocational", 44_800)),
    _Staff("UDE", "Studentische Hilfskraft", 0.2, 8, None, None),
    _Staff("UDE", "Studentische Hilfskraft", 0.2, 10, None, None),
    _Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 23, None, ("1", "academic", 55_400)),
    _Staff("KRO", "Entwicklungsingenieur:in", 1.1, 0, None, None),
    _Staff("KRO", "Entwicklungsingenieur:in", 1.1, 1, None, ("1", "academic", 72_000)),
    _Staff("KRO", "Data Scientist", 1.1, 3, None, None),
    _Staff("KRO", "Projektleitung", 1.35, 6, None, ("1", "academic", 84_500)),
)
# Vouchers per month and grant; in the export month only the first half is paid by then.
MATERIAL_PER_MONTH = {"SDU": 5, "IMS": 8, "UDE": 7, "KRO": 5}
TRAVEL_PER_MONTH = {"SDU": 2, "IMS": 3, "UDE": 3, "KRO": 2}
SUBCONTRACTING_PER_MONTH = {"SDU": 2, "IMS": 1, "UDE": 1, "KRO": 1}
# (year, month, weight, vendor, description); the December 2026 items are still to come.
INVESTMENTS = {
    "SDU": (
        (2024, 9, 1.0, "Messebau Kleinewefers GmbH", "Mobiler Messe- und Demonstratorstand"),
        (2025, 2, 1.4, "Bechtle AG", "Medientechnik Showroom ZaKI.D (Displays, Konferenzsystem)"),
        (2025, 6, 0.8, "Lütkenhaus Automation GmbH", "Demonstrator Edge-AI-Fertigungszelle"),
        (2026, 3, 1.0, "Bechtle AG", "Server für die Datenplattform Wirkungsmonitoring"),
        (2026, 12, 1.0, "Bechtle AG", "Erweiterung Showroom"),
    ),
    "IMS": (
        (2024, 8, 1.0, "Keysight Technologies Deutschland GmbH", "Mixed-Signal-Oszilloskop"),
        (2024, 11, 1.2, "Weiss Technik GmbH", "Klimaprüfschrank für Zuverlässigkeitstests"),
        (2025, 2, 2.5, "Dell Technologies",
         "GPU-Rechencluster (4 Knoten) für Modelltraining, vorgezogene Beschaffung"),
        (2025, 5, 1.0, "Rohde & Schwarz GmbH & Co. KG", "Leistungsmessplatz Energieaufnahme"),
        (2025, 9, 0.8, "Formlabs GmbH", "3D-Drucker für Gehäuseprototypen"),
        (2025, 11, 0.7, "Carl Zeiss Microscopy GmbH", "Stereomikroskop für Baugruppenprüfung"),
        (2026, 4, 1.0, "FormFactor GmbH", "Erweiterung Wafer-Prober für KI-Chip-Tests"),
        (2026, 12, 1.0, "Keysight Technologies Deutschland GmbH", "Protokollanalysator"),
    ),
    "UDE": (
        (2024, 10, 1.0, "Dell Technologies", "GPU-Workstations für das Lehrlabor"),
        (2025, 3, 1.2, "Bechtle AG", "Laborausstattung Edge-AI-Praktikum (20 Arbeitsplätze)"),
        (2025, 10, 0.8, "Avnet Silica", "FPGA-Beschleunigerkarten für Forschungsserver"),
        (2026, 2, 1.0, "igus GmbH", "Robotik-Demonstrator für Lehre und Transfer"),
        (2026, 12, 1.0, "Dell Technologies", "Speichersystem Forschungsdaten"),
    ),
    "KRO": (
        (2024, 11, 1.0, "Hoppe Anlagenbau GmbH", "Erweiterung Prüfstand Durchflussmessung"),
        (2025, 4, 1.0, "Siemens AG", "Industrie-PC und Steuerung für die Teststrecke"),
        (2026, 5, 1.0, "Hoppe Anlagenbau GmbH", "Teststrecke Mehrphasenströmung"),
        (2026, 12, 1.0, "Hoppe Anlagenbau GmbH", "Klimakammer für Feldgeräte"),
    ),
}
_MATERIAL = {
    "SDU": (
        ("Duisburg Kontor Hallenmanagement GmbH",
         'Raummiete Mercatorhalle, Transferforum "KI im Mittelstand"'),
        ("Partyservice Schäfer GmbH", "Catering Netzwerkabend ZaKI.D"),
        ("Druckerei Peters & Söhne", "Druck Flyer und Broschüren ZaKI.D"),
        ("Büromarkt Böttcher AG", "Büromaterial"),
        ("Bechtle AG", "Notebooks und Monitore für das Projektpersonal"),
        ("Microsoft Ireland Operations Ltd.", "Softwarelizenzen Microsoft 365"),
        ("FUNKE Medien NRW GmbH", "Anzeige Veranstaltungshinweis KI-Sprechstunde"),
        ("Deutsche Post AG", "Porto Einladungen Jahreskonferenz"),
        ("Landschaftspark Duisburg-Nord GmbH", "Raummiete Gebläsehalle, Jahreskonferenz ZaKI.D"),
        ("Messebau Kleinewefers GmbH", "Roll-ups und Messewand"),
    ),
    "IMS": (
        ("Mouser Electronics Inc.", "Elektronische Bauelemente für Sensorknoten-Demonstrator"),
        ("Digi-Key Electronics", "Mikrocontroller-Evaluationsboards (STM32, nRF54)"),
        ("Reichelt Elektronik GmbH", "Laborbedarf und Kleinteile"),
        ("Bürklin GmbH & Co. KG", "Steckverbinder und Kabel"),
        ("Farnell GmbH", "Entwicklungskits KI-Beschleuniger"),
        ("MathWorks GmbH", "Softwarelizenz MATLAB/Simulink mit Embedded Coder"),
        ("Würth Elektronik eiSos GmbH & Co. KG", "Passive Bauelemente Musteraufbau"),
        ("Beta LAYOUT GmbH", "Leiterplatten-Prototypen Sensorboard Rev. B"),
        ("Hetzner Online GmbH", "Cloud-Server für Vergleichsmessungen Cloud vs. Edge"),
        ("Avnet Silica", "FPGA-Entwicklungsboards"),
        ("Carl Roth GmbH + Co. KG", "Verbrauchsmaterial Reinraum"),
    ),
    "UDE": (
        ("Reichelt Elektronik GmbH", "Bauteile für Praktikumsaufbauten Edge AI"),
        ("Conrad Electronic SE", "Sensor-Kits für die Lehrveranstaltung TinyML"),
        ("Sertronics GmbH (BerryBase)", "Einplatinenrechner und Kameramodule für Studierende"),
        ("Arrow Central Europe GmbH", "NVIDIA Jetson Orin Nano Developer Kits"),
        ("Springer Nature", "Fachliteratur Embedded Machine Learning"),
        ("JetBrains s.r.o.", "Softwarelizenzen Entwicklungsumgebung"),
        ("IEEE", "Open-Access-Publikationsgebühr"),
        ("Mouser Electronics Inc.", "Sensorik und Funkmodule für Forschungsdemonstrator"),
        ("Universitätsbibliothek Duisburg-Essen", "Normen und Datenbankzugänge"),
    ),
    "KRO": (
        ("Phoenix Contact Deutschland GmbH", "Klemmen und Steuerungskomponenten Prüfstand"),
        ("Siemens AG", "SPS-Komponenten für den Teststand"),
        ("Würth Industrie Service GmbH & Co. KG", "Befestigungsmaterial Prüfstand"),
        ("Mouser Electronics Inc.", "Elektronikkomponenten Messumformer-Prototyp"),
        ("Analog Devices GmbH", "Evaluationsboards Signalaufbereitung"),
        ("MathWorks GmbH", "Softwarewartung MATLAB"),
        ("Hoppe Anlagenbau GmbH", "Rohrleitungsteile und Flansche für die Teststrecke"),
    ),
}
_TRAVEL = (
    ("Deutsche Bahn Fernverkehr AG", "Dienstreise Berlin, Statusseminar {programme}"),
    ("Deutsche Bahn Fernverkehr AG", "Bahnfahrt Nürnberg, embedded world {year}"),
    ("NürnbergMesse GmbH", "Teilnahmegebühr embedded world Conference {year}"),
    ("Motel One Nürnberg-Plärrer", "Übernachtung embedded world {year}"),
    ("Deutsche Messe AG", "Eintritt Hannover Messe {year}"),
    ("Deutsche Lufthansa AG", "Flug München, Fachkonferenz Edge AI Summit {year}"),
    ("tinyML Foundation", "Registrierung tinyML EMEA Innovation Forum {year}"),
    ("VDE Verband der Elektrotechnik", "Tagungsgebühr VDE-Fachtagung Eingebettete KI"),
    ("", "Fahrtkosten Firmenbesuche Duisburg-Hochfeld und Rheinhausen"),
    ("", "Dienstreise Dortmund, Netzwerktreffen Mittelstand-Digital"),
    ("Deutsche Bahn Fernverkehr AG", "Dienstreise Brüssel; Vernetzungstreffen EU-Projekte"),
    ("Intercity Hotel Berlin Hauptbahnhof", "Übernachtung Projektträgertreffen Berlin"),
)
_SUBCONTRACTING = {
    "SDU": (
        ("Agentur Rheinwerk Kommunikation GmbH", "Konzeption und Pflege der Projektwebsite"),
        ("Kanzlei Hölters & Partner", "Rechtsberatung Beihilferecht (De-minimis)"),
        ("Veranstaltungstechnik Lüttgen GmbH", "Veranstaltungstechnik Jahreskonferenz"),
        ("Dr. Sabine Kühn Moderation", "Moderation Transferworkshop"),
        ("Übersetzungsbüro Schmitz", "Übersetzung Projektbroschüre (Englisch, Türkisch)"),
    ),
    "IMS": (
        ("Beta LAYOUT GmbH", "Bestückung Sensorboards (Auftragsfertigung)"),
        ("EMV-Prüflabor Rhein-Ruhr GmbH", "EMV-Vorprüfung Demonstrator"),
    ),
    "UDE": (
        ("Institut für Evaluationsforschung Essen", "Externe Evaluation des Lehrangebots"),
        ("Softwarehaus Neudorf GmbH", "Programmierleistungen Lernplattform Edge AI"),
    ),
    "KRO": (
        ("TÜV Rheinland Industrie Service GmbH", "ATEX-Konformitätsbewertung Prototyp"),
        ("Prüflabor Durchfluss Niederrhein GmbH", "Feldtests Durchflussmessung, Kalibrierung"),
    ),
}
# fmt: on
# The one budget line clearly over plan, so the funder view has something to flag.
OVER_PLAN_LINE = ("IMS", "investment", 2025)
_OVER_PLAN_FACTOR = 1.42
# Grants with a reversed double booking (two rows each); every grant has one credit note.
DOUBLE_BOOKINGS = ("IMS", "KRO")
PAYROLL_CORRECTION = ("IMS", dt.date(2025, 3, 1))


@dataclass(eq=False)
class _Voucher:
    grant: _Grant
    category: str
    paid_on: dt.date
    weight: float
    vendor: str
    description: str
    paid: bool = True
    """Paid by the export date (and, for staff, while employed)."""
    cents: int = 0
    project: _Project | None = None


def _grant_months() -> list[dt.date]:
    """First days of the grant's months in 2024-2026 (later years lie after the export)."""
    return [_add_months(GRANT_START, offset) for offset in range(31)]


def _voucher_days(rng: random.Random, month: dt.date, count: int) -> list[dt.date]:
    """Days of `count` vouchers of a month; in the export month only the first half is paid."""
    if (month.year, month.month) != (SAMPLE_AS_OF.year, SAMPLE_AS_OF.month):
        return [rng.choice(_workdays(month, _month_end(month))) for _ in range(count)]
    before = _workdays(month, SAMPLE_AS_OF)
    after = _workdays(SAMPLE_AS_OF + _days(1), _month_end(month))
    return [rng.choice(before if n < count // 2 else after) for n in range(count)]


def _voucher_plan(rng: random.Random, grant: _Grant) -> list[_Voucher]:
    """Every voucher of 2024-2026 as planned, paid or not yet."""
    vouchers: list[_Voucher] = []
    staff = [member for member in STAFF if member.grant == grant.code]
    for offset, month in enumerate(_grant_months()):
        for number, member in enumerate(staff, start=1):
            employed = member.start <= offset and (member.end is None or offset <= member.end)
            bonus = 1.75 if month.month == 11 else 1.0  # Jahressonderzahlung
            vouchers.append(
                _Voucher(
                    grant,
                    "personnel",
                    _last_workday(month),
                    member.pay * bonus * rng.uniform(0.985, 1.015),
                    "Landesamt für Besoldung und Versorgung NRW" if grant.code == "UDE" else "",
                    f"Personalausgaben {month.month:02d}/{month.year} {member.role} "
                    f"– Stelle {grant.code}-P{number:02d}",
                    paid=employed,
                )
            )
        for category, per_month, catalogue in (
            ("material", MATERIAL_PER_MONTH, _MATERIAL[grant.code]),
            ("travel", TRAVEL_PER_MONTH, _TRAVEL),
            ("subcontracting", SUBCONTRACTING_PER_MONTH, _SUBCONTRACTING[grant.code]),
        ):
            for day in _voucher_days(rng, month, per_month[grant.code]):
                vendor, text = rng.choice(catalogue)
                text = text.format(year=day.year, programme=PROGRAMME)
                weight = min(8.0, max(0.05, rng.lognormvariate(0, 0.8)))
                vouchers.append(_Voucher(grant, category, day, weight, vendor, text))
        if month.month % 3 == 0:
            quarter = f"Q{month.month // 3}/{month.year}"
            text = (
                f"Verwaltungsausgaben (Pauschale) {quarter}"
                if grant.code == "SDU"
                else f"Gemeinkostenumlage {quarter}"
            )
            months_in_quarter = 1 if month == GRANT_START else 3
            vouchers.append(
                _Voucher(grant, "overhead", _last_workday(month), months_in_quarter, "", text)
            )
    for year, month_number, weight, vendor, text in INVESTMENTS[grant.code]:
        day = _voucher_days(rng, dt.date(year, month_number, 1), 1)[0]
        vouchers.append(_Voucher(grant, "investment", day, weight, vendor, text))
    for voucher in vouchers:
        voucher.paid = voucher.paid and voucher.paid_on <= SAMPLE_AS_OF
    return vouchers


def _scale(rng: random.Random, grant: _Grant, vouchers: list[_Voucher]) -> None:
    """Amounts such that each budget line of a year is spent at a plausible share of its plan."""
    plan = _plan(grant)
    groups: dict[tuple[str, int], list[_Voucher]] = {}
    for voucher in vouchers:
        groups.setdefault((voucher.category, voucher.paid_on.year), []).append(voucher)
    for category, year in sorted(groups):
        members = groups[category, year]
        if (grant.code, category, year) == OVER_PLAN_LINE:
            factor = _OVER_PLAN_FACTOR
        elif category == "personnel":
            factor = rng.uniform(0.93, 1.04)
        else:
            factor = rng.uniform(0.72, 1.06)
        euros_per_weight = plan[category, year] * factor / sum(v.weight for v in members)
        for voucher in members:
            voucher.cents = max(100, round(voucher.weight * euros_per_weight))


def _corrections(rng: random.Random, grant: _Grant, paid: list[_Voucher]) -> list[_Voucher]:
    """Negative amounts: a credit note, a reversed double booking, a payroll correction."""
    material = [v for v in paid if v.category == "material" and v.paid_on < dt.date(2026, 9, 1)]
    original = rng.choice(material)
    extra = [
        _Voucher(
            grant,
            "material",
            _workday_on_or_after(original.paid_on + _days(rng.randint(10, 40))),
            0,
            original.vendor,
            f"Gutschrift Rücksendung: {original.description}",
            cents=-round(original.cents * rng.choice((0.1, 0.25, 0.5, 1.0))),
        )
    ]
    if grant.code in DOUBLE_BOOKINGS:
        # Within the same month, so the reversal lands in the same budget year.
        original = rng.choice([v for v in material if v.paid_on.day <= 10])
        reversed_on = _workday_on_or_after(original.paid_on + _days(rng.randint(5, 15)))
        text = original.description
        extra += [
            _Voucher(grant, "material", original.paid_on, 0, original.vendor, text,
                     cents=original.cents),
            _Voucher(grant, "material", reversed_on, 0, original.vendor,
                     f"Storno Doppelbuchung: {text}", cents=-original.cents),
        ]  # fmt: skip
    if grant.code == PAYROLL_CORRECTION[0]:
        month = PAYROLL_CORRECTION[1]
        original = next(
            v for v in paid if v.category == "personnel" and v.paid_on == _last_workday(month)
        )
        extra.append(
            _Voucher(
                grant,
                "personnel",
                _workday_on_or_after(original.paid_on + _days(21)),
                0,
                "",
                f"Korrektur Personalausgaben {month.month:02d}/{month.year} "
                "(Rückrechnung Stufenzuordnung)",
                cents=-round(original.cents * 0.07),
            )
        )
    return extra


def _make_expenditures(rng: random.Random, projects: list[_Project]) -> list[_Voucher]:
    linkable = [p for p in projects if p.status != "inquiry"]
    vouchers: list[_Voucher] = []
    for grant in GRANTS:
        planned = _voucher_plan(rng, grant)
        _scale(rng, grant, planned)
        paid = [v for v in planned if v.paid]
        paid += _corrections(rng, grant, paid)
        # Research partners book some costs to the company project they serve.
        for voucher in paid:
            if (
                grant.code != "SDU"
                and voucher.category in ("material", "subcontracting", "travel")
                and voucher.cents > 0
                and rng.random() < 0.12
            ):
                candidates = [p for p in linkable if p.started_on <= voucher.paid_on]
                if candidates:
                    voucher.project = rng.choice(candidates)
        paid.sort(key=lambda v: (v.paid_on, CATEGORIES.index(v.category), v.description))
        vouchers += paid
    return vouchers


def _expenditures_table(vouchers: list[_Voucher]) -> _Table:
    rows: list[dict[str, object]] = []
    counters: dict[tuple[str, int], int] = {}
    for voucher in vouchers:
        key = (voucher.grant.code, voucher.paid_on.year)
        counters[key] = counters.get(key, 0) + 1
        rows.append(
            {
                "expenditure_id": f"{key[0]}-{key[1] % 100:02d}-{counters[key]:04d}",
                "grant_id": voucher.grant.grant_id,
                "category": voucher.category,
                "paid_on": voucher.paid_on,
                "amount_eur": _Eur(voucher.cents),
                "vendor": voucher.vendor or None,
                "description": voucher.description,
                "project_id": voucher.project.project_id if voucher.project else None,
            }
        )
    # A voucher number typed twice: a row repeats its predecessor's number.
    duplicate = next(
        index
        for index in range(700, len(rows))
        if rows[index]["category"] == "material"
        and rows[index - 1]["grant_id"] == rows[index]["grant_id"]
    )
    _plant(rows[duplicate], "expenditures", "expenditure_id", rows[duplicate - 1]["expenditure_id"])
    zero = next(
        index
        for index in range(1_400, len(rows))
        if rows[index]["category"] == "travel" and rows[index]["project_id"] is None
    )
    _plant(rows[zero], "expenditures", "amount_eur", _Eur(0))
    columns = (
        "expenditure_id", "grant_id", "category", "paid_on", "amount_eur", "vendor",
        "description", "project_id",
    )  # fmt: skip
    headers = (
        "Expenditure_ID", "Grant_ID", "Category", "Paid_On", "Amount_EUR", "Vendor",
        "Description ", "Project_ID",
    )  # fmt: skip
    return _Table("expenditures.csv", columns, headers, rows)


# --- Disbursements -------------------------------------------------------------------------

# Month of the first request (2024); a call follows every two months.
FIRST_CALL_MONTH = {"SDU": 8, "IMS": 7, "UDE": 8, "KRO": 8}
# Fraunhofer's latest call is still in transit.
PENDING_CALL = ("IMS", dt.date(2026, 11, 16))
# One call asks for far more than is spent within its window: idle funds.
IDLE_CALL = ("UDE", 7)
_IDLE_FACTOR = 1.45


def _disbursements_table(rng: random.Random, expenditures: _Table) -> _Table:
    payments: dict[object, list[tuple[dt.date, int]]] = {}
    for row in expenditures.rows:
        paid_on, amount = row["paid_on"], row["amount_eur"]
        if _PLANTED not in row and isinstance(paid_on, dt.date) and isinstance(amount, _Eur):
            payments.setdefault(row["grant_id"], []).append((paid_on, amount.cents))
    rows: list[dict[str, object]] = []
    for grant in GRANTS:
        calls: list[tuple[dt.date, dt.date | None]] = []
        month = dt.date(2024, FIRST_CALL_MONTH[grant.code], 1)
        while month <= SAMPLE_AS_OF:
            if grant.code == PENDING_CALL[0] and month == PENDING_CALL[1].replace(day=1):
                calls.append((PENDING_CALL[1], None))
            else:
                requested = _workday_on_or_after(month + _days(rng.randint(2, 11)))
                calls.append(
                    (requested, _workday_on_or_after(requested + _days(rng.randint(3, 8))))
                )
            month = _add_months(month, 2)
        paid = payments[grant.grant_id]
        for number, (requested, received) in enumerate(calls, start=1):
            start = received or requested
            # The window ends early where the next call takes over, so no payment counts twice.
            window_end = start + _days(grant.window_days)
            if number < len(calls):
                window_end = min(window_end, calls[number][1] or calls[number][0])
            if start + _days(grant.window_days) <= SAMPLE_AS_OF:
                # What is paid within the drawdown window after receipt.
                need = sum(cents for day, cents in paid if start <= day < window_end)
                amount = int(need * grant.rate) // 10_000 * 10_000
            else:
                # A recent call: the need forecast from the last three months.
                recent = sum(c for day, c in paid if (SAMPLE_AS_OF - day).days < 91)
                amount = int(recent * grant.rate * grant.window_days / 91) // 100_000 * 100_000
            if (grant.code, number) == IDLE_CALL:
                amount = round(amount * _IDLE_FACTOR / 10_000) * 10_000
            rows.append(
                {
                    "disbursement_id": f"MA-{grant.code}-{number:02d}",
                    "grant_id": grant.grant_id,
                    "requested_on": requested,
                    "received_on": received,
                    "amount_eur": _Eur(amount),
                }
            )
    columns = ("disbursement_id", "grant_id", "requested_on", "received_on", "amount_eur")
    headers = ("Disbursement_ID", " Grant_ID", "Requested_On", "Received_On", "Amount_EUR")
    return _Table("disbursements.csv", columns, headers, rows)


# --- Jobs ----------------------------------------------------------------------------------

EXTERNAL_JOBS = 268
ENDED_EXTERNAL_JOBS = 8
# Cumulative external jobs created: the path the centre has taken so far.
_JOB_PATH = (
    (dt.date(2024, 8, 1), 0),
    (dt.date(2024, 12, 31), 25),
    (dt.date(2025, 12, 31), 140),
    (SAMPLE_AS_OF, EXTERNAL_JOBS),
)
_JOB_CAPS = {"micro": 2, "small": 6, "medium": 14, "large": 30}
_QUALIFICATIONS = (("academic", 40), ("vocational", 40), ("other", 8), (None, 12))
_SALARY_RANGES = {
    "academic": (52_000, 88_000),
    "vocational": (36_000, 58_000),
    "other": (29_000, 44_000),
    None: (34_000, 60_000),
}
_FTES = (("1", 70), ("0.5", 12), ("0.75", 10), ("0.8", 8))


def _job_date(rng: random.Random, index: int) -> dt.date:
    """Creation date of the index-th external job, stratified along _JOB_PATH."""
    target = (index + rng.random()) * _JOB_PATH[-1][1] / EXTERNAL_JOBS
    segment = max(1, bisect.bisect_left([count for _, count in _JOB_PATH], target))
    (start, low), (end, high) = _JOB_PATH[segment - 1], _JOB_PATH[segment]
    return start + _days(int((target - low) / (high - low) * (end - start).days))


def _external_jobs(rng: random.Random, projects: list[_Project]) -> list[dict[str, object]]:
    status_weight = {"feasibility": 1, "pilot": 3, "production": 5, "completed": 3}
    size_weight = {"micro": 1, "small": 2, "medium": 3, "large": 4}
    per_company: dict[str, int] = {}
    jobs: list[dict[str, object]] = []
    for index in range(EXTERNAL_JOBS):
        day = _job_date(rng, index)
        candidates = [
            p
            for p in projects
            if p.status in status_weight
            and p.started_on <= day - _days(30)
            and (p.ended_on is None or day <= p.ended_on + _days(120))
            and per_company.get(p.company.company_id, 0) < _JOB_CAPS[p.company.size]
        ]
        if not candidates:
            # The first jobs come before any project is a month old.
            candidates = [p for p in projects if p.status != "inquiry" and p.started_on <= day]
        if not candidates:
            earliest = min(projects, key=lambda p: p.started_on)
            day, candidates = earliest.started_on + _days(14), [earliest]
        weights = [status_weight.get(p.status, 1) * size_weight[p.company.size] for p in candidates]
        project = rng.choices(candidates, weights)[0]
        company = project.company
        day = max(day, company.joined_on + _days(1), project.started_on)
        per_company[company.company_id] = per_company.get(company.company_id, 0) + 1
        qualification = _pick(rng, _QUALIFICATIONS)
        fte = Decimal(str(_pick(rng, _FTES)))
        salary = None
        if rng.random() < 0.87:
            low, high = _SALARY_RANGES[qualification]
            salary = _eur(round(rng.randint(low, high) * float(fte), -2))
        jobs.append(
            {
                "category": "external",
                "company_id": company.company_id,
                "project_id": project.project_id if rng.random() < 0.85 else None,
                "created_on": day,
                "ended_on": None,
                "fte": fte,
                "annual_gross_salary_eur": salary,
                "qualification": qualification,
            }
        )
    # A few positions did not last.
    early = [job for job in jobs if job["created_on"] <= SAMPLE_AS_OF - _days(150)]
    for job in rng.sample(early, ENDED_EXTERNAL_JOBS):
        created = job["created_on"]
        assert isinstance(created, dt.date)
        job["ended_on"] = created + _days(rng.randint(60, (SAMPLE_AS_OF - created).days - 1))
    return jobs


def _jobs_table(rng: random.Random, projects: list[_Project]) -> _Table:
    rows: list[dict[str, object]] = []
    for member in STAFF:
        if member.job is None:
            continue
        fte, qualification, salary = member.job
        ended = None
        if member.end is not None:
            ended = _month_end(_add_months(GRANT_START, member.end))
        rows.append(
            {
                "category": "project_related",
                "company_id": None,
                "project_id": None,
                "created_on": _add_months(GRANT_START, member.start),
                "ended_on": ended,
                "fte": Decimal(fte),
                "annual_gross_salary_eur": _eur(salary),
                "qualification": qualification,
            }
        )
    rows += _external_jobs(rng, projects)
    # Two planted rows: fte typed as 1,5 and an external job without its company.
    template = next(
        row
        for row in rows
        if row["category"] == "external" and row["created_on"] >= dt.date(2025, 9, 1)
    )
    typo = dict(template)
    _plant(typo, "jobs", "fte", Decimal("1.5"))
    no_company: dict[str, object] = {
        "category": "external", "company_id": "", "project_id": None,
        "created_on": dt.date(2026, 2, 2), "ended_on": None, "fte": Decimal("1"),
        "annual_gross_salary_eur": _eur(48_000), "qualification": "vocational",
    }  # fmt: skip
    _plant(no_company, "jobs", "company_id", None)
    rows += [typo, no_company]
    rows.sort(key=lambda row: (row["created_on"], row["category"] != "project_related"))
    for number, row in enumerate(rows, start=1):
        row["job_id"] = f"J-{number:04d}"
    columns = (
        "job_id", "category", "company_id", "project_id", "created_on", "ended_on", "fte",
        "annual_gross_salary_eur", "qualification",
    )  # fmt: skip
    headers = (
        "Job_ID", "Category", "Company_ID", "Project_ID", "Created_On", "Ended_On", "FTE",
        "Annual_Gross_Salary_EUR", "Qualification",
    )  # fmt: skip
    return _Table("jobs.xlsx", columns, headers, rows)


# --- Deployments and devices ---------------------------------------------------------------

# fmt: off
_MODELS = {
    "predictive_maintenance": ("bearing-rul-estimator", "anomaly-detector-tinyml",
                               "vibration-fault-classifier"),
    "quality_inspection": ("surface-defect-detector", "weld-seam-inspector",
                           "visual-qc-mobilenet"),
    "process_optimization": ("process-soft-sensor", "setpoint-optimizer-gbm"),
    "energy_management": ("load-forecaster-lstm", "nilm-disaggregator"),
    "condition_monitoring": ("anomaly-detector-tinyml", "flow-anomaly-autoencoder",
                             "thermal-hotspot-detector"),
    "logistics": ("pallet-counter-yolo-nano", "container-ocr-edge"),
    "other": ("acoustic-event-classifier",),
}
_VISION_MODELS = (
    "surface-defect-detector", "weld-seam-inspector", "visual-qc-mobilenet",
    "thermal-hotspot-detector", "pallet-counter-yolo-nano", "container-ocr-edge",
)
_VISION_CLASSES = (("edge_gpu", 4), ("edge_soc", 4), ("industrial_pc", 2), ("fpga", 1))
_SIGNAL_CLASSES = (
    ("microcontroller", 5), ("smart_sensor", 4), ("edge_soc", 2), ("fpga", 1),
    ("industrial_pc", 1),
)
DEVICE_CLASSES = (
    "microcontroller", "fpga", "edge_soc", "edge_gpu", "industrial_pc", "smart_sensor",
)
_POLICIES = (("on_device_only", 55), ("aggregates_only", 33), ("raw_upload", 12))
# fmt: on
# Deployments: every production project, four of them twice, six completed projects
# (the first since decommissioned) and six pilots (the first two live).
EXTRA_PRODUCTION_DEPLOYMENTS = 4
COMPLETED_DEPLOYMENTS = 6
PILOT_DEPLOYMENTS, LIVE_PILOTS = 6, 2
DEVICES = 150
REPLACED_DEVICES = 3


def _deployments_table(rng: random.Random, projects: list[_Project]) -> _Table:
    def having(status: str) -> list[_Project]:
        return [p for p in projects if p.status == status]

    production = having("production")
    completed = rng.sample(having("completed"), COMPLETED_DEPLOYMENTS)
    pilots = rng.sample(having("pilot"), PILOT_DEPLOYMENTS)
    plans = [(p, True) for p in production]
    plans += [(p, True) for p in rng.sample(production, EXTRA_PRODUCTION_DEPLOYMENTS)]
    plans += [(p, True) for p in completed]
    plans += [(p, index < LIVE_PILOTS) for index, p in enumerate(pilots)]
    rows: list[dict[str, object]] = []
    for project, live in plans:
        went_live = None
        if live:
            first = project.started_on + _days(30)
            last = (project.ended_on or SAMPLE_AS_OF) - _days(14)
            went_live = first + _days(rng.randint(0, max(0, (last - first).days)))
        version = f"{rng.randint(0, 2)}.{rng.randint(0, 9)}.{rng.randint(0, 5)}"
        if not live and rng.random() < 0.5:
            version += "-rc1"
        postal_code = project.company.postal_code if rng.random() < 0.9 else None
        rows.append(
            {
                "project_id": project.project_id,
                "model_name": rng.choice(_MODELS[project.use_case]),
                "model_version": version,
                "site_postal_code": postal_code,
                "went_live_on": went_live,
                "decommissioned_on": project.ended_on if project is completed[0] else None,
                "data_policy": _pick(rng, _POLICIES),
                "cloud_baseline_latency_ms": (
                    Decimal(rng.randint(1_200, 4_000)) / 10 if live else None
                ),
                "latency_slo_ms": Decimal(rng.choice((20, 25, 30, 40, 50))),
                _SOURCE: project,
            }
        )
    rows.sort(key=lambda row: (row["went_live_on"] or SAMPLE_AS_OF, row["project_id"]))
    for number, row in enumerate(rows, start=1):
        row["deployment_id"] = f"DEP-{number:03d}"
    columns = (
        "deployment_id", "project_id", "model_name", "model_version", "site_postal_code",
        "went_live_on", "decommissioned_on", "data_policy", "cloud_baseline_latency_ms",
        "latency_slo_ms",
    )  # fmt: skip
    return _Table("deployments.csv", columns, columns, rows)


def _device_counts(rng: random.Random, deployments: list[dict[str, object]]) -> list[int]:
    counts = [
        rng.randint(1, 4) if row["model_name"] in _VISION_MODELS else rng.randint(2, 8)
        for row in deployments
    ]
    valid_devices = DEVICES - 1
    while sum(counts) != valid_devices:
        index = rng.randrange(len(counts))
        if sum(counts) < valid_devices:
            counts[index] += 1
        elif counts[index] > 1:
            counts[index] -= 1
    return counts


def _devices_table(rng: random.Random, deployments: _Table) -> _Table:
    rows: list[dict[str, object]] = []
    counts = _device_counts(rng, deployments.rows)
    for deployment, count in zip(deployments.rows, counts, strict=True):
        choices = _VISION_CLASSES if deployment["model_name"] in _VISION_MODELS else _SIGNAL_CLASSES
        main_class = _pick(rng, choices)
        interval = rng.choice((10, 15, 20, 30, 60))
        went_live, removed = deployment["went_live_on"], deployment["decommissioned_on"]
        for _ in range(count):
            installed = None
            if isinstance(went_live, dt.date):
                installed = went_live - _days(rng.randint(0, 21))
                if rng.random() < 0.15:
                    # Added later, while the deployment ran.
                    running = ((removed or SAMPLE_AS_OF) - went_live).days
                    installed = went_live + _days(rng.randint(0, max(0, running - 1)))
            elif rng.random() < 0.5:
                installed = SAMPLE_AS_OF - _days(rng.randint(3, 60))
            rows.append(
                {
                    "deployment_id": deployment["deployment_id"],
                    "device_class": main_class if rng.random() < 0.8 else _pick(rng, choices),
                    "installed_on": installed,
                    "removed_on": removed,
                    "report_interval_s": interval if rng.random() < 0.95 else None,
                }
            )
    # Every device class occurs: spare devices of larger deployments make up for a missing one.
    present = [row["device_class"] for row in rows]
    spare = [row for row in rows if counts[int(str(row["deployment_id"])[4:]) - 1] > 2]
    for device_class in DEVICE_CLASSES:
        if device_class not in present:
            spare.pop(0)["device_class"] = device_class
    replaceable = [
        row
        for row in rows
        if isinstance(row["installed_on"], dt.date)
        and row["removed_on"] is None
        and row["installed_on"] <= SAMPLE_AS_OF - _days(60)
    ]
    for row in rng.sample(replaceable, REPLACED_DEVICES):
        installed = row["installed_on"]
        assert isinstance(installed, dt.date)
        row["removed_on"] = installed + _days(rng.randint(20, (SAMPLE_AS_OF - installed).days))
    # The planted device: someone's test board with a class the contract does not know.
    position = next(i for i, row in enumerate(rows) if row["deployment_id"] == "DEP-012")
    planted = {**rows[position], "removed_on": None, "report_interval_s": 30}
    _plant(planted, "devices", "device_class", "raspberry")
    rows.insert(position + 1, planted)
    for number, row in enumerate(rows, start=1):
        row["device_id"] = f"DEV-{number:04d}"
    columns = (
        "device_id", "deployment_id", "device_class", "installed_on", "removed_on",
        "report_interval_s",
    )  # fmt: skip
    return _Table("devices.csv", columns, columns, rows)


# --- SDG contributions ---------------------------------------------------------------------

# fmt: off
# goal: (target, indicator, unit, value range, decimals, evidence)
_SDG_TEMPLATES = {
    3: ("3.9", "Reduzierte Feinstaubemissionen am Arbeitsplatz", "kg/a", (20, 400), 0,
        "Messprotokoll Arbeitsschutz"),
    4: ("4.4", "Beschäftigte mit Weiterbildung in eingebetteter KI", "Personen", (4, 40), 0,
        "Teilnahmelisten Schulung"),
    5: ("5.5", "Frauenanteil im Projektteam", "%", (20, 55), 0, "Selbstauskunft Unternehmen"),
    6: ("6.4", "Eingespartes Frischwasser durch Leckageerkennung", "m³/a", (300, 950), 0,
        "Auswertung Wasserzähler"),
    7: ("7.3", "Eingesparte elektrische Energie", "MWh/a", (15, 900), 1,
        "Energieaudit nach DIN EN 16247"),
    8: ("8.2", "Steigerung der Arbeitsproduktivität", "%", (3, 20), 1,
        "Kennzahlenvergleich vor und nach Einführung"),
    9: ("9.4", "Anteil der Anlagen mit KI-gestützter Überwachung", "%", (10, 90), 0,
        "Anlagenverzeichnis"),
    10: ("10.2", "Barrierefreie Arbeitsplätze durch KI-Assistenz", "Arbeitsplätze", (1, 6), 0,
         "Selbstauskunft Unternehmen"),
    11: ("11.6", "Vermiedene Lkw-Leerfahrten im Stadtgebiet", "Fahrten/a", (120, 950), 0,
         "Auswertung Telematikdaten"),
    12: ("12.5", "Reduzierter Ausschuss", "%", (5, 40), 1, "Qualitätsbericht"),
    13: ("13.2", "Vermiedene Treibhausgasemissionen", "t CO2e/a", (8, 450), 1,
         "Berechnung nach GHG Protocol"),
    15: ("15.1", "Vermiedene Schmierstoffeinträge in Boden und Gewässer durch Leckageerkennung",
         "l/a", (50, 800), 0, "Wartungsprotokolle"),
    17: ("17.17", "Transferpartnerschaften Wissenschaft und Wirtschaft", "Anzahl", (1, 5), 0,
         "Kooperationsvereinbarungen"),
}
# Use cases whose projects typically show an effect on a goal (others: any project).
_SDG_USE_CASES = {
    3: ("process_optimization", "quality_inspection"),
    6: ("condition_monitoring",),
    7: ("energy_management", "process_optimization", "predictive_maintenance"),
    11: ("logistics",),
    12: ("quality_inspection", "process_optimization"),
    13: ("energy_management", "process_optimization", "logistics"),
    15: ("condition_monitoring", "predictive_maintenance"),
}
# Contributions per goal: 13 of the 17 goals, 5 and 10 only unverified so far.
SDG_ROWS = {7: 6, 13: 8, 9: 7, 12: 5, 8: 5, 6: 1, 3: 2, 4: 3, 5: 1, 10: 1, 11: 2, 15: 1, 17: 2}
UNVERIFIED_GOALS = (5, 10)
_REMARKS = (
    "Wert vom Unternehmen gemeldet, Prüfung ausstehend", "Messbericht liegt im Projektordner",
    "Nachweis angefordert", "Basisjahr 2024", "Hochrechnung auf ein Jahr",
)
# fmt: on


def _sdg_table(rng: random.Random, deployments: _Table) -> _Table:
    # Effects are reported for projects with a live deployment, some weeks after go-live.
    live: dict[str, tuple[str, dt.date, str]] = {}
    for row in deployments.rows:
        went_live, project = row["went_live_on"], row[_SOURCE]
        if isinstance(went_live, dt.date) and isinstance(project, _Project):
            live.setdefault(project.project_id, (project.project_id, went_live, project.use_case))
    sources = [live[key] for key in sorted(live)]
    reported_pairs: set[tuple[str, int]] = set()
    rows: list[dict[str, object]] = []
    for goal, count in SDG_ROWS.items():
        target, indicator, unit, (low, high), decimals, evidence = _SDG_TEMPLATES[goal]
        fitting = _SDG_USE_CASES.get(goal)
        for index in range(count):
            # A project reports on a goal once; projects whose use case fits come first.
            unused = [source for source in sources if (source[0], goal) not in reported_pairs]
            candidates = [source for source in unused if fitting is None or source[2] in fitting]
            project_id, went_live, _ = rng.choice(candidates or unused)
            reported_pairs.add((project_id, goal))
            earliest = went_live + _days(45)
            reported = earliest + _days(rng.randint(0, max(0, (SAMPLE_AS_OF - earliest).days)))
            scale = 10**decimals
            rows.append(
                {
                    "project_id": project_id,
                    "sdg_goal": goal,
                    "sdg_target": target,
                    "indicator": indicator,
                    "value": Decimal(rng.randint(low * scale, high * scale)) / scale,
                    "unit": unit,
                    "reported_on": min(SAMPLE_AS_OF, reported),
                    "evidence": evidence if rng.random() < 0.85 else None,
                    "verified": goal not in UNVERIFIED_GOALS and (index == 0 or rng.random() < 0.7),
                    "bemerkung_intern": rng.choice(_REMARKS) if rng.random() < 0.3 else None,
                }
            )
    project_id, went_live, _ = sources[3]
    planted: dict[str, object] = {
        "project_id": project_id, "sdg_goal": 13,
        "indicator": "Vermiedene Treibhausgasemissionen durch Abwärmenutzung",
        "value": Decimal("96.4"), "unit": "t CO2e/a",
        "reported_on": min(SAMPLE_AS_OF, went_live + _days(120)),
        "evidence": "Berechnung nach GHG Protocol", "verified": False,
        "bemerkung_intern": "Zielzuordnung prüfen",
    }  # fmt: skip
    _plant(planted, "sdg_contributions", "sdg_target", "7.2")
    rows.append(planted)
    rows.sort(key=lambda row: (row["reported_on"], row["project_id"], row["sdg_goal"]))
    for number, row in enumerate(rows, start=1):
        row["contribution_id"] = f"SDG-{number:03d}"
    columns = (
        "contribution_id", "project_id", "sdg_goal", "sdg_target", "indicator", "value",
        "unit", "reported_on", "evidence", "verified", "bemerkung_intern",
    )  # fmt: skip
    headers = (
        "Contribution_ID", "Project_ID", "SDG_Goal", "SDG_Target", "Indicator", "Value",
        "Unit", "Reported_On", "Evidence", "Verified", "bemerkung_intern",
    )  # fmt: skip
    return _Table("sdg_contributions.csv", columns, headers, rows)


# --- Courses and targets -------------------------------------------------------------------

# fmt: off
SEMESTERS = ("WS 2024/25", "SS 2025", "WS 2025/26", "SS 2026", "WS 2026/27")
_UDE, _HRW = "UDE", "Hochschule Ruhr West"
# key: (title, institution, ects, embedded AI, enrolment in the first semester)
_COURSE_CATALOGUE = {
    "tinyml": ("Eingebettete KI auf Mikrocontrollern (TinyML)", _UDE, "6", True, 60),
    "ml": ("Maschinelles Lernen für eingebettete Systeme", _UDE, "6", True, 75),
    "lectures": ("Ringvorlesung KI im Mittelstand", _UDE, "3", True, 110),
    "data": ("Grundlagen der Datenanalyse für Ingenieurwissenschaften", _UDE, "5", False, 140),
    "hardware": ("Energieeffiziente Hardware für neuronale Netze", _UDE, "5", True, 35),
    "sensors": ("Sensorik, Signalverarbeitung und KI", _UDE, "6", True, 50),
    "fpga": ("Praktikum FPGA-basierte KI-Beschleuniger", _UDE, "6", True, 24),
    "seminar": ("Projektseminar Edge AI in der Industrie", _UDE, "4", True, 18),
    "series": ("Deep Learning für Zeitreihen in der Prozessindustrie", _UDE, "5", True, 40),
    "codesign": ("Hardware-Software-Codesign für KI-Systeme", _UDE, "6", True, 30),
    "privacy": ("Datenschutz und Sicherheit eingebetteter KI", _UDE, "2.5", True, 45),
    "vision": ("Industrielle Bildverarbeitung mit KI", _HRW, "5", True, 38),
    "automation": ("Embedded Systems und KI in der Automatisierung", _HRW, "5", True, 32),
}
COURSES_BY_SEMESTER = {
    "WS 2024/25": ("tinyml", "ml", "lectures", "data", "vision"),
    "SS 2025": ("fpga", "seminar", "series"),
    "WS 2025/26": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
    "SS 2026": ("fpga", "seminar", "series", "codesign", "privacy", "automation"),
    "WS 2026/27": ("tinyml", "ml", "lectures", "data", "hardware", "sensors", "vision"),
}
# fmt: on


def _courses_table(rng: random.Random) -> _Table:
    rows: list[dict[str, object]] = []
    for age, semester in enumerate(SEMESTERS):
        term, years = semester.split(" ")
        code = term + years.replace("/", "")[2:]
        numbers: dict[str, int] = {}
        for key in COURSES_BY_SEMESTER[semester]:
            title, institution, ects, embedded, base = _COURSE_CATALOGUE[key]
            short = "HRW" if institution == _HRW else "UDE"
            numbers[short] = numbers.get(short, 0) + 1
            enrolled = round(base * (1 + 0.12 * age) * rng.uniform(0.85, 1.15))
            # The current semester has no completions yet.
            completed = None
            if semester != SEMESTERS[-1]:
                completed = round(enrolled * rng.uniform(0.55, 0.9))
            rows.append(
                {
                    "course_id": f"{short}-{code}-{numbers[short]:02d}",
                    "title": title,
                    "institution": institution,
                    "semester": semester,
                    "ects": Decimal(ects),
                    "enrolled": enrolled,
                    "completed": completed,
                    "embedded_ai": embedded,
                }
            )
    # Enrolled and completed swapped in one row.
    planted = next(r for r in rows if r["semester"] == "SS 2025" and r["course_id"].endswith("2"))
    planted["enrolled"], completed = planted["completed"], planted["enrolled"]
    _plant(planted, "courses", "completed", completed)
    columns = (
        "course_id", "title", "institution", "semester", "ects", "enrolled", "completed",
        "embedded_ai",
    )  # fmt: skip
    return _Table("courses.csv", columns, columns, rows)


MILESTONES = (
    dt.date(2024, 12, 31),
    dt.date(2025, 12, 31),
    dt.date(2026, 12, 31),
    dt.date(2027, 12, 31),
    GRANT_END,
)
JOB_TARGETS = (
    ("jobs_project_related_created", (15, 22, 26, 29, 30)),
    ("jobs_external_created", (30, 140, 280, 400, 500)),
)
OTHER_TARGETS = (
    ("companies_engaged", dt.date(2026, 12, 31), "110"),
    ("companies_engaged", GRANT_END, "160"),
    ("sme_share", GRANT_END, "0.8"),
    ("crafts_engaged", GRANT_END, "25"),
    ("sdg_goals_covered", GRANT_END, "15"),
    ("students_enrolled", GRANT_END, "2500"),
)


def _targets_table() -> _Table:
    rows: list[dict[str, object]] = [
        {"kpi_id": kpi, "due_on": due, "target_value": Decimal(value)}
        for kpi, values in JOB_TARGETS
        for due, value in zip(MILESTONES, values, strict=True)
    ]
    rows += [
        {"kpi_id": kpi, "due_on": due, "target_value": Decimal(value)}
        for kpi, due, value in OTHER_TARGETS
    ]
    columns = ("kpi_id", "due_on", "target_value")
    return _Table("targets.csv", columns, columns, rows)


# --- Telemetry history ---------------------------------------------------------------------

TELEMETRY_FILE = "telemetry_history.parquet"
TELEMETRY_END = dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
"""The sample's telemetry ends at the export (07:30 in Duisburg) and covers the 7 days before."""
TELEMETRY_DAYS = 7
TELEMETRY_STEP_S = 300
"""Every device's readings of its report interval, summed into one reading per 5 minutes."""
# The history's stories: a device that was offline for six hours on the Tuesday, and one
# whose latency rose over its objective for an afternoon.
OFFLINE_STORY = (dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC), dt.timedelta(hours=6))
SLOW_STORY = (dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC), dt.timedelta(hours=4))


def _during(moment: dt.datetime, story: tuple[dt.datetime, dt.timedelta]) -> bool:
    start, length = story
    return start <= moment < start + length


def _telemetry_history(deployments: _Table, devices: _Table) -> bytes:
    """Five-minute readings of every device of a live deployment over TELEMETRY_DAYS days,
    as Parquet (ts in UTC); deterministic to the byte."""
    rng = random.Random(SEED + 8)
    by_id = {row["deployment_id"]: row for row in deployments.rows}
    start = TELEMETRY_END - dt.timedelta(days=TELEMETRY_DAYS)
    steps = TELEMETRY_DAYS * 86_400 // TELEMETRY_STEP_S
    moments = [start + dt.timedelta(seconds=TELEMETRY_STEP_S * (n + 1)) for n in range(steps)]
    loads = [working_load(moment) for moment in moments]
    day = TELEMETRY_END.date()
    reporting = []
    for device in devices.rows:
        deployment = by_id[device["deployment_id"]]
        live, gone = deployment["went_live_on"], deployment["decommissioned_on"]
        installed, removed = device["installed_on"], device["removed_on"]
        if (
            _PLANTED in device
            or not isinstance(live, dt.date)
            or live > day
            or (isinstance(gone, dt.date) and gone <= day)
            or (isinstance(installed, dt.date) and installed > day)
            or (isinstance(removed, dt.date) and removed <= day)
        ):
            continue
        reporting.append((device, deployment))
    offline = reporting[3][0]["device_id"]
    slow = reporting[11][0]["device_id"]
    columns: dict[str, list[object]] = {name: [] for name in _TELEMETRY_COLUMNS}
    for device, deployment in reporting:
        rate, rest_mw, per_inference, rest_c, input_bytes = DEVICE_PROFILES[
            str(device["device_class"])
        ]
        rate *= rng.uniform(0.5, 1.5)
        slo = float(deployment["latency_slo_ms"])
        base = slo * rng.uniform(0.3, 0.55)
        uplink = UPLINK_SHARE[str(deployment["data_policy"])]
        seq = 0
        for moment, load in zip(moments, loads, strict=True):
            if device["device_id"] == offline and _during(moment, OFFLINE_STORY):
                continue
            jitter = rng.random()
            burst = 3.0 if rng.random() < 0.01 else 1.0
            inferences = round(rate * TELEMETRY_STEP_S * load * burst * (0.8 + 0.4 * jitter))
            mean = base * (1 + 0.3 * load * burst) * (0.9 + 0.2 * rng.random())
            status = "ok"
            if device["device_id"] == slow and _during(moment, SLOW_STORY):
                mean, status = slo * 1.6, "degraded"
            p95 = mean * 1.45
            kept = inferences * input_bytes
            values = (
                device["device_id"],
                seq,
                moment,
                TELEMETRY_STEP_S,
                inferences,
                round(mean, 1),
                round(p95, 1),
                round(p95 * 1.6, 1),
                round(rest_mw * TELEMETRY_STEP_S / 3_600 + per_inference * inferences, 3),
                kept,
                round(kept * uplink),
                round(rest_c + 12 * load * burst + 2 * jitter, 1),
                status,
                deployment["model_version"],
            )
            for name, value in zip(_TELEMETRY_COLUMNS, values, strict=True):
                columns[name].append(value)
            seq += 1
    table = pa.table(
        {name: pa.array(columns[name], kind) for name, kind in _TELEMETRY_COLUMNS.items()}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", compression_level=19)
    return buffer.getvalue()


_TELEMETRY_COLUMNS = {
    "device_id": pa.string(),
    "seq": pa.int64(),
    "ts": pa.timestamp("ms", tz="UTC"),
    "interval_s": pa.int32(),
    "inferences": pa.int64(),
    "latency_ms_mean": pa.float32(),
    "latency_ms_p95": pa.float32(),
    "latency_ms_max": pa.float32(),
    "energy_mwh": pa.float32(),
    "bytes_on_device": pa.int64(),
    "bytes_uplinked": pa.int64(),
    "temperature_c": pa.float32(),
    "status": pa.string(),
    "model_version": pa.string(),
}


# --- Assembly ------------------------------------------------------------------------------

_WRITERS: dict[str, Callable[[_Table], bytes]] = {
    "companies.csv": _german_excel_csv,
    "projects.csv": _german_excel_csv,
    "grants.csv": _german_excel_csv,
    "budget.csv": _german_excel_csv,
    "expenditures.csv": _german_excel_csv,
    "disbursements.csv": _german_excel_csv,
    "jobs.xlsx": _jobs_xlsx,
    "deployments.csv": _tool_csv,
    "devices.csv": _tool_csv,
    "courses.csv": _tool_csv,
    "targets.csv": _tool_csv,
    "sdg_contributions.csv": _german_utf8_csv,
}


def _build() -> list[_Table]:
    """Every table of the sample delivery; each part draws from its own seeded generator."""
    companies, projects, valid_projects = _companies_and_projects(random.Random(SEED))
    vouchers = _make_expenditures(random.Random(SEED + 1), valid_projects)
    expenditures = _expenditures_table(vouchers)
    deployments = _deployments_table(random.Random(SEED + 3), valid_projects)
    return [
        _companies_table(companies),
        _projects_table(projects),
        _grants_table(),
        _budget_table(),
        expenditures,
        _disbursements_table(random.Random(SEED + 2), expenditures),
        _jobs_table(random.Random(SEED + 4), valid_projects),
        deployments,
        _devices_table(random.Random(SEED + 5), deployments),
        _sdg_table(random.Random(SEED + 6), deployments),
        _courses_table(random.Random(SEED + 7)),
        _targets_table(),
    ]


def _planted_errors(tables: list[_Table]) -> tuple[PlantedError, ...]:
    errors = []
    for table in tables:
        # The header is line 1 of a CSV; the XLSX has row 1 empty and its header in row 2.
        first_line = 3 if table.file.endswith(".xlsx") else 2
        for index, row in enumerate(table.rows):
            if _PLANTED in row:
                column, rule = row[_PLANTED]
                value = _cell_text(table, row, column)
                errors.append(PlantedError(table.file, first_line + index, column, value, rule))
    return tuple(errors)


def write_sample(out_dir: Path) -> list[Path]:
    """Write the sample delivery into `out_dir` and return the paths written, sorted."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    tables = _build()
    for table in tables:
        path = out_dir / table.file
        path.write_bytes(_WRITERS[table.file](table))
        paths.append(path)
    by_file = {table.file: table for table in tables}
    path = out_dir / TELEMETRY_FILE
    path.write_bytes(_telemetry_history(by_file["deployments.csv"], by_file["devices.csv"]))
    paths.append(path)
    return sorted(paths)


PLANTED_ERRORS: tuple[PlantedError, ...] = _planted_errors(_build())


if __name__ == "__main__":
    sample_dir = Path(__file__).resolve().parent.parent / "data" / "sample"
    for written in write_sample(sample_dir):
        print(written)
