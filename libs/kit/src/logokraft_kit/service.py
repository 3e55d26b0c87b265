"""One service process's runtime: shared infrastructure, job workers and the gRPC server.

`ServiceRuntime.stop` is the graceful shutdown every service shares: health
turns NOT_SERVING, workers stop fetching and let running jobs finish (the rest
are handed back to JetStream), the gRPC server drains, NATS drains, the pool
closes. "Workers" are anything that runs in the background until stopped: job
workers and sweepers.

Outages: the NATS client reconnects forever (bus.connect) and the pool checks a
connection before lending it (db.Database), so a restarted NATS or Postgres is
picked up again without restarting the service; work that failed meanwhile is
redelivered (worker.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from logokraft_kit.bus import Subjects, connect, ensure_streams
from logokraft_kit.db import Database
from logokraft_kit.grpc_server import GrpcServer, Register, wait_for_shutdown_signal
from logokraft_kit.settings import InfraSettings
from logokraft_kit.storage import BlobStorage, open_storage

log = logging.getLogger(__name__)


class Background(Protocol):
    """Something that runs until stopped: a JobWorker, a sweeper."""

    async def run(self) -> None: ...

    async def stop(self, *, grace: float = ...) -> None: ...


FETCH_EXIT_TIMEOUT = 3.0  # a worker's fetch returns within its 1 s poll


@dataclass
class Infrastructure:
    """Connections to what every service talks to."""

    db: Database
    nc: NATS
    js: JetStreamContext
    subjects: Subjects
    storage: BlobStorage

    @classmethod
    async def open(cls, settings: InfraSettings, *, name: str) -> Infrastructure:
        """Connect to Postgres and NATS and make sure the streams exist."""
        db = Database(settings.database_url)
        await db.open()
        nc = await connect(settings.nats_url, name=name)
        js = nc.jetstream()
        subjects = Subjects(settings.namespace)
        await ensure_streams(js, subjects)
        storage = await open_storage(
            data_dir=settings.data_dir,
            public_base_url=settings.public_base_url,
            supabase_url=settings.supabase_url,
            supabase_service_role_key=settings.supabase_service_role_key,
        )
        return cls(db=db, nc=nc, js=js, subjects=subjects, storage=storage)

    async def close(self) -> None:
        """Drain NATS and close the pool."""
        with contextlib.suppress(Exception):
            await self.nc.drain()
        await self.db.close()
        close_storage = getattr(self.storage, "aclose", None)
        if close_storage is not None:
            await close_storage()


@dataclass
class ServiceRuntime:
    """A started service: its gRPC server, its workers and its infrastructure."""

    server: GrpcServer
    infra: Infrastructure
    port: int
    workers: list[Background] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start_workers(self) -> None:
        """Run every worker in the background."""
        for worker in self.workers:
            self._tasks.append(asyncio.create_task(worker.run()))

    async def stop(self, *, grace: float = 20.0) -> None:
        """Graceful shutdown, in the order that loses nothing."""
        await self.server.health.enter_graceful_shutdown()
        await asyncio.gather(*(w.stop(grace=grace) for w in self.workers))
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=FETCH_EXIT_TIMEOUT)
            for task in pending:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.server.stop(grace=grace)
        await self.infra.close()

    async def run_until_signalled(self, *, grace: float) -> None:
        """Serve until SIGTERM/SIGINT, then shut down gracefully."""
        await wait_for_shutdown_signal()
        await self.stop(grace=grace)


async def launch(
    infra: Infrastructure,
    *,
    address: str,
    service_name: str,
    register: Register,
    workers: list[Background],
) -> ServiceRuntime:
    """Start a service's gRPC server (with health) and its workers on open infrastructure."""
    server = GrpcServer(service_names=[service_name], register=register)
    port = await server.start(address)
    runtime = ServiceRuntime(server=server, infra=infra, port=port, workers=workers)
    runtime.start_workers()
    return runtime
