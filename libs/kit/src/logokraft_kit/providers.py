"""Transport-neutral errors of paid providers, and the one retry loop every adapter uses.

    ProviderError                  code, message, retryable, retry_after
    ├── ContentRejected            "content_rejected"      the provider refused the content
    ├── RateLimited                "rate_limited"          retryable, retry_after may be set
    ├── QuotaExhausted             "quota_exhausted"       per-day quota used up
    ├── ProviderUnavailable        "provider_unavailable"  5xx, overloaded ("provider_timeout")
    ├── ProviderAuthError          "provider_auth"         401/403: our key or account
    ├── InvalidProviderRequest     "invalid_request"       any other 4xx
    ├── BadProviderResponse        "bad_provider_response" garbage body, undecodable image
    └── DesignRejected             "design_rejected"       the local engine cannot draw this
                                                           design (a ValueError for its input)

Adapters translate SDK/HTTP failures into these (`google_error` does it for Google's
`google.rpc.Status` bodies); transports map them to status codes once.

`message` is a sentence LogoKraft wrote and may be shown to users; text the provider
controls (its error message, its error code, the model's own words) goes in `detail`, which
only operators see: `public_failure` turns an error into the user's message with a
reference id, and logs the detail under the same id. `call_with_retries`
is the one retry loop: full-jitter backoff, provider `retry_after` honoured.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import ClassVar, TypeVar

from logokraft_kit.metrics import PROVIDER_RETRIES

T = TypeVar("T")

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """A paid provider failed; `message` is a sentence a person can act on.

    `message` never quotes the provider: anything the provider said goes in `detail`,
    which is logged (see `public_failure`) and never shown to users.
    """

    default_code: ClassVar[str] = "provider_error"
    default_retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retry_after: float | None = None,
        provider: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.code = code or self.default_code
        self.retryable = self.default_retryable
        self.retry_after = retry_after
        self.provider = provider

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class ContentRejected(ProviderError):
    """The provider refused the prompt or its output as sensitive content."""

    default_code = "content_rejected"


class RateLimited(ProviderError):
    """Too many requests right now; try again after `retry_after` seconds if given."""

    default_code = "rate_limited"
    default_retryable = True


class QuotaExhausted(ProviderError):
    """A per-day (or billing) quota is used up; retrying today will not help."""

    default_code = "quota_exhausted"


class ProviderUnavailable(ProviderError):
    """The provider is down, overloaded or timed out."""

    default_code = "provider_unavailable"
    default_retryable = True


class ProviderAuthError(ProviderError):
    """The provider refused our credentials or account."""

    default_code = "provider_auth"


class InvalidProviderRequest(ProviderError):
    """The provider rejected the request as malformed."""

    default_code = "invalid_request"


class BadProviderResponse(ProviderError):
    """The provider answered with something we cannot use."""

    default_code = "bad_provider_response"


class DesignRejected(ProviderError):
    """The local logo engine rejected its input (a spec, a brief, an edit) with a ValueError.

    The engine is a pure function of its input, so the same input fails the same way every
    time: retrying cannot help, and the failure is the request's, not an internal one. The
    engine's own words go in `detail` (logged), since they may quote the input.
    """

    default_code = "design_rejected"


_DETAIL_LIMIT = 2000  # characters of provider text kept in a log line


def new_reference() -> str:
    """A short random id that ties a user's error message to the log line with its detail."""
    return secrets.token_hex(6)


def public_failure(error: ProviderError, *, what: str = "provider call") -> tuple[str, str]:
    """(code, message for users) for a failed provider call; log the whole story once.

    The message is the error's own sentence (written by LogoKraft) plus a reference id; the
    log line (WARNING, with the project and asset ids of the log context) carries the same
    id, the provider, the code and the provider's detail, so support can find it.
    """
    reference = new_reference()
    detail = (error.detail or "")[:_DETAIL_LIMIT]
    log.warning(
        "%s failed: ref=%s provider=%s code=%s message=%r detail=%r",
        what,
        reference,
        error.provider or "unknown",
        error.code,
        error.message,
        detail,
    )
    message = error.message.rstrip()
    return error.code, f"{message} (ref {reference})"


async def call_with_retries(
    fn: Callable[[], Awaitable[T]],
    *,
    max_attempts: int = 4,
    base_delay: float = 0.5,
    max_delay: float = 30.0,
    deadline: float | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Await `fn()`, retrying retryable ProviderErrors with full-jitter exponential backoff.

    A `retry_after` from the provider is a floor on the pause. The last error is re-raised
    when attempts run out or the next pause would end past `deadline` (seconds from start).
    """
    started = clock()
    attempt = 1
    while True:
        try:
            return await fn()
        except ProviderError as exc:
            if not exc.retryable or attempt >= max_attempts:
                raise
            pause = backoff_delay(attempt, base_delay=base_delay, max_delay=max_delay)
            if exc.retry_after is not None:
                pause = max(pause, exc.retry_after)
            if deadline is not None and clock() - started + pause > deadline:
                raise
            PROVIDER_RETRIES.labels(exc.provider or "unknown", exc.code).inc()
            await sleep(pause)
            attempt += 1


def backoff_delay(attempt: int, *, base_delay: float, max_delay: float) -> float:
    """Full jitter: uniform in [0, min(max_delay, base_delay * 2**(attempt-1))]."""
    return random.uniform(0.0, min(max_delay, base_delay * 2 ** (attempt - 1)))


_DURATION = re.compile(r"^\s*(-?\d+(?:\.\d*)?|-?\.\d+)s\s*$")


def parse_duration(value: str) -> float:
    """Seconds in a google.protobuf.Duration's JSON form: "47s" -> 47.0, "1.5s" -> 1.5."""
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"not a protobuf Duration: {value!r}")
    return float(match.group(1))


# ---- Google APIs (google.rpc.Status bodies), shared by every Gemini adapter -------------------

_RPC_TYPE = "type.googleapis.com/google.rpc."
_PER_DAY_MARKERS = ("perday", "per_day", "daily")


def google_error(http_status: int, body: object, *, provider: str = "gemini") -> ProviderError:
    """Translate a Google API error (HTTP status + `{"error": google.rpc.Status}` body)."""
    status, message, details = _rpc_status(body)
    if http_status == 429 or status == "RESOURCE_EXHAUSTED":
        if _names_daily_quota(details):
            return QuotaExhausted(
                f"The {provider} daily quota is used up; try again tomorrow or raise the quota.",
                provider=provider,
            )
        return RateLimited(
            f"The {provider} provider is rate limiting requests; try again shortly.",
            retry_after=_retry_delay(details),
            provider=provider,
        )
    said = f"HTTP {http_status} {status or ''}: {message}".strip()
    if http_status in (401, 403) or _error_reason(details) == "API_KEY_INVALID":
        return ProviderAuthError(
            f"The {provider} provider refused our credentials; check the API key.",
            provider=provider,
            detail=said,
        )
    if http_status in (408, 504) or status == "DEADLINE_EXCEEDED":
        return ProviderUnavailable(
            f"The {provider} provider timed out; try again.",
            code="provider_timeout",
            provider=provider,
        )
    if http_status >= 500:
        return ProviderUnavailable(
            f"The {provider} provider is unavailable or overloaded; try again later.",
            provider=provider,
            detail=said,
        )
    return InvalidProviderRequest(
        f"The {provider} provider rejected the request; try again, and contact support "
        "if it keeps failing.",
        provider=provider,
        detail=said,
    )


def _rpc_status(body: object) -> tuple[str | None, str, list[dict[str, object]]]:
    """(status, message, details) from `{"error": {...}}` or a bare Status; tolerant of junk."""
    error = body.get("error", body) if isinstance(body, dict) else {}
    if not isinstance(error, dict):
        error = {}
    details = error.get("details")
    details = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    status = error.get("status")
    return (status if isinstance(status, str) else None), str(error.get("message", "")), details


def _of_type(details: list[dict[str, object]], name: str) -> list[dict[str, object]]:
    return [detail for detail in details if detail.get("@type") == _RPC_TYPE + name]


def _names_daily_quota(details: list[dict[str, object]]) -> bool:
    for failure in _of_type(details, "QuotaFailure"):
        violations = failure.get("violations")
        for violation in violations if isinstance(violations, list) else []:
            names = f"{violation.get('quotaId', '')} {violation.get('quotaMetric', '')}"
            if any(marker in names.lower() for marker in _PER_DAY_MARKERS):
                return True
    return False


def _retry_delay(details: list[dict[str, object]]) -> float | None:
    for info in _of_type(details, "RetryInfo"):
        delay = info.get("retryDelay")
        if isinstance(delay, str):
            try:
                return parse_duration(delay)
            except ValueError:
                return None
    return None


def _error_reason(details: list[dict[str, object]]) -> str | None:
    for info in _of_type(details, "ErrorInfo"):
        reason = info.get("reason")
        if isinstance(reason, str):
            return reason
    return None
