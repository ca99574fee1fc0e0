"""The DuckDB warehouse: schema and migrations, read-only snapshots and the atomic publish."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import duckdb

from zakid_metrics.contract import CONTRACT_VERSION, ENTITIES, Entity, FirstValue
from zakid_metrics.errors import LoadInProgressError, WarehouseError
from zakid_metrics.files import PRIVATE_FILE_MODE, file_lock, replace_durably
from zakid_metrics.settings import get_settings

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

# The audit tables by name, one statement each: a migration creates those a warehouse lacks.
AUDIT_TABLES: dict[str, str] = {
    "meta": "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "load_runs": """
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
)""",
    "load_files": """
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
)""",
    "rejected_rows": """
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
)""",
    "schema_migrations": """
CREATE TABLE schema_migrations (
    migration_id INTEGER NOT NULL,    -- 1, 2, ... in the order applied
    applied_at TIMESTAMP NOT NULL,    -- UTC
    contract_version INTEGER NOT NULL,
    statements VARCHAR[] NOT NULL,    -- in the order applied
    backfilled VARCHAR[] NOT NULL     -- table.column derived for the rows already stored
)""",
}

# Interim reports are due on 30 April for each calendar year of the grant that ends before the
# grant does; the final report covers the whole period and is due six months after its end.
REPORT_DEADLINES_VIEW = """
CREATE OR REPLACE VIEW report_deadlines AS
SELECT grant_id, 'interim' AS report_type,
       greatest(starts_on, make_date(y, 1, 1)) AS period_from,
       make_date(y, 12, 31) AS period_to,
       make_date(y + 1, 4, 30) AS due_on
FROM grants, range(year(starts_on), year(ends_on)) AS years(y)
WHERE make_date(y, 12, 31) < ends_on
UNION ALL
SELECT grant_id, 'final', starts_on, ends_on, final_report_due_on FROM grants
"""


Freshness = Literal["current", "overdue", "never"]
FRESHNESS_STATES: tuple[Freshness, ...] = get_args(Freshness)


def freshness(age_days: int | None) -> Freshness:
    """The freshness rule of an entity whose last delivery is `age_days` old (None: never
    delivered): `overdue` when older than settings.freshness_warning_days."""
    if age_days is None:
        return "never"
    return "overdue" if age_days > get_settings().freshness_warning_days else "current"


def entity_ddl(entity: Entity) -> str:
    """CREATE TABLE for one entity: contract columns, derived columns, then provenance."""
    columns = {**entity.sql_types(), **META_COLUMNS}
    required = set(entity.required)
    lines = [
        f"{name} {sql}{' NOT NULL' if name in required else ''}" for name, sql in columns.items()
    ]
    return f"CREATE TABLE {entity.name} (\n  " + ",\n  ".join(lines) + "\n)"


def entity_status_view(entities: Iterable[Entity]) -> str:
    """Per entity: current rows, stale rows and the last delivery that set its state."""
    counts = " UNION ALL ".join(
        f"SELECT '{e.name}' AS entity, count(*) AS rows, "
        f"count(*) FILTER (WHERE _stale) AS stale_rows FROM {e.name}"
        for e in entities
    )
    return f"""
CREATE OR REPLACE VIEW entity_status AS
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


def table_ddl(entities: Iterable[Entity]) -> dict[str, str]:
    """CREATE TABLE per table: the entity tables in dependency order, then the audit tables."""
    return {**{e.name: entity_ddl(e) for e in entities}, **AUDIT_TABLES}


def view_ddl(entities: Iterable[Entity]) -> dict[str, str]:
    """CREATE OR REPLACE VIEW per view; views hold no data, so they are simply recreated."""
    return {
        "report_deadlines": REPORT_DEADLINES_VIEW,
        "entity_status": entity_status_view(entities),
    }


@dataclass(frozen=True)
class Column:
    """A column as DuckDB reports it, declared or stored."""

    type: str
    not_null: bool
    default: str | None

    def sql(self) -> str:
        """The column's type and constraints, as ADD COLUMN takes them."""
        default = "" if self.default is None else f" DEFAULT {self.default}"
        return f"{self.type}{default}{' NOT NULL' if self.not_null else ''}"


@dataclass(frozen=True)
class Schema:
    """Tables with their columns, and views with DuckDB's normalised definition."""

    tables: dict[str, dict[str, Column]]
    views: dict[str, str]


def read_schema(con: duckdb.DuckDBPyConnection) -> Schema:
    """The tables and views stored in the connection's database; temporary ones left out."""
    tables: dict[str, dict[str, Column]] = {}
    for table, column, sql_type, nullable, default in con.execute(
        "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default "
        "FROM duckdb_columns() c JOIN duckdb_tables() t "
        "USING (database_name, schema_name, table_name) "
        "WHERE c.database_name = current_database() AND c.schema_name = 'main' "
        "ORDER BY c.table_name, c.column_index"
    ).fetchall():
        tables.setdefault(table, {})[column] = Column(sql_type, not nullable, default)
    views = dict(
        con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT internal"
        ).fetchall()
    )
    return Schema(tables, views)


def declared_schema(entities: Iterable[Entity]) -> Schema:
    """The schema the declarations give, built in memory so both sides read alike."""
    entities = tuple(entities)
    with duckdb.connect() as con:
        for statement in (*table_ddl(entities).values(), *view_ddl(entities).values()):
            con.execute(statement)
        return read_schema(con)


@dataclass(frozen=True)
class Migration:
    """The additive steps from a stored schema to the declared one.

    `backfill` names, per entity table, the new contract and derived columns whose values for
    the rows already stored follow from the contract model (defaults, derivations).
    """

    statements: tuple[str, ...]
    backfill: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def backfilled(self) -> list[str]:
        return [f"{table}.{c}" for table, columns in self.backfill.items() for c in columns]


def plan_migration(con: duckdb.DuckDBPyConnection, entities: Iterable[Entity]) -> Migration:
    """What brings the stored schema to the declared one: new tables, new optional columns,
    relaxed constraints, and the views. Anything else is refused with what differs.
    """
    entities = tuple(entities)
    stored, declared = read_schema(con), declared_schema(entities)
    model_columns = {e.name: e.sql_types() for e in entities}
    statements: list[str] = []
    backfill: dict[str, tuple[str, ...]] = {}
    differences = [
        f"table {table}: stored, but no longer declared"
        for table in stored.tables
        if table not in declared.tables
    ]
    for table, ddl in table_ddl(entities).items():
        if table not in stored.tables:
            statements.append(ddl)
            continue
        steps, added, found = _column_steps(table, stored.tables[table], declared.tables[table])
        statements += steps
        differences += found
        derived = tuple(c for c in added if c in model_columns.get(table, {}))
        if derived:
            backfill[table] = derived
    if differences:
        raise WarehouseError(
            f"The warehouse cannot be migrated to contract version {CONTRACT_VERSION}: "
            f"the change is not additive ({'; '.join(differences)}).",
            "Schema changes must be additive: declare a new column optional (`| None = None`) "
            "or with a default, and keep a column whose meaning or type changes, adding a new "
            "one beside it. If a newer release wrote this warehouse, update the software "
            "(git pull && make setup).",
            differences=differences,
        )
    for view, ddl in view_ddl(entities).items():
        # A changed table changes what a view binds to, so every view is recreated then.
        if statements or stored.views.get(view) != declared.views[view]:
            statements.append(ddl)
    return Migration(tuple(statements), backfill)


def _column_steps(
    table: str, stored: dict[str, Column], declared: dict[str, Column]
) -> tuple[list[str], list[str], list[str]]:
    """The statements, the added columns and the non-additive differences of one table."""
    steps: list[str] = []
    added: list[str] = []
    differences = [
        f"{table}.{name}: stored, but no longer declared" for name in stored if name not in declared
    ]
    for name, want in declared.items():
        have = stored.get(name)
        alter = f'ALTER TABLE {table} ALTER COLUMN "{name}"'
        if have is None:
            if want.not_null and want.default is None:
                differences.append(f"{table}.{name}: new and required, without a default")
            else:
                steps.append(f'ALTER TABLE {table} ADD COLUMN "{name}" {want.sql()}')
                added.append(name)
            continue
        if have.type != want.type:
            differences.append(f"{table}.{name}: stored as {have.type}, declared as {want.type}")
            continue
        if want.not_null and not have.not_null:
            differences.append(f"{table}.{name}: stored as optional, declared as required")
        elif have.not_null and not want.not_null:
            steps.append(f"{alter} DROP NOT NULL")
        if have.default != want.default:
            steps.append(
                f"{alter} DROP DEFAULT"
                if want.default is None
                else f"{alter} SET DEFAULT {want.default}"
            )
    return steps, added, differences


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The contract version a warehouse's schema implements; None for an empty database file."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def migrate(
    con: duckdb.DuckDBPyConnection, entities: Iterable[Entity] = ENTITIES.values()
) -> Migration | None:
    """Bring a writable warehouse to the declared schema, additively, and record the step.

    An empty database file gets the whole schema as its first migration. Returns what was
    applied, or None when the warehouse already matches the declarations.
    """
    entities = tuple(entities)
    version = schema_version(con)
    if version is not None and version > CONTRACT_VERSION:
        raise WarehouseError(
            f"The warehouse has schema version {version}, newer than this software "
            f"({CONTRACT_VERSION}).",
            "Update the software (git pull && make setup) before loading into it.",
            version=version,
        )
    migration = plan_migration(con, entities)
    if not migration.statements and version == CONTRACT_VERSION:
        return None
    con.begin()
    try:
        for statement in migration.statements:
            con.execute(statement)
        for entity in entities:
            if entity.name in migration.backfill:
                _derive(con, entity, migration.backfill[entity.name])
                fill_defaults(con, entity, migration.backfill[entity.name])
        con.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            [str(CONTRACT_VERSION)],
        )
        con.execute(
            "INSERT INTO schema_migrations "
            "(migration_id, applied_at, contract_version, statements, backfilled) "
            "SELECT coalesce(max(migration_id), 0) + 1, current_timestamp AT TIME ZONE 'UTC', "
            "?, ?, ? FROM schema_migrations",
            [CONTRACT_VERSION, list(migration.statements), migration.backfilled],
        )
    except BaseException:
        con.rollback()
        raise
    con.commit()
    return migration


def _derive(con: duckdb.DuckDBPyConnection, entity: Entity, columns: tuple[str, ...]) -> None:
    """Fill new model columns of the stored rows with what loading those rows gives them.

    The rows passed validation when they were loaded, so they are rebuilt without it
    (`model_construct`): a new column takes its default, a derived one its derivation.
    """
    sql_types = entity.sql_types()
    known = [c for c in entity.columns if c not in columns]
    selected = ", ".join(f'"{c}"' for c in known)
    rows = con.execute(f"SELECT rowid, {selected} FROM {entity.name}").fetchall()
    dumped = [
        entity.model.model_construct(
            **{c: value for c, value in zip(known, values, strict=True) if value is not None}
        ).model_dump()
        for _, *values in rows
    ]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _derived (row_id BIGINT, "
        + ", ".join(f'"{c}" {sql_types[c]}' for c in columns)
        + ")"
    )
    insert_columns(
        con,
        "_derived",
        {
            "row_id": ("BIGINT", [row[0] for row in rows]),
            **{c: (sql_types[c], [data[c] for data in dumped]) for c in columns},
        },
    )
    assignments = ", ".join(f'"{c}" = d."{c}"' for c in columns)
    con.execute(
        f"UPDATE {entity.name} SET {assignments} FROM _derived d "
        f"WHERE {entity.name}.rowid = d.row_id"
    )
    con.execute("DROP TABLE _derived")


def fill_defaults(
    con: duckdb.DuckDBPyConnection, entity: Entity, columns: Iterable[str] | None = None
) -> None:
    """Fill the empty cells of the entity's declared `defaults`, set-wise, in all its rows.

    These defaults come from other rows (a job's workplace from its company), so a load applies
    them once its rows are stored, and a migration to the rows already stored when it adds the
    column. A `FirstValue` column here takes the row's own source: carrying over an earlier
    load's value is the load's part (`pipelines.ingest`), as only it knows the earlier rows.
    """
    wanted = None if columns is None else set(columns)
    for default in entity.defaults:
        if wanted is not None and default.column not in wanted:
            continue
        params: list[Any] = []
        if isinstance(default, FirstValue):
            value = f'"{default.source}"'
        else:
            (ref,) = [r for r in entity.references if r.column == default.via]
            key = ENTITIES[ref.entity].key[0]
            value = (
                f'coalesce((SELECT r."{default.source}" FROM {ref.entity} r '
                f'WHERE r."{key}" = {entity.name}."{default.via}"), ?)'
            )
            params.append(getattr(get_settings(), default.fallback))
        con.execute(
            f'UPDATE {entity.name} SET "{default.column}" = {value} '
            f'WHERE "{default.column}" IS NULL',
            params,
        )


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


# The rules several queries share (engaged companies, fleet devices, plan vs actual, ...) as
# TEMP macros, in one file beside the KPI files that use them most. It is read here, not via
# the registry, so that every reader of the warehouse gets them without loading the KPIs.
SHARED_SQL = Path(__file__).with_name("kpis") / "shared.sql"
# A session variable, like the TEMP macros per connection: the digest of the file installed.
_SHARED_SQL_VARIABLE = "zakid_shared_sql"


@cache
def _shared_sql() -> tuple[str, str]:
    text = SHARED_SQL.read_text(encoding="utf-8")
    return text, hashlib.sha256(text.encode()).hexdigest()


def install_shared_sql(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared macros of kpis/shared.sql on `con`, unless it has them already.

    They are bound to the tables when created, so `con` must already see the warehouse's
    tables; read-only connections can create them (TEMP).
    """
    sql, digest = _shared_sql()
    ((installed,),) = con.execute("SELECT getvariable(?)", [_SHARED_SQL_VARIABLE]).fetchall()
    if installed != digest:
        con.execute(sql)
        con.execute(f"SET VARIABLE {_SHARED_SQL_VARIABLE} = ?", [digest])


def read_as_declared(
    con: duckdb.DuckDBPyConnection, entities: Iterable[Entity] = ENTITIES.values()
) -> None:
    """Show a snapshot stored by an earlier contract version as the declared schema, for reading.

    A missing entity table appears as an empty TEMP table; a table lacking declared columns as
    a TEMP view over the stored one with each missing column at its model default (NULL where
    the value is derived or comes from other rows). What a delivery of the earlier version
    meant, so the KPIs and the shared macros read it unchanged until the next load migrates
    the file itself (`migrate`); the file is not touched.
    """
    stored = read_schema(con).tables
    ((database,),) = con.execute("SELECT current_database()").fetchall()
    for entity in entities:
        if entity.name not in stored:
            con.execute(entity_ddl(entity).replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
            continue
        types = entity.sql_types()
        missing = [column for column in types if column not in stored[entity.name]]
        if not missing:
            continue
        from_rows = {default.column for default in entity.defaults}
        fields = entity.model.model_fields
        added = ", ".join(
            f"CAST({_literal(_default(fields.get(c)) if c not in from_rows else None)} "
            f'AS {types[c]}) AS "{c}"'
            for c in missing
        )
        con.execute(
            f"CREATE TEMP VIEW {entity.name} AS "
            f'SELECT *, {added} FROM "{database}".main.{entity.name}'
        )


def _default(field: Any) -> Any:
    """A model field's default; None for a derived column (no field) or a required one."""
    if field is None or field.is_required():
        return None
    return field.get_default(call_default_factory=True)


def _literal(value: Any) -> str:
    """A default as an SQL literal (views take no parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return f"'{value}'"
    return "'" + str(value).replace("'", "''") + "'"


def warehouse_path(data_dir: Path) -> Path:
    return Path(data_dir) / WAREHOUSE_FILE


@contextmanager
def read_snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published snapshot, closed after the batch of queries,
    with the shared macros (install_shared_sql).

    Close it promptly: a load replaces the file, and only a new connection sees the new one.
    """
    path = warehouse_path(data_dir)
    if not path.exists():
        raise WarehouseError(
            f"No warehouse at {path}.",
            "Load a delivery first: python -m pipelines ingest data/sample",
            path=str(path),
        )
    con = None
    try:
        con = duckdb.connect(str(path), read_only=True)
        version = schema_version(con)
        if version is None or version < CONTRACT_VERSION:
            read_as_declared(con)
        install_shared_sql(con)
    except duckdb.Error as error:
        if con is not None:
            con.close()
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
        building.chmod(PRIVATE_FILE_MODE)  # whatever the umask of the process that loads
        replace_durably(building, published)
