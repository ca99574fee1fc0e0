"""Lehre: embedded-AI courses and their students by semester."""

import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.disclosure import TOTAL
from zakid_metrics.i18n import t

page = public.public_page("page.education")
lang, export = page.lang, page.export
page.tiles(["courses_offered", "students_enrolled", "students_completed"])

courses = export.table("courses")
st.header(t("public.education.by_semester", lang))
semesters = [s for s in dict.fromkeys(courses["semester"]) if s != TOTAL]
series, described = [], []
for measure in ("enrolled", "completed"):
    rows = public.cells(courses, measure=measure).set_index("semester").loc[semesters]
    name = t(f"public.measure.{measure}", lang)
    series.append((name, rows["value"], rows["suppressed"]))
    described += [
        (f"{semester} ({name})", public.show_value(v, s, "count", lang))
        for semester, v, s in zip(semesters, rows["value"], rows["suppressed"], strict=True)
    ]
public.bar_chart(
    semesters,
    series,
    lang,
    text=public.summary(t("public.education.by_semester", lang), described, lang),
    key="public_education.chart",
)
public.protected_table(
    courses, ["semester", "measure"], lang, alt=t("public.education.table", lang)
)
st.caption(t("public.education.note", lang))
public.to_open_data(lang)
