"""The circuit breaker's state machine, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from logokraft_kit.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker, CircuitOpen
from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    ProviderUnavailable,
    RateLimited,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, **options: object) -> CircuitBreaker:
    defaults: dict[str, object] = {
        "failure_threshold": 3,
        "reset_after": 10.0,
        "max_reset_after": 40.0,
        "probe_timeout": 60.0,
        "clock": clock,
        "jitter": lambda low, high: high,  # deterministic: the top of the spread
    }
    defaults.update(options)
    return CircuitBreaker("seedream", **defaults)  # type: ignore[arg-type]


def fail(b: CircuitBreaker, error: Exception | None = None) -> None:
    b.before_call()
    b.record(error or ProviderUnavailable("down"))


def test_opens_after_the_threshold_of_failures_in_a_row() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b)
    fail(b)
    assert b.state == CLOSED
    fail(b)
    assert b.state == OPEN
    with pytest.raises(CircuitOpen) as raised:
        b.before_call()
    assert raised.value.code == "provider_circuit_open"
    assert raised.value.retryable
    assert raised.value.retry_after == pytest.approx(10.0 + 5.0)  # the wait plus the spread
    assert "seedream" in raised.value.message


def test_a_success_resets_the_count_of_failures() -> None:
    clock = Clock()
    b = breaker(clock)
    fail(b)
    fail(b)
    b.before_call()
    b.record(None)
    fail(b)
    fail(b)
    assert b.state == CLOSED


def test_only_signs_of_an_unwell_provider_count_as_failures() -> None:
    clock = Clock()
    b = breaker(clock, failure_threshold=2)
    fail(b, RateLimited("busy"))
    fail(b, ContentRejected("no"))  # the provider answered: resets the count
    fail(b, BadProviderResponse("garbage"))
    fail(b, RuntimeError("our bug"))  # says nothing about the provider
    assert b.state == CLOSED
    fail(b, ProviderUnavailable("timeout", code="provider_timeout"))
    fail(b)
    assert b.state == OPEN


def test_half_open_lets_exactly_one_probe_through_and_closes_on_success() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        fail(b)
    clock.now += 9.9
    with pytest.raises(CircuitOpen) as raised:
        b.before_call()
    assert raised.value.retry_after == pytest.approx(0.1 + 5.0)
    clock.now += 0.1
    assert b.state == HALF_OPEN
    b.before_call()  # the probe
    with pytest.raises(CircuitOpen) as raised:
        b.before_call()  # everyone else waits for the probe
    assert raised.value.retry_after == pytest.approx(5.0)
    b.record(None)
    assert b.state == CLOSED
    b.before_call()


def test_a_failed_probe_reopens_for_twice_as_long_up_to_the_cap() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        fail(b)
    waits = []
    for _ in range(4):
        clock.now += 1000
        fail(b)  # the probe fails
        assert b.state == OPEN
        with pytest.raises(CircuitOpen) as raised:
            b.before_call()
        waits.append(raised.value.retry_after - 5.0)
    assert waits == pytest.approx([20.0, 40.0, 40.0, 40.0])
    clock.now += 1000
    b.before_call()
    b.record(None)
    for _ in range(3):
        fail(b)
    with pytest.raises(CircuitOpen) as raised:
        b.before_call()
    assert raised.value.retry_after - 5.0 == pytest.approx(10.0)  # back to the first wait


def test_a_probe_that_never_reports_frees_its_slot_after_the_probe_timeout() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        fail(b)
    clock.now += 10
    b.before_call()  # a probe whose worker then dies
    clock.now += 59
    with pytest.raises(CircuitOpen):
        b.before_call()
    clock.now += 1
    b.before_call()  # a new probe


def test_a_probe_ended_by_our_own_error_frees_the_slot_at_once() -> None:
    clock = Clock()
    b = breaker(clock)
    for _ in range(3):
        fail(b)
    clock.now += 10
    b.before_call()
    b.record(RuntimeError("bug"))
    assert b.state == HALF_OPEN
    b.before_call()


def test_failures_of_calls_started_before_the_circuit_opened_do_not_extend_it() -> None:
    clock = Clock()
    b = breaker(clock)
    started = []
    for _ in range(5):
        b.before_call()
        started.append(True)
    for _ in range(5):  # all five fail; the circuit opens at the third
        b.record(ProviderUnavailable("down"))
    clock.now += 10
    assert b.state == HALF_OPEN


async def test_call_records_the_outcome_and_refuses_while_open() -> None:
    clock = Clock()
    b = breaker(clock, failure_threshold=1)
    calls = 0

    async def down() -> None:
        nonlocal calls
        calls += 1
        raise ProviderUnavailable("down")

    async def up() -> str:
        nonlocal calls
        calls += 1
        return "ok"

    with pytest.raises(ProviderUnavailable):
        await b.call(down)
    with pytest.raises(CircuitOpen):
        await b.call(up)
    assert calls == 1
    clock.now += 10
    assert await b.call(up) == "ok"
    assert b.state == CLOSED


async def test_a_cancelled_probe_frees_the_slot() -> None:
    clock = Clock()
    b = breaker(clock, failure_threshold=1)
    fail(b)
    clock.now += 10
    task = asyncio.create_task(b.call(asyncio.Event().wait))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    b.before_call()


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker("x", failure_threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker("x", reset_after=0)
