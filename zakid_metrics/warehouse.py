"""The DuckDB warehouse: schema and migrations, read-only snapshots and the atomic publish."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from zakid_metrics.contract import ENTITIES, Entity
from zakid_metrics.errors import LoadInProgressError, WarehouseError
from zakid_metrics.files import file_lock, replace_durably

SCHEMA_VERSION = 1
WAREHOUSE_FILE = "warehouse.duckdb"
LOCK_FILE = ".load.lock"
NEXT_SUFFIX = ".next"

# Columns every entity table carries besides the contract's: where the row version came from.
META_COLUMNS: dict[str, str] = {
    "_run_id": "BIGINT NOT NULL",
    "_file": "VARCHAR NOT NULL",
    "_line": "INTEGER NOT NULL",
    "_stale": "BOOLEAN NOT NULL DEFAULT false",
}

AUDIT_DDL = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE load_runs (
    run_id BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL,    -- UTC
    finished_at TIMESTAMP NOT NULL,   -- UTC
    status VARCHAR NOT NULL,          -- ok | partial | failed
    triggered_by VARCHAR NOT NULL,
    files INTEGER NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL
);
CREATE TABLE load_files (
    run_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,            -- the file's name
    path VARCHAR NOT NULL,            -- the path it was loaded from
    entity VARCHAR,                   -- NULL when the name matches no entity
    status VARCHAR NOT NULL,          -- loaded | unchanged | failed | skipped
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    format VARCHAR,
    encoding VARCHAR,
    delimiter VARCHAR,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    errors VARCHAR[] NOT NULL,
    errors_de VARCHAR[] NOT NULL,
    warnings VARCHAR[] NOT NULL,
    warnings_de VARCHAR[] NOT NULL
);
CREATE TABLE rejected_rows (
    run_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    "column" VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL,          -- English
    reason_de VARCHAR NOT NULL,
    code VARCHAR NOT NULL,            -- machine-readable reason, e.g. unknown_reference
    record_key VARCHAR                -- the row's id where it could be read
);
"""

# Interim reports are due on 30 April for each calendar year of the grant that ends before the
# grant does; the final report covers the whole period and is due six months after its end.
REPORT_DEADLINES_VIEW = """
CREATE VIEW report_deadlines AS
SELECT grant_id, 'interim' AS report_type,
       greatest(starts_on, make_date(y, 1, 1)) AS period_from,
       make_date(y, 12, 31) AS period_to,
       make_date(y + 1, 4, 30) AS due_on
FROM grants, range(year(starts_on), year(ends_on)) AS years(y)
WHERE make_date(y, 12, 31) < ends_on
UNION ALL
SELECT grant_id, 'final', starts_on, ends_on, final_report_due_on FROM grants
"""


def entity_ddl(entity: Entity) -> str:
    """CREATE TABLE for one entity: contract columns, derived columns, then provenance."""
    columns = {**entity.sql_types(), **META_COLUMNS}
    required = set(entity.required)
    lines = [
        f"{name} {sql}{' NOT NULL' if name in required else ''}" for name, sql in columns.items()
    ]
    return f"CREATE TABLE {entity.name} (\n  " + ",\n  ".join(lines) + "\n)"


def entity_status_view() -> str:
    """Per entity: current rows, stale rows and the last delivery that set its state."""
    counts = " UNION ALL ".join(
        f"SELECT '{e.name}' AS entity, count(*) AS rows, "
        f"count(*) FILTER (WHERE _stale) AS stale_rows FROM {e.name}"
        for e in ENTITIES.values()
    )
    return f"""
CREATE VIEW entity_status AS
WITH counts AS ({counts}),
last_file AS (
    SELECT f.entity, f.file, f.sha256, f.run_id, r.finished_at AS loaded_at
    FROM load_files f JOIN load_runs r USING (run_id)
    WHERE f.status IN ('loaded', 'unchanged') AND f.entity IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY f.entity ORDER BY f.run_id DESC, f.file DESC) = 1
)
SELECT c.entity, c.rows, c.stale_rows, l.file AS last_file, l.sha256 AS last_sha256,
       l.run_id AS last_run_id, l.loaded_at AS last_loaded_at
FROM counts c LEFT JOIN last_file l USING (entity)
"""


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Build an empty warehouse of the current schema version."""
    for entity in ENTITIES.values():
        con.execute(entity_ddl(entity))
    con.execute(AUDIT_DDL)
    con.execute(REPORT_DEADLINES_VIEW)
    con.execute(entity_status_view())
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version of an opened warehouse; None for an empty database file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


# Migrations from version N to N+1, applied in order by `migrate`.
MIGRATIONS: dict[int, list[str]] = {}


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    """Bring a writable warehouse to the current schema version."""
    version = schema_version(con)
    if version is None:
        create_schema(con)
        return
    if version > SCHEMA_VERSION:
        raise WarehouseError(
            f"The warehouse has schema version {version}, newer than this software "
            f"({SCHEMA_VERSION}).",
            "Update the software (git pull && make setup) before loading into it.",
            version=version,
        )
    for step in range(version, SCHEMA_VERSION):
        for statement in MIGRATIONS[step]:
            con.execute(statement)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])


def insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, tuple[str, list[Any]]]
) -> None:
    """Insert rows given column-wise, `{name: (sql type, values)}`, in one set-wise statement.

    Each column travels as one list parameter and is unnested in SQL: no row-by-row inserts,
    and no Arrow/pandas round trip (importing pandas alone would cost half a second per load).
    """
    names = list(columns)
    select = ", ".join(
        f'unnest(${n + 1}::{sql}[]) AS "{name}"'
        for n, (name, (sql, _)) in enumerate(columns.items())
    )
    quoted = ", ".join(f'"{name}"' for name in names)
    con.execute(
        f"INSERT INTO {table} ({quoted}) SELECT {select}",
        [values for _, values in columns.values()],
    )


def warehouse_path(data_dir: Path) -> Path:
    return Path(data_dir) / WAREHOUSE_FILE


@contextmanager
def read_snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published snapshot, closed after the batch of queries.

    Close it promptly: a load replaces the file, and only a new connection sees the new one.
    """
    path = warehouse_path(data_dir)
    if not path.exists():
        raise WarehouseError(
            f"No warehouse at {path}.",
            "Load a delivery first: python -m pipelines ingest data/sample",
            path=str(path),
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise WarehouseError(
            f"The warehouse at {path} cannot be opened: {error}",
            "Reload the delivery into a fresh data directory.",
            path=str(path),
        ) from error
    try:
        yield con
    finally:
        con.close()


@contextmanager
def writer_lock(data_dir: Path, timeout_s: float = 60.0) -> Iterator[None]:
    """One load at a time per data directory; others wait up to `timeout_s`."""

    def in_progress() -> LoadInProgressError:
        return LoadInProgressError(
            f"Another load into {data_dir} has run for over {timeout_s:.0f} s.",
            "Wait for it to finish, then run the load again.",
        )

    with file_lock(data_dir / LOCK_FILE, timeout_s=timeout_s, on_timeout=in_progress):
        yield


@contextmanager
def next_snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Build the next snapshot in a new file and publish it atomically when the block succeeds.

    The published file is never opened writable: it is copied, the copy is changed,
    checkpointed, closed and fsynced, and then renamed over the published one. Readers that
    hold the old file keep their snapshot; a crash at any moment leaves the published file
    intact (at worst a leftover `.next` file, removed by the next load).
    """
    data_dir = Path(data_dir)
    published = warehouse_path(data_dir)
    building = published.with_name(published.name + NEXT_SUFFIX)
    with writer_lock(data_dir):
        for leftover in (building, building.with_name(building.name + ".wal")):
            leftover.unlink(missing_ok=True)
        if published.exists():
            shutil.copyfile(published, building)
        con = duckdb.connect(str(building))
        try:
            migrate(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            building.unlink(missing_ok=True)
            raise
        con.close()
        replace_durably(building, published)
