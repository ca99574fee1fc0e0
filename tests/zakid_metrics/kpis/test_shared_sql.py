"""The shared macros of zakid_metrics/kpis/shared.sql, each on hand-made rows (conftest.DELIVERY
unless a test builds its own), with exact results."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.zakid_metrics.kpis.conftest import DELIVERY, D, build_warehouse
from zakid_metrics.contract import DUISBURG_POSTAL_CODES
from zakid_metrics.warehouse import next_snapshot, read_snapshot

E = Decimal


def ids(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> list[str]:
    return [row[0] for row in con.execute(sql, list(params)).fetchall()]


def con_macros(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT DISTINCT function_name, function_type FROM duckdb_functions() "
        "WHERE database_name = 'temp' AND function_type IN ('macro', 'table_macro') "
        "ORDER BY function_name"
    ).fetchall()


def test_every_macro_is_created_on_a_read_only_snapshot(
    fixture_con: duckdb.DuckDBPyConnection,
) -> None:
    assert con_macros(fixture_con) == [
        ("device_online", "macro"),
        ("eligible_eur", "macro"),
        ("engaged_companies", "table_macro"),
        ("existing_jobs", "table_macro"),
        ("fleet_devices", "table_macro"),
        ("funding_inputs", "table_macro"),
        ("in_duisburg", "macro"),
        ("in_fleet", "macro"),
        ("live_deployments", "table_macro"),
        ("plan_vs_actual", "table_macro"),
        ("published_snapshot", "table_macro"),
        ("semester_starts_on", "macro"),
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # C5's only project starts on D + 1; C1 has two projects and appears once
        (D, ["C1", "C2", "C3", "C4", "C6"]),
        (dt.date(2026, 6, 29), ["C1", "C2", "C3", "C4"]),
        (dt.date(2025, 2, 28), ["C3"]),
        (dt.date(2025, 1, 31), []),
    ],
)
def test_engaged_companies(
    fixture_con: duckdb.DuckDBPyConnection, as_of: dt.date, expected: list[str]
) -> None:
    sql = "SELECT company_id FROM engaged_companies(?) ORDER BY company_id"
    assert ids(fixture_con, sql, as_of) == expected


def test_engaged_companies_keep_every_column_of_companies(
    fixture_con: duckdb.DuckDBPyConnection,
) -> None:
    columns = [d[0] for d in fixture_con.execute("SELECT * FROM companies LIMIT 0").description]
    engaged = fixture_con.execute("SELECT * FROM engaged_companies(?) LIMIT 0", [D])
    assert [d[0] for d in engaged.description] == columns


@pytest.mark.parametrize(
    ("installed_on", "removed_on", "in_fleet"),
    [
        (None, None, True),
        (D, None, True),  # installed on the day
        (D + dt.timedelta(days=1), None, False),
        (None, D, False),  # removed on the day
        (None, D + dt.timedelta(days=1), True),
        (dt.date(2025, 1, 1), dt.date(2025, 6, 1), False),
    ],
)
def test_in_fleet(
    fixture_con: duckdb.DuckDBPyConnection,
    installed_on: dt.date | None,
    removed_on: dt.date | None,
    in_fleet: bool,
) -> None:
    sql = "SELECT in_fleet(?::DATE, ?::DATE, ?::DATE)"
    assert fixture_con.execute(sql, [installed_on, removed_on, D]).fetchall() == [(in_fleet,)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # DV3 is removed on D, DV8 installed on D + 1
        (D, ["DV1", "DV2", "DV4", "DV5", "DV6", "DV7"]),
        (dt.date(2026, 7, 1), ["DV1", "DV2", "DV4", "DV5", "DV6", "DV7", "DV8"]),
        (dt.date(2025, 8, 20), ["DV1", "DV2", "DV3", "DV4", "DV6"]),
        (dt.date(2025, 8, 19), ["DV2", "DV4", "DV6"]),
    ],
)
def test_fleet_devices(
    fixture_con: duckdb.DuckDBPyConnection, day: dt.date, expected: list[str]
) -> None:
    sql = "SELECT device_id FROM fleet_devices(?) ORDER BY device_id"
    assert ids(fixture_con, sql, day) == expected


MOMENT = dt.datetime(2026, 6, 30, 12, 0, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("last_seen", "interval_s", "online"),
    [
        (MOMENT, 60, True),
        (MOMENT - dt.timedelta(seconds=180), 60, True),  # exactly three intervals ago
        (MOMENT - dt.timedelta(seconds=180, microseconds=1), 60, False),
        (MOMENT - dt.timedelta(seconds=899), 300, True),
        (MOMENT - dt.timedelta(seconds=901), 300, False),
        (None, 60, None),  # never seen
    ],
)
def test_device_online(
    fixture_con: duckdb.DuckDBPyConnection,
    last_seen: dt.datetime | None,
    interval_s: int,
    online: bool | None,
) -> None:
    sql = "SELECT device_online(?::TIMESTAMPTZ, ?, ?::TIMESTAMPTZ)"
    assert fixture_con.execute(sql, [last_seen, interval_s, MOMENT]).fetchall() == [(online,)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # DP2 is decommissioned on D, DP6 goes live on D, DP4 later, DP5 never
        (D, ["DP1", "DP3", "DP6"]),
        (dt.date(2026, 6, 29), ["DP1", "DP2", "DP3"]),
        (dt.date(2026, 7, 15), ["DP1", "DP3", "DP4", "DP6"]),
        (dt.date(2025, 5, 31), []),
    ],
)
def test_live_deployments(
    fixture_con: duckdb.DuckDBPyConnection, as_of: dt.date, expected: list[str]
) -> None:
    sql = "SELECT deployment_id FROM live_deployments(?) ORDER BY deployment_id"
    assert ids(fixture_con, sql, as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        # J2 ends on D, J6 ended on 31 March; J3 and J8 are created on D, J4 and J9 later
        (D, ["J1", "J3", "J5", "J7", "J8"]),
        (dt.date(2026, 6, 29), ["J1", "J2", "J5", "J7"]),
        (dt.date(2026, 3, 30), ["J1", "J2", "J5", "J6", "J7"]),
    ],
)
def test_existing_jobs(
    fixture_con: duckdb.DuckDBPyConnection, as_of: dt.date, expected: list[str]
) -> None:
    sql = "SELECT job_id FROM existing_jobs(?) ORDER BY job_id"
    assert ids(fixture_con, sql, as_of) == expected


@pytest.mark.parametrize(
    ("semester", "starts_on"),
    [
        ("SS 2026", dt.date(2026, 4, 1)),
        ("WS 2025/26", dt.date(2025, 10, 1)),
        ("WS 2099/00", dt.date(2099, 10, 1)),
    ],
)
def test_semester_starts_on(
    fixture_con: duckdb.DuckDBPyConnection, semester: str, starts_on: dt.date
) -> None:
    assert fixture_con.execute("SELECT semester_starts_on(?)", [semester]).fetchall() == [
        (starts_on,)
    ]


PLAN_SQL = (
    "SELECT grant_id, category, year, planned_eur, spent_eur "
    "FROM plan_vs_actual(?, ?, ?) ORDER BY grant_id, year, category"
)
YEAR_2025 = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


@pytest.mark.parametrize(
    ("period", "as_of", "expected"),
    [
        # 2025 on D: E1 + E4, E2 with its correction E3, E5; G2 has no plan for investment,
        # and its vouchers count net of input VAT (E9 2 856 - 456, E10 1 190 - 190)
        (
            YEAR_2025,
            D,
            [
                ("G1", "material", 2025, E("10000.00"), E("12100.00")),
                ("G1", "personnel", 2025, E("100000.00"), E("90000.00")),
                ("G1", "travel", 2025, E("5000.00"), E("6000.00")),
                ("G2", "investment", 2025, E("0.00"), E("1000.00")),
                ("G2", "personnel", 2025, E("50000.00"), E("50000.00")),
                ("G2", "travel", 2025, E("2000.00"), E("2400.00")),
                ("G4", "material", 2025, E("2000.00"), E("2000.00")),
                ("G4", "personnel", 2025, E("18000.00"), E("20000.00")),
            ],
        ),
        # as of 31 May 2025: E8 and E13 paid on that day count, E5, E9, E10, E11, E14, E15 are
        # later
        (
            YEAR_2025,
            dt.date(2025, 5, 31),
            [
                ("G1", "material", 2025, E("10000.00"), E("12100.00")),
                ("G1", "personnel", 2025, E("100000.00"), E("90000.00")),
                ("G1", "travel", 2025, E("5000.00"), E("0.00")),
                ("G2", "personnel", 2025, E("50000.00"), E("20000.00")),
                ("G2", "travel", 2025, E("2000.00"), E("0.00")),
                ("G4", "material", 2025, E("2000.00"), E("0.00")),
                ("G4", "personnel", 2025, E("18000.00"), E("16000.00")),
            ],
        ),
        # a period within 2026: the plan year touches it, E6 (1 February) lies before it
        (
            (dt.date(2026, 3, 1), dt.date(2026, 12, 31)),
            dt.date(2026, 12, 31),
            [
                ("G1", "personnel", 2026, E("120000.00"), E("30000.00")),
            ],
        ),
    ],
)
def test_plan_vs_actual(
    fixture_con: duckdb.DuckDBPyConnection,
    period: tuple[dt.date, dt.date],
    as_of: dt.date,
    expected: list[tuple[Any, ...]],
) -> None:
    assert fixture_con.execute(PLAN_SQL, [*period, as_of]).fetchall() == expected


def test_plan_vs_actual_keeps_money_exact(fixture_con: duckdb.DuckDBPyConnection) -> None:
    result = fixture_con.execute("SELECT * FROM plan_vs_actual(?, ?, ?) LIMIT 0", [*YEAR_2025, D])
    types = {d[0]: str(d[1]) for d in result.description}
    assert types["planned_eur"].startswith("DECIMAL") and types["spent_eur"].startswith("DECIMAL")


@pytest.mark.parametrize(
    ("amount", "vat", "deductible", "expected"),
    [
        (E("119.00"), E("19.00"), True, E("100.00")),
        (E("119.00"), E("19.00"), False, E("119.00")),
        # a correction: negative with its negative input VAT
        (E("-11.90"), E("-1.90"), True, E("-10.00")),
        (E("50.00"), E("0.00"), True, E("50.00")),
    ],
)
def test_eligible_eur(
    fixture_con: duckdb.DuckDBPyConnection,
    amount: Decimal,
    vat: Decimal,
    deductible: bool,
    expected: Decimal,
) -> None:
    sql = "SELECT eligible_eur(?::DECIMAL(18,2), ?::DECIMAL(18,2), ?)"
    assert fixture_con.execute(sql, [amount, vat, deductible]).fetchall() == [(expected,)]


def test_funding_inputs(fixture_con: duckdb.DuckDBPyConnection) -> None:
    """One row per grant decided by the day, with its rows as lists in the rules' order."""
    rows = fixture_con.execute(
        "SELECT grant_id, vat_deductible, plan, vouchers, calls, revenues FROM funding_inputs(?)",
        [dt.date(2025, 6, 1)],
    ).fetchall()
    # G3 is decided after the day; G4's calls are requested and received before it
    assert [row[0] for row in rows] == ["G1", "G2", "G4"]
    g1, g2, _ = rows
    assert g1[1] is False and g2[1] is True
    assert g1[2] == [
        {"category": "material", "year": 2025, "planned_eur": E("10000.00")},
        {"category": "personnel", "year": 2025, "planned_eur": E("100000.00")},
        {"category": "travel", "year": 2025, "planned_eur": E("5000.00")},
        {"category": "personnel", "year": 2026, "planned_eur": E("120000.00")},
    ]
    # paid up to the day, by paid_on: E5 is paid on it, E6 later
    assert [v["expenditure_id"] for v in g1[3]] == ["E1", "E2", "E3", "E4", "E5"]
    assert g2[3] == [
        {"expenditure_id": "E8", "category": "personnel", "paid_on": dt.date(2025, 5, 31),
         "amount_eur": E("20000.00"), "vat_eur": E("0.00")},
    ]  # fmt: skip
    # requested up to the day; DB5 (requested 15 May) arrives on the day itself
    assert [tuple(call.values()) for call in g1[4]] == [
        ("DB1", dt.date(2025, 2, 1), E("50000.00")),
        ("DB2", dt.date(2025, 5, 10), E("60000.00")),
    ]
    assert g2[4] == [
        {"disbursement_id": "DB5", "received_on": dt.date(2025, 6, 1), "amount_eur": E("15000.00")}
    ]
    assert g1[5] == [
        {"kind": "own_funds", "year": 2025, "planned_eur": E("10000.00"),
         "actual_eur": E("12000.00")},
        {"kind": "own_funds", "year": 2026, "planned_eur": E("10000.00"), "actual_eur": None},
    ]  # fmt: skip
    # a grant without plan, vouchers, calls or revenues: NULL lists
    assert g2[5] is None


def test_funding_inputs_a_call_received_after_the_day_is_in_transit(
    fixture_con: duckdb.DuckDBPyConnection,
) -> None:
    (calls,) = fixture_con.execute(
        "SELECT calls FROM funding_inputs(?) WHERE grant_id = 'G2'", [dt.date(2025, 5, 31)]
    ).fetchone()
    assert calls == [{"disbursement_id": "DB5", "received_on": None, "amount_eur": E("15000.00")}]


def test_published_snapshot(tmp_path: Path) -> None:
    data_dir = build_warehouse(tmp_path / "data", {"grants": DELIVERY["grants"]})
    with read_snapshot(data_dir) as con:  # a load run, but nothing recorded as published
        assert con.execute("SELECT * FROM published_snapshot()").fetchall() == []
    with next_snapshot(data_dir) as con:
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('snapshot_run_id', '7'), "
            "('published_at', '2026-06-30T12:00:05')"
        )
    with read_snapshot(data_dir) as con:
        result = con.execute("SELECT run_id, published_at FROM published_snapshot()")
        assert [str(d[1]) for d in result.description] == ["BIGINT", "TIMESTAMP"]
        assert result.fetchall() == [(7, dt.datetime(2026, 6, 30, 12, 0, 5))]


ROOT = Path(__file__).resolve().parents[3]
# A telling piece of each shared rule: written anywhere but shared.sql, it is a copy.
RULE_FRAGMENTS = {
    "engaged_companies": "p.company_id = c.company_id",
    "in_fleet": "removed_on IS NULL OR",
    "device_online": "to_seconds(3",
    "live_deployments": "decommissioned_on IS NULL OR",
    "existing_jobs": "ended_on IS NULL OR",
    "semester_starts_on": "substr(semester",
    "plan_vs_actual": "FROM budget",
    "eligible_eur": "THEN amount_eur - vat_eur",
    "funding_inputs": "'received_on': CASE",
    "published_snapshot": "key = 'published_at'",  # the reader; ingest writes it
}


@pytest.mark.parametrize(("macro", "fragment"), RULE_FRAGMENTS.items(), ids=RULE_FRAGMENTS)
def test_each_shared_rule_is_written_only_in_shared_sql(macro: str, fragment: str) -> None:
    shared = ROOT / "zakid_metrics" / "kpis" / "shared.sql"
    assert fragment in shared.read_text(encoding="utf-8")
    copies = [
        str(path.relative_to(ROOT))
        for folder in ("zakid_metrics", "pipelines")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".sql")
        and path != shared
        and fragment in path.read_text(encoding="utf-8")
    ]
    assert copies == [], f"use the macro {macro} of shared.sql instead"


@pytest.mark.parametrize("code", ["47050", "47051", "47057", "47279", "47280", "45127", "4705"])
def test_in_duisburg_is_the_contracts_rule(
    fixture_con: duckdb.DuckDBPyConnection, code: str
) -> None:
    low, high = DUISBURG_POSTAL_CODES
    ((found,),) = fixture_con.execute("SELECT in_duisburg(?)", [code]).fetchall()
    assert found is (low <= int(code) <= high)
