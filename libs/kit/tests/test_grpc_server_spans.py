"""A gRPC call's server span says how the call ended, as its metric does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import grpc
import pytest
from opentelemetry.instrumentation.grpc import aio_server_interceptor
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from logokraft_kit import grpc_server
from logokraft_kit.errors import ResourceExhausted
from logokraft_kit.grpc_server import GrpcServer

SERVICE = "logokraft.test.Spans"


class Spans:
    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def crash(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        raise RuntimeError("a bug")

    async def refuse(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        raise ResourceExhausted("You have made 200 images today.", reason="daily_image_limit")

    async def hang(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.started.set()
        await asyncio.Event().wait()  # until the caller gives up
        return b""

    def register(self, server: grpc.aio.Server) -> None:
        handlers = {
            name: grpc.unary_unary_rpc_method_handler(getattr(self, name.lower()))
            for name in ("Crash", "Refuse", "Hang")
        }
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))


class _OnEnd(SpanProcessor):
    def __init__(self, then: Callable[[], object], method: str) -> None:
        self._then, self._method = then, method

    def on_end(self, span: ReadableSpan) -> None:
        if span.name.endswith(f"/{self._method}"):
            self._then()


async def test_a_call_that_crashed_or_was_cancelled_is_not_ok_on_its_span(monkeypatch):
    """Before, the instrumentation saw only aborts: a call that raised a bug (UNKNOWN to the
    caller) or that its caller gave up on (CANCELLED in the metrics) ended its server span as
    `rpc.grpc.status_code` 0 (OK) with no error status, so the trace of a failed request
    showed the service succeeding."""
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    hang_ended, loop = asyncio.Event(), asyncio.get_running_loop()
    provider.add_span_processor(_OnEnd(lambda: loop.call_soon_threadsafe(hang_ended.set), "Hang"))
    interceptor = aio_server_interceptor(tracer_provider=provider)
    monkeypatch.setattr(grpc_server, "grpc_server_interceptors", lambda: [interceptor])
    spans = Spans()
    server = GrpcServer(service_names=[SERVICE], register=spans.register, authenticate=None)
    port = await server.start("127.0.0.1:0")
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            for name, timeout in (("Crash", 10), ("Refuse", 10), ("Hang", 0.5)):
                with pytest.raises(grpc.aio.AioRpcError):
                    await channel.unary_unary(f"/{SERVICE}/{name}")(b"", timeout=timeout)

        await asyncio.wait_for(hang_ended.wait(), 10)  # the server learns of it in its time
    finally:
        await server.stop(grace=0)
    ended = {s.name.rsplit("/", 1)[1]: s for s in exported.get_finished_spans()}
    crash, refuse, hang = ended["Crash"], ended["Refuse"], ended["Hang"]
    assert crash.attributes["rpc.grpc.status_code"] == grpc.StatusCode.UNKNOWN.value[0]
    assert crash.status.status_code is StatusCode.ERROR
    assert refuse.attributes["rpc.grpc.status_code"] == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert refuse.status.status_code is StatusCode.UNSET, "the caller's fault, not the service's"
    assert hang.attributes["rpc.grpc.status_code"] == grpc.StatusCode.CANCELLED.value[0]
    assert hang.status.status_code is StatusCode.UNSET, "the caller gave up"
