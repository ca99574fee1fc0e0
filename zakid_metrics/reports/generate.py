"""Make a report's files: build it once, render XLSX and PDF, write them and the manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zakid_metrics.audit import audit
from zakid_metrics.errors import ReportWriteError
from zakid_metrics.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, atomic_write
from zakid_metrics.funding import load_base_rates
from zakid_metrics.reports import manifest as manifests
from zakid_metrics.reports.builder import Report, ReportKind, build_report
from zakid_metrics.reports.pdf import render_pdf
from zakid_metrics.reports.xlsx import render_xlsx
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import read_snapshot

REPORTS_FOLDER = "reports"
STEPS = ("read", "xlsx", "pdf", "write")

Progress = Callable[[int, int, str], None]
"""Called as progress(steps done, steps in all, the step about to run: one of STEPS, or "")."""


@dataclass(frozen=True)
class GeneratedReport:
    """A report written to disk: the report itself and its three files."""

    report: Report
    xlsx: Path
    pdf: Path
    manifest: Path

    @property
    def paths(self) -> tuple[Path, Path, Path]:
        return (self.xlsx, self.pdf, self.manifest)


def reports_dir(data_dir: Path | None = None) -> Path:
    """DATA_DIR/reports: where reports go unless told otherwise."""
    return Path(data_dir or get_settings().data_dir) / REPORTS_FOLDER


def generate_report(
    kind: ReportKind,
    *,
    grant_id: str | None = None,
    year: int | None = None,
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    user: str,
    progress: Progress | None = None,
) -> GeneratedReport:
    """Build the report from the published snapshot in `data_dir` (with the base rates shipped
    and extended in `data_dir/reference/`) and write its files (see `write_report`). The same
    snapshot gives byte-identical files."""
    data_dir = Path(data_dir or get_settings().data_dir)
    if progress is not None:
        progress(0, len(STEPS), STEPS[0])
    rates = load_base_rates(data_dir)
    with read_snapshot(data_dir) as con:
        report = build_report(con, kind, grant_id=grant_id, year=year, rates=rates)
    return write_report(report, data_dir=data_dir, out_dir=out_dir, user=user, progress=progress)


def write_report(
    report: Report,
    *,
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    user: str,
    progress: Progress | None = None,
) -> GeneratedReport:
    """Render `report` and write `<stem>.xlsx`, `.pdf` and `.manifest.json` into `out_dir`
    (default DATA_DIR/reports), each atomically, then audit it in DATA_DIR's audit log.

    `user` is who asked (an account name, or `cli:<os user>` for the command line).
    """
    data_dir = Path(data_dir or get_settings().data_dir)
    out_dir = Path(out_dir) if out_dir is not None else reports_dir(data_dir)

    def step(done: int) -> None:
        if progress is not None:
            progress(done, len(STEPS), STEPS[done] if done < len(STEPS) else "")

    step(1)
    xlsx = render_xlsx(report)
    step(2)
    pdf = render_pdf(report)
    step(3)
    stem = report.file_stem
    rendered = {"xlsx": (f"{stem}.xlsx", xlsx), "pdf": (f"{stem}.pdf", pdf)}
    manifest = manifests.dumps(manifests.build_manifest(report, rendered))
    paths = [
        write_atomic(out_dir / rendered["xlsx"][0], xlsx),
        write_atomic(out_dir / rendered["pdf"][0], pdf),
        # Last: a manifest names files that are complete.
        write_atomic(out_dir / f"{stem}{manifests.MANIFEST_SUFFIX}", manifest),
    ]
    audit(
        "report",
        user,
        data_dir=data_dir,
        kind=report.kind,
        grant_ids=[g.grant_id for g in report.grants],
        year=report.year,
        snapshot=report.snapshot.id,
        files=[path.name for path in paths],
        sha256={name: manifests.sha256_hex(data) for name, data in rendered.values()},
    )
    step(4)
    return GeneratedReport(report, *paths)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` atomically (files.atomic_write); ReportWriteError if it cannot be.

    Readers see the old file or the new one, never a part; a crash leaves at most a hidden
    temporary file.
    """
    try:
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        # Voucher lists with personnel costs: the app's user only, like the warehouse.
        atomic_write(path, data, mode=PRIVATE_FILE_MODE)
    except OSError as error:
        raise ReportWriteError(
            f"Cannot write the report file {path}: {error.strerror}.",
            "Choose a folder you may write to (--out DIR) or free some disk space.",
            path=str(path),
        ) from error
    return path
