"""The KPI registry: the one source of every figure in the app, the reports and the open data."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, get_args

import duckdb
import pandas as pd

from zakid_metrics.contract import ENTITIES, KPI_SQL_DIR
from zakid_metrics.errors import (
    KpiDefinitionError,
    KpiParameterError,
    KpiQueryError,
    UnknownKpiError,
)
from zakid_metrics.i18n import t
from zakid_metrics.kpis import funding_steps
from zakid_metrics.kpis.forecast import Milestone, jobs_forecast
from zakid_metrics.reference import ReferenceWages, load_reference_wages
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import install_shared_sql

Unit = Literal[
    "count",
    "share",
    "eur",
    "days",
    "ratio",
    "fte",
    "t_co2e_per_year",
    "mwh_per_year",
    "ms",
    "milliwatt_hours",
]
UNITS: tuple[Unit, ...] = get_args(Unit)
Audience = Literal["public", "internal", "funder"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
Shape = Literal["scalar", "breakdown"]
SHAPES: tuple[Shape, ...] = get_args(Shape)

# One KPI per file sql/<kpi_id>.sql: a header that declares it, its SQL and optionally its
# drill-down SQL (format: sql/README.md). The files are read and checked once, at import, so a
# malformed header stops the import (and the tests) with a message naming file and line. The
# folder is contract.KPI_SQL_DIR: the file names are the KPI ids (contract.KPI_IDS). The SQL may
# use the shared macros of shared.sql.
SOURCE_ROWS_MARKER = "-- source_rows:"
REQUIRED_KEYS = (
    "id",
    "name_de",
    "name_en",
    "unit",
    "audience",
    "direction",
    "shape",
    "definition_de",
    "definition_en",
    "source",
)
OPTIONAL_KEYS = ("dimensions", "postprocess", "overview", "open_data", "framework")
# `overview: N` puts the KPI's tile on the overview pages at position N; `open_data:
# key_figure` exports its value as a key figure of the open data (public KPIs only);
# `framework: code | name | relation | source` names the indicator of a known framework the KPI
# corresponds to (sql/README.md).
OpenDataRole = Literal["key_figure"]
OPEN_DATA_ROLES: tuple[OpenDataRole, ...] = get_args(OpenDataRole)
# `corresponds`: the KPI measures what the indicator measures (its unit may differ in scale);
# `in_spirit`: it measures something close, with a different definition (never the same figure).
FrameworkRelation = Literal["corresponds", "in_spirit"]
FRAMEWORK_RELATIONS: tuple[FrameworkRelation, ...] = get_args(FrameworkRelation)
# The named parameters a KPI's SQL may use; compute() binds only those its SQL names.
PARAMETERS = (
    "as_of",
    "period_from",
    "period_to",
    "reference_wages",
    "k_min",
    "funding_period_start",
    "funding_period_end",
)
# Python steps a KPI may name in `-- postprocess:`: (its SQL's rows, the bound parameters, the
# milestones of every KPI) -> the KPI's rows (one row for a scalar KPI).
Postprocess = Callable[
    [list[dict[str, Any]], Mapping[str, Any], Mapping[str, tuple[Milestone, ...]]],
    list[dict[str, Any]],
]
POSTPROCESSORS: dict[str, Postprocess] = {"jobs_forecast": jobs_forecast, **funding_steps.STEPS}
# Parameters that only postprocess steps read, never SQL: the caller may give them to compute.
STEP_PARAMETERS = (funding_steps.BASE_RATES,)
# Telemetry KPIs name the source `telemetry`: they read the temporary tables that
# zakid_metrics.telemetry.load_window creates on the connection before the query
# (telemetry_window, telemetry_devices; sql/README.md). Without them such a KPI is not
# computed (value None), and its freshness is the last reading the window received.
TELEMETRY_SOURCE = "telemetry"
FORECAST_KPI = "jobs_forecast_end"
"""The KPI whose breakdown holds, per KPI id (`kpi_id`), the forecast for the end of the funding
period: the tiles' status and the `forecast` of `python -m pipelines kpis --json`."""
TELEMETRY_WINDOW_TABLE = "telemetry_window"

Number = int | float | Decimal


@dataclass(frozen=True)
class FrameworkIndicator:
    """The indicator of a known framework that a KPI corresponds to, with its source document."""

    code: str  # e.g. `RCR 01`
    name: str  # the indicator's official name, as the source gives it
    relation: FrameworkRelation
    source: str  # the document that defines it, precise enough to look it up

    def text(self, lang: str = "de") -> str:
        """`Entspricht dem Indikator ERDF RCR 01 „…“ (source).`: the definition panel's and the
        open data's note."""
        return t(
            f"kpi.framework.{self.relation}",
            lang,
            code=self.code,
            name=self.name,
            source=self.source,
        )


@dataclass(frozen=True)
class Kpi:
    """One KPI as its file declares it."""

    id: str
    name_de: str
    name_en: str
    unit: Unit
    audience: Audience
    direction: Direction
    shape: Shape
    definition_de: str
    definition_en: str
    sources: tuple[str, ...]  # entity tables (or `telemetry`) it reads: freshness, stale rows
    dimensions: tuple[str, ...]  # breakdown columns; empty for scalar KPIs
    sql: str
    source_sql: str
    params: frozenset[str]  # the named parameters `sql` uses
    source_params: frozenset[str]  # ... and `source_sql`
    postprocess: str | None = None
    overview: int | None = None  # tile position on the overview pages
    open_data: OpenDataRole | None = None  # exported into the open data as this
    framework: FrameworkIndicator | None = None
    path: Path | None = None

    def name(self, lang: str = "de") -> str:
        return self.name_en if lang == "en" else self.name_de

    def definition(self, lang: str = "de") -> str:
        return self.definition_en if lang == "en" else self.definition_de

    @property
    def reads_telemetry(self) -> bool:
        return TELEMETRY_SOURCE in self.sources


@dataclass(frozen=True)
class KpiResult:
    """A KPI computed for one as-of date: everything a tile, a report line or an export needs.

    `value` is the headline figure: the scalar KPI's value, or a breakdown's total (its row
    whose dimension columns are all NULL), None where not computable or without a total.
    `breakdown` holds a breakdown's rows (dimension columns, `value`, further columns); money
    columns hold `Decimal`, dates `datetime.date`, counts nullable Int64.
    """

    kpi: Kpi
    as_of: dt.date
    period: tuple[dt.date, dt.date] | None
    value: Number | None
    details: dict[str, Any]  # the headline row's other columns (e.g. `fte`, `approved_eur`)
    breakdown: pd.DataFrame | None
    milestones: tuple[Milestone, ...]  # from `targets`, by due date
    target: Milestone | None  # the next milestone due on or after as_of, else the final one
    final_target: Milestone | None  # the last milestone
    progress: float | None  # value / final target value
    stale_rows: int  # source rows that are kept previous versions (they count; flag them)
    loaded_at: dt.datetime | None  # oldest last delivery of the sources (UTC); None = never


# --- Reading the KPI files -----------------------------------------------------------------

_KEY_LINE = re.compile(r"^-- (?P<key>[a-z_]+):(?P<value>.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(?P<value>\S.*)$")
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
_HEADER_HINT = (
    "Each header line is `-- key: value` (continued on lines starting with `--` and two or more "
    "spaces); the keys and their values are described in zakid_metrics/kpis/sql/README.md."
)


def _definition_error(path: Path, message: str, line: int | None = None) -> KpiDefinitionError:
    where = f"{path.name}, line {line}" if line else path.name
    return KpiDefinitionError(f"KPI file {where}: {message}", _HEADER_HINT, file=str(path))


def _parse_header(path: Path, lines: list[str]) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    key = None
    for number, line in enumerate(lines, start=1):
        if not line.startswith("--") or line.startswith(SOURCE_ROWS_MARKER):
            return header, number - 1
        continuation = _CONTINUATION.match(line)
        if continuation and key is not None:
            header[key] += " " + continuation["value"].strip()
            continue
        match = _KEY_LINE.match(line)
        if not match:
            raise _definition_error(path, f"`{line}` is not a `-- key: value` header line", number)
        key = match["key"]
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            known = ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS)
            raise _definition_error(path, f"unknown key `{key}` (known: {known})", number)
        if key in header:
            raise _definition_error(path, f"key `{key}` is given twice", number)
        header[key] = match["value"].strip()
        if not header[key]:
            raise _definition_error(path, f"key `{key}` has no value", number)
    return header, len(lines)


def _choice(path: Path, header: dict[str, str], key: str, options: tuple[str, ...]) -> Any:
    if header[key] not in options:
        allowed = ", ".join(options)
        raise _definition_error(path, f"{key} `{header[key]}` is not one of: {allowed}")
    return header[key]


def _names(path: Path, header: dict[str, str], key: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in header.get(key, "").split(",") if part.strip())
    for name in names:
        if not _IDENTIFIER.match(name):
            raise _definition_error(path, f"{key} `{name}` is not a column or table name")
    return names


def _parameters(path: Path, sql: str) -> frozenset[str]:
    # Comments are not part of the statement DuckDB binds, so a `$name` there must not count.
    used = frozenset(_PARAMETER.findall(_COMMENT.sub("", sql)))
    unknown = sorted(used - set(PARAMETERS))
    if unknown:
        raise _definition_error(
            path,
            f"unknown parameter(s) {', '.join('$' + p for p in unknown)}; "
            f"known: {', '.join('$' + p for p in PARAMETERS)}",
        )
    return used


def _framework(path: Path, header: dict[str, str]) -> FrameworkIndicator | None:
    if "framework" not in header:
        return None
    parts = [part.strip() for part in header["framework"].split("|")]
    if len(parts) != 4 or not all(parts):
        raise _definition_error(
            path, "framework is `code | name | relation | source`, four parts, none empty"
        )
    code, name, relation, source = parts
    key = "framework relation"
    return FrameworkIndicator(
        code, name, _choice(path, {key: relation}, key, FRAMEWORK_RELATIONS), source
    )


def parse_kpi_file(path: Path) -> Kpi:
    """One KPI file read and checked; KpiDefinitionError names what is wrong and where."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header, body_start = _parse_header(path, lines)
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise _definition_error(path, f"header lacks {', '.join(missing)}")
    if header["id"] != path.stem:
        raise _definition_error(path, f"id `{header['id']}` differs from the file name")
    if not _IDENTIFIER.match(header["id"]):
        raise _definition_error(
            path, f"id `{header['id']}` is no KPI id (lower-case letters, digits and `_`)"
        )
    shape = _choice(path, header, "shape", SHAPES)
    dimensions = _names(path, header, "dimensions")
    if (shape == "breakdown") != bool(dimensions):
        raise _definition_error(path, "a breakdown KPI needs `dimensions`, a scalar KPI has none")
    sources = _names(path, header, "source")
    unknown_sources = [n for n in sources if n not in ENTITIES and n != TELEMETRY_SOURCE]
    if not sources or unknown_sources:
        raise _definition_error(
            path,
            f"source must name entity tables or `{TELEMETRY_SOURCE}`; unknown: "
            f"{', '.join(unknown_sources)}",
        )
    postprocess = header.get("postprocess")
    if postprocess is not None and postprocess not in POSTPROCESSORS:
        raise _definition_error(path, f"postprocess `{postprocess}` is not in POSTPROCESSORS")
    overview = header.get("overview")
    if overview is not None and not (overview.isdigit() and int(overview) >= 1):
        raise _definition_error(path, f"overview `{overview}` is not a position 1, 2, 3, ...")
    open_data = header.get("open_data")
    if open_data is not None:
        _choice(path, header, "open_data", OPEN_DATA_ROLES)
        if header["audience"] != "public":
            raise _definition_error(path, "only a KPI of audience `public` goes into open data")
    body = "\n".join(lines[body_start:])
    sql, marker, source_sql = body.partition(SOURCE_ROWS_MARKER)
    sql, source_sql = sql.strip().rstrip(";"), source_sql.strip().rstrip(";")
    if not _COMMENT.sub("", sql).strip():
        raise _definition_error(path, "there is no SQL after the header")
    if marker and not _COMMENT.sub("", source_sql).strip():
        raise _definition_error(path, f"there is no SQL after `{SOURCE_ROWS_MARKER}`")
    if not marker and sources[0] == TELEMETRY_SOURCE:
        raise _definition_error(path, f"a telemetry KPI needs its own `{SOURCE_ROWS_MARKER}`")
    if not marker:
        # Without its own drill-down statement a KPI shows its first source table.
        source_sql = f"SELECT * FROM {sources[0]}"
    return Kpi(
        id=header["id"],
        name_de=header["name_de"],
        name_en=header["name_en"],
        unit=_choice(path, header, "unit", UNITS),
        audience=_choice(path, header, "audience", AUDIENCES),
        direction=_choice(path, header, "direction", DIRECTIONS),
        shape=shape,
        definition_de=header["definition_de"],
        definition_en=header["definition_en"],
        sources=sources,
        dimensions=dimensions,
        sql=sql,
        source_sql=source_sql,
        params=_parameters(path, sql),
        source_params=_parameters(path, source_sql),
        postprocess=postprocess,
        overview=int(overview) if overview is not None else None,
        open_data=open_data,
        framework=_framework(path, header),
        path=path,
    )


def load_registry(folder: Path = KPI_SQL_DIR) -> dict[str, Kpi]:
    """Every `*.sql` file of `folder` as a Kpi, by id."""
    return {kpi.id: kpi for kpi in map(parse_kpi_file, sorted(folder.glob("*.sql")))}


KPIS: dict[str, Kpi] = load_registry()


def get(kpi_id: str, registry: Mapping[str, Kpi] | None = None) -> Kpi:
    """The KPI `kpi_id` of `registry` (default: KPIS); UnknownKpiError with the closest ids
    when there is none."""
    registry = KPIS if registry is None else registry
    try:
        return registry[kpi_id]
    except KeyError:
        close = difflib.get_close_matches(kpi_id, registry, n=3)
        hint = f"Did you mean {', '.join(close)}?" if close else "See KPIS.md for the KPI ids."
        raise UnknownKpiError(f"There is no KPI `{kpi_id}`.", hint, kpi_id=kpi_id) from None


def overview_ids(registry: Mapping[str, Kpi] | None = None) -> list[str]:
    """The ids of the KPIs marked `overview: N` (default registry: KPIS), in the order of N."""
    marked = [kpi for kpi in (KPIS if registry is None else registry).values() if kpi.overview]
    return [kpi.id for kpi in sorted(marked, key=lambda kpi: (kpi.overview, kpi.id))]


# --- Computing -----------------------------------------------------------------------------


def _wages_of(wages: Any) -> ReferenceWages:
    """Reference wages a caller gave as {year: amount}."""
    try:
        found = ReferenceWages.of(dict(wages))
    except (InvalidOperation, ValueError, TypeError):
        found = None
    if found is None or any(w.eur_per_year < 0 for w in found.wages.values()):
        raise KpiParameterError(
            f"reference_wages {wages!r} are not amounts in euros by year.",
            "Give them as {year: amount}, e.g. {2026: Decimal('48000.00')}, or as ReferenceWages.",
        )
    return found


def _bind(
    as_of: dt.date, period: tuple[dt.date, dt.date] | None, params: Mapping[str, Any]
) -> dict[str, Any]:
    """Every parameter's value: the caller's, else the period's bounds and the settings."""
    overridable = [
        *(p for p in PARAMETERS if p not in ("as_of", "period_from", "period_to")),
        *STEP_PARAMETERS,
    ]
    unknown = sorted(set(params) - set(overridable))
    if unknown:
        raise KpiParameterError(
            f"Unknown KPI parameter(s): {', '.join(unknown)}.",
            "Give the date as as_of=..., the period as period=(first day, last day); the other "
            f"parameters are {', '.join(overridable)}.",
        )
    if not isinstance(as_of, dt.date):
        raise KpiParameterError(f"as_of {as_of!r} is not a date.", "Pass a datetime.date.")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    # Without a period, period KPIs cover everything up to as_of.
    period_from, period_to = period or (dt.date.min, dt.date.max)
    if period_from > period_to:
        raise KpiParameterError(
            f"The period {period_from} – {period_to} ends before it starts.",
            "Give the period as (first day, last day).",
        )
    settings = get_settings()
    bound = {
        "as_of": as_of,
        "period_from": period_from,
        "period_to": period_to,
        "reference_wages": None,
        "k_min": settings.k_min,
        "funding_period_start": settings.funding_period_start,
        "funding_period_end": settings.funding_period_end,
        **params,
    }
    wages = bound["reference_wages"]
    if wages is None:
        bound["reference_wages"] = load_reference_wages(settings.data_dir)
    elif not isinstance(wages, ReferenceWages):
        bound["reference_wages"] = _wages_of(wages)
    k_min = bound["k_min"]
    if isinstance(k_min, bool) or not isinstance(k_min, int) or k_min < 1:
        raise KpiParameterError(f"k_min {k_min!r} is not a whole number >= 1.", "Give e.g. 3.")
    for name in ("funding_period_start", "funding_period_end"):
        if not isinstance(bound[name], dt.date):
            raise KpiParameterError(
                f"{name} {bound[name]!r} is not a date.", "Pass a datetime.date."
            )
    return bound


_INTEGER_TYPES = frozenset(("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT"))
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _fits_int64(values: pd.Series) -> bool:
    """Whether whole numbers fit pandas' Int64; wider sums (HUGEINT) stay Python ints."""
    return all(pd.isna(v) or _INT64_MIN <= v <= _INT64_MAX for v in values)


@dataclass(frozen=True)
class _Rows:
    """A query's result as DuckDB returns it: column names, their types and the rows."""

    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]

    @classmethod
    def of_records(cls, records: list[dict[str, Any]], columns: list[str]) -> _Rows:
        """Rows made in Python (a postprocess step); `columns` where there are none. A column
        of whole numbers (or of booleans) becomes nullable Int64 (boolean) in `frame`."""
        names = list(records[0]) if records else columns
        rows = [tuple(r[n] for n in names) for r in records]
        return cls(names, [_python_type(rows, i) for i in range(len(names))], rows)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def frame(self) -> pd.DataFrame:
        """As a DataFrame: money stays Decimal, dates date, whole numbers nullable Int64."""
        frame = pd.DataFrame(self.rows, columns=self.columns)
        for column, sql_type in zip(self.columns, self.types, strict=True):
            if sql_type in _INTEGER_TYPES and _fits_int64(frame[column]):
                frame[column] = frame[column].astype("Int64")
            elif sql_type == "BOOLEAN":
                frame[column] = frame[column].astype("boolean")
        return frame


def _python_type(rows: list[tuple[Any, ...]], index: int) -> str:
    """The SQL type a column of a postprocess step's rows stands for where frame() needs it."""
    values = [row[index] for row in rows if row[index] is not None]
    if values and all(isinstance(v, bool) for v in values):
        return "BOOLEAN"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "BIGINT"
    return ""


def _query_error(kpi: Kpi, error: duckdb.Error) -> KpiQueryError:
    return KpiQueryError(
        f"KPI {kpi.id} could not be computed: {error}",
        "Load the delivery again (python -m pipelines ingest ...); if that does not help, "
        "report this message.",
        kpi_id=kpi.id,
    )


def _query(
    con: duckdb.DuckDBPyConnection,
    kpi: Kpi,
    sql: str,
    names: frozenset[str],
    bound: Mapping[str, Any],
) -> _Rows:
    values = {name: bound[name] for name in names}
    if "reference_wages" in values:  # the years up to the as-of date's must have a wage
        values["reference_wages"] = bound["reference_wages"].up_to(bound["as_of"].year)
    try:
        result = con.execute(sql, values)
        rows = result.fetchall()
    except duckdb.Error as error:
        raise _query_error(kpi, error) from error
    description = result.description or []
    return _Rows([d[0] for d in description], [str(d[1]) for d in description], rows)


def _check_shape(kpi: Kpi, columns: list[str], rows: int) -> None:
    missing = ({"value"} | set(kpi.dimensions)) - set(columns)
    if missing or (kpi.shape == "scalar" and rows != 1):
        expected = (
            "one row with a column value"
            if kpi.shape == "scalar"
            else f"the columns {', '.join(kpi.dimensions)} and value"
        )
        raise KpiQueryError(
            f"KPI {kpi.id} returned {rows} row(s) with the columns {', '.join(columns)}; "
            f"expected {expected}.",
            f"Fix the SQL in {kpi.path}.",
            kpi_id=kpi.id,
        )


def _split_total(kpi: Kpi, result: _Rows) -> tuple[Any, dict[str, Any], pd.DataFrame]:
    """(total value, the total row's other columns, the other rows) of a breakdown."""
    dimensions = [result.columns.index(name) for name in kpi.dimensions]
    total = next((row for row in result.rows if all(row[i] is None for i in dimensions)), None)
    details: dict[str, Any] = {}
    if total is not None:
        details = {
            name: value
            for i, (name, value) in enumerate(zip(result.columns, total, strict=True))
            if i not in dimensions
        }
    rows = _Rows(result.columns, result.types, [row for row in result.rows if row is not total])
    return details.pop("value", None), details, rows.frame()


def _fetch(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    try:
        return con.execute(sql).fetchall()
    except duckdb.Error as error:
        raise KpiQueryError(
            f"The warehouse cannot give the KPIs' targets and freshness: {error}",
            "Open a warehouse built by `python -m pipelines ingest ...` of this software version.",
        ) from error


def _prepare(con: duckdb.DuckDBPyConnection, kpi: Kpi | None = None) -> None:
    """The shared macros on `con`, whoever opened it: the KPIs' SQL may use them."""
    try:
        install_shared_sql(con)
    except duckdb.Error as error:
        if kpi is not None:
            raise _query_error(kpi, error) from error
        raise KpiQueryError(
            f"The warehouse lacks what the KPIs' shared rules read: {error}",
            "Open a warehouse built by `python -m pipelines ingest ...` of this software version.",
        ) from error


def _milestones(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Milestone, ...]]:
    rows = _fetch(con, "SELECT kpi_id, due_on, target_value FROM targets ORDER BY kpi_id, due_on")
    found: dict[str, list[Milestone]] = {}
    for kpi_id, due_on, target_value in rows:
        found.setdefault(kpi_id, []).append(Milestone(due_on, float(target_value)))
    return {kpi_id: tuple(milestones) for kpi_id, milestones in found.items()}


def telemetry_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a telemetry window was loaded on `con` (zakid_metrics.telemetry.load_window)."""
    ((found,),) = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
        [TELEMETRY_WINDOW_TABLE],
    ).fetchall()
    return bool(found)


def _entity_status(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, dt.datetime | None]]:
    """Per source: stale rows and last delivery (UTC); telemetry's is its last received reading."""
    rows = _fetch(con, "SELECT entity, stale_rows, last_loaded_at FROM entity_status")
    status = {entity: (stale, loaded_at) for entity, stale, loaded_at in rows}
    if telemetry_loaded(con):
        (received,) = _fetch(
            con,
            f"SELECT timezone('UTC', last_received_at) FROM {TELEMETRY_WINDOW_TABLE}",
        )[0]
        status[TELEMETRY_SOURCE] = (0, received)
    return status


def _result(
    con: duckdb.DuckDBPyConnection,
    kpi: Kpi,
    bound: Mapping[str, Any],
    period: tuple[dt.date, dt.date] | None,
    milestones: Mapping[str, tuple[Milestone, ...]],
    status: Mapping[str, tuple[int, dt.datetime | None]],
) -> KpiResult:
    if kpi.reads_telemetry and TELEMETRY_SOURCE not in status:
        return _not_computed(kpi, bound, period, milestones)
    result = _query(con, kpi, kpi.sql, kpi.params, bound)
    if kpi.postprocess is not None:
        records = POSTPROCESSORS[kpi.postprocess](result.records(), bound, milestones)
        # Without rows, the result has the columns every KPI's rows have.
        result = _Rows.of_records(records, [*kpi.dimensions, "value"])
    _check_shape(kpi, result.columns, len(result.rows))
    breakdown = None
    if kpi.shape == "scalar":
        details = dict(zip(result.columns, result.rows[0], strict=True))
        value = details.pop("value")
    else:
        value, details, breakdown = _split_total(kpi, result)
    own, target, final = _targets(kpi, bound["as_of"], milestones)
    progress = None
    if value is not None and final is not None and final.target_value != 0:
        progress = float(value) / final.target_value
    sources = [status.get(name, (0, None)) for name in kpi.sources]
    loaded = [loaded_at for _, loaded_at in sources]
    return KpiResult(
        kpi=kpi,
        as_of=bound["as_of"],
        period=period,
        value=value,
        details=details,
        breakdown=breakdown,
        milestones=own,
        target=target,
        final_target=final,
        progress=progress,
        stale_rows=sum(stale for stale, _ in sources),
        loaded_at=None if None in loaded else min(loaded),
    )


def _targets(
    kpi: Kpi, as_of: dt.date, milestones: Mapping[str, tuple[Milestone, ...]]
) -> tuple[tuple[Milestone, ...], Milestone | None, Milestone | None]:
    """The KPI's milestones, the next one due on or after as_of (else the last), the last."""
    own = milestones.get(kpi.id, ())
    final = own[-1] if own else None
    return own, next((m for m in own if m.due_on >= as_of), final), final


def _not_computed(
    kpi: Kpi,
    bound: Mapping[str, Any],
    period: tuple[dt.date, dt.date] | None,
    milestones: Mapping[str, tuple[Milestone, ...]],
) -> KpiResult:
    """A telemetry KPI on a connection without a telemetry window: no value, no error."""
    own, target, final = _targets(kpi, bound["as_of"], milestones)
    return KpiResult(
        kpi=kpi,
        as_of=bound["as_of"],
        period=period,
        value=None,
        details={},
        breakdown=None if kpi.shape == "scalar" else pd.DataFrame(),
        milestones=own,
        target=target,
        final_target=final,
        progress=None,
        stale_rows=0,
        loaded_at=None,
    )


def compute(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    **params: Any,
) -> KpiResult:
    """One KPI on the state valid on `as_of`; `period` (first, last day) limits period KPIs.

    `params` overrides the defaults: reference_wages (ReferenceWages or {year: EUR}; default
    the reference data, zakid_metrics.reference), k_min,
    funding_period_start and funding_period_end (used where no grant is loaded).
    """
    kpi = get(kpi_id)
    bound = _bind(as_of, period, params)
    milestones, status = _milestones(con), _entity_status(con)
    _prepare(con)
    return _result(con, kpi, bound, period, milestones, status)


def compute_all(
    con: duckdb.DuckDBPyConnection,
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    audience: Audience | None = None,
    kpi_ids: Iterable[str] | None = None,
    registry: Mapping[str, Kpi] | None = None,
    **params: Any,
) -> dict[str, KpiResult]:
    """Every KPI (or those of one audience, or the `kpi_ids`) on one connection: one query each.

    Telemetry KPIs are None unless a telemetry window was loaded on `con` first
    (zakid_metrics.telemetry.load_window). `registry` replaces KPIS, e.g. by
    `load_registry(folder)`.
    """
    if audience is not None and audience not in AUDIENCES:
        raise KpiParameterError(
            f"Unknown audience `{audience}`.", f"Use one of {', '.join(AUDIENCES)} or None."
        )
    registry = KPIS if registry is None else registry
    chosen = (
        list(registry.values())
        if kpi_ids is None
        else [get(kpi_id, registry) for kpi_id in kpi_ids]
    )
    bound = _bind(as_of, period, params)
    milestones, status = _milestones(con), _entity_status(con)
    _prepare(con)
    return {
        kpi.id: _result(con, kpi, bound, period, milestones, status)
        for kpi in chosen
        if audience is None or kpi.audience == audience
    }


def trends(
    con: duckdb.DuckDBPyConnection,
    kpi_ids: Iterable[str],
    days: Sequence[dt.date],
    *,
    period: tuple[dt.date, dt.date] | None = None,
    **params: Any,
) -> dict[str, tuple[tuple[dt.date, Number | None], ...]]:
    """Per KPI, (day, value) on each of `days`: the value `compute` gives for that as-of date,
    with the parameters, targets and freshness read once for all (the tiles' trend lines)."""
    chosen = [get(kpi_id) for kpi_id in kpi_ids]
    bound = _bind(max(days), period, params)
    milestones, status = _milestones(con), _entity_status(con)
    _prepare(con)
    return {
        kpi.id: tuple(
            (day, _result(con, kpi, {**bound, "as_of": day}, period, milestones, status).value)
            for day in days
        )
        for kpi in chosen
    }


def source_rows(
    con: duckdb.DuckDBPyConnection,
    kpi_id: str,
    *,
    as_of: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    registry: Mapping[str, Kpi] | None = None,
    **params: Any,
) -> pd.DataFrame:
    """The rows a KPI is computed from (its drill-down), with their provenance columns."""
    kpi = get(kpi_id, registry)
    bound = _bind(as_of, period, params)
    if kpi.reads_telemetry and not telemetry_loaded(con):
        raise KpiParameterError(
            f"KPI {kpi.id} reads the telemetry store, and no telemetry window is loaded.",
            "Load one on the connection first: zakid_metrics.telemetry.load_window(con, "
            "data_dir, window).",
            kpi_id=kpi.id,
        )
    _prepare(con, kpi)
    return _query(con, kpi, kpi.source_sql, kpi.source_params, bound).frame()
