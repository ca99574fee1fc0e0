"""Lieferung hochladen: CSV/XLSX files into the warehouse, with the result of each file."""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics.audit import audit
from zakid_metrics.contract import ENTITIES
from zakid_metrics.dashboard import data, uploads
from zakid_metrics.dashboard.components.login import current_user
from zakid_metrics.dashboard.components.page import open_page
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import format_number, t
from zakid_metrics.settings import PROJECT_ROOT, get_settings

RESULT_KEY = "upload.result"
GENERATION_KEY = "upload.generation"  # a new uploader (empty) after each load
# Absolute, so that the link resolves whichever script defines the navigation.
DATA_STATUS = str(PROJECT_ROOT / "zakid_metrics/dashboard/app_pages/data_status.py")

lang = open_page("upload")
settings = get_settings()
st.markdown(t("upload.intro", lang, mb=uploads.MAX_UPLOAD_MB))

generation = st.session_state.get(GENERATION_KEY, 0)
files = st.file_uploader(
    t("upload.files", lang),
    type=[suffix.lstrip(".") for suffix in uploads.SUFFIXES],
    accept_multiple_files=True,
    max_upload_size=uploads.MAX_UPLOAD_MB,
    key=f"upload.files.{generation}",
    help=t("upload.files.help", lang, mb=uploads.MAX_UPLOAD_MB),
)
start = st.button(
    t("upload.start", lang),
    type="primary",
    icon=":material/upload:",
    disabled=not files,
    key="upload.start",
)


def load(folder: Path, allow_empty: Sequence[str] = ()) -> None:
    """Load the stored `folder` by the CLI, with progress, audit and the result kept."""
    with st.status(t("upload.running", lang), expanded=True) as box:
        bar = st.progress(0.2, text=t("upload.step.ingest", lang, seconds=0))

        def waiting(seconds: float) -> None:
            # The load reports only at its end; the bar creeps on so that it visibly runs.
            share = 0.2 + 0.7 * (1 - 1 / (1 + seconds / 10))
            bar.progress(share, text=t("upload.step.ingest", lang, seconds=int(seconds)))

        user = current_user()
        name = user.name if user else "unknown"
        outcome = uploads.run_ingest(
            folder, settings.data_dir, user=name, on_wait=waiting, allow_empty=allow_empty
        )
        audit(
            "upload",
            name,
            data_dir=settings.data_dir,
            folder=folder.name,
            files=sorted(path.name for path in folder.iterdir()),
            run_id=(outcome.report or {}).get("run_id"),
            exit_code=outcome.exit_code,
            allow_empty=list(allow_empty),
        )
        data.clear()  # every page reads the new snapshot from now on
        bar.progress(1.0, text=t("upload.step.done", lang))
        failed = outcome.report is None or outcome.report.get("status") == "failed"
        box.update(
            label=t("upload.finished" if not failed else "upload.finished_failed", lang),
            state="error" if failed else "complete",
            expanded=False,
        )
    st.session_state[RESULT_KEY] = {
        "folder": folder.name,
        "exit_code": outcome.exit_code,
        "report": outcome.report,
        "message": outcome.message,
    }


if start and files:
    now = dt.datetime.now(ZoneInfo(settings.timezone))
    with st.spinner(t("upload.step.store", lang, files=len(files))):
        stored = uploads.store(
            [(file.name, file.getvalue()) for file in files], settings.data_dir, now
        )
    load(stored)
    st.session_state[GENERATION_KEY] = generation + 1

result: dict[str, Any] | None = st.session_state.get(RESULT_KEY)
if result is not None:
    st.subheader(t("upload.result", lang, folder=result["folder"]))
    report = result["report"]
    if report is None:
        st.error(t("upload.no_report", lang, code=result["exit_code"]), icon=":material/error:")
        with st.expander(t("error.details", lang)):
            st.text(result["message"] or "–")
    else:
        run_id = report["run_id"]
        files_frame = pd.DataFrame(report["files"])
        # The run's own record has each file's errors in both languages; the JSON in English.
        localized = data.load_files(run_id, lang).set_index("file")
        for column in ("errors", "warnings"):
            files_frame[column] = [
                localized[column].get(row.file) or " · ".join(getattr(row, column))
                for row in files_frame.itertuples()
            ]
        rejected = int(files_frame["rows_rejected"].sum())
        summary = t(
            f"upload.status.{report['status']}",
            lang,
            run_id=run_id,
            loaded=format_number(int((files_frame["status"] == "loaded").sum()), lang),
            files=format_number(len(files_frame), lang),
            rejected=format_number(rejected, lang),
        )
        {"ok": st.success, "partial": st.warning}.get(report["status"], st.error)(summary)
        download_table(
            files_frame[
                [
                    "file",
                    "entity",
                    "status",
                    "rows_read",
                    "rows_loaded",
                    "rows_rejected",
                    "errors",
                    "warnings",
                ]
            ],
            "upload.files_result",
            lang,
            values={"entity": "entity", "status": "file_status"},
            file_name=f"upload_run_{run_id}",
        )
        if rejected:
            # The data-quality page opens on this run (select_one keeps the choice there).
            st.session_state["data_status.run"] = run_id
            st.page_link(
                DATA_STATUS,
                label=t("upload.to_rejected", lang, rows=format_number(rejected, lang)),
                icon=":material/rule:",
            )

        held = report.get("empty_snapshots", [])
        if held:
            entities = [snapshot["entity"] for snapshot in held]
            names = ", ".join(t(f"entity.{entity}", lang) for entity in entities)
            st.warning(
                t(
                    "upload.empty_snapshots",
                    lang,
                    files=", ".join(snapshot["file"] for snapshot in held),
                    entities=names,
                ),
                icon=":material/warning:",
            )
            confirmed = st.checkbox(
                t("upload.confirm_empty", lang),
                key=f"upload.confirm_empty.{run_id}",
                help=t("upload.confirm_empty.help", lang, entities=names),
            )
            if st.button(
                t("upload.confirm_empty.start", lang),
                disabled=not confirmed,
                key=f"upload.confirm_empty.start.{run_id}",
            ):
                load(settings.data_dir / uploads.UPLOADS_DIR / result["folder"], entities)
                st.rerun()

st.subheader(t("upload.expected", lang))
download_table(
    pd.DataFrame(
        {
            "entity": list(ENTITIES),
            "file_pattern": [f"{name}*.csv, {name}*.xlsx" for name in ENTITIES],
        }
    ),
    "upload.expected",
    lang,
    values={"entity": "entity"},
)
st.caption(t("upload.expected.caption", lang))
