"""The grants' expenditures: salaries, vouchers of every cost category, corrections."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.concept import concept_expenditure_rows
from pipelines.sample.dates import (
    GRANT_START,
    SAMPLE_AS_OF,
    add_months,
    days,
    last_workday,
    month_end,
    workday_on_or_after,
    workdays,
)
from pipelines.sample.grants import GRANTS, PROGRAMME, STAFF, Grant, financing_plan
from pipelines.sample.planted import plant
from pipelines.sample.projects import Project
from pipelines.sample.rows import Eur, Row
from zakid_metrics.contract import COST_CATEGORIES

# Vouchers per month and grant; in the export month only the first half is paid by then.
MATERIAL_PER_MONTH = {"SDU": 5, "IMS": 8, "UDE": 7, "KRO": 5}
TRAVEL_PER_MONTH = {"SDU": 2, "IMS": 3, "UDE": 3, "KRO": 2}
SUBCONTRACTING_PER_MONTH = {"SDU": 2, "IMS": 1, "UDE": 1, "KRO": 1}
INVESTMENTS = CATALOGUE["investments"]
_VOUCHERS = CATALOGUE["vouchers"]
# The one budget line clearly over plan, so the funder view has something to flag.
OVER_PLAN_LINE = ("IMS", "investment", 2025)
_OVER_PLAN_FACTOR = 1.6
# Input VAT (percent) contained in a voucher of each category; salaries and overhead carry none.
# Listed for the grants whose recipient may deduct it (vat_deductible): they claim net amounts.
VAT_PERCENT = {"material": 19, "investment": 19, "subcontracting": 19, "travel": 7}
# Grants with a reversed double booking (two rows each); every grant has one credit note.
DOUBLE_BOOKINGS = ("IMS", "KRO")
PAYROLL_CORRECTION = ("IMS", dt.date(2025, 3, 1))


@dataclass(eq=False)
class _Voucher:
    grant: Grant
    category: str
    paid_on: dt.date
    weight: float
    vendor: str
    description: str
    paid: bool = True
    """Paid by the export date (and, for staff, while employed)."""
    cents: int = 0
    project: Project | None = None


def _grant_months() -> list[dt.date]:
    """First days of the grant's months in 2024-2026 (later years lie after the export)."""
    return [add_months(GRANT_START, offset) for offset in range(31)]


def _voucher_days(rng: random.Random, month: dt.date, count: int) -> list[dt.date]:
    """Days of `count` vouchers of a month; in the export month only the first half is paid."""
    if (month.year, month.month) != (SAMPLE_AS_OF.year, SAMPLE_AS_OF.month):
        return [rng.choice(workdays(month, month_end(month))) for _ in range(count)]
    before = workdays(month, SAMPLE_AS_OF)
    after = workdays(SAMPLE_AS_OF + days(1), month_end(month))
    return [rng.choice(before if n < count // 2 else after) for n in range(count)]


def _voucher_plan(rng: random.Random, grant: Grant) -> list[_Voucher]:
    """Every voucher of 2024-2026 as planned, paid or not yet."""
    vouchers: list[_Voucher] = []
    staff = [member for member in STAFF if member.grant == grant.code]
    for offset, month in enumerate(_grant_months()):
        for number, member in enumerate(staff, start=1):
            employed = member.start <= offset and (member.end is None or offset <= member.end)
            bonus = 1.75 if month.month == 11 else 1.0  # Jahressonderzahlung
            vouchers.append(
                _Voucher(
                    grant,
                    "personnel",
                    last_workday(month),
                    member.pay * bonus * rng.uniform(0.985, 1.015),
                    "Landesamt für Besoldung und Versorgung NRW" if grant.code == "UDE" else "",
                    f"Personalausgaben {month.month:02d}/{month.year} {member.role} "
                    f"– Stelle {grant.code}-P{number:02d}",
                    paid=employed,
                )
            )
        for category, per_month, catalogue in (
            ("material", MATERIAL_PER_MONTH, _VOUCHERS["material"][grant.code]),
            ("travel", TRAVEL_PER_MONTH, _VOUCHERS["travel"]),
            ("subcontracting", SUBCONTRACTING_PER_MONTH, _VOUCHERS["subcontracting"][grant.code]),
        ):
            for day in _voucher_days(rng, month, per_month[grant.code]):
                vendor, text = rng.choice(catalogue)
                text = text.format(year=day.year, programme=PROGRAMME)
                weight = min(8.0, max(0.05, rng.lognormvariate(0, 0.8)))
                vouchers.append(_Voucher(grant, category, day, weight, vendor, text))
        if month.month % 3 == 0:
            quarter = f"Q{month.month // 3}/{month.year}"
            text = (
                f"Verwaltungsausgaben (Pauschale) {quarter}"
                if grant.code == "SDU"
                else f"Gemeinkostenumlage {quarter}"
            )
            months_in_quarter = 1 if month == GRANT_START else 3
            vouchers.append(
                _Voucher(grant, "overhead", last_workday(month), months_in_quarter, "", text)
            )
    for year, month_number, weight, vendor, text in INVESTMENTS[grant.code]:
        day = _voucher_days(rng, dt.date(year, month_number, 1), 1)[0]
        vouchers.append(_Voucher(grant, "investment", day, weight, vendor, text))
    for voucher in vouchers:
        voucher.paid = voucher.paid and voucher.paid_on <= SAMPLE_AS_OF
    return vouchers


def _scale(rng: random.Random, grant: Grant, vouchers: list[_Voucher]) -> None:
    """Amounts such that each budget line of a year is spent at a plausible share of its plan."""
    plan = financing_plan(grant)
    groups: dict[tuple[str, int], list[_Voucher]] = {}
    for voucher in vouchers:
        groups.setdefault((voucher.category, voucher.paid_on.year), []).append(voucher)
    for category, year in sorted(groups):
        members = groups[category, year]
        if (grant.code, category, year) == OVER_PLAN_LINE:
            factor = _OVER_PLAN_FACTOR
        elif category == "personnel":
            factor = rng.uniform(0.93, 1.04)
        else:
            factor = rng.uniform(0.72, 1.06)
        euros_per_weight = plan[category, year] * factor / sum(v.weight for v in members)
        for voucher in members:
            voucher.cents = max(100, round(voucher.weight * euros_per_weight))


def _corrections(rng: random.Random, grant: Grant, paid: list[_Voucher]) -> list[_Voucher]:
    """Negative amounts: a credit note, a reversed double booking, a payroll correction."""
    material = [v for v in paid if v.category == "material" and v.paid_on < dt.date(2026, 9, 1)]
    original = rng.choice(material)
    extra = [
        _Voucher(
            grant,
            "material",
            workday_on_or_after(original.paid_on + days(rng.randint(10, 40))),
            0,
            original.vendor,
            f"Gutschrift Rücksendung: {original.description}",
            cents=-round(original.cents * rng.choice((0.1, 0.25, 0.5, 1.0))),
        )
    ]
    if grant.code in DOUBLE_BOOKINGS:
        # Within the same month, so the reversal lands in the same budget year.
        original = rng.choice([v for v in material if v.paid_on.day <= 10])
        reversed_on = workday_on_or_after(original.paid_on + days(rng.randint(5, 15)))
        text = original.description
        extra += [
            _Voucher(grant, "material", original.paid_on, 0, original.vendor, text,
                     cents=original.cents),
            _Voucher(grant, "material", reversed_on, 0, original.vendor,
                     f"Storno Doppelbuchung: {text}", cents=-original.cents),
        ]  # fmt: skip
    if grant.code == PAYROLL_CORRECTION[0]:
        month = PAYROLL_CORRECTION[1]
        original = next(
            v for v in paid if v.category == "personnel" and v.paid_on == last_workday(month)
        )
        extra.append(
            _Voucher(
                grant,
                "personnel",
                workday_on_or_after(original.paid_on + days(21)),
                0,
                "",
                f"Korrektur Personalausgaben {month.month:02d}/{month.year} "
                "(Rückrechnung Stufenzuordnung)",
                cents=-round(original.cents * 0.07),
            )
        )
    return extra


def _vouchers(rng: random.Random, projects: list[Project]) -> list[_Voucher]:
    linkable = [p for p in projects if p.status != "inquiry"]
    vouchers: list[_Voucher] = []
    for grant in GRANTS:
        planned = _voucher_plan(rng, grant)
        _scale(rng, grant, planned)
        paid = [v for v in planned if v.paid]
        paid += _corrections(rng, grant, paid)
        # Research partners book some costs to the company project they serve.
        for voucher in paid:
            if (
                grant.code != "SDU"
                and voucher.category in ("material", "subcontracting", "travel")
                and voucher.cents > 0
                and rng.random() < 0.12
            ):
                candidates = [p for p in linkable if p.started_on <= voucher.paid_on]
                if candidates:
                    voucher.project = rng.choice(candidates)
        paid.sort(key=lambda v: (v.paid_on, COST_CATEGORIES.index(v.category), v.description))
        vouchers += paid
    return vouchers


def _vat(voucher: _Voucher) -> Eur | None:
    """The input VAT in the voucher where its grant's recipient deducts it; else not listed."""
    percent = VAT_PERCENT.get(voucher.category)
    if not voucher.grant.vat_deductible or percent is None:
        return None
    return Eur(round(voucher.cents * percent / (100 + percent)))


def expenditure_rows(rng: random.Random, projects: list[Project]) -> list[Row]:
    """Every voucher paid by the export date, numbered per grant and year, two of them broken."""
    rows: list[Row] = []
    counters: dict[tuple[str, int], int] = {}
    for voucher in _vouchers(rng, projects):
        key = (voucher.grant.code, voucher.paid_on.year)
        counters[key] = counters.get(key, 0) + 1
        rows.append(
            {
                "expenditure_id": f"{key[0]}-{key[1] % 100:02d}-{counters[key]:04d}",
                "grant_id": voucher.grant.grant_id,
                "category": voucher.category,
                "paid_on": voucher.paid_on,
                "amount_eur": Eur(voucher.cents),
                "vat_eur": _vat(voucher),
                "vendor": voucher.vendor or None,
                "description": voucher.description,
                "project_id": voucher.project.project_id if voucher.project else None,
            }
        )
    # A voucher number typed twice: a row repeats its predecessor's number.
    duplicate = next(
        index
        for index in range(700, len(rows))
        if rows[index]["category"] == "material"
        and rows[index - 1]["grant_id"] == rows[index]["grant_id"]
    )
    plant(rows[duplicate], "expenditures", "expenditure_id", rows[duplicate - 1]["expenditure_id"])
    zero = next(
        index
        for index in range(1_400, len(rows))
        if rows[index]["category"] == "travel" and rows[index]["project_id"] is None
    )
    plant(rows[zero], "expenditures", "amount_eur", Eur(0))
    return rows + concept_expenditure_rows()
