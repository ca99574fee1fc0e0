"""The entry point: page setup, mode, language and navigation; everything else lives in pages."""

import streamlit as st

from zakid_metrics.dashboard.components.errors import error_boundary
from zakid_metrics.dashboard.components.language import language_switch
from zakid_metrics.dashboard.navigation import streamlit_pages
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings

st.set_page_config(
    page_title="ZaKI.D Wirkungsmonitor", page_icon=":material/memory:", layout="wide"
)
settings = get_settings()
with st.sidebar:
    lang = language_switch()

if settings.mode == "public":
    st.title(t("app.title", lang))
    st.info(t("app.public_not_built", lang), icon=":material/construction:")
else:
    with error_boundary(lang):
        st.navigation(streamlit_pages(lang)).run()
