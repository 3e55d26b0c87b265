"""gRPC server bootstrap shared by the services: health, domain-error mapping, graceful stop.

One `GrpcServer` per process: it registers the servicers and the standard
`grpc.health.v1` service, maps domain errors to status codes in one
interceptor (with `retry-after` and `logokraft-reason` trailing metadata when the
error carries them), and on shutdown turns health NOT_SERVING before it stops.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from logokraft_kit.errors import LogoKraftError, Unauthenticated
from logokraft_kit.identity import USER_ID_METADATA_KEY

log = logging.getLogger(__name__)

Register = Callable[[grpc.aio.Server], None]


def caller_id(context: grpc.aio.ServicerContext) -> uuid.UUID:
    """The verified user id the gateway forwarded in metadata."""
    for key, value in context.invocation_metadata() or ():
        if key == USER_ID_METADATA_KEY:
            try:
                return uuid.UUID(str(value))
            except ValueError:
                break
    raise Unauthenticated("the call carries no valid caller identity")


async def _abort(context: grpc.aio.ServicerContext, error: LogoKraftError) -> None:
    """End the call with the error's status; its reason and retry-after go in the trailers."""
    await context.abort(
        error.status_code, error.message, trailing_metadata=error.trailing_metadata()
    )


def _wrap_unary(behavior: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await behavior(request, context)
        except LogoKraftError as error:
            await _abort(context, error)

    return wrapped


def _wrap_stream(behavior: Callable[..., AsyncIterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    async def wrapped(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        try:
            async for response in behavior(request, context):
                yield response
        except LogoKraftError as error:
            await _abort(context, error)

    return wrapped


class DomainErrorInterceptor(grpc.aio.ServerInterceptor):
    """Turns every LogoKraftError into its gRPC status, for unary and server-streaming RPCs."""

    async def intercept_service(self, continuation, handler_call_details):  # type: ignore[no-untyped-def]
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                _wrap_unary(handler.unary_unary),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                _wrap_stream(handler.unary_stream),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler


class GrpcServer:
    """A grpc.aio server with health checking and domain-error mapping."""

    def __init__(self, *, service_names: list[str], register: Register) -> None:
        self.server = grpc.aio.server(interceptors=[DomainErrorInterceptor()])
        self.health = health_aio.HealthServicer()
        self._service_names = service_names
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        register(self.server)

    async def start(self, address: str) -> int:
        """Bind, start and report SERVING; return the bound port (useful with port 0)."""
        port = self.server.add_insecure_port(address)
        if port == 0:
            raise RuntimeError(f"could not bind gRPC server to {address}")
        await self.server.start()
        await self._set_all(health_pb2.HealthCheckResponse.SERVING)
        return port

    async def _set_all(self, status: int) -> None:
        for name in ["", *self._service_names]:
            await self.health.set(name, status)

    async def stop(self, *, grace: float) -> None:
        """Report NOT_SERVING, then stop accepting calls and let running ones finish."""
        await self._set_all(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.stop(grace)


async def wait_for_shutdown_signal() -> None:
    """Return on SIGTERM or SIGINT."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutdown signal received")
