"""Reference data: shipped with its source, extended by the department, gaps named."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.zakid_metrics.kpis.conftest import D
from zakid_metrics.errors import ReferenceWageMissingError
from zakid_metrics.kpis import compute
from zakid_metrics.reference import REFERENCE_DIR, ReferenceWage, load_reference_wages

METHOD = (
    "median gross monthly wage, full-time employees subject to social insurance, "
    "place of work, x 12"
)


def test_the_shipped_wages_name_source_method_and_how_sure_they_are() -> None:
    wages = load_reference_wages()
    assert list(wages.wages) == [2024, 2025, 2026]
    first = wages.wages[2024]
    assert (first.eur_per_year, first.source, first.method) == (
        Decimal("48000.00"),
        "Bundesagentur für Arbeit, Entgeltstatistik",
        METHOD,
    )
    assert first.note.startswith("approximation")
    assert [wages.wages[year].note.split(":")[0] for year in (2025, 2026)] == ["provisional"] * 2
    assert wages.origin == str(REFERENCE_DIR / "reference_wages.csv")


def test_the_department_corrects_and_extends_them_in_its_data_dir(tmp_path: Path) -> None:
    extension = tmp_path / "reference" / "reference_wages.csv"
    extension.parent.mkdir()
    extension.write_text(
        "# corrected from the Entgeltatlas\n"
        "year,eur_per_year,source,method,note\n"
        "2024, 47123.00 ,BA,median x 12,published\n"
        "2027,49000.00,BA,median x 12,provisional\n",
        encoding="utf-8",
    )
    wages = load_reference_wages(tmp_path)
    assert wages.wages[2024] == ReferenceWage(
        2024, Decimal("47123.00"), "BA", "median x 12", "published"
    )
    assert [(year, w.eur_per_year) for year, w in wages.wages.items()] == [
        (2024, Decimal("47123.00")),
        (2025, Decimal("48000.00")),
        (2026, Decimal("48000.00")),
        (2027, Decimal("49000.00")),
    ]
    assert wages.origin == str(extension)
    assert wages.up_to(2027)[-1] == {"year": 2027, "eur": Decimal("49000.00")}


def test_a_year_without_a_wage_is_named_with_the_file_to_add_it_to(
    fixture_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # with a data directory, the department's file (where it adds the year), else the shipped
    for wages, file in (
        (load_reference_wages(tmp_path), tmp_path / "reference" / "reference_wages.csv"),
        (load_reference_wages(), REFERENCE_DIR / "reference_wages.csv"),
    ):
        with pytest.raises(ReferenceWageMissingError) as raised:
            compute(
                fixture_con,
                "jobs_well_paid_share",
                as_of=dt.date(2027, 1, 1),
                reference_wages=wages,
            )
        assert raised.value.message == "No reference wage is known for 2027."
        assert str(file) in raised.value.hint
        assert raised.value.params == {"year": 2027, "file": str(file)}
    # a gap between listed years is as missing as a year after them
    with pytest.raises(ReferenceWageMissingError, match="for 2025"):
        compute(
            fixture_con,
            "jobs_well_paid_share",
            as_of=D,
            reference_wages={2024: "48000.00", 2026: "48000.00"},
        )
    # a KPI that needs no wage is computed whatever the year
    assert compute(fixture_con, "jobs_external_created", as_of=dt.date(2027, 1, 1)).value == 5
