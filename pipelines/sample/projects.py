"""The companies' projects with the centre, from first inquiry to production."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pipelines.sample.companies import ENGAGED_COMPANIES, Company, make_companies
from pipelines.sample.dates import GRANT_START, SAMPLE_AS_OF, days
from pipelines.sample.formats import GERMAN
from pipelines.sample.rows import Eur, Row, eur, pick, record

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
class Project:
    """A project; its attributes named as the contract's project columns."""

    status: str
    use_case: str
    title: str
    partner: str
    started_on: dt.date
    ended_on: dt.date | None
    public_funding_eur: Eur | None
    own_contribution_eur: Eur | None
    builds_on_ude_research: bool
    company: Company
    planted: tuple[str, object] | None = None
    project_id: str = ""

    @property
    def company_id(self) -> str:
        return self.company.company_id


def _project_dates(rng: random.Random, status: str) -> tuple[dt.date, dt.date | None]:
    low, high = _STATUS_AGE[status]
    started = SAMPLE_AS_OF - days(rng.randint(low, high))
    ended = None
    if status == "completed":
        ended = min(started + days(rng.randint(150, 450)), SAMPLE_AS_OF - days(10))
    elif status == "cancelled":
        ended = min(started + days(rng.randint(30, 240)), SAMPLE_AS_OF - days(3))
    return started, ended


def _funding(rng: random.Random, status: str) -> tuple[Eur | None, Eur | None]:
    if status not in _FUNDING:
        return None, None
    public = round(rng.randint(*_FUNDING[status]) / 50) * 50
    if rng.random() < 0.08:
        return eur(public), None
    return eur(public), eur(round(public * rng.uniform(0.3, 1.2) / 50) * 50)


def _make_projects(rng: random.Random, engaged: list[Company]) -> list[Project]:
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
        use_case = use_cases[index] if index < len(use_cases) else str(pick(rng, _USE_CASES))
        templates, topics = _TITLES[use_case]
        title = rng.choice(templates).format(rng.choice(topics))
        for _ in range(20):
            if title not in used_titles:
                break
            title = rng.choice(templates).format(rng.choice(topics))
        if index >= len(use_cases) and not company.projects and company.trade in _CRAFT_PROJECTS:
            use_case, title = _CRAFT_PROJECTS[company.trade]
        used_titles.add(title)
        partner = str(pick(rng, _PARTNERS))
        started, ended = _project_dates(rng, status)
        public, own = _funding(rng, status)
        project = Project(
            status=status,
            use_case=use_case,
            title=title,
            partner=partner,
            started_on=started,
            ended_on=ended,
            public_funding_eur=public,
            own_contribution_eur=own,
            builds_on_ude_research=rng.random() < (0.6 if "UDE" in partner else 0.05),
            company=company,
        )
        company.projects.append(project)
        projects.append(project)
    return projects


def companies_and_projects(
    rng: random.Random,
) -> tuple[list[Company], list[Project], list[Project]]:
    """Companies (ids in joining order), all projects (ids by start) and the valid projects."""
    companies = make_companies(rng)
    # Two companies carry a planted error, so nothing may refer to them.
    companies[17].planted = ("postal_code", companies[17].postal_code[:4])
    companies[88].planted = ("joined_on", "31.02.2025")
    valid = [company for company in companies if company.planted is None]
    projects = _make_projects(rng, rng.sample(valid, ENGAGED_COMPANIES))
    for company in companies:
        if company.projects:
            first = min(project.started_on for project in company.projects)
            company.joined_on = max(GRANT_START, first - days(rng.randint(0, 40)))
        else:
            company.joined_on = GRANT_START + days(
                rng.randint(0, (SAMPLE_AS_OF - GRANT_START).days)
            )
        if company.founded_on is not None and company.founded_on >= company.joined_on:
            company.founded_on = company.joined_on - days(rng.randint(200, 900))
    companies.sort(key=lambda company: (company.joined_on, company.name))
    for number, company in enumerate(companies, start=1):
        company.company_id = f"UN-{number:04d}"

    # Two planted projects: one names an unknown company, one ends before it starts.
    unknown = Company(
        kind="other", size="small", trade="", name="", employees=0, annual_turnover_eur=None,
        balance_sheet_eur=None, craft_annex=None, ude_spinoff=False, sector_code=None,
        postal_code="", founded_on=None, public_name_consent=False, company_id="UN-0415",
    )  # fmt: skip
    orphan = Project(
        status="feasibility",
        use_case="quality_inspection",
        title="Kamerabasierte Qualitätsprüfung von Schraubverbindungen",
        partner="Fraunhofer IMS",
        started_on=dt.date(2026, 3, 9),
        ended_on=None,
        public_funding_eur=eur(14_500),
        own_contribution_eur=eur(6_000),
        builds_on_ude_research=False,
        company=unknown,
        planted=("company_id", unknown.company_id),
    )
    host = next(c for c in companies if c.size == "medium" and c.projects)
    started = max(host.joined_on, dt.date(2025, 3, 17))
    backwards = Project(
        status="completed",
        use_case="energy_management",
        title="Energiemonitoring in der Druckerei mit eingebetteter KI",
        partner="UDE",
        started_on=started,
        ended_on=None,
        public_funding_eur=eur(62_000),
        own_contribution_eur=eur(31_500),
        builds_on_ude_research=True,
        company=host,
        planted=("ended_on", GERMAN.text(started - days(37))),
    )
    everything = sorted([*projects, orphan, backwards], key=lambda p: (p.started_on, p.title))
    counters: dict[int, int] = {}
    for project in everything:
        year = project.started_on.year
        counters[year] = counters.get(year, 0) + 1
        project.project_id = f"P-{year}-{counters[year]:03d}"
    return companies, everything, projects


def project_rows(projects: list[Project]) -> list[Row]:
    return [record("projects", project) for project in projects]
