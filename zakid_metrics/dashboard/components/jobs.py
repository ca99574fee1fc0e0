"""The jobs promise over time: actual path, target path and forecast for both job categories."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import Dates
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.i18n import format_date, t
from zakid_metrics.kpis import KpiResult
from zakid_metrics.kpis.forecast import target_path
from zakid_metrics.tallies import jobs_trajectory

CATEGORIES = (
    ("jobs_project_related_created", "project_related"),
    ("jobs_external_created", "external"),
)


def _path(result: KpiResult, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The target path's points, held at the final target up to the end of the period."""
    points = [(m.due_on, m.target_value) for m in target_path(result.milestones, start)]
    if points[-1][0] < end:
        points.append((end, points[-1][1]))
    return pd.DataFrame(points, columns=["day", "value"])


def _status(value: object, lang: str) -> str:
    return (
        t(f"forecast_status.{value}", lang) if isinstance(value, str) else t("jobs.no_target", lang)
    )


def jobs_outlook(results: dict[str, KpiResult], dates: Dates, lang: str, key: str) -> None:
    """The jobs path chart (with its data for download) and the forecast table below it."""
    forecast = results["jobs_forecast_end"].breakdown
    if forecast is None or forecast.empty:
        st.info(t("jobs.no_forecast", lang), icon=":material/info:")
        return
    rows = forecast.set_index("kpi_id")
    start = min(rows["period_start"])
    jobs = data.source_rows("jobs_forecast_end", dates.as_of, None)
    trajectory = jobs_trajectory(jobs, dates.as_of, start)
    panels, parts = [], []
    for kpi_id, category in CATEGORIES:
        row, result = rows.loc[kpi_id], results[kpi_id]
        actual = trajectory[trajectory["category"] == category][["day", "value"]]
        path = _path(result, row["period_start"], row["period_end"])
        final = result.final_target
        panels.append(
            charts.JobsPanel(
                title=t(f"job_category.{category}", lang),
                actual=actual,
                target_path=path,
                as_of=dates.as_of,
                current=float(row["current"]),
                period_end=row["period_end"],
                final_target=None if final is None else final.target_value,
                forecast=None if pd.isna(row["value"]) else float(row["value"]),
                lower=None if pd.isna(row["lower"]) else float(row["lower"]),
                upper=None if pd.isna(row["upper"]) else float(row["upper"]),
                status=_status(row["status"], lang),
                target_text=""
                if final is None
                else t(
                    "jobs.final_target",
                    lang,
                    value=format_value(final.target_value, "count", lang),
                    due_on=format_date(final.due_on, lang),
                ),
            )
        )
        for series, frame in (("actual", actual), ("target", path)):
            parts.append(frame.assign(category=category, series=series))
        if not pd.isna(row["value"]):
            parts.append(
                pd.DataFrame(
                    {
                        "day": [row["period_end"]],
                        "value": [row["value"]],
                        "lower": [row["lower"]],
                        "upper": [row["upper"]],
                    }
                ).assign(category=category, series="forecast")
            )
    labels = {
        name: t(f"jobs.series.{name}", lang)
        for name in ("actual", "target", "forecast", "interval")
    }
    labels["status"] = t("jobs.status", lang)
    chart_data = pd.concat(parts, ignore_index=True)[
        ["category", "series", "day", "value", "lower", "upper"]
    ]
    show_chart(
        charts.jobs_path(panels, lang, labels),
        chart_data,
        key,
        lang,
        values={"category": "job_category", "series": "jobs.series"},
        alt=t("jobs.chart_alt", lang),
    )
    names = {kpi_id: t(f"job_category.{category}", lang) for kpi_id, category in CATEGORIES}
    table = forecast.assign(kpi_id=forecast["kpi_id"].map(names))
    download_table(
        table[
            [
                "kpi_id",
                "current",
                "target_on_as_of",
                "value",
                "lower",
                "upper",
                "target",
                "target_due_on",
                "status",
                "slope_per_month",
            ]
        ].rename(columns={"kpi_id": "job_category", "value": "forecast"}),
        f"{key}.forecast",
        lang,
        values={"status": "forecast_status"},
    )
    st.caption(t("jobs.forecast_caption", lang))
