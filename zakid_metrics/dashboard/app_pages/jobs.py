"""Arbeitsplätze: the jobs promise in detail: path, forecast, category, qualification, size."""

import streamlit as st

from zakid_metrics.contract import QUALIFICATIONS, SIZE_CLASSES
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.figures import bars_section
from zakid_metrics.dashboard.components.jobs import jobs_outlook
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.i18n import format_number, t
from zakid_metrics.settings import get_settings
from zakid_metrics.tallies import counts_by_company, in_order

page = kpi_page("jobs", sources=["jobs"])
lang, results = page.lang, page.results
settings = get_settings()
SEGMENT_KEY = "jobs.segment"
companies = data.entity_rows("companies")

fte = format_value(results["jobs_external_existing"].details.get("fte"), "fte", lang)
well_paid = results["jobs_well_paid_share"]
jobs_with_salary = format_number(well_paid.details.get("jobs_with_salary"), lang)
if well_paid.value is None:
    well_paid_note = t("jobs.well_paid_hidden", lang, k=settings.k_min, jobs=jobs_with_salary)
else:
    well_paid_note = t(
        "jobs.well_paid_note",
        lang,
        well_paid=format_number(well_paid.details.get("well_paid"), lang),
        jobs=jobs_with_salary,
        wage=format_value(well_paid.details.get("reference_wage_eur"), "eur", lang),
    )
page.tiles(
    "jobs_project_related_created",
    "jobs_external_created",
    ("jobs_external_existing", {"note": t("jobs.fte_note", lang, fte=fte)}),
    page.noted("jobs_project_related_fte", "jobs.fte_jobs", jobs="jobs"),
    ("jobs_well_paid_share", {"note": well_paid_note}),
)

st.header(t("jobs.trajectory", lang))
jobs_outlook(results, page.dates, lang, "jobs.path")

left, right = st.columns(2)
with left:
    frame = in_order(
        results["jobs_by_qualification"].breakdown,
        "qualification",
        QUALIFICATIONS,
        ("project_related", "external", "value"),
    )
    bars_section(
        "jobs.by_qualification",
        frame,
        "qualification",
        [
            ("project_related", t("job_category.project_related", lang)),
            ("external", t("job_category.external", lang)),
        ],
        lang,
        stacked=True,
        segment_key=SEGMENT_KEY,
    )
with right:
    frame = counts_by_company(
        data.source_rows("jobs_external_created", *page.dates),
        companies,
        "size_class",
        SIZE_CLASSES,
    )
    bars_section(
        "jobs.by_size_class",
        frame,
        "size_class",
        t("jobs.external_jobs", lang),
        lang,
        caption=True,
        segment_key=SEGMENT_KEY,
    )

# Drill-down: the jobs created up to the as-of day of one qualification, or (external jobs) of
# one company size class; a click on a bar above chooses the same.
st.subheader(t("jobs.drilldown", lang))
st.caption(t("jobs.drilldown.click", lang))
segments = [("qualification", q) for q in QUALIFICATIONS] + [
    ("size_class", s) for s in SIZE_CLASSES
]
dimension, value = select_one(
    t("jobs.segment", lang),
    segments,
    key=SEGMENT_KEY,
    lang=lang,
    format_func=lambda segment: (
        f"{t(f'column.{segment[0]}', lang)}: {t(f'{segment[0]}.{segment[1]}', lang)}"
    ),
)
jobs = data.source_rows("jobs_by_qualification", *page.dates)
names = companies.set_index("company_id")
jobs = jobs.assign(
    company=jobs["company_id"].map(names["name"]),
    size_class=jobs["company_id"].map(names["size_class"]),
)
chosen = jobs[jobs[dimension] == value]
st.markdown(t("jobs.segment_summary", lang, jobs=format_number(len(chosen), lang)))
download_table(
    chosen[
        [
            "job_id",
            "category",
            "qualification",
            "company",
            "size_class",
            "created_on",
            "ended_on",
            "fte",
        ]
    ],
    "jobs.segment_jobs",
    lang,
    values={
        "category": "job_category",
        "qualification": "qualification",
        "size_class": "size_class",
    },
    file_name="jobs_segment",
    source_rows=True,
)
