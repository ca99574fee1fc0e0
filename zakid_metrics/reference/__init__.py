"""Reference data shipped with the code (facts with their sources), which the department extends
or corrects in DATA_DIR/reference/ without a code change: one reader for every such file."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from zakid_metrics.errors import ReferenceWageMissingError

REFERENCE_DIR = Path(__file__).parent
REFERENCE_WAGES_FILE = "reference_wages.csv"


def read_rows(
    file_name: str, key: str, data_dir: Path | None = None
) -> tuple[list[dict[str, str]], Path]:
    """The rows of the shipped CSV `file_name` (lines starting with `#` are comments), each
    replaced by the row of DATA_DIR/reference/`file_name` with the same `key` value, which may
    also add rows; and the file to extend: with a data directory its reference file (created by
    whoever adds the first row: that is where the department adds them), else the shipped one.
    Values are trimmed."""
    rows: dict[str, dict[str, str]] = {}
    origin = REFERENCE_DIR / file_name
    paths = [origin]
    if data_dir is not None:
        origin = Path(data_dir) / "reference" / file_name
        if origin.exists():
            paths.append(origin)
    for path in paths:
        with path.open(encoding="utf-8", newline="") as file:
            for row in csv.DictReader(line for line in file if not line.startswith("#")):
                clean = {name.strip(): (value or "").strip() for name, value in row.items()}
                rows[clean[key]] = clean
    return list(rows.values()), origin


@dataclass(frozen=True)
class ReferenceWage:
    """The annual wage from which a position created in `year` counts as well paid."""

    year: int
    eur_per_year: Decimal
    source: str
    method: str
    note: str = ""


class ReferenceWages:
    """The reference wage per year (CONTRACT.md section 4): shipped, extended by the department.

    A KPI that compares salaries with it needs a figure for every year from the first one
    listed up to its as-of date's year: `up_to` raises ReferenceWageMissingError naming the
    first missing year and the file to add it to, never a silent gap.
    """

    def __init__(self, wages: Iterable[ReferenceWage], origin: str = "") -> None:
        self.wages = {wage.year: wage for wage in sorted(wages, key=lambda w: w.year)}
        self.origin = origin or REFERENCE_WAGES_FILE
        if not self.wages:
            raise ValueError("no reference wages")

    @classmethod
    def of(cls, amounts: dict[int, Decimal | str | int]) -> ReferenceWages:
        """Wages given as {year: amount}, e.g. by a test or a caller of compute."""
        return cls(ReferenceWage(year, Decimal(str(eur)), "", "") for year, eur in amounts.items())

    def up_to(self, last_year: int) -> list[dict[str, int | Decimal]]:
        """Every figure as rows {year, eur}, the shape the KPIs' SQL binds as
        `$reference_wages`, once every year from the first listed one up to `last_year` has one."""
        for year in range(min(self.wages), last_year + 1):
            if year not in self.wages:
                raise ReferenceWageMissingError(
                    f"No reference wage is known for {year}.",
                    "Add the year's median gross monthly wage of full-time employees at the place "
                    "of work times 12 (Bundesagentur für Arbeit, Entgeltstatistik) as a line "
                    f"`year,eur_per_year,source,method,note` to {self.origin}, then run again.",
                    year=year,
                    file=self.origin,
                )
        return [{"year": year, "eur": wage.eur_per_year} for year, wage in self.wages.items()]


def load_reference_wages(data_dir: Path | None = None) -> ReferenceWages:
    """The shipped reference wages, extended (or corrected) by DATA_DIR/reference/."""
    rows, origin = read_rows(REFERENCE_WAGES_FILE, "year", data_dir)
    return ReferenceWages(
        (
            ReferenceWage(
                int(row["year"]),
                Decimal(row["eur_per_year"]),
                row.get("source", ""),
                row.get("method", ""),
                row.get("note", ""),
            )
            for row in rows
        ),
        origin=str(origin),
    )
