"""The open-data export declared as data: its files, datasets, tables and key figures.

`python -m pipelines export` builds the export from these declarations (build.py), writes it
(write.py), and the public dashboard reads it, and only it (read.py; DESIGN.md decision 4).
docs/OPEN_DATA.md describes the datasets for their users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from zakid_metrics.contract import (
    DATA_POLICIES,
    DEVICE_CLASSES,
    JOB_CATEGORIES,
    PROJECT_STATUSES,
    QUALIFICATIONS,
    SIZE_CLASSES,
    USE_CASES,
)
from zakid_metrics.disclosure import SUPPRESSED, TOTAL
from zakid_metrics.errors import OpenDataError
from zakid_metrics.kpis import Kpi

PUBLIC_DIR: Final = "public"
NEXT_DIR: Final = "public.next"
LOCK_FILE: Final = ".export.lock"
METADATA_FILE: Final = "metadata.json"
# The export is public by definition: readable by the public app's user too.
PUBLIC_FILE_MODE: Final = 0o644
PUBLIC_DIR_MODE: Final = 0o755

LICENSE_NAME: Final = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENSE_ID: Final = "dl-de/by-2-0"
LICENSE_URI: Final = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
LICENSE_TEXT_URL: Final = "https://www.govdata.de/dl-de/by-2-0"
PUBLISHER: Final = "Stadt Duisburg / ZaKI.D"

Format = Literal["csv", "json", "parquet"]
FORMATS: tuple[Format, ...] = get_args(Format)
# Per format: the EU file-type authority URI (DCAT-AP dct:format) and the IANA media type.
FILE_TYPES: dict[Format, tuple[str, str]] = {
    "csv": ("http://publications.europa.eu/resource/authority/file-type/CSV", "text/csv"),
    "json": ("http://publications.europa.eu/resource/authority/file-type/JSON", "application/json"),
    "parquet": (
        "http://publications.europa.eu/resource/authority/file-type/PARQUET",
        "application/vnd.apache.parquet",
    ),
}
MEDIA_TYPE_BASE: Final = "https://www.iana.org/assignments/media-types/"

YES, NO = "yes", "no"
GOALS = tuple(str(goal) for goal in range(1, 18))
NO_DEVICES: Final = "no_devices"  # a live deployment without an installed device
# Company characteristics published by size class, each as a yes/no breakdown of its own.
BREAKDOWNS = (
    ("craft", "is_craft"),
    ("startup", "is_startup"),
    ("ude_spinoff", "ude_spinoff"),
    ("in_duisburg", "in_duisburg"),
)
# SDG indicator units whose sums are published, by the KPI that sums the verified ones.
EFFECTS = (("co2e_avoided_t_per_year", "t CO2e/a"), ("energy_saved_mwh_per_year", "MWh/a"))
# Published figures are rounded: shares and ratios to 4 decimals, amounts to 6.
SHARE_DECIMALS, AMOUNT_DECIMALS = 4, 6
ROUNDED_TO_SHARE_DECIMALS = ("share", "ratio")
# The fleet's public KPIs over the 24 hours before the last reading (the `fleet` dataset).
FLEET_KPIS = ("devices_online", "inferences_24h", "speedup_vs_cloud", "data_kept_on_device_share")
FLEET_WINDOW = dt.timedelta(hours=24)

ValueType = Literal["int", "float"]
# How a table's cells are protected (zakid_metrics.disclosure): `primary` the minimum number
# of units and dominance, `min_units` the minimum only (for tables counting the units
# themselves), `none` for public facts (courses offered); secondary suppression follows both.
Protection = Literal["primary", "min_units", "none"]


@dataclass(frozen=True)
class Table:
    """One protected table: cells over `dims` that count rows (or `distinct` items, or sum
    `value`) of units named by the column `unit`, every category and margin included.

    `categories` declares each dimension's categories in order; others found in the data
    follow, sorted (by the column `order` where given). `part` names the table in its
    dataset's stacking column. `each_a_unit`: every counted person is a unit of their own.
    """

    dims: tuple[str, ...]
    unit: str
    categories: tuple[tuple[str, tuple[str, ...]], ...] = ()
    value: str | None = None
    distinct: str | None = None
    protection: Protection = "primary"
    part: str | None = None
    decimals: int | None = None
    order: str | None = None
    each_a_unit: bool = False

    def declared(self, dim: str) -> tuple[str, ...]:
        return dict(self.categories).get(dim, ())


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the export: its columns in file order and how it is built.

    A protected table has its category columns (`dims`, margins marked `total`), `value` and
    `suppressed`; a list (`value_type` None) is published row by row. A dataset of `tables`
    is built from the source rows of the KPI `source`, its tables stacked under the column
    `stack`. `telemetry` datasets are only written when the device fleet has reported.
    """

    name: str
    dims: tuple[str, ...]
    value_type: ValueType | None  # None for a list
    list_columns: tuple[str, ...] = ()
    floats: tuple[str, ...] = ()  # list columns holding numbers (the others hold text)
    telemetry: bool = False
    source: str | None = None
    tables: tuple[Table, ...] = ()
    stack: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        if self.value_type is None:
            return self.list_columns
        return (*self.dims, "value", SUPPRESSED)

    def file_name(self, fmt: Format) -> str:
        return f"{self.name}.{fmt}"


def _categories(**dims: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(dims.items())


_JOBS = _categories(category=JOB_CATEGORIES, qualification=QUALIFICATIONS)

DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec("key_figures", ("kpi_id", "unit"), "float"),
    DatasetSpec(
        "targets", (), None, ("kpi_id", "due_on", "target_value"), floats=("target_value",)
    ),
    DatasetSpec(
        "jobs",
        ("measure", "category", "qualification"),
        "int",
        source="jobs_by_qualification",
        stack="measure",
        # The unit is the employer: the company, or the centre's own position itself.
        tables=tuple(
            Table(("category", "qualification"), "employer", _JOBS, part=measure)
            for measure in ("created", "existing")
        ),
    ),
    DatasetSpec(
        "companies",
        ("breakdown", "size_class", "group"),
        "int",
        source="companies_engaged",
        stack="breakdown",
        tables=tuple(
            Table(
                ("size_class", "group"),
                "company_id",
                _categories(size_class=SIZE_CLASSES, group=(YES, NO)),
                protection="min_units",
                part=name,
            )
            for name, _ in BREAKDOWNS
        ),
    ),
    DatasetSpec("companies_named", (), None, ("name", "size_class", "use_cases")),
    DatasetSpec(
        "projects",
        ("status", "use_case"),
        "int",
        source="projects_by_status",
        tables=(
            Table(
                ("status", "use_case"),
                "company_id",
                _categories(status=PROJECT_STATUSES, use_case=USE_CASES),
            ),
        ),
    ),
    DatasetSpec(
        "deployments",
        ("device_class", "data_policy"),
        "int",
        source="deployments_live",
        # A deployment counts once per device class it has devices of, once in every total.
        tables=(
            Table(
                ("device_class", "data_policy"),
                "company",
                _categories(device_class=DEVICE_CLASSES, data_policy=DATA_POLICIES),
                distinct="deployment_id",
            ),
        ),
    ),
    DatasetSpec(
        "sdg_contributions",
        ("sdg_goal", "verified"),
        "int",
        source="sdg_contributions",
        tables=(
            Table(
                ("sdg_goal", "verified"),
                "company",
                _categories(sdg_goal=GOALS, verified=(YES, NO)),
            ),
        ),
    ),
    DatasetSpec(
        "sdg_effects",
        ("measure", "verified"),
        "float",
        source="sdg_contributions",
        stack="measure",
        tables=tuple(
            Table(
                ("verified",),
                "company",
                _categories(verified=(YES, NO)),
                value="value",
                part=measure,
                decimals=AMOUNT_DECIMALS,
            )
            for measure, _ in EFFECTS
        ),
    ),
    DatasetSpec(
        "courses",
        ("measure", "semester"),
        "int",
        source="courses_offered",
        stack="measure",
        # Courses are public teaching; students are persons, each a unit of their own.
        tables=(
            Table(("semester",), "course_id", protection="none", part="courses", order="starts"),
            *(
                Table(
                    ("semester",),
                    "course_id",
                    value=measure,
                    protection="min_units",
                    part=measure,
                    order="starts",
                    each_a_unit=True,
                )
                for measure in ("enrolled", "completed")
            ),
        ),
    ),
    DatasetSpec("fleet", ("measure",), "float", telemetry=True),
)
DATASET_NAMES: tuple[str, ...] = tuple(spec.name for spec in DATASETS)


# --- Key figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A cell of a published dataset, by its dimension values."""

    dataset: str
    at: tuple[tuple[str, str], ...]


def cell(dataset_name: str, **at: str) -> Cell:
    return Cell(dataset_name, tuple(at.items()))


# A key figure's value is its KPI's value from the registry; whether it is published is
# decided by its disclosure: the cells it could reveal (suppressed when any of them is), its
# own cell (OWN_CELL) or nothing (PUBLIC, for facts about no company).
OWN_CELL: Final = "own_cell"
PUBLIC: Final = "public"
Disclosure = tuple[Cell, ...] | Literal["own_cell", "public"]

# The cells behind today's key figures, in the order the key_figures dataset lists them.
# A KPI marked `-- open_data: key_figure` that is not listed here needs no entry: it follows
# in id order, protected as its own cell. OWN_CELL: the KPI's source rows, their units the
# companies (`company_id`; a row without one is a unit of its own, e.g. a position of the
# centre), their number the cell's value, both primary rules applied.
DISCLOSURE: dict[str, Disclosure] = {
    "jobs_project_related_created": (
        cell("jobs", measure="created", category="project_related", qualification=TOTAL),
    ),
    "jobs_external_created": (
        cell("jobs", measure="created", category="external", qualification=TOTAL),
    ),
    "jobs_external_existing": (
        cell("jobs", measure="existing", category="external", qualification=TOTAL),
    ),
    "jobs_by_qualification": (
        cell("jobs", measure="created", category=TOTAL, qualification=TOTAL),
    ),
    # Salaries are confidential: k employers behind the salaried jobs, none dominating.
    "jobs_well_paid_share": OWN_CELL,
    # The FTE of the created positions: the same positions as the created-jobs cell.
    "jobs_created_fte": (cell("jobs", measure="created", category=TOTAL, qualification=TOTAL),),
    # Where people work: the positions counted, their units the employers.
    "jobs_in_duisburg_share": OWN_CELL,
    "companies_engaged": (
        cell("companies", breakdown="in_duisburg", size_class=TOTAL, group=TOTAL),
    ),
    # The SME share would reveal the large companies' cell.
    "sme_share": (
        cell("companies", breakdown="in_duisburg", size_class=TOTAL, group=TOTAL),
        cell("companies", breakdown="in_duisburg", size_class="large", group=TOTAL),
    ),
    "crafts_engaged": (cell("companies", breakdown="craft", size_class=TOTAL, group=YES),),
    "startups_engaged": (cell("companies", breakdown="startup", size_class=TOTAL, group=YES),),
    "companies_in_duisburg_share": (
        cell("companies", breakdown="in_duisburg", size_class=TOTAL, group=YES),
        cell("companies", breakdown="in_duisburg", size_class=TOTAL, group=TOTAL),
    ),
    "projects_by_status": (cell("projects", status=TOTAL, use_case=TOTAL),),
    "ude_research_transfer": OWN_CELL,
    "deployments_live": (cell("deployments", device_class=TOTAL, data_policy=TOTAL),),
    "privacy_policy_share": (
        cell("deployments", device_class=TOTAL, data_policy="on_device_only"),
        cell("deployments", device_class=TOTAL, data_policy="aggregates_only"),
        cell("deployments", device_class=TOTAL, data_policy=TOTAL),
    ),
    # Which goals are covered is no company's figure.
    "sdg_goals_covered": PUBLIC,
    "sdg_contributions": (cell("sdg_contributions", sdg_goal=TOTAL, verified=TOTAL),),
    **{measure: (cell("sdg_effects", measure=measure, verified=YES),) for measure, _ in EFFECTS},
    "courses_offered": (cell("courses", measure="courses", semester=TOTAL),),
    "students_enrolled": (cell("courses", measure="enrolled", semester=TOTAL),),
    "students_completed": (cell("courses", measure="completed", semester=TOTAL),),
    **{kpi_id: (cell("fleet", measure=kpi_id),) for kpi_id in FLEET_KPIS},
}


@dataclass(frozen=True)
class KeyFigure:
    """A headline figure of the export: a registry KPI and what decides its publication."""

    kpi: Kpi
    disclosure: Disclosure


def key_figures(registry: Mapping[str, Kpi]) -> tuple[KeyFigure, ...]:
    """The registry's KPIs marked `-- open_data: key_figure`: those of DISCLOSURE in its
    order, then the others by id, each protected as its own cell."""
    marked = sorted(kpi_id for kpi_id, kpi in registry.items() if kpi.open_data == "key_figure")
    position = {kpi_id: n for n, kpi_id in enumerate(DISCLOSURE)}
    ordered = sorted(marked, key=lambda kpi_id: position.get(kpi_id, len(position)))
    return tuple(
        KeyFigure(registry[kpi_id], DISCLOSURE.get(kpi_id, OWN_CELL)) for kpi_id in ordered
    )


def dataset(name: str) -> DatasetSpec:
    """The declaration of dataset `name`."""
    for spec in DATASETS:
        if spec.name == name:
            return spec
    raise OpenDataError(
        f"There is no open-data dataset {name!r}.", f"Use one of {', '.join(DATASET_NAMES)}."
    )


def public_dir(data_dir: Path) -> Path:
    """DATA_DIR/public: the published export."""
    return Path(data_dir) / PUBLIC_DIR


def sha256_hex(data: bytes) -> str:
    """The checksum the catalogue gives for every file (spdx:checksumAlgorithm_sha256)."""
    return hashlib.sha256(data).hexdigest()
