"""The disclosure audit on hand-built tables: the intruder's attacks of issue 12 reproduced
(known-zero complements, the named-company list with the company tables, singleton pairs),
each with the suppression pattern worked out by hand, the p % rule and a failing audit."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from zakid_metrics.disclosure import (
    TOTAL,
    AuditCell,
    Relation,
    Rules,
    audit,
    cells_from_units,
    line_relation,
    protect,
    table_lines,
)
from zakid_metrics.errors import DisclosureAuditError, DisclosureError

RULES = Rules()


def full_table(rows: pd.DataFrame, dims: dict[str, list[str]], unit: str) -> pd.DataFrame:
    """Every cell over `dims` (margins included, empty cells as 0), counted from `rows`."""
    found = cells_from_units(rows, list(dims), unit=unit)
    levels = [[*categories, TOTAL] for categories in dims.values()]
    grid = pd.DataFrame(list(itertools.product(*levels)), columns=list(dims), dtype=object)
    cells = grid.merge(found, on=list(dims), how="left").fillna(0)
    cells[["value", "units", "largest"]] = cells[["value", "units", "largest"]].astype(int)
    return cells


def audit_cells(
    name: str, cells: pd.DataFrame, dims: list[str], largest: str | None
) -> tuple[list[AuditCell], list[Relation]]:
    """A table protected on its own (protect), as the audit sees it: its cells and lines."""
    protected = protect(cells, dims, largest=largest, rules=RULES)
    keys = [(name, *key) for key in cells[dims].itertuples(index=False, name=None)]
    found = [
        AuditCell(
            key,
            float(value),
            int(units),
            bool(hidden),
            sensitive=reason in ("min_units", "dominance"),
            magnitude=largest is not None,
            total=TOTAL in key,
        )
        for key, value, units, hidden, reason in zip(
            keys,
            cells["value"],
            cells["units"],
            protected["suppressed"],
            protected["reason"],
            strict=True,
        )
    ]
    lines = [
        line_relation([keys[i] for i in inner], keys[total])
        for inner, total in table_lines([key[1:] for key in keys])
    ]
    return found, lines


def hidden(found: list[AuditCell]) -> set:
    return {cell.key for cell in found if cell.suppressed}


def test_known_zero_complements_are_published_and_replaced() -> None:
    # Contributions per goal and verified (units: companies). Goal 1 has none at all.
    rows = pd.DataFrame(
        [
            ("2", "no", "A"), ("2", "no", "A"), ("2", "no", "B"),
            ("3", "yes", "C"), ("3", "yes", "D"), ("3", "yes", "E"), ("3", "no", "F"),
            ("4", "no", "G"), ("4", "no", "H"), ("4", "no", "I"),
            ("5", "no", "J"),
        ],
        columns=["goal", "verified", "company"],
    )  # fmt: skip
    dims = {"goal": ["1", "2", "3", "4", "5"], "verified": ["yes", "no"]}
    cells = full_table(rows, dims, "company")
    found, lines = audit_cells("sdg", cells, list(dims), "largest")
    # Primary: 2 no, 2 total (2 companies), 3 no (F), 5 no, 5 total (J). The line rule: row 3
    # holds only 3 no -> 3 yes; column yes then holds only 3 yes, and every other yes cell is
    # empty -> 1 yes (the first); row 1 then holds only 1 yes -> 1 no.
    assert hidden(found) == {
        ("sdg", "1", "yes"), ("sdg", "1", "no"), ("sdg", "2", "no"), ("sdg", "2", "total"),
        ("sdg", "3", "yes"), ("sdg", "3", "no"), ("sdg", "5", "no"), ("sdg", "5", "total"),
    }  # fmt: skip
    result = audit(found, lines, rules=RULES)
    # The intruder: goal 1's total is 0, so 1 yes = 1 no = 0 (known zeros); column yes gives
    # 3 yes = 3 - 0, row 3 gives 3 no = 4 - 3 = 1: F's cell exactly. The audit publishes the
    # pinned complements 1 yes, 1 no, 3 yes (nothing more is revealed by them) and suppresses
    # 3 total, the cheapest cell whose suppression frees 3 no (4 no, cheaper, does not).
    assert sorted(result.released) == [("sdg", "1", "no"), ("sdg", "1", "yes"), ("sdg", "3", "yes")]
    assert result.added == [("sdg", "3", "total")]
    # Then: column no 2 no + 3 no + 5 no = 8 - 3; column total 2 + 3 + 5 total = 11 - 3.
    assert result.intervals[("sdg", "3", "no")] == (0, 5)
    assert result.intervals[("sdg", "3", "total")] == (3, 8)
    assert all(high > low for low, high in result.intervals.values())


def test_named_company_is_not_shown_to_be_a_craft_business_outside_duisburg() -> None:
    # Two breakdowns of the same engaged companies by size class; S1, the only small company,
    # is named (the list publishes its size class), a craft business outside Duisburg.
    companies = pd.DataFrame(
        [
            ("M1", "micro", "yes", "yes"), ("M2", "micro", "yes", "yes"),
            ("M3", "micro", "no", "yes"), ("M4", "micro", "no", "no"),
            ("S1", "small", "yes", "no"),
        ],
        columns=["company", "size_class", "craft", "in_duisburg"],
    )  # fmt: skip
    found, relations = [], []
    for trait in ("craft", "in_duisburg"):
        rows = companies.assign(group=companies[trait])
        dims = {"size_class": ["micro", "small"], "group": ["yes", "no"]}
        cells, lines = audit_cells(trait, full_table(rows, dims, "company"), list(dims), None)
        found += cells
        relations += lines
    # Each table on its own: every cell of fewer than 3 companies and the micro total as the
    # complement in the column of totals; the 0s of the small row are published.
    assert hidden(found) == {
        (trait, size, group)
        for trait in ("craft", "in_duisburg")
        for size, group in itertools.product(["micro", "small", TOTAL], ["yes", "no", TOTAL])
        if (size, group) != (TOTAL, TOTAL)
    } - {("craft", "small", "no"), ("in_duisburg", "small", "yes")}
    named = [
        Relation(((("craft", "small", TOTAL), 1.0),), low=1),
        Relation(((("craft", TOTAL, TOTAL), 1.0),), low=1),
    ]
    same = [[("craft", size, TOTAL), ("in_duisburg", size, TOTAL)] for size in ("micro", "small")]
    result = audit(found, relations + named, same=same, rules=RULES)
    # The intruder: craft small no = 0 published, so craft small yes = the small total >= 1:
    # every small company, the named S1 among them, is a craft business; in_duisburg small
    # yes = 0 shows it outside Duisburg. The audit suppresses both 0s and guards them.
    assert result.added == [("craft", "small", "no"), ("in_duisburg", "small", "yes")]
    assert result.released == []
    assert result.intervals[("craft", "small", "no")] == (0, 5)
    assert result.intervals[("craft", "small", TOTAL)] == (1, 5)


def test_two_single_company_cells_in_a_line_get_a_third() -> None:
    rows = pd.DataFrame(
        [("a", "A"), ("b", "B"), *(("c", f"C{n}") for n in range(3)),
         *(("d", f"D{n}") for n in range(4))],
        columns=["sector", "company"],
    )  # fmt: skip
    cells = full_table(rows, {"sector": ["a", "b", "c", "d"]}, "company")
    found, lines = audit_cells("jobs", cells, ["sector"], "largest")
    # a and b (one company each) alone would let A compute B's value from the total and vice
    # versa; c (3, the cheapest further cell) is suppressed by the line rule.
    assert hidden(found) == {("jobs", "a"), ("jobs", "b"), ("jobs", "c")}
    unprotected = [
        AuditCell(**{**cell.__dict__, "suppressed": cell.key in {("jobs", "a"), ("jobs", "b")}})
        for cell in found
    ]
    # The audit applies the same rule to what it is given: only a and b suppressed -> c.
    assert audit(unprotected, lines, rules=RULES).added == [("jobs", "c")]
    assert audit(found, lines, rules=RULES).added == []


def test_p_percent_rule_widens_a_narrow_interval() -> None:
    # One dominated cell (a: 50, one company holding most of it) and its complement b = 2.
    cells = [
        AuditCell("a", 50, 4, True, sensitive=True, magnitude=True),
        AuditCell("b", 2, 3, True, magnitude=True),
        AuditCell("c", 12, 3, False, magnitude=True),
        AuditCell("t", 64, 10, False, magnitude=True, total=True),
    ]
    line = [line_relation(["a", "b", "c"], "t")]
    # Without the p % rule: a + b = 64 - 12, so a lies in 0 ... 52, not one value: enough.
    plain = audit(cells, line, rules=RULES)
    assert plain.added == [] and plain.intervals["a"] == (0, 52)
    # With 10 %: a must be able to lie at 55 or above; 52 is too close, so c is suppressed
    # too: a + b + c = 64, a in 0 ... 64.
    strict = audit(cells, line, rules=Rules(protection_percent=10))
    assert strict.added == ["c"] and strict.intervals["a"] == (0, 64)


def test_an_audit_that_cannot_be_satisfied_fails_loudly() -> None:
    # a is sensitive, its line's other cells are public facts that are never suppressed.
    cells = [
        AuditCell("a", 5, 1, True, sensitive=True),
        AuditCell("b", 7, 4, False, fixed=True),
        AuditCell("t", 12, 5, False, fixed=True, total=True),
    ]
    with pytest.raises(DisclosureAuditError) as raised:
        audit(cells, [line_relation(["a", "b"], "t")], rules=RULES)
    assert raised.value.code == "disclosure_audit"
    assert raised.value.params == {"cell": "a"}


def test_relations_must_hold_for_the_true_values() -> None:
    cells = [AuditCell("a", 5, 1, True, sensitive=True), AuditCell("t", 6, 1, False)]
    with pytest.raises(DisclosureError, match="does not hold"):
        audit(cells, [line_relation(["a"], "t")], rules=RULES)


def test_protection_percent_is_checked() -> None:
    with pytest.raises(DisclosureError, match="protection_percent"):
        Rules(protection_percent=100)
