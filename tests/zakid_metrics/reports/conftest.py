"""The report tests' fixture delivery: real CSV files, ingested into a real warehouse.

Grant A (01ZK2401A, ANBest-P, 6 weeks, funding rate 50 %) runs 01.04.2024 – 30.06.2026; grant B
(01ZK2401B, ANBest-Gk) has a plan but no expenditures and no disbursements. The expected figures
in the tests are computed by hand from these rows; comments say what a row is there for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest
from zakid_metrics.warehouse import read_snapshot

GRANT_A, GRANT_B = "01ZK2401A", "01ZK2401B"

# German Excel: `;`, decimal comma, dd.mm.yyyy, Windows-1252, CRLF.
GRANTS = [
    "grant_id;recipient;sub_project;programme;regime;funding_rate;approved_eur;decided_on;"
    "starts_on;ends_on",
    f"{GRANT_A};Stadt Duisburg;Transferstelle und Vernetzung;STARK;ANBest-P;0,5;71.500,00;"
    "15.03.2024;01.04.2024;30.06.2026",
    f"{GRANT_B};Universität Duisburg-Essen;Lehre und Qualifizierung;STARK;ANBest-Gk;1;"
    "30.000,00;01.12.2024;01.01.2025;31.12.2026",
]
BUDGET = [
    "budget_line_id;grant_id;category;year;planned_eur",
    f"A-24-P;{GRANT_A};personnel;2024;40.000,00",
    f"A-24-M;{GRANT_A};material;2024;8.000,00",
    f"A-24-T;{GRANT_A};travel;2024;2.000,00",
    f"A-25-P;{GRANT_A};personnel;2025;50.000,00",
    f"A-25-M;{GRANT_A};material;2025;10.000,00",
    f"A-25-T;{GRANT_A};travel;2025;10.000,00",
    f"A-26-P;{GRANT_A};personnel;2026;20.000,00",
    f"A-26-M;{GRANT_A};material;2026;2.000,00",
    f"A-26-T;{GRANT_A};travel;2026;1.000,00",
    f"B-25-P;{GRANT_B};personnel;2025;15.000,00",
    f"B-26-P;{GRANT_B};personnel;2026;15.000,00",
]
EXPENDITURES = [
    "expenditure_id;grant_id;category;paid_on;amount_eur;vendor;description",
    f"A-001;{GRANT_A};personnel;15.04.2024;12.345,67;Stadt Duisburg Personalamt;"
    "Gehälter April 2024",
    # material 2024: 6 000 + 4 200 − 200 = 10 000 against 8 000 planned, 25 % over: flagged
    f"A-002;{GRANT_A};material;02.05.2024;6.000,00;Mouser Electronics;Entwicklungsboards",
    # travel 2024: 2 400 against 2 000 planned, exactly 20 % over: not flagged
    f"A-003;{GRANT_A};travel;20.06.2024;2.400,00;Deutsche Bahn Fernverkehr AG;"
    "Messe embedded world Nürnberg",
    f"A-004;{GRANT_A};personnel;31.07.2024;20.000,00;Stadt Duisburg Personalamt;"
    "Gehälter Mai bis Juli 2024",
    # a text a spreadsheet would run as a formula
    f"A-005;{GRANT_A};material;10.09.2024;4.200,00;@Sensor Distribution GmbH;"
    "=SUMME(A1:A9) Sensorik-Kit",
    f"A-006;{GRANT_A};material;01.10.2024;-200,00;Mouser Electronics;-Gutschrift Rücksendung",
    f"A-101;{GRANT_A};personnel;15.01.2025;25.000,00;Stadt Duisburg Personalamt;"
    "Gehälter Januar 2025",
    f"A-102;{GRANT_A};personnel;03.03.2025;20.000,00;Stadt Duisburg Personalamt;"
    "Gehälter Februar 2025",
    f"A-103;{GRANT_A};material;10.02.2025;4.000,00;Reichelt Elektronik;Messtechnik",
    # odd cents: 2025's grant share 25 117,285 rounds half up to 25 117,29
    f"A-104;{GRANT_A};travel;05.05.2025;1.234,57;Deutsche Bahn Fernverkehr AG;Dienstreise Berlin",
    f"A-201;{GRANT_A};personnel;15.02.2026;10.000,00;Stadt Duisburg Personalamt;"
    "Gehälter Januar 2026",
    # paid after the grant's end: in no report of grant A
    f"A-202;{GRANT_A};personnel;15.07.2026;5.000,00;Stadt Duisburg Personalamt;Nachzahlung",
]
# A tool's export: `,`, ISO dates, decimal point, UTF-8.
DISBURSEMENTS = [
    "disbursement_id,grant_id,requested_on,received_on,amount_eur",
    f"D-A1,{GRANT_A},2024-04-02,2024-04-10,10000.00",
    f"D-A2,{GRANT_A},2024-07-01,2024-07-05,15000.00",
    f"D-A3,{GRANT_A},2025-01-05,2025-01-10,20000.00",
    f"D-A4,{GRANT_A},2025-12-01,2025-12-05,5000.00",
]
COMPANIES = [
    "company_id,name,employees,annual_turnover_eur,is_craft,postal_code,joined_on",
    "C1,Müller Präzision,12,1800000.00,true,47051,2024-05-01",
    "C2,Sensorik UG,4,,false,47279,2025-03-01",
    "C3,Stahl AG,300,60000000.00,false,46045,2025-06-01",
]
PROJECTS = [
    "project_id,title,company_id,partner,use_case,status,started_on",
    "P1,Lagerprognose,C1,UDE,predictive_maintenance,pilot,2024-05-01",
    "P2,Sensorfusion,C2,UDE,condition_monitoring,pilot,2025-03-01",
    "P3,Walzwerk,C3,Fraunhofer IMS,quality_inspection,production,2025-06-01",
]
JOBS = [
    "job_id,category,company_id,created_on,fte",
    "J1,project_related,,2024-05-01,1",
    "J2,project_related,,2025-02-01,0.5",
    "J3,external,C1,2024-09-01,1",
    "J4,external,C2,2025-04-01,1",
]
TARGETS = [
    "kpi_id,due_on,target_value",
    "jobs_project_related_created,2025-12-31,5",
    "jobs_project_related_created,2026-06-30,8",
    "jobs_external_created,2025-12-31,10",
    "jobs_external_created,2026-06-30,20",
]
COURSES = [
    "course_id,title,institution,semester,enrolled,completed",
    "K1,Embedded ML,UDE,WS 2024/25,30,25",
]


def write(path: Path, lines: list[str], german: bool) -> Path:
    """A delivery file as German Excel (cp1252, CRLF) or a tool (UTF-8, LF) writes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if german:
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    else:
        path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def write_delivery(folder: Path) -> Path:
    for name, lines, german in (
        ("grants.csv", GRANTS, True),
        ("budget.csv", BUDGET, True),
        ("expenditures.csv", EXPENDITURES, True),
        ("disbursements.csv", DISBURSEMENTS, False),
        ("companies.csv", COMPANIES, False),
        ("projects.csv", PROJECTS, False),
        ("jobs.csv", JOBS, False),
        ("targets.csv", TARGETS, False),
        ("courses.csv", COURSES, False),
    ):
        write(folder / name, lines, german)
    return folder


@pytest.fixture(scope="session")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_delivery(tmp_path_factory.mktemp("report_delivery") / "delivery")


@pytest.fixture(scope="session")
def report_data(delivery: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the fixture delivery, loaded by the real ingest."""
    data_dir = tmp_path_factory.mktemp("report_data") / "data"
    run = ingest([delivery], data_dir)
    assert not run.any_failed and all(f.rows_rejected == 0 for f in run.files), run.to_json()
    return data_dir


@pytest.fixture()
def con(report_data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with read_snapshot(report_data) as connection:
        yield connection
