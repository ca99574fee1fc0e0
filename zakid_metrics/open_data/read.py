"""The reader of the published export: what the public pages show, and nothing else.

It checks every file against the checksum in metadata.json, so the tables it returns all come
from one export, even when a new one was swapped in while reading.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pyarrow.parquet as pq

from zakid_metrics.errors import OpenDataError
from zakid_metrics.open_data.spec import METADATA_FILE, DatasetSpec, dataset, public_dir, sha256_hex

# How often a reader retries when an export was swapped between reading two of its files.
_READ_ATTEMPTS = 3

ExportId = tuple[int, int, int]  # (inode of public/, mtime_ns and size of its metadata)


def export_id(data_dir: Path) -> ExportId | None:
    """The identity of the published export (changes with every export); None without one."""
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
    same export even when a new one was swapped in while reading.
    """

    metadata: dict[str, Any]
    files: dict[str, bytes]  # by file name, e.g. "jobs.csv"
    tables: dict[str, pd.DataFrame]  # by dataset name, read from the Parquet files

    @property
    def as_of(self) -> str:
        return str(self.metadata["asOf"])

    def table(self, name: str) -> pd.DataFrame | None:
        """The dataset `name` (a copy, the export is shared); None when this export does not
        have it (e.g. no telemetry)."""
        found = self.tables.get(name)
        return None if found is None else found.copy()

    def dataset_metadata(self, name: str) -> dict[str, Any] | None:
        return next((d for d in self.metadata["dataset"] if d["identifier"] == name), None)


def file_of(distribution: dict[str, Any]) -> str:
    """The name of a distribution's file in the export folder: the last part of its
    downloadURL (`https://…/open-data/jobs.csv` → `jobs.csv`)."""
    return PurePosixPath(urlsplit(str(distribution["downloadURL"])).path).name


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
        "Export it again: python -m pipelines export",
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
            "Export one from the warehouse: python -m pipelines export",
            path=str(folder),
        ) from None
    try:
        metadata = json.loads(raw)
        distributions = [
            (d["identifier"], file_of(dist), dist["checksum"]["checksumValue"])
            for d in metadata["dataset"]
            for dist in d["distribution"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise OpenDataError(
            f"The metadata file {folder / METADATA_FILE} is not valid: {error}.",
            "Export it again: python -m pipelines export",
            path=str(folder),
        ) from error
    files: dict[str, bytes] = {METADATA_FILE: raw}
    for _, file_name, checksum in distributions:
        try:
            data = (folder / file_name).read_bytes()
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
