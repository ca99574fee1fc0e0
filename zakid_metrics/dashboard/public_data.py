"""Cached reads of the open-data export: the public app's only data, never the warehouse.

One cache for the pages and the open-data route (which runs outside any browser session): the
export is read once per export and process, and read again when a new one is swapped in.
"""

from __future__ import annotations

import threading

from zakid_metrics.open_data.read import Export, ExportId, export_id, read_export
from zakid_metrics.settings import get_settings

_LOCK = threading.Lock()
_READ: dict[str, tuple[ExportId, Export]] = {}  # by data directory


def export() -> Export | None:
    """The published export, read once per export; None while there is none."""
    data_dir = get_settings().data_dir
    identity = export_id(data_dir)
    if identity is None:
        return None
    with _LOCK:
        cached = _READ.get(str(data_dir))
    if cached is not None and cached[0] == identity:
        return cached[1]
    # Read outside the lock; an export swapped in meanwhile has another identity next time.
    found = read_export(data_dir)
    with _LOCK:
        _READ[str(data_dir)] = (identity, found)
    return found
