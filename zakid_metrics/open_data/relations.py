"""What an intruder knows of the export: every linear relation among its published cells.

build.py hands the protected tables (true values, unit counts, reasons) and the named-company
list to `audit_tables`, which states the relations an intruder can use across all of them
and runs zakid_metrics.disclosure.audit before anything is written; docs/DISCLOSURE.md
("The audit") explains it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Final

import pandas as pd

from zakid_metrics.disclosure import (
    REASON,
    SUPPRESSED,
    TOTAL,
    AuditCell,
    Relation,
    Rules,
    audit,
    line_relation,
    table_lines,
)
from zakid_metrics.open_data.spec import (
    DATASETS,
    GOALS_COVERED,
    NAMED_SIZES,
    NAMED_USE_CASES,
    USE_CASE_SEPARATOR,
    DatasetSpec,
    Table,
)

SENSITIVE: Final = ("min_units", "dominance")
"""The reasons of primary suppression: the cells the p % rule protects."""

Key = tuple[str, str | None, tuple[str, ...]]


def audit_tables(
    cells: Mapping[str, pd.DataFrame],
    named: pd.DataFrame,
    goals_covered: float | None,
    rules: Rules,
) -> dict[str, pd.DataFrame]:
    """The datasets' protected tables with the audit's suppressions applied.

    `cells` holds per dataset its stacked tables with the true `value`, `units`, `suppressed`
    and `reason`; `named` is the published list of named companies and `goals_covered` the
    published key figure GOALS_COVERED (None when not published).
    """
    found: list[AuditCell] = []
    relations: list[Relation] = []
    same: list[list[Hashable]] = []
    values: dict[Key, float] = {}
    keys_of: dict[str, list[Key]] = {}
    for spec in DATASETS:
        if spec.name not in cells or not spec.tables:
            continue
        frame = cells[spec.name]
        keys_of[spec.name] = []
        for table in spec.tables:
            rows = _rows(frame, spec, table)
            coords = rows[list(table.dims)].itertuples(index=False)
            keys = [_key(spec, table, row) for row in coords]
            keys_of[spec.name] += keys
            for key, value, units, hidden, reason in zip(
                keys, rows["value"], rows["units"], rows[SUPPRESSED], rows[REASON], strict=True
            ):
                values[key] = float(value)
                found.append(
                    AuditCell(
                        key,
                        float(value),
                        int(units),
                        bool(hidden),
                        sensitive=reason in SENSITIVE,
                        magnitude=table.protection == "primary",
                        decimals=table.decimals if spec.value_type == "float" else None,
                        total=TOTAL in key[2],
                        fixed=table.protection == "none",
                    )
                )
            relations += _lines(spec, table, keys, values)
        same += _shared(spec, keys_of[spec.name])
        relations += _subsets(spec, values)
    relations += _named(named, values) + _covered(goals_covered, cells, values)
    result = audit(found, relations, same=same, rules=rules)
    audited = {}
    for name, frame in cells.items():
        if name not in keys_of:
            audited[name] = frame
            continue
        hidden = [result.suppressed[key] for key in keys_of[name]]
        reasons = [
            None if not now else "secondary" if not before else reason
            for now, before, reason in zip(hidden, frame[SUPPRESSED], frame[REASON], strict=True)
        ]
        audited[name] = frame.assign(
            **{SUPPRESSED: hidden, REASON: pd.Series(reasons, index=frame.index, dtype=object)}
        )
    return audited


def _rows(frame: pd.DataFrame, spec: DatasetSpec, table: Table) -> pd.DataFrame:
    return frame if spec.stack is None else frame[frame[spec.stack] == table.part]


def _key(spec: DatasetSpec, table: Table, coords: tuple) -> Key:
    return (spec.name, table.part, tuple(str(c) for c in coords))


def _lines(
    spec: DatasetSpec, table: Table, keys: list[Key], values: Mapping[Key, float]
) -> list[Relation]:
    """Each line's inner cells and its total: their sum (a count of items in several
    categories at once only bounds its total, unless the sum holds)."""
    relations = []
    for positions, at in table_lines([key[2] for key in keys]):
        inner, total = [keys[i] for i in positions], keys[at]
        if spec.value_type == "float":
            # Every published amount is rounded: the sum holds to half a last digit each.
            tolerance = (len(inner) + 1) * 0.5 * 10.0 ** -(table.decimals or 0)
            relations.append(line_relation(inner, total, tolerance))
        elif sum(values[key] for key in inner) == values[total]:
            relations.append(line_relation(inner, total))
        else:
            relations.append(Relation((*((k, 1.0) for k in inner), (total, -1.0)), low=0))
            relations += [Relation(((k, 1.0), (total, -1.0)), high=0) for k in inner]
    return relations


def _shared(spec: DatasetSpec, keys: list[Key]) -> list[list[Hashable]]:
    """The margins over `shared_margin`: one figure in every table of the dataset."""
    if spec.shared_margin is None:
        return []
    d = spec.tables[0].dims.index(spec.shared_margin)
    groups: dict[tuple[str, ...], list[Hashable]] = {}
    for key in keys:
        if key[2][d] == TOTAL:
            groups.setdefault(key[2], []).append(key)
    return [group for group in groups.values() if len(group) > 1]


def _subsets(spec: DatasetSpec, values: Mapping[Key, float]) -> list[Relation]:
    """Each cell of a part counting a subset of another part's rows is at most that one's."""
    relations = []
    for part, bound in spec.at_most:
        for key in values:
            if key[0] == spec.name and key[1] == part:
                larger = (spec.name, bound, key[2])
                if larger in values:
                    relations.append(Relation(((key, 1.0), (larger, -1.0)), high=0))
    return relations


def _at_least(key: Key, count: float, values: Mapping[Key, float]) -> list[Relation]:
    return [Relation(((key, 1.0),), low=count)] if key in values and count else []


def _named(named: pd.DataFrame, values: Mapping[Key, float]) -> list[Relation]:
    """The named companies: at least so many companies of each size class, and projects of
    each use case, as the list shows."""
    size_data, size_dim = NAMED_SIZES
    projects_data, use_case_dim = NAMED_USE_CASES
    use_cases = [set(text.split(USE_CASE_SEPARATOR)) - {""} for text in named["use_cases"]]
    relations = []
    for key in values:
        dataset, _, coords = key
        if dataset == size_data:
            for size in _free(coords, _dims(size_data), size_dim):
                count = len(named) if size == TOTAL else int((named["size_class"] == size).sum())
                relations += _at_least(key, count, values)
        elif dataset == projects_data:
            for use_case in _free(coords, _dims(projects_data), use_case_dim):
                count = sum(len(u) if use_case == TOTAL else use_case in u for u in use_cases)
                relations += _at_least(key, count, values)
    return relations


def _covered(
    covered: float | None, cells: Mapping[str, pd.DataFrame], values: Mapping[Key, float]
) -> list[Relation]:
    """The goals covered: with as many goals shown above 0 as covered, every suppressed goal
    cell is 0; with as many missing as suppressed, every suppressed one is at least 1."""
    _, dataset, goal_dim, (flag_dim, flag) = GOALS_COVERED
    if covered is None or dataset not in cells:
        return []
    frame = cells[dataset]
    goals = frame[(frame[goal_dim] != TOTAL) & (frame[flag_dim] == flag)]
    dims = _dims(dataset)
    shown = int(((goals["value"] > 0) & ~goals[SUPPRESSED]).sum())
    hidden = [
        (dataset, None, tuple(str(row[d]) for d in dims))
        for _, row in goals[goals[SUPPRESSED]].iterrows()
    ]
    # Only what follows from the figure: a goal covered by contributions the table does not
    # count (without a company) makes the inference wrong, and then it tells nothing.
    if int(covered) == shown and all(values[key] == 0 for key in hidden):
        return [Relation(((key, 1.0),), high=0) for key in hidden]
    if int(covered) - shown == len(hidden) and all(values[key] >= 1 for key in hidden):
        return [r for key in hidden for r in _at_least(key, 1, values)]
    return []


def _dims(dataset: str) -> tuple[str, ...]:
    return next(spec.tables[0].dims for spec in DATASETS if spec.name == dataset)


def _free(coords: tuple[str, ...], dims: tuple[str, ...], dim: str) -> tuple[str, ...]:
    """The coordinate of `dim` if all the others are margins, else nothing."""
    others = [c for c, d in zip(coords, dims, strict=True) if d != dim]
    return (coords[dims.index(dim)],) if all(c == TOTAL for c in others) else ()
