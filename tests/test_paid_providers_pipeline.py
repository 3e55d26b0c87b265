"""The whole pipeline with the paid providers switched on by configuration, against local fakes.

Gemini writes the prompts (receiving the inspiration image as an image part),
Seedream draws the logos, and Gemini with Nano Banana refines them; the fakes speak
their wire formats and the services reach them through the real SDK and httpx,
exactly as they would the real APIs.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_user_id
from logokraft_fakes.gemini import FakeGemini, no_image, text_reply
from logokraft_fakes.seedream import FakeSeedream, sensitive_input
from logokraft_kit.storage import INSPIRATION_BUCKET
from tests.support import as_user, new_project_id, running_services, service_env

pytestmark = pytest.mark.integration


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeGemini, str, FakeSeedream, str]]:
    gemini, seedream = FakeGemini(api_key="g-key"), FakeSeedream(api_key="ark-key")
    async with serve_asgi(gemini.app) as gemini_url, serve_asgi(seedream.app) as seedream_url:
        yield gemini, gemini_url, seedream, seedream_url


@pytest.fixture
async def stub(fakes, nats_server, database_url, namespace, data_dir):
    _, gemini_url, _, seedream_url = fakes
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    ) | {
        "LOGOKRAFT_PROMPT_PROVIDER": "auto",
        "LOGOKRAFT_IMAGE_PROVIDER": "auto",
        "LOGOKRAFT_REFINE_PROVIDER": "auto",
        "GEMINI_API_KEY": "g-key",
        "GEMINI_BASE_URL": gemini_url,
        "ARK_API_KEY": "ark-key",
        "SEEDREAM_BASE_URL": f"{seedream_url}/api/v3",
    }
    async with running_services(env) as services:
        yield (services.prompt_stub, services.prompt.infra.storage, services.refine_stub)


def png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, format="PNG")
    return buffer.getvalue()


async def run_project(stub, storage, _refine=None, *, count: int) -> list[common_pb2.ProjectEvent]:
    project_id = new_project_id()
    path = f"{dev_user_id('dev')}/{project_id}/inspiration-0.png"
    await storage.put(INSPIRATION_BUCKET, path, png("#ff8800"), content_type="image/png")
    await stub.CreateProject(
        pb.CreateProjectRequest(
            project_id=project_id,
            brief=common_pb2.BrandBrief(brand_name="Nimbus", num_candidates=count),
            inspiration_images=[common_pb2.StorageRef(bucket=INSPIRATION_BUCKET, path=path)],
        ),
        metadata=as_user("dev"),
    )
    call = stub.WatchProject(
        pb.WatchProjectRequest(project_id=project_id), metadata=as_user("dev"), timeout=60
    )
    return [response.event async for response in call]


async def test_gemini_prompts_and_seedream_images(fakes, stub):
    gemini, _, seedream, _ = fakes
    events = await run_project(*stub, count=2)

    assert events[-1].done.completed_assets == 2
    [prompt_request] = gemini.requests
    assert prompt_request.streamed
    assert [mime for mime, _ in prompt_request.inline_images] == ["image/png"]
    generated = [r.body for r in seedream.requests]
    assert len(generated) == 2
    assert {body["prompt"] for body in generated} == {
        e.asset.prompt for e in events if e.HasField("asset")
    }
    completed = [e.asset for e in events if e.HasField("asset") and e.asset.status == 3]
    assert {a.provider for a in completed} == {"seedream"}


async def test_sensitive_content_fails_the_asset_once_without_retry(fakes, stub):
    _, _, seedream, _ = fakes
    seedream.enqueue(sensitive_input())
    events = await run_project(*stub, count=1)

    assert events[-1].HasField("done")
    assert events[-1].done.failed_assets == 1
    failed = [e.asset for e in events if e.HasField("asset") and e.asset.status == 4]
    assert failed[0].error.code == "content_rejected"
    assert "rephrase" in failed[0].error.message.lower()
    assert len(seedream.requests) == 1, "a sensitive-content rejection must not be retried"


async def refine_one(refine_stub, asset_id: str, instruction: str) -> common_pb2.Asset:
    call = refine_stub.RefineAsset(
        refine_pb.RefineAssetRequest(asset_id=asset_id, instruction=instruction, num_variations=1),
        metadata=as_user("dev"),
        timeout=60,
    )
    return [message.variations[0] async for message in call][-1]


async def test_nano_banana_refines_a_seedream_logo_from_its_image(fakes, stub):
    gemini, _, _, _ = fakes
    _, storage, refine_stub = stub
    events = await run_project(*stub, count=1)
    parent = next(e.asset for e in events if e.HasField("asset") and e.asset.status == 3)
    gemini.enqueue(text_reply("The same Nimbus logo, recoloured in navy #000080."))

    variation = await refine_one(refine_stub, parent.id, "make it navy")

    assert variation.status == common_pb2.ASSET_STATUS_COMPLETED, variation.error
    assert variation.provider == "nano-banana"
    assert variation.parent_asset_id == parent.id
    assert variation.prompt == "The same Nimbus logo, recoloured in navy #000080."
    refine_request, edit_request = gemini.requests[-2:]
    assert "make it navy" in refine_request.text and parent.prompt in refine_request.text
    parent_png = await storage.get(parent.image.bucket, parent.image.path)
    assert edit_request.inline_images == [("image/png", parent_png)]
    assert variation.prompt in edit_request.text
    with Image.open(
        io.BytesIO(await storage.get(variation.image.bucket, variation.image.path))
    ) as out:
        assert out.format == "PNG" and out.size == (variation.width, variation.height)


async def test_an_image_safety_answer_fails_the_variation_once(fakes, stub):
    gemini, _, _, _ = fakes
    prompt_stub, _, refine_stub = stub
    events = await run_project(*stub, count=1)
    parent = next(e.asset for e in events if e.HasField("asset") and e.asset.status == 3)
    before = len(gemini.requests)
    gemini.enqueue(text_reply("A navy Nimbus logo."), no_image("IMAGE_SAFETY"))

    variation = await refine_one(refine_stub, parent.id, "make it navy")

    assert variation.status == common_pb2.ASSET_STATUS_FAILED
    assert variation.error.code == "content_rejected"
    assert len(gemini.requests) - before == 2, "a safety refusal must not be retried"
    project = await prompt_stub.GetProject(
        pb.GetProjectRequest(project_id=parent.project_id), metadata=as_user("dev")
    )
    assert project.project.status == common_pb2.PROJECT_STATUS_COMPLETED
