"""Serve an ASGI app on 127.0.0.1 with a kernel-chosen port, in the running loop or a thread.

The one way tests (and the provider fakes) run a real HTTP server: uvicorn, awaited until
it listens rather than polled, on a port the kernel picks.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import uvicorn


class _Server(uvicorn.Server):
    """A uvicorn server that signals an event once it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start as usual, then wake whoever waits for the port."""
        await super().startup(sockets=sockets)
        self.ready.set()


def _config(app: Any, lifespan: str) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan=lifespan,
        log_config=None,
        access_log=False,
        # Held-open test streams must not keep shutdown waiting forever.
        timeout_graceful_shutdown=2,
    )


def _base_url(server: _Server) -> str:
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


def _listening_socket(send_buffer: int | None) -> socket.socket:
    sock = socket.socket()
    if send_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.asynccontextmanager
async def serve_asgi(
    app: Any = None,
    *,
    make_app: Callable[[str], Any] | None = None,
    lifespan: str = "off",
    send_buffer: int | None = None,
) -> AsyncIterator[str]:
    """Run an app in the current event loop; yield its base URL (no trailing slash).

    Give the app, or `make_app(base_url)` for an app that must know its own URL before it
    starts (the gateway signs stream and file URLs with it): the port is bound first.
    `lifespan="on"` runs the app's startup and shutdown (an app that opens connections).
    `send_buffer` sets SO_SNDBUF on the listening socket, which the connections it accepts
    inherit: a small one makes a stalled client push back on the server after a few KB.
    """
    if (app is None) == (make_app is None):
        raise TypeError("give serve_asgi an app or make_app, not both")
    sock = _listening_socket(send_buffer)
    if make_app is not None:
        host, port = sock.getsockname()[:2]
        app = make_app(f"http://{host}:{port}")
    server = _Server(_config(app, lifespan))
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    ready = asyncio.create_task(server.ready.wait())
    await asyncio.wait({serving, ready}, return_when=asyncio.FIRST_COMPLETED)
    if not server.ready.is_set():
        ready.cancel()
        await serving  # re-raises the startup failure
        raise RuntimeError("the ASGI server stopped before it started listening")
    try:
        yield _base_url(server)
    finally:
        server.should_exit = True
        await serving
        sock.close()


@contextlib.contextmanager
def serve_asgi_in_thread(app: Any) -> Iterator[str]:
    """Run `app` in a background thread with its own loop; yield its base URL."""
    started = threading.Event()
    state: dict[str, Any] = {}

    async def run() -> None:
        async with serve_asgi(app) as base_url:
            state["base_url"] = base_url
            state["stop"] = asyncio.Event()
            state["loop"] = asyncio.get_running_loop()
            started.set()
            await state["stop"].wait()

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # surfaced to the caller below
            state["error"] = exc
        finally:
            started.set()

    thread = threading.Thread(target=target, name="serve-asgi", daemon=True)
    thread.start()
    started.wait()
    if "error" in state:
        raise RuntimeError("the ASGI server failed to start") from state["error"]
    try:
        yield state["base_url"]
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join()
