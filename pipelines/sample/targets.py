"""The targets the centre promised: jobs per milestone and the other headline figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pipelines.sample.dates import GRANT_END
from pipelines.sample.rows import Row

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


def target_rows() -> list[Row]:
    rows: list[Row] = [
        {"kpi_id": kpi, "due_on": due, "target_value": Decimal(value)}
        for kpi, values in JOB_TARGETS
        for due, value in zip(MILESTONES, values, strict=True)
    ]
    rows += [
        {"kpi_id": kpi, "due_on": due, "target_value": Decimal(value)}
        for kpi, due, value in OTHER_TARGETS
    ]
    return rows
