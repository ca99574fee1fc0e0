"""The collector over real HTTP: auth, every rejection reason, body formats and limits, dedupe."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import httpx
import orjson
import pytest
import requests

from tests.pipelines.collector.conftest import Collector, reading
from tests.pipelines.helpers import run_cli

MAX_BODY = 5 * 1024 * 1024


def stored(data_dir: Path, columns: str) -> list[tuple]:
    """Rows of every segment, ordered by device and seq (after a graceful stop)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    pattern = str(data_dir / "telemetry" / "readings" / "*" / "*.parquet")
    return con.execute(
        f"SELECT {columns} FROM read_parquet(?, hive_partitioning = true) ORDER BY device_id, seq",
        [pattern],
    ).fetchall()


def stats(data_dir: Path) -> dict[str, tuple]:
    done = run_cli("telemetry", "stats", "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    return {
        d["device_id"]: (d["readings"], d["inferences"], d["first_ts"], d["last_ts"])
        for d in json.loads(done.stdout)["devices"]
    }


def test_missing_malformed_wrong_and_revoked_tokens_get_401(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start()
    assert collector.post(tokens["D1"], [reading(1)]).json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [],
    }
    for headers, reason in [
        ({}, "The Authorization header is missing."),
        (
            {"Authorization": f"Basic {tokens['D1']}"},
            "The Authorization header is not of the form 'Bearer <token>'.",
        ),
        (
            {"Authorization": "Bearer"},
            "The Authorization header is not of the form 'Bearer <token>'.",
        ),
        (
            {"Authorization": f"Bearer {tokens['D1']}x"},
            "The token is not valid (unknown, mistyped or replaced).",
        ),
    ]:
        answer = collector.http.post("/v1/telemetry", content=b"[]", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.json()["error"] == "unauthorized"
        assert answer.json()["reason"] == reason
    # Revoked while the collector runs: refused at once, no restart.
    revoked = run_cli("devices", "revoke", "D1", "--data-dir", str(data_dir))
    assert revoked.returncode == 0, revoked.stderr
    answer = collector.post(tokens["D1"], [reading(2)])
    assert answer.status_code == 401
    assert answer.json()["reason"].startswith("The token of device 'D1' was revoked at 20")
    # A new token works at once; the old one stays refused; other devices are unaffected.
    issued = run_cli("devices", "token", "D1", "--data-dir", str(data_dir))
    new_token = issued.stdout.splitlines()[-1]
    assert len(new_token) == 43 and new_token != tokens["D1"]
    assert collector.post(new_token, [reading(2)]).json()["accepted"] == 1
    assert collector.post(tokens["D1"], [reading(3)]).status_code == 401
    assert collector.post(tokens["D2"], [reading(1, device="D2")]).json()["accepted"] == 1
    assert "token_sha256" in (data_dir / "telemetry" / "tokens.json").read_text()
    assert new_token not in (data_dir / "telemetry" / "tokens.json").read_text()


def test_each_rejection_reason(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start()
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)).isoformat()
    batch = [
        reading(1),
        reading(2, device="D2"),
        {"seq": 3, "ts": "2025-06-02T10:00:00Z", "inferences": 0},
        reading(-1),
        reading("4"),
        reading(5.5),
        reading(6, ts="2025-06-02T10:00:00"),
        reading(7, ts="2025-02-30T10:00:00Z"),
        reading(8, interval_s=0),
        {"device_id": "D1", "seq": 9, "ts": "2025-06-02T10:00:00Z"},
        reading(10, inferences=5),
        reading(11, inferences=5, latency_ms_mean=-1),
        reading(12, inferences=5, latency_ms_mean=4, latency_ms_p95=3),
        reading(13, inferences=5, latency_ms_mean=4, latency_ms_p95=6, latency_ms_max=5.5),
        reading(14, temperature_c=150.5),
        reading(15, temperature_c=-41),
        reading(16, status="broken"),
        reading(17, energy_mwh="1,5"),
        reading(18, model_version=3),
        reading(19, bytes_uplinked=-1),
        reading(20, ts=future),
        reading(
            21,
            ts="2025-06-02t08:00:00.5z",
            inferences=5,
            latency_ms_mean=4,
            latency_ms_p95=4,
            latency_ms_max=4,
            status="Degraded",
            temperature_c=-40,
        ),
    ]
    answer = collector.post(tokens["D1"], batch)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["accepted"], body["duplicates"]) == (2, 0)
    assert [(r["index"], r["seq"], r["field"], r["code"]) for r in body["rejected"]] == [
        (1, 2, "device_id", "foreign_device"),
        (2, 3, "device_id", "missing"),
        (3, -1, "seq", "must_be_ge"),
        (4, None, "seq", "not_a_number"),
        (5, None, "seq", "not_an_integer"),
        (6, 6, "ts", "not_a_timestamp"),
        (7, 7, "ts", "not_a_timestamp"),
        (8, 8, "interval_s", "must_be_gt"),
        (9, 9, "inferences", "missing"),
        (10, 10, "latency_ms_mean", "required_when_positive"),
        (11, 11, "latency_ms_mean", "must_be_ge"),
        (12, 12, "latency_ms_p95", "less_than_field"),
        (13, 13, "latency_ms_max", "less_than_field"),
        (14, 14, "temperature_c", "must_be_le"),
        (15, 15, "temperature_c", "must_be_ge"),
        (16, 16, "status", "not_an_option"),
        (17, 17, "energy_mwh", "not_a_number"),
        (18, 18, "model_version", "not_text"),
        (19, 19, "bytes_uplinked", "must_be_ge"),
        (20, 20, "ts", "ts_in_future"),
    ]
    reasons = {r["index"]: r["reason"] for r in body["rejected"]}
    assert reasons[1] == (
        "The reading is for device 'D2', but the token belongs to device 'D1'. "
        "Send each device's readings with its own token."
    )
    assert reasons[6] == (
        "'2025-06-02T10:00:00' in 'ts' is not an RFC 3339 timestamp with "
        "offset. Expected e.g. 2026-11-24T14:05:00+01:00."
    )
    assert reasons[10] == (
        "'latency_ms_mean' is required when 'inferences' is greater than 0 (here 5)."
    )
    assert reasons[12] == "'latency_ms_p95' (3) must not be less than 'latency_ms_mean' (4)."
    assert reasons[14] == "'150.5' in 'temperature_c' must not be greater than 150."
    assert reasons[16] == "'broken' is not allowed in 'status'. Allowed: ok, degraded, error."
    assert reasons[20].startswith(f"'{future}' in 'ts' is more than 5 minutes in the future")
    collector.stop()
    # Stored in UTC, status in its canonical spelling, interval_s from the device (60 s).
    assert stored(
        data_dir,
        "device_id, seq, strftime(ts, '%Y-%m-%dT%H:%M:%S.%f'), interval_s, status, temperature_c",
    ) == [
        ("D1", 1, "2025-06-02T08:00:00.000000", 60, "ok", None),
        ("D1", 21, "2025-06-02T08:00:00.500000", 60, "degraded", -40.0),
    ]


def test_json_array_and_ndjson_with_interval_defaults(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start()
    ndjson = [reading(1, device="D2"), reading(2, device="D2", interval_s=10)]
    assert collector.post(tokens["D2"], ndjson, ndjson=True).json() == {
        "accepted": 2,
        "duplicates": 0,
        "rejected": [],
    }
    # NDJSON with CRLF line ends and blank lines, as some clients write it.
    crlf = b'\r\n{"device_id":"D3","seq":1,"ts":"2025-06-02T10:00:00Z","inferences":0}\r\n\r\n'
    assert collector.post(tokens["D3"], crlf).json()["accepted"] == 1
    assert collector.post(tokens["D3"], [reading(2, device="D3")]).json()["accepted"] == 1
    collector.stop()
    assert stored(data_dir, "device_id, seq, interval_s") == [
        ("D2", 1, 30),
        ("D2", 2, 10),
        ("D3", 1, 60),
        ("D3", 2, 60),
    ]


def test_retry_is_idempotent_and_seq_must_increase(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start()
    # Within a batch the order is free.
    batch = [reading(5, inferences=1, latency_ms_mean=2), reading(3), reading(4)]
    assert collector.post(tokens["D1"], batch).json() == {
        "accepted": 3,
        "duplicates": 0,
        "rejected": [],
    }
    assert collector.post(tokens["D1"], batch).json() == {
        "accepted": 0,
        "duplicates": 3,
        "rejected": [],
    }
    # Seqs below the highest stored one (5) that are not stored are refused; a repeat is
    # a duplicate, a repeat inside one batch too.
    later = [reading(1, inferences=2, latency_ms_mean=1), reading(4), reading(6), reading(6)]
    reason = (
        "'1' in 'seq' is not greater than 5, the device's highest stored seq, and no reading "
        "with this seq is stored. A device's seq must increase."
    )
    assert collector.post(tokens["D1"], later).json() == {
        "accepted": 1,
        "duplicates": 2,
        "rejected": [
            {"index": 0, "seq": 1, "field": "seq", "code": "seq_not_increasing", "reason": reason}
        ],
    }
    assert stats(data_dir) == {"D1": (4, 1, "2025-06-02T08:00:00Z", "2025-06-02T08:00:00Z")}
    # The rule holds across a restart: the highest stored seq comes from the segments.
    collector.stop()
    collector = start()
    answer = collector.post(tokens["D1"], [reading(2), reading(7)]).json()
    assert (answer["accepted"], [r["code"] for r in answer["rejected"]]) == (
        1,
        ["seq_not_increasing"],
    )


def test_body_over_5_mb_gets_413_while_streaming(
    start: Callable[..., Collector], tokens: dict[str, str]
) -> None:
    collector = start()
    headers = {"Authorization": f"Bearer {tokens['D1']}"}
    exactly = orjson.dumps([reading(1)])
    exactly += b" " * (MAX_BODY - len(exactly))
    answer = collector.http.post("/v1/telemetry", content=exactly, headers=headers)
    assert answer.json() == {"accepted": 1, "duplicates": 0, "rejected": []}
    answer = collector.http.post("/v1/telemetry", content=exactly + b" ", headers=headers)
    assert answer.status_code == 413
    assert answer.json()["reason"] == "The body is larger than 5242880 bytes (5 MB)."

    def chunks() -> Iterator[bytes]:  # no Content-Length: only the streamed size tells
        yield b"["
        for _ in range(6):
            yield b" " * (1024 * 1024)

    answer = collector.http.post("/v1/telemetry", content=chunks(), headers=headers)
    assert answer.status_code == 413
    assert collector.post(tokens["D1"], [reading(2)]).json()["accepted"] == 1


def test_malformed_bodies_get_400_with_a_reason(
    start: Callable[..., Collector], tokens: dict[str, str]
) -> None:
    collector = start()
    for body, reason in [
        (b"", "The body is empty."),
        (b"[1, 2]", "Element 0 of the array is not a JSON object."),
        (
            b'[{"seq": 1}',
            "The body is not valid JSON: unexpected end of data: line 1 column 12 (char 11).",
        ),
        (
            b'{"seq": 1}\n{"seq": 2',
            "Line 2 is not valid JSON: unexpected end of data: line 1 column 10 (char 9).",
        ),
        (b'{"seq": 1}\n[1]', "Line 2 is not a JSON object."),
        (
            b"hello",
            "Line 1 is not valid JSON: unexpected character, expected a JSON value: "
            "line 1 column 1 (char 0).",
        ),
    ]:
        answer = collector.post(tokens["D1"], body)
        assert answer.status_code == 400, body
        assert answer.json() == {
            "error": "malformed_body",
            "reason": reason,
            "hint": "Send a JSON array of reading objects, or NDJSON: one reading object per line.",
        }
    assert collector.post(tokens["D1"], b"[]").json() == {
        "accepted": 0,
        "duplicates": 0,
        "rejected": [],
    }


def test_timestamps_up_to_5_minutes_ahead_are_accepted(
    start: Callable[..., Collector], tokens: dict[str, str]
) -> None:
    collector = start()
    now = dt.datetime.now(dt.UTC)
    ahead = (now + dt.timedelta(minutes=4)).astimezone(dt.timezone(dt.timedelta(hours=1)))
    too_far = (now + dt.timedelta(minutes=6)).isoformat()
    body = collector.post(
        tokens["D1"], [reading(1, ts=ahead.isoformat()), reading(2, ts=too_far)]
    ).json()
    assert body["accepted"] == 1
    assert [(r["seq"], r["code"]) for r in body["rejected"]] == [(2, "ts_in_future")]


def test_timestamp_bounds_come_from_the_settings(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    settings = {"ZAKID_TELEMETRY_MAX_AGE_DAYS": "30", "ZAKID_TELEMETRY_MAX_FUTURE_MINUTES": "2"}
    collector = start(settings=settings)
    sent = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)
    stamps = {
        1: "1900-01-01T00:00:00Z",  # the attack: thousands of day folders from one token
        2: (sent - 31 * day).isoformat(),
        3: (sent - 29 * day).isoformat(),
        4: (sent + dt.timedelta(minutes=1)).isoformat(),
        5: (sent + dt.timedelta(minutes=3)).isoformat(),
    }
    body = collector.post(tokens["D1"], [reading(s, ts=ts) for s, ts in stamps.items()]).json()
    received = dt.datetime.now(dt.UTC)
    assert body["accepted"] == 2
    assert [(r["index"], r["seq"], r["field"], r["code"]) for r in body["rejected"]] == [
        (0, 1, "ts", "ts_too_old"),
        (1, 2, "ts", "ts_too_old"),
        (4, 5, "ts", "ts_in_future"),
    ]
    now = re.fullmatch(
        r"'1900-01-01T00:00:00Z' in 'ts' is more than 30 days in the past \(received at "
        r"(\S+)\)\. Check the device's clock; load older readings as a telemetry history file\.",
        body["rejected"][0]["reason"],
    )
    assert now is not None
    assert sent - dt.timedelta(seconds=1) <= dt.datetime.fromisoformat(now[1]) <= received
    assert body["rejected"][2]["reason"].startswith(
        f"'{stamps[5]}' in 'ts' is more than 2 minutes in the future (received at "
    )
    collector.stop()
    days = sorted(p.name for p in (data_dir / "telemetry" / "readings").iterdir())
    expected = {
        f"day={(sent - 29 * day).date()}",
        f"day={(sent + dt.timedelta(minutes=1)).date()}",
    }
    assert days == sorted(expected)


def _urllib(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url + "/v1/telemetry", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _http_client(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("POST", "/v1/telemetry", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _requests(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    response = requests.post(url + "/v1/telemetry", data=body, headers=headers, timeout=60)
    return response.status_code, response.content


def _httpx(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    response = httpx.post(url + "/v1/telemetry", content=body, headers=headers, timeout=60)
    return response.status_code, response.content


def _curl(url: str, body: bytes, headers: dict[str, str], tmp_path: Path) -> tuple[int, bytes]:
    payload, answer = tmp_path / "body.bin", tmp_path / "answer.json"
    payload.write_bytes(body)
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "60", "-o", str(answer), "-w", "%{http_code}"]
        + [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        + ["--data-binary", f"@{payload}", url + "/v1/telemetry"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout), answer.read_bytes()


CLIENTS = {
    "urllib": _urllib,
    "http.client": _http_client,
    "requests": _requests,
    "httpx": _httpx,
    "curl": _curl,
}


@pytest.mark.parametrize("client", CLIENTS)
def test_early_answers_reach_every_client(
    start: Callable[..., Collector], tokens: dict[str, str], tmp_path: Path, client: str
) -> None:
    """413, 401 and 400 are answered before the body is read; a client that sends the whole
    body first (urllib says Connection: close) still reads the answer, not a reset."""
    collector = start()
    send = CLIENTS[client]
    json_body = {"Content-Type": "application/json"}
    big = b"[" + b" " * (8 * 1024 * 1024) + b"]"
    medium = b"[" + b" " * (3 * 1024 * 1024) + b"]"
    cases = [
        (big, {"Authorization": f"Bearer {tokens['D1']}"}, 413, "too_large"),
        (medium, {"Authorization": "Bearer wrong"}, 401, "unauthorized"),
        (
            medium,
            {"Authorization": f"Bearer {tokens['D1']}", "Content-Encoding": "gzip"},
            400,
            "unsupported_encoding",
        ),
    ]
    for body, headers, status, error in cases:
        args = (collector.url, body, {**json_body, **headers})
        answer = send(*args, tmp_path) if client == "curl" else send(*args)  # type: ignore[operator]
        assert (answer[0], orjson.loads(answer[1])["error"]) == (status, error)
    # The collector serves on.
    assert collector.post(tokens["D1"], [reading(1)]).json()["accepted"] == 1
