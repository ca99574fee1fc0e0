"""Unternehmen & Projekte: who takes part, how projects progress, and a drill-down by segment."""

import streamlit as st

from zakid_metrics import charts
from zakid_metrics.contract import PARTNERS, SIZE_CLASSES, USE_CASES
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components import url_state
from zakid_metrics.dashboard.components.choice import choose, select_one
from zakid_metrics.dashboard.components.figures import bars_section, show_chart
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import format_number, t
from zakid_metrics.segments import (
    SEGMENTS,
    Segment,
    project_partners,
    segment_rows,
    size_class_basis,
)
from zakid_metrics.tallies import counts, in_order

FUNNEL = ("inquiry", "feasibility", "pilot", "production", "completed")

page = kpi_page("companies", sources=["companies", "projects"])
lang, results = page.lang, page.results

page.tiles(
    "companies_engaged",
    "sme_share",
    "crafts_engaged",
    page.noted("startups_engaged", "companies.spinoffs", spinoffs="ude_spinoffs"),
)
page.tiles(
    page.noted(
        "companies_in_duisburg_share", "companies.of_engaged", part="in_duisburg", whole="engaged"
    ),
    page.noted("ude_research_transfer", "companies.of_projects", projects="projects"),
    page.noted(
        "pilot_to_production_rate",
        "companies.pilots",
        production="reached_production",
        pilot="reached_pilot",
    ),
    "time_to_production_days",
)

companies = data.source_rows("companies_engaged", *page.dates)
projects = data.source_rows("projects_by_status", *page.dates)
SEGMENT_KEY = "companies.segment"

left, right = st.columns(2)
with left:
    frame = in_order(
        results["companies_engaged"].breakdown,
        "size_class",
        SIZE_CLASSES,
        ("value", "by_headcount_only"),
    )
    bars_section(
        "companies.by_size",
        frame,
        "size_class",
        t("companies.companies", lang),
        lang,
        segment_key=SEGMENT_KEY,
    )
    st.caption(
        t(
            "companies.headcount_only",
            lang,
            companies=format_number(frame["by_headcount_only"].sum(), lang),
        )
        + " "
        + page.note(
            "companies_engaged",
            "companies.sme_exceptions",
            group="from_group",
            public="public_control",
        )
    )
with right:
    st.header(t("companies.funnel", lang))
    by_status = results["projects_by_status"].breakdown
    funnel = in_order(by_status, "status", FUNNEL)
    show_chart(
        charts.funnel([t(f"project_status.{s}", lang) for s in FUNNEL], funnel["value"], lang, ""),
        funnel,
        "companies.funnel",
        lang,
        values={"status": "project_status"},
        on_pick=lambda index: choose(SEGMENT_KEY, ("status", FUNNEL[index])),
    )
    st.caption(
        t(
            "companies.funnel.caption",
            lang,
            cancelled=format_number(in_order(by_status, "status", ["cancelled"])["value"][0], lang),
        )
    )

left, right = st.columns(2)
projects_label = t("companies.projects", lang)
with left:
    frame = counts(projects["use_case"], USE_CASES, "use_case").sort_values(
        "value", ascending=False
    )
    bars_section(
        "companies.use_cases",
        frame,
        "use_case",
        projects_label,
        lang,
        horizontal=True,
        segment_key=SEGMENT_KEY,
    )
with right:
    frame = counts(project_partners(projects)["partner"], PARTNERS, "partner")
    bars_section(
        "companies.partners",
        frame,
        "partner",
        projects_label,
        lang,
        horizontal=True,
        caption=True,
        segment_key=SEGMENT_KEY,
    )

# Drill-down: one segment, by a company's or a project's attribute, lists both sides.
st.header(t("companies.drilldown", lang))
value_prefix = {
    "size_class": "size_class",
    "use_case": "use_case",
    "status": "project_status",
    "partner": "partner",
}


def segment_label(segment: Segment) -> str:
    dimension, value = segment
    if dimension in value_prefix:
        return f"{t(f'segment.{dimension}', lang)}: {t(f'{value_prefix[dimension]}.{value}', lang)}"
    return t(f"segment.{dimension}", lang)


st.caption(t("companies.drilldown.click", lang))
segment = select_one(
    t("companies.segment", lang),
    list(SEGMENTS),
    key=SEGMENT_KEY,
    lang=lang,
    url=url_state.SEGMENT,
    format_func=segment_label,
)
in_companies, in_projects = segment_rows(segment, companies, projects)
st.markdown(
    t(
        "companies.segment_summary",
        lang,
        companies=format_number(len(in_companies), lang),
        projects=format_number(len(in_projects), lang),
    )
)
company_table = in_companies.assign(size_class_basis=size_class_basis(in_companies))[
    [
        "company_id",
        "name",
        "size_class",
        "size_class_basis",
        "employees",
        "postal_code",
        "is_craft",
        "is_startup",
        "ude_spinoff",
        "joined_on",
        "projects",
    ]
]
download_table(
    company_table,
    "companies.segment_companies",
    lang,
    values={"size_class": "size_class", "size_class_basis": "size_class_basis"},
    file_name="companies_segment",
)
project_table = in_projects[
    [
        "project_id",
        "title",
        "company",
        "use_case",
        "status",
        "partner",
        "started_on",
        "ended_on",
        "public_funding_eur",
        "own_contribution_eur",
    ]
]
download_table(
    project_table,
    "companies.segment_projects",
    lang,
    values={"use_case": "use_case", "status": "project_status"},
    file_name="projects_segment",
)
