"""Cells → disclosure: the export's tables from the public state of the published warehouse.

What goes in (docs/OPEN_DATA.md has the details): the source rows of the KPIs that spec.py
names, read from the published warehouse with every stale row left out, turned into unit rows,
counted or summed into the cells of the declared tables and protected by
zakid_metrics.disclosure (one generic step for every table). Key figures are the registry's
values of the KPIs marked `-- open_data: key_figure`, published only where their disclosure
cells are. Rejected rows are never in the entity tables, so nothing of them can reach the
export. Company names appear only with public_name_consent.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from zakid_metrics import kpis
from zakid_metrics.contract import ENTITIES
from zakid_metrics.disclosure import (
    SUPPRESSED,
    TOTAL,
    Rules,
    cells_from_units,
    for_publication,
    primary_reasons,
    protect,
)
from zakid_metrics.errors import ExportError, WarehouseError
from zakid_metrics.open_data.spec import (
    AMOUNT_DECIMALS,
    BREAKDOWNS,
    DATASETS,
    EFFECTS,
    FLEET_KPIS,
    FLEET_WINDOW,
    NO,
    NO_DEVICES,
    OWN_CELL,
    PUBLIC,
    ROUNDED_TO_SHARE_DECIMALS,
    SHARE_DECIMALS,
    YES,
    Cell,
    DatasetSpec,
    KeyFigure,
    Table,
    key_figures,
)
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import Window, load_window
from zakid_metrics.telemetry_store import ROLLUPS, segment_files, telemetry_dir, telemetry_lock
from zakid_metrics.warehouse import install_shared_sql, warehouse_path


@dataclass(frozen=True)
class Built:
    """Every dataset's published frame and what the metadata needs to describe them."""

    tables: dict[str, pd.DataFrame]
    run_id: int
    published_at: dt.datetime
    as_of: dt.date
    period_start: dt.date
    fleet_window: tuple[dt.datetime, dt.datetime] | None
    # the framework indicator of each key figure that names one (its KPI header's `framework`)
    indicators: dict[str, kpis.FrameworkIndicator] = field(default_factory=dict)


# --- Reading the public state of the warehouse -----------------------------------------------


@contextmanager
def public_state(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published warehouse as the export may see it: every entity without its stale rows.

    An in-memory database attaches the warehouse read-only and shadows each entity table with
    a view of its current rows, so the KPI registry's SQL runs unchanged on the public state.
    """
    path = warehouse_path(data_dir)
    if not path.exists():
        raise WarehouseError(
            f"No warehouse at {path}.",
            "Load a delivery first: python -m pipelines ingest data/sample",
            path=str(path),
        )
    con = duckdb.connect()
    try:
        try:
            con.execute("ATTACH ? AS warehouse (READ_ONLY)", [str(path)])
        except duckdb.Error as error:
            raise WarehouseError(
                f"The warehouse at {path} cannot be opened: {error}",
                "Reload the delivery into a fresh data directory.",
                path=str(path),
            ) from error
        names = con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = 'warehouse' AND table_schema = 'main' ORDER BY table_name"
        ).fetchall()
        for (name,) in names:
            # Identifiers from the warehouse's own catalogue, not from any user input.
            current = " WHERE NOT _stale" if name in ENTITIES else ""
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM warehouse.main."{name}"{current}')
        install_shared_sql(con)
        yield con
    finally:
        con.close()


def _snapshot(con: duckdb.DuckDBPyConnection) -> tuple[int, dt.datetime]:
    row = con.execute("SELECT run_id, published_at FROM published_snapshot()").fetchone()
    if row is None or row[0] is None or row[1] is None:
        raise ExportError(
            "The warehouse has no published load run yet.",
            "Load a delivery first: python -m pipelines ingest data/sample",
        )
    published = row[1]
    if published.tzinfo is None:  # stored as UTC without zone, like every timestamp
        published = published.replace(tzinfo=dt.UTC)
    return int(row[0]), published


# --- Cells and protection: the one generic step ---------------------------------------------


def _categories(rows: pd.DataFrame, dim: str, table: Table) -> list[str]:
    """The declared categories, then any other one found in the data (sorted)."""
    declared = table.declared(dim)
    if not len(rows):
        return list(declared)
    others = rows[~rows[dim].isin(declared)]
    if table.order is not None:
        found = others.sort_values([table.order, dim], kind="stable")[dim].drop_duplicates()
        return [*declared, *found]
    return [*declared, *sorted(set(others[dim]))]


def unit_cells(rows: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The full table over the table's dims (every category, margins, empty cells as 0).

    A cell's value is the number of rows (or distinct `distinct` items, for items counted in
    several categories at once), or the sum of `value`; with `units` (distinct units) and
    `largest` (the largest unit's part) for the disclosure rules.
    """
    dims = list(table.dims)
    levels = [[*_categories(rows, dim, table), TOTAL] for dim in dims]
    grid = pd.DataFrame(list(itertools.product(*levels)), columns=dims, dtype=object)
    if len(rows):
        rows = rows.assign(**{dim: rows[dim].astype(str) for dim in dims})
        if table.distinct is not None:
            found = _distinct_cells(rows, dims, table.unit, table.distinct)
        else:
            found = cells_from_units(rows, dims, unit=table.unit, value=table.value)
            found = found.rename(columns={table.value or "value": "value"})
        grid = grid.merge(found, on=dims, how="left")
    else:
        grid = grid.assign(value=0, units=0, largest=0)
    numbers = ["value", "units", "largest"]
    grid[numbers] = grid[numbers].fillna(0)
    for column in ("units", *([] if table.value else ["value", "largest"])):
        grid[column] = grid[column].astype("int64")
    return grid


def _distinct_cells(rows: pd.DataFrame, dims: list[str], unit: str, item: str) -> pd.DataFrame:
    parts = []
    for size in range(len(dims), -1, -1):
        for subset in map(list, itertools.combinations(dims, size)):
            if subset:
                per_unit = rows.groupby([*subset, unit])[item].nunique()
                stats = pd.DataFrame(
                    {
                        "value": rows.groupby(subset)[item].nunique(),
                        "units": per_unit.groupby(level=subset).size(),
                        "largest": per_unit.groupby(level=subset).max(),
                    }
                ).reset_index()
            else:
                per_unit = rows.groupby(unit)[item].nunique()
                stats = pd.DataFrame(
                    [[rows[item].nunique(), len(per_unit), per_unit.max()]],
                    columns=["value", "units", "largest"],
                )
            for dim in dims:
                if dim not in subset:
                    stats[dim] = TOTAL
            parts.append(stats)
    return pd.concat(parts, ignore_index=True)[[*dims, "value", "units", "largest"]]


def protected_table(rows: pd.DataFrame, table: Table, rules: Rules) -> pd.DataFrame:
    """The table's published form from its unit rows: `dims`, `value`, `suppressed`."""
    cells = unit_cells(rows, table)
    dims = list(table.dims)
    if table.decimals is not None:
        cells["value"] = cells["value"].round(table.decimals)
        cells["largest"] = cells["largest"].clip(upper=cells["value"])
    if table.each_a_unit:
        cells["value"] = cells["value"].astype("int64")
        cells["units"] = cells["value"]
    if table.protection == "none":
        published = cells[[*dims, "value"]].copy()
        published[SUPPRESSED] = False
        return published
    largest = "largest" if table.protection == "primary" else None
    return for_publication(protect(cells, dims, largest=largest, rules=rules))


def dataset_table(
    spec: DatasetSpec, unit_rows: Mapping[str | None, pd.DataFrame], rules: Rules
) -> pd.DataFrame:
    """The dataset's tables, each protected on its own, stacked under `spec.stack`."""
    parts = [(t.part, protected_table(unit_rows[t.part], t, rules)) for t in spec.tables]
    if spec.stack is None:
        return parts[0][1]
    stacked = pd.concat(
        [frame.assign(**{spec.stack: part}) for part, frame in parts], ignore_index=True
    )
    return stacked[[spec.stack, *(c for c in stacked.columns if c != spec.stack)]]


# --- Unit rows: each dataset's source rows as the rows its tables count -----------------------


@dataclass(frozen=True)
class Context:
    """What turning source rows into unit rows needs besides the rows themselves."""

    as_of: dt.date
    company_of: Mapping[str, str]  # project -> company


def companies_of(rows: pd.DataFrame) -> pd.Series:
    """The unit of each row: its company (`company_id`); a row without one stands for itself
    (a position of the centre is its own employer)."""
    companies = rows["company_id"] if "company_id" in rows else pd.Series(None, index=rows.index)
    return pd.Series(
        [
            f"company:{company}" if _present(company) else f"row:{n}"
            for n, company in enumerate(companies)
        ],
        index=rows.index,
        dtype=object,
    )


def _flags(values: pd.Series) -> list[str]:
    return [YES if flag else NO for flag in values.fillna(False)]


def _jobs(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    """Jobs created up to and existing on the as-of day; the unit is the employer."""
    created = rows.assign(employer=companies_of(rows))
    ended = created["ended_on"]
    existing = created[[day is None or pd.isna(day) or day > context.as_of for day in ended]]
    return {"created": created, "existing": existing}


def _companies(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    return {name: rows.assign(group=_flags(rows[column])) for name, column in BREAKDOWNS}


def _projects(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    return {None: rows}


def _deployments(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    exploded = [
        (deployment, device_class, policy, context.company_of.get(project))
        for deployment, classes, policy, project in zip(
            rows["deployment_id"],
            rows["device_classes"],
            rows["data_policy"],
            rows["project_id"],
            strict=True,
        )
        for device_class in (list(classes) if _present(classes) else []) or [NO_DEVICES]
    ]
    frame = pd.DataFrame(
        exploded, columns=["deployment_id", "device_class", "data_policy", "company"]
    )
    return {None: frame.dropna(subset=["company"])}


def _contributions(rows: pd.DataFrame, context: Context) -> pd.DataFrame:
    """The protected unit is the company behind a contribution's project: stricter than the
    project, since a company is never smaller than one of its projects."""
    return rows.assign(
        company=rows["project_id"].map(context.company_of),
        verified=_flags(rows["verified"]),
        sdg_goal=rows["sdg_goal"].astype(str),
    ).dropna(subset=["company"])


def _sdg_contributions(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    return {None: _contributions(rows, context)}


def _sdg_effects(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    contributions = _contributions(rows, context)
    parts: dict[str | None, pd.DataFrame] = {}
    for measure, unit_text in EFFECTS:
        amounts = contributions[
            (contributions["unit"] == unit_text) & contributions["value"].notna()
        ]
        negative = amounts[amounts["value"] < 0]
        if len(negative):
            raise ExportError(
                f"SDG contribution(s) {', '.join(map(str, negative['contribution_id']))} have a "
                f"negative value in {unit_text}; the dominance rule works on amounts >= 0.",
                "Deliver avoided emissions and saved energy as positive amounts, or put "
                "additional consumption under another unit.",
            )
        parts[measure] = amounts.assign(value=amounts["value"].astype(float))
    return parts


def _courses(rows: pd.DataFrame, context: Context) -> dict[str | None, pd.DataFrame]:
    counted = rows.assign(
        starts=rows["semester_starts_on"],
        completed=rows["completed"].fillna(0).astype("int64"),
        enrolled=rows["enrolled"].astype("int64"),
    )
    return dict.fromkeys(("courses", "enrolled", "completed"), counted)


UnitRows = Callable[[pd.DataFrame, Context], dict[str | None, pd.DataFrame]]
# Per dataset of tables: its source rows -> the unit rows of each of its tables (by part).
UNIT_ROWS: dict[str, UnitRows] = {
    "jobs": _jobs,
    "companies": _companies,
    "projects": _projects,
    "deployments": _deployments,
    "sdg_contributions": _sdg_contributions,
    "sdg_effects": _sdg_effects,
    "courses": _courses,
}


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: present
        return True


def companies_named(engaged: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """The engaged companies that consented to be named, with the use cases of their projects."""
    consenting = engaged[engaged["public_name_consent"].fillna(False).astype(bool)]
    use_cases = projects.groupby("company_id")["use_case"].agg(lambda s: "; ".join(sorted(set(s))))
    named = consenting.assign(use_cases=consenting["company_id"].map(use_cases).fillna(""))
    named = named.assign(order=named["name"].str.casefold())
    named = named.sort_values(["order", "company_id"], kind="stable")
    return named[["name", "size_class", "use_cases"]].reset_index(drop=True)


# --- Single figures ----------------------------------------------------------------------------


def _scalar_hidden(value: float, units: int, largest: float, rules: Rules) -> bool:
    """Whether one figure (a cell of its own) is suppressed by the primary rules."""
    cell = pd.DataFrame([{"value": value, "units": units, "largest": largest}])
    return primary_reasons(cell, rules=rules).iloc[0] is not None


def own_cell_hidden(rows: pd.DataFrame, rules: Rules) -> bool:
    """Whether a figure protected as its own cell is suppressed: its source rows counted, their
    units the companies (`companies_of`)."""
    if rows.empty:
        return False
    per_unit = companies_of(rows).value_counts()
    return _scalar_hidden(len(rows), len(per_unit), per_unit.max(), rules)


# --- The device fleet ------------------------------------------------------------------------


@dataclass(frozen=True)
class Fleet:
    """The fleet's published figures and the 24-hour window they cover."""

    table: pd.DataFrame
    window_start: dt.datetime
    window_end: dt.datetime


def last_reading(data_dir: Path, until: dt.datetime) -> dt.datetime | None:
    """The time of the last reading in the telemetry segments before `until`; None if none."""
    tdir = telemetry_dir(data_dir)
    if not tdir.is_dir():
        return None
    with telemetry_lock(tdir):
        files = [str(path) for path in segment_files(tdir, ROLLUPS)]
        if not files:
            return None
        con = duckdb.connect()
        try:
            (last,) = con.execute(
                "SELECT max(last_ts) FROM read_parquet(?, hive_partitioning = false) "
                "WHERE last_ts < ?",
                [files, until],
            ).fetchone()
        finally:
            con.close()
    return None if last is None else last.astimezone(dt.UTC)


def fleet_figures(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    as_of: dt.date,
    until: dt.datetime,
    company_of: Mapping[str, str],
    rules: Rules,
    registry: Mapping[str, kpis.Kpi],
) -> Fleet | None:
    """The fleet's public KPIs of the registry over the 24 hours up to the last reading before
    `until` (so the same telemetry gives the same figures), each protected as a cell whose
    units are the companies behind the devices; None without telemetry. Leaves the window
    loaded on `con`."""
    last = last_reading(data_dir, until)
    if last is None:
        return None
    end = last.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    window = Window.between(end - FLEET_WINDOW, end, now=end)
    load_window(con, data_dir, window)
    results = kpis.compute_all(con, as_of=as_of, kpi_ids=list(FLEET_KPIS), registry=registry)
    deployment_company = {
        deployment: company_of.get(project)
        for deployment, project in con.execute(
            "SELECT deployment_id, project_id FROM deployments"
        ).fetchall()
    }

    def rows(kpi_id: str) -> pd.DataFrame:
        found = kpis.source_rows(con, kpi_id, as_of=as_of, registry=registry)
        return found.assign(company=found["deployment_id"].map(deployment_company)).dropna(
            subset=["company"]
        )

    online = rows("devices_online")
    online = online[online["online"].fillna(False).astype(bool)]
    active = rows("inferences_24h")
    # The deployments behind the speed-up's median, selected as the KPI's SQL selects them.
    measured = pd.DataFrame(
        con.execute(
            "SELECT v.deployment_id FROM telemetry_devices d "
            "JOIN devices v ON v.device_id = d.device_id "
            "JOIN deployments p ON p.deployment_id = v.deployment_id "
            "WHERE p.cloud_baseline_latency_ms IS NOT NULL AND d.inferences > 0 "
            "GROUP BY v.deployment_id HAVING sum(d.latency_ms_sum) > 0"
        ).fetchall(),
        columns=["deployment_id"],
    )
    measured = measured.assign(company=measured["deployment_id"].map(deployment_company))
    data = rows("data_kept_on_device_share").fillna({"bytes_on_device": 0, "bytes_uplinked": 0})
    data = data.assign(bytes=data["bytes_on_device"] + data["bytes_uplinked"])
    hidden = {
        "devices_online": _hidden(online.assign(n=1), "n", rules),
        "inferences_24h": _hidden(active, "inferences", rules),
        # A median is no sum: it is published when k companies stand behind its deployments
        # and none of them has more than the dominance share of the deployments.
        "speedup_vs_cloud": _hidden(measured.assign(n=1), "n", rules),
        "data_kept_on_device_share": _hidden(data, "bytes", rules)
        or _hidden(data, "bytes_on_device", rules),
    }
    table = pd.DataFrame(
        [
            (kpi_id, rounded(results[kpi_id].value, results[kpi_id].kpi), hidden[kpi_id])
            for kpi_id in FLEET_KPIS
        ],
        columns=["measure", "value", SUPPRESSED],
    )
    table["value"] = table["value"].where(~table[SUPPRESSED])
    return Fleet(table, window.start, window.end)


def _hidden(rows: pd.DataFrame, column: str, rules: Rules) -> bool:
    """Whether the sum of `column` over `rows` is suppressed, its units being the companies."""
    per_company = rows.groupby("company")[column].sum()
    per_company = per_company[per_company > 0]
    if per_company.empty:
        return False
    total = float(per_company.sum())
    return _scalar_hidden(total, len(per_company), float(per_company.max()), rules)


def rounded(value: object, kpi: kpis.Kpi) -> float | None:
    """A KPI's value as published: shares and ratios to 4 decimals, anything else to 6."""
    if value is None or pd.isna(value):
        return None
    decimals = SHARE_DECIMALS if kpi.unit in ROUNDED_TO_SHARE_DECIMALS else AMOUNT_DECIMALS
    return round(float(value), decimals)


# --- Key figures and targets -----------------------------------------------------------------


def _cell_hidden(tables: Mapping[str, pd.DataFrame], cell: Cell) -> bool:
    table = tables[cell.dataset]
    mask = pd.Series(True, index=table.index)
    for column, value in cell.at:
        mask &= table[column] == value
    row = table[mask]
    if len(row) != 1:
        raise ExportError(
            f"The export's table {cell.dataset} has {len(row)} cells for {dict(cell.at)}.",
            "A key figure's cell in zakid_metrics/open_data/spec.py (DISCLOSURE) names no "
            "single cell of its dataset; correct it there.",
        )
    return bool(row[SUPPRESSED].iloc[0])


def key_figure_table(
    figures: Sequence[KeyFigure],
    results: Mapping[str, kpis.KpiResult],
    tables: Mapping[str, pd.DataFrame],
    own_cells: Mapping[str, bool],
) -> pd.DataFrame:
    """The key figures: each KPI's registry value, suppressed where its disclosure says so, so
    that a figure that a table suppresses is suppressed here too."""
    rows = []
    for figure in figures:
        kpi_id = figure.kpi.id
        if figure.disclosure == PUBLIC:
            hidden = False
        elif figure.disclosure == OWN_CELL:
            hidden = own_cells[kpi_id]
        else:
            hidden = any(_cell_hidden(tables, cell) for cell in figure.disclosure)
        value = None if hidden else rounded(results[kpi_id].value, figure.kpi)
        rows.append((kpi_id, figure.kpi.unit, value, hidden))
    frame = pd.DataFrame(rows, columns=["kpi_id", "unit", "value", SUPPRESSED])
    frame["value"] = frame["value"].astype("Float64")
    return frame


def targets(results: Mapping[str, kpis.KpiResult]) -> pd.DataFrame:
    """The milestones of the key figures (the funding application's promises are public)."""
    rows = [
        (kpi_id, milestone.due_on.isoformat(), float(milestone.target_value))
        for kpi_id, result in sorted(results.items())
        for milestone in result.milestones
    ]
    return pd.DataFrame(rows, columns=["kpi_id", "due_on", "target_value"])


# --- Building the export -----------------------------------------------------------------------


def build(
    data_dir: Path,
    as_of: dt.date | None = None,
    rules: Rules | None = None,
    registry: Mapping[str, kpis.Kpi] | None = None,
) -> Built:
    """The export's tables, from the public state of the published warehouse (no files).

    `registry` replaces the KPI registry (default: kpis.KPIS), e.g. `kpis.load_registry(folder)`.
    """
    settings = get_settings()
    rules = rules or Rules.from_settings(settings)
    registry = kpis.KPIS if registry is None else registry
    zone = ZoneInfo(settings.timezone)
    as_of = as_of or dt.datetime.now(zone).date()
    figures = key_figures(registry)
    with public_state(data_dir) as con:
        run_id, published_at = _snapshot(con)

        read: dict[str, pd.DataFrame] = {}

        def rows(kpi_id: str) -> pd.DataFrame:
            if kpi_id not in read:
                read[kpi_id] = kpis.source_rows(con, kpi_id, as_of=as_of, registry=registry)
            return read[kpi_id]

        company_of = dict(con.execute("SELECT project_id, company_id FROM projects").fetchall())
        period_start = con.execute("SELECT min(starts_on) FROM grants").fetchone()[0]
        context = Context(as_of, company_of)
        tables: dict[str, pd.DataFrame] = {}
        for spec in DATASETS:
            if spec.tables and spec.source is not None:
                unit_rows = UNIT_ROWS[spec.name](rows(spec.source), context)
                tables[spec.name] = dataset_table(spec, unit_rows, rules)
        tables["companies_named"] = companies_named(
            rows("companies_engaged"), rows("projects_by_status")
        )
        until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), zone)
        fleet = fleet_figures(
            con, data_dir, as_of, until.astimezone(dt.UTC), company_of, rules, registry
        )
        # Telemetry KPIs have a value only with the fleet's window loaded (by fleet_figures).
        telemetry = kpis.telemetry_loaded(con)
        results = kpis.compute_all(
            con, as_of=as_of, kpi_ids=[f.kpi.id for f in figures], registry=registry
        )
        shown = [f for f in figures if telemetry or not f.kpi.reads_telemetry]
        own_cells = {
            f.kpi.id: own_cell_hidden(rows(f.kpi.id), rules)
            for f in shown
            if f.disclosure == OWN_CELL
        }
    if fleet is not None:
        tables["fleet"] = fleet.table
    tables["key_figures"] = key_figure_table(shown, results, tables, own_cells)
    tables["targets"] = targets(results)
    return Built(
        tables=tables,
        run_id=run_id,
        published_at=published_at,
        as_of=as_of,
        period_start=period_start or settings.funding_period_start,
        fleet_window=None if fleet is None else (fleet.window_start, fleet.window_end),
        indicators={f.kpi.id: f.kpi.framework for f in shown if f.kpi.framework is not None},
    )
