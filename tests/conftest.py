"""Cross-service fixtures: services started in-process against real NATS and Postgres, and the
real gateway in front of them over HTTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
import uvicorn

from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.config import ImagegenSettings
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings
from tests.support import Services, service_env


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def services(nats_server, database_url, namespace, data_dir) -> AsyncIterator[Services]:
    env = service_env(
        nats_url=nats_server.url, database_url=database_url, namespace=namespace, data_dir=data_dir
    )
    prompt = await prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")
    imagegen = await imagegen_server.start(ImagegenSettings(**env), address="127.0.0.1:0")
    refine = await refine_server.start(RefineSettings(**env), address="127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}")
    refine_channel = grpc.aio.insecure_channel(f"127.0.0.1:{refine.port}")
    try:
        yield Services(prompt, imagegen, refine, channel, refine_channel, data_dir, env)
    finally:
        await refine_channel.close()
        await channel.close()
        await refine.stop(grace=1)
        await imagegen.stop(grace=1)
        await prompt.stop(grace=1)


class _Server(uvicorn.Server):
    """uvicorn, setting `ready` once it listens, so the fixture awaits instead of polling."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()


GatewayFactory = Callable[..., AbstractAsyncContextManager[str]]


@asynccontextmanager
async def serve_gateway(
    services: Services, *, send_buffer: int | None = None, **settings: Any
) -> AsyncIterator[str]:
    """The gateway on a kernel-chosen port, wired to the in-process services; yields its URL.

    `settings` override GatewaySettings fields by alias; `send_buffer` sets SO_SNDBUF on the
    listening socket, which the connections it accepts inherit (a small one makes a stalled
    client push back on the gateway after a few KB instead of after the kernel's autotuned MBs).
    """
    sock = socket.socket()
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config_values: dict[str, Any] = {
        "LOGOKRAFT_DATA_DIR": services.data_dir,
        "DATABASE_URL": services.env["DATABASE_URL"],  # as deployed: Idempotency-Key needs it
        "LOGOKRAFT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LOGOKRAFT_PROMPT_GRPC": f"127.0.0.1:{services.prompt.port}",
        "LOGOKRAFT_IMAGEGEN_GRPC": f"127.0.0.1:{services.imagegen.port}",
        "LOGOKRAFT_REFINE_GRPC": f"127.0.0.1:{services.refine.port}",
        "LOGOKRAFT_SSE_HEARTBEAT_SECONDS": 1,
        **settings,
    }
    config = uvicorn.Config(
        create_app(GatewaySettings(**config_values)), log_level="warning", lifespan="on"
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
    if not server.ready.is_set():
        ready.cancel()
        await serving
        raise RuntimeError("the gateway stopped before it started")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
        sock.close()


@pytest.fixture
async def gateway(services) -> AsyncIterator[str]:
    """The gateway's base URL, on a kernel-chosen port, wired to the in-process services."""
    async with serve_gateway(services) as url:
        yield url
