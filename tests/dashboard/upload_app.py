"""A harness for the upload test: the upload and data-quality pages without app.py's login."""

import streamlit as st

from zakid_metrics.dashboard.navigation import APP_PAGES

ROOT = "../.."  # page paths are relative to this script
st.navigation(
    [
        st.Page(f"{ROOT}/{APP_PAGES}/upload.py", url_path="upload"),
        st.Page(f"{ROOT}/{APP_PAGES}/data_status.py", url_path="data-status"),
    ]
).run()
