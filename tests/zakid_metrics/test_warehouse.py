"""Schema migrations: derived from the entity declarations, additive only, recorded, tested
against a warehouse of the previous release."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import duckdb
import pytest
from pydantic import computed_field

from pipelines.ingest import ingest
from zakid_metrics.contract import (
    CONTRACT_VERSION,
    ENTITIES,
    Bool,
    Entity,
    Grant,
    Id,
    Int,
    Money,
    Reference,
    Row,
    Sql,
    Text,
)
from zakid_metrics.errors import WarehouseError
from zakid_metrics.kpis import KPIS, compute_all
from zakid_metrics.warehouse import (
    AUDIT_TABLES,
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

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"
RELEASE_1_DDL = Path(__file__).parent / "cases" / "warehouse_release_1.sql"
AS_OF = dt.date(2026, 6, 30)


# --- Declarations as the next contract version will extend them ------------------------------


class GrantWithVat(Grant):
    """grants plus a new optional contract column and a new derived column."""

    vat_deductible: Bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def basis(self) -> Annotated[str, Sql("VARCHAR")]:
        return "cost" if self.regime == "NKBF" else "expenditure"


class Revenue(Row):
    """A new entity."""

    revenue_id: Id
    grant_id: Id
    kind: Text
    year: Int
    planned_eur: Money
    actual_eur: Money | None = None


GRANTS_WITH_VAT = Entity("grants", GrantWithVat, ("grant_id",))
REVENUES = Entity("revenues", Revenue, ("revenue_id",), (Reference("grant_id", "grants"),))
EXTENDED = tuple({**ENTITIES, "grants": GRANTS_WITH_VAT, "revenues": REVENUES}.values())


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
    """A data directory with the sample loaded by this release (read it, never load into it)."""
    data = tmp_path_factory.mktemp("loaded")
    assert ingest([SAMPLE], data).status == "ok"
    return data


def copy_of(data_dir: Path, to: Path) -> Path:
    to.mkdir()
    shutil.copyfile(warehouse_path(data_dir), warehouse_path(to))
    return to


def previous_release(to: Path, loaded: Path) -> Path:
    """A data directory as release 1 left it after loading the sample.

    Its schema is release 1's frozen DDL; its rows are this release's load of the sample cut to
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
    with read_snapshot(previous) as con, read_snapshot(loaded) as current:
        assert schema_version(con) == 1
        assert set(read_schema(con).tables) == {
            *ENTITIES,
            "meta",
            "load_runs",
            "load_files",
            "rejected_rows",
        }
        expected = {t: n for t, n in row_counts(current).items() if t != "schema_migrations"}
        assert row_counts(con) == expected
        assert expected["load_files"] == len(list(SAMPLE.iterdir()))


def test_a_previous_release_warehouse_migrates_on_the_next_load_to_equal_a_fresh_one(
    loaded: Path, tmp_path: Path
) -> None:
    previous = previous_release(tmp_path / "previous", loaded)
    fresh = copy_of(loaded, tmp_path / "fresh")
    # The next load of the same delivery into each: the previous release's warehouse is
    # migrated first; then both take the same delivery once more.
    assert ingest([SAMPLE], previous).status == "ok"
    assert ingest([SAMPLE], fresh).status == "ok"
    with read_snapshot(previous) as migrated, read_snapshot(fresh) as expected:
        assert read_schema(migrated) == read_schema(expected)
        assert row_counts(migrated) == row_counts(expected)
        assert schema_version(migrated) == CONTRACT_VERSION
        assert migrations(migrated) == [
            (
                1,
                CONTRACT_VERSION,
                [
                    AUDIT_TABLES["schema_migrations"],
                    REPORT_DEADLINES_VIEW,
                    entity_status_view(ENTITIES.values()),
                ],
                [],
            )
        ]


def test_readers_of_a_previous_release_warehouse_keep_working_until_the_next_load(
    loaded: Path, tmp_path: Path
) -> None:
    previous = previous_release(tmp_path / "previous", loaded)
    published = warehouse_path(previous).read_bytes()
    with read_snapshot(previous) as old, read_snapshot(loaded) as current:
        old_results = compute_all(old, as_of=AS_OF)
        current_results = compute_all(current, as_of=AS_OF)
        status = "SELECT entity, rows, stale_rows, last_file FROM entity_status ORDER BY entity"
        assert old.execute(status).fetchall() == current.execute(status).fetchall()
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
                'ALTER TABLE grants ADD COLUMN "vat_deductible" BOOLEAN',
                'ALTER TABLE grants ADD COLUMN "basis" VARCHAR',
                entity_ddl(REVENUES),
                REPORT_DEADLINES_VIEW,
                entity_status_view(EXTENDED),
            ),
            {"grants": ("vat_deductible", "basis")},
        )
        assert read_schema(con) == declared_schema(EXTENDED)
        # ADD COLUMN appends: new columns follow the provenance columns; read them by name.
        assert list(read_schema(con).tables["grants"])[-3:] == ["_stale", "vat_deductible", "basis"]
        assert con.execute(
            "SELECT grant_id, vat_deductible, basis, drawdown_window FROM grants ORDER BY grant_id"
        ).fetchall() == [
            ("03STK0187A", False, "expenditure", "2 months"),
            ("03STK0187B", False, "expenditure", "6 weeks"),
            ("03STK0187C", False, "expenditure", "6 weeks"),
            ("03STK0187D", False, "cost", "6 weeks"),
        ]
        assert con.execute(
            "SELECT rows, stale_rows, last_file FROM entity_status WHERE entity = 'revenues'"
        ).fetchall() == [(0, 0, None)]
        assert migrations(con)[1:] == [
            (
                2,
                CONTRACT_VERSION,
                list(applied.statements),
                ["grants.vat_deductible", "grants.basis"],
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
    monkeypatch.setitem(ENTITIES, "grants", GRANTS_WITH_VAT)
    monkeypatch.setitem(ENTITIES, "revenues", REVENUES)
    delivery = tmp_path / "delivery"
    delivery.mkdir()
    grants = (SAMPLE / "grants.csv").read_text(encoding="cp1252").splitlines()
    lines = [f"{grants[0].strip()};vat_deductible", *(f"{g};" for g in grants[1:4]), grants[4]]
    lines[4] += ";ja"
    (delivery / "grants.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    (delivery / "revenues.csv").write_text(
        "revenue_id;grant_id;kind;year;planned_eur;actual_eur\n"
        "R1;03STK0187D;own_funds;2025;1.000,50;\n"
        "R2;03STK9999X;own_funds;2025;5,00;3,00\n"
    )
    run = ingest([delivery], data)
    assert [(f.file, f.status, f.rows_loaded, f.rows_rejected) for f in run.files] == [
        ("grants.csv", "loaded", 4, 0),
        ("revenues.csv", "loaded", 1, 1),
    ]
    with read_snapshot(data) as con:
        assert con.execute(
            "SELECT grant_id, vat_deductible, basis FROM grants ORDER BY grant_id"
        ).fetchall() == [
            ("03STK0187A", False, "expenditure"),
            ("03STK0187B", False, "expenditure"),
            ("03STK0187C", False, "expenditure"),
            ("03STK0187D", True, "cost"),
        ]
        assert con.execute(
            "SELECT revenue_id, planned_eur, actual_eur FROM revenues"
        ).fetchall() == [("R1", Decimal("1000.50"), None)]
        assert con.execute(
            "SELECT line, code FROM rejected_rows WHERE entity = 'revenues'"
        ).fetchall() == [(3, "unknown_reference")]
        assert [m[3] for m in migrations(con)] == [[], ["grants.vat_deductible", "grants.basis"]]


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
        ingest([SAMPLE / "courses.csv"], data)
    assert warehouse_path(data).read_bytes() == published
    assert sorted(p.name for p in data.iterdir()) == [".load.lock", "warehouse.duckdb"]
