"""The gateway's log lines: ids to follow one request without tracing, one line per error."""

from __future__ import annotations

import logging

import grpc
import httpx
from fastapi import FastAPI

from logokraft_dev.asgi import serve_asgi
from logokraft_gateway.errors import install_error_handlers
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
    assert warning.project_id == call.project_id


async def test_an_unhandled_error_is_logged_once(caplog):
    """Before, uvicorn logged a second ERROR with the same traceback, without the request's
    ids, after the gateway's "unhandled error" (Starlette re-raises after its 500 handler)."""
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR):
        async with serve_asgi(app) as base_url, httpx.AsyncClient() as http:
            answer = await http.get(f"{base_url}/boom")
    assert answer.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage() for r in errors] == ["unhandled error"]
