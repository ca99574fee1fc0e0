"""Building the export on a real delivery: hand-computed cells and suppression, key figures
from the registry (a KPI marked for the open data appears without further code), consent,
stale rows and the fleet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from pipelines.collector.segments import append_readings
from pipelines.ingest import ingest
from tests.zakid_metrics.open_data.conftest import (
    AS_OF,
    FILES,
    SDG,
    N,
    cells,
    deliver,
    parquet,
    reading,
    write_export,
)
from zakid_metrics import kpis
from zakid_metrics.contract import KPI_SQL_DIR
from zakid_metrics.disclosure import Rules
from zakid_metrics.errors import ExportError
from zakid_metrics.open_data.build import public_state
from zakid_metrics.open_data.spec import (
    DATASETS,
    DISCLOSURE,
    METADATA_FILE,
    key_figures,
    public_dir,
)
from zakid_metrics.telemetry_store import READING_SCHEMA

# --- Exact cells -------------------------------------------------------------------------------


def test_companies_by_location_hand_computed(exported: Path) -> None:
    table = parquet(exported, "companies")
    got = cells(table, ["size_class", "group"], breakdown="in_duisburg")
    # Units: micro C1 C2 C3 (Duisburg); small C6 (Duisburg), C4 (Essen); large C5 (Düsseldorf).
    # Primary (< 3 companies): small yes/no/total, large no/total, total no. Secondary: micro
    # yes (the yes column had only small yes), then micro no (row micro had only micro yes),
    # then total yes (the total row had only total no). C7 is stale, so it is not counted.
    assert got == {
        ("micro", "yes"): N, ("micro", "no"): N, ("micro", "total"): 3,
        ("small", "yes"): N, ("small", "no"): N, ("small", "total"): N,
        ("medium", "yes"): 0, ("medium", "no"): 0, ("medium", "total"): 0,
        ("large", "yes"): 0, ("large", "no"): N, ("large", "total"): N,
        ("total", "yes"): N, ("total", "no"): N, ("total", "total"): 6,
    }  # fmt: skip
    assert table.columns.tolist() == ["breakdown", "size_class", "group", "value", "suppressed"]
    assert table[table["suppressed"]]["value"].isna().all()


def test_jobs_hand_computed(exported: Path) -> None:
    jobs = parquet(exported, "jobs")
    # Created: external academic 4 jobs of C1 C1 C5 C4 (3 employers), external vocational 2
    # (C1, C3: < 3), project-related academic 3 (R1-R3, each its own unit), vocational 1 (R4).
    # Secondary: in each category's row the one suppressed cell takes its academic cell along.
    created = cells(jobs, ["category", "qualification"], measure="created")
    assert created == {
        ("project_related", "academic"): N, ("project_related", "vocational"): N,
        ("project_related", "other"): 0, ("project_related", "unknown"): 0,
        ("project_related", "total"): 4,
        ("external", "academic"): N, ("external", "vocational"): N,
        ("external", "other"): 0, ("external", "unknown"): 0, ("external", "total"): 6,
        ("total", "academic"): 7, ("total", "vocational"): 3, ("total", "other"): 0,
        ("total", "unknown"): 0, ("total", "total"): 10,
    }  # fmt: skip
    # Existing on AS_OF: J6 ended; external academic is now J1 J2 (C1) and J5 (C5): 2 employers.
    existing = cells(jobs, ["category", "qualification"], measure="existing")
    assert existing[("external", "academic")] is None
    assert existing[("external", "total")] == 5
    assert existing[("total", "academic")] == 6
    assert existing[("total", "total")] == 9


def test_sums_apply_the_dominance_rule(exported: Path) -> None:
    effects = cells(parquet(exported, "sdg_effects"), ["measure", "verified"])
    # Verified CO2: C5 holds 9876.54 of 10117.29 (97.6 % > 85 %): suppressed with its total.
    # Verified energy 300 + 200 + 250 by three companies (largest 40 %): published.
    assert effects == {
        ("co2e_avoided_t_per_year", "yes"): N,
        ("co2e_avoided_t_per_year", "no"): 0.0,
        ("co2e_avoided_t_per_year", "total"): N,
        ("energy_saved_mwh_per_year", "yes"): 750.0,
        ("energy_saved_mwh_per_year", "no"): 180.0,
        ("energy_saved_mwh_per_year", "total"): 930.0,
    }


def test_students_are_units_and_courses_are_public(exported: Path) -> None:
    courses = cells(parquet(exported, "courses"), ["measure", "semester"])
    # K4 is no embedded-AI course, K5's semester begins after AS_OF. SS 2026 has 2 students
    # completed (< 3 persons): suppressed, and WS 2025/26 with it (the total is published).
    assert courses == {
        ("courses", "WS 2025/26"): 2, ("courses", "SS 2026"): 1, ("courses", "total"): 3,
        ("enrolled", "WS 2025/26"): 42, ("enrolled", "SS 2026"): 25, ("enrolled", "total"): 67,
        ("completed", "WS 2025/26"): N, ("completed", "SS 2026"): N, ("completed", "total"): 33,
    }  # fmt: skip


def test_key_figures_come_from_published_cells(exported: Path) -> None:
    figures = cells(parquet(exported, "key_figures"), ["kpi_id"])
    assert figures == {
        ("jobs_project_related_created",): 4.0,
        ("jobs_external_created",): 6.0,
        ("jobs_external_existing",): 5.0,
        ("jobs_by_qualification",): 10.0,
        # J1-J6 5.5 FTE, R1-R4 3.5
        ("jobs_created_fte",): 9.0,
        # the workplace of 8 of the 10 positions is in Duisburg
        ("jobs_in_duisburg_share",): 0.8,
        # All 8 salaried jobs (6 employers, the largest with 3) pay >= 48,000 EUR full-time:
        # J3's 40,000 for half time is 80,000.
        ("jobs_well_paid_share",): 1.0,
        ("companies_engaged",): 6.0,
        ("sme_share",): N,  # would reveal the single large company
        ("crafts_engaged",): N,  # C1 and C2
        ("startups_engaged",): N,  # C4
        ("companies_in_duisburg_share",): N,
        ("projects_by_status",): 8.0,  # P1-P8; P8 belongs to stale C7 but is itself current
        ("ude_research_transfer",): 3.0,  # P1, P4, P5 of three companies
        ("deployments_live",): 5.0,
        ("privacy_policy_share",): N,  # aggregates_only is D2 of C1 alone
        ("sdg_goals_covered",): 2.0,  # 7 and 13
        ("sdg_contributions",): 11.0,
        ("co2e_avoided_t_per_year",): N,
        ("energy_saved_mwh_per_year",): 750.0,
        ("courses_offered",): 3.0,
        ("students_enrolled",): 67.0,
        ("students_completed",): 33.0,
    }


def test_every_public_kpi_is_a_key_figure_equal_to_the_registry(exported: Path) -> None:
    figures = parquet(exported, "key_figures").set_index("kpi_id")
    # The fleet's KPIs need telemetry: test_fleet_aggregates_from_telemetry.
    public = [k.id for k in kpis.KPIS.values() if k.audience == "public" and not k.reads_telemetry]
    assert set(public) <= set(figures.index)
    with public_state(exported.parent) as con:
        results = kpis.compute_all(con, as_of=AS_OF, audience="public")
    for kpi_id in public:
        row = figures.loc[kpi_id]
        assert row["unit"] == kpis.KPIS[kpi_id].unit
        if not row["suppressed"]:
            assert row["value"] == pytest.approx(float(results[kpi_id].value), abs=5e-5), kpi_id


def test_only_consenting_engaged_current_companies_are_named(exported: Path) -> None:
    named = parquet(exported, "companies_named")
    assert named.to_dict("records") == [
        {
            "name": "=HYPERLINK(1) Zeta GmbH",
            "size_class": "small",
            "use_cases": "energy_management",
        },
        {
            "name": "Alpha Sensorik GmbH",
            "size_class": "micro",
            "use_cases": "predictive_maintenance; quality_inspection",
        },
        {"name": "Gamma Optik GmbH", "size_class": "micro", "use_cases": "quality_inspection"},
    ]
    csv_text = (exported / "companies_named.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[1] == "'=HYPERLINK(1) Zeta GmbH,small,energy_management"
    records = json.loads((exported / "companies_named.json").read_text(encoding="utf-8"))
    assert records[0]["name"] == "=HYPERLINK(1) Zeta GmbH"  # JSON is data, not a spreadsheet


def test_a_stale_company_was_named_before_it_went_stale(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "first"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    ingest([folder], data_dir)
    names = parquet(write_export(data_dir), "companies_named")["name"].tolist()
    assert "Eta Veraltet GmbH" in names  # the export test above shows it gone once stale


def test_negative_effects_are_explained(tmp_path: Path, data_dir: Path) -> None:
    deliver(tmp_path, data_dir)
    folder = tmp_path / "negative"
    folder.mkdir()
    (folder / "sdg_contributions.csv").write_text(
        SDG.replace("S3,P4,13,CO2,40,", "S3,P4,13,CO2,-40,"), encoding="utf-8"
    )
    ingest([folder], data_dir)
    with pytest.raises(ExportError, match=r"S3 have a negative value in t CO2e/a"):
        write_export(data_dir)
    assert not public_dir(data_dir).exists()


# --- The fleet -----------------------------------------------------------------------------------


def test_fleet_aggregates_from_telemetry(delivered: Path) -> None:
    # The last reading is at 21:00 UTC on AS_OF; V7 last reported 11 hours earlier (offline).
    rows = [
        reading("V1", 1, "2026-06-30T21:00:00+00:00", 1000, 10, 9000, 1000),
        reading("V2", 1, "2026-06-30T21:00:00+00:00", 1000, 14, 9000, 1000),
        reading("V3", 1, "2026-06-30T20:59:00+00:00", 500, 20, 4000, 1000),
        reading("V4", 1, "2026-06-30T20:59:30+00:00", 2000, 5, 20000, 0),
        reading("V5", 1, "2026-06-30T20:58:00+00:00", 800, 25, 1000, 7000),
        reading("V6", 1, "2026-06-30T21:00:00+00:00", 600, 9, 5000, 0),
        reading("V7", 1, "2026-06-30T10:00:00+00:00", 0, 0, 0, 0),
        reading("V1", 0, "2026-06-29T20:00:00+00:00", 99999, 1, 1, 1),  # before the window
    ]
    table = pa.Table.from_pylist(rows, schema=READING_SCHEMA)
    append_readings(delivered, table)
    write_export(delivered)
    fleet = cells(parquet(public_dir(delivered), "fleet"), ["measure"])
    # Online: V1-V6 of C1 (3), C2, C4, C5. Inferences 5,900 (C1 2,500 = 42 %). Speed-up per
    # deployment: D1 120/12, D2 200/20, D3 150/5, D4 100/25, D5 90/9 -> median 10. Kept on
    # device: 48,000 of 58,000 bytes.
    assert fleet == {
        ("devices_online",): 6.0,
        ("inferences_24h",): 5900.0,
        ("speedup_vs_cloud",): 10.0,
        ("data_kept_on_device_share",): 0.8276,
    }
    meta = json.loads((public_dir(delivered) / METADATA_FILE).read_text(encoding="utf-8"))
    temporal = next(d for d in meta["dataset"] if d["identifier"] == "fleet")["temporal"]
    # The 24 hours up to the end of the last reading's minute, 21:00 UTC on AS_OF.
    assert temporal["startDate"] == "2026-06-29T21:01:00Z"
    assert temporal["endDate"] == "2026-06-30T21:01:00Z"
    figures = parquet(public_dir(delivered), "key_figures").set_index("kpi_id")
    assert figures.loc["devices_online", "value"] == 6.0
    assert figures.loc["speedup_vs_cloud", "unit"] == "ratio"


# --- Key figures are declared by the registry ------------------------------------------------


def registry_with_marked(folder: Path, kpi_id: str) -> dict[str, kpis.Kpi]:
    """The registry's files in `folder`, with KPI `kpi_id` made public and marked for the open
    data by its header alone."""
    folder.mkdir()
    for path in KPI_SQL_DIR.glob("*.sql"):
        shutil.copy(path, folder / path.name)
    path = folder / f"{kpi_id}.sql"
    text = path.read_text(encoding="utf-8")
    assert "-- audience: internal\n" in text
    marked = text.replace(
        "-- audience: internal\n", "-- audience: public\n-- open_data: key_figure\n"
    )
    path.write_text(marked, encoding="utf-8")
    return kpis.load_registry(folder)


def test_a_kpi_marked_as_key_figure_is_exported_without_further_code(
    delivered: Path, tmp_path: Path
) -> None:
    registry = registry_with_marked(tmp_path / "sql", "jobs_project_related_fte")
    figures = parquet(write_export(delivered, registry=registry), "key_figures")
    # R1-R4 exist on AS_OF with 1 + 1 + 1 + 0.5 FTE; each position is a unit of its own (4 >= 3,
    # the largest holds one of four rows). Undeclared in DISCLOSURE, it follows the others.
    assert figures.iloc[-1].to_dict() == {
        "kpi_id": "jobs_project_related_fte",
        "unit": "fte",
        "value": 3.5,
        "suppressed": False,
    }
    assert figures["kpi_id"].tolist()[:-1] == [
        k for k in DISCLOSURE if k in figures["kpi_id"].tolist()
    ]
    # Protected as its own cell: four positions are too few units for k = 5.
    strict = write_export(delivered, registry=registry, rules=Rules(k_min=5))
    row = parquet(strict, "key_figures").set_index("kpi_id").loc["jobs_project_related_fte"]
    assert (pd.isna(row["value"]), row["suppressed"]) == (True, True)


def test_without_the_mark_the_kpi_is_no_key_figure(exported: Path) -> None:
    figures = parquet(exported, "key_figures")
    assert "jobs_project_related_fte" not in figures["kpi_id"].tolist()
    assert len(figures) == 23  # every key figure but the fleet's four (no telemetry here)


def test_the_declared_disclosures_are_the_marked_kpis_and_name_published_cells() -> None:
    marked = [figure.kpi.id for figure in key_figures(kpis.KPIS)]
    assert marked == list(DISCLOSURE)
    datasets = {spec.name: spec for spec in DATASETS}
    for kpi_id, disclosure in DISCLOSURE.items():
        if isinstance(disclosure, str):
            continue
        for cell in disclosure:
            assert [dim for dim, _ in cell.at] == list(datasets[cell.dataset].dims), kpi_id
