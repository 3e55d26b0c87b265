"""gRPC channels to the services, and clients that carry the caller's identity and deadlines.

Every call is made for one verified user: it carries a service token the gateway mints for
that user (logokraft_kit.tokens), which the service verifies before its servicer runs.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from logokraft.v1 import (
    common_pb2,
    prompt_service_pb2,
    prompt_service_pb2_grpc,
    refine_service_pb2,
    refine_service_pb2_grpc,
)
from logokraft_gateway.config import GatewaySettings
from logokraft_gateway.errors import naming_failures
from logokraft_kit.grpc_server import AUTHORIZATION, keepalive_pings
from logokraft_kit.logs import REQUEST_ID_METADATA_KEY, current_log_context
from logokraft_kit.telemetry import grpc_client_interceptors
from logokraft_kit.tokens import ServiceTokens

SERVICE_NAMES = ("prompt", "imagegen", "refine")


class _Credentials:
    """The metadata that makes a call on one user's behalf: a service token naming them, and
    the request id of the HTTP request the call is made for."""

    def __init__(self, tokens: ServiceTokens) -> None:
        self._tokens = tokens

    def __call__(self, user_id: uuid.UUID) -> tuple[tuple[str, str], ...]:
        credentials = (AUTHORIZATION, f"Bearer {self._tokens.mint(user_id)}")
        request_id = current_log_context().get("request_id")
        if request_id is None:
            return (credentials,)
        # The service's log lines of this call carry the HTTP request's id (grpc_server.py).
        return (credentials, (REQUEST_ID_METADATA_KEY, request_id))


class _ServiceClient:
    """What the clients share: one service's stub, the gateway's deadline, the credentials."""

    service: str  # the proto service's name, as a failed call is logged (errors.py)

    def __init__(self, stub: Any, *, deadline: float, tokens: ServiceTokens) -> None:
        self._stub = stub
        self._deadline = deadline
        self._metadata = _Credentials(tokens)

    async def _unary(
        self, rpc: str, request: Message, user_id: uuid.UUID, *, deadline: float | None = None
    ) -> Any:
        """The answer of one unary RPC made for the user, within the gateway's deadline unless
        `deadline` says otherwise; a failure names the RPC for the log line that reports it."""
        call = getattr(self._stub, rpc)(
            request, metadata=self._metadata(user_id), timeout=deadline or self._deadline
        )
        with naming_failures(f"{self.service}/{rpc}"):
            return await call


class PromptClient(_ServiceClient):
    """The prompt service's RPCs as the gateway uses them: every call for one verified user."""

    service = "PromptService"

    def __init__(
        self, channel: grpc.aio.Channel, *, deadline: float, tokens: ServiceTokens
    ) -> None:
        stub = prompt_service_pb2_grpc.PromptServiceStub(channel)
        super().__init__(stub, deadline=deadline, tokens=tokens)

    async def create_project(
        self,
        user_id: uuid.UUID,
        *,
        project_id: uuid.UUID,
        brief: common_pb2.BrandBrief,
        inspiration_images: list[common_pb2.StorageRef],
    ) -> common_pb2.Project:
        """Store a new project; the service queues its prompts and returns at once."""
        request = prompt_service_pb2.CreateProjectRequest(
            project_id=str(project_id), brief=brief, inspiration_images=inspiration_images
        )
        return (await self._unary("CreateProject", request, user_id)).project

    async def check_new_project(self, user_id: uuid.UUID, *, brief: common_pb2.BrandBrief) -> None:
        """Raise what create_project would answer for the user's limits; stores nothing."""
        request = prompt_service_pb2.CreateProjectRequest(brief=brief, validate_only=True)
        await self._unary("CreateProject", request, user_id)

    async def get_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> common_pb2.Project:
        """One of the user's projects with its assets."""
        request = prompt_service_pb2.GetProjectRequest(project_id=str(project_id))
        return (await self._unary("GetProject", request, user_id)).project

    async def list_projects(
        self, user_id: uuid.UUID, *, page_size: int, page_token: str
    ) -> prompt_service_pb2.ListProjectsResponse:
        """One page of the user's projects, newest first."""
        request = prompt_service_pb2.ListProjectsRequest(page_size=page_size, page_token=page_token)
        return await self._unary("ListProjects", request, user_id)

    def watch_project(
        self, user_id: uuid.UUID, project_id: uuid.UUID, *, after_sequence: int
    ) -> grpc.aio.UnaryStreamCall:
        """The project's event stream (no deadline: it lives as long as the client listens)."""
        request = prompt_service_pb2.WatchProjectRequest(
            project_id=str(project_id), after_sequence=after_sequence
        )
        return self._stub.WatchProject(request, metadata=self._metadata(user_id))

    async def cancel_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> common_pb2.Project:
        """Cancel one of the user's projects (a repeat is a no-op); the cancelled project."""
        request = prompt_service_pb2.CancelProjectRequest(project_id=str(project_id))
        return (await self._unary("CancelProject", request, user_id)).project

    async def delete_project(self, user_id: uuid.UUID, project_id: uuid.UUID) -> None:
        """Delete one of the user's projects with its assets and stored files."""
        request = prompt_service_pb2.DeleteProjectRequest(project_id=str(project_id))
        await self._unary("DeleteProject", request, user_id)

    async def retry_asset(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> common_pb2.Asset:
        """Queue one of the user's failed candidates to be drawn again; the asset, queued."""
        request = prompt_service_pb2.RetryAssetRequest(asset_id=str(asset_id))
        return (await self._unary("RetryAsset", request, user_id)).asset

    async def get_usage(self, user_id: uuid.UUID) -> common_pb2.Usage:
        """What the user has used of their limits."""
        request = prompt_service_pb2.GetUsageRequest()
        return (await self._unary("GetUsage", request, user_id)).usage


WATCH_RPC = f"{PromptClient.service}/WatchProject"  # the stream the gateway's SSE follows


class RefineClient(_ServiceClient):
    """The refine service's RPCs as the gateway uses them: every call for one verified user."""

    service = "RefineService"

    def __init__(
        self, channel: grpc.aio.Channel, *, deadline: float, tokens: ServiceTokens
    ) -> None:
        stub = refine_service_pb2_grpc.RefineServiceStub(channel)
        super().__init__(stub, deadline=deadline, tokens=tokens)

    async def refine_asset(
        self, user_id: uuid.UUID, asset_id: uuid.UUID, *, instruction: str, num_variations: int
    ) -> list[common_pb2.Asset]:
        """Queue variations and return them as first reported (queued).

        Only the stream's first message is read; the call is then cancelled, which
        leaves the variations' jobs running (they are durable in JetStream).
        """
        request = refine_service_pb2.RefineAssetRequest(
            asset_id=str(asset_id), instruction=instruction, num_variations=num_variations
        )
        call = self._stub.RefineAsset(
            request, metadata=self._metadata(user_id), timeout=self._deadline
        )
        try:
            with naming_failures(f"{self.service}/RefineAsset"):
                async for response in call:
                    return list(response.variations)
                await call.code()  # an empty stream: surface its status as an error
            raise RuntimeError("the refine service answered without variations")
        finally:
            call.cancel()

    async def get_asset(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> common_pb2.Asset:
        """One of the user's assets."""
        request = refine_service_pb2.GetAssetRequest(asset_id=str(asset_id))
        return (await self._unary("GetAsset", request, user_id)).asset

    async def lineage(self, user_id: uuid.UUID, asset_id: uuid.UUID) -> list[common_pb2.Asset]:
        """The chain from the original candidate down to the asset."""
        request = refine_service_pb2.GetAssetLineageRequest(asset_id=str(asset_id))
        return list((await self._unary("GetAssetLineage", request, user_id)).assets)

    async def brand_kit(
        self, user_id: uuid.UUID, asset_id: uuid.UUID
    ) -> refine_service_pb2.GetBrandKitResponse:
        """Where the asset's brand kit zip is stored (built first, once, when it is not).

        A first build takes a second or two of CPU (longer for an AI-drawn raster, which is
        vectorised), so the call may take several deadlines' worth; at least a minute.
        """
        request = refine_service_pb2.GetBrandKitRequest(asset_id=str(asset_id))
        deadline = max(60.0, 6 * self._deadline)
        return await self._unary("GetBrandKit", request, user_id, deadline=deadline)


@dataclass
class ServiceChannels:
    """The gateway's channels, by service name; owned ones are closed on shutdown."""

    channels: dict[str, grpc.aio.Channel]
    owned: set[str] = field(default_factory=set)

    @classmethod
    def open(
        cls, settings: GatewaySettings, given: dict[str, grpc.aio.Channel | None]
    ) -> ServiceChannels:
        """Use the given channels; open ones to the configured addresses for the rest (TLS
        when a CA is configured)."""
        addresses = {
            "prompt": settings.prompt_grpc,
            "imagegen": settings.imagegen_grpc,
            "refine": settings.refine_grpc,
        }
        channels: dict[str, grpc.aio.Channel] = {}
        owned: set[str] = set()
        for name in SERVICE_NAMES:
            channel = given.get(name)
            if channel is None:
                channel = _channel(
                    addresses[name],
                    settings.channel_credentials(),
                    keepalive_s=settings.grpc_keepalive_s,
                )
                owned.add(name)
            channels[name] = channel
        return cls(channels=channels, owned=owned)

    async def close(self) -> None:
        """Close the channels this object opened."""
        for name in self.owned:
            await self.channels[name].close()

    async def health(self, *, deadline: float) -> dict[str, str]:
        """Each service's standard health status, lower-cased ("serving", "unavailable", ...)."""
        names = list(self.channels)
        statuses = await asyncio.gather(*(_check(self.channels[n], deadline) for n in names))
        return dict(zip(names, statuses, strict=True))


# A target naming replicas spreads calls over every address it resolves to: `dns:///imagegen:50051`
# with one A record per replica (compose, Kubernetes headless services), or a static list
# such as `ipv4:127.0.0.1:50061,127.0.0.1:50062` (make run with LOGOKRAFT_*_REPLICAS).
# Streams stay on the replica they started on. A plain host:port keeps gRPC's default
# (pick_first), which waits for a restarting service instead of failing fast.
ROUND_ROBIN = (("grpc.service_config", json.dumps({"loadBalancingConfig": [{"round_robin": {}}]})),)


# The largest answer the gateway takes from a service. gRPC's default, 4 MiB, is what a
# project with a few hundred variations of long instructions comes to (each asset carries
# its prompt and metadata: up to about 17 KB), and past it the project could no longer be
# read or streamed at all. Images never travel in messages, so this bounds text alone.
MAX_RECEIVE_BYTES = 64 * 1024 * 1024
_MESSAGE_SIZE = (("grpc.max_receive_message_length", MAX_RECEIVE_BYTES),)


def channel_options(address: str, *, keepalive_s: float) -> tuple[tuple[str, str | int], ...]:
    """The answer size limit, keepalive pings, and round robin for a target that names
    replicas (a list, or a dns: name)."""
    replicas = "," in address or address.startswith("dns:")
    return (*_MESSAGE_SIZE, *keepalive_pings(keepalive_s), *(ROUND_ROBIN if replicas else ()))


def _channel(
    address: str, credentials: grpc.ChannelCredentials | None, *, keepalive_s: float
) -> grpc.aio.Channel:
    """A channel to one service (round robin over its replicas where the target names several);
    with tracing on, calls carry the trace context."""
    interceptors = grpc_client_interceptors()
    options = channel_options(address, keepalive_s=keepalive_s)
    if credentials is None:
        return grpc.aio.insecure_channel(address, options=options, interceptors=interceptors)
    return grpc.aio.secure_channel(address, credentials, options=options, interceptors=interceptors)


async def _check(channel: grpc.aio.Channel, deadline: float) -> str:
    stub = health_pb2_grpc.HealthStub(channel)
    try:
        response = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=deadline)
    except grpc.aio.AioRpcError as error:
        return error.code().name.lower()
    return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status).lower()
