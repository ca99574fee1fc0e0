"""The report tests' fixture delivery: real CSV files, ingested into a real warehouse.

One grant per regime (CONTRACT.md section 4); the expected figures in the tests are worked out
by hand from these rows, and comments say what a row is there for.
- A (01ZK2401A, ANBest-P, expenditure basis, 50 %, 01.04.2024 – 30.06.2026): the university;
  the voucher list's layout (a correction, odd cents, texts a spreadsheet would run), idle
  parts of its calls (test_figures.py works out its 2024 interim report).
- B (01ZK2401B, ANBest-Gk, 80 %, input VAT deductible, 2025 only): the city; net amounts,
  the Höchstbetrag binding with a refund, idle parts across a base-rate change, revenues above
  plan, an inventory list (its final report is worked out in test_figures.py).
- C (01ZK2401C, ANBest-P-Kosten, 2025 – 2026): a plan, and no voucher and no call yet.
- D (01ZK2401D, NKBF, cost basis, 50 %, 2025 – 2026): premature calls, one covered after some
  days and one not covered by the end of 2025 (its 2025 interim report in test_figures.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest
from zakid_metrics import funding
from zakid_metrics.warehouse import read_snapshot

GRANT_A, GRANT_B, GRANT_C, GRANT_D = "01ZK2401A", "01ZK2401B", "01ZK2401C", "01ZK2401D"
REGIME_GRANTS = {"ANBest-P": GRANT_A, "ANBest-Gk": GRANT_B, "ANBest-P-Kosten": GRANT_C,
                 "NKBF": GRANT_D}  # fmt: skip

# German Excel: `;`, decimal comma, dd.mm.yyyy, Windows-1252, CRLF.
GRANTS = [
    "grant_id;recipient;sub_project;programme;regime;funding_rate;vat_deductible;approved_eur;"
    "decided_on;starts_on;ends_on",
    f"{GRANT_A};Universität Duisburg-Essen;Lehre und Transfer;STARK;ANBest-P;0,5;nein;71.500,00;"
    "15.03.2024;01.04.2024;30.06.2026",
    # the Höchstbetrag 16 800 = 80 % of the planned 21 000; 80 % of the actual 22 500 is 18 000
    f"{GRANT_B};Stadt Duisburg;Transferstelle und Vernetzung;STARK;ANBest-Gk;0,8;ja;16.800,00;"
    "01.12.2024;01.01.2025;31.12.2025",
    f"{GRANT_C};Fraunhofer IMS;Edge-KI-Plattform;STARK;ANBest-P-Kosten;0,6;nein;30.000,00;"
    "01.12.2024;01.01.2025;31.12.2026",
    f"{GRANT_D};KROHNE Messtechnik GmbH;Eingebettete Sensorik;STARK;NKBF;0,5;nein;30.000,00;"
    "01.12.2024;01.01.2025;31.12.2026",
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
    f"B-25-P;{GRANT_B};personnel;2025;10.000,00",
    f"B-25-M;{GRANT_B};material;2025;5.000,00",
    f"B-25-I;{GRANT_B};investment;2025;5.000,00",
    f"B-25-T;{GRANT_B};travel;2025;1.000,00",
    f"C-25-P;{GRANT_C};personnel;2025;25.000,00",
    f"C-26-P;{GRANT_C};personnel;2026;25.000,00",
    f"D-25-P;{GRANT_D};personnel;2025;20.000,00",
    f"D-25-S;{GRANT_D};subcontracting;2025;10.000,00",
    f"D-26-P;{GRANT_D};personnel;2026;20.000,00",
    f"D-26-S;{GRANT_D};subcontracting;2026;10.000,00",
]
EXPENDITURES = [
    "expenditure_id;grant_id;category;paid_on;amount_eur;vat_eur;vendor;description",
    f"A-001;{GRANT_A};personnel;15.04.2024;12.345,67;;UDE Personalabteilung;Gehälter April 2024",
    # material 2024: 6 000 + 4 200 − 200 = 10 000 against 8 000 planned, 25 % over
    f"A-002;{GRANT_A};material;02.05.2024;6.000,00;957,98;Mouser Electronics;Entwicklungsboards",
    # travel 2024: 2 400 against 2 000 planned, exactly 20 % over
    f"A-003;{GRANT_A};travel;20.06.2024;2.400,00;;Deutsche Bahn Fernverkehr AG;"
    "Messe embedded world Nürnberg",
    f"A-004;{GRANT_A};personnel;31.07.2024;20.000,00;;UDE Personalabteilung;"
    "Gehälter Mai bis Juli 2024",
    # a text a spreadsheet would run as a formula
    f"A-005;{GRANT_A};material;10.09.2024;4.200,00;;@Sensor Distribution GmbH;"
    "=SUMME(A1:A9) Sensorik-Kit",
    f"A-006;{GRANT_A};material;01.10.2024;-200,00;;Mouser Electronics;-Gutschrift Rücksendung",
    f"A-101;{GRANT_A};personnel;15.01.2025;25.000,00;;UDE Personalabteilung;Gehälter Januar 2025",
    f"A-102;{GRANT_A};personnel;03.03.2025;20.000,00;;UDE Personalabteilung;Gehälter Februar 2025",
    f"A-103;{GRANT_A};material;10.02.2025;4.000,00;;Reichelt Elektronik;Messtechnik",
    # odd cents: 50 % of it is 617,285
    f"A-104;{GRANT_A};travel;05.05.2025;1.234,57;;Deutsche Bahn Fernverkehr AG;Dienstreise Berlin",
    f"A-201;{GRANT_A};personnel;15.02.2026;10.000,00;;UDE Personalabteilung;Gehälter Januar 2026",
    # paid after the grant's end: in no report of grant A
    f"A-202;{GRANT_A};personnel;15.07.2026;5.000,00;;UDE Personalabteilung;Nachzahlung",
    # B deducts input VAT: only the net amounts are eligible
    f"B-01;{GRANT_B};personnel;01.02.2025;4.000,00;;Stadt Duisburg Personalamt;Gehälter Januar",
    f"B-02;{GRANT_B};personnel;01.04.2025;5.000,00;;Stadt Duisburg Personalamt;Gehälter Q1",
    f"B-03;{GRANT_B};material;10.03.2025;2.380,00;380,00;Rohde & Schwarz;Oszilloskop und Zubehör",
    f"B-04;{GRANT_B};material;15.05.2025;4.760,00;760,00;Reichelt Elektronik;Sensorik",
    f"B-05;{GRANT_B};investment;15.07.2025;7.735,00;1.235,00;Thomas-Krenn AG;Edge-Server",
    f"B-06;{GRANT_B};travel;10.09.2025;1.000,00;;Deutsche Bahn Fernverkehr AG;Dienstreisen",
    # D books its costs when they are incurred (cost basis)
    f"D-01;{GRANT_D};personnel;31.01.2025;5.000,00;;KROHNE Personal;Personalkosten Januar",
    f"D-02;{GRANT_D};personnel;28.02.2025;5.000,00;;KROHNE Personal;Personalkosten Februar",
    f"D-03;{GRANT_D};subcontracting;15.04.2025;12.000,00;;Fraunhofer IMS;Auftrag Messreihe",
    f"D-04;{GRANT_D};personnel;31.05.2025;5.000,00;;KROHNE Personal;Personalkosten März–Mai",
    f"D-05;{GRANT_D};personnel;30.09.2025;2.000,00;;KROHNE Personal;Personalkosten Juni–Sept.",
]
# A tool's export: `,`, ISO dates, decimal point, UTF-8.
DISBURSEMENTS = [
    "disbursement_id,grant_id,requested_on,received_on,amount_eur",
    f"D-A1,{GRANT_A},2024-04-02,2024-04-10,10000.00",
    f"D-A2,{GRANT_A},2024-07-01,2024-07-05,15000.00",
    f"D-A3,{GRANT_A},2025-01-05,2025-01-10,20000.00",
    f"D-A4,{GRANT_A},2025-12-01,2025-12-05,5000.00",
    f"D-B1,{GRANT_B},2025-01-10,2025-01-15,5000.00",
    f"D-B2,{GRANT_B},2025-03-25,2025-04-01,10000.00",
    f"D-B3,{GRANT_B},2025-07-25,2025-08-01,2500.00",
    f"K-D1,{GRANT_D},2025-01-31,2025-02-01,2500.00",
    f"K-D2,{GRANT_D},2025-02-25,2025-03-01,6000.00",
    f"K-D3,{GRANT_D},2025-05-26,2025-06-01,7000.00",
]
REVENUES = [
    "revenue_id,grant_id,kind,year,planned_eur,actual_eur",
    f"R-B1,{GRANT_B},own_funds,2025,4200.00,4200.00",
    # 800 more from third parties than planned: the grant may be reduced
    f"R-B2,{GRANT_B},third_party,2025,1000.00,1800.00",
    f"R-D1,{GRANT_D},own_funds,2025,14500.00,14500.00",
    f"R-D2,{GRANT_D},own_funds,2026,15000.00,",
]
INVENTORY = [
    "item_id,grant_id,expenditure_id,description,acquired_on,net_eur,location",
    f"INV-B-01,{GRANT_B},B-03,Oszilloskop RTB2004,2025-03-10,1200.00,Labor 2.14",
    f"INV-B-02,{GRANT_B},B-05,Edge-Server,2025-07-15,6500.00,Serverraum",
]
COMPANIES = [
    "company_id,name,employees,annual_turnover_eur,is_craft,postal_code,joined_on",
    "C1,Müller Präzision,12,1800000.00,true,47051,2024-05-01",
    "C2,Sensorik UG,4,,false,47279,2025-03-01",
    "C3,Stahl AG,300,60000000.00,false,46045,2025-06-01",
]
# partner: who of the research partners works in the project (several separated by `;`)
PROJECTS = [
    "project_id,title,company_id,partner,use_case,status,started_on",
    "P1,Lagerprognose,C1,UDE,predictive_maintenance,pilot,2024-05-01",
    "P2,Sensorfusion,C2,UDE; Fraunhofer IMS,condition_monitoring,pilot,2025-03-01",
    "P3,Walzwerk,C3,Fraunhofer IMS;Krohne,quality_inspection,production,2025-06-01",
]
JOBS = [
    "job_id,category,company_id,project_id,created_on,ended_on,fte,grant_id",
    "J1,project_related,,,2024-05-01,,1,01ZK2401A",
    "J2,project_related,,,2025-02-01,,0.5,01ZK2401A",
    "J3,external,C1,P1,2024-09-01,,1,",
    "J4,external,C2,P2,2025-04-01,,1,",
    "J5,project_related,,,2025-03-01,2025-09-30,1,01ZK2401B",
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
# The base rate from 01.01.2026 (the shipped reference data ends with 2025), as the department
# adds it in DATA_DIR/reference/: A's final report needs it for interest in 2026.
BASE_RATES_2026 = "valid_from,rate_percent,source\n2026-01-01,1.27,Deutsche Bundesbank\n"


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
        ("revenues.csv", REVENUES, False),
        ("inventory.csv", INVENTORY, False),
        ("companies.csv", COMPANIES, False),
        ("projects.csv", PROJECTS, False),
        ("jobs.csv", JOBS, False),
        ("targets.csv", TARGETS, False),
        ("courses.csv", COURSES, False),
    ):
        write(folder / name, lines, german)
    return folder


def write_base_rates(data_dir: Path) -> Path:
    """The department's extension of the base rates (DATA_DIR/reference/base_rates.csv)."""
    path = data_dir / "reference" / funding.BASE_RATES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BASE_RATES_2026, encoding="utf-8")
    return path


def load(delivery: Path, data_dir: Path) -> Path:
    """The delivery loaded by the real ingest (every row valid), with the 2026 base rate."""
    run = ingest([delivery], data_dir)
    assert not run.any_failed and all(f.rows_rejected == 0 for f in run.files), run.to_json()
    write_base_rates(data_dir)
    return data_dir


def loaded_delivery(folder: Path) -> Path:
    """The fixture delivery written to `folder`/delivery and loaded into `folder`/data."""
    return load(write_delivery(folder / "delivery"), folder / "data")


@pytest.fixture(scope="session")
def delivery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_delivery(tmp_path_factory.mktemp("report_delivery") / "delivery")


@pytest.fixture(scope="session")
def report_data(delivery: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding the fixture delivery, loaded by the real ingest."""
    return load(delivery, tmp_path_factory.mktemp("report_data") / "data")


@pytest.fixture()
def con(report_data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with read_snapshot(report_data) as connection:
        yield connection
