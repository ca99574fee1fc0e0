"""The funding rules per regime (CONTRACT.md section 4): one table, exact decimals, sourced.

Every figure of a funder report that a rule of the Zuwendungsrecht decides is computed here and
nowhere else: the KPIs, the reports and the Finanzen page call these functions. Money is
`Decimal` throughout; a reported amount is rounded half up to the cent once, at the end
(`cents`). The inputs are plain rows (dataclasses below), so every rule can be tested on cases
worked out by hand; `read_inputs` reads them from a warehouse snapshot set-wise.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from zakid_metrics.contract import (
    COST_CATEGORIES,
    REGIME_BASIS,
    REVENUE_KINDS,
    Basis,
    add_months,
)
from zakid_metrics.errors import BaseRateMissingError
from zakid_metrics.reference import read_rows
from zakid_metrics.warehouse import install_shared_sql

if TYPE_CHECKING:
    import duckdb

LineStatus = Literal["within_plan", "over_offset", "over_not_offset", "over_20"]
LINE_STATUSES: tuple[LineStatus, ...] = get_args(LineStatus)
ReportKind = Literal["interim", "final"]

CENT = Decimal("0.01")
OVERRUN_ALLOWED = Decimal("1.2")  # an Einzelansatz may exceed its plan by up to 20 %
INTEREST_POINTS_ABOVE_BASE = Decimal(5)  # § 49a Abs. 3 Satz 1 VwVfG
DAYS_PER_YEAR = Decimal(365)
# Exact enough that summing thousands of daily interest amounts never moves a cent.
_CONTEXT = decimal.Context(prec=40, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Regime:
    """The side conditions (Nebenbestimmungen) of one kind of grant decision."""

    name: str
    window_days: int | None  # use window after receipt in days (ANBest-P) ...
    window_months: int | None  # ... or in calendar months (ANBest-Gk); None on cost basis
    title: str
    source_plan: str  # the Einzelansatz rule
    source_calls: str  # when funds may be called
    source_revenues: str  # further revenues reduce the grant
    source_net: str  # only net amounts when input VAT is deductible
    source_inventory: str  # inventory of items bought

    @property
    def basis(self) -> Basis:
        """Expenditure or cost basis: declared once, in the contract (REGIME_BASIS)."""
        return REGIME_BASIS[self.name]

    def use_window_end(self, received_on: dt.date) -> dt.date | None:
        """The last day on which funds received on `received_on` are used in time."""
        if self.window_days is not None:
            return received_on + dt.timedelta(days=self.window_days)
        if self.window_months is not None:
            return add_months(received_on, self.window_months)
        return None

    def sources(self) -> tuple[str, ...]:
        """Every rule this regime's report applies, with its source, for the report's notes."""
        interest = "§ 49a Abs. 4 i. V. m. Abs. 3 VwVfG"
        return (
            self.source_plan,
            self.source_calls,
            self.source_revenues,
            self.source_net,
            self.source_inventory,
            interest,
        )


# One row per regime: the only place where a rule differs between regimes (CONTRACT.md
# section 4). ANBest-P: Anlage 2 zu VV Nr. 5.1 zu § 44 BHO; ANBest-Gk: Anlage 3 zu VV Nr. 5.1
# zu § 44 BHO (Gebietskörperschaften); ANBest-P-Kosten: Nebenbestimmungen für Zuwendungen
# auf Kostenbasis; NKBF 98: Nebenbestimmungen für Zuwendungen auf Kostenbasis des BMBF an
# Unternehmen der gewerblichen Wirtschaft für FuE-Vorhaben.
RULES: dict[str, Regime] = {
    regime.name: regime
    for regime in (
        Regime(
            name="ANBest-P",
            window_days=42,
            window_months=None,
            title="Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)",
            source_plan="Nr. 1.2 ANBest-P (Einzelansätze bis 20 % bei Ausgleich)",
            source_calls="Nr. 1.4 ANBest-P (Verwendung binnen 6 Wochen nach Auszahlung)",
            source_revenues="Nr. 2 ANBest-P (Ermäßigung bei höheren Deckungsmitteln)",
            source_net="Nr. 6 ANBest-P (bei Vorsteuerabzug nach § 15 UStG nur Nettobeträge)",
            source_inventory="Nr. 4.2 ANBest-P (Inventarisierung über 800 EUR netto)",
        ),
        Regime(
            name="ANBest-Gk",
            window_days=None,
            window_months=2,
            title=(
                "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an "
                "Gebietskörperschaften (ANBest-Gk)"
            ),
            source_plan="Nr. 1.2 ANBest-Gk (Einzelansätze bis 20 % bei Ausgleich)",
            source_calls="Nr. 1.4 ANBest-Gk (Verwendung binnen 2 Monaten nach Auszahlung)",
            source_revenues="Nr. 2 ANBest-Gk (Ermäßigung bei höheren Deckungsmitteln)",
            source_net="Nr. 6 ANBest-Gk (bei Vorsteuerabzug nach § 15 UStG nur Nettobeträge)",
            source_inventory="Nr. 4.2 ANBest-Gk (Inventarisierung über 800 EUR netto)",
        ),
        Regime(
            name="ANBest-P-Kosten",
            window_days=None,
            window_months=None,
            title="Nebenbestimmungen für Zuwendungen zur Projektförderung auf Kostenbasis "
            "(ANBest-P-Kosten)",
            source_plan="Nr. 1.2 ANBest-P-Kosten (Einzelansätze bis 20 % bei Ausgleich)",
            source_calls="ANBest-P-Kosten (Abruf nur für bereits entstandene Kosten)",
            source_revenues="ANBest-P-Kosten (Ermäßigung bei höheren Deckungsmitteln)",
            source_net="ANBest-P-Kosten (bei Vorsteuerabzug nach § 15 UStG nur Nettobeträge)",
            source_inventory="ANBest-P-Kosten (Inventarisierung über 800 EUR netto)",
        ),
        Regime(
            name="NKBF",
            window_days=None,
            window_months=None,
            title=(
                "Nebenbestimmungen für Zuwendungen auf Kostenbasis des BMBF an Unternehmen der "
                "gewerblichen Wirtschaft für FuE-Vorhaben (NKBF 98)"
            ),
            source_plan="NKBF 98 (Bindung an die Vorkalkulation; Einzelansätze bis 20 %)",
            source_calls="NKBF 98 (Abruf nur für bereits entstandene Kosten)",
            source_revenues="NKBF 98 (Ermäßigung bei höheren Deckungsmitteln)",
            source_net="NKBF 98 (bei Vorsteuerabzug nach § 15 UStG nur Nettobeträge)",
            source_inventory="NKBF 98 (Inventarisierung über 800 EUR netto)",
        ),
    )
}


def cents(amount: Decimal) -> Decimal:
    """Round half up to the cent: done once per reported amount, at the end."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


# --- Inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantFacts:
    grant_id: str
    regime: str
    funding_rate: Decimal
    approved_eur: Decimal
    starts_on: dt.date
    ends_on: dt.date
    vat_deductible: bool = False

    @property
    def rules(self) -> Regime:
        return RULES[self.regime]


@dataclass(frozen=True)
class Voucher:
    expenditure_id: str
    category: str
    paid_on: dt.date
    amount_eur: Decimal
    vat_eur: Decimal = Decimal(0)


@dataclass(frozen=True)
class Call:
    disbursement_id: str
    received_on: dt.date | None
    amount_eur: Decimal


@dataclass(frozen=True)
class PlanLine:
    category: str
    year: int
    planned_eur: Decimal


@dataclass(frozen=True)
class Revenue:
    kind: str
    year: int
    planned_eur: Decimal
    actual_eur: Decimal | None


# --- Eligible amounts and the grant share ----------------------------------------------------


def eligible(grant: GrantFacts, voucher: Voucher) -> Decimal:
    """The voucher's eligible amount: net of input VAT when the recipient may deduct it."""
    return voucher.amount_eur - voucher.vat_eur if grant.vat_deductible else voucher.amount_eur


def eligible_vouchers(
    grant: GrantFacts, vouchers: Iterable[Voucher], up_to: dt.date
) -> list[Voucher]:
    """The grant's vouchers from its start up to `up_to` (and its end), in the use-line order."""
    last = min(up_to, grant.ends_on)
    return sorted(
        (v for v in vouchers if grant.starts_on <= v.paid_on <= last),
        key=lambda v: (v.paid_on, v.expenditure_id),
    )


def cumulative_share(grant: GrantFacts, vouchers: Iterable[Voucher], day: dt.date) -> Decimal:
    """C(d) = min(funding_rate × eligible from the grant's start to d, approved_eur), exact."""
    total = sum((eligible(grant, v) for v in eligible_vouchers(grant, vouchers, day)), Decimal(0))
    return min(_CONTEXT.multiply(grant.funding_rate, total), grant.approved_eur)


def grant_share(
    grant: GrantFacts, vouchers: Sequence[Voucher], period: tuple[dt.date, dt.date]
) -> Decimal:
    """The grant share of a reporting period: C(to) − C(from − 1 day), exact."""
    first, last = period
    return cumulative_share(grant, vouchers, last) - cumulative_share(
        grant, vouchers, first - dt.timedelta(days=1)
    )


def refund_due(grant: GrantFacts, vouchers: Sequence[Voucher], received_eur: Decimal) -> Decimal:
    """Funds received − C(ends_on), when positive (final report), exact."""
    return max(received_eur - cumulative_share(grant, vouchers, grant.ends_on), Decimal(0))


def received(calls: Iterable[Call], up_to: dt.date) -> Decimal:
    """The funds received from the grant up to and including `up_to`."""
    return sum(
        (c.amount_eur for c in calls if c.received_on is not None and c.received_on <= up_to),
        Decimal(0),
    )


# --- The Einzelansatz rule -------------------------------------------------------------------


@dataclass(frozen=True)
class Einzelansatz:
    """One line of the financing plan (grant × category), judged on cumulative figures."""

    category: str
    planned_eur: Decimal  # plan of the years judged
    actual_eur: Decimal  # eligible from the grant's start to the period's end
    period_actual_eur: Decimal  # eligible within the reporting period
    status: LineStatus

    @property
    def deviation_share(self) -> Decimal | None:
        """actual / plan − 1; None where nothing was planned."""
        if self.planned_eur == 0:
            return None
        return _CONTEXT.divide(self.actual_eur, self.planned_eur) - 1


def einzelansaetze(
    grant: GrantFacts,
    plan: Iterable[PlanLine],
    vouchers: Sequence[Voucher],
    period: tuple[dt.date, dt.date],
    kind: ReportKind,
) -> list[Einzelansatz]:
    """Every Einzelansatz with its status (CONTRACT.md section 4, Nr. 1.2 ANBest-P / -Gk).

    The plan judged is that of the years from the grant's start to the period's end (interim
    report) or of all years (final report); the actuals are the eligible amounts from the
    grant's start to the period's end. A category with spending but no plan is a line too.
    """
    first, last = period
    last_year = None if kind == "final" else last.year
    planned: dict[str, Decimal] = {}
    for line in plan:
        if last_year is None or line.year <= last_year:
            planned[line.category] = planned.get(line.category, Decimal(0)) + line.planned_eur
        else:
            planned.setdefault(line.category, Decimal(0))
    actual: dict[str, Decimal] = {}
    in_period: dict[str, Decimal] = {}
    for voucher in eligible_vouchers(grant, vouchers, last):
        amount = eligible(grant, voucher)
        actual[voucher.category] = actual.get(voucher.category, Decimal(0)) + amount
        if voucher.paid_on >= first:
            in_period[voucher.category] = in_period.get(voucher.category, Decimal(0)) + amount
    total_planned = sum(planned.values(), Decimal(0))
    total_actual = sum(actual.values(), Decimal(0))
    lines = []
    for category in sorted(set(planned) | set(actual), key=_category_order):
        plan_eur = planned.get(category, Decimal(0))
        actual_eur = actual.get(category, Decimal(0))
        lines.append(
            Einzelansatz(
                category=category,
                planned_eur=plan_eur,
                actual_eur=actual_eur,
                period_actual_eur=in_period.get(category, Decimal(0)),
                status=line_status(plan_eur, actual_eur, total_planned, total_actual),
            )
        )
    return lines


def line_status(
    planned: Decimal, actual: Decimal, total_planned: Decimal, total_actual: Decimal
) -> LineStatus:
    """The four statuses of the Einzelansatz rule, exactly as CONTRACT.md section 4 words them."""
    if actual <= planned:
        return "within_plan"
    if actual > OVERRUN_ALLOWED * planned:
        return "over_20"
    return "over_offset" if total_actual <= total_planned else "over_not_offset"


def _category_order(category: str) -> tuple[int, str]:
    order = COST_CATEGORIES.index(category) if category in COST_CATEGORIES else 99
    return order, category


# --- Base rates and interest -----------------------------------------------------------------

BASE_RATES_FILE = "base_rates.csv"


@dataclass(frozen=True)
class BaseRate:
    valid_from: dt.date
    rate_percent: Decimal
    source: str


class BaseRates:
    """The base rate (Basiszinssatz, § 247 BGB) in force on each day.

    A rate is valid from its date until the next one. The Bundesbank adjusts it on 1 January
    and 1 July, so the last known rate is valid until the next of those dates at most: a day
    after that needs the next published rate, and asking for it raises BaseRateMissingError
    naming the missing rate and the file to add it to, never a silent zero.
    """

    def __init__(self, rates: Iterable[BaseRate], origin: str = "") -> None:
        self.rates = tuple(sorted(rates, key=lambda r: r.valid_from))
        self.origin = origin
        if not self.rates:
            raise ValueError("no base rates")

    @property
    def valid_until(self) -> dt.date:
        """The last day covered: the day before the next adjustment after the last rate."""
        last = self.rates[-1].valid_from
        next_adjustment = (
            dt.date(last.year, 7, 1) if last.month < 7 else dt.date(last.year + 1, 1, 1)
        )
        return next_adjustment - dt.timedelta(days=1)

    def on(self, day: dt.date) -> Decimal:
        if day < self.rates[0].valid_from:
            raise _missing_rate(day, self.origin)
        if day > self.valid_until:
            raise _missing_rate(self.valid_until + dt.timedelta(days=1), self.origin)
        rate = self.rates[0]
        for candidate in self.rates:
            if candidate.valid_from > day:
                break
            rate = candidate
        return rate.rate_percent

    def segments(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date, Decimal]]:
        """The days first..last (inclusive) split where the rate changes: (from, to, rate)."""
        self.on(first)
        self.on(last)
        pieces = []
        day = first
        for index, rate in enumerate(self.rates):
            following = (
                self.rates[index + 1].valid_from - dt.timedelta(days=1)
                if index + 1 < len(self.rates)
                else self.valid_until
            )
            if following < day or rate.valid_from > last:
                continue
            start, end = max(day, rate.valid_from), min(last, following)
            if start <= end:
                pieces.append((start, end, rate.rate_percent))
        return pieces


def _missing_rate(day: dt.date, origin: str) -> BaseRateMissingError:
    return BaseRateMissingError(
        f"No base rate (Basiszinssatz) is known for {day:%d.%m.%Y}.",
        f"Add the rate in force from that day (published by the Deutsche Bundesbank) as a line "
        f"`valid_from,rate_percent,source` to {origin or BASE_RATES_FILE}, then run again.",
        day=day.isoformat(),
        file=origin or BASE_RATES_FILE,
    )


def load_base_rates(data_dir: Path | None = None) -> BaseRates:
    """The shipped base rates, extended (or corrected) by DATA_DIR/reference/base_rates.csv.

    With a data directory, a missing rate's message names its extension file (created by
    whoever adds the first rate), since that is where the department adds rates.
    """
    rows, origin = read_rows(BASE_RATES_FILE, "valid_from", data_dir)
    return BaseRates(
        (
            BaseRate(
                dt.date.fromisoformat(row["valid_from"]),
                Decimal(row["rate_percent"]),
                row.get("source", ""),
            )
            for row in rows
        ),
        origin=str(origin),
    )


def interest(amount: Decimal, received_on: dt.date, until: dt.date, rates: BaseRates) -> Decimal:
    """§ 49a Abs. 4 with Abs. 3 VwVfG, exact (not rounded).

    For each day from the day after `received_on` up to and including `until`:
    amount × (base rate of that day + 5) / 100 / 365, summed.
    """
    first = received_on + dt.timedelta(days=1)
    if until < first or amount == 0:
        return Decimal(0)
    total = Decimal(0)
    for start, end, rate in rates.segments(first, until):
        days = (end - start).days + 1
        per_day = _CONTEXT.divide(
            _CONTEXT.multiply(amount, rate + INTEREST_POINTS_ABOVE_BASE), 100 * DAYS_PER_YEAR
        )
        total = _CONTEXT.add(total, _CONTEXT.multiply(per_day, days))
    return total


# --- Idle funds (expenditure basis) ----------------------------------------------------------


@dataclass(frozen=True)
class IdlePart:
    disbursement_id: str
    amount_eur: Decimal  # exact
    received_on: dt.date
    used_on: dt.date | None  # None: not used by the end date
    days_idle: int
    interest_eur: Decimal  # exact


def idle_funds(
    grant: GrantFacts,
    calls: Sequence[Call],
    vouchers: Sequence[Voucher],
    end_date: dt.date,
    rates: BaseRates,
) -> list[IdlePart]:
    """Idle parts of the funds called, first in, first out on running totals (section 4).

    The calls received up to `end_date`, in order of received_on, form the funds line; the
    vouchers up to `end_date`, in order of paid_on then expenditure_id, form the use line, each
    adding its grant share. The euro at position x is used on the later of its call's
    received_on and the first paid_on on which the use line reaches x. A part used after its
    use window, or not used by `end_date` although its window ended before, is idle (a part
    whose window is still open on `end_date` is not late yet). Parts of one call used on the
    same day form one idle part.
    """
    rules = grant.rules
    if rules.basis != "expenditure":
        return []
    steps = _use_steps(grant, vouchers, end_date)
    parts: dict[tuple[str, dt.date | None], Decimal] = {}
    calls_by_id: dict[str, Call] = {}
    step = 0
    for call, start, end in _funds_line(calls, end_date):
        window_end = rules.use_window_end(call.received_on)
        calls_by_id[call.disbursement_id] = call
        position = start
        # One pass over both lines: the use steps before `start` were consumed by earlier calls.
        while position < end:
            while step < len(steps) and steps[step][1] <= position:
                step += 1
            if step < len(steps):
                paid_on, reached = steps[step]
                used_on: dt.date | None = max(paid_on, call.received_on)
                upto = min(reached, end)
            else:
                used_on, upto = None, end
            late = used_on > window_end if used_on is not None else end_date > window_end
            if late:
                key = (call.disbursement_id, used_on)
                parts[key] = parts.get(key, Decimal(0)) + (upto - position)
            position = upto
    result = []
    for (disbursement_id, used_on), amount in parts.items():
        call = calls_by_id[disbursement_id]
        stop = used_on or end_date
        result.append(
            IdlePart(
                disbursement_id=disbursement_id,
                amount_eur=amount,
                received_on=call.received_on,
                used_on=used_on,
                days_idle=(stop - call.received_on).days,
                interest_eur=interest(amount, call.received_on, stop, rates),
            )
        )
    return result


def _funds_line(calls: Sequence[Call], end_date: dt.date) -> list[tuple[Call, Decimal, Decimal]]:
    """Each call received by `end_date` with its range (start, end] on the funds line."""
    in_order = sorted(
        (c for c in calls if c.received_on is not None and c.received_on <= end_date),
        key=lambda c: (c.received_on, c.disbursement_id),
    )
    line, position = [], Decimal(0)
    for call in in_order:
        line.append((call, position, position + call.amount_eur))
        position += call.amount_eur
    return line


def _use_steps(
    grant: GrantFacts, vouchers: Sequence[Voucher], end_date: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """Where the use line first reaches new ground: (paid_on, running maximum after it).

    The use line may fall back (corrections); a position counts as used on the first day the
    line reaches it, so only a new running maximum makes a step.
    """
    steps: list[tuple[dt.date, Decimal]] = []
    running = reached = Decimal(0)
    for voucher in eligible_vouchers(grant, vouchers, end_date):
        running += _CONTEXT.multiply(grant.funding_rate, eligible(grant, voucher))
        if running > reached:
            reached = running
            steps.append((voucher.paid_on, reached))
    return steps


# --- Premature calls (cost basis) --------------------------------------------------------------


@dataclass(frozen=True)
class PrematureCall:
    disbursement_id: str
    received_on: dt.date
    excess_eur: Decimal  # exact
    covered_on: dt.date | None
    days_until_covered: int | None
    interest_eur: Decimal  # exact


def premature_calls(
    grant: GrantFacts,
    calls: Sequence[Call],
    vouchers: Sequence[Voucher],
    end_date: dt.date,
    rates: BaseRates,
) -> list[PrematureCall]:
    """Calls on cost basis that ran ahead of the costs incurred (section 4).

    R = the sum received up to and including the call; U(d) = funding_rate × eligible costs
    with paid_on <= d. Premature when R > U(received_on): excess = min(amount, R − U(received_on)),
    covered on the first day d with U(d) >= R (by `end_date`), interest on the excess for each
    day after received_on up to and including d (or `end_date`).
    """
    if grant.rules.basis != "cost":
        return []
    uses = _use_line_by_day(grant, vouchers, end_date)
    result = []
    for call, _start, received_total in _funds_line(calls, end_date):
        used = _use_on(uses, call.received_on)
        if received_total <= used:
            continue
        excess = min(call.amount_eur, received_total - used)
        covered_on = next(
            (day for day, total in uses if day > call.received_on and total >= received_total),
            None,
        )
        stop = covered_on or end_date
        result.append(
            PrematureCall(
                disbursement_id=call.disbursement_id,
                received_on=call.received_on,
                excess_eur=excess,
                covered_on=covered_on,
                days_until_covered=(covered_on - call.received_on).days if covered_on else None,
                interest_eur=interest(excess, call.received_on, stop, rates),
            )
        )
    return result


def _use_line_by_day(
    grant: GrantFacts, vouchers: Sequence[Voucher], end_date: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """U(d) at each day a voucher was paid: (day, funding_rate × eligible up to that day)."""
    days: list[tuple[dt.date, Decimal]] = []
    total = Decimal(0)
    for voucher in eligible_vouchers(grant, vouchers, end_date):
        total += eligible(grant, voucher)
        share = _CONTEXT.multiply(grant.funding_rate, total)
        if days and days[-1][0] == voucher.paid_on:
            days[-1] = (voucher.paid_on, share)
        else:
            days.append((voucher.paid_on, share))
    return days


def _use_on(uses: list[tuple[dt.date, Decimal]], day: dt.date) -> Decimal:
    value = Decimal(0)
    for paid_on, total in uses:
        if paid_on > day:
            break
        value = total
    return value


# --- Deckungsmittel --------------------------------------------------------------------------


@dataclass(frozen=True)
class RevenueLine:
    kind: str
    planned_eur: Decimal
    actual_eur: Decimal | None  # None: no actual figure delivered yet


@dataclass(frozen=True)
class Revenues:
    lines: tuple[RevenueLine, ...]
    excess_eur: Decimal  # actual revenues above the plan (0 when within); Nr. 2 ANBest-P

    @property
    def exceeds_plan(self) -> bool:
        return self.excess_eur > 0


def revenues(items: Iterable[Revenue], last_year: int | None) -> Revenues:
    """Deckungsmittel planned vs actual per kind, for the years up to `last_year` (None: all).

    When the actual revenues exceed the plan, the grant may be reduced (Nr. 2 ANBest-P): the
    excess is the known actual revenues minus the plan of the same lines.
    """
    planned: dict[str, Decimal] = {}
    actual: dict[str, Decimal | None] = {}
    planned_known = actual_known = Decimal(0)
    for item in items:
        if last_year is not None and item.year > last_year:
            continue
        planned[item.kind] = planned.get(item.kind, Decimal(0)) + item.planned_eur
        if item.actual_eur is not None:
            actual[item.kind] = (actual.get(item.kind) or Decimal(0)) + item.actual_eur
            planned_known += item.planned_eur
            actual_known += item.actual_eur
        else:
            actual.setdefault(item.kind, None)
    lines = tuple(
        RevenueLine(kind, planned[kind], actual[kind])
        for kind in sorted(planned, key=lambda k: (REVENUE_KINDS.index(k), k))
    )
    return Revenues(lines, max(actual_known - planned_known, Decimal(0)))


# --- Report periods ----------------------------------------------------------------------------


def interim_due_on(year: int) -> dt.date:
    """Zwischennachweis for a calendar year: due 30 April of the next year."""
    return dt.date(year + 1, 4, 30)


# --- A report's figures ------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingInputs:
    """Everything the rules need of one grant, as the snapshot has it."""

    grant: GrantFacts
    plan: tuple[PlanLine, ...]
    vouchers: tuple[Voucher, ...]
    calls: tuple[Call, ...]
    revenues: tuple[Revenue, ...] = ()


def read_inputs(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, FundingInputs]:
    """The rules' inputs of every grant decided by `as_of`, as the snapshot `con` has them.

    One query (the shared macro `funding_inputs`): the vouchers paid and the calls requested up
    to `as_of` (a call received after it has no received_on yet), the financing plan and the
    Deckungsmittel of all years (the rules pick the years they judge). By grant_id.
    """
    install_shared_sql(con)
    result = con.execute("SELECT * FROM funding_inputs(?)", [as_of])
    columns = [column[0] for column in result.description or ()]
    return inputs_from_rows(dict(zip(columns, row, strict=True)) for row in result.fetchall())


def inputs_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, FundingInputs]:
    """The rows of the macro `funding_inputs` (further columns ignored) as inputs, by grant_id."""
    return {
        row["grant_id"]: FundingInputs(
            grant=GrantFacts(
                row["grant_id"],
                row["regime"],
                row["funding_rate"],
                row["approved_eur"],
                row["starts_on"],
                row["ends_on"],
                bool(row["vat_deductible"]),
            ),
            plan=tuple(PlanLine(**item) for item in row["plan"] or ()),
            vouchers=tuple(Voucher(**item) for item in row["vouchers"] or ()),
            calls=tuple(Call(**item) for item in row["calls"] or ()),
            revenues=tuple(Revenue(**item) for item in row["revenues"] or ()),
        )
        for row in rows
    }


@dataclass(frozen=True)
class FundingFigures:
    """The figures of one report (CONTRACT.md section 4, "The report's figures as data").

    Amounts are exact; `as_json` rounds each one half up to the cent, once.
    """

    grant: GrantFacts
    kind: ReportKind
    period: tuple[dt.date, dt.date]
    lines: tuple[Einzelansatz, ...]
    total_planned_eur: Decimal
    total_actual_eur: Decimal
    grant_share_eur: Decimal
    received_eur: Decimal
    refund_due_eur: Decimal | None
    idle_funds: tuple[IdlePart, ...]
    premature_calls: tuple[PrematureCall, ...]
    revenues: Revenues

    @property
    def interest_eur(self) -> Decimal:
        """Idle parts and premature calls together, from the exact figures (rounded by cents)."""
        return sum((p.interest_eur for p in (*self.idle_funds, *self.premature_calls)), Decimal(0))

    def as_json(self) -> dict[str, object]:
        """The `report --json` object, exactly as CONTRACT.md section 4 names its fields."""
        return {
            "grant_id": self.grant.grant_id,
            "kind": self.kind,
            "period_from": self.period[0].isoformat(),
            "period_to": self.period[1].isoformat(),
            "regime": self.grant.regime,
            "basis": self.grant.rules.basis,
            "lines": [
                {
                    "category": line.category,
                    "planned_eur": _money(line.planned_eur),
                    "actual_eur": _money(line.actual_eur),
                    "period_actual_eur": _money(line.period_actual_eur),
                    "deviation_share": _share(line.deviation_share),
                    "status": line.status,
                }
                for line in self.lines
            ],
            "total_planned_eur": _money(self.total_planned_eur),
            "total_actual_eur": _money(self.total_actual_eur),
            "grant_share_eur": _money(self.grant_share_eur),
            "received_eur": _money(self.received_eur),
            "refund_due_eur": _money(self.refund_due_eur),
            "idle_funds": [
                {
                    "disbursement_id": part.disbursement_id,
                    "amount_eur": _money(part.amount_eur),
                    "received_on": part.received_on.isoformat(),
                    "used_on": part.used_on.isoformat() if part.used_on else None,
                    "days_idle": part.days_idle,
                    "interest_eur": _money(part.interest_eur),
                }
                for part in self.idle_funds
            ],
            "interest_eur": _money(self.interest_eur),
            "premature_calls": [
                {
                    "disbursement_id": call.disbursement_id,
                    "excess_eur": _money(call.excess_eur),
                    "days_until_covered": call.days_until_covered,
                    "interest_eur": _money(call.interest_eur),
                }
                for call in self.premature_calls
            ],
            "revenues": [
                {
                    "kind": line.kind,
                    "planned_eur": _money(line.planned_eur),
                    "actual_eur": _money(line.actual_eur),
                }
                for line in self.revenues.lines
            ],
        }


def _money(amount: Decimal | None) -> str | None:
    """An amount as the interface writes it: a string with two decimals ("1234.50")."""
    return None if amount is None else f"{cents(amount):.2f}"


def _share(share: Decimal | None) -> float | None:
    return None if share is None else float(round(share, 6))


def report_period(grant: GrantFacts, kind: ReportKind, year: int | None) -> tuple[dt.date, dt.date]:
    """An interim report covers one calendar year clipped to the grant; a final one all of it."""
    if kind == "final":
        return grant.starts_on, grant.ends_on
    if year is None:
        raise ValueError("an interim report needs its year")
    return max(dt.date(year, 1, 1), grant.starts_on), min(dt.date(year, 12, 31), grant.ends_on)


def report_figures(
    inputs: FundingInputs,
    kind: ReportKind,
    period: tuple[dt.date, dt.date],
    rates: BaseRates,
    end_on: dt.date | None = None,
) -> FundingFigures:
    """Every figure of one report, each by its rule; cumulative from the grant's start.

    Idle parts and premature calls are those of the whole grant up to the end date, with
    days and interest counted to the day of use (or the end date): the figures as they stand
    at the end of the period. `end_on` moves the end date before the period's end, for a
    provisional report on a period not over yet (it stands on its snapshot's day).
    """
    grant, last = inputs.grant, period[1]
    end = last if end_on is None else min(last, end_on)
    lines = einzelansaetze(grant, inputs.plan, inputs.vouchers, period, kind)
    received_eur = received(inputs.calls, last)
    return FundingFigures(
        grant=grant,
        kind=kind,
        period=period,
        lines=tuple(lines),
        total_planned_eur=sum((line.planned_eur for line in lines), Decimal(0)),
        total_actual_eur=sum((line.actual_eur for line in lines), Decimal(0)),
        grant_share_eur=grant_share(grant, inputs.vouchers, period),
        received_eur=received_eur,
        refund_due_eur=(
            refund_due(grant, inputs.vouchers, received_eur) if kind == "final" else None
        ),
        idle_funds=tuple(idle_funds(grant, inputs.calls, inputs.vouchers, end, rates)),
        premature_calls=tuple(premature_calls(grant, inputs.calls, inputs.vouchers, end, rates)),
        revenues=revenues(inputs.revenues, None if kind == "final" else last.year),
    )
