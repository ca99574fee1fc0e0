"""Delivery files uploaded in the app: kept in a folder of their own and loaded by the CLI.

The dashboard never imports the pipelines (DESIGN.md): the load runs as its own process,
`python -m pipelines ingest DIR --data-dir DATA_DIR --json`, exactly as the department's
scripts run it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zakid_metrics.errors import UploadError
from zakid_metrics.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, atomic_write
from zakid_metrics.i18n import t
from zakid_metrics.settings import PROJECT_ROOT

MAX_UPLOAD_MB = 50
SUFFIXES = (".csv", ".xlsx")
# load_runs.triggered_by of a load started by an upload: `upload:<user name>`; the command
# line's own loads say `cli`.
TRIGGER_PREFIX = "upload:"
CLI_TRIGGER = "cli"
UPLOADS_DIR = "uploads"
INGEST_TIMEOUT_S = 600
POLL_S = 0.25
_UNSAFE = re.compile(r"[^\w.-]+")  # \w keeps letters of any script (Ä, ß), digits and _
MAX_STEM = 100


def safe_name(name: str) -> str:
    """`name` as a plain file name that cannot leave its folder: no path, no hidden file.

    Keeps the entity prefix readable (`Jobs 2026-11.xlsx` → `Jobs_2026-11.xlsx`); UploadError
    for a type other than .csv or .xlsx.
    """
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}"
    if not dot or suffix not in SUFFIXES:
        raise UploadError(
            f"{name}: only .csv and .xlsx files can be loaded.",
            "Save the file as CSV UTF-8 or as an Excel workbook (*.xlsx) and upload it again.",
            file=name,
        )
    stem = _UNSAFE.sub("_", stem).strip("._")[:MAX_STEM] or "upload"
    return stem + suffix


def store(files: Sequence[tuple[str, bytes]], data_dir: Path, now: dt.datetime) -> Path:
    """Write the uploaded (name, content) pairs into a new folder DATA_DIR/uploads/<time>/."""
    root = Path(data_dir) / UPLOADS_DIR
    stamp = now.strftime("%Y-%m-%d_%H-%M-%S")
    folder, number = root / stamp, 1
    while folder.exists():
        number += 1
        folder = root / f"{stamp}_{number}"
    names = [safe_name(name) for name, _ in files]
    root.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    folder.mkdir(mode=PRIVATE_DIR_MODE)
    used: set[str] = set()
    for name, (_, content) in zip(names, files, strict=True):
        stem, suffix = name.rsplit(".", 1)
        unique, count = name, 1
        while unique.lower() in used:
            count += 1
            unique = f"{stem}_{count}.{suffix}"
        used.add(unique.lower())
        atomic_write(folder / unique, content, PRIVATE_FILE_MODE)
    return folder


@dataclass(frozen=True)
class IngestOutcome:
    """What the load process said: its exit code, its JSON report, and its error text."""

    exit_code: int
    report: dict[str, Any] | None  # the CLI's --json object; None when it printed none
    message: str  # standard error, e.g. "error: Another load ... is running"


def trigger_label(triggered_by: str, lang: str) -> str:
    """Who started a load, in words: `Upload in der App: anna`, `Kommandozeile`."""
    if triggered_by.startswith(TRIGGER_PREFIX):
        return t("trigger.upload", lang, name=triggered_by.removeprefix(TRIGGER_PREFIX))
    if triggered_by == CLI_TRIGGER:
        return t("trigger.cli", lang)
    return triggered_by


def run_ingest(
    folder: Path,
    data_dir: Path,
    *,
    user: str,
    on_wait: Callable[[float], None] | None = None,
    timeout_s: float = INGEST_TIMEOUT_S,
    allow_empty: Sequence[str] = (),
) -> IngestOutcome:
    """Load `folder` into `data_dir` by the CLI in a subprocess, recorded as started by `user`,
    calling `on_wait(seconds)`.

    `allow_empty` names the entities whose file without rows the user confirmed: it deletes
    all of their rows (the CLI's --allow-empty).
    """
    command = [sys.executable, "-m", "pipelines", "ingest", str(folder)]
    command += ["--data-dir", str(data_dir), "--json", "--triggered-by", TRIGGER_PREFIX + user]
    for entity in allow_empty:
        command += ["--allow-empty", entity]
    started = time.monotonic()
    # Files, not pipes: a pipe that nobody reads while the process runs could fill and block it.
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=out, stderr=err, text=True) as process,
    ):
        while process.poll() is None:
            waited = time.monotonic() - started
            if waited > timeout_s:
                process.kill()
                process.wait()
                raise UploadError(
                    f"The load of {folder.name} did not finish within {timeout_s:.0f} s.",
                    "Load the folder on the command line to see where it stops: "
                    f"python -m pipelines ingest {folder}",
                    seconds=int(timeout_s),
                )
            if on_wait is not None:
                on_wait(waited)
            time.sleep(POLL_S)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        report = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        report = None
    return IngestOutcome(process.returncode, report, _without_traceback(stderr.strip()))


def _without_traceback(message: str) -> str:
    """A crash's last line only: the page never shows a traceback with server paths."""
    if "Traceback (most recent call last)" not in message:
        return message
    return message.splitlines()[-1]
