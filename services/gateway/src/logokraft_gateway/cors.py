"""Cross-origin requests: which browser pages of other origins may call the API.

Off unless LOGOKRAFT_CORS_ORIGINS names origins: then Starlette's CORSMiddleware answers
preflights (OPTIONS) and puts `Access-Control-Allow-Origin` on every answer to an allowed
origin — errors (401, 404, 413, 422, 429 with Retry-After, an unexpected exception's 500)
and SSE streams included. It wraps the whole app, Starlette's ServerErrorMiddleware (which
answers that 500 outside all `add_middleware` middleware) and the request metrics included:
preflights are not timed. Credentials are bearer tokens in the Authorization header (or a
stream URL's own token), never cookies, so no `Allow-Credentials`.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from logokraft_gateway.idempotency import REPLAYED_HEADER
from logokraft_kit.logs import REQUEST_ID_HEADER

ALLOWED_METHODS = ("GET", "POST", "DELETE")
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "Last-Event-ID",
    REQUEST_ID_HEADER,
)
# Response headers a page may read beyond the CORS-safelisted ones (Content-Type, ...).
EXPOSED_HEADERS = (
    "Retry-After",
    REPLAYED_HEADER,
    "WWW-Authenticate",
    "Content-Disposition",
    REQUEST_ID_HEADER,
)
PREFLIGHT_MAX_AGE_S = 600


def allow_cross_origin(app: FastAPI, origins: list[str]) -> None:
    """Let pages of `origins` call the app (around everything else); nothing when empty."""
    if not origins:
        return
    build = app.build_middleware_stack  # Starlette's, or tracing's wrapper of it

    def build_with_cors() -> ASGIApp:
        return CORSMiddleware(
            build(),
            allow_origins=origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=PREFLIGHT_MAX_AGE_S,
        )

    app.build_middleware_stack = build_with_cors  # type: ignore[method-assign]
