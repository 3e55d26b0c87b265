"""Ids from the wire, and the old identity header that is no longer a credential.

A call's caller is whoever its `authorization` token names, verified by the server's
interceptor (grpc_server.py, tokens.py); services run every user-facing query under that
identity, so Row Level Security holds even where service code forgets a filter.
`USER_ID_METADATA_KEY` is the header the gateway once sent instead: a call that carries
only it is refused, with a hint.
"""

from __future__ import annotations

import uuid

from logokraft_kit.errors import InvalidArgument

USER_ID_METADATA_KEY = "x-logokraft-user-id"


# How much of a value that is not a UUID its error quotes: enough to recognise it. The whole
# of a long one would not fit in the status (gRPC refuses trailers past 16 KiB, so the caller
# got RESOURCE_EXHAUSTED "received metadata size exceeds hard limit" instead of the reason).
QUOTED_CHARS = 40


def parse_uuid(value: str, *, what: str) -> uuid.UUID:
    """Parse a UUID or raise InvalidArgument naming the field (quoting a long value's start)."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise InvalidArgument(f"{what} must be a UUID, got {_quoted(value)}") from None


def _quoted(value: object) -> str:
    text = str(value)
    if len(text) <= QUOTED_CHARS:
        return repr(text)
    return f"{text[:QUOTED_CHARS]!r}... ({len(text)} characters)"
