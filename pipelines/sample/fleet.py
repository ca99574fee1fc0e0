"""The fleet: model deployments of the companies' projects and the edge devices they run on."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pipelines.sample.dates import SAMPLE_AS_OF, days
from pipelines.sample.planted import plant
from pipelines.sample.projects import Project
from pipelines.sample.rows import Row, pick
from zakid_metrics.contract import DEVICE_CLASSES

# fmt: off
_MODELS = {
    "predictive_maintenance": ("bearing-rul-estimator", "anomaly-detector-tinyml",
                               "vibration-fault-classifier"),
    "quality_inspection": ("surface-defect-detector", "weld-seam-inspector",
                           "visual-qc-mobilenet"),
    "process_optimization": ("process-soft-sensor", "setpoint-optimizer-gbm"),
    "energy_management": ("load-forecaster-lstm", "nilm-disaggregator"),
    "condition_monitoring": ("anomaly-detector-tinyml", "flow-anomaly-autoencoder",
                             "thermal-hotspot-detector"),
    "logistics": ("pallet-counter-yolo-nano", "container-ocr-edge"),
    "other": ("acoustic-event-classifier",),
}
_VISION_MODELS = (
    "surface-defect-detector", "weld-seam-inspector", "visual-qc-mobilenet",
    "thermal-hotspot-detector", "pallet-counter-yolo-nano", "container-ocr-edge",
)
_VISION_CLASSES = (("edge_gpu", 4), ("edge_soc", 4), ("industrial_pc", 2), ("fpga", 1))
_SIGNAL_CLASSES = (
    ("microcontroller", 5), ("smart_sensor", 4), ("edge_soc", 2), ("fpga", 1),
    ("industrial_pc", 1),
)
_POLICIES = (("on_device_only", 55), ("aggregates_only", 33), ("raw_upload", 12))
# fmt: on
# Deployments: every production project, four of them twice, six completed projects
# (the first since decommissioned) and six pilots (the first two live).
EXTRA_PRODUCTION_DEPLOYMENTS = 4
COMPLETED_DEPLOYMENTS = 6
PILOT_DEPLOYMENTS, LIVE_PILOTS = 6, 2
DEVICES = 150
REPLACED_DEVICES = 3


def deployment_rows(rng: random.Random, projects: list[Project]) -> list[Row]:
    def having(status: str) -> list[Project]:
        return [p for p in projects if p.status == status]

    production = having("production")
    completed = rng.sample(having("completed"), COMPLETED_DEPLOYMENTS)
    pilots = rng.sample(having("pilot"), PILOT_DEPLOYMENTS)
    plans = [(p, True) for p in production]
    plans += [(p, True) for p in rng.sample(production, EXTRA_PRODUCTION_DEPLOYMENTS)]
    plans += [(p, True) for p in completed]
    plans += [(p, index < LIVE_PILOTS) for index, p in enumerate(pilots)]
    rows: list[Row] = []
    for project, live in plans:
        went_live = None
        if live:
            first = project.started_on + days(30)
            last = (project.ended_on or SAMPLE_AS_OF) - days(14)
            went_live = first + days(rng.randint(0, max(0, (last - first).days)))
        version = f"{rng.randint(0, 2)}.{rng.randint(0, 9)}.{rng.randint(0, 5)}"
        if not live and rng.random() < 0.5:
            version += "-rc1"
        postal_code = project.company.postal_code if rng.random() < 0.9 else None
        rows.append(
            {
                "project_id": project.project_id,
                "model_name": rng.choice(_MODELS[project.use_case]),
                "model_version": version,
                "site_postal_code": postal_code,
                "went_live_on": went_live,
                "decommissioned_on": project.ended_on if project is completed[0] else None,
                "data_policy": pick(rng, _POLICIES),
                "cloud_baseline_latency_ms": (
                    Decimal(rng.randint(1_200, 4_000)) / 10 if live else None
                ),
                "latency_slo_ms": Decimal(rng.choice((20, 25, 30, 40, 50))),
            }
        )
    rows.sort(key=lambda row: (row["went_live_on"] or SAMPLE_AS_OF, row["project_id"]))
    for number, row in enumerate(rows, start=1):
        row["deployment_id"] = f"DEP-{number:03d}"
    return rows


def _device_counts(rng: random.Random, deployments: list[Row]) -> list[int]:
    counts = [
        rng.randint(1, 4) if row["model_name"] in _VISION_MODELS else rng.randint(2, 8)
        for row in deployments
    ]
    valid_devices = DEVICES - 1
    while sum(counts) != valid_devices:
        index = rng.randrange(len(counts))
        if sum(counts) < valid_devices:
            counts[index] += 1
        elif counts[index] > 1:
            counts[index] -= 1
    return counts


def device_rows(rng: random.Random, deployments: list[Row]) -> list[Row]:
    rows: list[Row] = []
    counts = _device_counts(rng, deployments)
    for deployment, count in zip(deployments, counts, strict=True):
        choices = _VISION_CLASSES if deployment["model_name"] in _VISION_MODELS else _SIGNAL_CLASSES
        main_class = pick(rng, choices)
        interval = rng.choice((10, 15, 20, 30, 60))
        went_live, removed = deployment["went_live_on"], deployment["decommissioned_on"]
        for _ in range(count):
            installed = None
            if isinstance(went_live, dt.date):
                installed = went_live - days(rng.randint(0, 21))
                if rng.random() < 0.15:
                    # Added later, while the deployment ran.
                    running = ((removed or SAMPLE_AS_OF) - went_live).days
                    installed = went_live + days(rng.randint(0, max(0, running - 1)))
            elif rng.random() < 0.5:
                installed = SAMPLE_AS_OF - days(rng.randint(3, 60))
            rows.append(
                {
                    "deployment_id": deployment["deployment_id"],
                    "device_class": main_class if rng.random() < 0.8 else pick(rng, choices),
                    "installed_on": installed,
                    "removed_on": removed,
                    "report_interval_s": interval if rng.random() < 0.95 else None,
                }
            )
    # Every device class occurs: spare devices of larger deployments make up for a missing one.
    present = [row["device_class"] for row in rows]
    spare = [row for row in rows if counts[int(str(row["deployment_id"])[4:]) - 1] > 2]
    for device_class in DEVICE_CLASSES:
        if device_class not in present:
            spare.pop(0)["device_class"] = device_class
    replaceable = [
        row
        for row in rows
        if isinstance(row["installed_on"], dt.date)
        and row["removed_on"] is None
        and row["installed_on"] <= SAMPLE_AS_OF - days(60)
    ]
    for row in rng.sample(replaceable, REPLACED_DEVICES):
        installed = row["installed_on"]
        assert isinstance(installed, dt.date)
        row["removed_on"] = installed + days(rng.randint(20, (SAMPLE_AS_OF - installed).days))
    # The planted device: someone's test board with a class the contract does not know.
    position = next(i for i, row in enumerate(rows) if row["deployment_id"] == "DEP-012")
    planted = {**rows[position], "removed_on": None, "report_interval_s": 30}
    plant(planted, "devices", "device_class", "raspberry")
    rows.insert(position + 1, planted)
    for number, row in enumerate(rows, start=1):
        row["device_id"] = f"DEV-{number:04d}"
    return rows
