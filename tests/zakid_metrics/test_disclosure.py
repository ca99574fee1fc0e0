"""Disclosure control on hand-computed tables: each rule, complements, iteration, a property."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from zakid_metrics.disclosure import (
    TOTAL,
    Rules,
    cells_from_units,
    display_values,
    for_publication,
    legend,
    primary_reasons,
    protect,
)
from zakid_metrics.errors import DisclosureError
from zakid_metrics.settings import Settings

T = TOTAL


def table(rows: list[tuple], dims: list[str], largest: bool = True) -> pd.DataFrame:
    """Cells from (dim values..., value, units[, largest]) tuples."""
    columns = [*dims, "value", "units", *(["largest"] if largest else [])]
    return pd.DataFrame(rows, columns=columns)


def outcome(protected: pd.DataFrame, dims: list[str], value: str = "value") -> list[tuple]:
    """(dims..., published value or None, reason or None) per cell, in row order."""
    return [
        (*(row[d] for d in dims), None if row["suppressed"] else row[value], row["reason"])
        for row in protected.to_dict("records")
    ]


def grid(values: list[list[int]], primary: set[tuple[int, int]]) -> pd.DataFrame:
    """A 2-D table r1.. x c1.. with margins; 3 units per cell, 2 in the `primary` cells."""
    rows = []
    for i, line in enumerate(values):
        for j, value in enumerate(line):
            rows.append((f"r{i + 1}", f"c{j + 1}", value, 2 if (i, j) in primary else 3))
        rows.append((f"r{i + 1}", T, sum(line), 3 * len(line)))
    for j in range(len(values[0])):
        rows.append((T, f"c{j + 1}", sum(line[j] for line in values), 3 * len(values)))
    rows.append((T, T, sum(map(sum, values)), 3 * len(values) * len(values[0])))
    return table(rows, ["row", "col"], largest=False)


def suppressed_cells(protected: pd.DataFrame) -> list[tuple[str, str, str]]:
    hidden = protected[protected["suppressed"]]
    return sorted(zip(hidden["row"], hidden["col"], hidden["reason"], strict=True))


def test_minimum_units_rule_alone() -> None:
    cells = table([("a", 10, 2, 6), ("b", 30, 3, 10), ("c", 0, 0, 0), ("d", 7, 1, 7)], ["kind"])
    assert outcome(protect(cells, ["kind"]), ["kind"]) == [
        ("a", None, "min_units"),
        ("b", 30, None),
        ("c", 0, None),  # no contributors, nothing to protect
        ("d", None, "min_units"),  # also dominated; the first rule is named
    ]


def test_dominance_rule_alone() -> None:
    cells = table([("a", 100, 5, 86), ("b", 100, 5, 50), ("c", 1000, 40, 999)], ["kind"])
    assert outcome(protect(cells, ["kind"]), ["kind"]) == [
        ("a", None, "dominance"),
        ("b", 100, None),
        ("c", None, "dominance"),
    ]


def test_dominance_boundary_exactly_the_share_is_published() -> None:
    cells = table(
        [("a", 100, 4, 85), ("b", 100, 4, 85.01), ("c", 20, 4, 17), ("d", 20, 4, 17.001)],
        ["kind"],
    )
    # 0.85 * 20 is 17.000000000000004 in binary floating point; 17 must still count as 85 %.
    assert list(primary_reasons(cells)) == [None, "dominance", None, "dominance"]
    strict = Rules(dominance_share=0.5)
    assert list(primary_reasons(cells, rules=strict)) == ["dominance"] * 4
    halves = table([("a", 10, 3, 5), ("b", 10, 3, 5.5)], ["kind"])
    assert list(primary_reasons(halves, rules=strict)) == [None, "dominance"]


def test_k_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = table([("a", 40, 4, 10), ("b", 50, 5, 10), ("c", 20, 2, 10)], ["kind"])
    assert list(primary_reasons(cells, rules=Rules(k_min=3))) == [None, None, "min_units"]
    assert list(primary_reasons(cells, rules=Rules(k_min=5))) == ["min_units", None, "min_units"]
    monkeypatch.setenv("ZAKID_K_MIN", "5")
    monkeypatch.setenv("ZAKID_DOMINANCE_SHARE", "0.6")
    assert Rules.from_settings(Settings()) == Rules(k_min=5, dominance_share=0.6)
    monkeypatch.delenv("ZAKID_K_MIN")
    monkeypatch.delenv("ZAKID_DOMINANCE_SHARE")
    assert Rules.from_settings(Settings()) == Rules(k_min=3, dominance_share=0.85)


def test_complement_is_the_smallest_value_or_the_fewest_units() -> None:
    cells = table(
        [
            ("A", 5, 1, 5),  # primary
            ("B", 40, 4, 12),
            ("C", 12, 6, 3),  # smallest value
            ("D", 30, 5, 8),
            ("E", 0, 0, 0),  # empty: would be cheapest but protects nothing
            (T, 87, 16, 12),
        ],
        ["kind"],
    )
    by_value = protect(cells, ["kind"])
    assert outcome(by_value, ["kind"]) == [
        ("A", None, "min_units"),
        ("B", 40, None),
        ("C", None, "secondary"),
        ("D", 30, None),
        ("E", 0, None),
        (T, 87, None),
    ]
    by_units = protect(cells, ["kind"], complement_by="units")
    assert list(by_units["reason"]) == ["min_units", "secondary", None, None, None, None]


def test_a_line_without_another_inner_cell_takes_its_total_as_complement() -> None:
    cells = table(
        [
            ("r1", "c1", 5, 2),  # primary
            ("r1", "c2", 20, 3),
            ("r2", "c1", 6, 3),  # r2 has no c2 cell: its total equals this cell
            ("r1", T, 25, 5),
            ("r2", T, 6, 3),
            (T, "c1", 11, 5),
            (T, "c2", 20, 3),
            (T, T, 31, 8),
        ],
        ["row", "col"],
        largest=False,
    )
    # Pass 1: column c1 -> r2c1; row r1 -> r1c2; row r2 has no other inner cell -> its total.
    # Pass 2: column c2 has no other inner cell -> its total; the column of row totals -> r1
    # total; the row of column totals -> the c1 total. Only the grand total stays published.
    assert outcome(protect(cells, ["row", "col"], largest=None), ["row", "col"]) == [
        ("r1", "c1", None, "min_units"),
        ("r1", "c2", None, "secondary"),
        ("r2", "c1", None, "secondary"),
        ("r1", T, None, "secondary"),
        ("r2", T, None, "secondary"),
        (T, "c1", None, "secondary"),
        (T, "c2", None, "secondary"),
        (T, T, 31, None),
    ]


def test_single_primary_in_2d_forces_a_row_and_a_column_complement() -> None:
    cells = grid([[5, 8, 20], [6, 7, 30], [9, 10, 40]], primary={(0, 0)})
    protected = protect(cells, ["row", "col"], largest=None)
    assert suppressed_cells(protected) == [
        ("r1", "c1", "min_units"),
        ("r1", "c2", "secondary"),  # row r1: 8 < 20
        ("r2", "c1", "secondary"),  # column c1: 6 < 9
        ("r2", "c2", "secondary"),  # row r2 and column c2 each had one: closes the rectangle
    ]
    totals = protected[(protected["row"] == T) | (protected["col"] == T)]
    assert not totals["suppressed"].any()
    assert list(totals["value"]) == [33, 43, 59, 20, 25, 90, 135]


def test_complements_are_added_until_every_line_is_stable() -> None:
    cells = grid([[4, 5, 50], [6, 40, 7], [30, 8, 9]], primary={(0, 0)})
    protected = protect(cells, ["row", "col"], largest=None)
    # Pass 1: column c1 -> r2c1 (6); row r1 -> r1c2 (5); row r2 -> r2c3 (7).
    # Pass 2: column c2 holds only r1c2 -> r3c2 (8); column c3 only r2c3 -> r3c3 (9).
    # Pass 3: every row and column holds 0 or 2 suppressed cells.
    assert suppressed_cells(protected) == [
        ("r1", "c1", "min_units"),
        ("r1", "c2", "secondary"),
        ("r2", "c1", "secondary"),
        ("r2", "c3", "secondary"),
        ("r3", "c2", "secondary"),
        ("r3", "c3", "secondary"),
    ]


def district_sector_units() -> pd.DataFrame:
    """The example of docs/DISCLOSURE.md: salary sums per company, Nord has one company."""
    rows = [
        ("Nord", "Sensors", "A", 10), ("Nord", "Software", "A", 20),
        ("Mitte", "Sensors", "B", 5), ("Mitte", "Sensors", "C", 6), ("Mitte", "Sensors", "D", 7),
        ("Mitte", "Software", "E", 8), ("Mitte", "Software", "F", 9),
        ("Mitte", "Software", "G", 4), ("Mitte", "Software", "G", 6),  # G: two jobs, one unit
        ("Süd", "Sensors", "H", 4), ("Süd", "Sensors", "I", 4), ("Süd", "Sensors", "J", 4),
        ("Süd", "Software", "K", 20), ("Süd", "Software", "L", 20), ("Süd", "Software", "M", 20),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["district", "sector", "company_id", "salary_keur"])


def test_cells_from_units_counts_units_distinctly_in_every_margin() -> None:
    cells = cells_from_units(
        district_sector_units(), ["district", "sector"], unit="company_id", value="salary_keur"
    )
    assert list(cells.itertuples(index=False, name=None)) == [
        ("Mitte", "Sensors", 18, 3, 7),
        ("Mitte", "Software", 27, 3, 10),
        ("Nord", "Sensors", 10, 1, 10),
        ("Nord", "Software", 20, 1, 20),
        ("Süd", "Sensors", 12, 3, 4),
        ("Süd", "Software", 60, 3, 20),
        ("Mitte", T, 45, 6, 10),
        ("Nord", T, 30, 1, 30),  # company A once, with both its sectors
        ("Süd", T, 72, 6, 20),
        (T, "Sensors", 40, 7, 10),
        (T, "Software", 107, 7, 20),
        (T, T, 147, 13, 30),
    ]
    counted = cells_from_units(district_sector_units(), ["sector"], unit="company_id")
    assert list(counted.itertuples(index=False, name=None)) == [
        ("Sensors", 7, 7, 1),
        ("Software", 8, 7, 2),  # rows (jobs) counted; G holds two of them
        (T, 15, 13, 2),
    ]


def test_suppressed_total_gets_a_complement_among_the_totals() -> None:
    dims = ["district", "sector"]
    cells = cells_from_units(district_sector_units(), dims, unit="company_id", value="salary_keur")
    protected = protect(cells, dims, value="salary_keur")
    assert outcome(protected, dims, "salary_keur") == [
        ("Mitte", "Sensors", 18, None),
        ("Mitte", "Software", None, "secondary"),  # column Software: 27 < 60
        ("Nord", "Sensors", None, "min_units"),
        ("Nord", "Software", None, "min_units"),
        ("Süd", "Sensors", None, "secondary"),  # column Sensors: 12 < 18
        ("Süd", "Software", None, "secondary"),  # row Süd then held one
        ("Mitte", T, None, "secondary"),  # the column of row totals: 45 < 72
        ("Nord", T, None, "min_units"),  # the suppressed total
        ("Süd", T, 72, None),
        (T, "Sensors", 40, None),
        (T, "Software", 107, None),
        (T, T, 147, None),
    ]


def test_publication_and_display() -> None:
    cells = table(
        [("a", 1234, 5, 100), ("b", 99, 2, 60), ("c", 50, 4, 20), (T, 1383, 11, 100)], ["kind"]
    )
    protected = protect(cells, ["kind"])
    assert str(protected["value"].dtype) == "Int64"
    published = for_publication(protected)
    assert list(published.columns) == ["kind", "value", "suppressed"]
    assert published.to_dict("records") == [
        {"kind": "a", "value": 1234, "suppressed": False},
        {"kind": "b", "value": None, "suppressed": True},
        {"kind": "c", "value": None, "suppressed": True},
        {"kind": T, "value": 1383, "suppressed": False},
    ]
    assert list(display_values(protected)) == ["1.234", ".", ".", "1.383"]
    assert list(display_values(protected, lang="en")) == ["1,234", ".", ".", "1,383"]
    assert legend("de", Rules()) == (
        "„.“ = Zahlenwert geheim zu halten (weniger als 3 Fälle, oder ein einzelner Beitrag "
        "macht mehr als 85 % des Werts aus, oder der Wert ließe sich sonst aus den Summen "
        "errechnen)."
    )
    assert legend("en", Rules(k_min=5, dominance_share=0.875)).startswith(
        '"." = value confidential (fewer than 5 cases, or a single contributor holds more than '
        "87.5 % of the value"
    )


@pytest.mark.parametrize(
    ("cells", "dims", "message"),
    [
        (
            pd.DataFrame({"kind": ["a"], "value": [1], "count": [3], "largest": [1]}),
            ["kind"],
            "The table has no column(s) 'units' (found: 'kind', 'value', 'count', 'largest').",
        ),
        (
            pd.DataFrame({"kind": ["a", None], "value": [1, 2], "units": [3, 3], "largest": 1}),
            ["kind"],
            "A dimension column of the table has missing values.",
        ),
        (
            pd.DataFrame({"kind": ["a", "a"], "value": [1, 2], "units": [3, 3], "largest": 1}),
            ["kind"],
            "The table has the cell ['a'] more than once.",
        ),
        (
            pd.DataFrame({"kind": ["a"], "value": [-1], "units": [3], "largest": [0]}),
            ["kind"],
            "Column 'value' of the table has missing or negative values.",
        ),
        (
            pd.DataFrame({"kind": ["a"], "value": ["viel"], "units": [3], "largest": [0]}),
            ["kind"],
            "Column 'value' of the table holds non-numeric values.",
        ),
        (
            pd.DataFrame({"kind": ["a"], "value": [10], "units": [3], "largest": [11]}),
            ["kind"],
            "In some cells 'largest' exceeds 'value': one unit cannot hold more than all.",
        ),
        (
            pd.DataFrame({"kind": ["a"], "value": [10], "units": [3], "largest": [1]}),
            [],
            "A table needs at least one dimension column.",
        ),
    ],
)
def test_bad_tables_get_a_clear_message(cells: pd.DataFrame, dims: list[str], message: str) -> None:
    with pytest.raises(DisclosureError) as caught:
        protect(cells, dims, rules=Rules())
    assert caught.value.message == message
    assert caught.value.hint


def test_bad_unit_data_and_rules_get_a_clear_message() -> None:
    units = pd.DataFrame({"sector": ["x", None], "company_id": ["A", "B"]})
    with pytest.raises(DisclosureError, match="Column 'sector' of the unit data has missing"):
        cells_from_units(units, ["sector"], unit="company_id")
    with pytest.raises(DisclosureError, match=r"dominance_share must be in \(0, 1\], got 85"):
        Rules(dominance_share=85)


def test_no_suppressed_cell_is_alone_in_a_line_of_random_tables() -> None:
    rng = random.Random(20260515)
    checked_lines = lines_with_two_or_more = 0
    for _ in range(60):
        n_dims = rng.choice([1, 2, 2])
        dims = ["a", "b"][:n_dims]
        sizes = [rng.randint(1, 5) for _ in dims]
        rows = []
        for unit in range(rng.randint(1, 25)):
            for _ in range(rng.choice([1, 1, 2])):
                coords = [
                    f"{dim}{rng.randrange(size)}" for dim, size in zip(dims, sizes, strict=True)
                ]
                value = rng.choice([rng.randint(1, 20), rng.randint(100, 1000)])
                rows.append((*coords, f"u{unit}", value))
        units = pd.DataFrame(rows, columns=[*dims, "unit", "v"])
        cells = cells_from_units(units, dims, unit="unit", value="v")
        protected = protect(
            cells, dims, value="v", rules=Rules(), complement_by=rng.choice(["value", "units"])
        )
        primary = primary_reasons(cells, value="v", rules=Rules())
        assert (protected["reason"][primary.notna()] == primary[primary.notna()]).all()
        # Every line: the cells that differ in one dimension only, with the total over it.
        for d, dim in enumerate(dims):
            others = [o for o in dims if o != dim]
            keyed = protected.assign(
                _line=protected[others].astype(str).agg("|".join, axis=1) if others else ""
            )
            for _, line in keyed.groupby("_line"):
                if not (line[dim] == T).any():
                    continue
                hidden = int(line["suppressed"].sum())
                checked_lines += 1
                lines_with_two_or_more += hidden >= 2
                assert hidden == 0 or hidden >= 2, (dims, d, line)
    # The random tables really exercise suppression (not a test that cannot fail).
    assert checked_lines > 300
    assert lines_with_two_or_more > 50
