"""PromptService over gRPC: parse the request, call the core, translate the answer.

The prompt service owns brand projects: creating one (which queues its prompt writing),
listing, reading and watching them, cancelling and deleting them, retrying a failed
candidate, and the caller's usage.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from logokraft.v1 import prompt_service_pb2 as pb
from logokraft.v1 import prompt_service_pb2_grpc as pb_grpc
from logokraft_domain.brief import MAX_INSPIRATION_IMAGES, validate_brief
from logokraft_kit.errors import InvalidArgument
from logokraft_kit.grpc_server import caller_id
from logokraft_kit.identity import parse_uuid
from logokraft_kit.storage import INSPIRATION_BUCKET
from logokraft_kit.storage.paths import in_project_folder
from logokraft_prompt.control import ProjectControl
from logokraft_prompt.core import ProjectsCore

INSPIRATION_PREFIX_ERROR = "inspiration images must be stored under the caller's project folder"
INSPIRATION_BUCKET_ERROR = (
    f"inspiration images must be stored in the `{INSPIRATION_BUCKET}` bucket, not `{{bucket}}`"
)


class PromptServicer(pb_grpc.PromptServiceServicer):
    """Translates PromptService calls to the projects core."""

    def __init__(self, core: ProjectsCore, control: ProjectControl) -> None:
        self._core = core
        self._control = control

    async def CreateProject(
        self, request: pb.CreateProjectRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateProjectResponse:
        user_id = caller_id(context)
        if request.validate_only:
            brief = validate_brief(request.brief)
            known = (
                parse_uuid(request.project_id, what="project_id") if request.project_id else None
            )
            await self._core.check_new_project(user_id, known, brief)
            return pb.CreateProjectResponse()
        project_id = parse_uuid(request.project_id, what="project_id")
        brief = validate_brief(request.brief)
        if len(request.inspiration_images) > MAX_INSPIRATION_IMAGES:
            raise InvalidArgument(f"at most {MAX_INSPIRATION_IMAGES} inspiration images")
        # Only the path is kept: an image named in another bucket would be looked for in the
        # inspiration bucket, silently (an empty bucket is read as that one).
        for ref in request.inspiration_images:
            if ref.bucket not in ("", INSPIRATION_BUCKET):
                raise InvalidArgument(INSPIRATION_BUCKET_ERROR.format(bucket=ref.bucket[:40]))
        paths = [ref.path for ref in request.inspiration_images]
        if not all(in_project_folder(path, user_id, project_id) for path in paths):
            raise InvalidArgument(INSPIRATION_PREFIX_ERROR)
        project = await self._core.create_project(user_id, project_id, brief, paths)
        return pb.CreateProjectResponse(project=project)

    async def GetProject(
        self, request: pb.GetProjectRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetProjectResponse:
        user_id = caller_id(context)
        project_id = parse_uuid(request.project_id, what="project_id")
        return pb.GetProjectResponse(project=await self._core.get_project(user_id, project_id))

    async def ListProjects(
        self, request: pb.ListProjectsRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListProjectsResponse:
        projects, token = await self._core.list_projects(
            caller_id(context), page_size=request.page_size, page_token=request.page_token
        )
        return pb.ListProjectsResponse(projects=projects, next_page_token=token)

    async def WatchProject(
        self, request: pb.WatchProjectRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchProjectResponse]:
        user_id = caller_id(context)
        project_id = parse_uuid(request.project_id, what="project_id")
        if request.after_sequence < 0:
            raise InvalidArgument("after_sequence must not be negative")
        async for event in self._core.watch_project(
            user_id, project_id, after_sequence=request.after_sequence
        ):
            yield pb.WatchProjectResponse(event=event)

    async def CancelProject(
        self, request: pb.CancelProjectRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelProjectResponse:
        user_id = caller_id(context)
        project_id = parse_uuid(request.project_id, what="project_id")
        project = await self._control.cancel_project(user_id, project_id)
        return pb.CancelProjectResponse(project=project)

    async def DeleteProject(
        self, request: pb.DeleteProjectRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteProjectResponse:
        user_id = caller_id(context)
        project_id = parse_uuid(request.project_id, what="project_id")
        await self._control.delete_project(user_id, project_id)
        return pb.DeleteProjectResponse()

    async def RetryAsset(
        self, request: pb.RetryAssetRequest, context: grpc.aio.ServicerContext
    ) -> pb.RetryAssetResponse:
        user_id = caller_id(context)
        asset_id = parse_uuid(request.asset_id, what="asset_id")
        asset = await self._control.retry_asset(user_id, asset_id)
        return pb.RetryAssetResponse(asset=asset)

    async def GetUsage(
        self, request: pb.GetUsageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetUsageResponse:
        return pb.GetUsageResponse(usage=await self._control.usage(caller_id(context)))
