"""Bildung: embedded-AI courses, and students enrolled and completed, by semester."""

import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import t

page = kpi_page("education", sources=["courses"])
lang, results = page.lang, page.results

page.tiles(
    "courses_offered",
    page.noted("students_enrolled", "education.courses", courses="courses"),
    page.noted("students_completed", "education.reported", courses="courses_reported"),
)

st.header(t("education.by_semester", lang))
semesters = results["courses_offered"].breakdown[["semester", "value", "enrolled", "completed"]]
show_chart(
    charts.bars(
        semesters,
        "semester",
        [
            ("enrolled", t("education.enrolled", lang)),
            ("completed", t("education.completed", lang)),
        ],
        lang,
    ),
    semesters.rename(columns={"value": "courses"}),
    "education.by_semester",
    lang,
)
st.caption(t("education.by_semester.caption", lang))

st.header(t("education.courses_table", lang))
courses = data.source_rows("courses_offered", *page.dates)
download_table(
    courses[["course_id", "title", "institution", "semester", "ects", "enrolled", "completed"]],
    "education.courses",
    lang,
)
