"""The embedded servers and the supervisor, with real processes and tiny stand-in children."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import jwt
import nats
import psutil
import psycopg
import pytest

from logokraft_dev.devstack import (
    ChildSpec,
    Probe,
    StartupError,
    Supervisor,
    free_port,
    http_probe,
    start_nats,
    start_postgres,
)
from logokraft_dev.devstack.stack import (
    DevstackError,
    Infra,
    StackContext,
    banner,
    check_nats,
    local_infra,
    lock_data_dir,
    run_stack,
    stack_context,
)
from logokraft_dev.devtokens import dev_user_id

pytestmark = pytest.mark.integration

# A stand-in service: serves GET -> 200 on argv[1]; with argv[2], first insists that URL answers.
HTTP_CHILD = textwrap.dedent("""
    import http.server, sys, urllib.request
    if len(sys.argv) > 2:
        urllib.request.urlopen(sys.argv[2], timeout=2)
    class Ok(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
        def log_message(self, *args):
            pass
    print("serving", sys.argv[1], flush=True)
    http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ok).serve_forever()
""")


def http_child(name: str, port: int, *, needs: str | None = None, stage: int = 0) -> ChildSpec:
    """A stand-in child answering HTTP on `port`, ready when it does."""
    argv = [sys.executable, "-c", HTTP_CHILD, str(port), *([needs] if needs else [])]
    return ChildSpec(name, argv, ready=http_probe(f"http://127.0.0.1:{port}/"), stage=stage)


def nobody_listening() -> Probe:
    """A probe that never answers ready (a free port nobody listens on)."""
    return http_probe(f"http://127.0.0.1:{free_port()}/")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's ephemeral range")
def test_free_port_is_outside_the_range_the_kernel_hands_out(monkeypatch) -> None:
    """An outgoing connection can take a port from the ephemeral range between the
    probe and the server's bind (CI saw "Address already in use"); ports below it are safe."""
    from logokraft_dev.devstack import _process

    kernel_range = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    low, high = (int(part) for part in kernel_range)
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == 50
    assert not any(low <= port <= high for port in ports)
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))

    # A port someone is listening on is never chosen, even when the draw lands on it.
    busy, *others = sorted(port for port in ports if port < low)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", busy))
        taken.listen()
        draws = iter([busy - 1024, busy - 1024, *(port - 1024 for port in others)])
        monkeypatch.setattr(_process.secrets, "randbelow", lambda _n: next(draws))
        monkeypatch.setattr(_process.secrets, "choice", lambda pool: pool[0])
        monkeypatch.setattr(_process, "_HANDED_OUT", set())
        assert free_port() in others


@pytest.fixture
def private_dir() -> Iterator[Path]:
    """A fresh 0700 directory under the system temp dir, like `mktemp -d`; removed afterwards.

    Not pytest's tmp_path: a concurrent pytest run resets /tmp/pytest-of-<user> to 0700,
    which would lock out the Postgres server user while initdb runs.
    """
    path = Path(tempfile.mkdtemp(prefix="lk-devstack-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def gone(pid: int) -> bool:
    """True when the process no longer runs (a zombie counts as gone)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


# -- embedded NATS -------------------------------------------------------------------------------


async def test_nats_jetstream_survives_restart(tmp_path: Path) -> None:
    store = tmp_path / "nats"
    with start_nats(store_dir=store) as server:
        client = await nats.connect(server.url)
        js = client.jetstream()
        await js.add_stream(name="DEVSTACK", subjects=["devstack.>"])
        await js.publish("devstack.hello", b"kept")
        await client.close()
    assert gone(server.pid)

    with start_nats(store_dir=store) as again:
        client = await nats.connect(again.url)
        message = await client.jetstream().get_msg("DEVSTACK", seq=1)
        await client.close()
    assert message.data == b"kept"


# -- embedded Postgres ---------------------------------------------------------------------------


def test_postgres_data_survives_restart(private_dir: Path) -> None:
    # private_dir is 0700 like `mktemp -d`: as root, the server user must still reach it.
    data_dir = private_dir / "pg"
    with start_postgres(data_dir=data_dir) as server:
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute("create table kept (value text)")
            conn.execute("insert into kept values ('hello')")
        first_port = server.port
    assert gone(server.pid)

    with start_postgres(data_dir=data_dir) as again, psycopg.connect(again.url) as conn:
        assert conn.execute("select value from kept").fetchall() == [("hello",)]
        assert again.url == f"postgresql://postgres@127.0.0.1:{again.port}/postgres"
    assert again.port != 0 and first_port != 0


def test_postgres_starts_after_a_killed_run(private_dir: Path) -> None:
    data_dir = private_dir / "pg"
    server = start_postgres(data_dir=data_dir)
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute("create table kept as select 42 as answer")
    os.kill(server.pid, signal.SIGKILL)
    server.stop()
    assert (data_dir / "postmaster.pid").exists()  # stale, from the killed run

    with start_postgres(data_dir=data_dir) as again, psycopg.connect(again.url) as conn:
        assert conn.execute("select answer from kept").fetchone() == (42,)


def test_postgres_two_servers_side_by_side(private_dir: Path) -> None:
    with (
        start_postgres(data_dir=private_dir / "a", durable=False) as first,
        start_postgres(data_dir=private_dir / "b", durable=False) as second,
    ):
        assert first.port != second.port
        for server in (first, second):
            with psycopg.connect(server.url) as conn:
                assert conn.execute("show fsync").fetchone() == ("off",)


# -- supervisor ----------------------------------------------------------------------------------


async def test_supervisor_starts_a_stage_once_the_previous_one_is_ready() -> None:
    service_port, gateway_port = free_port(), free_port()
    out = io.StringIO()
    children = [
        http_child("service", service_port),
        # Exits with an error if started before the service answers.
        http_child("gateway", gateway_port, needs=f"http://127.0.0.1:{service_port}/", stage=1),
    ]
    async with Supervisor(children, out=out) as supervisor:
        assert supervisor.is_ready("service")
        assert supervisor.is_ready("gateway")
        assert await http_probe(f"http://127.0.0.1:{gateway_port}/")()
        pids = [supervisor.pid("service"), supervisor.pid("gateway")]
    assert all(pid is not None and gone(pid) for pid in pids)
    assert f"service  | serving {service_port}" in out.getvalue()


async def test_supervisor_names_a_child_that_dies_before_ready(tmp_path: Path) -> None:
    script = "import sys; print('boom: PROMPT_API_KEY is missing'); sys.exit(3)"
    children = [
        http_child("fine", free_port()),
        ChildSpec("prompt", [sys.executable, "-c", script], ready=nobody_listening()),
    ]
    supervisor = Supervisor(children, out=io.StringIO(), log_dir=tmp_path / "logs")
    with pytest.raises(StartupError, match="prompt exited with code 3") as error:
        await supervisor.start()
    assert "boom: PROMPT_API_KEY is missing" in str(error.value)
    assert supervisor.pid("fine") is None  # what had started was stopped again
    assert "boom" in (tmp_path / "logs" / "prompt.log").read_text()


async def test_supervisor_times_out_a_child_that_never_gets_ready() -> None:
    script = "import time; print('warming up', flush=True); time.sleep(60)"
    never = ChildSpec("slow", [sys.executable, "-c", script], ready=nobody_listening())
    supervisor = Supervisor([never], out=io.StringIO(), ready_timeout=0.5, grace=1)
    with pytest.raises(StartupError, match="slow was not ready within") as error:
        await supervisor.start()
    assert "warming up" in str(error.value)


async def test_supervisor_cancelled_while_starting_leaves_no_task_behind() -> None:
    """Ctrl-C during `make run`'s startup cancels start(): the readiness waits go with it, so
    no "Task exception was never retrieved" traceback follows "stopping before everything
    was ready"."""
    script = "import time; print('warming up', flush=True); time.sleep(60)"
    slow = ChildSpec("slow", [sys.executable, "-c", script], ready=nobody_listening())
    supervisor = Supervisor([slow], out=io.StringIO(), grace=1)
    unretrieved: list[dict] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: unretrieved.append(context))
    try:
        starting = asyncio.create_task(supervisor.start())
        async with asyncio.timeout(30):
            await supervisor.wait_for(lambda: supervisor.pid("slow") is not None)
        starting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await starting
        leftover = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert leftover == []
        gc.collect()
        assert unretrieved == []
    finally:
        loop.set_exception_handler(None)


async def test_supervisor_restarts_a_killed_child() -> None:
    out = io.StringIO()
    async with Supervisor([http_child("svc", free_port())], out=out, backoff=0.05) as supervisor:
        first = supervisor.pid("svc")
        assert first is not None
        os.kill(first, signal.SIGKILL)
        async with asyncio.timeout(30):
            await supervisor.wait_for(
                lambda: supervisor.restarts("svc") == 1 and supervisor.is_ready("svc")
            )
        assert supervisor.pid("svc") not in (None, first)
    assert "svc exited with code -9; restarting" in out.getvalue()
    assert "svc is ready again" in out.getvalue()


async def test_supervisor_kills_a_child_that_ignores_sigterm() -> None:
    script = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
        "print('stubborn', flush=True); time.sleep(60)"
    )
    child = ChildSpec("stubborn", [sys.executable, "-c", script])
    supervisor = Supervisor([child], out=io.StringIO(), grace=0.3)
    await supervisor.start()
    pid = supervisor.pid("stubborn")
    assert pid is not None
    await supervisor.stop()
    assert gone(pid)


# -- the `run` command ---------------------------------------------------------------------------

# Stand-ins for the real processes: a gRPC service answering grpc.health.v1, and a "gateway" that
# first proves migrations ran and NATS answers, then serves /healthz on LOGOKRAFT_HTTP_PORT.
GRPC_STANDIN = textwrap.dedent("""
    import asyncio, os, grpc
    from grpc_health.v1 import health, health_pb2_grpc
    async def main():
        server = grpc.aio.server()
        health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
        server.add_insecure_port(os.environ["LOGOKRAFT_PROMPT_GRPC"])
        await server.start()
        print("grpc up", flush=True)
        await server.wait_for_termination()
    asyncio.run(main())
""")
GATEWAY_STANDIN = textwrap.dedent("""
    import os, socket, psycopg
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        assert conn.execute("select to_regclass('public.brand_projects')").fetchone()[0]
    host, port = os.environ["NATS_URL"].removeprefix("nats://").rsplit(":", 1)
    socket.create_connection((host, int(port)), timeout=2).close()
""") + HTTP_CHILD.replace("int(sys.argv[1])", 'int(os.environ["LOGOKRAFT_HTTP_PORT"])')
RUN_SCRIPT = textwrap.dedent("""
    import sys
    from logokraft_dev.devstack import ChildSpec, grpc_health_probe, http_probe
    from logokraft_dev.devstack.stack import run_stack
    def children(ctx):
        grpc = ChildSpec("prompt", [sys.executable, "-c", sys.argv[1]], env=ctx.env,
                         ready=grpc_health_probe(ctx.env["LOGOKRAFT_PROMPT_GRPC"]))
        gateway = ChildSpec("gateway", [sys.executable, "-c", sys.argv[2], "x"], env=ctx.env,
                            ready=http_probe(ctx.http_url + "/healthz"), stage=1)
        return [grpc, gateway]
    sys.exit(run_stack(children=children))
""")


def start_stack(data_dir: Path, http_port: int) -> subprocess.Popen[str]:
    """`run` in a subprocess with stand-in children and embedded NATS and Postgres."""
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "DATABASE_URL")}
    env.update(LOGOKRAFT_DATA_DIR=str(data_dir), LOGOKRAFT_HTTP_PORT=str(http_port))
    return subprocess.Popen(
        [sys.executable, "-c", RUN_SCRIPT, GRPC_STANDIN, GATEWAY_STANDIN],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until_ready(proc: subprocess.Popen[str]) -> str:
    """The stack's output up to its banner (fails with the output if it exits first)."""
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("LogoKraft is running at"):
            return "".join(seen)
    raise AssertionError("the stack exited before it was ready:\n" + "".join(seen))


def test_run_two_stacks_side_by_side_then_stop_cleanly_on_sigterm(private_dir: Path) -> None:
    ports = [free_port(), free_port()]
    stacks = [start_stack(private_dir / f"data{i}", port) for i, port in enumerate(ports)]
    try:
        outputs = [read_until_ready(stack) for stack in stacks]
        trees = [psutil.Process(stack.pid).children(recursive=True) for stack in stacks]
        for output, port, tree in zip(outputs, ports, trees, strict=True):
            assert f"LogoKraft is running at http://127.0.0.1:{port}" in output
            names = {process.name() for process in tree}
            assert {"postgres", "nats-server"} <= names
        for stack in stacks:
            stack.send_signal(signal.SIGTERM)
        assert [stack.wait(timeout=60) for stack in stacks] == [0, 0]
        assert all(gone(process.pid) for tree in trees for process in tree)
        assert (private_dir / "data0" / "logs" / "gateway.log").exists()
    finally:
        for stack in stacks:
            stack.kill()
            stack.wait()


def test_run_fails_fast_when_the_http_port_is_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environ = {"LOGOKRAFT_DATA_DIR": str(tmp_path), "LOGOKRAFT_HTTP_PORT": str(port)}
        assert run_stack(environ) == 1
    assert f"cannot use HTTP port {port}" in capsys.readouterr().err
    assert not (tmp_path / "postgres").exists()  # nothing was started


def test_run_refuses_a_data_dir_already_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environ = {"LOGOKRAFT_DATA_DIR": str(tmp_path), "LOGOKRAFT_HTTP_PORT": str(free_port())}
    with lock_data_dir(tmp_path):
        assert run_stack(environ) == 1
    assert "another devstack is already running" in capsys.readouterr().err


def test_token_command_prints_only_a_token(tmp_path: Path) -> None:
    env = {**os.environ, "LOGOKRAFT_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "logokraft_dev.devstack", "token", "--user", "bob"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == str(dev_user_id("bob"))


def test_the_banner_lists_each_service_grpc_address(tmp_path: Path) -> None:
    env = {
        "LOGOKRAFT_PROMPT_GRPC": "127.0.0.1:41001",
        "LOGOKRAFT_IMAGEGEN_GRPC": "127.0.0.1:41002",
        "LOGOKRAFT_REFINE_GRPC": "127.0.0.1:41003",
    }
    text = banner(StackContext(data_dir=tmp_path, http_url="http://127.0.0.1:8000", env=env))
    lines = [line.split() for line in text.splitlines()]
    assert ["prompt", "gRPC", "127.0.0.1:41001"] in lines
    assert ["imagegen", "gRPC", "127.0.0.1:41002"] in lines
    assert ["refine", "gRPC", "127.0.0.1:41003"] in lines


def test_each_child_gets_its_own_metrics_port_and_trace_name(tmp_path: Path) -> None:
    infra = Infra("nats://127.0.0.1:4222", "postgresql://x", True, True)
    context = stack_context(tmp_path, infra, {}, terminal=False)
    envs = {name: context.child_env(name) for name in ("prompt", "imagegen", "refine", "gateway")}
    addresses = {env["LOGOKRAFT_METRICS_ADDRESS"] for env in envs.values()}
    assert len(addresses) == 4, "one metrics port per process"
    assert {env["OTEL_SERVICE_NAME"] for env in envs.values()} == {
        f"logokraft-{name}" for name in envs
    }
    assert all(env["LOGOKRAFT_LOG_FORMAT"] == "json" for env in envs.values())
    text = banner(context)
    for name, env in envs.items():
        url = f"http://{env['LOGOKRAFT_METRICS_ADDRESS']}/metrics"
        [line] = [line for line in text.splitlines() if line.split()[:1] == [name]]
        assert line.endswith(f"metrics {url}"), line
    assert "traces:       off; set OTEL_EXPORTER_OTLP_ENDPOINT" in text


def test_children_log_text_when_make_run_is_on_a_terminal_unless_told(tmp_path: Path) -> None:
    infra = Infra("nats://127.0.0.1:4222", "postgresql://x", True, True)
    on_terminal = stack_context(tmp_path, infra, {}, terminal=True)
    assert on_terminal.child_env("prompt")["LOGOKRAFT_LOG_FORMAT"] == "text"
    told = stack_context(tmp_path, infra, {"LOGOKRAFT_LOG_FORMAT": "json"}, terminal=True)
    assert told.child_env("prompt")["LOGOKRAFT_LOG_FORMAT"] == "json"
    traced = stack_context(
        tmp_path, infra, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, terminal=True
    )
    assert "traces:       exported to http://127.0.0.1:4318" in banner(traced)


def test_the_banner_commands_work_for_this_stack(tmp_path: Path, monkeypatch) -> None:
    """On another port or data dir, the banner's token and login commands name them: the
    defaults would sign tokens with another data dir's key (401) or reach no server."""
    monkeypatch.chdir(tmp_path)
    default = banner(StackContext(data_dir=tmp_path / ".logokraft", http_url=DEFAULT_URL, env={}))
    assert "  get a token:  make token " in default and "LOGOKRAFT_DATA_DIR" not in default
    assert "login --dev, then" in default
    # `logokraft` alone is not on a fresh clone's PATH: "command not found".
    assert 'then .venv/bin/logokraft new "Acme" -n 4' in default
    own = tmp_path / "my data"
    text = banner(StackContext(data_dir=own, http_url="http://127.0.0.1:18523", env={}))
    assert f"get a token:  LOGOKRAFT_DATA_DIR='{own}' make token " in text
    assert "login --dev --api http://127.0.0.1:18523, then" in text
    assert f"$(LOGOKRAFT_DATA_DIR='{own}' make -s token)" in text


DEFAULT_URL = "http://127.0.0.1:8000"


# -- configured NATS_URL / DATABASE_URL ------------------------------------------------------


def test_an_unreachable_nats_url_is_named_before_any_service_starts() -> None:
    """`make run NATS_URL=...` with nothing there waited the two-minute readiness timeout,
    each service logging a NATS traceback a second, then named imagegen, not NATS."""
    url = f"nats://user:hunter2@127.0.0.1:{free_port()}"
    with pytest.raises(DevstackError) as refused:
        check_nats(url, timeout=2)
    message = str(refused.value)
    assert "NATS_URL nats://user:***@127.0.0.1:" in message and "hunter2" not in message
    assert "connection refused" in message and "unset NATS_URL" in message


def test_a_configured_nats_that_answers_passes(tmp_path: Path) -> None:
    with start_nats(store_dir=tmp_path / "nats", log_path=tmp_path / "nats.log") as nats:
        check_nats(nats.url)


def test_an_unreachable_database_url_is_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    """The migration's psycopg.OperationalError reached the terminal as a traceback."""
    url = f"postgresql://user:hunter2@127.0.0.1:{free_port()}/postgres"
    with pytest.raises(DevstackError) as refused, local_infra(tmp_path, {"DATABASE_URL": url}):
        pass
    message = str(refused.value)
    assert "DATABASE_URL postgresql://user:***@127.0.0.1:" in message
    assert "hunter2" not in message and "Connection refused" in message
    assert "unset DATABASE_URL" in message
