"""Helpers for fault tests: services as real child processes, and waiting on database state.

A `ServiceProcess` runs `python -m logokraft_<service>` with the test's settings in its
environment, on a free gRPC port, logging to a file; tests kill it (SIGKILL), stop it
gracefully (SIGTERM) and read its health. `wait_for` polls a condition with a bounded
deadline instead of sleeping for a guessed time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import grpc
import psycopg
from grpc_health.v1 import health_pb2, health_pb2_grpc
from psycopg.rows import dict_row

from logokraft_dev.devstack import free_port
from logokraft_dev.devstack._process import die_with_parent, stop_process, tail

T = TypeVar("T")

GRPC_ADDRESS_VARIABLE = {
    "logokraft_prompt": "LOGOKRAFT_PROMPT_GRPC",
    "logokraft_imagegen": "LOGOKRAFT_IMAGEGEN_GRPC",
    "logokraft_refine": "LOGOKRAFT_REFINE_GRPC",
}
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


class ServiceProcess:
    """One service as a child process of the test."""

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


async def rows(database_url: str, sql: str, params: Any = None) -> list[dict[str, Any]]:
    """Run one query as the database owner (no RLS) on a fresh connection."""
    async with await psycopg.AsyncConnection.connect(
        database_url, row_factory=dict_row, autocommit=True, connect_timeout=5
    ) as conn:
        cursor = await conn.execute(sql, params)
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
