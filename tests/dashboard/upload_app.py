"""A harness for the upload test: the upload and data-quality pages without app.py's login."""

import streamlit as st

from zakid_metrics.dashboard.navigation import PAGES

ROOT = "../.."  # page paths are relative to this script
SHOWN = ("upload", "data-status")  # the harness opens on the first
by_path = {page.url_path: page for page in PAGES}
st.navigation([st.Page(f"{ROOT}/{by_path[path].script}", url_path=path) for path in SHOWN]).run()
