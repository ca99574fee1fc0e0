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


# Optional contract columns that the sample does not deliver yet: its files leave them out, as
# an export of an earlier contract version would (new columns are optional). Every column of
# version 2 is delivered.
NOT_DELIVERED: dict[str, frozenset[str]] = {}


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
