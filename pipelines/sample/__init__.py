"""The bundled sample delivery: deterministic, with real export quirks and a few planted errors.

One module per part of the delivery (companies, projects, grants, expenditures, ...) makes its
rows; formats.py spells them as German Excel, a tool or a workbook would; delivery.py says which
file is which. Columns come from the contract's entity declarations (zakid_metrics.contract).
"""

from pipelines.sample.dates import SAMPLE_AS_OF
from pipelines.sample.delivery import PLANTED_ERRORS, write_sample
from pipelines.sample.planted import PlantedError
from pipelines.sample.telemetry import OFFLINE_STORY, SLOW_STORY, TELEMETRY_END, TELEMETRY_FILE

__all__ = [
    "OFFLINE_STORY",
    "PLANTED_ERRORS",
    "SAMPLE_AS_OF",
    "SLOW_STORY",
    "TELEMETRY_END",
    "TELEMETRY_FILE",
    "PlantedError",
    "write_sample",
]
