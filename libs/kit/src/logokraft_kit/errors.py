"""Domain errors shared by the services, and their one mapping to gRPC status codes.

LogoKraftError
├── InvalidArgument     – the request is malformed          → INVALID_ARGUMENT
├── NotFound            – no such thing for this caller      → NOT_FOUND
├── AlreadyExists       – the id is taken                    → ALREADY_EXISTS
├── Conflict            – not allowed in the current state   → FAILED_PRECONDITION
├── ResourceExhausted   – a limit was reached                → RESOURCE_EXHAUSTED
├── Unauthenticated     – no usable caller identity          → UNAUTHENTICATED
└── Unavailable         – a dependency is down, retry later  → UNAVAILABLE
"""

from __future__ import annotations

import grpc


class LogoKraftError(Exception):
    """Base of all domain errors; `message` is safe to show to the user."""

    status_code: grpc.StatusCode = grpc.StatusCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    """A limit was reached."""

    status_code = grpc.StatusCode.RESOURCE_EXHAUSTED


class Unauthenticated(LogoKraftError):
    """The call carries no usable caller identity."""

    status_code = grpc.StatusCode.UNAUTHENTICATED


class Unavailable(LogoKraftError):
    """A dependency is down; the caller may retry."""

    status_code = grpc.StatusCode.UNAVAILABLE
