"""Alert rules, declared once: what is watched, who may hear of it, and what a mail says.

One `Rule` per thing to watch (RULES): its id, the least role that may receive it (a viewer
gets no funding amounts or interest), its condition and its German and English texts. A
condition reads `Facts`, the figures of one moment as the KPI registry and the funding rules
computed them (DESIGN.md decision 7: no rule computes a figure a second way), and returns the
occurrences it sees: each has a stable key and a level, and a rise of the level is a new
occurrence (a reminder's next stage, a forecast status getting worse, more rejected rows).
A condition returns None when its figures cannot be computed at the moment (no telemetry, a
missing base rate): then nothing of that rule changes. Telemetry is read through the rollups
(zakid_metrics.telemetry), never raw history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from zakid_metrics import kpis
from zakid_metrics.auth import Role
from zakid_metrics.i18n import format_date, format_datetime, format_number, format_value, t
from zakid_metrics.kpis import KpiResult
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import DEVICES_SQL, Window, load_window
from zakid_metrics.warehouse import freshness

# How a parameter of a text is shown in the recipient's language.
ParamKind = Literal["text", "number", "date", "datetime", "eur", "share", "ms", "term", "kpi"]
PARAM_KINDS: tuple[ParamKind, ...] = get_args(ParamKind)
Param = tuple[ParamKind, Any]

REMINDER_DAYS = (30, 14, 7)
"""A report due is reminded of 30, 14 and 7 days before: levels 1, 2, 3."""
FORECAST_LEVELS = {"at_risk": 1, "off_track": 2}
TELEMETRY_WINDOW = "1h"
"""The window whose latency the SLO rule judges and whose end counts for devices offline."""
# The KPIs the rules read from the published snapshot, computed in one compute_all.
SNAPSHOT_KPIS = ("reports_due", "idle_funds", "budget_line_deviation", "jobs_forecast_end")


@dataclass(frozen=True)
class Facts:
    """The figures the rules judge, of one moment."""

    as_of: dt.date  # today in the configured time zone
    kpis: Mapping[str, KpiResult]  # SNAPSHOT_KPIS
    entities: tuple[tuple[str, int | None, dt.date | None], ...]  # entity, age in days, loaded on
    snapshot_run: int | None  # the load run the published snapshot comes from
    rejected_rows: int | None  # rows that run rejected (the data-quality page's figure)
    devices: pd.DataFrame | None  # the fleet (telemetry.DEVICES_SQL); None without telemetry
    moment: dt.datetime | None  # the telemetry window's moment (aware UTC)
    slo: pd.DataFrame | None  # KPI slo_breaches' rows (its drill-down); None without telemetry


@dataclass(frozen=True)
class Occurrence:
    """One thing a rule sees: `key` is stable while it lasts; a higher `level` is new."""

    rule: str
    key: str
    level: int
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.key}"


Condition = Callable[[Facts], list[Occurrence] | None]


@dataclass(frozen=True)
class Rule:
    """One alert: who may receive it, when it fires and what its mails say."""

    id: str
    role: Role  # the least role that may receive it
    name_de: str
    name_en: str
    condition: Condition
    subject_de: str
    subject_en: str
    body_de: str
    body_en: str
    resolved_subject_de: str
    resolved_subject_en: str
    resolved_body_de: str
    resolved_body_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_de

    def texts(self, lang: str, resolved: bool) -> tuple[str, str]:
        """(subject, body) templates in `lang`, of the firing or of the resolved mail."""
        en = lang == "en"
        if resolved:
            return (
                self.resolved_subject_en if en else self.resolved_subject_de,
                self.resolved_body_en if en else self.resolved_body_de,
            )
        return (self.subject_en if en else self.subject_de, self.body_en if en else self.body_de)


# --- Reading the facts ----------------------------------------------------------------------


def read_facts(con: duckdb.DuckDBPyConnection, data_dir: Path, now: dt.datetime) -> Facts:
    """The facts of `now` (aware) on a read-only connection to the published snapshot
    (warehouse.read_snapshot), with the telemetry store of `data_dir` read through its rollups."""
    zone = ZoneInfo(get_settings().timezone)
    as_of = now.astimezone(zone).date()
    results = dict(kpis.compute_all(con, as_of=as_of, kpi_ids=SNAPSHOT_KPIS))
    entities = tuple(
        (entity, None if loaded is None else (as_of - loaded).days, loaded)
        for entity, loaded in (
            (entity, None if at is None else at.replace(tzinfo=dt.UTC).astimezone(zone).date())
            for entity, at in con.execute(
                "SELECT entity, last_loaded_at FROM entity_status ORDER BY entity"
            ).fetchall()
        )
    )
    run = con.execute(
        "SELECT run_id, rows_rejected FROM published_snapshot() JOIN load_runs USING (run_id)"
    ).fetchall()
    # The fleet of the window (telemetry.DEVICES_SQL) and the SLO KPI, through the rollups.
    con.execute("SET TimeZone = 'UTC'")
    loaded = load_window(con, data_dir, Window.named(TELEMETRY_WINDOW, now))
    devices = slo = None
    if loaded.has_telemetry:
        ((moment_date,),) = con.execute("SELECT moment_date FROM telemetry_window").fetchall()
        devices = con.execute(DEVICES_SQL).df()
        slo = kpis.source_rows(con, "slo_breaches", as_of=moment_date)
    return Facts(
        as_of=as_of,
        kpis=results,
        entities=entities,
        snapshot_run=run[0][0] if run else None,
        rejected_rows=run[0][1] if run else None,
        devices=devices,
        moment=loaded.window.moment if loaded.has_telemetry else None,
        slo=slo,
    )


# --- Conditions -----------------------------------------------------------------------------


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """The rows of `frame` as dicts, missing values as None (column by column: fast)."""
    if frame is None or frame.empty:
        return []
    columns = list(frame.columns)
    values = [
        [None if not isinstance(v, str) and pd.isna(v) else v for v in frame[c].tolist()]
        for c in columns
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _rows(result: KpiResult) -> list[dict[str, Any]]:
    return _records(result.breakdown)


def _day(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def report_due(facts: Facts) -> list[Occurrence]:
    """Each grant's interim and final reports (KPI reports_due) 30, 14 and 7 days ahead."""
    found = []
    for row in _rows(facts.kpis["reports_due"]):
        days = int(row["value"])
        level = sum(days <= limit for limit in REMINDER_DAYS)
        if level:
            found.append(
                Occurrence(
                    "report_due",
                    f"{row['grant_id']}:{row['report_type']}:{_day(row['period_to'])}",
                    level,
                    {
                        "grant_id": ("text", row["grant_id"]),
                        "report": ("term", f"report_type.{row['report_type']}"),
                        "period_from": ("date", _day(row["period_from"])),
                        "period_to": ("date", _day(row["period_to"])),
                        "due_on": ("date", _day(row["due_on"])),
                        "days": ("number", days),
                    },
                )
            )
    return found


def _funding_rows(facts: Facts, kind: str) -> list[dict[str, Any]] | None:
    """The idle_funds rows of `kind` (idle, premature); None when the KPI has no value (a
    base rate its interest needs is missing)."""
    result = facts.kpis["idle_funds"]
    if result.value is None:
        return None
    return [row for row in _rows(result) if row["kind"] == kind]


def _per_call(
    facts: Facts,
    rule: str,
    kind: str,
    figures: Callable[[list[dict[str, Any]]], dict[str, Param]],
) -> list[Occurrence] | None:
    """An occurrence of `rule` per call of funds with parts of `kind` (KPI idle_funds): the
    call, when it was received, the `figures` of its parts and their interest; None when the
    KPI has no value."""
    rows = _funding_rows(facts, kind)
    if rows is None:
        return None
    calls: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        calls.setdefault((row["grant_id"], row["disbursement_id"]), []).append(row)
    return [
        Occurrence(
            rule,
            f"{grant_id}:{disbursement_id}",
            1,
            {
                "grant_id": ("text", grant_id),
                "disbursement_id": ("text", disbursement_id),
                "received_on": ("date", _day(parts[0]["received_on"])),
                **figures(parts),
                "interest": ("eur", sum((p["interest_eur"] for p in parts), Decimal(0))),
                "as_of": ("date", facts.as_of),
            },
        )
        for (grant_id, disbursement_id), parts in calls.items()
    ]


def idle_funds(facts: Facts) -> list[Occurrence] | None:
    """A call of funds with a part not used in time (KPI idle_funds, kind idle)."""
    return _per_call(
        facts,
        "idle_funds",
        "idle",
        lambda parts: {
            "amount": ("eur", sum((p["value"] for p in parts), Decimal(0))),
            "days_idle": ("number", max(int(p["days_idle"]) for p in parts)),
        },
    )


def interest_threshold(facts: Facts) -> list[Occurrence] | None:
    """The interest on idle funds and premature calls (KPI idle_funds' total) at or above the
    setting alerts_interest_threshold_eur."""
    result = facts.kpis["idle_funds"]
    if result.value is None:
        return None
    interest, threshold = (
        result.details["interest_eur"],
        get_settings().alerts_interest_threshold_eur,
    )
    if interest < threshold:
        return []
    return [
        Occurrence(
            "interest_threshold",
            "total",
            1,
            {
                "interest": ("eur", interest),
                "threshold": ("eur", threshold),
                "idle": ("eur", result.details["idle_eur"]),
                "premature": ("eur", result.details["premature_eur"]),
                "as_of": ("date", facts.as_of),
            },
        )
    ]


def premature_call(facts: Facts) -> list[Occurrence] | None:
    """A call on cost basis ahead of the costs incurred (KPI idle_funds, kind premature)."""
    return _per_call(
        facts,
        "premature_call",
        "premature",
        lambda parts: {"excess": ("eur", sum((p["value"] for p in parts), Decimal(0)))},
    )


def budget_line_over_20(facts: Facts) -> list[Occurrence]:
    """An Einzelansatz whose status is over_20 (KPI budget_line_deviation)."""
    return [
        Occurrence(
            "budget_line_over_20",
            f"{row['grant_id']}:{row['category']}",
            1,
            {
                "grant_id": ("text", row["grant_id"]),
                "category": ("term", f"cost_category.{row['category']}"),
                "planned": ("eur", row["planned_eur"]),
                "actual": ("eur", row["actual_eur"]),
                "deviation": (
                    ("term", "alerts.no_plan") if row["value"] is None else ("share", row["value"])
                ),
                "as_of": ("date", facts.as_of),
            },
        )
        for row in _rows(facts.kpis["budget_line_deviation"])
        if row["status"] == "over_20"
    ]


def forecast_worse(facts: Facts) -> list[Occurrence]:
    """A jobs forecast (KPI jobs_forecast_end) at risk (level 1) or off track (level 2)."""
    return [
        Occurrence(
            "forecast_worse",
            row["kpi_id"],
            FORECAST_LEVELS[row["status"]],
            {
                "kpi": ("kpi", row["kpi_id"]),
                "status": ("term", f"forecast_status.{row['status']}"),
                "end_on": ("date", _day(row["end_on"])),
                "value": ("number", int(row["value"])),
                "target": ("number", float(row["target"])),
                "p_target": ("share", row["p_target"]),
            },
        )
        for row in _rows(facts.kpis["jobs_forecast_end"])
        if row["status"] in FORECAST_LEVELS
    ]


def entity_overdue(facts: Facts) -> list[Occurrence]:
    """An entity whose last delivery is older than freshness_warning_days (warehouse.freshness)."""
    days = get_settings().freshness_warning_days
    return [
        Occurrence(
            "entity_overdue",
            entity,
            1,
            {
                "entity": ("term", f"entity.{entity}"),
                "loaded_on": ("date", loaded_on),
                "age": ("number", age),
                "days": ("number", days),
            },
        )
        for entity, age, loaded_on in facts.entities
        if freshness(age) == "overdue"
    ]


def rejected_rows(facts: Facts) -> list[Occurrence] | None:
    """The rows rejected by the load run of the published snapshot (the data-quality page's
    figure); its level is their number, so a rise is a new occurrence."""
    if facts.rejected_rows is None:
        return None
    if not facts.rejected_rows:
        return []
    return [
        Occurrence(
            "rejected_rows",
            "snapshot",
            int(facts.rejected_rows),
            {"rows": ("number", int(facts.rejected_rows)), "run_id": ("text", facts.snapshot_run)},
        )
    ]


def device_offline(facts: Facts) -> list[Occurrence] | None:
    """A fleet device silent for more than alerts_offline_intervals report intervals."""
    if facts.devices is None or facts.moment is None:
        return None
    intervals = get_settings().alerts_offline_intervals
    found = []
    for row in _records(facts.devices):
        if not row["in_fleet"] or row["status"] != "offline" or row["last_seen"] is None:
            continue
        last_seen = pd.Timestamp(row["last_seen"]).to_pydatetime()
        if last_seen.tzinfo is None:
            last_seen = last_seen.replace(tzinfo=dt.UTC)
        silent = (facts.moment - last_seen).total_seconds()
        if silent > intervals * int(row["report_interval_s"]):
            found.append(
                Occurrence(
                    "device_offline",
                    row["device_id"],
                    1,
                    {
                        "device_id": ("text", row["device_id"]),
                        "deployment_id": ("text", row["deployment_id"]),
                        "last_seen": ("datetime", last_seen),
                        "intervals": ("number", intervals),
                        "interval_s": ("number", int(row["report_interval_s"])),
                    },
                )
            )
    return found


def slo_breach(facts: Facts) -> list[Occurrence] | None:
    """A deployment whose p95 latency exceeds its objective (KPI slo_breaches' rows)."""
    if facts.slo is None:
        return None
    return [
        Occurrence(
            "slo_breach",
            row["deployment_id"],
            1,
            {
                "deployment_id": ("text", row["deployment_id"]),
                "model_name": ("text", row["model_name"]),
                "latency": ("ms", float(row["latency_ms_p95"])),
                "slo": ("ms", float(row["latency_slo_ms"])),
            },
        )
        for row in _records(facts.slo)
        if row["breached"]
    ]


# --- The rules ------------------------------------------------------------------------------

_FOOTNOTE_INTEREST_DE = (
    "Zinsen nach § 49a Abs. 4 i. V. m. Abs. 3 VwVfG bis zum {as_of}: {interest}."
)
_FOOTNOTE_INTEREST_EN = "Interest under § 49a (4) with (3) VwVfG up to {as_of}: {interest}."

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            id="report_due",
            role="viewer",
            name_de="Nachweis fällig (30, 14, 7 Tage vorher)",
            name_en="Report due (30, 14, 7 days ahead)",
            condition=report_due,
            subject_de="{report} {grant_id} fällig am {due_on}",
            subject_en="{report} {grant_id} due on {due_on}",
            body_de=(
                "Der {report} der Zuwendung {grant_id} für {period_from} bis {period_to} ist am "
                "{due_on} fällig (noch {days} Tage). Erinnert wird 30, 14 und 7 Tage vorher."
            ),
            body_en=(
                "{report} of grant {grant_id} for {period_from} to {period_to}: due on {due_on} "
                "({days} days left). Reminders go out 30, 14 and 7 days ahead."
            ),
            resolved_subject_de="Termin verstrichen: {report} {grant_id} ({due_on})",
            resolved_subject_en="Due date passed: {report} {grant_id} ({due_on})",
            resolved_body_de=(
                "Der Termin {due_on} für den {report} der Zuwendung {grant_id} ist verstrichen; "
                "die Erinnerungen enden. Ob der Nachweis eingereicht wurde, steht nicht in der "
                "Lieferung."
            ),
            resolved_body_en=(
                "{report} of grant {grant_id}: the due date {due_on} has passed; the reminders "
                "end. Whether it was submitted is not part of the delivery."
            ),
        ),
        Rule(
            id="idle_funds",
            role="analyst",
            name_de="Nicht fristgerecht verwendete Mittel",
            name_en="Idle funds",
            condition=idle_funds,
            subject_de="Nicht fristgerecht verwendete Mittel: {disbursement_id} ({grant_id})",
            subject_en="Idle funds: {disbursement_id} ({grant_id})",
            body_de=(
                "Vom Mittelabruf {disbursement_id} der Zuwendung {grant_id}, eingegangen am "
                "{received_on}, wurden {amount} nicht binnen der Verwendungsfrist verwendet "
                "({days_idle} Tage). " + _FOOTNOTE_INTEREST_DE
            ),
            body_en=(
                "Of the call {disbursement_id} of grant {grant_id}, received on {received_on}, "
                "{amount} were not used within the use window ({days_idle} days). "
                + _FOOTNOTE_INTEREST_EN
            ),
            resolved_subject_de="Erledigt: nicht fristgerecht verwendete Mittel {disbursement_id}",
            resolved_subject_en="Resolved: idle funds {disbursement_id}",
            resolved_body_de=(
                "Der Mittelabruf {disbursement_id} der Zuwendung {grant_id} hat nach dem "
                "neuesten Stand keine nicht fristgerecht verwendeten Teile mehr."
            ),
            resolved_body_en=(
                "After the latest data the call {disbursement_id} of grant {grant_id} has no "
                "idle part any more."
            ),
        ),
        Rule(
            id="interest_threshold",
            role="analyst",
            name_de="Zinsen über der Schwelle",
            name_en="Interest above the threshold",
            condition=interest_threshold,
            subject_de="Zinsen auf Fördermittel: {interest}",
            subject_en="Interest on grant funds: {interest}",
            body_de=(
                "Die Zinsen nach § 49a VwVfG auf nicht fristgerecht verwendete ({idle}) und "
                "vorzeitig abgerufene Mittel ({premature}) betragen am {as_of} {interest} und "
                "erreichen die Schwelle von {threshold}."
            ),
            body_en=(
                "The interest under § 49a VwVfG on idle funds ({idle}) and premature calls "
                "({premature}) is {interest} on {as_of}, at or above the threshold of "
                "{threshold}."
            ),
            resolved_subject_de="Zinsen wieder unter {threshold}",
            resolved_subject_en="Interest below {threshold} again",
            resolved_body_de=(
                "Die Zinsen auf nicht fristgerecht verwendete und vorzeitig abgerufene Mittel "
                "liegen nach dem neuesten Stand unter der Schwelle von {threshold}."
            ),
            resolved_body_en=(
                "After the latest data the interest on idle funds and premature calls is below "
                "the threshold of {threshold}."
            ),
        ),
        Rule(
            id="premature_call",
            role="analyst",
            name_de="Vorzeitiger Mittelabruf",
            name_en="Premature call",
            condition=premature_call,
            subject_de="Vorzeitiger Mittelabruf: {disbursement_id} ({grant_id})",
            subject_en="Premature call: {disbursement_id} ({grant_id})",
            body_de=(
                "Der Mittelabruf {disbursement_id} der Zuwendung {grant_id}, eingegangen am "
                "{received_on}, lag um {excess} vor den entstandenen Kosten. "
                + _FOOTNOTE_INTEREST_DE
            ),
            body_en=(
                "The call {disbursement_id} of grant {grant_id}, received on {received_on}, ran "
                "{excess} ahead of the costs incurred. " + _FOOTNOTE_INTEREST_EN
            ),
            resolved_subject_de="Erledigt: vorzeitiger Mittelabruf {disbursement_id}",
            resolved_subject_en="Resolved: premature call {disbursement_id}",
            resolved_body_de=(
                "Der Mittelabruf {disbursement_id} der Zuwendung {grant_id} gilt nach dem "
                "neuesten Stand nicht mehr als vorzeitig."
            ),
            resolved_body_en=(
                "After the latest data the call {disbursement_id} of grant {grant_id} is no "
                "longer premature."
            ),
        ),
        Rule(
            id="budget_line_over_20",
            role="analyst",
            name_de="Einzelansatz über 20 %",
            name_en="Plan line over 20 %",
            condition=budget_line_over_20,
            subject_de="Einzelansatz über 20 %: {category} ({grant_id})",
            subject_en="Plan line over 20 %: {category} ({grant_id})",
            body_de=(
                "Der Einzelansatz {category} der Zuwendung {grant_id} liegt am {as_of} bei "
                "{actual}, der Plan bei {planned} (Abweichung: {deviation}). Mehr als 20 % über "
                "dem Plan braucht die Einwilligung des Zuwendungsgebers."
            ),
            body_en=(
                "The plan line {category} of grant {grant_id} stands at {actual} on {as_of}, "
                "its plan at {planned} (deviation: {deviation}). More than 20 % above the plan "
                "needs the funder's consent."
            ),
            resolved_subject_de="Einzelansatz wieder im Rahmen: {category} ({grant_id})",
            resolved_subject_en="Plan line within 20 % again: {category} ({grant_id})",
            resolved_body_de=(
                "Der Einzelansatz {category} der Zuwendung {grant_id} liegt nach dem neuesten "
                "Stand höchstens 20 % über dem Plan."
            ),
            resolved_body_en=(
                "After the latest data the plan line {category} of grant {grant_id} is at most "
                "20 % above its plan."
            ),
        ),
        Rule(
            id="forecast_worse",
            role="viewer",
            name_de="Prognose verschlechtert",
            name_en="Forecast worse",
            condition=forecast_worse,
            subject_de="Prognose {status}: {kpi}",
            subject_en="Forecast {status}: {kpi}",
            body_de=(
                "Die Prognose für „{kpi}“ zum Förderende {end_on} ist {status}: erwartet werden "
                "{value} gegenüber dem Ziel {target}; die Wahrscheinlichkeit, das Ziel zu "
                "erreichen, liegt bei {p_target}."
            ),
            body_en=(
                "The forecast of “{kpi}” for the end of funding on {end_on} is {status}: "
                "{value} expected against the target of {target}; the probability of reaching "
                "it is {p_target}."
            ),
            resolved_subject_de="Prognose wieder auf Kurs: {kpi}",
            resolved_subject_en="Forecast on track again: {kpi}",
            resolved_body_de="Die Prognose für „{kpi}“ ist wieder auf Kurs.",
            resolved_body_en="The forecast of “{kpi}” is on track again.",
        ),
        Rule(
            id="entity_overdue",
            role="viewer",
            name_de="Lieferung überfällig",
            name_en="Delivery overdue",
            condition=entity_overdue,
            subject_de="Lieferung überfällig: {entity}",
            subject_en="Delivery overdue: {entity}",
            body_de=(
                "Die letzte Lieferung „{entity}“ ist vom {loaded_on}, {age} Tage her; nach "
                "{days} Tagen gilt eine Lieferung als überfällig."
            ),
            body_en=(
                "The last delivery of “{entity}” is from {loaded_on}, {age} days ago; after "
                "{days} days a delivery is overdue."
            ),
            resolved_subject_de="Lieferung wieder aktuell: {entity}",
            resolved_subject_en="Delivery current again: {entity}",
            resolved_body_de="„{entity}“ wurde neu geliefert und ist wieder aktuell.",
            resolved_body_en="“{entity}” was delivered again and is current.",
        ),
        Rule(
            id="rejected_rows",
            role="viewer",
            name_de="Abgelehnte Zeilen nehmen zu",
            name_en="Rejected rows rising",
            condition=rejected_rows,
            subject_de="Abgelehnte Zeilen im veröffentlichten Stand: {rows}",
            subject_en="Rejected rows in the published data: {rows}",
            body_de=(
                "Der Ladelauf {run_id}, aus dem der veröffentlichte Stand stammt, hat {rows} "
                "Zeilen abgelehnt (Seite Datenqualität; python -m pipelines rejects --run "
                "{run_id}). Erneut gemeldet wird, wenn die Zahl steigt."
            ),
            body_en=(
                "Load run {run_id}, which the published data comes from, rejected {rows} rows "
                "(page Data quality; python -m pipelines rejects --run {run_id}). A rise is "
                "reported again."
            ),
            resolved_subject_de="Keine abgelehnten Zeilen mehr",
            resolved_subject_en="No rejected rows any more",
            resolved_body_de=(
                "Der veröffentlichte Stand stammt aus einem Ladelauf ohne abgelehnte Zeilen."
            ),
            resolved_body_en="The published data comes from a load run without rejected rows.",
        ),
        Rule(
            id="device_offline",
            role="viewer",
            name_de="Gerät offline",
            name_en="Device offline",
            condition=device_offline,
            subject_de="Gerät offline: {device_id}",
            subject_en="Device offline: {device_id}",
            body_de=(
                "Das Gerät {device_id} (Einsatz {deployment_id}) hat zuletzt am {last_seen} "
                "gemeldet, vor mehr als {intervals} Meldeintervallen von je {interval_s} s."
            ),
            body_en=(
                "Device {device_id} (deployment {deployment_id}) last reported on {last_seen}, "
                "more than {intervals} report intervals of {interval_s} s ago."
            ),
            resolved_subject_de="Gerät wieder da: {device_id}",
            resolved_subject_en="Device back: {device_id}",
            resolved_body_de=(
                "Das Gerät {device_id} (Einsatz {deployment_id}) meldet wieder oder gehört nicht "
                "mehr zur Flotte."
            ),
            resolved_body_en=(
                "Device {device_id} (deployment {deployment_id}) reports again or is no longer "
                "in the fleet."
            ),
        ),
        Rule(
            id="slo_breach",
            role="viewer",
            name_de="Latenzziel verletzt",
            name_en="Latency objective breached",
            condition=slo_breach,
            subject_de="Latenzziel verletzt: {deployment_id}",
            subject_en="Latency objective breached: {deployment_id}",
            body_de=(
                "Der KI-Einsatz {deployment_id} ({model_name}) hat in der letzten Stunde eine "
                "p95-Latenz von {latency} bei einem Ziel von {slo}."
            ),
            body_en=(
                "Deployment {deployment_id} ({model_name}) had a p95 latency of {latency} in "
                "the last hour against an objective of {slo}."
            ),
            resolved_subject_de="Latenzziel eingehalten: {deployment_id}",
            resolved_subject_en="Latency objective met: {deployment_id}",
            resolved_body_de=(
                "Der KI-Einsatz {deployment_id} ({model_name}) hält sein Ziel von {slo} wieder ein."
            ),
            resolved_body_en=(
                "Deployment {deployment_id} ({model_name}) meets its objective of {slo} again."
            ),
        ),
    )
}


def evaluate(facts: Facts) -> dict[str, list[Occurrence] | None]:
    """Every rule's occurrences (None: its figures cannot be computed now), by rule id."""
    return {rule.id: rule.condition(facts) for rule in RULES.values()}


# --- Texts ----------------------------------------------------------------------------------


def format_param(param: Param, lang: str) -> str:
    """A parameter as the recipient reads it, in `lang`."""
    kind, value = param
    if value is None:
        return "–"
    if kind == "number":
        return format_number(value, lang, 0 if float(value) == int(value) else 1)
    if kind == "date":
        return format_date(value, lang)
    if kind == "datetime":
        zone = ZoneInfo(get_settings().timezone)
        return f"{format_datetime(value.astimezone(zone), lang)} ({get_settings().timezone})"
    if kind == "eur":
        return format_value(value, "eur", lang, 2)
    if kind == "share":
        return format_value(value, "share", lang)
    if kind == "ms":
        return format_value(value, "ms", lang, 0)
    if kind == "term":
        return t(value, lang)
    if kind == "kpi":
        return kpis.get(value).name(lang)
    return str(value)


def render(
    rule: Rule, params: Mapping[str, Param], lang: str, *, resolved: bool
) -> tuple[str, str]:
    """(subject, body) of a rule's mail in `lang`: firing, or `resolved`."""
    subject, body = rule.texts(lang, resolved)
    shown = {name: format_param(param, lang) for name, param in params.items()}
    return subject.format(**shown), body.format(**shown)
