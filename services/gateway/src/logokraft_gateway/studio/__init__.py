"""The studio: a small browser app served at `/`, static files with no build step.

It talks to the public /api/v1 like any other client (same origin, bearer token). None of
its routes are in the OpenAPI document. On the embedded default (users' tokens signed with
the data dir's local key, the gateway on a loopback address) it also offers
`POST /studio/dev-token`, the browser's `make token`: a token for the dev user. Anywhere else
that route does not exist (404), and the studio asks for a pasted access token instead. Where
it exists, a request sent under a name that is not a loopback one, or from another origin's
page, is refused (403).
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.errors import ApiError
from logokraft_kit.local_auth import LOCAL_AUDIENCE, LOCAL_ISSUER

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PATH = "/studio/static"
DEV_TOKEN_PATH = "/studio/dev-token"
DEV_USER = "dev"
DEV_TOKEN_TTL_SECONDS = 12 * 3600
# logokraft_dev.devtokens' namespace (the gateway may not import development tooling):
# the studio's dev user is the same user as `make token`'s (a test keeps the two equal).
_DEV_USER_NAMESPACE = uuid.UUID("6f1b1f0e-6c8e-4f3a-9d0e-4c0ca7a1e001")

# The page loads only its own files; images may come from storage on another origin.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob: http: https:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_PAGE_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def dev_user_id(name: str = DEV_USER) -> uuid.UUID:
    """The id of a named development user, as `make token` mints it."""
    return uuid.uuid5(_DEV_USER_NAMESPACE, name)


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def dev_sign_in_allowed(settings: GatewaySettings) -> bool:
    """Whether the studio may hand out dev-user tokens: only on the embedded default.

    That is: no LOGOKRAFT_JWT_SECRET and no SUPABASE_JWKS_URL (users' tokens are signed with
    the data dir's local key, which `make token` reads too), the local issuer, and a gateway
    that listens on, and is reached at, a loopback address: a stack other machines can reach
    never gives tokens to whoever asks.
    """
    return (
        settings.jwt_secret is None
        and not settings.jwks_url
        and settings.jwt_issuer == LOCAL_ISSUER
        and settings.jwt_audience == LOCAL_AUDIENCE
        and _loopback(settings.http_host)
        and _loopback(urlsplit(settings.public_base_url).hostname)
    )


def studio_router(settings: GatewaySettings) -> APIRouter:
    """`/`, `/studio/config` and, on the embedded default only, `/studio/dev-token`."""
    router = APIRouter(include_in_schema=False)
    dev_sign_in = dev_sign_in_allowed(settings)

    @router.get("/")
    async def studio_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=_PAGE_HEADERS)

    @router.get("/studio/config")
    async def studio_config(request: Request) -> dict[str, Any]:
        # Reached under a name that is not a loopback one, the dev token would be refused
        # (403, refuse_foreign_pages): the studio asks for an access token instead.
        return {"dev_sign_in": dev_sign_in and _loopback(_host(request)), "api": "/api/v1"}

    if dev_sign_in:

        @router.post(DEV_TOKEN_PATH)
        async def dev_token(request: Request) -> JSONResponse:
            refuse_foreign_pages(request)
            secret = settings.hs256_secret
            assert secret is not None  # the embedded default always has the local key
            token = mint_dev_token(secret)
            return JSONResponse(
                {
                    "access_token": token,
                    "token_type": "bearer",
                    "expires_in": DEV_TOKEN_TTL_SECONDS,
                    "user": DEV_USER,
                },
                headers={"Cache-Control": "no-store"},
            )

    return router


def _host(request: Request) -> str | None:
    """The host name the request was sent to (its Host header, without the port)."""
    return urlsplit(f"//{request.headers.get('host', '')}").hostname


def refuse_foreign_pages(request: Request) -> None:
    """403 unless the request comes from the studio's own page on a loopback host.

    A page of another site (allowed by LOGOKRAFT_CORS_ORIGINS, `*` above all) could otherwise
    read the dev user's token; a site whose name resolves to 127.0.0.1 (DNS rebinding) is
    same-origin to the browser, but its Host header is not a loopback name.

    403, not 404: the route exists on this gateway (a fact of its configuration, which
    /studio/config states anyway); this request is refused for where it comes from, and the
    message says what to do. 404 is for a gateway where the route does not exist at all.
    """
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    if not _loopback(_host(request)) or (origin is not None and origin != own):
        raise ApiError(
            403,
            "forbidden",
            "Dev sign-in is only for the studio served by this gateway on a loopback address: "
            "open it at http://127.0.0.1:<port>/ or http://localhost:<port>/, or sign in with "
            "an access token.",
        )


def mint_dev_token(secret: str, *, now: int | None = None) -> str:
    """A Supabase-shaped access token for the dev user, signed with the local key."""
    issued = int(now if now is not None else time.time())
    claims = {
        "sub": str(dev_user_id()),
        "role": "authenticated",
        "aud": LOCAL_AUDIENCE,
        "iss": LOCAL_ISSUER,
        "iat": issued,
        "exp": issued + DEV_TOKEN_TTL_SECONDS,
        "email": f"{DEV_USER}@logokraft.local",
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def install_studio(app: FastAPI, settings: GatewaySettings) -> None:
    """Serve the studio at `/` and its files under /studio/static (not in the OpenAPI)."""
    app.include_router(studio_router(settings))
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="studio-static")
