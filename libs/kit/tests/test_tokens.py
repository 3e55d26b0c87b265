"""Bearer tokens: users' access tokens by the gateway's rules, and services' tokens for a user."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from logokraft_kit.errors import Unauthenticated
from logokraft_kit.tokens import (
    SERVICE_AUDIENCE,
    SERVICE_ISSUER,
    SERVICE_TOKEN_TTL_SECONDS,
    Caller,
    CallerVerifier,
    ServiceTokens,
    UserTokens,
)

USER_SECRET = "user-token-secret-for-the-kit-unit-tests-0123456789"
SERVICE_SECRET = "service-token-secret-for-the-kit-unit-tests-012345"
OTHER_SECRET = "some-other-deployments-secret-0123456789-abcdefgh"
ISSUER = "logokraft-local"
AUDIENCE = "authenticated"
ALICE = uuid.UUID("7d4f0b6e-2f0a-4a39-8f7e-3c1a9b2d5e01")
BOB = uuid.UUID("0b9c6f52-91d3-4f5e-a7c2-6e8d4b1f3a02")


def users() -> UserTokens:
    return UserTokens(hs256_secret=USER_SECRET, issuer=ISSUER, audience=AUDIENCE)


def verifier(service: str = "prompt") -> CallerVerifier:
    return CallerVerifier(users=users(), services=ServiceTokens(SERVICE_SECRET, service=service))


def user_claims(user: uuid.UUID = ALICE, **overrides: object) -> dict:
    now = int(time.time())
    claims: dict = {
        "sub": str(user),
        "role": "authenticated",
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def user_token(user: uuid.UUID = ALICE, *, secret: str = USER_SECRET, **overrides: object) -> str:
    return jwt.encode(user_claims(user, **overrides), secret, algorithm="HS256")


async def refused(token: str, *, by: CallerVerifier | None = None) -> str:
    """The message a token is refused with (failing when it is accepted)."""
    with pytest.raises(Unauthenticated) as raised:
        await (by or verifier()).caller(token)
    return raised.value.message


# ---- users' access tokens ---------------------------------------------------------------------


async def test_a_users_hs256_token_names_the_user() -> None:
    assert await users().user_id(user_token(ALICE)) == ALICE
    assert await verifier().caller(user_token(BOB)) == Caller(user_id=BOB, service=None)


async def test_an_unsigned_token_is_refused() -> None:
    unsigned = jwt.encode(user_claims(), key=None, algorithm="none")
    assert "algorithm we do not accept" in await refused(unsigned)


async def test_an_asymmetric_token_is_refused_without_a_jwks() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    es256 = jwt.encode(user_claims(), key, algorithm="ES256")
    assert "algorithm we do not accept" in await refused(es256)


async def test_a_token_signed_with_another_secret_is_refused() -> None:
    assert "invalid" in await refused(user_token(secret=OTHER_SECRET))


@pytest.mark.parametrize(
    "claims",
    [{"aud": "logokraft-stream"}, {"iss": "https://another.supabase.co/auth/v1"}],
    ids=["audience", "issuer"],
)
async def test_a_token_issued_for_someone_else_is_refused(claims: dict) -> None:
    assert "not issued for this service" in await refused(user_token(**claims))


async def test_an_expired_token_is_refused_past_the_leeway() -> None:
    now = int(time.time())
    expired = user_token(iat=now - 7200, exp=now - 3600)
    assert "expired" in await refused(expired)
    # a few seconds of clock skew between hosts is tolerated
    assert await users().user_id(user_token(iat=now - 3600, exp=now - 5)) == ALICE


@pytest.mark.parametrize("claim", ["iat", "nbf"])
async def test_a_token_from_a_clock_ahead_says_so(claim: str) -> None:
    """It said "The access token is invalid.", which a caller whose clock is off cannot act on."""
    now = int(time.time())
    ahead = user_token(**{claim: now + 600, "exp": now + 3600})
    assert "not valid yet" in await refused(ahead)
    assert "check the clocks" in await refused(ahead)
    # within the leeway it is taken
    assert await users().user_id(user_token(**{claim: now + 10, "exp": now + 3600})) == ALICE


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"sub": None}, "The access token is invalid: it has no `sub` claim."),
        ({"exp": None}, "The access token is invalid: it has no `exp` claim."),
        ({"sub": "not-a-uuid"}, "names no user"),
    ],
    ids=["no-subject", "no-expiry", "subject-not-a-user-id"],
)
async def test_a_token_without_the_required_claims_is_refused(claims: dict, message: str) -> None:
    assert message in await refused(user_token(**claims))


async def test_a_malformed_token_is_refused() -> None:
    assert "malformed" in await refused("not-a-jwt")


# ---- service tokens ---------------------------------------------------------------------------


async def test_a_service_token_names_the_user_and_the_calling_service() -> None:
    token = ServiceTokens(SERVICE_SECRET, service="gateway").mint(ALICE)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == SERVICE_AUDIENCE and claims["iss"] == SERVICE_ISSUER
    assert claims["svc"] == "gateway" and claims["sub"] == str(ALICE)
    assert claims["exp"] - claims["iat"] == SERVICE_TOKEN_TTL_SECONDS
    expected = Caller(user_id=ALICE, service="gateway")
    assert ServiceTokens(SERVICE_SECRET, service="refine").verify(token) == expected
    assert await verifier("refine").caller(token) == expected


async def test_a_service_token_signed_with_another_secret_is_refused() -> None:
    forged = ServiceTokens(OTHER_SECRET, service="gateway").mint(ALICE)
    assert "invalid" in await refused(forged)


async def test_a_user_token_claiming_the_service_audience_is_refused() -> None:
    """Signed with the users' secret, it must not pass as a service token (nor as a user's)."""
    posing = user_token(aud=SERVICE_AUDIENCE, iss=SERVICE_ISSUER, svc="gateway")
    assert "invalid" in await refused(posing)
    with pytest.raises(Unauthenticated):
        await users().user_id(posing)


async def test_a_service_token_naming_no_service_is_refused() -> None:
    now = int(time.time())
    claims = {"iss": SERVICE_ISSUER, "aud": SERVICE_AUDIENCE, "sub": str(ALICE)}
    token = jwt.encode({**claims, "iat": now, "exp": now + 60}, SERVICE_SECRET, algorithm="HS256")
    assert "names no calling service" in await refused(token)


async def test_a_service_token_is_not_a_users_access_token() -> None:
    token = ServiceTokens(SERVICE_SECRET, service="gateway").mint(ALICE)
    with pytest.raises(Unauthenticated):
        await UserTokens(hs256_secret=SERVICE_SECRET, issuer=ISSUER, audience=AUDIENCE).user_id(
            token
        )


async def test_an_expired_service_token_is_refused() -> None:
    stale = ServiceTokens(SERVICE_SECRET, service="gateway").mint(ALICE, now=time.time() - 3600)
    assert "expired" in await refused(stale)


def test_a_fresh_service_token_is_reused_and_a_new_one_minted_past_half_its_life() -> None:
    tokens = ServiceTokens(SERVICE_SECRET, service="gateway", ttl_seconds=300)
    start = time.time() - 200  # so that every moment below is already past
    first = tokens.mint(ALICE, now=start)
    assert tokens.mint(ALICE, now=start + 100) == first
    assert tokens.mint(BOB, now=start + 100) != first
    renewed = tokens.mint(ALICE, now=start + 151)
    assert renewed != first
    assert tokens.mint(ALICE, now=start + 160) == renewed
    expiry = jwt.decode(renewed, options={"verify_signature": False})["exp"]
    assert expiry == int(start + 151) + 300
    assert tokens.verify(renewed) == Caller(user_id=ALICE, service="gateway")
