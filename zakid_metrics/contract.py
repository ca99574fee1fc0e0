"""CONTRACT.md in code: value parsers, row models, option sets, one declaration per entity."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import types
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from zakid_metrics.i18n import format_date, format_number, t

CONTRACT_VERSION = 2
"""The version of CONTRACT.md these declarations implement; a warehouse records the version
its schema was migrated to (`warehouse.migrate`)."""

# --- Closed option sets (Literal type + tuple constant, one name for one thing) -------------

Partner = Literal["UDE", "Fraunhofer IMS", "Krohne", "other"]
PARTNERS: tuple[Partner, ...] = get_args(Partner)
UseCase = Literal[
    "predictive_maintenance",
    "quality_inspection",
    "process_optimization",
    "energy_management",
    "condition_monitoring",
    "logistics",
    "other",
]
USE_CASES: tuple[UseCase, ...] = get_args(UseCase)
ProjectStatus = Literal["inquiry", "feasibility", "pilot", "production", "completed", "cancelled"]
PROJECT_STATUSES: tuple[ProjectStatus, ...] = get_args(ProjectStatus)
JobCategory = Literal["project_related", "external"]
JOB_CATEGORIES: tuple[JobCategory, ...] = get_args(JobCategory)
Qualification = Literal["academic", "vocational", "other", "unknown"]
QUALIFICATIONS: tuple[Qualification, ...] = get_args(Qualification)
DataPolicy = Literal["on_device_only", "aggregates_only", "raw_upload"]
DATA_POLICIES: tuple[DataPolicy, ...] = get_args(DataPolicy)
DeviceClass = Literal[
    "microcontroller", "fpga", "edge_soc", "edge_gpu", "industrial_pc", "smart_sensor"
]
DEVICE_CLASSES: tuple[DeviceClass, ...] = get_args(DeviceClass)
CostCategory = Literal[
    "personnel", "material", "investment", "subcontracting", "travel", "overhead"
]
COST_CATEGORIES: tuple[CostCategory, ...] = get_args(CostCategory)
Regime = Literal["ANBest-P", "ANBest-Gk", "ANBest-P-Kosten", "NKBF"]
REGIMES: tuple[Regime, ...] = get_args(Regime)
Basis = Literal["expenditure", "cost"]
BASES: tuple[Basis, ...] = get_args(Basis)
RevenueKind = Literal["own_funds", "third_party", "project_revenue"]
REVENUE_KINDS: tuple[RevenueKind, ...] = get_args(RevenueKind)
CraftAnnex = Literal["A", "B1", "B2"]
CRAFT_ANNEXES: tuple[CraftAnnex, ...] = get_args(CraftAnnex)
SizeClass = Literal["micro", "small", "medium", "large"]
SIZE_CLASSES: tuple[SizeClass, ...] = get_args(SizeClass)
ReadingStatus = Literal["ok", "degraded", "error"]
READING_STATUSES: tuple[ReadingStatus, ...] = get_args(ReadingStatus)
# The KPI ids are the names of the KPI registry's files (zakid_metrics/kpis/sql/<kpi_id>.sql):
# a new KPI file is a new id, here too. Read from the folder, as the registry sits above the
# contract and is not imported by it.
KPI_SQL_DIR = Path(__file__).with_name("kpis") / "sql"
KPI_IDS: tuple[str, ...] = tuple(sorted(path.stem for path in KPI_SQL_DIR.glob("*.sql")))

DUISBURG_POSTAL_CODES = (47051, 47279)
# The basis of each regime (CONTRACT.md section 2, grants.regime): the one mapping from regime
# to basis; the funding rules per regime (zakid_metrics.funding) take theirs from here.
REGIME_BASIS: dict[Regime, Basis] = {
    "ANBest-P": "expenditure",
    "ANBest-Gk": "expenditure",
    "ANBest-P-Kosten": "cost",
    "NKBF": "cost",
}
# The drawdown window of contract version 1 (grants.drawdown_window), which the idle-funds KPI
# and the reports of version 1 read; cost-basis regimes keep version 1's value until the
# funding rules (zakid_metrics.funding) replace that reading (see docs/DECISIONS.md).
DRAWDOWN_WINDOWS: dict[Regime, str] = {
    "ANBest-P": "6 weeks",
    "ANBest-Gk": "2 months",
    "ANBest-P-Kosten": "6 weeks",
    "NKBF": "6 weeks",
}
# EU SME definition (Recommendation 2003/361/EC): (class, headcount below, turnover <=, balance <=)
SME_CEILINGS: tuple[tuple[SizeClass, int, Decimal, Decimal], ...] = (
    ("micro", 10, Decimal(2_000_000), Decimal(2_000_000)),
    ("small", 50, Decimal(10_000_000), Decimal(10_000_000)),
    ("medium", 250, Decimal(50_000_000), Decimal(43_000_000)),
)
# Art. 3(4) of the Annex to the Recommendation: an enterprise 25 % or more of whose capital or
# voting rights public bodies control is not an SME, whatever its size.
PUBLIC_CONTROL_LIMIT = 0.25
INVENTORY_NET_OVER_EUR = 800
"""Items bought with a grant are listed in the inventory above this net price."""

# --- Value parsers -------------------------------------------------------------------------
# Each raises PydanticCustomError(code, ...): the code selects a plain-language reason
# (`reason.<code>` in the i18n catalogues), the context fills its placeholders.

TRUE_WORDS = frozenset({"true", "wahr", "1", "ja", "j", "yes", "y", "x"})
FALSE_WORDS = frozenset({"false", "falsch", "0", "nein", "n", "no"})
Separator = Literal[",", "."]
_GROUPED = {
    ".": re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$"),
    ",": re.compile(r"^[+-]?\d{1,3}(,\d{3})+$"),
}
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_NUMBER_SPELLING = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.date(1904, 1, 1)
"""Day 0 of the serial dates of a workbook saved with the 1904 date system (old Mac Excel)."""
_CURRENCY = re.compile(r"(€|eur)$", re.IGNORECASE)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+)?")
BIGINT_RANGE = (-(2**63), 2**63 - 1)
"""The values a contract `int` can take: DuckDB's BIGINT."""


def _context(info: ValidationInfo | None, name: str, default: Any) -> Any:
    context = info.context if info is not None else None
    return (context or {}).get(name, default)


def _decimal_separator(info: ValidationInfo | None) -> Separator | None:
    """The cell's decimal convention: one for the file, or one per column (a mapping)."""
    decimal = _context(info, "decimal", ".")
    if isinstance(decimal, Mapping):
        return decimal.get(info.field_name if info is not None else None, ".")
    return decimal


def _number_text(value: Any) -> str:
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    return _CURRENCY.sub("", text)


def separator_evidence(value: Any) -> Separator | None:
    """The decimal separator a text cell's spelling proves, or None if it proves none.

    `1.234,56`, `0,5` and `1.234.567` prove a decimal comma; `1,234.56`, `0.5` and `1,234,567` a
    decimal point; `1.234`, `1234`, typed numbers and text prove nothing.
    """
    if not isinstance(value, str):
        return None
    text = _number_text(value)
    if not _NUMBER_SPELLING.fullmatch(text):
        return None
    if "." in text and "," in text:
        return "," if text.rfind(",") > text.rfind(".") else "."
    if "." not in text and "," not in text:
        return None
    sep: Separator = "," if "," in text else "."
    if _GROUPED[sep].match(text):
        # Several groups show the separator groups thousands; one group proves nothing.
        return ("." if sep == "," else ",") if text.count(sep) > 1 else None
    return sep if text.count(sep) == 1 else None


def decimal_conventions(
    evidence: Mapping[str, Collection[Separator]], default: Separator | None
) -> dict[str, Separator | None]:
    """Each number column's decimal separator, decided by the file's evidence.

    `evidence` holds what each column's cells proved (`separator_evidence`); `default` is what
    the file's delimiter implies (`;` a comma, `,` a point, TAB and XLSX nothing). A column
    follows its own cells; a column whose cells prove nothing follows the rest of the file,
    its other number columns and its delimiter, where they agree. None where the evidence
    conflicts or is missing: `1.234` is then rejected as ambiguous, never read 1000× wrong
    (docs/DECISIONS.md, "Decimal numbers").
    """

    def decide(seen: set[Separator]) -> Separator | None:
        return next(iter(seen)) if len(seen) == 1 else None

    in_file = decide(set().union(*evidence.values(), [default] if default else []))
    return {column: decide(set(seen)) if seen else in_file for column, seen in evidence.items()}


def parse_decimal(value: Any, decimal: Separator | None = ".") -> Decimal:
    """A number from a cell: `1.234,56`, `1,234.56`, `1234.5`, `0,5`, `12 €`, or an Excel number.

    `decimal` is the column's convention (`decimal_conventions`); it only decides the one
    ambiguous spelling, a single separator before one group of three digits (`1.234` is 1234
    with a decimal comma); None rejects that spelling as ambiguous.
    """
    if isinstance(value, bool):
        raise PydanticCustomError("not_a_number", "not a number", {"value": str(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if not number.is_finite():
            raise PydanticCustomError("not_a_number", "not a number", {"value": str(value)})
        return number
    if isinstance(value, Decimal):
        return value
    text = _number_text(value)
    if "." in text and "," in text:
        dec, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        text = text.replace(group, "").replace(dec, ".")
    elif "," in text or "." in text:
        sep = "," if "," in text else "."
        grouped = _GROUPED[sep].match(text)
        if grouped and decimal is None and text.count(sep) == 1:
            raise PydanticCustomError(
                "ambiguous_number",
                "thousands or decimals",
                {"value": str(value), "whole": text.replace(sep, "")},
            )
        if grouped and (sep != decimal or text.count(sep) > 1):
            text = text.replace(sep, "")
        elif text.count(sep) == 1:
            text = text.replace(sep, ".")
    if not _PLAIN_NUMBER.fullmatch(text):
        raise PydanticCustomError("not_a_number", "not a number", {"value": str(value)})
    try:
        return Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("not_a_number", "not a number", {"value": str(value)}) from None


def _out_of_range(value: Any, bound: str) -> PydanticCustomError:
    return PydanticCustomError(
        "out_of_range", "cannot be stored", {"value": str(value), "bound": bound}
    )


def _fixed_point(precision: int, scale: int) -> Callable[[Any, ValidationInfo], Decimal]:
    """The parser of a DECIMAL(precision, scale) column: more decimal places than `scale` or
    more digits than fit before the point reject the cell, so that no value fails the insert."""
    step = Decimal(1).scaleb(-scale)
    limit = Decimal(10) ** (precision - scale)
    bound = f"±{'9' * (precision - scale)}.{'9' * scale}"

    def parse(value: Any, info: ValidationInfo) -> Decimal:
        number = parse_decimal(value, _decimal_separator(info))
        if abs(number) >= limit:
            raise _out_of_range(value, bound)
        rounded = number.quantize(step)
        # Excel stores 1234.56 as a binary float; anything beyond that noise is a real digit.
        if abs(number - rounded) > step / 10_000:
            raise PydanticCustomError(
                "too_many_decimals",
                f"more than {scale} decimal places",
                {"value": str(value), "places": scale},
            )
        return rounded

    return parse


def _parse_float(value: Any, info: ValidationInfo) -> float:
    number = float(parse_decimal(value, _decimal_separator(info)))
    if not math.isfinite(number):
        raise _out_of_range(value, "±1.7976931348623157e308")
    return number


def _parse_int(value: Any, info: ValidationInfo) -> int:
    number = parse_decimal(value, _decimal_separator(info))
    low, high = BIGINT_RANGE
    if not low <= number <= high:
        raise _out_of_range(value, f"{low}..{high}")
    if number != number.to_integral_value():
        raise PydanticCustomError("not_an_integer", "not a whole number", {"value": str(value)})
    return int(number)


def parse_date(value: Any, epoch: dt.date = EXCEL_EPOCH) -> dt.date:
    """A date from a cell: `24.11.2026`, `2026-11-24`, an Excel date cell or an Excel serial.

    `epoch` is day 0 of the workbook's serial dates (EXCEL_EPOCH_1904 for the 1904 system).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            return epoch + dt.timedelta(days=int(value))
        raise PydanticCustomError("not_a_date", "not a date", {"value": str(value)})
    text = str(value).strip()
    german = _GERMAN_DATE.fullmatch(text)
    iso = None if german else _ISO_DATE.fullmatch(text)
    if german:
        day, month, year = (int(part) for part in german.groups())
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise PydanticCustomError("not_a_date", "not a date", {"value": text})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PydanticCustomError("invalid_date", "no such day", {"value": text}) from None


def _parse_date(value: Any, info: ValidationInfo) -> dt.date:
    return parse_date(value, _context(info, "excel_epoch", EXCEL_EPOCH))


def parse_bool(value: Any) -> bool:
    """A boolean from a cell: true/false, wahr/falsch, 1/0, ja/nein, yes/no, x (empty = default)."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if isinstance(value, float) and value in (0.0, 1.0):
        word = str(int(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise PydanticCustomError("not_a_boolean", "not a yes/no value", {"value": str(value)})


def parse_text(value: Any) -> str:
    """Text from a cell; Excel numbers that are really codes (47051, 3.0) lose their `.0`."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _parse_id(value: Any) -> str:
    text = parse_text(value)
    if not text:
        raise PydanticCustomError("missing", "required", {})
    return text


def _option_parser(options: tuple[str, ...]) -> Callable[[Any], str]:
    lookup = {option.lower(): option for option in options}

    def parse(value: Any) -> str:
        text = parse_text(value)
        try:
            return lookup[text.lower()]
        except KeyError:
            raise PydanticCustomError(
                "not_an_option",
                "not one of the allowed values",
                {"value": text, "options": ", ".join(options)},
            ) from None

    return parse


def _partners(value: Any) -> str:
    parse = _option_parser(PARTNERS)
    names = [parse(part) for part in parse_text(value).split(";") if part.strip()]
    if not names:
        raise PydanticCustomError("missing", "required", {})
    return ";".join(dict.fromkeys(names))


@dataclass(frozen=True)
class Sql:
    """The DuckDB column type of a contract type, carried in its Annotated metadata."""

    type: str


Id = Annotated[str, BeforeValidator(_parse_id), Sql("VARCHAR")]
Text = Annotated[str, BeforeValidator(parse_text), Sql("VARCHAR")]
Money = Annotated[Decimal, BeforeValidator(_fixed_point(18, 2)), Sql("DECIMAL(18,2)")]
Rate = Annotated[Decimal, BeforeValidator(_fixed_point(9, 6)), Sql("DECIMAL(9,6)")]
Dec = Annotated[float, BeforeValidator(_parse_float), Sql("DOUBLE")]
Int = Annotated[int, BeforeValidator(_parse_int), Sql("BIGINT")]
Bool = Annotated[bool, BeforeValidator(parse_bool), Sql("BOOLEAN")]
Date = Annotated[dt.date, BeforeValidator(_parse_date), Sql("DATE")]
PostalCode = Annotated[str, BeforeValidator(parse_text), Field(pattern=r"^\d{5}$"), Sql("VARCHAR")]


def Option(options: tuple[str, ...]) -> Any:  # noqa: N802 - used like a type
    """A closed option set, matched case-insensitively and stored in its canonical spelling."""
    return Annotated[str, BeforeValidator(_option_parser(options)), Sql("VARCHAR")]


def rule_error(column: str, code: str, **params: Any) -> PydanticCustomError:
    """A cross-column rule broken: `column` names the cell the user has to fix."""
    return PydanticCustomError(code, code, {"column": column, **params})


# --- Row models ----------------------------------------------------------------------------


class Row(BaseModel):
    """A validated delivery row; contract columns as fields, derived columns as computed fields."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Company(Row):
    company_id: Id
    name: Text
    public_name_consent: Bool = False
    employees: Annotated[Int, Field(ge=0)]
    annual_turnover_eur: Annotated[Money, Field(ge=0)] | None = None
    balance_sheet_eur: Annotated[Money, Field(ge=0)] | None = None
    is_craft: Bool = False
    craft_annex: Option(CRAFT_ANNEXES) | None = None
    is_startup: Bool = False
    founded_on: Date | None = None
    ude_spinoff: Bool = False
    sector_code: Text | None = None
    postal_code: PostalCode
    joined_on: Date
    # Empty: the value stored from the first load that listed the company (FirstValue below).
    baseline_employees: Annotated[Int, Field(ge=0)] | None = None
    group_employees: Dec | None = None
    group_turnover_eur: Money | None = None
    group_balance_sheet_eur: Money | None = None
    public_control_share: Annotated[Dec, Field(ge=0, le=1)] = 0.0

    @model_validator(mode="after")
    def _company_rules(self) -> Company:
        if self.craft_annex is not None and not self.is_craft:
            raise rule_error("craft_annex", "craft_annex_without_craft", value=self.craft_annex)
        if self.group_employees is not None and self.group_employees < self.employees:
            raise rule_error(
                "group_employees",
                "group_employees_below_employees",
                value=_format_bound(self.group_employees),
                employees=self.employees,
            )
        return self

    def _sme_figures(self) -> tuple[float, Decimal | None, Decimal | None]:
        """Headcount, turnover and balance sheet: the group's where given, else the company's."""
        return (
            self.employees if self.group_employees is None else self.group_employees,
            _first_given(self.group_turnover_eur, self.annual_turnover_eur),
            _first_given(self.group_balance_sheet_eur, self.balance_sheet_eur),
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size_class(self) -> Annotated[str, Sql("VARCHAR")]:
        if self.size_class_public_control:
            return "large"
        return size_class(*self._sme_figures())

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size_class_by_headcount_only(self) -> Annotated[bool, Sql("BOOLEAN")]:
        _, turnover, balance = self._sme_figures()
        return turnover is None and balance is None and not self.size_class_public_control

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size_class_from_group(self) -> Annotated[bool, Sql("BOOLEAN")]:
        """The group figures decided the class: the company's own would give another one."""
        own = size_class(self.employees, self.annual_turnover_eur, self.balance_sheet_eur)
        return not self.size_class_public_control and self.size_class != own

    @computed_field  # type: ignore[prop-decorator]
    @property
    def size_class_public_control(self) -> Annotated[bool, Sql("BOOLEAN")]:
        """Large by Art. 3(4): public bodies hold 25 % or more of capital or voting rights."""
        return self.public_control_share >= PUBLIC_CONTROL_LIMIT

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_sme(self) -> Annotated[bool, Sql("BOOLEAN")]:
        return self.size_class != "large"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def in_duisburg(self) -> Annotated[bool, Sql("BOOLEAN")]:
        low, high = DUISBURG_POSTAL_CODES
        return low <= int(self.postal_code) <= high


def _first_given(*values: Decimal | None) -> Decimal | None:
    return next((value for value in values if value is not None), None)


def size_class(
    employees: float, turnover_eur: Decimal | None, balance_sheet_eur: Decimal | None
) -> SizeClass:
    """EU SME size class: headcount below the ceiling and turnover OR balance sheet within it.

    Where both financial figures are missing, the headcount alone decides. The headcount may
    be annual work units (a decimal), as the group figures are.
    """
    for name, max_staff, max_turnover, max_balance in SME_CEILINGS:
        if employees >= max_staff:
            continue
        if turnover_eur is None and balance_sheet_eur is None:
            return name
        if (turnover_eur is not None and turnover_eur <= max_turnover) or (
            balance_sheet_eur is not None and balance_sheet_eur <= max_balance
        ):
            return name
    return "large"


def _not_before(later: dt.date | None, earlier: dt.date | None, column: str, other: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise rule_error(
            column,
            "date_before",
            value=later.isoformat(),
            other=other,
            other_value=earlier,
        )


class Project(Row):
    project_id: Id
    title: Text
    company_id: Id
    partner: Annotated[str, BeforeValidator(_partners), Sql("VARCHAR")]
    use_case: Option(USE_CASES)
    status: Option(PROJECT_STATUSES)
    started_on: Date
    ended_on: Date | None = None
    public_funding_eur: Annotated[Money, Field(ge=0)] = Decimal("0.00")
    own_contribution_eur: Annotated[Money, Field(ge=0)] = Decimal("0.00")
    builds_on_ude_research: Bool = False

    @model_validator(mode="after")
    def _dates_in_order(self) -> Project:
        _not_before(self.ended_on, self.started_on, "ended_on", "started_on")
        return self


class Job(Row):
    job_id: Id
    category: Option(JOB_CATEGORIES)
    company_id: Id | None = None
    project_id: Id | None = None
    created_on: Date
    ended_on: Date | None = None
    fte: Annotated[Dec, Field(gt=0, le=1)]
    annual_gross_salary_eur: Annotated[Money, Field(ge=0)] | None = None
    qualification: Option(QUALIFICATIONS) = "unknown"
    # Empty: the company's postal code, the centre's for project-related jobs (ValueFrom below).
    workplace_postal_code: PostalCode | None = None
    confirmed_on: Date | None = None
    grant_id: Id | None = None

    @model_validator(mode="after")
    def _company_matches_category(self) -> Job:
        if self.category == "external" and self.company_id is None:
            raise rule_error("company_id", "company_required_for_external")
        if self.category == "project_related" and self.company_id is not None:
            raise rule_error("company_id", "company_not_for_project_related", value=self.company_id)
        if self.category == "external" and self.grant_id is not None:
            raise rule_error("grant_id", "grant_not_for_external", value=self.grant_id)
        if self.ended_on is not None and self.ended_on <= self.created_on:
            raise rule_error(
                "ended_on",
                "date_not_after",
                value=self.ended_on.isoformat(),
                other="created_on",
                other_value=self.created_on,
            )
        _not_before(self.confirmed_on, self.created_on, "confirmed_on", "created_on")
        return self


class Deployment(Row):
    deployment_id: Id
    project_id: Id
    model_name: Text
    model_version: Text | None = None
    site_postal_code: PostalCode | None = None
    went_live_on: Date | None = None
    decommissioned_on: Date | None = None
    data_policy: Option(DATA_POLICIES)
    cloud_baseline_latency_ms: Annotated[Dec, Field(gt=0)] | None = None
    latency_slo_ms: Annotated[Dec, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Deployment:
        if self.decommissioned_on is not None and self.went_live_on is None:
            raise rule_error("went_live_on", "decommissioned_without_live")
        _not_before(self.decommissioned_on, self.went_live_on, "decommissioned_on", "went_live_on")
        return self


class Device(Row):
    device_id: Id
    deployment_id: Id
    device_class: Option(DEVICE_CLASSES)
    installed_on: Date | None = None
    removed_on: Date | None = None
    report_interval_s: Annotated[Int, Field(gt=0)] = 60

    @model_validator(mode="after")
    def _dates_in_order(self) -> Device:
        _not_before(self.removed_on, self.installed_on, "removed_on", "installed_on")
        return self


class SdgContribution(Row):
    contribution_id: Id
    project_id: Id
    sdg_goal: Annotated[Int, Field(ge=1, le=17)]
    sdg_target: Text | None = None
    indicator: Text
    value: Dec | None = None
    unit: Text | None = None
    reported_on: Date
    evidence: Text | None = None
    verified: Bool = False

    @model_validator(mode="after")
    def _target_belongs_to_goal(self) -> SdgContribution:
        if self.sdg_target is not None and self.sdg_target.split(".")[0] != str(self.sdg_goal):
            raise rule_error(
                "sdg_target", "sdg_target_goal", value=self.sdg_target, goal=self.sdg_goal
            )
        return self


class Grant(Row):
    grant_id: Id
    recipient: Text
    sub_project: Text
    programme: Text
    regime: Option(REGIMES)
    funding_rate: Annotated[Rate, Field(gt=0, le=1)]
    vat_deductible: Bool = False
    approved_eur: Annotated[Money, Field(gt=0)]
    decided_on: Date
    starts_on: Date
    ends_on: Date

    @model_validator(mode="after")
    def _period_in_order(self) -> Grant:
        if self.ends_on <= self.starts_on:
            raise rule_error(
                "ends_on",
                "date_not_after",
                value=self.ends_on.isoformat(),
                other="starts_on",
                other_value=self.starts_on,
            )
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def basis(self) -> Annotated[str, Sql("VARCHAR")]:
        return REGIME_BASIS[self.regime]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def drawdown_window(self) -> Annotated[str, Sql("VARCHAR")]:
        return DRAWDOWN_WINDOWS[self.regime]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def final_report_due_on(self) -> Annotated[dt.date, Sql("DATE")]:
        return final_report_due(self.ends_on)


def final_report_due(ends_on: dt.date) -> dt.date:
    """Verwendungsnachweis: due the last day of the sixth month after the month of ends_on
    (31.05.2028 → 30.11.2028; 15.05.2028 → 30.11.2028 too)."""
    return add_months(ends_on.replace(day=1), 7) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus calendar months, clamped to the month's last day (31 May + 6 = 30 Nov)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return min(
        day.replace(year=year, month=month, day=1) + dt.timedelta(days=day.day - 1),
        next_month - dt.timedelta(days=1),
    )


class BudgetLine(Row):
    budget_line_id: Id
    grant_id: Id
    category: Option(COST_CATEGORIES)
    year: Annotated[Int, Field(ge=1990, le=2100)]
    planned_eur: Annotated[Money, Field(ge=0)]


class Expenditure(Row):
    expenditure_id: Id
    grant_id: Id
    category: Option(COST_CATEGORIES)
    paid_on: Date
    amount_eur: Money
    vat_eur: Money = Decimal("0.00")
    vendor: Text | None = None
    description: Text
    project_id: Id | None = None

    @model_validator(mode="after")
    def _amounts(self) -> Expenditure:
        if self.amount_eur == 0:
            raise rule_error("amount_eur", "zero_amount", value="0")
        if self.vat_eur * self.amount_eur < 0:
            raise rule_error("vat_eur", "vat_sign", amount=self.amount_eur)
        if abs(self.vat_eur) > abs(self.amount_eur):
            raise rule_error("vat_eur", "vat_over_amount", amount=self.amount_eur)
        return self


class Revenue(Row):
    revenue_id: Id
    grant_id: Id
    kind: Option(REVENUE_KINDS)
    year: Annotated[Int, Field(ge=1990, le=2100)]
    planned_eur: Annotated[Money, Field(ge=0)]
    actual_eur: Annotated[Money, Field(ge=0)] | None = None


class InventoryItem(Row):
    item_id: Id
    grant_id: Id
    expenditure_id: Id
    description: Text
    acquired_on: Date
    net_eur: Annotated[Money, Field(gt=INVENTORY_NET_OVER_EUR)]
    location: Text | None = None


class Disbursement(Row):
    disbursement_id: Id
    grant_id: Id
    requested_on: Date
    received_on: Date | None = None
    amount_eur: Annotated[Money, Field(gt=0)]

    @model_validator(mode="after")
    def _dates_in_order(self) -> Disbursement:
        _not_before(self.received_on, self.requested_on, "received_on", "requested_on")
        return self


class Course(Row):
    course_id: Id
    title: Text
    institution: Text
    semester: Annotated[
        str,
        BeforeValidator(parse_text),
        Field(pattern=r"^(WS \d{4}/\d{2}|SS \d{4})$"),
        Sql("VARCHAR"),
    ]
    ects: Annotated[Dec, Field(ge=0)] | None = None
    enrolled: Annotated[Int, Field(ge=0)]
    completed: Annotated[Int, Field(ge=0)] | None = None
    embedded_ai: Bool = True

    @model_validator(mode="after")
    def _completed_within_enrolled(self) -> Course:
        if self.completed is not None and self.completed > self.enrolled:
            raise rule_error(
                "completed", "completed_over_enrolled", value=self.completed, enrolled=self.enrolled
            )
        if self.semester.startswith("WS "):
            first, second = self.semester[3:].split("/")
            if (int(first) + 1) % 100 != int(second):
                raise rule_error("semester", "semester_years", value=self.semester)
        return self


class Target(Row):
    kpi_id: Option(KPI_IDS)
    due_on: Date
    target_value: Dec


# --- Entity declarations -----------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """`column` names a row of `entity` by its key; empty optional columns name nothing."""

    column: str
    entity: str


@dataclass(frozen=True)
class YearWithinPeriod:
    """`column` (a year) lies within the period of the row that `via` references."""

    column: str
    via: str
    start: str
    end: str


@dataclass(frozen=True)
class SameAs:
    """The row that `column` references has this row's value of `shared` (an inventory item's
    voucher belongs to the item's grant)."""

    column: str
    shared: str


@dataclass(frozen=True)
class FirstValue:
    """An empty `column` keeps the value stored for the row's key; a row stored for the first
    time takes its own `source` (the baseline headcount is the first delivery's headcount)."""

    column: str
    source: str


@dataclass(frozen=True)
class ValueFrom:
    """An empty `column` takes `source` of the row that `via` references; where `via` is empty,
    the setting named `fallback` (a job's workplace: its company's postal code, else the
    centre's)."""

    column: str
    via: str
    source: str
    fallback: str


@dataclass(frozen=True)
class Entity:
    """One contract entity: its model, table (= file prefix), key and references together.

    `defaults` fill empty columns from stored or referenced rows; a load and a migration apply
    them set-wise (`warehouse.fill_defaults`), since one row alone cannot know them.
    """

    name: str
    model: type[Row]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    period_checks: tuple[YearWithinPeriod, ...] = ()
    same_as: tuple[SameAs, ...] = ()
    defaults: tuple[FirstValue | ValueFrom, ...] = ()
    columns: tuple[str, ...] = field(init=False)
    derived: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.model.model_fields))
        object.__setattr__(self, "derived", tuple(self.model.model_computed_fields))

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.model.model_fields.items() if f.is_required())

    def sql_types(self) -> dict[str, str]:
        """Every output column (contract, then derived) with its DuckDB type."""
        types_ = {
            n: _sql_type(f.annotation, f.metadata) for n, f in self.model.model_fields.items()
        }
        for name, computed in self.model.model_computed_fields.items():
            types_[name] = _sql_type(computed.return_type, [])
        return types_


def _sql_type(annotation: Any, metadata: list[Any]) -> str:
    for item in metadata:
        if isinstance(item, Sql):
            return item.type
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return _sql_type(base, list(extra))
    if get_origin(annotation) in (Union, types.UnionType):
        (inner,) = (arg for arg in get_args(annotation) if arg is not type(None))
        return _sql_type(inner, [])
    raise TypeError(f"no Sql(...) type declared for {annotation!r}")


ENTITIES: dict[str, Entity] = {
    e.name: e
    for e in (
        # Dependency order: an entity comes after every entity it references.
        Entity(
            "companies",
            Company,
            ("company_id",),
            defaults=(FirstValue("baseline_employees", "employees"),),
        ),
        Entity("grants", Grant, ("grant_id",)),
        Entity("projects", Project, ("project_id",), (Reference("company_id", "companies"),)),
        Entity(
            "jobs",
            Job,
            ("job_id",),
            (
                Reference("company_id", "companies"),
                Reference("project_id", "projects"),
                Reference("grant_id", "grants"),
            ),
            defaults=(
                ValueFrom(
                    "workplace_postal_code", "company_id", "postal_code", "centre_postal_code"
                ),
            ),
        ),
        Entity(
            "deployments", Deployment, ("deployment_id",), (Reference("project_id", "projects"),)
        ),
        Entity("devices", Device, ("device_id",), (Reference("deployment_id", "deployments"),)),
        Entity(
            "sdg_contributions",
            SdgContribution,
            ("contribution_id",),
            (Reference("project_id", "projects"),),
        ),
        Entity(
            "budget",
            BudgetLine,
            ("budget_line_id",),
            (Reference("grant_id", "grants"),),
            (YearWithinPeriod("year", "grant_id", "starts_on", "ends_on"),),
        ),
        Entity(
            "expenditures",
            Expenditure,
            ("expenditure_id",),
            (Reference("grant_id", "grants"), Reference("project_id", "projects")),
        ),
        Entity(
            "revenues",
            Revenue,
            ("revenue_id",),
            (Reference("grant_id", "grants"),),
            (YearWithinPeriod("year", "grant_id", "starts_on", "ends_on"),),
        ),
        Entity(
            "inventory",
            InventoryItem,
            ("item_id",),
            (Reference("grant_id", "grants"), Reference("expenditure_id", "expenditures")),
            same_as=(SameAs("expenditure_id", "grant_id"),),
        ),
        Entity(
            "disbursements", Disbursement, ("disbursement_id",), (Reference("grant_id", "grants"),)
        ),
        Entity("courses", Course, ("course_id",)),
        Entity("targets", Target, ("kpi_id", "due_on")),
    )
}
TELEMETRY_PREFIX = "telemetry"


def entity_for_file(file_name: str) -> str | None:
    """The entity a delivery file holds, by its name's stem prefix; None for an unknown name."""
    stem = file_name.rsplit(".", 1)[0].strip().lower()
    for name in sorted((*ENTITIES, TELEMETRY_PREFIX), key=len, reverse=True):
        if stem.startswith(name):
            return name
    return None


# --- Validation with plain-language reasons --------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Why one cell of a row was rejected, in both languages."""

    column: str
    value: str | None
    code: str
    reason_en: str
    reason_de: str


@dataclass(frozen=True)
class Localized:
    """A reason parameter that is itself a catalogue text, rendered in each language."""

    key: str


def _localize(value: Any, lang: str) -> Any:
    if isinstance(value, Localized):
        return t(value.key, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, Decimal):  # money: the parameters of the reasons hold no other Decimal
        return format_number(value, lang, 2)
    return value


def problem(column: str, value: Any, code: str, **params: Any) -> Problem:
    """A Problem with its reason rendered from the i18n catalogues."""
    text = None if value is None else parse_text(value)

    def render(lang: str) -> str:
        values = {k: _localize(v, lang) for k, v in params.items()}
        return t(f"reason.{code}", lang, column=column, value=text, **values)

    return Problem(column, text, code, render("en"), render("de"))


_PYDANTIC_CODES = {
    "greater_than": ("must_be_gt", "gt"),
    "greater_than_equal": ("must_be_ge", "ge"),
    "less_than": ("must_be_lt", "lt"),
    "less_than_equal": ("must_be_le", "le"),
    "string_pattern_mismatch": ("bad_pattern", "pattern"),
}


def _problems(error: ValidationError, raw: Mapping[str, Any]) -> list[Problem]:
    found = []
    for item in error.errors():
        ctx = dict(item.get("ctx") or {})
        column = str(item["loc"][0]) if item["loc"] else str(ctx.pop("column", ""))
        # The cell as the user wrote it, where the problem is about one cell of the row.
        cell = raw.get(column)
        value = ctx.pop("value", None) if cell is None else cell
        ctx.pop("value", None)
        code, params = item["type"], ctx
        if code in _PYDANTIC_CODES:
            code, bound = _PYDANTIC_CODES[code]
            params = {"bound": _format_bound(ctx.get(bound))}
            if code == "bad_pattern":
                params = {"pattern_hint": Localized(f"pattern.{column}")}
        elif not code.startswith(tuple(_KNOWN_CODES)):
            code, params = "invalid", {"detail": item["msg"]}
        found.append(problem(column, value, code, **params))
    return found


def _format_bound(bound: Any) -> str:
    return (
        str(int(bound))
        if isinstance(bound, (int, float, Decimal)) and bound == int(bound)
        else str(bound)
    )


_KNOWN_CODES = (
    "missing",
    "not_a_number",
    "ambiguous_number",
    "out_of_range",
    "too_many_decimals",
    "not_an_integer",
    "not_a_date",
    "invalid_date",
    "not_a_boolean",
    "not_an_option",
    "craft_annex_without_craft",
    "date_before",
    "date_not_after",
    "company_required_for_external",
    "company_not_for_project_related",
    "grant_not_for_external",
    "group_employees_below_employees",
    "vat_sign",
    "vat_over_amount",
    "decommissioned_without_live",
    "sdg_target_goal",
    "zero_amount",
    "completed_over_enrolled",
    "semester_years",
)


Conventions = Separator | None | Mapping[str, Separator | None]
"""How a file writes decimals: one separator for all its columns, or one per column."""


def validate_row(
    entity: Entity,
    raw: Mapping[str, Any],
    decimal: Conventions = ".",
    excel_epoch: dt.date = EXCEL_EPOCH,
) -> Row | list[Problem]:
    """The row as its model, or the list of problems that reject it.

    `raw` maps contract column names to cell values; empty cells are None and count as missing.
    `decimal` and `excel_epoch` are the file's conventions (`decimal_conventions`, and day 0 of
    a workbook's serial dates).
    """
    present = {name: value for name, value in raw.items() if value is not None}
    try:
        return entity.model.model_validate(
            present, context={"decimal": decimal, "excel_epoch": excel_epoch}
        )
    except ValidationError as error:
        return _problems(error, raw)


def key_of(
    entity: Entity,
    raw: Mapping[str, Any],
    decimal: Conventions = ".",
    excel_epoch: dt.date = EXCEL_EPOCH,
) -> tuple[Any, ...] | None:
    """The key of a row even when the row itself is invalid; None when a key cell is unusable."""
    values = []
    for column in entity.key:
        adapter = _key_adapter(entity, column)
        value = raw.get(column)
        if value is None:
            return None
        convention = decimal.get(column, ".") if isinstance(decimal, Mapping) else decimal
        try:
            values.append(adapter(value, {"decimal": convention, "excel_epoch": excel_epoch}))
        except (ValidationError, PydanticCustomError):
            return None
    return tuple(values)


@functools.cache
def _key_adapter(entity: Entity, column: str) -> Callable[[Any, dict[str, Any]], Any]:
    """Built on first use, so an entity declared later (a test's, a new contract's) needs none."""
    info = entity.model.model_fields[column]
    adapter = TypeAdapter(Annotated[info.annotation, *info.metadata])
    return lambda value, context: adapter.validate_python(value, context=context)


# --- Telemetry readings (section 3) ----------------------------------------------------------
# Declared once: the collector's per-request validator and the bulk history path's set-wise
# checks are both derived from READING_FIELDS and READING_RULES (pipelines.collector.validation).

ReadingKind = Literal["text", "int", "decimal", "timestamp", "option"]
READING_SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "timestamp": "TIMESTAMPTZ",
    "option": "VARCHAR",
}
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class ReadingField:
    """One field of a reading: its kind, whether it is required, its bounds and its options.

    `default` fills an absent optional field; `default_from` names the `entity.column` of the
    device's registry row that does instead (interval_s defaults to the report interval).
    """

    name: str
    kind: ReadingKind
    required: bool = False
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    options: tuple[str, ...] = ()
    default: str | None = None
    default_from: str | None = None

    @property
    def sql_type(self) -> str:
        return READING_SQL_TYPES[self.kind]


@dataclass(frozen=True)
class RequiredWhenPositive:
    """`field` must be present when `when` is greater than 0."""

    field: str
    when: str


@dataclass(frozen=True)
class NotLessThan:
    """`field` must not be less than `other` where both are present."""

    field: str
    other: str


READING_FIELDS: tuple[ReadingField, ...] = (
    ReadingField("device_id", "text", required=True),
    ReadingField("seq", "int", required=True, ge=0),
    ReadingField("ts", "timestamp", required=True),
    ReadingField("interval_s", "int", gt=0, default_from="devices.report_interval_s"),
    ReadingField("inferences", "int", required=True, ge=0),
    ReadingField("latency_ms_mean", "decimal", ge=0),
    ReadingField("latency_ms_p95", "decimal", ge=0),
    ReadingField("latency_ms_max", "decimal", ge=0),
    ReadingField("energy_mwh", "decimal", ge=0),
    ReadingField("bytes_on_device", "int", ge=0),
    ReadingField("bytes_uplinked", "int", ge=0),
    ReadingField("temperature_c", "decimal", ge=-40, le=150),
    ReadingField("status", "option", options=READING_STATUSES, default="ok"),
    ReadingField("model_version", "text"),
)
READING_RULES: tuple[RequiredWhenPositive | NotLessThan, ...] = (
    RequiredWhenPositive("latency_ms_mean", when="inferences"),
    NotLessThan("latency_ms_p95", other="latency_ms_mean"),
    NotLessThan("latency_ms_max", other="latency_ms_p95"),
)
READING_KEY: tuple[str, ...] = ("device_id", "seq")
READING_MAX_FUTURE = dt.timedelta(minutes=5)
"""A reading's ts may lie at most this far ahead of the receiving clock."""
