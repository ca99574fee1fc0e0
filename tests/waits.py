"""Waiting for a condition in tests: poll it until it holds, with a deadline that only a
failing test reaches (the machine is shared, so deadlines are generous)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")
POLL_S = 0.05
DEADLINE_S = 120  # seconds: what a condition gets unless a test has a reason for another bound


def wait_until(check: Callable[[], T], what: str, *, timeout_s: float = DEADLINE_S) -> T:
    """The first truthy result of `check()`; fails the test with `what` after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            pytest.fail(f"waited {timeout_s:g} s in vain for {what}")
        time.sleep(POLL_S)
