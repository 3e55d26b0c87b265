"""CORS (LOGOKRAFT_CORS_ORIGINS): off by default; when on, preflights answered for the allowed
origins only, and the allow-origin and exposed headers on every answer, errors and streams too."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pydantic
import pytest

from logokraft.v1 import common_pb2
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings, parse_origins

DEV = dev_user_id("dev")
STUDIO = "https://studio.example.com"
LOCAL = "http://localhost:3000"
OTHER = "https://evil.example.net"
ORIGINS = f" {STUDIO}/ , {LOCAL},{LOCAL}"  # spaces, a trailing slash and a repeat are fine


def cors_settings(settings: GatewaySettings, origins: str, **more) -> GatewaySettings:
    values = {
        field.alias or name: getattr(settings, name)
        for name, field in GatewaySettings.model_fields.items()
        if field.alias in settings.model_fields_set or name in settings.model_fields_set
    }
    return GatewaySettings(**values, LOGOKRAFT_CORS_ORIGINS=origins, **more)


async def _client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
def cors_app(settings):
    return create_app(cors_settings(settings, ORIGINS))


@pytest.fixture
async def cors_client(cors_app) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(cors_app):
        yield http


def preflight(origin: str, method: str = "POST", headers: str = "") -> dict[str, str]:
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return asked


def header_list(response: httpx.Response, name: str) -> set[str]:
    return {part.strip().lower() for part in response.headers.get(name, "").split(",") if part}


# ---- settings ------------------------------------------------------------------------------


def test_origins_are_parsed_as_browsers_send_them(settings):
    assert GatewaySettings(LOGOKRAFT_DATA_DIR=settings.data_dir).cors_origins == []
    parsed = cors_settings(settings, ORIGINS).cors_origins
    assert parsed == [STUDIO, LOCAL]
    assert parse_origins("*") == ["*"]
    assert parse_origins("HTTPS://Studio.Example.com:443,http://[::1]:8000,http://x.test:80/") == [
        "https://studio.example.com",
        "http://[::1]:8000",
        "http://x.test",
    ]
    assert parse_origins(" , ") == []


@pytest.mark.parametrize(
    "origins",
    ["studio.example.com", "https://studio.example.com/app", "ftp://x.example.com",
     "https://u:p@x.example.com", "https://x.example.com?x=1", "https://",
     "http://localhost:port"],
)  # fmt: skip
def test_malformed_origins_are_refused_at_startup(settings, origins):
    with pytest.raises(pydantic.ValidationError, match="LOGOKRAFT_CORS_ORIGINS"):
        cors_settings(settings, origins)


# ---- off by default ------------------------------------------------------------------------


async def test_without_origins_there_are_no_cors_headers(client, auth):
    response = await client.get("/api/v1/usage", headers={**auth, "Origin": STUDIO})
    assert response.status_code == 200
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
    refused = await client.options(
        "/api/v1/projects", headers=preflight(STUDIO, headers="authorization")
    )
    assert refused.status_code == 405  # as before: no preflight is answered
    assert "access-control-allow-origin" not in refused.headers


# ---- preflights ----------------------------------------------------------------------------


@pytest.mark.parametrize("origin", [STUDIO, LOCAL])
async def test_preflight_of_an_allowed_origin_is_answered(cors_client, origin):
    response = await cors_client.options(
        "/api/v1/projects",
        headers=preflight(origin, "POST", "authorization, content-type, idempotency-key"),
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == origin
    assert {"get", "post", "delete"} <= header_list(response, "access-control-allow-methods")
    allowed = header_list(response, "access-control-allow-headers")
    assert {"authorization", "content-type", "idempotency-key", "last-event-id"} <= allowed
    assert int(response.headers["access-control-max-age"]) > 0
    assert "access-control-allow-credentials" not in response.headers  # bearer tokens only


async def test_preflight_of_the_stream_allows_last_event_id(cors_client):
    response = await cors_client.options(
        "/api/v1/projects/00000000-0000-0000-0000-000000000001/stream",
        headers=preflight(STUDIO, "GET", "authorization, last-event-id"),
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == STUDIO


async def test_preflight_of_another_origin_is_refused(cors_client):
    response = await cors_client.options(
        "/api/v1/projects", headers=preflight(OTHER, "POST", "authorization")
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_preflight_of_a_header_not_allowed_is_refused(cors_client):
    response = await cors_client.options(
        "/api/v1/projects", headers=preflight(STUDIO, "POST", "authorization, x-secret")
    )
    assert response.status_code == 400


# ---- answers -------------------------------------------------------------------------------


async def test_answers_carry_the_origin_and_the_exposed_headers(cors_client, auth):
    response = await cors_client.get("/api/v1/usage", headers={**auth, "Origin": STUDIO})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == STUDIO
    exposed = header_list(response, "access-control-expose-headers")
    assert {"retry-after", "idempotent-replayed", "www-authenticate"} <= exposed
    assert "origin" in header_list(response, "vary")


async def test_another_origin_gets_the_answer_without_cors_headers(cors_client, auth):
    response = await cors_client.get("/api/v1/usage", headers={**auth, "Origin": OTHER})
    assert response.status_code == 200  # the browser, not the server, withholds it
    assert "access-control-allow-origin" not in response.headers


async def test_errors_carry_cors_headers(cors_client, auth):
    origin = {"Origin": STUDIO}
    unauthenticated = await cors_client.get("/api/v1/projects", headers=origin)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["access-control-allow-origin"] == STUDIO
    assert "www-authenticate" in header_list(unauthenticated, "access-control-expose-headers")

    missing = await cors_client.get(
        "/api/v1/projects/00000000-0000-0000-0000-000000000001", headers={**auth, **origin}
    )
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == STUDIO

    too_large = await cors_client.post(
        "/api/v1/assets/00000000-0000-0000-0000-000000000001/refine",
        headers={**auth, **origin, "Content-Type": "application/json"},
        content=b"x" * (1024 * 1024),
    )
    assert too_large.status_code == 413  # refused by the body-limit middleware, inside CORS
    assert too_large.headers["access-control-allow-origin"] == STUDIO


async def test_an_unexpected_exceptions_500_carries_cors_headers(cors_app):
    async def boom() -> None:
        raise RuntimeError("a bug")

    cors_app.add_api_route("/api/v1/boom", boom)
    async with cors_app.router.lifespan_context(cors_app):
        transport = httpx.ASGITransport(app=cors_app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/api/v1/boom", headers={"Origin": STUDIO})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert response.headers["access-control-allow-origin"] == STUDIO


async def test_a_rate_limited_answer_exposes_retry_after(settings, auth):
    app = create_app(cors_settings(settings, STUDIO, LOGOKRAFT_RATE_LIMIT_PER_USER="1/minute"))
    async for http in _client(app):
        headers = {**auth, "Origin": STUDIO}
        assert (await http.get("/api/v1/usage", headers=headers)).status_code == 200
        limited = await http.get("/api/v1/usage", headers=headers)
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.headers["access-control-allow-origin"] == STUDIO
        assert "retry-after" in header_list(limited, "access-control-expose-headers")


async def test_any_origin_with_a_star(settings, auth):
    app = create_app(cors_settings(settings, "*"))
    async for http in _client(app):
        response = await http.get("/api/v1/usage", headers={**auth, "Origin": OTHER})
        assert response.headers["access-control-allow-origin"] == "*"


async def test_the_event_stream_carries_cors_headers(settings, fake, auth):
    from logokraft_dev.asgi import serve_asgi

    project = fake.add_project(DEV)
    done = common_pb2.ProjectDone(status=common_pb2.PROJECT_STATUS_COMPLETED)
    fake.events[project.id] = [
        common_pb2.ProjectEvent(sequence=1, snapshot=project),
        common_pb2.ProjectEvent(sequence=2, done=done),
    ]
    project.event_sequence = 2
    app = create_app(cors_settings(settings, ORIGINS))
    async with (
        serve_asgi(app, lifespan="on") as base_url,
        httpx.AsyncClient(timeout=10) as http,
        http.stream(
            "GET",
            f"{base_url}/api/v1/projects/{project.id}/stream",
            headers={**auth, "Origin": LOCAL},
        ) as response,
    ):
        body = (await response.aread()).decode()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["access-control-allow-origin"] == LOCAL
    assert "event: done" in body


# ---- make run ------------------------------------------------------------------------------


def test_make_run_allows_the_studio_and_a_local_front_end_unless_told(tmp_path, settings):
    from logokraft_dev.devstack.stack import Infra, stack_context

    infra = Infra("nats://127.0.0.1:4222", "postgresql://x", True, True)
    env = stack_context(tmp_path, infra, {"LOGOKRAFT_HTTP_PORT": "8123"}).child_env("gateway")
    origins = cors_settings(settings, env["LOGOKRAFT_CORS_ORIGINS"]).cors_origins
    assert origins == ["http://127.0.0.1:8123", "http://localhost:8123", LOCAL]

    public = {"LOGOKRAFT_HTTP_PORT": "8123", "LOGOKRAFT_PUBLIC_URL": "https://logos.example.com/"}
    env = stack_context(tmp_path, infra, public).child_env("gateway")
    assert "https://logos.example.com" in env["LOGOKRAFT_CORS_ORIGINS"].split(",")

    for told in ("", STUDIO):
        given = {"LOGOKRAFT_HTTP_PORT": "8123", "LOGOKRAFT_CORS_ORIGINS": told}
        env = stack_context(tmp_path, infra, given).child_env("gateway")
        assert env["LOGOKRAFT_CORS_ORIGINS"] == told
