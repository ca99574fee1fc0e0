"""The four grants of the centre: their financing plans, budget lines and the staff they pay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.dates import GRANT_END, GRANT_START
from pipelines.sample.rows import Eur, Row, record
from zakid_metrics.contract import COST_CATEGORIES
from zakid_metrics.funding import GrantFacts

PROGRAMME = "STARK"
YEARS = tuple(range(GRANT_START.year, GRANT_END.year + 1))
# Split of a category over the years: running costs by grant months, investments early.
_YEAR_WEIGHTS = {category: (7, 12, 12, 12, 5) for category in COST_CATEGORIES}
_YEAR_WEIGHTS["investment"] = (30, 40, 20, 10, 0)
_CATEGORY_CODES = {
    "personnel": "PERS", "material": "SACH", "investment": "INV",
    "subcontracting": "AUFTR", "travel": "REISE", "overhead": "GEMK",
}  # fmt: skip


@dataclass(frozen=True)
class Grant:
    """A grant decision; its attributes named as the contract's grant columns."""

    code: str
    grant_id: str
    recipient: str
    sub_project: str
    regime: str
    funding_rate: Decimal
    eligible_eur: int
    """Eligible expenses of the financing plan; approved_eur = eligible_eur * funding_rate."""
    decided_on: dt.date
    shares: tuple[float, ...]
    """Share of each cost category, in COST_CATEGORIES order."""
    vat_deductible: bool = False
    """The recipient may deduct input VAT: only net amounts are eligible."""
    starts_on: dt.date = GRANT_START
    ends_on: dt.date = GRANT_END
    programme: ClassVar[str] = PROGRAMME

    @property
    def approved_eur(self) -> Eur:
        return Eur(int((Decimal(self.eligible_eur * 100) * self.funding_rate).to_integral_value()))

    @property
    def facts(self) -> GrantFacts:
        """The grant as the funding rules take it."""
        return GrantFacts(
            self.grant_id,
            self.regime,
            self.funding_rate,
            Decimal(self.approved_eur.cents) / 100,
            self.starts_on,
            self.ends_on,
            self.vat_deductible,
        )


def _grant(entry: dict[str, Any]) -> Grant:
    fields = {name: value for name, value in entry.items() if name in Grant.__dataclass_fields__}
    fields["funding_rate"] = Decimal(str(entry["funding_rate"]))
    fields["shares"] = tuple(entry.get("shares", ()))
    return Grant(**fields)


GRANTS = tuple(_grant(entry) for entry in CATALOGUE["grants"])
"""The grants of the centre's four recipients, 2024 to 2028."""
CONCEPT = _grant(CATALOGUE["concept"])
"""The city's concept phase: a grant of its own, ended in 2025 (pipelines/sample/concept.py)."""
ALL_GRANTS = (*GRANTS, CONCEPT)
GRANT_IDS = {grant.code: grant.grant_id for grant in ALL_GRANTS}


def financing_plan(grant: Grant) -> dict[tuple[str, int], int]:
    """Planned cents per (category, year), rounded to 100 EUR and adding up to eligible_eur."""
    lines: dict[tuple[str, int], int] = {}
    for category, share in zip(COST_CATEGORIES, grant.shares, strict=True):
        weights = _YEAR_WEIGHTS[category]
        for year, weight in zip(YEARS, weights, strict=True):
            euros = grant.eligible_eur * share * weight / sum(weights)
            lines[category, year] = round(euros / 100) * 100 * 100
    # The rounding drift goes to the largest line.
    lines["personnel", 2026] += grant.eligible_eur * 100 - sum(lines.values())
    return lines


def concept_plan() -> dict[tuple[str, int], int]:
    """The concept phase's financing plan: cents per (category, year), as the catalogue has it."""
    return {(category, year): euros * 100 for category, year, euros in CATALOGUE["concept"]["plan"]}


def grant_rows() -> list[Row]:
    return [record("grants", grant) for grant in ALL_GRANTS]


def budget_rows() -> list[Row]:
    rows: list[Row] = []
    for grant in ALL_GRANTS:
        planned = concept_plan() if grant is CONCEPT else financing_plan(grant)
        for category in COST_CATEGORIES:
            for year in range(grant.starts_on.year, grant.ends_on.year + 1):
                if (category, year) not in planned:
                    continue
                rows.append(
                    {
                        "budget_line_id": f"{grant.grant_id}-{year}-{_CATEGORY_CODES[category]}",
                        "grant_id": grant.grant_id,
                        "category": category,
                        "year": year,
                        "planned_eur": Eur(planned[category, year]),
                    }
                )
    return rows


@dataclass(frozen=True)
class Staff:
    """A position paid from a grant."""

    grant: str
    role: str
    pay: float
    """Relative monthly cost."""
    start: int
    """First month paid, as months after June 2024."""
    end: int | None
    """Last month paid, None while employed."""
    job: tuple[str, str, int] | None
    """A newly created position (fte, qualification, annual gross salary); None for staff
    who already worked there and for student assistants."""


# fmt: off
STAFF = (
    Staff("SDU", "Projektleitung (EG 14 TVöD)", 1.3, 0, None, ("1", "academic", 76_400)),
    Staff("SDU", "Transfermanagement (EG 12 TVöD)", 1.05, 0, None, ("1", "academic", 63_900)),
    Staff("SDU", "Transfermanagement (EG 12 TVöD)", 1.05, 1, None, ("1", "academic", 61_200)),
    Staff("SDU", "Netzwerk Handwerk (EG 11 TVöD)", 0.95, 1, None, ("1", "vocational", 56_800)),
    Staff("SDU", "Öffentlichkeitsarbeit (EG 10 TVöD)", 0.6, 3, None, None),
    Staff("SDU", "Sachbearbeitung Fördermittel (EG 9c TVöD)", 0.8, 4, None, None),
    Staff("SDU", "Datenmanagement Wirkungsmonitoring (EG 11 TVöD)", 0.95, 22, None,
           ("1", "academic", 57_500)),
    Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 0, None, ("1", "academic", 64_100)),
    Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 0, None, ("1", "academic", 61_800)),
    Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 1, None, ("1", "academic", 59_900)),
    Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 0.75, 2, None, ("0.75", "academic", 46_300)),
    Staff("IMS", "Wiss. Mitarbeiter:in (TVöD E13)", 1.0, 4, None, ("1", "academic", 58_700)),
    Staff("IMS", "Gruppenleitung (TVöD E14)", 1.2, 0, None, None),
    Staff("IMS", "Techniker:in (TVöD E9b)", 0.75, 2, None, ("1", "vocational", 47_200)),
    Staff("IMS", "Techniker:in (TVöD E9b)", 0.75, 7, 19, ("1", "vocational", 45_900)),
    Staff("UDE", "Postdoc (TV-L E14)", 1.2, 0, 21, ("1", "academic", 71_300)),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 1, None, ("1", "academic", 58_200)),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 1, None, ("1", "academic", 57_600)),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 0.5, 2, None, ("0.5", "academic", 29_100)),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 3, None, ("1", "academic", 56_900)),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 5, None, ("1", "academic", 56_900)),
    Staff("UDE", "Technische:r Angestellte:r (TV-L E9)", 0.75, 4, None,
           ("1", "vocational", 44_800)),
    Staff("UDE", "Studentische Hilfskraft", 0.2, 8, None, None),
    Staff("UDE", "Studentische Hilfskraft", 0.2, 10, None, None),
    Staff("UDE", "Wiss. Mitarbeiter:in (TV-L E13)", 1.0, 23, None, ("1", "academic", 55_400)),
    Staff("KRO", "Entwicklungsingenieur:in", 1.1, 0, None, None),
    Staff("KRO", "Entwicklungsingenieur:in", 1.1, 1, None, ("1", "academic", 72_000)),
    Staff("KRO", "Data Scientist", 1.1, 3, None, None),
    Staff("KRO", "Projektleitung", 1.35, 6, None, ("1", "academic", 84_500)),
)
# fmt: on
