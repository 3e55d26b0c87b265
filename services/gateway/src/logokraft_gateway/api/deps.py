"""FastAPI dependencies as `Annotated` aliases: app state, the verified caller, Idempotency-Key."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from logokraft_gateway.errors import unauthenticated
from logokraft_gateway.idempotency import (
    IDEMPOTENCY_HEADER,
    KEY_DESCRIPTION,
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    Idempotency,
    check_key,
)
from logokraft_gateway.state import GatewayState

_bearer = HTTPBearer(auto_error=False, description="A Supabase Auth (or dev) access token.")


def get_state(request: Request) -> GatewayState:
    """The running app's state."""
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(get_state)]
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def get_current_user(state: State, credentials: BearerCredentials) -> uuid.UUID:
    """The verified user id of the bearer token; 401 when missing or invalid."""
    if credentials is None or not credentials.credentials:
        raise unauthenticated("Send an access token in the Authorization: Bearer header.")
    return await state.tokens.user_id(credentials.credentials)


CurrentUser = Annotated[uuid.UUID, Depends(get_current_user)]


async def get_idempotency(
    request: Request,
    state: State,
    user: CurrentUser,
    key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            description=KEY_DESCRIPTION,
            json_schema_extra={"maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
            examples=["6f1f2c7e-5d0b-4a53-9a52-2f7f4c1e8b3d"],
        ),
    ] = None,
) -> Idempotency:
    """The request's Idempotency-Key, checked and bound to the caller and the endpoint."""
    return Idempotency(
        key=check_key(key),
        user_id=user,
        endpoint=f"{request.method} {request.url.path}",
        store=state.idempotency,
        id_secret=state.settings.idempotency_id_key,
    )


IdempotencyKey = Annotated[Idempotency, Depends(get_idempotency)]
