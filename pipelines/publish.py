"""`python -m pipelines publish`: the open-data export, built from the public KPIs' rows after
disclosure control and swapped into DATA_DIR/public/ atomically.

What goes in (docs/OPEN_DATA.md has the details): the rows behind the public-audience KPIs of
the registry (`kpis.source_rows`), read from the published warehouse with every stale row
left out, grouped into tables whose cells count or sum units (companies, employers, persons),
protected by zakid_metrics.disclosure. Rejected rows are never in the entity tables, so
nothing of them can reach the export. Company names appear only with public_name_consent.
"""

from __future__ import annotations

import csv
import ctypes
import datetime as dt
import errno
import fcntl
import getpass
import io
import itertools
import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zakid_metrics import kpis
from zakid_metrics.audit import audit
from zakid_metrics.contract import (
    DATA_POLICIES,
    DEVICE_CLASSES,
    ENTITIES,
    JOB_CATEGORIES,
    PROJECT_STATUSES,
    QUALIFICATIONS,
    SIZE_CLASSES,
    USE_CASES,
)
from zakid_metrics.disclosure import Rules, cells_from_units, for_publication, primary_reasons
from zakid_metrics.disclosure import protect as protect_cells
from zakid_metrics.errors import WarehouseError, ZakidError
from zakid_metrics.i18n import t
from zakid_metrics.open_data import (
    DATASETS,
    FILE_TYPES,
    FORMATS,
    LICENSE_NAME,
    LICENSE_TEXT_URL,
    LICENSE_URI,
    LOCK_FILE,
    MEDIA_TYPE_BASE,
    METADATA_FILE,
    NEXT_DIR,
    PUBLISHER,
    SUPPRESSED,
    TOTAL,
    DatasetSpec,
    Format,
    escape_formula,
    public_dir,
    sha256_hex,
)
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import Window, load_window
from zakid_metrics.telemetry_store import ROLLUPS, segment_files, telemetry_dir, telemetry_lock
from zakid_metrics.warehouse import install_shared_sql, warehouse_path

YES, NO = "yes", "no"
GOALS = tuple(str(goal) for goal in range(1, 18))
NO_DEVICES = "no_devices"  # a live deployment without an installed device (its own category)
# Company characteristics published by size class, each as a yes/no breakdown of its own.
BREAKDOWNS = (
    ("craft", "is_craft"),
    ("startup", "is_startup"),
    ("ude_spinoff", "ude_spinoff"),
    ("in_duisburg", "in_duisburg"),
)
# SDG indicator units whose sums are published, by the KPI that sums the verified ones.
EFFECTS = (("co2e_avoided_t_per_year", "t CO2e/a"), ("energy_saved_mwh_per_year", "MWh/a"))
SHARE_DECIMALS, AMOUNT_DECIMALS = 4, 6
FLEET_WINDOW = dt.timedelta(hours=24)
# The fleet's public KPIs (the registry computes them from the telemetry window).
FLEET_KPIS = ("devices_online", "inferences_24h", "speedup_vs_cloud", "data_kept_on_device_share")
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2

JSONLD_CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "zakid": "https://zakid.duisburg.de/ns/open-data#",
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "identifier": "dct:identifier",
    "publisher": "dct:publisher",
    "name": "foaf:name",
    "license": {"@id": "dct:license", "@type": "@id"},
    "licenseName": "zakid:licenseName",
    "licenseText": {"@id": "zakid:licenseText", "@type": "@id"},
    "licenseAttributionByText": "dcatde:licenseAttributionByText",
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "asOf": {"@id": "zakid:asOf", "@type": "xsd:date"},
    "temporal": "dct:temporal",
    "startDate": {"@id": "dcat:startDate", "@type": "xsd:dateTime"},
    "endDate": {"@id": "dcat:endDate", "@type": "xsd:dateTime"},
    "dataset": "dcat:dataset",
    "distribution": "dcat:distribution",
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "format": {"@id": "dct:format", "@type": "@id"},
    "mediaType": {"@id": "dcat:mediaType", "@type": "@id"},
    "byteSize": {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"},
    "checksum": "spdx:checksum",
    "algorithm": {"@id": "spdx:algorithm", "@type": "@id"},
    "checksumValue": "spdx:checksumValue",
    "columns": "zakid:columns",
    "disclosureControl": "zakid:disclosureControl",
}


class PublishError(ZakidError):
    """The export cannot be built from the published data."""

    code = "publish_error"


@dataclass(frozen=True)
class DatasetResult:
    """One written dataset: rows, suppressed cells, files."""

    name: str
    rows: int
    suppressed: int
    files: tuple[str, ...]


@dataclass(frozen=True)
class PublishResult:
    """What `publish` wrote and from which snapshot."""

    path: Path
    as_of: dt.date
    run_id: int
    datasets: tuple[DatasetResult, ...]


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
    if row is None:
        raise PublishError(
            "The warehouse has no published load run yet.",
            "Load a delivery first: python -m pipelines ingest data/sample",
        )
    return row[0], row[1].replace(tzinfo=dt.UTC)  # stored as UTC without zone


# --- Cells and protection --------------------------------------------------------------------


def _grid(dims: Sequence[str], categories: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Every combination of the categories and `total`, in declaration order, totals last."""
    levels = [[*categories[dim], TOTAL] for dim in dims]
    return pd.DataFrame(list(itertools.product(*levels)), columns=list(dims), dtype=object)


def _categories(rows: pd.DataFrame, column: str, declared: Sequence[str]) -> list[str]:
    """The declared categories, then any other one found in the data (sorted)."""
    found = set(rows[column]) if len(rows) else set()
    return [*declared, *sorted(found - set(declared))]


def unit_cells(
    rows: pd.DataFrame,
    dims: Sequence[str],
    categories: Mapping[str, Sequence[str]],
    *,
    unit: str,
    value: str | None = None,
    distinct: str | None = None,
) -> pd.DataFrame:
    """The full table over `dims` (every category, margins, empty cells as 0) from unit rows.

    A cell's value is the number of rows (or distinct `distinct` items, for items counted in
    several categories at once), or the sum of `value`; with `units` (distinct units) and
    `largest` (the largest unit's part) for the disclosure rules.
    """
    dims = list(dims)
    grid = _grid(dims, categories)
    if len(rows):
        rows = rows.assign(**{dim: rows[dim].astype(str) for dim in dims})
        if distinct is not None:
            found = _distinct_cells(rows, dims, unit, distinct)
        else:
            found = cells_from_units(rows, dims, unit=unit, value=value)
            found = found.rename(columns={value or "value": "value"})
        grid = grid.merge(found, on=dims, how="left")
    else:
        grid = grid.assign(value=0, units=0, largest=0)
    numbers = ["value", "units", "largest"]
    grid[numbers] = grid[numbers].fillna(0)
    for column in ("units", *([] if value else ["value", "largest"])):
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


def protect(
    cells: pd.DataFrame, dims: Sequence[str], rules: Rules, *, dominance: bool = True
) -> pd.DataFrame:
    """`dims`, `value`, `suppressed`: the published form (zakid_metrics.disclosure)."""
    protected = protect_cells(
        cells, list(dims), largest="largest" if dominance else None, rules=rules
    )
    return for_publication(protected)


def _unprotected(cells: pd.DataFrame, dims: Sequence[str]) -> pd.DataFrame:
    published = cells[[*dims, "value"]].copy()
    published[SUPPRESSED] = False
    return published


def _stack(parts: Sequence[tuple[str, pd.DataFrame]], column: str) -> pd.DataFrame:
    """Tables protected one by one, stacked with `column` naming each."""
    frames = [frame.assign(**{column: name}) for name, frame in parts]
    stacked = pd.concat(frames, ignore_index=True)
    return stacked[[column, *(c for c in stacked.columns if c != column)]]


# --- The datasets ----------------------------------------------------------------------------


def _employer(rows: pd.DataFrame) -> pd.Series:
    """Who a job reveals: its company; the centre's own positions each stand for themselves."""
    return pd.Series(
        [
            f"company:{company}" if category == "external" else f"job:{job}"
            for category, company, job in zip(
                rows["category"], rows["company_id"], rows["job_id"], strict=True
            )
        ],
        index=rows.index,
        dtype=object,
    )


def jobs_table(created: pd.DataFrame, as_of: dt.date, rules: Rules) -> pd.DataFrame:
    """Jobs created up to and existing on `as_of`, by category and qualification."""
    created = created.assign(employer=_employer(created))
    ended = created["ended_on"]
    existing = created[[day is None or pd.isna(day) or day > as_of for day in ended]]
    dims = ("category", "qualification")
    categories = {"category": JOB_CATEGORIES, "qualification": QUALIFICATIONS}
    parts = [
        (measure, protect(unit_cells(rows, dims, categories, unit="employer"), dims, rules))
        for measure, rows in (("created", created), ("existing", existing))
    ]
    return _stack(parts, "measure")


def companies_table(engaged: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Engaged companies by size class, once per characteristic (yes/no), each protected."""
    dims = ("size_class", "group")
    parts = []
    for name, column in BREAKDOWNS:
        rows = engaged.assign(group=[YES if flag else NO for flag in engaged[column]])
        categories = {
            "size_class": _categories(rows, "size_class", SIZE_CLASSES),
            "group": (YES, NO),
        }
        cells = unit_cells(rows, dims, categories, unit="company_id")
        parts.append((name, protect(cells, dims, rules, dominance=False)))
    return _stack(parts, "breakdown")


def companies_named(engaged: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """The engaged companies that consented to be named, with the use cases of their projects."""
    consenting = engaged[engaged["public_name_consent"].fillna(False).astype(bool)]
    use_cases = projects.groupby("company_id")["use_case"].agg(lambda s: "; ".join(sorted(set(s))))
    named = consenting.assign(use_cases=consenting["company_id"].map(use_cases).fillna(""))
    named = named.assign(order=named["name"].str.casefold())
    named = named.sort_values(["order", "company_id"], kind="stable")
    return named[["name", "size_class", "use_cases"]].reset_index(drop=True)


def projects_table(projects: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Projects started up to `as_of` by status and use case."""
    dims = ("status", "use_case")
    categories = {
        "status": _categories(projects, "status", PROJECT_STATUSES),
        "use_case": _categories(projects, "use_case", USE_CASES),
    }
    return protect(unit_cells(projects, dims, categories, unit="company_id"), dims, rules)


def deployments_table(
    live: pd.DataFrame, company_of: Mapping[str, str], rules: Rules
) -> pd.DataFrame:
    """Live deployments by the class of their devices and by data policy.

    A deployment counts once per device class it has devices of, and once in every total.
    """
    rows = [
        (deployment, device_class, policy, company_of.get(project))
        for deployment, classes, policy, project in zip(
            live["deployment_id"],
            live["device_classes"],
            live["data_policy"],
            live["project_id"],
            strict=True,
        )
        for device_class in (list(classes) if _present(classes) else []) or [NO_DEVICES]
    ]
    frame = pd.DataFrame(rows, columns=["deployment_id", "device_class", "data_policy", "company"])
    frame = frame.dropna(subset=["company"])
    dims = ("device_class", "data_policy")
    categories = {
        "device_class": _categories(frame, "device_class", DEVICE_CLASSES),
        "data_policy": _categories(frame, "data_policy", DATA_POLICIES),
    }
    cells = unit_cells(frame, dims, categories, unit="company", distinct="deployment_id")
    return protect(cells, dims, rules)


def sdg_tables(
    contributions: pd.DataFrame, company_of: Mapping[str, str], rules: Rules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contributions by goal and verification, sums of CO2e and energy by verification).

    The protected unit is the company behind a contribution's project: stricter than the
    project, since a company is never smaller than one of its projects.
    """
    rows = contributions.assign(
        company=contributions["project_id"].map(company_of),
        verified=[YES if flag else NO for flag in contributions["verified"].fillna(False)],
        sdg_goal=contributions["sdg_goal"].astype(str),
    ).dropna(subset=["company"])
    dims = ("sdg_goal", "verified")
    categories = {"sdg_goal": _categories(rows, "sdg_goal", GOALS), "verified": (YES, NO)}
    counts = protect(unit_cells(rows, dims, categories, unit="company"), dims, rules)

    parts = []
    for measure, unit_text in EFFECTS:
        amounts = rows[(rows["unit"] == unit_text) & rows["value"].notna()]
        negative = amounts[amounts["value"] < 0]
        if len(negative):
            raise PublishError(
                f"SDG contribution(s) {', '.join(map(str, negative['contribution_id']))} have a "
                f"negative value in {unit_text}; the dominance rule works on amounts >= 0.",
                "Deliver avoided emissions and saved energy as positive amounts, or put "
                "additional consumption under another unit.",
            )
        cells = unit_cells(
            amounts.assign(value=amounts["value"].astype(float)),
            ("verified",),
            {"verified": (YES, NO)},
            unit="company",
            value="value",
        )
        cells["value"] = cells["value"].round(AMOUNT_DECIMALS)
        cells["largest"] = cells["largest"].clip(upper=cells["value"])
        parts.append((measure, protect(cells, ("verified",), rules)))
    return counts, _stack(parts, "measure")


def courses_table(courses: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Embedded-AI courses, students enrolled and completed, by semester.

    Courses are public teaching: their number is not protected. Students are persons: a cell
    counting fewer than k_min of them is suppressed (each student is a unit of their own).
    """
    rows = courses.assign(
        starts=[_semester_start(s) for s in courses["semester"]],
        completed=courses["completed"].fillna(0).astype("int64"),
        enrolled=courses["enrolled"].astype("int64"),
    )
    semesters = list(rows.sort_values(["starts", "semester"])["semester"].drop_duplicates())
    categories = {"semester": semesters}
    parts = [
        ("courses", _unprotected(unit_cells(rows, ("semester",), categories, unit="course_id"),
                                 ("semester",))),
    ]  # fmt: skip
    for measure in ("enrolled", "completed"):
        cells = unit_cells(rows, ("semester",), categories, unit="course_id", value=measure)
        cells["value"] = cells["value"].astype("int64")
        cells["units"] = cells["value"]  # every student a unit
        parts.append((measure, protect(cells, ("semester",), rules, dominance=False)))
    return _stack(parts, "measure")


def _semester_start(semester: str) -> dt.date:
    year = int(semester[3:7])
    return dt.date(year, 10 if semester.startswith("WS") else 4, 1)


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: present
        return True


# --- Single figures ----------------------------------------------------------------------------


def _scalar(
    name: str, value: float, units: int, largest: float, rules: Rules, dominance: bool = True
) -> bool:
    """Whether one figure (a cell of its own) is suppressed by the primary rules."""
    cell = pd.DataFrame([{"name": name, "value": value, "units": units, "largest": largest}])
    reasons = primary_reasons(cell, largest="largest" if dominance else None, rules=rules)
    return reasons.iloc[0] is not None


def well_paid_share(paid: pd.DataFrame, rules: Rules) -> tuple[float | None, bool]:
    """(share of salaried jobs paid at least the reference wage, suppressed).

    Salaries are confidential: the share is published only when at least k_min employers
    stand behind the salaried jobs and no single one holds more than the dominance share.
    """
    if paid.empty:
        return None, False
    per_employer = _employer(paid).value_counts()
    suppressed = _scalar(
        "jobs_well_paid_share", len(paid), len(per_employer), per_employer.max(), rules
    )
    share = round(float(paid["well_paid"].astype(bool).mean()), SHARE_DECIMALS)
    return (None if suppressed else share), suppressed


def count_figure(rows: pd.DataFrame, unit: str, name: str, rules: Rules) -> tuple[float, bool]:
    """(number of rows, suppressed) for a count whose rows belong to units (companies)."""
    if rows.empty:
        return 0.0, False
    per_unit = rows[unit].value_counts()
    suppressed = _scalar(name, len(rows), len(per_unit), per_unit.max(), rules)
    return float(len(rows)), suppressed


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
) -> Fleet | None:
    """The fleet's public KPIs of the registry over the 24 hours up to the last reading before
    `until` (so the same telemetry gives the same figures), each protected as a cell whose
    units are the companies behind the devices; None without telemetry."""
    last = last_reading(data_dir, until)
    if last is None:
        return None
    end = last.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    window = Window.between(end - FLEET_WINDOW, end, now=end)
    load_window(con, data_dir, window)
    results = kpis.compute_all(con, as_of=as_of, kpi_ids=list(FLEET_KPIS))
    deployment_company = {
        deployment: company_of.get(project)
        for deployment, project in con.execute(
            "SELECT deployment_id, project_id FROM deployments"
        ).fetchall()
    }

    def rows(kpi_id: str) -> pd.DataFrame:
        found = kpis.source_rows(con, kpi_id, as_of=as_of)
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
            (kpi_id, _rounded(results[kpi_id].value, kpi_id), hidden[kpi_id])
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
    return _scalar(column, total, len(per_company), float(per_company.max()), rules)


def _rounded(value: object, kpi_id: str) -> float | None:
    if value is None or pd.isna(value):
        return None
    decimals = SHARE_DECIMALS if kpis.KPIS[kpi_id].unit in ("share", "ratio") else AMOUNT_DECIMALS
    return round(float(value), decimals)


# --- Key figures -----------------------------------------------------------------------------


def _cell(table: pd.DataFrame, **where: str) -> tuple[float | None, bool]:
    mask = pd.Series(True, index=table.index)
    for column, value in where.items():
        mask &= table[column] == value
    row = table[mask]
    if len(row) != 1:
        raise PublishError(
            f"The export's table has {len(row)} cells for {where}.",
            "This is a bug in pipelines/publish.py; report it with this message.",
        )
    hidden = bool(row[SUPPRESSED].iloc[0])
    value = row["value"].iloc[0]
    return (None if hidden or pd.isna(value) else float(value)), hidden


def _share(
    part: tuple[float | None, bool], whole: tuple[float | None, bool]
) -> tuple[float | None, bool]:
    """A share of two published cells; suppressed when either is (it would reveal it)."""
    if part[1] or whole[1]:
        return None, True
    if not whole[0] or part[0] is None:
        return None, False
    return round(part[0] / whole[0], SHARE_DECIMALS), False


def key_figures(
    tables: Mapping[str, pd.DataFrame],
    single: Mapping[str, tuple[float | None, bool]],
) -> pd.DataFrame:
    """The headline figures of the public KPIs, each read from a published cell, never beside
    the tables: a figure that a table suppresses is suppressed here too."""
    jobs, companies = tables["jobs"], tables["companies"]
    projects, deployments = tables["projects"], tables["deployments"]
    sdg, effects, courses = tables["sdg_contributions"], tables["sdg_effects"], tables["courses"]
    engaged = _cell(companies, breakdown="in_duisburg", size_class=TOTAL, group=TOTAL)
    large = _cell(companies, breakdown="in_duisburg", size_class="large", group=TOTAL)
    smes = (None if large[0] is None or engaged[0] is None else engaged[0] - large[0], large[1])
    private = [
        _cell(deployments, device_class=TOTAL, data_policy=policy)
        for policy in ("on_device_only", "aggregates_only")
    ]
    private_sum = (
        None if any(v is None for v, _ in private) else sum(v or 0 for v, _ in private),
        any(hidden for _, hidden in private),
    )
    live = _cell(deployments, device_class=TOTAL, data_policy=TOTAL)
    figures: list[tuple[str, tuple[float | None, bool]]] = [
        (
            "jobs_project_related_created",
            _cell(jobs, measure="created", category="project_related", qualification=TOTAL),
        ),
        (
            "jobs_external_created",
            _cell(jobs, measure="created", category="external", qualification=TOTAL),
        ),
        (
            "jobs_external_existing",
            _cell(jobs, measure="existing", category="external", qualification=TOTAL),
        ),
        (
            "jobs_by_qualification",
            _cell(jobs, measure="created", category=TOTAL, qualification=TOTAL),
        ),
        ("jobs_well_paid_share", single["jobs_well_paid_share"]),
        ("companies_engaged", engaged),
        ("sme_share", _share(smes, engaged)),
        ("crafts_engaged", _cell(companies, breakdown="craft", size_class=TOTAL, group=YES)),
        ("startups_engaged", _cell(companies, breakdown="startup", size_class=TOTAL, group=YES)),
        (
            "companies_in_duisburg_share",
            _share(_cell(companies, breakdown="in_duisburg", size_class=TOTAL, group=YES), engaged),
        ),
        ("projects_by_status", _cell(projects, status=TOTAL, use_case=TOTAL)),
        ("ude_research_transfer", single["ude_research_transfer"]),
        ("deployments_live", live),
        ("privacy_policy_share", _share(private_sum, live)),
        ("sdg_goals_covered", single["sdg_goals_covered"]),
        ("sdg_contributions", _cell(sdg, sdg_goal=TOTAL, verified=TOTAL)),
        *((measure, _cell(effects, measure=measure, verified=YES)) for measure, _ in EFFECTS),
        ("courses_offered", _cell(courses, measure="courses", semester=TOTAL)),
        ("students_enrolled", _cell(courses, measure="enrolled", semester=TOTAL)),
        ("students_completed", _cell(courses, measure="completed", semester=TOTAL)),
    ]
    if "fleet" in tables:
        figures += [(kpi_id, _cell(tables["fleet"], measure=kpi_id)) for kpi_id in FLEET_KPIS]
    frame = pd.DataFrame(
        [(kpi_id, kpis.KPIS[kpi_id].unit, *cell) for kpi_id, cell in figures],
        columns=["kpi_id", "unit", "value", SUPPRESSED],
    )
    frame["value"] = frame["value"].astype("Float64")
    return frame


def targets(results: Mapping[str, kpis.KpiResult]) -> pd.DataFrame:
    """The milestones of the public KPIs (the funding application's promises are public)."""
    rows = [
        (kpi_id, milestone.due_on.isoformat(), float(milestone.target_value))
        for kpi_id, result in sorted(results.items())
        for milestone in result.milestones
    ]
    return pd.DataFrame(rows, columns=["kpi_id", "due_on", "target_value"])


# --- Building the export -----------------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """Every dataset's published frame and what the metadata needs to describe them."""

    tables: dict[str, pd.DataFrame]
    run_id: int
    published_at: dt.datetime
    as_of: dt.date
    period_start: dt.date
    fleet_window: tuple[dt.datetime, dt.datetime] | None


def build(data_dir: Path, as_of: dt.date | None = None, rules: Rules | None = None) -> Built:
    """The export's tables, from the public state of the published warehouse (no files)."""
    settings = get_settings()
    rules = rules or Rules.from_settings(settings)
    zone = ZoneInfo(settings.timezone)
    as_of = as_of or dt.datetime.now(zone).date()
    with public_state(data_dir) as con:
        run_id, published_at = _snapshot(con)

        def rows(kpi_id: str) -> pd.DataFrame:
            return kpis.source_rows(con, kpi_id, as_of=as_of)

        results = kpis.compute_all(con, as_of=as_of, audience="public")  # fleet: None here
        company_of = dict(con.execute("SELECT project_id, company_id FROM projects").fetchall())
        period_start = con.execute("SELECT min(starts_on) FROM grants").fetchone()[0]
        engaged, projects = rows("companies_engaged"), rows("projects_by_status")
        tables: dict[str, pd.DataFrame] = {
            "jobs": jobs_table(rows("jobs_by_qualification"), as_of, rules),
            "companies": companies_table(engaged, rules),
            "companies_named": companies_named(engaged, projects),
            "projects": projects_table(projects, rules),
            "deployments": deployments_table(rows("deployments_live"), company_of, rules),
            "courses": courses_table(rows("courses_offered"), rules),
        }
        tables["sdg_contributions"], tables["sdg_effects"] = sdg_tables(
            rows("sdg_contributions"), company_of, rules
        )
        share, share_hidden = well_paid_share(rows("jobs_well_paid_share"), rules)
        goals = results["sdg_goals_covered"].value
        single = {
            "jobs_well_paid_share": (share, share_hidden),
            "ude_research_transfer": count_figure(
                rows("ude_research_transfer"), "company_id", "ude_research_transfer", rules
            ),
            "sdg_goals_covered": (None if goals is None else float(goals), False),
        }
        until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), zone)
        fleet = fleet_figures(con, data_dir, as_of, until.astimezone(dt.UTC), company_of, rules)
    if fleet is not None:
        tables["fleet"] = fleet.table
    tables["key_figures"] = key_figures(tables, single)
    tables["targets"] = targets(results)
    return Built(
        tables=tables,
        run_id=run_id,
        published_at=published_at,
        as_of=as_of,
        period_start=period_start or settings.funding_period_start,
        fleet_window=None if fleet is None else (fleet.window_start, fleet.window_end),
    )


# --- Writing the files -------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A cell as JSON and CSV write it: None for a gap, whole floats as integers."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[Any]]:
    return [[_plain(v) for v in row] for row in frame[list(columns)].itertuples(index=False)]


def csv_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """RFC 4180 CSV in UTF-8: `,`, decimal point, `true`/`false`, empty for a gap; texts that
    a spreadsheet would run as formulas are prefixed with `'`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.columns)
    for row in _records(frame, spec.columns):
        writer.writerow(
            [
                ""
                if v is None
                else ("true" if v else "false")
                if isinstance(v, bool)
                else escape_formula(v)
                for v in row
            ]
        )
    return buffer.getvalue().encode("utf-8")


def json_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """A JSON array of objects, one per row; null for a gap."""
    records = [dict(zip(spec.columns, row, strict=True)) for row in _records(frame, spec.columns)]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """Parquet with a fixed schema: texts as strings, the value as int64 or double, nullable."""
    fields = []
    for column in spec.columns:
        if column == "value":
            kind = pa.int64() if spec.value_type == "int" else pa.float64()
        elif column == SUPPRESSED:
            kind = pa.bool_()
        elif column in spec.floats:
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind))
    schema = pa.schema(fields)
    arrays = [
        pa.array([_plain(v) for v in frame[column]], type=field.type)
        for column, field in zip(spec.columns, schema, strict=True)
    ]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd")
    return buffer.getvalue()


WRITERS = {"csv": csv_bytes, "json": json_bytes, "parquet": parquet_bytes}


def _texts(key: str, **params: Any) -> dict[str, str]:
    return {lang: t(key, lang, **params) for lang in ("de", "en")}


def _period(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> dict[str, Any]:
    def text(moment: dt.datetime | dt.date) -> str:
        if isinstance(moment, dt.datetime):
            return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{moment.isoformat()}T00:00:00Z"

    return {"@type": "dct:PeriodOfTime", "startDate": text(start), "endDate": text(end)}


def metadata(
    built: Built, distributions: Mapping[str, list[dict[str, Any]]], rules: Rules
) -> dict[str, Any]:
    """The DCAT-AP.de catalogue of the export as JSON-LD (docs/OPEN_DATA.md)."""
    publisher = {"@type": "foaf:Organization", "name": PUBLISHER}
    licence = {
        "license": LICENSE_URI,
        "licenseName": LICENSE_NAME,
        "licenseText": LICENSE_TEXT_URL,
        "licenseAttributionByText": PUBLISHER,
    }
    temporal = _period(built.period_start, built.as_of + dt.timedelta(days=1))
    modified = built.published_at.date().isoformat()
    datasets = []
    for spec in DATASETS:
        if spec.name not in distributions:
            continue
        fleet = spec.name == "fleet" and built.fleet_window is not None
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "identifier": spec.name,
                "title": _texts(f"open_data.dataset.{spec.name}"),
                "description": _texts(f"open_data.dataset.{spec.name}.description"),
                "publisher": publisher,
                **licence,
                "modified": modified,
                "temporal": _period(*built.fleet_window) if fleet else temporal,
                "columns": [
                    {"name": column, "description": _texts(f"open_data.column.{column}")}
                    for column in spec.columns
                ],
                "distribution": distributions[spec.name],
            }
        )
    return {
        "@context": JSONLD_CONTEXT,
        "@type": "dcat:Catalog",
        "title": _texts("open_data.catalog.title"),
        "description": _texts("open_data.catalog.description"),
        "publisher": publisher,
        **licence,
        "modified": modified,
        "asOf": built.as_of.isoformat(),
        "temporal": temporal,
        "disclosureControl": {
            "kMin": rules.k_min,
            "dominanceShare": rules.dominance_share,
            "suppressedSymbol": ".",
        },
        "dataset": datasets,
    }


def _distribution(spec: DatasetSpec, fmt: Format, data: bytes) -> dict[str, Any]:
    file_type, media_type = FILE_TYPES[fmt]
    return {
        "@type": "dcat:Distribution",
        "title": spec.file_name(fmt),
        "downloadURL": spec.file_name(fmt),
        "format": file_type,
        "mediaType": MEDIA_TYPE_BASE + media_type,
        "byteSize": len(data),
        "checksum": {
            "@type": "spdx:Checksum",
            "algorithm": "spdx:checksumAlgorithm_sha256",
            "checksumValue": sha256_hex(data),
        },
        "license": LICENSE_URI,
    }


def render(built: Built, rules: Rules) -> dict[str, bytes]:
    """Every file of the export by name, metadata last: the same bytes for the same input."""
    files: dict[str, bytes] = {}
    distributions: dict[str, list[dict[str, Any]]] = {}
    for spec in DATASETS:
        frame = built.tables.get(spec.name)
        if frame is None:
            continue
        distributions[spec.name] = []
        for fmt in FORMATS:
            data = WRITERS[fmt](frame, spec)
            files[spec.file_name(fmt)] = data
            distributions[spec.name].append(_distribution(spec, fmt, data))
    text = json.dumps(metadata(built, distributions, rules), ensure_ascii=False, indent=2)
    files[METADATA_FILE] = (text + "\n").encode("utf-8")
    return files


def publish(
    data_dir: Path,
    as_of: dt.date | None = None,
    *,
    by: str | None = None,
    rules: Rules | None = None,
) -> PublishResult:
    """Build the export and swap it into DATA_DIR/public/ atomically; audited as `export` by
    `by` (default `cli:<os user>`)."""
    data_dir = Path(data_dir)
    rules = rules or Rules.from_settings()
    built = build(data_dir, as_of, rules)
    files = render(built, rules)
    target = public_dir(data_dir)
    with _publish_lock(data_dir):
        building = data_dir / NEXT_DIR
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        try:
            for name, data in files.items():
                _write_durably(building / name, data)
            _fsync(building)
            swap(building, target)
        finally:
            shutil.rmtree(building, ignore_errors=True)  # the new export's leftovers or the old
        _fsync(data_dir)
    audit(
        "export",
        by or f"cli:{_os_user()}",
        data_dir=data_dir,
        target=str(target),
        as_of=built.as_of.isoformat(),
        run_id=built.run_id,
    )
    results = tuple(
        DatasetResult(
            spec.name,
            len(built.tables[spec.name]),
            int(built.tables[spec.name][SUPPRESSED].sum()) if spec.value_type else 0,
            tuple(spec.file_name(fmt) for fmt in FORMATS),
        )
        for spec in DATASETS
        if spec.name in built.tables
    )
    return PublishResult(target, built.as_of, built.run_id, results)


@contextmanager
def _publish_lock(data_dir: Path) -> Iterator[None]:
    """One publish at a time per data directory; a second one waits for the first."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap(building: Path, target: Path) -> None:
    """Make `building` the published `target`; afterwards `building` holds the old export.

    Linux exchanges the two directories in one step (renameat2 RENAME_EXCHANGE), so a reader
    finds either the old or the new export at `target`, never none. Where the file system
    cannot exchange, the old one is moved aside first: a reader may then find no export for
    an instant, and says so, but never a half-written one.
    """
    if not target.exists():
        os.rename(building, target)
        return
    if _exchange(building, target):
        return
    aside = building.with_name(building.name + ".old")
    shutil.rmtree(aside, ignore_errors=True)
    os.rename(target, aside)
    os.rename(building, target)
    os.rename(aside, building)


def _exchange(first: Path, second: Path) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("xb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
