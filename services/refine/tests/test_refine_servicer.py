"""The refine service starts, reports healthy, and says clearly that refinement is not here yet."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from logokraft.v1 import refine_service_pb2 as pb
from logokraft.v1 import refine_service_pb2_grpc as pb_grpc
from logokraft_refine.config import RefineSettings
from logokraft_refine.server import SERVICE_NAME, start


async def test_refine_is_healthy_and_answers_unimplemented(tmp_path):
    settings = RefineSettings(
        NATS_URL="nats://unused", DATABASE_URL="postgresql://unused", LOGOKRAFT_DATA_DIR=tmp_path
    )
    server, port = await start(settings, address="127.0.0.1:0")
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            health = health_pb2_grpc.HealthStub(channel)
            answer = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME))
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
            stub = pb_grpc.RefineServiceStub(channel)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                async for _ in stub.RefineAsset(pb.RefineAssetRequest(asset_id="x")):
                    pass
            assert caught.value.code() == grpc.StatusCode.UNIMPLEMENTED
            assert "not available yet" in caught.value.details()
        await server.stop(grace=0)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError):
                await health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=2
                )
    finally:
        await server.stop(grace=0)
