"""One declaration, two validators: the per-request path and the set-wise SQL agree case by case."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from pipelines.collector.store import SeqIndex, SeqRuns
from pipelines.collector.validation import (
    FIELD_NAMES,
    Invalid,
    TsWindow,
    format_us,
    reading_checks_sql,
    timestamp_us,
    validate_reading,
)

TS = "2025-06-02T10:00:00+02:00"
NOW = "2025-06-02T08:00:00Z"
WINDOW = TsWindow(timestamp_us(NOW), max_age_days=30, max_future_minutes=5)
BASE: dict[str, Any] = {"device_id": "D1", "seq": 7, "ts": TS, "inferences": 0}

CASES: list[tuple[dict[str, Any], tuple[str, str] | None]] = [
    ({}, None),
    ({"device_id": None}, ("device_id", "missing")),
    ({"seq": None}, ("seq", "missing")),
    ({"seq": -1}, ("seq", "must_be_ge")),
    ({"seq": 1.5}, ("seq", "not_an_integer")),
    ({"seq": 2**63}, ("seq", "must_be_le")),
    ({"ts": "2025-06-02 10:00:00"}, ("ts", "not_a_timestamp")),
    ({"ts": "2025-06-31T10:00:00Z"}, ("ts", "not_a_timestamp")),
    ({"ts": "2025-06-02T08:05:00Z"}, None),
    ({"ts": "2025-06-02T08:05:00.000001Z"}, ("ts", "ts_in_future")),
    ({"ts": "2025-05-03T08:00:00Z"}, None),
    ({"ts": "2025-05-03T09:59:59.999999+02:00"}, ("ts", "ts_too_old")),
    ({"ts": "1900-01-01T00:00:00Z"}, ("ts", "ts_too_old")),
    ({"ts": "2025-06-02t10:00:00.25+02:00"}, None),
    ({"interval_s": 0}, ("interval_s", "must_be_gt")),
    ({"inferences": None}, ("inferences", "missing")),
    ({"inferences": 3}, ("latency_ms_mean", "required_when_positive")),
    ({"inferences": 3, "latency_ms_mean": 2.5}, None),
    ({"latency_ms_mean": -0.5}, ("latency_ms_mean", "must_be_ge")),
    ({"latency_ms_mean": 2, "latency_ms_p95": 1.5}, ("latency_ms_p95", "less_than_field")),
    ({"latency_ms_p95": 3, "latency_ms_max": 2}, ("latency_ms_max", "less_than_field")),
    ({"latency_ms_mean": 2, "latency_ms_max": 1}, None),  # max is compared with p95 only
    ({"energy_mwh": -1}, ("energy_mwh", "must_be_ge")),
    ({"bytes_on_device": 1.25}, ("bytes_on_device", "not_an_integer")),
    ({"temperature_c": -40}, None),
    ({"temperature_c": 150.01}, ("temperature_c", "must_be_le")),
    ({"status": "ERROR"}, None),
    ({"status": "fine"}, ("status", "not_an_option")),
    ({"model_version": "2.0.1"}, None),
]


def per_request(case: dict[str, Any]) -> tuple[str, str] | None:
    result = validate_reading({**BASE, **case}, 60, WINDOW)
    return (result.field, result.code) if isinstance(result, Invalid) else None


def set_wise(cases: list[dict[str, Any]]) -> list[tuple[str, str] | None]:
    """The same readings as a history file delivers them: every field as text."""
    texts = [{**BASE, **case} for case in cases]
    history = pa.table(
        {"_line": list(range(len(cases)))}
        | {
            name: pa.array(
                [None if t.get(name) is None else str(t[name]) for t in texts], pa.string()
            )
            for name in FIELD_NAMES
        }
    )
    con = duckdb.connect()
    con.register("history", history)
    sql = reading_checks_sql("history", keep=("_line",))
    bounds = [format_us(WINDOW.latest_us), format_us(WINDOW.earliest_us)]
    found = con.execute(
        f"SELECT _line, _field, _code FROM ({sql}) ORDER BY _line", bounds
    ).fetchall()
    return [None if row[2] is None else (row[1], row[2]) for row in found]


def test_the_per_request_validator_finds_the_declared_rule() -> None:
    assert [per_request(case) for case, _ in CASES] == [expected for _, expected in CASES]


def test_set_wise_checks_agree_with_the_per_request_validator() -> None:
    assert set_wise([case for case, _ in CASES]) == [expected for _, expected in CASES]


def test_valid_reading_is_typed_defaulted_and_in_utc() -> None:
    row = validate_reading(
        {**BASE, "ts": "2025-06-02T10:00:00.25+02:00", "status": "OK"}, 30, WINDOW
    )
    assert dict(zip(FIELD_NAMES, row, strict=True)) == {
        "device_id": "D1",
        "seq": 7,
        "ts": timestamp_us("2025-06-02T08:00:00.25Z"),
        "interval_s": 30,
        "inferences": 0,
        "latency_ms_mean": None,
        "latency_ms_p95": None,
        "latency_ms_max": None,
        "energy_mwh": None,
        "bytes_on_device": None,
        "bytes_uplinked": None,
        "temperature_c": None,
        "status": "ok",
        "model_version": None,
    }
    assert format_us(row[2]) == "2025-06-02T08:00:00.250000Z"


@pytest.mark.parametrize(
    ("runs", "inside", "outside"),
    [
        ([(0, 9)], [0, 5, 9], [-1, 10]),
        ([(0, 4), (10, 14)], [4, 10], [5, 9, 15]),
        ([(10, 14), (0, 4), (5, 9)], [0, 7, 14], [15]),
        ([(0, 4), (10, 14), (3, 11)], [0, 6, 14], [15]),
    ],
)
def test_seq_runs_merge_and_answer_membership(
    runs: list[tuple[int, int]], inside: list[int], outside: list[int]
) -> None:
    seqs = SeqRuns()
    for first, last in runs:
        seqs.add_run(first, last)
    assert all(s in seqs for s in inside)
    assert not any(s in seqs for s in outside)
    merged = sorted({s for first, last in runs for s in range(first, last + 1)})
    assert [s for s in range(-1, 20) if s in seqs] == merged


def test_index_claims_new_seqs_and_waits_for_pending_copies() -> None:
    index = SeqIndex()
    rows = [("D1", seq) for seq in (3, 1, 2, 2)]
    first = index.claim("D1", rows)
    assert ([r[1] for r in first.fresh], first.seqs, first.waiting) == ([3, 1, 2], {1, 2, 3}, [])
    again = index.claim("D1", [("D1", 2), ("D1", 4)])
    assert ([r[1] for r in again.fresh], again.waiting) == ([4], [2])  # 2 is still being logged
    index.confirm("D1", first.seqs)
    index.release("D1", {4})  # its write failed
    assert [index.is_durable("D1", s) for s in (1, 2, 3, 4)] == [True, True, True, False]
    assert [r[1] for r in index.claim("D1", [("D1", 2), ("D1", 4)]).fresh] == [4]


def test_index_refuses_seqs_below_the_highest_stored_one() -> None:
    index = SeqIndex()
    index.durable["D1"] = SeqRuns()
    index.durable["D1"].add_run(5, 9)
    index.durable["D1"].add_run(20, 20)
    claim = index.claim("D1", [("D1", seq) for seq in (12, 9, 25, 21, 3, 20)])
    # 9 and 20 are stored (duplicates); 12 and 3 lie below 20 and are not: refused.
    assert ([r[1] for r in claim.fresh], claim.behind, claim.last) == ([25, 21], [0, 4], 20)
    # Replay of the log takes what was acknowledged, in any order.
    replay = index.claim("D1", [("D1", 12), ("D1", 3)], ordered=False)
    assert ([r[1] for r in replay.fresh], replay.behind) == ([12, 3], [])
