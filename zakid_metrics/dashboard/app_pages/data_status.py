"""Datenqualität: the published snapshot, each entity's freshness, rejected and stale rows,
external jobs without a project."""

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics.contract import ENTITIES
from zakid_metrics.dashboard import data, uploads
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.dates import default_as_of
from zakid_metrics.dashboard.components.page import open_page
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import format_date, format_datetime, format_number, t
from zakid_metrics.settings import get_settings

lang = open_page("data_status")
settings = get_settings()
zone = settings.timezone
meta = require_snapshot(lang)
st.caption(
    t(
        "data_status.as_of",
        lang,
        run_id=meta.run_id,
        published_at=format_datetime(meta.published_at, lang),
        timezone=zone,
    )
)

entities = data.entity_status()
runs = data.load_runs()
snapshot_run = runs[runs["run_id"] == meta.run_id]
overdue = entities[entities["freshness"] == "overdue"]
never = entities[entities["freshness"] == "never"]

tiles = st.columns(5)
tiles[0].metric(t("data_status.metric.as_of", lang), format_date(meta.published_at, lang))
tiles[1].metric(t("data_status.metric.rows", lang), format_number(entities["rows"].sum(), lang))
tiles[2].metric(
    t("data_status.metric.stale", lang), format_number(entities["stale_rows"].sum(), lang)
)
tiles[3].metric(t("data_status.metric.overdue", lang), format_number(len(overdue), lang))
# The headline counts what is still wrong, across runs: an unchanged re-upload rejects nothing
# new, and the rows rejected before are not fixed by it.
problems = data.open_problems(lang)
open_rows = problems[["run_id", "file", "line"]].drop_duplicates()
tiles[4].metric(
    t("data_status.metric.open", lang),
    format_number(len(open_rows), lang),
    help=t(
        "data_status.metric.open.help",
        lang,
        run_id=meta.run_id,
        rejected=format_number(snapshot_run["rows_rejected"].sum(), lang),
    ),
)


def problem_table(found: pd.DataFrame, rows: int, key: str, file_name: str) -> None:
    """How many source rows have how many problems (`found`), and the problems as a table."""
    summary = t(
        "data_status.rejected.summary",
        lang,
        rows=format_number(rows, lang),
        problems=format_number(len(found), lang),
    )
    st.markdown(summary)
    download_table(
        found, key, lang, values={"entity": "entity"}, file_name=file_name, source_rows=True
    )


st.header(t("data_status.open", lang))
if problems.empty:
    st.success(t("data_status.open.none", lang), icon=":material/check_circle:")
else:
    st.caption(t("data_status.open.caption", lang))
    problem_table(problems, len(open_rows), "data_status.open", "open_problems")

st.header(t("data_status.entities", lang))
st.caption(t("data_status.entities.caption", lang, days=settings.freshness_warning_days))
if len(overdue):
    names = ", ".join(
        f"{t(f'entity.{row.entity}', lang)} ({format_number(row.age_days, lang)})"
        for row in overdue.itertuples()
    )
    st.warning(
        t("data_status.overdue", lang, days=settings.freshness_warning_days, entities=names),
        icon=":material/schedule:",
    )
if len(never):
    names = ", ".join(t(f"entity.{name}", lang) for name in never["entity"])
    st.info(t("data_status.never", lang, entities=names), icon=":material/inbox:")
download_table(
    entities[
        ["entity", "rows", "stale_rows", "last_file", "last_loaded_at", "age_days", "freshness"]
    ],
    "data_status.entities",
    lang,
    values={"entity": "entity", "freshness": "freshness"},
)

st.header(t("data_status.runs", lang))
st.caption(t("data_status.runs.caption", lang, count=len(runs), timezone=zone))
download_table(
    runs.assign(triggered_by=[uploads.trigger_label(who, lang) for who in runs["triggered_by"]]),
    "data_status.runs",
    lang,
    values={"status": "run_status"},
)

run_labels = {
    run.run_id: t(
        "data_status.run_option",
        lang,
        run_id=run.run_id,
        finished_at=format_datetime(run.finished_at, lang),
        status=t(f"run_status.{run.status}", lang),
    )
    for run in runs.itertuples()
}
run_id = select_one(
    t("data_status.run", lang),
    list(run_labels),
    key="data_status.run",
    lang=lang,
    format_func=run_labels.__getitem__,
)

st.header(t("data_status.files", lang, run_id=run_id))
download_table(
    data.load_files(run_id, lang),
    "data_status.files",
    lang,
    values={"entity": "entity", "status": "file_status"},
    file_name=f"files_run_{run_id}",
)

st.header(t("data_status.rejected", lang, run_id=run_id))
rejected_in_run = data.rejected_rows(run_id, lang)
if rejected_in_run.empty:
    st.success(t("data_status.rejected.none", lang), icon=":material/check_circle:")
else:
    entity = select_one(
        t("data_status.rejected.entity", lang),
        [None, *(name for name in ENTITIES if name in set(rejected_in_run["entity"]))],
        key="data_status.rejected_entity",
        lang=lang,
        format_func=lambda e: t(f"entity.{e}", lang) if e else t("data_status.rejected.all", lang),
    )
    rejected = data.rejected_rows(run_id, lang, entity)
    rows = len(rejected[["file", "line"]].drop_duplicates())
    problem_table(rejected, rows, "data_status.rejected", f"rejected_rows_run_{run_id}")

# A stale row is a previous valid version kept because its newer version was rejected: it still
# counts in every figure until a delivery corrects it, so the department needs to see each one.
st.header(t("data_status.stale", lang))
with_stale = entities[entities["stale_rows"] > 0]
if with_stale.empty:
    st.success(t("data_status.stale.none", lang), icon=":material/check_circle:")
else:
    st.caption(t("data_status.stale.caption", lang))
    counts = dict(zip(with_stale["entity"], with_stale["stale_rows"], strict=True))
    stale_entity = select_one(
        t("data_status.stale.entity", lang),
        list(counts),
        key="data_status.stale_entity",
        lang=lang,
        format_func=lambda e: f"{t(f'entity.{e}', lang)} ({format_number(counts[e], lang)})",
    )
    download_table(
        data.stale_rows(stale_entity),
        "data_status.stale",
        lang,
        file_name=f"stale_rows_{stale_entity}",
        source_rows=True,
    )

# External jobs that name no project count as created but cannot be attributed to the centre's
# work; the evaluation will ask, so the department sees each one (KPI jobs_unattributed).
st.header(t("data_status.unattributed", lang))
as_of = default_as_of(dt.datetime.now(ZoneInfo(zone)).date(), data.date_bounds())
unattributed = data.kpi_result("jobs_unattributed", as_of, None)
if not unattributed.value:
    st.success(t("data_status.unattributed.none", lang), icon=":material/check_circle:")
else:
    st.warning(
        t(
            "data_status.unattributed.count",
            lang,
            jobs=format_number(unattributed.value, lang),
            share=format_number(float(unattributed.details["share"]) * 100, lang, 1),
            as_of=format_date(as_of, lang),
        ),
        icon=":material/link_off:",
    )
    download_table(
        data.source_rows("jobs_unattributed", as_of, None),
        "data_status.unattributed",
        lang,
        file_name=f"jobs_unattributed_{as_of.isoformat()}",
        source_rows=True,
    )
