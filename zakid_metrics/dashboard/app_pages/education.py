"""Bildung: embedded-AI courses, and students enrolled and completed, by semester."""

import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import as_of_and_period, dates_caption
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import kpi_tile, missing_data_note
from zakid_metrics.i18n import format_number, t

lang = current_language()
st.title(t("page.education", lang))
require_snapshot(lang)
dates = as_of_and_period(lang)
st.caption(dates_caption(dates, lang))
results = data.kpi_results(*dates)
status = data.entity_status()
missing_data_note(["courses"], status, lang)


def tile(kpi_id: str, **options: object) -> None:
    kpi_tile(
        results[kpi_id], lang, key=f"education.{kpi_id}", dates=dates, status=status, **options
    )


completed = results["students_completed"]
enrolled = results["students_enrolled"]
columns = st.columns(3)
with columns[0]:
    tile("courses_offered")
with columns[1]:
    tile(
        "students_enrolled",
        note=t(
            "education.courses", lang, courses=format_number(enrolled.details.get("courses"), lang)
        ),
    )
with columns[2]:
    tile(
        "students_completed",
        note=t(
            "education.reported",
            lang,
            courses=format_number(completed.details.get("courses_reported"), lang),
        ),
    )

st.subheader(t("education.by_semester", lang))
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

st.subheader(t("education.courses_table", lang))
courses = data.source_rows("courses_offered", *dates)
download_table(
    courses[["course_id", "title", "institution", "semester", "ects", "enrolled", "completed"]],
    "education.courses",
    lang,
)
