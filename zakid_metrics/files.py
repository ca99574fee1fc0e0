"""File plumbing, the one copy of each: fsync, atomic write, file locks, directory swap, zips,
and the JSON files of a pydantic model that processes change under a lock.

Every module that must survive a crash or share a file with another process uses these, so the
crash story (write a temporary file, fsync it, rename it, fsync the folder) is told once.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)

# Private data (warehouse, uploads, accounts, tokens, logs) is readable by its owner only.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
PRIVATE_UMASK = 0o077

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_POLL_S = 0.05
# Zip entries get a fixed time and are stored, not deflated: deflated bytes depend on the
# zlib build (zlib-ng differs), so only stored entries are the same on every machine.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def private_by_default() -> None:
    """Make whatever this process creates from now on its owner's only (umask 077): files
    0600, folders 0700, whichever code creates them (DuckDB, pyarrow, a temporary file). The
    entry points (the CLI, the app's server) call it first; what is meant to be public (the
    open-data export) sets its modes explicitly."""
    os.umask(PRIVATE_UMASK)


def fsync_path(path: Path) -> None:
    """fsync a file or a folder by name (a folder's fsync makes renames inside it durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_fd(fd: int, data_only: bool = False) -> None:
    """fsync a file already open as `fd`; `data_only` syncs its data and size but not times
    (fdatasync): enough for an append-only log, and cheaper on its hot path."""
    if data_only:
        os.fdatasync(fd)
    else:
        os.fsync(fd)


def atomic_write(path: Path, data: bytes, mode: int = PRIVATE_FILE_MODE) -> None:
    """Replace `path` by `data` so that a reader or a crash sees the old or the new bytes only.

    The bytes go to a temporary file of its own beside `path` (two threads writing the same
    file never share one), which gets `mode`, is fsynced, renamed over `path`, and the folder
    fsynced. The temporary file is private (0600) from its creation on.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def replace_durably(source: Path, target: Path) -> None:
    """Rename a finished, closed file over `target` durably (fsync the file, rename, fsync dir)."""
    fsync_path(source)
    os.replace(source, target)
    fsync_path(Path(target).parent)


@contextmanager
def file_lock(
    path: Path,
    exclusive: bool = True,
    timeout_s: float | None = None,
    on_timeout: Callable[[], BaseException] | None = None,
) -> Iterator[None]:
    """Hold an advisory `flock` on `path` (created when missing) for the block.

    Shared locks (`exclusive=False`) admit each other and exclude an exclusive one. Without
    `timeout_s` the call waits as long as it takes; with it, `on_timeout()` is raised when the
    lock is not had by then (TimeoutError by default).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    operation = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
    with open(path, "a+") as handle:
        if timeout_s is None:
            fcntl.flock(handle, operation)
        else:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    fcntl.flock(handle, operation | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise (on_timeout or _lock_timeout(path, timeout_s))() from None
                    time.sleep(_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_timeout(path: Path, timeout_s: float) -> Callable[[], BaseException]:
    return lambda: TimeoutError(f"{path} stayed locked for over {timeout_s:.0f} s")


def read_model(
    path: Path, model: type[Model], unreadable: Callable[[Path, Exception], BaseException]
) -> Model:
    """The `model` stored at `path` as JSON, an empty one while there is no file; a file that
    cannot be read or is no valid `model` raises `unreadable(path, error)`."""
    try:
        return model.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return model()
    except (ValidationError, OSError) as error:
        raise unreadable(path, error) from error


def write_model(path: Path, stored: BaseModel) -> None:
    """`stored` as indented JSON at `path`, written atomically and private to its owner."""
    text = json.dumps(stored.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    atomic_write(path, text.encode("utf-8"), PRIVATE_FILE_MODE)


@contextmanager
def changing_model(
    path: Path,
    model: type[Model],
    unreadable: Callable[[Path, Exception], BaseException],
    lock: str,
    timeout_s: float | None = None,
) -> Iterator[Model]:
    """The `model` at `path` (read_model) to change under an exclusive lock on the file `lock`
    beside it, so that two processes never lose one's change; written back when the block
    succeeds (an error raised inside changes nothing)."""
    with file_lock(path.parent / lock, timeout_s=timeout_s):
        stored = read_model(path, model, unreadable)
        yield stored
        write_model(path, stored)


def swap_directory(building: Path, target: Path) -> None:
    """Make the folder `building` the published `target`; afterwards `building` holds the old one.

    Linux exchanges the two folders in one step (renameat2 RENAME_EXCHANGE), so a reader finds
    either the old or the new content at `target`, never none. Where the file system cannot
    exchange, the old one is moved aside first: a reader may then find nothing for an instant,
    but never a half-written folder. The parent folder is fsynced afterwards.
    """
    building, target = Path(building), Path(target)
    if not target.exists():
        os.rename(building, target)
    elif not _exchange(building, target):
        aside = building.with_name(building.name + ".old")
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(target, aside)
        os.rename(building, target)
        os.rename(aside, building)
    fsync_path(target.parent)


def _exchange(first: Path, second: Path) -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def normalised_zip(data: bytes) -> bytes:
    """The same archive with stored entries and fixed metadata, identical on every machine."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target,
    ):
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, ZIP_EPOCH)
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(member))
    return out.getvalue()
