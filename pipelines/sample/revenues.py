"""Deckungsmittel: each grant's own funds as its plan and funding rate imply, and the project
revenues of the catalogue (the university's fees of 2025 above plan)."""

from __future__ import annotations

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.concept import concept_own_funds
from pipelines.sample.dates import SAMPLE_AS_OF
from pipelines.sample.grants import CONCEPT, GRANTS, financing_plan
from pipelines.sample.rows import Eur, Row, eur


def _own_funds(plan: dict[tuple[str, int], int], rate: object) -> list[tuple[int, int, int | None]]:
    """(year, planned cents, actual cents or None): the recipient's share of each year's plan,
    in whole 100 EUR; delivered as actual for the years completed by the export."""
    lines = []
    for year in sorted({year for _, year in plan}):
        total = sum(cents for (_, y), cents in plan.items() if y == year)
        planned = round(total * (1 - float(rate)) / 10_000) * 10_000  # type: ignore[arg-type]
        lines.append((year, planned, planned if year < SAMPLE_AS_OF.year else None))
    return lines


def revenue_rows() -> list[Row]:
    rows: list[Row] = []

    def add(grant_id: str, kind: str, year: int, planned: int, actual: int | None) -> None:
        rows.append(
            {
                "revenue_id": f"{grant_id}-{year}-{'EIG' if kind == 'own_funds' else 'EIN'}",
                "grant_id": grant_id,
                "kind": kind,
                "year": year,
                "planned_eur": Eur(planned),
                "actual_eur": None if actual is None else Eur(actual),
            }
        )

    for grant in GRANTS:
        for year, planned, actual in _own_funds(financing_plan(grant), grant.funding_rate):
            if planned:
                add(grant.grant_id, "own_funds", year, planned, actual)
        for year, planned, actual in CATALOGUE["revenues"].get(grant.code, ()):
            add(
                grant.grant_id,
                "project_revenue",
                year,
                eur(planned).cents,
                None if actual == "" else eur(actual).cents,
            )
    for year, planned, actual in concept_own_funds():
        add(CONCEPT.grant_id, "own_funds", year, planned, actual)
    return sorted(rows, key=lambda row: (str(row["grant_id"]), str(row["revenue_id"])))
