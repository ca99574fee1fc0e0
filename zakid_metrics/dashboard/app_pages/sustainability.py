"""Nachhaltigkeit: which of the 17 goals the centre's projects serve, verified or not yet."""

import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.overview import goals_of_17
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.sdg_grid import coverage, sdg_grid
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import t
from zakid_metrics.sdg import GOALS

page = kpi_page("sustainability", sources=["sdg_contributions"])
lang, results = page.lang, page.results

contributions = results["sdg_contributions"]
page.tiles(
    ("sdg_goals_covered", {"value_text": goals_of_17(page)}),
    page.noted(
        "sdg_contributions",
        "sustainability.verified_note",
        verified="verified",
        unverified="unverified",
    ),
    page.noted("co2e_avoided_t_per_year", "sustainability.counted", contributions="contributions"),
    page.noted(
        "energy_saved_mwh_per_year", "sustainability.counted", contributions="contributions"
    ),
)

st.header(t("sustainability.grid", lang))
st.caption(t("sustainability.grid.caption", lang))
sdg_grid(coverage(contributions.breakdown), lang)

st.header(t("sustainability.by_goal", lang))
by_goal = contributions.breakdown[["sdg_goal", "verified", "unverified", "value"]]
goals = [charts.GoalStyle(g.number, g.colour, g.name(lang)) for g in GOALS]
show_chart(
    charts.sdg_contributions(
        by_goal,
        goals,
        lang,
        {
            "verified": t("sustainability.verified", lang),
            "unverified": t("sustainability.unverified", lang),
            "title": "",
        },
    ),
    by_goal,
    "sustainability.by_goal",
    lang,
)

st.header(t("sustainability.contributions", lang))
rows = data.source_rows("sdg_contributions", *page.dates)
kind = select_one(
    t("sustainability.filter", lang),
    ["all", "verified", "unverified"],
    key="sustainability.filter",
    lang=lang,
    format_func=lambda k: t(f"sustainability.filter.{k}", lang),
)
if kind != "all":
    rows = rows[rows["verified"] == (kind == "verified")]
download_table(
    rows[
        [
            "contribution_id",
            "project_id",
            "sdg_goal",
            "sdg_target",
            "indicator",
            "value",
            "unit",
            "reported_on",
            "verified",
            "evidence",
        ]
    ],
    "sustainability.contributions",
    lang,
    file_name=f"sdg_contributions_{kind}",
)
