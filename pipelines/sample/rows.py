"""Rows as the generators make them: contract column to value, money in cents, weighted draws."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.sample.planted import plant
from zakid_metrics.contract import ENTITIES

Row = dict[str, object]
"""Contract column name to value; how a value is spelled is the file format's business."""


@dataclass(frozen=True)
class Eur:
    """An amount of money, exact to the cent."""

    cents: int


def eur(euros: float) -> Eur:
    return Eur(round(euros * 100))


def pick(rng: random.Random, weighted: Sequence[tuple[object, float]]) -> object:
    """One item of (item, weight) pairs, drawn by weight."""
    return rng.choices([item for item, _ in weighted], [weight for _, weight in weighted])[0]


# Optional columns of contract version 2 that the sample does not deliver yet: its files leave
# them out, as a version-1 export would (new columns are optional). Issues 10 and 11 give them
# realistic values and take them off this list.
NOT_DELIVERED: dict[str, frozenset[str]] = {
    "companies": frozenset(
        {
            "baseline_employees",
            "group_employees",
            "group_turnover_eur",
            "group_balance_sheet_eur",
            "public_control_share",
        }
    ),
    "grants": frozenset({"vat_deductible"}),
    "expenditures": frozenset({"vat_eur"}),
    "jobs": frozenset({"workplace_postal_code", "confirmed_on", "grant_id"}),
}


# Entities of contract version 2 the sample does not deliver yet (issue 10 adds them).
NOT_DELIVERED_ENTITIES = frozenset({"revenues", "inventory"})


def delivered_columns(entity: str) -> tuple[str, ...]:
    """The contract columns of `entity` that the sample's file carries, in contract order."""
    left_out = NOT_DELIVERED.get(entity, frozenset())
    return tuple(c for c in ENTITIES[entity].columns if c not in left_out)


def record(entity: str, source: object) -> Row:
    """The row of `entity` read off `source`, whose attributes bear the contract's column names.

    A `planted` attribute, (column, raw value), breaks that cell on purpose.
    """
    row: Row = {column: getattr(source, column) for column in delivered_columns(entity)}
    planted = getattr(source, "planted", None)
    if planted is not None:
        plant(row, entity, *planted)
    return row
