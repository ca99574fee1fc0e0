"""The open-data export in DATA_DIR/public/: its datasets, files and metadata, and its reader.

`python -m pipelines publish` writes the export (pipelines/publish.py); the public dashboard
reads it, and only it (DESIGN.md decision 4). Both sides share the declarations here: which
datasets exist, their columns, the file formats and the DCAT-AP.de metadata vocabulary.
docs/OPEN_DATA.md describes the datasets for their users.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, get_args

import pandas as pd
import pyarrow.parquet as pq

from zakid_metrics.errors import ZakidError

PUBLIC_DIR: Final = "public"
NEXT_DIR: Final = "public.next"
LOCK_FILE: Final = ".publish.lock"
METADATA_FILE: Final = "metadata.json"

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
# A text that a spreadsheet would run as a formula (OWASP: CSV injection) starts with one of these.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
# Dimension value of a margin cell; the same marker as zakid_metrics.disclosure.TOTAL.
TOTAL: Final = "total"
SUPPRESSED: Final = "suppressed"
# How often a reader retries when an export was swapped between reading two of its files.
_READ_ATTEMPTS = 3

ValueType = Literal["int", "float"]


class OpenDataError(ZakidError):
    """The open-data export is missing, incomplete or does not match its metadata."""

    code = "open_data"


class PublicModeError(ZakidError):
    """Something in the public app tried to read the warehouse, which it must never do."""

    code = "public_mode"


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset of the export: its columns in file order and what kind of table it is.

    A protected table has its category columns (`dims`, margins marked `total`), `value` and
    `suppressed`; a list (`dims` empty) is published row by row. `telemetry` datasets are only
    written when the device fleet has reported.
    """

    name: str
    dims: tuple[str, ...]
    value_type: ValueType | None  # None for a list
    list_columns: tuple[str, ...] = ()
    floats: tuple[str, ...] = ()  # list columns holding numbers (the others hold text)
    telemetry: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        if self.value_type is None:
            return self.list_columns
        return (*self.dims, "value", SUPPRESSED)

    def file_name(self, fmt: Format) -> str:
        return f"{self.name}.{fmt}"


DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec("key_figures", ("kpi_id", "unit"), "float"),
    DatasetSpec(
        "targets", (), None, ("kpi_id", "due_on", "target_value"), floats=("target_value",)
    ),
    DatasetSpec("jobs", ("measure", "category", "qualification"), "int"),
    DatasetSpec("companies", ("breakdown", "size_class", "group"), "int"),
    DatasetSpec("companies_named", (), None, ("name", "size_class", "use_cases")),
    DatasetSpec("projects", ("status", "use_case"), "int"),
    DatasetSpec("deployments", ("device_class", "data_policy"), "int"),
    DatasetSpec("sdg_contributions", ("sdg_goal", "verified"), "int"),
    DatasetSpec("sdg_effects", ("measure", "verified"), "float"),
    DatasetSpec("courses", ("measure", "semester"), "int"),
    DatasetSpec("fleet", ("measure",), "float", telemetry=True),
)
DATASET_NAMES: tuple[str, ...] = tuple(spec.name for spec in DATASETS)


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


def escape_formula(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


ExportId = tuple[int, int, int]  # (inode of public/, mtime_ns and size of its metadata)


def export_id(data_dir: Path) -> ExportId | None:
    """The identity of the published export (changes with every publish); None without one."""
    folder = public_dir(data_dir)
    try:
        stat = (folder / METADATA_FILE).stat()
        return (folder.stat().st_ino, stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Export:
    """One consistent export as read: its metadata, every file's bytes and the tables.

    Every file's bytes match the checksum its metadata gives, so all of them come from the
    same publish even when a new export was swapped in while reading.
    """

    metadata: dict[str, Any]
    files: dict[str, bytes]  # by file name, e.g. "jobs.csv"
    tables: dict[str, pd.DataFrame]  # by dataset name, read from the Parquet files

    @property
    def as_of(self) -> str:
        return str(self.metadata["asOf"])

    def table(self, name: str) -> pd.DataFrame | None:
        """The dataset `name`; None when this export does not have it (e.g. no telemetry)."""
        return self.tables.get(name)

    def dataset_metadata(self, name: str) -> dict[str, Any] | None:
        return next((d for d in self.metadata["dataset"] if d["identifier"] == name), None)


def read_export(data_dir: Path) -> Export:
    """The published export of `data_dir`; OpenDataError when there is none or it is broken."""
    folder = public_dir(data_dir)
    problem = ""
    for _ in range(_READ_ATTEMPTS):
        try:
            return _read_once(folder)
        except _SwappedError as swapped:
            problem = str(swapped)
    raise OpenDataError(
        f"The open-data export in {folder} does not match its metadata: {problem}.",
        "Publish it again: python -m pipelines publish",
        path=str(folder),
    )


class _SwappedError(Exception):
    """A file changed between reading the metadata and reading the file."""


def _read_once(folder: Path) -> Export:
    try:
        raw = (folder / METADATA_FILE).read_bytes()
    except FileNotFoundError:
        raise OpenDataError(
            f"There is no open-data export in {folder}.",
            "Publish one from the warehouse: python -m pipelines publish",
            path=str(folder),
        ) from None
    try:
        metadata = json.loads(raw)
        distributions = [
            (d["identifier"], dist["downloadURL"], dist["checksum"]["checksumValue"])
            for d in metadata["dataset"]
            for dist in d["distribution"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise OpenDataError(
            f"The metadata file {folder / METADATA_FILE} is not valid: {error}.",
            "Publish the export again: python -m pipelines publish",
            path=str(folder),
        ) from error
    files: dict[str, bytes] = {METADATA_FILE: raw}
    for _, file_name, checksum in distributions:
        try:
            data = (folder / os.path.basename(file_name)).read_bytes()
        except FileNotFoundError:
            raise _SwappedError(f"{file_name} is missing") from None
        if sha256_hex(data) != checksum:
            raise _SwappedError(f"{file_name} has another checksum")
        files[file_name] = data
    tables = {
        name: _frame(pq.read_table(io.BytesIO(files[file_name])).to_pandas(), dataset(name))
        for name, file_name, _ in distributions
        if file_name.endswith(".parquet")
    }
    return Export(metadata, files, tables)


def _frame(frame: pd.DataFrame, spec: DatasetSpec) -> pd.DataFrame:
    """Nullable column types, so a suppressed count stays an integer column with gaps."""
    for column in spec.floats:
        frame[column] = frame[column].astype("Float64")
    if spec.value_type == "int":
        frame["value"] = frame["value"].astype("Int64")
    elif spec.value_type == "float":
        frame["value"] = frame["value"].astype("Float64")
    return frame
