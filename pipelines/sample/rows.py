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


def record(entity: str, source: object) -> Row:
    """The row of `entity` read off `source`, whose attributes bear the contract's column names.

    A `planted` attribute, (column, raw value), breaks that cell on purpose.
    """
    row: Row = {column: getattr(source, column) for column in ENTITIES[entity].columns}
    planted = getattr(source, "planted", None)
    if planted is not None:
        plant(row, entity, *planted)
    return row
