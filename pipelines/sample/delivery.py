"""The sample delivery put together: which file holds what, spelled how, generated from what."""

from __future__ import annotations

import random
from pathlib import Path

from pipelines.sample.companies import company_rows
from pipelines.sample.courses import course_rows
from pipelines.sample.disbursements import disbursement_rows
from pipelines.sample.expenditures import expenditure_rows
from pipelines.sample.fleet import deployment_rows, device_rows
from pipelines.sample.formats import (
    GERMAN_EXCEL_CSV,
    GERMAN_EXCEL_UTF8,
    TOOL_CSV,
    Layout,
    Workbook,
)
from pipelines.sample.grants import budget_rows, grant_rows
from pipelines.sample.inventory import inventory_rows
from pipelines.sample.jobs import job_rows
from pipelines.sample.planted import PlantedError, planted_errors
from pipelines.sample.projects import companies_and_projects, project_rows
from pipelines.sample.revenues import revenue_rows
from pipelines.sample.rows import Row
from pipelines.sample.sdg import sdg_rows
from pipelines.sample.targets import target_rows
from pipelines.sample.telemetry import TELEMETRY_FILE, telemetry_history

SEED = 20_241_120
"""Each part of the sample draws from its own generator, seeded SEED + n."""

# Each file in the order of the delivery, with the hand-made quirks of whoever wrote it.
LAYOUTS = (
    Layout(
        "companies",
        GERMAN_EXCEL_CSV,
        typed_headers={
            "company_id": " Company_ID",
            "name": "Name ",
            "annual_turnover_eur": "annual_turnover_EUR",
            "balance_sheet_eur": "Balance_Sheet_EUR ",
            "is_craft": "IS_CRAFT",
            "is_startup": "is_startup",
            "ude_spinoff": " UDE_Spinoff",
            "joined_on": "joined_on ",
        },
        bools={"is_craft": ("x", ""), "is_startup": ("x", "")},
    ),
    Layout(
        "projects",
        GERMAN_EXCEL_CSV,
        typed_headers={
            "title": " Title",
            "company_id": "Company_ID ",
            "own_contribution_eur": "Own_Contribution_EUR ",
        },
    ),
    Layout("grants", GERMAN_EXCEL_CSV, {"recipient": "Recipient ", "ends_on": "Ends_On "}),
    Layout("budget", GERMAN_EXCEL_CSV, {"planned_eur": " Planned_EUR"}),
    Layout("expenditures", GERMAN_EXCEL_CSV, {"description": "Description "}),
    Layout("disbursements", GERMAN_EXCEL_CSV, {"grant_id": " Grant_ID"}),
    Layout("revenues", GERMAN_EXCEL_CSV, {"actual_eur": "Actual_EUR "}),
    Layout("inventory", GERMAN_EXCEL_CSV, {"net_eur": "Net_EUR "}),
    Layout("jobs", Workbook("Stellenmeldungen ZaKI.D", "Stadt Duisburg", "Stellen")),
    Layout("deployments", TOOL_CSV),
    Layout("devices", TOOL_CSV),
    Layout(
        "sdg_contributions",
        GERMAN_EXCEL_UTF8,
        {"bemerkung_intern": "bemerkung_intern"},
        extra=("bemerkung_intern",),
    ),
    Layout("courses", TOOL_CSV),
    Layout("targets", TOOL_CSV),
)


def build() -> dict[str, list[Row]]:
    """The rows of every entity; a part that refers to others is built from their rows."""
    companies, projects, valid_projects = companies_and_projects(random.Random(SEED))
    expenditures = expenditure_rows(random.Random(SEED + 1), valid_projects)
    deployments = deployment_rows(random.Random(SEED + 3), valid_projects)
    return {
        "companies": company_rows(companies),
        "projects": project_rows(projects),
        "grants": grant_rows(),
        "budget": budget_rows(),
        "expenditures": expenditures,
        "disbursements": disbursement_rows(random.Random(SEED + 2), expenditures),
        "revenues": revenue_rows(),
        "inventory": inventory_rows(expenditures),
        "jobs": job_rows(random.Random(SEED + 4), valid_projects),
        "deployments": deployments,
        "devices": device_rows(random.Random(SEED + 5), deployments),
        "sdg_contributions": sdg_rows(random.Random(SEED + 6), deployments, valid_projects),
        "courses": course_rows(random.Random(SEED + 7)),
        "targets": target_rows(),
    }


def write_sample(out_dir: Path) -> list[Path]:
    """Write the sample delivery into `out_dir` and return the paths written, sorted."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = build()
    paths = []
    for layout in LAYOUTS:
        path = out_dir / layout.file
        path.write_bytes(layout.write(rows[layout.entity]))
        paths.append(path)
    path = out_dir / TELEMETRY_FILE
    history = telemetry_history(random.Random(SEED + 8), rows["deployments"], rows["devices"])
    path.write_bytes(history)
    paths.append(path)
    return sorted(paths)


def _planted_errors() -> tuple[PlantedError, ...]:
    rows = build()
    return tuple(
        error for layout in LAYOUTS for error in planted_errors(layout, rows[layout.entity])
    )


PLANTED_ERRORS = _planted_errors()
"""Every planted error of the sample, file by file."""
