"""The one service bootstrap: a declared `ServiceSpec` and a generic `start`/`run`.

Each service's `server.py` is a composition root: it declares a `ServiceSpec` whose
`compose` function builds the service's parts (its servicer, the job consumers it runs,
its background work such as sweepers) once the shared infrastructure is open. Everything
else is the same for every service and lives here:

- `start(spec)`: connect to Postgres and NATS (making sure the streams exist), open blob
  storage, compose the parts, start one `JobWorker` per consumer and the background work,
  and serve gRPC with the standard health service;
- `run(spec)`: what `python -m logokraft_<service>` does: configure logging and tracing,
  serve `/metrics` (LOGOKRAFT_METRICS_ADDRESS), start, wait for SIGTERM/SIGINT, then stop
  gracefully within `LOGOKRAFT_SHUTDOWN_GRACE_S`.

`ServiceRuntime.stop` is the graceful shutdown every service shares: health turns
NOT_SERVING, workers stop fetching and let running jobs finish (the rest are handed back to
JetStream), the gRPC server drains, NATS drains, the pool closes.

Outages: the NATS client reconnects forever (bus.connect) and the pool checks a connection
before lending it (db.Database), so a restarted NATS or Postgres is picked up again without
restarting the service; work that failed meanwhile is redelivered (worker.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from logokraft_kit.bus import JobPublisher, JobSigner, Subjects, connect, ensure_streams
from logokraft_kit.db import Database
from logokraft_kit.grpc_server import GrpcServer, Register, wait_for_shutdown_signal
from logokraft_kit.logs import configure_logging
from logokraft_kit.metrics import (
    DatabasePool,
    JobQueues,
    MetricsServer,
    QueueSource,
    serve_metrics,
    set_build_info,
)
from logokraft_kit.settings import (
    InfraSettings,
    ServiceSettings,
    WorkerSettings,
    load_settings,
)
from logokraft_kit.storage import BlobStorage, open_storage
from logokraft_kit.telemetry import configure_tracing, shutdown_tracing
from logokraft_kit.worker import ConsumerSpec, Handler, JobWorker

log = logging.getLogger(__name__)

# The one module that may load development tooling, and only when a test asks for it.
FAULT_HOOKS_MODULE = "logokraft_dev.faults"

T = TypeVar("T")


class Background(Protocol):
    """Something that runs until stopped: a JobWorker, a sweeper."""

    async def run(self) -> None: ...

    async def stop(self, *, grace: float = ...) -> None: ...


@dataclass
class Warmup:
    """A one-off job run in a thread when the service starts, beside its workers: `work` loads
    what an adapter's first call would otherwise pay for (the local engine's fonts and icons).

    It runs off the event loop and after the gRPC server is up, so readiness never waits for
    it; a job that arrives meanwhile simply runs beside it. A failure is logged and forgotten:
    the first call is then as slow as it was without a warm-up, nothing worse.
    """

    work: Callable[[], None]
    what: str = "warm-up"

    async def run(self) -> None:
        """Run `work` once in a worker thread."""
        started = time.perf_counter()
        try:
            await asyncio.to_thread(self.work)
        except Exception:
            log.warning(
                "%s failed; the first call will load what it needs", self.what, exc_info=True
            )
            return
        log.info("%s done in %.2f s", self.what, time.perf_counter() - started)

    async def stop(self, *, grace: float = 0.0) -> None:
        """Nothing to stop: a thread cannot be interrupted, and `run` ends by itself."""


def warmups(*adapters: object) -> list[Background]:
    """A `Warmup` for each adapter that offers one (a `warm_up()` method, run in a thread)."""
    found: list[Background] = []
    for adapter in adapters:
        work = getattr(adapter, "warm_up", None)
        if callable(work):
            found.append(Warmup(work, f"{getattr(adapter, 'name', 'adapter')} warm-up"))
    return found


FETCH_EXIT_TIMEOUT = 3.0  # a worker's fetch returns within its 1 s poll (or stop wakes it)


@dataclass
class Infrastructure:
    """Connections to what every service talks to."""

    db: Database
    nc: NATS
    js: JetStreamContext
    subjects: Subjects
    storage: BlobStorage
    jobs: JobPublisher  # publishes signed jobs; workers check the same signer

    @classmethod
    async def open(cls, settings: InfraSettings, *, name: str) -> Infrastructure:
        """Connect to Postgres and NATS and make sure the streams exist."""
        db = Database(settings.database_url)
        await db.open()
        nc = await connect(settings.nats_url.get_secret_value(), name=name)
        js = nc.jetstream()
        subjects = Subjects(settings.namespace)
        await ensure_streams(js, subjects)
        storage = await open_storage(
            data_dir=settings.data_dir,
            public_base_url=settings.public_base_url,
            supabase_url=settings.supabase_url,
            supabase_service_role_key=settings.supabase_service_role_key,
            url_key=None if settings.supabase_url else settings.storage_url_key,
        )
        jobs = JobPublisher(js, subjects, JobSigner(settings.service_secret))
        return cls(db=db, nc=nc, js=js, subjects=subjects, storage=storage, jobs=jobs)

    async def close(self) -> None:
        """Drain NATS and close the pool."""
        with contextlib.suppress(Exception):
            await self.nc.drain()
        await self.db.close()
        close_storage = getattr(self.storage, "aclose", None)
        if close_storage is not None:
            await close_storage()


@dataclass(frozen=True)
class Lane:
    """One more queue of a consumer's job type, with its own durable consumer."""

    queue: str  # the subject's last part: {namespace}.jobs.<queue>
    durable: str  # the consumer's name after the namespace: {namespace}-<durable>


@dataclass(frozen=True)
class Consumer:
    """One work queue a service consumes, and how: build it with `logokraft_domain.jobs`.

    `lanes_ahead` are queues of the same job type served before this one by the same
    worker and slots (fair scheduling; see logokraft_kit.worker).
    """

    queue: str  # the subject's last part: {namespace}.jobs.<queue>
    durable: str  # the consumer's name after the namespace: {namespace}-<durable>
    handler: Handler
    concurrency: int
    ack_wait: float
    max_attempts: int
    lanes_ahead: tuple[Lane, ...] = ()

    @property
    def lanes(self) -> tuple[Lane, ...]:
        """Every queue this consumer serves, in the order it serves them."""
        return (*self.lanes_ahead, Lane(queue=self.queue, durable=self.durable))


@dataclass
class ServiceParts:
    """What a service is made of once its infrastructure is open."""

    register: Register  # adds the servicer to the gRPC server
    consumers: list[Consumer] = field(default_factory=list)
    background: list[Background] = field(default_factory=list)  # sweepers and the like


@dataclass(frozen=True)
class ServiceSpec:
    """A service, declared: its name, settings, gRPC service and how its parts are composed."""

    name: str  # "prompt", "imagegen", "refine": the process's name in logs and on NATS
    grpc_service: str  # the full proto name health reports on, e.g. logokraft.v1.PromptService
    settings: ServiceSettings
    address: str  # where to listen, e.g. settings.prompt_grpc
    compose: Callable[[Infrastructure], ServiceParts]


@dataclass
class ServiceRuntime:
    """A started service: its gRPC server, its workers and its infrastructure."""

    server: GrpcServer
    infra: Infrastructure
    port: int
    workers: list[Background] = field(default_factory=list)
    queues: list[QueueSource] = field(default_factory=list)  # the work queues it consumes
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


def job_worker(infra: Infrastructure, settings: WorkerSettings, consumer: Consumer) -> JobWorker:
    """The durable pull consumers of one job type's lanes, shared by every replica."""
    subjects = infra.subjects
    specs = [
        ConsumerSpec(
            stream=subjects.jobs_stream,
            subject=subjects.jobs(lane.queue),
            durable=f"{subjects.namespace}-{lane.durable}",
            max_attempts=consumer.max_attempts,
            ack_wait=consumer.ack_wait,
            concurrency=consumer.concurrency,
            max_deliver=settings.job_max_deliver,
        )
        for lane in consumer.lanes
    ]
    return JobWorker(infra.js, specs, consumer.handler, signer=infra.jobs.signer, nc=infra.nc)


async def start(spec: ServiceSpec, *, address: str | None = None) -> ServiceRuntime:
    """Open the infrastructure, compose the service, start its workers and its gRPC server."""
    infra = await Infrastructure.open(spec.settings, name=f"logokraft-{spec.name}")
    try:
        parts = spec.compose(infra)
        server = GrpcServer(
            service_names=[spec.grpc_service],
            register=parts.register,
            authenticate=spec.settings.caller_verifier(spec.name).caller,
            tls=spec.settings.server_tls(),
            keepalive_s=spec.settings.grpc_keepalive_s,
        )
        port = await server.start(address or spec.address)
    except BaseException:
        await infra.close()
        raise
    workers = [job_worker(infra, spec.settings, c) for c in parts.consumers]
    runtime = ServiceRuntime(
        server=server,
        infra=infra,
        port=port,
        workers=[*workers, *parts.background],
        queues=[
            QueueSource(lane.queue, lane.stream, lane.subject, lane.durable)
            for worker in workers
            for lane in worker.lanes
        ],
    )
    runtime.start_workers()
    return runtime


async def serve(spec: ServiceSpec) -> None:
    """Run the service (and its `/metrics`) until SIGTERM/SIGINT, then shut down gracefully."""
    metrics = _serve_metrics(spec)
    try:
        runtime = await start(spec)
        if metrics is not None:
            loop = asyncio.get_running_loop()
            JobQueues(runtime.infra.js, runtime.queues, loop).register()
            DatabasePool(runtime.infra.db, loop).register()
        await runtime.run_until_signalled(grace=spec.settings.shutdown_grace_s)
    finally:
        if metrics is not None:
            metrics.stop()


def _serve_metrics(spec: ServiceSpec) -> MetricsServer | None:
    if spec.settings.metrics_address is None:
        return None
    set_build_info(spec.name)
    return serve_metrics(spec.settings.metrics_address)


def _module_name() -> str:
    """ "prompt" for `python -m logokraft_prompt`: the name to start a refusal with."""
    main_spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    package = main_spec.name.split(".")[0] if main_spec is not None else ""
    return package.removeprefix("logokraft_") or "the service"


def run(make_spec: Callable[[], ServiceSpec]) -> None:
    """`python -m logokraft_<service>`: log and trace as the service, serve until signalled."""
    spec = load_settings(_module_name(), make_spec)
    configure_logging(spec.name, spec.settings.log_level, spec.settings.log_format)
    configure_tracing(spec.name, spec.settings.otel_environment)
    try:
        asyncio.run(serve(spec))
    finally:
        shutdown_tracing()


def with_fault_hooks(adapter: T, settings: WorkerSettings, *, method: str) -> T:
    """The adapter, held by the tests' fault hook when LOGOKRAFT_HOLD_JOBS_UNTIL is set.

    The hook (development tooling, never installed in a service image) makes each call of
    `method` wait until the named file exists, so a test can kill or stop a service while
    work is in flight. Without the setting the adapter is returned untouched.
    """
    if settings.hold_jobs_until is None:
        return adapter
    hooks = _fault_hooks()
    return hooks.held(adapter, method=method, path=settings.hold_jobs_until)


def _fault_hooks() -> _FaultHooks:
    import importlib

    try:
        return importlib.import_module(FAULT_HOOKS_MODULE)  # type: ignore[return-value]
    except ImportError as error:
        raise RuntimeError(
            "LOGOKRAFT_HOLD_JOBS_UNTIL is a test hook and needs the development tooling "
            "(logokraft-dev); unset it"
        ) from error


class _FaultHooks(Protocol):
    def held(self, adapter: T, *, method: str, path: object) -> T: ...
