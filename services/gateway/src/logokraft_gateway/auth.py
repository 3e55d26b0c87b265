"""Bearer tokens: Supabase Auth user JWTs (HS256 secret or JWKS) and per-project stream tokens.

Stream tokens are minted here, and so are the stream URLs that carry them; routes ask the
app's state (state.py) for one instead of building it themselves.

Algorithms are pinned per key: the HS256 secret only verifies HS256 tokens, JWKS keys only
verify ES256/RS256 tokens, and `none` is never accepted.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

import jwt

from logokraft_gateway.errors import ApiError, unauthenticated

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
STREAM_AUDIENCE = "logokraft-stream"
STREAM_ISSUER = "logokraft-gateway"
LEEWAY_SECONDS = 30
# Where a project's events are streamed (api/routes/projects.py serves it under /api/v1).
STREAM_PATH = "/api/v1/projects/{project_id}/stream"


@dataclass(frozen=True)
class StreamGrant:
    """What a stream token allows: one user watching one project."""

    user_id: uuid.UUID
    project_id: uuid.UUID


class TokenVerifier:
    """Verifies user access tokens; mints and verifies stream tokens and their stream URLs."""

    def __init__(
        self,
        *,
        hs256_secret: str,
        issuer: str,
        audience: str,
        stream_key: str,
        jwks_url: str | None = None,
        jwks_cache_seconds: int = 300,
    ) -> None:
        self._secret = hs256_secret
        self._issuer = issuer
        self._audience = audience
        self._stream_key = stream_key
        self._jwks = (
            jwt.PyJWKClient(
                jwks_url, cache_keys=True, lifespan=max(jwks_cache_seconds, 1), timeout=5
            )
            if jwks_url
            else None
        )

    async def user_id(self, token: str) -> uuid.UUID:
        """The verified user id of a user access token; 401 ApiError otherwise."""
        algorithm = _header_algorithm(token)
        if algorithm == "HS256":
            key: object = self._secret
        elif algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            key = await asyncio.to_thread(self._signing_key, token)
        else:
            raise unauthenticated("The access token is signed with an algorithm we do not accept.")
        claims = _decode(
            token, key, algorithm=algorithm, audience=self._audience, issuer=self._issuer
        )
        return _subject(claims)

    def _signing_key(self, token: str) -> object:
        assert self._jwks is not None
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError:
            raise ApiError(
                503,
                "auth_keys_unavailable",
                "We could not fetch the token keys; try again shortly.",
            ) from None
        except jwt.PyJWKClientError:
            raise unauthenticated("The access token's signing key is unknown.") from None

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

    def stream_grant(self, token: str) -> StreamGrant | None:
        """The grant of a stream token; None when the token is not a stream token at all."""
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise unauthenticated("The access token is malformed.") from None
        if unverified.get("aud") != STREAM_AUDIENCE:
            return None
        claims = _decode(
            token,
            self._stream_key,
            algorithm="HS256",
            audience=STREAM_AUDIENCE,
            issuer=STREAM_ISSUER,
        )
        try:
            project_id = uuid.UUID(str(claims.get("pid")))
        except ValueError:
            raise unauthenticated("The stream token names no project.") from None
        return StreamGrant(user_id=_subject(claims), project_id=project_id)


def _header_algorithm(token: str) -> str:
    try:
        return str(jwt.get_unverified_header(token).get("alg", ""))
    except jwt.PyJWTError:
        raise unauthenticated("The access token is malformed.") from None


def _decode(token: str, key: object, *, algorithm: str, audience: str, issuer: str) -> dict:
    try:
        return jwt.decode(
            token,
            key,  # type: ignore[arg-type]
            algorithms=[algorithm],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise unauthenticated("The access token has expired; sign in again.") from None
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
        raise unauthenticated("The access token was not issued for this service.") from None
    except jwt.PyJWTError:
        raise unauthenticated("The access token is invalid.") from None


def _subject(claims: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(claims["sub"]))
    except (KeyError, ValueError):
        raise unauthenticated("The access token names no user.") from None
