"""Contributions to the UN Sustainable Development Goals that projects report after go-live."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.dates import SAMPLE_AS_OF, days
from pipelines.sample.planted import plant
from pipelines.sample.projects import Project
from pipelines.sample.rows import Row

_INDICATORS = {int(goal): indicator for goal, indicator in CATALOGUE["sdg"].items()}
# fmt: off
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
        measure = _INDICATORS[goal]
        low, high = measure["value_range"]
        fitting = measure.get("use_cases")
        for index in range(count):
            # A project reports on a goal once; projects whose use case fits come first.
            unused = [source for source in sources if (source[0], goal) not in reported_pairs]
            candidates = [source for source in unused if fitting is None or source[2] in fitting]
            project_id, went_live, _ = rng.choice(candidates or unused)
            reported_pairs.add((project_id, goal))
            earliest = went_live + days(45)
            reported = earliest + days(rng.randint(0, max(0, (SAMPLE_AS_OF - earliest).days)))
            scale = 10 ** measure["decimals"]
            rows.append(
                {
                    "project_id": project_id,
                    "sdg_goal": goal,
                    "sdg_target": measure["target"],
                    "indicator": measure["indicator"],
                    "value": Decimal(rng.randint(low * scale, high * scale)) / scale,
                    "unit": measure["unit"],
                    "reported_on": min(SAMPLE_AS_OF, reported),
                    "evidence": measure["evidence"] if rng.random() < 0.85 else None,
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
