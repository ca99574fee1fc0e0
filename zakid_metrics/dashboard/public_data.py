"""Cached reads of the open-data export: the public app's only data, never the warehouse."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from zakid_metrics.open_data.read import Export, ExportId, export_id, read_export
from zakid_metrics.settings import get_settings


@st.cache_data(show_spinner=False, max_entries=4)
def _export(data_dir: str, identity: ExportId) -> Export:
    # `identity` is not used in the body: it is in the cache key, so a new export is a miss.
    return read_export(Path(data_dir))


def export() -> Export | None:
    """The published export, read once per export; None while there is none."""
    data_dir = get_settings().data_dir
    identity = export_id(data_dir)
    if identity is None:
        return None
    return _export(str(data_dir), identity)
