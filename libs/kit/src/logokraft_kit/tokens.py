"""Bearer tokens, verified by the same rules in every process: users' and services' tokens.

    user access token   a Supabase Auth JWT (HS256 with the project's JWT secret, or ES256/RS256
                        from its JWKS), or a local dev token; `sub` is the user
    service token       a short-lived HS256 JWT a LogoKraft process mints to call another on a
                        user's behalf: `aud` "logokraft-services", `sub` the user, `svc` the
                        calling service; signed with the deployment's service-token secret

Algorithms are pinned per key: the HS256 user secret only verifies HS256 user tokens, JWKS
keys only verify ES256/RS256 tokens, the service secret only verifies service tokens (whose
audience no user token may carry), and `none` is never accepted. With a JWKS and no HS256
secret, HS256 user tokens are refused. The JWKS is fetched at most once per minimum refresh
interval (JwksKeys): a token naming an unknown key between fetches is refused without one.
Every failure raises `Unauthenticated` with a sentence a person can act on (or
`Unavailable` when the JWKS cannot be fetched); transports map those once (gRPC status in
grpc_server.py, HTTP in the gateway).

Why a shared secret for service tokens rather than a key pair per service: every service
already holds database credentials that reach every user's rows, so a service that could
forge another's token gains nothing it does not have; what the token must prove is that
the caller is one of the deployment's services, which the secret does, with nothing to
distribute but one value (and, locally, nothing at all: it lives in the secrets directory).
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import jwt

from logokraft_kit.errors import Unauthenticated, Unavailable

ASYMMETRIC_ALGORITHMS = ("ES256", "RS256")
SERVICE_AUDIENCE = "logokraft-services"
SERVICE_ISSUER = "logokraft-service"
SERVICE_TOKEN_TTL_SECONDS = 300
MAX_SERVICE_TOKEN_LIFETIME_SECONDS = 3600  # a longer-lived service token is refused
LEEWAY_SECONDS = 30
JWKS_MIN_REFRESH_SECONDS = 60.0  # a JWKS is fetched at most once per this interval


@dataclass(frozen=True)
class Caller:
    """Who a call is made for (`user_id`) and, for a service token, which service made it."""

    user_id: uuid.UUID
    service: str | None = None


class UserTokens:
    """Verifies users' access tokens: HS256 with the JWT secret, or ES256/RS256 from a JWKS.

    Without an HS256 secret (`hs256_secret=None`: a JWKS is configured and no JWT secret was
    given), HS256 user tokens are refused outright.
    """

    def __init__(
        self,
        *,
        hs256_secret: str | None,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        jwks_cache_seconds: int = 300,
        jwks_min_refresh_seconds: float = JWKS_MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._secret = hs256_secret
        self._issuer = issuer
        self._audience = audience
        self._jwks = (
            JwksKeys(
                jwks_url,
                cache_seconds=jwks_cache_seconds,
                min_refresh_seconds=jwks_min_refresh_seconds,
                clock=clock,
            )
            if jwks_url
            else None
        )

    async def user_id(self, token: str) -> uuid.UUID:
        """The verified user id of an access token; Unauthenticated otherwise."""
        algorithm = header_algorithm(token)
        if algorithm == "HS256" and self._secret is not None:
            key: object = self._secret
        elif algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            key = await asyncio.to_thread(self._jwks.key_for, token)
        else:
            raise Unauthenticated("The access token is signed with an algorithm we do not accept.")
        claims = decode(
            token, key, algorithm=algorithm, audience=self._audience, issuer=self._issuer
        )
        return subject(claims)


class JwksKeys:
    """The signing keys of a JWKS URL, refetched at most once per `min_refresh_seconds`.

    Keys are kept for `cache_seconds`; a token naming a `kid` the set lacks causes a refetch
    (a key may have been rotated in) only when the last fetch is at least `min_refresh_seconds`
    old, so a flood of tokens with made-up kids costs one fetch per interval, not one each.
    Between refreshes such a token is refused without any fetch.
    """

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300,
        min_refresh_seconds: float = JWKS_MIN_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        timeout_s: float = 5,
    ) -> None:
        self._client = jwt.PyJWKClient(
            url, cache_jwk_set=False, cache_keys=False, timeout=timeout_s
        )
        self._cache_seconds = max(cache_seconds, min_refresh_seconds, 1)
        self._min_refresh = max(min_refresh_seconds, 0)
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, object] = {}
        self._fetched_at: float | None = None  # of the last fetch that succeeded
        self._attempted_at: float | None = None  # of the last fetch, whatever its outcome
        self._failed = False

    def key_for(self, token: str) -> object:
        """The public key that verifies `token` (by its `kid`); Unauthenticated when unknown."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise Unauthenticated("The access token is malformed.") from None
        if not isinstance(kid, str) or not kid:
            raise Unauthenticated("The access token names no signing key.")
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at >= self._cache_seconds
            if (stale or kid not in self._keys) and self._may_fetch(now):
                self._fetch(now)
            elif stale and self._failed:
                raise _keys_unavailable()
            key = self._keys.get(kid)
        if key is None:
            raise Unauthenticated("The access token's signing key is unknown.")
        return key

    def _may_fetch(self, now: float) -> bool:
        return self._attempted_at is None or now - self._attempted_at >= self._min_refresh

    def _fetch(self, now: float) -> None:
        self._attempted_at = now
        try:
            data = self._client.fetch_data()
            keys = jwt.PyJWKSet.from_dict(data).keys
        except jwt.PyJWKClientConnectionError:
            self._failed = True
            if self._fetched_at is None or now - self._fetched_at >= self._cache_seconds:
                raise _keys_unavailable() from None
            return  # a transient outage: the keys fetched recently still verify
        except jwt.PyJWTError:
            self._failed = True
            raise _keys_unavailable() from None
        self._failed = False
        self._fetched_at = now
        self._keys = {
            key.key_id: key.key
            for key in keys
            if key.key_id and key.public_key_use in (None, "sig")
        }


def _keys_unavailable() -> Unavailable:
    return Unavailable(
        "We could not fetch the token keys; try again shortly.", reason="auth_keys_unavailable"
    )


class ServiceTokens:
    """Mints and verifies service tokens: one service calling another for a user."""

    def __init__(
        self, secret: str, *, service: str, ttl_seconds: int = SERVICE_TOKEN_TTL_SECONDS
    ) -> None:
        self._secret = secret
        self._service = service
        self._ttl = ttl_seconds
        self._minted: dict[uuid.UUID, tuple[float, str]] = {}

    def mint(self, user_id: uuid.UUID, *, now: float | None = None) -> str:
        """A token that lets this service call another for `user_id` (reused while fresh)."""
        moment = time.time() if now is None else now
        cached = self._minted.get(user_id)
        if cached is not None and cached[0] - moment > self._ttl / 2:
            return cached[1]
        issued = int(moment)
        claims = {
            "iss": SERVICE_ISSUER,
            "aud": SERVICE_AUDIENCE,
            "sub": str(user_id),
            "svc": self._service,
            "iat": issued,
            "exp": issued + self._ttl,
        }
        token = jwt.encode(claims, self._secret, algorithm="HS256")
        if len(self._minted) > 10_000:  # a bound, not a policy: tokens are cheap to mint
            self._minted.clear()
        self._minted[user_id] = (issued + self._ttl, token)
        return token

    def verify(self, token: str) -> Caller:
        """The caller a service token names; Unauthenticated when it is not a valid one."""
        if header_algorithm(token) != "HS256":
            raise Unauthenticated("The service token is signed with an algorithm we do not accept.")
        claims = decode(
            token, self._secret, algorithm="HS256", audience=SERVICE_AUDIENCE, issuer=SERVICE_ISSUER
        )
        service = claims.get("svc")
        if not isinstance(service, str) or not service:
            raise Unauthenticated("The service token names no calling service.")
        lifetime = claims["exp"] - claims.get("iat", 0)
        if not isinstance(lifetime, int | float) or lifetime > MAX_SERVICE_TOKEN_LIFETIME_SECONDS:
            raise Unauthenticated(
                "The service token lives too long: service tokens are short-lived (an `iat` "
                f"and an `exp` at most {MAX_SERVICE_TOKEN_LIFETIME_SECONDS} s apart)."
            )
        return Caller(user_id=subject(claims), service=service)


class CallerVerifier:
    """Who a bearer token stands for: a user (their own token) or a service acting for one."""

    def __init__(self, *, users: UserTokens, services: ServiceTokens) -> None:
        self._users = users
        self._services = services

    async def caller(self, token: str) -> Caller:
        """The verified caller of a bearer token; Unauthenticated (or Unavailable) otherwise."""
        if unverified_audience(token) == SERVICE_AUDIENCE:
            return self._services.verify(token)
        return Caller(user_id=await self._users.user_id(token))


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,31}$")  # RFC 7230 token, short


def bearer_token(authorization: str, *, field: str = "Authorization") -> str:
    """The token of an `Authorization: Bearer <token>` value; the scheme is case-insensitive
    (RFC 7235 §2.1). Unauthenticated, saying what to send instead, for an empty value, a
    `Bearer` without a token, another scheme (`Basic`, `Token`) or a token without a scheme.

    `field` is how the caller's transport spells the header (`authorization` in gRPC
    metadata). The message names another scheme but never repeats what was sent after it.
    """
    send = f"send `{field}: Bearer <access token>`"
    words = authorization.strip().split(None, 1)
    if not words:
        raise Unauthenticated(f"The {field} header is empty; {send}.")
    scheme, token = words[0], (words[1].strip() if len(words) > 1 else "")
    if scheme.lower() == "bearer":
        if not token:
            raise Unauthenticated(f"The {field} header says Bearer but carries no token; {send}.")
        return token
    if not token:
        raise Unauthenticated(
            f"The {field} header carries a token without its scheme; put `Bearer ` before it: "
            f"{send}."
        )
    named = f"the {scheme} scheme" if _SCHEME.match(scheme) else "a scheme other than Bearer"
    raise Unauthenticated(
        f"The {field} header uses {named}; this API takes bearer tokens only: {send}."
    )


def header_algorithm(token: str) -> str:
    """The `alg` a token's header claims (not yet verified)."""
    try:
        return str(jwt.get_unverified_header(token).get("alg", ""))
    except jwt.PyJWTError:
        raise Unauthenticated("The access token is malformed.") from None


def unverified_audience(token: str) -> object:
    """The `aud` a token claims, before any check: only to choose which check applies."""
    try:
        return jwt.decode(token, options={"verify_signature": False}).get("aud")
    except jwt.PyJWTError:
        raise Unauthenticated("The access token is malformed.") from None


def decode(token: str, key: object, *, algorithm: str, audience: str, issuer: str) -> dict:
    """The token's claims, verified: signature, algorithm, audience, issuer, expiry."""
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
        raise Unauthenticated("The access token has expired; sign in again.") from None
    except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
        raise Unauthenticated("The access token was not issued for this service.") from None
    except jwt.ImmatureSignatureError:
        # Signed by us, but `iat`/`nbf` ahead of our clock past the leeway: a clock is off.
        raise Unauthenticated(
            "The access token is not valid yet (issued or valid from a time ahead of our "
            "clock); check the clocks of the machine that issued it and of this one."
        ) from None
    except jwt.MissingRequiredClaimError as error:
        raise Unauthenticated(
            f"The access token is invalid: it has no `{error.claim}` claim."
        ) from None
    except jwt.PyJWTError:
        raise Unauthenticated("The access token is invalid.") from None


def subject(claims: dict) -> uuid.UUID:
    """The user a verified token names."""
    try:
        return uuid.UUID(str(claims["sub"]))
    except (KeyError, ValueError):
        raise Unauthenticated("The access token names no user.") from None
