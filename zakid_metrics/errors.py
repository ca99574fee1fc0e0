"""The ZakidError tree: every error says what happened and what to do next."""

from __future__ import annotations

from typing import Any


class ZakidError(Exception):
    """Base of all expected errors.

    `code` selects the user-facing text in the i18n catalogues (`error.<code>` with `params`);
    `message` and `hint` are the English texts for logs and the command line.
    """

    code = "zakid_error"

    def __init__(self, message: str, hint: str = "", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.params = params

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class FileError(ZakidError):
    """A delivery file cannot be used at all (encoding, missing column, broken XLSX, empty)."""

    code = "file_error"

    def __init__(self, kind: str, message: str, hint: str = "", **params: Any) -> None:
        super().__init__(message, hint, **params)
        self.kind = kind


class UsageError(ZakidError):
    """The command line or a request was called with arguments that do not fit."""

    code = "usage_error"


class WarehouseError(ZakidError):
    """The warehouse is missing, unreadable or of an unknown schema version."""

    code = "warehouse_error"


class LoadInProgressError(ZakidError):
    """Another load run holds the writer lock."""

    code = "load_in_progress"


class OpenDataError(ZakidError):
    """The open-data export is missing, incomplete or does not match its metadata."""

    code = "open_data"


class PublicModeError(ZakidError):
    """Something in the public app tried to read the warehouse, which it must never do."""

    code = "public_mode"


class ExportError(ZakidError):
    """The open-data export cannot be built from the published data."""

    code = "export_error"
