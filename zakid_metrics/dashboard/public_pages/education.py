"""Lehre: embedded-AI courses and their students by semester."""

import streamlit as st

from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.public import (
    as_of_caption,
    bar_chart,
    cells,
    protected_table,
    require_export,
    show_value,
    summary,
    tiles,
    to_open_data,
)
from zakid_metrics.disclosure import TOTAL
from zakid_metrics.i18n import t

lang = current_language()
st.title(t("page.education", lang))
export = require_export(lang)
as_of_caption(export, lang)
tiles(export, ["courses_offered", "students_enrolled", "students_completed"], lang)

courses = export.table("courses")
st.subheader(t("public.education.by_semester", lang))
semesters = [s for s in dict.fromkeys(courses["semester"]) if s != TOTAL]
series, described = [], []
for measure in ("enrolled", "completed"):
    rows = cells(courses, measure=measure).set_index("semester").loc[semesters]
    name = t(f"public.measure.{measure}", lang)
    series.append((name, rows["value"], rows["suppressed"]))
    described += [
        (f"{semester} ({name})", show_value(v, s, "count", lang))
        for semester, v, s in zip(semesters, rows["value"], rows["suppressed"], strict=True)
    ]
bar_chart(
    semesters,
    series,
    lang,
    text=summary(t("public.education.by_semester", lang), described, lang),
    key="public_education.chart",
)
protected_table(courses, ["semester", "measure"], lang, alt=t("public.education.table", lang))
st.caption(t("public.education.note", lang))
to_open_data(lang)
