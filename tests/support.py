"""What the cross-service tests share: the one place test modules import helpers from.

- Services in-process: `service_env`, `Services`, `running_services` (with the gateway in
  front and a test's own generator: `generator_stack`); caller metadata
  (`as_user`) and ids (`new_project_id`).
- Projects over gRPC: `brand_brief`, `create_over_grpc`, `watch_over_grpc`.
- The gateway over HTTP: `serve_gateway` (on `logokraft_dev.asgi.serve_asgi`), `png`,
  `create_project`, and the one SSE client on `logokraft_dev.sse.SseReader`: `read_stream`
  reads one stream to its end, `EventSource` follows one as a browser does (reconnecting
  with Last-Event-ID).
- Services as child processes (`ServiceProcess`) and waiting on database state (`wait_for`,
  `rows`, `assets_of`, `project_row`, `stored_files`).
- `make run` as a user runs it (`make_run`, a `Stack`): the whole system as child processes,
  driven over HTTP.
- The fault stack (`FaultStack`, the `fault_stack` fixture of conftest.py): one fault test's
  settings, services, replicas and own NATS or Postgres, all stopped when the test ends.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import grpc
import httpx
import psutil
import psycopg
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families
from psycopg import sql
from psycopg.rows import dict_row

from logokraft.v1 import common_pb2, prompt_service_pb2_grpc, refine_service_pb2_grpc
from logokraft.v1 import prompt_service_pb2 as prompt_pb
from logokraft_dev.asgi import serve_asgi
from logokraft_dev.devstack import NatsServer, free_port, start_nats, start_postgres
from logokraft_dev.devstack._process import die_with_parent, stop_process, tail
from logokraft_dev.devtokens import dev_token, dev_user_id, mint_token
from logokraft_dev.sse import SseEvent, SseReader
from logokraft_gateway.app import create_app
from logokraft_gateway.config import GatewaySettings
from logokraft_imagegen import server as imagegen_server
from logokraft_imagegen.config import ImagegenSettings
from logokraft_kit.migrate import apply_migrations, find_supabase_dir
from logokraft_kit.service import ServiceRuntime
from logokraft_prompt import server as prompt_server
from logokraft_prompt.config import PromptSettings
from logokraft_refine import server as refine_server
from logokraft_refine.config import RefineSettings

T = TypeVar("T")

DEADLINE = 30.0  # seconds any one expected change may take
HOLD_JOBS_UNTIL = "LOGOKRAFT_HOLD_JOBS_UNTIL"  # the fault hook: a job waits until this file exists


# ---- services in-process ----------------------------------------------------------------------


def service_env(*, nats_url: str, database_url: str, namespace: str, data_dir: Path) -> dict:
    """Settings shared by the services of one test, forcing the local providers."""
    return {
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "LOGOKRAFT_NAMESPACE": namespace,
        "LOGOKRAFT_DATA_DIR": data_dir,
        "LOGOKRAFT_PROMPT_PROVIDER": "local",
        "LOGOKRAFT_IMAGE_PROVIDER": "local",
        "LOGOKRAFT_REFINE_PROVIDER": "local",
        "LOGOKRAFT_WATCH_POLL_S": 2.0,
        "LOGOKRAFT_JWT_SECRET": TEST_JWT_SECRET,
        # Seconds of font loading in a thread at every start would compete with the test's own
        # event loop for the GIL; the warm-up has its own tests (services/*/tests).
        "LOGOKRAFT_ENGINE_WARM_UP": False,
    }


@dataclass
class Services:
    """Running prompt, imagegen and refine services and channels to prompt and refine."""

    prompt: ServiceRuntime
    imagegen: ServiceRuntime
    refine: ServiceRuntime
    channel: grpc.aio.Channel
    refine_channel: grpc.aio.Channel
    data_dir: Path
    env: dict

    @property
    def prompt_stub(self) -> prompt_service_pb2_grpc.PromptServiceStub:
        return prompt_service_pb2_grpc.PromptServiceStub(self.channel)

    @property
    def refine_stub(self) -> refine_service_pb2_grpc.RefineServiceStub:
        return refine_service_pb2_grpc.RefineServiceStub(self.refine_channel)


@asynccontextmanager
async def running_services(
    env: dict, *, imagegen_env: dict | None = None, generator: Any = None
) -> AsyncIterator[Services]:
    """Prompt, imagegen and refine in-process with these settings (imagegen with
    `imagegen_env` when given, drawing with a test's own `generator` when given), and
    channels to prompt and refine; all stopped afterwards."""
    prompt = await prompt_server.start(PromptSettings(**env), address="127.0.0.1:0")
    imagegen = await imagegen_server.start(
        ImagegenSettings(**(imagegen_env or env)), address="127.0.0.1:0", generator=generator
    )
    refine = await refine_server.start(RefineSettings(**env), address="127.0.0.1:0")
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{prompt.port}")
    refine_channel = grpc.aio.insecure_channel(f"127.0.0.1:{refine.port}")
    try:
        yield Services(
            prompt, imagegen, refine, channel, refine_channel, env["LOGOKRAFT_DATA_DIR"], env
        )
    finally:
        await refine_channel.close()
        await channel.close()
        await refine.stop(grace=1)
        await imagegen.stop(grace=1)
        await prompt.stop(grace=1)


@asynccontextmanager
async def generator_stack(
    env: dict, generator: Any
) -> AsyncIterator[tuple[Services, httpx.AsyncClient]]:
    """`running_services` drawing with a test's own `generator`, the gateway in front of them
    and a client of it; the generator's `gate` is opened on the way out, so no drawing it
    holds hangs the shutdown."""
    async with (
        running_services(env, generator=generator) as services,
        serve_gateway(services) as url,
        httpx.AsyncClient(base_url=url, timeout=60) as http,
    ):
        try:
            yield services, http
        finally:
            generator.gate.set()


@dataclass
class GatewayStack:
    """Services behind a gateway, a client of it, and what tests read beside them."""

    http: httpx.AsyncClient
    services: Services
    database_url: str
    data_dir: Path

    def auth(self, name: str = "dev") -> dict[str, str]:
        return {"Authorization": f"Bearer {dev_token(self.data_dir, name)}"}

    @property
    def prompt(self) -> prompt_service_pb2_grpc.PromptServiceStub:
        return self.services.prompt_stub


def limits(**values: int) -> pytest.MarkDecorator:
    """Run the test with these LOGOKRAFT_LIMIT_* settings (the `limit_env` fixture)."""
    env = {f"LOGOKRAFT_LIMIT_{name.upper()}": value for name, value in values.items()}
    return pytest.mark.parametrize("limit_env", [env], indirect=True, ids=[""])


# The user-token secret of the tests' services, so `as_user` can sign tokens they accept.
TEST_JWT_SECRET = "logokraft-tests-user-token-secret-0123456789"


def projects_core(runtime: ServiceRuntime) -> Any:
    """A second `ProjectsCore` on a running prompt service's infrastructure (with the local
    prompt writer), for tests that drive one of its steps by hand."""
    from logokraft_prompt import core as prompt_core
    from logokraft_prompt.adapters.local import LocalPromptWriter

    infra = runtime.infra
    return prompt_core.ProjectsCore(
        prompt_core.Deps(
            db=infra.db,
            nc=infra.nc,
            jobs=infra.jobs,
            subjects=infra.subjects,
            storage=infra.storage,
            writer=LocalPromptWriter(),
        )
    )


def user_token(name: str) -> str:
    """An access token for the named dev user, as the tests' services verify them."""
    return mint_token(TEST_JWT_SECRET, dev_user_id(name))


def as_user(name: str) -> tuple[tuple[str, str], ...]:
    """gRPC metadata that makes a call as the named dev user, with their access token."""
    return (("authorization", f"Bearer {user_token(name)}"),)


def new_project_id() -> str:
    return str(uuid.uuid4())


# ---- projects over gRPC -----------------------------------------------------------------------


def brand_brief(name: str = "Acme Roasters", count: int = 3) -> common_pb2.BrandBrief:
    return common_pb2.BrandBrief(
        brand_name=name,
        slogan="Fresh every morning",
        industry="coffee roastery",
        style=["minimal"],
        colors=["#0a2540"],
        num_candidates=count,
    )


async def create_over_grpc(services: Services, *, user: str = "dev", count: int = 3) -> str:
    """A new project of `brand_brief()` created with the prompt service; its id."""
    project_id = new_project_id()
    await services.prompt_stub.CreateProject(
        prompt_pb.CreateProjectRequest(project_id=project_id, brief=brand_brief(count=count)),
        metadata=as_user(user),
    )
    return project_id


async def watch_over_grpc(
    services: Services, project_id: str, *, after: int = 0, user: str = "dev"
) -> list:
    """Every event of WatchProject, to its end."""
    call = services.prompt_stub.WatchProject(
        prompt_pb.WatchProjectRequest(project_id=project_id, after_sequence=after),
        metadata=as_user(user),
        timeout=60,
    )
    return [response.event async for response in call]


# ---- the gateway over HTTP --------------------------------------------------------------------


@asynccontextmanager
async def serve_gateway(
    services: Services, *, send_buffer: int | None = None, **settings: Any
) -> AsyncIterator[str]:
    """The gateway on a kernel-chosen port, wired to the in-process services; yields its URL.

    `settings` override GatewaySettings fields by alias; `send_buffer` sets SO_SNDBUF on the
    listening socket, which the connections it accepts inherit (a small one makes a stalled
    client push back on the gateway after a few KB instead of after the kernel's autotuned MBs).
    """

    def gateway_at(url: str) -> Any:
        settings_at_url: dict[str, Any] = {
            "LOGOKRAFT_DATA_DIR": services.data_dir,
            "DATABASE_URL": services.env["DATABASE_URL"],  # as deployed: Idempotency-Key needs it
            "LOGOKRAFT_PUBLIC_URL": url,
            "LOGOKRAFT_PROMPT_GRPC": f"127.0.0.1:{services.prompt.port}",
            "LOGOKRAFT_IMAGEGEN_GRPC": f"127.0.0.1:{services.imagegen.port}",
            "LOGOKRAFT_REFINE_GRPC": f"127.0.0.1:{services.refine.port}",
            "LOGOKRAFT_SSE_HEARTBEAT_SECONDS": 1,
            # Tests make many requests from one address and user; rate limits have their own.
            "LOGOKRAFT_RATE_LIMIT_PER_USER": "0",
            "LOGOKRAFT_RATE_LIMIT_PER_IP": "0",
            "LOGOKRAFT_RATE_LIMIT_GENERATION": "0",
            "LOGOKRAFT_MAX_STREAMS_PER_USER": 0,
            **settings,
        }
        return create_app(GatewaySettings(**settings_at_url))

    async with serve_asgi(make_app=gateway_at, lifespan="on", send_buffer=send_buffer) as url:
        yield url


def png(color: str = "#c0392b", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


async def create_project(client: httpx.AsyncClient, base: str, token: str, **form: str) -> dict:
    """POST /api/v1/projects (Acme, 4 candidates, an inspiration image); its 202 body."""
    response = await client.post(
        f"{base}/api/v1/projects",
        headers={"Authorization": f"Bearer {token}"},
        data={"brand_name": "Acme", "num_candidates": "4", "colors": "navy", **form},
        files=[("inspiration_images", ("mood.png", png(), "image/png"))],
    )
    assert response.status_code == 202, response.text
    return response.json()


async def read_stream(client: httpx.AsyncClient, url: str, **headers: str) -> list[SseEvent]:
    """Every event of one text/event-stream response, read to its end."""
    reader = SseReader()
    async with client.stream("GET", url, headers=headers, timeout=60) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        return [event async for event in reader.events(response)]


@dataclass
class Connection:
    """One connection of an `EventSource`: what it sent, how it was answered, what it read."""

    last_event_id: int | None
    status: int | None = None
    outcome: str = "open"
    events: list[SseEvent] = field(default_factory=list)

    def __repr__(self) -> str:
        ids = [e.id for e in self.events]
        return f"<Last-Event-ID {self.last_event_id}: {self.status} {self.outcome}, ids {ids}>"


class EventSource:
    """Follows a stream to `done` as a browser's EventSource does: when a connection ends
    without `done`, breaks, or is answered with an error, it connects again after `retry_s`
    (the gateway's LOGOKRAFT_SSE_RETRY_MS should say the same), sending the last `id:` it
    received as `Last-Event-ID`; it gives up after `follow_within` seconds."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        url: str,
        *,
        retry_s: float = 0.1,
        follow_within: float = 60.0,
    ) -> None:
        self._http = http
        self._url = url
        self._retry_s = retry_s
        self._follow_within = follow_within
        self.connections: list[Connection] = []
        self.last_event_id: int | None = None
        self.done: SseEvent | None = None
        self._reading: asyncio.Task | None = None
        self._following: asyncio.Task | None = None

    @property
    def events(self) -> list[SseEvent]:
        return [event for connection in self.connections for event in connection.events]

    def start(self) -> EventSource:
        self._following = asyncio.create_task(self._follow())
        return self

    async def finished(self) -> SseEvent:
        assert self._following is not None, "not started"
        return await asyncio.wait_for(asyncio.shield(self._following), self._follow_within)

    async def stop(self) -> None:
        if self._following is not None and not self._following.done():
            self._following.cancel()
            await asyncio.gather(self._following, return_exceptions=True)

    def drop(self) -> None:
        """Break the open connection, as a network failure would (none open: nothing to do)."""
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()

    async def until(self, condition: Callable[[], Any], what: str) -> Any:
        """Until `condition()` holds for what the client received; fail if it gave up."""

        async def holds() -> Any:
            if self._following is not None and self._following.done():
                self._following.result()  # raises what ended it
                raise AssertionError(f"the client finished before {what}: {self.connections}")
            return condition()

        try:
            return await wait_for(holds, within=DEADLINE, what=what)
        except AssertionError as error:
            raise AssertionError(f"{error}; the client's connections: {self.connections}") from None

    async def _follow(self) -> SseEvent:
        deadline = time.monotonic() + self._follow_within
        while self.done is None:
            if self.connections:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"no `done` within {self._follow_within}s: {self.connections}"
                    )
                await asyncio.sleep(self._retry_s)  # the client's retry delay, as EventSource's
            connection = Connection(self.last_event_id)
            self.connections.append(connection)
            self._reading = asyncio.create_task(self._read(connection))
            try:
                await self._reading
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling():  # type: ignore[union-attr]
                    raise
                connection.outcome = "dropped by the test"
            except httpx.TransportError as error:
                connection.outcome = f"broke: {error!r}"
        return self.done

    async def _read(self, connection: Connection) -> None:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if connection.last_event_id is not None:
            headers["Last-Event-ID"] = str(connection.last_event_id)
        timeout = httpx.Timeout(30.0, connect=5.0)
        async with self._http.stream("GET", self._url, headers=headers, timeout=timeout) as answer:
            connection.status = answer.status_code
            if answer.status_code != 200:
                connection.outcome = (await answer.aread()).decode(errors="replace")[:200]
                return
            async for event in SseReader().events(answer):
                connection.events.append(event)
                if event.id is not None:
                    self.last_event_id = event.id
                if event.event == "done":
                    self.done = event
                    connection.outcome = "done"
                    return
            connection.outcome = "ended without done"

    # What the client has seen so far.

    def saw_asset(self, status: str) -> int:
        """How many assets the client saw with this status, in the snapshot or an event."""
        seen = set()
        for event in self.events:
            if event.event == "snapshot":
                assets = event.data["project"]["assets"]
            elif event.event == "asset":
                assets = [event.data["asset"]]
            else:
                continue
            seen |= {a["id"] for a in assets if a["status"] == status}
        return len(seen)


# ---- services as child processes, and waiting on database state -------------------------------

GRPC_ADDRESS_VARIABLE = {
    "logokraft_prompt": "LOGOKRAFT_PROMPT_GRPC",
    "logokraft_imagegen": "LOGOKRAFT_IMAGEGEN_GRPC",
    "logokraft_refine": "LOGOKRAFT_REFINE_GRPC",
}
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class ServiceProcess:
    """One service as a child process of the test: `python -m logokraft_<service>` with the
    test's settings in its environment, on a free gRPC port, logging to a file; tests kill it
    (SIGKILL), stop it gracefully (SIGTERM) and read its health."""

    def __init__(self, module: str, env: Mapping[str, Any], *, log_path: Path) -> None:
        self.module = module
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = {
            **os.environ,
            **{key: str(value) for key, value in env.items()},
            GRPC_ADDRESS_VARIABLE[module]: self.address,
            "PYTHONUNBUFFERED": "1",
        }
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> ServiceProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                die_with_parent([sys.executable, "-m", self.module], signal.SIGKILL),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        assert self._proc is not None, "not started"
        return self._proc

    def log(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)

    async def health(self) -> int | None:
        """The overall health status, or None when the server does not answer."""
        async with grpc.aio.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                response = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
            except grpc.aio.AioRpcError:
                return None
        return response.status

    async def wait_serving(self, within: float = 30.0) -> ServiceProcess:
        async def serving() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.module} exited early; log:\n{self.log()}")
            return await self.health() == SERVING

        await wait_for(serving, within=within, what=f"{self.module} to serve")
        return self

    def kill(self) -> None:
        """SIGKILL: no goodbye, nothing acknowledged."""
        self.proc.kill()
        self.proc.wait(10)

    def terminate(self) -> None:
        """SIGTERM: the graceful shutdown."""
        self.proc.send_signal(signal.SIGTERM)

    async def wait_exit(self, within: float = 30.0) -> int:
        await wait_for(lambda: _returned(self.proc), within=within, what=f"{self.module} to exit")
        return int(self.proc.returncode)

    def stop(self) -> None:
        if self._proc is not None:
            stop_process(self._proc, timeout=10)


async def _returned(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is not None


async def wait_for(
    condition: Callable[[], Awaitable[T]],
    *,
    within: float,
    what: str,
    interval: float = 0.05,
) -> T:
    """Await `condition()` until it is truthy and return it; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        result = await condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(interval)


async def rows(database_url: str, query: str, params: Any = None) -> list[dict[str, Any]]:
    """Run one query as the database owner (no RLS) on a fresh connection."""
    async with await psycopg.AsyncConnection.connect(
        database_url, row_factory=dict_row, autocommit=True, connect_timeout=5
    ) as conn:
        cursor = await conn.execute(query, params)
        return await cursor.fetchall()


async def assets_of(database_url: str, project_id: str) -> list[dict[str, Any]]:
    return await rows(
        database_url,
        "select * from generated_assets where project_id = %s order by position, created_at",
        [project_id],
    )


async def project_row(database_url: str, project_id: str) -> dict[str, Any]:
    [row] = await rows(database_url, "select * from brand_projects where id = %s", [project_id])
    return row


def stored_files(data_dir: Path, user_id: Any, project_id: Any) -> list[str]:
    """The names of the generated objects stored for one project (local storage)."""
    folder = data_dir / "storage" / "generated-assets" / str(user_id) / str(project_id)
    if not folder.exists():
        return []
    return sorted(path.name for path in folder.iterdir() if not path.name.startswith("."))


# ---- `make run` as a user runs it -----------------------------------------------------------


MAKE_RUN_DEADLINE = 60.0  # seconds any one change under `make run` may take (restarts too)


@dataclass(frozen=True)
class Metrics:
    """One scrape: every sample by name and labels."""

    samples: dict[tuple[str, frozenset[tuple[str, str]]], float]

    @classmethod
    def parse(cls, text: str) -> Metrics:
        samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }
        return cls(samples)

    def names(self) -> set[str]:
        return {name for name, _ in self.samples}

    def value(self, name: str, **labels: str) -> float:
        """The sum of the samples named `name` whose labels include `labels` (0 when none)."""
        wanted = set(labels.items())
        return sum(v for (n, ls), v in self.samples.items() if n == name and wanted <= ls)


@dataclass
class Stack:
    """A running `make run` stack: its process, its output so far, and an HTTP client."""

    proc: subprocess.Popen[str]
    data_dir: Path
    http: httpx.AsyncClient
    output: list[str] = field(default_factory=list)

    def said(self, text: str) -> bool:
        return any(text in line for line in list(self.output))

    async def wait_said(self, text: str) -> None:
        async def said() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError("the stack exited:\n" + "".join(self.output[-40:]))
            return self.said(text)

        await wait_for(said, within=MAKE_RUN_DEADLINE, what=f"the stack to say {text!r}")

    def metrics_url(self, process: str) -> str:
        """The metrics URL the banner printed for one process (prompt, ..., gateway)."""
        for line in list(self.output):
            words = line.split()
            if words[:1] == [process] and "metrics" in words:
                return words[words.index("metrics") + 1]
        raise AssertionError(f"the banner names no metrics URL for {process}")

    async def scrape(self, process: str) -> Metrics:
        """One process's metrics, scraped as Prometheus would."""
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(self.metrics_url(process))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return Metrics.parse(response.text)

    def kill(self, service: str) -> int:
        """SIGKILL the service's process (`python -m logokraft_<service>`); its pid."""
        module = f"logokraft_{service}"
        for child in psutil.Process(self.proc.pid).children(recursive=True):
            try:
                cmdline = child.cmdline()
            except psutil.NoSuchProcess:
                continue
            if cmdline[1:3] == ["-m", module]:
                child.send_signal(signal.SIGKILL)
                child.wait(10)
                return child.pid
        raise AssertionError(f"no {module} process under the stack")

    async def project(self, project_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/api/v1/projects/{project_id}")
        assert response.status_code == 200, response.text
        return response.json()

    async def wait_assets(self, project_id: str, statuses: list[str]) -> list[dict[str, Any]]:
        """Wait until the project's assets have exactly these statuses (by position, then age)."""

        async def reached() -> list[dict[str, Any]] | None:
            assets = (await self.project(project_id))["assets"]
            return assets if [a["status"] for a in assets] == statuses else None

        return await wait_for(reached, within=MAKE_RUN_DEADLINE, what=f"assets to be {statuses}")


def _start_stack(data_dir: Path, port: int, settings: dict[str, str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env |= {"LOGOKRAFT_DATA_DIR": str(data_dir), "LOGOKRAFT_HTTP_PORT": str(port), **settings}
    return subprocess.Popen(
        [sys.executable, "-m", "logokraft_dev.devstack", "run"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@asynccontextmanager
async def make_run(data_dir: Path, **settings: str) -> AsyncIterator[Stack]:
    """`make run` in a subprocess on a free port; stopped with SIGTERM, as Ctrl-C would."""
    port = free_port()
    proc = _start_stack(data_dir, port, settings)
    output: list[str] = []
    assert proc.stdout is not None
    reader = threading.Thread(target=output.extend, args=(proc.stdout,), daemon=True)
    reader.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            stack = Stack(proc, data_dir, http, output)
            await stack.wait_said("LogoKraft is running at")
            http.headers["Authorization"] = f"Bearer {dev_token(data_dir, 'dev')}"
            yield stack
    finally:
        code = await asyncio.to_thread(stop_process, proc, timeout=60)  # type: ignore[arg-type]
        reader.join(10)
    assert code == 0, "the stack did not stop cleanly:\n" + "".join(output[-40:])


# ---- the fault stack --------------------------------------------------------------------------


def fault_env(nats_url: str, database_url: str, namespace: str, data_dir: Path) -> dict[str, Any]:
    """Local providers, short ack waits, and one drawing at a time per process."""
    return service_env(
        nats_url=nats_url, database_url=database_url, namespace=namespace, data_dir=data_dir
    ) | {
        "LOGOKRAFT_IMAGE_ACK_WAIT_S": "1",
        "LOGOKRAFT_REFINE_ACK_WAIT_S": "1",
        "LOGOKRAFT_LOCAL_CONCURRENCY": "1",
        "LOGOKRAFT_LOG_LEVEL": "INFO",
    }


class OwnPostgres:
    """A Postgres of the test's own (data outside pytest's tmp dirs), restartable."""

    def __init__(self) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="lk-fault-pg-"))
        self.scratch.chmod(0o755)  # the server may run as a dedicated OS user
        self.server = start_postgres(data_dir=self.scratch / "data", durable=False)
        with psycopg.connect(self.server.url, autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier("faults")))
        supabase = find_supabase_dir()
        apply_migrations(
            self.url, migrations_dir=supabase / "migrations", shim_dir=supabase / "shim"
        )

    @property
    def url(self) -> str:
        return self.server.url_for("faults")

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server = start_postgres(
            data_dir=self.scratch / "data", port=self.server.port, durable=False
        )

    def remove(self) -> None:
        self.server.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)


class OwnNats:
    """A NATS of the test's own (JetStream stored under `store_dir`), restartable on its port."""

    def __init__(self, store_dir: Path) -> None:
        self.store_dir = store_dir
        self.port = free_port()
        self.server: NatsServer = start_nats(store_dir=store_dir, port=self.port)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server = start_nats(store_dir=self.store_dir, port=self.port)


IN_PROCESS = {
    "prompt": (prompt_server, PromptSettings),
    "imagegen": (imagegen_server, ImagegenSettings),
    "refine": (refine_server, RefineSettings),
}


class FaultStack:
    """One fault test's world, so the test states only what differs.

    `env` holds the services' settings (`fault_env`: local providers, short ack waits, one
    drawing at a time); `gate` is the file held jobs wait for (`LOGOKRAFT_HOLD_JOBS_UNTIL`).
    A test changes the settings (`configure`) or moves to a NATS or Postgres of its own
    (`own_nats`, `own_postgres`) before it starts anything; then it starts services in-process
    (`start`), replicas as child processes (`replicas`) or services behind the real gateway
    (`gateway`), and waits on the database. Everything is stopped when the test ends, newest
    first: the services before the NATS or Postgres they use.
    """

    def __init__(self, *, nats_url: str, database_url: str, namespace: str, tmp_path: Path):
        self.tmp_path = tmp_path
        self.data_dir = tmp_path / "data"
        self.gate = tmp_path / "release"
        self.namespace = namespace
        self.database_url = database_url
        self.env = fault_env(nats_url, database_url, namespace, self.data_dir)
        self.prompt_address: str | None = None  # of the in-process prompt service, once started
        self._nats: OwnNats | None = None
        self._postgres: OwnPostgres | None = None
        self._runtimes: list[ServiceRuntime] = []
        self._started = False
        self._exit = AsyncExitStack()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._exit.__aexit__(kind, error, traceback)

    # -- settings, before anything starts

    def configure(self, **settings: Any) -> None:
        """Change the services' settings (by alias)."""
        self._before_anything_starts()
        self.env |= settings

    async def own_nats(self) -> OwnNats:
        """Use a NATS of the test's own, to stop and start again mid-test."""
        self._before_anything_starts()
        self._nats = await asyncio.to_thread(OwnNats, self.tmp_path / "jetstream")
        self._exit.callback(lambda: self._nats and self._nats.stop())  # the current server
        self.env["NATS_URL"] = self._nats.url
        return self._nats

    async def own_postgres(self) -> OwnPostgres:
        """Use a migrated Postgres of the test's own, to stop and start again mid-test."""
        self._before_anything_starts()
        self._postgres = await asyncio.to_thread(OwnPostgres)
        self._exit.callback(self._postgres.remove)
        self.database_url = self.env["DATABASE_URL"] = self._postgres.url
        return self._postgres

    def _before_anything_starts(self) -> None:
        assert not self._started, "change the fault stack's settings before starting anything"

    # -- NATS and Postgres going away

    async def stop_nats(self) -> None:
        assert self._nats is not None, "own_nats() first"
        await asyncio.to_thread(self._nats.stop)

    async def start_nats(self) -> None:
        assert self._nats is not None, "own_nats() first"
        await asyncio.to_thread(self._nats.start)

    async def stop_postgres(self) -> None:
        assert self._postgres is not None, "own_postgres() first"
        await asyncio.to_thread(self._postgres.stop)

    async def start_postgres(self) -> None:
        assert self._postgres is not None, "own_postgres() first"
        await asyncio.to_thread(self._postgres.start)

    # -- starting things

    async def enter(self, context: AbstractAsyncContextManager[T]) -> T:
        """Enter `context` for the rest of the test (left before what was started earlier)."""
        return await self._exit.enter_async_context(context)

    def callback(self, callback: Callable[[], Awaitable[Any]]) -> None:
        """Await `callback()` when the test ends (before what was started earlier)."""
        self._exit.push_async_callback(callback)

    async def start(self, service: str, *, held: bool = False, **parts: Any) -> ServiceRuntime:
        """`service` ("prompt", "imagegen" or "refine") in-process on the stack's settings.

        `held`: its jobs wait until the gate exists. `parts` go to its `start` (a generator,
        a writer). The services started in-process stop together.
        """
        self._started = True
        server, settings = IN_PROCESS[service]
        env = (self.env | {HOLD_JOBS_UNTIL: self.gate}) if held else self.env
        if not self._runtimes:
            self._exit.push_async_callback(self._stop_runtimes)
        runtime = await server.start(settings(**env), address="127.0.0.1:0", **parts)
        self._runtimes.append(runtime)
        if service == "prompt":
            self.prompt_address = f"127.0.0.1:{runtime.port}"
        return runtime

    async def _stop_runtimes(self) -> None:
        runtimes, self._runtimes = self._runtimes, []
        await asyncio.gather(*(runtime.stop(grace=1) for runtime in runtimes))

    def replicas(self, service: str) -> tuple[ServiceProcess, ServiceProcess]:
        """Two replicas of `service` as child processes (not started): the first holds every
        job until the gate exists, the second does not. Both stop when the test ends."""
        self._started = True
        module = f"logokraft_{service}"
        held = ServiceProcess(
            module,
            self.env | {HOLD_JOBS_UNTIL: self.gate},
            log_path=self.tmp_path / f"{service}-1.log",
        )
        fresh = ServiceProcess(module, self.env, log_path=self.tmp_path / f"{service}-2.log")

        def stop_both() -> None:
            held.stop()
            fresh.stop()

        self._exit.callback(stop_both)
        return held, fresh

    async def gateway(self, **settings: Any) -> tuple[str, Services]:
        """Prompt, imagegen (its drawings held until the gate exists) and refine in-process,
        and the real gateway in front of them (`settings` override its own); its URL and the
        services."""
        self._started = True
        held = self.env | {HOLD_JOBS_UNTIL: self.gate}
        services = await self.enter(running_services(self.env, imagegen_env=held))
        url = await self.enter(serve_gateway(services, **settings))
        return url, services

    # -- projects and the database

    async def create_project(
        self, *, count: int, name: str = "Tidewater Tea", address: str | None = None
    ) -> str:
        """A project created with the prompt service (the in-process one unless `address`)."""
        address = address or self.prompt_address
        assert address is not None, "no prompt service started"
        project_id = new_project_id()
        async with grpc.aio.insecure_channel(address) as channel:
            await prompt_service_pb2_grpc.PromptServiceStub(channel).CreateProject(
                prompt_pb.CreateProjectRequest(
                    project_id=project_id,
                    brief=common_pb2.BrandBrief(
                        brand_name=name,
                        industry="tea house",
                        colors=["#1f4e79"],
                        num_candidates=count,
                    ),
                ),
                metadata=as_user("dev"),
            )
        return project_id

    async def rows(self, query: str, params: Any = None) -> list[dict[str, Any]]:
        return await rows(self.database_url, query, params)

    async def assets(self, project_id: str) -> list[dict[str, Any]]:
        return await assets_of(self.database_url, project_id)

    async def project(self, project_id: str) -> dict[str, Any]:
        return await project_row(self.database_url, project_id)

    async def wait_for_assets(
        self, project_id: str, statuses: list[str], *, within: float = DEADLINE
    ) -> list[dict[str, Any]]:
        """Until the project's assets have exactly these statuses (in any order)."""

        async def reached() -> list[dict[str, Any]] | None:
            assets = await self.assets(project_id)
            return assets if sorted(a["status"] for a in assets) == sorted(statuses) else None

        return await wait_for(reached, within=within, what=f"assets {statuses}")

    async def wait_for_settled(
        self, project_id: str, status: str = "completed", *, within: float = DEADLINE
    ) -> dict[str, Any]:
        """Until the project is completed or failed; it must be `status`."""

        async def settled() -> dict[str, Any] | None:
            project = await self.project(project_id)
            return project if project["status"] in ("completed", "failed") else None

        project = await wait_for(settled, within=within, what=f"project {project_id} to settle")
        assert project["status"] == status, project
        return project

    def assert_one_object_per_asset(self, project_id: str, assets: list[dict]) -> None:
        """Every asset has exactly its PNG and SVG stored, and nothing else was stored."""
        expected = sorted(f"{a['id']}.{ext}" for a in assets for ext in ("png", "svg"))
        assert stored_files(self.data_dir, dev_user_id("dev"), project_id) == expected


# ---- the gateway in-process, over ASGI --------------------------------------------------------


@asynccontextmanager
async def gateway_client(
    services: Services, database_url: str, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway (its lifespan run), with DATABASE_URL, in front of the in-process services;
    an httpx client that calls it over ASGI at http://testserver, no socket in between.

    `settings` override GatewaySettings fields by alias. Unlike `serve_gateway`, the gateway's
    rate limits keep their defaults.
    """
    gateway = create_app(
        GatewaySettings(
            **{
                "LOGOKRAFT_DATA_DIR": services.data_dir,
                "LOGOKRAFT_PUBLIC_URL": "http://testserver",
                "LOGOKRAFT_PROMPT_GRPC": f"127.0.0.1:{services.prompt.port}",
                "LOGOKRAFT_IMAGEGEN_GRPC": f"127.0.0.1:{services.imagegen.port}",
                "LOGOKRAFT_REFINE_GRPC": f"127.0.0.1:{services.refine.port}",
                "DATABASE_URL": database_url,
                **settings,
            }
        )
    )
    async with gateway.router.lifespan_context(gateway):
        transport = httpx.ASGITransport(app=gateway)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=30
        ) as client:
            yield client


# ---- `make run` with replicas ---------------------------------------------------------------


def stack_child(stack: Stack, name: str) -> psutil.Process:
    """The process `make run` runs as child `name` (`imagegen-2`, `gateway`, ...): the service
    or gateway process whose trace name (set per child by the devstack) is
    `logokraft-<name>`."""
    service = name.rsplit("-", 1)[0] if name[-1:].isdigit() else name
    for child in psutil.Process(stack.proc.pid).children(recursive=True):
        try:
            cmdline, environ = child.cmdline(), child.environ()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        named = environ.get("OTEL_SERVICE_NAME") == f"logokraft-{name}"
        if named and cmdline[1:3] == ["-m", f"logokraft_{service}"]:
            return child
    raise AssertionError(f"no process named {name} under the stack")


def lines_of(stack: Stack, name: str) -> list[str]:
    """What child `name` printed so far (the supervisor puts `<name> | ` before each line)."""
    split = [line.partition(" | ") for line in list(stack.output)]
    return [text for prefix, sep, text in split if sep and prefix.strip() == name]
