"""The KPI tests' fixture delivery (tests as data) and a builder for real DuckDB warehouses."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from zakid_metrics.contract import ENTITIES
from zakid_metrics.funding import BaseRate, BaseRates, load_base_rates
from zakid_metrics.warehouse import fill_defaults, next_snapshot, read_snapshot

Rows = list[dict[str, Any]]

# The as-of date most cases use; rows dated exactly on it test the boundaries.
D = dt.date(2026, 6, 30)

# One delivery that every KPI case computes on. Comments say what a row is there for;
# `_stale: True` marks a kept previous version (it still counts).
# fmt: off
DELIVERY: dict[str, Rows] = {
    "companies": [
        # small by turnover; a craft; in Duisburg
        {"company_id": "C1", "name": "Müller Präzision", "employees": 12,
         "annual_turnover_eur": "1800000.00", "is_craft": True, "craft_annex": "B1",
         "postal_code": "47051", "joined_on": "2025-02-01", "baseline_employees": 10},
        # micro by headcount alone; a UDE spin-off start-up; Duisburg's last postal code
        {"company_id": "C2", "name": "Sensorik UG", "employees": 4, "is_startup": True,
         "ude_spinoff": True, "postal_code": "47279", "joined_on": "2025-05-01",
         "baseline_employees": 4},
        # large; outside Duisburg; a stale (kept previous) version
        {"company_id": "C3", "name": "Stahl AG", "employees": 300,
         "annual_turnover_eur": "60000000.00", "postal_code": "46045",
         "joined_on": "2025-01-15", "baseline_employees": 310, "_stale": True},
        # small on its own, large with its group (partner and linked enterprises); a start-up
        # that is no spin-off; outside Duisburg
        {"company_id": "C4", "name": "Edge GmbH", "employees": 40,
         "annual_turnover_eur": "8000000.00", "is_startup": True, "postal_code": "45127",
         "joined_on": "2025-09-01", "baseline_employees": 35, "group_employees": 300,
         "group_turnover_eur": "60000000.00"},
        # medium craft in Duisburg, engaged only after D (its project starts on D + 1)
        {"company_id": "C5", "name": "Elektro Schmitz", "employees": 100,
         "annual_turnover_eur": "20000000.00", "is_craft": True, "craft_annex": "A",
         "postal_code": "47198", "joined_on": "2026-06-01", "baseline_employees": 90},
        # micro by its figures, but large: a municipal company (public control >= 25 %); in
        # Duisburg, engaged exactly on D; no baseline delivered: the load takes its headcount
        {"company_id": "C6", "name": "Hafen KI", "employees": 8,
         "annual_turnover_eur": "1000000.00", "postal_code": "47057", "joined_on": "2026-06-30",
         "public_control_share": 0.5},
    ],
    "projects": [
        {"project_id": "P1", "title": "Lagerprognose", "company_id": "C1", "partner": "UDE",
         "use_case": "predictive_maintenance", "status": "production",
         "started_on": "2025-03-01", "public_funding_eur": "100000.00",
         "own_contribution_eur": "50000.00", "builds_on_ude_research": True},
        {"project_id": "P2", "title": "Sensorfusion", "company_id": "C2", "partner": "UDE",
         "use_case": "condition_monitoring", "status": "pilot", "started_on": "2025-06-01",
         "public_funding_eur": "40000.00", "own_contribution_eur": "10000.00",
         "builds_on_ude_research": True},
        {"project_id": "P3", "title": "Walzwerk", "company_id": "C3",
         "partner": "Fraunhofer IMS", "use_case": "quality_inspection", "status": "completed",
         "started_on": "2025-02-01", "ended_on": "2025-12-31", "public_funding_eur": "0.00",
         "own_contribution_eur": "80000.00"},
        {"project_id": "P4", "title": "Edge-Logistik", "company_id": "C4", "partner": "Krohne",
         "use_case": "logistics", "status": "feasibility", "started_on": "2025-09-15",
         "public_funding_eur": "20000.00", "own_contribution_eur": "5000.00"},
        {"project_id": "P5", "title": "Abgebrochen", "company_id": "C1", "partner": "other",
         "use_case": "other", "status": "cancelled", "started_on": "2025-05-01",
         "public_funding_eur": "10000.00", "own_contribution_eur": "5000.00"},
        # started exactly on D: counts
        {"project_id": "P6", "title": "Hafenkran", "company_id": "C6", "partner": "UDE",
         "use_case": "energy_management", "status": "inquiry", "started_on": "2026-06-30",
         "builds_on_ude_research": True},
        # started on D + 1: does not count
        {"project_id": "P7", "title": "Werkstatt", "company_id": "C5", "partner": "UDE",
         "use_case": "process_optimization", "status": "inquiry", "started_on": "2026-07-01",
         "public_funding_eur": "30000.00", "own_contribution_eur": "30000.00",
         "builds_on_ude_research": True},
    ],
    "jobs": [
        # confirmed after 12 months; at the centre (its postal code, the default)
        {"job_id": "J1", "category": "project_related", "created_on": "2025-01-15", "fte": 1.0,
         "annual_gross_salary_eur": "60000.00", "qualification": "academic", "grant_id": "G1",
         "confirmed_on": "2026-03-01"},
        # ended exactly on D: created up to D, but no longer existing on D
        # confirmed exactly 12 months after its creation: still there after 12 months
        {"job_id": "J2", "category": "project_related", "created_on": "2025-04-01",
         "ended_on": "2026-06-30", "fte": 0.5, "annual_gross_salary_eur": "45000.00",
         "qualification": "academic", "confirmed_on": "2026-04-01"},
        # created exactly on D: counts and exists
        {"job_id": "J3", "category": "project_related", "created_on": "2026-06-30",
         "fte": 0.75, "qualification": "vocational", "workplace_postal_code": "44135"},
        {"job_id": "J4", "category": "project_related", "created_on": "2026-07-01", "fte": 1.0,
         "annual_gross_salary_eur": "30000.00", "qualification": "academic"},
        # confirmed a day before its 12 months were up: unconfirmed after 12 months
        {"job_id": "J5", "category": "external", "company_id": "C1", "project_id": "P1",
         "created_on": "2025-06-01", "fte": 1.0, "annual_gross_salary_eur": "52000.00",
         "qualification": "vocational", "confirmed_on": "2026-05-31"},
        {"job_id": "J6", "category": "external", "company_id": "C2", "project_id": "P2",
         "created_on": "2025-10-01", "ended_on": "2026-03-31", "fte": 1.0,
         "annual_gross_salary_eur": "40000.00", "qualification": "academic",
         "workplace_postal_code": "45127"},
        {"job_id": "J7", "category": "external", "company_id": "C3", "project_id": "P3",
         "created_on": "2026-01-15", "fte": 0.5, "qualification": "other"},
        # a quarter position: 12 000 is exactly the reference wage (48 000) full-time: well paid
        # works in Duisburg although its company is in Essen
        {"job_id": "J8", "category": "external", "company_id": "C4", "created_on": "2026-06-30",
         "fte": 0.25, "annual_gross_salary_eur": "12000.00", "workplace_postal_code": "47057"},
        {"job_id": "J9", "category": "external", "company_id": "C5", "created_on": "2026-07-02",
         "fte": 1.0, "annual_gross_salary_eur": "90000.00"},
    ],
    "deployments": [
        {"deployment_id": "DP1", "project_id": "P1", "model_name": "lstm",
         "went_live_on": "2025-09-01", "data_policy": "on_device_only",
         "cloud_baseline_latency_ms": 120.0, "latency_slo_ms": 20.0},
        # decommissioned exactly on D: not live on D
        {"deployment_id": "DP2", "project_id": "P1", "model_name": "lstm",
         "went_live_on": "2025-11-15", "decommissioned_on": "2026-06-30",
         "data_policy": "raw_upload"},
        {"deployment_id": "DP3", "project_id": "P3", "model_name": "cnn",
         "went_live_on": "2025-06-01", "data_policy": "aggregates_only",
         "cloud_baseline_latency_ms": 250.0, "latency_slo_ms": 40.0},
        {"deployment_id": "DP4", "project_id": "P2", "model_name": "gru",
         "went_live_on": "2026-07-15", "data_policy": "on_device_only"},
        {"deployment_id": "DP5", "project_id": "P2", "model_name": "gru",
         "data_policy": "raw_upload"},
        # live exactly from D, without devices: in the total only
        {"deployment_id": "DP6", "project_id": "P4", "model_name": "tree",
         "went_live_on": "2026-06-30", "data_policy": "raw_upload"},
    ],
    "devices": [
        {"device_id": "DV1", "deployment_id": "DP1", "device_class": "microcontroller",
         "installed_on": "2025-08-20"},
        # a second device of the same class: DP1 still counts once for it
        {"device_id": "DV2", "deployment_id": "DP1", "device_class": "microcontroller"},
        # removed exactly on D: not installed on D
        {"device_id": "DV3", "deployment_id": "DP1", "device_class": "edge_gpu",
         "installed_on": "2025-08-20", "removed_on": "2026-06-30"},
        {"device_id": "DV4", "deployment_id": "DP3", "device_class": "fpga",
         "installed_on": "2025-05-20"},
        {"device_id": "DV5", "deployment_id": "DP3", "device_class": "microcontroller",
         "installed_on": "2026-01-01"},
        {"device_id": "DV6", "deployment_id": "DP2", "device_class": "smart_sensor"},
        {"device_id": "DV7", "deployment_id": "DP1", "device_class": "edge_soc",
         "installed_on": "2025-09-01"},
        # installed after D
        {"device_id": "DV8", "deployment_id": "DP3", "device_class": "industrial_pc",
         "installed_on": "2026-07-01"},
    ],
    "sdg_contributions": [
        {"contribution_id": "S1", "project_id": "P1", "sdg_goal": 9, "indicator": "CO2",
         "value": 12.5, "unit": "t CO2e/a", "reported_on": "2025-10-01", "verified": True},
        {"contribution_id": "S2", "project_id": "P1", "sdg_goal": 13, "indicator": "CO2",
         "value": 3.25, "unit": "t CO2e/a", "reported_on": "2026-06-30", "verified": True},
        {"contribution_id": "S3", "project_id": "P3", "sdg_goal": 7, "indicator": "Energie",
         "value": 40.0, "unit": "MWh/a", "reported_on": "2026-01-10", "verified": True},
        {"contribution_id": "S4", "project_id": "P3", "sdg_goal": 7, "indicator": "Energie",
         "value": 100.0, "unit": "MWh/a", "reported_on": "2026-02-01"},
        {"contribution_id": "S5", "project_id": "P2", "sdg_goal": 12, "indicator": "CO2",
         "value": 5.0, "unit": "t CO2e/a", "reported_on": "2026-03-01"},
        # verified, but the unit spelled differently: goal covered, no CO2e counted
        {"contribution_id": "S6", "project_id": "P4", "sdg_goal": 8, "indicator": "CO2",
         "value": 7.0, "unit": "t CO2e / a", "reported_on": "2026-04-01", "verified": True},
        {"contribution_id": "S7", "project_id": "P1", "sdg_goal": 13, "indicator": "CO2",
         "value": 100.0, "unit": "t CO2e/a", "reported_on": "2026-07-01", "verified": True},
    ],
    "courses": [
        {"course_id": "K1", "title": "Embedded ML", "institution": "UDE",
         "semester": "WS 2025/26", "enrolled": 40, "completed": 32},
        {"course_id": "K2", "title": "TinyML Lab", "institution": "UDE", "semester": "SS 2026",
         "enrolled": 25},
        {"course_id": "K3", "title": "FPGA für KI", "institution": "UDE",
         "semester": "WS 2025/26", "enrolled": 20, "completed": 18},
        {"course_id": "K4", "title": "Statistik", "institution": "UDE", "semester": "SS 2026",
         "enrolled": 100, "completed": 90, "embedded_ai": False},
        # begins 1 October 2026, after D
        {"course_id": "K5", "title": "Edge AI", "institution": "UDE", "semester": "WS 2026/27",
         "enrolled": 30},
        {"course_id": "K6", "title": "Sensorik", "institution": "UDE", "semester": "SS 2025",
         "enrolled": 15, "completed": 15},
    ],
    "grants": [
        {"grant_id": "G1", "recipient": "Stadt Duisburg", "sub_project": "Zentrum",
         "programme": "STARK", "regime": "ANBest-P", "funding_rate": "1", "approved_eur":
         "500000.00", "decided_on": "2024-12-01", "starts_on": "2025-01-01",
         "ends_on": "2028-12-31"},
        # may deduct input VAT: its vouchers count net
        {"grant_id": "G2", "recipient": "Fraunhofer IMS", "sub_project": "Edge-Hardware",
         "programme": "STARK", "regime": "ANBest-Gk", "funding_rate": "0.5",
         "vat_deductible": True, "approved_eur": "200000.00", "decided_on": "2025-03-01",
         "starts_on": "2025-04-01", "ends_on": "2027-12-31"},
        # decided after D: not yet approved on D
        {"grant_id": "G3", "recipient": "Krohne", "sub_project": "Messtechnik",
         "programme": "STARK", "regime": "NKBF", "funding_rate": "0.4",
         "approved_eur": "100000.00", "decided_on": "2026-09-01", "starts_on": "2026-10-01",
         "ends_on": "2028-09-30"},
        # cost basis, ended before D; its share is capped at the approved amount
        {"grant_id": "G4", "recipient": "Fraunhofer IMS", "sub_project": "Vorstudie",
         "programme": "STARK", "regime": "ANBest-P-Kosten", "funding_rate": "0.5",
         "approved_eur": "10000.00", "decided_on": "2024-12-01", "starts_on": "2025-01-01",
         "ends_on": "2025-09-30"},
    ],
    "budget": [
        {"budget_line_id": "B1", "grant_id": "G1", "category": "personnel", "year": 2025,
         "planned_eur": "100000.00"},
        {"budget_line_id": "B2", "grant_id": "G1", "category": "material", "year": 2025,
         "planned_eur": "10000.00"},
        {"budget_line_id": "B3", "grant_id": "G1", "category": "personnel", "year": 2026,
         "planned_eur": "120000.00"},
        {"budget_line_id": "B4", "grant_id": "G2", "category": "personnel", "year": 2025,
         "planned_eur": "50000.00"},
        {"budget_line_id": "B5", "grant_id": "G2", "category": "travel", "year": 2025,
         "planned_eur": "2000.00"},
        {"budget_line_id": "B6", "grant_id": "G1", "category": "travel", "year": 2025,
         "planned_eur": "5000.00"},
        {"budget_line_id": "B7", "grant_id": "G4", "category": "personnel", "year": 2025,
         "planned_eur": "18000.00"},
        {"budget_line_id": "B8", "grant_id": "G4", "category": "material", "year": 2025,
         "planned_eur": "2000.00"},
    ],
    "expenditures": [
        {"expenditure_id": "E1", "grant_id": "G1", "category": "personnel",
         "paid_on": "2025-02-15", "amount_eur": "40000.00", "description": "Gehälter"},
        {"expenditure_id": "E2", "grant_id": "G1", "category": "material",
         "paid_on": "2025-03-10", "amount_eur": "12500.00", "description": "Boards"},
        # a correction: material 2025 ends 21 % over plan
        {"expenditure_id": "E3", "grant_id": "G1", "category": "material",
         "paid_on": "2025-04-10", "amount_eur": "-400.00", "description": "Gutschrift"},
        {"expenditure_id": "E4", "grant_id": "G1", "category": "personnel",
         "paid_on": "2025-05-20", "amount_eur": "50000.00", "description": "Gehälter"},
        # travel 2025 exactly 20 % over plan: over, but not flagged
        {"expenditure_id": "E5", "grant_id": "G1", "category": "travel",
         "paid_on": "2025-06-01", "amount_eur": "6000.00", "description": "Messe"},
        {"expenditure_id": "E6", "grant_id": "G1", "category": "personnel",
         "paid_on": "2026-02-01", "amount_eur": "60000.00", "description": "Gehälter"},
        # paid after D
        {"expenditure_id": "E7", "grant_id": "G1", "category": "personnel",
         "paid_on": "2026-07-15", "amount_eur": "30000.00", "description": "Gehälter"},
        {"expenditure_id": "E8", "grant_id": "G2", "category": "personnel",
         "paid_on": "2025-05-31", "amount_eur": "20000.00", "description": "Gehälter"},
        # net 2 400: exactly 20 % over the travel plan (gross it would be 42.8 % over)
        {"expenditure_id": "E9", "grant_id": "G2", "category": "travel",
         "paid_on": "2025-07-01", "amount_eur": "2856.00", "vat_eur": "456.00",
         "description": "Konferenz"},
        # no plan line for investment; net 1 000
        {"expenditure_id": "E10", "grant_id": "G2", "category": "investment",
         "paid_on": "2025-08-01", "amount_eur": "1190.00", "vat_eur": "190.00",
         "description": "Oszilloskop"},
        {"expenditure_id": "E11", "grant_id": "G2", "category": "personnel",
         "paid_on": "2025-11-30", "amount_eur": "30000.00", "description": "Gehälter"},
        # G4's costs as incurred: 22 000 in all, 20 000 of them personnel
        {"expenditure_id": "E12", "grant_id": "G4", "category": "personnel",
         "paid_on": "2025-02-15", "amount_eur": "8000.00", "description": "Personalkosten"},
        {"expenditure_id": "E13", "grant_id": "G4", "category": "personnel",
         "paid_on": "2025-05-31", "amount_eur": "8000.00", "description": "Personalkosten"},
        {"expenditure_id": "E14", "grant_id": "G4", "category": "personnel",
         "paid_on": "2025-08-20", "amount_eur": "4000.00", "description": "Personalkosten"},
        {"expenditure_id": "E15", "grant_id": "G4", "category": "material",
         "paid_on": "2025-09-15", "amount_eur": "2000.00", "description": "Sensoren"},
    ],
    "disbursements": [
        {"disbursement_id": "DB1", "grant_id": "G1", "requested_on": "2025-01-20",
         "received_on": "2025-02-01", "amount_eur": "50000.00"},
        {"disbursement_id": "DB2", "grant_id": "G1", "requested_on": "2025-05-01",
         "received_on": "2025-05-10", "amount_eur": "60000.00"},
        {"disbursement_id": "DB3", "grant_id": "G1", "requested_on": "2026-01-10",
         "received_on": "2026-01-20", "amount_eur": "70000.00"},
        # requested, not received
        {"disbursement_id": "DB4", "grant_id": "G1", "requested_on": "2026-06-20",
         "amount_eur": "40000.00"},
        {"disbursement_id": "DB5", "grant_id": "G2", "requested_on": "2025-05-15",
         "received_on": "2025-06-01", "amount_eur": "15000.00"},
        # received, window (2 months) still open on D
        {"disbursement_id": "DB6", "grant_id": "G2", "requested_on": "2026-05-01",
         "received_on": "2026-05-02", "amount_eur": "10000.00"},
        # G4 calls ahead of its costs: each one premature
        {"disbursement_id": "DB7", "grant_id": "G4", "requested_on": "2025-01-25",
         "received_on": "2025-02-01", "amount_eur": "3000.00"},
        {"disbursement_id": "DB8", "grant_id": "G4", "requested_on": "2025-06-02",
         "received_on": "2025-06-10", "amount_eur": "6000.00"},
        {"disbursement_id": "DB9", "grant_id": "G4", "requested_on": "2025-08-25",
         "received_on": "2025-09-01", "amount_eur": "2500.00"},
    ],
    "revenues": [
        {"revenue_id": "R1", "grant_id": "G1", "kind": "own_funds", "year": 2025,
         "planned_eur": "10000.00", "actual_eur": "12000.00"},
        {"revenue_id": "R2", "grant_id": "G1", "kind": "own_funds", "year": 2026,
         "planned_eur": "10000.00"},
    ],
    "targets": [
        {"kpi_id": "jobs_project_related_created", "due_on": "2026-12-31", "target_value": 15},
        {"kpi_id": "jobs_project_related_created", "due_on": "2028-12-31", "target_value": 30},
        {"kpi_id": "jobs_external_created", "due_on": "2026-12-31", "target_value": 200},
        {"kpi_id": "jobs_external_created", "due_on": "2028-12-31", "target_value": 500},
        {"kpi_id": "companies_engaged", "due_on": "2028-12-31", "target_value": 40},
    ],
}
# fmt: on

# The shipped base rates and one for 2026 that the tests give, as the department would add it
# (DATA_DIR/reference/base_rates.csv): the interest of a day in 2026 needs it.
RATES_2026 = BaseRates(
    (*load_base_rates().rates, BaseRate(dt.date(2026, 1, 1), Decimal("1.27"), "test")), "test"
)

# Load runs behind the fixture: everything in run 1, jobs again in run 2.
LOADED_AT = {1: dt.datetime(2026, 6, 1, 10, 0), 2: dt.datetime(2026, 7, 1, 10, 0)}


def insert_rows(con: duckdb.DuckDBPyConnection, entity: str, rows: Rows, run_id: int = 1) -> None:
    """Rows validated by the contract's model (derived columns included), inserted set-wise."""
    if not rows:
        return
    model = ENTITIES[entity].model
    records = []
    for line, row in enumerate(rows, start=2):
        fields = {k: v for k, v in row.items() if k != "_stale"}
        record = model.model_validate(fields).model_dump()
        record.update(
            _run_id=run_id, _file=f"{entity}.csv", _line=line, _stale=row.get("_stale", False)
        )
        records.append(record)
    con.register("fixture_rows", pa.Table.from_pylist(records))
    con.execute(f"INSERT INTO {entity} BY NAME SELECT * FROM fixture_rows")
    con.unregister("fixture_rows")


def record_loads(con: duckdb.DuckDBPyConnection, files: Mapping[int, list[str]]) -> None:
    """load_runs and load_files rows, so that entity_status knows when each entity came."""
    runs = [
        {
            "run_id": run,
            "started_at": LOADED_AT[run],
            "finished_at": LOADED_AT[run],
            "status": "ok",
            "triggered_by": "test",
            "files": len(entities),
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "rows_duplicate": 0,
        }
        for run, entities in files.items()
    ]
    loaded = [
        {
            "run_id": run,
            "file": f"{entity}.csv",
            "path": f"/delivery/{entity}.csv",
            "entity": entity,
            "status": "loaded",
            "sha256": f"{run}{entity}",
            "size_bytes": 1,
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "rows_duplicate": 0,
            "errors": [],
            "errors_de": [],
            "warnings": [],
            "warnings_de": [],
        }
        for run, entities in files.items()
        for entity in entities
    ]
    for table, rows in (("load_runs", runs), ("load_files", loaded)):
        con.register("fixture_rows", pa.Table.from_pylist(rows))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM fixture_rows")
        con.unregister("fixture_rows")


def build_warehouse(
    data_dir: Path, delivery: Mapping[str, Rows], reloaded: Sequence[str] = ()
) -> Path:
    """A published warehouse in `data_dir` holding `delivery`, loaded in run 1; the entities
    `reloaded` were delivered again in run 2."""
    with next_snapshot(data_dir) as con:
        for entity, rows in delivery.items():
            insert_rows(con, entity, rows)
        for entity in delivery:  # as a load does once the rows are stored
            fill_defaults(con, ENTITIES[entity])
        runs = {1: list(delivery), 2: list(reloaded)}
        record_loads(con, {run: entities for run, entities in runs.items() if entities})
    return data_dir


@pytest.fixture(scope="session")
def fixture_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the fixture delivery's warehouse."""
    data_dir = build_warehouse(tmp_path_factory.mktemp("kpis") / "data", DELIVERY, ["jobs"])
    with read_snapshot(data_dir) as con:
        yield con


@pytest.fixture()
def warehouse(
    tmp_path: Path,
) -> Iterator[Callable[[Mapping[str, Rows]], duckdb.DuckDBPyConnection]]:
    """Build a small warehouse from rows and return a read-only connection to it."""
    built = itertools.count()
    with ExitStack() as opened:

        def build(delivery: Mapping[str, Rows]) -> duckdb.DuckDBPyConnection:
            data_dir = build_warehouse(tmp_path / f"data{next(built)}", delivery)
            return opened.enter_context(read_snapshot(data_dir))

        yield build


# Telemetry of the fixture fleet, for the window of the hour up to MOMENT (11:01 to 12:01 UTC
# on D). The fleet on D: DV1, DV2, DV4, DV5, DV6, DV7 (DV3 was removed on D, DV8 comes
# later); every device reports every 60 s (the default), so online means a reading at or after
# 11:57:30. Readings go through the real segment writer, in the files listed here; LOG holds
# what the collector acknowledged but has not flushed into a segment yet.
MOMENT = dt.datetime(2026, 6, 30, 12, 0, 30, tzinfo=dt.UTC)
RECEIVED = dt.datetime(2026, 6, 30, 12, 0, 31, tzinfo=dt.UTC)


def _reading(device: str, seq: int, ts: str, inferences: int, **fields: Any) -> dict[str, Any]:
    return {
        "device_id": device,
        "seq": seq,
        "ts": dt.datetime.fromisoformat(ts).replace(tzinfo=dt.UTC),
        "interval_s": 60,
        "inferences": inferences,
        "status": "ok",
        "received_at": RECEIVED,
        **fields,
    }


def _latency(mean: float, p95: float, peak: float) -> dict[str, float]:
    return {"latency_ms_mean": mean, "latency_ms_p95": p95, "latency_ms_max": peak}


# fmt: off
TELEMETRY_FILES: list[list[dict[str, Any]]] = [
    [
        # DV1 (DP1): 11:58 is split over this file and the next (partial rollup rows)
        _reading("DV1", 1, "2026-06-30T11:58:00", 100, **_latency(5, 10, 20), energy_mwh=0.5,
                 bytes_on_device=1000, bytes_uplinked=10),
        _reading("DV1", 2, "2026-06-30T12:00:00", 100, **_latency(7, 14, 25), energy_mwh=0.5,
                 bytes_on_device=1000, bytes_uplinked=10),
        # DV2 (DP1): its last reading 30 s too early to be online; one before the window
        _reading("DV2", 1, "2026-06-30T10:30:00", 1000, **_latency(1, 2, 3), energy_mwh=9.0,
                 bytes_on_device=9000, bytes_uplinked=9000),
        _reading("DV2", 2, "2026-06-30T11:57:00", 200, **_latency(10, 30, 40), energy_mwh=2.0,
                 bytes_on_device=2000, bytes_uplinked=2000),
        # DV4 (DP3): over its deployment's objective of 40 ms
        _reading("DV4", 1, "2026-06-30T11:50:00", 100, **_latency(20, 40, 50), energy_mwh=1.0,
                 bytes_on_device=1000, bytes_uplinked=0),
        # DV7 (DP1): an error reading without inferences
        _reading("DV7", 1, "2026-06-30T11:59:00", 0, energy_mwh=0.1, status="error"),
        # DV3 (DP1): removed on D, not in the fleet, but it reported in the window
        _reading("DV3", 1, "2026-06-30T11:30:00", 50, **_latency(4, 8, 9), energy_mwh=0.25,
                 bytes_on_device=500, bytes_uplinked=5, status="degraded"),
    ],
    [
        _reading("DV1", 4, "2026-06-30T11:58:40", 300, **_latency(6, 12, 30), energy_mwh=1.5,
                 bytes_on_device=3000, bytes_uplinked=30),
    ],
    [
        # DV6 (DP2) reported only the day before; 12:30 lies after a window ending at 12:01
        _reading("DV6", 1, "2026-06-29T12:00:00", 10, **_latency(1, 2, 3)),
        _reading("DV6", 2, "2026-06-29T12:30:00", 10, **_latency(1, 2, 3)),
    ],
]
# DV4's second reading makes it online (exactly 3 intervals before the moment); DV1's first
# is a copy of a stored reading (left by a crash between flushing and deleting the log).
TELEMETRY_LOG: list[dict[str, Any]] = [
    _reading("DV4", 2, "2026-06-30T11:57:30", 100, **_latency(30, 60, 70), energy_mwh=1.0,
             bytes_on_device=1000, bytes_uplinked=0),
    _reading("DV1", 1, "2026-06-30T11:58:00", 100, **_latency(5, 10, 20), energy_mwh=0.5,
             bytes_on_device=1000, bytes_uplinked=10),
]
# fmt: on


def build_telemetry(data_dir: Path) -> Path:
    """The fixture telemetry in `data_dir/telemetry`: segments by the collector's writer (a
    file per day), then the log (its records received before the segments were written, as
    after a crash)."""
    from pipelines.collector.wal import LogWriter, encode
    from tests.pipelines.collector.conftest import flush
    from zakid_metrics.contract import READING_FIELDS
    from zakid_metrics.telemetry_store import READING_SCHEMA, telemetry_dir

    received_us = int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000) - 1_000_000
    for readings in TELEMETRY_FILES:
        flush(
            telemetry_dir(data_dir), pa.Table.from_pylist(readings, schema=READING_SCHEMA), "test"
        )
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    records = []
    for reading in TELEMETRY_LOG:
        values = {**reading, "ts": (reading["ts"] - epoch) // dt.timedelta(microseconds=1)}
        row = [values.get(f.name) for f in READING_FIELDS]
        records.append(encode(reading["device_id"], received_us, [row]))
    LogWriter(telemetry_dir(data_dir) / "wal" / "main").append(records)
    return data_dir


@pytest.fixture(scope="session")
def telemetry_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture delivery's warehouse with the fixture telemetry next to it."""
    data_dir = build_warehouse(tmp_path_factory.mktemp("telemetry") / "data", DELIVERY, ["jobs"])
    return build_telemetry(data_dir)


@pytest.fixture(scope="session")
def telemetry_con(telemetry_data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to that warehouse; tests load their telemetry window on it."""
    with read_snapshot(telemetry_data_dir) as con:
        yield con
