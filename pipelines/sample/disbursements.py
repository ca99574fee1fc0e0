"""Calls for funds: requested every two months for what is spent within the drawdown window."""

from __future__ import annotations

import datetime as dt
import random

from pipelines.sample.dates import SAMPLE_AS_OF, add_months, days, workday_on_or_after
from pipelines.sample.grants import GRANTS
from pipelines.sample.planted import is_planted
from pipelines.sample.rows import Eur, Row

# Month of the first request (2024); a call follows every two months.
FIRST_CALL_MONTH = {"SDU": 8, "IMS": 7, "UDE": 8, "KRO": 8}
# Fraunhofer's latest call is still in transit.
PENDING_CALL = ("IMS", dt.date(2026, 11, 16))
# One call asks for far more than is spent within its window: idle funds.
IDLE_CALL = ("UDE", 7)
_IDLE_FACTOR = 1.45


def disbursement_rows(rng: random.Random, expenditures: list[Row]) -> list[Row]:
    payments: dict[object, list[tuple[dt.date, int]]] = {}
    for row in expenditures:
        paid_on, amount = row["paid_on"], row["amount_eur"]
        if not is_planted(row) and isinstance(paid_on, dt.date) and isinstance(amount, Eur):
            payments.setdefault(row["grant_id"], []).append((paid_on, amount.cents))
    rows: list[Row] = []
    for grant in GRANTS:
        calls: list[tuple[dt.date, dt.date | None]] = []
        month = dt.date(2024, FIRST_CALL_MONTH[grant.code], 1)
        while month <= SAMPLE_AS_OF:
            if grant.code == PENDING_CALL[0] and month == PENDING_CALL[1].replace(day=1):
                calls.append((PENDING_CALL[1], None))
            else:
                requested = workday_on_or_after(month + days(rng.randint(2, 11)))
                calls.append((requested, workday_on_or_after(requested + days(rng.randint(3, 8)))))
            month = add_months(month, 2)
        paid = payments[grant.grant_id]
        for number, (requested, received) in enumerate(calls, start=1):
            start = received or requested
            # The window ends early where the next call takes over, so no payment counts twice.
            window_end = start + days(grant.window_days)
            if number < len(calls):
                window_end = min(window_end, calls[number][1] or calls[number][0])
            if start + days(grant.window_days) <= SAMPLE_AS_OF:
                # What is paid within the drawdown window after receipt.
                need = sum(cents for day, cents in paid if start <= day < window_end)
                amount = int(need * grant.funding_rate) // 10_000 * 10_000
            else:
                # A recent call: the need forecast from the last three months.
                recent = sum(c for day, c in paid if (SAMPLE_AS_OF - day).days < 91)
                amount = (
                    int(recent * grant.funding_rate * grant.window_days / 91) // 100_000 * 100_000
                )
            if (grant.code, number) == IDLE_CALL:
                amount = round(amount * _IDLE_FACTOR / 10_000) * 10_000
            rows.append(
                {
                    "disbursement_id": f"MA-{grant.code}-{number:02d}",
                    "grant_id": grant.grant_id,
                    "requested_on": requested,
                    "received_on": received,
                    "amount_eur": Eur(amount),
                }
            )
    return rows
