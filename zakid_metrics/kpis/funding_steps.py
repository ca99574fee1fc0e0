"""The funding KPIs' postprocess steps: each grant's inputs, as the KPI's SQL returns them (the
shared macro `funding_inputs`), through the rules of zakid_metrics.funding. No figure is
computed here a second way: each comes from a rule, rounded half up to the cent once (`cents`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from zakid_metrics import funding
from zakid_metrics.errors import BaseRateMissingError
from zakid_metrics.funding import FundingInputs, cents
from zakid_metrics.kpis.forecast import Milestone
from zakid_metrics.settings import get_settings

Records = list[dict[str, Any]]
Milestones = Mapping[str, tuple[Milestone, ...]]
# The one parameter of the steps that is no SQL parameter: the base rates for the interest
# (default: the shipped ones, extended by DATA_DIR/reference/base_rates.csv).
BASE_RATES = "base_rates"


def _inputs(rows: Records) -> dict[str, FundingInputs]:
    """The grants' inputs; a row without a grant (a scalar KPI's outer join) is none."""
    return funding.inputs_from_rows(row for row in rows if row["grant_id"] is not None)


def _money(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else cents(amount)


def budget_line_deviation(rows: Records, params: Mapping[str, Any], _: Milestones) -> Records:
    """Every Einzelansatz with its status, as an interim view at min(period end, as-of date):
    the plan of the grant's years up to that day, the eligible actuals from the grant's start
    to it, the period's own actuals from the period's start (funding.einzelansaetze)."""
    day = min(params["as_of"], params["period_to"])
    lines: Records = []
    for grant_id, inputs in _inputs(rows).items():
        grant = inputs.grant
        period = (max(params["period_from"], grant.starts_on), min(day, grant.ends_on))
        if period[0] > period[1]:
            continue  # the period lies before the grant's start or after its end
        for line in funding.einzelansaetze(grant, inputs.plan, inputs.vouchers, period, "interim"):
            share = line.deviation_share
            lines.append(
                {
                    "grant_id": grant_id,
                    "category": line.category,
                    "value": None if share is None else float(share),
                    "planned_eur": cents(line.planned_eur),
                    "actual_eur": cents(line.actual_eur),
                    "period_actual_eur": cents(line.period_actual_eur),
                    "status": line.status,
                }
            )
    return lines


def funds_drawn(rows: Records, params: Mapping[str, Any], _: Milestones) -> Records:
    """Per grant on the as-of date: funds received (funding.received) against the amount
    approved, the calls still in transit, the grant share C(as_of) with the cap
    (funding.cumulative_share) and, once the grant has ended, the refund due
    (funding.refund_due); the total row sums them."""
    as_of = params["as_of"]
    result: Records = []
    totals = dict.fromkeys(("value", "approved_eur", "pending_eur", "grant_share_eur"), Decimal(0))
    refunds: list[Decimal] = []
    for grant_id, inputs in _inputs(rows).items():
        grant = inputs.grant
        received = funding.received(inputs.calls, as_of)
        pending = sum(
            (c.amount_eur for c in inputs.calls if c.received_on is None or c.received_on > as_of),
            Decimal(0),
        )
        share = funding.cumulative_share(grant, inputs.vouchers, as_of)
        refund = (
            funding.refund_due(grant, inputs.vouchers, received) if grant.ends_on <= as_of else None
        )
        if refund is not None:
            refunds.append(refund)
        figures = {
            "value": received,
            "approved_eur": grant.approved_eur,
            "pending_eur": pending,
            "grant_share_eur": share,
        }
        for name, amount in figures.items():
            totals[name] += amount
        result.append(_drawn_row(grant_id, figures, refund))
    total_refund = sum(refunds, Decimal(0)) if refunds else None
    return [*result, _drawn_row(None, totals, total_refund)]


def _drawn_row(
    grant_id: str | None, figures: Mapping[str, Decimal], refund: Decimal | None
) -> dict[str, Any]:
    approved = figures["approved_eur"]
    return {
        "grant_id": grant_id,
        "value": cents(figures["value"]),
        "approved_eur": cents(approved),
        "drawn_share": float(figures["value"] / approved) if approved else None,
        "pending_eur": cents(figures["pending_eur"]),
        "grant_share_eur": cents(figures["grant_share_eur"]),
        "refund_due_eur": _money(refund),
    }


def idle_funds(rows: Records, params: Mapping[str, Any], _: Milestones) -> Records:
    """On the as-of date: the idle parts of the calls on expenditure basis (funding.idle_funds)
    and the premature calls on cost basis (funding.premature_calls), each with its amount,
    days and § 49a VwVfG interest; the total row sums amounts and interest from the exact
    figures. Without the base rate of a day the interest needs, only the total row, its value
    None and `base_rate_missing_on` naming the day (BaseRateMissingError says how to add it)."""
    as_of = params["as_of"]
    rates = params.get(BASE_RATES) or funding.load_base_rates(get_settings().data_dir)
    result: Records = []
    idle = premature = interest = Decimal(0)
    try:
        for grant_id, inputs in _inputs(rows).items():
            grant, calls, vouchers = inputs.grant, inputs.calls, inputs.vouchers
            for part in funding.idle_funds(grant, calls, vouchers, as_of, rates):
                idle += part.amount_eur
                interest += part.interest_eur
                result.append(
                    _idle_row(grant_id, part.disbursement_id, "idle", part.used_on, part.amount_eur)
                    | {
                        "received_on": part.received_on,
                        "days_idle": part.days_idle,
                        "days_until_covered": None,
                        "interest_eur": cents(part.interest_eur),
                    }
                )
            for call in funding.premature_calls(grant, calls, vouchers, as_of, rates):
                premature += call.excess_eur
                interest += call.interest_eur
                result.append(
                    _idle_row(grant_id, call.disbursement_id, "premature", call.covered_on,
                              call.excess_eur)
                    | {
                        "received_on": call.received_on,
                        "days_idle": None,
                        "days_until_covered": call.days_until_covered,
                        "interest_eur": cents(call.interest_eur),
                    }
                )  # fmt: skip
    except BaseRateMissingError as error:
        return [_idle_total(None, None, None, None, error.params["day"])]
    result.sort(key=_idle_order)
    return [*result, _idle_total(idle + premature, idle, premature, interest, None)]


def _idle_order(row: Mapping[str, Any]) -> tuple[Any, ...]:
    used_on = row["used_on"]
    return (row["grant_id"], row["received_on"], row["disbursement_id"], row["kind"],
            used_on is None, used_on or dt.date.min)  # fmt: skip


def _idle_row(
    grant_id: str, disbursement_id: str, kind: str, used_on: dt.date | None, amount: Decimal
) -> dict[str, Any]:
    return {
        "grant_id": grant_id,
        "disbursement_id": disbursement_id,
        "kind": kind,
        "used_on": used_on,
        "value": cents(amount),
        "idle_eur": None,
        "premature_eur": None,
        "base_rate_missing_on": None,
    }


def _idle_total(
    value: Decimal | None,
    idle: Decimal | None,
    premature: Decimal | None,
    interest: Decimal | None,
    missing: str | None,
) -> dict[str, Any]:
    return {
        "grant_id": None,
        "disbursement_id": None,
        "kind": None,
        "used_on": None,
        "value": _money(value),
        "idle_eur": _money(idle),
        "premature_eur": _money(premature),
        "base_rate_missing_on": None if missing is None else dt.date.fromisoformat(missing),
        "received_on": None,
        "days_idle": None,
        "days_until_covered": None,
        "interest_eur": _money(interest),
    }


def public_cost_per_external_job(
    rows: Records, params: Mapping[str, Any], _: Milestones
) -> Records:
    """The public funds spent, the grants' shares C(as_of) with the cap summed
    (funding.cumulative_share), divided by the external jobs created; no value without jobs."""
    as_of = params["as_of"]
    spent = sum(
        (
            funding.cumulative_share(inputs.grant, inputs.vouchers, as_of)
            for inputs in _inputs(rows).values()
        ),
        Decimal(0),
    )
    jobs = rows[0]["jobs_external_created"]
    return [
        {
            "value": cents(spent / jobs) if jobs else None,
            "public_spent_eur": cents(spent),
            "jobs_external_created": jobs,
        }
    ]


STEPS = {
    "funding_budget_lines": budget_line_deviation,
    "funding_funds_drawn": funds_drawn,
    "funding_idle_funds": idle_funds,
    "funding_public_cost": public_cost_per_external_job,
}
