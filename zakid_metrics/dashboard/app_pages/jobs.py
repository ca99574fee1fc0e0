"""Arbeitsplätze: the jobs promise in detail: path, forecast, category, qualification, size."""

import streamlit as st

from zakid_metrics.contract import QUALIFICATIONS, SIZE_CLASSES
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.figures import bars_by
from zakid_metrics.dashboard.components.jobs import jobs_outlook
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.i18n import format_number, t
from zakid_metrics.settings import get_settings
from zakid_metrics.tallies import counts_by_company, in_order

page = kpi_page("jobs", sources=["jobs"])
lang, results, tile = page.lang, page.results, page.tile
settings = get_settings()

existing = results["jobs_external_existing"]
well_paid = results["jobs_well_paid_share"]
columns = st.columns(5)
with columns[0]:
    tile("jobs_project_related_created")
with columns[1]:
    tile("jobs_external_created")
with columns[2]:
    tile(
        "jobs_external_existing",
        note=t("jobs.fte_note", lang, fte=format_value(existing.details.get("fte"), "fte", lang)),
    )
with columns[3]:
    tile(
        "jobs_project_related_fte",
        note=page.note("jobs_project_related_fte", "jobs.fte_jobs", jobs="jobs"),
    )
with columns[4]:
    wage = format_value(well_paid.details.get("reference_wage_eur"), "eur", lang)
    if well_paid.value is None:
        tile(
            "jobs_well_paid_share",
            note=t(
                "jobs.well_paid_hidden",
                lang,
                k=settings.k_min,
                jobs=format_number(well_paid.details.get("jobs_with_salary"), lang),
            ),
        )
    else:
        tile(
            "jobs_well_paid_share",
            note=t(
                "jobs.well_paid_note",
                lang,
                well_paid=format_number(well_paid.details.get("well_paid"), lang),
                jobs=format_number(well_paid.details.get("jobs_with_salary"), lang),
                wage=wage,
            ),
        )

st.subheader(t("jobs.trajectory", lang))
jobs_outlook(results, page.dates, lang, "jobs.path")

left, right = st.columns(2)
with left:
    st.subheader(t("jobs.by_qualification", lang))
    frame = in_order(
        results["jobs_by_qualification"].breakdown,
        "qualification",
        QUALIFICATIONS,
        ("project_related", "external", "value"),
    )
    bars_by(
        frame,
        "qualification",
        [
            ("project_related", t("job_category.project_related", lang)),
            ("external", t("job_category.external", lang)),
        ],
        "jobs.by_qualification",
        lang,
        stacked=True,
    )
with right:
    st.subheader(t("jobs.by_size_class", lang))
    frame = counts_by_company(
        data.source_rows("jobs_external_created", *page.dates),
        data.entity_rows("companies"),
        "size_class",
        SIZE_CLASSES,
    )
    bars_by(
        frame,
        "size_class",
        [("value", t("jobs.external_jobs", lang))],
        "jobs.by_size_class",
        lang,
    )
    st.caption(t("jobs.by_size_class.caption", lang))
