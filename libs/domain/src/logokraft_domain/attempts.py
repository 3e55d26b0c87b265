"""One attempt at a job's work, when the job counts its own attempts (on its database row).

JetStream's delivery count also counts deliveries that only waited for an open circuit
or for NATS or Postgres to come back, so asset jobs and prompt writing count attempts
on their rows instead, and share this policy for how an attempt ends:

- the work succeeds: its result is returned;
- cancelled (a graceful shutdown handed the job back), the provider's circuit is open
  (the provider was not called) or infrastructure is away: the attempt is given back,
  and the job is retried (`RetryLater`, or re-raised for the worker) without using one;
- a retryable provider error before the last attempt: `RetryLater` after the provider's
  own delay (`RetryInfo`, `Retry-After`) or a full-jitter backoff;
- any other error before the last attempt (a bug may be a race): `RetryLater` too;
- otherwise: `fail(code, message)` records why (the provider's reason, or
  `internal_error`), and None is returned. A provider's reason reaches users as
  LogoKraft's own sentence plus a reference id; whatever the provider said is logged
  under that id (`logokraft_kit.providers.public_failure`), never stored for users.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from logokraft_kit.breaker import CircuitOpen
from logokraft_kit.providers import ProviderError, public_failure
from logokraft_kit.worker import RetryLater, backoff_delay, is_transient

log = logging.getLogger(__name__)

T = TypeVar("T")


async def run_attempt(
    work: Callable[[], Awaitable[T]],
    *,
    attempt: int,
    limit: int,
    give_back: Callable[[], Awaitable[None]],
    fail: Callable[[str, str], Awaitable[None]],
    internal_error: tuple[str, str],
    what: str,
) -> T | None:
    """Run attempt number `attempt` (of `limit`) of `work`; see the module for how it ends."""
    try:
        return await work()
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await asyncio.shield(give_back())
        raise
    except CircuitOpen as error:
        await give_back()
        raise RetryLater(
            error.retry_after or 1.0, error.message, cause="provider_paused"
        ) from error
    except ProviderError as error:
        if error.retryable and attempt < limit:
            # Logged now, or an open circuit's cause would be logged nowhere: the provider's
            # detail is otherwise logged only when the last attempt fails (public_failure).
            log.warning(
                "%s failed (attempt %d of %d), will retry: provider=%s code=%s message=%r "
                "detail=%r cause=%r",
                what,
                attempt,
                limit,
                error.provider or "unknown",
                error.code,
                error.message,
                (error.detail or "")[:2000],
                error.__cause__,
            )
            raise RetryLater(error.retry_after or backoff_delay(attempt)) from error
        await fail(*public_failure(error, what=what))
        return None
    except Exception as error:
        if is_transient(error):
            with contextlib.suppress(Exception):  # the outage may not be over
                await give_back()
            raise  # the worker retries outages without limit
        if attempt < limit:
            log.warning("%s failed (attempt %d of %d)", what, attempt, limit, exc_info=True)
            raise RetryLater(backoff_delay(attempt), f"attempt {attempt} failed") from error
        log.exception("%s failed on its last attempt (%d)", what, attempt)
        await fail(*internal_error)
        return None
