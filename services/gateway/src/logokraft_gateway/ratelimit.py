"""HTTP rate limits per user and per client IP, a cap on open streams per user, and who may
start generation.

Every refusal is a 429 (`rate_limited` or `too_many_streams`) with Retry-After and the JSON
error shape, counted in `logokraft_limit_refusals_total{limit=...}` with one of the fixed
labels below. Counters live in this process's memory (`limits`' moving windows): with
several gateway replicas each counts its own share.
"""

from __future__ import annotations

import functools
import math
import time
import uuid
from collections.abc import Callable

import jwt
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from pydantic import Field, field_validator

from logokraft_gateway.errors import ApiError
from logokraft_kit.metrics import LIMIT_REFUSALS
from logokraft_kit.settings import EnvSettings

# The `limit` label of each refusal (a fixed set: never a user id or an address).
PER_USER, PER_IP, GENERATION, STREAMS = (
    "rate_per_user",
    "rate_per_ip",
    "rate_generation",
    "streams_per_user",
)
_SCOPES = {
    PER_USER: "from your account",
    PER_IP: "from your network address",
    GENERATION: "to create logos from your account",
}
STREAM_RETRY_AFTER_S = 5


def parse_rate(value: str) -> list[RateLimitItem]:
    """The limits of a setting like "120/minute" or "20/minute;200/hour"; [] = unlimited."""
    text = value.strip()
    if text in ("", "0"):
        return []
    return list(parse_many(text))


def _valid_rate(value: str) -> str:
    try:
        parse_rate(value)
    except ValueError:
        raise ValueError(
            'must be a rate like "120/minute" or "20/minute;200/hour", or 0 for no limit'
        ) from None
    return value


class RateLimitSettings(EnvSettings):
    """HTTP rate limits (a `limits` rate string; "" or "0" = unlimited) and stream caps."""

    rate_limit_per_user: str = Field(
        "120/minute",
        alias="LOGOKRAFT_RATE_LIMIT_PER_USER",
        description="Requests to /api/v1 by one signed-in user.",
    )
    rate_limit_per_ip: str = Field(
        "300/minute",
        alias="LOGOKRAFT_RATE_LIMIT_PER_IP",
        description="Requests to /api/v1 from one client address (signed in or not).",
    )
    rate_limit_generation: str = Field(
        "20/minute",
        alias="LOGOKRAFT_RATE_LIMIT_GENERATION",
        description="Requests that start generation (POST /projects, POST /assets/{id}/refine) "
        "by one user, on top of the per-user limit.",
    )
    max_streams_per_user: int = Field(
        10,
        alias="LOGOKRAFT_MAX_STREAMS_PER_USER",
        ge=0,
        description="Project streams one user may hold open at once; 0 = unlimited.",
    )
    allow_anonymous_generation: bool = Field(
        False,
        alias="LOGOKRAFT_ALLOW_ANONYMOUS_GENERATION",
        description="Whether Supabase anonymous users (is_anonymous) may start generation.",
    )

    _check_rates = field_validator(
        "rate_limit_per_user", "rate_limit_per_ip", "rate_limit_generation"
    )(_valid_rate)


@functools.cache
def _from_environment() -> RateLimitSettings:
    return RateLimitSettings()


def rate_settings(settings: object) -> RateLimitSettings:
    """The app's rate-limit settings: its own when it has them, else the environment's."""
    return settings if isinstance(settings, RateLimitSettings) else _from_environment()


class RateLimiter:
    """Moving-window counters in memory, one per limit and key."""

    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._parsed: dict[str, list[RateLimitItem]] = {}

    async def hit(self, limit: str, rate: str, key: str) -> None:
        """Count one request of `key` against `rate`; a 429 ApiError when it is over."""
        items = self._parsed.get(rate)
        if items is None:
            items = self._parsed[rate] = parse_rate(rate)
        for item in items:
            if await self._limiter.hit(item, limit, key):
                continue
            stats = await self._limiter.get_window_stats(item, limit, key)
            wait = max(1, math.ceil(stats.reset_time - time.time()))
            LIMIT_REFUSALS.labels(limit=limit).inc()
            raise ApiError(
                429,
                "rate_limited",
                f"Too many requests {_SCOPES[limit]} (at most {item}); try again in {wait} s.",
                headers={"Retry-After": str(wait)},
            )


class StreamSlots:
    """How many streams each user holds open; a slot is taken before the stream starts."""

    def __init__(self) -> None:
        self._open: dict[uuid.UUID, int] = {}

    def count(self, user: uuid.UUID) -> int:
        """The user's open streams."""
        return self._open.get(user, 0)

    def take(self, user: uuid.UUID, maximum: int) -> Callable[[], None]:
        """Take one of the user's slots, or a 429 ApiError; returns its (idempotent) release."""
        held = self.count(user)
        if maximum and held >= maximum:
            LIMIT_REFUSALS.labels(limit=STREAMS).inc()
            raise ApiError(
                429,
                "too_many_streams",
                f"You have {held} project streams open, the most allowed at once; close one "
                f"(or wait for one to end), then try again in {STREAM_RETRY_AFTER_S} s.",
                headers={"Retry-After": str(STREAM_RETRY_AFTER_S)},
            )
        self._open[user] = held + 1
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            left = self._open.get(user, 0) - 1
            if left > 0:
                self._open[user] = left
            else:
                self._open.pop(user, None)

        return release


def is_anonymous(verified_token: str) -> bool:
    """Whether a token, ALREADY VERIFIED by the caller, is a Supabase anonymous user's."""
    try:
        claims = jwt.decode(verified_token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return claims.get("is_anonymous") is True


def refuse_anonymous() -> ApiError:
    """The 403 of an anonymous user starting generation."""
    return ApiError(
        403,
        "anonymous_generation_forbidden",
        "Guest (anonymous) sessions cannot create logos; sign in with an account, then try again.",
    )
