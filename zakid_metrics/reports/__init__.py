"""Funder reports (BAFA): interim and final reports per grant and the joint-project summary."""

from zakid_metrics.reports.builder import (
    REPORT_KINDS,
    Report,
    ReportChoices,
    ReportKind,
    build_report,
    last_completed_year,
    report_choices,
)
from zakid_metrics.reports.generate import (
    GeneratedReport,
    generate_report,
    reports_dir,
    write_report,
)
from zakid_metrics.reports.manifest import GeneratedFiles, list_generated

__all__ = [
    "REPORT_KINDS",
    "GeneratedFiles",
    "GeneratedReport",
    "Report",
    "ReportChoices",
    "ReportKind",
    "build_report",
    "generate_report",
    "last_completed_year",
    "list_generated",
    "report_choices",
    "reports_dir",
    "write_report",
]
