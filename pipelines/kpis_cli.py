"""The `kpis` subcommand of `python -m pipelines`: every KPI of the registry for a day, as a table
or as one JSON object (CONTRACT.md section 1: a stable interface that scripts depend on)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from zakid_metrics import kpis
from zakid_metrics.errors import UsageError
from zakid_metrics.i18n import CATALOGS, format_date, format_number, t
from zakid_metrics.kpis.dates import date_bounds
from zakid_metrics.kpis.forecast import FORECAST_FIELDS
from zakid_metrics.reference import load_reference_wages
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import Window, load_window
from zakid_metrics.telemetry_store import telemetry_dir
from zakid_metrics.warehouse import read_snapshot

EXIT_OK = 0
AddCommand = Callable[..., argparse.ArgumentParser]
"""The CLI's add(name, handler, help, data_dir=...) that creates a subcommand."""

TOTAL = "total"
"""The key of a breakdown's total in the `value` object."""
DIMENSION_SEPARATOR = "/"
"""Joins the dimension values of a breakdown row into its key: `G1/personnel/2025`."""
TELEMETRY_WINDOW = dt.timedelta(hours=24)
SHOWN_ROWS = 3
"""Rows of a breakdown without a total that the table shows (the JSON has them all)."""


def today() -> dt.date:
    """Today in the display time zone: the default as-of date and the last day one may ask for."""
    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


def _number(value: Any) -> Any:
    """A figure as JSON has it: Decimal and numpy numbers as numbers, NULL and NaN as null."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json_value(value: Any) -> Any:
    """A forecast field as JSON has it: dates ISO, numbers as numbers."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return _number(value)


def _value(result: kpis.KpiResult) -> Any:
    """A scalar KPI's value; a breakdown's values by row (dimension values joined), its total
    under `total`."""
    if result.breakdown is None:
        return _number(result.value)
    values = {TOTAL: _number(result.value)}
    dimensions = list(result.kpi.dimensions)
    for row in result.breakdown[[*dimensions, "value"]].itertuples(index=False):
        key = DIMENSION_SEPARATOR.join("" if pd.isna(v) else str(v) for v in row[:-1])
        values[key] = _number(row[-1])
    return values


def _progress(result: kpis.KpiResult) -> float | None:
    """The share of the next target (the milestone due on or after the as-of date, else the
    last one) that the value reaches."""
    value = _number(result.value)
    if result.target is None or not result.target.target_value or value is None:
        return None
    return float(value) / result.target.target_value


def _fresh_as_of(result: kpis.KpiResult) -> str | None:
    """The oldest last delivery of the KPI's sources, UTC, ISO 8601; null: never delivered."""
    if result.loaded_at is None:
        return None
    return result.loaded_at.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")


def forecasts(results: Mapping[str, kpis.KpiResult]) -> dict[str, dict[str, Any]]:
    """The `forecast` object per KPI id: FORECAST_FIELDS of its row of jobs_forecast_end."""
    found = results.get(kpis.FORECAST_KPI)
    if found is None or found.breakdown is None or found.breakdown.empty:
        return {}
    frame = found.breakdown
    return {
        row["kpi_id"]: {name: _json_value(row[name]) for name in FORECAST_FIELDS}
        for row in frame.to_dict("records")
    }


def figures(
    results: Mapping[str, kpis.KpiResult], as_of: dt.date, period: tuple[dt.date, dt.date]
) -> dict[str, Any]:
    """The JSON object of `kpis --json` (CONTRACT.md section 1) for computed `results`."""
    forecast = forecasts(results)
    listed = []
    for kpi_id, result in results.items():
        entry: dict[str, Any] = {
            "id": kpi_id,
            "value": _value(result),
            "unit": result.kpi.unit,
            "targets": [
                {"due_on": m.due_on.isoformat(), "value": _number(m.target_value)}
                for m in result.milestones
            ],
            "progress": _progress(result),
            "fresh_as_of": _fresh_as_of(result),
        }
        if kpi_id in forecast:
            entry["forecast"] = forecast[kpi_id]
        listed.append(entry)
    return {
        "as_of": as_of.isoformat(),
        "period_from": period[0].isoformat(),
        "period_to": period[1].isoformat(),
        "kpis": listed,
    }


def _load_telemetry(con: duckdb.DuckDBPyConnection, data_dir: Path, as_of: dt.date) -> None:
    """The 24 hours up to the end of the as-of day, or up to now while that day lasts (the live
    fleet view's 24-hour window), so that the live KPIs have values; nothing without a store."""
    if not telemetry_dir(data_dir).is_dir():
        return
    zone = ZoneInfo(get_settings().timezone)
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), zone)
    if end <= dt.datetime.now(dt.UTC):
        window = Window.between(end - TELEMETRY_WINDOW, end, now=end)
    else:
        window = Window.last(TELEMETRY_WINDOW)
    load_window(con, data_dir, window)


def compute_figures(
    data_dir: Path,
    as_of: dt.date | None = None,
    period: tuple[dt.date, dt.date] | None = None,
) -> dict[str, Any]:
    """Every KPI of the registry on the published warehouse of `data_dir`, as `kpis --json`
    prints it. `as_of` defaults to today, `period` to the funding period.

    UsageError for an as-of date outside the data: before its first day (the earliest event or
    the funding period's start, as the app's date picker) or after today (the data cannot know
    the future); and for a period that ends before it starts.
    """
    day = today()
    with read_snapshot(data_dir) as con:
        bounds = date_bounds(con, day)
        as_of = as_of or day
        latest = max(day, bounds.last)
        if not bounds.earliest_as_of <= as_of <= latest:
            raise UsageError(
                f"The as-of date {as_of} lies outside the data, which speaks about "
                f"{bounds.earliest_as_of} to {latest}.",
                f"Give --as-of between {bounds.earliest_as_of} and {latest} (the data's first "
                "day or the funding start, and today or the latest event).",
            )
        period = period or (bounds.period_start, bounds.period_end)
        if period[0] > period[1]:
            raise UsageError(
                f"The period {period[0]} – {period[1]} ends before it starts.",
                "Give --from before --to.",
            )
        _load_telemetry(con, data_dir, as_of)
        results = kpis.compute_all(
            con, as_of=as_of, period=period, reference_wages=load_reference_wages(data_dir)
        )
    return figures(results, as_of, period)


def _shown(value: Any, unit: str, lang: str) -> str:
    """A figure as the table shows it: `89,4 %`, `9.846.455 €`; a breakdown as its rows."""
    if isinstance(value, dict):
        if value[TOTAL] is not None:
            return _shown(value[TOTAL], unit, lang)
        rows = [f"{key}: {_shown(v, unit, lang)}" for key, v in value.items() if key != TOTAL]
        more = f" · … (+{len(rows) - SHOWN_ROWS})" if len(rows) > SHOWN_ROWS else ""
        return " · ".join(rows[:SHOWN_ROWS]) + more
    if value is None:
        return "–"
    number = value * 100 if unit == "share" else value
    places = 0 if float(number).is_integer() else 2
    text = format_number(number, lang, places)
    key = f"unit_symbol.{unit}"
    return f"{text} {t(key, lang)}" if key in CATALOGS[lang] else text


def print_table(found: Mapping[str, Any], lang: str, table: Callable[..., None]) -> None:
    """The figures as a table in `lang` (the CLI's _print_table draws it)."""
    rows = []
    for entry in found["kpis"]:
        kpi = kpis.KPIS[entry["id"]]
        final = entry["targets"][-1] if entry["targets"] else None
        fresh = entry["fresh_as_of"]
        rows.append(
            (
                kpi.name(lang),
                _shown(entry["value"], entry["unit"], lang),
                "" if final is None else _shown(final["value"], entry["unit"], lang),
                ""
                if entry["progress"] is None
                else f"{format_number(entry['progress'] * 100, lang, 1)} %",
                "" if fresh is None else format_date(dt.date.fromisoformat(fresh[:10]), lang),
            )
        )
    print(
        t(
            "kpis_cli.title",
            lang,
            as_of=format_date(dt.date.fromisoformat(found["as_of"]), lang),
            start=format_date(dt.date.fromisoformat(found["period_from"]), lang),
            end=format_date(dt.date.fromisoformat(found["period_to"]), lang),
        )
    )
    header = ("kpi", "value", "target", "progress", "fresh")
    table(rows, [t(f"kpis_cli.{name}", lang) for name in header])


def add_command(
    add: AddCommand, date: Callable[[str], dt.date], table: Callable[..., None]
) -> None:
    """Register `kpis` on the CLI's parser; `date` parses a date argument, `table` prints."""

    def cmd_kpis(args: argparse.Namespace) -> int:
        if (args.period_from is None) != (args.period_to is None):
            raise UsageError("Give the period with both --from and --to.", "Or leave both out.")
        period = None if args.period_from is None else (args.period_from, args.period_to)
        found = compute_figures(args.data_dir, args.as_of, period)
        if args.json:
            print(json.dumps(found, indent=2, ensure_ascii=False))
        else:
            print_table(found, get_settings().language, table)
        return EXIT_OK

    sub = add(
        "kpis",
        cmd_kpis,
        "Compute every KPI of the registry on the published warehouse for a day.",
    )
    sub.add_argument("--as-of", type=date, help="the day whose state counts (default: today)")
    sub.add_argument(
        "--from", dest="period_from", type=date, help="first day of the period (with --to)"
    )
    sub.add_argument(
        "--to",
        dest="period_to",
        type=date,
        help="last day of the period (default: the funding period)",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object")
