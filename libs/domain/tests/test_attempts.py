"""How one attempt's failure is handed to the worker: the retry's cause, for the metrics."""

from __future__ import annotations

import pytest

from logokraft_domain.attempts import run_attempt
from logokraft_kit.breaker import CircuitOpen
from logokraft_kit.providers import ProviderUnavailable
from logokraft_kit.worker import RetryLater


async def _attempt(error: Exception) -> RetryLater:
    async def work() -> None:
        raise error

    async def nothing(*_: object) -> None:
        return None

    with pytest.raises(RetryLater) as raised:
        await run_attempt(
            work,
            attempt=1,
            limit=3,
            give_back=nothing,
            fail=nothing,
            internal_error=("internal_error", "x"),
            what="test",
        )
    return raised.value


async def test_an_open_circuit_is_a_paused_retry():
    assert (await _attempt(CircuitOpen("seedream", 30))).cause == "provider_paused"


async def test_a_failed_provider_call_or_a_bug_is_an_error_retry():
    assert (await _attempt(ProviderUnavailable("503", provider="seedream"))).cause == "error"
    assert (await _attempt(RuntimeError("a race"))).cause == "error"


async def test_a_retried_provider_failure_is_logged_with_its_cause(caplog):
    """Before, a retryable failure was logged only on the last attempt; with the circuit
    opening after a few of them, an unreachable provider's cause was logged nowhere."""
    try:
        raise ConnectionRefusedError("connection refused by 127.0.0.1:9")
    except ConnectionRefusedError as refused:
        error = ProviderUnavailable("The image provider is unreachable", provider="seedream")
        error.__cause__ = refused
    with caplog.at_level("WARNING", logger="logokraft_domain.attempts"):
        await _attempt(error)
    [record] = caplog.records
    assert record.levelname == "WARNING"
    line = record.getMessage()
    assert "provider=seedream" in line
    assert "code=provider_unavailable" in line
    assert "connection refused by 127.0.0.1:9" in line
