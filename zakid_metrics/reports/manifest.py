"""A report's manifest: what it was made from and of, so anyone can check it years later."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from zakid_metrics.reports import texts
from zakid_metrics.reports.builder import Report

MANIFEST_VERSION = 2
MANIFEST_SUFFIX = ".manifest.json"
# The libraries whose versions decide the figures and the files' bytes.
LIBRARIES = ("duckdb", "pandas", "pydantic", "reportlab", "xlsxwriter")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_manifest(report: Report, outputs: Mapping[str, tuple[str, bytes]]) -> dict[str, Any]:
    """The manifest of `report` and its rendered files, `{"xlsx": (file name, bytes), ...}`."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "report": {
            "kind": report.kind,
            "title": report.title,
            "grant_ids": [g.grant_id for g in report.grants],
            "year": report.year,
            "period": {"from": report.period_from, "to": report.period_to},
            "as_of": report.as_of,
            "rounding": texts.ROUNDING_RULE,
            "rule_basis": [
                {"regime": rules.name, "title": rules.title, "sources": list(rules.sources())}
                for rules in report.regimes
            ],
        },
        "snapshot": {
            "id": report.snapshot.id,
            "run_id": report.snapshot.run_id,
            "published_at": report.snapshot.published_at,
        },
        "load_runs": [
            {
                "run_id": run.run_id,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "status": run.status,
                "triggered_by": run.triggered_by,
            }
            for run in report.load_runs
        ],
        "source_files": [
            {
                "entity": source.entity,
                "run_id": source.run_id,
                "file": source.file,
                "sha256": source.sha256,
                "size_bytes": source.size_bytes,
            }
            for source in report.sources
        ],
        "figures": report.figures_json(),
        "vouchers": {
            "count": report.voucher_count,
            "total_eur": report.voucher_total_eur,
            "eligible_eur": report.voucher_eligible_eur,
        },
        "base_rates": [
            {
                "valid_from": rate.valid_from,
                "rate_percent": rate.rate_percent,
                "source": rate.source,
            }
            for rate in report.base_rates
        ],
        "kpis": [
            {
                "kpi_id": value.kpi_id,
                "as_of": value.as_of,
                "period": None if value.period is None else list(value.period),
                "value": value.value,
            }
            for value in report.kpi_values
        ],
        "libraries": {"python": platform.python_version()}
        | {name: metadata.version(name) for name in LIBRARIES},
        "outputs": {
            kind: {"file": name, "sha256": sha256_hex(data), "size_bytes": len(data)}
            for kind, (name, data) in outputs.items()
        },
    }


def dumps(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as UTF-8 JSON: keys in the order built, money as exact decimal strings."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_value)
    return (text + "\n").encode("utf-8")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")  # stored as UTC without zone
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


@dataclass(frozen=True)
class GeneratedFiles:
    """A report found in a reports folder, as its manifest describes it."""

    manifest: Path
    kind: str
    title: str
    grant_ids: tuple[str, ...]
    year: int | None
    period_from: str
    period_to: str
    as_of: str
    snapshot_id: str
    files: dict[str, Path]  # "xlsx"/"pdf" -> path, only those that exist


def list_generated(folder: Path) -> list[GeneratedFiles]:
    """The reports in `folder` with a readable manifest, by file name; others are left out."""
    found = []
    for path in sorted(Path(folder).glob(f"*{MANIFEST_SUFFIX}")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            report, outputs = manifest["report"], manifest["outputs"]
            files = {
                kind: path.with_name(item["file"])
                for kind, item in outputs.items()
                if path.with_name(item["file"]).exists()
            }
            found.append(
                GeneratedFiles(
                    path,
                    report["kind"],
                    report["title"],
                    tuple(report["grant_ids"]),
                    report["year"],
                    report["period"]["from"],
                    report["period"]["to"],
                    report["as_of"],
                    manifest["snapshot"]["id"],
                    files,
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found
