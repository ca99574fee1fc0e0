"""The city's concept phase (June 2024 to May 2025): its vouchers and calls, as the catalogue
has them. It ended before the sample's export, so its final report can be made, and it shows
what the rules do with a grant called ahead of its spending: idle funds and a refund due."""

from __future__ import annotations

import datetime as dt

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.dates import add_months, last_workday
from pipelines.sample.grants import CONCEPT
from pipelines.sample.rows import Eur, Row, eur

_CONCEPT = CATALOGUE["concept"]


def concept_expenditure_rows() -> list[Row]:
    """The salaries at each month's end and the catalogue's vouchers, numbered per year."""
    months = [CONCEPT.starts_on]
    while add_months(months[-1], 1) <= CONCEPT.ends_on:
        months.append(add_months(months[-1], 1))
    vouchers: list[tuple[dt.date, str, Eur, str | None, str]] = [
        (
            last_workday(month),
            "personnel",
            eur(_CONCEPT["monthly_salary_eur"]),
            None,
            f"Personalausgaben {month.month:02d}/{month.year} Konzeptteam",
        )
        for month in months
    ]
    vouchers += [
        (paid_on, category, eur(euros), vendor, text)
        for paid_on, category, euros, vendor, text in _CONCEPT["vouchers"]
    ]
    rows: list[Row] = []
    counters: dict[int, int] = {}
    for paid_on, category, amount, vendor, text in sorted(vouchers, key=lambda v: v[:2]):
        counters[paid_on.year] = counters.get(paid_on.year, 0) + 1
        rows.append(
            {
                "expenditure_id": f"{CONCEPT.code}-{paid_on.year % 100:02d}-"
                f"{counters[paid_on.year]:04d}",
                "grant_id": CONCEPT.grant_id,
                "category": category,
                "paid_on": paid_on,
                "amount_eur": amount,
                "vat_eur": None,
                "vendor": vendor,
                "description": text,
                "project_id": None,
            }
        )
    return rows


def concept_disbursement_rows() -> list[Row]:
    return [
        {
            "disbursement_id": f"MA-{CONCEPT.code}-{number:02d}",
            "grant_id": CONCEPT.grant_id,
            "requested_on": requested,
            "received_on": received,
            "amount_eur": eur(euros),
        }
        for number, (requested, received, euros) in enumerate(_CONCEPT["calls"], start=1)
    ]


def concept_own_funds() -> list[tuple[int, int, int]]:
    """(year, planned cents, actual cents): the city's own funds, delivered in full."""
    return [(year, euros * 100, euros * 100) for year, euros in _CONCEPT["own_funds"]]
