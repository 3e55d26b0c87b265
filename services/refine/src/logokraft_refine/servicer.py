"""RefineService over gRPC. Refinement arrives with the next issue; until then it says so."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from logokraft.v1 import refine_service_pb2 as pb
from logokraft.v1 import refine_service_pb2_grpc as pb_grpc

NOT_YET = "refinement is not available yet in this version of LogoKraft"


class RefineServicer(pb_grpc.RefineServiceServicer):
    """Answers UNIMPLEMENTED with a clear message until refinement lands."""

    async def RefineAsset(
        self, request: pb.RefineAssetRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.RefineAssetResponse]:
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, NOT_YET)
        yield pb.RefineAssetResponse()  # pragma: no cover - abort raises

    async def GetAsset(
        self, request: pb.GetAssetRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetAssetResponse:
        await context.abort(grpc.StatusCode.UNIMPLEMENTED, NOT_YET)
        raise AssertionError("unreachable")
