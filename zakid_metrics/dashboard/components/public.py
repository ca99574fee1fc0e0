"""Building blocks of the public pages: the export, figures, protected tables and charts that
say in words what they show (WCAG 2.1 AA / BITV 2.0), with `.` for every suppressed cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from zakid_metrics import charts, kpis
from zakid_metrics.dashboard import public_data
from zakid_metrics.dashboard.components.document import declare_title
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.disclosure import SUPPRESSED, SUPPRESSED_SYMBOL, TOTAL, Rules
from zakid_metrics.disclosure import legend as disclosure_legend
from zakid_metrics.i18n import CATALOGS, format_date, format_number, t
from zakid_metrics.open_data.read import Export
from zakid_metrics.open_data.spec import ACTUAL, LICENSE_NAME, PUBLISHER, TARGET
from zakid_metrics.sdg import goal

OPEN_DATA_PAGE = "zakid_metrics/dashboard/public_pages/open_data.py"
# Which i18n prefix names the values of a dimension (`size_class.micro` → „Kleinstunternehmen“).
VALUE_LABELS = {
    "category": "job_category",
    "qualification": "qualification",
    "size_class": "size_class",
    "status": "project_status",
    "use_case": "use_case",
    "device_class": "device_class",
    "data_policy": "data_policy",
    "breakdown": "public.breakdown",
    "group": "public.flag",
    "verified": "public.flag",
    "measure": "public.measure",
}
HEADERS = {
    "category": "column.job_category",
    "group": "public.header.group",
    "measure": "public.header.measure",
}
# Outlines in the text colour give every bar a contrast of at least 3:1 (WCAG 1.4.11), also
# the light SDG colours such as 7 (#FCC30B) on white.
OUTLINE = charts.INK
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
TILES_PER_ROW = 3
# The topics of the public overview and their key figures; a key figure whose KPI header asks
# for a place on the overview (`-- overview: N`) and that no topic lists follows in a last one.
OVERVIEW_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "page.jobs",
        ("jobs_external_created", "jobs_project_related_created", "jobs_well_paid_share"),
    ),
    ("page.companies", ("companies_engaged", "sme_share", "crafts_engaged", "projects_by_status")),
    (
        "public.overview.ai_and_sdgs",
        ("deployments_live", "privacy_policy_share", "sdg_goals_covered"),
    ),
    ("page.education", ("courses_offered", "students_enrolled", "students_completed")),
)
SERIES_COLOURS = (charts.PALETTE[0], charts.PALETTE[5], charts.PALETTE[2], charts.PALETTE[3])


@dataclass(frozen=True)
class PublicPage:
    """What every public page starts with: its language and the published export."""

    lang: str
    export: Export

    def tiles(self, kpi_ids: Sequence[str]) -> None:
        tiles(self.export, kpi_ids, self.lang)


# A tile's name wraps instead of being cut off („Externe Arbeitspl…“), in an iframe of 1 000 px
# as on a phone of 390 px; so does its value.
# Columns wrap onto a new row below 13rem each (two tiles a row in a 1 000 px frame with the
# sidebar), so that names wrap between words, not inside them.
READABLE_TILES = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: break-word; height: auto !important;
}
[data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[data-testid="stColumn"] { min-width: min(13rem, 100%); }
</style>"""


def public_page(title_key: str, intro_key: str | None = None) -> PublicPage:
    """The scaffold of a public page: title, the export (or a notice and stop), the as-of date."""
    lang = current_language()
    title = t(title_key, lang)
    declare_title(title, lang)
    st.html(READABLE_TILES)
    st.title(title)
    export = require_export(lang)
    if intro_key:
        st.markdown(t(intro_key, lang))
    as_of_caption(export, lang)
    return PublicPage(lang, export)


def overview_extras(sections: Sequence[tuple[str, Sequence[str]]] = ()) -> list[str]:
    """Key figures whose KPI header asks for a place on the overview (`-- overview: N`) and that
    no topic section of the public overview shows, in that order."""
    shown = {kpi_id for _, ids in sections or OVERVIEW_SECTIONS for kpi_id in ids}
    marked = [k for k in kpis.KPIS.values() if k.overview is not None and k.open_data]
    return [k.id for k in sorted(marked, key=lambda k: (k.overview, k.id)) if k.id not in shown]


def require_export(lang: str) -> Export:
    """The published export; without one, say so and stop the page."""
    export = public_data.export()
    if export is not None:
        return export
    st.info(t("public.no_export", lang), icon=":material/info:")
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop raises


def as_of_caption(export: Export, lang: str) -> None:
    as_of = pd.Timestamp(export.as_of).date()
    st.caption(
        t("public.as_of", lang, as_of=format_date(as_of, lang), publisher=PUBLISHER)
        + " · "
        + t("public.license", lang, license=LICENSE_NAME)
    )


def label(dim: str, value: str, lang: str) -> str:
    """A dimension value as readers read it: „Kleinstunternehmen“, „13 Klimaschutz“, „gesamt“."""
    if value == TOTAL:
        return t("public.total", lang)
    if dim == "sdg_goal":
        found = goal(int(value))
        return f"{found.number} {found.name(lang)}"
    prefix = VALUE_LABELS.get(dim)
    key = f"{prefix}.{value}"
    if prefix and key in CATALOGS.get(lang, CATALOGS["de"]):
        return t(key, lang)
    return kpi_name(value, lang) if dim == "measure" else value


def header(dim: str, lang: str) -> str:
    key = HEADERS.get(dim, f"column.{dim}")
    return t(key, lang) if key in CATALOGS.get(lang, CATALOGS["de"]) else dim


def kpi_name(kpi_id: str, lang: str) -> str:
    if kpi_id in kpis.KPIS:
        return kpis.KPIS[kpi_id].name(lang)
    key = f"public.kpi.{kpi_id}"
    return t(key, lang) if key in CATALOGS.get(lang, CATALOGS["de"]) else kpi_id


def show_value(value: object, suppressed: bool, unit: str, lang: str) -> str:
    """`1.234`, `72,1 %`, `10,0×`, `.` where suppressed, „noch nicht gemeldet“ where there is
    no value (e.g. the completions of a running semester: not reported is no zero)."""
    if suppressed:
        return SUPPRESSED_SYMBOL
    if value is None or pd.isna(value):
        return t("public.not_reported", lang)
    number = float(value)
    if unit == "share":
        return f"{format_number(number * 100, lang, 1)} %"
    if unit == "ratio":
        return f"{format_number(number, lang, 1)}×"
    if unit == "eur":
        return t("public.eur_millions", lang, value=format_number(number / 1e6, lang, 1))
    if unit in ("t_co2e_per_year", "mwh_per_year"):
        decimals = 0 if abs(number) >= 100 else 1
        return f"{format_number(number, lang, decimals)} {t(f'public.unit.{unit}', lang)}"
    return format_number(number, lang, 0 if number.is_integer() else 1)


def legend(lang: str) -> None:
    """The footnote for `.`, with the configured rules."""
    st.caption(disclosure_legend(lang, Rules.from_settings()))


def tiles(export: Export, kpi_ids: Sequence[str], lang: str) -> None:
    """Key figures as tiles: value (`.` if suppressed), and the promise where one is set."""
    figures = export.table("key_figures")
    if figures is None:
        return
    figures = figures.set_index("kpi_id")
    targets = export.table("targets")
    shown = [kpi_id for kpi_id in kpi_ids if kpi_id in figures.index]
    # At most three tiles a row, so that the KPIs' names fit.
    columns = [c for _ in range(0, len(shown), TILES_PER_ROW) for c in st.columns(TILES_PER_ROW)]
    for column, kpi_id in zip(columns, shown, strict=False):
        row = figures.loc[kpi_id]
        definition = kpis.KPIS[kpi_id].definition(lang) if kpi_id in kpis.KPIS else None
        with column.container(border=True):
            st.metric(
                kpi_name(kpi_id, lang),
                show_value(row["value"], bool(row[SUPPRESSED]), row["unit"], lang),
                help=definition,
            )
            final = None
            if targets is not None:
                own = targets[targets["kpi_id"] == kpi_id].sort_values("due_on")
                final = None if own.empty else own.iloc[-1]
            if final is not None:
                target = show_value(final["target_value"], False, row["unit"], lang)
                due = format_date(pd.Timestamp(final["due_on"]).date(), lang)
                text = t("public.target", lang, target=target, due_on=due)
                if not row[SUPPRESSED] and pd.notna(row["value"]) and final["target_value"]:
                    share = float(row["value"]) / float(final["target_value"]) * 100
                    text += " · " + t("public.progress", lang, share=format_number(share, lang, 0))
                st.caption(text)


def cells(frame: pd.DataFrame, **where: str) -> pd.DataFrame:
    """The rows of a long table matching `where` (e.g. measure="created")."""
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame.reset_index(drop=True)


def protected_table(
    frame: pd.DataFrame, dims: Sequence[str], lang: str, *, unit: str = "count", alt: str
) -> None:
    """A protected table as an HTML table (read by screen readers), `.` for suppressed cells.

    Two dimensions are shown as a cross table (rows: the first, columns: the second).
    """
    dims = list(dims)
    shown = frame.assign(
        shown=[
            show_value(v, bool(s), unit, lang)
            for v, s in zip(frame["value"], frame[SUPPRESSED], strict=True)
        ]
    )
    for dim in dims:
        shown[dim] = [label(dim, v, lang) for v in shown[dim]]
    if len(dims) == 2:
        rows, columns = dims
        order_rows = list(dict.fromkeys(shown[rows]))
        order_columns = list(dict.fromkeys(shown[columns]))
        table = shown.pivot(index=rows, columns=columns, values="shown")
        table = table.loc[order_rows, order_columns]
        table.index.name = header(rows, lang)
        table.columns.name = None
        table = table.reset_index()
    else:
        table = shown[[*dims, "shown"]].rename(
            columns={**{d: header(d, lang) for d in dims}, "shown": t("column.value", lang)}
        )
    st.table(table, hide_index=True, alt=alt)
    if frame[SUPPRESSED].any():
        legend(lang)


def summary(title: str, items: Sequence[tuple[str, str]], lang: str) -> str:
    """One sentence saying what a chart shows and its figures, for everyone who cannot see it."""
    listed = "; ".join(f"{name}: {value}" for name, value in items)
    return t("public.chart_summary", lang, title=title, items=listed)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[object], Sequence[bool]]],
    lang: str,
    *,
    colours: Sequence[Sequence[str]] | None = None,
    patterns: Sequence[str] | None = None,
    hover: Sequence[str] | None = None,
    text: str,
    key: str,
) -> None:
    """Bars per category for each (name, values, suppressed) series; a suppressed bar is drawn
    as `.` on the axis, not as 0. `hover` names the categories in full where the axis shows
    short labels; `text` is the chart's description (caption and alt text); the subheader above
    the chart is its title."""
    figure = go.Figure()
    for index, (name, values, hidden) in enumerate(series):
        numbers = [None if h or v is None or pd.isna(v) else float(v) for v, h in zip(
            values, hidden, strict=True)]  # fmt: skip
        labels = [
            SUPPRESSED_SYMBOL if h else "" if not n else format_number(n, lang, 0)
            for n, h in zip(numbers, hidden, strict=True)
        ]
        colour = list(colours[index]) if colours else SERIES_COLOURS[index % len(SERIES_COLOURS)]
        figure.add_trace(
            go.Bar(
                x=list(categories),
                y=[0 if n is None else n for n in numbers],
                name=name,
                text=labels,
                textposition="outside",
                cliponaxis=False,
                marker={
                    "color": colour,
                    "line": {"color": OUTLINE, "width": 1},
                    "pattern": {"shape": patterns[index] if patterns else ""},
                },
                customdata=list(hover or categories),
                hovertemplate="%{customdata}<br>" + name + ": %{y}<extra></extra>",
            )
        )
    figure.update_layout(
        template=charts.THEME,
        separators=charts.SEPARATORS.get(lang, charts.SEPARATORS["en"]),
        height=charts.HEIGHT,
        barmode="group",
        showlegend=len(series) > 1,
    )
    st.plotly_chart(figure, theme=None, key=key, config=CONFIG, alt=text)
    st.caption(text)


def jobs_path(export: Export, lang: str) -> None:
    """The jobs promise per category: created jobs against the target path (dataset
    `jobs_path`), with the progress towards the final target and the trend of the last twelve
    months in words below each chart."""
    path = export.table("jobs_path")
    if path is None:
        return
    st.header(t("public.jobs_path", lang))
    as_of = pd.Timestamp(export.as_of).date()
    for category in ("external", "project_related"):
        own = path[path["category"] == category].assign(day=lambda f: pd.to_datetime(f["day"]))
        actual = own[own["series"] == ACTUAL]
        target = own[own["series"] == TARGET]
        current = actual.iloc[-1] if len(actual) else None
        name = label("category", category, lang)
        progress, path_today = _progress(actual, target, as_of, lang)
        final = target.iloc[-1] if len(target) else None
        panel = charts.JobsPanel(
            title=name,
            actual=actual[["day", "value"]],
            target_path=target[["day", "value"]],
            as_of=as_of,
            current=0.0 if current is None or pd.isna(current["value"]) else current["value"],
            period_end=as_of if final is None else final["day"].date(),
            final_target=None if final is None else float(final["value"]),
            forecast=None,
            lower=None,
            upper=None,
            status=progress,
            target_text="",
        )
        labels = {
            "actual": t("public.jobs_path.actual", lang),
            "target": t("public.jobs_path.target", lang),
            "forecast": "",
            "interval": "",
            "status": t("public.jobs_path.status", lang),
        }
        described = f"{progress} · {path_today}" if path_today else progress
        text = summary(
            f"{t('public.jobs_path', lang)} – {name}", [(labels["status"], described)], lang
        )
        text = f"{text} {_trend(actual, lang)}".strip()
        st.plotly_chart(
            charts.jobs_path([panel], lang, labels),
            theme=None,
            key=f"public_overview.jobs_path.{category}",
            config=CONFIG,
            alt=text,
        )
        st.caption(text)


def _progress(
    actual: pd.DataFrame, target: pd.DataFrame, as_of: dt.date, lang: str
) -> tuple[str, str]:
    """(`268 von 500 (54 %)`, `Zielpfad am Stichtag: 270`); `.` where the count is suppressed,
    the second empty without a target path."""
    last = actual.iloc[-1] if len(actual) else None
    value = None if last is None else last["value"]
    hidden = last is not None and bool(last[SUPPRESSED])
    shown = show_value(value, hidden, "count", lang)
    if target.empty:
        return shown, ""
    final = float(target["value"].iloc[-1])
    today = target[target["day"].dt.date == as_of]["value"]
    text = t("public.jobs_path.of", lang, value=shown, target=format_number(final, lang, 0))
    if not hidden and value is not None and not pd.isna(value) and final:
        text += f" ({format_number(float(value) / final * 100, lang, 0)} %)"
    path_today = ""
    if len(today):
        value_today = format_number(float(today.iloc[0]), lang, 0)
        path_today = t("public.jobs_path.path_today", lang, value=value_today)
    return text, path_today


def _trend(actual: pd.DataFrame, lang: str) -> str:
    """The jobs created per month over the last twelve published months (or as many as there
    are), from the published figures alone."""
    shown = actual[~actual[SUPPRESSED].astype(bool) & actual["value"].notna()]
    if len(shown) < 2:
        return ""
    last, first = shown.iloc[-1], shown.iloc[max(len(shown) - 13, 0)]
    months = max((last["day"] - first["day"]).days / 30.4375, 1.0)
    per_month = (float(last["value"]) - float(first["value"])) / months
    return t(
        "public.jobs_path.trend",
        lang,
        per_month=format_number(per_month, lang, 1),
        since=format_date(first["day"].date(), lang),
    )


def funding_tiles(export: Export, lang: str) -> None:
    """The funding figures summed over all grants (dataset `funding`) as tiles."""
    funding = export.table("funding")
    if funding is None:
        return
    st.header(t("public.funding", lang))
    columns = st.columns(TILES_PER_ROW)
    for column, row in zip(columns, funding.itertuples(index=False), strict=False):
        with column.container(border=True):
            st.metric(
                t(f"public.funding.{row.measure}", lang),
                show_value(row.value, bool(row.suppressed), "eur", lang),
                help=t(f"public.funding.{row.measure}.help", lang),
            )
    st.caption(t("public.funding.note", lang))


def to_open_data(lang: str) -> None:
    st.page_link(OPEN_DATA_PAGE, label=t("public.to_open_data", lang), icon=":material/download:")
