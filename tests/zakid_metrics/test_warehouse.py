"""Schema migrations: derived from the entity declarations, additive only, recorded, tested
against a warehouse of the previous release."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import duckdb
import pytest
from pydantic import computed_field

from pipelines.ingest import ingest
from zakid_metrics.contract import (
    CONTRACT_VERSION,
    ENTITIES,
    Date,
    Entity,
    Grant,
    Id,
    Int,
    Reference,
    Row,
    Sql,
    Text,
)
from zakid_metrics.errors import WarehouseError
from zakid_metrics.kpis import KPIS, compute_all
from zakid_metrics.warehouse import (
    AUDIT_TABLES,
    META_COLUMNS,
    REPORT_DEADLINES_VIEW,
    Column,
    Migration,
    declared_schema,
    entity_ddl,
    entity_status_view,
    migrate,
    read_schema,
    read_snapshot,
    schema_version,
    table_ddl,
    view_ddl,
    warehouse_path,
)

CASES = Path(__file__).parent / "cases"
RELEASE_1_DDL = CASES / "warehouse_release_1.sql"
# A delivery of contract version 1, frozen: the bundled sample's entity files as release 1
# shipped them (data/sample at commit 07eb3cc, without the telemetry history). Never edit: it is
# what the department's scripts deliver until they add version 2's columns and files.
DELIVERY_V1 = CASES / "delivery_version_1"
AS_OF = dt.date(2026, 6, 30)


# --- Declarations as a next contract version would extend them --------------------------------


class GrantWithReference(Grant):
    """grants plus a new optional contract column and a new derived column."""

    decision_reference: Text | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def calendar_years(self) -> Annotated[int, Sql("BIGINT")]:
        return self.ends_on.year - self.starts_on.year + 1


class Audit(Row):
    """A new entity."""

    audit_id: Id
    grant_id: Id
    audited_on: Date
    finding: Text | None = None


GRANTS_WITH_REFERENCE = Entity("grants", GrantWithReference, ("grant_id",))
AUDITS = Entity("audits", Audit, ("audit_id",), (Reference("grant_id", "grants"),))
EXTENDED = tuple({**ENTITIES, "grants": GRANTS_WITH_REFERENCE, "audits": AUDITS}.values())
# The entities of release 1, in its dependency order.
RELEASE_1_ENTITIES = (
    "companies",
    "grants",
    "projects",
    "jobs",
    "deployments",
    "devices",
    "sdg_contributions",
    "budget",
    "expenditures",
    "disbursements",
    "courses",
    "targets",
)


class Thing(Row):
    thing_id: Id
    size: Int | None = None


class ThingRetyped(Row):
    thing_id: Id
    size: Text | None = None


class ThingWithout(Row):
    thing_id: Id


class ThingRequired(Row):
    thing_id: Id
    size: Int


class ThingWithColour(Row):
    thing_id: Id
    size: Int | None = None
    colour: Text


def with_thing(model: type[Row]) -> tuple[Entity, ...]:
    return (*ENTITIES.values(), Entity("things", model, ("thing_id",)))


# --- Helpers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The version-1 delivery loaded by this release (read it, never load into it)."""
    data = tmp_path_factory.mktemp("loaded")
    assert ingest([DELIVERY_V1], data).status == "ok"
    return data


def copy_of(data_dir: Path, to: Path) -> Path:
    to.mkdir()
    shutil.copyfile(warehouse_path(data_dir), warehouse_path(to))
    return to


def previous_release(to: Path, loaded: Path) -> Path:
    """A data directory as release 1 left it after loading the version-1 delivery.

    Its schema is release 1's frozen DDL; its rows are this release's load of that delivery cut to
    release 1's columns, which is what release 1 stored (migrations only ever add columns).
    """
    to.mkdir()
    with duckdb.connect(str(warehouse_path(to))) as con:
        con.execute(RELEASE_1_DDL.read_text())
        con.execute(f"ATTACH '{warehouse_path(loaded)}' AS loaded (READ_ONLY)")
        for table, columns in read_schema(con).tables.items():
            names = ", ".join(f'"{c}"' for c in columns)
            keep = "WHERE key <> 'schema_version'" if table == "meta" else ""
            con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM loaded.{table} {keep}")
        con.execute("DETACH loaded")
    return to


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in read_schema(con).tables
    }


def migrations(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT migration_id, contract_version, statements, backfilled "
        "FROM schema_migrations ORDER BY migration_id"
    ).fetchall()


# --- A new warehouse ---------------------------------------------------------------------------


def test_an_empty_database_gets_the_whole_schema_as_its_first_migration() -> None:
    con = duckdb.connect()
    applied = migrate(con)
    statements = (*table_ddl(ENTITIES.values()).values(), *view_ddl(ENTITIES.values()).values())
    assert applied == Migration(statements)
    assert read_schema(con) == declared_schema(ENTITIES.values())
    assert schema_version(con) == CONTRACT_VERSION
    assert migrations(con) == [(1, CONTRACT_VERSION, list(statements), [])]
    recorded_at = con.execute("SELECT applied_at FROM schema_migrations").fetchone()[0]
    assert abs(recorded_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=1)
    assert migrate(con) is None
    assert len(migrations(con)) == 1


def test_the_declared_schema_is_what_duckdb_reports_for_the_declarations() -> None:
    schema = declared_schema(ENTITIES.values())
    assert list(schema.tables) == sorted([*ENTITIES, *AUDIT_TABLES])
    assert sorted(schema.views) == ["entity_status", "report_deadlines"]
    grants = schema.tables["grants"]
    assert grants["grant_id"] == Column("VARCHAR", True, None)
    assert grants["funding_rate"] == Column("DECIMAL(9,6)", True, None)
    assert grants["final_report_due_on"] == Column("DATE", False, None)
    assert grants["_stale"] == Column("BOOLEAN", True, "false")
    assert schema.tables["companies"]["annual_turnover_eur"] == Column("DECIMAL(18,2)", False, None)
    assert schema.tables["load_files"]["errors"] == Column("VARCHAR[]", True, None)


# --- The previous release ----------------------------------------------------------------------


def test_the_previous_release_is_built_from_its_frozen_schema(loaded: Path, tmp_path: Path) -> None:
    previous = previous_release(tmp_path / "previous", loaded)
    release_1_tables = {*RELEASE_1_ENTITIES, "meta", "load_runs", "load_files", "rejected_rows"}
    with read_snapshot(previous) as con, read_snapshot(loaded) as current:
        assert schema_version(con) == 1
        assert set(read_schema(con).tables) == release_1_tables
        expected = {t: n for t, n in row_counts(current).items() if t in release_1_tables}
        assert row_counts(con) == expected
        assert expected["load_files"] == len(list(DELIVERY_V1.iterdir()))


def test_a_version_1_delivery_loads_with_the_row_counts_of_release_1(loaded: Path) -> None:
    """Release 1's sample, a version-1 delivery (no version-2 columns or files), loads as then."""
    with read_snapshot(loaded) as con:
        assert row_counts(con)["rejected_rows"] == 11
        assert {e: n for e, n in row_counts(con).items() if e in ENTITIES} == {
            "companies": 148,
            "grants": 4,
            "projects": 118,
            "jobs": 290,
            "deployments": 40,
            "devices": 149,
            "sdg_contributions": 44,
            "budget": 120,
            "expenditures": 1952,
            "revenues": 0,
            "inventory": 0,
            "disbursements": 57,
            "courses": 27,
            "targets": 16,
        }
        assert con.execute(
            "SELECT file, rows_read, rows_loaded, rows_rejected FROM load_files "
            "WHERE entity <> 'telemetry' ORDER BY file"
        ).fetchall() == [
            ("budget.csv", 120, 120, 0),
            ("companies.csv", 150, 148, 2),
            ("courses.csv", 28, 27, 1),
            ("deployments.csv", 40, 40, 0),
            ("devices.csv", 150, 149, 1),
            ("disbursements.csv", 57, 57, 0),
            ("expenditures.csv", 1954, 1952, 2),
            ("grants.csv", 4, 4, 0),
            ("jobs.xlsx", 292, 290, 2),
            ("projects.csv", 120, 118, 2),
            ("sdg_contributions.csv", 45, 44, 1),
            ("targets.csv", 16, 16, 0),
        ]
        # Version 2's defaults: what the version-1 files leave empty.
        assert con.execute(
            "SELECT count(*) FILTER (WHERE baseline_employees = employees), "
            "count(*) FILTER (WHERE public_control_share = 0 AND NOT size_class_public_control "
            "AND NOT size_class_from_group) FROM companies"
        ).fetchone() == (148, 148)
        assert con.execute(
            "SELECT count(*) FILTER (WHERE vat_eur = 0) FROM expenditures"
        ).fetchone() == (1952,)
        assert con.execute(
            "SELECT regime, basis, vat_deductible, count(*) FROM grants GROUP BY ALL ORDER BY 1"
        ).fetchall() == [
            ("ANBest-Gk", "expenditure", False, 1),
            ("ANBest-P", "expenditure", False, 2),
            ("NKBF", "cost", False, 1),
        ]
        # A job's workplace: its company's postal code; the centre's for project-related ones.
        assert con.execute(
            "SELECT j.category, count(*) FROM jobs j LEFT JOIN companies c USING (company_id) "
            "WHERE j.workplace_postal_code = coalesce(c.postal_code, '47057') "
            "AND j.confirmed_on IS NULL AND j.grant_id IS NULL GROUP BY ALL ORDER BY 1"
        ).fetchall() == [("external", 268), ("project_related", 22)]


def entity_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Every entity table's rows, its columns in declared order, in key order."""
    rows = {}
    for e in ENTITIES.values():
        columns = ", ".join(f'"{c}"' for c in {**e.sql_types(), **META_COLUMNS})
        rows[e.name] = con.execute(
            f"SELECT {columns} FROM {e.name} ORDER BY {', '.join(e.key)}"
        ).fetchall()
    return rows


# What the first load by contract version 2 does to a warehouse of release 1.
MIGRATION_TO_VERSION_2 = (
    'ALTER TABLE companies ADD COLUMN "baseline_employees" BIGINT',
    'ALTER TABLE companies ADD COLUMN "group_employees" DOUBLE',
    'ALTER TABLE companies ADD COLUMN "group_turnover_eur" DECIMAL(18,2)',
    'ALTER TABLE companies ADD COLUMN "group_balance_sheet_eur" DECIMAL(18,2)',
    'ALTER TABLE companies ADD COLUMN "public_control_share" DOUBLE',
    'ALTER TABLE companies ADD COLUMN "size_class_from_group" BOOLEAN',
    'ALTER TABLE companies ADD COLUMN "size_class_public_control" BOOLEAN',
    'ALTER TABLE grants ADD COLUMN "vat_deductible" BOOLEAN',
    'ALTER TABLE grants ADD COLUMN "basis" VARCHAR',
    'ALTER TABLE jobs ADD COLUMN "workplace_postal_code" VARCHAR',
    'ALTER TABLE jobs ADD COLUMN "confirmed_on" DATE',
    'ALTER TABLE jobs ADD COLUMN "grant_id" VARCHAR',
    'ALTER TABLE expenditures ADD COLUMN "vat_eur" DECIMAL(18,2)',
)
BACKFILLED_IN_VERSION_2 = [
    "companies.baseline_employees",
    "companies.group_employees",
    "companies.group_turnover_eur",
    "companies.group_balance_sheet_eur",
    "companies.public_control_share",
    "companies.size_class_from_group",
    "companies.size_class_public_control",
    "grants.vat_deductible",
    "grants.basis",
    "jobs.workplace_postal_code",
    "jobs.confirmed_on",
    "jobs.grant_id",
    "expenditures.vat_eur",
]


def test_a_previous_release_warehouse_migrates_on_the_next_load_to_equal_a_fresh_one(
    loaded: Path, tmp_path: Path
) -> None:
    previous = previous_release(tmp_path / "previous", loaded)
    fresh = copy_of(loaded, tmp_path / "fresh")
    # The next load of the same delivery into each: the previous release's warehouse is
    # migrated first; then both take the same delivery once more (every file unchanged, so the
    # migrated rows are what the migration gave them: their new columns are backfilled).
    assert ingest([DELIVERY_V1], previous).status == "ok"
    assert ingest([DELIVERY_V1], fresh).status == "ok"
    with read_snapshot(previous) as migrated, read_snapshot(fresh) as expected:
        assert read_schema(migrated) == read_schema(expected)
        assert row_counts(migrated) == row_counts(expected)
        assert entity_rows(migrated) == entity_rows(expected)
        assert schema_version(migrated) == CONTRACT_VERSION == 2
        assert migrations(migrated) == [
            (
                1,
                CONTRACT_VERSION,
                [
                    *MIGRATION_TO_VERSION_2,
                    entity_ddl(ENTITIES["revenues"]),
                    entity_ddl(ENTITIES["inventory"]),
                    AUDIT_TABLES["schema_migrations"],
                    REPORT_DEADLINES_VIEW,
                    entity_status_view(ENTITIES.values()),
                ],
                BACKFILLED_IN_VERSION_2,
            )
        ]
        # The backfill gives stored rows what a load gives them, the defaults from other rows
        # included: the baseline is the headcount stored, a job's workplace its company's
        # postal code (UN-0002 is in 47809), the centre's for a project-related job.
        assert migrated.execute(
            "SELECT company_id, employees, baseline_employees FROM companies "
            "WHERE company_id IN ('UN-0001', 'UN-0002') ORDER BY 1"
        ).fetchall() == [("UN-0001", 367, 367), ("UN-0002", 9, 9)]
        assert migrated.execute(
            "SELECT job_id, category, workplace_postal_code FROM jobs "
            "WHERE job_id IN ('J-0001', 'J-0015') ORDER BY 1"
        ).fetchall() == [("J-0001", "project_related", "47057"), ("J-0015", "external", "47809")]


def test_readers_of_a_previous_release_warehouse_keep_working_until_the_next_load(
    loaded: Path, tmp_path: Path
) -> None:
    previous = previous_release(tmp_path / "previous", loaded)
    published = warehouse_path(previous).read_bytes()
    with read_snapshot(previous) as old, read_snapshot(loaded) as current:
        old_results = compute_all(old, as_of=AS_OF)
        current_results = compute_all(current, as_of=AS_OF)
        status = "SELECT entity, rows, stale_rows, last_file FROM entity_status ORDER BY entity"
        # Release 1 knows its own entities only; the state of those is the same.
        assert old.execute(status).fetchall() == [
            row for row in current.execute(status).fetchall() if row[0] in RELEASE_1_ENTITIES
        ]
        deadlines = "SELECT * FROM report_deadlines ORDER BY grant_id, due_on"
        assert old.execute(deadlines).fetchall() == current.execute(deadlines).fetchall()
    assert set(old_results) == set(KPIS)
    assert {k: r.value for k, r in old_results.items()} == {
        k: r.value for k, r in current_results.items()
    }
    assert warehouse_path(previous).read_bytes() == published


# --- The next contract version -----------------------------------------------------------------


def test_a_declared_column_and_entity_migrate_with_their_values_derived(
    loaded: Path, tmp_path: Path
) -> None:
    data = copy_of(loaded, tmp_path / "data")
    with duckdb.connect(str(warehouse_path(data))) as con:
        applied = migrate(con, EXTENDED)
        assert applied == Migration(
            (
                'ALTER TABLE grants ADD COLUMN "decision_reference" VARCHAR',
                'ALTER TABLE grants ADD COLUMN "calendar_years" BIGINT',
                entity_ddl(AUDITS),
                REPORT_DEADLINES_VIEW,
                entity_status_view(EXTENDED),
            ),
            {"grants": ("decision_reference", "calendar_years")},
        )
        assert read_schema(con) == declared_schema(EXTENDED)
        # ADD COLUMN appends: new columns follow the provenance columns; read them by name.
        assert list(read_schema(con).tables["grants"])[-2:] == [
            "decision_reference",
            "calendar_years",
        ]
        assert con.execute(
            "SELECT grant_id, decision_reference, calendar_years, basis FROM grants "
            "ORDER BY grant_id"
        ).fetchall() == [
            ("03STK0187A", None, 5, "expenditure"),
            ("03STK0187B", None, 5, "expenditure"),
            ("03STK0187C", None, 5, "expenditure"),
            ("03STK0187D", None, 5, "cost"),
        ]
        assert con.execute(
            "SELECT rows, stale_rows, last_file FROM entity_status WHERE entity = 'audits'"
        ).fetchall() == [(0, 0, None)]
        assert migrations(con)[1:] == [
            (
                2,
                CONTRACT_VERSION,
                list(applied.statements),
                ["grants.decision_reference", "grants.calendar_years"],
            )
        ]
        assert migrate(con, EXTENDED) is None
        assert len(migrations(con)) == 2
    with duckdb.connect() as fresh:
        migrate(fresh, EXTENDED)
        assert read_schema(fresh) == declared_schema(EXTENDED)


def test_a_declared_column_and_entity_are_all_a_load_needs(
    loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_of(loaded, tmp_path / "data")
    monkeypatch.setitem(ENTITIES, "grants", GRANTS_WITH_REFERENCE)
    monkeypatch.setitem(ENTITIES, "audits", AUDITS)
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    grants = (DELIVERY_V1 / "grants.csv").read_text(encoding="cp1252").splitlines()
    lines = [f"{grants[0].strip()};decision_reference", *(f"{g};" for g in grants[1:4]), grants[4]]
    lines[4] += ";Az. 123/24"
    (delivery / "grants.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    (delivery / "audits.csv").write_text(
        "audit_id;grant_id;audited_on;finding\n"
        "A1;03STK0187D;15.03.2026;\n"
        "A2;03STK9999X;15.03.2026;keine\n"
    )
    run = ingest([delivery], data)
    assert [(f.file, f.status, f.rows_loaded, f.rows_rejected) for f in run.files] == [
        ("audits.csv", "loaded", 1, 1),
        ("grants.csv", "loaded", 4, 0),
    ]
    with read_snapshot(data) as con:
        assert con.execute(
            "SELECT grant_id, decision_reference, calendar_years FROM grants ORDER BY grant_id"
        ).fetchall() == [
            ("03STK0187A", None, 5),
            ("03STK0187B", None, 5),
            ("03STK0187C", None, 5),
            ("03STK0187D", "Az. 123/24", 5),
        ]
        assert con.execute("SELECT audit_id, audited_on, finding FROM audits").fetchall() == [
            ("A1", dt.date(2026, 3, 15), None)
        ]
        assert con.execute(
            "SELECT line, code FROM rejected_rows WHERE entity = 'audits'"
        ).fetchall() == [(3, "unknown_reference")]
        assert [m[3] for m in migrations(con)] == [
            [],
            ["grants.decision_reference", "grants.calendar_years"],
        ]


# --- What is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "difference"),
    [
        (ThingWithout, "things.size: stored, but no longer declared"),
        (ThingRetyped, "things.size: stored as BIGINT, declared as VARCHAR"),
        (ThingRequired, "things.size: stored as optional, declared as required"),
        (ThingWithColour, "things.colour: new and required, without a default"),
    ],
)
def test_a_change_that_is_not_additive_is_refused_and_changes_nothing(
    model: type[Row], difference: str
) -> None:
    con = duckdb.connect()
    migrate(con, with_thing(Thing))
    before = read_schema(con)
    with pytest.raises(WarehouseError) as raised:
        migrate(con, with_thing(model))
    assert raised.value.message == (
        f"The warehouse cannot be migrated to contract version {CONTRACT_VERSION}: "
        f"the change is not additive ({difference})."
    )
    assert raised.value.params == {"differences": [difference]}
    assert "declare a new column optional" in raised.value.hint
    assert read_schema(con) == before
    assert len(migrations(con)) == 1


def test_an_entity_no_longer_declared_is_refused() -> None:
    con = duckdb.connect()
    migrate(con, with_thing(Thing))
    with pytest.raises(WarehouseError) as raised:
        migrate(con)
    assert raised.value.params == {"differences": ["table things: stored, but no longer declared"]}


def test_a_required_column_made_optional_is_relaxed() -> None:
    con = duckdb.connect()
    migrate(con, with_thing(ThingRequired))
    applied = migrate(con, with_thing(Thing))
    assert applied is not None
    assert applied.statements[0] == 'ALTER TABLE things ALTER COLUMN "size" DROP NOT NULL'
    assert read_schema(con).tables["things"]["size"] == Column("BIGINT", False, None)


def test_audit_tables_migrate_like_entity_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    con = duckdb.connect()
    migrate(con)
    monkeypatch.setitem(
        AUDIT_TABLES,
        "meta",
        "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL "
        "DEFAULT '', note VARCHAR NOT NULL DEFAULT 'none')",
    )
    applied = migrate(con)
    assert applied is not None
    assert applied.statements[:2] == (
        "ALTER TABLE meta ALTER COLUMN \"value\" SET DEFAULT ''",
        "ALTER TABLE meta ADD COLUMN \"note\" VARCHAR DEFAULT 'none' NOT NULL",
    )
    assert applied.backfill == {}
    assert read_schema(con) == declared_schema(ENTITIES.values())
    assert con.execute("SELECT key, note FROM meta").fetchall() == [("schema_version", "none")]


def test_a_warehouse_of_a_newer_release_is_refused() -> None:
    con = duckdb.connect()
    migrate(con)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [CONTRACT_VERSION + 1])
    with pytest.raises(WarehouseError, match="newer than this software"):
        migrate(con)


def test_a_refused_migration_leaves_the_published_warehouse_untouched(
    loaded: Path, tmp_path: Path
) -> None:
    data = copy_of(loaded, tmp_path / "data")
    with duckdb.connect(str(warehouse_path(data))) as con:
        con.execute("ALTER TABLE courses ADD COLUMN room VARCHAR")
    published = warehouse_path(data).read_bytes()
    with pytest.raises(WarehouseError, match=r"courses\.room: stored, but no longer declared"):
        ingest([DELIVERY_V1 / "courses.csv"], data)
    assert warehouse_path(data).read_bytes() == published
    assert sorted(p.name for p in data.iterdir()) == [".load.lock", "warehouse.duckdb"]
