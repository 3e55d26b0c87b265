"""Development identities: Supabase-shaped bearer tokens signed with the data dir's key."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import jwt

from logokraft_kit.datadir import secret
from logokraft_kit.local_auth import JWT_SECRET_NAME, LOCAL_AUDIENCE, LOCAL_ISSUER

DEV_ISSUER = LOCAL_ISSUER
DEV_AUDIENCE = LOCAL_AUDIENCE
_DEV_USER_NAMESPACE = uuid.UUID("6f1b1f0e-6c8e-4f3a-9d0e-4c0ca7a1e001")


def dev_user_id(name: str) -> uuid.UUID:
    """The stable user id of a named development user ("dev", "bob", ...)."""
    return uuid.uuid5(_DEV_USER_NAMESPACE, name)


def mint_token(
    signing_secret: str,
    user_id: uuid.UUID | str,
    *,
    issuer: str = DEV_ISSUER,
    audience: str = DEV_AUDIENCE,
    ttl_seconds: int = 24 * 3600,
    email: str | None = None,
    now: float | None = None,
) -> str:
    """An HS256 access token with Supabase Auth's claims (sub, role, aud, iss, iat, exp)."""
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": str(user_id),
        "role": "authenticated",
        "aud": audience,
        "iss": issuer,
        "iat": issued,
        "exp": issued + ttl_seconds,
    }
    if email:
        claims["email"] = email
    return jwt.encode(claims, signing_secret, algorithm="HS256")


def dev_token(
    data_dir: Path,
    name: str = "dev",
    *,
    issuer: str = DEV_ISSUER,
    secrets_dir: Path | None = None,
) -> str:
    """A token for the named development user, signed with this data directory's key (kept
    in `secrets_dir` when LOGOKRAFT_SECRETS_DIR moves it)."""
    return mint_token(
        secret(data_dir, JWT_SECRET_NAME, folder=secrets_dir),
        dev_user_id(name),
        issuer=issuer,
        email=f"{name}@logokraft.local",
    )
