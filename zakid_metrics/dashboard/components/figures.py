"""Charts on a page: the Plotly figure in the house theme, with its data as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard.components.choice import choose
from zakid_metrics.dashboard.components.tables import download_buttons, localize
from zakid_metrics.i18n import t

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
    on_pick: Callable[[int], None] | None = None,
) -> None:
    """Draw `figure` and offer `frame`, the data it shows, for download (see tables.localize).

    `key` (page-prefixed) names the chart, its buttons and the downloaded files. With
    `on_pick`, a click on a bar (or a point) calls it with the point's index, i.e. the row of
    `frame` it shows, before the page runs again: the drill-down by click.
    """
    if on_pick is None:
        st.plotly_chart(figure, theme=None, key=key, config=CONFIG, alt=alt)
    else:

        def picked() -> None:
            points = st.session_state[key].selection.points
            if points:
                on_pick(int(points[0]["point_index"]))

        st.plotly_chart(
            figure,
            theme=None,
            key=key,
            config=CONFIG,
            alt=alt,
            on_select=picked,
            selection_mode="points",
        )
    download_buttons(
        localize(frame, lang, values), f"{key}.data", lang, file_name=key.replace(".", "_")
    )


def bars_by(
    frame: pd.DataFrame,
    column: str,
    values: Sequence[tuple[str, str]],
    key: str,
    lang: str,
    *,
    prefix: str | None = None,
    on_pick: Callable[[Any], None] | None = None,
    **options: Any,
) -> None:
    """charts.bars of `frame` by `column` (options as it takes them), each bar named by the
    text `<prefix>.<value>` (prefix: the column's name), with the data for download. With
    `on_pick`, a click on a bar calls it with the bar's value of `column`."""
    prefix = prefix or column
    shown = frame.assign(**{column: [t(f"{prefix}.{value}", lang) for value in frame[column]]})
    figure = charts.bars(shown, column, values, lang, **options)
    categories = list(frame[column])
    show_chart(
        figure,
        frame,
        key,
        lang,
        values={column: prefix},
        on_pick=None if on_pick is None else lambda index: on_pick(categories[index]),
    )


def bars_section(
    key: str,
    frame: pd.DataFrame,
    column: str,
    values: Sequence[tuple[str, str]] | str,
    lang: str,
    *,
    caption: bool = False,
    segment_key: str | None = None,
    **options: Any,
) -> None:
    """A section of bars: the header `key`, bars_by of `frame` by `column` (`values` as it
    takes them, or the label of the one column `value`) and, with `caption`, the text
    `<key>.caption` under them. With `segment_key`, a click on a bar chooses the segment
    (`column`, the bar's value) in the drill-down kept under that key."""
    st.header(t(key, lang))
    shown = [("value", values)] if isinstance(values, str) else values
    if segment_key is not None:
        options["on_pick"] = lambda value: choose(segment_key, (column, value))
    bars_by(frame, column, shown, key, lang, **options)
    if caption:
        st.caption(t(f"{key}.caption", lang))
