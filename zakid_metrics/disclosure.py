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
   A line whose only suppressed cells are two single-unit cells gets a third: each of the two
   units knows its own value and could compute the other's from the total.
4. The audit (`audit`): the intruder's attack run before anything is published. Every linear
   relation among the published cells of all tables (lines, cells shared by tables, bounds
   from other published figures) and non-negativity give each suppressed cell the interval
   of values it can still have (linear programming: its minimum and maximum); a cell pinned
   to one value, or with the p % option a sensitive cell within p % of its value, gets
   further suppressions until no cell is. A suppressed cell that is not sensitive and is
   pinned protects nothing and is published instead.

Sources: § 16 Bundesstatistikgesetz; Hundepool et al., *Statistical Disclosure Control*
(Wiley 2012), ch. 4 (sensitivity rules: minimum frequency and (n, k) dominance; secondary
suppression, the p % rule, audit of linked tables); Eurostat, ESSnet on SDC: *Handbook on
Statistical Disclosure Control* (2010), ch. 4; the τ-ARGUS manual. The line rule is the simple
form of the protection the statistical offices compute with τ-ARGUS; the audit checks the
result against every linear combination, as τ-ARGUS's audit does.

Tables come in long form: one row per cell, one column per dimension, a dimension value of
`TOTAL` marking the margin over that dimension. Everything here is a pure function.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api.types import is_integer_dtype
from scipy.optimize import linprog

from zakid_metrics.errors import DisclosureAuditError, DisclosureError
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
    protection_percent: float = 0.0
    """The audit's p % rule: a sensitive cell of a magnitude table must be able to lie at
    least this many percent below and above its value (0: it must merely not be exact)."""

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
        if not 0 <= self.protection_percent < 100:
            raise DisclosureError(
                f"protection_percent must be in [0, 100), got {self.protection_percent}.",
                "Give the p % rule's percentage, e.g. 10, or 0 to switch it off "
                "(ZAKID_PROTECTION_PERCENT).",
            )

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Rules:
        """The rules configured by ZAKID_K_MIN, ZAKID_DOMINANCE_SHARE and
        ZAKID_PROTECTION_PERCENT."""
        settings = settings or get_settings()
        return cls(
            k_min=settings.k_min,
            dominance_share=settings.dominance_share,
            protection_percent=settings.protection_percent,
        )


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
    lines = table_lines(list(cells[dims].itertuples(index=False, name=None)))
    values = [float(v) for v in cells[value]]
    counts = [int(n) for n in cells[units]]

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
            hidden = [i for i in members if reasons[i] is not None]
            lone_pair = total not in hidden and lone_singletons([counts[i] for i in hidden])
            if len(hidden) != 1 and not lone_pair:
                continue
            candidates = [i for i in inner if reasons[i] is None]
            chosen = min(candidates, key=cost) if candidates else total
            reasons[chosen] = "secondary"
            changed = True


def table_lines(keys: Sequence[tuple]) -> list[tuple[list[int], int]]:
    """The lines of a table given by its cells' coordinates: per dimension, the positions of
    the cells sharing every other coordinate and of their total over that dimension. Lines
    whose total is not in the table publish no sum and are left out."""
    position = {key: i for i, key in enumerate(keys)}
    lines = []
    for d in range(len(keys[0]) if keys else 0):
        members: dict[tuple, list[int]] = {}
        for i, key in enumerate(keys):
            if key[d] != TOTAL:
                members.setdefault(key[:d] + key[d + 1 :], []).append(i)
        for rest, inner in members.items():
            total = position.get((*rest[:d], TOTAL, *rest[d:]))
            if total is not None:
                lines.append((inner, total))
    return lines


def lone_singletons(units: Sequence[int]) -> bool:
    """Whether a line's suppressed inner cells, by their unit counts, are exactly two cells of a
    single unit each: each unit knows its own value and computes the other's from the total."""
    return len(units) == 2 and all(n == 1 for n in units)


# --- The audit: the intruder's attack on everything published -------------------------------


@dataclass(frozen=True)
class AuditCell:
    """A cell of a published table as the audit sees it: its true value and what protects it.

    `decimals` is None for counts (whole numbers) and the published decimals of an amount.
    `sensitive`: suppressed by a primary rule (the p % rule applies to it when `magnitude`).
    `fixed`: a public fact that is never suppressed. `total`: a margin of its table.
    """

    key: Hashable
    value: float
    units: int
    suppressed: bool
    sensitive: bool = False
    magnitude: bool = False
    decimals: int | None = None
    total: bool = False
    fixed: bool = False


@dataclass(frozen=True)
class Relation:
    """What an intruder knows about published cells: low <= sum(coefficient * cell) <= high.

    `line` marks a table line (its inner cells +1, its total -1), where two lone single-unit
    cells protect nothing (`lone_singletons`)."""

    terms: tuple[tuple[Hashable, float], ...]
    low: float = -math.inf
    high: float = math.inf
    line: bool = False


def line_relation(inner: Iterable[Hashable], total: Hashable, tolerance: float = 0.0) -> Relation:
    """The inner cells of a line sum to its total (within `tolerance`, for rounded amounts)."""
    terms = (*((key, 1.0) for key in inner), (total, -1.0))
    return Relation(terms, -tolerance, tolerance, line=True)


@dataclass
class AuditResult:
    """The suppression after the audit: per cell key whether it is suppressed, with the cells
    the audit added and those it released (pinned, not sensitive: publishing them reveals
    nothing more), and the intervals the intruder finds for the suppressed cells."""

    suppressed: dict[Hashable, bool]
    added: list[Hashable] = field(default_factory=list)
    released: list[Hashable] = field(default_factory=list)
    intervals: dict[Hashable, tuple[float, float]] = field(default_factory=dict)


# How many candidates are tried (by linear programming) before the cheapest one is taken.
_CANDIDATE_TRIES = 8
_EPSILON = 1e-6


def audit(
    cells: Sequence[AuditCell],
    relations: Sequence[Relation],
    *,
    same: Sequence[Sequence[Hashable]] = (),
    rules: Rules | None = None,
    complement_by: ComplementBy = "value",
) -> AuditResult:
    """Attack the published cells as an intruder would and suppress more until it fails.

    The intruder knows every published value, every relation and that no cell is negative;
    `same` lists cells that are one figure published in several tables (suppressed together).
    Raises DisclosureAuditError when no further suppression can protect a sensitive cell.
    """
    return _Audit(cells, relations, same, rules or Rules.from_settings(), complement_by).run()


class _Audit:
    """The audit's state: cells merged into variables (one per figure), the relations over
    them, and which variables are suppressed."""

    def __init__(
        self,
        cells: Sequence[AuditCell],
        relations: Sequence[Relation],
        same: Sequence[Sequence[Hashable]],
        rules: Rules,
        complement_by: ComplementBy,
    ) -> None:
        self.cells = list(cells)
        self.percent = rules.protection_percent / 100
        self.complement_by = complement_by
        position = {cell.key: n for n, cell in enumerate(self.cells)}
        if len(position) != len(self.cells):
            raise DisclosureError(
                "The audit got a cell key twice.", "Give every published cell its own key."
            )
        root = list(range(len(self.cells)))

        def find(n: int) -> int:
            while root[n] != n:
                root[n] = root[root[n]]
                n = root[n]
            return n

        for group in same:
            first, *others = (self._position(position, key) for key in group)
            for other in others:
                root[find(other)] = find(first)
        roots = sorted({find(n) for n in range(len(self.cells))})
        var_of_root = {r: v for v, r in enumerate(roots)}
        self.var_of = [var_of_root[find(n)] for n in range(len(self.cells))]
        self.members: list[list[int]] = [[] for _ in roots]
        for n, var in enumerate(self.var_of):
            self.members[var].append(n)
        self.value = [self.cells[m[0]].value for m in self.members]
        for var, members in enumerate(self.members):
            if any(abs(self.cells[n].value - self.value[var]) > _EPSILON for n in members):
                raise DisclosureError(
                    f"The cells {[self.cells[n].key for n in members]} are declared the same "
                    "figure but have different values.",
                    "Declare as `same` only cells that are one figure by definition.",
                )
        self.suppressed = [any(self.cells[n].suppressed for n in m) for m in self.members]
        self.sensitive = [any(self.cells[n].sensitive for n in m) for m in self.members]
        self.fixed = [any(self.cells[n].fixed for n in m) for m in self.members]
        self.released: set[int] = set()
        self.guarded: set[int] = set()
        self.rows: list[tuple[dict[int, float], float, float, bool]] = []
        for relation in relations:
            terms: dict[int, float] = {}
            for key, coefficient in relation.terms:
                var = self.var_of[self._position(position, key)]
                terms[var] = terms.get(var, 0.0) + coefficient
            terms = {var: c for var, c in terms.items() if c != 0}
            if not terms:
                continue
            total = sum(c * self.value[var] for var, c in terms.items())
            slack = _EPSILON * max(1.0, abs(total))
            if not relation.low - slack <= total <= relation.high + slack:
                raise DisclosureError(
                    f"A relation of the audit does not hold for the true values: "
                    f"{relation.low} <= {total} <= {relation.high} over "
                    f"{[key for key, _ in relation.terms]}.",
                    "The relations must describe what is true of the published tables.",
                )
            self.rows.append((terms, relation.low, relation.high, relation.line))
        self.rows_of: list[list[int]] = [[] for _ in roots]
        for r, (terms, _, _, _) in enumerate(self.rows):
            for var in terms:
                self.rows_of[var].append(r)
        self.apriori = [self._apriori(var) for var in range(len(roots))]
        self.cache: dict[frozenset[int], dict[int, tuple[float, float]]] = {}

    @staticmethod
    def _position(position: dict[Hashable, int], key: Hashable) -> int:
        if key not in position:
            raise DisclosureError(
                f"The audit has a relation or group over the unknown cell {key!r}.",
                "Relate only cells that are published (passed as cells).",
            )
        return position[key]

    def _apriori(self, var: int) -> tuple[float, float]:
        """What the intruder knows of a cell without the tables: relations of it alone."""
        low, high = 0.0, math.inf
        for r in self.rows_of[var]:
            terms, row_low, row_high, _ = self.rows[r]
            if len(terms) != 1:
                continue
            coefficient = terms[var]
            bounds = sorted((row_low / coefficient, row_high / coefficient))
            low, high = max(low, bounds[0]), min(high, bounds[1])
        return low, high

    # --- intervals -----------------------------------------------------------------------

    def _components(self, hidden: list[bool]) -> list[list[int]]:
        """The suppressed variables, grouped by the relations that join them."""
        seen: set[int] = set()
        components = []
        for start in range(len(hidden)):
            if not hidden[start] or start in seen:
                continue
            component, stack = [], [start]
            seen.add(start)
            while stack:
                var = stack.pop()
                component.append(var)
                for r in self.rows_of[var]:
                    for other in self.rows[r][0]:
                        if hidden[other] and other not in seen:
                            seen.add(other)
                            stack.append(other)
            components.append(sorted(component))
        return components

    def _intervals(
        self, component: list[int], targets: Iterable[int]
    ) -> dict[int, tuple[float, float]]:
        """Each target's minimum and maximum under every relation touching the component."""
        index = {var: n for n, var in enumerate(component)}
        rows = sorted({r for var in component for r in self.rows_of[var]})
        a_eq, b_eq, a_ub, b_ub = [], [], [], []
        for r in rows:
            terms, low, high, _ = self.rows[r]
            vector = np.zeros(len(component))
            known = 0.0
            for var, coefficient in terms.items():
                if var in index:
                    vector[index[var]] = coefficient
                else:
                    known += coefficient * self.value[var]
            if low == high:
                a_eq.append(vector)
                b_eq.append(high - known)
                continue
            if high < math.inf:
                a_ub.append(vector)
                b_ub.append(high - known)
            if low > -math.inf:
                a_ub.append(-vector)
                b_ub.append(known - low)
        problem = {
            "A_ub": np.array(a_ub) if a_ub else None,
            "b_ub": np.array(b_ub) if b_ub else None,
            "A_eq": np.array(a_eq) if a_eq else None,
            "b_eq": np.array(b_eq) if b_eq else None,
            "bounds": [(0, None)] * len(component),
            "method": "highs",
        }
        found = {}
        for var in targets:
            ends = []
            for sign in (1.0, -1.0):
                objective = np.zeros(len(component))
                objective[index[var]] = sign
                solved = linprog(objective, **problem)
                if solved.status == 3:  # unbounded: only a maximum can be
                    ends.append(math.inf)
                elif solved.status == 0:
                    ends.append(sign * solved.fun)
                else:
                    raise DisclosureError(
                        f"The audit's linear program failed: {solved.message}",
                        "The relations contradict the published values; report this as a bug.",
                    )
            found[var] = (ends[0], ends[1])
        return found

    def _rounded(self, var: int, low: float, high: float) -> tuple[float, float]:
        """An interval of a count narrowed to the whole numbers it holds."""
        if self.cells[self.members[var][0]].decimals is not None:
            return low, high
        top = high if high == math.inf else math.floor(high + _EPSILON)
        return math.ceil(low - _EPSILON), top

    def _pinned(self, var: int, low: float, high: float) -> bool:
        """Exact: one whole number, or an amount within ten units of its last decimal."""
        decimals = self.cells[self.members[var][0]].decimals
        low, high = self._rounded(var, low, high)
        if decimals is None:
            return high <= low
        return high - low <= 10.0 ** (1 - decimals)

    def _fails(self, var: int, low: float, high: float) -> bool:
        """Whether the intruder's interval for `var` discloses it."""
        apriori_low, apriori_high = self.apriori[var]
        if self._pinned(var, apriori_low, apriori_high):
            return False  # known without any table: suppression cannot protect it
        if self._pinned(var, low, high):
            return True
        if not (self.percent and self.sensitive[var] and self._magnitude(var)):
            return False
        low, high = self._rounded(var, low, high)
        value = self.value[var]
        need_low = max(value * (1 - self.percent), apriori_low)
        need_high = min(value * (1 + self.percent), apriori_high)
        return low > need_low + _EPSILON or high < need_high - _EPSILON

    def _magnitude(self, var: int) -> bool:
        return any(self.cells[n].magnitude for n in self.members[var])

    def _protected(self, var: int) -> bool:
        """A cell the audit must keep from being pinned: sensitive, or a guarded 0."""
        return self.sensitive[var] or var in self.guarded

    def _component_intervals(self, component: list[int]) -> dict[int, tuple[float, float]]:
        key = frozenset(component)
        if key not in self.cache:
            self.cache[key] = self._intervals(component, component)
        return self.cache[key]

    # --- choosing further suppressions ----------------------------------------------------------

    def _cost(self, var: int) -> tuple[float, ...]:
        cell = self.cells[self.members[var][0]]
        first, second = (
            (cell.value, cell.units) if self.complement_by == "value" else (cell.units, cell.value)
        )
        return (cell.units == 0, any(self.cells[n].total for n in self.members[var]), first,
                second, var)  # fmt: skip

    def _may_add(self, var: int) -> bool:
        return (
            not self.suppressed[var]
            and not self.fixed[var]
            and var not in self.released
            and not self._pinned(var, *self.apriori[var])
        )

    def _neighbours(self, vars_: Iterable[int]) -> list[int]:
        found = {other for var in vars_ for r in self.rows_of[var] for other in self.rows[r][0]}
        return sorted((var for var in found if self._may_add(var)), key=self._cost)

    def _complement(self, var: int, component: list[int]) -> int:
        """The cheapest cell whose suppression protects `var` (of the first few tried), else
        the cheapest next to it (protection then grows over further rounds)."""
        candidates = self._neighbours([var]) or self._neighbours(component)
        if not candidates:
            cell = self.cells[self.members[var][0]]
            raise DisclosureAuditError(
                f"The suppressed cell {cell.key!r} can be computed from the published figures, "
                "and no further suppression next to it can prevent that.",
                "Publish fewer related figures (or lower ZAKID_PROTECTION_PERCENT); the cell "
                "is pinned by figures that are not suppressed by design.",
                cell=str(cell.key),
            )
        for candidate in candidates[:_CANDIDATE_TRIES]:
            hidden = list(self.suppressed)
            hidden[candidate] = True
            grown = next(c for c in self._components(hidden) if var in c)
            (low, high) = self._intervals(grown, [var])[var]
            if not self._fails(var, low, high):
                return candidate
        return candidates[0]

    def _lone_pairs(self) -> list[int]:
        """Per table line whose only suppressed cells are two lone single-unit inner cells,
        the cheapest further cell of the line."""
        chosen = []
        for terms, _, _, is_line in self.rows:
            if not is_line:
                continue
            hidden = [var for var in terms if self.suppressed[var]]
            units = [self.cells[self.members[var][0]].units for var in hidden]
            if not all(terms[var] > 0 for var in hidden) or not lone_singletons(units):
                continue
            candidates = sorted((var for var in terms if self._may_add(var)), key=self._cost)
            if not candidates:
                raise DisclosureAuditError(
                    f"Two single-unit cells {[self.cells[self.members[v][0]].key for v in hidden]} "
                    "share a line without a further cell to suppress.",
                    "Publish the line's total only where it has further cells.",
                    cell=str(self.cells[self.members[hidden[0]][0]].key),
                )
            chosen.append(candidates[0])
        return chosen

    def _lone_zeros(self) -> list[int]:
        """In a table counting the protected units themselves, per line whose total and one
        inner cell are suppressed while every published inner cell is 0: a 0 to suppress and
        guard like a sensitive cell. Otherwise the inner cell equals the total, and every unit
        of the line (a named company among them) is shown to have its trait."""
        chosen = []
        for terms, _, _, is_line in self.rows:
            if not is_line or any(self._magnitude(var) for var in terms):
                continue
            inner = [var for var, c in terms.items() if c > 0]
            total = next(var for var, c in terms.items() if c < 0)
            shown = [var for var in inner if not self.suppressed[var]]
            if not self.suppressed[total] or len(inner) - len(shown) != 1:
                continue
            zeros = [var for var in shown if self.value[var] == 0 and self._may_add(var)]
            if zeros and len(zeros) == len(shown):
                chosen.append(min(zeros, key=self._cost))
        self.guarded.update(chosen)
        return chosen

    def run(self) -> AuditResult:
        """Suppress further cells while a protected cell fails or a structural rule asks for
        one; then publish the suppressed cells that are pinned anyway (it changes nothing of
        what the intruder knows)."""
        while True:
            failing: dict[int, list[int]] = {}
            intervals: dict[int, tuple[float, float]] = {}
            components = self._components(self.suppressed)
            for component in components:
                found = self._component_intervals(component)
                intervals.update(found)
                bad = [var for var in component if self._fails(var, *found[var])]
                if bad:
                    failing[component[0]] = bad
            additions = self._lone_pairs() + self._lone_zeros()
            for component in components:
                protected = [var for var in failing.get(component[0], []) if self._protected(var)]
                if protected:
                    additions.append(self._complement(protected[0], component))
            if additions:
                for var in additions:
                    self.suppressed[var] = True
                continue
            pinned = [var for bad in failing.values() for var in bad]
            if not pinned:
                return self._result(intervals)
            for var in pinned:
                self.suppressed[var] = False
                self.released.add(var)

    def _result(self, intervals: dict[int, tuple[float, float]]) -> AuditResult:
        result = AuditResult({})
        for n, cell in enumerate(self.cells):
            var = self.var_of[n]
            result.suppressed[cell.key] = self.suppressed[var]
            if self.suppressed[var]:
                result.intervals[cell.key] = intervals[var]
            if var in self.released and cell.suppressed:
                result.released.append(cell.key)
            if self.suppressed[var] and not cell.suppressed:
                result.added.append(cell.key)
        return result


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
