"""A real delivery for the open-data tests: companies, jobs, deployments, SDG contributions and
courses whose hand-computed cells and suppressions the tests assert, with its secrets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipelines.ingest import ingest
from zakid_metrics.disclosure import Rules
from zakid_metrics.files import atomic_write
from zakid_metrics.kpis import Kpi
from zakid_metrics.open_data.build import build
from zakid_metrics.open_data.spec import public_dir
from zakid_metrics.open_data.write import render

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


def write_export(
    data_dir: Path,
    as_of: dt.date = AS_OF,
    rules: Rules | None = None,
    registry: dict[str, Kpi] | None = None,
) -> Path:
    """The library's export of `data_dir` (build, then write) in DATA_DIR/public/."""
    rules = rules or Rules.from_settings()
    files = render(build(data_dir, as_of, rules, registry), rules)
    folder = public_dir(data_dir)
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        atomic_write(folder / name, data)
    return folder


@pytest.fixture
def delivered(tmp_path: Path, data_dir: Path) -> Path:
    deliver(tmp_path, data_dir)
    return data_dir


@pytest.fixture
def exported(delivered: Path) -> Path:
    return write_export(delivered)


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
