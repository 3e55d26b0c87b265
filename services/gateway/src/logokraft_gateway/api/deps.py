"""FastAPI dependencies as `Annotated` aliases: the app's state and the verified caller."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from logokraft_gateway.errors import unauthenticated
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
