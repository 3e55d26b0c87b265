"""Gateway fixtures: fake Prompt and Refine services on an in-process grpc.aio server, the app."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
import httpx
import jwt
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from grpc_health.v1 import health_pb2_grpc
from grpc_health.v1._async import HealthServicer
from PIL import Image

from logokraft.v1 import (
    common_pb2,
    prompt_service_pb2,
    prompt_service_pb2_grpc,
    refine_service_pb2,
    refine_service_pb2_grpc,
)
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devtokens import dev_user_id, mint_token
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_kit.tokens import SERVICE_AUDIENCE


def _user(context: grpc.aio.ServicerContext) -> str:
    """The user the gateway's service token names ("" without one).

    The fakes only read it: verifying service tokens is the services' interceptor's job,
    tested in libs/kit and tests/test_grpc_auth.py.
    """
    scheme, _, token = dict(context.invocation_metadata()).get("authorization", "").partition(" ")
    if scheme != "Bearer":
        return ""
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["aud"], claims["svc"]) == (SERVICE_AUDIENCE, "gateway")
    return claims["sub"]


def _now() -> Timestamp:
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


class FakePromptService(prompt_service_pb2_grpc.PromptServiceServicer):
    """Records calls; owns projects by user; streams scripted events per project."""

    def __init__(self) -> None:
        self.create_calls: list[tuple[str, prompt_service_pb2.CreateProjectRequest]] = []
        self.checks: list[tuple[str, prompt_service_pb2.CreateProjectRequest]] = []
        self.calls: list[str] = []
        self.request_ids: list[str | None] = []  # each GetProject's x-request-id metadata
        self.projects: dict[str, common_pb2.Project] = {}
        self.events: dict[str, list[common_pb2.ProjectEvent]] = {}
        self.watch_requests: list[tuple[str, prompt_service_pb2.WatchProjectRequest]] = []
        self.hold_open = False
        self.create_error: grpc.StatusCode | None = None
        self.check_error: grpc.StatusCode | None = None  # refuses validate_only calls
        self.get_error: grpc.StatusCode | None = None
        self.watch_ends_with: grpc.StatusCode | None = None  # after its events, instead of OK
        self.watch_cancelled = asyncio.Event()
        self.watch_started = asyncio.Event()

    def add_project(self, user_id: uuid.UUID, **fields) -> common_pb2.Project:
        """Store a project owned by user_id and return it."""
        project = common_pb2.Project(
            id=str(uuid.uuid4()),
            user_id=str(user_id),
            status=common_pb2.PROJECT_STATUS_GENERATING,
            brief=common_pb2.BrandBrief(brand_name="Acme", num_candidates=2),
            created_at=_now(),
            updated_at=_now(),
            **fields,
        )
        self.projects[project.id] = project
        return project

    async def _owned(self, project_id: str, context) -> common_pb2.Project:
        project = self.projects.get(project_id)
        if project is None or project.user_id != _user(context):
            await context.abort(grpc.StatusCode.NOT_FOUND, f"project {project_id} was not found")
        assert project is not None
        return project

    async def CreateProject(self, request, context):
        if request.validate_only:  # the gateway's check before decoding: recorded apart
            self.checks.append((_user(context), request))
            if self.check_error is not None:
                await context.abort(self.check_error, "over your limits")
            return prompt_service_pb2.CreateProjectResponse()
        self.calls.append("CreateProject")
        self.create_calls.append((_user(context), request))
        if self.create_error is not None:
            await context.abort(self.create_error, "the prompt service refused the project")
        project = common_pb2.Project(
            id=request.project_id,
            user_id=_user(context),
            brief=request.brief,
            status=common_pb2.PROJECT_STATUS_PENDING,
            inspiration_images=request.inspiration_images,
            created_at=_now(),
            updated_at=_now(),
        )
        self.projects[project.id] = project
        return prompt_service_pb2.CreateProjectResponse(project=project)

    async def GetProject(self, request, context):
        self.calls.append("GetProject")
        self.request_ids.append(dict(context.invocation_metadata()).get("x-request-id"))
        if self.get_error is not None:
            await context.abort(self.get_error, "the prompt service cannot answer now")
        return prompt_service_pb2.GetProjectResponse(
            project=await self._owned(request.project_id, context)
        )

    async def ListProjects(self, request, context):
        self.calls.append("ListProjects")
        mine = [p for p in self.projects.values() if p.user_id == _user(context)]
        if request.page_token and not request.page_token.isdigit():
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "page_token is not valid; start again without it"
            )
        start = int(request.page_token or 0)
        size = request.page_size or 20
        page = mine[start : start + size]
        token = str(start + size) if start + size < len(mine) else ""
        summaries = [_without_assets(p) for p in page]
        return prompt_service_pb2.ListProjectsResponse(projects=summaries, next_page_token=token)

    async def WatchProject(self, request, context):
        self.calls.append("WatchProject")
        if self.get_error is not None:  # a service that cannot read the project now
            await context.abort(self.get_error, "the prompt service cannot answer now")
        await self._owned(request.project_id, context)
        self.watch_requests.append((_user(context), request))
        self.watch_started.set()
        try:
            for event in self.events.get(request.project_id, []):
                if event.sequence > request.after_sequence:
                    yield prompt_service_pb2.WatchProjectResponse(event=event)
            if self.watch_ends_with is not None:
                await context.abort(self.watch_ends_with, f"project {request.project_id} gone")
            if self.hold_open:
                await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.watch_cancelled.set()
            raise

    # ---- control (issue 15): cancel, delete, usage ----------------------------------------

    usage = common_pb2.Usage(images_limit=200, projects_in_flight_limit=3, window_seconds=86400)

    async def CancelProject(self, request, context):
        self.calls.append("CancelProject")
        project = await self._owned(request.project_id, context)
        finished = (common_pb2.PROJECT_STATUS_COMPLETED, common_pb2.PROJECT_STATUS_FAILED)
        if project.status in finished:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"project {project.id} already finished; delete it if you no longer want it",
            )
        project.status = common_pb2.PROJECT_STATUS_CANCELLED
        for asset in project.assets:
            if asset.status in (common_pb2.ASSET_STATUS_QUEUED, common_pb2.ASSET_STATUS_GENERATING):
                asset.status = common_pb2.ASSET_STATUS_CANCELLED
        return prompt_service_pb2.CancelProjectResponse(project=project)

    async def DeleteProject(self, request, context):
        self.calls.append("DeleteProject")
        project = await self._owned(request.project_id, context)
        del self.projects[project.id]
        return prompt_service_pb2.DeleteProjectResponse()

    # ---- retry a failed candidate ----------------------------------------------------------

    retry_refusal: tuple[grpc.StatusCode, str, str, str | None] | None = None  # code, reason,
    # message, retry-after: the service's refusal (limits), as its interceptor sends it

    async def RetryAsset(self, request, context):
        self.calls.append("RetryAsset")
        if self.retry_refusal is not None:
            code, reason, message, wait = self.retry_refusal
            trailers = [("logokraft-reason", reason)] + ([("retry-after", wait)] if wait else [])
            context.set_trailing_metadata(trailers)
            await context.abort(code, message)
        for project in self.projects.values():
            for asset in project.assets:
                if asset.id != request.asset_id:
                    continue
                if project.user_id != _user(context):
                    break
                if asset.status != common_pb2.ASSET_STATUS_FAILED:
                    context.set_trailing_metadata([("logokraft-reason", "asset_not_failed")])
                    await context.abort(
                        grpc.StatusCode.FAILED_PRECONDITION,
                        f"Asset {asset.id} is not failed; only a failed logo can be tried again.",
                    )
                asset.status = common_pb2.ASSET_STATUS_QUEUED
                asset.ClearField("error")
                project.status = common_pb2.PROJECT_STATUS_GENERATING
                return prompt_service_pb2.RetryAssetResponse(asset=asset)
        await context.abort(grpc.StatusCode.NOT_FOUND, f"asset {request.asset_id} not found")

    async def GetUsage(self, request, context):
        self.calls.append("GetUsage")
        self.usage_user = _user(context)
        return prompt_service_pb2.GetUsageResponse(usage=self.usage)


class FakeRefineService(refine_service_pb2_grpc.RefineServiceServicer):
    """Records calls; owns assets by user; RefineAsset sends the queued variations, then waits."""

    def __init__(self) -> None:
        self.calls: list[refine_service_pb2.RefineAssetRequest] = []
        self.assets: dict[str, tuple[str, common_pb2.Asset]] = {}
        self.refine_cancelled = asyncio.Event()
        self.refine_error: tuple[grpc.StatusCode, str] | None = None
        self.kit_calls: list[str] = []
        # GetBrandKit's (filename, display_filename): the brand in ASCII and as written.
        self.kit_filenames = ("acme-brand-kit.zip", "acme-brand-kit.zip")

    def add_asset(self, user_id: uuid.UUID, **fields) -> common_pb2.Asset:
        """Store an asset owned by user_id and return it."""
        fields.setdefault("status", common_pb2.ASSET_STATUS_COMPLETED)
        asset = common_pb2.Asset(
            id=str(uuid.uuid4()), project_id=str(uuid.uuid4()), created_at=_now(), **fields
        )
        self.assets[asset.id] = (str(user_id), asset)
        return asset

    async def _owned(self, asset_id: str, context) -> common_pb2.Asset:
        owner, asset = self.assets.get(asset_id, ("", None))
        if asset is None or owner != _user(context):
            await context.abort(grpc.StatusCode.NOT_FOUND, f"asset {asset_id} not found")
        assert asset is not None
        return asset

    async def RefineAsset(self, request, context):
        self.calls.append(request)
        parent = await self._owned(request.asset_id, context)
        if self.refine_error is not None:
            await context.abort(*self.refine_error)
        variations = [
            common_pb2.Asset(
                id=str(uuid.uuid4()),
                project_id=parent.project_id,
                parent_asset_id=parent.id,
                status=common_pb2.ASSET_STATUS_QUEUED,
                position=index,
                instruction=request.instruction,
            )
            for index in range(request.num_variations)
        ]
        yield refine_service_pb2.RefineAssetResponse(variations=variations)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.refine_cancelled.set()
            raise

    async def GetAsset(self, request, context):
        return refine_service_pb2.GetAssetResponse(
            asset=await self._owned(request.asset_id, context)
        )

    async def GetAssetLineage(self, request, context):
        chain = [await self._owned(request.asset_id, context)]
        while chain[0].parent_asset_id:
            chain.insert(0, self.assets[chain[0].parent_asset_id][1])
        return refine_service_pb2.GetAssetLineageResponse(assets=chain)

    async def GetBrandKit(self, request, context):
        """Where a completed asset's kit is: "<its image's stem>.kit.zip", which the test
        stores itself (the real build is the refine service's, tested in tests/)."""
        asset = await self._owned(request.asset_id, context)
        self.kit_calls.append(request.asset_id)
        if asset.status != common_pb2.ASSET_STATUS_COMPLETED:
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"asset {asset.id} is queued; a brand kit is made from a completed logo",
            )
        path = asset.image.path.rsplit(".", 1)[0] + ".kit.zip"
        return refine_service_pb2.GetBrandKitResponse(
            kit=common_pb2.StorageRef(bucket=asset.image.bucket, path=path),
            filename=self.kit_filenames[0],
            display_filename=self.kit_filenames[1],
            size_bytes=0,
        )


def _without_assets(project: common_pb2.Project) -> common_pb2.Project:
    """The project as ListProjects lists it: its assets counted, not listed."""
    copy = common_pb2.Project()
    copy.CopyFrom(project)
    del copy.assets[:]
    counts = copy.asset_counts
    for asset in project.assets:
        done = asset.status == common_pb2.ASSET_STATUS_COMPLETED
        failed = asset.status == common_pb2.ASSET_STATUS_FAILED
        if asset.parent_asset_id:
            counts.variations += 1
            counts.variations_completed += done
            counts.variations_failed += failed
        else:
            counts.candidates_completed += done
            counts.candidates_failed += failed
            counts.candidates_cancelled += asset.status == common_pb2.ASSET_STATUS_CANCELLED
    return copy


@dataclass
class FakeServer:
    """The running fake services and their address."""

    prompt: FakePromptService
    refine: FakeRefineService
    health: HealthServicer
    address: str


@pytest.fixture
async def fake_server() -> AsyncIterator[FakeServer]:
    server = grpc.aio.server()
    prompt = FakePromptService()
    refine = FakeRefineService()
    health = HealthServicer()
    prompt_service_pb2_grpc.add_PromptServiceServicer_to_server(prompt, server)
    refine_service_pb2_grpc.add_RefineServiceServicer_to_server(refine, server)
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield FakeServer(prompt=prompt, refine=refine, health=health, address=f"127.0.0.1:{port}")
    finally:
        await server.stop(grace=None)


@pytest.fixture
def fake(fake_server: FakeServer) -> FakePromptService:
    return fake_server.prompt


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def settings(fake_server: FakeServer, data_dir: Path) -> GatewaySettings:
    return GatewaySettings(
        LOGOKRAFT_DATA_DIR=data_dir,
        LOGOKRAFT_PUBLIC_URL="http://testserver",
        LOGOKRAFT_PROMPT_GRPC=fake_server.address,
        LOGOKRAFT_IMAGEGEN_GRPC=fake_server.address,
        LOGOKRAFT_REFINE_GRPC=fake_server.address,
        LOGOKRAFT_SSE_HEARTBEAT_SECONDS=0.05,
        LOGOKRAFT_GRPC_DEADLINE_SECONDS=5,
    )


@pytest.fixture
def token_for(settings: GatewaySettings) -> Callable[..., str]:
    def mint(name: str = "dev", **claims) -> str:
        return mint_token(settings.hs256_secret, dev_user_id(name), **claims)

    return mint


@pytest.fixture
def auth(token_for) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for('dev')}"}


@pytest.fixture
def app(settings: GatewaySettings):
    return create_app(settings)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


@pytest.fixture
async def live_url(app) -> AsyncIterator[str]:
    """The app served by uvicorn on a free port (for SSE, which ASGITransport buffers)."""
    async with serve_asgi(app, lifespan="on") as base_url:
        yield base_url


@pytest.fixture
def stored_files(data_dir: Path) -> Callable[[], list[Path]]:
    def list_files() -> list[Path]:
        root = data_dir / "storage"
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return list_files


@pytest.fixture
def png_bytes() -> Callable[..., bytes]:
    def make(size: tuple[int, int] = (32, 24), color: str = "navy") -> bytes:
        out = io.BytesIO()
        Image.new("RGB", size, color).save(out, format="PNG")
        return out.getvalue()

    return make
