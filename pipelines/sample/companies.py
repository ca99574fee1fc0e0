"""The companies of the register: crafts, start-ups and the Mittelstand around Duisburg."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from pipelines.sample.dates import GRANT_START, days
from pipelines.sample.rows import Eur, Row, eur, record

if TYPE_CHECKING:
    from pipelines.sample.projects import Project

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
# Contract version 2 draws from its own generator, so the figures of version 1 stay as they were.
_VERSION_2_SEED = 2612
GROUP_MEMBERS = 6
"""SMEs on their own that are large with their partner and linked enterprises (Art. 6)."""
PUBLICLY_CONTROLLED = 2
"""SMEs by their figures that are large because public bodies hold >= 25 % (Art. 3(4))."""
HEADCOUNT_ONLY = 14
"""Companies that report neither turnover nor balance sheet (size by headcount alone)."""
ENGAGED_COMPANIES = 104
"""Companies with at least one project; the other companies only joined events or talks."""


@dataclass(eq=False)
class Company:
    """A company; its attributes named as the contract's company columns."""

    kind: str
    size: str
    trade: str
    name: str
    employees: int
    annual_turnover_eur: Eur | None
    balance_sheet_eur: Eur | None
    craft_annex: str | None
    ude_spinoff: bool
    sector_code: str | None
    postal_code: str
    founded_on: dt.date | None
    public_name_consent: bool
    # contract version 2: headcount when joining, partner and linked enterprises, public control
    baseline_employees: int | None = None
    group_employees: Decimal | None = None
    group_turnover_eur: Eur | None = None
    group_balance_sheet_eur: Eur | None = None
    public_control_share: Decimal | None = None
    planted: tuple[str, object] | None = None
    """(column, raw value) of a planted error."""
    joined_on: dt.date = GRANT_START
    company_id: str = ""
    projects: list[Project] = field(default_factory=list)

    @property
    def is_craft(self) -> bool:
        return self.kind == "craft"

    @property
    def is_startup(self) -> bool:
        return self.kind == "startup"


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


def make_companies(rng: random.Random) -> list[Company]:
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
            founded = dt.date(2018, 1, 1) + days(rng.randint(0, 2_300))
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
            Company(
                kind=kind,
                size=size,
                trade=trade,
                name=name,
                employees=employees,
                annual_turnover_eur=None if turnover is None else eur(turnover),
                balance_sheet_eur=None if balance is None else eur(balance),
                craft_annex=annex,
                ude_spinoff=spinoff,
                sector_code=sector if rng.random() < 0.93 else None,
                postal_code=postal,
                founded_on=founded,
                public_name_consent=rng.random() < 0.7,
            )
        )
    _version_2(companies)
    return companies


def _version_2(companies: list[Company]) -> None:
    """Baseline headcounts (a few left empty: the load takes the first delivered headcount),
    group figures and public control of contract version 2."""
    rng = random.Random(_VERSION_2_SEED)
    for company in companies:
        if rng.random() < 0.9:
            change = rng.randint(-max(1, company.employees // 20), max(1, company.employees // 8))
            company.baseline_employees = max(0, company.employees - change)
    others = [c for c in companies if c.kind == "other" and c.size in ("small", "medium")]
    for company in rng.sample(others, GROUP_MEMBERS + PUBLICLY_CONTROLLED):
        if company.annual_turnover_eur is None:
            continue
        if sum(c.group_employees is not None for c in companies) < GROUP_MEMBERS:
            company.group_employees = Decimal(company.employees + rng.randint(300, 2_500))
            company.group_turnover_eur = Eur(
                company.annual_turnover_eur.cents + rng.randint(6, 90) * 1_000_000_000
            )
        else:
            # a municipal utility's or port company's subsidiary
            company.public_control_share = Decimal(rng.choice(("0.51", "1")))
    # minority public stakes below the threshold: still SMEs
    for company in rng.sample([c for c in others if c.public_control_share is None], 2):
        company.public_control_share = Decimal("0.1")


def company_rows(companies: list[Company]) -> list[Row]:
    return [record("companies", company) for company in companies]
