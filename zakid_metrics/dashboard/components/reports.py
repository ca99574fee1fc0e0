"""The funder reports on a page: which are due, a form that makes one, the ones made so far."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics import reports
from zakid_metrics.auth import Role
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.components.login import current_user
from zakid_metrics.dashboard.components.tables import MIME_TYPES as TABLE_MIME_TYPES
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.errors import ZakidError
from zakid_metrics.i18n import format_date, format_datetime, t
from zakid_metrics.settings import get_settings

KEY = "finance.reports"
# The reports' voucher lists show personnel costs per position: making, listing and
# downloading them is for analysts and administrators only (README: role matrix). Viewers get
# no button, so Streamlit never serves them a report's bytes.
REPORTS_ROLE: Role = "analyst"
MIME_TYPES = {
    "xlsx": TABLE_MIME_TYPES["xlsx"],
    "pdf": "application/pdf",
    "manifest": "application/json",
}


def reports_panel(lang: str, as_of: dt.date) -> None:
    """The reports due on or after `as_of` (KPI reports_due) with the days left; for a
    logged-in user of at least REPORTS_ROLE, a form that makes a report from the published
    snapshot and offers its files (audited under their name), and the reports made so far."""
    st.header(t("reports.title", lang))
    _due(lang, as_of)
    st.subheader(t("reports.generate", lang))
    user = current_user()
    if user is None or not user.has_role(REPORTS_ROLE):
        st.info(t("reports.not_allowed", lang), icon=":material/lock:")
        return
    _form(lang, user.name)
    st.subheader(t("reports.generated", lang))
    _generated(lang)


def _due(lang: str, as_of: dt.date) -> None:
    due = data.kpi_result("reports_due", as_of, None).breakdown
    if due is None or due.empty:
        st.info(t("reports.none_due", lang), icon=":material/event_available:")
        return
    shown = due[["grant_id", "report_type", "period_from", "period_to", "due_on", "value"]]
    download_table(
        shown.rename(columns={"value": "days_left"}),
        "reports.due",
        lang,
        values={"report_type": "report_type"},
        file_name=f"reports_due_{as_of.isoformat()}",
    )


def _form(lang: str, user: str) -> None:
    """Kind, grant and year, limited to what the snapshot can report on, and the button."""
    with data.snapshot() as con:
        choices = reports.report_choices(con)
    if not choices.grants:
        st.info(t("reports.no_grants", lang), icon=":material/info:")
        return
    names = {g.grant_id: g.recipient for g in choices.grants}
    kind = select_one(
        t("reports.kind", lang),
        list(reports.REPORT_KINDS),
        key=f"{KEY}.kind",
        lang=lang,
        format_func=lambda k: t(f"reports.kind.{k}", lang),
    )
    grant_id = year = None
    left, right = st.columns(2)
    if kind != "summary":
        with left:
            grant_id = select_one(
                t("reports.grant", lang),
                list(names),
                key=f"{KEY}.grant",
                lang=lang,
                format_func=lambda g: f"{g} · {names[g]}",
            )
    if kind == "interim":
        years = list(choices.interim_years[grant_id])
        if not years:
            st.info(t("reports.no_interim_year", lang), icon=":material/info:")
            return
        # The last completed year by default; a running year only when chosen.
        done = [n for n, y in enumerate(years) if y <= reports.last_completed_year()]
        with right:
            year = select_one(
                t("reports.year", lang),
                years,
                key=f"{KEY}.year",
                lang=lang,
                format_func=str,
                default_index=done[-1] if done else 0,
            )
    elif kind == "summary":
        with left:
            year = select_one(
                t("reports.year", lang),
                [None, *choices.summary_years],
                key=f"{KEY}.summary_year",
                lang=lang,
                format_func=lambda y: t("reports.all_years", lang) if y is None else str(y),
            )
    if st.button(
        t("reports.create", lang),
        key=f"{KEY}.create",
        type="primary",
        icon=":material/description:",
        help=t(
            "reports.create.help",
            lang,
            run_id=choices.snapshot.run_id,
            published_at=_published(choices.snapshot.published_at, lang),
        ),
    ):
        _generate(lang, kind, grant_id, year, user)
    last = st.session_state.get(f"{KEY}.last")
    if last is not None:
        made = [item for item in _listed() if str(item.manifest) == last]
        for item in made:
            st.success(
                t(
                    "reports.done",
                    lang,
                    title=_title(item),
                    run_id=item.run_id,
                    published_at=_published(item.published_at, lang),
                ),
                icon=":material/check_circle:",
            )
            _download_buttons(item, f"{KEY}.last", lang)


def _generate(
    lang: str, kind: reports.ReportKind, grant_id: str | None, year: int | None, user: str
) -> None:
    """Make the report with a progress bar; remember it for the downloads below."""
    bar = st.progress(0.0, text=t("reports.step.read", lang))

    def progress(done: int, total: int, step: str) -> None:
        bar.progress(done / total, text=t(f"reports.step.{step}", lang) if step else "")

    try:
        with data.snapshot() as con:
            report = reports.build_report(con, kind, grant_id=grant_id, year=year)
        generated = reports.write_report(report, user=user, progress=progress)
    except ZakidError as error:
        bar.empty()
        show_error(error, lang)
        return
    bar.empty()
    st.session_state[f"{KEY}.last"] = str(generated.manifest)


def _listed() -> list[reports.GeneratedFiles]:
    return reports.list_generated(reports.reports_dir())


def _published(moment: dt.datetime, lang: str) -> str:
    """A snapshot's publishing moment (UTC as stored) in the configured time zone."""
    local = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(get_settings().timezone))
    return format_datetime(local, lang)


def _title(item: reports.GeneratedFiles) -> str:
    grants = ", ".join(item.grant_ids)
    return item.title if len(item.grant_ids) != 1 else f"{item.title} · {grants}"


def _generated(lang: str) -> None:
    """The reports in DATA_DIR/reports with the data they were made from, and their files
    (the folder is the server's business, not the user's)."""
    listed = _listed()
    if not listed:
        st.caption(t("reports.generated.none", lang))
        return
    frame = pd.DataFrame(
        {
            "report_title": [_title(item) for item in listed],
            "period_from": [dt.date.fromisoformat(item.period_from) for item in listed],
            "period_to": [dt.date.fromisoformat(item.period_to) for item in listed],
            "report_as_of": [dt.date.fromisoformat(item.as_of) for item in listed],
            "report_snapshot": [
                t(
                    "reports.snapshot",
                    lang,
                    run_id=item.run_id,
                    published_at=_published(item.published_at, lang),
                )
                for item in listed
            ],
            "report_files": [
                ", ".join(path.name for path in item.files.values()) for item in listed
            ],
        }
    )
    download_table(frame, "reports.generated", lang, file_name="reports_generated")
    st.caption(t("reports.generated.caption", lang))
    chosen = select_one(
        t("reports.generated.choice", lang),
        list(range(len(listed))),
        key=f"{KEY}.chosen",
        lang=lang,
        format_func=lambda n: (
            f"{_title(listed[n])} · {t('reports.as_of', lang)} "
            f"{format_date(dt.date.fromisoformat(listed[n].as_of), lang)}"
        ),
    )
    _download_buttons(listed[chosen], f"{KEY}.chosen", lang)


def _download_buttons(item: reports.GeneratedFiles, key: str, lang: str) -> None:
    files: dict[str, Path] = {**item.files, "manifest": item.manifest}
    with st.container(horizontal=True):
        for kind in ("pdf", "xlsx", "manifest"):
            if kind not in files:
                continue
            path = files[kind]
            st.download_button(
                t(f"reports.download.{kind}", lang),
                data=lambda path=path: path.read_bytes(),
                file_name=path.name,
                mime=MIME_TYPES[kind],
                key=f"{key}.{kind}.{path.name}",
                on_click="ignore",
                icon=":material/download:",
            )
