"""A TCP proxy that can go silent, for tests of connections that die without a word.

Until `go_silent()` it forwards both ways; then it keeps every connection open and passes
nothing on, as a host that lost power or a network cut does: no FIN, no RST, only silence,
which a peer learns of from its own pings (or from TCP, hours later).
"""

from __future__ import annotations

import asyncio
import contextlib


class SilentableProxy:
    """Forwards TCP to `target` until `go_silent()`; then holds every connection open and
    passes nothing on, either way."""

    def __init__(self, target: str) -> None:
        self._host, port = target.rsplit(":", 1)
        self._port = int(port)
        self._talking = asyncio.Event()
        self._talking.set()
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.address = ""

    async def __aenter__(self) -> SilentableProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.address = f"127.0.0.1:{port}"
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._pipes:
            task.cancel()
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    def go_silent(self) -> None:
        self._talking.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self._host, self._port)
        self._writers += [writer, up_writer]
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(task)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                if not self._talking.is_set():
                    await asyncio.Event().wait()  # silent: what came is lost, nothing more read
                sink.write(data)
                await sink.drain()
