"""RefineService over gRPC: parse the request, call the core, translate the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from logokraft.v1 import common_pb2
from logokraft.v1 import refine_service_pb2 as pb
from logokraft.v1 import refine_service_pb2_grpc as pb_grpc
from logokraft_domain.records import asset_to_proto
from logokraft_kit.grpc_server import caller_id
from logokraft_kit.identity import parse_uuid
from logokraft_refine.brand_kits import BrandKits
from logokraft_refine.core import RefineCore


class RefineServicer(pb_grpc.RefineServiceServicer):
    """Translates RefineService calls to the refine core."""

    def __init__(self, core: RefineCore, kits: BrandKits) -> None:
        self._core = core
        self._kits = kits

    async def RefineAsset(
        self, request: pb.RefineAssetRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.RefineAssetResponse]:
        """First the queued variations, then their status each time one changes, until done.

        The variations are durable jobs: cancelling this stream does not cancel them.
        """
        user_id = caller_id(context)
        asset_id = parse_uuid(request.asset_id, what="asset_id")
        children = await self._core.refine_asset(
            user_id, asset_id, request.instruction, request.num_variations
        )
        yield pb.RefineAssetResponse(variations=[asset_to_proto(c) for c in children])
        async for rows in self._core.follow(user_id, children):
            yield pb.RefineAssetResponse(variations=[asset_to_proto(r) for r in rows])

    async def GetAsset(
        self, request: pb.GetAssetRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAssetResponse:
        user_id = caller_id(context)
        asset_id = parse_uuid(request.asset_id, what="asset_id")
        asset = await self._core.get_asset(user_id, asset_id)
        return pb.GetAssetResponse(asset=asset_to_proto(asset))

    async def GetAssetLineage(
        self, request: pb.GetAssetLineageRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAssetLineageResponse:
        user_id = caller_id(context)
        asset_id = parse_uuid(request.asset_id, what="asset_id")
        chain = await self._core.lineage(user_id, asset_id)
        return pb.GetAssetLineageResponse(assets=[asset_to_proto(row) for row in chain])

    async def GetBrandKit(
        self, request: pb.GetBrandKitRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetBrandKitResponse:
        user_id = caller_id(context)
        asset_id = parse_uuid(request.asset_id, what="asset_id")
        kit = await self._kits.get(user_id, asset_id)
        return pb.GetBrandKitResponse(
            kit=common_pb2.StorageRef(bucket=kit.bucket, path=kit.path),
            filename=kit.filename,
            size_bytes=kit.size_bytes,
            display_filename=kit.display_filename,
        )
