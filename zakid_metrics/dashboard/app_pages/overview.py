"""Übersicht: the centre's promises at a glance, against their targets, and the jobs path."""

import streamlit as st

from zakid_metrics.dashboard.components.jobs import jobs_outlook
from zakid_metrics.dashboard.components.overview import overview_tiles
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.i18n import t

page = kpi_page("overview")
overview_tiles(page)

st.header(t("overview.jobs_path", page.lang))
st.caption(t("overview.jobs_path.caption", page.lang))
jobs_outlook(page.results, page.dates, page.lang, "overview.jobs_path")
