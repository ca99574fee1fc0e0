"""Statistical disclosure control, so that no public figure reveals a single company or job.

The rules are those of German official statistics (statistische Geheimhaltung, § 16 BStatG)
as KPIS.md fixes them for this project; docs/DISCLOSURE.md explains them with examples and
states what they do not protect against.

1. Minimum number of units (Fallzahlregel): a cell to which fewer than `k_min` units
   contribute (default 3) is suppressed.
2. Dominance (Dominanzregel, the (1, p) rule): a cell in which the largest single unit holds
   more than `dominance_share` of the value (default 85 %) is suppressed. Exactly the share is
   still published.
3. Secondary suppression: in every line of the table (a row or column together with its
   published total) that holds exactly one suppressed cell, one more cell is suppressed, so
   the first cannot be computed as total minus the published cells. The complement is the
   cell that costs least (smallest value, or fewest units), preferring cells with
   contributors over empty ones and inner cells over the line's total; this repeats until no
   line holds exactly one suppressed cell. Totals go through rules 1 and 2 like any cell.

Sources: § 16 Bundesstatistikgesetz; Hundepool et al., *Statistical Disclosure Control*
(Wiley 2012), ch. 4 (sensitivity rules: minimum frequency and (n, k) dominance; secondary
suppression); the τ-ARGUS manual. The line rule is the simple form of the protection the
statistical offices compute with τ-ARGUS (hypercube method, GHMITER) and is sufficient
against recovery from a single row or column total, not against every linear combination.

Tables come in long form: one row per cell, one column per dimension, a dimension value of
`TOTAL` marking the margin over that dimension. Everything here is a pure function.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, get_args

import pandas as pd
from pandas.api.types import is_integer_dtype

from zakid_metrics.errors import DisclosureError
from zakid_metrics.i18n import format_number, t
from zakid_metrics.settings import Settings, get_settings

SuppressionReason = Literal["min_units", "dominance", "secondary"]
SUPPRESSION_REASONS: tuple[SuppressionReason, ...] = get_args(SuppressionReason)
ComplementBy = Literal["value", "units"]
COMPLEMENT_BY: tuple[ComplementBy, ...] = get_args(ComplementBy)

TOTAL: Final = "total"
"""Dimension value of a margin cell: the total over all categories of that dimension."""
SUPPRESSED_SYMBOL: Final = "."
"""How a suppressed cell is shown (German official statistics: „Zahlenwert geheim zu halten“)."""
SUPPRESSED: Final = "suppressed"
REASON: Final = "reason"

# A share within this relative distance of the threshold counts as the threshold itself, so
# that 85 % computed in binary floating point (0.85 * 20 = 17.000000000000004) is published.
_DOMINANCE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Rules:
    """The parameters of the primary rules."""

    k_min: int = 3
    dominance_share: float = 0.85

    def __post_init__(self) -> None:
        if self.k_min < 1:
            raise DisclosureError(
                f"k_min must be at least 1, got {self.k_min}.",
                "Use the default of 3 (ZAKID_K_MIN) unless the statistics office says otherwise.",
            )
        if not 0 < self.dominance_share <= 1:
            raise DisclosureError(
                f"dominance_share must be in (0, 1], got {self.dominance_share}.",
                "Give the share as a fraction, e.g. 0.85 for 85 % (ZAKID_DOMINANCE_SHARE).",
            )

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Rules:
        """The rules configured by ZAKID_K_MIN and ZAKID_DOMINANCE_SHARE."""
        settings = settings or get_settings()
        return cls(k_min=settings.k_min, dominance_share=settings.dominance_share)


def cells_from_units(
    microdata: pd.DataFrame,
    dims: Sequence[str],
    *,
    unit: str,
    value: str | None = None,
    margins: bool = True,
) -> pd.DataFrame:
    """The cells of a table over `dims`, computed from one row per unit (or per unit and item).

    `unit` names the column identifying the unit to protect (a company, a job). `value` is
    summed; without it the cell value is the number of rows (e.g. jobs per cell while the
    protected unit is the company). Returns `dims` plus `value`, `units` (distinct units in the
    cell) and `largest` (the largest single unit's part of the value). With `margins`, every
    total over any subset of `dims` is added, its units counted distinctly (a unit present in
    two categories counts once in their total).
    """
    dims = list(dims)
    value_name = value or "value"
    _require_columns(microdata, [*dims, unit, *([value] if value else [])], "the unit data")
    for column in [*dims, unit]:
        if microdata[column].isna().any():
            raise DisclosureError(
                f"Column {column!r} of the unit data has missing values.",
                "Give every unit an id and every category a value (e.g. 'unknown') first.",
            )
    grouped = microdata.groupby([*dims, unit], sort=True)
    per_unit = grouped[value].sum() if value else grouped.size()
    sizes = range(len(dims), -1, -1) if margins else [len(dims)]
    subsets = [list(subset) for size in sizes for subset in itertools.combinations(dims, size)]
    parts = []
    for subset in subsets:
        per_cell_unit = per_unit.groupby(level=[*subset, unit]).sum()
        if subset:
            stats = per_cell_unit.groupby(level=subset).agg(["sum", "count", "max"]).reset_index()
        else:
            stats = pd.DataFrame(
                [[per_cell_unit.sum(), per_cell_unit.count(), per_cell_unit.max()]],
                columns=["sum", "count", "max"],
            )
        for dim in dims:
            if dim not in subset:
                stats[dim] = TOTAL
        parts.append(stats.rename(columns={"sum": value_name, "count": "units", "max": "largest"}))
    cells = pd.concat(parts, ignore_index=True)
    for dim in dims:
        if cells[dim].dtype != object:
            cells[dim] = cells[dim].astype(object)
    return cells[[*dims, value_name, "units", "largest"]]


def primary_reasons(
    cells: pd.DataFrame,
    *,
    value: str = "value",
    units: str = "units",
    largest: str | None = "largest",
    rules: Rules | None = None,
) -> pd.Series:
    """Per cell, why the primary rules suppress it (`min_units`, `dominance`) or None.

    A cell without contributors (units = 0) has nothing to protect and is published. Without a
    `largest` column (pass None) only the minimum-units rule applies, which suffices for
    tables that count the protected units themselves.
    """
    rules = rules or Rules.from_settings()
    _check_cells(cells, [], value, units, largest)
    n = pd.to_numeric(cells[units])
    few = (n > 0) & (n < rules.k_min)
    dominated = pd.Series(False, index=cells.index)
    if largest is not None:
        total = pd.to_numeric(cells[value]).astype(float)
        top = pd.to_numeric(cells[largest]).astype(float)
        excess = top - rules.dominance_share * total
        dominated = (n > 0) & (excess > _DOMINANCE_TOLERANCE * total)
    reasons = [
        "min_units" if is_few else "dominance" if is_dominated else None
        for is_few, is_dominated in zip(few, dominated, strict=True)
    ]
    return pd.Series(reasons, index=cells.index, dtype=object)


def protect(
    cells: pd.DataFrame,
    dims: Sequence[str],
    *,
    value: str = "value",
    units: str = "units",
    largest: str | None = "largest",
    rules: Rules | None = None,
    complement_by: ComplementBy = "value",
) -> pd.DataFrame:
    """The table with primary and secondary suppression applied.

    Returns `dims`, `value` (null where suppressed; integers stay integers), `suppressed`
    (bool) and `reason` (`min_units`, `dominance`, `secondary` or None), in the input's row
    order. The unit counts and largest contributions are left out on purpose: they are the
    confidential inputs. `reason` is for internal review only; publish `for_publication(...)`.
    """
    dims = list(dims)
    if not dims:
        raise DisclosureError(
            "A table needs at least one dimension column.",
            "Pass the category columns as dims, e.g. dims=['size_class'].",
        )
    if complement_by not in COMPLEMENT_BY:
        raise DisclosureError(
            f"complement_by must be one of {', '.join(COMPLEMENT_BY)}, got {complement_by!r}.",
            "Use 'value' to lose the least value or 'units' to lose the fewest units.",
        )
    _check_cells(cells, dims, value, units, largest)
    reasons = list(primary_reasons(cells, value=value, units=units, largest=largest, rules=rules))
    _secondary(cells, dims, value, units, complement_by, reasons)

    result = cells[dims].reset_index(drop=True)
    numbers = pd.to_numeric(cells[value]).reset_index(drop=True)
    numbers = numbers.astype("Int64" if is_integer_dtype(numbers) else "Float64")
    suppressed = pd.Series([reason is not None for reason in reasons], dtype=bool)
    result[value] = numbers.mask(suppressed)
    result[SUPPRESSED] = suppressed
    result[REASON] = pd.Series(reasons, dtype=object)
    result.index = cells.index
    return result


def for_publication(protected: pd.DataFrame) -> pd.DataFrame:
    """The protected table without the reason column, which would tell small from dominated."""
    return protected.drop(columns=[REASON])


def display_values(
    protected: pd.DataFrame, value: str = "value", lang: str = "de", decimals: int = 0
) -> pd.Series:
    """The cell values as text for a page or report: `1.234` (German), `.` where suppressed."""
    return pd.Series(
        [
            SUPPRESSED_SYMBOL if hidden else format_number(number, lang, decimals)
            for number, hidden in zip(protected[value], protected[SUPPRESSED], strict=True)
        ],
        index=protected.index,
        dtype=object,
    )


def legend(lang: str = "de", rules: Rules | None = None) -> str:
    """The footnote explaining `.` under a protected table, with the configured parameters."""
    rules = rules or Rules.from_settings()
    percent = round(rules.dominance_share * 100, 1)
    share = format_number(percent, lang, 0 if percent.is_integer() else 1)
    return t("disclosure.legend", lang, k_min=rules.k_min, share=f"{share} %")


def _secondary(
    cells: pd.DataFrame,
    dims: list[str],
    value: str,
    units: str,
    complement_by: ComplementBy,
    reasons: list[str | None],
) -> None:
    """Add complements to `reasons` until no line has exactly one suppressed cell."""
    keys = list(cells[dims].itertuples(index=False, name=None))
    values = [float(v) for v in cells[value]]
    counts = [int(n) for n in cells[units]]
    position = {key: i for i, key in enumerate(keys)}
    # A line runs along one dimension: the cells sharing every other coordinate, plus the
    # total over that dimension. Lines whose total is not in the table publish no sum.
    lines: list[tuple[list[int], int]] = []
    for d in range(len(dims)):
        members: dict[tuple, list[int]] = {}
        for i, key in enumerate(keys):
            if key[d] != TOTAL:
                members.setdefault(key[:d] + key[d + 1 :], []).append(i)
        for rest, inner in members.items():
            total = position.get((*rest[:d], TOTAL, *rest[d:]))
            if total is not None:
                lines.append((inner, total))

    def cost(i: int) -> tuple[float, ...]:
        first, second = (
            (values[i], counts[i]) if complement_by == "value" else (counts[i], values[i])
        )
        return (counts[i] == 0, first, second, i)

    changed = True
    while changed:
        changed = False
        for inner, total in lines:
            members = [*inner, total]
            if sum(reasons[i] is not None for i in members) != 1:
                continue
            candidates = [i for i in inner if reasons[i] is None]
            chosen = min(candidates, key=cost) if candidates else total
            reasons[chosen] = "secondary"
            changed = True


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DisclosureError(
            f"{what.capitalize()} has no column(s) {', '.join(map(repr, missing))} "
            f"(found: {', '.join(map(repr, frame.columns))}).",
            "Name the columns via dims=, value=, units=, largest= (or unit= for unit data), "
            "or build the table with cells_from_units().",
        )


def _check_cells(
    cells: pd.DataFrame, dims: list[str], value: str, units: str, largest: str | None
) -> None:
    numeric = [value, units, *([largest] if largest else [])]
    _require_columns(cells, [*dims, *numeric], "the table")
    for column in numeric:
        try:
            numbers = pd.to_numeric(cells[column])
        except (TypeError, ValueError):
            raise DisclosureError(
                f"Column {column!r} of the table holds non-numeric values.",
                "Pass numbers (counts, euros); format them only after protection.",
            ) from None
        if numbers.isna().any() or (numbers < 0).any():
            raise DisclosureError(
                f"Column {column!r} of the table has missing or negative values.",
                "Every cell needs a value, unit count and largest part >= 0; an empty cell is "
                "value 0 with 0 units.",
            )
    if largest and (pd.to_numeric(cells[largest]) > pd.to_numeric(cells[value])).any():
        raise DisclosureError(
            f"In some cells {largest!r} exceeds {value!r}: one unit cannot hold more than all.",
            "Compute the largest part per unit from the same data as the cell value, e.g. with "
            "cells_from_units().",
        )
    if dims:
        if cells[dims].isna().any().any():
            raise DisclosureError(
                "A dimension column of the table has missing values.",
                f"Fill missing categories (e.g. with 'unknown'); totals are marked {TOTAL!r}.",
            )
        duplicated = cells.duplicated(subset=dims)
        if duplicated.any():
            first = cells.loc[duplicated, dims].iloc[0].tolist()
            raise DisclosureError(
                f"The table has the cell {first} more than once.",
                "Aggregate to one row per combination of the dimension values first.",
            )
