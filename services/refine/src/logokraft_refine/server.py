"""Builds and runs the refine service process: gRPC server and health."""

from __future__ import annotations

from logokraft.v1 import refine_service_pb2, refine_service_pb2_grpc
from logokraft_kit.grpc_server import GrpcServer, wait_for_shutdown_signal
from logokraft_kit.logs import configure_logging
from logokraft_refine.config import RefineSettings
from logokraft_refine.servicer import RefineServicer

SERVICE_NAME = refine_service_pb2.DESCRIPTOR.services_by_name["RefineService"].full_name


async def start(settings: RefineSettings, *, address: str | None = None) -> tuple[GrpcServer, int]:
    """Start the gRPC server; return it and its port."""
    server = GrpcServer(
        service_names=[SERVICE_NAME],
        register=lambda s: refine_service_pb2_grpc.add_RefineServiceServicer_to_server(
            RefineServicer(), s
        ),
    )
    port = await server.start(address or settings.refine_grpc)
    return server, port


async def serve() -> None:
    """Run the refine service until SIGTERM/SIGINT, then shut down gracefully."""
    settings = RefineSettings()
    configure_logging("refine", settings.log_level)
    server, _ = await start(settings)
    await wait_for_shutdown_signal()
    await server.stop(grace=settings.shutdown_grace_s)
