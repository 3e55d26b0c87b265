"""How the caller's identity travels from the gateway to the services.

The gateway verifies the user's JWT and forwards the user id in gRPC metadata;
services run every user-facing query under that identity, so Row Level
Security holds even where service code forgets a filter.
"""

from __future__ import annotations

import uuid

from logokraft_kit.errors import InvalidArgument

USER_ID_METADATA_KEY = "x-logokraft-user-id"


def parse_uuid(value: str, *, what: str) -> uuid.UUID:
    """Parse a UUID or raise InvalidArgument naming the field."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise InvalidArgument(f"{what} must be a UUID, got {value!r}") from None
