"""The registry: strict KPI headers, clear errors for bad calls, every KPI on the sample data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.ingest import ingest
from pipelines.sample import TELEMETRY_END
from tests.zakid_metrics.kpis.conftest import RATES_2026, D
from zakid_metrics.errors import (
    KpiDefinitionError,
    KpiParameterError,
    KpiQueryError,
    UnknownKpiError,
)
from zakid_metrics.kpis import (
    KPIS,
    FrameworkIndicator,
    compute,
    compute_all,
    load_registry,
    parse_kpi_file,
    source_rows,
)
from zakid_metrics.telemetry import Window, load_window
from zakid_metrics.warehouse import read_snapshot

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample"

HEADER = {
    "id": "crafts_engaged",
    "name_de": "Beteiligte Handwerksbetriebe",
    "name_en": "Craft businesses engaged",
    "unit": "count",
    "audience": "public",
    "direction": "higher",
    "shape": "scalar",
    "definition_de": "Zahl der beteiligten Handwerksbetriebe.",
    "definition_en": "Number of craft businesses engaged.",
    "source": "companies",
}
SQL = "SELECT count(*) AS value FROM companies WHERE is_craft AND joined_on <= $as_of"


def kpi_file(
    folder: Path, header: dict[str, str] | None = None, body: str = SQL, name: str = ""
) -> Path:
    fields = HEADER if header is None else header
    lines = [f"-- {key}: {value}" for key, value in fields.items()]
    path = folder / f"{name or fields.get('id', 'crafts_engaged')}.sql"
    path.write_text("\n".join([*lines, body]) + "\n", encoding="utf-8")
    return path


def test_a_kpi_file_is_read_with_continuations_and_a_default_drill_down(tmp_path: Path) -> None:
    path = kpi_file(tmp_path)
    text = path.read_text().replace(
        "-- definition_en: Number of craft businesses engaged.",
        "-- definition_en: Number of craft\n--   businesses engaged.",
    )
    path.write_text(text + "-- a comment naming $period_from does not count\n")
    kpi = parse_kpi_file(path)
    assert (kpi.id, kpi.unit, kpi.shape, kpi.sources) == (
        "crafts_engaged",
        "count",
        "scalar",
        ("companies",),
    )
    assert kpi.definition("en") == "Number of craft businesses engaged."
    assert kpi.name("de") == "Beteiligte Handwerksbetriebe"
    assert kpi.params == frozenset({"as_of"})
    assert (kpi.source_sql, kpi.source_params) == ("SELECT * FROM companies", frozenset())
    assert load_registry(tmp_path) == {"crafts_engaged": kpi}


def without(key: str) -> dict[str, str]:
    return {k: v for k, v in HEADER.items() if k != key}


@pytest.mark.parametrize(
    ("header", "body", "message"),
    [
        (without("unit"), SQL, "header lacks unit"),
        ({**HEADER, "colour": "red"}, SQL, "unknown key `colour`"),
        ({**HEADER, "unit": "pieces"}, SQL, "unit `pieces` is not one of"),
        ({**HEADER, "audience": "press"}, SQL, "audience `press` is not one of"),
        ({**HEADER, "direction": "up"}, SQL, "direction `up` is not one of"),
        ({**HEADER, "shape": "table"}, SQL, "shape `table` is not one of"),
        ({**HEADER, "shape": "breakdown"}, SQL, "a breakdown KPI needs `dimensions`"),
        ({**HEADER, "dimensions": "size_class"}, SQL, "a scalar KPI has none"),
        ({**HEADER, "source": "customers"}, SQL, "unknown: customers"),
        ({**HEADER, "source": "companies; jobs"}, SQL, "is not a column or table name"),
        ({**HEADER, "source": "telemetry"}, SQL, "a telemetry KPI needs its own `-- source_rows:`"),
        ({**HEADER, "postprocess": "magic"}, SQL, "postprocess `magic`"),
        ({**HEADER, "id": "Crafts-2"}, SQL, "id `Crafts-2` is no KPI id"),
        (HEADER, "SELECT $today AS value", "unknown parameter(s) $today"),
        (HEADER, "\n-- nothing but a comment", "no SQL after the header"),
        (HEADER, SQL + "\n-- source_rows:\n", "no SQL after `-- source_rows:`"),
        ({**HEADER, "name_en": ""}, SQL, "key `name_en` has no value"),
        ({**HEADER, "framework": "RCO 01 | Enterprises supported"}, SQL, "four parts"),
        ({**HEADER, "framework": "RCO 01 | x | | y"}, SQL, "none empty"),
        ({**HEADER, "framework": "RCO 01 | x | same | y"}, SQL, "relation `same` is not one"),
    ],
)
def test_malformed_headers_are_named(
    tmp_path: Path, header: dict[str, str], body: str, message: str
) -> None:
    path = kpi_file(tmp_path, header, body)
    with pytest.raises(KpiDefinitionError) as raised:
        parse_kpi_file(path)
    assert message in raised.value.message
    assert path.name in raised.value.message
    assert "sql/README.md" in raised.value.hint


def test_a_framework_indicator_is_read_in_its_four_parts(tmp_path: Path) -> None:
    framework = "ERDF RCO 01 | Enterprises supported | in_spirit |\n--   Regulation (EU) 2021/1058"
    kpi = parse_kpi_file(kpi_file(tmp_path, {**HEADER, "framework": framework}))
    assert kpi.framework == FrameworkIndicator(
        "ERDF RCO 01", "Enterprises supported", "in_spirit", "Regulation (EU) 2021/1058"
    )
    assert parse_kpi_file(kpi_file(tmp_path)).framework is None
    # the registry's: only indicators named with their source document
    assert KPIS["jobs_created_fte"].framework == FrameworkIndicator(
        "ERDF RCR 01",
        "Jobs created in supported entities (annual FTEs)",
        "corresponds",
        "Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1; definitions: "
        "Commission Staff Working Document SWD(2021) 198",
    )


def test_a_line_that_is_no_header_line_is_named_with_its_number(tmp_path: Path) -> None:
    path = kpi_file(tmp_path)
    path.write_text(path.read_text().replace("-- unit: count", "-- Unit count"))
    with pytest.raises(KpiDefinitionError, match=r"line 4: `-- Unit count` is not"):
        parse_kpi_file(path)


def test_a_repeated_key_and_a_wrong_file_name(tmp_path: Path) -> None:
    path = kpi_file(tmp_path)
    path.write_text(path.read_text().replace("-- unit: count", "-- unit: count\n-- unit: share"))
    with pytest.raises(KpiDefinitionError, match="line 5: key `unit` is given twice"):
        parse_kpi_file(path)
    renamed = kpi_file(tmp_path, name="sme_share")
    with pytest.raises(KpiDefinitionError, match="differs from the file name"):
        parse_kpi_file(renamed)


def test_every_kpi_of_the_registry_has_both_languages() -> None:
    for kpi in KPIS.values():
        assert kpi.name_de != kpi.name_en, kpi.id
        assert kpi.definition_de != kpi.definition_en, kpi.id
        assert kpi.path == kpi.path.parent / f"{kpi.id}.sql"


def test_an_unknown_kpi_suggests_the_closest(fixture_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UnknownKpiError) as raised:
        compute(fixture_con, "jobs_external_creatd", as_of=D)
    assert raised.value.message == "There is no KPI `jobs_external_creatd`."
    assert raised.value.hint.startswith("Did you mean jobs_external_created")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"as_of": D, "colour": "red"}, "Unknown KPI parameter(s): colour."),
        ({"as_of": D, "period_to": D}, "Unknown KPI parameter(s): period_to."),
        ({"as_of": "2026-06-30"}, "as_of '2026-06-30' is not a date."),
        ({"as_of": D, "period": (D, dt.date(2026, 1, 1))}, "ends before it starts"),
        ({"as_of": D, "k_min": 0}, "k_min 0 is not a whole number >= 1."),
        ({"as_of": D, "reference_wages": "viel"}, "reference_wages 'viel' are not amounts"),
        ({"as_of": D, "reference_wages": {2026: "viel"}}, "are not amounts in euros by year"),
        ({"as_of": D, "reference_wages": {2026: -1}}, "reference_wages {2026: -1} are not"),
        ({"as_of": D, "funding_period_end": "2028"}, "funding_period_end '2028' is not a date"),
    ],
)
def test_parameters_that_do_not_fit(
    fixture_con: duckdb.DuckDBPyConnection, call: dict[str, Any], message: str
) -> None:
    with pytest.raises(KpiParameterError) as raised:
        compute(fixture_con, "jobs_well_paid_share", **call)
    assert message in raised.value.message
    assert raised.value.hint


def test_an_unknown_audience(fixture_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(KpiParameterError, match="Unknown audience `press`"):
        compute_all(fixture_con, as_of=D, audience="press")  # type: ignore[arg-type]


def test_a_datetime_as_of_counts_as_its_day(fixture_con: duckdb.DuckDBPyConnection) -> None:
    late = dt.datetime(2026, 6, 30, 23, 59)
    assert compute(fixture_con, "jobs_external_created", as_of=late).as_of == D


def test_a_database_without_the_schema_is_a_clear_error() -> None:
    con = duckdb.connect()
    try:
        with pytest.raises(KpiQueryError, match="cannot give the KPIs' targets"):
            compute(con, "jobs_external_created", as_of=D)
        with pytest.raises(KpiQueryError, match="KPI jobs_external_created could not be"):
            source_rows(con, "jobs_external_created", as_of=D)
    finally:
        con.close()


def test_a_kpi_of_the_wrong_shape_is_a_clear_error(
    fixture_con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_rows = "SELECT 1 AS value UNION ALL SELECT 2 AS value"
    monkeypatch.setitem(KPIS, "crafts_engaged", parse_kpi_file(kpi_file(tmp_path, body=two_rows)))
    with pytest.raises(KpiQueryError) as raised:
        compute(fixture_con, "crafts_engaged", as_of=D)
    assert "returned 2 row(s) with the columns value; expected one row" in raised.value.message


@pytest.fixture(scope="session")
def sample_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    if not any(SAMPLE.glob("*.csv")):
        pytest.skip("data/sample is empty: write it with `python -m pipelines sample`")
    data_dir = tmp_path_factory.mktemp("sample") / "data"
    run = ingest([SAMPLE], data_dir)
    assert not run.any_failed
    with read_snapshot(data_dir) as con:
        # The telemetry KPIs read the day up to the end of the sample's telemetry history.
        load_window(con, data_dir, Window.last(dt.timedelta(hours=24), TELEMETRY_END))
        yield con


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 30), dt.date(2026, 6, 30)])
def test_every_kpi_has_a_value_on_the_sample(
    sample_con: duckdb.DuckDBPyConnection, as_of: dt.date
) -> None:
    # idle_funds' interest in 2026 needs the base rate of 2026, which is not shipped
    results = compute_all(sample_con, as_of=as_of, base_rates=RATES_2026)
    assert set(results) == set(KPIS)
    empty = [
        kpi_id
        for kpi_id, result in results.items()
        if result.value is None and (result.breakdown is None or result.breakdown.empty)
    ]
    assert empty == []


def test_every_drill_down_runs_on_the_sample_and_flags_stale_rows(
    sample_con: duckdb.DuckDBPyConnection,
) -> None:
    for kpi_id in KPIS:
        rows = source_rows(sample_con, kpi_id, as_of=dt.date(2026, 6, 30))
        assert "_stale" in rows.columns, kpi_id
