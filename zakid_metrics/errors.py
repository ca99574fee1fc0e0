"""The ZakidError tree: every error says what happened and what to do next.

Every expected error of the project is defined here, grouped by the area that raises it, and
carries one of the closed set of codes ERROR_CODES; each code has its German and English text
in the i18n catalogues (`error.<code>` and `error.<code>.hint`, a test checks it).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

ErrorCode = Literal[
    # general
    "zakid_error",
    "usage_error",
    # deliveries and the warehouse
    "file_error",
    "warehouse_error",
    "load_in_progress",
    "upload_error",
    # the KPI registry
    "kpi_definition",
    "unknown_kpi",
    "kpi_parameter",
    "kpi_query",
    "reference_wage_missing",
    # accounts and the audit log
    "auth_error",
    "login_failed",
    "account_locked",
    "account_disabled",
    "password_policy",
    "user_store",
    "audit_error",
    # funder reports
    "report_error",
    "unknown_grant",
    "report_period",
    "report_write",
    "base_rate_missing",
    # disclosure control and open data
    "disclosure_error",
    "open_data",
    "public_mode",
    "export_error",
    # telemetry: devices, the collector and its HTTP answers, the read side
    "unknown_device",
    "no_token",
    "not_durable",
    "request_error",
    "unauthorized",
    "too_large",
    "body_timeout",
    "malformed_body",
    "unsupported_encoding",
    "telemetry_window",
    # running the system
    "collector_unreachable",
    "serve_error",
    # alerts, subscriptions and mail
    "alert_error",
]
ERROR_CODES: tuple[ErrorCode, ...] = get_args(ErrorCode)


class ZakidError(Exception):
    """Base of all expected errors.

    `code` selects the user-facing text in the i18n catalogues (`error.<code>` with `params`);
    `message` and `hint` are the English texts for logs and the command line.
    """

    code: ErrorCode = "zakid_error"

    def __init__(self, message: str, hint: str = "", **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.params = params

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UsageError(ZakidError):
    """The command line or a request was called with arguments that do not fit."""

    code = "usage_error"


# --- Deliveries and the warehouse -------------------------------------------------------------


class FileError(ZakidError):
    """A delivery file cannot be used at all (encoding, missing column, broken XLSX, empty)."""

    code = "file_error"

    def __init__(self, kind: str, message: str, hint: str = "", **params: Any) -> None:
        super().__init__(message, hint, **params)
        self.kind = kind


class WarehouseError(ZakidError):
    """The warehouse is missing, unreadable or of an unknown schema version."""

    code = "warehouse_error"


class LoadInProgressError(ZakidError):
    """Another load run holds the writer lock."""

    code = "load_in_progress"


class UploadError(ZakidError):
    """An uploaded file cannot be stored or loaded (wrong type, load failed to run)."""

    code = "upload_error"


# --- The KPI registry -------------------------------------------------------------------------


class KpiDefinitionError(ZakidError):
    """A KPI file of the registry is malformed (a developer's error, found at import)."""

    code = "kpi_definition"


class UnknownKpiError(ZakidError):
    """A KPI id that the registry does not have."""

    code = "unknown_kpi"


class KpiParameterError(ZakidError):
    """A KPI was asked for with parameters that do not fit (period, wage, unknown name)."""

    code = "kpi_parameter"


class KpiQueryError(ZakidError):
    """A KPI's SQL failed on the warehouse or returned rows of the wrong shape."""

    code = "kpi_query"


class ReferenceWageMissingError(KpiParameterError):
    """A KPI needs the reference wage of a year that the reference data lacks."""

    code = "reference_wage_missing"


# --- Accounts and the audit log ---------------------------------------------------------------


class AuthError(ZakidError):
    """Base of the login and account errors."""

    code = "auth_error"


class LoginFailedError(AuthError):
    """Name or password wrong; deliberately does not say which."""

    code = "login_failed"


class AccountLockedError(AuthError):
    """The login throttle asks to wait: `seconds` until the next try (zakid_metrics.throttle)."""

    code = "account_locked"


class AccountDisabledError(AuthError):
    """The password was right but an administrator disabled the account."""

    code = "account_disabled"


class PasswordPolicyError(AuthError):
    """A new password does not meet the policy."""

    code = "password_policy"


class UserStoreError(AuthError):
    """An account change cannot be made (unknown or existing name, invalid name, broken file)."""

    code = "user_store"


class AuditError(ZakidError):
    """The audit log cannot be written."""

    code = "audit_error"


# --- Funder reports ---------------------------------------------------------------------------


class ReportError(ZakidError):
    """A report cannot be made for what was asked."""

    code = "report_error"


class UnknownGrantError(ReportError):
    """The grant asked for is not in the published snapshot."""

    code = "unknown_grant"


class ReportPeriodError(ReportError):
    """The grant (or the joint project) has no report for the year asked for."""

    code = "report_period"


class ReportWriteError(ZakidError):
    """The report's files cannot be written."""

    code = "report_write"


class BaseRateMissingError(ReportError):
    """A funding figure needs the base rate (Basiszinssatz) of a day the reference data lacks."""

    code = "base_rate_missing"


# --- Disclosure control and open data ---------------------------------------------------------


class DisclosureError(ZakidError):
    """A table handed to disclosure control does not have the expected shape."""

    code = "disclosure_error"


class OpenDataError(ZakidError):
    """The open-data export is missing, incomplete or does not match its metadata."""

    code = "open_data"


class PublicModeError(ZakidError):
    """Something in the public app tried to read the warehouse, which it must never do."""

    code = "public_mode"


class ExportError(ZakidError):
    """The open-data export cannot be built from the published data."""

    code = "export_error"


# --- Telemetry: device tokens, the collector, the read side -----------------------------------


class UnknownDeviceError(ZakidError):
    """A token was asked for a device that the warehouse does not know."""

    code = "unknown_device"


class NoTokenError(ZakidError):
    """A device without an active token was asked to be revoked."""

    code = "no_token"


class NotDurableError(ZakidError):
    """The log could not be written or fsynced: the batch is not acknowledged."""

    code = "not_durable"


class RequestError(ZakidError):
    """A telemetry request the collector refuses; its `code` is the `error` of the JSON answer."""

    code = "request_error"


class UnauthorizedError(RequestError):
    """The request has no valid, active device token."""

    code = "unauthorized"


class BodyTooLargeError(RequestError):
    """The request body is larger than the collector accepts."""

    code = "too_large"


class BodyTimeoutError(RequestError):
    """The request body paused longer than the collector waits."""

    code = "body_timeout"


class MalformedBodyError(RequestError):
    """The request body is neither a JSON array of reading objects nor NDJSON."""

    code = "malformed_body"


class UnsupportedEncodingError(RequestError):
    """The request body comes in a content coding (gzip, ...) the collector does not read."""

    code = "unsupported_encoding"


class TelemetryWindowError(ZakidError):
    """A window that cannot be shown: reversed, too long, or without a time zone."""

    code = "telemetry_window"


# --- Running the system -----------------------------------------------------------------------


class CollectorUnreachableError(ZakidError):
    """The collector refused or dropped the connection; readings are kept and sent later."""

    code = "collector_unreachable"


class ServeError(ZakidError):
    """A part of the system did not come up, or stopped on its own."""

    code = "serve_error"


# --- Alerts, subscriptions and mail -----------------------------------------------------------


class AlertError(ZakidError):
    """A subscription that cannot be made, or an alert store that cannot be read."""

    code = "alert_error"
