"""`make run`: the whole of LogoKraft on one machine, with embedded NATS and Postgres by default.

`local_infra` provides NATS and Postgres (embedded unless NATS_URL /
DATABASE_URL are set) with migrations applied; `run_stack` adds the three
gRPC services and the gateway under a `Supervisor` until SIGINT or SIGTERM.

Every child serves Prometheus metrics on a port of its own (printed in the banner) and
is named in traces as `logokraft-<child>`; tracing itself is on when the standard
`OTEL_*` variables ask for it.

`LOGOKRAFT_{PROMPT,IMAGEGEN,REFINE}_REPLICAS=N` (default 1) runs N processes of a service,
named `<service>-1` ... `<service>-N`, each listening on its own gRPC and metrics port. They
share the service's JetStream work queue (so each job is drawn once, by one of them), and the
gateway reaches all of them through one target, `ipv4:127.0.0.1:P1,127.0.0.1:P2`, over which
its channels balance round robin. Children log as text when `make run` runs on a terminal,
as JSON lines otherwise (LOGOKRAFT_LOG_FORMAT overrides).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import re
import shlex
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import nats as nats_client
import psycopg

from logokraft_dev.devstack._process import ChildServer, StartupError, free_port
from logokraft_dev.devstack.nats import start_nats
from logokraft_dev.devstack.postgres import start_postgres
from logokraft_dev.devstack.probes import grpc_health_probe, http_probe
from logokraft_dev.devstack.supervisor import ChildSpec, Supervisor
from logokraft_kit.datadir import DEFAULT_DATA_DIR, ensure_data_dir
from logokraft_kit.migrate import apply_migrations, find_supabase_dir
from logokraft_kit.telemetry import tracing_requested

DEFAULT_HTTP_PORT = 8000
# What `logokraft login` assumes without --api (logokraft_cli.config.DEFAULT_API_URL).
DEFAULT_API_URL = f"http://127.0.0.1:{DEFAULT_HTTP_PORT}"
DEV_FRONTEND_ORIGIN = "http://localhost:3000"  # a web front end's usual dev server
MAX_REPLICAS = 32  # a typo's guard: each replica is a Python process of its own
WATCH_SERVERS_S = 1.0  # how often make run checks that its embedded NATS and Postgres live
# (child name, module run with `python -m`, env var holding its gRPC address)
SERVICES = (
    ("prompt", "logokraft_prompt", "LOGOKRAFT_PROMPT_GRPC"),
    ("imagegen", "logokraft_imagegen", "LOGOKRAFT_IMAGEGEN_GRPC"),
    ("refine", "logokraft_refine", "LOGOKRAFT_REFINE_GRPC"),
)


class DevstackError(RuntimeError):
    """The stack cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Replica:
    """One process of a gRPC service: its child name, module, address variable and address."""

    name: str  # the child's name: `imagegen` alone, `imagegen-1`, `imagegen-2`, ... with replicas
    service: str
    module: str
    variable: str  # e.g. LOGOKRAFT_IMAGEGEN_GRPC: its own listen address in its own env
    address: str  # host:port


def replicas_variable(service: str) -> str:
    """The variable holding a service's replica count, e.g. LOGOKRAFT_IMAGEGEN_REPLICAS."""
    return f"LOGOKRAFT_{service.upper()}_REPLICAS"


def replica_counts(environ: Mapping[str, str]) -> dict[str, int]:
    """How many processes of each service to run: LOGOKRAFT_<SERVICE>_REPLICAS, default 1."""
    counts = {}
    for service, _, _ in SERVICES:
        variable = replicas_variable(service)
        raw = (environ.get(variable) or "1").strip()
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_REPLICAS:
            raise DevstackError(
                f"{variable} must be a whole number from 1 to {MAX_REPLICAS} (how many {service} "
                f"processes to run), not {raw!r}; e.g. `make run {variable}=2`"
            )
        counts[service] = int(raw)
    return counts


def gateway_target(addresses: list[str]) -> str:
    """One gRPC target for a service's replicas: the address itself for one, else a static
    list the gateway's channels balance over (round robin)."""
    if len(addresses) == 1:
        return addresses[0]
    return "ipv4:" + ",".join(addresses)


@dataclass(frozen=True)
class Infra:
    """Where NATS and Postgres are, and whether they are the embedded ones."""

    nats_url: str
    database_url: str
    embedded_nats: bool
    embedded_database: bool
    # The embedded servers by name ("nats", "postgres"), watched while the stack runs.
    servers: Mapping[str, ChildServer] = field(default_factory=dict)


@dataclass(frozen=True)
class StackContext:
    """Everything a child needs: the data dir, the gateway URL, the environment of every child."""

    data_dir: Path
    http_url: str
    env: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, str] = field(default_factory=dict)  # child name -> host:port
    replicas: tuple[Replica, ...] = ()  # every service process, in start order

    def child_env(self, name: str) -> dict[str, str]:
        """The environment of one child: the shared one, its metrics port, its trace name,
        and for a service replica its own listen address (the shared env holds the targets
        the gateway calls, which may list several replicas)."""
        env = dict(self.env)
        if name in self.metrics:
            env["LOGOKRAFT_METRICS_ADDRESS"] = self.metrics[name]
        for replica in self.replicas:
            if replica.name == name:
                env[replica.variable] = replica.address
        env["OTEL_SERVICE_NAME"] = f"logokraft-{name}"
        return env

    def metrics_url(self, name: str) -> str | None:
        """Where Prometheus scrapes one child."""
        address = self.metrics.get(name)
        return f"http://{address}/metrics" if address else None


ChildrenFactory = Callable[[StackContext], list[ChildSpec]]


def data_dir_from(environ: Mapping[str, str]) -> Path:
    """LOGOKRAFT_DATA_DIR or ./.logokraft, created, absolute."""
    return ensure_data_dir(Path(environ.get("LOGOKRAFT_DATA_DIR") or DEFAULT_DATA_DIR))


@contextlib.contextmanager
def lock_data_dir(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the data dir so two stacks never share one."""
    with (data_dir / ".devstack.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DevstackError(
                f"another devstack is already running with data dir {data_dir}; stop it, "
                "or set LOGOKRAFT_DATA_DIR to another folder"
            ) from None
        yield


async def _watch_servers(supervisor: Supervisor, servers: Mapping[str, ChildServer]) -> None:
    """Say once when an embedded NATS or Postgres exits: nothing restarts them, and the
    services only log their lost connections into their own files."""
    running = dict(servers)
    while running:
        await asyncio.sleep(WATCH_SERVERS_S)
        for name, server in list(running.items()):
            code = server.exit_code()
            if code is None:
                continue
            del running[name]
            supervisor.say(
                f"{name} exited with code {code}; it is not restarted: the services wait for "
                f"it (see logs/{name}.log); press Ctrl-C and start again"
            )


@contextlib.contextmanager
def local_infra(data_dir: Path, environ: Mapping[str, str]) -> Iterator[Infra]:
    """NATS and Postgres (embedded unless configured) with migrations applied; stopped on exit."""
    logs = data_dir / "logs"
    with contextlib.ExitStack() as stack:
        servers: dict[str, ChildServer] = {}
        nats_url = environ.get("NATS_URL")
        if not nats_url:
            nats = start_nats(store_dir=data_dir / "nats", log_path=logs / "nats.log")
            nats_url = stack.enter_context(nats).url
            servers["nats"] = nats
        else:
            check_nats(nats_url)
        database_url = environ.get("DATABASE_URL")
        if not database_url:
            postgres = start_postgres(
                data_dir=data_dir / "postgres", log_path=logs / "postgres.log"
            )
            database_url = stack.enter_context(postgres).url
            servers["postgres"] = postgres
        infra = Infra(
            nats_url,
            database_url,
            not environ.get("NATS_URL"),
            not environ.get("DATABASE_URL"),
            servers,
        )
        try:
            migrate(infra, environ)
        except psycopg.OperationalError as error:
            if infra.embedded_database:
                raise
            reason = str(error).strip().splitlines()[0]
            raise DevstackError(
                f"DATABASE_URL {without_password(database_url)} cannot be used ({reason}); "
                "start that Postgres or fix the URL, or unset DATABASE_URL to run the "
                "embedded one"
            ) from None
        yield infra


def without_password(url: str) -> str:
    """The URL to show in a message: any `user:password@` becomes `user:***@`."""
    return re.sub(r"(//[^/@:]*):[^/@]*@", r"\1:***@", url)


def check_nats(url: str, timeout: float = 5.0) -> None:
    """A configured NATS_URL answers, or DevstackError says so before any service starts
    (otherwise each service retries it, logging a traceback a second, until the two-minute
    readiness timeout names a service rather than NATS)."""

    errors: list[Exception] = []

    async def note(error: Exception) -> None:
        errors.append(error)

    async def connect() -> None:
        # nats-py retries a refused first connection however reconnects are set: bound it.
        client = await asyncio.wait_for(
            nats_client.connect(
                servers=[part.strip() for part in url.split(",") if part.strip()],
                connect_timeout=timeout,
                allow_reconnect=False,
                error_cb=note,
            ),
            timeout,
        )
        await client.close()

    try:
        asyncio.run(connect())
    except Exception as error:
        last = errors[-1] if errors else error
        if isinstance(last, ConnectionRefusedError):
            reason = "connection refused"
        elif isinstance(last, TimeoutError):
            reason = f"no answer within {timeout:g} s"
        else:
            reason = getattr(last, "strerror", None) or str(last).strip() or type(last).__name__
        raise DevstackError(
            f"NATS_URL {without_password(url)} is not reachable ({reason}); start that NATS "
            "server or fix the URL, or unset NATS_URL to run the embedded one"
        ) from None


def migrate(infra: Infra, environ: Mapping[str, str]) -> list[str]:
    """Apply migrations, with the auth shim unless an external database opted out of it.

    Even when offered, the shim is applied only where `auth.uid()` does not exist (see
    logokraft_kit.migrate): a real Supabase DATABASE_URL gets the migrations alone.
    """
    supabase = find_supabase_dir(override=environ.get("LOGOKRAFT_SUPABASE_DIR"))
    with_shim = infra.embedded_database or environ.get("LOGOKRAFT_APPLY_SHIM", "1") != "0"
    return apply_migrations(
        infra.database_url,
        migrations_dir=supabase / "migrations",
        shim_dir=supabase / "shim" if with_shim else None,
    )


def stack_context(
    data_dir: Path, infra: Infra, environ: Mapping[str, str], *, terminal: bool = False
) -> StackContext:
    """The environment every child gets: infra URLs, the data dir, gRPC and HTTP addresses,
    and a metrics address each."""
    http_host = environ.get("LOGOKRAFT_HTTP_HOST") or "127.0.0.1"
    http_port = http_port_from(environ)
    env = dict(environ)
    env.update(
        NATS_URL=infra.nats_url,
        DATABASE_URL=infra.database_url,
        LOGOKRAFT_DATA_DIR=str(data_dir),
        LOGOKRAFT_HTTP_HOST=http_host,
        LOGOKRAFT_HTTP_PORT=str(http_port),
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("LOGOKRAFT_PUBLIC_URL", f"http://127.0.0.1:{http_port}")
    env.setdefault(
        "LOGOKRAFT_CORS_ORIGINS", dev_cors_origins(http_port, env["LOGOKRAFT_PUBLIC_URL"])
    )
    # The children's output reaches the person through this process: text if they watch it.
    env.setdefault("LOGOKRAFT_LOG_FORMAT", "text" if terminal else "json")
    counts = replica_counts(environ)
    replicas: list[Replica] = []
    for service, module, variable in SERVICES:
        count = counts[service]
        names = [service] if count == 1 else [f"{service}-{n}" for n in range(1, count + 1)]
        mine = [Replica(n, service, module, variable, f"127.0.0.1:{free_port()}") for n in names]
        env[variable] = gateway_target([replica.address for replica in mine])
        replicas.extend(mine)
    names = [*(replica.name for replica in replicas), "gateway"]
    metrics = {name: f"127.0.0.1:{free_port()}" for name in names}
    probe_host = "127.0.0.1" if http_host in ("0.0.0.0", "::", "") else http_host
    return StackContext(
        data_dir=data_dir,
        http_url=f"http://{probe_host}:{http_port}",
        env=env,
        metrics=metrics,
        replicas=tuple(replicas),
    )


def dev_cors_origins(http_port: int, public_url: str) -> str:
    """`make run`'s LOGOKRAFT_CORS_ORIGINS unless the user set it: the gateway's own origins
    (the studio page it serves, by 127.0.0.1, localhost or its public URL) and a front end in
    development on http://localhost:3000."""
    public = urlsplit(public_url)
    origins = [
        f"http://127.0.0.1:{http_port}",
        f"http://localhost:{http_port}",
        *([f"{public.scheme}://{public.netloc}"] if public.scheme and public.netloc else []),
        DEV_FRONTEND_ORIGIN,
    ]
    return ",".join(dict.fromkeys(origins))


def logokraft_children(context: StackContext) -> list[ChildSpec]:
    """The real processes: the gRPC services, each replica on its own (stage 0), then the
    gateway (stage 1). Each replica is ready when its own address answers SERVING."""
    children = [
        ChildSpec(
            replica.name,
            [sys.executable, "-m", replica.module],
            env=context.child_env(replica.name),
            ready=grpc_health_probe(replica.address),
        )
        for replica in context.replicas
    ]
    gateway = [sys.executable, "-m", "logokraft_gateway"]
    children.append(
        ChildSpec(
            "gateway",
            gateway,
            env=context.child_env("gateway"),
            stage=1,
            ready=http_probe(f"{context.http_url}/healthz"),
        )
    )
    return children


def http_port_from(environ: Mapping[str, str]) -> int:
    """LOGOKRAFT_HTTP_PORT, default 8000."""
    raw = environ.get("LOGOKRAFT_HTTP_PORT") or str(DEFAULT_HTTP_PORT)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise DevstackError(f"LOGOKRAFT_HTTP_PORT must be a port number, not {raw!r}")
    return int(raw)


def ensure_port_free(host: str, port: int) -> None:
    """Fail fast, with a hint, when the gateway's HTTP port is already taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as error:
            raise DevstackError(
                f"cannot use HTTP port {port} on {host}: {error.strerror}. Another program "
                f"(another `make run`?) holds it; stop it or pick a free port, e.g. "
                f"`make run LOGOKRAFT_HTTP_PORT={port + 1}`"
            ) from None


def banner(context: StackContext) -> str:
    """What to tell the user once everything is ready."""
    url = context.http_url
    rows = [(replica.name, replica.address) for replica in context.replicas] or [
        (name, context.env[variable]) for name, _, variable in SERVICES if variable in context.env
    ]
    width = max([9, *(len(name) for name, _ in rows)])
    # Commands that work as printed: with this stack's data dir (its token key) and URL when
    # they are not the ones `make token` and the CLI assume.
    own_dir = context.data_dir.resolve() != DEFAULT_DATA_DIR.resolve()
    prefix = f"LOGOKRAFT_DATA_DIR={shlex.quote(str(context.data_dir))} " if own_dir else ""
    token, token_s = f"{prefix}make token", f"{prefix}make -s token"
    api = "" if url == DEFAULT_API_URL else f" --api {url}"
    return "\n".join(
        [
            "",
            f"LogoKraft is running at {url}  (API docs: {url}/docs)",
            *(
                f"  {name:<{width}} gRPC  {address:<16} {_metrics(context, name)}"
                for name, address in rows
            ),
            f"  {'gateway':<{width}} HTTP  {url.removeprefix('http://'):<16} "
            f"{_metrics(context, 'gateway')}",
            *_balanced(context),
            f"  traces:       {_traces(context.env)}",
            f'  studio:       {url}/  (in a browser; "Continue as dev user" signs in)',
            f"  get a token:  {token}            (another user: {token} USER=bob)",
            f"  terminal:     .venv/bin/logokraft login --dev{api}, "
            f'then .venv/bin/logokraft new "Acme" -n 4',
            f'  try it:       curl -H "Authorization: Bearer $({token_s})" {url}/api/v1/projects',
            f"  data dir:     {context.data_dir}  (logs in {context.data_dir / 'logs'})",
            "Press Ctrl-C to stop.",
            "",
        ]
    )


def _balanced(context: StackContext) -> list[str]:
    """A line per service run as several replicas: the one target the gateway calls."""
    lines = []
    for service, _, variable in SERVICES:
        count = sum(1 for replica in context.replicas if replica.service == service)
        if count > 1:
            lines.append(
                f"  balanced:     the gateway calls {count} {service} replicas round robin "
                f"({variable}={context.env[variable]})"
            )
    return lines


def _traces(env: Mapping[str, str]) -> str:
    if not tracing_requested(env):
        return "off; set OTEL_EXPORTER_OTLP_ENDPOINT to export them (docs/OPERATIONS.md)"
    endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get(
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    return f"exported to {endpoint}" if endpoint else f"on ({env.get('OTEL_TRACES_EXPORTER')})"


def _metrics(context: StackContext, name: str) -> str:
    url = context.metrics_url(name)
    return f"metrics {url}" if url else ""


def run_stack(
    environ: Mapping[str, str] | None = None,
    *,
    children: ChildrenFactory = logokraft_children,
    out: TextIO | None = None,
    ready_timeout: float = 120.0,
) -> int:
    """Run infra and children until SIGINT/SIGTERM; return the process exit code."""
    environ = dict(os.environ if environ is None else environ)
    out = out or sys.stdout
    try:
        replica_counts(environ)  # refuse a bad count before anything starts
        data_dir = data_dir_from(environ)
        host = environ.get("LOGOKRAFT_HTTP_HOST") or "127.0.0.1"
        ensure_port_free(host, http_port_from(environ))
        with (
            lock_data_dir(data_dir),
            _sigterm_as_interrupt(),
            local_infra(data_dir, environ) as infra,
        ):
            context = stack_context(data_dir, infra, environ, terminal=out.isatty())
            supervisor = Supervisor(
                children(context), log_dir=data_dir / "logs", out=out, ready_timeout=ready_timeout
            )
            return asyncio.run(_supervise(supervisor, context, out, infra))
    except (DevstackError, StartupError) as error:
        print(f"devstack: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


async def _supervise(
    supervisor: Supervisor, context: StackContext, out: TextIO, infra: Infra | None = None
) -> int:
    """Start the children, print the banner, wait for a signal, stop the children."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    starting = asyncio.create_task(supervisor.start())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not starting.done():
        supervisor.say("stopping before everything was ready")
        starting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starting
        return 0
    starting.result()  # raises StartupError when a child could not start
    print(banner(context), file=out, flush=True)
    watching = asyncio.create_task(_watch_servers(supervisor, infra.servers if infra else {}))
    await stopping
    watching.cancel()
    supervisor.say("stopping")
    await supervisor.stop()
    return 0


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While embedded servers start or stop, let SIGTERM unwind like Ctrl-C so they stop too."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
