"""A circuit breaker per paid provider, so a provider that keeps failing is left alone a while.

    closed ──(`failure_threshold` failures in a row)──▶ open
    open ──(`reset_after` seconds)──▶ half-open: one probe call is let through
    half-open ──probe succeeds──▶ closed
    half-open ──probe fails──▶ open again, for twice as long (up to `max_reset_after`)

Only failures that say "the provider is unwell" count: retryable `ProviderError`s
(unavailable, timed out, rate limited). A refusal, a bad request or a garbage answer
means the provider answered, so it counts as a success; anything else (a bug, a
cancellation) counts as nothing. While the circuit is open, calls fail at once with
`CircuitOpen`, whose `retry_after` says when a probe may go through: job handlers hand
the job back to JetStream with that delay without counting it as an attempt.

The state lives in the process: each replica learns about the provider on its own.

Every call that goes through is a `provider <name>` span (its provider, model and outcome)
and an observation of `logokraft_provider_call_duration_seconds`; the state is exported as
`logokraft_circuit_breaker_state` and each opening counts in
`logokraft_circuit_breaker_opened_total` (metrics.py).
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from opentelemetry.trace import SpanKind

from logokraft_kit.metrics import BREAKER_OPENED, BREAKERS, PROVIDER_CALL_DURATION
from logokraft_kit.providers import ProviderError, ProviderUnavailable
from logokraft_kit.telemetry import Stopwatch, span

log = logging.getLogger(__name__)

T = TypeVar("T")

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitOpen(ProviderUnavailable):
    """The provider's circuit is open: the call was not made."""

    default_code = "provider_circuit_open"

    def __init__(self, provider: str, retry_after: float) -> None:
        super().__init__(
            f"The {provider} provider keeps failing, so calls to it are paused for "
            f"{retry_after:.0f}s; the work will resume on its own when it recovers.",
            retry_after=retry_after,
            provider=provider,
        )


def counts_as_failure(error: BaseException) -> bool:
    """True for errors that say the provider is unwell (not that our request was bad)."""
    return isinstance(error, ProviderError) and error.retryable


class CircuitBreaker:
    """Closed / open / half-open state of one provider, with a single half-open probe."""

    def __init__(
        self,
        provider: str,
        *,
        failure_threshold: int = 5,
        reset_after: float = 30.0,
        max_reset_after: float = 300.0,
        probe_timeout: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[float, float], float] = random.uniform,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_after <= 0:
            raise ValueError("reset_after must be positive")
        self.provider = provider
        self.failure_threshold = failure_threshold
        self.reset_after = reset_after
        self.max_reset_after = max(max_reset_after, reset_after)
        # A probe that never reports (its worker died) frees the slot after this long.
        self.probe_timeout = probe_timeout if probe_timeout is not None else 600.0
        self._clock = clock
        self._jitter = jitter
        self._failures = 0
        self._open_for = reset_after
        self._opened_at: float | None = None
        self._probe_started: float | None = None
        reference = weakref.ref(self)
        BREAKERS.track(provider, lambda: b.state if (b := reference()) else CLOSED)

    @property
    def state(self) -> str:
        """ "closed", "open" or "half_open" (open whose wait is over)."""
        if self._opened_at is None:
            return CLOSED
        if self._clock() - self._opened_at < self._open_for:
            return OPEN
        return HALF_OPEN

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go through now (taking the probe slot if so)."""
        state = self.state
        if state == CLOSED:
            return
        now = self._clock()
        if state == OPEN:
            assert self._opened_at is not None
            remaining = self._opened_at + self._open_for - now
            raise CircuitOpen(self.provider, remaining + self._spread())
        probe_busy = self._probe_started is not None and (
            now - self._probe_started < self.probe_timeout
        )
        if probe_busy:
            raise CircuitOpen(self.provider, self._spread())
        self._probe_started = now
        log.info("%s circuit half-open: letting one probe call through", self.provider)

    def record_success(self) -> None:
        """The provider answered: close the circuit."""
        if self._opened_at is not None:
            log.info("%s circuit closed: the provider answered again", self.provider)
        self._failures = 0
        self._open_for = self.reset_after
        self._opened_at = None
        self._probe_started = None

    def record_failure(self) -> None:
        """The provider failed: count it, and open the circuit at the threshold."""
        now = self._clock()
        if self._opened_at is not None:
            if self._probe_started is None:
                return  # a call that started before the circuit opened; already counted
            # The probe failed: stay open, for longer.
            self._open_for = min(self._open_for * 2, self.max_reset_after)
            self._opened_at = now
            self._probe_started = None
            BREAKER_OPENED.labels(self.provider).inc()
            log.warning(
                "%s circuit re-opened for %.0fs: the probe failed", self.provider, self._open_for
            )
            return
        self._failures += 1
        if self._failures >= self.failure_threshold:
            self._opened_at = now
            self._open_for = self.reset_after
            BREAKER_OPENED.labels(self.provider).inc()
            log.warning(
                "%s circuit opened for %.0fs after %d failures in a row",
                self.provider,
                self._open_for,
                self._failures,
            )

    def release(self) -> None:
        """A call ended without saying anything about the provider: free the probe slot."""
        self._probe_started = None

    def record(self, error: BaseException | None) -> None:
        """Record the outcome of a call that went through `before_call`."""
        if error is None:
            self.record_success()
        elif counts_as_failure(error):
            self.record_failure()
        elif isinstance(error, ProviderError):
            self.record_success()  # the provider answered; the request was the problem
        else:
            self.release()

    @contextlib.contextmanager
    def guarding(self, *, model: str | None = None) -> Iterator[None]:
        """One call through the breaker: raises CircuitOpen before it when the circuit is
        open; traces and times it, and records its outcome when the block ends.

        A generator closed early (its reader had enough) counts as a success.
        """
        self.before_call()
        stopwatch = Stopwatch()
        outcome: BaseException | None = None
        try:
            with span(
                f"provider {self.provider}",
                kind=SpanKind.CLIENT,
                provider=self.provider,
                model=model,
            ) as call:
                yield
        except GeneratorExit:
            raise
        except BaseException as error:
            outcome = error
            raise
        finally:
            self.record(outcome)
            PROVIDER_CALL_DURATION.labels(self.provider, call.value).observe(stopwatch.seconds)

    async def call(self, fn: Callable[[], Awaitable[T]], *, model: str | None = None) -> T:
        """Await `fn()` through the breaker."""
        with self.guarding(model=model):
            return await fn()

    def _spread(self) -> float:
        """A short random wait, so jobs held back do not all come back at once."""
        return self._jitter(0.5, 1.0) * min(self.reset_after, 5.0)


def breaker_from_settings(provider: str, settings: Any) -> CircuitBreaker:
    """A breaker for `provider` as a service's settings describe (see `WorkerSettings`)."""
    return CircuitBreaker(
        provider,
        failure_threshold=settings.breaker_failures,
        reset_after=settings.breaker_reset_s,
        max_reset_after=settings.breaker_max_reset_s,
        probe_timeout=settings.draw_timeout_s,
    )
