"""The jobs promise over time: actual path, target path and forecast for both job categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def outlook_texts(row: Mapping[str, Any], lang: str) -> tuple[str, str, str]:
    """What the page says under a category's chart: the probability of reaching the target
    (label, value) and the pace required against the pace observed."""
    target = _number(row["target"])
    if target is None:
        return t("jobs.p_target.no_target", lang), "–", ""
    label = t(
        "jobs.p_target",
        lang,
        target=format_value(target, "count", lang),
        end_on=format_date(row["end_on"], lang),
    )
    per_month = {"unit": "count", "lang": lang, "decimals": 1}
    pace = t(
        "jobs.pace",
        lang,
        required=format_value(_number(row["pace_required"]), **per_month),
        observed=format_value(_number(row["pace_observed"]), **per_month),
    )
    return label, format_value(_number(row["p_target"]), "share", lang, 0), pace


def jobs_outlook(results: dict[str, KpiResult], dates: Dates, lang: str, key: str) -> None:
    """The jobs path chart (with its data for download), the probability of reaching each
    target with the pace required and observed, and the forecast table."""
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
        path = _path(result, row["period_start"], row["end_on"])
        final = result.final_target
        panels.append(
            charts.JobsPanel(
                title=t(f"job_category.{category}", lang),
                actual=actual,
                target_path=path,
                as_of=dates.as_of,
                current=float(row["current"]),
                period_end=row["end_on"],
                final_target=None if final is None else final.target_value,
                forecast=_number(row["value"]),
                lower=_number(row["low"]),
                upper=_number(row["high"]),
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
                        "day": [row["end_on"]],
                        "value": [row["value"]],
                        "low": [row["low"]],
                        "high": [row["high"]],
                    }
                ).assign(category=category, series="forecast")
            )
    labels = {
        name: t(f"jobs.series.{name}", lang)
        for name in ("actual", "target", "forecast", "interval")
    }
    labels["status"] = t("jobs.status", lang)
    chart_data = pd.concat(parts, ignore_index=True)[
        ["category", "series", "day", "value", "low", "high"]
    ]
    show_chart(
        charts.jobs_path(panels, lang, labels),
        chart_data,
        key,
        lang,
        values={"category": "job_category", "series": "jobs.series"},
        alt=t("jobs.chart_alt", lang),
    )
    for column, (kpi_id, _) in zip(st.columns(len(CATEGORIES)), CATEGORIES, strict=True):
        label, probability, pace = outlook_texts(rows.loc[kpi_id], lang)
        with column:
            st.metric(label, probability, help=t("jobs.p_target.help", lang))
            st.caption(pace)
    names = {kpi_id: t(f"job_category.{category}", lang) for kpi_id, category in CATEGORIES}
    table = forecast.assign(kpi_id=forecast["kpi_id"].map(names))
    download_table(
        table[
            [
                "kpi_id",
                "current",
                "target_on_as_of",
                "end_on",
                "value",
                "low",
                "high",
                "target",
                "p_target",
                "pace_required",
                "pace_observed",
                "status",
            ]
        ].rename(columns={"kpi_id": "job_category", "value": "forecast"}),
        f"{key}.forecast",
        lang,
        values={"status": "forecast_status"},
    )
    st.caption(t("jobs.forecast_caption", lang))
