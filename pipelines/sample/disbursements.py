"""Calls for funds every two months, for what the rules of the grant's regime allow
(zakid_metrics.funding): on expenditure basis for the payments due within the use window after
receipt, on cost basis for the costs already incurred. A call asks for the grant share reached
by then less what was called before, rounded down to 10 000 EUR; two calls break the rule."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pipelines.sample.concept import concept_disbursement_rows
from pipelines.sample.dates import SAMPLE_AS_OF, add_months, days, workday_on_or_after
from pipelines.sample.grants import GRANTS, Grant
from pipelines.sample.planted import is_planted
from pipelines.sample.rows import Eur, Row
from zakid_metrics.funding import Voucher, cumulative_share

# Month of the first request (2024); a call follows every two months.
FIRST_CALL_MONTH = {"SDU": 8, "IMS": 7, "UDE": 8, "KRO": 8}
# Fraunhofer's latest call is still in transit.
PENDING_CALL = ("IMS", dt.date(2026, 11, 16))
# One call asks for far more than is spent within its window: idle funds with interest.
IDLE_CALL = ("UDE", 7)
_IDLE_FACTOR = 1.45
# One call on cost basis asks for the costs of the two months to come: a premature call.
PREMATURE_CALL = ("KRO", 6)
_PREMATURE_AHEAD = days(61)
_STEP_CENTS = 1_000_000  # calls in whole 10 000 EUR
_RECENT = days(91)


def _vouchers(expenditures: list[Row]) -> dict[object, list[Voucher]]:
    """The valid vouchers per grant as the funding rules take them."""
    found: dict[object, list[Voucher]] = {}
    for row in expenditures:
        amount, vat = row["amount_eur"], row["vat_eur"]
        if is_planted(row) or not isinstance(amount, Eur):
            continue
        found.setdefault(row["grant_id"], []).append(
            Voucher(
                str(row["expenditure_id"]),
                str(row["category"]),
                row["paid_on"],  # type: ignore[arg-type]
                Decimal(amount.cents) / 100,
                Decimal(vat.cents) / 100 if isinstance(vat, Eur) else Decimal(0),
            )
        )
    return found


def disbursement_rows(rng: random.Random, expenditures: list[Row]) -> list[Row]:
    vouchers = _vouchers(expenditures)
    rows: list[Row] = []
    for grant in GRANTS:
        rows += _calls(rng, grant, vouchers[grant.grant_id])
    return rows + concept_disbursement_rows()


def _share(grant: Grant, paid: list[Voucher], day: dt.date) -> int:
    """The grant share C(day) in whole cents, rounded down."""
    return int(cumulative_share(grant.facts, paid, day) * 100)


def _calls(rng: random.Random, grant: Grant, paid: list[Voucher]) -> list[Row]:
    schedule: list[tuple[dt.date, dt.date | None]] = []
    month = dt.date(2024, FIRST_CALL_MONTH[grant.code], 1)
    while month <= SAMPLE_AS_OF:
        if grant.code == PENDING_CALL[0] and month == PENDING_CALL[1].replace(day=1):
            schedule.append((PENDING_CALL[1], None))
        else:
            requested = workday_on_or_after(month + days(rng.randint(2, 11)))
            schedule.append((requested, workday_on_or_after(requested + days(rng.randint(3, 8)))))
        month = add_months(month, 2)
    rows: list[Row] = []
    called = 0
    for number, (requested, received) in enumerate(schedule, start=1):
        # Expenditure basis: the payments due by the end of the use window after receipt; cost
        # basis: the costs incurred by the request.
        need_by = grant.facts.rules.use_window_end(received or requested) or requested
        if (grant.code, number) == PREMATURE_CALL:
            need_by = requested + _PREMATURE_AHEAD
        if need_by <= SAMPLE_AS_OF:
            amount = _share(grant, paid, need_by) - called
        else:
            # A recent call: what is due up to the export, and the rest of the window at the
            # pace of the last three months.
            now = _share(grant, paid, SAMPLE_AS_OF)
            pace = (now - _share(grant, paid, SAMPLE_AS_OF - _RECENT)) / _RECENT.days
            amount = now - called + int(pace * (need_by - SAMPLE_AS_OF).days)
        amount = amount // _STEP_CENTS * _STEP_CENTS
        if (grant.code, number) == IDLE_CALL:
            amount = round(amount * _IDLE_FACTOR / _STEP_CENTS) * _STEP_CENTS
        if amount <= 0:
            continue  # nothing to call: an earlier call ran ahead
        called += amount
        rows.append(
            {
                "disbursement_id": f"MA-{grant.code}-{len(rows) + 1:02d}",
                "grant_id": grant.grant_id,
                "requested_on": requested,
                "received_on": received,
                "amount_eur": Eur(amount),
            }
        )
    return rows
