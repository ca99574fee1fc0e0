"""The Sachbericht's measured part: one grant's own figures, and the joint project as context.

A grant's report speaks for its own sub-project: the positions it funds (jobs.grant_id) and
the transfer projects in which its recipient is a partner (projects.partner). The joint
project's KPIs follow only as labelled context, each compared with the targets due by the
report's end date; a target due later is shown with its day, never as a shortfall.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from zakid_metrics.kpis.forecast import Milestone

# projects.partner names the centre's research partners (CONTRACT.md section 2, several
# separated by `;`); a grant's recipient is spelt as in its decision. A recipient is the
# partner whose spelling below occurs in its name as whole words, compared case-insensitively
# with hyphens, dots, commas and runs of spaces made one space ("Universität Duisburg-Essen"
# and "KROHNE Messtechnik GmbH" are UDE and Krohne). Any other recipient, such as the city
# that runs the centre, is no partner: `other` stands for many organisations, never for one.
PARTNER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "UDE": ("ude", "universität duisburg essen", "university of duisburg essen"),
    "Fraunhofer IMS": (
        "fraunhofer ims",
        "fraunhofer institut für mikroelektronische schaltungen und systeme",
    ),
    "Krohne": ("krohne",),
}
_SEPARATORS = re.compile(r"[\s\-.,/()]+")


def _words(name: str) -> str:
    return f" {_SEPARATORS.sub(' ', name.casefold()).strip()} "


def partner_of(recipient: str) -> str | None:
    """The partner name of projects.partner that `recipient` is, or None (see above)."""
    words = _words(recipient)
    for partner, spellings in PARTNER_SPELLINGS.items():
        if any(f" {spelling} " in words for spelling in spellings):
            return partner
    return None


@dataclass(frozen=True)
class Position:
    """A position the grant funds (a project-related job with jobs.grant_id)."""

    job_id: str
    created_on: dt.date
    ended_on: dt.date | None
    fte: float
    qualification: str
    exists_at_end: bool  # exists on the report's as-of day
    created_in_period: bool


@dataclass(frozen=True)
class PartnerProject:
    """A transfer project in which the grant's recipient is a partner."""

    project_id: str
    title: str
    partner: str
    use_case: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    external_jobs: int  # external jobs created at the project by the as-of day
    deployments_live: int  # deployments live on the as-of day


@dataclass(frozen=True)
class OwnFigures:
    """The grant's own part of the Sachbericht."""

    grant_id: str
    recipient: str
    partner: str | None  # the recipient's name in projects.partner (None: no partner)
    positions: tuple[Position, ...]
    projects: tuple[PartnerProject, ...]

    @property
    def positions_existing(self) -> int:
        return sum(1 for p in self.positions if p.exists_at_end)

    @property
    def fte_existing(self) -> float:
        return sum((p.fte for p in self.positions if p.exists_at_end), 0.0)

    @property
    def positions_created(self) -> int:
        return sum(1 for p in self.positions if p.created_in_period)


def read_own_figures(
    con: duckdb.DuckDBPyConnection,
    grant_id: str,
    recipient: str,
    period: tuple[dt.date, dt.date],
    as_of: dt.date,
) -> OwnFigures:
    """The grant's positions and its recipient's projects that touch the period (by as_of)."""
    first, _last = period
    positions = con.execute(
        """
        SELECT job_id, created_on, ended_on, fte, qualification,
               job_id IN (SELECT job_id FROM existing_jobs($as_of)),
               created_on >= $first
        FROM jobs
        WHERE grant_id = $grant_id AND category = 'project_related' AND created_on <= $as_of
          AND coalesce(ended_on > $first, true)  -- still there when the period began
        ORDER BY created_on, job_id
        """,
        {"grant_id": grant_id, "as_of": as_of, "first": first},
    ).fetchall()
    partner = partner_of(recipient)
    projects = []
    if partner is not None:
        projects = con.execute(
            """
            SELECT p.project_id, p.title, p.partner, p.use_case, p.status, p.started_on,
                   p.ended_on,
                   (SELECT count(*) FROM jobs j WHERE j.project_id = p.project_id
                      AND j.category = 'external' AND j.created_on <= $as_of),
                   (SELECT count(*) FROM live_deployments($as_of) d
                      WHERE d.project_id = p.project_id)
            FROM projects p
            WHERE list_contains(list_transform(string_split(p.partner, ';'), lambda x: trim(x)),
                                $partner)
              AND p.started_on <= $as_of AND coalesce(p.ended_on >= $first, true)
            ORDER BY p.started_on, p.project_id
            """,
            {"partner": partner, "as_of": as_of, "first": first},
        ).fetchall()
    return OwnFigures(
        grant_id,
        recipient,
        partner,
        tuple(Position(*row) for row in positions),
        tuple(PartnerProject(*row) for row in projects),
    )


@dataclass(frozen=True)
class KpiFigure:
    """A joint-project KPI in the Sachbericht: its value, the targets due by the report's end
    date (the last of them compared) and the targets due later (shown, never compared)."""

    kpi_id: str
    label: str
    unit: str
    value: int | float | Decimal | None
    target: Milestone | None  # the last target due by the report's end date
    later: tuple[Milestone, ...]  # targets due after the report's end date

    @property
    def deviation(self) -> float | None:
        """Value minus the target due by the end date (a share's deviation is a share too)."""
        if self.value is None or self.target is None:
            return None
        return float(self.value) - self.target.target_value


def split_targets(
    milestones: tuple[Milestone, ...], end: dt.date
) -> tuple[Milestone | None, tuple[Milestone, ...]]:
    """The last milestone due on or before `end`, and those due after it."""
    due = [m for m in milestones if m.due_on <= end]
    return (due[-1] if due else None), tuple(m for m in milestones if m.due_on > end)


@dataclass(frozen=True)
class Section:
    """A heading of the Sachbericht: its measured part and the field the recipient fills in."""

    number: int
    title: str
    figures: tuple[KpiFigure, ...]
    prompt: str
