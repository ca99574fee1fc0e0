"""The reading contract as running code: a fast per-request validator and set-wise SQL checks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zakid_metrics.contract import (
    INT64_MAX,
    READING_FIELDS,
    READING_RULES,
    NotLessThan,
    Problem,
    ReadingField,
    RequiredWhenPositive,
    parse_text,
    problem,
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in READING_FIELDS)
FIELD_INDEX: dict[str, int] = {name: i for i, name in enumerate(FIELD_NAMES)}
US_PER_S = 1_000_000
US_PER_MINUTE = 60 * US_PER_S
US_PER_DAY = 86_400 * US_PER_S
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_US = dt.timedelta(microseconds=1)
RFC3339 = r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
_RFC3339 = re.compile(RFC3339)


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why a reading is rejected: the first field that breaks the contract and the rule."""

    field: str
    code: str
    value: Any = None
    params: dict[str, Any] = field(default_factory=dict)

    def problem(self) -> Problem:
        """The reason in plain language, English and German (the `reason.<code>` texts)."""
        params = {k: parse_text(v) if isinstance(v, float) else v for k, v in self.params.items()}
        return problem(self.field, self.value, self.code, **params)


class TsWindow:
    """The ts a reading received at `now_us` may have: at most `max_age_days` before and
    `max_future_minutes` after it (settings telemetry_max_age_days, ..._max_future_minutes).

    The past bound keeps a device (or a stolen token) from spreading readings over
    thousands of day partitions; the future bound catches a clock running ahead.
    """

    __slots__ = ("earliest_us", "latest_us", "max_age_days", "max_future_minutes", "now_us")

    def __init__(self, now_us: int, max_age_days: int, max_future_minutes: int) -> None:
        self.now_us = now_us
        self.max_age_days = max_age_days
        self.max_future_minutes = max_future_minutes
        self.earliest_us = now_us - max_age_days * US_PER_DAY
        self.latest_us = now_us + max_future_minutes * US_PER_MINUTE

    def params(self, code: str) -> dict[str, Any]:
        """The parameters of the reason `ts_in_future` or `ts_too_old`."""
        now = format_us(self.now_us)
        if code == "ts_too_old":
            return {"days": self.max_age_days, "now": now}
        return {"minutes": self.max_future_minutes, "now": now}


Validator = Callable[[dict[str, Any], int | None, TsWindow], "tuple[Any, ...] | Invalid"]
"""validate(reading, default interval_s, the acceptable ts) -> the row or Invalid.

The row holds the fields in READING_FIELDS order; ts as microseconds since the epoch (UTC).
"""


def timestamp_us(text: str) -> int | None:
    """Microseconds since the epoch of an RFC 3339 timestamp with offset; None if it is none."""
    if _RFC3339.fullmatch(text) is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:  # RFC 3339 allows a lower-case t and z, which fromisoformat does not
            moment = dt.datetime.fromisoformat(text.upper())
        except ValueError:
            return None
    return (moment - _EPOCH) // _ONE_US


def format_us(us: int) -> str:
    """An RFC 3339 UTC text (`2026-11-24T13:05:00Z`) of microseconds since the epoch."""
    moment = _EPOCH + dt.timedelta(microseconds=us)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else f"{text}Z"


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _field_source(i: int, f: ReadingField) -> list[str]:
    """Python lines that check field `f` of reading `r` and leave its value in `f{i}`."""
    name = repr(f.name)
    if f.required:
        absent = [f"    return Invalid({name}, 'missing')"]
    elif f.default_from:
        absent = ["    v = default_interval"]
    else:
        absent = [f"    v = {f.default!r}"]
    lines = [f"v = get({name})"]
    blank = " or v == ''" if f.kind == "text" else ""
    lines += [f"if v is None{blank}:", *absent, "else:"]
    body: list[str] = []
    if f.kind == "text":
        body += ["if type(v) is not str:", f"    return Invalid({name}, 'not_text', v)"]
    elif f.kind == "int":
        body += [
            "if type(v) is not int:",
            "    if type(v) is float and v.is_integer():",
            "        v = int(v)",
            "    elif type(v) is float:",
            f"        return Invalid({name}, 'not_an_integer', v)",
            "    else:",
            f"        return Invalid({name}, 'not_a_number', v)",
            f"if v > {INT64_MAX}:",
            f"    return Invalid({name}, 'must_be_le', v, {{'bound': '{INT64_MAX}'}})",
        ]
    elif f.kind == "decimal":
        body += [
            "if type(v) is int:",
            "    v = float(v)",
            "elif type(v) is not float or v - v != 0:",
            f"    return Invalid({name}, 'not_a_number', v)",
        ]
    elif f.kind == "timestamp":
        body += [
            "raw = v",
            "v = timestamp_us(v) if type(v) is str else None",
            "if v is None:",
            f"    return Invalid({name}, 'not_a_timestamp', raw)",
            "if v > window.latest_us:",
            f"    return Invalid({name}, 'ts_in_future', raw, window.params('ts_in_future'))",
            "if v < window.earliest_us:",
            f"    return Invalid({name}, 'ts_too_old', raw, window.params('ts_too_old'))",
        ]
    elif f.kind == "option":
        options = ", ".join(f.options)
        body += [
            f"o = OPTIONS_{i}.get(v) if type(v) is str else None",
            "if o is None and type(v) is str:",
            f"    o = OPTIONS_{i}.get(v.lower())",
            "if o is None:",
            f"    return Invalid({name}, 'not_an_option', v, {{'options': {options!r}}})",
            "v = o",
        ]
    for op, bound, code in (
        ("<", f.ge, "must_be_ge"),
        ("<=", f.gt, "must_be_gt"),
        (">", f.le, "must_be_le"),
    ):
        if bound is not None:
            params = f"{{'bound': {_bound(bound)!r}}}"
            body += [f"if v {op} {bound!r}:", f"    return Invalid({name}, '{code}', v, {params})"]
    lines += ["    " + line for line in body]
    return [*lines, f"f{i} = v"]


def _rule_source(rule: RequiredWhenPositive | NotLessThan) -> list[str]:
    a = f"f{FIELD_INDEX[rule.field]}"
    if isinstance(rule, RequiredWhenPositive):
        b = f"f{FIELD_INDEX[rule.when]}"
        params = f"{{'when': {rule.when!r}, 'when_value': {b}}}"
        return [
            f"if {b} is not None and {b} > 0 and {a} is None:",
            f"    return Invalid({rule.field!r}, 'required_when_positive', None, {params})",
        ]
    b = f"f{FIELD_INDEX[rule.other]}"
    params = f"{{'other': {rule.other!r}, 'other_value': {b}}}"
    return [
        f"if {a} is not None and {b} is not None and {a} < {b}:",
        f"    return Invalid({rule.field!r}, 'less_than_field', {a}, {params})",
    ]


def compile_validator() -> Validator:
    """Generate the per-reading validator from READING_FIELDS and READING_RULES.

    Generated straight-line code, because a reading has to pass in a few microseconds (a
    pydantic model per reading costs several times that); the first broken rule is reported.
    """
    lines = ["def validate(r, default_interval, window):", "    get = r.get"]
    for i, f in enumerate(READING_FIELDS):
        lines += ["    " + line for line in _field_source(i, f)]
    for rule in READING_RULES:
        lines += ["    " + line for line in _rule_source(rule)]
    lines.append(f"    return ({', '.join(f'f{i}' for i in range(len(READING_FIELDS)))},)")
    namespace: dict[str, Any] = {"Invalid": Invalid, "timestamp_us": timestamp_us}
    for i, f in enumerate(READING_FIELDS):
        if f.options:
            namespace[f"OPTIONS_{i}"] = {
                **{o: o for o in f.options},
                **{o.lower(): o for o in f.options},
            }
    exec(compile("\n".join(lines), "<reading validator>", "exec"), namespace)
    return namespace["validate"]


validate_reading: Validator = compile_validator()


def reading_checks_sql(
    source: str, keep: tuple[str, ...] = (), typed: frozenset[str] = frozenset()
) -> str:
    """Set-wise validation of readings held as text columns (a history file read as VARCHAR).

    Returns a query over the relation `source` (a trusted table name) with two parameters,
    the latest and the earliest acceptable ts (TsWindow's, TIMESTAMPTZ). Each row gets `_field` and
    `_code` of its first broken rule, in the order of the per-request validator (NULL when
    valid), and every field typed and defaulted as the collector stores it; interval_s stays
    NULL when absent, to be filled from the device's report interval by the caller. The
    columns `keep` of `source` (trusted names, e.g. a line number) come along unchanged.

    The number fields named in `typed` arrive as DOUBLE, from a reader that could cast every
    cell (integers exact, so below 2**53; not as BIGINT, which DuckDB reads `2.5` into as 3);
    only the rules a typed value can still break are checked for them.

    Built in stages, so that each cell is trimmed, cast and looked at once: its text (t_),
    its number (n_), its typed value, then one CASE naming the first broken check.
    """
    texts: list[str] = []
    numbers: list[str] = []
    values: dict[str, str] = {}
    checks: list[tuple[str, str, str]] = []
    for f in READING_FIELDS:
        col, t, n = f'"{f.name}"', f'"t_{f.name}"', f'"n_{f.name}"'
        if f.name in typed and f.kind not in ("int", "decimal"):
            raise ValueError(f"only number fields arrive typed, not {f.name}")
        if f.name in typed:
            texts.append(f"{col} AS {t}")
        else:
            # Trimming allocates: only cells with outer spaces pay for it.
            texts.append(
                f"CASE WHEN {col} LIKE ' %' OR {col} LIKE '% ' THEN NULLIF(trim({col}), '') "
                f"ELSE NULLIF({col}, '') END AS {t}"
            )
        if f.required:
            checks.append((f.name, "missing", f"{t} IS NULL"))
        if f.name in typed:
            checks.append((f.name, "not_a_number", f"NOT isfinite({t})"))
            values[f.name] = t
            if f.kind == "int":
                checks.append((f.name, "not_an_integer", f"{t} <> floor({t})"))
                values[f.name] = f"TRY_CAST({t} AS BIGINT)"
        elif f.kind in ("int", "decimal"):
            numbers.append(f"TRY_CAST({t} AS DOUBLE) AS {n}")
            checks.append(
                (f.name, "not_a_number", f"{t} IS NOT NULL AND ({n} IS NULL OR NOT isfinite({n}))")
            )
            if f.kind == "int":
                checks.append((f.name, "not_an_integer", f"{n} <> floor({n})"))
                # Through DOUBLE for `1e3`, but exact text first: 2**63 - 1 is no double.
                values[f.name] = f"coalesce(TRY_CAST({t} AS BIGINT), TRY_CAST({n} AS BIGINT))"
                checks.append((f.name, "must_be_le", f"{col} IS NULL AND {n} > 0"))
            else:
                values[f.name] = n
        elif f.kind == "timestamp":
            values[f.name] = (
                f"coalesce(TRY_CAST({t} AS TIMESTAMPTZ), TRY_CAST(upper({t}) AS TIMESTAMPTZ))"
            )
            checks.append(
                (
                    f.name,
                    "not_a_timestamp",
                    f"{t} IS NOT NULL AND (NOT regexp_full_match({t}, '{RFC3339}') "
                    f"OR {col} IS NULL)",
                )
            )
            checks.append((f.name, "ts_in_future", f"{col} > $1"))
            checks.append((f.name, "ts_too_old", f"{col} < $2"))
        elif f.kind == "option":
            checks.append((f.name, "not_an_option", f"{t} IS NOT NULL AND {col} IS NULL"))
            exact = " ".join(f"WHEN '{o}' THEN '{o}'" for o in f.options)
            folded = " ".join(f"WHEN '{o.lower()}' THEN '{o}'" for o in f.options)
            values[f.name] = f"CASE {t} {exact} ELSE CASE lower({t}) {folded} END END"
        else:
            values[f.name] = t
        for op, bound, code in (
            ("<", f.ge, "must_be_ge"),
            ("<=", f.gt, "must_be_gt"),
            (">", f.le, "must_be_le"),
        ):
            if bound is not None:
                checks.append((f.name, code, f"{col} {op} {bound!r}"))
    for rule in READING_RULES:
        a = f'"{rule.field}"'
        if isinstance(rule, RequiredWhenPositive):
            b = f'"{rule.when}"'
            checks.append((rule.field, "required_when_positive", f"{b} > 0 AND {a} IS NULL"))
        else:
            checks.append((rule.field, "less_than_field", f'{a} < "{rule.other}"'))
    kept = "".join(f', "{name}"' for name in keep)
    stage1 = f"SELECT {', '.join(texts)}{kept} FROM {source}"
    stage2 = f"SELECT *, {', '.join(numbers)} FROM ({stage1})" if numbers else stage1
    typed_values = ", ".join(f'{sql} AS "{name}"' for name, sql in values.items())
    stage3 = f"SELECT *, {typed_values} FROM ({stage2})"
    first = " ".join(f"WHEN {sql} THEN {i}" for i, (_, _, sql) in enumerate(checks, start=1))
    stage4 = f"SELECT *, CASE {first} END AS _check FROM ({stage3})"
    fields = ", ".join(f"'{name}'" for name, _, _ in checks)
    codes = ", ".join(f"'{code}'" for _, code, _ in checks)
    # Options store their canonical spelling, or the default when the cell is empty.
    defaults = {f.name: f.default for f in READING_FIELDS if f.kind == "option"}
    out = [
        f'coalesce("{name}", \'{defaults[name]}\') AS "{name}"'
        if defaults.get(name) is not None
        else f'"{name}"'
        for name in values
    ]
    return (
        f"SELECT [{fields}][_check] AS _field, [{codes}][_check] AS _code, "
        f"{', '.join(out)}{kept} FROM ({stage4})"
    )
