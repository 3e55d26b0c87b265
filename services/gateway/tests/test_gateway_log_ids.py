"""The ids on the gateway's log lines let an operator follow one request without tracing."""

from __future__ import annotations

import logging

import grpc

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
