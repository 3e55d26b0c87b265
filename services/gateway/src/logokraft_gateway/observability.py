"""What the gateway tells its operator: request metrics, request traces, ids on log lines.

- `RequestMetrics` (ASGI middleware) times every HTTP request into
  `logokraft_http_request_duration_seconds{method, route, status}`, by route template
  (`/api/v1/projects/{project_id}`), never by raw path, so ids never become labels.
- `instrument` adds OpenTelemetry's FastAPI instrumentation when tracing is on (see
  logokraft_kit.telemetry): one server span per request, continued by the gRPC calls the
  request makes. Health probes are not traced.
- `bind_request_ids` (a router dependency) puts the path's project and asset ids on the
  request's span and on every log line the request writes.
- `with_request_ids` wraps the whole app, outside CORS and Starlette's 500 handler, so every
  answer, an unexpected 500 and a preflight included, carries `X-Request-ID`: the client's
  own when it sent one sane id, else a new one. The id is on every log line of the request
  (the access line too), in every error body (errors.py), and in the metadata of the
  request's gRPC calls (clients.py), so the services' lines of the request carry it as well.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from logokraft_gateway.head import scope_method
from logokraft_kit.logs import (
    REQUEST_ID_HEADER,
    current_log_context,
    log_context,
    request_id_or_new,
)
from logokraft_kit.metrics import HTTP_REQUEST_DURATION
from logokraft_kit.telemetry import annotate, tracing_enabled

UNMATCHED_ROUTE = "unmatched"  # the route label of requests no route matched (404s)
UNTRACED = "healthz,readyz"  # probes: no span, every few seconds from an orchestrator


class RequestMetrics:
    """Times each HTTP request by method, route template and status code."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._templates: dict[int, str] | None = None  # id(route) -> full path template
        self._endpoints: dict[int, str] = {}  # id(endpoint) -> path, of Starlette's routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers: an exception before the response is a 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            HTTP_REQUEST_DURATION.labels(
                scope_method(scope), self._route(scope), str(status)
            ).observe(time.perf_counter() - started)

    def _route(self, scope: Scope) -> str:
        """The matched route's whole template, e.g. `/api/v1/projects/{project_id}`.

        A route of an included router knows only its own part of the path
        (`/projects/{project_id}`); FastAPI's route contexts give the whole one.
        """
        if self._templates is None:
            self._templates, self._endpoints = _templates(scope["app"].routes)
        route: Any = scope.get("route")
        if route is None:
            # FastAPI names only its own routes in the scope; a Starlette route (the docs, the
            # OpenAPI document) or mount (the studio's files) leaves its endpoint there.
            endpoint = scope.get("endpoint")
            return (
                self._endpoints.get(id(endpoint), UNMATCHED_ROUTE) if endpoint else UNMATCHED_ROUTE
            )
        return self._templates.get(id(route)) or getattr(route, "path", UNMATCHED_ROUTE)


def _templates(routes: list[Any]) -> tuple[dict[int, str], dict[int, str]]:
    """The whole path template of every route, by id of the route and of a Starlette
    route's or mount's endpoint (`/studio/static/{path:path}` for a mount)."""
    templates: dict[int, str] = {}
    endpoints: dict[int, str] = {}
    for context in iter_route_contexts(routes):
        if context.path:
            templates[id(context.original_route)] = context.path
    for route in routes:
        if isinstance(route, Mount):
            endpoints[id(route.app)] = f"{route.path}/{{path:path}}"
        elif isinstance(route, Route) and not isinstance(route, APIRoute):
            endpoints[id(route.endpoint)] = route.path
    return templates, endpoints


async def bind_request_ids(request: Request) -> None:
    """Put the path's project and asset ids, and the request's id, on the request's span and
    log lines (the id is bound already: RequestIds runs before the span starts)."""
    params = request.path_params
    annotate(
        project_id=params.get("project_id"),
        asset_id=params.get("asset_id"),
        request_id=current_log_context().get("request_id"),
    )


class RequestIds:
    """Binds the request's id to its log lines and answers it in `X-Request-ID`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = Headers(scope=scope).getlist(REQUEST_ID_HEADER)
        request_id = request_id_or_new(sent[0] if len(sent) == 1 else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with log_context(request_id=request_id):
            await self.app(scope, receive, send_with_id)


def with_request_ids(app: FastAPI) -> None:
    """Put `RequestIds` around everything the app builds (call it last)."""
    build = app.build_middleware_stack

    def build_with_ids() -> ASGIApp:
        return RequestIds(build())

    app.build_middleware_stack = build_with_ids  # type: ignore[method-assign]


def instrument(app: FastAPI) -> None:
    """Time every request; trace every request when tracing is on."""
    app.add_middleware(RequestMetrics)
    if tracing_enabled():
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        # The per-message `receive`/`send` spans would be one per SSE frame.
        FastAPIInstrumentor.instrument_app(
            app, excluded_urls=UNTRACED, exclude_spans=["receive", "send"]
        )
