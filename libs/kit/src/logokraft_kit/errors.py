"""Domain errors shared by the services, and their one mapping to gRPC status codes.

LogoKraftError
├── InvalidArgument     – the request is malformed          → INVALID_ARGUMENT
├── NotFound            – no such thing for this caller      → NOT_FOUND
├── AlreadyExists       – the id is taken                    → ALREADY_EXISTS
├── Conflict            – not allowed in the current state   → FAILED_PRECONDITION
├── ResourceExhausted   – a limit was reached                → RESOURCE_EXHAUSTED (+ retry-after)
├── Unauthenticated     – no usable caller identity          → UNAUTHENTICATED
└── Unavailable         – a dependency is down, retry later  → UNAVAILABLE

An error may carry a `reason` (a stable snake_case code, e.g. `daily_image_limit`) and a
`retry_after` (seconds); the gRPC interceptor sends both as trailing metadata,
and the gateway turns them into its error code and the `Retry-After` header.
"""

from __future__ import annotations

import math
import re

import grpc

RETRY_AFTER_METADATA_KEY = "retry-after"
REASON_METADATA_KEY = "logokraft-reason"
_REASON = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class LogoKraftError(Exception):
    """Base of all domain errors; `message` is safe to show to the user."""

    status_code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(
        self, message: str, *, reason: str | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        if reason is not None and not _REASON.match(reason):
            raise ValueError(f"reason must be snake_case, not {reason!r}")
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after must not be negative")
        self.message = message
        self.reason = reason
        self.retry_after = retry_after

    def trailing_metadata(self) -> tuple[tuple[str, str], ...]:
        """The reason and the whole seconds to wait (rounded up), as gRPC trailing metadata."""
        metadata: list[tuple[str, str]] = []
        if self.reason is not None:
            metadata.append((REASON_METADATA_KEY, self.reason))
        if self.retry_after is not None:
            metadata.append((RETRY_AFTER_METADATA_KEY, str(math.ceil(self.retry_after))))
        return tuple(metadata)


class InvalidArgument(LogoKraftError):
    """The request is malformed."""

    status_code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(LogoKraftError):
    """The thing does not exist for this caller."""

    status_code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(LogoKraftError):
    """The id is already taken."""

    status_code = grpc.StatusCode.ALREADY_EXISTS


class Conflict(LogoKraftError):
    """The operation is not allowed in the current state."""

    status_code = grpc.StatusCode.FAILED_PRECONDITION


class ResourceExhausted(LogoKraftError):
    """A limit was reached; `retry_after` says when trying again can succeed, if it can."""

    status_code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Unauthenticated(LogoKraftError):
    """The call carries no usable caller identity."""

    status_code = grpc.StatusCode.UNAUTHENTICATED


class Unavailable(LogoKraftError):
    """A dependency is down; the caller may retry."""

    status_code = grpc.StatusCode.UNAVAILABLE
