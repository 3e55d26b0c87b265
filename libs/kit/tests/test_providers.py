"""Tests for the provider error hierarchy, parse_duration and call_with_retries."""

from __future__ import annotations

import pytest

from logokraft_kit.providers import (
    BadProviderResponse,
    ContentRejected,
    DesignRejected,
    InvalidProviderRequest,
    ProviderAuthError,
    ProviderError,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
    call_with_retries,
    google_error,
    parse_duration,
)


class Script:
    """Raises the queued errors one call at a time, then returns 'done'."""

    def __init__(self, *errors: ProviderError) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


class Sleeps:
    """A fake sleep that records pauses and advances a fake clock."""

    def __init__(self) -> None:
        self.pauses: list[float] = []
        self.now = 0.0

    async def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("error_type", "code", "retryable"),
    [
        (ContentRejected, "content_rejected", False),
        (RateLimited, "rate_limited", True),
        (QuotaExhausted, "quota_exhausted", False),
        (ProviderUnavailable, "provider_unavailable", True),
        (ProviderAuthError, "provider_auth", False),
        (InvalidProviderRequest, "invalid_request", False),
        (BadProviderResponse, "bad_provider_response", False),
        (DesignRejected, "design_rejected", False),
    ],
)
def test_error_classes_carry_code_and_retryability(
    error_type: type[ProviderError], code: str, retryable: bool
) -> None:
    error = error_type("Try again later.")
    assert isinstance(error, ProviderError)
    assert (error.code, error.retryable, error.message) == (code, retryable, "Try again later.")
    assert str(error) == "Try again later."


def test_code_can_be_overridden_for_timeouts() -> None:
    error = ProviderUnavailable("The provider timed out.", code="provider_timeout")
    assert error.code == "provider_timeout"
    assert error.retryable


@pytest.mark.parametrize(
    ("text", "seconds"), [("47s", 47.0), ("1.5s", 1.5), ("0s", 0.0), (" 3s ", 3.0), (".5s", 0.5)]
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["47", "s", "1m", "abc", ""])
def test_parse_duration_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="Duration"):
        parse_duration(text)


async def test_returns_at_once_without_sleeping() -> None:
    sleeps = Sleeps()
    fn = Script()
    assert await call_with_retries(fn, sleep=sleeps) == "done"
    assert (fn.calls, sleeps.pauses) == (1, [])


async def test_retries_retryable_errors_with_bounded_exponential_jitter() -> None:
    sleeps = Sleeps()
    fn = Script(ProviderUnavailable("down"), ProviderUnavailable("down"), RateLimited("slow"))
    result = await call_with_retries(fn, base_delay=1.0, max_delay=3.0, sleep=sleeps)
    assert result == "done"
    assert fn.calls == 4
    assert len(sleeps.pauses) == 3
    for pause, cap in zip(sleeps.pauses, [1.0, 2.0, 3.0], strict=True):
        assert 0.0 <= pause <= cap


async def test_retry_after_is_a_floor_on_the_pause() -> None:
    sleeps = Sleeps()
    fn = Script(RateLimited("slow down", retry_after=47.0))
    assert await call_with_retries(fn, base_delay=0.1, max_delay=1.0, sleep=sleeps) == "done"
    assert sleeps.pauses == [47.0]


@pytest.mark.parametrize(
    "error",
    [
        ContentRejected("no"),
        QuotaExhausted("no more today"),
        InvalidProviderRequest("bad"),
        ProviderAuthError("key"),
        BadProviderResponse("garbage"),
    ],
)
async def test_never_retries_non_retryable_errors(error: ProviderError) -> None:
    sleeps = Sleeps()
    fn = Script(error)
    with pytest.raises(type(error)) as raised:
        await call_with_retries(fn, sleep=sleeps)
    assert raised.value is error
    assert (fn.calls, sleeps.pauses) == (1, [])


async def test_gives_up_with_the_last_error_after_max_attempts() -> None:
    sleeps = Sleeps()
    errors = [ProviderUnavailable(f"down {n}") for n in range(5)]
    fn = Script(*errors)
    with pytest.raises(ProviderUnavailable) as raised:
        await call_with_retries(fn, max_attempts=3, sleep=sleeps)
    assert raised.value is errors[2]
    assert (fn.calls, len(sleeps.pauses)) == (3, 2)


async def test_gives_up_when_the_next_pause_would_pass_the_deadline() -> None:
    sleeps = Sleeps()
    fn = Script(RateLimited("slow", retry_after=4.0), RateLimited("slower", retry_after=4.0))
    with pytest.raises(RateLimited, match="slower"):
        await call_with_retries(fn, deadline=6.0, sleep=sleeps, clock=sleeps.clock)
    assert fn.calls == 2
    assert sleeps.pauses == [4.0]


async def test_does_not_catch_other_exceptions() -> None:
    async def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        await call_with_retries(broken, sleep=Sleeps())


def _google_body(code: int, status: str, *details: dict[str, object]) -> dict[str, object]:
    return {"error": {"code": code, "message": "m", "status": status, "details": list(details)}}


_RETRY_INFO = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "12.5s"}


def _quota(quota_id: str) -> dict[str, object]:
    return {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        "violations": [{"quotaId": quota_id, "quotaMetric": "generate_content_requests"}],
    }


def test_google_429_per_minute_is_rate_limited_with_retry_delay() -> None:
    body = _google_body(429, "RESOURCE_EXHAUSTED", _quota("RequestsPerMinutePerModel"), _RETRY_INFO)
    error = google_error(429, body)
    assert isinstance(error, RateLimited)
    assert error.retry_after == 12.5


def test_google_429_per_day_is_quota_exhausted() -> None:
    body = _google_body(429, "RESOURCE_EXHAUSTED", _quota("RequestsPerDayPerModel"), _RETRY_INFO)
    assert isinstance(google_error(429, body), QuotaExhausted)


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        (400, "INVALID_ARGUMENT", InvalidProviderRequest),
        (403, "PERMISSION_DENIED", ProviderAuthError),
        (404, "NOT_FOUND", InvalidProviderRequest),
        (500, "INTERNAL", ProviderUnavailable),
        (503, "UNAVAILABLE", ProviderUnavailable),
    ],
)
def test_google_statuses(code: int, status: str, expected: type[ProviderError]) -> None:
    assert type(google_error(code, _google_body(code, status))) is expected


def test_google_504_is_a_timeout_and_junk_bodies_are_tolerated() -> None:
    assert google_error(504, "not json at all").code == "provider_timeout"
    assert isinstance(google_error(429, {"error": "weird"}), RateLimited)


def test_google_invalid_api_key_is_an_auth_error() -> None:
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}
    assert isinstance(
        google_error(400, _google_body(400, "INVALID_ARGUMENT", info)), ProviderAuthError
    )
