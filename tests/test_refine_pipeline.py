"""Refinement across real NATS, Postgres and the in-process services, with the local editor."""

from __future__ import annotations

import io
import uuid

import grpc
import pytest
from PIL import Image, ImageChops

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft.v1 import refine_service_pb2 as pb
from logokraft_kit.db import Database
from tests.support import as_user, create_over_grpc, watch_over_grpc

pytestmark = pytest.mark.integration

COMPLETED = common_pb2.ASSET_STATUS_COMPLETED


async def finished_project(services, *, count: int = 2) -> common_pb2.Project:
    project_id = await create_over_grpc(services, count=count)
    events = await watch_over_grpc(services, project_id)
    assert events[-1].HasField("done")
    return await project(services, project_id)


async def project(services, project_id: str) -> common_pb2.Project:
    answer = await services.prompt_stub.GetProject(
        prompt_pb.GetProjectRequest(project_id=project_id), metadata=as_user("dev")
    )
    return answer.project


async def refine(services, asset_id: str, instruction: str, count: int = 2, *, user="dev"):
    """Every message of the RefineAsset stream."""
    call = services.refine_stub.RefineAsset(
        pb.RefineAssetRequest(asset_id=asset_id, instruction=instruction, num_variations=count),
        metadata=as_user(user),
        timeout=60,
    )
    return [list(message.variations) async for message in call]


async def image(services, asset: common_pb2.Asset) -> Image.Image:
    data = await services.refine.infra.storage.get(asset.image.bucket, asset.image.path)
    return Image.open(io.BytesIO(data)).convert("RGB")


def differs(a: Image.Image, b: Image.Image) -> bool:
    """True when at least 0.25% of the pixels change clearly (a channel moves by more than 24)."""
    r, g, b_ = ImageChops.difference(a, b).split()
    strongest = ImageChops.lighter(ImageChops.lighter(r, g), b_)
    changed = strongest.point(lambda v: 255 if v > 24 else 0).histogram()[255]
    return changed >= 0.0025 * a.width * a.height


async def test_variations_stream_to_completion_linked_to_their_parent(services):
    parent = (await finished_project(services)).assets[0]

    messages = await refine(services, parent.id, "make it navy", count=2)

    first, last = messages[0], messages[-1]
    assert [v.status for v in first] == [common_pb2.ASSET_STATUS_QUEUED] * 2
    assert [v.status for v in last] == [COMPLETED, COMPLETED]
    assert {v.id for v in first} == {v.id for v in last}
    parent_image = await image(services, parent)
    for variation in last:
        assert variation.parent_asset_id == parent.id
        assert variation.instruction == "make it navy"
        assert variation.prompt and variation.prompt != parent.prompt
        assert variation.provider == "local"
        assert differs(parent_image, await image(services, variation)), variation.metadata_json
    images = [await image(services, v) for v in last]
    assert differs(images[0], images[1]), [(v.position, v.metadata_json[:150]) for v in last]


async def test_a_refinement_reopens_the_project_and_settles_it_again(services):
    before = await finished_project(services)
    events_before = await watch_over_grpc(services, before.id)
    assert events_before[-1].done.completed_assets == 2

    await refine(services, before.assets[0].id, "stacked", count=1)

    after = await project(services, before.id)
    assert after.status == common_pb2.PROJECT_STATUS_COMPLETED
    assert len(after.assets) == 3
    replay = await watch_over_grpc(services, before.id, after=before.event_sequence)
    kinds = [event.WhichOneof("change") for event in replay]
    assert kinds[0] == "asset" and kinds[-1] == "done"
    statuses = [e.project.status for e in replay if e.HasField("project")]
    assert statuses == [common_pb2.PROJECT_STATUS_GENERATING, common_pb2.PROJECT_STATUS_COMPLETED]
    assert replay[-1].done.completed_assets == 3


async def test_a_refinement_of_a_refinement_has_the_whole_lineage(services):
    root = (await finished_project(services, count=1)).assets[0]
    child = (await refine(services, root.id, "make it navy", count=1))[-1][0]
    grandchild = (await refine(services, child.id, "drop the tagline", count=1))[-1][0]

    chain = await services.refine_stub.GetAssetLineage(
        pb.GetAssetLineageRequest(asset_id=grandchild.id), metadata=as_user("dev")
    )

    assert [a.id for a in chain.assets] == [root.id, child.id, grandchild.id]
    assert [a.instruction for a in chain.assets] == ["", "make it navy", "drop the tagline"]
    assert grandchild.status == COMPLETED
    assert differs(await image(services, child), await image(services, grandchild))


async def test_the_editor_says_what_it_did_not_understand(services):
    parent = (await finished_project(services, count=1)).assets[0]
    variation = (await refine(services, parent.id, "make it sound like jazz", count=1))[-1][0]

    assert variation.status == COMPLETED
    assert '"not_understood"' in variation.metadata_json
    assert '"understood": false' in variation.metadata_json
    assert differs(await image(services, parent), await image(services, variation))


async def test_bad_refinements_are_refused_and_create_nothing(services, database_url):
    done = await finished_project(services, count=1)
    parent = done.assets[0]
    cases = [
        (parent.id, "", 2, grpc.StatusCode.INVALID_ARGUMENT, "instruction is required"),
        (parent.id, "   ", 2, grpc.StatusCode.INVALID_ARGUMENT, "instruction is required"),
        (parent.id, "x" * 1001, 2, grpc.StatusCode.INVALID_ARGUMENT, "limit is 1000"),
        (parent.id, "navy\x00", 2, grpc.StatusCode.INVALID_ARGUMENT, "control characters"),
        (parent.id, "navy", 0, grpc.StatusCode.INVALID_ARGUMENT, "between 1 and 4"),
        (parent.id, "navy", 5, grpc.StatusCode.INVALID_ARGUMENT, "between 1 and 4"),
        ("not-a-uuid", "navy", 2, grpc.StatusCode.INVALID_ARGUMENT, "asset_id"),
        (str(uuid.uuid4()), "navy", 2, grpc.StatusCode.NOT_FOUND, "not found"),
    ]
    for asset_id, instruction, count, code, words in cases:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await refine(services, asset_id, instruction, count)
        assert caught.value.code() == code, (instruction[:20], count)
        assert words in caught.value.details()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await refine(services, parent.id, "navy", 2, user="bob")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND

    db = Database(database_url)
    await db.open()
    try:
        async with db.as_service() as conn:
            cursor = await conn.execute(
                "select count(*) as n from generated_assets where project_id = %s", [done.id]
            )
            assert (await cursor.fetchone())["n"] == 1
    finally:
        await db.close()


@pytest.mark.parametrize("status", ["queued", "generating", "failed"])
async def test_only_completed_assets_can_be_refined(services, database_url, status):
    parent = (await finished_project(services, count=1)).assets[0]
    db = Database(database_url)
    await db.open()
    try:
        async with db.as_service() as conn:
            await conn.execute(
                "update generated_assets set status = %s where id = %s", [status, parent.id]
            )
    finally:
        await db.close()

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await refine(services, parent.id, "make it navy")

    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert f"is {status}" in caught.value.details()


async def test_variations_the_queue_never_took_are_not_charged(services, monkeypatch):
    """The queue fails while a refinement's jobs are published: the call is UNAVAILABLE, its
    variations fail saying why, and the images of those no worker drew are given back, so
    asking again as told does not cost them twice."""
    parent = (await finished_project(services, count=1)).assets[0]

    async def images_used() -> int:
        usage = await services.prompt_stub.GetUsage(
            prompt_pb.GetUsageRequest(), metadata=as_user("dev")
        )
        return usage.usage.images_used

    before = await images_used()
    jobs = services.refine.infra.jobs
    publish = type(jobs).publish
    published = 0

    async def failing_after_one(self, *args, **kwargs):
        nonlocal published
        if self is jobs and published:
            raise ConnectionError("nats is away")
        published += self is jobs
        await publish(self, *args, **kwargs)

    monkeypatch.setattr(type(jobs), "publish", failing_after_one)  # a frozen dataclass
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await refine(services, parent.id, "make it navy", 3)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE

    db = services.refine.infra.db
    async with db.as_service() as conn:
        cursor = await conn.execute(
            "select status, error_code, attempts from generated_assets where parent_asset_id = %s",
            [parent.id],
        )
        variations = await cursor.fetchall()
    assert len(variations) == 3
    assert {row["error_code"] for row in variations} == {"queue_unavailable"}
    # The one whose job was published is dropped when it runs: none was drawn, none counts.
    drawn = sum(row["attempts"] > 0 for row in variations)
    assert await images_used() == before + drawn
