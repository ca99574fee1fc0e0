"""Planted errors: cells broken on purpose, so the data-quality page has something to show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.sample.formats import Layout
    from pipelines.sample.rows import Row

PLANTED = "_planted"
"""Row key of a planted error, (column, rule): not a column, so it is never written."""

RULES = {
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


def plant(row: Row, entity: str, column: str, raw: object) -> None:
    """Break `column` of `row` with `raw`, the value as someone mistyped it."""
    row[column] = raw
    row[PLANTED] = (column, RULES[entity, column])


def is_planted(row: Row) -> bool:
    return PLANTED in row


def planted_errors(layout: Layout, rows: Sequence[Row]) -> list[PlantedError]:
    """The planted errors of one file, where an editor or spreadsheet shows them."""
    errors = []
    for index, row in enumerate(rows):
        if is_planted(row):
            column, rule = row[PLANTED]
            value = layout.cell_text(row, column)
            errors.append(
                PlantedError(layout.file, layout.format.first_line + index, column, value, rule)
            )
    return errors
