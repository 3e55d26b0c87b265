"""FastAPI dependencies as `Annotated` aliases: app state, the verified caller, Idempotency-Key,
and the rate limits (per client IP, per user, for generation, open streams per user)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from logokraft_gateway.errors import ApiError, credentials_required
from logokraft_gateway.idempotency import (
    IDEMPOTENCY_HEADER,
    KEY_DESCRIPTION,
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    Idempotency,
    check_key,
)
from logokraft_gateway.ratelimit import (
    GENERATION,
    PER_IP,
    PER_USER,
    is_anonymous,
    rate_settings,
    refuse_anonymous,
)
from logokraft_gateway.state import GatewayState
from logokraft_kit.errors import Unauthenticated
from logokraft_kit.tokens import bearer_token

_bearer = HTTPBearer(auto_error=False, description="A Supabase Auth (or dev) access token.")


def get_state(request: Request) -> GatewayState:
    """The running app's state."""
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(get_state)]


async def get_bearer_credentials(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],  # the OpenAPI scheme
) -> HTTPAuthorizationCredentials | None:
    """The bearer token of the request's one Authorization header (the scheme in any case,
    RFC 7235); None without one. 401 when there are several (only the first would be read,
    so a header added on the way would silently decide who is calling).

    A header of another scheme (`Basic` from a proxy in front) is not refused here: a stream
    may be opened with its stream token in the URL all the same. `missing_token` says what
    was wrong with it when a route needs the token.
    """
    sent = request.headers.getlist("authorization")
    if len(sent) > 1:
        raise ApiError(
            401,
            "unauthenticated",
            f"The request carries {len(sent)} Authorization headers; send exactly one.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_request"'},
        )
    try:
        token = bearer_token(sent[0]) if sent else ""
    except Unauthenticated:
        return None
    return HTTPAuthorizationCredentials(scheme="Bearer", credentials=token) if token else None


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(get_bearer_credentials)]


async def limit_client_ip(request: Request, state: State) -> None:
    """Count the request against its client address's rate limit (429 when over).

    The address is the TCP peer's, or the X-Forwarded-For of a trusted proxy as uvicorn's
    proxy_headers applied it.
    """
    address = request.client.host if request.client else "unknown"
    rate = rate_settings(state.settings).rate_limit_per_ip
    await state.rate_limiter.hit(PER_IP, rate, address)


async def refuse_repeated_query(request: Request) -> None:
    """422 for a query parameter sent twice (`?limit=5&limit=50`): no parameter takes several
    values, and reading only one of them would answer a question the client did not ask."""
    names = request.query_params.keys()
    repeated = next((name for name in names if len(request.query_params.getlist(name)) > 1), None)
    if repeated is not None:
        raise ApiError(
            422,
            "validation_error",
            f"The query parameter {repeated} is invalid: it was sent more than once; send it once.",
            details=[{"field": repeated, "location": "query", "message": "sent more than once"}],
        )


async def get_current_user(
    request: Request, state: State, credentials: BearerCredentials
) -> uuid.UUID:
    """The verified user id of the bearer token, within the user's rate limit.

    401 when the token is missing or invalid, 429 when the user sent too many requests.
    """
    if credentials is None or not credentials.credentials:
        raise missing_token(request, "Send an access token in the Authorization: Bearer header.")
    user = await state.tokens.user_id(credentials.credentials)
    await limit_user(state, user)
    return user


def missing_token(request: Request, absent: str) -> ApiError:
    """The 401 for a request without a bearer token: `absent` when it sent no Authorization
    header, else what is wrong with the one it sent (another scheme, no scheme, no token) and
    what to send instead. Never the header's value: it may be a password."""
    sent = request.headers.get("authorization", "")
    if not sent.strip():
        return credentials_required(absent)
    try:
        bearer_token(sent)
    except Unauthenticated as error:
        return credentials_required(error.message)
    return credentials_required(absent)


async def limit_user(state: GatewayState, user: uuid.UUID) -> None:
    """Count a request of a verified user against the per-user rate limit (429 when over)."""
    await state.rate_limiter.hit(
        PER_USER, rate_settings(state.settings).rate_limit_per_user, str(user)
    )


CurrentUser = Annotated[uuid.UUID, Depends(get_current_user)]


async def get_generating_user(
    state: State, user: CurrentUser, credentials: BearerCredentials
) -> uuid.UUID:
    """The verified user, allowed to start generation: 403 for an anonymous user (unless
    configured), 429 over the generation rate limit."""
    settings = rate_settings(state.settings)
    # The token was verified by get_current_user above; only its claims are read here.
    token = credentials.credentials if credentials is not None else ""
    if not settings.allow_anonymous_generation and is_anonymous(token):
        raise refuse_anonymous()
    await state.rate_limiter.hit(GENERATION, settings.rate_limit_generation, str(user))
    return user


GeneratingUser = Annotated[uuid.UUID, Depends(get_generating_user)]


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
    if len(request.headers.getlist(IDEMPOTENCY_HEADER)) > 1:
        # Only the first would be read: a retry whose headers came in another order would
        # make the work twice.
        raise ApiError(
            400,
            "invalid_idempotency_key",
            f"The {IDEMPOTENCY_HEADER} header was sent more than once; send one key.",
            details=[
                {
                    "field": IDEMPOTENCY_HEADER,
                    "location": "header",
                    "message": "sent more than once",
                }
            ],
        )
    return Idempotency(
        key=check_key(key),
        user_id=user,
        endpoint=f"{request.method} {request.url.path}",
        store=state.idempotency,
        id_secret=state.settings.idempotency_id_key,
    )


IdempotencyKey = Annotated[Idempotency, Depends(get_idempotency)]
