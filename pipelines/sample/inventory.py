"""The inventory list: every item bought on an investment voucher above 800 EUR net."""

from __future__ import annotations

from pipelines.sample.catalogue import CATALOGUE
from pipelines.sample.grants import ALL_GRANTS
from pipelines.sample.planted import is_planted
from pipelines.sample.rows import Eur, Row
from zakid_metrics.contract import INVENTORY_NET_OVER_EUR

_VAT_PERCENT = 19  # on equipment, where a voucher does not list its input VAT


def inventory_rows(expenditures: list[Row]) -> list[Row]:
    grants = {grant.grant_id: grant for grant in ALL_GRANTS}
    rows: list[Row] = []
    for voucher in expenditures:
        amount, vat = voucher["amount_eur"], voucher["vat_eur"]
        if is_planted(voucher) or voucher["category"] != "investment":
            continue
        assert isinstance(amount, Eur)
        net = (
            amount.cents - vat.cents
            if isinstance(vat, Eur)
            else round(amount.cents * 100 / (100 + _VAT_PERCENT))
        )
        if net <= INVENTORY_NET_OVER_EUR * 100:
            continue
        grant = grants[str(voucher["grant_id"])]
        number = sum(1 for row in rows if row["grant_id"] == grant.grant_id) + 1
        rows.append(
            {
                "item_id": f"INV-{grant.code}-{number:03d}",
                "grant_id": grant.grant_id,
                "expenditure_id": voucher["expenditure_id"],
                "description": voucher["description"],
                "acquired_on": voucher["paid_on"],
                "net_eur": Eur(net),
                "location": CATALOGUE["locations"][grant.code],
            }
        )
    return rows
