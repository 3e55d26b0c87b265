"""Children die with their parent, and start cleanly while gRPC is busy in the parent."""

from __future__ import annotations

import asyncio
import os
import pwd
import signal
import subprocess
import sys
import textwrap

import grpc
import psutil
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from logokraft_dev.devstack._process import die_with_parent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux"),
]

# A parent that starts a long-lived child through die_with_parent, reports its pid, and waits.
PARENT = textwrap.dedent("""
    import subprocess, sys
    from logokraft_dev.devstack._process import die_with_parent
    child = subprocess.Popen(
        die_with_parent([sys.executable, "-c", "import time; time.sleep(600)"]),
        start_new_session=True,
    )
    print(child.pid, flush=True)
    child.wait()
""")


def test_a_child_is_signalled_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = psutil.Process(int(parent.stdout.readline()))
        assert child.is_running()
        parent.kill()
        parent.wait(10)
        # psutil.wait raises TimeoutExpired if the child outlives its parent.
        child.wait(timeout=20)
    finally:
        parent.kill()


def test_the_program_runs_in_the_wrapper_s_place_with_its_arguments() -> None:
    argv = [sys.executable, "-c", "import os, sys; print(os.getpid(), sys.argv[1:])", "a b", "c"]
    proc = subprocess.run(die_with_parent(argv), capture_output=True, text=True, check=True)
    pid, args = proc.stdout.split(" ", 1)
    assert args.strip() == "['a b', 'c']"
    assert proc.returncode == 0 and pid.isdigit()


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping to another user needs root")
def test_run_as_drops_to_the_user_before_arming_the_signal() -> None:
    nobody = pwd.getpwnam("nobody")
    argv = ["/bin/sh", "-c", "id -u; id -g; id -G"]
    ids = (nobody.pw_uid, nobody.pw_gid)
    proc = subprocess.run(
        die_with_parent(argv, run_as=ids), capture_output=True, text=True, check=True
    )
    uid, gid, groups = proc.stdout.split("\n")[:3]
    assert (int(uid), int(gid)) == ids
    assert groups.split() == [str(nobody.pw_gid)]  # supplementary groups dropped


async def test_children_start_cleanly_while_grpc_threads_are_busy() -> None:
    """A `preexec_fn` ran Python between fork and exec; with gRPC busy, children crashed.

    Seen in CI: a service started by a fault test died at once with gRPC's
    "epoll_wait error: Bad file descriptor" (about one start in ten under this load).
    """
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health_aio.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    stop = asyncio.Event()

    async def load() -> None:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            while not stop.is_set():
                await stub.Check(health_pb2.HealthCheckRequest())

    callers = [asyncio.create_task(load()) for _ in range(8)]
    argv = die_with_parent([sys.executable, "-I", "-S", "-c", "print('ok')"], signal.SIGKILL)
    try:
        for _ in range(60):
            child = await asyncio.to_thread(
                subprocess.run, argv, capture_output=True, text=True, start_new_session=True
            )
            assert (child.returncode, child.stdout) == (0, "ok\n"), child.stderr
    finally:
        stop.set()
        await asyncio.gather(*callers)
        await server.stop(None)
