"""The overview's tiles, taken from the registry: every KPI whose header says `overview: N`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from zakid_metrics import kpis
from zakid_metrics.dashboard.components.page import Page
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.i18n import format_number, t
from zakid_metrics.kpis import Kpi, Milestone, overview_ids
from zakid_metrics.sdg import GOAL_COUNT

TILES_PER_ROW = 4


def _sme_note(page: Page) -> dict[str, Any]:
    return {"note": page.note("sme_share", "overview.sme_note", smes="smes", engaged="engaged")}


def goals_of_17(page: Page) -> str:
    """The value of sdg_goals_covered's tile: the goals covered of all 17."""
    covered = page.results["sdg_goals_covered"].value
    return t(
        "overview.sdg_of", page.lang, covered=format_number(covered, page.lang), goals=GOAL_COUNT
    )


def _goals_note(page: Page) -> dict[str, Any]:
    return {
        "value_text": goals_of_17(page),
        "note": page.note("sdg_goals_covered", "overview.sdg_note", reported="goals_reported"),
    }


def _funds_used(page: Page) -> dict[str, Any]:
    """Public funds used (vouchers times funding rate, at most the grant) against the grants."""
    lang, results = page.lang, page.results
    spent, drawn = results["public_cost_per_external_job"], results["funds_drawn"]
    approved = drawn.details.get("approved_eur")
    return {
        "key": "funds_used",
        "label": t("overview.funds_used", lang),
        "value": spent.details.get("public_spent_eur"),
        "unit": "eur",
        "final": None if not approved else Milestone(page.dates.period[1], float(approved)),
        "target_text": t(
            "overview.funds_approved", lang, approved=format_value(approved, "eur", lang)
        ),
        "note": t(
            "overview.funds_note",
            lang,
            spent=format_value(results["budget_utilisation"].details.get("spent_eur"), "eur", lang),
        ),
        "also": (drawn.kpi,),
    }


# The tiles that say more than their KPI's value, by KPI id: the options each passes to the
# tile. Any other KPI marked `overview: N` shows as a plain tile.
SPECIAL_TILES: dict[str, Callable[[Page], dict[str, Any]]] = {
    "sme_share": _sme_note,
    "sdg_goals_covered": _goals_note,
    "public_cost_per_external_job": _funds_used,
}


def overview_tiles(page: Page, registry: Mapping[str, Kpi] = kpis.KPIS) -> None:
    """The overview KPIs of `registry` as tiles, TILES_PER_ROW to a row."""
    ids = overview_ids(registry)
    for first in range(0, len(ids), TILES_PER_ROW):
        row = ids[first : first + TILES_PER_ROW]
        for column, kpi_id in zip(st.columns(TILES_PER_ROW), row, strict=False):
            with column:
                special = SPECIAL_TILES.get(kpi_id)
                page.tile(kpi_id, **(special(page) if special else {}))
