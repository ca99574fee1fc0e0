"""What a funder report says: one pure data structure, built from one read-only snapshot.

Every funding figure comes from the funding rules (`funding.report_figures` on the inputs
`funding.read_inputs` reads), and every programme figure from the KPI registry; this module
only picks the report's grants, period and rows and lays them out. The XLSX and PDF writers
render the same `Report`, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from zakid_metrics import funding, kpis
from zakid_metrics.contract import COST_CATEGORIES, ENTITIES, INVENTORY_NET_OVER_EUR
from zakid_metrics.errors import ReportError, ReportPeriodError, UnknownGrantError, WarehouseError
from zakid_metrics.reports import texts
from zakid_metrics.reports.sachbericht import (
    KpiFigure,
    OwnFigures,
    Section,
    read_own_figures,
    split_targets,
)
from zakid_metrics.settings import get_settings

ReportKind = Literal["interim", "final", "summary"]
REPORT_KINDS: tuple[ReportKind, ...] = get_args(ReportKind)
ZERO = Decimal("0.00")


# --- The data structure -----------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The published snapshot a report is made from: its last load run and publishing time."""

    run_id: int
    published_at: dt.datetime  # UTC, naive as stored in the warehouse
    published_on: dt.date  # the publishing day in the configured time zone

    @property
    def id(self) -> str:
        """`7@2026-11-24T13:05:00Z`: the load run and the moment it was published."""
        return f"{self.run_id}@{self.published_at:%Y-%m-%dT%H:%M:%S}Z"


@dataclass(frozen=True)
class GrantFacts:
    """One grant decision (Zuwendungsbescheid) as the snapshot has it, for the cover."""

    grant_id: str
    recipient: str
    sub_project: str
    programme: str
    regime: str
    funding_rate: Decimal
    vat_deductible: bool
    approved_eur: Decimal
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date

    @property
    def rules(self) -> funding.Regime:
        """The side conditions of the decision (CONTRACT.md section 4)."""
        return funding.RULES[self.regime]


@dataclass(frozen=True)
class YearLine:
    """Plan and eligible actual of one Einzelansatz in one calendar year: information only."""

    year: int
    category: str
    planned_eur: Decimal
    actual_eur: Decimal


@dataclass(frozen=True)
class Statement:
    """The zahlenmäßiger Nachweis of one grant: its figures by the funding rules."""

    grant: GrantFacts
    figures: funding.FundingFigures
    years: tuple[YearLine, ...]

    @property
    def period_actual_eur(self) -> Decimal:
        """Eligible amounts of the reporting period (all Einzelansätze)."""
        return sum((line.period_actual_eur for line in self.figures.lines), Decimal(0))


@dataclass(frozen=True)
class DisbursementRow:
    """One call of funds (Mittelabruf) as it stood on the as-of day."""

    disbursement_id: str
    grant_id: str
    requested_on: dt.date
    received_on: dt.date | None  # None: not received by the as-of day
    amount_eur: Decimal
    in_period: bool


@dataclass(frozen=True)
class Voucher:
    """One line of the voucher list (Belegliste)."""

    expenditure_id: str
    grant_id: str
    category: str
    paid_on: dt.date
    vendor: str | None
    description: str
    amount_eur: Decimal  # gross
    vat_eur: Decimal  # input VAT contained in amount_eur
    eligible_eur: Decimal  # funding.eligible: net where the recipient may deduct input VAT


@dataclass(frozen=True)
class VoucherGroup:
    """The vouchers of one cost category (of one grant), in date order, with their subtotals."""

    grant_id: str
    category: str
    vouchers: tuple[Voucher, ...]

    @property
    def subtotal_eur(self) -> Decimal:
        return sum((v.amount_eur for v in self.vouchers), ZERO)

    @property
    def subtotal_vat_eur(self) -> Decimal:
        return sum((v.vat_eur for v in self.vouchers), ZERO)

    @property
    def subtotal_eligible_eur(self) -> Decimal:
        return sum((v.eligible_eur for v in self.vouchers), ZERO)


@dataclass(frozen=True)
class InventoryRow:
    """An item bought with the grant, over 800 EUR net (Inventarverzeichnis)."""

    item_id: str
    grant_id: str
    expenditure_id: str
    description: str
    acquired_on: dt.date
    net_eur: Decimal
    location: str | None


@dataclass(frozen=True)
class KpiValue:
    """A registry result the report used, for the manifest: parameters and value."""

    kpi_id: str
    as_of: dt.date
    period: tuple[dt.date, dt.date] | None
    value: Any


@dataclass(frozen=True)
class SourceFile:
    """A delivery file whose rows are in the state the report draws on."""

    entity: str
    run_id: int
    file: str
    sha256: str
    size_bytes: int


@dataclass(frozen=True)
class LoadRun:
    run_id: int
    started_at: dt.datetime
    finished_at: dt.datetime
    status: str
    triggered_by: str


@dataclass(frozen=True)
class Report:
    """Everything a funder report says; rendered by xlsx.py and pdf.py, recorded by manifest.py."""

    kind: ReportKind
    grants: tuple[GrantFacts, ...]
    year: int | None
    period_from: dt.date
    period_to: dt.date
    as_of: dt.date
    snapshot: Snapshot
    statements: tuple[Statement, ...]  # one per grant, in the order of `grants`
    own: OwnFigures | None  # the grant's own Sachbericht figures; None for the summary
    sections: tuple[Section, ...]  # the joint project's KPIs (context in a grant's report)
    disbursements: tuple[DisbursementRow, ...]
    voucher_groups: tuple[VoucherGroup, ...]
    inventory: tuple[InventoryRow, ...]  # final report only
    base_rates: tuple[funding.BaseRate, ...]  # the rates in force up to the period's end
    kpi_values: tuple[KpiValue, ...]
    notes: tuple[str, ...]
    sources: tuple[SourceFile, ...]
    load_runs: tuple[LoadRun, ...]

    @property
    def grant(self) -> GrantFacts | None:
        """The grant of an interim or final report; None for the joint summary."""
        return self.grants[0] if self.kind != "summary" else None

    @property
    def statement(self) -> Statement | None:
        """The statement of an interim or final report; None for the joint summary."""
        return self.statements[0] if self.kind != "summary" else None

    @property
    def unfinished(self) -> bool:
        """The period had not ended on the snapshot's day: provisional figures."""
        return self.as_of < self.period_to

    @property
    def title(self) -> str:
        title = texts.KIND_TITLES[self.kind]
        return f"{title} {self.year}" if self.year is not None else title

    @property
    def file_stem(self) -> str:
        """`zwischennachweis_<grant>_<year>`, `verwendungsnachweis_<grant>`,
        `verbunduebersicht[_<year>]`: the files' names without suffix."""
        parts = [texts.FILE_PREFIXES[self.kind]]
        if self.grant is not None:
            parts.append(safe_file_part(self.grant.grant_id))
        if self.year is not None:
            parts.append(str(self.year))
        return "_".join(parts)

    @property
    def regimes(self) -> tuple[funding.Regime, ...]:
        """The side conditions of the report's grants, each once, in the order of the table."""
        names = {g.regime for g in self.grants}
        return tuple(rules for name, rules in funding.RULES.items() if name in names)

    @property
    def voucher_total_eur(self) -> Decimal:
        return sum((group.subtotal_eur for group in self.voucher_groups), ZERO)

    @property
    def voucher_eligible_eur(self) -> Decimal:
        return sum((group.subtotal_eligible_eur for group in self.voucher_groups), ZERO)

    @property
    def voucher_count(self) -> int:
        return sum(len(group.vouchers) for group in self.voucher_groups)

    def figures_json(self) -> dict[str, object] | list[dict[str, object]]:
        """The `report --json` object (CONTRACT.md section 4); the summary: one per grant."""
        if self.statement is not None:
            return self.statement.figures.as_json()
        return [statement.figures.as_json() for statement in self.statements]

    def cover_facts(self) -> list[tuple[str, str]]:
        """The Deckblatt as (label, text) pairs, in the agency's terms."""
        grants = self.grants
        period = texts.period(self.period_from, self.period_to)
        if self.unfinished:
            period += f" (noch nicht abgeschlossen; Stand {texts.day(self.as_of)})"
        facts = [
            ("Berichtsart", texts.KIND_SUBTITLES[self.kind]),
            ("Zuwendungsempfänger", "; ".join(dict.fromkeys(g.recipient for g in grants))),
            ("Förderkennzeichen", ", ".join(g.grant_id for g in grants)),
            ("Teilvorhaben", "; ".join(g.sub_project for g in grants)),
            ("Vorhaben", texts.PROJECT_NAME),
            ("Programm", ", ".join(dict.fromkeys(g.programme for g in grants))),
            ("Zuwendungsgeber", texts.FUNDER),
            ("Nebenbestimmungen", "; ".join(rules.title for rules in self.regimes)),
            (
                "Finanzierungsart",
                ", ".join(dict.fromkeys(texts.BASIS_NAMES[rules.basis] for rules in self.regimes)),
            ),
            (
                "Bewilligungszeitraum",
                texts.period(min(g.starts_on for g in grants), max(g.ends_on for g in grants)),
            ),
            ("Bewilligte Zuwendung", texts.eur(sum((g.approved_eur for g in grants), ZERO))),
        ]
        if self.grant is not None:
            facts += [
                ("Förderquote", texts.percent(self.grant.funding_rate, 2)),
                ("Vorsteuerabzug", texts.VAT_STATUS[self.grant.vat_deductible]),
            ]
        facts += [
            ("Berichtszeitraum", period),
            ("Stand", texts.day(self.as_of)),
            (
                "Snapshot-ID",
                f"{self.snapshot.id} (Ladelauf {self.snapshot.run_id}, veröffentlicht "
                f"{self.snapshot.published_at:%d.%m.%Y %H:%M} UTC)",
            ),
        ]
        return facts


def safe_file_part(text: str) -> str:
    """`text` with anything but letters, digits, `.`, `-` replaced by `-` (safe in file names)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in ".-") else "-" for c in text)


# --- Reading the snapshot ---------------------------------------------------------------------


def snapshot_facts(con: duckdb.DuckDBPyConnection) -> Snapshot:
    """The snapshot's last load run and publishing time; WarehouseError when nothing was loaded."""
    row = con.execute("SELECT run_id, published_at FROM published_snapshot()").fetchone()
    if row is None:
        raise WarehouseError(
            "The warehouse holds no load run, so there is nothing to report on.",
            "Load a delivery first: python -m pipelines ingest data/sample",
        )
    run_id, published = row
    local = published.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(get_settings().timezone))
    return Snapshot(run_id, published, local.date())


def read_grants(con: duckdb.DuckDBPyConnection) -> tuple[GrantFacts, ...]:
    """Every grant of the snapshot, by grant id."""
    columns = [name for name in GrantFacts.__dataclass_fields__]
    rows = con.execute(f"SELECT {', '.join(columns)} FROM grants ORDER BY grant_id").fetchall()
    return tuple(GrantFacts(*row) for row in rows)


def interim_years(con: duckdb.DuckDBPyConnection, grant_id: str, until: dt.date) -> list[int]:
    """The calendar years with an interim report (report_deadlines) begun by `until`."""
    rows = con.execute(
        "SELECT year(period_to) FROM report_deadlines WHERE grant_id = ? "
        "AND report_type = 'interim' AND period_from <= ? ORDER BY 1",
        [grant_id, until],
    ).fetchall()
    return [int(year) for (year,) in rows]


def summary_years(grants: Iterable[GrantFacts], until: dt.date) -> list[int]:
    """The calendar years of the joint project begun by `until`."""
    grants = list(grants)
    first = min(g.starts_on for g in grants).year
    last = min(max(g.ends_on for g in grants), until).year
    return list(range(first, last + 1))


@dataclass(frozen=True)
class ReportChoices:
    """What a snapshot can be reported on: its grants, their interim years, the joint years."""

    snapshot: Snapshot
    grants: tuple[GrantFacts, ...]
    interim_years: Mapping[str, tuple[int, ...]]
    summary_years: tuple[int, ...]


def report_choices(con: duckdb.DuckDBPyConnection) -> ReportChoices:
    """The reports `build_report` accepts on this snapshot (for a form's options)."""
    snapshot = snapshot_facts(con)
    grants = read_grants(con)
    return ReportChoices(
        snapshot,
        grants,
        {g.grant_id: tuple(interim_years(con, g.grant_id, snapshot.published_on)) for g in grants},
        tuple(summary_years(grants, snapshot.published_on)) if grants else (),
    )


def _find_grant(grants: tuple[GrantFacts, ...], grant_id: str | None) -> GrantFacts:
    known = ", ".join(g.grant_id for g in grants) or "–"
    for grant in grants:
        if grant.grant_id == grant_id:
            return grant
    if not grants:
        raise UnknownGrantError(
            "The published snapshot has no grants.",
            "Load a delivery with a grants file first: python -m pipelines ingest FOLDER",
            grant_id=grant_id or "",
            known=known,
        )
    raise UnknownGrantError(
        f"There is no grant {grant_id!r} in the published snapshot.",
        f"Known grants: {known}. Give one of them as --grant.",
        grant_id=grant_id or "",
        known=known,
    )


def _year_error(grant_id: str | None, year: int | None, valid: list[int]) -> ReportError:
    listed = ", ".join(map(str, valid)) or "–"
    if grant_id is None:
        return ReportPeriodError(
            f"The joint project has no calendar year {year} begun by the snapshot.",
            f"Valid years: {listed}; or leave out --year for the whole span.",
            grant_id="",
            year=year,
            valid=listed,
        )
    return ReportPeriodError(
        f"Grant {grant_id} has no interim report for {year}.",
        f"Valid years: {listed} (calendar years of the grant begun by the snapshot). The "
        "grant's last, partial year is covered by its final report: report final --grant "
        f"{grant_id}.",
        grant_id=grant_id,
        year=year,
        valid=listed,
    )


# --- Building ---------------------------------------------------------------------------------


def last_completed_year(now: dt.datetime | None = None) -> int:
    """The last calendar year that has ended at `now` (default: now) in ZAKID_TIMEZONE: an
    interim report's default year."""
    zone = ZoneInfo(get_settings().timezone)
    return (now.astimezone(zone) if now else dt.datetime.now(zone)).year - 1


def build_report(
    con: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    *,
    grant_id: str | None = None,
    year: int | None = None,
    rates: funding.BaseRates | None = None,
) -> Report:
    """The report of `kind` on the snapshot `con` is open on (read-only).

    interim: one grant and calendar year (default: the last completed year), clipped to the
    grant's period; final: one grant's whole period; summary: all grants whose period touches
    one calendar year or (without `year`) their whole span. The as-of day is the period's end,
    or the snapshot's day where that comes first. `rates` are the base rates for interest
    (default: the shipped ones, extended from the configured data directory); a day without a
    known rate raises BaseRateMissingError naming it.
    """
    if kind not in REPORT_KINDS:
        raise ReportError(
            f"Unknown report kind {kind!r}.", f"Use one of {', '.join(REPORT_KINDS)}."
        )
    snapshot = snapshot_facts(con)
    all_grants = read_grants(con)
    if kind == "summary":
        if not all_grants:
            _find_grant(all_grants, None)
        first = min(g.starts_on for g in all_grants)
        last = max(g.ends_on for g in all_grants)
        if year is None:
            period_from, period_to = first, last
        elif year in summary_years(all_grants, snapshot.published_on):
            period_from = max(first, dt.date(year, 1, 1))
            period_to = min(last, dt.date(year, 12, 31))
        else:
            raise _year_error(None, year, summary_years(all_grants, snapshot.published_on))
        # the grants of the period, as far as they were decided by the as-of day
        as_of = min(period_to, snapshot.published_on)
        grants = tuple(
            g
            for g in all_grants
            if g.starts_on <= period_to and g.ends_on >= period_from and g.decided_on <= as_of
        )
        if not grants:
            raise ReportError(
                f"No grant of the joint project was decided by {texts.day(as_of)}.",
                "Choose a later year.",
            )
    else:
        grant = _find_grant(all_grants, grant_id)
        grants = (grant,)
        if kind == "final":
            year = None
        else:
            year = last_completed_year() if year is None else year
            valid = interim_years(con, grant.grant_id, snapshot.published_on)
            if year not in valid:
                raise _year_error(grant.grant_id, year, valid)
        period_from, period_to = funding.report_period(_facts(grant), kind, year)
    as_of = min(period_to, snapshot.published_on)
    if rates is None:
        rates = funding.load_base_rates(get_settings().data_dir)
    builder = _Builder(con, kind, grants, (period_from, period_to), as_of, rates)
    return builder.build(year, snapshot)


def _facts(grant: GrantFacts) -> funding.GrantFacts:
    """The grant as the funding rules take it."""
    return funding.GrantFacts(
        grant_id=grant.grant_id,
        regime=grant.regime,
        funding_rate=grant.funding_rate,
        approved_eur=grant.approved_eur,
        starts_on=grant.starts_on,
        ends_on=grant.ends_on,
        vat_deductible=grant.vat_deductible,
    )


class _Builder:
    """One report's rule calls, registry calls and the rows picked for it."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: ReportKind,
        grants: tuple[GrantFacts, ...],
        period: tuple[dt.date, dt.date],
        as_of: dt.date,
        rates: funding.BaseRates,
    ) -> None:
        self.con, self.kind, self.grants = con, kind, grants
        self.period, self.as_of, self.rates = period, as_of, rates
        self.ids = [g.grant_id for g in grants]
        self.used: list[KpiValue] = []

    def build(self, year: int | None, snapshot: Snapshot) -> Report:
        inputs = funding.read_inputs(self.con, self.as_of)
        for grant in self.grants:
            if grant.grant_id not in inputs:  # funding.read_inputs: decided by the as-of day
                raise ReportError(
                    f"Grant {grant.grant_id} was decided on {texts.day(grant.decided_on)}, after "
                    f"the report's as-of day {texts.day(self.as_of)}.",
                    "Report on a period that ends on or after the day of the decision.",
                    grant_id=grant.grant_id,
                )
        statements = tuple(self.statement(g, inputs[g.grant_id]) for g in self.grants)
        groups = self.vouchers()
        own = None
        if self.kind != "summary":
            grant = self.grants[0]
            own = read_own_figures(
                self.con, grant.grant_id, grant.recipient, self.period, self.as_of
            )
        sections = self.sections()
        entities = self.entities()
        sources, runs = self.provenance(entities, snapshot)
        return Report(
            kind=self.kind,
            grants=self.grants,
            year=year,
            period_from=self.period[0],
            period_to=self.period[1],
            as_of=self.as_of,
            snapshot=snapshot,
            statements=statements,
            own=own,
            sections=sections,
            disbursements=self.disbursements(),
            voucher_groups=groups,
            inventory=self.inventory() if self.kind == "final" else (),
            base_rates=tuple(r for r in self.rates.rates if r.valid_from <= self.period[1]),
            kpi_values=tuple(self.used),
            notes=self.notes(groups, entities),
            sources=sources,
            load_runs=runs,
        )

    # -- the zahlenmäßiger Nachweis: every figure by the funding rules

    def statement(self, grant: GrantFacts, inputs: funding.FundingInputs) -> Statement:
        """The grant's figures over its part of the period (the summary reports each grant's
        part as an interim statement: no refund before the grant's own final report)."""
        period = (max(self.period[0], grant.starts_on), min(self.period[1], grant.ends_on))
        kind: funding.ReportKind = "final" if self.kind == "final" else "interim"
        figures = funding.report_figures(inputs, kind, period, self.rates, end_on=self.as_of)
        return Statement(grant, figures, tuple(self.years(inputs, period)))

    def years(
        self, inputs: funding.FundingInputs, period: tuple[dt.date, dt.date]
    ) -> list[YearLine]:
        """Plan and eligible actual per Einzelansatz and calendar year of the period."""
        lines = []
        for year in range(period[0].year, period[1].year + 1):
            span = (max(period[0], dt.date(year, 1, 1)), min(period[1], dt.date(year, 12, 31)))
            plan = [p for p in inputs.plan if p.year == year]
            for line in funding.einzelansaetze(inputs.grant, plan, inputs.vouchers, span, "final"):
                if line.planned_eur or line.period_actual_eur:
                    lines.append(
                        YearLine(year, line.category, line.planned_eur, line.period_actual_eur)
                    )
        return lines

    def vouchers(self) -> tuple[VoucherGroup, ...]:
        """The vouchers of the report's grants paid in the period (and their grant's period)."""
        rows = self.con.execute(
            f"""
            SELECT e.expenditure_id, e.grant_id, e.category, e.paid_on, e.vendor, e.description,
                   e.amount_eur, coalesce(e.vat_eur, 0)
            FROM expenditures e JOIN grants g USING (grant_id)
            WHERE e.grant_id IN ({", ".join("?" for _ in self.ids)})
              AND e.paid_on BETWEEN greatest(g.starts_on, ?) AND least(g.ends_on, ?)
              AND e.paid_on <= ?
            """,
            [*self.ids, *self.period, self.as_of],
        ).fetchall()
        facts = {g.grant_id: _facts(g) for g in self.grants}
        order = {grant_id: n for n, grant_id in enumerate(self.ids)}
        groups: dict[tuple[str, str], list[Voucher]] = {}
        for row in sorted(
            rows,
            key=lambda r: (order[r[1]], _category_order(r[2]), r[3], r[0]),
        ):
            expenditure_id, grant_id, category, paid_on, *_, amount, vat = row
            eligible = funding.eligible(
                facts[grant_id], funding.Voucher(expenditure_id, category, paid_on, amount, vat)
            )
            groups.setdefault((grant_id, category), []).append(Voucher(*row, eligible_eur=eligible))
        return tuple(VoucherGroup(g, c, tuple(v)) for (g, c), v in groups.items())

    def disbursements(self) -> tuple[DisbursementRow, ...]:
        """The calls of the report's grants requested by the as-of day."""
        rows = self.con.execute(
            f"""
            SELECT disbursement_id, grant_id, requested_on,
                   CASE WHEN received_on <= ? THEN received_on END, amount_eur
            FROM disbursements
            WHERE grant_id IN ({", ".join("?" for _ in self.ids)}) AND requested_on <= ?
            ORDER BY grant_id, coalesce(received_on, requested_on), disbursement_id
            """,
            [self.as_of, *self.ids, self.as_of],
        ).fetchall()
        first, last = self.period
        return tuple(
            DisbursementRow(*row, in_period=first <= (row[3] or row[2]) <= last) for row in rows
        )

    def inventory(self) -> tuple[InventoryRow, ...]:
        """The grant's items over 800 EUR net, each on a voucher of the same grant."""
        rows = self.con.execute(
            """
            SELECT i.item_id, i.grant_id, i.expenditure_id, i.description, i.acquired_on,
                   i.net_eur, i.location
            FROM inventory i JOIN expenditures e
              ON e.expenditure_id = i.expenditure_id AND e.grant_id = i.grant_id
            WHERE i.grant_id = ? AND i.net_eur > ? AND i.acquired_on <= ?
            ORDER BY i.acquired_on, i.item_id
            """,
            [self.ids[0], INVENTORY_NET_OVER_EUR, self.as_of],
        ).fetchall()
        return tuple(InventoryRow(*row) for row in rows)

    # -- the Sachbericht's joint-project KPIs, notes, provenance

    def sections(self) -> tuple[Section, ...]:
        results = kpis.compute_all(
            self.con,
            as_of=self.as_of,
            kpi_ids=[kpi_id for _, kpi_ids, _ in texts.SECTIONS for kpi_id in kpi_ids],
        )
        sections = []
        for number, (title, kpi_ids, prompt) in enumerate(texts.SECTIONS, start=1):
            figures = []
            for kpi_id in kpi_ids:
                result = results[kpi_id]
                value = _plain(result.value)
                self.used.append(KpiValue(kpi_id, self.as_of, result.period, value))
                target, later = split_targets(result.milestones, self.period[1])
                figures.append(
                    KpiFigure(
                        kpi_id,
                        texts.KPI_LABELS.get(kpi_id, result.kpi.name_de),
                        result.kpi.unit,
                        value,
                        target,
                        later,
                    )
                )
            sections.append(Section(number, title, tuple(figures), prompt))
        return tuple(sections)

    def entities(self) -> list[str]:
        """The entities the report reads, in the contract's order."""
        read = {"grants", "budget", "expenditures", "disbursements", "revenues", "targets"}
        if self.kind != "summary":
            read |= {"jobs", "projects", "deployments"}
        if self.kind == "final":
            read.add("inventory")
        for value in self.used:
            read.update(kpis.get(value.kpi_id).sources)
        return [name for name in ENTITIES if name in read]

    def notes(self, groups: tuple[VoucherGroup, ...], entities: list[str]) -> tuple[str, ...]:
        notes = []
        if self.as_of < self.period[1]:
            notes.append(texts.OPEN_PERIOD.format(as_of=texts.day(self.as_of)))
        if not groups:
            notes.append(texts.NO_VOUCHERS)
        (stale,) = self.con.execute(
            "SELECT coalesce(sum(stale_rows), 0) FROM entity_status "
            f"WHERE entity IN ({', '.join('?' for _ in entities)})",
            entities,
        ).fetchone()
        if stale:
            notes.append(texts.STALE_ROWS.format(count=texts.number(stale)))
        return tuple(notes)

    def provenance(
        self, names: list[str], snapshot: Snapshot
    ) -> tuple[tuple[SourceFile, ...], tuple[LoadRun, ...]]:
        """The files whose rows make up the state the report read, and their load runs."""
        # Table names come from the contract, never from input: safe to place in the SQL.
        origins = " UNION ".join(
            f"SELECT DISTINCT '{name}' AS entity, _run_id AS run_id, _file AS file FROM {name}"
            for name in names
        )
        placeholders = ", ".join("?" for _ in names)
        rows = self.con.execute(
            f"""
            WITH origins AS ({origins}
                UNION
                SELECT entity, last_run_id, last_file FROM entity_status
                WHERE last_file IS NOT NULL AND entity IN ({placeholders}))
            SELECT o.entity, o.run_id, o.file, f.sha256, f.size_bytes
            FROM origins o JOIN load_files f ON f.run_id = o.run_id AND f.file = o.file
            ORDER BY o.entity, o.run_id, o.file
            """,
            names,
        ).fetchall()
        sources = tuple(SourceFile(*row) for row in rows)
        run_ids = sorted({s.run_id for s in sources} | {snapshot.run_id})
        runs = self.con.execute(
            "SELECT run_id, started_at, finished_at, status, triggered_by FROM load_runs "
            f"WHERE run_id IN ({', '.join('?' for _ in run_ids)}) ORDER BY run_id",
            run_ids,
        ).fetchall()
        return sources, tuple(LoadRun(*row) for row in runs)


# --- Helpers ----------------------------------------------------------------------------------


def _category_order(category: str) -> tuple[int, str]:
    order = COST_CATEGORIES.index(category) if category in COST_CATEGORIES else 99
    return order, category


def _plain(value: Any) -> Any:
    """A value from pandas or numpy as plain Python: None, int, float, bool, Decimal, date."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal):
        return _plain(value.item())
    return value
