"""Internal callers' mistakes over gRPC, as docs/GRPC.md promises to answer them: the right
status code with a message a person can act on, never the transport's own refusal."""

from __future__ import annotations

import grpc
import pytest

from logokraft.v1 import common_pb2
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft.v1 import refine_service_pb2 as refine_pb
from logokraft_dev.devtokens import dev_user_id
from tests.support import (
    DEADLINE,
    HOLD_JOBS_UNTIL,
    Services,
    as_user,
    brand_brief,
    create_over_grpc,
    new_project_id,
    rows,
    running_services,
    service_env,
    watch_over_grpc,
)

LONG_ID = "p" * 100_000

# Every RPC that takes an id, with the request that carries `LONG_ID` as it.
BY_ID = {
    "GetProject": ("prompt", prompt_pb.GetProjectRequest(project_id=LONG_ID), False),
    "WatchProject": ("prompt", prompt_pb.WatchProjectRequest(project_id=LONG_ID), True),
    "CancelProject": ("prompt", prompt_pb.CancelProjectRequest(project_id=LONG_ID), False),
    "RetryAsset": ("prompt", prompt_pb.RetryAssetRequest(asset_id=LONG_ID), False),
    "RefineAsset": (
        "refine",
        refine_pb.RefineAssetRequest(asset_id=LONG_ID, instruction="navy", num_variations=1),
        True,
    ),
    "GetBrandKit": ("refine", refine_pb.GetBrandKitRequest(asset_id=LONG_ID), False),
}


@pytest.mark.parametrize(("stub", "request_", "streaming"), BY_ID.values(), ids=BY_ID.keys())
async def test_a_long_id_that_is_not_a_uuid_is_invalid_argument(
    services: Services, stub: str, request_, streaming: bool
) -> None:
    """The error quoted the whole id: its status trailer passed gRPC's 16 KiB limit and the
    caller got RESOURCE_EXHAUSTED "received metadata size exceeds hard limit"."""
    method = getattr(
        services.prompt_stub if stub == "prompt" else services.refine_stub,
        type(request_).__name__.removesuffix("Request"),
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        call = method(request_, metadata=as_user("dev"), timeout=DEADLINE)
        if streaming:
            [_ async for _ in call]
        else:
            await call
    error = raised.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error.details()
    assert "must be a UUID, got 'pppp" in error.details()
    assert error.details().endswith("... (100000 characters)")


async def test_inspiration_images_named_in_another_bucket_are_refused(services: Services) -> None:
    """Only the path was kept: an image of `generated-logos` was accepted and looked for in
    `inspiration-images`, where it is not, and the project went on without it, unsaid."""
    dev = as_user("dev")
    project_id = new_project_id()
    folder = f"{dev_user_id('dev')}/{project_id}"
    elsewhere = common_pb2.StorageRef(bucket="generated-logos", path=f"{folder}/a.png")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await services.prompt_stub.CreateProject(
            prompt_pb.CreateProjectRequest(
                project_id=project_id, brief=brand_brief(count=1), inspiration_images=[elsewhere]
            ),
            metadata=dev,
            timeout=DEADLINE,
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == (
        "inspiration images must be stored in the `inspiration-images` bucket, "
        "not `generated-logos`"
    )
    assert await rows(services.env["DATABASE_URL"], PROJECT, (project_id,)) == []
    # The bucket the images are in, or none (read as that one), is taken.
    for bucket in ("inspiration-images", ""):
        project_id = new_project_id()
        path = f"{dev_user_id('dev')}/{project_id}/a.png"
        ref = common_pb2.StorageRef(bucket=bucket, path=path)
        created = await services.prompt_stub.CreateProject(
            prompt_pb.CreateProjectRequest(
                project_id=project_id, brief=brand_brief(count=1), inspiration_images=[ref]
            ),
            metadata=dev,
            timeout=DEADLINE,
        )
        assert created.project.status == common_pb2.PROJECT_STATUS_PENDING


PROJECT = "select id from brand_projects where id = %s"


async def test_a_refinement_followed_past_its_projects_deletion_ends_not_found(
    nats_server, database_url, namespace, data_dir, tmp_path
) -> None:
    """The stream sent the variations that were left (none) and ended OK, as if they had
    settled: a client reading `variations[0]` of the last message failed on an empty list."""
    gate = tmp_path / "release-held-jobs"
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    async with running_services(env) as services:
        project_id = await create_over_grpc(services, count=1)
        await watch_over_grpc(services, project_id)
        dev = as_user("dev")
        project = await services.prompt_stub.GetProject(
            prompt_pb.GetProjectRequest(project_id=project_id), metadata=dev, timeout=DEADLINE
        )
        parent = project.project.assets[0].id
    # Again with every drawing held: the variations stay queued until the delete.
    env[HOLD_JOBS_UNTIL] = str(gate)
    async with running_services(env) as services:
        call = services.refine_stub.RefineAsset(
            refine_pb.RefineAssetRequest(asset_id=parent, instruction="navy", num_variations=2),
            metadata=dev,
            timeout=DEADLINE,
        )
        first = await call.read()
        assert [v.status for v in first.variations] == [common_pb2.ASSET_STATUS_QUEUED] * 2
        await services.prompt_stub.DeleteProject(
            prompt_pb.DeleteProjectRequest(project_id=project_id), metadata=dev, timeout=DEADLINE
        )
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            while (message := await call.read()) is not grpc.aio.EOF:
                assert len(message.variations) == 2, message  # never a short list
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND, raised.value
        assert raised.value.details() == (
            f"the variations of asset {parent} were deleted with their project; there is "
            "nothing left to follow"
        )
        gate.touch()
