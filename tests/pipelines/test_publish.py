"""The open-data export on a real delivery: hand-computed cells and suppression, consent, stale
rows, the leak test over every byte of every file, determinism and the atomic swap."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import publish as publish_module
from pipelines.collector.segments import append_readings
from pipelines.ingest import ingest
from pipelines.publish import public_state, publish, swap
from zakid_metrics import kpis
from zakid_metrics.i18n import de, en
from zakid_metrics.open_data import (
    DATASETS,
    LICENSE_URI,
    METADATA_FILE,
    NEXT_DIR,
    OpenDataError,
    public_dir,
    read_export,
    sha256_hex,
)
from zakid_metrics.telemetry_store import READING_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 6, 30)
N, Y = None, True  # a suppressed cell (value None) / a flag in the expected tables

# Engaged on AS_OF: C1-C6. C2, C4, C5 did not consent to be named; C5 is the only large
# company; C7 consented but its row is stale after the second delivery; C8 starts later.
COMPANIES = """\
company_id,name,public_name_consent,employees,annual_turnover_eur,is_craft,is_startup,ude_spinoff,postal_code,joined_on
C1,Alpha Sensorik GmbH,ja,5,900000,x,,,47051,2025-01-10
C2,Verschwiegen Metallbau KG,nein,8,1500000,x,,,47057,2025-02-01
C3,Gamma Optik GmbH,ja,3,400000,,,,47119,2025-03-01
C4,Geheim Robotics UG,nein,20,3000000,,x,x,45127,2025-03-15
C5,Solitär Stahl AG,nein,900,200000000,,,,40210,2025-04-01
C6,=HYPERLINK(1) Zeta GmbH,ja,30,6000000,,,,47228,2025-05-01
C7,Eta Veraltet GmbH,ja,40,7000000,,,,47051,2025-05-01
C8,Theta Später GmbH,ja,10,2000000,,,,47051,2026-07-01
"""
PROJECTS = """\
project_id,title,company_id,partner,use_case,status,started_on,builds_on_ude_research
P1,Pumpen,C1,UDE,predictive_maintenance,production,2025-02-01,ja
P2,Sichtprüfung,C1,Fraunhofer IMS,quality_inspection,pilot,2025-06-01,nein
P3,Schweißnaht,C2,Krohne,quality_inspection,pilot,2025-03-01,nein
P4,Linsen,C3,UDE,quality_inspection,feasibility,2025-04-01,ja
P5,Greifer,C4,UDE,process_optimization,pilot,2025-04-01,ja
P6,Hochofen,C5,Fraunhofer IMS,energy_management,production,2025-05-01,nein
P7,Heizung,C6,other,energy_management,inquiry,2025-06-01,nein
P8,Lager,C7,other,logistics,inquiry,2025-06-01,nein
P9,Später,C8,UDE,other,inquiry,2026-08-01,nein
"""
# Salaries: J4 is the only one at C3, J5 the only one at C5; J6 ended, J7 starts later.
JOBS = """\
job_id,category,company_id,project_id,created_on,ended_on,fte,annual_gross_salary_eur,qualification
J1,external,C1,P1,2025-03-01,,1,50000,academic
J2,external,C1,P1,2025-04-01,,1,60000,academic
J3,external,C1,P2,2025-07-01,,0.5,40000,vocational
J4,external,C3,P4,2025-05-01,,1,91234.56,vocational
J5,external,C5,P6,2025-06-01,,1,123456.78,academic
J6,external,C4,P5,2025-08-01,2026-02-01,1,,academic
J7,external,C4,P5,2026-08-01,,1,,academic
R1,project_related,,,2025-01-15,,1,55000,academic
R2,project_related,,,2025-02-15,,1,56000,academic
R3,project_related,,,2025-03-15,,1,57000,academic
R4,project_related,,,2025-04-15,,0.5,,vocational
"""
DEPLOYMENTS = """\
deployment_id,project_id,model_name,went_live_on,data_policy,cloud_baseline_latency_ms
D1,P1,pumpnet,2025-06-01,on_device_only,120
D2,P2,visionnet,2025-09-01,aggregates_only,200
D3,P3,weldnet,2025-10-01,on_device_only,150
D4,P5,gripnet,2026-01-01,raw_upload,100
D5,P6,furnacenet,2025-12-01,on_device_only,90
D6,P4,lensnet,,on_device_only,
"""
DEVICES = """\
device_id,deployment_id,device_class,report_interval_s
V1,D1,microcontroller,60
V2,D1,microcontroller,60
V3,D2,edge_gpu,60
V4,D3,microcontroller,60
V5,D4,industrial_pc,60
V6,D5,fpga,60
V7,D5,microcontroller,60
"""
# C5's 9876.54 t CO2e/a dominates the verified CO2 sum (97.6 % of 10,117.29).
SDG = """\
contribution_id,project_id,sdg_goal,indicator,value,unit,reported_on,verified
S1,P1,13,CO2,120.5,t CO2e/a,2025-12-01,ja
S2,P3,13,CO2,80.25,t CO2e/a,2025-12-01,ja
S3,P4,13,CO2,40,t CO2e/a,2026-01-10,ja
S4,P6,13,CO2,9876.54,t CO2e/a,2026-02-01,ja
S5,P1,7,Energie,300,MWh/a,2026-01-01,ja
S6,P3,7,Energie,200,MWh/a,2026-01-01,ja
S7,P5,7,Energie,250,MWh/a,2026-01-01,ja
S8,P7,7,Energie,50,MWh/a,2026-03-01,nein
S10,P2,7,Energie,60,MWh/a,2026-03-01,nein
S11,P4,7,Energie,70,MWh/a,2026-03-01,nein
S9,P5,9,Innovation,1,Anzahl,2026-03-01,nein
"""
COURSES = """\
course_id,title,institution,semester,enrolled,completed,embedded_ai
K1,Embedded ML,UDE,WS 2025/26,40,30,ja
K2,TinyML,UDE,WS 2025/26,2,1,ja
K3,Edge AI,UDE,SS 2026,25,2,ja
K4,Datenbanken,UDE,SS 2026,100,80,nein
K5,Später,UDE,WS 2026/27,10,,ja
"""
FILES = {
    "companies.csv": COMPANIES,
    "projects.csv": PROJECTS,
    "jobs.csv": JOBS,
    "deployments.csv": DEPLOYMENTS,
    "devices.csv": DEVICES,
    "sdg_contributions.csv": SDG,
    "courses.csv": COURSES,
}
SECRETS = [
    "Verschwiegen",
    "Geheim Robotics",
    "Solitär",
    "Eta Veraltet",  # consented, but only its stale version is left
    "Theta Später",  # consented, not engaged on AS_OF
    "91234",  # the only salary at C3
    "123456",  # the only salary at C5
    "9876",  # C5's dominating CO2 contribution
    "10117",  # the verified CO2 sum it dominates
    "200000000",  # C5's turnover
]


def deliver(tmp_path: Path, data_dir: Path) -> None:
    """Run 1 loads the delivery; run 2 a companies snapshot whose C7 row is rejected (stale)."""
    first = tmp_path / "delivery"
    first.mkdir()
    for name, text in FILES.items():
        (first / name).write_text(text, encoding="utf-8")
    assert not ingest([first], data_dir).any_failed
    second = tmp_path / "delivery2"
    second.mkdir()
    broken = COMPANIES.replace("C7,Eta Veraltet GmbH,ja,40,", "C7,Eta Veraltet GmbH,ja,-40,")
    (second / "companies.csv").write_text(broken, encoding="utf-8")
    run = ingest([second], data_dir)
    assert sum(f.rows_rejected for f in run.files) == 1


@pytest.fixture
def delivered(tmp_path: Path, data_dir: Path) -> Path:
    deliver(tmp_path, data_dir)
    return data_dir


@pytest.fixture
def exported(delivered: Path) -> Path:
    publish(delivered, AS_OF, by="test")
    return public_dir(delivered)


def parquet(folder: Path, name: str) -> pd.DataFrame:
    return pq.read_table(folder / f"{name}.parquet").to_pandas()


def cells(frame: pd.DataFrame, dims: list[str], **where: str) -> dict[tuple, object]:
    """{dims: value or None where suppressed} of the rows matching `where`."""
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return {
        tuple(row[d] for d in dims): (None if row["suppressed"] else row["value"])
        for _, row in frame.iterrows()
    }


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
        # 7 of the 8 salaried jobs (6 employers, the largest with 3) pay >= 48,000 EUR.
        ("jobs_well_paid_share",): 0.875,
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
    publish(data_dir, AS_OF, by="test")
    names = parquet(public_dir(data_dir), "companies_named")["name"].tolist()
    assert "Eta Veraltet GmbH" in names  # the export test above shows it gone once stale


# --- The leak test -------------------------------------------------------------------------------


def every_text(folder: Path) -> dict[str, str]:
    """Every file of the export as text: CSV and JSON as they are, Parquet decoded cell by cell."""
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            cells_ = [str(v) for column in table.columns for v in column.to_pylist()]
            texts[path.name] = "\n".join([*table.column_names, *cells_, str(table.schema)])
        else:
            texts[path.name] = path.read_bytes().decode("utf-8")
    return texts


def test_no_confidential_value_in_any_byte_of_the_export(exported: Path) -> None:
    texts = every_text(exported)
    assert len(texts) == 3 * len([s for s in DATASETS if not s.telemetry]) + 1
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaks in {name}"
    raw = b"".join(path.read_bytes() for path in exported.iterdir())
    for secret in SECRETS:
        assert secret.encode() not in raw
    # No internal column travels: no unit counts, largest parts, reasons or ids.
    for spec in DATASETS:
        if spec.telemetry:
            continue
        columns = pq.read_schema(exported / spec.file_name("parquet")).names
        assert columns == list(spec.columns)
        assert not {"units", "largest", "reason", "company_id", "_stale"} & set(columns)


# --- Metadata, determinism, atomicity ------------------------------------------------------------


def test_metadata_describes_every_file_with_size_and_checksum(exported: Path) -> None:
    meta = json.loads((exported / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["license"] == LICENSE_URI
    assert meta["publisher"]["name"] == "Stadt Duisburg / ZaKI.D"
    assert meta["asOf"] == "2026-06-30"
    assert meta["temporal"]["endDate"] == "2026-07-01T00:00:00Z"
    assert meta["disclosureControl"] == {
        "kMin": 3,
        "dominanceShare": 0.85,
        "suppressedSymbol": ".",
    }
    assert [d["identifier"] for d in meta["dataset"]] == [
        s.name for s in DATASETS if not s.telemetry
    ]
    for entry in meta["dataset"]:
        assert entry["title"]["de"] and entry["title"]["en"]
        assert entry["title"]["de"] != f"open_data.dataset.{entry['identifier']}"
        for column in entry["columns"]:
            assert column["description"]["en"] != f"open_data.column.{column['name']}"
        for dist in entry["distribution"]:
            data = (exported / dist["downloadURL"]).read_bytes()
            assert dist["byteSize"] == len(data)
            assert dist["checksum"]["checksumValue"] == sha256_hex(data)
        assert [d["mediaType"].rsplit("/", 2)[-2:] for d in entry["distribution"]] == [
            ["text", "csv"],
            ["application", "json"],
            ["application", "vnd.apache.parquet"],
        ]
    export = read_export(exported.parent)
    assert export.as_of == "2026-06-30"
    assert export.table("jobs")["value"].dtype == "Int64"
    assert export.table("fleet") is None


def test_same_snapshot_gives_the_same_bytes(exported: Path) -> None:
    first = {p.name: p.read_bytes() for p in exported.iterdir()}
    publish(exported.parent, AS_OF, by="test")
    second = {p.name: p.read_bytes() for p in exported.iterdir()}
    assert first == second


def test_a_failed_publish_leaves_the_previous_export(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in exported.iterdir()}
    written: list[str] = []
    write = publish_module._write_durably

    def failing(path: Path, data: bytes) -> None:
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(path.name)
        write(path, data)

    monkeypatch.setattr(publish_module, "_write_durably", failing)
    with pytest.raises(OSError):
        publish(exported.parent, dt.date(2026, 7, 31), by="test")
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == before
    assert not (exported.parent / NEXT_DIR).exists()
    assert read_export(exported.parent).as_of == "2026-06-30"


def test_a_leftover_next_folder_is_replaced(exported: Path) -> None:
    leftover = exported.parent / NEXT_DIR
    leftover.mkdir()
    (leftover / "jobs.csv").write_text("half written")
    publish(exported.parent, dt.date(2026, 7, 31), by="test")
    assert not leftover.exists()
    assert read_export(exported.parent).as_of == "2026-07-31"


def test_swap_exchanges_the_folders_in_place(tmp_path: Path) -> None:
    old, new = tmp_path / "public", tmp_path / "public.next"
    old.mkdir()
    new.mkdir()
    (old / "a").write_text("old")
    (new / "a").write_text("new")
    old_inode, new_inode = old.stat().st_ino, new.stat().st_ino
    swap(new, old)
    assert (old / "a").read_text() == "new"
    assert (new / "a").read_text() == "old"
    assert old.stat().st_ino == new_inode and new.stat().st_ino == old_inode


def test_reader_refuses_files_that_do_not_match_the_metadata(exported: Path) -> None:
    (exported / "jobs.csv").write_bytes(b"tampered")
    with pytest.raises(OpenDataError, match="does not match its metadata"):
        read_export(exported.parent)


def test_reader_without_export_says_how_to_publish(data_dir: Path) -> None:
    with pytest.raises(OpenDataError) as error:
        read_export(data_dir)
    assert error.value.hint == "Publish one from the warehouse: python -m pipelines publish"


def test_negative_effects_are_explained(tmp_path: Path, data_dir: Path) -> None:
    deliver(tmp_path, data_dir)
    folder = tmp_path / "negative"
    folder.mkdir()
    (folder / "sdg_contributions.csv").write_text(
        SDG.replace("S3,P4,13,CO2,40,", "S3,P4,13,CO2,-40,"), encoding="utf-8"
    )
    ingest([folder], data_dir)
    with pytest.raises(publish_module.PublishError, match=r"S3 have a negative value in t CO2e/a"):
        publish(data_dir, AS_OF, by="test")
    assert not public_dir(data_dir).exists()


# --- The fleet -----------------------------------------------------------------------------------


def reading(device: str, seq: int, ts: str, inferences: int, mean: float, on: int, up: int):
    return {
        "device_id": device,
        "seq": seq,
        "ts": dt.datetime.fromisoformat(ts),
        "interval_s": 60,
        "inferences": inferences,
        "latency_ms_mean": mean,
        "bytes_on_device": on,
        "bytes_uplinked": up,
        "status": "ok",
        "received_at": dt.datetime.fromisoformat(ts),
    }


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
    publish(delivered, AS_OF, by="test")
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


# --- The command line ----------------------------------------------------------------------------


def test_cli_publishes_and_explains_a_missing_warehouse(delivered: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "publish", "--data-dir", str(delivered),
         "--as-of", "2026-06-30", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["as_of"] == "2026-06-30" and answer["run_id"] == 2
    assert {"name": "jobs", "rows": 30, "suppressed": 8} in answer["datasets"]
    empty = subprocess.run(
        [sys.executable, "-m", "pipelines", "publish", "--data-dir", str(tmp_path / "none")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert empty.returncode == 1
    assert empty.stderr == (
        f"error: No warehouse at {tmp_path / 'none' / 'warehouse.duckdb'}.\n"
        "Load a delivery first: python -m pipelines ingest data/sample\n"
    )
    assert "Traceback" not in empty.stderr


def test_every_dataset_and_column_has_texts_in_both_languages() -> None:
    for catalog in (de.MESSAGES, en.MESSAGES):
        for spec in DATASETS:
            assert f"open_data.dataset.{spec.name}" in catalog
            assert f"open_data.dataset.{spec.name}.description" in catalog
            for column in spec.columns:
                assert f"open_data.column.{column}" in catalog, column


def test_parquet_files_read_back_with_pyarrow_from_bytes(exported: Path) -> None:
    table = pq.read_table(io.BytesIO((exported / "jobs.parquet").read_bytes()))
    assert table.schema.field("value").type == pa.int64()
    assert table.schema.field("suppressed").type == pa.bool_()
