"""Charts on a page: the Plotly figure in the house theme, with its data as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from zakid_metrics.dashboard.components.tables import download_buttons, localize

# Streamlit's theme would override the house theme of zakid_metrics.charts.
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def show_chart(
    figure: go.Figure,
    frame: pd.DataFrame,
    key: str,
    lang: str,
    *,
    values: Mapping[str, str] | None = None,
    alt: str | None = None,
) -> None:
    """Draw `figure` and offer `frame`, the data it shows, for download (see tables.localize).

    `key` (page-prefixed) names the chart, its buttons and the downloaded files.
    """
    st.plotly_chart(figure, theme=None, key=key, config=CONFIG, alt=alt)
    download_buttons(
        localize(frame, lang, values), f"{key}.data", lang, file_name=key.replace(".", "_")
    )
