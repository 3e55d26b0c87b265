"""Provider text never reaches users: they get LogoKraft's sentence and a reference id, and
the log line with that id carries what the provider said (and the project/asset ids).

The fakes answer with errors whose text looks like something secret (an internal host, a
token); the asset's or project's error as the services return it over gRPC must not contain
it, and the service log must contain it next to the same reference id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator

import pytest

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.asgi import serve_asgi
from logokraft_fakes.gemini import FakeGemini, invalid_argument, no_image, text_reply
from logokraft_fakes.seedream import FakeSeedream, SeedreamError, SeedreamPartialFailure
from logokraft_kit.logs import current_log_context
from tests.support import as_user, new_project_id, running_services, service_env

pytestmark = pytest.mark.integration

SECRET = "internal-db-17.corp.example leaked-credential-9f8e7d6c5b4a"
REF = re.compile(r"\(ref ([0-9a-f]{8,})\)")


class Captured(logging.Handler):
    """Every provider-failure line, with the log context it was written in."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str, dict[str, str]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, record.getMessage(), dict(current_log_context())))

    def about(self, reference: str) -> list[tuple[int, str, dict[str, str]]]:
        return [line for line in self.lines if f"ref={reference}" in line[1]]


@pytest.fixture
def logged() -> Iterator[Captured]:
    handler = Captured()
    logger = logging.getLogger("logokraft_kit.providers")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeGemini, FakeSeedream]]:
    gemini, seedream = FakeGemini(api_key="g-key"), FakeSeedream(api_key="ark-key")
    async with serve_asgi(gemini.app) as gemini_url, serve_asgi(seedream.app) as seedream_url:
        gemini.base_url, seedream.base_url = gemini_url, seedream_url  # type: ignore[attr-defined]
        yield gemini, seedream


@pytest.fixture
async def stubs(fakes, nats_server, database_url, namespace, data_dir):
    gemini, seedream = fakes
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    ) | {
        "LOGOKRAFT_PROMPT_PROVIDER": "auto",
        "LOGOKRAFT_IMAGE_PROVIDER": "auto",
        "LOGOKRAFT_REFINE_PROVIDER": "auto",
        "GEMINI_API_KEY": "g-key",
        "GEMINI_BASE_URL": gemini.base_url,
        "ARK_API_KEY": "ark-key",
        "SEEDREAM_BASE_URL": f"{seedream.base_url}/api/v3",
        "LOGOKRAFT_IMAGE_MAX_ATTEMPTS": "1",
    }
    async with running_services(env) as services:
        yield services.prompt_stub, services.refine_stub


async def run_project(stub, *, count: int = 1) -> tuple[str, list[common_pb2.ProjectEvent]]:
    project_id = new_project_id()
    await stub.CreateProject(
        pb.CreateProjectRequest(
            project_id=project_id,
            brief=common_pb2.BrandBrief(brand_name="Nimbus", num_candidates=count),
        ),
        metadata=as_user("dev"),
    )
    call = stub.WatchProject(
        pb.WatchProjectRequest(project_id=project_id), metadata=as_user("dev"), timeout=60
    )
    return project_id, [response.event async for response in call]


def assert_private(error: common_pb2.AssetError, logged: Captured, *, ids: dict[str, str]) -> None:
    """The user's error hides the provider's text and names a ref the log line carries."""
    assert SECRET not in error.message
    assert "leaked-credential" not in error.message
    match = REF.search(error.message)
    assert match, f"no reference id in {error.message!r}"
    lines = logged.about(match.group(1))
    assert lines, f"no log line with ref={match.group(1)}"
    level, text, context = lines[0]
    assert level >= logging.WARNING
    assert SECRET in text
    assert error.code in text
    for name, value in ids.items():
        assert context.get(name) == value, (name, context)


async def test_a_seedream_error_text_stays_in_the_logs(fakes, stubs, logged) -> None:
    _, seedream = fakes
    prompt_stub, _ = stubs
    seedream.enqueue(SeedreamError(400, "InvalidParameter", f"size rejected by {SECRET}"))

    _, events = await run_project(prompt_stub)

    [failed] = [e.asset for e in events if e.HasField("asset") and e.asset.status == 4]
    assert failed.error.code == "invalid_request"
    assert "image provider rejected the request" in failed.error.message
    assert_private(
        failed.error, logged, ids={"asset_id": failed.id, "project_id": failed.project_id}
    )
    stored = await prompt_stub.GetProject(
        pb.GetProjectRequest(project_id=failed.project_id), metadata=as_user("dev")
    )
    assert SECRET not in str(stored)


async def test_a_seedream_partial_failure_message_stays_in_the_logs(fakes, stubs, logged) -> None:
    _, seedream = fakes
    prompt_stub, _ = stubs
    seedream.enqueue(SeedreamPartialFailure(code="InternalServiceError", message=SECRET))

    _, events = await run_project(prompt_stub)

    [failed] = [e.asset for e in events if e.HasField("asset") and e.asset.status == 4]
    assert failed.error.code == "bad_provider_response"
    assert_private(failed.error, logged, ids={"asset_id": failed.id})


async def test_a_gemini_error_text_for_prompts_stays_in_the_logs(fakes, stubs, logged) -> None:
    gemini, _ = fakes
    prompt_stub, _ = stubs
    gemini.enqueue(invalid_argument(f"Unsupported thing at {SECRET}"))

    project_id, events = await run_project(prompt_stub)

    assert events[-1].HasField("done")
    reply = await prompt_stub.GetProject(
        pb.GetProjectRequest(project_id=project_id), metadata=as_user("dev")
    )
    error = reply.project.error
    assert error.code == "invalid_request", error
    assert_private(error, logged, ids={"project_id": project_id})
    assert SECRET not in str(reply)


async def test_the_image_models_words_stay_in_the_logs(fakes, stubs, logged) -> None:
    gemini, _ = fakes
    prompt_stub, refine_stub = stubs
    _, events = await run_project(prompt_stub)
    parent = next(e.asset for e in events if e.HasField("asset") and e.asset.status == 3)
    gemini.enqueue(text_reply("A navy Nimbus logo."), no_image("NO_IMAGE", text=SECRET))

    call = refine_stub.RefineAsset(
        refine_pb.RefineAssetRequest(asset_id=parent.id, instruction="navy", num_variations=1),
        metadata=as_user("dev"),
        timeout=60,
    )
    variation = [message.variations[0] async for message in call][-1]

    assert variation.status == common_pb2.ASSET_STATUS_FAILED
    assert variation.error.code == "no_image"
    assert "answered without an image" in variation.error.message
    assert_private(variation.error, logged, ids={"asset_id": variation.id})
