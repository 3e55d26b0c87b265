"""Bearer tokens: Supabase Auth user JWTs (HS256 secret or JWKS) and per-project stream tokens.

Stream tokens are minted here, and so are the stream URLs that carry them; routes ask the
app's state (state.py) for one instead of building it themselves.

Users' access tokens are verified by kit's rules (logokraft_kit.tokens), the same every
service applies to internal callers; this module turns their failures into 401 (or 503 when
the JWKS cannot be fetched). Algorithms are pinned per key and `none` is never accepted.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import jwt

from logokraft_gateway.errors import ApiError, unauthenticated
from logokraft_kit.errors import Unauthenticated, Unavailable
from logokraft_kit.tokens import UserTokens, decode, subject, unverified_audience

STREAM_AUDIENCE = "logokraft-stream"
STREAM_ISSUER = "logokraft-gateway"
# Where a project's events are streamed (api/routes/projects.py serves it under /api/v1).
STREAM_PATH = "/api/v1/projects/{project_id}/stream"
URL_TOKEN_REFUSED = (
    "Only stream tokens may be sent in the URL; send access tokens in the Authorization header."
)


@dataclass(frozen=True)
class StreamGrant:
    """What a stream token allows: one user watching one project."""

    user_id: uuid.UUID
    project_id: uuid.UUID


class TokenVerifier:
    """Verifies user access tokens; mints and verifies stream tokens and their stream URLs."""

    def __init__(self, *, users: UserTokens, stream_key: str) -> None:
        self._users = users
        self._stream_key = stream_key

    async def user_id(self, token: str) -> uuid.UUID:
        """The verified user id of a user access token; 401 ApiError otherwise."""
        with _as_http():
            return await self._users.user_id(token)

    def mint_stream_token(self, *, user_id: uuid.UUID, project_id: uuid.UUID, ttl: int) -> str:
        """A short-lived token that lets a browser EventSource follow one project."""
        now = int(time.time())
        claims = {
            "sub": str(user_id),
            "pid": str(project_id),
            "aud": STREAM_AUDIENCE,
            "iss": STREAM_ISSUER,
            "iat": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, self._stream_key, algorithm="HS256")

    def stream_url(
        self, *, base_url: str, user_id: uuid.UUID, project_id: uuid.UUID, ttl: int
    ) -> str:
        """The project's absolute SSE URL, carrying a stream token for this user and project."""
        token = self.mint_stream_token(user_id=user_id, project_id=project_id, ttl=ttl)
        return f"{base_url}{STREAM_PATH.format(project_id=project_id)}?access_token={token}"

    def stream_grant(self, token: str) -> StreamGrant:
        """The grant of a stream token sent in a URL; 401 for any other token.

        A URL ends up in access logs, browser history and Referer headers, so the only token
        accepted there is a stream token: its own audience, one project, short-lived. A user's
        access token in a query string is refused (it belongs in the Authorization header).
        """
        with _as_http():
            if unverified_audience(token) != STREAM_AUDIENCE:
                raise unauthenticated(URL_TOKEN_REFUSED)
            try:
                claims = decode(
                    token,
                    self._stream_key,
                    algorithm="HS256",
                    audience=STREAM_AUDIENCE,
                    issuer=STREAM_ISSUER,
                )
            except Unauthenticated as error:
                raise Unauthenticated(_as_stream_token(error.message)) from None
            user_id = subject(claims)
        try:
            project_id = uuid.UUID(str(claims.get("pid")))
        except ValueError:
            raise unauthenticated("The stream token names no project.") from None
        return StreamGrant(user_id=user_id, project_id=project_id)


STREAM_TOKEN_EXPIRED = (
    "The stream token in this URL has expired (they last an hour); open the stream with your "
    "access token in the Authorization header instead, or make a new request for a new "
    "stream_url."
)


def _as_stream_token(message: str) -> str:
    """Kit's words for a refused token, about the stream token a URL carries: 'sign in
    again' does not help with a stream_url an hour old."""
    if "expired" in message:
        return STREAM_TOKEN_EXPIRED
    return message.replace("access token", "stream token")


@contextlib.contextmanager
def _as_http() -> Iterator[None]:
    """Kit's token failures as the gateway answers them: 401, or 503 for unreachable keys."""
    try:
        yield
    except Unauthenticated as error:
        raise unauthenticated(error.message) from None
    except Unavailable as error:
        raise ApiError(503, "auth_keys_unavailable", error.message) from None
