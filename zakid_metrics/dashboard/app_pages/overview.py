"""Übersicht: the centre's promises at a glance, against their targets, and the jobs path."""

import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import as_of_and_period, dates_caption
from zakid_metrics.dashboard.components.jobs import jobs_outlook
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tiles import format_value, kpi_tile
from zakid_metrics.i18n import format_number, t
from zakid_metrics.kpis import Milestone
from zakid_metrics.sdg import GOAL_COUNT

lang = current_language()
st.title(t("page.overview", lang))
require_snapshot(lang)
dates = as_of_and_period(lang)
st.caption(dates_caption(dates, lang))
results = data.kpi_results(*dates)
status = data.entity_status()


def tile(kpi_id: str, **options: object) -> None:
    kpi_tile(results[kpi_id], lang, key=f"overview.{kpi_id}", dates=dates, status=status, **options)


first, second = st.columns(4), st.columns(4)
with first[0]:
    tile("jobs_project_related_created")
with first[1]:
    tile("jobs_external_created")
with first[2]:
    tile("companies_engaged")
with first[3]:
    sme = results["sme_share"]
    tile(
        "sme_share",
        note=t(
            "overview.sme_note",
            lang,
            smes=format_number(sme.details.get("smes"), lang),
            engaged=format_number(sme.details.get("engaged"), lang),
        ),
    )
with second[0]:
    tile("crafts_engaged")
with second[1]:
    tile("deployments_live")
with second[2]:
    covered = results["sdg_goals_covered"]
    tile(
        "sdg_goals_covered",
        value_text=t(
            "overview.sdg_of",
            lang,
            covered=format_number(covered.value, lang),
            goals=GOAL_COUNT,
        ),
        note=t(
            "overview.sdg_note",
            lang,
            reported=format_number(covered.details.get("goals_reported"), lang),
        ),
    )
with second[3]:
    # Public funds used (vouchers times funding rate, at most the grant) against the grants.
    spent = results["public_cost_per_external_job"]
    drawn = results["funds_drawn"]
    approved = drawn.details.get("approved_eur")
    kpi_tile(
        spent,
        lang,
        key="overview.funds_used",
        dates=dates,
        status=status,
        label=t("overview.funds_used", lang),
        value=spent.details.get("public_spent_eur"),
        unit="eur",
        final=None if not approved else Milestone(dates.period[1], float(approved)),
        target_text=t(
            "overview.funds_approved", lang, approved=format_value(approved, "eur", lang)
        ),
        note=t(
            "overview.funds_note",
            lang,
            spent=format_value(results["budget_utilisation"].details.get("spent_eur"), "eur", lang),
        ),
        also=(drawn.kpi,),
    )

st.subheader(t("overview.jobs_path", lang))
st.caption(t("overview.jobs_path.caption", lang))
jobs_outlook(results, dates, lang, "overview.jobs_path")
