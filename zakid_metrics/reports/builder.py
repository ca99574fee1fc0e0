"""What a funder report says: one pure data structure, built from one read-only snapshot.

Every figure comes from the KPI registry (compute and source_rows); this module only picks the
rows of the report's grants and period, adds them up and lays them out. The XLSX and PDF
writers render the same `Report`, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from zakid_metrics import kpis
from zakid_metrics.contract import COST_CATEGORIES, ENTITIES
from zakid_metrics.errors import ReportError, ReportPeriodError, UnknownGrantError, WarehouseError
from zakid_metrics.kpis.forecast import Milestone
from zakid_metrics.reports import texts
from zakid_metrics.settings import get_settings

ReportKind = Literal["interim", "final", "summary"]
REPORT_KINDS: tuple[ReportKind, ...] = get_args(ReportKind)
CENT = Decimal("0.01")
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
    """One grant decision (Zuwendungsbescheid) as the snapshot has it."""

    grant_id: str
    recipient: str
    sub_project: str
    programme: str
    regime: str
    funding_rate: Decimal
    approved_eur: Decimal
    decided_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    drawdown_window: str
    final_report_due_on: dt.date


@dataclass(frozen=True)
class KpiFigure:
    """A programme KPI in the Sachbericht: value, the milestone due next, the final target."""

    kpi_id: str
    label: str
    unit: str
    value: int | float | Decimal | None
    target: Milestone | None
    final_target: Milestone | None

    @property
    def deviation(self) -> float | None:
        """Value minus the milestone due next (a share's deviation is a share too)."""
        if self.value is None or self.target is None:
            return None
        return float(self.value) - self.target.target_value


@dataclass(frozen=True)
class Section:
    """A heading of the Sachbericht: its measured part and the field the recipient fills in."""

    number: int
    title: str
    figures: tuple[KpiFigure, ...]
    prompt: str


@dataclass(frozen=True)
class PlanRow:
    """Plan (financing plan) against actual (voucher list) for one line or a sum of lines."""

    label: str
    grant_id: str | None
    category: str | None
    year: int | None  # None: a sum over years
    planned_eur: Decimal
    spent_eur: Decimal
    flagged: bool = False  # only lines of one year are judged by the 20 % rule
    is_total: bool = False

    @property
    def over_eur(self) -> Decimal:
        return self.spent_eur - self.planned_eur

    @property
    def utilisation(self) -> Decimal | None:
        """Actual / plan, None without a plan."""
        if not self.planned_eur:
            return None
        return self.spent_eur / self.planned_eur


@dataclass(frozen=True)
class PlanTable:
    """One table of the plan-versus-actual statement (a year, a grant, or cumulative)."""

    title: str
    rows: tuple[PlanRow, ...]

    @property
    def total(self) -> PlanRow:
        return next(row for row in self.rows if row.is_total)


@dataclass(frozen=True)
class Deviation:
    """A financing-plan line over plan (budget_line_deviation); `flagged` = more than 20 %."""

    grant_id: str
    category: str
    year: int
    planned_eur: Decimal
    spent_eur: Decimal
    over_eur: Decimal
    share: float | None  # overrun / plan; None without a plan
    flagged: bool
    grant_within_plan: bool


@dataclass(frozen=True)
class Financing:
    """The income side: eligible expenditures split into the grant's and the own share."""

    grant_id: str | None  # None: the sum over the report's grants
    funding_rate: Decimal | None
    eligible_eur: Decimal
    grant_share_eur: Decimal
    own_share_eur: Decimal


@dataclass(frozen=True)
class FundsStatus:
    """Funds drawn (funds_drawn) against the grant's share of the spending up to the as-of day."""

    grant_id: str | None  # None: the sum over the report's grants
    approved_eur: Decimal
    drawn_eur: Decimal
    pending_eur: Decimal
    funded_spending_eur: Decimal

    @property
    def unspent_eur(self) -> Decimal:
        """Drawn but not (yet) matched by the grant's share of expenditures."""
        return self.drawn_eur - self.funded_spending_eur


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
class IdleRow:
    """Funds drawn but not spent within the drawdown window (idle_funds, FIFO)."""

    grant_id: str
    disbursement_id: str
    received_on: dt.date
    spend_by: dt.date
    amount_eur: Decimal
    idle_at_deadline_eur: Decimal
    idle_eur: Decimal  # still not covered on the as-of day
    days_idle: int


@dataclass(frozen=True)
class Voucher:
    """One line of the voucher list (Belegliste)."""

    expenditure_id: str
    grant_id: str
    category: str
    paid_on: dt.date
    vendor: str | None
    description: str
    amount_eur: Decimal


@dataclass(frozen=True)
class VoucherGroup:
    """The vouchers of one cost category (of one grant), in date order, with their subtotal."""

    grant_id: str
    category: str
    vouchers: tuple[Voucher, ...]

    @property
    def subtotal_eur(self) -> Decimal:
        return sum((v.amount_eur for v in self.vouchers), ZERO)


@dataclass(frozen=True)
class KpiValue:
    """A registry result the report used, for the manifest: parameters, value, rows used."""

    kpi_id: str
    as_of: dt.date
    period: tuple[dt.date, dt.date] | None
    value: Any
    rows: tuple[Mapping[str, Any], ...]


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
    sections: tuple[Section, ...]
    plan_tables: tuple[PlanTable, ...]
    category_totals: tuple[PlanRow, ...]  # the period per cost category (for the chart)
    deviations: tuple[Deviation, ...]
    financing: tuple[Financing, ...]  # the period; the last one is the total
    financing_cumulative: tuple[Financing, ...]  # from the start up to the period's end
    funds: tuple[FundsStatus, ...]  # the last one is the total
    disbursements: tuple[DisbursementRow, ...]
    idle: tuple[IdleRow, ...]
    voucher_groups: tuple[VoucherGroup, ...]
    kpi_values: tuple[KpiValue, ...]
    notes: tuple[str, ...]
    sources: tuple[SourceFile, ...]
    load_runs: tuple[LoadRun, ...]

    @property
    def grant(self) -> GrantFacts | None:
        """The grant of an interim or final report; None for the joint summary."""
        return self.grants[0] if self.kind != "summary" else None

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
    def voucher_total_eur(self) -> Decimal:
        return sum((group.subtotal_eur for group in self.voucher_groups), ZERO)

    @property
    def voucher_count(self) -> int:
        return sum(len(group.vouchers) for group in self.voucher_groups)

    def cover_facts(self) -> list[tuple[str, str]]:
        """The Deckblatt as (label, text) pairs, in the agency's terms."""
        grants = self.grants
        facts = [
            ("Berichtsart", texts.KIND_SUBTITLES[self.kind]),
            ("Zuwendungsempfänger", "; ".join(dict.fromkeys(g.recipient for g in grants))),
            ("Förderkennzeichen", ", ".join(g.grant_id for g in grants)),
            ("Teilvorhaben", "; ".join(g.sub_project for g in grants)),
            ("Vorhaben", texts.PROJECT_NAME),
            ("Programm", ", ".join(dict.fromkeys(g.programme for g in grants))),
            ("Zuwendungsgeber", texts.FUNDER),
            ("Nebenbestimmungen", ", ".join(dict.fromkeys(g.regime for g in grants))),
            (
                "Bewilligungszeitraum",
                texts.period(min(g.starts_on for g in grants), max(g.ends_on for g in grants)),
            ),
            ("Bewilligte Zuwendung", texts.eur(sum((g.approved_eur for g in grants), ZERO))),
        ]
        if self.grant is not None:
            facts.append(("Förderquote", texts.percent(self.grant.funding_rate, 2)))
        facts += [
            ("Berichtszeitraum", texts.period(self.period_from, self.period_to)),
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


def build_report(
    con: duckdb.DuckDBPyConnection,
    kind: ReportKind,
    *,
    grant_id: str | None = None,
    year: int | None = None,
) -> Report:
    """The report of `kind` on the snapshot `con` is open on (read-only).

    interim: one grant and calendar year (clipped to the grant's period); final: one grant's
    whole period; summary: all grants, one calendar year or (without `year`) their whole span.
    The as-of day is the period's end, or the snapshot's day where that comes first.
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
        grants = all_grants
        first, last = min(g.starts_on for g in grants), max(g.ends_on for g in grants)
        if year is None:
            period_from, period_to = first, last
        elif year in summary_years(grants, snapshot.published_on):
            period_from, period_to = (
                max(first, dt.date(year, 1, 1)),
                min(last, dt.date(year, 12, 31)),
            )
        else:
            raise _year_error(None, year, summary_years(grants, snapshot.published_on))
    else:
        grant = _find_grant(all_grants, grant_id)
        grants = (grant,)
        if kind == "final":
            period_from, period_to, year = grant.starts_on, grant.ends_on, None
        else:
            valid = interim_years(con, grant.grant_id, snapshot.published_on)
            if year not in valid:
                raise _year_error(grant.grant_id, year, valid)
            period_from, period_to = (
                max(grant.starts_on, dt.date(year, 1, 1)),
                dt.date(year, 12, 31),
            )
    as_of = min(period_to, snapshot.published_on)
    return _Builder(con, kind, grants, year, period_from, period_to, as_of, snapshot).build()


class _Builder:
    """One report's registry calls and the rows picked from them."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        kind: ReportKind,
        grants: tuple[GrantFacts, ...],
        year: int | None,
        period_from: dt.date,
        period_to: dt.date,
        as_of: dt.date,
        snapshot: Snapshot,
    ) -> None:
        self.con, self.kind, self.grants, self.year = con, kind, grants, year
        self.period = (period_from, period_to)
        self.cumulative = (min(g.starts_on for g in grants), period_to)
        self.as_of, self.snapshot = as_of, snapshot
        self.ids = {g.grant_id for g in grants}
        self.used: list[KpiValue] = []
        self.stale_rows = 0

    def compute(self, kpi_id: str, period: tuple[dt.date, dt.date] | None = None) -> Any:
        result = kpis.compute(self.con, kpi_id, as_of=self.as_of, period=period)
        self.stale_rows = max(self.stale_rows, result.stale_rows)
        return result

    def record(self, kpi_id: str, result: Any, rows: list[dict[str, Any]], value: Any) -> None:
        self.used.append(KpiValue(kpi_id, self.as_of, result.period, value, tuple(rows)))

    def own_rows(self, frame: pd.DataFrame | None) -> list[dict[str, Any]]:
        """A breakdown's rows of the report's grants, as plain Python values."""
        if frame is None or frame.empty:
            return []
        return [row for row in records(frame) if row["grant_id"] in self.ids]

    def build(self) -> Report:
        lines, cumulative_lines, deviations = self.plan()
        plan_tables = self.plan_tables(lines, cumulative_lines)
        financing = self.financing(lines)
        financing_cumulative = self.financing(cumulative_lines)
        funds, disbursements = self.funds(financing_cumulative)
        idle = self.idle_funds()
        groups = self.vouchers()
        sections = self.sections()
        notes = self.notes(groups)
        sources, runs = self.provenance()
        return Report(
            kind=self.kind,
            grants=self.grants,
            year=self.year,
            period_from=self.period[0],
            period_to=self.period[1],
            as_of=self.as_of,
            snapshot=self.snapshot,
            sections=sections,
            plan_tables=plan_tables,
            category_totals=tuple(_by_category(lines, None, "")),
            deviations=deviations,
            financing=financing,
            financing_cumulative=financing_cumulative,
            funds=funds,
            disbursements=disbursements,
            idle=idle,
            voucher_groups=groups,
            kpi_values=tuple(self.used),
            notes=notes,
            sources=sources,
            load_runs=runs,
        )

    # -- plan against actual

    def plan_lines(
        self, period: tuple[dt.date, dt.date], flags: Mapping[Any, bool]
    ) -> list[PlanRow]:
        """Every (grant, category, year) line of `period`, zeros where the registry has none."""
        result = self.compute("budget_utilisation", period)
        rows = self.own_rows(result.breakdown)
        self.record("budget_utilisation", result, rows, _sum(rows, "spent_eur"))
        found = {(r["grant_id"], r["category"], r["year"]): r for r in rows}
        extra_categories = sorted({r["category"] for r in rows} - set(COST_CATEGORIES))
        lines = []
        for grant in self.grants:
            first = max(grant.starts_on, period[0]).year
            last = min(grant.ends_on, period[1]).year
            years = set(range(first, last + 1)) | {
                year for (g, _, year) in found if g == grant.grant_id
            }
            for year in sorted(years):
                for category in (*COST_CATEGORIES, *extra_categories):
                    row = found.get((grant.grant_id, category, year), {})
                    lines.append(
                        PlanRow(
                            texts.CATEGORY_NAMES.get(category, category),
                            grant.grant_id,
                            category,
                            year,
                            row.get("planned_eur", ZERO),
                            row.get("spent_eur", ZERO),
                            flagged=flags.get((grant.grant_id, category, year), False),
                        )
                    )
        return lines

    def plan(self) -> tuple[list[PlanRow], list[PlanRow], tuple[Deviation, ...]]:
        result = self.compute("budget_line_deviation", self.period)
        rows = self.own_rows(result.breakdown)
        self.record("budget_line_deviation", result, rows, len(rows))
        deviations = tuple(
            Deviation(
                r["grant_id"],
                r["category"],
                r["year"],
                r["planned_eur"],
                r["spent_eur"],
                r["over_eur"],
                r["value"],
                r["flagged"],
                r["grant_within_plan"],
            )
            for r in rows
        )
        flags = {(d.grant_id, d.category, d.year): d.flagged for d in deviations}
        lines = self.plan_lines(self.period, flags)
        cumulative = (
            lines if self.cumulative == self.period else self.plan_lines(self.cumulative, {})
        )
        return lines, cumulative, deviations

    def plan_tables(self, lines: list[PlanRow], cumulative: list[PlanRow]) -> tuple[PlanTable, ...]:
        span = texts.period(*self.period)
        since = texts.period(*self.cumulative)
        if self.kind == "interim":
            return (
                PlanTable(f"Berichtsjahr {self.year} ({span})", tuple(_with_total(lines))),
                PlanTable(
                    f"Kumuliert seit Beginn ({since})",
                    tuple(_by_category(cumulative, None, "Summe")),
                ),
            )
        if self.kind == "final":
            years = sorted({line.year for line in lines if line.year is not None})
            tables = [
                PlanTable(
                    f"Jahr {year}",
                    tuple(
                        _with_total([line for line in lines if line.year == year], f"Summe {year}")
                    ),
                )
                for year in years
            ]
            tables.append(
                PlanTable(f"Gesamte Laufzeit ({span})", tuple(_by_category(lines, None, "Summe")))
            )
            return tuple(tables)
        tables = []
        for grant in self.grants:
            own = [line for line in lines if line.grant_id == grant.grant_id]
            if self.year is not None:
                rows = _with_total(own, f"Summe {grant.grant_id}")
            else:
                rows = _by_category(own, grant.grant_id, f"Summe {grant.grant_id}")
            tables.append(PlanTable(f"{grant.grant_id} – {grant.recipient} ({span})", tuple(rows)))
        tables.append(
            PlanTable(f"Verbund gesamt ({span})", tuple(_by_category(lines, None, "Summe Verbund")))
        )
        return tuple(tables)

    # -- income side, funds drawn, idle funds

    def financing(self, lines: list[PlanRow]) -> tuple[Financing, ...]:
        """Per grant: eligible expenditures × funding rate, rounded half up on the total."""
        rows = []
        for grant in self.grants:
            eligible = sum((ln.spent_eur for ln in lines if ln.grant_id == grant.grant_id), ZERO)
            share = (eligible * grant.funding_rate).quantize(CENT, rounding=ROUND_HALF_UP)
            rows.append(
                Financing(grant.grant_id, grant.funding_rate, eligible, share, eligible - share)
            )
        rate = rows[0].funding_rate if len(rows) == 1 else None
        rows.append(
            Financing(
                None,
                rate,
                sum((r.eligible_eur for r in rows), ZERO),
                sum((r.grant_share_eur for r in rows), ZERO),
                sum((r.own_share_eur for r in rows), ZERO),
            )
        )
        return tuple(rows)

    def funds(
        self, financing_cumulative: tuple[Financing, ...]
    ) -> tuple[tuple[FundsStatus, ...], tuple[DisbursementRow, ...]]:
        result = self.compute("funds_drawn")
        rows = {r["grant_id"]: r for r in self.own_rows(result.breakdown)}
        self.record("funds_drawn", result, list(rows.values()), _sum(rows.values(), "value"))
        funded = {f.grant_id: f.grant_share_eur for f in financing_cumulative}
        statuses = [
            FundsStatus(
                grant.grant_id,
                grant.approved_eur,
                rows.get(grant.grant_id, {}).get("value", ZERO),
                rows.get(grant.grant_id, {}).get("pending_eur", ZERO),
                funded[grant.grant_id],
            )
            for grant in self.grants
        ]
        statuses.append(
            FundsStatus(
                None,
                sum((s.approved_eur for s in statuses), ZERO),
                sum((s.drawn_eur for s in statuses), ZERO),
                sum((s.pending_eur for s in statuses), ZERO),
                sum((s.funded_spending_eur for s in statuses), ZERO),
            )
        )
        calls = self.own_rows(kpis.source_rows(self.con, "funds_drawn", as_of=self.as_of))
        disbursements = []
        for call in calls:
            received = call["received_on"]
            if received is not None and received > self.as_of:
                received = None
            in_period = self.period[0] <= (received or call["requested_on"]) <= self.period[1]
            disbursements.append(
                DisbursementRow(
                    call["disbursement_id"],
                    call["grant_id"],
                    call["requested_on"],
                    received,
                    call["amount_eur"],
                    in_period,
                )
            )
        return tuple(statuses), tuple(disbursements)

    def idle_funds(self) -> tuple[IdleRow, ...]:
        """Disbursements whose window ended in the period without being fully spent in time."""
        result = self.compute("idle_funds")
        rows = [r for r in self.own_rows(result.breakdown) if r["spend_by"] >= self.period[0]]
        self.record("idle_funds", result, rows, _sum(rows, "value"))
        return tuple(
            IdleRow(
                r["grant_id"],
                r["disbursement_id"],
                r["received_on"],
                r["spend_by"],
                r["amount_eur"],
                r["idle_at_deadline_eur"],
                r["value"],
                r["days_idle"],
            )
            for r in rows
        )

    # -- voucher list

    def vouchers(self) -> tuple[VoucherGroup, ...]:
        frame = kpis.source_rows(
            self.con, "budget_utilisation", as_of=self.as_of, period=self.period
        )
        rows = self.own_rows(frame)
        order = {category: n for n, category in enumerate(COST_CATEGORIES)}
        rows.sort(
            key=lambda r: (
                r["grant_id"],
                order.get(r["category"], len(order)),
                r["category"],
                r["paid_on"],
                r["expenditure_id"],
            )
        )
        groups: dict[tuple[str, str], list[Voucher]] = {}
        for r in rows:
            groups.setdefault((r["grant_id"], r["category"]), []).append(
                Voucher(
                    r["expenditure_id"],
                    r["grant_id"],
                    r["category"],
                    r["paid_on"],
                    r["vendor"],
                    r["description"],
                    r["amount_eur"],
                )
            )
        return tuple(VoucherGroup(g, c, tuple(v)) for (g, c), v in groups.items())

    # -- Sachbericht, notes, provenance

    def sections(self) -> tuple[Section, ...]:
        sections = []
        for number, (title, kpi_ids, prompt) in enumerate(texts.SECTIONS, start=1):
            figures = []
            for kpi_id in kpi_ids:
                result = self.compute(kpi_id)
                self.record(kpi_id, result, [], _plain(result.value))
                figures.append(
                    KpiFigure(
                        kpi_id,
                        texts.KPI_LABELS.get(kpi_id, result.kpi.name_de),
                        result.kpi.unit,
                        _plain(result.value),
                        result.target,
                        result.final_target,
                    )
                )
            sections.append(Section(number, title, tuple(figures), prompt))
        return tuple(sections)

    def notes(self, groups: tuple[VoucherGroup, ...]) -> tuple[str, ...]:
        notes = []
        if self.as_of < self.period[1]:
            notes.append(texts.OPEN_PERIOD.format(as_of=texts.day(self.as_of)))
        if not groups:
            notes.append(texts.NO_VOUCHERS)
        if self.stale_rows:
            notes.append(texts.STALE_ROWS.format(count=texts.number(self.stale_rows)))
        return tuple(notes)

    def provenance(self) -> tuple[tuple[SourceFile, ...], tuple[LoadRun, ...]]:
        """The files whose rows make up the state the report read, and their load runs."""
        entities = {"grants", "targets"}  # cover facts and the Sachbericht's milestones
        for value in self.used:
            entities.update(kpis.get(value.kpi_id).sources)
        names = [name for name in ENTITIES if name in entities]
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
        run_ids = sorted({s.run_id for s in sources} | {self.snapshot.run_id})
        runs = self.con.execute(
            "SELECT run_id, started_at, finished_at, status, triggered_by FROM load_runs "
            f"WHERE run_id IN ({', '.join('?' for _ in run_ids)}) ORDER BY run_id",
            run_ids,
        ).fetchall()
        return sources, tuple(LoadRun(*row) for row in runs)


# --- Helpers ----------------------------------------------------------------------------------


def _with_total(lines: list[PlanRow], label: str = "Summe") -> list[PlanRow]:
    """The lines as they are, then their sum."""
    return [*lines, _total(lines, label)]


def _total(lines: Iterable[PlanRow], label: str, grant_id: str | None = None) -> PlanRow:
    lines = list(lines)
    return PlanRow(
        label,
        grant_id,
        None,
        None,
        sum((ln.planned_eur for ln in lines), ZERO),
        sum((ln.spent_eur for ln in lines), ZERO),
        is_total=True,
    )


def _by_category(lines: list[PlanRow], grant_id: str | None, total_label: str) -> list[PlanRow]:
    """Lines summed per cost category over years (and grants); with `total_label`, their sum."""
    categories = list(dict.fromkeys(ln.category for ln in lines if ln.category is not None))
    rows = [
        PlanRow(
            texts.CATEGORY_NAMES.get(category, category),
            grant_id,
            category,
            None,
            sum((ln.planned_eur for ln in lines if ln.category == category), ZERO),
            sum((ln.spent_eur for ln in lines if ln.category == category), ZERO),
        )
        for category in categories
    ]
    if total_label:
        rows.append(_total(rows, total_label, grant_id))
    return rows


def _sum(rows: Iterable[Mapping[str, Any]], column: str) -> Decimal:
    return sum((row[column] for row in rows), ZERO)


def _plain(value: Any) -> Any:
    """A value from pandas or numpy as plain Python: None, int, float, bool, Decimal, date."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, Decimal):
        return _plain(value.item())
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A registry frame's rows as dicts of plain Python values (money stays Decimal)."""
    columns = list(frame.columns)
    return [
        {column: _plain(value) for column, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
