"""`python -m pipelines export`: the open-data export built, written and swapped into
DATA_DIR/public/ atomically; zakid_metrics.open_data does the work (docs/OPEN_DATA.md)."""

from __future__ import annotations

import datetime as dt
import getpass
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zakid_metrics.audit import audit
from zakid_metrics.disclosure import SUPPRESSED, Rules
from zakid_metrics.files import atomic_write, file_lock, swap_directory
from zakid_metrics.kpis import Kpi
from zakid_metrics.open_data.build import build
from zakid_metrics.open_data.spec import (
    DATASETS,
    FORMATS,
    LOCK_FILE,
    NEXT_DIR,
    PUBLIC_DIR_MODE,
    PUBLIC_FILE_MODE,
    public_dir,
)
from zakid_metrics.open_data.write import render


@dataclass(frozen=True)
class DatasetResult:
    """One written dataset: rows, suppressed cells, files."""

    name: str
    rows: int
    suppressed: int
    files: tuple[str, ...]


@dataclass(frozen=True)
class ExportResult:
    """What `export` wrote and from which snapshot."""

    path: Path
    as_of: dt.date
    run_id: int
    datasets: tuple[DatasetResult, ...]


def export(
    data_dir: Path,
    as_of: dt.date | None = None,
    *,
    by: str | None = None,
    rules: Rules | None = None,
    registry: Mapping[str, Kpi] | None = None,
) -> ExportResult:
    """Build the export and swap it into DATA_DIR/public/ atomically; audited as `export` by
    `by` (default `cli:<os user>`). One export at a time per data directory (a lock); a
    failed one leaves the previous export in place."""
    data_dir = Path(data_dir)
    rules = rules or Rules.from_settings()
    built = build(data_dir, as_of, rules, registry)
    files = render(built, rules)
    target = public_dir(data_dir)
    with file_lock(data_dir / LOCK_FILE):
        building = data_dir / NEXT_DIR
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        building.chmod(PUBLIC_DIR_MODE)  # whatever the process's umask (files.private_by_default)
        try:
            for name, data in files.items():
                atomic_write(building / name, data, PUBLIC_FILE_MODE)
            swap_directory(building, target)
        finally:
            shutil.rmtree(building, ignore_errors=True)  # the new export's leftovers or the old
    audit(
        "export",
        by or f"cli:{_os_user()}",
        data_dir=data_dir,
        target=str(target),
        as_of=built.as_of.isoformat(),
        run_id=built.run_id,
    )
    results = tuple(
        DatasetResult(
            spec.name,
            len(built.tables[spec.name]),
            int(built.tables[spec.name][SUPPRESSED].sum()) if spec.value_type else 0,
            tuple(spec.file_name(fmt) for fmt in FORMATS),
        )
        for spec in DATASETS
        if spec.name in built.tables
    )
    return ExportResult(target, built.as_of, built.run_id, results)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
