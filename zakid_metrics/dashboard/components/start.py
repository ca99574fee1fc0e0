"""The start page shown instead of any page while no warehouse is published yet."""

from __future__ import annotations

import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings


def require_snapshot(lang: str) -> data.SnapshotMeta:
    """The published snapshot; without one, explain how to load the sample and stop the page."""
    meta = data.snapshot_meta()
    if meta is not None:
        return meta
    data_dir = get_settings().data_dir
    st.subheader(t("start.title", lang))
    st.info(t("start.body", lang, data_dir=data_dir), icon=":material/info:")
    st.markdown(t("start.make_run", lang))
    st.code("make run", language="bash")
    st.markdown(t("start.ingest", lang))
    st.code(f"python -m pipelines ingest data/sample --data-dir {data_dir}", language="bash")
    st.caption(t("start.own_delivery", lang))
    st.stop()
