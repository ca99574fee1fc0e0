"""Contributions to the UN Sustainable Development Goals that projects report after go-live."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pipelines.sample.dates import SAMPLE_AS_OF, days
from pipelines.sample.planted import plant
from pipelines.sample.projects import Project
from pipelines.sample.rows import Row

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


def sdg_rows(rng: random.Random, deployments: list[Row], projects: list[Project]) -> list[Row]:
    # Effects are reported for projects with a live deployment, some weeks after go-live.
    by_id = {project.project_id: project for project in projects}
    live: dict[str, tuple[str, dt.date, str]] = {}
    for row in deployments:
        went_live, project = row["went_live_on"], by_id[str(row["project_id"])]
        if isinstance(went_live, dt.date):
            live.setdefault(project.project_id, (project.project_id, went_live, project.use_case))
    sources = [live[key] for key in sorted(live)]
    reported_pairs: set[tuple[str, int]] = set()
    rows: list[Row] = []
    for goal, count in SDG_ROWS.items():
        target, indicator, unit, (low, high), decimals, evidence = _SDG_TEMPLATES[goal]
        fitting = _SDG_USE_CASES.get(goal)
        for index in range(count):
            # A project reports on a goal once; projects whose use case fits come first.
            unused = [source for source in sources if (source[0], goal) not in reported_pairs]
            candidates = [source for source in unused if fitting is None or source[2] in fitting]
            project_id, went_live, _ = rng.choice(candidates or unused)
            reported_pairs.add((project_id, goal))
            earliest = went_live + days(45)
            reported = earliest + days(rng.randint(0, max(0, (SAMPLE_AS_OF - earliest).days)))
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
        "reported_on": min(SAMPLE_AS_OF, went_live + days(120)),
        "evidence": "Berechnung nach GHG Protocol", "verified": False,
        "bemerkung_intern": "Zielzuordnung prüfen",
    }  # fmt: skip
    plant(planted, "sdg_contributions", "sdg_target", "7.2")
    rows.append(planted)
    rows.sort(key=lambda row: (row["reported_on"], row["project_id"], row["sdg_goal"]))
    for number, row in enumerate(rows, start=1):
        row["contribution_id"] = f"SDG-{number:03d}"
    return rows
