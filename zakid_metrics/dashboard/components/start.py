"""The start page shown instead of any page while no warehouse is published yet."""

from __future__ import annotations

import contextlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from zakid_metrics.dashboard import data
from zakid_metrics.i18n import t
from zakid_metrics.settings import PROJECT_ROOT, get_settings

UPLOAD_PAGE = str(PROJECT_ROOT / "zakid_metrics/dashboard/app_pages/upload.py")


def require_snapshot(lang: str) -> data.SnapshotMeta:
    """The published snapshot; without one, explain how to load the sample and stop the page."""
    meta = data.snapshot_meta()
    if meta is not None:
        return meta
    data_dir = get_settings().data_dir
    st.header(t("start.title", lang))
    st.info(t("start.body", lang, data_dir=data_dir), icon=":material/info:")
    with contextlib.suppress(StreamlitAPIException):  # a role that may not upload sees no link
        st.page_link(UPLOAD_PAGE, label=t("start.upload", lang), icon=":material/upload_file:")
    st.markdown(t("start.make_run", lang))
    st.code("make run", language="bash")
    st.markdown(t("start.ingest", lang))
    st.code(f"python -m pipelines ingest data/sample --data-dir {data_dir}", language="bash")
    st.caption(t("start.own_delivery", lang))
    st.stop()
