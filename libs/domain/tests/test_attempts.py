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
