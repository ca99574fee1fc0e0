"""Scheduled digests: the overview's figures each week (with the overview as a PDF), the data
quality each month, in the recipient's language.

The figures come from the KPI registry (the overview's KPIs, `overview: N`, on the day and a
week before; the jobs forecast's status) and from the warehouse's load records: a digest
formats, it computes nothing of its own (DESIGN.md decision 7).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

import duckdb

from zakid_metrics import kpis
from zakid_metrics.auth import ROLES, Role
from zakid_metrics.contract import ENTITIES
from zakid_metrics.i18n import format_date, format_datetime, format_number, format_value, t
from zakid_metrics.kpis import Kpi, KpiResult
from zakid_metrics.reports.pdf import render_table_pdf
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import freshness

Cadence = Literal["weekly", "monthly"]
WEEK = dt.timedelta(days=7)
FORECAST_KPI = "jobs_forecast_end"


@dataclass(frozen=True)
class Digest:
    id: str
    role: Role  # the least role that may receive it
    cadence: Cadence
    name_key: str  # i18n


DIGESTS: dict[str, Digest] = {
    digest.id: digest
    for digest in (
        Digest("weekly_kpis", "viewer", "weekly", "digest.weekly_kpis"),
        Digest("monthly_quality", "viewer", "monthly", "digest.monthly_quality"),
    )
}


def period_due(digest: Digest, now: dt.datetime) -> tuple[str, dt.date]:
    """The latest period whose send time (settings: weekday and hour, local; monthly on the
    1st) lies at or before `now`: its key ("2026-W49", "2026-12") and the day it is sent on."""
    settings = get_settings()
    local = now.astimezone(_zone())
    if digest.cadence == "weekly":
        monday = local.date() - dt.timedelta(days=local.weekday())
        day = monday + dt.timedelta(days=settings.alerts_digest_weekday)
        if (local.date(), local.hour) < (day, settings.alerts_digest_hour):
            day -= WEEK
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", day
    day = local.date().replace(day=1)
    if (local.date(), local.hour) < (day, settings.alerts_digest_hour):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return f"{day:%Y-%m}", day


def confidential(kpi: Kpi) -> bool:
    """Money figures and what only the funder sees go to analysts and admins only."""
    return kpi.unit == "eur" or kpi.audience == "funder"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. application/pdf
    data: bytes


@dataclass(frozen=True)
class Letter:
    """A digest as it is sent to one recipient."""

    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()


# --- The weekly KPI digest ------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyFigures:
    as_of: dt.date
    now: dict[str, KpiResult]  # the overview's KPIs on as_of
    before: dict[str, KpiResult]  # ... a week earlier
    status: dict[str, str]  # forecast status by KPI id, where the KPI has a forecast


def weekly_figures(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> WeeklyFigures:
    """The overview's KPIs on `as_of` and a week earlier, and the forecast's statuses."""
    ids = kpis.overview_ids()
    now = kpis.compute_all(con, as_of=as_of, kpi_ids=[*ids, FORECAST_KPI])
    before = kpis.compute_all(con, as_of=as_of - WEEK, kpi_ids=ids)
    forecast = now.pop(FORECAST_KPI).breakdown
    status = {} if forecast is None or forecast.empty else dict(
        zip(forecast["kpi_id"], forecast["status"], strict=True)
    )  # fmt: skip
    return WeeklyFigures(as_of, now, before, status)


def _change(now: Any, before: Any, unit: str, lang: str) -> str:
    if now is None or before is None:
        return "–"
    difference = float(now) - float(before)
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    if unit == "share":
        return sign + t("digest.points", lang, points=format_number(abs(difference) * 100, lang, 1))
    return sign + format_value(abs(difference), unit, lang)


def weekly_rows(figures: WeeklyFigures, lang: str, role: Role) -> list[list[str]]:
    """The table of the digest: a header, then one row per overview KPI the role may see."""
    rows = [
        [
            t(f"digest.column.{c}", lang)
            for c in ("kpi", "value", "change", "target", "progress", "status")
        ]
    ]
    for kpi_id, result in figures.now.items():
        kpi = result.kpi
        if confidential(kpi) and ROLES.index(role) < ROLES.index("analyst"):
            continue
        final = result.final_target
        target = "–" if final is None else t(
            "tile.target", lang, value=format_value(final.target_value, kpi.unit, lang),
            due_on=format_date(final.due_on, lang),
        )  # fmt: skip
        status = figures.status.get(kpi_id)
        rows.append(
            [
                kpi.name(lang),
                format_value(result.value, kpi.unit, lang),
                _change(result.value, figures.before[kpi_id].value, kpi.unit, lang),
                target,
                "–" if result.progress is None else format_value(result.progress, "share", lang),
                "–" if status is None else t(f"forecast_status.{status}", lang),
            ]
        )
    return rows


def weekly_letter(figures: WeeklyFigures, lang: str, role: Role, week: str) -> Letter:
    rows = weekly_rows(figures, lang, role)
    as_of, before = format_date(figures.as_of, lang), format_date(figures.as_of - WEEK, lang)
    lines = [
        t("digest.weekly.line", lang, kpi=r[0], value=r[1], change=r[2], target=r[3],
          progress=r[4], status=r[5])
        for r in rows[1:]
    ]  # fmt: skip
    body = "\n".join(
        [t("digest.weekly.intro", lang, as_of=as_of, before=before), "", *lines, "",
         t("digest.weekly.attached", lang)]
    )  # fmt: skip
    title = t("digest.weekly.title", lang, week=week)
    pdf = render_table_pdf(
        title,
        t("digest.weekly.intro", lang, as_of=as_of, before=before),
        rows,
        (52, 26, 22, 40, 17, 17),
        right=(1, 2, 4),
    )
    attachment = Attachment(
        f"zakid-overview-{figures.as_of.isoformat()}.pdf", "application/pdf", pdf
    )
    return Letter(f"ZaKI.D: {title}", body, (attachment,))


# --- The monthly data-quality digest --------------------------------------------------------


@dataclass(frozen=True)
class QualityFigures:
    as_of: dt.date
    run_id: int | None
    published_at: dt.datetime | None  # aware UTC
    rejected: int
    entities: list[tuple[str, int, int, dt.date | None, int | None]]  # entity, rows, stale, on, age
    files: list[tuple[str, int]]  # file, rows rejected by the snapshot's run


def quality_figures(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> QualityFigures:
    """The data-quality page's figures: the snapshot's run and its rejected rows, and each
    entity's rows, stale rows and last delivery."""
    zone = _zone()
    run = con.execute(
        "SELECT run_id, published_at, rows_rejected FROM published_snapshot() "
        "JOIN load_runs USING (run_id)"
    ).fetchall()
    run_id, published, rejected = run[0] if run else (None, None, 0)
    entities = []
    for entity, rows, stale, loaded in con.execute(
        "SELECT entity, rows, stale_rows, last_loaded_at FROM entity_status ORDER BY entity"
    ).fetchall():
        day = None if loaded is None else loaded.replace(tzinfo=dt.UTC).astimezone(zone).date()
        entities.append((entity, rows, stale, day, None if day is None else (as_of - day).days))
    entities.sort(key=lambda row: list(ENTITIES).index(row[0]))
    files = con.execute(
        "SELECT file, count(DISTINCT line) FROM rejected_rows WHERE run_id = ? "
        "GROUP BY file ORDER BY file",
        [run_id],
    ).fetchall()
    return QualityFigures(
        as_of,
        run_id,
        None if published is None else published.replace(tzinfo=dt.UTC),
        int(rejected or 0),
        entities,
        [(file, int(count)) for file, count in files],
    )


def quality_letter(figures: QualityFigures, lang: str, month: str) -> Letter:
    settings = get_settings()
    overdue = sum(freshness(age) == "overdue" for *_, age in figures.entities)
    published = (
        "–"
        if figures.published_at is None
        else format_datetime(figures.published_at.astimezone(_zone()), lang)
    )
    lines = [
        t("digest.monthly.intro", lang, as_of=format_date(figures.as_of, lang),
          run_id=figures.run_id if figures.run_id is not None else "–", published=published,
          rejected=format_number(figures.rejected, lang), overdue=format_number(overdue, lang),
          days=settings.freshness_warning_days),
        "",
        t("digest.monthly.entities", lang),
    ]  # fmt: skip
    for entity, rows, stale, loaded_on, age in figures.entities:
        lines.append(
            t("digest.monthly.entity", lang, entity=t(f"entity.{entity}", lang),
              rows=format_number(rows, lang), stale=format_number(stale, lang),
              loaded_on=format_date(loaded_on, lang),
              age="–" if age is None else format_number(age, lang),
              freshness=t(f"freshness.{freshness(age)}", lang))
        )  # fmt: skip
    if figures.files:
        lines += ["", t("digest.monthly.files", lang)]
        lines += [
            t("digest.monthly.file", lang, file=file, rows=format_number(count, lang))
            for file, count in figures.files
        ]
    title = t("digest.monthly.title", lang, month=month)
    return Letter(f"ZaKI.D: {title}", "\n".join(lines))


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)
