"""The gateway's log lines: ids to follow one request without tracing, one line per error."""

from __future__ import annotations

import logging

import grpc
import httpx
import pytest
from fastapi import FastAPI

from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_user_id
from logokraft_gateway.errors import install_error_handlers
from logokraft_gateway.observability import with_request_ids
from logokraft_kit.logs import AddContext


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(AddContext("gateway"))
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_failed_project_creation_is_logged_with_the_new_project_id(client, auth, fake):
    """Before, the new project's id was on no gateway line: the POST's access line and a
    failed call's warning carried no id, and with tracing off (the default) nothing tied
    them to the prompt service's lines for that project."""
    fake.create_error = grpc.StatusCode.UNAVAILABLE
    kept = Kept()
    logger = logging.getLogger("logokraft_gateway.errors")
    logger.addHandler(kept)
    try:
        answer = await client.post(
            "/api/v1/projects",
            data={"brand_name": "Acme", "num_candidates": "2"},
            files=[("inspiration_images", ("", b"", "application/octet-stream"))],
            headers=auth,
        )
    finally:
        logger.removeHandler(kept)
    assert answer.status_code == 503
    [(_, call)] = fake.create_calls
    [warning] = [r for r in kept.records if "service call failed" in r.getMessage()]
    assert warning.getMessage().startswith("service call failed: PromptService/CreateProject ")
    assert warning.project_id == call.project_id
    assert warning.request_id == answer.headers["x-request-id"]
    assert answer.json()["error"]["request_id"] == warning.request_id


@pytest.mark.parametrize(
    ("route", "rpc"),
    [
        ("project", "PromptService/GetProject"),
        ("stream", "PromptService/WatchProject"),
        ("refine", "RefineService/RefineAsset"),
    ],
)
async def test_a_failed_service_call_is_logged_with_the_rpc_it_was(
    client, auth, fake, fake_server, route, rpc
):
    """Before, the warning said only the status ("service call failed: StatusCode.UNAVAILABLE
    ..."): which of a route's calls failed, and on which service, was left to guess."""
    project = fake.add_project(dev_user_id("dev"))
    asset = fake_server.refine.add_asset(dev_user_id("dev"), prompt="a fox", position=0)
    fake.get_error = grpc.StatusCode.UNAVAILABLE
    fake_server.refine.refine_error = (grpc.StatusCode.UNAVAILABLE, "the refine service is away")
    requests = {
        "project": ("GET", f"/api/v1/projects/{project.id}", None),
        "stream": ("GET", f"/api/v1/projects/{project.id}/stream", None),
        "refine": ("POST", f"/api/v1/assets/{asset.id}/refine", {"instruction": "navy"}),
    }
    method, path, body = requests[route]
    kept = Kept()
    logger = logging.getLogger("logokraft_gateway.errors")
    logger.addHandler(kept)
    try:
        answer = await client.request(method, path, json=body, headers=auth)
    finally:
        logger.removeHandler(kept)
    assert answer.status_code == 503
    [warning] = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"service call failed: {rpc} StatusCode.UNAVAILABLE "), warning


async def test_an_unhandled_error_is_logged_once(caplog):
    """Before, uvicorn logged a second ERROR with the same traceback, without the request's
    ids, after the gateway's "unhandled error" (Starlette re-raises after its 500 handler)."""
    app = FastAPI()
    install_error_handlers(app)
    with_request_ids(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    kept = Kept()
    logger = logging.getLogger("logokraft_gateway.errors")
    logger.addHandler(kept)
    try:
        with caplog.at_level(logging.ERROR):
            async with serve_asgi(app) as base_url, httpx.AsyncClient() as http:
                answer = await http.get(f"{base_url}/boom")
    finally:
        logger.removeHandler(kept)
    assert answer.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["unhandled error"]
    # Starlette's 500 handler answers outside every middleware of the app: the id is there.
    [logged] = [r for r in kept.records if r.levelno >= logging.ERROR]
    assert answer.json()["error"]["request_id"] == answer.headers["x-request-id"]
    assert logged.request_id == answer.headers["x-request-id"]


def _is_new_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)


async def test_every_answer_carries_a_request_id(client, auth, fake):
    """Before, without tracing nothing tied a client's failed request to a log line: no id
    in the answer, its body or the lines."""
    project = fake.add_project(dev_user_id("dev"))
    answers = [
        await client.get(f"/api/v1/projects/{project.id}", headers=auth),
        await client.get("/api/v1/projects"),  # 401
        await client.get("/api/v1/nothing-here"),  # 404
        await client.head(f"/api/v1/projects/{project.id}", headers=auth),
        await client.get("/healthz"),
    ]
    ids = [answer.headers["x-request-id"] for answer in answers]
    assert all(_is_new_id(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    for answer in answers[1:3]:
        assert answer.json()["error"]["request_id"] == answer.headers["x-request-id"]


async def test_a_sane_request_id_is_echoed_and_reaches_the_services(client, auth, fake):
    project = fake.add_project(dev_user_id("dev"))
    url = f"/api/v1/projects/{project.id}"
    sent = "7c0a1f4e-proxy/host-1:2"
    answer = await client.get(url, headers={**auth, "X-Request-ID": sent})
    assert answer.headers["x-request-id"] == sent
    assert fake.request_ids == [sent]
    refused = await client.get(url, headers={"X-Request-ID": sent})
    assert refused.json()["error"]["request_id"] == sent


@pytest.mark.parametrize(
    "headers",
    [
        [("X-Request-ID", "x" * 129)],
        [("X-Request-ID", "two words")],
        [("X-Request-ID", '"quoted"')],
        [("X-Request-ID", "")],
        [("X-Request-ID", "a"), ("X-Request-ID", "b")],
        [("X-Request-ID", "caf\xe9".encode("latin-1"))],
    ],
    ids=["too-long", "space", "quotes", "empty", "twice", "latin-1"],
)
async def test_an_odd_request_id_is_replaced(client, auth, fake, headers):
    project = fake.add_project(dev_user_id("dev"))
    answer = await client.get(f"/api/v1/projects/{project.id}", headers=[*auth.items(), *headers])
    assert answer.status_code == 200
    made = answer.headers["x-request-id"]
    assert _is_new_id(made) and fake.request_ids == [made]
