"""Pure Plotly builders with one theme, shared by the dashboard and the PDF reports.

Data in, figure out: a builder gets its data, its texts (already translated) and the language
for number and date formats, and imports nothing of the project. Times must already be in the
display time zone (Europe/Berlin); dates are shown as `24.11.2026` (German) or `2026-11-24`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

FONT = "Source Sans Pro, Segoe UI, Arial, sans-serif"
INK, MUTED, GRID = "#262730", "#6B7280", "#E5E7EB"
# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
ACTUAL, TARGET, FORECAST = "#0072B2", "#6B7280", "#D55E00"
# Thousands and decimal separators for d3 formats, as Plotly's layout.separators wants them.
SEPARATORS = {"de": ",.", "en": ".,"}
DATE_FORMATS = {"de": "%d.%m.%Y", "en": "%Y-%m-%d"}
HEIGHT = 360
# WCAG 2.1 AA: text needs a contrast of at least 4.5:1 against its background (1.4.3).
MIN_TEXT_CONTRAST = 4.5

THEME = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 13, "color": INK},
        colorway=list(PALETTE),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 56, "r": 16, "t": 40, "b": 40},
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        xaxis={
            "showgrid": False,
            "linecolor": GRID,
            "ticks": "outside",
            "tickcolor": GRID,
            "automargin": True,
        },
        yaxis={
            "gridcolor": GRID,
            "zerolinecolor": GRID,
            "rangemode": "tozero",
            "automargin": True,
        },
        bargap=0.25,
    )
)


def relative_luminance(colour: str) -> float:
    """The relative luminance of `#rrggbb` as WCAG 2.1 defines it (0 black to 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _layout(fig: go.Figure, lang: str, *, title: str | None = None, height: int = HEIGHT) -> None:
    fig.update_layout(
        template=THEME,
        separators=SEPARATORS.get(lang, SEPARATORS["en"]),
        title={"text": title, "x": 0, "font": {"size": 15}} if title else None,
        height=height,
    )


def _date_axes(fig: go.Figure, lang: str) -> None:
    fig.update_xaxes(tickformat=DATE_FORMATS.get(lang, DATE_FORMATS["en"]))


@dataclass(frozen=True)
class JobsPanel:
    """One job category of the jobs path chart: what happened, what was planned, where it goes.

    `actual` has the columns `day` and `value` (cumulative count); `target_path` the points of
    the target path (`day`, `value`). The forecast runs from (`as_of`, `current`) to
    (`period_end`, `forecast`) with the interval [`lower`, `upper`] at the end; None where
    there is none.
    """

    title: str
    actual: pd.DataFrame
    target_path: pd.DataFrame
    as_of: dt.date
    current: float
    period_end: dt.date
    final_target: float | None
    forecast: float | None
    lower: float | None
    upper: float | None
    status: str  # the status already as text, e.g. "auf Kurs"
    target_text: str  # the final target as text, e.g. "Ziel 500 (31.05.2028)"


def jobs_path(panels: Sequence[JobsPanel], lang: str, labels: Mapping[str, str]) -> go.Figure:
    """Cumulative jobs against the target path, with the forecast fan, one panel per category.

    `labels`: `actual`, `target`, `forecast`, `interval`, `status`.
    """
    fig = make_subplots(
        rows=1,
        cols=max(len(panels), 1),
        subplot_titles=[f"{p.title} · {labels['status']}: {p.status}" for p in panels],
        horizontal_spacing=0.08,
    )
    date_hover = f"%{{x|{DATE_FORMATS.get(lang, DATE_FORMATS['en'])}}}"
    for col, panel in enumerate(panels, start=1):
        first = col == 1
        fig.add_trace(
            go.Scatter(
                x=panel.target_path["day"],
                y=panel.target_path["value"],
                name=labels["target"],
                mode="lines",
                line={"color": TARGET, "dash": "dash", "width": 2},
                legendgroup="target",
                showlegend=first,
                hovertemplate=f"{labels['target']}: %{{y:,.1f}}<br>{date_hover}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        if panel.forecast is not None and panel.lower is not None and panel.upper is not None:
            fig.add_trace(
                go.Scatter(
                    x=[panel.as_of, panel.period_end, panel.period_end, panel.as_of],
                    y=[panel.current, panel.upper, panel.lower, panel.current],
                    name=labels["interval"],
                    fill="toself",
                    fillcolor="rgba(213, 94, 0, 0.15)",
                    line={"width": 0},
                    legendgroup="interval",
                    showlegend=first,
                    hoverinfo="skip",
                ),
                row=1,
                col=col,
            )
            fig.add_trace(
                go.Scatter(
                    x=[panel.as_of, panel.period_end],
                    y=[panel.current, panel.forecast],
                    name=labels["forecast"],
                    mode="lines+markers",
                    line={"color": FORECAST, "dash": "dot", "width": 2},
                    marker={"size": 7},
                    legendgroup="forecast",
                    showlegend=first,
                    hovertemplate=(
                        f"{labels['forecast']}: %{{y:,.1f}}<br>{date_hover}<extra></extra>"
                    ),
                ),
                row=1,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=panel.actual["day"],
                y=panel.actual["value"],
                name=labels["actual"],
                mode="lines",
                line={"color": ACTUAL, "width": 3, "shape": "hv"},
                legendgroup="actual",
                showlegend=first,
                hovertemplate=f"{labels['actual']}: %{{y:,.0f}}<br>{date_hover}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        if panel.final_target is not None:
            fig.add_hline(
                y=panel.final_target,
                line={"color": TARGET, "width": 1},
                annotation_text=panel.target_text,
                annotation_position="top left",
                annotation_font={"color": MUTED, "size": 12},
                row=1,
                col=col,
            )
    _layout(fig, lang, height=400)
    _date_axes(fig, lang)
    fig.update_annotations(font={"size": 14}, selector={"yref": "paper"})
    fig.update_layout(legend={"y": -0.12, "yanchor": "top"}, margin={"t": 50})
    return fig


def bars(
    frame: pd.DataFrame,
    category: str,
    values: Sequence[tuple[str, str]],
    lang: str,
    *,
    title: str | None = None,
    horizontal: bool = False,
    stacked: bool = False,
    colours: Sequence[str] | None = None,
    percent: bool = False,
    target: tuple[float, str] | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Bars of `frame[category]` for each `(column, label)` in `values`.

    `target` (value, label) draws a target line across the bars; `percent` formats values
    (shares 0..1) as percentages.
    """
    fig = go.Figure()
    number = ".1%" if percent else ",.0f"
    for index, (column, label) in enumerate(values):
        colour = (colours or PALETTE)[index % len(colours or PALETTE)]
        cats, vals = frame[category].astype(str), frame[column].astype(float)
        fig.add_trace(
            go.Bar(
                x=vals if horizontal else cats,
                y=cats if horizontal else vals,
                name=label,
                orientation="h" if horizontal else "v",
                marker={"color": colour},
                text=vals,
                texttemplate=f"%{{{'x' if horizontal else 'y'}:{number}}}",
                textposition="auto",
                hovertemplate=(
                    f"%{{{'y' if horizontal else 'x'}}}<br>{label}: "
                    f"%{{{'x' if horizontal else 'y'}:{number}}}<extra></extra>"
                ),
            )
        )
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=len(values) > 1)
    value_axis = fig.update_xaxes if horizontal else fig.update_yaxes
    value_axis(tickformat=".0%" if percent else ",.0f")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    if target is not None:
        line = {"line": {"color": TARGET, "dash": "dash", "width": 2}}
        text = {"annotation_text": target[1], "annotation_font": {"color": MUTED}}
        if horizontal:
            fig.add_vline(x=target[0], **line, **text, annotation_position="top")
        else:
            fig.add_hline(y=target[0], **line, **text, annotation_position="top left")
    _layout(fig, lang, title=title, height=height)
    return fig


def funnel(stages: Sequence[str], values: Sequence[int], lang: str, title: str) -> go.Figure:
    """A funnel of counts from the first stage to the last (e.g. inquiry → production)."""
    fig = go.Figure(
        go.Funnel(
            y=list(stages),
            x=list(values),
            textinfo="value",
            texttemplate="%{x:,.0f}",
            marker={"color": PALETTE[0]},
            connector={"line": {"color": GRID}},
            hovertemplate="%{y}: %{x:,.0f}<extra></extra>",
        )
    )
    _layout(fig, lang, title=title)
    return fig


@dataclass(frozen=True)
class GoalStyle:
    """A goal as the SDG charts draw it: number, official colour, name in the user's language."""

    number: int
    colour: str
    name: str


def sdg_contributions(
    frame: pd.DataFrame,
    goals: Sequence[GoalStyle],
    lang: str,
    labels: Mapping[str, str],
) -> go.Figure:
    """Contributions per goal in the goal's official colour: verified solid, unverified hatched.

    `frame` has `sdg_goal`, `verified` and `unverified` counts; goals without a row show 0.
    `labels`: `verified`, `unverified`, `title`.
    """
    counts = frame.set_index("sdg_goal") if len(frame) else pd.DataFrame()
    names = [f"{g.number} {g.name}" for g in goals]
    colours = [g.colour for g in goals]

    def count(goal: int, column: str) -> int:
        return int(counts.loc[goal, column]) if goal in counts.index else 0

    fig = go.Figure()
    for column, pattern, opacity in (("verified", "", 1.0), ("unverified", "/", 0.45)):
        fig.add_trace(
            go.Bar(
                x=[g.number for g in goals],
                y=[count(g.number, column) for g in goals],
                customdata=names,
                name=labels[column],
                marker={
                    "color": colours,
                    "opacity": opacity,
                    "pattern": {"shape": pattern, "fgcolor": INK, "solidity": 0.3},
                    "line": {"color": colours, "width": 1.5},
                },
                hovertemplate=f"%{{customdata}}<br>{labels[column]}: %{{y:,.0f}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", showlegend=True)
    fig.update_xaxes(tickmode="array", tickvals=[g.number for g in goals], title=None)
    fig.update_yaxes(tickformat=",.0f", dtick=1)
    _layout(fig, lang, title=labels["title"])
    return fig


TIME_FORMATS = {"de": "%d.%m. %H:%M", "en": "%m-%d %H:%M"}
_DAY_MS = 86_400_000


def timeline(
    frame: pd.DataFrame,
    time: str,
    values: Sequence[tuple[str, str]],
    lang: str,
    *,
    title: str | None = None,
    bars: bool = False,
    number: str = ",.0f",
    limit: tuple[float, str] | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """`frame[time]` (times in the display zone) against each `(column, label)` of `values`:
    lines, or bars (counts per bucket); a gap where a value is missing.

    `number` is the d3 format of the values; `limit` (value, label) draws a dashed line, e.g. a
    latency objective.
    """
    fig = go.Figure()
    hover_time = f"%{{x|{TIME_FORMATS.get(lang, TIME_FORMATS['en'])}}}"
    for index, (column, label) in enumerate(values):
        trace = go.Bar if bars else go.Scatter
        colour = PALETTE[index % len(PALETTE)]
        # Markers too: a minute that stands alone between gaps is a point, not a line.
        style = (
            {"marker": {"color": colour}}
            if bars
            else {
                "mode": "lines+markers",
                "line": {"color": colour, "width": 2},
                "marker": {"color": colour, "size": 4},
            }
        )
        fig.add_trace(
            trace(
                x=frame[time],
                y=frame[column].astype(float),
                name=label,
                hovertemplate=f"{label}: %{{y:{number}}}<br>{hover_time}<extra></extra>",
                **style,
            )
        )
    fig.update_layout(
        showlegend=len(values) > 1,
        bargap=0.1,
        legend={"y": -0.15, "yanchor": "top"},
        margin={"t": 50},
    )
    fig.update_yaxes(tickformat=number)
    fig.update_xaxes(
        tickformatstops=[
            {"dtickrange": [None, _DAY_MS], "value": "%H:%M"},
            {"dtickrange": [_DAY_MS, None], "value": DATE_FORMATS.get(lang, DATE_FORMATS["en"])},
        ]
    )
    if limit is not None:
        fig.add_hline(
            y=limit[0],
            line={"color": TARGET, "dash": "dash", "width": 2},
            annotation_text=limit[1],
            annotation_font={"color": MUTED},
            annotation_position="top left",
        )
    _layout(fig, lang, title=title, height=height)
    return fig
