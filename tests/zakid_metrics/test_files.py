"""The durable file plumbing: atomic write, locks and the directory swap."""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from zakid_metrics import files
from zakid_metrics.files import (
    atomic_write,
    changing_model,
    file_lock,
    read_model,
    swap_directory,
)


class Counts(BaseModel):
    counts: dict[str, int] = {}


class UnreadableError(Exception):
    def __init__(self, path: Path, error: Exception) -> None:
        super().__init__(path.name, type(error).__name__)


def test_a_model_file_is_empty_before_the_first_change_and_written_back_after_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "counts.json"
    assert read_model(path, Counts, UnreadableError) == Counts()
    with changing_model(path, Counts, UnreadableError, ".counts.lock") as stored:
        stored.counts["jobs"] = 3
    with changing_model(path, Counts, UnreadableError, ".counts.lock") as stored:
        stored.counts["straße"] = 1
    assert (
        path.read_text(encoding="utf-8")
        == '{\n  "counts": {\n    "jobs": 3,\n    "straße": 1\n  }\n}\n'
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [".counts.lock", "counts.json"]


def test_a_change_that_fails_leaves_the_model_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "counts.json"
    path.write_text('{"counts": {"jobs": 3}}')
    with pytest.raises(KeyError), changing_model(path, Counts, UnreadableError, ".lock") as stored:
        stored.counts["jobs"] = 4
        raise KeyError("jobs")
    assert path.read_text() == '{"counts": {"jobs": 3}}'


@pytest.mark.parametrize(
    ("content", "error"),
    [('{"counts": {"jobs": "drei"}}', "ValidationError"), (None, "IsADirectoryError")],
)
def test_a_model_file_that_cannot_be_read_raises_the_callers_error(
    tmp_path: Path, content: str | None, error: str
) -> None:
    path = tmp_path / "counts.json"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content)
    with pytest.raises(UnreadableError) as raised:
        read_model(path, Counts, UnreadableError)
    assert raised.value.args == ("counts.json", error)
    assert isinstance(raised.value.__cause__, (ValidationError, IsADirectoryError))


def test_atomic_write_replaces_content_with_private_mode(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_atomic_writes_of_one_file_from_two_threads_do_not_share_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app sessions may write the same report at once: each write has its own temporary."""
    target = tmp_path / "report.pdf"
    real_replace = os.replace

    def replace_after_another_write(source: str, destination: str) -> None:
        monkeypatch.setattr(files.os, "replace", real_replace)
        atomic_write(target, b"other session", mode=0o640)  # runs between write and rename
        real_replace(source, destination)

    monkeypatch.setattr(files.os, "replace", replace_after_another_write)
    atomic_write(target, b"this session", mode=0o640)
    assert target.read_bytes() == b"this session"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf"]


def _hold(path: str, ready, release) -> None:  # type: ignore[no-untyped-def]
    with file_lock(Path(path)):
        ready.set()
        release.wait(30)


def test_exclusive_lock_times_out_while_another_process_holds_it(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(lock), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(TimeoutError, match="stayed locked"), file_lock(lock, timeout_s=0.2):
            pass
        with (
            pytest.raises(KeyError),
            file_lock(lock, timeout_s=0.2, on_timeout=lambda: KeyError("x")),
        ):
            pass
    finally:
        release.set()
        holder.join(30)
    with file_lock(lock, timeout_s=5):
        pass


def test_shared_locks_admit_each_other(tmp_path: Path) -> None:
    lock = tmp_path / ".lock"
    with file_lock(lock, exclusive=False), file_lock(lock, exclusive=False, timeout_s=0.2):
        pass


def test_swap_directory_exchanges_and_keeps_the_old_one(tmp_path: Path) -> None:
    target, building = tmp_path / "public", tmp_path / "public.next"
    building.mkdir()
    (building / "a.csv").write_text("first")
    swap_directory(building, target)
    assert (target / "a.csv").read_text() == "first" and not building.exists()
    building.mkdir()
    (building / "a.csv").write_text("second")
    swap_directory(building, target)
    assert (target / "a.csv").read_text() == "second"
    assert (building / "a.csv").read_text() == "first"
